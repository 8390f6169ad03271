"""portod's wire framing: a varint32 length, then that many bytes of protobuf.

Pure functions and a small incremental decoder, so the framing is tested on
plain bytes without any socket.
"""

from __future__ import annotations

MAX_VARINT32_BYTES = 5
UINT32_MAX = 0xFFFFFFFF


class FrameError(ValueError):
    """The byte stream is not a valid sequence of frames."""


class FrameTooLarge(FrameError):
    """A frame announced a length above the configured maximum."""

    def __init__(self, length: int, limit: int) -> None:
        super().__init__(f"frame of {length} bytes exceeds the limit of {limit} bytes")
        self.length = length
        self.limit = limit


def encode_varint32(value: int) -> bytes:
    """Encode an unsigned 32-bit integer as a protobuf varint."""
    if not 0 <= value <= UINT32_MAX:
        raise ValueError(f"varint32 out of range: {value}")
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def decode_varint32(buf: bytes | bytearray | memoryview, pos: int = 0) -> tuple[int, int] | None:
    """Decode a varint32 at pos: (value, next_pos), or None when more bytes are needed."""
    result = 0
    shift = 0
    end = len(buf)
    for i in range(MAX_VARINT32_BYTES):
        if pos + i >= end:
            return None
        byte = buf[pos + i]
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            if result > UINT32_MAX:
                raise FrameError("varint32 length overflows 32 bits")
            return result, pos + i + 1
        shift += 7
    raise FrameError("varint32 length is longer than 5 bytes")


def encode_frame(body: bytes) -> bytes:
    """Prefix a message body with its varint32 length."""
    return encode_varint32(len(body)) + body


class FrameDecoder:
    """Accumulates bytes and yields complete frame bodies, whatever the chunking."""

    def __init__(self, max_frame: int) -> None:
        self._buf = bytearray()
        self._max_frame = max_frame

    def feed(self, data: bytes) -> list[bytes]:
        """Add bytes; return every frame body now complete (possibly none)."""
        self._buf += data
        frames: list[bytes] = []
        pos = 0
        while True:
            head = decode_varint32(self._buf, pos)
            if head is None:
                break
            length, start = head
            if length > self._max_frame:
                raise FrameTooLarge(length, self._max_frame)
            if len(self._buf) - start < length:
                break
            frames.append(bytes(self._buf[start : start + length]))
            pos = start + length
        if pos:
            del self._buf[:pos]
        return frames

    @property
    def pending(self) -> int:
        """Bytes held that do not yet form a whole frame."""
        return len(self._buf)
