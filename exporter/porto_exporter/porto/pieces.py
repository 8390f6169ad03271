"""Decoding a big reply in pieces, so the event loop is never held for the whole of it.

protobuf's parser holds the GIL for a whole message: a 13 MB ListContainersBy
reply (50,000 containers) takes 50-200 ms, a 60 MB v4 Get more, and in a
thread it would block the loop just the same. So a big reply is cut where
its command's repeated entries (containers, Get items, volumes) begin and
end, each run of entries is wrapped in its command's tag again, and the
wrappers are merged one by one with the loop free in between. Merging is
exact: protobuf merges a singular message field that appears several times
(its repeated fields are appended in order, its scalars taken last to first),
the same as when the whole reply is parsed at once.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import Message

from .framing import encode_varint32

PIECE_BYTES = 256 << 10  # about 2 ms of parsing each
VARINT, FIXED64, LENGTH, FIXED32 = 0, 1, 2, 5


class NotSplittable(ValueError):
    """The bytes are not plain protobuf fields (truncated, a group, a bad wire type): parse them whole."""


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    """The varint at ``pos`` and the position after it."""
    result = shift = 0
    while True:
        if pos >= len(data) or shift > 63:
            raise NotSplittable("truncated or overlong varint")
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, pos
        shift += 7


def fields(data: bytes, start: int = 0, end: int | None = None) -> Iterator[tuple[int, int, int, int]]:
    """(field number, wire type, first byte, end) of each field in ``data[start:end]``, tag included."""
    end = len(data) if end is None else end
    pos = start
    while pos < end:
        first = pos
        tag, pos = _varint(data, pos)
        wire = tag & 7
        if wire == VARINT:
            _, pos = _varint(data, pos)
        elif wire == FIXED64:
            pos += 8
        elif wire == LENGTH:
            length, pos = _varint(data, pos)
            pos += length
        elif wire == FIXED32:
            pos += 4
        else:
            raise NotSplittable(f"wire type {wire}")
        if pos > end:
            raise NotSplittable("a field runs past its message")
        yield tag >> 3, wire, first, pos


def pieces(message: Message, data: bytes, size: int = PIECE_BYTES) -> Iterator[bytes]:
    """``data`` (a serialized ``message``) as pieces of about ``size`` bytes that merge into the same message.

    Only a singular message field of ``message`` bigger than ``size`` is cut (between its own fields);
    the other fields are passed on whole, in order. Raises ``NotSplittable`` on malformed bytes.
    """
    by_number = message.DESCRIPTOR.fields_by_number
    pending = bytearray()
    for number, wire, first, end in fields(data):
        field = by_number.get(number)
        if (
            end - first <= size
            or wire != LENGTH
            or field is None
            or field.is_repeated
            or field.type != FieldDescriptor.TYPE_MESSAGE
        ):
            pending += data[first:end]
            if len(pending) >= size:
                yield bytes(pending)
                pending.clear()
            continue
        tag = encode_varint32(number << 3 | LENGTH)
        _, body = _varint(data, _varint(data, first)[1])  # past the tag and the length
        run_start = run_end = body
        for _, _, _, inner_end in fields(data, body, end):
            if inner_end - run_start > size and run_end > run_start:
                yield bytes(pending) + tag + encode_varint32(run_end - run_start) + data[run_start:run_end]
                pending.clear()
                run_start = run_end
            run_end = inner_end
        pending += tag + encode_varint32(run_end - run_start) + data[run_start:run_end]
    if pending:
        yield bytes(pending)


async def parse(message: Message, data: bytes, size: int | None = None) -> float:
    """Parse ``data`` into ``message``, yielding to the loop between pieces; returns the CPU seconds spent.

    Small replies are parsed at once. Malformed bytes are parsed whole, so protobuf raises its own error.
    """
    size = PIECE_BYTES if size is None else size
    started = time.thread_time()
    if len(data) <= 2 * size:
        message.ParseFromString(data)
        return time.thread_time() - started
    spent = 0.0
    message.Clear()
    split = pieces(message, data, size)
    while True:
        try:
            piece = next(split)
        except StopIteration:
            break
        except NotSplittable:
            message.ParseFromString(data)
            return spent + time.thread_time() - started
        message.MergeFromString(piece)
        spent += time.thread_time() - started
        await asyncio.sleep(0)
        started = time.thread_time()
    return spent + time.thread_time() - started
