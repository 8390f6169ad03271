"""A stranger on the port: malformed requests, slow senders, too many connections, HTTP/0.9, bodies.

Raw TCP against a real exporter process (``--demo`` on its embedded simulator), its log captured in a file.
"""

from __future__ import annotations

import select
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from porto_exporter.config import ConfigError, load

from .test_service import free_port

# Every flag under test; the defaults are 10s and 256.
HEADER_TIMEOUT = 1.0
LIMIT_FLAGS: tuple[str, ...] = (f"--web.header-timeout={HEADER_TIMEOUT:g}s", "--web.max-connections=3")

MALFORMED = {
    "request line over 8 KiB": b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
    "too many headers": b"GET /metrics HTTP/1.1\r\nHost: x\r\n"
    + b"".join(b"X-%d: y\r\n" % i for i in range(200))
    + b"\r\n",
    "header over 8 KiB": b"GET /metrics HTTP/1.1\r\nHost: x\r\nX-Big: " + b"b" * 9000 + b"\r\n\r\n",
    "bad chunk size": b"GET /metrics HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n",
    "TLS on the plain port": b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + bytes(range(32)) + b"\r\n\r\n",
    "garbage": b"HELLO THERE\r\n\r\n",
    "unknown version": b"GET /metrics HTTP/9.9\r\nHost: x\r\n\r\n",
    "space in a header name": b"GET /metrics HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n",
    "Content-Length and chunked": b"GET /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
    b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    "two Content-Lengths": b"GET /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello",
    "Content-Length not a number": b"GET /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
    "NUL in a header": b"GET /metrics HTTP/1.1\r\nHost: x\x00y\r\n\r\n",
    "HTTP/1.1 without Host": b"GET /metrics HTTP/1.1\r\n\r\n",
    "HTTP/0.9": b"GET /metrics\r\n\r\n",
}


@contextmanager
def exporter(tmp: Path, *flags: str) -> Iterator[tuple[int, Path]]:
    """A ``--demo`` exporter process on its own simulator (never /run/portod.socket); yields (port, log file).

    The log is complete once the block exits (the process is stopped and reaped there, pass or fail).
    """
    port, log = free_port(), tmp / "exporter.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "porto_exporter",
                "--demo",
                f"--porto.socket={tmp}/none.sock",
                f"--web.listen-address=127.0.0.1:{port}",
                "--scrape.interval=1s",
                "--log.level=debug",
                *flags,
            ],
            stderr=out,
        )
        try:
            deadline = time.monotonic() + 30
            while not ask(port, b"GET /-/ready HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")[0].startswith(
                b"HTTP/1.1 200"
            ):
                assert proc.poll() is None and time.monotonic() < deadline, log.read_text()
                time.sleep(0.05)
            yield port, log
        finally:
            proc.terminate()
            assert proc.wait(20) == 0


def connect(port: int) -> socket.socket:
    return socket.create_connection(("127.0.0.1", port), timeout=5)


def until_closed(sock: socket.socket, seconds: float) -> tuple[bytes, bool]:
    """Everything the server sends within ``seconds``, and whether it closed the connection by then."""
    got = b""
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        if not select.select([sock], [], [], left)[0]:
            break
        try:
            chunk = sock.recv(65536)
        except ConnectionResetError:
            return got, True
        if not chunk:
            return got, True
        got += chunk
    return got, False


def ask(port: int, request: bytes, seconds: float = 5.0) -> tuple[bytes, bool]:
    """Send one request on a new connection; what came back and whether the server closed it."""
    try:
        with connect(port) as sock:
            sock.sendall(request)
            return until_closed(sock, seconds)
    except ConnectionRefusedError:
        return b"", True


