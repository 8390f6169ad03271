"""The client against the simulator over real unix sockets."""

from __future__ import annotations

import asyncio
import contextlib
import random
from pathlib import Path

import pytest

from porto_exporter.porto import PortoClient, errors
from porto_exporter.porto import rpc_pb2 as pb
from porto_exporter.simulator import Simulator


async def test_version_and_unknown_fields_are_tolerated(client: PortoClient) -> None:
    version = await client.version()
    assert version.tag == "5.3.59"
    system = await client.get_system()  # the simulator sends fields rpc.proto lacks, as portod 5.3 does
    assert system.porto_version == "5.3.59"
    assert system.container_running > 0


async def test_get_returns_per_value_errors_as_values(client: PortoClient) -> None:
    result = await client.get(["batch-job", "no-such"], ["state", "cpu_usage", "cpu_wait"])
    by_name = {e.name: e for e in result.containers}
    stopped = by_name["batch-job"].values
    assert stopped["state"] == "stopped"
    assert isinstance(stopped["cpu_usage"], errors.InvalidState)
    assert isinstance(stopped["cpu_wait"], errors.NotSupported)
    assert stopped["cpu_wait"].code == 9
    missing = by_name["no-such"].values
    assert isinstance(missing["state"], errors.ContainerDoesNotExist)
    assert result.timestamp > 0


async def test_top_level_errors_are_typed(client: PortoClient) -> None:
    with pytest.raises(errors.ContainerDoesNotExist) as info:
        await client.get_property("no-such", "state")
    assert info.value.code == 4 and "no-such" in info.value.message
    with pytest.raises(errors.InvalidProperty):
        await client.get_property("infra", "no_such_property")
    with pytest.raises(errors.VolumeNotFound):
        await client.get_volume(["/nonexistent"])
    with pytest.raises(errors.ContainerAlreadyExists):
        await client.create("infra")
    with pytest.raises(errors.InvalidValue):
        await client.create("bad name!")
    empty = pb.TPortoRequest()
    with pytest.raises(errors.InvalidMethod):
        await client.call(empty)


def test_error_hierarchy_is_static_and_complete() -> None:
    for name, code in pb.EError.items():
        if name == "Success":
            continue
        exc = errors.error_for(code, "msg")
        assert exc.code == code, name
        assert isinstance(exc, errors.PortoError)
        assert type(exc).name == name  # a class of its own for every code, named as in rpc.proto
    odd = errors.error_for(12345, "future")
    assert type(odd) is errors.PortoError and odd.code == 12345
    assert issubclass(errors.SocketTimeout, errors.SocketError)


async def test_deadline(sim: Simulator) -> None:
    sim.faults.delay = 1.0
    async with PortoClient(sim.socket_path, timeout=0.2) as c:
        with pytest.raises(errors.SocketTimeout):
            await c.version()
        sim.faults.delay = 0.0
        assert (await c.version()).tag  # a fresh connection after the timed-out one was closed


async def test_concurrent_callers_share_one_connection_safely(sim: Simulator) -> None:
    async with PortoClient(sim.socket_path, max_connections=1) as c:
        names = ["infra", "infra/db", "a", "a/b", "flaky", "batch-job"] * 5
        results = await asyncio.gather(*(c.get_property(n, "absolute_name") for n in names))
        assert results == [f"/porto/{n}" for n in names]
        assert c.stats.connects == 1


async def test_pool_of_connections(sim: Simulator) -> None:
    sim.faults.delay = 0.1
    async with PortoClient(sim.socket_path, max_connections=4) as c:
        await asyncio.gather(*(c.version() for _ in range(8)))
        assert c.stats.connects == 4


async def test_frame_size_limit(sim: Simulator) -> None:
    async with PortoClient(sim.socket_path, max_frame=2000) as c:
        assert (await c.version()).tag
        with pytest.raises(errors.FrameTooLargeError) as info:
            await c.get(["***"], ["state", "labels", "cgroups"])
        assert "2000" in str(info.value)
        assert (await c.version()).tag  # the oversized connection was closed, a new one works


async def test_reconnect_after_restart(sim: Simulator) -> None:
    async with PortoClient(sim.socket_path, backoff_initial=0.01, backoff_max=0.05) as c:
        assert (await c.version()).tag
        await sim.stop()
        with pytest.raises(errors.SocketError):
            await c.version()
        with pytest.raises(errors.SocketUnavailable):
            await c.version()
        await sim.start()
        while c.stats.connects == 1:  # refused without a connect while the backoff window lasts
            with contextlib.suppress(errors.SocketUnavailable):
                assert (await c.version()).tag
            await asyncio.sleep(0.002)
        assert c.stats.connects == 2
        assert c.stats.connect_failures >= 1


