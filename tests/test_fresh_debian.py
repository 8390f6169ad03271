"""A fresh Debian 12 (bookworm), debootstrapped into a temporary directory from the Debian archive this machine's
apt uses (minbase and python3: the distribution's Python 3.11, no pip, no venv module): the README's first command
works there as written, the Debian package installs, runs and purges cleanly there, and the container image's
install step installs the build's wheels there without any network. Nothing is cached between runs.

Needs root (debootstrap, chroot) and the debootstrap package (.ci/test installs it); about a minute for the tree."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import free_port
from .debian import NAME, REPO, Built, account, leftovers, run, sample, status, stop, stop_group, tail, until

SUITE = "bookworm"
CLEAN_ENV = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME": "/root", "LANG": "C.UTF-8"}


def debian_mirror() -> str:
    """The Debian archive this machine's apt is configured with (deb822 .sources or one-line .list files)."""
    if os.environ.get("PE_DEBIAN_MIRROR"):
        return os.environ["PE_DEBIAN_MIRROR"]
    apt = Path("/etc/apt")
    for path in [
        apt / "sources.list",
        *sorted((apt / "sources.list.d").glob("*.sources")),
        *sorted((apt / "sources.list.d").glob("*.list")),
    ]:
        text = path.read_text() if path.is_file() else ""
        for stanza in re.split(r"\n\s*\n", text):
            fields = dict(re.findall(r"^(\w[\w-]*):\s*(.+)$", stanza, re.M))
            if "debian-archive-keyring" in fields.get("Signed-By", "") and "security" not in fields.get("Suites", ""):
                return fields["URIs"].split()[0]
        for uri, suite in re.findall(r"^deb\s+(?:\[[^]]*\]\s+)?(\S+)\s+(\S+)\s+.*\bmain\b", text, re.M):
            if "security" not in suite and "debian" in uri:
                return uri
    pytest.fail("no Debian archive in /etc/apt's sources to debootstrap from (set PE_DEBIAN_MIRROR)")


def processes_in(root: Path) -> list[int]:
    """Pids whose root directory is ``root``: what this module started inside the tree, and their children."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if os.readlink(entry / "root") == str(root):
                    pids.append(int(entry.name))
            except OSError:
                continue
    return pids


@pytest.fixture(scope="module")
def bookworm() -> Iterator[Path]:
    if os.geteuid() != 0:
        pytest.skip("debootstrap and chroot need root (CI runs as root)")
    if shutil.which("debootstrap") is None:
        pytest.fail("debootstrap is not installed (.ci/test installs it: apt-get install debootstrap)")
    root = Path(tempfile.mkdtemp(prefix="pe-bookworm-")) / "root"
    try:
        started = time.monotonic()
        run("debootstrap", "--variant=minbase", "--include=python3", SUITE, str(root), debian_mirror(), timeout=900)
        print(f"\ndebootstrap {SUITE} minbase + python3: {time.monotonic() - started:.1f} s")
        yield root
    finally:
        for pid in processes_in(root):  # started by these tests inside the tree; none should be left
            os.kill(pid, signal.SIGKILL)
        with open("/proc/self/mounts") as mounts:  # nothing is mounted in it: never delete through a mount
            inside = [line.split()[1] for line in mounts if line.split()[1].startswith(str(root))]
        if inside:
            pytest.fail(f"mounts inside {root}, so it is left in place: {inside}")
        shutil.rmtree(root.parent)


def with_site_trust(root: Path) -> dict[str, str]:
    """This machine's trust, carried into the tree: its network presents certificates of a local authority, which
    the machine trusts through /usr/local/share/ca-certificates (Debian's place for local CAs, kept by
    update-ca-certificates when the ca-certificates package comes in) and the bundle it makes. Those are copied in,
    and PIP_CERT passed on where the machine's environment sets it. A host on the open internet needs none of this;
    the README's command itself runs as written."""
    local = Path("/usr/local/share/ca-certificates")
    if local.is_dir():
        shutil.copytree(local, root / local.relative_to("/"), dirs_exist_ok=True)
    bundle = Path("/etc/ssl/certs/ca-certificates.crt")
    if bundle.is_file():
        (root / "etc/ssl/certs").mkdir(parents=True, exist_ok=True)
        shutil.copy(bundle, root / bundle.relative_to("/"))
    return {"PIP_CERT": os.environ["PIP_CERT"]} if os.environ.get("PIP_CERT") else {}


def demo_up(text: str) -> bool:
    """The demo's embedded simulator is exported, and its first cycle has read it."""
    return sample(text, "porto_exporter_simulated") == 1 and sample(text, "porto_up") == 1


