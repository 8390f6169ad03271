"""The simulator held against portod, side by side: the same requests to both, on equivalent hosts, compared.

Both hosts get the same containers under this session's prefix (nested meta, running, stopped, dead with exit
code 3, labels, a memory and a CPU limit), built by the same write requests; volumes (tmpfs, and a native one
on a persistent storage) and a layer are made on portod and given to the simulator as the same records. Then
every probe is sent raw to both: Version, GetSystem, List with masks, Get of every property the exporter reads
(v4 strings) and ListContainersBy of the same (v5) and in full, filters by name and label, ``changed_since``
cursors, volumes, layers, storages, property listings, AsyncWait snapshots and a container's lifecycle pushes,
and bad requests and unknown names. Replies are compared as ``simdiff`` describes.

Every difference must be a row of the table in docs/simulator-vs-portod.md, and every row must still be a
difference somewhere: the table is this test's list of known differences, and stays honest both ways.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import os
import tarfile
import tempfile
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

from porto_exporter.catalog import CONTAINER_METRICS, INFO_PROPS
from porto_exporter.collect.container_reads import FAST_ALWAYS
from porto_exporter.collect.parse import v4_variable
from porto_exporter.porto import rpc_pb2 as pb
from porto_exporter.simulator import Behaviour, Host, Simulator
from porto_exporter.simulator.records import Layer, Volume

from ..conftest import exchange
from .conftest import RealPortod
from .simdiff import (
    TABLE,
    Diff,
    Names,
    Subscriber,
    comparable,
    differences,
    flatten,
    form,
    known_differences,
    replies,
    request,
)

# What the exporter reads: v5 ListContainersBy properties, and the v4 Get variables for the same.
V5_PROPS = list(dict.fromkeys([*FAST_ALWAYS, *INFO_PROPS, *(cm.prop for cm in CONTAINER_METRICS)]))
V4_VARS = list(
    dict.fromkeys([*FAST_ALWAYS, "change_time[raw]", *INFO_PROPS, *(v4_variable(cm) for cm in CONTAINER_METRICS)])
)
# The tree under BASE (relative name, command, properties, labels, started); the same on both hosts.
TREE: tuple[tuple[str, str, dict[str, str], dict[str, str], bool], ...] = (
    ("", "", {}, {"TEAM.name": "diff"}, True),
    ("meta", "", {}, {"TEAM.name": "alpha", "APP.tier": "web"}, True),
    ("meta/run", "sleep 100000", {"memory_limit": "67108864", "cpu_limit": "0.5c"}, {"APP.role": "cache"}, True),
    ("stopped", "sleep 100000", {}, {}, False),
    ("dead", "sh -c 'echo failing; echo oops >&2; exit 3'", {}, {}, True),
    ("cycle", "sleep 100000", {}, {}, False),
)
TMPFS_LIMIT = 16 << 20
# What the simulator's containers do, as the real ones do: sleep (no disk or network traffic) or exit 3 at once.
SLEEP = Behaviour(
    cpu_cores=0.0005,
    system_fraction=0.1,
    memory_bytes=1 << 20,
    io_read_bps=0.0,
    io_write_bps=0.0,
    net_bps=0.0,
    processes=1,
    threads=1,
)
EXITS_3 = dataclasses.replace(SLEEP, exit_after=0.001, exit_code=3)
PROBE_TIMEOUT = 20.0
# Probes whose values are compared by form only: every property portod lists, most of which no metric reads.
BY_FORM = {"get.listed"}


def quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


@dataclass
class Side:
    """One of the two hosts, by its socket."""

    name: str
    socket: str

    async def ask(self, req: pb.TPortoRequest | bytes | str) -> pb.TPortoResponse | None:
        return await exchange(self.socket, request(req) if isinstance(req, str) else req, timeout=PROBE_TIMEOUT)

    async def do(self, text: str) -> pb.TPortoResponse:
        """A write that must succeed on this host."""
        rsp = await self.ask(text)
        if rsp is None or rsp.error != pb.Success:
            raise AssertionError(f"{self.name}: {text}: {rsp}")
        return rsp

    async def timestamp(self) -> int:
        rsp = await self.do("Version {}")
        return rsp.timestamp


@dataclass
class Hosts:
    """Both sides, the tree's name, and the session-specific names as compared (``Names``)."""

    real: Side
    sim: Side
    base: str
    names: Names
    volumes: dict[str, str]  # token -> path
    layer: str
    storage: str

    @property
    def sides(self) -> tuple[Side, Side]:
        return self.real, self.sim


