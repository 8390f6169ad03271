"""The exporter inside Porto containers of the real portod, one per way Porto places a client in a namespace.

Four tenants under this test's container: ``enable_porto=read-only`` (no isolation), ``isolate``,
``read-isolate`` and the older ``porto_namespace=<tenant>/``. In each, a real exporter process runs in
``<tenant>/exp`` (a container without a root filesystem shares the host's, so it runs this checkout's code;
its network is the host's, so it is scraped from here with aiohttp), and one more runs on the host. Each
exporter says where it runs (``porto_exporter_namespace_info``: what Get ``self`` says there); its series
about the tenant's subtree are the host exporter's, label for label (the names are the host's, never
relative); inside an isolating namespace the host's root ``/`` is not exported as the tenant's and the
tenant's top container stands in its place (with its memory limit, read through ``/porto/<name>``); a job
that fails in ``<tenant>/web`` is counted under the host's name of its group. docs/deploying-in-porto.md
has what the daemon answers in each mode.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import aiohttp
from prometheus_client.parser import text_string_to_metric_families

from ..conftest import free_port, poll, stop_processes, wait_ready
from .conftest import REPO, RealPortod

Series = dict[tuple[str, tuple[tuple[str, str], ...]], float]
# mode -> the property set on the tenant (None: its porto_namespace), the clients' namespace is isolated,
# their enable_porto (the strictest on the chain)
MODES = {
    "ro": (("enable_porto", "read-only"), False, "read-only"),
    "iso": (("enable_porto", "isolate"), True, "isolate"),
    "riso": (("enable_porto", "read-isolate"), True, "read-isolate"),
    "pns": (None, True, "true"),
}
SECONDS = 60.0  # the most any awaited condition may take (five exporters starting on a loaded machine)
# Every exporter reads every tier every cycle from its second on (--scrape.slow-interval=0s), and the series
# compared come from a cycle after one that already saw the tenants (the slow tier comes from the second).


def parse(text: str) -> Series:
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def about(series: Series, top: str, label: str = "container") -> Series:
    """The series whose ``label`` is ``top`` or a container under it."""
    return {k: v for k, v in series.items() if (c := dict(k[1]).get(label)) == top or str(c).startswith(top + "/")}


def containers(series: Series) -> set[str]:
    return {dict(k[1])["container"] for k in series if k[0] == "porto_container_state"}


@dataclass
class Tenant:
    mode: str
    name: str  # its full name: <test container>/<mode>
    url: str  # its exporter's, running in <name>/exp

    @property
    def isolated(self) -> bool:
        return MODES[self.mode][1]


async def scrape(http: aiohttp.ClientSession, url: str) -> Series:
    async with http.get(url + "/metrics") as r:
        text = await r.text()
        assert r.status == 200, f"{url}/metrics: HTTP {r.status}: {text[:300]}"
    return parse(text)


async def make_tenant(real: RealPortod, own: str, mode: str, logs: Path) -> Tenant:
    """The tenant's subtree, then its exporter started in <tenant>/exp with the tenant's Porto access."""
    name = f"{own}/{mode}"
    prop = MODES[mode][0] or ("porto_namespace", name + "/")
    await real.actl("create", name)
    await real.actl("set", name, *prop)
    await real.actl("set", name, "memory_limit", "1G")
    await real.actl("start", name)  # meta
    await real.actl("create", f"{name}/web")
    await real.actl("start", f"{name}/web")
    await real.actl("create", f"{name}/web/a")  # stopped
    port = free_port()
    # read-only does not isolate: the exporter sees the whole host and is pointed at its tenant as on the host;
    # events are grouped 1 level below what it sees (inside a namespace) or at web's level (on the host's view)
    flags = (
        ""
        if MODES[mode][1]
        else f" --containers.include={name} --containers.include={name}/*** --events.group-depth={name.count('/') + 2}"
    )
    command = (
        f"{sys.executable} -m porto_exporter --web.listen-address=127.0.0.1:{port} --scrape.interval=0 "
        f"--scrape.slow-interval=0s --porto.socket={real.socket}{flags}"
    )
    await real.actl(
        "run",
        f"{name}/exp",
        f"command={command}",
        f"env=PYTHONPATH={REPO / 'exporter'}",
        f"stdout_path={logs / (mode + '.out')}",
        f"stderr_path={logs / (mode + '.err')}",
    )
    tenant = Tenant(mode, name, f"http://127.0.0.1:{port}")
    try:
        await wait_ready(tenant.url + "/metrics", seconds=SECONDS)  # each scrape is a cycle (interval 0)
    except AssertionError as exc:
        log = (logs / (mode + ".err")).read_text()[-2000:] if (logs / (mode + ".err")).exists() else "(no log)"
        raise AssertionError(f"{exc}\nthe exporter in {name}/exp:\n{log}") from None
    return tenant


@contextlib.asynccontextmanager
async def host_exporter(real: RealPortod, own: str) -> AsyncIterator[tuple[str, asyncio.subprocess.Process]]:
    """An exporter on the host (no container), pointed at this test's subtree: its URL and process (starting)."""
    port = free_port()
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "porto_exporter",
        f"--porto.socket={real.socket}",
        "--scrape.interval=0",
        "--scrape.slow-interval=0s",
        f"--web.listen-address=127.0.0.1:{port}",
        f"--containers.include={own}/***",
        "--no-collector.events",
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        yield f"http://127.0.0.1:{port}", proc
    finally:
        await stop_processes([proc])


