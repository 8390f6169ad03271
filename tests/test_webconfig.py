"""--web.config.file: TLS, mTLS, basic auth and headers on a real exporter process, reloads, and refusals.

Certificates are made here with trustme; clients are real TLS clients (ssl + aiohttp) and a
real Prometheus scraping over TLS with basic auth.
"""

from __future__ import annotations

import asyncio
import base64
import json
import shutil
import ssl
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import bcrypt
import pytest
import trustme
import yaml
from cryptography import x509

from porto_exporter.web.webconfig import PasswordCache, WebConfigError, load_web_config

from .conftest import wait_ready
from .test_e2e_prometheus import free_port, until_up

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
        pki = Pki(Path(d), ca, ca.issue_cert("127.0.0.1", "localhost"), ca.issue_cert("client@example"),
                  trustme.CA().issue_cert("client@example"))  # fmt: skip
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


async def start_exporter(config: Path, *extra: str) -> tuple[asyncio.subprocess.Process, int]:
    port = free_port()
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "porto_exporter", "--demo", f"--web.config.file={config}", "--scrape.interval=1s",
        f"--web.listen-address=127.0.0.1:{port}", *extra, stderr=asyncio.subprocess.PIPE)  # fmt: skip
    # ready, not only listening: a first cycle done (/-/ready sits behind the same TLS, client cert and auth)
    doc = yaml.safe_load(config.read_text()) or {}
    ctx = client_context_from(config.parent) if "tls_server_config" in doc else None
    auth = (USER, PASSWORD) if USER in (doc.get("basic_auth_users") or {}) else None
    try:
        await wait_ready(f"{'https' if ctx else 'http'}://127.0.0.1:{port}/-/ready", proc, ssl_context=ctx, auth=auth)
    except BaseException:
        proc.kill()
        await proc.wait()
        raise
    return proc, port


def client_context_from(pki_dir: Path) -> ssl.SSLContext:
    """What the pki fixture wrote: its CA trusted, its client certificate offered."""
    ctx = ssl.create_default_context(cafile=str(pki_dir / "ca.pem"))
    ctx.load_cert_chain(str(pki_dir / "client.pem"))
    return ctx


def client_context(pki: Pki, cert: trustme.LeafCert | None = None) -> ssl.SSLContext:
    ctx = ssl.create_default_context()
    pki.ca.configure_trust(ctx)
    if cert is not None:
        cert.configure_cert(ctx)
    return ctx


async def get(port: int, ctx: ssl.SSLContext | None, auth: tuple[str, str] | None = None,
              path: str = "/metrics") -> tuple[int, dict[str, str], str]:  # fmt: skip
    scheme = "https" if ctx is not None else "http"
    headers = {"Authorization": "Basic " + base64.b64encode(":".join(auth).encode()).decode()} if auth else {}
    async with aiohttp.ClientSession() as s, s.get(f"{scheme}://127.0.0.1:{port}{path}", ssl=ctx or False,
                                                    headers=headers) as r:  # fmt: skip
        return r.status, dict(r.headers), await r.text()


async def test_tls_and_basic_auth(pki: Pki, procs: list[asyncio.subprocess.Process]) -> None:
    config = web_config(pki, users={USER: bcrypt_hash(PASSWORD)})
    proc, port = await start_exporter(config)
    procs.append(proc)
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


async def test_mtls_refuses_missing_and_foreign_client_certificates(
    pki: Pki, procs: list[asyncio.subprocess.Process]
) -> None:
    proc, port = await start_exporter(web_config(pki, auth="RequireAndVerifyClientCert"))
    procs.append(proc)
    assert (await get(port, client_context(pki, pki.client)))[0] == 200
    for cert in (None, pki.stranger):
        with pytest.raises(aiohttp.ClientError):
            await get(port, client_context(pki, cert))


async def test_certificates_and_users_are_reloaded_without_restart(
    pki: Pki, procs: list[asyncio.subprocess.Process]
) -> None:
    config = web_config(pki, users={USER: bcrypt_hash(PASSWORD)})
    proc, port = await start_exporter(config)
    procs.append(proc)

    async def served_serial() -> int:
        _, writer = await asyncio.open_connection("127.0.0.1", port, ssl=client_context(pki),
                                                  server_hostname="127.0.0.1")  # fmt: skip
        der = writer.get_extra_info("ssl_object").getpeercert(binary_form=True)
        writer.close()
        return x509.load_der_x509_certificate(der).serial_number

    before = await served_serial()
    rotated = pki.ca.issue_cert("127.0.0.1")
    pki.write("server.key", rotated.private_key_pem)
    pki.write("server.pem", rotated.cert_chain_pems[0])
    web_config(pki, users={USER: bcrypt_hash("new password")})
    for _ in range(50):
        await asyncio.sleep(0.2)
        if await served_serial() != before:
            break
    assert await served_serial() != before
    ctx = client_context(pki)
    assert (await get(port, ctx, (USER, PASSWORD)))[0] == 401
    assert (await get(port, ctx, (USER, "new password")))[0] == 200
    config.write_text("tls_server_config: {cert_file: missing.pem, key_file: server.key}\n")  # a broken edit
    await asyncio.sleep(1.5)
    assert (await get(port, ctx, (USER, "new password")))[0] == 200  # the running config is kept
    assert proc.returncode is None


