"""--web.config.file: TLS, mTLS, basic auth and headers on a real exporter process, reloads, and refusals.

Certificates are made here with trustme; clients are real TLS clients (ssl + aiohttp) and a
real Prometheus scraping over TLS with basic auth.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import os
import re
import shlex
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import bcrypt
import pytest
import trustme
import yaml
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from porto_exporter.web.webconfig import PasswordCache, WebConfigError, load_web_config

from .conftest import wait_ready
from .test_e2e_prometheus import free_port, start_prometheus, until_up

USER, PASSWORD = "prometheus", "s3cret pass:word"


def bcrypt_hash(password: str) -> str:
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=4)).decode()


@dataclass
class Pki:
    dir: Path
    ca: trustme.CA
    server: trustme.LeafCert
    client: trustme.LeafCert
    stranger: trustme.LeafCert  # a client certificate from another CA

    def write(self, name: str, blob: trustme.Blob) -> str:
        path = self.dir / name
        blob.write_to_path(str(path))
        return str(path)


@pytest.fixture
def pki() -> Iterator[Pki]:
    ca = trustme.CA()
    with tempfile.TemporaryDirectory(prefix="pe-tls-") as d:
        pki = Pki(
            Path(d),
            ca,
            ca.issue_cert("127.0.0.1", "localhost"),
            ca.issue_cert("client@example"),
            trustme.CA().issue_cert("client@example"),
        )
        pki.write("server.pem", pki.server.cert_chain_pems[0])
        pki.write("server.key", pki.server.private_key_pem)
        pki.write("ca.pem", ca.cert_pem)
        pki.write("client.pem", pki.client.private_key_and_cert_chain_pem)
        yield pki


def web_config(pki: Pki, *, auth: str = "NoClientCert", users: dict[str, str] | None = None) -> Path:
    lines = ["tls_server_config:", "  cert_file: server.pem", "  key_file: server.key", f"  client_auth_type: {auth}"]
    if auth != "NoClientCert":
        lines.append("  client_ca_file: ca.pem")
    lines += ["http_server_config:", "  headers:", "    X-Frame-Options: deny"]
    if users:
        lines += ["basic_auth_users:", *(f"  {u}: '{h}'" for u, h in users.items())]
    path = pki.dir / "web.yml"
    path.write_text("\n".join(lines) + "\n")
    return path


@dataclass
class Exporter:
    """A running porto-exporter process and what it has logged so far (stderr is read as it comes)."""

    proc: asyncio.subprocess.Process
    port: int
    lines: list[str]
    reader: asyncio.Task[None]

    async def logged(self, needle: str, *, since: int = 0, timeout: float = 20.0) -> str:
        """The first line logged after the first ``since`` that contains ``needle``, waiting for it."""
        async with asyncio.timeout(timeout):
            while True:
                for line in self.lines[since:]:
                    if needle in line:
                        return line
                if self.reader.done():
                    raise AssertionError(f"exited without logging {needle!r}: {self.lines}")
                await asyncio.sleep(0.05)


@contextlib.asynccontextmanager
async def exporter(
    *flags: str, ready: str | None = "listening on", stdin: int | None = None
) -> AsyncIterator[Exporter]:
    """``porto-exporter --demo`` on a free port of 127.0.0.1 with ``flags``, once it logged ``ready``; stopped after.

    The demo's portod socket is pinned to a path where nothing answers (never /run/portod.socket), so the
    embedded simulator is the backend wherever the test runs.
    """
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="pe-") as d:
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "porto_exporter",
            "--demo",
            f"--porto.socket={d}/absent.sock",
            "--scrape.interval=1s",
            f"--web.listen-address=127.0.0.1:{port}",
            *flags,
            stderr=asyncio.subprocess.PIPE,
            stdin=stdin,
        )
        lines: list[str] = []

        async def read() -> None:
            assert proc.stderr is not None
            async for line in proc.stderr:
                lines.append(line.decode().rstrip("\n"))

        running = Exporter(proc, port, lines, asyncio.create_task(read()))
        try:
            if ready is not None:
                await running.logged(ready)
                await wait_ready_through(flags, port, proc)  # a first cycle done, not only the port open
            yield running
        finally:
            if proc.returncode is None:
                proc.terminate()
            try:
                await asyncio.wait_for(proc.wait(), 20)
            except TimeoutError:  # e.g. stuck in OpenSSL's passphrase prompt, which catches SIGTERM
                proc.kill()
                await proc.wait()
            await running.reader


async def wait_ready_through(flags: tuple[str, ...], port: int, proc: asyncio.subprocess.Process) -> None:
    """Poll /-/ready with what the web config file demands (its CA and client certificate, the test user)."""
    path = next((f.split("=", 1)[1] for f in flags if f.startswith("--web.config.file=")), None)
    doc = (yaml.safe_load(Path(path).read_text()) or {}) if path else {}
    ctx = None
    if "tls_server_config" in doc:
        ctx = ssl.create_default_context(cafile=str(Path(path or ".").parent / "ca.pem"))
        ctx.load_cert_chain(str(Path(path or ".").parent / "client.pem"))
    auth = (USER, PASSWORD) if USER in (doc.get("basic_auth_users") or {}) else None
    scheme = "https" if ctx is not None else "http"
    await wait_ready(f"{scheme}://127.0.0.1:{port}/-/ready", proc, ssl_context=ctx, auth=auth)


def client_context(pki: Pki, cert: trustme.LeafCert | None = None) -> ssl.SSLContext:
    ctx = ssl.create_default_context()
    pki.ca.configure_trust(ctx)
    if cert is not None:
        cert.configure_cert(ctx)
    return ctx


async def get(
    port: int, ctx: ssl.SSLContext | None, auth: tuple[str, str] | None = None, path: str = "/metrics"
) -> tuple[int, dict[str, str], str]:
    scheme = "https" if ctx is not None else "http"
    headers = {"Authorization": "Basic " + base64.b64encode(":".join(auth).encode()).decode()} if auth else {}
    async with (
        aiohttp.ClientSession() as s,
        s.get(f"{scheme}://127.0.0.1:{port}{path}", ssl=ctx or False, headers=headers) as r,
    ):
        return r.status, dict(r.headers), await r.text()


async def test_tls_and_basic_auth(pki: Pki) -> None:
    config = web_config(pki, users={USER: bcrypt_hash(PASSWORD)})
    async with exporter(f"--web.config.file={config}") as e:
        port = e.port
        ctx = client_context(pki)
        status, headers, body = await get(port, ctx, (USER, PASSWORD))
        assert status == 200 and "porto_up" in body and headers["X-Frame-Options"] == "deny"
        for auth in (None, (USER, "wrong"), ("nobody", PASSWORD), (USER, "")):
            status, headers, _ = await get(port, ctx, auth)
            assert status == 401, auth
            assert headers["WWW-Authenticate"].startswith("Basic ") and headers["X-Frame-Options"] == "deny"
        for path in ("/", "/-/healthy", "/-/ready"):  # every endpoint sits behind the same auth
            assert (await get(port, ctx, None, path))[0] == 401, path
            assert (await get(port, ctx, (USER, PASSWORD), path))[0] in (200, 503), path
        with pytest.raises(aiohttp.ClientError):  # plain HTTP to the TLS port: no answer
            await get(port, None, (USER, PASSWORD))
        with pytest.raises(aiohttp.ClientError):  # a client that does not trust the server's CA
            await get(port, ssl.create_default_context(), (USER, PASSWORD))


async def test_mtls_refuses_missing_and_foreign_client_certificates(pki: Pki) -> None:
    async with exporter(f"--web.config.file={web_config(pki, auth='RequireAndVerifyClientCert')}") as e:
        assert (await get(e.port, client_context(pki, pki.client)))[0] == 200
        for cert in (None, pki.stranger):
            with pytest.raises(aiohttp.ClientError):
                await get(e.port, client_context(pki, cert))


async def served_serial(port: int, ctx: ssl.SSLContext) -> int:
    """The serial number of the certificate a new TLS connection to ``port`` is shown."""
    async with asyncio.timeout(10):
        _, writer = await asyncio.open_connection("127.0.0.1", port, ssl=ctx, server_hostname="127.0.0.1")
    der = writer.get_extra_info("ssl_object").getpeercert(binary_form=True)
    writer.close()
    await writer.wait_closed()
    return x509.load_der_x509_certificate(der).serial_number


async def test_certificates_and_users_are_reloaded_without_restart(pki: Pki) -> None:
    config = web_config(pki, users={USER: bcrypt_hash(PASSWORD)})
    async with exporter(f"--web.config.file={config}") as e:
        ctx = client_context(pki)
        before = await served_serial(e.port, ctx)
        rotated = pki.ca.issue_cert("127.0.0.1")
        pki.write("server.key", rotated.private_key_pem)
        pki.write("server.pem", rotated.cert_chain_pems[0])
        web_config(pki, users={USER: bcrypt_hash("new password")})
        mark = len(e.lines)
        await e.logged(f"web config {config} reloaded", since=mark)
        serial = x509.load_pem_x509_certificate(rotated.cert_chain_pems[0].bytes()).serial_number
        assert serial != before and await served_serial(e.port, ctx) == serial
        assert (await get(e.port, ctx, (USER, PASSWORD)))[0] == 401
        assert (await get(e.port, ctx, (USER, "new password")))[0] == 200
        mark = len(e.lines)
        config.write_text("tls_server_config: {cert_file: missing.pem, key_file: server.key}\n")  # a broken edit
        line = await e.logged("cannot be used, keeping the previous one", since=mark)
        assert "level=error" in line and str(config) in line and "cannot read" in line
        assert (await get(e.port, ctx, (USER, "new password")))[0] == 200  # the running config is kept
        assert e.proc.returncode is None


# Edits that would turn a protection off while the exporter runs (TLS, mTLS and basic auth on): each is refused
# with one error line naming the file and why; the test checks what a client then meets.
WEAKENING_EDITS = {
    "emptied": ("", "configures nothing"),
    "comments only": ("# web config, to be written\n", "configures nothing"),
    "empty mapping": ("{}\n", "configures nothing"),
    "TLS removed": ("basic_auth_users: {USERS}\n", "would turn off TLS"),
    "users removed": (
        "tls_server_config: {cert_file: server.pem, key_file: server.key, "
        "client_auth_type: RequireAndVerifyClientCert, client_ca_file: ca.pem}\n",
        "would turn off basic auth",
    ),
    "client certificates not verified": (
        "tls_server_config: {cert_file: server.pem, key_file: server.key}\nbasic_auth_users: {USERS}\n",
        "would turn off client certificate verification",
    ),
    "deleted": (None, "cannot read"),
}


async def test_an_edit_that_turns_security_off_is_refused_and_security_stays(pki: Pki) -> None:
    hashed = bcrypt_hash(PASSWORD)
    config = web_config(pki, auth="RequireAndVerifyClientCert", users={USER: hashed})
    good = config.read_text()
    async with exporter(f"--web.config.file={config}") as e:
        ctx, anonymous = client_context(pki, pki.client), client_context(pki)
        for case, (text, reason) in WEAKENING_EDITS.items():
            mark = len(e.lines)
            if text is None:
                config.unlink()
            else:
                config.write_text(text.replace("USERS", f"{USER}: '{hashed}'"))
            line = await e.logged("cannot be used, keeping the previous one", since=mark)
            assert "level=error" in line and str(config) in line and reason in line, (case, line)
            assert (await get(e.port, ctx, (USER, PASSWORD)))[0] == 200, case
            assert (await get(e.port, ctx))[0] == 401, case  # basic auth still asked
            with pytest.raises(aiohttp.ClientError):  # a client certificate still required
                await get(e.port, anonymous, (USER, PASSWORD))
            with pytest.raises(aiohttp.ClientError):  # and TLS still served: plain HTTP gets no answer
                await get(e.port, None, (USER, PASSWORD))
        assert not [line for line in e.lines if "reloaded" in line]
        mark = len(e.lines)
        config.write_text(good.replace(hashed, bcrypt_hash("next")))  # a good edit still applies after all that
        await e.logged(f"web config {config} reloaded (1 users, TLS on)", since=mark)
        assert (await get(e.port, ctx, (USER, "next")))[0] == 200


def rival(port: int, done: threading.Event) -> bool:
    """Until ``done``, try to bind 127.0.0.1:``port`` as another process would; if the port is ever free, take
    it and hold it (as a real rival would) and say so."""
    while not done.is_set():
        with socket.socket() as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind(("127.0.0.1", port))
                sock.listen()
            except OSError:
                continue
            done.wait()
            return True
    return False


async def test_a_certificate_rotation_is_served_to_new_connections_and_the_port_never_closes(pki: Pki) -> None:
    """A new certificate reaches new connections; meanwhile every TLS handshake succeeds and the port is never
    free for another process to take."""
    config = web_config(pki, users={USER: bcrypt_hash(PASSWORD)})
    async with exporter(f"--web.config.file={config}") as e:
        ctx = client_context(pki)
        before = await served_serial(e.port, ctx)
        rotated = pki.ca.issue_cert("127.0.0.1")
        after = x509.load_pem_x509_certificate(rotated.cert_chain_pems[0].bytes()).serial_number
        pki.write("rotated.key", rotated.private_key_pem)
        pki.write("rotated.pem", rotated.cert_chain_pems[0])
        edited = pki.dir / "web.yml.new"
        edited.write_text(config.read_text().replace("server.pem", "rotated.pem").replace("server.key", "rotated.key"))
        done = threading.Event()
        taken = asyncio.create_task(asyncio.to_thread(rival, e.port, done))
        served: list[int] = []
        try:
            mark = len(e.lines)
            os.replace(edited, config)  # as configuration management writes a file: whole, at once
            reloaded = asyncio.create_task(e.logged(f"web config {config} reloaded", since=mark))
            while not reloaded.done() or served[-1] != after:  # handshakes all through the reload
                served.append(await served_serial(e.port, ctx))
            await reloaded
        finally:
            done.set()
            stolen = await taken
        assert not stolen, "the port was free during the reload"
        assert before != after and served[0] == before and served[-1] == after
        assert served == sorted(served, key=lambda serial: serial == after), "the old certificate came back"
        assert (await get(e.port, ctx, (USER, PASSWORD)))[0] == 200
        assert not [line for line in e.lines if "level=error" in line], e.lines


async def keep_alive_status(session: aiohttp.ClientSession, url: str, ctx: ssl.SSLContext | bool) -> int:
    headers = {"Authorization": "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()}
    async with session.get(url, ssl=ctx, headers=headers) as r:
        await r.read()
        return r.status


async def test_tls_turned_on_by_a_reload_reaches_connections_kept_alive(pki: Pki) -> None:
    """Started plain (basic auth only), then TLS is added: a plain keep-alive connection is not served on."""
    config = pki.dir / "web.yml"
    auth = f"basic_auth_users: {{{USER}: '{bcrypt_hash(PASSWORD)}'}}\n"
    config.write_text(auth)
    async with exporter(f"--web.config.file={config}") as e, aiohttp.ClientSession() as plain:
        assert "http://127.0.0.1" in await e.logged("listening on")
        url = f"127.0.0.1:{e.port}/metrics"
        assert await keep_alive_status(plain, "http://" + url, False) == 200
        mark = len(e.lines)
        config.write_text("tls_server_config: {cert_file: server.pem, key_file: server.key}\n" + auth)
        await e.logged(f"web config {config} reloaded (1 users, TLS on)", since=mark)
        assert (await get(e.port, client_context(pki), (USER, PASSWORD)))[0] == 200
        with pytest.raises(aiohttp.ClientError):  # the old connection was closed; a new plain one gets no answer
            await keep_alive_status(plain, "http://" + url, False)


async def test_a_client_ca_removed_by_a_reload_is_refused_on_connections_kept_alive(pki: Pki) -> None:
    config = web_config(pki, auth="RequireAndVerifyClientCert")
    other = trustme.CA()
    newcomer = other.issue_cert("client@example")
    pki.write("other-ca.pem", other.cert_pem)
    async with exporter(f"--web.config.file={config}") as e, aiohttp.ClientSession() as kept:
        url = f"https://127.0.0.1:{e.port}/metrics"
        old_client = client_context(pki, pki.client)
        assert await keep_alive_status(kept, url, old_client) == 200
        mark = len(e.lines)
        config.write_text(config.read_text().replace("client_ca_file: ca.pem", "client_ca_file: other-ca.pem"))
        await e.logged(f"web config {config} reloaded", since=mark)
        assert (await get(e.port, client_context(pki, newcomer)))[0] == 200
        with pytest.raises(aiohttp.ClientError):
            await get(e.port, old_client)
        with pytest.raises(aiohttp.ClientError):  # nor does the connection it had open go on
            await keep_alive_status(kept, url, old_client)


BAD_CONFIGS = {
    "unknown key": (
        "tls_server_config: {cert_file: server.pem, key_file: server.key, cert_fle: x}\n",
        "unknown key tls_server_config.cert_fle",
    ),
    "unknown top key": ("basic_auth: {}\n", "unknown key basic_auth"),
    "missing file": ("tls_server_config: {cert_file: nope.pem, key_file: server.key}\n", "cannot read"),
    "key does not match": (
        "tls_server_config: {cert_file: server.pem, key_file: other.key}\n",
        "key_file does not match cert_file",
    ),
    "not bcrypt": ("basic_auth_users: {alice: plaintext}\n", "basic_auth_users.alice: not a bcrypt hash"),
    "CA needed": (
        "tls_server_config: {cert_file: server.pem, key_file: server.key, "
        "client_auth_type: RequireAndVerifyClientCert}\n",
        "needs client_ca_file",
    ),
    "any cert": (
        "tls_server_config: {cert_file: server.pem, key_file: server.key, client_auth_type: RequireAnyClientCert}\n",
        "RequireAnyClientCert",
    ),
    "bad auth type": (
        "tls_server_config: {cert_file: server.pem, key_file: server.key, client_auth_type: Maybe}\n",
        "is not one of",
    ),
    "bad version": (
        "tls_server_config: {cert_file: server.pem, key_file: server.key, min_version: TLS19}\n",
        "min_version 'TLS19'",
    ),
    "reserved header": ("http_server_config: {headers: {Content-Type: text/html}}\n", "set by the exporter"),
    "not yaml": ("tls_server_config: [\n", "not YAML"),
    "half TLS": ("tls_server_config: {cert_file: server.pem}\n", "needs both cert_file and key_file"),
    "empty": ("", "configures nothing"),
    "blank lines and comments": ("\n# TLS to come\n\n", "configures nothing"),
    "empty mapping": ("{}\n", "configures nothing"),
    "empty sections": (
        "tls_server_config: {}\nbasic_auth_users:\nhttp_server_config: {headers: {}}\n",
        "configures nothing",
    ),
    "ignored keys only": ("http_server_config: {http2: true}\n", "configures nothing"),
}


@pytest.mark.parametrize("case", sorted(BAD_CONFIGS))
def test_a_config_that_cannot_work_is_refused_with_its_reason(pki: Pki, case: str) -> None:
    text, reason = BAD_CONFIGS[case]
    pki.write("other.key", trustme.CA().issue_cert("x").private_key_pem)
    path = pki.dir / "bad.yml"
    path.write_text(text)
    with pytest.raises(WebConfigError, match=reason.replace("(", r"\(").replace(")", r"\)")) as info:
        load_web_config(str(path))
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    ("text", "reason"),
    [("basic_auth_users: {alice: plaintext}\n", "not a bcrypt hash"), ("", "configures nothing")],
    ids=["not bcrypt", "empty"],
)
async def test_the_cli_refuses_a_bad_config_in_one_line(pki: Pki, text: str, reason: str) -> None:
    path = pki.dir / "bad.yml"
    path.write_text(text)
    async with exporter(f"--web.config.file={path}", ready=None) as e:
        assert await asyncio.wait_for(e.proc.wait(), 20) == 2
        await e.reader
    assert len(e.lines) == 1 and reason in e.lines[0] and f"--web.config.file: {path}" in e.lines[0], e.lines


def encrypted_key(pki: Pki, name: str, cert: trustme.LeafCert) -> None:
    """``cert``'s private key written as a passphrase-protected PEM (what ``openssl pkey -aes256`` writes)."""
    key = serialization.load_pem_private_key(cert.private_key_pem.bytes(), password=None)
    (pki.dir / name).write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.BestAvailableEncryption(b"x")
        )
    )


