"""Lifecycle events -> porto_container_exits_total, starts_total, start_failures_total, porto_events_*.

A container that starts and dies between two cycles never shows in a sample;
portod pushes every state change to an AsyncWait subscriber, with the exit
code when a container dies (-99: OOM kill, -N: signal N). The counters are
updated as pushes arrive (between and during cycles) and each cycle serves
their current values. Cardinality is bounded: ``group`` is the container name
cut to ``group_depth`` levels, and at most ``max_groups`` groups are kept;
past that a new group's events are counted under ``~other`` (and the group
under porto_events_groups_overflow_total). Groups are those that exist now: a
group whose last container is gone keeps its counters for ``group_ttl``
seconds, so that Prometheus scrapes their last values, and is then dropped
with them (a counter series that ends is what Prometheus expects of a thing
that is gone), which frees its place for a new group.

While the subscription is not up (never made, lost, being made again) the
collector fails with ``Degraded``: its success gauge reads 0 while its
counters, still right, are served (past --scrape.max-age too: they are
kept, not last-good data), and its data age grows from the moment the
subscription went down (or was first tried, if it never came up). A hung
portod (stopped, wedged: the socket open, nothing sent) is found by the
subscription's probe after ``idle`` seconds without a push, and counts as
down.

Each counter starts at 0, so that Prometheus' ``rate()`` and ``increase()`` count its first event (a series
born at 1 counts only from its second). A group's failure counters (exits by failure, signal and oom, start
failures: the ones alerts count, 4 series) are made when the group is first seen, from the subscription's
burst or the push of its first container; its successes and starts when they first happen. And every series
is served at 0 the first time it is served, whatever that cycle's pushes already counted (its count shows from
the next cycle: a group made together with its first job's end still counts that end, and so does a first
success, as long as Prometheus scrapes every cycle). Groups take their ``max_groups`` places when first seen;
``~other`` is made when a group first finds no room.

A start is counted when it has worked: a container entering ``running`` or
``meta`` from ``starting`` (or, for a respawn, from ``respawning``: portod
5.3 respawns without a ``starting`` push). A start that fails goes
``starting -> stopping -> stopped`` with ``start_error`` on the real daemon
and counts as a start failure only, so ``starts + start failures`` are the
attempts.

When the subscription comes back after a loss, portod's initial burst (the
current state of every container) is compared with the last state seen: a
container now dead (or respawning) that was not before died unseen; its exit
code is read with one batched Get on the next cycle and counted then. A
container that has run since (it was stopped, starting or unknown and is now
running, meta, paused, dead or respawning; or dead and now running) started
unseen, and one seen ``starting`` that is now ``stopped`` failed to start.
Containers that were created and destroyed entirely while disconnected cannot
be recovered.

Inside a Porto namespace portod pushes names relative to it; groups are cut from
those (``group_depth`` levels below the namespace) and labelled with the host's
name of the group, like the ``container`` label of every series (``namespace``).
The namespace is asked for when there is a group to name (once per connection
from then on); until portod has said (it was away the whole time) groups are
named as pushed.
"""

from __future__ import annotations

import contextlib
import time
from collections import Counter
from collections.abc import Callable

from ..catalog import (
    CONTAINER_EXITS,
    CONTAINER_START_FAILURES,
    CONTAINER_STARTS,
    EVENTS_CONNECTED,
    EVENTS_GROUPS,
    EVENTS_GROUPS_OVERFLOW,
    EVENTS_RECEIVED,
    EVENTS_RECONNECTS,
)
from ..porto.errors import PortoError
from ..porto.subscription import StateChange, Subscription
from .base import Batch, CollectContext, Collector, Degraded
from .namespace import NamespaceLearner
from .read_plan import chunks

OTHER = "~other"  # '~' is not allowed in Porto names: never a real group
MAX_GROUPS = 1000
GROUP_TTL = 300.0  # seconds an emptied group keeps its counters: longer than any sane scrape interval
IDLE = 15.0  # seconds without a push before the subscription probes portod (a hung one shows within 2 x IDLE)
REASONS = ("success", "failure", "signal", "oom")
FAILURES = ("failure", "oom", "signal")  # exit reasons made at 0 with their group (failure alerts count them)
LAUNCHING = ("starting", "respawning")  # a push of running/meta after one of these is a start that worked
UP = ("running", "meta")
NOT_RUN = (None, "stopped", "starting", "stopping")  # states (None: unknown) from which a later RAN means a start
RAN = ("running", "meta", "paused", "dead", "respawning")
DIED = ("dead", "respawning")  # the states portod pushes an exit_code with


def started_unseen(before: str | None, now: str) -> bool:
    """Whether a container last seen ``before`` (None: not seen) and now in ``now`` must have started meanwhile."""
    return (before in NOT_RUN and now in RAN) or (before in DIED and now in (*UP, "paused"))


def exit_reason(code: int) -> str:
    """What an exit_code push means: -99 OOM kill, -N signal N, 0 success, else failure."""
    if code == -99:
        return "oom"
    if code < 0:
        return "signal"
    return "success" if code == 0 else "failure"