def readme_first_command() -> str:
    """The first line of the README's first sh block: what a new operator types first."""
    block = re.search(r"^```sh\n(.*?)^```", (REPO / "README.md").read_text(), re.M | re.S)
    assert block, "README.md has no ```sh block"
    return block.group(1).splitlines()[0]


def copy_checkout(dest: Path) -> None:
    """The repository's tracked files, as a fresh clone has them (no dist/, no .venv, no build output)."""
    subprocess.run(
        ["sh", "-c", 'git ls-files -z | tar -cf - --null -T - | tar -xf - -C "$1"', "sh", str(dest)],
        cwd=REPO,
        check=True,
        timeout=120,
    )


def test_the_package_installs_runs_and_purges_on_a_fresh_debian_12(bookworm: Path, debian_package: Built) -> None:
    """Only Debian's python3.11 there: everything else the exporter needs is in the package. Porto is not there, so
    postinst makes group porto, and purge takes it away again."""
    assert account("group", "porto", root=bookworm) is None and status(root=bookworm) == "not-installed"
    shutil.copy(debian_package.deb, bookworm / "tmp" / debian_package.deb.name)
    run("dpkg", "-i", f"/tmp/{debian_package.deb.name}", root=bookworm)
    listing = run("dpkg", "-L", NAME, root=bookworm).split()
    user, group = account("passwd", NAME, root=bookworm), account("group", "porto", root=bookworm)
    assert user and group and user[3] == group[2]  # in group porto, made here
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="pe-fresh-") as d:
        log = Path(d) / "exporter.log"
        with log.open("wb") as out:
            proc = subprocess.Popen(
                [
                    "chroot",
                    f"--userspec={user[2]}:{user[3]}",
                    str(bookworm),
                    "/usr/bin/porto-exporter",
                    "--demo",
                    f"--web.listen-address=127.0.0.1:{port}",
                ],
                env=CLEAN_ENV,
                stdout=subprocess.DEVNULL,
                stderr=out,
                stdin=subprocess.DEVNULL,
            )
        try:
            text = until(f"http://127.0.0.1:{port}/metrics", proc, demo_up, log, within=60)
            assert sample(text, "porto_exporter_simulated") == sample(text, "porto_up") == 1
        finally:
            code = stop(proc)
        assert code == 0, tail(log)
    run("dpkg", "--purge", NAME, root=bookworm)
    assert leftovers(listing, root=bookworm) == []
    assert account("passwd", NAME, root=bookworm) is None and account("group", "porto", root=bookworm) is None
    assert not (bookworm / "etc" / "porto-exporter").exists() and not (bookworm / "var/lib/porto-exporter").exists()


def test_a_purge_keeps_the_user_an_admin_made_before_installing(bookworm: Path, debian_package: Built) -> None:
    """Before: dpkg --purge deleted any porto-exporter user, the admin's own too. The package puts the admin's
    user in group porto (the socket's) and a purge takes it out again, deleting only what the package made: here
    group porto (Porto is not installed), never the user."""
    assert account("passwd", NAME, root=bookworm) is None and status(root=bookworm) == "not-installed"
    run(
        "useradd",
        "--system",
        "--user-group",
        "--no-create-home",
        "--comment",
        "ours, made by the admin",
        NAME,
        root=bookworm,
    )
    made = account("passwd", NAME, root=bookworm)
    assert made is not None
    try:
        shutil.copy(debian_package.deb, bookworm / "tmp" / debian_package.deb.name)
        run("dpkg", "-i", f"/tmp/{debian_package.deb.name}", root=bookworm)
        assert account("passwd", NAME, root=bookworm) == made  # the same account: not re-made, not changed
        assert "porto" in run("id", "-nG", NAME, root=bookworm).split()  # can open Porto's socket
        run("dpkg", "-r", NAME, root=bookworm)
        run("dpkg", "--purge", NAME, root=bookworm)
        assert account("passwd", NAME, root=bookworm) == made
        assert run("id", "-nG", NAME, root=bookworm).split() == [NAME]  # out of group porto again
        assert account("group", "porto", root=bookworm) is None  # the package made it: gone with it
    finally:
        if status(root=bookworm) != "not-installed":
            run("dpkg", "--purge", NAME, root=bookworm, check=False)
        run("userdel", NAME, root=bookworm, check=False)  # the tree as the other tests expect it: no such user
        if account("group", "porto", root=bookworm) is not None:
            run("groupdel", "porto", root=bookworm, check=False)


