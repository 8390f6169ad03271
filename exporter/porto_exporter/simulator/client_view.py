"""A client connection placed in a Porto container: its requests and replies translated by its namespace.

The rules are ``namespace``'s. ``listen_as`` opens another socket of a ``Simulator`` whose clients portod
places in a container (as if their process ran there); each connection's ``ClientView`` resolves the names
it sends, composes the names it is sent, drops pushes about containers outside its namespace and refuses
writes to a read-only one, around the ordinary handlers (which see full names only).
"""

from __future__ import annotations

import asyncio
import functools
from typing import Any

from ..porto import rpc_pb2 as pb
from . import names
from .container import Container
from .dispatch import DISPATCH, Daemon, Dispatcher
from .host import Host, HostError
from .namespace import HOST, READ_ONLY, access, porto_namespace
from .wire import Simulator

WRITES = frozenset(
    {
        "Create",
        "CreateWeak",
        "Destroy",
        "Start",
        "Stop",
        "Pause",
        "Resume",
        "Kill",
        "SetProperty",
        "SetLabel",
        "RemoveLayer",
        "RemoveStorage",
    }
)
# filters ListContainersBy does not resolve (it matches names, it does not look them up): ContainerDoesNotExist
UNLISTED = frozenset({"self", ".", ".."})
UNLISTED_PREFIXES = ("self/", HOST)


