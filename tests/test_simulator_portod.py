"""What the simulator was found to answer differently from the real portod 5.3.59 (tests/real/test_simulator_diff),
held here without the daemon: one case per behaviour fixed, on the scenario's host, over the simulator's socket."""

from __future__ import annotations

import asyncio

import pytest
from google.protobuf import text_format

from porto_exporter.porto import rpc_pb2 as pb
from porto_exporter.porto.framing import FrameDecoder, encode_frame
from porto_exporter.simulator import Simulator
from porto_exporter.simulator.records import Volume


async def frames(sim: Simulator, text: str, until_reply: bool = True) -> list[pb.TPortoResponse]:
    """Every frame one request brings, pushes included, up to its reply."""
    reader, writer = await asyncio.open_unix_connection(sim.socket_path)
    try:
        writer.write(encode_frame(text_format.Parse(text, pb.TPortoRequest()).SerializeToString()))
        await writer.drain()
        decoder = FrameDecoder(1 << 26)
        got: list[pb.TPortoResponse] = []
        async with asyncio.timeout(10):
            while not got or got[-1].HasField("AsyncWait"):
                chunk = await reader.read(1 << 16)
                if not chunk:  # at EOF a read returns at once: without this the timeout could never fire
                    raise ConnectionError("the simulator closed the connection without a reply")
                for body in decoder.feed(chunk):
                    rsp = pb.TPortoResponse()
                    rsp.ParseFromString(body)
                    got.append(rsp)
        return got
    finally:
        writer.close()
        await writer.wait_closed()


async def ask(sim: Simulator, text: str) -> pb.TPortoResponse:
    return (await frames(sim, text))[-1]


async def value(sim: Simulator, name: str, variable: str) -> tuple[int, str]:
    kv = (await ask(sim, f'Get {{ name: "{name}" variable: "{variable}" }}')).Get.list[0].keyval[0]
    return kv.error, kv.errorMsg if kv.error else kv.value


async def test_get_answers_plain_names_first_then_what_masks_match_sorted(sim: Simulator) -> None:
    rsp = await ask(sim, 'Get { name: "infra/*" name: "a" name: "/" name: "a/***" name: "a" variable: "state" }')
    assert [e.name for e in rsp.Get.list] == ["a", "/", "a", "a/b", "a/b/c", "infra/db", "infra/web"]


@pytest.mark.parametrize(
    ("name", "variable", "expected"),
    [
        # nested under the nearest ancestor owning the controller, the path between them joined with %
        ("a/b/c", "cgroups[memory]", "/sys/fs/cgroup/memory/porto%a/b%c"),
        ("a/b/c", "cgroups[cpuacct]", "/sys/fs/cgroup/cpuacct/porto%a/b/c"),
        ("a/b/c", "cgroups[freezer]", "/sys/fs/cgroup/freezer/porto/a/b/c"),
        ("/", "cgroups[unified]", "/sys/fs/cgroup/unified/porto"),
        ("/", "controllers", "freezer;memory;cpu;cpuacct;blkio;devices;hugetlb;cpuset;perf_event;cgroup2"),
        ("a/b/c", "controllers[memory]", "true"),
        ("a/b", "controllers[memory]", "false"),
        ("/", "isolate", "false"),
        ("/", "ulimit", "core: 0 unlimited; nofile: 8192 8192; nproc: 16384 16384; "),
        (
            "a",
            "taint",
            "Container owned by root has unrestricted capabilities.\nFirst level container without "
            "memory_limit.\nFirst level container without cpu_limit.\nContainer could escape pid namespace with "
            "enable_porto=true.\n",
        ),
        (
            "a/b/c",
            "capabilities",
            "CHOWN;DAC_OVERRIDE;FOWNER;FSETID;KILL;SETGID;SETUID;SETPCAP;NET_BIND_SERVICE;"
            "NET_ADMIN;NET_RAW;IPC_LOCK;SYS_CHROOT;SYS_PTRACE;MKNOD;AUDIT_WRITE;SETFCAP",
        ),
        ("a/b/c", "net_tos", "CS0"),
        ("a/b/c", "net_rx_drops[eth9]", ""),
    ],
)
async def test_values_as_portod_prints_them(sim: Simulator, name: str, variable: str, expected: str) -> None:
    assert await value(sim, name, variable) == (pb.Success, expected)


