"""The alerts' runbook links: a placeholder base in the shipped rules, the operator's own base set at install
time by deploy/prometheus/runbook_url.py, and either way rules that promtool checks and unit-tests."""

from __future__ import annotations

import errno
import importlib.util
import re
import shlex
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
PROM = ROOT / "deploy" / "prometheus"
SCRIPT = PROM / "runbook_url.py"
PLACEHOLDER = "https://set-runbook-base-url.invalid"
BASE = "https://wiki.example.com/ops/porto-exporter/docs"


def runbook_urls(rules: str) -> dict[str, str]:
    doc = yaml.safe_load(rules)
    return {r["alert"]: r["annotations"]["runbook_url"] for g in doc["groups"] for r in g["rules"] if "alert" in r}


def anchors() -> set[str]:
    runbook = (ROOT / "docs" / "runbook.md").read_text()
    return {line[3:].strip().lower() for line in runbook.splitlines() if line.startswith("## ")}


def run_script(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=60)


def test_the_shipped_rules_link_the_placeholder_base() -> None:
    urls = runbook_urls((PROM / "porto-alerts.yml").read_text())
    assert len(urls) >= 10
    for alert, url in urls.items():
        assert url == f"{PLACEHOLDER}/runbook.md#{alert.lower()}", url
        assert alert.lower() in anchors(), alert


