"""Containers -> porto_container_* (and porto_daemon_containers{state}).

Every cycle reads the fast properties (counters, state, change_time) of every
container; the spec tier (limits, labels, info, owned controllers) is re-read
only for containers whose change_time moved (and their relatives, whose
hierarchical totals they move), and the slow tier (the properties that cost
portod most: process/thread counts, virtual memory, ...) only every
``slow_interval``, its last values served in between (first on the second
cycle: the first one already reads every spec). The typed v5
ListContainersBy is preferred; when portod answers InvalidMethod (or
``api="v4"``) the v4 Get with string parsing gives the same samples.

This module only decides what each cycle reads; ``container_reads`` reads it,
``container_emit`` turns readings into samples and keeps what is cached. Only
the requests are made on the event loop: turning replies into readings and
readings into samples runs in a thread (``Worker``), so a big host does not
freeze the loop for the length of a conversion.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import time
from collections.abc import Callable, Iterable
from typing import Any, Literal, TypeVar

from ..catalog import CONTAINER_METRICS, OPT_IN_GROUPS
from ..porto import errors
from ..samples import Batch
from .base import CollectContext
from .container_emit import ContainerEmitter
from .container_reads import ContainerReader, CycleRead
from .labels import LabelAllowlist
from .selection import Selection

Api = Literal["auto", "v5", "v4"]
T = TypeVar("T")


class ContainersCollector:
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
        self._slow_due = 0.0
        self.reader = ContainerReader(self.selection, self.spec)
        self.emitter = ContainerEmitter(self.selection, allowlist or LabelAllowlist(), self.metrics)
        self.worker = Worker()
        self._one_cycle = asyncio.Lock()

    async def collect(self, ctx: CollectContext) -> Batch:
        async with self._one_cycle:  # two overlapping calls would read and write the same caches
            await self.worker.settle()
            return await self._collect(ctx)

    async def _collect(self, ctx: CollectContext) -> Batch:
        now = self._clock()
        # The first cycle reads every container's spec; the slow tier waits for the next one, so no
        # cycle pays for both (a cold cycle costs about what a cycle with the slow tier does).
        with_slow = now >= self._slow_due and bool(self.emitter.cache)
        fast = self.fast + (self.slow if with_slow else ())
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
        batch = await run(self.emitter.samples, readings, with_slow)
        # Only now are the readings taken: a cycle that failed, timed out or was cancelled before this
        # point leaves the cursor and the slow tier's due time where they were, so it is read again.
        self.reader.commit(readings)
        readings.tally.add_to(ctx)
        if with_slow:
            self._slow_due = now + self.slow_interval
        return batch


class Worker:
    """Runs a collector's CPU work (replies -> readings -> samples) in a thread, one step at a time.

    Turning 10,000 containers' replies into samples takes about a second of CPU: on the event
    loop nothing else would be served meanwhile (``/-/healthy`` included). The steps touch the
    collector's caches, so they never overlap each other nor the loop's use of them: each step
    is awaited before the collector goes on. A cycle cancelled at the scraper's deadline leaves
    its step running (a thread cannot be stopped); the next cycle waits for it (``settle``)
    before it reads anything.
    """

    def __init__(self) -> None:
        self._running: asyncio.Future[Any] | None = None
        self.cpu_seconds = 0.0  # the thread CPU time of the steps awaited to the end (the scraper's convert phase)

    async def run(self, fn: Callable[..., T], /, *args: Any) -> T:
        """``fn(*args)`` in the default executor's thread, once the previous step is over."""
        await self.settle()
        step = asyncio.get_running_loop().run_in_executor(None, _timed, functools.partial(fn, *args))
        step.add_done_callback(_retrieve)
        self._running = step
        result, seconds = await asyncio.shield(step)
        self.cpu_seconds += seconds
        return result

    async def settle(self) -> None:
        """Wait for a step whose cycle was given up; its outcome was that cycle's, not this one's."""
        step = self._running
        if step is not None and not step.done():
            with contextlib.suppress(Exception):
                await asyncio.shield(step)


def _timed(fn: Callable[[], T]) -> tuple[T, float]:
    """``fn()`` and the CPU time this thread spent on it."""
    started = time.thread_time()
    return fn(), time.thread_time() - started


def _retrieve(step: asyncio.Future[Any]) -> None:
    """Mark a step's exception seen: a cancelled cycle's step fails with nobody awaiting it (no asyncio noise)."""
    if not step.cancelled():
        step.exception()