@pytest.mark.parametrize(
    ("name", "variable", "code", "message"),
    [
        ("a/b/c", "cpu_usage[raw]", pb.InvalidValue, "Invalid subscript for property"),
        ("a/b/c", "creation_time[x]", pb.InvalidValue, "What x?"),
        ("a/b/c", "time[raw]", pb.InvalidValue, "What raw?"),
        ("a/b/c", "virtual_memory[nope]", pb.InvalidProperty, "Unknown nope"),
        ("a/b/c", "cgroups[nope]", pb.InvalidProperty, "Unknown cgroup subststem: nope"),
        ("a/b/c", "controllers[nope]", pb.InvalidValue, 'Unknown flag "nope"'),
        ("a/b/c", "net_bytes[nope]", pb.InvalidValue, "network device nope not found"),
        ("a/b/c", "stdout[x]", pb.InvalidValue, "Bad uint64 value: x"),
        ("a/b/c", "io_limit[/place]", pb.InvalidValue, "invalid index /place"),
        ("a/b/c", "anon_max_usage", pb.NotSupported, "anon_max_usage is not supported"),
        ("/", "labels[.TEAM.name]", pb.LabelNotFound, "Label .TEAM.name is not set"),
        ("/", "stdout", pb.InvalidData, "File not found"),
    ],
)
async def test_refusals_in_portods_words(sim: Simulator, name: str, variable: str, code: int, message: str) -> None:
    assert await value(sim, name, variable) == (code, message)


@pytest.mark.parametrize(
    ("request_text", "code", "message"),
    [
        ('Start { name: "a/b/c" }', pb.InvalidState, "Cannot start container a/b/c in state running"),
        ('Kill { name: "batch-job" sig: 9 }', pb.InvalidState, "invalid container state=stopped"),
        ('Pause { name: "batch-job" }', pb.InvalidState, "Contaner not running"),
        ('Resume { name: "a/b/c" }', pb.InvalidState, "Container not paused"),
        ('Create { name: "a/b c" }', pb.InvalidValue, "forbidden character 0x20"),
        ('Create { name: "nope/child" }', pb.ContainerDoesNotExist, "parent container not found for nope/child"),
        ('SetProperty { name: "batch-job" property: "nope" value: "1" }', pb.InvalidProperty, "Invalid property nope"),
        (
            'SetProperty { name: "a/b/c" property: "command" value: "x" }',
            pb.InvalidState,
            "command could be set only in stopped state",
        ),
        ('Stop { name: "/" }', pb.Permission, "Write access denied: root container is read-only"),
        ('Destroy { name: "/" }', pb.Permission, "Write access denied: root container is read-only"),
        ('ListVolumes { path: "/nope" }', pb.VolumeNotFound, "Volume /nope not found"),
    ],
)
async def test_errors_in_portods_words(sim: Simulator, request_text: str, code: int, message: str) -> None:
    rsp = await ask(sim, request_text)
    assert (rsp.error, rsp.errorMsg) == (code, message)


async def test_an_invalid_label_is_refused_before_the_container_is_looked_up(sim: Simulator) -> None:
    rsp = await ask(sim, 'SetLabel { name: "nope" label: "bad" value: "x" }')
    assert (rsp.error, rsp.errorMsg, rsp.HasField("SetLabel")) == (pb.InvalidLabel, "Invalid label name: bad", True)


async def test_asyncwait_nonblock_ends_with_a_timeout_push_before_its_reply(sim: Simulator) -> None:
    got = await frames(sim, 'AsyncWait { name: "a/***" timeout_ms: 0 }')
    pushes = [(f.AsyncWait.name, f.AsyncWait.state) for f in got[:-1]]
    assert pushes == [("a/b", "meta"), ("a/b/c", "running"), ("", "timeout")]
    assert not got[-1].HasField("AsyncWait")


async def test_asyncwait_with_label_masks_reports_each_matching_label_of_labelled_containers(sim: Simulator) -> None:
    got = await frames(sim, 'AsyncWait { name: "***" label: "TEAM.*" label: "ENV.*" timeout_ms: 0 }')
    pushes = [(f.AsyncWait.name, f.AsyncWait.label, f.AsyncWait.value) for f in got[:-1] if f.AsyncWait.name]
    assert pushes == [
        ("a", "TEAM.name", "alpha"),
        ("flaky", "TEAM.name", "infra"),
        ("host-sleeper", "TEAM.name", "ops"),
        ("infra", "ENV.stage", "prod"),
        ("infra", "TEAM.name", "infra"),
    ]


