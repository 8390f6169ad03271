"""``--web.config.file``: TLS, client certificates, extra headers and basic auth, in the
Prometheus exporter-toolkit format (the file node_exporter reads), and re-read when it changes.

Same keys and meanings as exporter-toolkit's ``web-configuration.md``. Where
Python's TLS cannot do what a key asks, loading refuses with the reason rather
than serve something weaker: ``RequireAnyClientCert`` (accept any certificate
without verifying it) and ``client_allowed_sans`` are refused; performance and
compatibility knobs Go has and OpenSSL names differently (``cipher_suites``,
``curve_preferences``, ``prefer_server_cipher_suites``, ``http2``) are accepted
and ignored, with a warning. Every problem is a ``WebConfigError`` with one line
naming the key and the reason.

A file that configures nothing (empty, comments only, ``{}``, empty sections) is
refused too: it is far more often a truncated or botched edit than a wish to
serve plain HTTP without auth, which is what leaving out the flag says. For the
same reason a reload may change certificates, CAs and users but never removes a
protection the running exporter enforces (``weakening``): that takes a restart.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import bcrypt
import yaml

TOP_KEYS = {"tls_server_config", "http_server_config", "basic_auth_users"}
TLS_KEYS = {"cert_file", "key_file", "client_auth_type", "client_ca_file", "min_version", "max_version"}
TLS_IGNORED = {"cipher_suites", "curve_preferences", "prefer_server_cipher_suites"}
TLS_REFUSED = {
    "client_allowed_sans": "client_allowed_sans is not supported: restrict clients by CA instead",
    "cert": "inline certificates are not supported: use cert_file",
    "key": "inline keys are not supported: use key_file",
}
HTTP_KEYS = {"headers"}
HTTP_IGNORED = {"http2"}
CLIENT_AUTH = {
    "NoClientCert": (ssl.CERT_NONE, False),
    "RequestClientCert": (ssl.CERT_NONE, False),  # requested, never verified: no authentication either way
    "VerifyClientCertIfGiven": (ssl.CERT_OPTIONAL, True),
    "RequireAndVerifyClientCert": (ssl.CERT_REQUIRED, True),
}
VERSIONS = {
    "TLS10": ssl.TLSVersion.TLSv1,
    "TLS11": ssl.TLSVersion.TLSv1_1,
    "TLS12": ssl.TLSVersion.TLSv1_2,
    "TLS13": ssl.TLSVersion.TLSv1_3,
}
# Headers the exporter sets itself: overriding them would break responses or authentication.
RESERVED_HEADERS = {
    "content-type",
    "content-length",
    "content-encoding",
    "transfer-encoding",
    "vary",
    "www-authenticate",
    "connection",
}
DUMMY_HASH = bcrypt.hashpw(b"porto-exporter-unknown-user", bcrypt.gensalt(rounds=10))


class WebConfigError(ValueError):
    """A web config file that cannot work; the message names the key and the reason."""


@dataclass
class WebSettings:
    """What a web config file asks for, validated."""

    path: str
    tls: ssl.SSLContext | None = None
    headers: dict[str, str] = field(default_factory=dict)
    users: dict[str, bytes] = field(default_factory=dict)  # user -> bcrypt hash
    watched: tuple[str, ...] = ()  # files whose change means: load again
    tls_source: object = None  # what the TLS context was built from (section + certificate files' stamps)
    client_auth: object = None  # how client certificates are checked (verify mode, CA file and its stamp)
    warnings: tuple[str, ...] = ()


def _section(doc: Mapping[str, Any], key: str, path: str) -> Mapping[str, Any]:
    value = doc.get(key) or {}
    if not isinstance(value, Mapping):
        raise WebConfigError(f"{path}: {key} must be a mapping, got {type(value).__name__}")
    return value


def _file(base: Path, section: str, key: str, value: object, path: str) -> str:
    if not isinstance(value, str) or not value:
        raise WebConfigError(f"{path}: {section}.{key} must be a file path")
    target = Path(value) if os.path.isabs(value) else base / value  # relative to the config file, as toolkit
    try:
        target.read_bytes()
    except OSError as exc:
        raise WebConfigError(f"{path}: {section}.{key}: cannot read {target}: {exc.strerror}") from None
    return str(target)


def load_web_config(path: str) -> WebSettings:
    """Read and validate a web config file; raises WebConfigError with one line naming the problem."""
    try:
        text = Path(path).read_text()
    except OSError as exc:
        raise WebConfigError(f"{path}: cannot read: {exc.strerror}") from None
    try:
        doc = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise WebConfigError(f"{path}: not YAML: {str(exc).splitlines()[0]}") from None
    if not isinstance(doc, Mapping):
        raise WebConfigError(f"{path}: must be a mapping of tls_server_config, http_server_config, basic_auth_users")
    for key in doc:
        if key not in TOP_KEYS:
            raise WebConfigError(f"{path}: unknown key {key}")
    base = Path(path).resolve().parent
    settings = WebSettings(path=path)
    warnings: list[str] = []
    watched = [path]
    tls = _section(doc, "tls_server_config", path)
    for key in tls:
        if key in TLS_REFUSED:
            raise WebConfigError(f"{path}: tls_server_config.{key}: {TLS_REFUSED[key]}")
        if key in TLS_IGNORED:
            warnings.append(f"{path}: tls_server_config.{key} is ignored (Go TLS names; OpenSSL picks its own)")
        elif key not in TLS_KEYS:
            raise WebConfigError(f"{path}: unknown key tls_server_config.{key}")
    if tls:
        settings.tls = _tls_context(tls, base, path, watched)
        settings.tls_source = (repr(sorted(tls.items())), fingerprint(tuple(watched[1:])))
        ca_files = tuple(watched[3:])  # after the config file, cert_file and key_file
        settings.client_auth = (settings.tls.verify_mode, fingerprint(ca_files))
    http = _section(doc, "http_server_config", path)
    for key in http:
        if key in HTTP_IGNORED:
            warnings.append(f"{path}: http_server_config.{key} is ignored (HTTP/1.1 only)")
        elif key not in HTTP_KEYS:
            raise WebConfigError(f"{path}: unknown key http_server_config.{key}")
    for name, value in _section(http, "headers", path).items():
        if not isinstance(name, str) or not isinstance(value, str):
            raise WebConfigError(f"{path}: http_server_config.headers: {name!r}: names and values must be strings")
        if name.lower() in RESERVED_HEADERS:
            raise WebConfigError(f"{path}: http_server_config.headers: {name} is set by the exporter itself")
        if "\n" in value or "\r" in value:
            raise WebConfigError(f"{path}: http_server_config.headers: {name}: a value cannot contain a newline")
        settings.headers[name] = value
    for user, hashed in _section(doc, "basic_auth_users", path).items():
        settings.users[str(user)] = _bcrypt_hash(str(user), hashed, path)
    if settings.tls is None and not settings.users and not settings.headers:
        raise WebConfigError(
            f"{path}: configures nothing (no tls_server_config, basic_auth_users or headers); "
            "leave out --web.config.file to serve plain HTTP without auth"
        )
    settings.watched = tuple(dict.fromkeys(watched))
    settings.warnings = tuple(warnings)
    return settings


def _client_auth(settings: WebSettings) -> ssl.VerifyMode:
    return settings.tls.verify_mode if settings.tls is not None else ssl.CERT_NONE


def ends_connections(running: WebSettings, new: WebSettings) -> bool:
    """Whether connections opened under ``running`` must not go on under ``new``: TLS turned on, or client
    certificates checked otherwise (a CA replaced, verification added). A new server certificate alone leaves
    them be: the next connection meets it, and a reload cuts no scrape short."""
    return new.tls is not None and (running.tls is None or new.client_auth != running.client_auth)


def weakening(running: WebSettings, new: WebSettings) -> str | None:
    """What ``new`` would remove of the protection ``running`` enforces (TLS, basic auth, client certificate
    verification), in words; None when it removes nothing. A reload that would is refused: a bad edit must not
    turn security off, and an operator who means it restarts the exporter without it."""
    lost = []
    if running.tls is not None and new.tls is None:
        lost.append("TLS (tls_server_config removed)")
    elif _client_auth(new) < _client_auth(running):
        lost.append("client certificate verification (client_auth_type weaker)")
    if running.users and not new.users:
        lost.append("basic auth (no basic_auth_users left)")
    if not lost:
        return None
    return f"{new.path}: would turn off {' and '.join(lost)}; restart the exporter to serve with less protection"


def _tls_context(tls: Mapping[str, Any], base: Path, path: str, watched: list[str]) -> ssl.SSLContext:
    section = "tls_server_config"
    if "cert_file" not in tls or "key_file" not in tls:
        raise WebConfigError(f"{path}: {section} needs both cert_file and key_file")
    cert = _file(base, section, "cert_file", tls["cert_file"], path)
    key = _file(base, section, "key_file", tls["key_file"], path)
    watched += [cert, key]
    auth = tls.get("client_auth_type", "NoClientCert") or "NoClientCert"
    if auth == "RequireAnyClientCert":
        raise WebConfigError(
            f"{path}: {section}.client_auth_type RequireAnyClientCert (any certificate, unverified) "
            "is not supported: use RequireAndVerifyClientCert with client_ca_file"
        )
    if auth not in CLIENT_AUTH:
        raise WebConfigError(
            f"{path}: {section}.client_auth_type {auth!r} is not one of "
            f"{', '.join([*CLIENT_AUTH, 'RequireAnyClientCert'])}"
        )
    verify, needs_ca = CLIENT_AUTH[auth]
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)

    def no_passphrase() -> bytes:
        """Asked only for an encrypted key: refuse, so OpenSSL never prompts on the terminal (or fails on a
        stdin that is no terminal) and a reload never blocks the event loop on a prompt."""
        raise WebConfigError(
            f"{path}: {section}.key_file {key} is encrypted; passphrase-protected keys are not supported"
        )

    try:
        ctx.load_cert_chain(cert, key, password=no_passphrase)
    except WebConfigError:
        raise  # from no_passphrase, already saying which file and why
    except ssl.SSLError as exc:
        reason = (
            "key_file does not match cert_file"
            if "MISMATCH" in str(exc).upper()
            else (f"cert_file {cert} and key_file {key} are not a PEM certificate and its private key: {exc}")
        )
        raise WebConfigError(f"{path}: {section}: {reason}") from None
    except (OSError, ValueError) as exc:  # what OpenSSL's own prompt failing, or a file vanishing, looks like
        raise WebConfigError(f"{path}: {section}: cannot load cert_file {cert} / key_file {key}: {exc}") from None
    ca = tls.get("client_ca_file")
    if needs_ca and not ca:
        raise WebConfigError(f"{path}: {section}.client_auth_type {auth} needs client_ca_file")
    if ca:
        ca_path = _file(base, section, "client_ca_file", ca, path)
        watched.append(ca_path)
        try:
            ctx.load_verify_locations(cafile=ca_path)
        except ssl.SSLError as exc:
            raise WebConfigError(f"{path}: {section}.client_ca_file: not a PEM certificate: {exc}") from None
    ctx.verify_mode = verify
    for key_name, attr in (("min_version", "minimum_version"), ("max_version", "maximum_version")):
        if key_name in tls:
            version = VERSIONS.get(str(tls[key_name]))
            if version is None:
                raise WebConfigError(
                    f"{path}: {section}.{key_name} {tls[key_name]!r} is not one of {', '.join(VERSIONS)}"
                )
            setattr(ctx, attr, version)
    if "min_version" not in tls:
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2  # exporter-toolkit's default
    if ctx.maximum_version != ssl.TLSVersion.MAXIMUM_SUPPORTED and ctx.minimum_version > ctx.maximum_version:
        raise WebConfigError(f"{path}: {section}: min_version is above max_version")
    return ctx


def _bcrypt_hash(user: str, hashed: object, path: str) -> bytes:
    if not isinstance(hashed, str):
        raise WebConfigError(f"{path}: basic_auth_users.{user}: expected a bcrypt hash string")
    raw = hashed.encode()
    try:
        bcrypt.checkpw(b"", raw)  # raises on anything that is not a bcrypt hash
    except ValueError:
        raise WebConfigError(
            f"{path}: basic_auth_users.{user}: not a bcrypt hash (make one with htpasswd -nBC 10 \"\" | tr -d ':\\n')"
        ) from None
    return raw


class PasswordCache:
    """Remembers successful (user, password) checks so a scrape does not pay bcrypt each time.

    What is kept is an HMAC (key random per process) of user, password and the hash they matched:
    no password is stored, and a changed hash makes its old entries useless. Failures are not
    remembered, so guessing still pays bcrypt every time. Bounded: cleared when full.
    """

    MAX_ENTRIES = 1024

    def __init__(self) -> None:
        self._key = secrets.token_bytes(32)
        self._ok: set[bytes] = set()

    def _digest(self, user: str, password: str, hashed: bytes) -> bytes:
        msg = b"\0".join((user.encode(), password.encode("utf-8", "surrogateescape"), hashed))
        return hmac.new(self._key, msg, hashlib.sha256).digest()

    def check(self, users: Mapping[str, bytes], user: str, password: str) -> bool:
        """The slow path runs bcrypt (also for unknown users, so timing does not reveal names)."""
        hashed = users.get(user)
        digest = self._digest(user, password, hashed or DUMMY_HASH)
        if hashed is not None and digest in self._ok:
            return True
        ok = bcrypt.checkpw(password.encode("utf-8", "surrogateescape"), hashed or DUMMY_HASH) and hashed is not None
        if ok:
            if len(self._ok) >= self.MAX_ENTRIES:
                self._ok.clear()
            self._ok.add(digest)
        return ok

    def cached(self, users: Mapping[str, bytes], user: str, password: str) -> bool:
        """True when this exact check succeeded before (no bcrypt)."""
        hashed = users.get(user)
        return hashed is not None and self._digest(user, password, hashed) in self._ok


def fingerprint(paths: tuple[str, ...]) -> tuple[tuple[str, float, int], ...]:
    """(path, mtime, size) of each watched file; a change means the config must be loaded again."""
    out = []
    for p in paths:
        try:
            st = os.stat(p)
            out.append((p, st.st_mtime, st.st_size))
        except OSError:
            out.append((p, -1.0, -1))
    return tuple(out)
