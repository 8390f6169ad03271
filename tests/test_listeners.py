"""web/listeners.py with web/guard.py in this process: a TLS change the listeners cannot take keeps the old ones.

The failure is real, not mocked: the process's open-file limit is lowered so that duplicating the second
listening socket fails with EMFILE (the first duplicate succeeds, and must be rolled back).
"""

from __future__ import annotations

import base64
import contextlib
import logging
import os
import resource
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import aiohttp
import pytest
import trustme
from aiohttp import web

from porto_exporter.web.guard import WebGuard
from porto_exporter.web.listeners import Listeners, bind
from porto_exporter.web.webconfig import WebSettings, load_web_config

from .test_webconfig import PASSWORD, USER, bcrypt_hash


async def hello(request: web.Request) -> web.Response:
    return web.Response(text="hello\n")


@contextlib.asynccontextmanager
async def served(guard: WebGuard) -> AsyncIterator[tuple[web.AppRunner, Listeners, list[int]]]:
    """An app behind ``guard`` with two listening sockets (two ports of 127.0.0.1), not yet served."""
    app = web.Application()
    guard.install(app)
    app.router.add_get("/", hello)
    runner = web.AppRunner(app)
    await runner.setup()
    sockets = bind([("127.0.0.1", 0), ("127.0.0.1", 0)])
    listeners = Listeners(runner, sockets)
    try:
        yield runner, listeners, [s.getsockname()[1] for s in sockets]
    finally:
        await listeners.close()
        await runner.cleanup()


@contextlib.contextmanager
def one_free_fd() -> Iterator[None]:
    """Meanwhile the process can open one more file (the lowest free descriptor), not two."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    lowest = os.dup(0)
    os.close(lowest)
    resource.setrlimit(resource.RLIMIT_NOFILE, (lowest + 1, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


async def status(port: int, auth: bool = True) -> int:
    """GET / over plain HTTP (with the test's credentials), or an exception if the port does not serve it."""
    headers = {"Authorization": "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()} if auth else {}
    async with aiohttp.ClientSession() as s, s.get(f"http://127.0.0.1:{port}/", headers=headers) as r:
        return r.status


async def test_a_tls_change_the_listeners_cannot_take_keeps_the_old_listeners_and_settings(
    socket_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    server = trustme.CA().issue_cert("127.0.0.1")
    server.cert_chain_pems[0].write_to_path(str(socket_dir / "server.pem"))
    server.private_key_pem.write_to_path(str(socket_dir / "server.key"))
    config = socket_dir / "web.yml"
    users = f"basic_auth_users: {{{USER}: '{bcrypt_hash(PASSWORD)}'}}\n"
    config.write_text(users)
    guard = WebGuard(load_web_config(str(config)))
    async with served(guard) as (runner, listeners, ports):
        await listeners.serve(None)
        assert [await status(port) for port in ports] == [200, 200]
        config.write_text("tls_server_config: {cert_file: server.pem, key_file: server.key}\n" + users)  # TLS on

        async def serve_tls(new: WebSettings, end: bool) -> None:
            await listeners.serve(new.tls, end_connections=end)

        with caplog.at_level(logging.ERROR, logger="porto_exporter.web.guard"), one_free_fd():
            applied = await guard.reload(serve_tls)
        assert not applied and guard.reload_failures == 1 and guard.settings.tls is None
        (record,) = caplog.records
        assert "its TLS cannot be served, keeping the previous one" in record.getMessage()
        assert str(config) in record.getMessage() and "Too many open files" in record.getMessage()
        assert listeners.tls is None and len(runner.sites) == 2  # the new site that had started was stopped
        assert [await status(port) for port in ports] == [200, 200]  # both old listeners serve, plain, as before
        assert await status(ports[0], auth=False) == 401  # with the old settings
        assert await guard.reload(serve_tls)  # the same file, once the limit is gone, applies
        assert listeners.tls is not None and len(runner.sites) == 2
