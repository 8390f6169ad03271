"""portod's own metrics endpoint, re-exported: the portod_metrics collector against the simulator's endpoint on a
real unix socket (read by aiohttp, and by curl where the simulator's fidelity is checked), and the exporter
serving it over real HTTP, checked by promtool; then what portod may do wrong: garbage, a huge reply, a hang,
an HTTP error, bad samples, no socket at all (an older portod).
"""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import aiohttp
import pytest
from prometheus_client.openmetrics.parser import text_string_to_metric_families as om_parse
from prometheus_client.parser import text_string_to_metric_families

from porto_exporter.catalog import PORTOD_ENDPOINT_LEFT_OUT, PORTOD_ENDPOINT_METRICS, all_metrics
from porto_exporter.collect import CollectContext
from porto_exporter.collect.portod_metrics import PortodMetricsCollector, parse
from porto_exporter.porto import PortoClient
from porto_exporter.porto import rpc_pb2 as pb
from porto_exporter.simulator import Simulator, build_host

from .conftest import CAPTURES, FakeClock, exchange, free_port, poll, stop_processes, wait_ready

CAPTURE = CAPTURES / "portod_metrics_http_response.txt"  # curl -i of portod 5.3.59's endpoint, recorded here
OLDER_CAPTURE = CAPTURES / "portod_builtin_metrics_endpoint.txt"  # its body on the captures' host
Series = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def series_of(text: str) -> Series:
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def shape(text: str) -> list[tuple[str, str, frozenset[str]]]:
    """Each family portod-style text holds, in order: (name, type, the label names its samples use)."""
    out: list[tuple[str, str, frozenset[str]]] = []
    for family in text_string_to_metric_families(text):
        names = frozenset(k for s in family.samples for k in s.labels)
        out.append((family.name, family.type, names))
    return out


def split_http(raw: bytes) -> tuple[str, dict[str, str], str]:
    head, _, body = raw.partition(b"\r\n\r\n")
    status, *lines = head.decode().split("\r\n")
    return status, dict(line.split(": ", 1) for line in lines), body.decode()


def promtool_clean(text: str) -> None:
    check = subprocess.run(["promtool", "check", "metrics"], input=text.encode(), capture_output=True, check=False)
    assert check.returncode == 0 and not check.stdout.strip() and not check.stderr.strip(), check.stdout + check.stderr


@pytest.fixture
async def msim(socket_dir: Path) -> AsyncIterator[Simulator]:
    """The simulator with portod's metrics endpoint beside its API socket."""
    sim = Simulator(
        build_host(seed=7, containers=40),
        str(socket_dir / "portod.socket"),
        metrics_socket=str(socket_dir / "portod_metrics.socket"),
    )
    async with sim:
        yield sim


def endpoint(sim: Simulator) -> str:
    assert sim.metrics is not None
    return sim.metrics.path


