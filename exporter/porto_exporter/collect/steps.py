"""CPU work in slices: ``Steps`` generators, and the ways to run them (``drain``, ``at_once``, ``Worker``).

The containers collector turns replies into readings (``container_reads``) and readings into samples
(``container_emit``) as generators that yield every ``SLICE`` containers; whoever runs them decides how
often the event loop gets a turn.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Generator
from typing import Protocol, TypeVar

T = TypeVar("T")

# A step of CPU work (replies -> readings -> samples) as a generator: it yields between slices of
# SLICE containers and returns its result. Whoever runs it decides how: all at once (``drain``), or
# a slice at a time with the event loop serving other tasks in between (``Worker``).
Steps = Generator[None, None, T]
SLICE = 64  # containers between two yields: 1-4 ms of the dearest step (emit: 15-60 us a container)


def drain(steps: Steps[T]) -> T:
    """Run ``steps`` to the end at once; its result."""
    while True:
        try:
            next(steps)
        except StopIteration as done:
            return done.value


class Runner(Protocol):
    """Runs a step of CPU work to the end (without holding the event loop for all of it); its result."""

    def __call__(self, steps: Steps[T], /) -> Awaitable[T]: ...


async def at_once(steps: Steps[T]) -> T:
    """A ``Runner`` that does not let go of the loop (direct use of the reader)."""
    return drain(steps)


class Worker:
    """Runs a collector's CPU work (replies -> readings -> samples) on the loop a few milliseconds at a time.

    Turning 10,000 containers' replies into samples takes about a second of CPU: in one go on
    the event loop nothing else would be served meanwhile (``/-/healthy`` included). Each step
    is ``Steps`` (a generator yielding between slices of containers); after ``budget`` seconds
    of it the loop serves whatever is waiting, then the step goes on. (A thread was measured
    too: while it holds the GIL every socket call of the loop waits for it, and /-/healthy's
    worst latency at 10,000 containers was 2-4 times worse; see bench/loop_latency.py.)

    The steps and the collector's requests take turns, never overlap: only the collector
    touches its caches. A cycle cancelled at the scraper's deadline stops between two slices,
    where every cache entry is whole.
    """

    def __init__(self, budget: float = 0.004) -> None:
        self.budget = budget  # seconds of work on the loop between two yields
        self.cpu_seconds = 0.0  # CPU time of the steps (the scraper's convert phase)

    async def run(self, steps: Steps[T]) -> T:
        """``steps`` to the end, other tasks served every ``budget`` seconds; its result."""
        clock, budget = time.perf_counter, self.budget
        cpu = time.thread_time()
        started = clock()
        while True:
            try:
                next(steps)
            except StopIteration as done:
                self.cpu_seconds += time.thread_time() - cpu
                return done.value
            if clock() - started >= budget:
                self.cpu_seconds += time.thread_time() - cpu
                await asyncio.sleep(0)  # a cancelled cycle stops here: every cache entry is whole
                cpu = time.thread_time()
                started = clock()
