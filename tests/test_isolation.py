"""The suite is independent of the machine it runs on: a portod at /run/portod.socket is never reached by a test
that does not mean to (conftest pins exporters to a socket that does not exist and audits connects)."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest

from porto_exporter.porto import PortoClient, errors

from .conftest import MACHINE_PORTOD, PortodGuard

CONFTEST = Path(__file__).resolve().parent / "conftest.py"


async def test_an_in_process_connect_to_the_machines_portod_is_refused_and_caught(portod_guard: PortodGuard) -> None:
    async with PortoClient(MACHINE_PORTOD[0], timeout=2) as c:
        with pytest.raises(errors.SocketUnavailable, match="must not reach the machine's portod"):
            await c.version()  # refused before the connect: nothing reaches a portod that may be there
    assert len(portod_guard.attempts) == 1 and "connect('/run/portod.socket')" in portod_guard.attempts[0]
    portod_guard.attempts.clear()  # this test meant it: do not fail it


async def test_exporter_processes_default_to_a_socket_that_is_not_there(machine_independent: Path) -> None:
    pinned = os.environ["PORTO_EXPORTER_PORTO_SOCKET"]
    assert pinned == str(machine_independent) and not Path(pinned).exists()
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        "from porto_exporter.config import load; print(load([]).socket)",
        stdout=asyncio.subprocess.PIPE,
    )
    out, _ = await proc.communicate()
    assert out.decode().strip() == pinned  # what `porto-exporter --demo` would look at, in a child process


async def test_exporter_processes_default_to_a_metrics_socket_that_is_not_there() -> None:
    """portod's own metrics endpoint is read by default (the portod_metrics collector): a child exporter must not
    find the machine's /run/portod_metrics.socket either (the audit hook sees this process only)."""
    pinned = os.environ["PORTO_EXPORTER_PORTO_METRICS_SOCKET"]
    assert pinned not in MACHINE_PORTOD and not Path(pinned).exists()
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        "from porto_exporter.config import load; print(load([]).metrics_socket)",
        stdout=asyncio.subprocess.PIPE,
    )
    out, _ = await proc.communicate()
    assert out.decode().strip() == pinned


def test_a_test_that_reaches_the_machines_portod_fails(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(CONFTEST.read_text())
    pytester.makepyfile(
        test_inner="""
        import contextlib, os, socket
        import pytest

        def test_swallows_the_error():
            with socket.socket(socket.AF_UNIX) as s, contextlib.suppress(OSError):
                s.connect("/run/portod.socket")  # code that hides the failure still fails the test

        @pytest.mark.real_portod
        def test_marked_is_left_the_machines_settings(portod_guard):
            assert portod_guard.allowed and "PORTO_EXPORTER_PORTO_SOCKET" not in os.environ
    """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(["*1 connect(s) to the machine's portod*", "*connect('/run/portod.socket')*"])