async def test_an_encrypted_key_at_start_is_refused_in_one_line_without_a_prompt(pki: Pki) -> None:
    """stdin is a pipe nobody writes to: a passphrase prompt would hang here (the timeout fails the test)."""
    encrypted_key(pki, "server.key", pki.server)
    config = web_config(pki)
    async with exporter(f"--web.config.file={config}", ready=None, stdin=asyncio.subprocess.PIPE) as e:
        assert await asyncio.wait_for(e.proc.wait(), 20) == 2
        await e.reader
    assert len(e.lines) == 1, e.lines
    assert "is encrypted; passphrase-protected keys are not supported" in e.lines[0], e.lines
    assert str(pki.dir / "server.key") in e.lines[0] and "pass phrase" not in e.lines[0]


async def test_an_encrypted_key_edit_is_refused_and_later_edits_still_apply(pki: Pki) -> None:
    config = web_config(pki, users={USER: bcrypt_hash(PASSWORD)})
    async with exporter(f"--web.config.file={config}", stdin=asyncio.subprocess.PIPE) as e:
        ctx = client_context(pki)
        before = await served_serial(e.port, ctx)
        mark = len(e.lines)
        encrypted_key(pki, "server.key", pki.server)
        line = await e.logged("cannot be used, keeping the previous one", since=mark)
        assert "level=error" in line and "is encrypted" in line and str(pki.dir / "server.key") in line, line
        assert not [x for x in e.lines[mark:] if "pass phrase" in x], e.lines[mark:]
        assert await served_serial(e.port, ctx) == before  # the running certificate is kept
        assert (await get(e.port, ctx, (USER, PASSWORD)))[0] == 200
        assert "porto_exporter_web_config_last_reload_successful 0.0" in (await get(e.port, ctx, (USER, PASSWORD)))[2]
        rotated = pki.ca.issue_cert("127.0.0.1")  # then a certificate rotation: the watcher must still see it
        after = x509.load_pem_x509_certificate(rotated.cert_chain_pems[0].bytes()).serial_number
        mark = len(e.lines)
        pki.write("server.key", rotated.private_key_pem)
        pki.write("server.pem", rotated.cert_chain_pems[0])
        await e.logged(f"web config {config} reloaded", since=mark)
        assert await served_serial(e.port, ctx) == after
        body = (await get(e.port, ctx, (USER, PASSWORD)))[2]
        assert "porto_exporter_web_config_last_reload_successful 1.0" in body
        failures = [x for x in body.splitlines() if x.startswith("porto_exporter_web_config_reload_failures_total ")]
        assert failures and float(failures[0].split()[1]) >= 1, failures  # the encrypted key (and maybe a half-write)
        e.proc.terminate()
        assert await asyncio.wait_for(e.proc.wait(), 20) == 0
        await e.reader
        assert not [x for x in e.lines if "Traceback" in x], e.lines


