"""How late the event loop runs a timer: the exporter's own measure of loop stalls.

Everything the exporter serves, ``/-/healthy`` included, waits while the loop
runs something else, so a stall is an outage of the HTTP side. A small task
sleeps ``tick`` seconds at a time and records how late it wakes: a stall of S
seconds reads as S minus up to one tick. The longest lag is kept per window
(the scraper closes one at the end of each cycle).
"""

from __future__ import annotations

import asyncio
import contextlib

TICK = 0.05  # seconds: cheap (20 wake-ups a second) and fine enough for stalls worth alerting on


class LoopLag:
    """The longest event-loop lag per window; ``start`` in the loop, ``stop`` before it closes."""

    def __init__(self, tick: float = TICK) -> None:
        self.tick = tick
        self._current = 0.0  # the window in progress
        self._last: float | None = None  # the last closed window
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Start measuring (again a no-op while it runs)."""
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(), name="event loop lag")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            due = loop.time() + self.tick
            await asyncio.sleep(self.tick)
            late = loop.time() - due
            if late > self._current:
                self._current = late

    def close_window(self) -> float:
        """End the window: its longest lag becomes ``value()``; a new window starts at 0."""
        self._last, self._current = self._current, 0.0
        return self._last

    def value(self) -> float:
        """The longest lag of the last closed window (before the first closes, of the one in progress)."""
        return self._last if self._last is not None else self._current
