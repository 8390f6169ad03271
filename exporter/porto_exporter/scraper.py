"""The collection loop: run the collectors, render once, swap the snapshot atomically.

With an interval the loop runs in the background (with a little jitter);
with interval 0 each /metrics request triggers a cycle and concurrent
requests share it (single flight). The collectors run concurrently, each on
its own connection, and ``timeout`` bounds the whole cycle: one that misses it
is cancelled and its warning names the portod method it was waiting for. A
collector that fails or misses the deadline keeps serving its
last good samples until they are older than ``max_age``; ``porto_up`` and the
per-collector success gauges say what happened (from the first scrape on:
before the first cycle ends they read 0), and the per-collector data age says
how old what is served is. Stopping mid-cycle cancels and awaits the
collectors. A ``LoopLag`` measures how late the event loop runs, per cycle.

This module is the cycle and nothing else: the health samples and the exporter's per-scrape
metrics are ``selfmetrics``'s, giving memory back after a cycle is ``heap``'s, and what the
layers above do with each new snapshot's batches (the landing page's CPU rate) they register
as observers.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .collect.base import Batch, CollectContext, Collector, Degraded, Progress
from .exposition import Renderer, Snapshot, build_snapshot
from .heap import HeapKeeper
from .looplag import LoopLag
from .porto import PortoClient, PortoError
from .selfmetrics import CollectorRun, CyclePhases, health_batch

log = logging.getLogger(__name__)


def describe(exc: BaseException) -> str:
    """An exception as a reason: its message, or its type when it has none."""
    return str(exc) or type(exc).__name__


# Called after each cycle with the batches the new snapshot was rendered from and when they were read.
Observer = Callable[[list[Batch], float], None]


@dataclass
class _LastGood:
    samples: Batch
    at: float  # when they were last returned: dropped ``max_age`` after
    known: float  # when they were last known complete: the data age (earlier than ``at`` for a Degraded)


class Scraper:
    def __init__(
        self,
        client: PortoClient,
        collectors: Sequence[Collector],
        *,
        interval: float = 15.0,
        timeout: float = 10.0,
        max_age: float | None = None,
        jitter: float = 0.1,
    ) -> None:
        self.client = client
        self.collectors = list(collectors)
        self.interval = interval
        self.timeout = timeout
        self.max_age = max_age if max_age is not None else 3 * max(interval, timeout)
        self.jitter = jitter
        self.renderer = Renderer()
        self.context = CollectContext(client)
        client.reserve(len(self.collectors))  # each collector on its own connection
        self.snapshot: Snapshot | None = None
        self.ready = False
        self.up = False
        self.cycles = 0
        self.cycle_seconds = 0.0
        self.phases = CyclePhases()
        self.last_batches: list[Batch] = []  # what the current snapshot was rendered from
        self.heap = HeapKeeper()
        self._last_good: dict[str, _LastGood] = {}
        self.served: dict[str, float] = {}  # collector -> when the data the current snapshot holds was read
        self.simulated = False  # --demo serves its embedded simulator: porto_exporter_simulated says so
        self.loop_lag = LoopLag()
        self._failing: dict[str, str] = {}  # collector -> the failure last logged (logged again when it changes)
        self._inflight: asyncio.Task[Snapshot] | None = None
        self.observers: list[Observer] = []  # the landing page's CPU rate

    async def cycle(self) -> Snapshot:
        """One collection: every collector, then render off the event loop and swap."""
        started = time.perf_counter()
        now = time.time()
        batches: list[Batch] = []
        served: dict[str, float] = {}
        runs: list[CollectorRun] = []
        any_ok = False
        stats = self.client.stats
        busy0, decode0, cpu0 = stats.busy_seconds(), stats.decode_seconds, time.thread_time()
        durations: dict[str, float] = {}  # each collector's run, until it returned, failed or was cancelled
        self.context.progress = Progress(c.name for c in self.collectors)
        tasks = {
            c.name: asyncio.create_task(self._timed(c, durations), name=f"collector {c.name}") for c in self.collectors
        }
        try:
            if tasks:
                await asyncio.wait(tasks.values(), timeout=self.timeout)
            late = {name: self.client.waiting_for(task) for name, task in tasks.items() if not task.done()}
            for name in late:
                tasks[name].cancel()
            await asyncio.gather(*tasks.values(), return_exceptions=True)
        except BaseException:  # stopping mid-cycle (cancelled): the collectors stop too, none left behind
            for task in tasks.values():
                task.cancel()
            await asyncio.gather(*tasks.values(), return_exceptions=True)
            raise
        for collector in self.collectors:
            task = tasks[collector.name]
            ok, seconds = False, durations.get(collector.name, self.timeout)
            if collector.name in late:
                method = late[collector.name]
                if method:
                    self._failed(collector.name, f"no reply from portod to {method} within {self.timeout:g}s")
                else:
                    self._failed(
                        collector.name, f"not finished within {self.timeout:g}s (no request to portod outstanding)"
                    )
            elif (exc := task.exception()) is not None:
                if isinstance(exc, Degraded):  # failed, but its samples are current: served (not dropped at
                    # max_age: the events counters stay right), aged from when they were last known complete
                    self._failed(collector.name, describe(exc))
                    self._last_good[collector.name] = _LastGood(exc.samples, now, exc.since)
                elif isinstance(exc, PortoError | OSError):
                    self._failed(collector.name, describe(exc))
                else:  # a bug or a reply we cannot read: count it, keep serving
                    self._failed(collector.name, f"crashed: {type(exc).__name__}: {describe(exc)}", exc)
            else:
                got = task.result()
                read_at = collector.read_at()  # a read made in the background, before this cycle
                self._last_good[collector.name] = _LastGood(got, now, now if read_at is None else min(read_at, now))
                ok = True
                if self._failing.pop(collector.name, None) is not None:
                    log.info("collector %s: working again", collector.name)
                # porto_up says portod answered: a collector serving what it holds (events) does not count
                any_ok = any_ok or collector.asks_portod
            runs.append(CollectorRun(collector.name, ok, seconds))
            last = self._last_good.get(collector.name)
            if last is not None and now - last.at <= self.max_age:
                batches.append(last.samples)
                served[collector.name] = last.known
        self.up = any_ok
        decode = stats.decode_seconds - decode0
        convert = time.thread_time() - cpu0 - decode  # approximate: other tasks on the loop count too
        wait = stats.busy_seconds() - busy0
        self.last_batches = [health_batch(runs, any_ok, self.context), *batches]
        snapshot, render = await asyncio.to_thread(self._render, self.last_batches, now)
        self.phases = CyclePhases(wait, decode, convert, render)
        self.snapshot = snapshot
        self.served = served
        for observe in self.observers:
            observe(self.last_batches, now)
        await self.heap.after_cycle()
        self.cycles += 1
        if any_ok:
            self.ready = True
        self.cycle_seconds = time.perf_counter() - started
        self.loop_lag.close_window()
        return snapshot

    def _failed(self, collector: str, reason: str, crash: BaseException | None = None) -> None:
        """Log a failure when it starts or its reason changes; the same failure again only at debug.

        A crash (``crash``: an exception that is not portod's or the socket's) is logged at error with its
        traceback, once: a traceback every cycle would bury the log.
        """
        if self._failing.get(collector) == reason:
            log.debug("collector %s: still failing: %s", collector, reason)
            return
        self._failing[collector] = reason
        if crash is None:
            log.warning("collector %s: %s", collector, reason)
        else:
            log.error("collector %s: %s", collector, reason, exc_info=crash)

    async def _timed(self, collector: Collector, durations: dict[str, float]) -> Batch:
        started = time.perf_counter()
        try:
            return await collector.collect(self.context)
        finally:  # however it ends: a refusal after 1 ms is 1 ms, not the cycle's timeout
            durations[collector.name] = time.perf_counter() - started
            self.context.progress.finished(collector.name)

    def _render(self, batches: list[Batch], now: float) -> tuple[Snapshot, float]:
        """Runs in a worker thread; returns the snapshot and the thread's CPU time for it."""
        started = time.thread_time()
        snapshot = build_snapshot(self.renderer.render(batches), now, self.snapshot)
        return snapshot, time.thread_time() - started

    async def run(self) -> None:
        """The background loop (interval > 0); cancelled on shutdown."""
        self.loop_lag.start()
        while True:
            started = time.monotonic()
            try:
                await self.cycle()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("collection cycle failed")
            spread = self.interval * self.jitter
            delay = self.interval - (time.monotonic() - started) + random.uniform(-spread, spread) / 2
            await asyncio.sleep(max(0.0, delay))

    async def close(self) -> None:
        """Stop a cycle still running (on demand), the lag probe, what collectors keep open between cycles
        (the events subscription), then the client."""
        if self._inflight is not None and not self._inflight.done():
            self._inflight.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._inflight
        await self.loop_lag.stop()
        for collector in self.collectors:
            try:
                await collector.close()
            except Exception as exc:  # shutting down: say what failed, close the rest
                log.warning("collector %s: closing failed: %s", collector.name, describe(exc))
        await self.client.close()

    async def current(self) -> Snapshot | None:
        """The snapshot to serve; on demand (interval 0) one shared cycle per burst of requests."""
        if self.interval > 0:
            return self.snapshot
        self.loop_lag.start()  # on demand there is no background loop: measure from the first scrape
        if self._inflight is None or self._inflight.done():
            self._inflight = asyncio.create_task(self.cycle())
        return await asyncio.shield(self._inflight)