def build_requests(base: str) -> list[str]:
    """The writes that build ``TREE`` under ``base``, in order (sent to both hosts alike)."""
    out = []
    for rel, command, props, labels, started in TREE:
        name = quoted(f"{base}/{rel}" if rel else base)
        out.append(f"Create {{ name: {name} }}")
        if command:
            out.append(f'SetProperty {{ name: {name} property: "command" value: {quoted(command)} }}')
        for prop, value in props.items():
            out.append(f"SetProperty {{ name: {name} property: {quoted(prop)} value: {quoted(value)} }}")
        for label, value in labels.items():
            out.append(f"SetLabel {{ name: {name} label: {quoted(label)} value: {quoted(value)} }}")
        if started:
            out.append(f"Start {{ name: {name} }}")
    return out


async def poll_state(side: Side, name: str, state: str, seconds: float = 15.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while True:
        rsp = await side.ask(f'GetProperty {{ name: {quoted(name)} property: "state" }}')
        if rsp is not None and rsp.GetProperty.value == state:
            return
        if loop.time() > deadline:
            raise AssertionError(f"{side.name}: {name} not {state} after {seconds:g} s: {rsp}")
        await asyncio.sleep(0.05)


async def make_layer(real: Side, name: str) -> None:
    with tempfile.TemporaryDirectory(prefix="pe-diff-") as d:
        (Path(d) / "hello").write_text("hello\n")
        tarball = Path(d) / "layer.tgz"
        with tarfile.open(tarball, "w:gz") as tar:
            tar.add(Path(d) / "hello", arcname="hello")
        await real.do(f"ImportLayer {{ layer: {quoted(name)} tarball: {quoted(str(tarball))} merge: false }}")


async def make_volumes(real: Side, host: Host, base: str, storage: str) -> dict[str, str]:
    """A tmpfs volume and a native one on a persistent storage, made on portod (linked into the tree, so they go
    with it) and given to the simulator as the same records; token -> path."""
    made = {}
    for token, backend, link, extra in (
        ("VOL_TMPFS", "tmpfs", f"{base}/meta/run", {"space_limit": str(TMPFS_LIMIT)}),
        ("VOL_NATIVE", "native", f"{base}/meta", {"storage": storage}),
    ):
        props = {"backend": backend, "containers": link, **extra}
        rsp = await real.do(
            "CreateVolume { "
            + " ".join(f"properties {{ key: {quoted(k)} value: {quoted(v)} }}" for k, v in props.items())
            + " }"
        )
        path = made[token] = rsp.CreateVolume.path
        host.volumes[path] = Volume(
            path,
            len(made),
            backend,
            "/place",
            "/",
            int(extra.get("space_limit", 0)),
            0,
            0,
            1,
            int(host.clock()),
            links=[link],
            storage=extra.get("storage", ""),
            device_name="vda" if backend == "native" else "",
        )
    return made


@contextlib.asynccontextmanager
async def equivalent_hosts(real_portod: RealPortod, socket_dir: Path, tag: str) -> AsyncIterator[Hosts]:
    """The same tree (``prefix/<tag>``) on portod and on a simulator, this session's prefix above it on both."""
    prefix = real_portod.prefix
    base = real_portod.name(tag)
    layer, storage = f"{prefix}-{tag}-layer", f"{prefix}-{tag}-storage"
    sim_host = Host(seed=7)
    simulator = Simulator(sim_host, str(socket_dir / "portod.socket"))
    real, sim = Side("portod", real_portod.socket), Side("simulator", simulator.socket_path)
    made_layer = False
    async with simulator:
        try:
            # the session prefix exists on portod (conftest); the simulator gets the same
            await sim.do(f"Create {{ name: {quoted(prefix)} }}")
            await sim.do(f'SetProperty {{ name: {quoted(prefix)} property: "private" value: "porto-exporter tests" }}')
            await sim.do(f"Start {{ name: {quoted(prefix)} }}")
            for text in build_requests(base):
                for side in (real, sim):
                    await side.do(text)
                if text.startswith("Create"):  # the workload the real container runs
                    made = sim_host.by_name[text.split('"')[1]]
                    made.behaviour = EXITS_3 if made.name == f"{base}/dead" else SLEEP
            await poll_state(real, f"{base}/dead", "dead")
            await poll_state(sim, f"{base}/dead", "dead")
            volumes = await make_volumes(real, sim_host, base, storage)
            await make_layer(real, layer)
            made_layer = True
            sim_host.layers[layer] = Layer(layer, int(sim_host.clock()))
            sim_host.storages[storage] = Layer(storage, int(sim_host.clock()))
            tokens = {**volumes, "BASE": base, "PREFIX": prefix, "LAYER": layer, "STORAGE": storage}
            mine = {"/", *tokens.values()}
            names = Names(
                tuple(
                    sorted(((real_name, token) for token, real_name in tokens.items()), key=lambda pair: -len(pair[0]))
                ),  # longest first: base before prefix
                lambda k: k in mine or k.startswith(base + "/"),
            )
            yield Hosts(real, sim, base, names, volumes, layer, storage)
        finally:
            await portod_epoch(real_portod.socket)  # answering again, if another session restarted it
            await real_portod.actl("destroy", base, check=False)  # its volumes go with it
            if made_layer:
                await real.ask(f"RemoveLayer {{ layer: {quoted(layer)} }}")
            await real.ask(f"RemoveStorage {{ name: {quoted(storage)} }}")


# --- probes ----------------------------------------------------------------------------------------------------


def variables(names: list[str] | tuple[str, ...]) -> str:
    return " ".join(f"variable: {quoted(v)}" for v in names)


# Odd reads: unknown names, labels, subscripts (portod's own and refused ones), and what differs by state.
ODD = [
    "nope",
    "labels[TEAM.name]",
    "labels[.TEAM.name]",
    "labels[APP.role]",
    "TEAM.name",
    "APP.role",
    "io_read[sda]",
    "io_read[hw]",
    "virtual_memory[anon]",
    "virtual_memory[nope]",
    "cgroups[memory]",
    "cgroups[nope]",
    "exit_code",
    "state[x]",
    "creation_time[raw]",
    "creation_time[x]",
    "cpu_usage[raw]",
    "time[dead]",
    "root_pid",
    "stdout",
    "stdout[0:4]",
    "stdout[1]",
    "stdout[x]",
    "stderr",
    "net_rx_bytes[Uplink]",
    "net_bytes[nope]",
    "net_bytes[Latency]",
    "cpu_limit",
    "memory_limit",
    "parent",
    "cgroups",
    "controllers",
    "controllers[memory]",
    "controllers[cpuacct]",
    "controllers[nope]",
    "taint",
    "isolate",
    "volumes_owned",
    "volumes_linked",
    "cpu_set_affinity",
    "virtual_memory",
    "cwd",
    "ulimit",
    "anon_max_usage",
    "labels",
    "oom_killed",
    "exit_status",
    "start_error",
    "io_limit[/place]",
]
MINE = ("BASE", "BASE/meta", "BASE/meta/run", "BASE/stopped", "BASE/dead", "/")


def static_probes(listed: list[str]) -> dict[str, str]:
    """Requests that read the tree as built, the same to both hosts (tokens: ``Names``); ``listed``: every
    property portod lists."""
    odd = variables(ODD)
    v5 = " ".join(f'properties: "{p}"' for p in V5_PROPS)
    return {
        "version": "Version {}",
        "system": "GetSystem {}",
        "list": "List {}",
        "list.subtree": 'List { mask: "BASE/***" }',
        "list.children": 'List { mask: "BASE/*" }',
        "list.one": 'List { mask: "BASE/meta" }',
        "list.missing": 'List { mask: "BASE/nope" }',
        "get.exporter": "Get { " + " ".join(f'name: "{n}"' for n in MINE) + f" {variables(V4_VARS)} }}",
        "get.subtree": 'Get { name: "BASE/***" variable: "state" }',
        "get.mixed": 'Get { name: "BASE/meta" name: "BASE/nope" name: "BASE/*" name: "/" variable: "state" '
        'variable: "level" }',
        "get.odd.running": f'Get {{ name: "BASE/meta/run" {odd} }}',
        "get.odd.stopped": f'Get {{ name: "BASE/stopped" {odd} }}',
        "get.odd.dead": f'Get {{ name: "BASE/dead" {odd} }}',
        "get.odd.meta": f'Get {{ name: "BASE/meta" {odd} }}',
        "get.odd.root": f'Get {{ name: "/" {odd} }}',
        "get.raw": f'Get {{ name: "BASE/meta/run" name: "BASE/dead" {variables([p + "[raw]" for p in V5_PROPS])} }}',
        "get.listed": f'Get {{ name: "BASE/meta/run" {variables(listed)} }}',
        "lcb.exporter": f'ListContainersBy {{ filters {{ name: "/" }} filters {{ name: "BASE" }} '
        f'filters {{ name: "BASE/***" }} field_options {{ {v5} }} }}',
        "lcb.full": 'ListContainersBy { filters { name: "BASE/***" } }',
        "lcb.full.root": 'ListContainersBy { filters { name: "/" } }',
        "lcb.labels": 'ListContainersBy { filters { name: "BASE/***" labels { map { key: "TEAM.name" '
        'val: "alpha" } } } field_options { properties: "state" } }',
        "lcb.missing": 'ListContainersBy { filters { name: "BASE/nope" } filters { name: "BASE/stopped" } '
        'field_options { properties: "state" properties: "nope" properties: "cpu_usage" '
        'properties: "exit_code" } }',
        "lcb.order": 'ListContainersBy { filters { name: "BASE/meta/run" } filters { name: "BASE/meta" } '
        'filters { name: "BASE/meta/run" } filters { name: "BASE/*" } '
        'field_options { properties: "state" } }',
        "getproperty.state": 'GetProperty { name: "BASE/meta" property: "state" }',
        "getproperty.labels": 'GetProperty { name: "BASE/meta" property: "labels" }',
        "getproperty.exit_code": 'GetProperty { name: "BASE/dead" property: "exit_code" }',
        "getproperty.missing": 'GetProperty { name: "BASE/nope" property: "state" }',
        "getproperty.unknown": 'GetProperty { name: "BASE/meta" property: "nope" }',
        "getproperty.stopped_stat": 'GetProperty { name: "BASE/stopped" property: "cpu_usage" }',
        "getproperty.not_dead": 'GetProperty { name: "BASE/meta/run" property: "exit_code" }',
        "getproperty.root": 'GetProperty { name: "/" property: "state" }',
        "volumes.list": "ListVolumes {}",
        "volumes.list.path": 'ListVolumes { path: "VOL_TMPFS" }',
        "volumes.list.container": 'ListVolumes { container: "BASE/meta/run" }',
        "volumes.list.missing": 'ListVolumes { path: "/nope" }',
        "volumes.get": 'GetVolume { path: "VOL_TMPFS" path: "VOL_NATIVE" }',
        "volumes.get.all": "GetVolume {}",
        "volumes.get.missing": 'GetVolume { path: "/nope" }',
        "volumes.properties": "ListVolumeProperties {}",
        "layers": "ListLayers {}",
        "layers.mask": 'ListLayers { mask: "LAYER" }',
        "storages": "ListStorages {}",
        "properties": "ListProperties {}",
        "find_label": 'FindLabel { mask: "BASE/***" label: "TEAM.*" }',
        "find_label.value": 'FindLabel { mask: "BASE/***" label: "APP.*" value: "web" }',
        "wait.dead": 'Wait { name: "BASE/***" timeout_ms: 0 }',
        "wait.running": 'Wait { name: "BASE/meta/run" timeout_ms: 0 }',
        "data_properties": "ListDataProperties {}",
    }


def bad_probes() -> dict[str, str | bytes]:
    """Requests portod refuses: bytes that are not one, unknown methods, writes in the wrong state or with bad
    names (none of them changes anything)."""
    version = request("Version {}").SerializeToString()
    unknown = bytes([0xB8, 0x3E, 0x01])  # field 999, a varint: no command portod knows
    return {
        "bad.empty": b"",
        "bad.unknown_method": unknown,
        "bad.unknown_and_version": unknown + version,
        "bad.two_commands": version + request("List {}").SerializeToString(),
        "bad.garbage": b"\xff\xff\xff\xff",
        "bad.missing_required": 'GetProperty { name: "BASE" }',
        "bad.kill_stopped": 'Kill { name: "BASE/stopped" sig: 9 }',
        "bad.kill_dead": 'Kill { name: "BASE/dead" sig: 9 }',
        "bad.start_running": 'Start { name: "BASE/meta/run" }',
        "bad.start_dead": 'Start { name: "BASE/dead" }',
        "bad.pause_stopped": 'Pause { name: "BASE/stopped" }',
        "bad.resume_running": 'Resume { name: "BASE/meta/run" }',
        "bad.create_exists": 'Create { name: "BASE/meta" }',
        "bad.create_bad_name": 'Create { name: "BASE/bad name" }',
        "bad.create_no_parent": 'Create { name: "BASE/nope/child" }',
        "bad.destroy_missing": 'Destroy { name: "BASE/nope" }',
        "bad.set_unknown": 'SetProperty { name: "BASE/stopped" property: "nope" value: "1" }',
        "bad.set_read_only": 'SetProperty { name: "BASE/stopped" property: "cpu_usage" value: "1" }',
        "bad.set_command_running": 'SetProperty { name: "BASE/meta/run" property: "command" value: "x" }',
        "bad.label_invalid": 'SetLabel { name: "BASE/stopped" label: "bad" value: "x" }',
        "bad.label_reserved": 'SetLabel { name: "BASE/stopped" label: "PORTO.x" value: "x" }',
        "bad.label_missing_container": 'SetLabel { name: "BASE/nope" label: "APP.x" value: "x" }',
        "bad.stop_root": 'Stop { name: "/" }',
        "bad.destroy_root": 'Destroy { name: "/" }',
        "bad.set_root": 'SetProperty { name: "/" property: "memory_limit" value: "1" }',
        "bad.volume_backend": 'CreateVolume { properties { key: "backend" value: "nope" } }',
        "bad.unlink_missing_volume": 'UnlinkVolume { path: "/nope" }',
        "bad.remove_missing_layer": 'RemoveLayer { layer: "PREFIX-nope" }',
        "bad.remove_missing_storage": 'RemoveStorage { name: "PREFIX-nope" }',
    }


def flat_reply(h: Hosts, rsp: pb.TPortoResponse | None) -> dict[str, object]:
    return {"<closed>": True} if rsp is None else flatten(rsp, h.names)


def flat_frames(h: Hosts, frames: list[pb.TPortoResponse]) -> dict[str, object]:
    """A sequence of pushes and replies, in order: each frame flattened under its position."""
    out: dict[str, object] = {"frames@len": len(frames)}
    for i, f in enumerate(frames):
        out.update(flatten(f, h.names, f"frame{{{i}}}"))
    return out


async def probe_all(h: Hosts, probes: Mapping[str, str | bytes], out: dict[str, tuple[dict, dict]]) -> None:
    for pid, template in probes.items():
        req = h.names.expand(template) if isinstance(template, str) else template
        real, sim = await asyncio.gather(h.real.ask(req), h.sim.ask(req))
        flat_real, flat_sim = flat_reply(h, real), flat_reply(h, sim)
        if pid in BY_FORM:
            flat_real, flat_sim = ({p: form(v) for p, v in f.items()} for f in (flat_real, flat_sim))
        out[pid] = (flat_real, flat_sim)


# --- change_time, changed_since --------------------------------------------------------------------------------


async def changed_since(h: Hosts, out: dict[str, tuple[dict, dict]]) -> None:
    """From a cursor past every change of the tree, one SetLabel: what each changed_since read reports."""
    b, q = h.base, quoted
    Read = pb.TPortoResponse | dict[str, bool] | None  # a reply; parent_time's: which names moved
    per_side: list[dict[str, Read]] = []
    for side in h.sides:
        rsp = await side.do(
            f"ListContainersBy {{ filters {{ name: {q(b + '/***')} }} filters {{ name: {q(b)} }} "
            'field_options { properties: "change_time" } }'
        )
        vols = await side.do(" ".join(["GetVolume {", *(f"path: {q(p)}" for p in h.volumes.values()), "}"]))
        newest = max(
            [
                *(c.status.change_time for c in rsp.ListContainersBy.containers),
                *(v.change_time for v in vols.GetVolume.volume),
            ]
        )
        cursor = await side.timestamp()
        while cursor <= newest:  # the next second: changes made so far are all older than the cursor
            await asyncio.sleep(0.05)
            cursor = await side.timestamp()
        await side.do(f'SetLabel {{ name: {q(b + "/meta")} label: "APP.tier" value: "db" }}')
        got: dict[str, Read] = {}
        reads = {
            "list": f"List {{ mask: {q(b + '/***')} changed_since: {cursor} }}",
            "list.future": f"List {{ mask: {q(b + '/***')} changed_since: {cursor + 3600} }}",
            "get": f"Get {{ name: {q(b)} name: {q(b + '/meta')} name: {q(b + '/meta/run')} name: {q(b + '/stopped')} "
            f'variable: "state" variable: "labels" changed_since: {cursor} }}',
            "get.mask": f'Get {{ name: {q(b + "/***")} variable: "state" changed_since: {cursor} }}',
            "lcb": f"ListContainersBy {{ filters {{ name: {q(b + '/***')} changed_since: {cursor} }} "
            'field_options { properties: "labels" } }',
            "lcb.two": f"ListContainersBy {{ filters {{ name: {q(b + '/stopped')} changed_since: {cursor} }} "
            f"filters {{ name: {q(b + '/meta')} changed_since: {cursor} }} "
            'field_options { properties: "state" } }',
            "volumes": f"GetVolume {{ path: {q(h.volumes['VOL_TMPFS'])} changed_since: {cursor} }}",
            "parent_time": f'Get {{ name: {q(b)} name: {q(b + "/meta/run")} variable: "change_time[raw]" }}',
        }
        for key, text in reads.items():
            rsp2 = await side.ask(text)
            got[key] = rsp2
            if key == "parent_time" and rsp2 is not None:  # moved with its child's change? (times: compared as such)
                got[key] = {e.name: int(e.keyval[0].value) >= cursor for e in rsp2.Get.list}
        per_side.append(got)
    real, sim = per_side
    for key in real:
        r, s = real[key], sim[key]
        if isinstance(r, dict) and isinstance(s, dict):
            out[f"changed_since.{key}"] = (
                {h.names.sub(k): v for k, v in r.items()},
                {h.names.sub(k): v for k, v in s.items()},
            )
        else:
            assert not isinstance(r, dict) and not isinstance(s, dict), (key, r, s)  # parent_time: both or neither
            out[f"changed_since.{key}"] = (flat_reply(h, r), flat_reply(h, s))


# --- AsyncWait ----------------------------------------------------------------------------------------------------


async def snapshot(side: Side, text: str) -> list[pb.TPortoResponse]:
    """The frames an AsyncWait sends up to and including its reply."""
    async with Subscriber(side.socket) as sub:
        sub.send(request(text))
        await sub.until(lambda fs: replies(fs) >= 1, "AsyncWait reply")
        return list(sub.frames)


def pushed(frames: list[pb.TPortoResponse], name: str, state: str, after: int = 0) -> bool:
    return any(
        f.HasField("AsyncWait") and f.AsyncWait.name == name and f.AsyncWait.state == state for f in frames[after:]
    )


# What is read of the cycling container in each state it is taken through (v4 and v5).
CYCLE_READS = (
    "state",
    "start_time",
    "death_time",
    "change_time",
    "time",
    "exit_code",
    "exit_status",
    "oom_killed",
    "core_dumped",
    "start_error",
    "respawn_count",
    "oom_kills",
    "root_pid",
    "process_count",
)


async def lifecycle(side: Side, b: str) -> tuple[list[pb.TPortoResponse], dict[str, pb.TPortoResponse | None]]:
    """Pushes for one container started, killed, stopped, failing to start; the writes' replies, and what
    Get and ListContainersBy read of it in each state."""
    q = quoted
    name = f"{b}/cycle"
    writes: dict[str, pb.TPortoResponse | None] = {}
    v4 = variables([f"{p}[raw]" if p.endswith("_time") and p != "time" else p for p in CYCLE_READS])
    v5 = " ".join(f"properties: {q(p)}" for p in CYCLE_READS)

    async def read(state: str) -> None:
        writes[f"get.{state}"] = await side.ask(f"Get {{ name: {q(name)} {v4} }}")
        writes[f"lcb.{state}"] = await side.ask(
            f"ListContainersBy {{ filters {{ name: {q(name)} }} field_options {{ {v5} }} }}"
        )

    await side.do(f'SetProperty {{ name: {q(name)} property: "command" value: "sleep 100000" }}')
    async with Subscriber(side.socket) as sub:
        sub.send(request(f"AsyncWait {{ name: {q(name)} name: {q(b)} }}"))
        await sub.until(lambda fs: replies(fs) >= 1, "AsyncWait reply")
        start = len(sub.frames)
        await read("never_started")
        writes["start"] = await side.ask(f"Start {{ name: {q(name)} }}")
        await sub.until(lambda fs: pushed(fs, name, "running", start), "running push")
        await read("running")
        mark = len(sub.frames)
        writes["kill"] = await side.ask(f"Kill {{ name: {q(name)} sig: 9 }}")
        await sub.until(lambda fs: pushed(fs, name, "dead", mark), "dead push")
        await read("killed")
        mark = len(sub.frames)
        writes["stop"] = await side.ask(f"Stop {{ name: {q(name)} }}")
        await sub.until(lambda fs: pushed(fs, name, "stopped", mark), "stopped push")
        await read("stopped")
        await side.do(f'SetProperty {{ name: {q(name)} property: "command" value: "/nonexistent/x" }}')
        mark = len(sub.frames)
        writes["start_failing"] = await side.ask(f"Start {{ name: {q(name)} }}")
        await sub.until(lambda fs: pushed(fs, name, "stopped", mark), "stopped push after a failed start")
        await read("failed_start")
        mark = len(sub.frames)
        sub.send(request(f"StopAsyncWait {{ name: {q(name)} name: {q(b)} }}"))
        await sub.until(lambda fs: replies(fs[mark:]) >= 1, "StopAsyncWait reply")
        return sub.frames[start:], writes


async def async_wait(h: Hosts, out: dict[str, tuple[dict, dict]]) -> None:
    b, q = h.base, quoted
    snaps = {
        "aw.snapshot": f"AsyncWait {{ name: {q(b + '/***')} timeout_ms: 0 }}",
        "aw.snapshot.labels": f'AsyncWait {{ name: {q(b + "/meta")} label: "TEAM.*" timeout_ms: 0 }}',
        "aw.target_state": f'AsyncWait {{ name: {q(b + "/***")} target_state: "dead" }}',
        "aw.subscribe": f"AsyncWait {{ name: {q(b + '/***')} }}",
    }
    for pid, text in snaps.items():
        real, sim = await asyncio.gather(snapshot(h.real, text), snapshot(h.sim, text))
        out[pid] = (flat_frames(h, real), flat_frames(h, sim))
    (real_frames, real_writes), (sim_frames, sim_writes) = await asyncio.gather(
        lifecycle(h.real, b), lifecycle(h.sim, b)
    )
    out["aw.lifecycle"] = (flat_frames(h, real_frames), flat_frames(h, sim_frames))
    for key in real_writes:
        out[f"aw.lifecycle.{key}"] = (flat_reply(h, real_writes[key]), flat_reply(h, sim_writes[key]))


# --- the test ---------------------------------------------------------------------------------------------------


async def portod_epoch(socket: str, seconds: float = 60.0) -> tuple[int, int]:
    """(starts, when the master started): changes when portod restarts or reloads. Waits for portod to answer
    (another session may be restarting it)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while True:
        try:
            rsp = await exchange(socket, request("GetSystem {}"), timeout=10.0)
        except (OSError, TimeoutError):
            rsp = None
        if rsp is not None and rsp.error == pb.Success:
            return rsp.GetSystem.porto_starts, rsp.timestamp - rsp.GetSystem.master_uptime
        if loop.time() > deadline:
            raise AssertionError(f"portod at {socket} did not answer GetSystem for {seconds:g} s: {rsp}")
        await asyncio.sleep(0.1)


def same_epoch(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] == b[0] and abs(a[1] - b[1]) <= 2  # the start time is computed to the second from two clocks


async def compare(h: Hosts) -> dict[str, tuple[dict, dict]]:
    out: dict[str, tuple[dict, dict]] = {}
    listing = await h.real.do("ListProperties {}")
    await probe_all(h, static_probes([e.name for e in listing.ListProperties.list]), out)
    await changed_since(h, out)
    await async_wait(h, out)
    await probe_all(h, bad_probes(), out)
    return out


def diff_all(compared: dict[str, tuple[dict, dict]]) -> tuple[list[Diff], int]:
    diffs: list[Diff] = []
    values = 0
    for pid, (real, sim) in compared.items():
        values += len(real.keys() | sim.keys())
        diffs += differences(pid, real, sim)
    return diffs, values


async def test_simulator_answers_as_portod_does(
    real_portod: RealPortod, socket_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # If another session restarts portod meanwhile (it drops connections, moves every change_time, restores
    # volumes with more fields), the tree is built anew and compared again.
    for attempt in range(3):
        before = await portod_epoch(real_portod.socket)
        try:
            async with equivalent_hosts(real_portod, socket_dir, f"diff{attempt}") as hosts:
                compared = await compare(hosts)
        except Exception:
            if same_epoch(before, await portod_epoch(real_portod.socket)):
                raise
            continue
        if same_epoch(before, await portod_epoch(real_portod.socket)):
            break
    else:
        pytest.fail("portod restarted during each of 3 comparisons")
    if os.environ.get("PE_SIMDIFF_DUMP"):  # what was compared, for a developer to read (values as compared)
        Path(os.environ["PE_SIMDIFF_DUMP"]).write_text(
            json.dumps(
                {pid: {"portod": comparable(r), "simulator": comparable(s)} for pid, (r, s) in compared.items()},
                indent=1,
                default=repr,
            )
        )
    diffs, values = diff_all(compared)
    known = known_differences()
    unexplained = [d for d in diffs if not any(k.covers(d.id) for k in known)]
    stale = [k.pattern for k in known if not any(k.covers(d.id) for d in diffs)]
    with capsys.disabled():
        print(
            f"\nsimulator vs portod: {len(compared)} probes, {values} values compared, {len(diffs)} differ "
            f"({len(known)} known differences in the table)"
        )
    problems = []
    if unexplained:
        problems.append(f"{len(unexplained)} differences not in {TABLE}:\n" + "\n".join(str(d) for d in unexplained))
    if stale:
        problems.append("rows of the table that no longer differ (remove them):\n" + "\n".join(stale))
    if problems:
        pytest.fail("\n\n".join(problems), pytrace=False)