class EventsCollector(Collector):
    """Counts container exits and starts from an AsyncWait subscription kept open between cycles."""

    name = "events"
    asks_portod = False  # serves counters it holds: porto_up is not its to set (porto_events_connected is)

    def __init__(
        self,
        group_depth: int = 1,
        masks: tuple[str, ...] = ("***",),
        max_groups: int = MAX_GROUPS,
        group_ttl: float = GROUP_TTL,
        idle: float | None = IDLE,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if group_depth < 1:
            raise ValueError(f"group depth must be at least 1, got {group_depth}")
        self.group_depth = group_depth
        self.masks = masks
        self.max_groups = max_groups
        self.group_ttl = group_ttl
        self.idle = idle
        self.clock = clock
        self.exits: Counter[tuple[str, str]] = Counter()
        self.starts: Counter[str] = Counter()
        self.start_failures: Counter[str] = Counter()
        self.bad_exit_codes = 0  # pushes whose exit_code is not a number: skipped, counted as parse errors
        self.group_overflows = 0  # groups counted under ~other (each once while it has containers)
        self.subscription: Subscription | None = None
        self._groups: dict[str, float | None] = {}  # kept groups -> when their last container went (None: has some)
        self._members: Counter[str] = Counter()  # containers known now, per group (kept or not)
        self._refused: set[str] = set()  # groups with containers now that did not fit: counted once
        self._shown: set[tuple[str, str, str]] = set()  # (family, group, reason) served once: at 0 that time
        self._other = False  # ~other has series: a group found no room once
        self._next_expiry = float("inf")  # the earliest time an emptied group may be dropped
        self._states: dict[str, str] = {}  # last state seen per container
        self._seen: set[str] = set()  # containers in the current burst
        self._baseline = False  # a first burst has been seen: later bursts are compared with it
        self._unseen_deaths: set[str] = set()  # dead in a re-subscription burst, exit code still to read
        self.where = NamespaceLearner()  # where the client is: group labels are the host's names

    # --- groups -----------------------------------------------------------

    def group_of(self, name: str) -> str:
        return "/".join(name.split("/", self.group_depth)[: self.group_depth])

    def group(self, name: str) -> str:
        """The group an event of ``name`` is counted under: its own while there is room, else ``~other``."""
        group = self.group_of(name)
        if group in self._groups:
            return group
        if len(self._groups) >= self.max_groups and self.clock() >= self._next_expiry:
            self.expire_groups()
        if len(self._groups) < self.max_groups:
            self._groups[group] = None if self._members[group] else self._emptied()
            self._refused.discard(group)
            return group
        if group not in self._refused:
            self.group_overflows += 1
            if self._members[group]:  # remembered while it exists, so that it is counted once
                self._refused.add(group)
        self._other = True
        return OTHER

    def _emptied(self) -> float:
        now = self.clock()
        self._next_expiry = min(self._next_expiry, now + self.group_ttl)
        return now

    def _known(self, name: str, state: str) -> None:
        """Record a container's state; a new container makes its group current again."""
        if name not in self._states:
            group = self.group_of(name)
            self._members[group] += 1
            if group in self._groups:
                self._groups[group] = None
            elif self._members[group] == 1 and group not in self._refused:
                self.group(name)  # first seen: a place and its series (at 0) from now on, if there is room
        self._states[name] = state

    def _forget(self, name: str) -> None:
        """A container is gone; the group's last one starts the group's time to live."""
        if self._states.pop(name, None) is None:
            return
        group = self.group_of(name)
        self._members[group] -= 1
        if self._members[group] <= 0:
            del self._members[group]
            self._refused.discard(group)
            if group in self._groups:
                self._groups[group] = self._emptied()

    def expire_groups(self) -> None:
        """Drop groups empty for ``group_ttl`` seconds, with their counters, making room for new ones."""
        now = self.clock()
        self._next_expiry = float("inf")
        gone = set()
        for group, since in list(self._groups.items()):
            if since is None:
                continue
            if now - since < self.group_ttl:
                self._next_expiry = min(self._next_expiry, since + self.group_ttl)
                continue
            del self._groups[group]
            gone.add(group)
            self.starts.pop(group, None)
            self.start_failures.pop(group, None)
            for reason in REASONS:
                self.exits.pop((group, reason), None)
        if gone:  # a group made again later starts at 0 again
            self._shown = {key for key in self._shown if key[1] not in gone}

    # --- pushes -----------------------------------------------------------

    def on_change(self, change: StateChange) -> None:
        name, state = change.name, change.state
        if not name:  # {name: "", state: "timeout"}: only with timeout_ms, which is never sent
            return
        before = self._states.get(name)
        if change.initial:
            self._seen.add(name)
            if self._baseline and before != state:  # compared with what was seen before the loss
                self._reconcile(name, before, state)
            self._known(name, state)
            return
        if state == "destroyed":
            self._forget(name)
            self._unseen_deaths.discard(name)
        else:
            self._known(name, state)
        if state in UP and before in LAUNCHING:
            self.starts[self.group(name)] += 1
        if change.label == "exit_code" and state in DIED:
            self._count_exit(name, change.value)
        elif change.label == "start_error":
            self.start_failures[self.group(name)] += 1

    def _reconcile(self, name: str, before: str | None, now: str) -> None:
        """A re-subscription's burst says ``now`` for a container last seen ``before``: count what happened unseen."""
        if now == "dead" or (now == "respawning" and before not in DIED):  # (dead -> respawning: no new death)
            self._unseen_deaths.add(name)  # its exit code is read on the next cycle
        if started_unseen(before, now):
            self.starts[self.group(name)] += 1
        elif before == "starting" and now == "stopped":  # starting ends in running/meta, or stopped when it failed
            self.start_failures[self.group(name)] += 1

    def _count_exit(self, name: str, value: str) -> None:
        try:
            code = int(value)
        except ValueError:
            self.bad_exit_codes += 1
            return
        self.exits[(self.group(name), exit_reason(code))] += 1

    def on_subscribed(self) -> None:
        """The burst is over: what was known and is not in it was destroyed while we were away."""
        for name in self._states.keys() - self._seen:
            self._forget(name)
            self._unseen_deaths.discard(name)
        self._seen = set()
        self._baseline = True

    def on_lost(self) -> None:
        self._seen = set()

    # --- cycles -----------------------------------------------------------

    async def collect(self, ctx: CollectContext) -> Batch:
        client = ctx.client
        if self.subscription is None:
            self.subscription = Subscription(
                client.socket_path,
                self.on_change,
                masks=self.masks,
                on_subscribed=self.on_subscribed,
                on_lost=self.on_lost,
                timeout=client.timeout,
                idle=self.idle,
            )
        sub = self.subscription
        sub.start()  # the first cycle; later, only if its task ended (which it never should: it says so)
        await sub.settled.wait()  # the first attempt's outcome (the scraper's deadline bounds the wait)
        if self._unseen_deaths and sub.stats.connected:
            await self._read_unseen_deaths(ctx)
        if self.bad_exit_codes:
            ctx.parse_errors["exit_code"] += self.bad_exit_codes
            self.bad_exit_codes = 0
        if self._groups:  # something to name: where the client is, asked once per connection
            with contextlib.suppress(PortoError):  # portod away: the subscription says so; names as last learned
                await self.where.learn(client)
        self.expire_groups()
        if not sub.stats.connected:
            raise Degraded(
                f"not subscribed to portod's pushes: {sub.problem or 'subscribing'}",
                self.samples(),
                sub.stats.down_since or time.time(),
            )
        return self.samples()

    async def _read_unseen_deaths(self, ctx: CollectContext) -> None:
        """Exit codes of containers that died while the subscription was down (read-only Get, chunked)."""
        names = sorted(self._unseen_deaths)
        for part in chunks(names):
            result = await ctx.client.get(part, ["exit_code"])
            for entry in result.containers:
                value = entry.values.get("exit_code")
                if isinstance(value, PortoError):
                    ctx.property_errors[("exit_code", value.name)] += 1
                elif isinstance(value, str):
                    self._count_exit(entry.name, value)
            self._unseen_deaths.difference_update(part)

    def samples(self) -> Batch:
        out = Batch()
        ns = self.where.current
        name = ns.host_name if ns is not None and ns.isolated else None
        groups = [*sorted(self._groups), *((OTHER,) if self._other else ())]
        for group in groups:
            label = _label(group, name)
            for reason in sorted(REASONS):
                if reason in FAILURES or (group, reason) in self.exits:
                    n = self._first("exits", group, reason, self.exits[(group, reason)])
                    out.add(CONTAINER_EXITS.name, (("group", label), ("reason", reason)), n)
        for group in groups:
            if group in self.starts:
                out.add(
                    CONTAINER_STARTS.name,
                    (("group", _label(group, name)),),
                    self._first("starts", group, "", self.starts[group]),
                )
        for group in groups:
            out.add(
                CONTAINER_START_FAILURES.name,
                (("group", _label(group, name)),),
                self._first("start_failures", group, "", self.start_failures[group]),
            )
        stats = self.subscription.stats if self.subscription is not None else None
        out.add(EVENTS_CONNECTED.name, (), 1 if stats is not None and stats.connected else 0)
        out.add(EVENTS_RECEIVED.name, (), stats.received if stats is not None else 0)
        out.add(EVENTS_RECONNECTS.name, (), max(0, stats.subscriptions - 1) if stats is not None else 0)
        out.add(EVENTS_GROUPS.name, (), len(self._groups))
        out.add(EVENTS_GROUPS_OVERFLOW.name, (), self.group_overflows)
        return out

    def _first(self, family: str, group: str, reason: str, n: int) -> int:
        """``n``, but 0 the first time a series is served: Prometheus then counts its first event."""
        key = (family, group, reason)
        if key in self._shown:
            return n
        self._shown.add(key)
        return 0

    async def close(self) -> None:
        if self.subscription is not None:
            await self.subscription.close()


def _label(group: str, host_name: Callable[[str], str] | None) -> str:
    """A group's label: the host's name of it inside a namespace (``~other`` stays)."""
    return group if host_name is None or group == OTHER else host_name(group)
