"""Containers -> porto_container_* (and porto_daemon_containers{state}).

Every cycle reads the fast properties (counters, state, change_time) of every
container; the spec tier (limits, labels, info, owned controllers) is re-read
only for containers whose change_time moved (and their relatives, whose
hierarchical totals they move), and the slow tier (the properties that cost
portod most: process/thread counts, virtual memory, ...) only every
``slow_interval``, its last values served in between. The slow tier is split
by property group (``read_plan.slow_parts``) and the parts take turns spread
over the interval, so no cycle carries all of it (the first part comes with
the second cycle: the first one already reads every spec). Only properties
portod lists (ListProperties, ListDataProperties; asked once per connection)
are asked for: an older portod lacks some (5.3.15 has no PSI). The typed v5
ListContainersBy is preferred; when portod answers InvalidMethod (or
``api="v4"``) the v4 Get with string parsing gives the same samples.

This module only decides what each cycle reads; ``container_reads`` reads it,
``container_emit`` turns readings into samples and keeps what is cached.
Turning replies into readings and readings into samples is done in slices
(``steps.Worker``), so a big host does not freeze the event loop for the length of
a conversion.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Literal

from ..catalog import CGROUP_VERSION, CONTAINER_METRICS, OPT_IN_GROUPS, ContainerMetric
from ..porto import errors
from ..samples import Batch
from .base import CollectContext, Collector
from .cgroup_layout import UNKNOWN, CgroupLayout, learn_layout
from .container_emit import ContainerEmitter
from .container_reads import ContainerReader, CycleRead, Reading
from .kubernetes import Kubernetes
from .labels import LabelAllowlist
from .namespace import ROOT, Namespace, NamespaceLearner
from .namespace_top import TopReader
from .read_plan import slow_parts
from .selection import Selection
from .steps import Worker

Api = Literal["auto", "v5", "v4"]
log = logging.getLogger(__name__)


class ContainersCollector(Collector):
    name = "containers"

    def __init__(
        self,
        *,
        selection: Selection | None = None,
        allowlist: LabelAllowlist | None = None,
        disabled_groups: Iterable[str] = OPT_IN_GROUPS,  # as the CLI: the opt-in groups only when asked for
        api: Api = "auto",
        slow_interval: float = 0.0,
        clock: Callable[[], float] = time.monotonic,
        kubernetes: Kubernetes | None = None,
    ) -> None:
        self.selection = selection or Selection()
        disabled = set(disabled_groups)
        self.metrics = tuple(cm for cm in CONTAINER_METRICS if cm.group not in disabled)
        self.fast = tuple(cm for cm in self.metrics if cm.tier == "fast")
        self.slow = tuple(cm for cm in self.metrics if cm.tier == "slow")
        self.spec = tuple(cm for cm in self.metrics if cm.tier == "spec")
        self.api: Api = api
        self.slow_interval = slow_interval
        self._clock = clock
        self.slow_parts = slow_parts(self.slow)
        self._slow_due: list[float] | None = None  # each part's next turn, set at the first warm cycle
        # properties portod does not list (asked once, then judged) and those dropped since: nobody had a value
        self.suspects: set[str] = set()
        self.dropped: set[str] = set()
        self._known_at: int | None = None  # the client's generation when portod was last asked what it lists
        self.layout: CgroupLayout = UNKNOWN  # its cgroup version (cgroup_layout): what its values mean
        self.reader = ContainerReader(self.selection, self.spec)
        self.allowlist = allowlist or LabelAllowlist()
        self.kubernetes = kubernetes or Kubernetes()
        self.emitter = ContainerEmitter(self.selection, self.allowlist, self.metrics, self.kubernetes)
        self.worker = Worker()
        self._one_cycle = asyncio.Lock()
        self._include_matched: bool | None = None  # whether the include masks matched a container (None: not read)
        self.where = NamespaceLearner()  # where the client is (``namespace``), asked once per connection
        self.namespace: Namespace | None = None  # what it said last: how series are named
        self.top = TopReader()

    async def collect(self, ctx: CollectContext) -> Batch:
        async with self._one_cycle:  # two overlapping calls would read and write the same caches
            return await self._collect(ctx)

    async def _collect(self, ctx: CollectContext) -> Batch:
        now = self._clock()
        ns = await self.learn(ctx)
        # The first cycle reads every container's spec; the slow tier waits for the next one, so no
        # cycle pays for both (a cold cycle costs about what a cycle with the slow tier does).
        due = self._due_parts(now) if self.emitter.cache else []
        fast = self._usable(self.fast) + tuple(cm for part in due for cm in self._usable(self.slow_parts[part]))
        cache = self.emitter.cache
        run = self.worker.run
        readings: CycleRead
        if self.api != "v4":
            try:
                readings = await self.reader.read_v5(ctx, fast, cache, run)
                self.api = "v5"
            except errors.InvalidMethod:
                if self.api == "v5":
                    raise
                self.api = "v4"
                self.reader.cursor = None
        if self.api == "v4":
            readings = await self.reader.read_v4(ctx, fast, cache, run)
        if ns.isolated:  # the host's root is not this namespace's: its top container in its place
            await self.top.substitute(ctx, ns, readings, fast, self.reader.spec, cache)
        batch = await run(self.emitter.emit(readings, due))
        if self.layout.version:
            batch.add(CGROUP_VERSION.name, (), self.layout.version)
        # Only now are the readings taken: a cycle that failed, timed out or was cancelled before this
        # point leaves the cursor and the slow tier's due time where they were, so it is read again.
        self.reader.commit(readings)
        self._forgive_unknown(readings)
        self.kubernetes.end_cycle(readings.tally.parse_errors)
        readings.tally.add_to(ctx)
        for allowlist, which in ((self.allowlist, "labels"), (self.kubernetes.allowlist, "kubernetes")):
            if found := allowlist.take_conflicts():  # label keys that sanitize to one name: each set once
                ctx.label_conflicts[which] += found
        self._check_include(readings)
        if self._slow_due is not None:
            for part in due:
                self._slow_due[part] = now + self.slow_interval
        if self.suspects:
            self._judge_suspects(readings, (*fast, *(self.reader.spec if readings.changed else ())))
        return batch

    async def learn(self, ctx: CollectContext) -> Namespace:
        """What is asked once per connection (the properties portod lists, its cgroup layout, where the client
        is; each cycle calls it, and asks again only on a new connection); the namespace series are named by."""
        await self._learn_properties(ctx)
        return self._place(await self.where.learn(ctx.client))

    def _forgive_unknown(self, readings: CycleRead) -> None:
        """A property portod does not list, refused as unknown on its one trial read, is no error: an older portod."""
        if self.suspects:
            errors_ = readings.tally.property_errors
            for key in [k for k in errors_ if k[1] == "InvalidProperty" and k[0] in self.suspects]:
                del errors_[key]

    def _place(self, ns: Namespace) -> Namespace:
        """Name series as the host does, wherever the client is (``namespace``); requests keep portod's names.

        In an isolating namespace the reads leave the host's root out (``/`` there is the whole host), and
        the emitter labels the root's place with the namespace's top container (``namespace_top``).
        """
        if ns == self.namespace:
            return ns
        if self.namespace is not None:  # moved (a new portod, another container): nothing kept is named right
            self.emitter.cache.clear()
            self.reader.cursor = None
        if ns.container != ROOT:
            log.info(
                "containers: in Porto container %s, namespace %s (enable_porto=%s): series name containers "
                "as the host does",
                ns.container,
                ns.namespace,
                ns.enable_porto,
            )
        self.namespace = ns
        if ns.isolated:
            top = ns.top or ROOT  # without a top the root is dropped before it is labelled

            def display(name: str) -> str:
                return top if name == ROOT else ns.host_name(name)

            self.emitter.display = display
            self.reader.selection = replace(self.selection, exclude=(*self.selection.exclude, ROOT))
        else:
            self.emitter.display = None
            self.reader.selection = self.selection
        return ns

    def _check_include(self, readings: CycleRead) -> None:
        """Warn once when the include masks match no container (a typo looks healthy otherwise); say when they do.

        With include masks only the containers they match are read, so no reading means none matched.
        """
        include = self.selection.include
        if not include:
            return
        matched = bool(readings.readings)
        if matched == self._include_matched:
            return
        masks = " ".join(include)
        if not matched:
            log.warning(
                "containers: --containers.include %s matches no container (of %d): no porto_container_* "
                "series are exported; check the masks",
                masks,
                sum(readings.states.values()) if readings.states is not None else 0,
            )
        elif self._include_matched is not None:
            log.info("containers: --containers.include %s now matches %d container(s)", masks, len(readings.readings))
        self._include_matched = matched

    def _due_parts(self, now: float) -> list[int]:
        """The slow tier's parts whose turn it is. The first time: turns spread evenly over the interval.

        A part counts as due up to half a turn early, so cycles a few milliseconds early on a
        real clock do not push it to the next cycle (and two parts into that one).
        """
        count = len(self.slow_parts)
        step = self.slow_interval / count if count else 0.0
        if self._slow_due is None:
            self._slow_due = [now + i * step for i in range(count)]
        return [i for i, due in enumerate(self._slow_due) if now + step / 2 >= due]

    def _usable(self, metrics: tuple[ContainerMetric, ...]) -> tuple[ContainerMetric, ...]:
        dropped = self.dropped
        return tuple(cm for cm in metrics if cm.prop not in dropped) if dropped else metrics

    async def _learn_properties(self, ctx: CollectContext) -> None:
        """Ask portod which properties it lists, once per connection (a new one may be a new portod).

        A property it does not list is a suspect, not yet dropped: portod 5.3.59 leaves out of its
        list some it answers (``dirty_limit``) as well as those it cannot give here (``cpu_wait`` on
        cgroup v1; PSI on 5.3.15). A suspect is asked for once; if no container has a value for it,
        it is left out of every read from then on (``_judge_suspects``) instead of asked for and
        refused each cycle. A portod that cannot list (the request fails) is asked for everything.
        """
        client = ctx.client
        stats = getattr(client, "stats", None)
        if self._known_at is not None and self._known_at == (stats.generation if stats is not None else 0):
            return
        try:
            names = {*await client.list_properties(), *await client.list_data_properties()}
        except errors.SocketError:
            raise  # no answer at all: the cycle fails as its reads would
        except errors.PortoError as exc:
            log.warning("containers: portod did not list its properties (%s): every property is asked for", exc)
            names = {cm.prop for cm in self.metrics}
        self.suspects = {cm.prop for cm in self.metrics} - names
        self.dropped = set()
        await self._learn_layout(ctx)
        self._known_at = stats.generation if stats is not None else 0
        self.reader.spec = self._usable(self.spec)

    async def _learn_layout(self, ctx: CollectContext) -> None:
        """Leave out what portod's cgroup version makes meaningless (``cgroup_layout``): not read, not exported."""
        self.layout = await learn_layout(ctx.client)
        meaningless = set(self.layout.meaningless) & {cm.prop for cm in self.metrics}
        self.dropped |= meaningless
        self.suspects -= meaningless

    def _judge_suspects(self, read: CycleRead, asked: Iterable[ContainerMetric]) -> None:
        """Drop each suspect property this cycle asked for that no container had a value of.

        A cycle that read no container at all (include masks matching nothing yet) proves nothing: judged later.
        """
        if not read.readings and not read.changed:
            return
        for cm in asked:
            if cm.prop not in self.suspects:
                continue
            self.suspects.discard(cm.prop)
            if not any(_has_value(r, cm) for r in (*read.readings, *read.changed.values())):
                self.dropped.add(cm.prop)
                log.info(
                    "containers: portod neither lists %s nor gave it for any container: not asked for again "
                    "(until portod is connected anew)",
                    cm.prop,
                )
        self.reader.spec = self._usable(self.spec)


def _has_value(r: Reading, cm: ContainerMetric) -> bool:
    """Whether portod gave ``cm``'s property for this container (a field set, or a v4 string)."""
    ct = r.typed
    if ct is None:
        return r.values.get(cm.prop) is not None
    part = ct.spec if cm.where == "spec" else ct.status
    return part.HasField(cm.field)
