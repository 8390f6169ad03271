"""varint32 framing: property-based round trips and arbitrary chunking."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from porto_exporter.porto.framing import (
    FrameDecoder,
    FrameError,
    FrameTooLarge,
    decode_varint32,
    encode_frame,
    encode_varint32,
)

bodies = st.lists(st.binary(max_size=600), max_size=8)


@given(st.integers(min_value=0, max_value=2**32 - 1))
def test_varint_round_trip(value: int) -> None:
    encoded = encode_varint32(value)
    assert decode_varint32(encoded) == (value, len(encoded))
    assert len(encoded) <= 5


@given(st.integers(min_value=0, max_value=2**32 - 1))
def test_varint_needs_every_byte(value: int) -> None:
    encoded = encode_varint32(value)
    for cut in range(len(encoded)):
        assert decode_varint32(encoded[:cut]) is None


def test_varint_known_encodings() -> None:
    assert encode_varint32(0) == b"\x00"
    assert encode_varint32(300) == b"\xac\x02"
    assert encode_varint32(2**32 - 1) == b"\xff\xff\xff\xff\x0f"
    with pytest.raises(ValueError):
        encode_varint32(2**32)
    with pytest.raises(ValueError):
        encode_varint32(-1)


def test_varint_too_long_or_overflowing() -> None:
    with pytest.raises(FrameError):
        decode_varint32(b"\x80\x80\x80\x80\x80\x01")
    with pytest.raises(FrameError):
        decode_varint32(b"\xff\xff\xff\xff\x7f")  # > 2**32 - 1


@given(bodies)
def test_several_frames_in_one_read(frames: list[bytes]) -> None:
    stream = b"".join(encode_frame(f) for f in frames)
    decoder = FrameDecoder(max_frame=10_000)
    assert decoder.feed(stream) == frames
    assert decoder.pending == 0


@given(bodies, st.data())
def test_frames_split_anywhere(frames: list[bytes], data: st.DataObject) -> None:
    stream = b"".join(encode_frame(f) for f in frames)
    cuts = sorted(data.draw(st.lists(st.integers(0, len(stream)), max_size=10)))
    decoder = FrameDecoder(max_frame=10_000)
    out: list[bytes] = []
    prev = 0
    for cut in [*cuts, len(stream)]:
        out += decoder.feed(stream[prev:cut])
        prev = cut
    assert out == frames


@given(st.binary(max_size=300))
def test_frame_split_at_every_byte(body: bytes) -> None:
    stream = encode_frame(body) + encode_frame(b"next")
    decoder = FrameDecoder(max_frame=1000)
    out: list[bytes] = []
    for i in range(len(stream)):
        out += decoder.feed(stream[i : i + 1])
    assert out == [body, b"next"]


def test_frame_over_limit_is_refused_from_the_header_alone() -> None:
    decoder = FrameDecoder(max_frame=100)
    with pytest.raises(FrameTooLarge) as info:
        decoder.feed(encode_varint32(101))  # no body needed to refuse it
    assert info.value.length == 101 and info.value.limit == 100
    ok = FrameDecoder(max_frame=100)
    assert ok.feed(encode_frame(b"x" * 100)) == [b"x" * 100]