def test_password_checks_are_remembered_not_the_passwords() -> None:
    cache = PasswordCache()
    users = {USER: bcrypt_hash(PASSWORD).encode()}
    assert not cache.cached(users, USER, PASSWORD)
    assert cache.check(users, USER, PASSWORD) and cache.cached(users, USER, PASSWORD)
    assert not cache.check(users, USER, "guess") and not cache.cached(users, USER, "guess")
    assert not cache.check(users, "ghost", PASSWORD)
    users[USER] = bcrypt_hash("rotated").encode()  # a new hash: the old success no longer counts
    assert not cache.cached(users, USER, PASSWORD)


async def test_prometheus_scrapes_over_tls_with_basic_auth(pki: Pki, procs: list[asyncio.subprocess.Process]) -> None:
    assert shutil.which("prometheus"), "install Debian's prometheus package (bash .ci/test does)"
    async with exporter(f"--web.config.file={web_config(pki, users={USER: bcrypt_hash(PASSWORD)})}") as e:
        await prometheus_scrapes(pki, e.port, procs)


async def prometheus_scrapes(pki: Pki, port: int, procs: list[asyncio.subprocess.Process]) -> None:
    prom_port = free_port()
    (pki.dir / "password").write_text(PASSWORD)
    prom_config = pki.dir / "prometheus.yml"
    prom_config.write_text(
        json.dumps(
            {
                "global": {"scrape_interval": "1s"},
                "scrape_configs": [
                    {
                        "job_name": "porto",
                        "scheme": "https",
                        "tls_config": {"ca_file": str(pki.dir / "ca.pem")},
                        "basic_auth": {"username": USER, "password_file": str(pki.dir / "password")},
                        "static_configs": [{"targets": [f"127.0.0.1:{port}"]}],
                    }
                ],
            }
        )
    )
    prom = await start_prometheus(prom_config, f"{pki.dir}/data", prom_port)
    procs.append(prom)
    base = f"http://127.0.0.1:{prom_port}"
    async with aiohttp.ClientSession() as s:
        await until_up(s, base, "porto_up", tries=60)


