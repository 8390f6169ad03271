"""A big reply decoded in pieces is the same message as decoded at once, and the loop runs between pieces."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator

import pytest
from google.protobuf.message import DecodeError
from hypothesis import given, settings
from hypothesis import strategies as st

from porto_exporter.porto import PortoClient, pieces
from porto_exporter.porto import rpc_pb2 as pb
from porto_exporter.simulator import Simulator


def listing(names: list[str], states: list[str]) -> pb.TPortoResponse:
    rsp = pb.TPortoResponse(error=pb.Success, timestamp=1_700_000_000)
    for i, (name, state) in enumerate(zip(names, states, strict=False)):
        ct = rsp.ListContainersBy.containers.add()
        ct.spec.name = name
        ct.status.state = state
        ct.status.cpu_usage = i * 1_000_003
        ct.spec.labels.map.add(key="APP.idx", val=str(i))
    return rsp


@settings(max_examples=60, deadline=None)
@given(
    names=st.lists(st.text(min_size=1, max_size=40), max_size=60),
    states=st.lists(st.sampled_from(["running", "dead", "stopped", ""]), min_size=60, max_size=60),
    size=st.integers(min_value=1, max_value=400),
)
def test_pieces_merge_into_the_same_message(names: list[str], states: list[str], size: int) -> None:
    rsp = listing(names, states)
    data = rsp.SerializeToString()
    merged = pb.TPortoResponse()
    for piece in pieces.pieces(merged, data, size):
        merged.MergeFromString(piece)
    assert merged == rsp
    assert merged.SerializeToString() == data  # the same bytes: order and every field kept


async def test_a_real_reply_parsed_in_pieces_equals_the_whole_and_lets_the_loop_run(client: PortoClient) -> None:
    """Every reply kind the collectors read, cut into many pieces; a loop task ticks between them."""
    replies = [
        await client.list_containers_by(["***"], ["state", "cpu_usage", "labels", "io_read", "memory_usage"]),
        await client.get_raw(["/", "***"], ["state", "cpu_usage", "io_read", "labels", "cpu_wait"]),
        await client.get_volume(),
    ]
    for rsp in replies:
        data = rsp.SerializeToString()
        ticks = 0

        async def tick() -> None:
            nonlocal ticks
            while True:
                ticks += 1
                await asyncio.sleep(0)

        ticker = asyncio.create_task(tick())
        await asyncio.sleep(0)
        parsed = pb.TPortoResponse()
        size = 64  # about one container a piece
        count = len(list(pieces.pieces(pb.TPortoResponse(), data, size)))
        start = ticks
        await pieces.parse(parsed, data, size)
        ticker.cancel()
        assert parsed == rsp
        assert count > 3
        assert ticks - start >= count - 1, "the loop did not run between the pieces"


async def test_the_client_decodes_a_big_reply_in_pieces(sim: Simulator, monkeypatch: pytest.MonkeyPatch) -> None:
    """Through the real socket: a reply above the threshold comes back whole, in pieces."""
    monkeypatch.setattr(pieces, "PIECE_BYTES", 128)
    merged: list[int] = []
    original = pieces.pieces

    def counting(message: pb.TPortoResponse, data: bytes, size: int) -> Iterator[bytes]:
        for piece in original(message, data, size):
            merged.append(len(piece))
            yield piece

    monkeypatch.setattr(pieces, "pieces", counting)
    async with PortoClient(sim.socket_path) as client:
        rsp = await client.list_containers_by(["***"], ["state", "cpu_usage", "labels"])
    assert len(merged) > 3
    assert {ct.spec.name for ct in rsp.ListContainersBy.containers} >= {"/", "infra/db", "a/b/c"}


def outcome(parse: Callable[[pb.TPortoResponse, bytes], object], data: bytes) -> pb.TPortoResponse | str:
    """The message ``data`` parses into, or the kind of error it raises."""
    message = pb.TPortoResponse()
    try:
        parse(message, data)
    except DecodeError:
        return "DecodeError"
    return message


@settings(max_examples=200, deadline=None)
@given(cut=st.integers(min_value=0, max_value=2200), junk=st.binary(min_size=0, max_size=12))
def test_damaged_bytes_parse_as_they_would_whole(cut: int, junk: bytes) -> None:
    """Truncated or overwritten replies: the same message, or protobuf's own DecodeError, as a whole parse."""
    data = listing([f"c{i}" for i in range(50)], ["running"] * 50).SerializeToString()
    damaged = data[:cut] + junk + data[cut + len(junk) :] if junk else data[:cut]
    whole = outcome(lambda m, d: m.ParseFromString(d), damaged)
    in_pieces = outcome(lambda m, d: asyncio.run(pieces.parse(m, d, 64)), damaged)
    assert in_pieces == whole