async def test_a_failed_start_leaves_its_error_and_time(sim: Simulator) -> None:
    await ask(sim, 'SetProperty { name: "batch-job" property: "command" value: "/nonexistent/x" }')
    assert (await ask(sim, 'Start { name: "batch-job" }')).error == pb.InvalidCommand
    rsp = await ask(
        sim,
        'ListContainersBy { filters { name: "batch-job" } field_options { properties: "start_error" '
        'properties: "start_time" properties: "state" } }',
    )
    st = rsp.ListContainersBy.containers[0].status
    assert (st.state, st.start_error.error, st.start_error.msg) == (
        "stopped",
        pb.InvalidCommand,
        "No such file or directory: cannot exec /nonexistent/x",
    )
    assert st.start_time > 0
    assert await value(sim, "batch-job", "start_error") == (
        pb.Success,
        "InvalidCommand:(No such file or directory: cannot exec /nonexistent/x)",
    )


async def test_full_dump_fills_a_container_and_the_root_differently(sim: Simulator) -> None:
    rsp = await ask(sim, 'ListContainersBy { filters { name: "/" } filters { name: "a/b/c" } }')
    root, ct = rsp.ListContainersBy.containers
    assert (root.spec.name, ct.spec.name) == ("/", "a/b/c")
    assert (root.spec.capabilities.hex, ct.spec.capabilities.hex) == ("000001ffffffffff", "00000000a80c75fb")
    assert ct.status.capabilities_ambient_allowed.hex == "00000000a9ec77fb"
    assert {v.name: v.value for v in ct.spec.env.var}["HOME"] == "/place/porto/a/b/c"
    assert (len(root.spec.devices.device), len(ct.spec.devices.device)) == (9, 0)
    assert [(u.type, u.hard, u.inherited) for u in ct.spec.ulimit.ulimit] == [
        ("core", 0, True),
        ("nofile", 8192, True),
        ("nproc", 16384, True),
    ]
    assert [c.controller for c in ct.status.cgroups.cgroup][:4] == ["memory", "freezer", "cpu", "cpuacct"]
    assert [p.place for p in ct.spec.place.cfg] == ["/place", "***"]
    assert (ct.spec.cpu_set.policy, ct.spec.net.inherited, root.spec.isolate) == ("inherit", True, False)


async def test_v5_virtual_memory_keeps_the_count_of_a_dead_container(sim: Simulator) -> None:
    rsp = await ask(
        sim, 'ListContainersBy { filters { name: "failed-job" } field_options { properties: "virtual_memory" } }'
    )
    assert rsp.ListContainersBy.containers[0].status.virtual_memory.HasField("count")


async def test_volumes_are_listed_by_path_and_an_unlimited_one_has_no_limit(sim: Simulator) -> None:
    sim.host.volumes["/place/porto_volumes/10/volume"] = Volume(
        "/place/porto_volumes/10/volume", 10, "native", "/place", "/", 0, 0, 0, 1, 0
    )
    listed = [v.path for v in (await ask(sim, "ListVolumes {}")).ListVolumes.volumes]
    got = (await ask(sim, "GetVolume {}")).GetVolume.volume
    assert listed == sorted(listed) == [v.path for v in got]
    native = next(v for v in got if v.path == "/place/porto_volumes/10/volume")
    assert native.space.HasField("usage") and not native.space.HasField("limit")


async def test_list_properties_is_portods_own_list(sim: Simulator) -> None:
    listed = {e.name: e for e in (await ask(sim, "ListProperties {}")).ListProperties.list}
    assert len(listed) == 159
    assert "dirty_limit" not in listed and "anon_max_usage" not in listed  # Get answers them; portod does not list
    assert (listed["cpu_usage"].read_only, listed["cpu_limit"].dynamic) == (True, True)


async def test_list_data_properties_is_portods_own_list(sim: Simulator) -> None:
    listed = [e.name for e in (await ask(sim, "ListDataProperties {}")).ListDataProperties.list]
    assert len(listed) == 79 and listed[:2] == ["absolute_name", "absolute_namespace"]


async def test_nonblocking_wait_that_finds_nothing_says_when(sim: Simulator) -> None:
    rsp = await ask(sim, 'Wait { name: "a/b/c" timeout_ms: 0 }')
    assert (rsp.Wait.HasField("name"), rsp.Wait.name, rsp.Wait.state) == (True, "", "timeout")
    assert rsp.Wait.when > 0


