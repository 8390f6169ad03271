"""The asyncio client for portod: framing, typed errors, requests."""

from . import errors, rpc_pb2
from .client import DEFAULT_SOCKET, ClientStats, GetEntry, GetResult, PortoClient
from .errors import PortoError

__all__ = [
    "DEFAULT_SOCKET",
    "ClientStats",
    "GetEntry",
    "GetResult",
    "PortoClient",
    "PortoError",
    "errors",
    "rpc_pb2",
]
