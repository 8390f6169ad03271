"""portod's framing on its socket: each message is a varint32 length, then that many bytes of protobuf.

As portod reads a request (``TClient::ReadRequest`` in its src/client.cpp): it
buffers what ``recv`` gives, reads a varint32 length with protobuf's
``CodedInputStream::ReadVarint32`` (queued until the length and the whole body
are in), refuses a length above ``daemon.max_msg_len`` and drops the client,
and answers with ``WriteDelimitedTo`` (the same varint32 length prefix). The
varints here also build the keys of fields rpc.proto does not name (portod
sends some; see ``defaults`` and ``formatting``).
"""

from __future__ import annotations

VARINT32_MAX_BYTES = 5  # 32 bits in 7-bit groups
VARINT32_LIMIT = 1 << 32


class BadStream(ValueError):
    """The bytes on the connection are not a sequence of length-prefixed messages: portod drops the client."""


def varint(value: int) -> bytes:
    """``value`` (0 .. 2**32-1) as a protobuf varint: 7 bits a byte, low bits first, high bit = more follow."""
    if not 0 <= value < VARINT32_LIMIT:
        raise ValueError(f"not a 32-bit unsigned value: {value}")
    out = bytearray()
    while value >= 0x80:
        out.append(0x80 | (value & 0x7F))
        value >>= 7
    out.append(value)
    return bytes(out)


def delimit(body: bytes) -> bytes:
    """A reply (or a push) as portod writes it: the body's length as a varint32, then the body."""
    return varint(len(body)) + body


class RequestReader:
    """What portod keeps per client while a request comes in: the bytes received, and the requests completed.

    ``feed`` takes whatever one read returned and gives back every request body now whole, in order; a
    length above ``max_length``, or a length that is no varint32, raises ``BadStream``.
    """

    def __init__(self, max_length: int) -> None:
        self.max_length = max_length
        self._received = bytearray()

    def feed(self, chunk: bytes) -> list[bytes]:
        self._received += chunk
        bodies: list[bytes] = []
        start = 0
        while True:
            head = self._length_at(start)
            if head is None:
                break
            length, body_start = head
            if length > self.max_length:
                raise BadStream(f"oversized request: {length}")
            body_end = body_start + length
            if body_end > len(self._received):
                break  # queued: the body is not all here yet
            bodies.append(bytes(self._received[body_start:body_end]))
            start = body_end
        del self._received[:start]
        return bodies

    def _length_at(self, pos: int) -> tuple[int, int] | None:
        """(length, where its body starts), or None while the varint is still incomplete."""
        value = 0
        for i in range(VARINT32_MAX_BYTES):
            if pos + i >= len(self._received):
                return None
            byte = self._received[pos + i]
            value |= (byte & 0x7F) << (7 * i)
            if byte < 0x80:
                if value >= VARINT32_LIMIT:
                    raise BadStream("length does not fit 32 bits")
                return value, pos + i + 1
        raise BadStream(f"length varint longer than {VARINT32_MAX_BYTES} bytes")
