"""The demo host's batch group: short-lived jobs under ``batch/`` that start, run and die all the time.

This is what lifecycle events exist for: most jobs live a few seconds and
exit 0, some exit non-zero, some are OOM-killed, some cannot even start (a
missing binary). Finished jobs are destroyed once more than ``keep_dead``
of them are dead, as a batch scheduler would, so the group stays small. The
host runs ``tick`` from ``advance``; nothing happens between requests unless
the simulator's timer drives it (it does while anyone is subscribed or a
ticker is installed).
"""

from __future__ import annotations

import contextlib
import random
from collections import deque

from .accounting import Behaviour
from .host import Host, HostError

GROUP = "batch"


class BatchJobs:
    """Spawns one job every ``every`` seconds of host time; outcome shares are fixed, timing seeded."""

    # (share, what the job does)
    OUTCOMES = (
        (0.75, "success"),
        (0.10, "failure"),
        (0.08, "oom"),
        (0.07, "bad_start"),
    )
    MAX_SPAWNS_PER_TICK = 20  # after a long idle stretch, do not create hundreds at once

    def __init__(self, host: Host, seed: int = 1, every: float = 2.0, keep_dead: int = 10) -> None:
        self.host = host
        self.every = every
        self.keep_dead = keep_dead
        self.rng = random.Random(seed)
        self.next_at = host.clock()
        self.spawned = 0
        self.finished: deque[str] = deque()
        if GROUP not in host.by_name:
            host.create(GROUP)
            host.by_name[GROUP].labels["TEAM.name"] = "batch"

    def tick(self, now: float) -> None:
        spawns = 0
        while self.next_at <= now and spawns < self.MAX_SPAWNS_PER_TICK:
            self._spawn()
            self.next_at += self.every
            spawns += 1
        if self.next_at <= now:
            self.next_at = now + self.every  # skipped the backlog
        self._reap()

    def _spawn(self) -> None:
        self.spawned += 1
        name = f"{GROUP}/job-{self.spawned}"
        roll = self.rng.random()
        outcome = "success"
        for share, what in self.OUTCOMES:
            if roll < share:
                outcome = what
                break
            roll -= share
        runtime = self.rng.uniform(1.0, 6.0)
        behaviour = {
            "success": Behaviour(cpu_cores=0.2, memory_bytes=64 << 20, exit_after=runtime),
            "failure": Behaviour(cpu_cores=0.1, memory_bytes=32 << 20, exit_after=runtime, exit_code=1),
            "oom": Behaviour(cpu_cores=0.1, memory_bytes=120 << 20, oom_after=runtime),
            "bad_start": Behaviour(cpu_cores=0.0),
        }[outcome]
        c = self.host.create(name, behaviour=behaviour)
        c.command = "/nonexistent/batch-runner" if outcome == "bad_start" else f"run-job {self.spawned}"
        c.memory_limit = 128 << 20
        c.labels["APP.tier"] = "batch"
        with contextlib.suppress(HostError):  # a failed start is the point: portod pushed start_error
            self.host.start(name)
        self.finished.append(name)

    def _reap(self) -> None:
        """Destroy the oldest finished jobs beyond ``keep_dead`` (running ones are left alone)."""
        by_name = self.host.by_name
        done = [n for n in self.finished if n in by_name and by_name[n].state in ("dead", "stopped")]
        for name in done[: max(0, len(done) - self.keep_dead)]:
            self.host.destroy(name)
        self.finished = deque(n for n in self.finished if n in by_name)
