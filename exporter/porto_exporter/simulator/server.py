"""The simulated portod: a unix-socket server speaking portod's protocol over a ``Host``.

Requests are answered the way portod 5.3 answers them in the captures:
dispatch in portod's order when several commands are set, InvalidMethod for
an empty or unknown request, the connection closed without a reply for
garbage or a missing required field, ``timestamp`` on every reply.
``Faults`` lets tests delay replies, cut a reply mid-frame, answer
PortodReloaded, or stop and restart listening.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass

from ..porto import rpc_pb2 as pb
from ..porto.framing import FrameDecoder, FrameError, encode_frame, encode_varint32
from ..porto.values import format_bool, format_local_time
from . import names
from .defaults import STATUS_UNKNOWN, fill_defaults
from .model import (
    E_DOES_NOT_EXIST,
    E_INVALID_PROPERTY,
    E_INVALID_STATE,
    E_INVALID_VALUE,
    Container,
    Frame,
    Host,
    HostError,
    Volume,
)
from .properties import ALWAYS, DEAD, PROPERTIES, STAT, UNSUPPORTED, V5_ONLY, Prop, View
from .setters import set_property

log = logging.getLogger(__name__)

VERSION_TAG = "5.3.59"
VERSION_REVISION = "v5.3.41-202-g28334e0-dirty"
KERNEL = "6.18.44-fc-v669"
MAX_REQUEST = 64 << 20
STOPPED_COST_MS = 0.03  # portod's per-container cost for a stopped container, any property

# The order portod's request handler tests the command fields in (capture 56:
# version+list in one request is answered as list).
DISPATCH = (
    "Create", "Destroy", "List", "GetProperty", "SetProperty", "GetDataProperty", "Start", "Stop", "Pause",
    "Resume", "ListProperties", "ListDataProperties", "Kill", "Version", "Get", "Wait", "CreateWeak",
    "SetLabel", "ListVolumeProperties", "ListVolumes", "GetVolume", "ListLayers", "ListStorages",
    "ListContainersBy", "GetSystem", "FindLabel",
)  # fmt: skip

# Fields that portod's own proto marks `required`: without them it drops the connection.
REQUIRED = {
    "Create": ("name",), "CreateWeak": ("name",), "Destroy": ("name",), "Start": ("name",),
    "Stop": ("name",), "Pause": ("name",), "Resume": ("name",), "Kill": ("name", "sig"),
    "GetProperty": ("name", "property"), "GetDataProperty": ("name", "data"),
    "SetProperty": ("name", "property", "value"), "SetLabel": ("name", "label"),
}  # fmt: skip


@dataclass
class Faults:
    """Knobs for tests; each counter is consumed by the next replies."""

    delay: float = 0.0
    drop_mid_frame: int = 0
    reloaded: int = 0
    sleep_cost: bool = False  # sleep for the modelled portod time


@dataclass
class CostModel:
    """Accounts what real portod would spend answering (per-property costs from the captures)."""

    seconds: float = 0.0
    requests: int = 0

    def charge(self, running: int, stopped: int, props: list[str]) -> float:
        per_running = sum(PROPERTIES[p].cost_ms if p in PROPERTIES else 2.0 for p in props) / 1000.0
        cost = (running * per_running + stopped * STOPPED_COST_MS) / 1000.0
        self.seconds += cost
        self.requests += 1
        return cost


class _Conn:
    """A client connection: also the owner of the weak containers it creates."""


class Simulator:
    def __init__(self, host: Host, socket_path: str, *, faults: Faults | None = None) -> None:
        self.host = host
        self.socket_path = socket_path
        self.faults = faults or Faults()
        self.cost = CostModel()
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self.clients_connected = 0
        self.requests_completed = 0
        self.requests_failed = 0
        self._handlers: dict[str, Callable[[object], pb.TPortoResponse]] = {}

    # --- listening ------------------------------------------------------

    async def start(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.socket_path)
        self._server = await asyncio.start_unix_server(self._serve, path=self.socket_path, limit=1 << 20)

    async def stop(self) -> None:
        """Stop listening and drop every connection (like portod going away)."""
        if self._server is not None:
            self._server.close()
            self._server = None
        for writer in list(self._writers):
            writer.close()
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.socket_path)

    async def restart(self) -> None:
        await self.stop()
        await self.start()

    async def __aenter__(self) -> Simulator:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # --- connections ----------------------------------------------------

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)  # type: ignore[arg-type]
        self._writers.add(writer)
        self.clients_connected += 1
        conn = _Conn()
        decoder = FrameDecoder(MAX_REQUEST)
        try:
            while True:
                chunk = await reader.read(1 << 16)
                if not chunk:
                    return
                for body in decoder.feed(chunk):
                    response = await self.handle(body, conn)
                    if response is None:
                        return  # garbage or a missing required field: close without a reply
                    if not await self._send(writer, response):
                        return
        except (FrameError, ConnectionError):
            return
        except asyncio.CancelledError:
            pass
        finally:
            self._writers.discard(writer)
            self._tasks.discard(task)  # type: ignore[arg-type]
            with contextlib.suppress(Exception):
                writer.close()
            self.host.reap_weak(conn)

    async def _send(self, writer: asyncio.StreamWriter, response: pb.TPortoResponse) -> bool:
        faults = self.faults
        if faults.delay:
            await asyncio.sleep(faults.delay)
        frame = encode_frame(response.SerializeToString())
        if faults.drop_mid_frame > 0:
            faults.drop_mid_frame -= 1
            writer.write(frame[: max(1, len(frame) // 2)])
            await writer.drain()
            writer.close()
            return False
        writer.write(frame)
        await writer.drain()
        return True

    async def handle(self, body: bytes, conn: object) -> pb.TPortoResponse | None:
        """Answer one request body; None means: close the connection without replying."""
        request = pb.TPortoRequest()
        try:
            request.ParseFromString(body)
        except Exception:  # DecodeError
            return None
        now = self.host.clock()
        response = pb.TPortoResponse(error=pb.Success, errorMsg="", timestamp=int(now))
        if self.faults.reloaded > 0:
            self.faults.reloaded -= 1
            response.error = pb.PortodReloaded
            response.errorMsg = "portod is reloading"
            return response
        command = next((name for name in DISPATCH if request.HasField(name)), None)
        if command is None:
            response.error = pb.InvalidMethod
            response.errorMsg = "invalid RPC method"
            self.requests_failed += 1
            return response
        args = getattr(request, command)
        for required in REQUIRED.get(command, ()):
            if not args.HasField(required):
                return None
        self.host.advance(now)
        try:
            cost = getattr(self, "_" + command)(args, response, conn, now)
        except HostError as exc:
            response.error = exc.code  # type: ignore[assignment]
            response.errorMsg = exc.message
            cost = 0.0
        self.requests_completed += 1
        if response.error:
            self.requests_failed += 1
        if cost and self.faults.sleep_cost:
            await asyncio.sleep(cost)
        return response

    # --- system -----------------------------------------------------------

    def _Version(self, args: object, rsp: pb.TPortoResponse, conn: object, now: float) -> float:
        rsp.Version.tag = VERSION_TAG
        rsp.Version.revision = VERSION_REVISION
        return 0.0

    def _GetSystem(self, args: object, rsp: pb.TPortoResponse, conn: object, now: float) -> float:
        h = self.host
        s = rsp.GetSystem
        containers = h.containers()
        s.porto_version = VERSION_TAG
        s.porto_revision = VERSION_REVISION
        s.kernel_version = KERNEL
        s.errors = self.requests_failed
        s.warnings = 1
        s.porto_starts = 4
        s.porto_uptime = int(now - h.daemon_start)
        s.master_uptime = int(now - h.daemon_start)
        s.taints = len(containers) * 4
        s.verbose = False
        s.debug = False
        s.log_lines = 2942 + self.requests_completed * 3
        s.log_bytes = 292158 + self.requests_completed * 300
        for name in ("stream_rotate_bytes", "stream_rotate_errors", "log_lines_lost", "log_bytes_lost"):
            setattr(s, name, 0)
        s.log_open = 4
        # portod 5.3 never decrements container_count (PROTOCOL-NOTES): count every creation.
        s.container_count = h.counters["created"] + 1
        s.container_limit = h.container_limit
        s.container_running = sum(1 for c in containers if c.state == "running")
        s.container_created = h.counters["created"]
        s.container_started = h.counters["started"]
        s.container_start_failed = h.counters["start_failed"]
        s.container_oom = h.counters["oom"]
        s.container_buried = 0
        s.container_lost = 0
        s.container_tainted = len(containers)
        s.volume_count = len(h.volumes)
        s.volume_limit = 3000
        s.volume_created = len(h.volumes)
        s.volume_failed = 0
        s.volume_links = sum(len(v.links) for v in h.volumes.values())
        s.volume_links_mounted = 1
        s.volume_lost = 0
        s.layer_import = len(h.layers)
        s.layer_export = 0
        s.layer_remove = 0
        s.client_count = len(self._writers)
        s.client_max = 1000
        s.client_connected = self.clients_connected
        s.request_queued = 1
        s.request_completed = self.requests_completed
        s.request_failed = self.requests_failed
        s.request_threads = 20
        for name in ("request_longer_1s", "request_longer_3s", "request_longer_30s", "request_longer_5m"):
            setattr(s, name, 0)
        s.fail_system = 0
        s.fail_invalid_value = 0
        s.fail_invalid_command = 0
        s.fail_memory_guarantee = 0
        s.fail_invalid_netaddr = 0
        s.network_count = 1
        s.network_created = 0
        s.network_problems = 0
        s.network_repairs = 0
        # Fields rpc.proto lacks (fatals=11, postfork_issues=210, request_top_running_time=508), fixed64.
        extra = b""
        for number in (11, 210, 508):
            extra += _tag(number, 1) + (0).to_bytes(8, "little")
        s.MergeFromString(extra)
        return 0.0

    def _ListProperties(self, args: object, rsp: pb.TPortoResponse, conn: object, now: float) -> float:
        for name, prop in PROPERTIES.items():
            if prop.when == UNSUPPORTED:
                continue
            rsp.ListProperties.list.add(name=name, desc=f"{name} (simulated)", read_only=prop.when != ALWAYS)
        return 0.0

    def _ListVolumeProperties(self, args: object, rsp: pb.TPortoResponse, conn: object, now: float) -> float:
        for name in VOLUME_PROPERTIES:
            rsp.ListVolumeProperties.list.add(name=name, desc=f"{name} (simulated)")
        return 0.0

    # --- containers: lifecycle ---------------------------------------------

    def _Create(self, args: pb.TCreateRequest, rsp: pb.TPortoResponse, conn: object, now: float) -> float:
        self.host.create(args.name)
        return 0.0

    def _CreateWeak(self, args: pb.TCreateRequest, rsp: pb.TPortoResponse, conn: object, now: float) -> float:
        self.host.create(args.name, weak_owner=conn)
        return 0.0

    def _Destroy(self, args: pb.TDestroyRequest, rsp: pb.TPortoResponse, conn: object, now: float) -> float:
        self.host.destroy(args.name)
        return 0.0

    def _Start(self, args: pb.TStartRequest, rsp: pb.TPortoResponse, conn: object, now: float) -> float:
        self.host.start(args.name)
        return 0.0

    def _Stop(self, args: pb.TStopRequest, rsp: pb.TPortoResponse, conn: object, now: float) -> float:
        self.host.stop(args.name)
        return 0.0

    def _Kill(self, args: pb.TKillRequest, rsp: pb.TPortoResponse, conn: object, now: float) -> float:
        self.host.kill(args.name, args.sig)
        return 0.0

    def _Pause(self, args: pb.TPauseRequest, rsp: pb.TPortoResponse, conn: object, now: float) -> float:
        self.host.pause(args.name)
        return 0.0

    def _Resume(self, args: pb.TResumeRequest, rsp: pb.TPortoResponse, conn: object, now: float) -> float:
        self.host.resume(args.name)
        return 0.0

    def _SetProperty(self, args: pb.TSetPropertyRequest, rsp: pb.TPortoResponse, conn: object, now: float) -> float:
        c = self._resolve(args.name)
        set_property(self.host, c, args.property, args.value)
        c.change_time = int(now)
        return 0.0

    def _SetLabel(self, args: pb.TSetLabelRequest, rsp: pb.TPortoResponse, conn: object, now: float) -> float:
        c = self._resolve(args.name)
        try:
            names.check_label(args.label, args.value)
        except names.NameError_ as exc:
            raise HostError(pb.InvalidLabel, str(exc)) from exc
        prev = c.labels.get(args.label, "")
        if args.HasField("prev_value") and prev != args.prev_value:
            raise HostError(pb.Busy, f"label {args.label} is {prev!r}, not {args.prev_value!r}")
        if args.HasField("state") and c.state != args.state:
            raise HostError(E_INVALID_STATE, f"container is {c.state}, not {args.state}")
        if args.value:
            c.labels[args.label] = args.value
        else:
            c.labels.pop(args.label, None)
        c.change_time = int(now)
        rsp.SetLabel.prev_value = prev
        rsp.SetLabel.state = c.state
        return 0.0

    def _resolve(self, name: str) -> Container:
        return self.host.root if name in ("/", "self") else self.host.get(name)

    # --- containers: reads --------------------------------------------------

    def _List(self, args: pb.TListRequest, rsp: pb.TPortoResponse, conn: object, now: float) -> float:
        mask = args.mask if args.HasField("mask") else "***"
        for c in self.host.match(mask, include_root=False):
            if args.HasField("changed_since") and c.change_time < args.changed_since:
                continue
            if not c.is_root:
                rsp.List.name.append(c.name)
        self.cost.charge(0, len(rsp.List.name), [])
        return 0.0

    def _GetProperty(self, args: pb.TGetPropertyRequest, rsp: pb.TPortoResponse, conn: object, now: float) -> float:
        c = self._resolve(args.name)
        frame = Frame(self.host, now)
        code, text = read_v4(View(self.host, frame, c), args.property)
        if code:
            raise HostError(code, text)
        rsp.GetProperty.value = text
        return 0.0

    def _GetDataProperty(
        self, args: pb.TGetDataPropertyRequest, rsp: pb.TPortoResponse, conn: object, now: float
    ) -> float:
        c = self._resolve(args.name)
        code, text = read_v4(View(self.host, Frame(self.host, now), c), args.data)
        if code:
            raise HostError(code, text)
        rsp.GetDataProperty.value = text
        return 0.0

    def _Get(self, args: pb.TGetRequest, rsp: pb.TPortoResponse, conn: object, now: float) -> float:
        host = self.host
        targets: list[tuple[str, Container | None]] = []
        seen: set[str] = set()
        for name in args.name:
            if names.is_mask(name):
                for c in host.match(name, include_root=False):
                    if c.name not in seen:
                        seen.add(c.name)
                        targets.append((c.name, c))
            elif name in ("/", "self"):
                targets.append((name, host.root))
            else:
                targets.append((name, host.by_name.get(name)))
        target: Container | None
        variables = list(args.variable)
        needs_frame = any(_base(v) in PROPERTIES and PROPERTIES[_base(v)].when == STAT for v in variables)
        frame = Frame(host, now) if needs_frame else Frame.empty(host, now)
        running = stopped = 0
        since = args.changed_since if args.HasField("changed_since") else None
        for shown, target in targets:
            item = rsp.Get.list.add(name=shown)
            if target is None:
                for var in variables:
                    item.keyval.add(variable=var, error=E_DOES_NOT_EXIST, errorMsg=f"container {shown} not found")
                continue
            c = target
            item.change_time = c.change_time
            if since is not None and c.change_time < since:
                item.no_changes = True
                stopped += 1
                continue
            if c.has_stats:
                running += 1
            else:
                stopped += 1
            view = View(host, frame, c)
            for var in variables:
                code, text = read_v4(view, var)
                if code:
                    item.keyval.add(variable=var, error=code, errorMsg=text)  # type: ignore[arg-type]
                else:
                    item.keyval.add(variable=var, value=text)
        return self.cost.charge(running, stopped, [_base(v) for v in variables])

    def _ListContainersBy(
        self, args: pb.TListContainersRequest, rsp: pb.TPortoResponse, conn: object, now: float
    ) -> float:
        host = self.host
        rsp.ListContainersBy.SetInParent()
        chosen: list[Container] = []
        missing: list[str] = []
        seen: set[int] = set()
        for flt in args.filters:
            mask = flt.name if flt.HasField("name") else "***"
            found = host.match(mask, include_root=True)
            if mask in ("/", "self"):
                found = [host.root]
            if not found and not names.is_mask(mask):
                missing.append(mask)
            want = {e.key: e.val for e in flt.labels.map}
            for c in found:
                if want and any(c.labels.get(k) != v for k, v in want.items()):
                    continue
                if c.id not in seen:
                    seen.add(c.id)
                    chosen.append(c)
        chosen.sort(key=lambda c: (not c.is_root, c.name))
        props = list(args.field_options.properties)
        every = not props
        wanted = list(PROPERTIES) if every else props
        unknown = [p for p in wanted if p not in PROPERTIES and p not in V5_ONLY]
        needs_frame = every or any(p in PROPERTIES and PROPERTIES[p].when == STAT for p in wanted)
        frame = Frame(host, now) if needs_frame else Frame.empty(host, now)
        running = 0
        for c in chosen:
            item = rsp.ListContainersBy.containers.add()
            spec, st = item.spec, item.status
            spec.name = c.name
            view = View(host, frame, c)
            if c.has_stats:
                running += 1
            for name in wanted:
                if name == "stdout" and c.has_stats and not every:
                    opts = args.field_options.stdout_options
                    text = read_v4(view, "stdout")[1]
                    offset = opts.stdstream_offset
                    limit = opts.stdstream_limit if opts.HasField("stdstream_limit") else 8 << 20
                    st.std_out = text[offset : offset + limit]
                    continue
                if name in V5_ONLY:
                    if c.state == "dead":
                        V5_ONLY[name](view, spec, st)
                    continue
                prop = PROPERTIES.get(name)
                if prop is None or prop.v5 is None or not _available(prop, c):
                    continue
                prop.v5(view, spec, st)
            if every:
                if c.state == "dead":
                    V5_ONLY["dead_time"](view, spec, st)
                fill_defaults(c, spec, st)
                if c.has_stats:
                    st.MergeFromString(STATUS_UNKNOWN)
            for name in unknown:
                st.error.add(error=E_INVALID_PROPERTY, msg=f"Unknown property {name}")  # type: ignore[arg-type]
        for name in missing:
            item = rsp.ListContainersBy.containers.add()
            item.spec.name = name
            item.error.error = E_DOES_NOT_EXIST  # type: ignore[assignment]
            item.error.msg = f"container {name} not found"
        return self.cost.charge(running, len(chosen) - running, wanted)

    # --- volumes, layers, storages ------------------------------------------

    def _ListVolumes(self, args: pb.TListVolumesRequest, rsp: pb.TPortoResponse, conn: object, now: float) -> float:
        for vol in self.host.volumes.values():
            if args.HasField("path") and not names.match(args.path, vol.path):
                continue
            if args.HasField("changed_since") and vol.build_time < args.changed_since:
                continue
            desc = rsp.ListVolumes.volumes.add(path=vol.path, change_time=vol.build_time)
            for key, value in volume_properties(vol).items():
                desc.properties[key] = value
            desc.containers.extend(vol.links)
            for link in vol.links:
                desc.links.add(container=link)
        return 0.0

    def _GetVolume(self, args: pb.TGetVolumeRequest, rsp: pb.TPortoResponse, conn: object, now: float) -> float:
        rsp.GetVolume.SetInParent()
        vols = self.host.volumes
        paths = list(args.path) or list(vols)
        for path in paths:
            if path not in vols:
                raise HostError(pb.VolumeNotFound, f"Volume {path} not found")
        since = args.changed_since if args.HasField("changed_since") else None
        for path in paths:
            vol = vols[path]
            spec = rsp.GetVolume.volume.add(path=vol.path, container="/")
            spec.change_time = vol.build_time
            if since is not None and vol.build_time < since:
                spec.no_changes = True
                continue
            fill_volume_spec(vol, spec)
        return 0.0

    def _ListLayers(self, args: pb.TListLayersRequest, rsp: pb.TPortoResponse, conn: object, now: float) -> float:
        for layer in self.host.layers.values():
            if args.HasField("mask") and not names.match(args.mask, layer.name):
                continue
            rsp.ListLayers.layer.append(layer.name)
            rsp.ListLayers.layers.add(
                name=layer.name, owner_user="root", owner_group="root",
                last_usage=max(0, int(now) - layer.last_used), private_value=layer.private,
            )  # fmt: skip
        return 0.0

    def _ListStorages(self, args: pb.TListStoragesRequest, rsp: pb.TPortoResponse, conn: object, now: float) -> float:
        rsp.ListStorages.SetInParent()
        for st in self.host.storages.values():
            rsp.ListStorages.storages.add(
                name=st.name, owner_user="root", owner_group="root",
                last_usage=max(0, int(now) - st.last_used), private_value=st.private,
            )  # fmt: skip
        for ms in self.host.meta_storages.values():
            rsp.ListStorages.meta_storages.add(
                name=ms.name, place=ms.place, private_value=ms.private, space_limit=ms.space_limit,
                inode_limit=ms.inode_limit, space_used=ms.space_used,
                space_available=max(0, ms.space_limit - ms.space_used), inode_used=ms.inode_used,
                inode_available=max(0, ms.inode_limit - ms.inode_used), owner_user="root", owner_group="root",
                last_usage=max(0, int(now) - ms.last_used),
            )  # fmt: skip
        return 0.0

    def _FindLabel(self, args: pb.TFindLabelRequest, rsp: pb.TPortoResponse, conn: object, now: float) -> float:
        rsp.FindLabel.SetInParent()
        mask = args.mask if args.HasField("mask") else "***"
        for c in self.host.match(mask, include_root=False):
            if args.HasField("state") and c.state != args.state:
                continue
            for label in sorted(c.labels):
                if names.match(args.label, label) and (not args.HasField("value") or c.labels[label] == args.value):
                    rsp.FindLabel.list.add(name=c.name, state=c.state, label=label, value=c.labels[label])
        return 0.0

    def _Wait(self, args: pb.TWaitRequest, rsp: pb.TPortoResponse, conn: object, now: float) -> float:
        # Only the non-blocking form: report the first matching container that is not running.
        rsp.ClearField("errorMsg")
        rsp.ClearField("timestamp")
        rsp.Wait.SetInParent()
        for mask in args.name:
            for c in self.host.match(mask, include_root=False):
                if c.state in ("stopped", "dead"):
                    rsp.Wait.name = c.name
                    rsp.Wait.state = c.state
                    rsp.Wait.when = int(now)
                    return 0.0
        rsp.Wait.state = "timeout"
        return 0.0


def _tag(number: int, wire_type: int) -> bytes:
    return encode_varint32((number << 3) | wire_type)


def _base(variable: str) -> str:
    return variable.split("[", 1)[0]


def _available(prop: Prop, c: Container) -> bool:
    when = prop.when
    if when == UNSUPPORTED:
        return False
    if when == STAT and not c.has_stats:
        return False
    return not (when == DEAD and c.state != "dead")


def read_v4(view: View, variable: str) -> tuple[int, str]:
    """One Get value: (0, text) or (EError code, portod's message)."""
    base, _, rest = variable.partition("[")
    key = rest[:-1] if rest.endswith("]") else None
    prop = PROPERTIES.get(base)
    c = view.c
    if prop is None:
        if "." in variable and variable[:1].isupper() and key is None:
            return _read_label(view, variable)
        return E_INVALID_PROPERTY, f"Unknown container property: {variable}"
    if prop.when == UNSUPPORTED:
        return pb.NotSupported, f"{base} is not supported"
    if prop.when == STAT and not c.has_stats:
        return E_INVALID_STATE, f"{base} is not available in {c.state} state"
    if prop.when == DEAD and c.state != "dead":
        return E_INVALID_STATE, f"{base} available only in dead state"
    if key is not None:
        if prop.subscript is None:
            return E_INVALID_VALUE, "What raw?" if key == "raw" else "Invalid subscript for property"
        try:
            return 0, prop.subscript(view, key)
        except KeyError as exc:
            return E_INVALID_VALUE, str(exc.args[0])
        except LookupError as exc:
            return pb.LabelNotFound, str(exc.args[0])
    if base == "root_pid" and c.state == "dead":
        return E_INVALID_STATE, "container isn't running"
    if base in ("stdout", "stderr") and c.state == "stopped":
        return E_INVALID_STATE, f"{base} is not available in stopped state"
    assert prop.v4 is not None
    return 0, prop.v4(view)


def _read_label(view: View, label: str) -> tuple[int, str]:
    value = view.c.labels.get(label)
    if value is None:
        return pb.LabelNotFound, f"Label {label} is not set"
    return 0, value


VOLUME_PROPERTIES = (
    "backend", "build_time", "change_time", "creator", "device_name", "group", "id", "image",
    "inode_available", "inode_guarantee", "inode_limit", "inode_used", "owner_container", "owner_group",
    "owner_user", "permissions", "place", "private", "read_only", "ready", "space_available",
    "space_guarantee", "space_limit", "space_used", "state", "storage", "user",
)  # fmt: skip


def volume_properties(v: Volume) -> dict[str, str]:
    props = {
        "backend": v.backend,
        "build_time": format_local_time(v.build_time),
        "change_time": format_local_time(v.build_time),
        "creator": "/ root root",
        "group": "root",
        "id": str(v.id),
        "image": "",
        "inode_available": str(v.inode_available),
        "inode_guarantee": "0",
        "inode_limit": str(v.inode_limit),
        "inode_used": str(v.inode_used),
        "owner_container": v.owner_container,
        "owner_group": "root",
        "owner_user": "root",
        "permissions": "0775",
        "place": v.place,
        "private": v.private,
        "read_only": format_bool(v.read_only),
        "ready": format_bool(v.state == "ready"),
        "space_available": str(v.space_available),
        "space_guarantee": "0",
        "space_limit": str(v.space_limit),
        "space_used": str(v.space_used),
        "state": v.state,
        "storage": v.storage,
        "user": "root",
    }
    if v.device_name:
        props["device_name"] = v.device_name
    if v.layers:
        props["layers"] = ";".join(v.layers)
    return props


def fill_volume_spec(v: Volume, spec: pb.TVolumeSpec) -> None:
    for link in v.links:
        spec.links.add(container=link)
    spec.id = str(v.id)
    spec.state = v.state
    if v.device_name:
        spec.device_name = v.device_name
        if v.backend == "loop":
            spec.device_index = int(v.device_name.removeprefix("loop") or 0)
    if v.layers:
        spec.layers.extend(v.layers)
    spec.backend = v.backend
    spec.place = v.place
    if v.storage:
        spec.storage = v.storage
    spec.read_only = v.read_only
    spec.cred.CopyFrom(pb.TCred(user="root", uid=0, group="root", gid=0))
    spec.permissions = 0o775
    spec.space.limit = v.space_limit
    spec.space.usage = v.space_used
    spec.space.available = v.space_available
    if v.inode_limit:
        spec.inodes.limit = v.inode_limit
    spec.inodes.usage = v.inode_used
    spec.inodes.available = v.inode_available
    spec.owner.CopyFrom(pb.TCred(user="root", uid=0, group="root", gid=0, grp=[0]))
    spec.owner_container = v.owner_container
    spec.creator = "/ root root"
    if v.private:
        spec.private_value = v.private
    if v.auto_path:
        spec.auto_path = True
    spec.build_time = v.build_time

