"""The tier's own promises: portod answers, this session's containers are its own, and cleanup removes them."""

from __future__ import annotations

from porto_exporter.porto import PortoClient

from .conftest import RealPortod


async def test_portod_answers_and_our_containers_are_named_under_the_prefix(real_portod: RealPortod, own: str) -> None:
    async with PortoClient(real_portod.socket, timeout=10.0) as client:
        version = await client.version()
        assert version.tag.startswith("5."), version
    assert own.startswith(real_portod.prefix + "/")
    assert own in real_portod.containers()
    assert await real_portod.actl("get", own, "state") == "meta"
