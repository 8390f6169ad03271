"""The containers collector leaves the event loop free: its conversion runs in a thread, one step at a time.

At 10,000 containers turning replies into samples takes about a second of
CPU; on the loop it froze every request for that long (``/-/healthy``
included). These tests check the structure, not the speed: where the work
runs, that the loop runs meanwhile, and that a cycle given up at the
scraper's deadline cannot race the next one on the collector's caches.
"""

from __future__ import annotations

import asyncio
import gc
import threading
from typing import Any

import pytest

from porto_exporter.collect import CollectContext, ContainersCollector, Selection, container_reads
from porto_exporter.porto import PortoClient
from porto_exporter.samples import Batch

WAIT = 30.0  # seconds a thread waits for the loop before the test calls it stuck (only reached on failure)


@pytest.mark.parametrize("api", ["v5", "v4"])
@pytest.mark.parametrize("include", [(), ("infra/***", "infra")])
async def test_replies_become_samples_off_the_loop_thread(
    client: PortoClient, api: str, include: tuple[str, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every Reading and the whole emit are made in another thread than the loop's, and the loop runs meanwhile."""
    loop = asyncio.get_running_loop()
    loop_thread = threading.get_ident()
    made_in: set[int] = set()
    reading = container_reads.Reading

    def spy_reading(*args: Any, **kwargs: Any) -> container_reads.Reading:
        made_in.add(threading.get_ident())
        return reading(*args, **kwargs)

    monkeypatch.setattr(container_reads, "Reading", spy_reading)
    collector = ContainersCollector(api=api, selection=Selection(include=include))  # type: ignore[arg-type]
    emit = collector.emitter.samples
    emitted_in: list[int] = []
    loop_ran: list[bool] = []

    def spy_samples(*args: Any) -> Batch:
        emitted_in.append(threading.get_ident())
        ran = threading.Event()
        loop.call_soon_threadsafe(ran.set)  # runs only if the loop is free while we convert
        loop_ran.append(ran.wait(WAIT))
        return emit(*args)

    monkeypatch.setattr(collector.emitter, "samples", spy_samples)
    ctx = CollectContext(client)
    for _ in range(2):  # cold (every spec read), then warm
        batch = await collector.collect(ctx)
        assert [s for s in batch if s.name == "porto_container_cpu_usage_seconds_total"]
    assert made_in and loop_thread not in made_in
    assert emitted_in and loop_thread not in emitted_in
    assert loop_ran == [True, True], "the event loop was held while replies were turned into samples"


async def test_a_failed_abandoned_step_is_not_reported_by_asyncio(
    client: PortoClient, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A step that fails after its cycle was given up: nobody awaits it, and asyncio must not log
    'Future exception was never retrieved' for it; the next cycle works."""
    collector = ContainersCollector()
    ctx = CollectContext(client)
    emit = collector.emitter.samples
    entered, release = threading.Event(), threading.Event()

    def failing_once(*args: Any) -> Batch:
        if not release.is_set():
            entered.set()
            release.wait(WAIT)
            raise RuntimeError("a conversion failing after its cycle was cancelled")
        return emit(*args)

    monkeypatch.setattr(collector.emitter, "samples", failing_once)
    task = asyncio.create_task(collector.collect(ctx))
    try:
        assert await asyncio.to_thread(entered.wait, WAIT)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    finally:
        release.set()
    batch = await collector.collect(ctx)
    assert [s for s in batch if s.name == "porto_container_cpu_usage_seconds_total"]
    del task
    gc.collect()  # an unretrieved exception is reported when its future is collected
    assert "never retrieved" not in caplog.text