async def curl(path: str) -> bytes:
    proc = await asyncio.create_subprocess_exec(
        "curl",
        "-sS",
        "-i",
        "--max-time",
        "10",
        "--unix-socket",
        path,
        "http://localhost/metrics",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await proc.communicate()
    assert proc.returncode == 0, err.decode()
    return out


# --- the simulator serves what portod 5.3.59 serves ----------------------------------------------------------


async def test_the_simulators_endpoint_has_the_shape_of_portods(msim: Simulator) -> None:
    """Same status, headers, families in the same order, the same types and label names, integer values; as read
    by curl. (The captured text of the captures' host has the same shape: one portod build, two hosts.)"""
    status, headers, body = split_http(CAPTURE.read_bytes())
    sim_status, sim_headers, sim_body = split_http(await curl(endpoint(msim)))
    assert (
        (sim_status, list(sim_headers))
        == (status, list(headers))
        == ("HTTP/1.1 200 OK", ["Keep-Alive", "Content-Length", "Content-Type"])
    )
    assert sim_headers["Content-Type"] == headers["Content-Type"] == "text/plain"
    assert int(sim_headers["Content-Length"]) == len(sim_body.encode())
    real = [
        (n, t, {"requests": frozenset({"client", "error", "long", "queue"})}.get(n, labels))
        for n, t, labels in shape(body)
    ]  # the label names of requests_total as portod can write them
    assert [(n, t) for n, t, _ in shape(OLDER_CAPTURE.read_text())] == [(n, t) for n, t, _ in real]
    simulated = shape(sim_body)
    assert [(n, t) for n, t, _ in simulated] == [(n, t) for n, t, _ in real]
    for (name, _, labels), (_, _, theirs) in zip(simulated, real, strict=True):
        assert labels <= theirs, name
    assert not re.search(r"^# HELP", sim_body, re.M) and not re.search(r"^# HELP", body, re.M)
    assert all(float(v).is_integer() for v in series_of(sim_body).values())
    queues = {dict(k)["queue"] for (n, k) in series_of(body) if n == "requests_queued"}
    assert (
        {dict(k)["queue"] for (n, k) in series_of(sim_body) if n == "requests_queued"}
        == queues
        == {"portod-RO", "portod-RW", "portod-IO", "portod-Vl"}
    )


async def test_the_simulators_endpoint_agrees_with_its_getsystem(msim: Simulator) -> None:
    """The numbers both of portod's interfaces give must be one number in the simulator, as they are in portod
    (the exporter reads them from GetSystem only)."""
    rsp = await exchange(msim.socket_path, pb.TPortoRequest(GetSystem=pb.TGetSystemRequest()))
    assert rsp is not None
    s = rsp.GetSystem
    got = series_of(split_http(await curl(endpoint(msim)))[2])
    pairs = {
        "daemon_reloads_total": s.porto_starts,
        "errors_total": s.errors,
        "warnings_total": s.warnings,
        "taints_total": s.taints,
        "containers_created_total": s.container_created,
        "containers_started_total": s.container_started,
        "volumes_created_total": s.volume_created,
        "containers_start_failed_total": s.container_start_failed,
        "containers_lost_total": s.container_lost,
        "volumes_lost_total": s.volume_lost,
    }
    assert {n: got[(n, ())] for n in pairs} == pairs
    assert got[("version", (("version", s.porto_version),))] == 1
    states = {dict(k)["state"]: v for (n, k), v in got.items() if n == "containers"}
    assert sum(states.values()) == len(msim.host.containers()) + 1  # and the root, as portod counts it
    # every family portod serves is re-exported or left out (with the family that says it already)
    assert {n for n, *_ in shape(split_http(CAPTURE.read_bytes())[2])} == {
        *(em.portod.removesuffix("_total") for em in PORTOD_ENDPOINT_METRICS),
        *(n.removesuffix("_total") for n, _ in PORTOD_ENDPOINT_LEFT_OUT),
    }


async def test_the_queues_move_with_the_load(socket_dir: Path) -> None:
    """Reads count on portod-RO and changes on portod-RW, each request once, with its modelled run time; more
    requests than the queue has threads at one moment wait for one (requests_queued, wait time), and the
    longest running one shows until the clock passes it."""
    clock = FakeClock()
    sim = Simulator(
        build_host(seed=3, containers=300, clock=clock),
        str(socket_dir / "p.sock"),
        metrics_socket=str(socket_dir / "m.sock"),
    )
    async with sim:
        before = series_of(split_http(await curl(endpoint(sim)))[2])
        cost0 = sim.cost.seconds
        reads = [
            pb.TPortoRequest(ListContainersBy=pb.TListContainersRequest(filters=[pb.TListContainersFilter(name="***")]))
            for _ in range(25)
        ]
        for req in reads:
            assert await exchange(sim.socket_path, req) is not None
        for req in (
            pb.TPortoRequest(CreateWeak=pb.TCreateRequest(name="w")),
            pb.TPortoRequest(Destroy=pb.TDestroyRequest(name="nonexistent")),
        ):
            assert await exchange(sim.socket_path, req) is not None
        during = series_of(split_http(await curl(endpoint(sim)))[2])
        clock.now += 3600  # every modelled request has finished
        after = series_of(split_http(await curl(endpoint(sim)))[2])

    def count(s: Series, queue: str, **labels: str) -> float:
        want = {"client": "...", "queue": queue, **labels}
        return sum(v for (n, k), v in s.items() if n == "requests_total" and dict(k) == want)

    ro, rw = (("queue", "portod-RO"),), (("queue", "portod-RW"),)
    assert count(during, "portod-RO") - count(before, "portod-RO") == 25
    assert count(during, "portod-RW") == 1 and count(during, "portod-RW", error="...") == 1  # the failed Destroy
    spent_ms = (sim.cost.seconds - cost0) * 1000
    exec_ms = during[("requests_exec_ms_total", ro)] - before[("requests_exec_ms_total", ro)]
    assert spent_ms > 250 and abs(exec_ms - spent_ms) <= 1, (exec_ms, spent_ms)  # 25 reads of 300 containers
    assert 0 < during[("requests_lock_ms_total", ro)] < exec_ms
    assert during[("requests_queued", ro)] == 15  # 25 at one instant, 10 RO threads
    assert during[("requests_wait_ms_total", ro)] > 0 and during[("requests_top_running_ms", ro)] == 0  # not yet
    assert during[("requests_queued", rw)] == 0
    assert after[("requests_queued", ro)] == 0 and after[("requests_top_running_ms", ro)] == 0
    assert after[("requests_exec_ms_total", ro)] == during[("requests_exec_ms_total", ro)]


# --- the collector --------------------------------------------------------------------------------------------


async def test_the_collector_reexports_what_the_endpoint_serves(msim: Simulator) -> None:
    await exchange(msim.socket_path, pb.TPortoRequest(Version=pb.TVersionRequest()))
    served = series_of(split_http(await curl(endpoint(msim)))[2])
    batch = await PortodMetricsCollector(endpoint(msim)).collect(CollectContext(PortoClient(msim.socket_path)))
    got = {(s.name, tuple(sorted(s.labels))): s.value for s in batch}
    for em in PORTOD_ENDPOINT_METRICS:
        theirs = {k: v for (n, k), v in served.items() if n == em.portod}
        ours = {k: v for (n, k), v in got.items() if n == em.metric.name}
        assert ours == {k: v / 1000 if em.ms else v for k, v in theirs.items()}, em.metric.name
    assert got[("porto_daemon_requests_total", (("client", "..."), ("queue", "portod-RO")))] >= 1
    assert not [n for n, _ in got if n.startswith("porto_exporter_")]  # nothing failed: no error counter
    requests = sum(1 for n, _ in served if n == "requests_total")
    assert len(got) == 4 * 5 + 7 + requests  # five families per queue, seven single series


def test_parse_keeps_milliseconds_exact_and_skips_what_it_cannot_use() -> None:
    text = "\n".join(
        [
            "# TYPE requests_wait_ms_total counter",
            'requests_wait_ms_total{queue="portod-RO"} 1234567',
            'requests_wait_ms_total{queue="portod-RW"} -5',  # negative
            'requests_wait_ms_total{queue="portod-RW",evil="x"} 5',  # a label portod does not write
            'requests_wait_ms_total{queue="portod-RO"} 7',  # the same series again
            "# TYPE requests_queued counter",  # a gauge that says it is a counter
            'requests_queued{queue="portod-RO"} 3',
            "# TYPE events_queued gauge",
            "events_queued NaN",
            "# TYPE brand_new_ms_total counter",
            "brand_new_ms_total 3",
            "# TYPE errors_total counter",
            "errors_total 9",  # GetSystem's: known, not re-exported, not "new"
            "",
        ]
    )
    parsed = parse(text)
    assert [(s.name, s.labels, s.value) for s in parsed.batch] == [
        ("porto_daemon_requests_wait_seconds_total", (("queue", "portod-RO"),), 1234.567)
    ]
    assert parsed.skipped == {"bad_sample": 5} and parsed.unknown == {"brand_new_ms_total"}
    for garbage in ("\x00\x01 binary", "requests_total{queue=portod-RO} 1", "# TYPE x counter\nx{", "a b c", "{}{"):
        with pytest.raises(ValueError):
            parse(garbage)


def test_parse_caps_the_series_it_keeps() -> None:
    lines = ["# TYPE requests_total counter"] + [
        f'requests_total{{client="c{i}",queue="portod-RO"}} 1' for i in range(50)
    ]
    parsed = parse("\n".join(lines) + "\n", max_series=20)
    assert len(parsed.batch) == 20 and parsed.skipped == {"too_many_series": 30}


def test_every_reexported_name_is_new_to_the_catalog() -> None:
    """all_metrics() keeps one entry per name: a re-exported family named like a GetSystem one would vanish."""
    names = [m.name for m in all_metrics()]
    assert len(names) == len(set(names))
    for em in PORTOD_ENDPOINT_METRICS:
        assert names.count(em.metric.name) == 1 and all_metrics()[names.index(em.metric.name)] is em.metric
        assert em.ms == ("_ms" in em.portod) and em.metric.type == (
            "counter" if em.portod.endswith("_total") else "gauge"
        ), em.portod


# --- the exporter, over HTTP ----------------------------------------------------------------------------------


async def test_the_exporter_serves_portods_metrics_over_http(
    msim: Simulator, procs: list[asyncio.subprocess.Process], tmp_path: Path
) -> None:
    """The exporter process against the simulator's two sockets: portod's families under their new names, in
    seconds, promtool-clean, moving with the exporter's own reads of portod (its only client here)."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = tmp_path / "exporter.log"
    with log.open("wb") as err:
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "porto_exporter",
            f"--porto.socket={msim.socket_path}",
            f"--porto.metrics-socket={endpoint(msim)}",
            f"--web.listen-address=127.0.0.1:{port}",
            "--scrape.interval=200ms",
            "--no-collector.events",
            stderr=err,
        )
    procs.append(proc)
    await wait_ready(url + "/-/ready", proc)
    async with aiohttp.ClientSession() as session:

        async def scrape() -> tuple[str, Series]:
            async with session.get(url + "/metrics", headers={"Accept-Encoding": "identity"}) as r:
                assert r.status == 200
                text = await r.text()
            return text, series_of(text)

        async def ro_requests() -> float:
            _, got = await scrape()
            return got.get(("porto_daemon_requests_total", (("client", "..."), ("queue", "portod-RO"))), 0)

        first = await poll(ro_requests, "portod's RO request count in the exporter's output")
        await poll(lambda: _more(ro_requests, first), "the RO request count to grow with the exporter's reads")
        text, got = await scrape()
        async with session.get(
            url + "/metrics",
            headers={"Accept": "application/openmetrics-text; version=1.0.0", "Accept-Encoding": "identity"},
        ) as r:
            om = {f.name: f.type for f in om_parse(await r.text())}  # strict: a clash of names would raise
    await stop_processes([proc])
    promtool_clean(text)
    assert got[("porto_exporter_collector_success", (("collector", "portod_metrics"),))] == 1
    for em in PORTOD_ENDPOINT_METRICS:
        assert any(n == em.metric.name for n, _ in got), em.metric.name
        assert f"# TYPE {em.metric.name} {em.metric.type}\n" in text
        assert om[em.metric.name.removesuffix("_total")] == em.metric.type
    ours = sum(v for (n, _), v in got.items() if n == "porto_exporter_portod_requests_total")
    theirs = sum(v for (n, _), v in got.items() if n == "porto_daemon_requests_total")
    assert 0 < theirs <= ours  # every request portod counted is one of the exporter's (read before it rendered)
    assert not [n for n, _ in got if n == "porto_exporter_portod_metrics_errors_total"]
    said = log.read_text()
    assert said.count("portod serves its own metrics at") == 1 and "level=warn" not in said, said


async def _more(read: Callable[[], Awaitable[float]], than: float) -> bool:
    return await read() > than


async def test_the_metrics_socket_follows_porto_socket_to_another_directory(
    msim: Simulator, procs: list[asyncio.subprocess.Process], tmp_path: Path
) -> None:
    """Before: with only --porto.socket=<dir>/portod.socket the exporter read /run/portod_metrics.socket (the
    host's portod beside porto_up 0 for the one asked for). Now the endpoint beside the socket is the one read, the
    simulator's, with no --porto.metrics-socket and no variable for it (the suite pins one: removed here)."""
    assert Path(endpoint(msim)).parent == Path(msim.socket_path).parent
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = tmp_path / "exporter.log"
    env = {k: v for k, v in os.environ.items() if k != "PORTO_EXPORTER_PORTO_METRICS_SOCKET"}
    with log.open("wb") as err:
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "porto_exporter",
            f"--porto.socket={msim.socket_path}",
            f"--web.listen-address=127.0.0.1:{port}",
            "--scrape.interval=1s",
            "--no-collector.events",
            stderr=err,
            env=env,
        )
    procs.append(proc)
    await wait_ready(url + "/-/ready", proc)
    async with aiohttp.ClientSession() as session, session.get(url + "/metrics") as r:
        assert r.status == 200
        got = series_of(await r.text())
    await stop_processes([proc])
    assert got[("porto_up", ())] == 1
    assert got[("porto_exporter_collector_success", (("collector", "portod_metrics"),))] == 1
    assert any(n == "porto_daemon_requests_total" for n, _ in got)
    assert f"portod serves its own metrics at {endpoint(msim)}:" in log.read_text(), log.read_text()
