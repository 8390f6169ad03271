"""The Debian package as the tests that install it use it: built once per session by deploy/debian/build (the
operator's command), installed and taken away with dpkg, run as the user its unit names, scraped with curl."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
NAME = "porto-exporter"


@dataclass(frozen=True)
class Built:
    """What one run of deploy/debian/build wrote, and how long it took."""

    deb: Path
    wheels: Path
    seconds: float


def build(dist: Path) -> Built:
    """deploy/debian/build into ``dist`` (not the checkout's dist/); fails with the script's own words."""
    started = time.monotonic()
    done = subprocess.run(
        [str(REPO / "deploy" / "debian" / "build")],
        env={**os.environ, "DIST": str(dist)},
        capture_output=True,
        text=True,
        timeout=600,
    )
    if done.returncode != 0:
        raise AssertionError(f"deploy/debian/build: exit {done.returncode}:\n{done.stderr[-3000:]}")
    debs = sorted(dist.glob(f"{NAME}_*.deb"))
    assert len(debs) == 1, f"deploy/debian/build wrote {debs}, not one {NAME}_<version>_<arch>.deb"
    return Built(debs[0], dist / "wheels", time.monotonic() - started)


def run(*args: str, root: Path | None = None, check: bool = True, timeout: float = 300.0) -> str:
    """A command on this machine, or inside the tree ``root`` (chroot); its stdout. Fails with its stderr."""
    argv = ["chroot", str(root), *args] if root else list(args)
    done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
    if check and done.returncode != 0:
        raise AssertionError(f"{' '.join(argv)}: exit {done.returncode}:\n{done.stdout[-2000:]}{done.stderr[-3000:]}")
    return done.stdout


def status(root: Path | None = None) -> str:
    """dpkg's status of the package: ``installed``, ``config-files`` (removed, not purged) or ``not-installed``."""
    out = run("dpkg-query", "-W", "-f=${db:Status-Status}", NAME, root=root, check=False)
    return out.strip() or "not-installed"


def account(kind: str, name: str, root: Path | None = None) -> list[str] | None:
    """The passwd or group entry of ``name`` (its fields), or None when there is none."""
    out = run("getent", kind, name, root=root, check=False).strip()
    return out.split(":") if out else None


def unit_settings(unit: Path) -> dict[str, str]:
    """Key=value lines of a systemd unit (the last one of a key wins, as in systemd for these keys)."""
    settings = {}
    for line in unit.read_text().splitlines():
        if "=" in line and not line.lstrip().startswith(("#", ";", "[")):
            key, _, value = line.partition("=")
            settings[key.strip()] = value.strip()
    return settings


def scrape(url: str) -> str | None:
    """One scrape with curl (a client that is not ours); None while nothing answers."""
    done = subprocess.run(["curl", "-sf", "--max-time", "10", url], capture_output=True, text=True, timeout=20)
    return done.stdout if done.returncode == 0 else None


def sample(text: str, series: str) -> float | None:
    """The value of one series (name and labels exactly as exposed) in a text exposition, or None."""
    for line in text.splitlines():
        name, _, value = line.rpartition(" ")
        if name == series:
            return float(value)
    return None


def until(url: str, proc: subprocess.Popen[bytes], ready: Callable[[str], bool], log: Path, within: float) -> str:
    """Scrape ``url`` until ``ready`` holds for the exposition; fails early if the process exits, with its log."""
    deadline = time.monotonic() + within
    text = None
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"exited with {proc.returncode} before {url} was ready:\n{tail(log)}")
        text = scrape(url)
        if text is not None and ready(text):
            return text
        time.sleep(0.25)
    raise AssertionError(f"{url} not ready within {within:g} s; last exposition:\n{(text or '')[:1500]}\n{tail(log)}")


def tail(log: Path, chars: int = 4000) -> str:
    return log.read_text(errors="replace")[-chars:] if log.exists() else "(no log)"


def stop(proc: subprocess.Popen[bytes]) -> int:
    """SIGTERM, SIGKILL after 15 s; its exit status."""
    if proc.poll() is None:
        proc.terminate()
        try:
            return proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
    return proc.wait()


def stop_group(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the process group ``proc`` leads (it was started with start_new_session), then wait until none of
    the group runs (a shell dies at once; the exporter it started finishes its shutdown), SIGKILL after 15 s."""
    deadline = time.monotonic() + 15
    for sig in (signal.SIGTERM, signal.SIGKILL):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        while group_running(proc.pid) and time.monotonic() < deadline:
            proc.poll()  # reap the leader when it ends
            time.sleep(0.05)
        if not group_running(proc.pid):
            break
        deadline = time.monotonic() + 5
    proc.wait(5)


def group_running(pgid: int) -> list[int]:
    """Pids of the process group that still run (zombies waiting for their parent do not count)."""
    running = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            running.append(int(stat.parent.name))
    return running


def leftovers(listing: Sequence[str], root: Path | None = None) -> list[str]:
    """Paths dpkg -L listed that are still there and that no other package owns (shared directories stay)."""
    base = root or Path("/")
    there = [p for p in listing if p not in ("/.", "/") and (base / p.lstrip("/")).exists()]
    if not there:
        return []
    owned = run("dpkg-query", "-S", *there, root=root, check=False)
    others = {line.split(": ", 1)[1] for line in owned.splitlines() if ": " in line}
    return [p for p in there if p not in others]