BAD_CONFIGS = {
    "unknown key": ("tls_server_config: {cert_file: server.pem, key_file: server.key, cert_fle: x}\n",
                    "unknown key tls_server_config.cert_fle"),
    "unknown top key": ("basic_auth: {}\n", "unknown key basic_auth"),
    "missing file": ("tls_server_config: {cert_file: nope.pem, key_file: server.key}\n", "cannot read"),
    "key does not match": ("tls_server_config: {cert_file: server.pem, key_file: other.key}\n",
                           "key_file does not match cert_file"),
    "not bcrypt": ("basic_auth_users: {alice: plaintext}\n", "basic_auth_users.alice: not a bcrypt hash"),
    "CA needed": ("tls_server_config: {cert_file: server.pem, key_file: server.key, "
                  "client_auth_type: RequireAndVerifyClientCert}\n", "needs client_ca_file"),
    "any cert": ("tls_server_config: {cert_file: server.pem, key_file: server.key, "
                 "client_auth_type: RequireAnyClientCert}\n", "RequireAnyClientCert"),
    "bad auth type": ("tls_server_config: {cert_file: server.pem, key_file: server.key, client_auth_type: Maybe}\n",
                      "is not one of"),
    "bad version": ("tls_server_config: {cert_file: server.pem, key_file: server.key, min_version: TLS19}\n",
                    "min_version 'TLS19'"),
    "reserved header": ("http_server_config: {headers: {Content-Type: text/html}}\n", "set by the exporter"),
    "not yaml": ("tls_server_config: [\n", "not YAML"),
    "half TLS": ("tls_server_config: {cert_file: server.pem}\n", "needs both cert_file and key_file"),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(BAD_CONFIGS))
def test_a_config_that_cannot_work_is_refused_with_its_reason(pki: Pki, case: str) -> None:
    text, reason = BAD_CONFIGS[case]
    pki.write("other.key", trustme.CA().issue_cert("x").private_key_pem)
    path = pki.dir / "bad.yml"
    path.write_text(text)
    with pytest.raises(WebConfigError, match=reason.replace("(", r"\(").replace(")", r"\)")) as info:
        load_web_config(str(path))
    assert "\n" not in str(info.value)


async def test_the_cli_refuses_a_bad_config_in_one_line(pki: Pki) -> None:
    path = pki.dir / "bad.yml"
    path.write_text("basic_auth_users: {alice: plaintext}\n")
    proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "porto_exporter", f"--web.config.file={path}",
                                                stderr=asyncio.subprocess.PIPE)  # fmt: skip
    _, err = await proc.communicate()
    assert proc.returncode == 2
    lines = err.decode().strip().splitlines()
    assert len(lines) == 1 and "not a bcrypt hash" in lines[0] and "--web.config.file" in lines[0]


def test_password_checks_are_remembered_not_the_passwords() -> None:
    cache = PasswordCache()
    users = {USER: bcrypt_hash(PASSWORD).encode()}
    assert not cache.cached(users, USER, PASSWORD)
    assert cache.check(users, USER, PASSWORD) and cache.cached(users, USER, PASSWORD)
    assert not cache.check(users, USER, "guess") and not cache.cached(users, USER, "guess")
    assert not cache.check(users, "ghost", PASSWORD)
    users[USER] = bcrypt_hash("rotated").encode()  # a new hash: the old success no longer counts
    assert not cache.cached(users, USER, PASSWORD)


async def test_prometheus_scrapes_over_tls_with_basic_auth(
    pki: Pki, procs: list[asyncio.subprocess.Process]
) -> None:
    assert shutil.which("prometheus"), "install Debian's prometheus package (bash .ci/test does)"
    proc, port = await start_exporter(web_config(pki, users={USER: bcrypt_hash(PASSWORD)}))
    procs.append(proc)
    prom_port = free_port()
    (pki.dir / "password").write_text(PASSWORD)
    prom_config = pki.dir / "prometheus.yml"
    prom_config.write_text(json.dumps({
        "global": {"scrape_interval": "1s"},
        "scrape_configs": [{
            "job_name": "porto", "scheme": "https",
            "tls_config": {"ca_file": str(pki.dir / "ca.pem")},
            "basic_auth": {"username": USER, "password_file": str(pki.dir / "password")},
            "static_configs": [{"targets": [f"127.0.0.1:{port}"]}],
        }],
    }))  # fmt: skip
    prom = await asyncio.create_subprocess_exec(
        "prometheus", f"--config.file={prom_config}", f"--storage.tsdb.path={pki.dir}/data",
        f"--web.listen-address=127.0.0.1:{prom_port}", stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL)  # fmt: skip
    procs.append(prom)
    base = f"http://127.0.0.1:{prom_port}"
    async with aiohttp.ClientSession() as s:
        await until_up(s, base, "porto_up", tries=60)


def test_the_example_web_config_is_valid(pki: Pki) -> None:
    import yaml

    example = Path(__file__).resolve().parent.parent / "deploy" / "web" / "web-config.yml"
    doc = yaml.safe_load(example.read_text())
    tls = doc["tls_server_config"]
    tls.update(cert_file=str(pki.dir / "server.pem"), key_file=str(pki.dir / "server.key"),
               client_ca_file=str(pki.dir / "ca.pem"))  # fmt: skip
    path = pki.dir / "example.yml"
    path.write_text(yaml.safe_dump(doc))
    settings = load_web_config(str(path))
    assert settings.tls is not None and settings.tls.verify_mode == ssl.CERT_REQUIRED
    assert set(settings.users) == {"prometheus"} and settings.headers["X-Frame-Options"] == "deny"
