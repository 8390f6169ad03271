"""One request body in, one reply out: parsing, portod's dispatch order, required fields, errors.

Requests are answered the way portod 5.3 answers them in the captures:
dispatch in portod's order when several commands are set, InvalidMethod for
an empty or unknown request, no reply (the connection is closed) for garbage
or a missing required field, ``timestamp`` on every reply. The handlers
(``handlers/``) see the ``Daemon`` (``daemon.py``): the host plus portod's own counters.
"""

from __future__ import annotations

from ..porto import rpc_pb2 as pb
from .daemon import Daemon, Handler
from .handlers import containers, events, storage, system
from .host import HostError

# The order portod's request handler tests the command fields in (capture 56:
# version+list in one request is answered as list).
DISPATCH = (
    "Create",
    "Destroy",
    "List",
    "GetProperty",
    "SetProperty",
    "GetDataProperty",
    "Start",
    "Stop",
    "Pause",
    "Resume",
    "ListProperties",
    "ListDataProperties",
    "Kill",
    "Version",
    "Get",
    "Wait",
    "CreateWeak",
    "SetLabel",
    "ListVolumeProperties",
    "ListVolumes",
    "GetVolume",
    "ListLayers",
    "ListStorages",
    "ListContainersBy",
    "GetSystem",
    "FindLabel",
    "AsyncWait",
    "StopAsyncWait",
    "RemoveLayer",
    "RemoveStorage",
)

# Fields that portod's own proto marks `required`: without them it drops the connection.
REQUIRED = {
    "Create": ("name",),
    "CreateWeak": ("name",),
    "Destroy": ("name",),
    "Start": ("name",),
    "Stop": ("name",),
    "Pause": ("name",),
    "Resume": ("name",),
    "Kill": ("name", "sig"),
    "GetProperty": ("name", "property"),
    "GetDataProperty": ("name", "data"),
    "SetProperty": ("name", "property", "value"),
    "SetLabel": ("name", "label"),
}


def all_handlers() -> dict[str, Handler]:
    """Every method's handler, from the handler modules' tables."""
    return {**system.HANDLERS, **containers.HANDLERS, **storage.HANDLERS, **events.HANDLERS}


class Dispatcher:
    """Routes a request to its handler."""

    def __init__(self, daemon: Daemon) -> None:
        self.daemon = daemon
        self.handlers = all_handlers()

    def handle(self, body: bytes, conn: object, *, reloaded: bool = False) -> tuple[pb.TPortoResponse | None, float]:
        """(reply, modelled portod seconds); a None reply means: close without replying.

        ``reloaded``: answer PortodReloaded instead, as portod does while it restarts.
        """
        request = pb.TPortoRequest()
        try:
            request.ParseFromString(body)
        except Exception:  # DecodeError
            return None, 0.0
        d = self.daemon
        now = d.host.clock()
        response = pb.TPortoResponse(error=pb.Success, errorMsg="", timestamp=int(now))
        if reloaded:
            response.error = pb.PortodReloaded
            response.errorMsg = "portod is reloading"
            return response, 0.0
        command = next((name for name in DISPATCH if request.HasField(name)), None)
        handler = self.handlers.get(command) if command else None
        if command is None or handler is None:
            response.error = pb.InvalidMethod
            response.errorMsg = "invalid RPC method"
            d.requests_failed += 1
            d.queues.account("", response.error, 0.0, now)
            return response, 0.0
        args = getattr(request, command)
        for required in REQUIRED.get(command, ()):
            if not args.HasField(required):
                return None, 0.0
        d.host.advance(now)
        d.methods[command] += 1
        try:
            cost = handler(d, args, response, conn, now)
        except HostError as exc:
            response.error = exc.code
            response.errorMsg = exc.message
            cost = 0.0
        d.requests_completed += 1
        if response.error:
            d.requests_failed += 1
        d.queues.account(command, response.error, cost, now)
        return response, cost
