"""portod's four request queues, modelled: what its metrics endpoint counts per queue.

portod sorts every request into a queue by its command (rpc.cpp ``TRequest::Classify``): reads to
portod-RO, layer and storage work to portod-IO, volume changes to portod-Vl, everything else (container
changes, and requests it cannot read) to portod-RW, each served by its own threads (portod's defaults:
20 RW, 10 RO, 5 IO, 5 Vl). The simulator answers at once, so the queues are modelled on the host's
clock: a request starts when the first of its queue's threads is free, waits until then, and runs for its
modelled cost (``CostModel``). From that come the counters portod keeps per queue (requests by error and
slowness, wait, exec and lock milliseconds) and, at any moment, the requests still waiting and the age
of the longest running one. Nothing here sleeps.
"""

from __future__ import annotations

import heapq
from collections import Counter, deque
from dataclasses import dataclass, field

QUEUES = ("portod-IO", "portod-RO", "portod-Vl", "portod-RW")  # the order portod 5.3.59 writes them in
THREADS = {"portod-RW": 20, "portod-RO": 10, "portod-IO": 5, "portod-Vl": 5}
# Commands by queue, as Classify sorts them (the simulator's command names: the request's field names).
READS = frozenset(
    {
        "Version",
        "List",
        "FindLabel",
        "ListVolumes",
        "ListLayers",
        "ListStorages",
        "GetLayerPrivate",
        "Get",
        "GetDataProperty",
        "GetProperty",
        "ListDataProperties",
        "ListProperties",
        "ListVolumeProperties",
        "Wait",
        "AsyncWait",
        "StopAsyncWait",
        "ConvertPath",
        "LocateProcess",
        "GetSystem",
        "ListContainersBy",
        "GetVolume",
    }
)
LAYERS_AND_STORAGE = frozenset(
    {
        "CheckVolume",
        "ImportLayer",
        "ExportLayer",
        "RemoveLayer",
        "ImportStorage",
        "ExportStorage",
        "CleanupPlace",
        "RemoveStorage",
        "CreateMetaStorage",
        "RemoveMetaStorage",
        "DockerImageStatus",
        "ListDockerImages",
        "PullDockerImage",
        "RemoveDockerImage",
    }
)
VOLUMES = frozenset(
    {"CreateVolume", "TuneVolume", "LinkVolume", "UnlinkVolume", "LinkVolumeTarget", "UnlinkVolumeTarget", "NewVolume"}
)
LOCK_SHARE = 0.005  # of a request's run spent waiting for portod's locks (the captured host: 0.5% on RO)
LONG = ((300.0, "5m"), (30.0, "30s"), (3.0, "3s"), (1.0, "1s"))  # the `long` label: request time over it
MAX_TRACKED = 10_000  # requests remembered for the waiting / top-running gauges (older ones are dropped)
UNKNOWN = 1  # EError::Unknown: portod labels it error="unknown"; any other error "..."


def queue_of(command: str) -> str:
    if command in READS:
        return "portod-RO"
    if command in LAYERS_AND_STORAGE:
        return "portod-IO"
    if command in VOLUMES:
        return "portod-Vl"
    return "portod-RW"


@dataclass
class Queue:
    """One queue: its threads' free times (a heap), its counters, and the requests not finished yet."""

    threads: int
    free: list[float] = field(default_factory=list)
    wait_ms: float = 0.0
    exec_ms: float = 0.0
    lock_ms: float = 0.0
    requests: Counter[tuple[str, str]] = field(default_factory=Counter)  # (error, long) -> count
    unfinished: deque[tuple[float, float]] = field(default_factory=deque)  # (start, finish), by arrival

    def prune(self, now: float) -> None:
        self.unfinished = deque(r for r in self.unfinished if r[1] > now)


class RequestQueues:
    """The four queues; ``account`` each request as it is answered, read the gauges at any ``now``."""

    def __init__(self) -> None:
        self.queues = {name: Queue(THREADS[name]) for name in QUEUES}

    def account(self, command: str, error: int, cost: float, now: float) -> None:
        q = self.queues[queue_of(command)]
        free = heapq.heappop(q.free) if len(q.free) >= q.threads else now
        start = max(now, free)
        finish = start + max(0.0, cost)
        heapq.heappush(q.free, finish)
        q.wait_ms += (start - now) * 1000
        q.exec_ms += (finish - start) * 1000
        q.lock_ms += (finish - start) * 1000 * LOCK_SHARE
        took = finish - now
        long = next((label for limit, label in LONG if took > limit), "")
        q.requests[("unknown" if error == UNKNOWN else "..." if error else "", long)] += 1
        if finish > now:
            q.unfinished.append((start, finish))
            if len(q.unfinished) > MAX_TRACKED:
                q.unfinished.popleft()

    def waiting(self, queue: str, now: float) -> int:
        """Requests of ``queue`` that no thread has taken yet at ``now``."""
        q = self.queues[queue]
        q.prune(now)
        return sum(1 for start, _ in q.unfinished if start > now)

    def top_running(self, queue: str, now: float) -> float:
        """Seconds the longest request running in ``queue`` at ``now`` has run; 0 when none runs."""
        q = self.queues[queue]
        q.prune(now)
        return max((now - start for start, _ in q.unfinished if start <= now), default=0.0)