def test_the_readme_first_command_works_on_a_fresh_debian_12(bookworm: Path) -> None:
    """Read from README.md, run as written by root in a copy of the checkout (fresh: no python3-venv, no pip, no
    apt lists); the exporter it starts answers /metrics with the demo's simulated portod."""
    command = readme_first_command()
    assert run("python3", "-c", "import sys; print(sys.version_info[:2])", root=bookworm).strip() == "(3, 11)"
    for missing in ("ensurepip", "pip"):  # Debian's python3 alone: no venv bootstrap, no pip
        assert not importable(bookworm, missing), f"{missing} is importable: not a fresh Debian's python3"
    checkout = bookworm / "root" / "porto-exporter"
    checkout.mkdir()
    copy_checkout(checkout)
    trust = with_site_trust(bookworm)
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="pe-fresh-") as d:
        log = Path(d) / "readme.log"
        started = time.monotonic()
        with log.open("wb") as out:  # listen on a free port: every flag can also be set as PORTO_EXPORTER_<FLAG>
            proc = subprocess.Popen(
                ["chroot", str(bookworm), "/bin/sh", "-c", f"cd /root/porto-exporter && {command}"],
                env={**CLEAN_ENV, **trust, "PORTO_EXPORTER_WEB_LISTEN_ADDRESS": f"127.0.0.1:{port}"},
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        try:
            text = until(f"http://127.0.0.1:{port}/metrics", proc, demo_up, log, within=420)
            print(
                f"\nREADME's first command ({command!r}) on fresh {SUITE}: /metrics after "
                f"{time.monotonic() - started:.1f} s"
            )
            assert any(line.startswith('porto_container_state{container="') for line in text.splitlines())
        finally:
            stop_group(proc)  # the shell of the line dies of the SIGTERM; the exporter in it stops cleanly:
        assert "shutting down" in log.read_text() and "Traceback" not in log.read_text(), tail(log)


def test_the_container_images_install_step_needs_only_the_builds_wheels(bookworm: Path, debian_package: Built) -> None:
    """The RUN line of the Containerfile's install stage, as written, on Debian 12's Python 3.11 (the image's is
    python:3.11-slim, Debian too) with no network at all: the wheels deploy/debian/build made are all it needs."""
    steps = re.sub(r"\\\n\s*", " ", (REPO / "deploy" / "container" / "Containerfile").read_text()).splitlines()
    install = next(line.split(None, 1)[1] for line in steps if line.startswith("RUN ") and "/wheels" in line)
    if not importable(bookworm, "ensurepip"):  # the image's Python has venv; Debian's needs python3-venv for it
        run("apt-get", "update", "-q", root=bookworm)
        run("apt-get", "install", "-y", "-q", "python3-venv", root=bookworm)
    python = bookworm / "usr" / "local" / "bin" / "python"  # the image's name for its interpreter
    python.parent.mkdir(parents=True, exist_ok=True)
    python.symlink_to("/usr/bin/python3")
    shutil.copytree(debian_package.wheels, bookworm / "wheels")
    try:
        subprocess.run(
            ["unshare", "--net", "chroot", str(bookworm), "/bin/sh", "-c", install],
            env=CLEAN_ENV,
            check=True,
            capture_output=True,
            timeout=300,
        )
        version = run("/opt/porto-exporter/bin/porto-exporter", "--version", root=bookworm).split()[-1]
        assert debian_package.deb.name.startswith(f"{NAME}_{version}_")
    finally:
        python.unlink()
        shutil.rmtree(bookworm / "wheels")
        shutil.rmtree(bookworm / "opt" / "porto-exporter", ignore_errors=True)


def importable(root: Path, module: str) -> bool:
    done = subprocess.run(["chroot", str(root), "python3", "-c", f"import {module}"], capture_output=True)
    return done.returncode == 0


def test_the_readme_states_the_package_size_it_has(debian_package: Built) -> None:
    """The Deploying section's "About N MB, M MB installed" holds for the package built now (within a quarter)."""
    stated = re.search(r"About ([\d.]+) MB, ([\d.]+) MB installed", (REPO / "README.md").read_text())
    assert stated, "README.md's Deploying section no longer says the package's size"
    installed_kib = int(run("dpkg-deb", "-f", str(debian_package.deb), "Installed-Size"))
    for said, kib in ((float(stated[1]), debian_package.deb.stat().st_size / 1024), (float(stated[2]), installed_kib)):
        assert abs(said - kib / 1024) <= 0.25 * said, f"README says {said} MB, the package has {kib / 1024:.1f} MB"
