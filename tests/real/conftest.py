"""The real-daemon tier: tests against the portod built for these machines (``../shared/portod``).

The session starts portod when none answers (and stops it at the end: ``stop`` destroys everything it
made); a portod that was already running is left running, with only this session's containers and
volumes destroyed. Every container a test makes is named under the session's prefix, so cleaning up
never touches anything else on the machine. Tests here are marked ``real_portod``: they, and only they,
may reach ``/run/portod.socket``.

Where portod cannot be found or started the tier fails with the reason; it is skipped (with that reason
in the summary) only on a machine without the ``shared/portod`` directory at all, which is not one of
the machines this project runs on. On a portod that was already running, one test (a killed master)
is skipped, saying why: it would stop everybody's portod; ``portod reload`` and a killed worker (containers
kept, other clients reconnect) still run.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import shutil
import subprocess
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

SOCKET = "/run/portod.socket"
REPO = Path(__file__).resolve().parents[2]


def exporter_env() -> dict[str, str]:
    """The environment for an exporter process: this checkout's package first on PYTHONPATH."""
    return dict(
        os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(REPO / "exporter"), os.environ.get("PYTHONPATH")]))
    )


def portod_dir() -> Path | None:
    """$PORTOD_DIR, else the first ``shared/portod`` beside the checkout or above it, else /work/shared/portod."""
    if os.environ.get("PORTOD_DIR"):
        return Path(os.environ["PORTOD_DIR"])
    for base in (REPO, *REPO.parents, Path("/work")):  # /work/shared: where these machines keep it
        candidate = base / "shared" / "portod"
        if (candidate / "start").is_file():
            return candidate
    return None


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).resolve().parent
    for item in items:
        if here in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.real_portod)


@dataclass
class RealPortod:
    """The machine's portod, as this session uses it: its tools, and the prefix of every container it makes."""

    dir: Path
    portoctl: str
    prefix: str
    started_here: bool
    socket: str = SOCKET
    made: list[str] = field(default_factory=list)

    def ctl(self, *args: str, check: bool = True, timeout: float = 60.0) -> str:
        """portoctl with ``args``; its stdout (stripped). Fails the test with portoctl's own words."""
        done = subprocess.run([self.portoctl, *args], capture_output=True, text=True, timeout=timeout)
        if check and done.returncode != 0:
            raise AssertionError(f"portoctl {' '.join(args)}: exit {done.returncode}: {done.stderr.strip()}")
        return done.stdout.strip()

    async def actl(self, *args: str, check: bool = True, timeout: float = 60.0) -> str:
        return await asyncio.to_thread(self.ctl, *args, check=check, timeout=timeout)

    def name(self, *parts: str) -> str:
        """A container name under this session's prefix (``prefix/part/...``)."""
        return "/".join((self.prefix, *parts))

    def containers(self) -> list[str]:
        """This session's containers, as portod lists them."""
        listed = self.ctl("list", "-1", check=False).split()
        return [n for n in listed if n == self.prefix or n.startswith(self.prefix + "/")]

    def destroy_own(self) -> None:
        """Destroy the session's top container (its subtree and linked volumes go with it)."""
        if self.containers():
            self.ctl("destroy", self.prefix, check=False)


@pytest.fixture(scope="session")
def real_portod() -> Iterator[RealPortod]:
    where = portod_dir()
    if where is None:
        pytest.skip(
            "no shared/portod directory beside or above the checkout (set PORTOD_DIR): not a Porto test machine"
        )
    if os.geteuid() != 0:
        pytest.fail(f"the real-daemon tier needs root to start {where}/start (running as uid {os.geteuid()})")
    portoctl = shutil.which("portoctl") or "/usr/sbin/portoctl"
    answering = Path(portoctl).exists() and subprocess.run([portoctl, "list"], capture_output=True).returncode == 0
    if not answering:
        done = subprocess.run([str(where / "start")], capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            pytest.fail(f"{where}/start failed (exit {done.returncode}): {done.stderr.strip() or done.stdout.strip()}")
    real = RealPortod(where, portoctl, f"pe-test-{secrets.token_hex(3)}", started_here=not answering)
    try:  # from the create on: a setup that fails half way (portod reloaded meanwhile) leaves nothing behind
        real.ctl("create", real.prefix)  # meta: every test's containers live under it
        real.ctl("set", real.prefix, "private", "porto-exporter tests")
        real.ctl("start", real.prefix)  # no command: a meta container
        yield real
    finally:
        real.destroy_own()
        left = real.containers()
        if real.started_here:
            subprocess.run([str(where / "stop")], capture_output=True, timeout=120)
        if left:
            pytest.fail(f"containers left behind after the session: {left}")


@pytest.fixture
async def own(real_portod: RealPortod, request: pytest.FixtureRequest) -> AsyncIterator[str]:
    """A container of this test's own under the session prefix (meta); destroyed, with its subtree, after it."""
    name = real_portod.name(f"t{secrets.token_hex(3)}")
    await real_portod.actl("create", name)
    try:
        await real_portod.actl("start", name)  # no command: meta
        yield name
    finally:
        await real_portod.actl("destroy", name, check=False)
