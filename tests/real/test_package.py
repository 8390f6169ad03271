"""The Debian package on this machine, as an operator uses it: dpkg -i, the installed binary run as the user its
systemd unit names against the real portod, scraped with curl, then dpkg -r and --purge leaving nothing behind."""

from __future__ import annotations

import secrets
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from ..conftest import free_port
from ..debian import NAME, Built, account, leftovers, run, sample, status, stop, unit_settings, until
from .conftest import RealPortod

UNIT = Path("/lib/systemd/system/porto-exporter.service")
# what the package makes or takes beside the files dpkg lists
STATE = (
    Path("/etc/porto-exporter"),
    Path("/etc/default/porto-exporter"),
    Path("/usr/lib/porto-exporter"),
    Path("/var/lib/porto-exporter"),
    Path("/usr/bin/porto-exporter"),
    UNIT,
)


def test_the_package_installs_runs_as_its_user_against_portod_and_purges_without_leftovers(
    real_portod: RealPortod, debian_package: Built
) -> None:
    there = [str(p) for p in STATE if p.exists()]
    if status() != "not-installed" or account("passwd", NAME) or there:
        pytest.fail(
            f"{NAME} is already on this machine (dpkg: {status()}, user: {account('passwd', NAME)}, files: {there}): "
            f"this test installs and purges it, so it runs only where it is absent (dpkg --purge {NAME})"
        )
    porto_group_before = account("group", "porto")
    mine = real_portod.name(f"pkg{secrets.token_hex(3)}")
    proc: subprocess.Popen[bytes] | None = None
    with tempfile.TemporaryDirectory(prefix="pe-pkg-") as d:
        log = Path(d) / "exporter.log"
        try:
            started = time.monotonic()
            run("dpkg", "-i", str(debian_package.deb))
            install_seconds = time.monotonic() - started
            run("dpkg", "-i", str(debian_package.deb))  # again: the maintainer scripts are safe to run twice
            assert status() == "installed"
            listing = run("dpkg", "-L", NAME).split()
            user = account("passwd", NAME)
            assert user is not None and user[6] == "/usr/sbin/nologin", user
            assert "porto" in run("id", "-nG", NAME).split()  # the group of Porto's socket (0660 root:porto)
            if Path("/usr/bin/systemd-analyze").exists():  # the installed unit, user and binary as systemd sees them
                run("systemd-analyze", "verify", "--man=no", str(UNIT))
            unit = unit_settings(UNIT)
            assert unit["User"] == NAME and unit["Group"] == "porto" and unit["ExecStart"] == "/usr/bin/porto-exporter"

            real_portod.ctl("create", mine)
            real_portod.ctl("start", mine)  # meta: no command
            port = free_port()
            with log.open("wb") as out:  # the unit's command, as the unit's user and group (systemd does not run here)
                proc = subprocess.Popen(
                    [
                        "setpriv",
                        f"--reuid={unit['User']}",
                        f"--regid={unit['Group']}",
                        "--init-groups",
                        "--",
                        *unit["ExecStart"].split(),
                        f"--porto.socket={real_portod.socket}",
                        f"--web.listen-address=127.0.0.1:{port}",
                        "--scrape.interval=0",
                        f"--containers.include={real_portod.prefix}/***",
                        "--no-collector.volumes",
                        "--no-collector.storage",
                    ],
                    stdout=subprocess.DEVNULL,
                    stderr=out,
                    stdin=subprocess.DEVNULL,
                    cwd="/",
                )
            visible = f'porto_container_state{{container="{mine}",state="meta"}}'  # our own container, as exported
            exposition = until(
                f"http://127.0.0.1:{port}/metrics", proc, lambda text: sample(text, visible) == 1, log, within=60
            )
            assert sample(exposition, "porto_up") == 1
            assert sample(exposition, "porto_exporter_simulated") == 0  # the real portod, not the demo's simulator
            uids = next(
                line.split()[1:]
                for line in Path(f"/proc/{proc.pid}/status").read_text().splitlines()
                if line.startswith("Uid:")
            )
            assert set(uids) == {user[2]}  # real, effective, saved, fs: porto-exporter's, nothing of root's
            maps = Path(f"/proc/{proc.pid}/maps").read_text()
            assert "/usr/lib/porto-exporter/" in maps  # the package's own compiled libraries, not another copy
            assert stop(proc) == 0, f"exporter exit status on SIGTERM, log:\n{log.read_text()}"
            proc = None
            # beside what dpkg lists only the byte-code postinst compiled (prerm removes it: checked below)
            unlisted = set(run("find", "/usr/lib/porto-exporter").split()) - set(listing)
            compiled = {p for p in unlisted if p.endswith("/__pycache__") or p.endswith(".cpython-311.pyc")}
            assert compiled and unlisted == compiled, f"unlisted files (written at run time?): {sorted(unlisted)[:10]}"

            key = Path("/etc/porto-exporter/tls/exporter.key")  # what an operator adds beside the conffiles
            key.parent.mkdir()
            key.write_text("not a key\n")

            run("dpkg", "-r", NAME)
            assert status() == "config-files"
            assert Path("/etc/default/porto-exporter").exists() and Path("/etc/porto-exporter/web-config.yml").exists()
            assert account("passwd", NAME) is not None  # remove keeps configuration and user; purge takes them
            assert not Path("/usr/lib/porto-exporter").exists() and not Path("/usr/bin/porto-exporter").exists()

            run("dpkg", "--purge", NAME)
            assert status() == "not-installed"
            assert leftovers(listing) == []
            assert [str(p) for p in STATE if p.exists()] == []
            assert account("passwd", NAME) is None
            assert account("group", "porto") == porto_group_before  # Porto's group: there before, kept as it was
            print(f"\ndpkg -i: {install_seconds:.2f} s; dpkg -L lists {len(listing)} paths")
        finally:
            if proc is not None:
                stop(proc)
            if status() != "not-installed":
                run("dpkg", "--purge", NAME, check=False)
            # what a purge that went wrong left: none of it was here before the test
            for path in STATE:
                if path.is_dir():
                    shutil.rmtree(path)
                elif path.exists():
                    path.unlink()
            if account("passwd", NAME):
                run("userdel", NAME, check=False)
            if porto_group_before is None and account("group", "porto"):
                run("groupdel", "porto", check=False)
            real_portod.ctl("destroy", mine, check=False)
