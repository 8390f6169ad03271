"""What every request handler sees: the ``Daemon`` (the host, the cost model, portod's own counters) and the
shape of a handler.

Below both the dispatcher and the handlers (``handlers/``): the dispatcher collects the handlers' tables and
the handlers take a ``Daemon``, so neither imports the other's module for these types.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..porto import rpc_pb2 as pb
from .cost import CostModel
from .host import Host
from .queues import RequestQueues


@dataclass
class Daemon:
    """What the handlers see: the host, the cost model and portod's own counters."""

    host: Host
    cost: CostModel = field(default_factory=CostModel)
    clients_connected: int = 0  # accepted since start
    clients_open: int = 0
    requests_completed: int = 0
    requests_failed: int = 0
    methods: Counter[str] = field(default_factory=Counter)  # requests answered, by method: what clients asked
    queues: RequestQueues = field(default_factory=RequestQueues)  # per queue, for the metrics endpoint


# (daemon, the request's command message, the reply being filled, the connection, now) -> modelled seconds
Handler = Callable[[Daemon, Any, pb.TPortoResponse, object, float], float]