async def test_an_exporter_in_each_kind_of_namespace_names_series_as_the_host(
    real_portod: RealPortod, own: str
) -> None:
    real = real_portod
    with tempfile.TemporaryDirectory(prefix="pe-real-ns-") as d:
        logs = Path(d)
        async with host_exporter(real, own) as (host_url, proc), aiohttp.ClientSession() as http:
            made = asyncio.gather(*(make_tenant(real, own, mode, logs) for mode in MODES))
            tenants, _ = await asyncio.gather(made, wait_ready(host_url + "/metrics", proc, seconds=SECONDS))
            await scrape(http, host_url)  # the first cycle with the tenants in it: the next reads their slow tier
            host = await scrape(http, host_url)
            inside = {t.mode: await scrape(http, t.url) for t in tenants}
            for t in tenants:
                await poll(
                    partial(_subscribed, http, t), f"{t.name}/exp subscribed to portod's pushes", seconds=SECONDS
                )
                await real.actl("run", f"{t.name}/web/job", "command=false")  # exits 1: one failure
            counted = {
                t.mode: await poll(partial(_failure, http, t), f"the failed job in {t.name} counted", seconds=SECONDS)
                for t in tenants
            }

    for t in tenants:
        got = inside[t.mode]
        _, isolated, access = MODES[t.mode]
        namespace = f"/porto/{t.name}/" if isolated else "/porto/"
        where = [dict(k[1]) for k in got if k[0] == "porto_exporter_namespace_info"]
        assert where == [{"self": f"{t.name}/exp", "namespace": namespace, "enable_porto": access}], t.mode
        names = containers(got)
        assert names == {t.name, f"{t.name}/web", f"{t.name}/web/a", f"{t.name}/exp"}, (t.mode, names)
        assert "/" not in names  # the host's root is not the tenant's (and read-only's include leaves it out)
        stable = {k: v for k, v in about(got, t.name).items() if not dict(k[1])["container"].endswith("/exp")}
        hosts = {k: v for k, v in about(host, t.name).items() if not dict(k[1])["container"].endswith("/exp")}
        assert set(stable) == set(hosts), (t.mode, sorted(set(stable) ^ set(hosts))[:10])
        assert got[("porto_container_memory_limit_bytes", (("container", t.name),))] == 1 << 30, t.mode
        groups = counted[t.mode]
        assert groups == {f"{t.name}/web": 1.0}, (t.mode, groups)
    host_where = [dict(k[1]) for k in host if k[0] == "porto_exporter_namespace_info"]
    assert host_where == [{"self": "/", "namespace": "/porto/", "enable_porto": "true"}]


async def _subscribed(http: aiohttp.ClientSession, t: Tenant) -> bool:
    return (await scrape(http, t.url)).get(("porto_events_connected", ())) == 1


async def _failure(http: aiohttp.ClientSession, t: Tenant) -> dict[str, float] | None:
    """The tenant exporter's failure exits by group, once any is counted (groups' counters start at 0: left out)."""
    got = await scrape(http, t.url)
    out = {
        dict(k[1])["group"]: v
        for k, v in got.items()
        if k[0] == "porto_container_exits_total" and dict(k[1]).get("reason") == "failure" and v
    }
    return out or None