def one_response(sock: socket.socket) -> tuple[bytes, dict[str, str], bytes]:
    """Read exactly one response (by its Content-Length) off a kept-alive connection."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        assert chunk, f"closed after {data!r}"
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status, *lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines)}
    while len(body) < int(headers["content-length"]):
        chunk = sock.recv(65536)
        assert chunk
        body += chunk
    return status.encode(), headers, body


HEALTHY = b"GET /-/healthy HTTP/1.1\r\nHost: x\r\n\r\n"
ONCE = b"GET /-/healthy HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"


def admitted(port: int) -> socket.socket:
    """A kept-alive connection that has been served (a slot another test step just freed may take a moment)."""
    deadline = time.monotonic() + 10
    while True:
        sock = connect(port)
        sock.sendall(HEALTHY)
        status = one_response(sock)[0]
        if status == b"HTTP/1.1 200 OK":
            return sock
        sock.close()
        assert time.monotonic() < deadline, status
        time.sleep(0.05)


def test_malformed_requests_get_400_and_one_debug_line_each(tmp_path: Path) -> None:
    with exporter(tmp_path, *LIMIT_FLAGS) as (port, log):
        for name, request in MALFORMED.items():
            response, closed = ask(port, request)
            assert response.split(b"\r\n")[0] in (b"HTTP/1.0 400 Bad Request", b"HTTP/1.1 400 Bad Request"), name
            assert closed, name
        assert ask(port, ONCE)[0].startswith(b"HTTP/1.1 200 OK")  # and the server is fine
    text = log.read_text()
    bad = [line for line in text.splitlines() if "bad request from 127.0.0.1" in line]
    assert "Traceback" not in text and "level=error" not in text, text[-3000:]
    assert len(bad) == len(MALFORMED) and all("level=debug" in line for line in bad), bad
    print(f"{len(MALFORMED)} malformed requests: 400 each, one debug line each")


def test_http_09_is_not_served(tmp_path: Path) -> None:
    with exporter(tmp_path, *LIMIT_FLAGS) as (port, _):
        response, closed = ask(port, b"GET /metrics\r\n\r\n")
        assert response.startswith(b"HTTP/1.0 400 Bad Request") and closed
        # an HTTP/0.9 client sends one line and waits: it never gets a head, nor metrics, and is dropped
        response, closed = ask(port, b"GET /metrics\r\n", seconds=HEADER_TIMEOUT + 5)
        assert b" 200 " not in response and b"porto_up" not in response and closed


def test_a_slow_or_silent_client_is_dropped_after_the_header_timeout(tmp_path: Path) -> None:
    with exporter(tmp_path, *LIMIT_FLAGS) as (port, log):
        kept = admitted(port)
        served_at = time.monotonic()
        silent, slow = connect(port), connect(port)
        slow.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        started = time.monotonic()
        dropped: dict[str, float] = {}
        while len(dropped) < 2 and time.monotonic() - started < HEADER_TIMEOUT + 10:
            if "slow" not in dropped:
                try:
                    slow.sendall(b"z")  # a byte at a time, each well within any per-read timeout
                except OSError:
                    dropped["slow"] = time.monotonic() - started
            for name, sock in (("slow", slow), ("silent", silent)):
                if name not in dropped and select.select([sock], [], [], 0.2)[0]:
                    try:
                        gone = sock.recv(1) == b""
                    except ConnectionResetError:
                        gone = True
                    if gone:
                        dropped[name] = time.monotonic() - started
        assert set(dropped) == {"slow", "silent"}, f"still open after {HEADER_TIMEOUT + 10}s: {dropped}"
        assert all(t >= HEADER_TIMEOUT * 0.8 for t in dropped.values()), dropped
        # an idle kept-alive connection is not a slow head: it outlives the header timeout and is served again
        time.sleep(max(0.0, served_at + 2 * HEADER_TIMEOUT - time.monotonic()))
        kept.sendall(HEALTHY)
        assert one_response(kept)[0] == b"HTTP/1.1 200 OK"
        for sock in (kept, silent, slow):
            sock.close()
    assert "no complete request head in 1s (--web.header-timeout)" in log.read_text()


def test_connections_beyond_the_cap_are_refused_while_the_others_are_served(tmp_path: Path) -> None:
    with exporter(tmp_path, *LIMIT_FLAGS) as (port, log):
        held = [admitted(port) for _ in range(3)]  # --web.max-connections=3, each served and kept alive
        for _ in range(5):
            with connect(port) as extra:
                response, closed = until_closed(extra, 5)
            assert response.startswith(b"HTTP/1.1 503 Service Unavailable") and closed, response
        held[0].sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
        status, _, body = one_response(held[0])
        assert status == b"HTTP/1.1 200 OK" and b"porto_up 1" in body
        held.pop().close()
        held.append(admitted(port))  # the freed slot takes a new client
        for sock in held:
            sock.close()
    warnings = [line for line in log.read_text().splitlines() if "refusing new connections" in line]
    assert len(warnings) == 1 and "level=warn" in warnings[0], warnings  # five refusals, one line


def test_a_request_body_is_not_read_and_the_connection_closes(tmp_path: Path) -> None:
    with exporter(tmp_path, *LIMIT_FLAGS) as (port, _):
        for body in (b"Content-Length: 99999999999999\r\n\r\n", b"Content-Length: 5\r\n\r\nhello"):
            response, closed = ask(port, b"GET /-/healthy HTTP/1.1\r\nHost: x\r\n" + body, seconds=5)
            assert response.startswith(b"HTTP/1.1 200 OK") and b"\r\nConnection: close\r\n" in response, response
            assert closed  # at once: nothing drained for up to 10 s (aiohttp's lingering), no keep-alive
        with connect(port) as sock:  # an empty body is no body: the connection stays for the next request
            for _ in range(2):
                sock.sendall(b"GET /-/healthy HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")
                assert one_response(sock)[0] == b"HTTP/1.1 200 OK"


def test_limit_flags_are_checked() -> None:
    assert load([], environ={}).header_timeout == 10.0 and load([], environ={}).max_connections == 256
    cfg = load(["--web.header-timeout=500ms"], environ={"PORTO_EXPORTER_WEB_MAX_CONNECTIONS": "8"})
    assert (cfg.header_timeout, cfg.max_connections) == (0.5, 8)
    for bad in ("--web.header-timeout=0", "--web.header-timeout=soon", "--web.max-connections=0"):
        with pytest.raises(ConfigError, match=bad.split("=")[0].removeprefix("--")):
            load([bad], environ={})
