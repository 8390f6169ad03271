"""The containers collector leaves the event loop free: replies become samples a slice at a time.

At 10,000 containers turning replies into samples takes about a second of
CPU; done in one go on the loop it froze every request for that long
(``/-/healthy`` included). These tests check the structure, not the speed:
with a budget of zero the loop must turn between every two slices of
containers, on every step (fast readings, spec readings, v4 parsing, emit).
"""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

import pytest

from porto_exporter.collect import CollectContext, ContainersCollector, Selection, container_emit, container_reads
from porto_exporter.collect.containers import Api
from porto_exporter.porto import PortoClient

SLICE = 3  # containers per slice in these tests (the simulator's host has about twenty)


@pytest.mark.parametrize("api", ["v5", "v4"])
@pytest.mark.parametrize("include", [(), ("infra/***", "infra")])
async def test_the_loop_turns_between_every_slice_of_containers(
    client: PortoClient, api: Api, include: tuple[str, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Count the containers each step handles per turn of the loop: never more than a slice."""
    monkeypatch.setattr(container_reads, "SLICE", SLICE, raising=False)
    monkeypatch.setattr(container_emit, "SLICE", SLICE, raising=False)
    turns = 0

    async def probe() -> None:
        nonlocal turns
        while True:
            turns += 1
            await asyncio.sleep(0)

    made: Counter[int] = Counter()  # loop turn -> Readings made during it
    emitted: Counter[int] = Counter()  # loop turn -> containers emitted during it
    reading, emit = container_reads.Reading, container_emit._emit

    def spy_reading(*args: Any, **kwargs: Any) -> container_reads.Reading:
        made[turns] += 1
        return reading(*args, **kwargs)

    def spy_emit(*args: Any) -> None:
        emitted[turns] += 1
        emit(*args)

    monkeypatch.setattr(container_reads, "Reading", spy_reading)
    monkeypatch.setattr(container_emit, "_emit", spy_emit)
    collector = ContainersCollector(api=api, selection=Selection(include=include))
    worker = getattr(collector, "worker", None)
    if worker is not None:
        worker.budget = 0.0  # back to the loop after every slice
    ctx = CollectContext(client)
    ticking = asyncio.create_task(probe())
    try:
        for _ in range(2):  # cold (every spec read), then warm
            batch = await collector.collect(ctx)
            assert [s for s in batch if s.name == "porto_container_cpu_usage_seconds_total"]
    finally:
        ticking.cancel()
    assert sum(made.values()) > 3 * SLICE and sum(emitted.values()) > 3 * SLICE
    # a cold cycle makes a fast and a spec Reading per container: two steps can meet in one turn
    assert max(made.values()) <= 2 * SLICE, f"{max(made.values())} Readings made without the loop turning"
    assert max(emitted.values()) <= SLICE, f"{max(emitted.values())} containers emitted without the loop turning"