class MaxJitter(random.Random):
    """Jitter at its top (a factor of 1.0): the backoff equals its base, so growth is exact."""

    def random(self) -> float:
        return 1.0


async def next_real_attempt(c: PortoClient) -> None:
    """Call until the client tries the socket again (its backoff window over); every call fails meanwhile."""
    before = c.stats.connect_failures
    for _ in range(2500):  # 5 s at most; the window is 40 ms at most
        if c.stats.connect_failures != before:
            return
        with pytest.raises(errors.SocketUnavailable, match="No such file"):  # the same words: logs read the same
            await c.version()  # inside the window: refused without touching the socket
        await asyncio.sleep(0.002)
    raise AssertionError(f"no connect attempt after {c.stats.backoff_seconds} s of backoff")


async def test_backoff_grows_and_is_capped(sim: Simulator) -> None:
    await sim.stop()
    async with PortoClient(sim.socket_path, backoff_initial=0.01, backoff_max=0.04, rng=MaxJitter()) as c:
        waits = []
        with pytest.raises(errors.SocketUnavailable, match="No such file"):
            await c.version()  # a real connect attempt: the socket is gone
        for attempt in range(1, 6):
            assert c.stats.connect_failures == attempt
            waits.append(c.stats.backoff_seconds)
            with pytest.raises(errors.SocketUnavailable, match="No such file"):
                await c.version()  # inside the window: refused without touching the socket
            assert c.stats.connect_failures == attempt
            await next_real_attempt(c)
        assert waits == pytest.approx([0.01, 0.02, 0.04, 0.04, 0.04])  # doubles, then capped
        async with PortoClient(
            sim.socket_path, backoff_initial=0.01, backoff_max=0.04, rng=random.Random(3)
        ) as jittered:
            with pytest.raises(errors.SocketUnavailable):
                await jittered.version()
            for _ in range(30):
                assert 0.005 <= jittered.stats.backoff_seconds <= 0.04  # jitter stays within [base/2, base]
                await next_real_attempt(jittered)
        await sim.start()
        while c.stats.connects == 0:  # the last failure's window may still be open
            with contextlib.suppress(errors.SocketUnavailable):
                assert (await c.version()).tag
            await asyncio.sleep(0.002)
        assert c.stats.backoff_seconds == 0.0  # connected: the next failure starts from the initial delay


async def test_read_is_retried_once_after_a_dropped_connection(sim: Simulator) -> None:
    async with PortoClient(sim.socket_path) as c:
        sim.faults.drop_mid_frame = 1
        assert (await c.version()).tag == "5.3.59"
        assert c.stats.retries == 1
        sim.faults.drop_mid_frame = 2  # the retry fails too: the error surfaces
        with pytest.raises(errors.SocketError):
            await c.version()


async def test_reloaded_is_retried_for_reads_never_for_writes(sim: Simulator) -> None:
    async with PortoClient(sim.socket_path) as c:
        sim.faults.reloaded = 1
        assert await c.list("infra") == ["infra"]
        sim.faults.reloaded = 1
        with pytest.raises(errors.PortodReloaded):
            await c.create("newbie")
        assert "newbie" not in sim.host.by_name  # not retried behind the caller's back
        sim.faults.drop_mid_frame = 1
        with pytest.raises(errors.SocketError):
            await c.create("newbie")
        assert (await c.version()).tag


async def test_write_helpers_shape_the_host(client: PortoClient, sim: Simulator) -> None:
    await client.create("job")
    await client.set_property("job", "command", "sleep 10")
    await client.set_property("job", "memory_limit", "1G")
    await client.set_label("job", "TEAM.name", "qa")
    await client.start("job")
    assert await client.get_property("job", "state") == "running"
    assert await client.get_property("job", "memory_limit") == str(1 << 30)
    await client.pause("job")
    assert await client.get_property("job", "state") == "paused"
    await client.resume("job")
    await client.kill("job", 9)
    assert await client.get_property("job", "state") == "dead"
    await client.stop("job")
    assert await client.get_property("job", "state") == "stopped"
    await client.destroy("job")
    assert "job" not in await client.list()


async def test_weak_container_goes_with_its_connection(sim: Simulator) -> None:
    async with PortoClient(sim.socket_path) as c:
        await c.create("weakling", weak=True)
        assert await c.get_property("weakling", "weak") == "true"
    for _ in range(500):  # the simulator sees the connection close
        if "weakling" not in sim.host.by_name:
            break
        await asyncio.sleep(0.01)
    assert "weakling" not in sim.host.by_name


async def test_a_file_that_is_not_a_socket_is_called_that(socket_dir: Path) -> None:
    path = socket_dir / "portod.socket"
    path.write_text("not a socket")
    async with PortoClient(str(path)) as c:
        with pytest.raises(errors.SocketUnavailable, match="not a socket"):
            await c.version()