async def test_layers_and_storages_are_removed_or_not_found(sim: Simulator) -> None:
    assert (await ask(sim, 'RemoveLayer { layer: "demo-layer" }')).error == pb.Success
    assert "demo-layer" not in sim.host.layers
    rsp = await ask(sim, 'RemoveLayer { layer: "demo-layer" }')
    assert (rsp.error, rsp.errorMsg) == (pb.LayerNotFound, "Layer demo-layer not found")
    assert (await ask(sim, 'RemoveStorage { name: "app-data" }')).error == pb.Success
    rsp = await ask(sim, 'RemoveStorage { name: "app-data" }')
    assert (rsp.error, rsp.errorMsg) == (pb.VolumeNotFound, "Storage app-data not found")


@pytest.mark.parametrize(
    ("prop", "written", "read"),
    [
        # SetProperty reads values as portod's util/string.cpp does: units on sizes, durations and CPU power
        ("respawn_delay", "2s", "2000000000ns"),
        ("respawn_delay", "1500ms", "1500000000ns"),
        ("memory_limit", "1.5G", str(3 << 29)),
        ("memory_limit", "64MiB", str(64 << 20)),
        ("io_limit", "/place: 10M; vda: 1000", "/place: 10485760; vda: 1000"),
        ("cpu_limit", "500000000ns", "0.5c"),
        ("cpu_limit", "50", "1c"),  # a bare number: per cent of the host's 2 cores
        ("labels", "TEAM.name: a; APP.x: b", "APP.x: b; TEAM.name: a"),
    ],
)
async def test_set_property_reads_values_as_portod_does(sim: Simulator, prop: str, written: str, read: str) -> None:
    rsp = await ask(sim, f'SetProperty {{ name: "batch-job" property: "{prop}" value: "{written}" }}')
    assert (rsp.error, rsp.errorMsg) == (pb.Success, "")
    assert await value(sim, "batch-job", prop) == (pb.Success, read)


@pytest.mark.parametrize(
    ("prop", "written"),
    [
        ("cpu_weight", "heavy"),
        ("thread_limit", "many"),
        ("memory_limit", "1X"),
        ("respawn_delay", "1 day"),
        ("io_limit", "vda"),
        ("respawn", "yes"),
    ],
)
async def test_a_bad_value_is_refused_with_invalid_value(sim: Simulator, prop: str, written: str) -> None:
    """Not a dropped connection: portod answers InvalidValue and goes on."""
    rsp = await ask(sim, f'SetProperty {{ name: "batch-job" property: "{prop}" value: "{written}" }}')
    assert rsp.error == pb.InvalidValue and rsp.errorMsg
    assert (await ask(sim, "Version {}")).Version.tag


@pytest.mark.parametrize(
    ("mask", "names"),
    [
        ("***/c", ["a/b/c"]),  # portod's StringMatch: a leading *** matches the names ending with the rest
        ("a/***", ["a/b", "a/b/c"]),  # a trailing one: the names starting with what is before it
        ("*/b", ["a/b"]),  # else fnmatch with FNM_PATHNAME: * stops at /
        ("a/[a-c]/?", ["a/b/c"]),
        ("a/[c-a]", []),  # a backwards range matches nothing
    ],
)
async def test_list_matches_masks_as_portods_string_match(sim: Simulator, mask: str, names: list[str]) -> None:
    assert list((await ask(sim, f'List {{ mask: "{mask}" }}')).List.name) == names


async def read_until_closed(sim: Simulator, data: bytes, pieces: int = 1) -> bytes:
    """Write ``data`` in ``pieces`` writes; what comes back until the simulator closes the connection."""
    reader, writer = await asyncio.open_unix_connection(sim.socket_path)
    try:
        step = -(-len(data) // pieces)
        for i in range(0, len(data), step):
            writer.write(data[i : i + step])
            await writer.drain()
        if pieces > 1:
            return await asyncio.wait_for(reader.read(1 << 16), 10)  # one reply, the connection left open
        return await asyncio.wait_for(reader.read(), 10)
    finally:
        writer.close()
        await writer.wait_closed()


async def test_requests_are_read_as_portod_reads_them(sim: Simulator) -> None:
    """A request trickling in byte by byte is answered once whole; a length that is no varint32 (six bytes),
    or above the largest request, drops the client without a reply."""
    body = text_format.Parse("Version {}", pb.TPortoRequest()).SerializeToString()
    reply = await read_until_closed(sim, encode_frame(body), pieces=len(encode_frame(body)))
    assert pb.TPortoResponse.FromString(FrameDecoder(1 << 20).feed(reply)[0]).Version.tag
    assert await read_until_closed(sim, b"\xff\xff\xff\xff\xff\x01" + body) == b""
    assert await read_until_closed(sim, b"\xff\xff\xff\xff\x0f") == b""  # 4 GiB announced