def test_rules_on_the_operators_base_pass_promtool_check_and_unit_tests(tmp_path: Path) -> None:
    made = run_script("--runbook-base-url", BASE + "/")  # a trailing slash is not doubled
    assert made.returncode == 0, made.stderr
    rules = tmp_path / "porto-alerts.yml"
    rules.write_text(made.stdout)
    urls = runbook_urls(made.stdout)
    assert urls and all(url == f"{BASE}/runbook.md#{alert.lower()}" for alert, url in urls.items()), urls
    assert PLACEHOLDER not in made.stdout
    check = subprocess.run(["promtool", "check", "rules", str(rules)], capture_output=True, text=True, timeout=60)
    assert check.returncode == 0 and f"SUCCESS: {len(yaml.safe_load(made.stdout)['groups'][0]['rules'])}" in (
        check.stdout
    ), check.stdout + check.stderr
    # the suite's own unit tests of the alerts, on these rules, expecting these links
    unit = (ROOT / "tests" / "rules" / "porto-alerts.test.yml").read_text()
    assert "../../deploy/prometheus/porto-alerts.yml" in unit and PLACEHOLDER in unit
    (tmp_path / "alerts.test.yml").write_text(
        unit.replace("../../deploy/prometheus/porto-alerts.yml", str(rules)).replace(PLACEHOLDER, BASE)
    )
    tested = subprocess.run(
        ["promtool", "test", "rules", "alerts.test.yml"], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert tested.returncode == 0, tested.stdout + tested.stderr


def test_only_the_rules_change(tmp_path: Path) -> None:
    """Everything but the links is the shipped file, byte for byte (the same expressions, the same comments)."""
    out = tmp_path / "rules.yml"
    assert run_script("--runbook-base-url", "file:///usr/share/doc/porto-exporter", "--out", str(out)).returncode == 0
    shipped = (PROM / "porto-alerts.yml").read_text()
    assert out.read_text() == shipped.replace(PLACEHOLDER, "file:///usr/share/doc/porto-exporter")


@pytest.mark.parametrize("base", ["wiki/porto", "ftp://x/docs", "https://x/docs?page=1", "https://x/my docs", ""])
def test_a_base_that_cannot_carry_an_anchor_is_refused(base: str, tmp_path: Path) -> None:
    out = tmp_path / "rules.yml"
    done = run_script("--runbook-base-url", base, "--out", str(out))
    assert done.returncode == 2 and "--runbook-base-url" in done.stderr, done.stderr
    assert not out.exists()


def test_nothing_links_to_the_repository_that_does_not_exist() -> None:
    for path in [*(ROOT / "deploy").rglob("*"), *(ROOT / "docs").glob("*.md"), ROOT / "README.md"]:
        if path.is_file() and path.suffix != ".png":
            assert "github.com/porto-exporter" not in path.read_text(errors="replace"), path


def documented_commands() -> dict[str, str]:
    """Every runbook_url.py command line the operator is shown (README, docs/runbook.md, the script's --help),
    continuation lines joined, from ``python3`` to the end of the command."""
    sources = {
        "README.md": (ROOT / "README.md").read_text(),
        "docs/runbook.md": (ROOT / "docs" / "runbook.md").read_text(),
        "--help": run_script("--help").stdout,
    }
    found = {}
    for where, text in sources.items():
        text = re.sub(r"\\\s*\n\s*", " ", text)
        for i, m in enumerate(re.finditer(r"python3 deploy/prometheus/runbook_url\.py [^`\n]*", text)):
            found[f"{where}#{i}"] = m.group(0).strip().rstrip(".")
    return found


def test_the_documented_command_leaves_the_old_rules_when_the_url_is_refused(tmp_path: Path) -> None:
    """Before: the docs said ``runbook_url.py --runbook-base-url URL > /etc/prometheus/porto-alerts.yml``; with a bad
    URL the script exits 2 but the shell has already emptied the file, promtool says "SUCCESS: 0 rules found" and a
    reload drops every alert. Each documented command, run by sh as written (URL and file swapped for a refused URL
    and a file of rules already installed), must leave those rules as they were."""
    commands = documented_commands()
    assert len(commands) >= 3 and {w.split("#")[0] for w in commands} == {"README.md", "docs/runbook.md", "--help"}
    installed = tmp_path / "porto-alerts.yml"
    good = (PROM / "porto-alerts.yml").read_text().replace(PLACEHOLDER, BASE)
    for where, command in commands.items():
        argv = shlex.split(command)
        assert "/etc/prometheus/porto-alerts.yml" in argv, f"{where}: {command} (names no file to install)"
        argv[argv.index("--runbook-base-url") + 1] = "https://wiki.example.com/docs?page=1"  # refused: a query
        argv[argv.index("/etc/prometheus/porto-alerts.yml")] = str(installed)
        installed.write_text(good)
        line = " ".join(a if a == ">" else shlex.quote(a) for a in [sys.executable, *argv[1:]])  # > as written
        done = subprocess.run(["sh", "-c", line], cwd=ROOT, capture_output=True, text=True, timeout=60)
        assert done.returncode == 2 and "--runbook-base-url" in done.stderr, (where, done.stderr)
        assert installed.read_text() == good, f"{where}: {command} emptied the installed rules"
        check = subprocess.run(
            ["promtool", "check", "rules", str(installed)], capture_output=True, text=True, timeout=60
        )
        assert "SUCCESS: 17 rules found" in check.stdout, check.stdout + check.stderr
        assert "--out" in argv and ">" not in argv, f"{where}: {command}"


def load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("runbook_url", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_out_replaces_the_file_in_one_rename_keeping_its_mode(tmp_path: Path) -> None:
    """A new file renamed over the old (Prometheus reading it meanwhile sees either, whole), with the old one's
    mode (0640 for Prometheus' group stays 0640), and no temporary file left beside it."""
    installed = tmp_path / "porto-alerts.yml"
    installed.write_text("old rules\n")
    installed.chmod(0o640)
    inode = installed.stat().st_ino
    assert run_script("--runbook-base-url", BASE, "--out", str(installed)).returncode == 0
    assert installed.stat().st_ino != inode and installed.stat().st_mode & 0o777 == 0o640
    assert runbook_urls(installed.read_text())
    assert [p.name for p in tmp_path.iterdir()] == ["porto-alerts.yml"]
    fresh = tmp_path / "new.yml"  # none before: the mode a shell's > would give it, not mkstemp's 0600
    done = subprocess.run(
        [
            "sh",
            "-c",
            'umask 022 && exec "$@"',
            "sh",
            sys.executable,
            str(SCRIPT),
            "--runbook-base-url",
            BASE,
            "--out",
            str(fresh),
        ],
        capture_output=True,
        timeout=60,
    )
    assert done.returncode == 0 and fresh.stat().st_mode & 0o777 == 0o644, done.stderr


def test_a_write_that_fails_midway_leaves_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The disk filling up while the new rules are written (ENOSPC on the flush to disk): exit 2 naming the error,
    the old file as it was, no temporary file left."""
    installed = tmp_path / "porto-alerts.yml"
    installed.write_text("old rules\n")
    script = load_script()

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(script.os, "fsync", full)
    monkeypatch.setattr(script.Path, "write_text", lambda *a, **k: full(0))  # however the file is written
    assert script.main(["--runbook-base-url", BASE, "--out", str(installed)]) == 2
    assert installed.read_text() == "old rules\n"
    assert [p.name for p in tmp_path.iterdir()] == ["porto-alerts.yml"]


def test_a_base_naming_the_runbook_itself_is_taken_as_its_directory(tmp_path: Path) -> None:
    """Before: ``--runbook-base-url https://x/docs/runbook.md`` linked ``.../runbook.md/runbook.md#alert``."""
    out = tmp_path / "rules.yml"
    done = run_script("--runbook-base-url", f"{BASE}/runbook.md", "--out", str(out))
    assert done.returncode == 0 and f"using its directory {BASE}" in done.stderr, done.stderr
    urls = runbook_urls(out.read_text())
    assert urls and all(url == f"{BASE}/runbook.md#{alert.lower()}" for alert, url in urls.items()), urls