class ClientView:
    """A client connection placed in ``container``: its requests resolved, its replies and pushes composed."""

    def __init__(self, dispatcher: Dispatcher, container: str) -> None:
        self.dispatcher = dispatcher
        self.container = container

    @property
    def host(self) -> Host:
        return self.dispatcher.daemon.host

    def _client(self) -> Container:
        return self.host.get(self.container) if self.container != "/" else self.host.root

    def resolve(self, ns: str, name: str) -> str:
        if name == "/":
            return name
        if name == "self":
            return self._client().name
        if name.startswith("self/"):
            return f"{self._client().name}/{name[5:]}".lstrip("/")
        if name.startswith(HOST):
            return name[len(HOST) :]
        return ns + name

    @staticmethod
    def compose(ns: str, full: str) -> str:
        if full == "/" or not full or not ns:
            return full
        return full[len(ns) :] if full.startswith(ns) else HOST + full

    # --- requests -------------------------------------------------------

    def handle(self, body: bytes, conn: object, *, reloaded: bool = False) -> tuple[pb.TPortoResponse | None, float]:
        """The reply this client gets: ``Dispatcher.handle`` with names translated both ways."""
        request = pb.TPortoRequest()
        try:
            request.ParseFromString(body)
        except Exception:  # DecodeError: the dispatcher closes the connection
            return self.dispatcher.handle(body, conn, reloaded=reloaded)
        command = next((name for name in DISPATCH if request.HasField(name)), None)
        try:
            client = self._client()
        except HostError as exc:
            return self._refuse(exc.code, f"client container {self.container}: {exc.message}"), 0.0
        if command in WRITES and access(client) in READ_ONLY:
            return self._refuse(pb.Permission, "Write access denied"), 0.0
        if command is None:
            return self.dispatcher.handle(body, conn, reloaded=reloaded)
        ns = porto_namespace(client)  # "" without isolation: still, ``self`` is the client's container
        args = getattr(request, command)
        restore = self._request(command, args, ns)
        response, cost = self.dispatcher.handle(request.SerializeToString(), conn, reloaded=reloaded)
        if response is not None:
            self._reply(command, response, ns, restore)
        return response, cost

    def _refuse(self, code: pb.EError, message: str) -> pb.TPortoResponse:
        d: Daemon = self.dispatcher.daemon
        d.requests_completed += 1
        d.requests_failed += 1
        return pb.TPortoResponse(error=code, errorMsg=message, timestamp=int(d.host.clock()))

    def _request(self, command: str, args: Any, ns: str) -> dict[str, str]:
        """Rewrite ``args`` to full names; returns what to give back in the reply: full name -> as asked."""
        restore: dict[str, str] = {}
        if command in ("List", "FindLabel"):
            args.mask = ns + (args.mask if args.HasField("mask") else "***")
        elif command == "Get":
            asked = list(args.name)
            del args.name[:]
            for name in asked:
                full = ns + name if names.is_mask(name) else self.resolve(ns, name)
                if not names.is_mask(name):
                    restore[full] = name
                args.name.append(full)
        elif command in ("Wait", "AsyncWait", "StopAsyncWait"):
            asked = list(args.name)
            del args.name[:]
            args.name.extend(ns + n if names.is_mask(n) else self.resolve(ns, n) for n in asked)
        elif command == "ListContainersBy":
            self._filters(args, ns, restore)
        elif command in ("ListVolumes", "GetVolume") and args.HasField("container"):
            args.container = self.resolve(ns, args.container)
        elif "name" in args.DESCRIPTOR.fields_by_name and args.HasField("name"):  # writes, one-container reads
            args.name = self.resolve(ns, args.name)
        return restore

    def _filters(self, args: pb.TListContainersRequest, ns: str, restore: dict[str, str]) -> None:
        filters = list(args.filters) or [pb.TListContainersFilter(name="***")]
        del args.filters[:]
        for flt in filters:
            name = flt.name if flt.HasField("name") else "***"
            if name == "***" and ns:  # the host's root, then the namespace
                root = args.filters.add()
                root.CopyFrom(flt)
                root.name = "/"
            if name == "/":
                args.filters.add().CopyFrom(flt)
                continue
            full = "\0" + name if name in UNLISTED or name.startswith(UNLISTED_PREFIXES) else ns + name
            restore[full] = name
            added = args.filters.add()
            added.CopyFrom(flt)
            added.name = full

    # --- replies and pushes ---------------------------------------------

    def _reply(self, command: str, rsp: pb.TPortoResponse, ns: str, restore: dict[str, str]) -> None:
        compose = functools.partial(self.compose, ns)
        if command == "List":
            shown = [compose(n) for n in rsp.List.name]
            del rsp.List.name[:]
            rsp.List.name.extend(shown)
        elif command == "Get":
            for item in rsp.Get.list:
                item.name = restore.get(item.name) or compose(item.name)
        elif command == "ListContainersBy":
            for ct in rsp.ListContainersBy.containers:
                asked = restore.get(ct.spec.name) if ct.HasField("error") else None
                ct.spec.name = asked or compose(ct.spec.name)
        elif command == "FindLabel":
            for found in rsp.FindLabel.list:
                found.name = compose(found.name)
        elif command == "Wait" and rsp.Wait.name:
            rsp.Wait.name = compose(rsp.Wait.name)
        elif command == "ListVolumes":
            for vol in rsp.ListVolumes.volumes:
                shown = [compose(n) for n in vol.containers]
                del vol.containers[:]
                vol.containers.extend(shown)
                for link in vol.links:
                    link.container = compose(link.container)
                if vol.properties.get("owner_container"):
                    vol.properties["owner_container"] = compose(vol.properties["owner_container"])
        elif command == "GetVolume":
            for spec in rsp.GetVolume.volume:
                if spec.owner_container:
                    spec.owner_container = compose(spec.owner_container)
                for link in spec.links:
                    link.container = compose(link.container)

    def push(self, rsp: pb.TPortoResponse) -> pb.TPortoResponse | None:
        """A state-change push as this client gets it; None for a container outside its namespace."""
        name = rsp.AsyncWait.name
        try:
            ns = porto_namespace(self._client())
        except HostError:
            return None
        if not name or not ns:
            return rsp
        if not name.startswith(ns):
            return None
        rsp.AsyncWait.name = name[len(ns) :]
        return rsp


async def listen_as(sim: Simulator, container: str, path: str) -> asyncio.Server:
    """Another socket of ``sim`` whose clients portod places in ``container`` (as if their process ran there).

    The caller closes the server; ``sim.stop()`` drops its connections with the others.
    """
    view = ClientView(sim.dispatcher, container)
    return await asyncio.start_unix_server(functools.partial(sim._serve, view=view), path=path, limit=1 << 20)
