"""An exporter inside a tenant's Porto namespace names its series as the host's exporter does.

The simulator places a client in a container (``simulator.client_view.listen_as``: a socket whose clients
portod sees as processes of ``tenant/exp``) under each way Porto isolates one (enable_porto read-only,
isolate, read-isolate; the older porto_namespace). Two exporters are served on real ports and scraped with
aiohttp at the same simulated instant: one on the host's socket, one on the tenant's. Every series the
tenant's exporter has about a container is the host exporter's, with the same labels and value; the
host's root ``/`` is never exported as the tenant's own (the tenant's top container stands in its place);
nothing outside the namespace is; volumes' owners and event groups are named the host's way too.
tests/real/test_namespaces.py does the same against the real portod.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from prometheus_client.parser import text_string_to_metric_families

from porto_exporter.collect import (
    ContainersCollector,
    EventsCollector,
    StorageCollector,
    SystemCollector,
    VolumesCollector,
)
from porto_exporter.collect.containers import Api
from porto_exporter.collect.namespace import Namespace
from porto_exporter.porto import PortoClient, errors
from porto_exporter.scraper import Scraper
from porto_exporter.simulator import Simulator, build_host
from porto_exporter.simulator.client_view import listen_as
from porto_exporter.simulator.records import Volume
from porto_exporter.web import build_app

from .conftest import FakeClock, poll
from .test_self_metrics import free_port

Series = dict[tuple[str, tuple[tuple[str, str], ...]], float]
TENANT = "tenant"
TREE = ("tenant/web", "tenant/web/a", "tenant/db", "tenant/exp", "other", "other/x")
# mode -> (the property set on `tenant`, absolute_namespace of its clients, their enable_porto)
MODES = {
    "read-only": (("enable_porto", "read-only"), "/porto/", "read-only"),
    "isolate": (("enable_porto", "isolate"), "/porto/tenant/", "isolate"),
    "read-isolate": (("enable_porto", "read-isolate"), "/porto/tenant/", "read-isolate"),
    "porto_namespace": (("porto_namespace", "tenant/"), "/porto/tenant/", "true"),
}


def parse(text: str) -> Series:
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def about(series: Series, label: str, keep: tuple[str, ...]) -> Series:
    """The series whose ``label`` names one of ``keep`` or a container under one."""

    def wanted(c: str | None) -> bool:
        return c is not None and any(c == n or c.startswith(n + "/") for n in keep)

    return {k: v for k, v in series.items() if wanted(dict(k[1]).get(label))}


def values_of(series: Series, name: str, label: str) -> set[str]:
    return {dict(k[1])[label] for k in series if k[0] == name and label in dict(k[1])}


@contextlib.asynccontextmanager
async def exporter(socket: str, group_depth: int, api: Api = "auto") -> AsyncIterator[str]:
    """An exporter on ``socket`` served on a real port (each /metrics a cycle); its URL."""
    collectors = [
        SystemCollector(),
        ContainersCollector(api=api),
        VolumesCollector(),
        StorageCollector(),
        EventsCollector(group_depth=group_depth),
    ]
    scraper = Scraper(PortoClient(socket, timeout=10), collectors, interval=0, timeout=10)
    runner = web.AppRunner(build_app(scraper), shutdown_timeout=1.0)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()
        await scraper.close()


async def scrape(session: aiohttp.ClientSession, url: str) -> Series:
    async with session.get(url + "/metrics") as r:
        assert r.status == 200
        return parse(await r.text())


@dataclass
class Tenancy:
    sim: Simulator
    mode: str  # a MODES key
    host_socket: str
    tenant_socket: str  # its clients are processes of tenant/exp


@pytest.fixture
async def tenancy(socket_dir: Path, request: pytest.FixtureRequest) -> AsyncIterator[Tenancy]:
    """A host with a tenant's subtree set up for ``request.param`` (a MODES key) through portod's own requests."""
    clock = FakeClock()
    sim = Simulator(build_host(seed=7, clock=clock), str(socket_dir / "portod.socket"))
    (prop, value), _, _ = MODES[request.param]
    async with sim, PortoClient(sim.socket_path, timeout=10) as client:
        await client.create(TENANT)
        await client.set_property(TENANT, prop, value)
        await client.set_property(TENANT, "memory_limit", "1G")
        for name in TREE:
            await client.create(name)
        await client.set_property("tenant/web/a", "command", "sleep 1000")
        await client.set_property("tenant/exp", "command", "porto-exporter")
        for name in (TENANT, "tenant/web", "tenant/web/a", "tenant/exp", "other", "other/x"):
            await client.start(name)
        vol = Volume(
            "/place/tenant-vol",
            90,
            "plain",
            "/place",
            "tenant/web",
            0,
            1 << 20,
            0,
            10,
            int(clock()),
            links=["tenant/web"],
        )
        sim.host.volumes[vol.path] = vol
        path = str(socket_dir / "tenant.socket")
        server = await listen_as(sim, "tenant/exp", path)
        try:
            yield Tenancy(sim, request.param, sim.socket_path, path)
        finally:
            server.close()
            await server.wait_closed()


@pytest.mark.parametrize("tenancy", list(MODES), indirect=True)
async def test_series_inside_a_namespace_are_the_hosts(tenancy: Tenancy) -> None:
    _, namespace, access = MODES[tenancy.mode]
    isolated = namespace != "/porto/"
    async with (
        aiohttp.ClientSession() as http,
        exporter(tenancy.host_socket, 2) as host_url,
        exporter(tenancy.tenant_socket, 1 if isolated else 2) as tenant_url,
    ):
        host, inside = await scrape(http, host_url), await scrape(http, tenant_url)
        tenancy.sim.host.kill("tenant/web/a", 9)  # an exit inside: counted under the host's name of its group

        async def counted() -> Series | None:
            got = await scrape(http, tenant_url)
            return got if values_of(got, "porto_container_exits_total", "group") else None

        events = await poll(counted, "the exit counted by the tenant's exporter")
        host_events = await scrape(http, host_url)

    assert (
        inside[
            (
                "porto_exporter_namespace_info",
                (("enable_porto", access), ("namespace", namespace), ("self", "tenant/exp")),
            )
        ]
        == 1
    )
    assert (
        host[("porto_exporter_namespace_info", (("enable_porto", "true"), ("namespace", "/porto/"), ("self", "/")))]
        == 1
    )
    containers = values_of(inside, "porto_container_state", "container")
    if isolated:
        # what it can see: the tenant's subtree, and the tenant itself in the root's place; not the host's root
        assert containers == {TENANT, "tenant/web", "tenant/web/a", "tenant/db", "tenant/exp"}
        mine = about(inside, "container", (TENANT,))
        assert mine == about(host, "container", (TENANT,)) and mine  # same names, labels and values
        assert len(mine) == len({k for k in inside if "container" in dict(k[1])})
        assert inside[("porto_container_memory_limit_bytes", (("container", TENANT),))] == 1 << 30
    else:  # read-only does not isolate: the whole host, as the host's exporter sees it
        assert about(inside, "container", ("/", *containers)) == about(host, "container", ("/", *containers))
        assert "/" in containers and "other" in containers
    vol = ("volume", "/place/tenant-vol")
    assert {k: v for k, v in inside.items() if vol in k[1]} == {k: v for k, v in host.items() if vol in k[1]}
    assert "tenant/web" in values_of(inside, "porto_volume_info", "owner_container")
    exits = {dict(k[1])["group"]: v for k, v in events.items() if k[0] == "porto_container_exits_total" and v}
    assert exits == {"tenant/web": 1}  # depth 1 below the namespace (2 on the host and read-only): tenant/web
    assert about(events, "group", ("tenant/web",)) == about(host_events, "group", ("tenant/web",))


@pytest.mark.parametrize("tenancy", ["read-isolate"], indirect=True)
async def test_the_v4_reads_inside_a_namespace_make_the_same_series(tenancy: Tenancy) -> None:
    """The Get path (older portods) names, leaves out / and reads the top container as ListContainersBy's does."""
    async with (
        aiohttp.ClientSession() as http,
        exporter(tenancy.host_socket, 2) as host_url,
        exporter(tenancy.tenant_socket, 1, api="v4") as tenant_url,
    ):
        host, inside = await scrape(http, host_url), await scrape(http, tenant_url)
    assert inside[("porto_exporter_collector_success", (("collector", "containers"),))] == 1
    mine = about(inside, "container", (TENANT,))
    assert mine == about(host, "container", (TENANT,)) and mine
    assert values_of(inside, "porto_container_state", "container") == values_of(
        mine, "porto_container_state", "container"
    )


