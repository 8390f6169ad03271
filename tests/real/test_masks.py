"""The exporter's Porto masks against the real daemon: for every case of tests/test_masks.py, the names portod's
List returns are exactly those ``porto.masks.match`` says (the simulator's List matches with it, and the exporter
filters --containers.exclude with it), and the names its AsyncWait burst pushes are those the simulator's
subscriptions match (a wildcard there needs '*' or '?': "[xy]/m" is a plain name to AsyncWait)."""

from __future__ import annotations

import asyncio

from porto_exporter.porto import PortoClient
from porto_exporter.porto.masks import match
from porto_exporter.porto.subscription import StateChange, Subscription
from porto_exporter.simulator.events import Watch

from ..test_masks import CASES
from .conftest import RealPortod

TREE = ["x", "x/after", "x/m", "x/m/a", "x/m/b", "x/meta", "y", "y/m", "y/m/r"]


async def burst(socket: str, mask: str) -> list[str]:
    """The names portod pushes right after an AsyncWait on ``mask`` (its current state of each), then unsubscribed."""
    names: list[str] = []
    done = asyncio.Event()

    def on_change(change: StateChange) -> None:
        if change.initial:
            names.append(change.name)

    sub = Subscription(socket, on_change, masks=[mask], on_subscribed=done.set, timeout=10.0)
    sub.start()
    try:
        await asyncio.wait_for(done.wait(), 10)
    finally:
        await sub.close()
    return names


async def test_masks_match_the_names_portod_lists_and_pushes(real_portod: RealPortod, own: str) -> None:
    names = [f"{own}/{n}" for n in TREE]
    for name in names:
        await real_portod.actl("create", name)  # stopped: listed and pushed all the same
    differences = {}
    async with PortoClient(real_portod.socket, timeout=10.0) as client:
        for mask, _ in CASES:
            full = f"{own}/{mask}"  # the case's mask and names under this test's container
            expected = sorted(n for n in names if match(full, n))
            waited = sorted(n for n in names if Watch(lambda push: None, (full,)).wants(n))  # the simulator's
            listed = sorted(await client.list(full))
            pushed = sorted(set(await burst(real_portod.socket, full)))
            if listed != expected or pushed != waited:
                differences[mask] = {"List": listed, "match()": expected, "AsyncWait": pushed, "simulator": waited}
    assert differences == {}, "\n".join(f"{k}: {v}" for k, v in differences.items())