EXAMPLE = Path(__file__).resolve().parent.parent / "deploy" / "web" / "web-config.yml"


def example_on(pki: Pki, text: str) -> Path:
    """The example web config with this test's certificates in place of the ones it names."""
    doc = yaml.safe_load(text)
    tls = doc["tls_server_config"]
    tls.update(
        cert_file=str(pki.dir / "server.pem"),
        key_file=str(pki.dir / "server.key"),
        client_ca_file=str(pki.dir / "ca.pem"),
    )
    path = pki.dir / "example.yml"
    path.write_text(yaml.safe_dump(doc))
    return path


def test_the_example_web_config_is_valid_and_lets_in_no_user_until_one_is_added(pki: Pki) -> None:
    """Before: it shipped (as the package's conffile) a bcrypt hash for user prometheus whose password nobody
    knew: an operator who only added certificates kept that account. Now it has no user, and its comment's
    command makes the hash of a password the operator chooses, which the two lines it names then take."""
    text = EXAMPLE.read_text()
    settings = load_web_config(str(example_on(pki, text)))
    assert settings.tls is not None and settings.tls.verify_mode == ssl.CERT_REQUIRED
    assert settings.users == {} and settings.headers["X-Frame-Options"] == "deny"
    command = re.search(r"^#\s+(python3\.11 -c .*)$", text, re.M)
    assert command, "the example no longer says how to make a hash with the package's bcrypt"
    argv = [sys.executable, *shlex.split(command[1])[1:]]
    made = subprocess.run(
        argv, input=PASSWORD + "\n", capture_output=True, text=True, timeout=60, start_new_session=True
    )  # no terminal: getpass reads stdin
    assert made.returncode == 0, made.stderr
    lines = "# basic_auth_users:\n#   prometheus: <bcrypt hash>\n"
    assert text.endswith(lines)
    added = text.replace(lines, f"basic_auth_users:\n  prometheus: {made.stdout.strip()}\n")
    users = load_web_config(str(example_on(pki, added))).users
    assert set(users) == {USER} and bcrypt.checkpw(PASSWORD.encode(), users[USER])