@pytest.mark.parametrize(
    ("namespace", "name", "host_name"),
    [
        ("/porto/", "a/b", "a/b"),  # the host: names are full already
        ("/porto/", "/", "/"),
        ("/porto/t/", "web/a", "t/web/a"),  # isolate / read-isolate / porto_namespace "t/"
        ("/porto/t/", "/", "/"),  # the host's root, named so from everywhere
        ("/porto/t/", "/porto/other/x", "other/x"),  # outside the namespace portod names it absolutely
        ("/porto/t/", "", ""),  # no owner
        ("/porto/t/pfx-", "a", "t/pfx-a"),  # porto_namespace as a raw prefix
    ],
)
def test_names_portod_gives_a_client_become_the_hosts(namespace: str, name: str, host_name: str) -> None:
    assert Namespace("x", namespace).host_name(name) == host_name


def test_the_top_of_a_namespace_is_the_container_it_names() -> None:
    assert Namespace("t/exp", "/porto/t/").top == "t"
    assert Namespace("a/b/c", "/porto/a/b/").top == "a/b"
    assert Namespace("/", "/porto/").top is None and not Namespace("/", "/porto/").isolated
    assert Namespace("t/exp", "/porto/t/pfx-").top is None  # a prefix, not a container: nothing in / 's place


@pytest.mark.parametrize("tenancy", ["read-isolate"], indirect=True)
async def test_a_read_isolated_client_sees_its_subtree_relative_and_may_not_write(tenancy: Tenancy) -> None:
    async with PortoClient(tenancy.tenant_socket, timeout=5) as client:
        assert sorted(await client.list()) == ["db", "exp", "web", "web/a"]
        with pytest.raises(errors.Permission, match="Write access denied"):
            await client.create("new")
        got = await client.get(["self", "/"], ["absolute_name", "absolute_namespace"])
        assert [(e.name, e.values) for e in got.containers] == [
            ("self", {"absolute_name": "/porto/tenant/exp", "absolute_namespace": "/porto/tenant/"}),
            ("/", {"absolute_name": "/", "absolute_namespace": "/porto/"}),  # the host's root, from everywhere
        ]
