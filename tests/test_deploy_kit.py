"""The deploy kit beside the systemd unit: container image, Porto script, Kubernetes manifests,
service-discovery jobs and recording rules, each checked for what would break a deployment."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import tomllib
from pathlib import Path

import yaml

from porto_exporter.config import load

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
PROM = DEPLOY / "prometheus"
DEFAULT_PORT = load([]).listen[0][1]


def instructions(path: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of a Containerfile, continuation lines joined, comments dropped."""
    text = re.sub(r"\\\n\s*", " ", path.read_text())
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            out.append((word.upper(), rest.strip()))
    return out


def test_containerfile_copies_what_exists_runs_the_script_as_non_root_on_the_default_port() -> None:
    steps = instructions(DEPLOY / "container" / "Containerfile")
    stages = [args for word, args in steps if word == "FROM"]
    assert len(stages) == 2 and all("python:3.11-slim" in s for s in stages)  # multi-stage, slim base
    build = (DEPLOY / "debian" / "build").read_text()
    for word, args in steps:
        if word == "COPY" and "--from=" not in args:
            *sources, _dest = shlex.split(args)
            # the wheels deploy/debian/build writes (the Debian package's), nothing else from the checkout
            assert sources == ["dist/wheels"] and 'mkdir -p "$dist/wheels"' in build, args
    runs = " ".join(args for word, args in steps if word == "RUN")
    assert "pip install" in runs and "--no-index --find-links /wheels porto-exporter" in runs
    assert "pip wheel" not in runs  # the image builds no wheel of its own: one wheel for the image and the package
    user = [args for word, args in steps if word == "USER"][-1]
    assert user.split(":")[0] not in ("root", "0")
    assert [args for word, args in steps if word == "EXPOSE"] == [str(DEFAULT_PORT)]
    entry = [args for word, args in steps if word == "ENTRYPOINT"][-1]
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert yaml.safe_load(entry) == ["porto-exporter"] and "porto-exporter" in scripts
    health = [args for word, args in steps if word == "HEALTHCHECK"][-1]
    assert f"127.0.0.1:{DEFAULT_PORT}/-/healthy" in health
    cmd = yaml.safe_load([args for word, args in steps if word == "CMD"][-1])
    load(cmd)  # the default arguments are valid flags


def test_porto_script_runs_read_only_with_limits_and_respawn() -> None:
    script = (DEPLOY / "porto" / "porto-exporter.sh").read_text()
    props = dict(re.findall(r'portoctl set "\$NAME" (\w+) (\S+)', script))
    assert props["enable_porto"] == "read-only" and props["respawn"] == "true"
    assert props["cpu_limit"] == "1c"  # memory_limit: tests/test_docs_sizing.py holds it to the sizing
    assert "--porto.socket=/run/portod.socket" in script
    check = subprocess.run(["sh", "-n", str(DEPLOY / "porto" / "porto-exporter.sh")], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr


def test_porto_script_without_a_binary_says_what_to_install_under_dash(tmp_path: Path) -> None:
    """Under dash (Debian's /bin/sh): with no porto-exporter on PATH, or a BIN that is not one, it stops before any
    portoctl with a message naming the package and the venv path (it used to exit 127, silently); with one, that
    binary is the container's command."""
    dash = shutil.which("dash")
    assert dash, "dash (Debian's /bin/sh) is not installed"
    calls = tmp_path / "portoctl.calls"
    stubs = tmp_path / "bin"
    stubs.mkdir()
    portoctl = stubs / "portoctl"  # stands in for Porto's: records each call, changes nothing
    portoctl.write_text(f'#!/bin/sh\necho "$*" >>{calls}\n')
    portoctl.chmod(0o755)
    script = str(DEPLOY / "porto" / "porto-exporter.sh")
    for env in ({}, {"BIN": str(tmp_path / "missing")}):
        done = subprocess.run([dash, script], env={"PATH": str(stubs), **env}, capture_output=True, text=True)
        assert done.returncode == 1, (env, done.returncode, done.stderr)
        assert "dpkg -i" in done.stderr and "BIN=/opt/porto-exporter/bin/porto-exporter" in done.stderr, done.stderr
        assert ("not on PATH" if not env else f"BIN={env['BIN']} is not an executable file") in done.stderr
        assert not calls.exists()
    exporter = stubs / "porto-exporter"
    exporter.write_text("#!/bin/sh\n")
    exporter.chmod(0o755)
    done = subprocess.run([dash, script], env={"PATH": str(stubs)}, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert f"set porto-exporter command {exporter} --porto.socket=" in calls.read_text()


def test_kubernetes_daemonset_service_and_podmonitor() -> None:
    docs = [d for f in sorted((DEPLOY / "kubernetes").glob("*.yaml")) for d in yaml.safe_load_all(f.read_text())]
    kinds = {d["kind"]: d for d in docs}
    assert {"DaemonSet", "Service", "PodMonitor"} <= kinds.keys()
    pod = kinds["DaemonSet"]["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert container["livenessProbe"]["httpGet"]["path"] == "/-/healthy"
    assert container["readinessProbe"]["httpGet"]["path"] == "/-/ready"
    assert container["resources"]["limits"]["memory"] and container["resources"]["requests"]["cpu"]
    (socket,) = [v for v in pod["volumes"] if v["name"] == "portod-socket"]
    assert socket["hostPath"] == {"path": "/run/portod.socket", "type": "Socket"}
    assert container["ports"][0]["containerPort"] == DEFAULT_PORT
    load(container["args"])  # every argument is a real flag
    labels = kinds["DaemonSet"]["spec"]["template"]["metadata"]["labels"]
    assert kinds["Service"]["spec"]["selector"] == labels
    assert kinds["PodMonitor"]["spec"]["selector"]["matchLabels"] == labels
    assert kinds["PodMonitor"]["spec"]["podMetricsEndpoints"][0]["port"] == container["ports"][0]["name"]


def test_scrape_jobs_are_valid_and_keep_the_same_intervals() -> None:
    for name in ("scrape-porto.yml", "scrape-porto-file-sd.yml"):  # Debian's promtool knows these SDs
        check = subprocess.run(["promtool", "check", "config", str(PROM / name)], capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr
    for name in ("scrape-porto-consul.yml", "scrape-porto-kubernetes.yml"):  # built without them: YAML only
        (job,) = yaml.safe_load((PROM / name).read_text())["scrape_configs"]
        assert job["scrape_interval"] == "15s" and job["sample_limit"] > 0
        assert any(r.get("target_label") == "instance" for r in job["relabel_configs"])


def test_recording_rules_pass_promtool_and_their_unit_tests() -> None:
    check = subprocess.run(["promtool", "check", "rules", str(PROM / "porto-rules.yml")], capture_output=True,
                           text=True)  # fmt: skip
    assert check.returncode == 0 and "SUCCESS: 17 rules found" in check.stdout, check.stdout + check.stderr
    names = [r["record"] for g in yaml.safe_load((PROM / "porto-rules.yml").read_text())["groups"] for r in g["rules"]]
    assert all(re.fullmatch(r"[a-z_]+:porto_[a-z_]+:[a-z0-9_]+", n) for n in names), names  # level:metric:ops
    tests = (ROOT / "tests" / "rules" / "porto-rules.test.yml").read_text()
    assert all(n in tests for n in names)  # every rule has an expected value in the unit test
    unit = subprocess.run(["promtool", "test", "rules", "porto-rules.test.yml"], cwd=ROOT / "tests" / "rules",
                          capture_output=True, text=True)  # fmt: skip
    assert unit.returncode == 0, unit.stdout + unit.stderr


def test_every_alert_has_summary_description_and_a_runbook_section() -> None:
    rules = yaml.safe_load((PROM / "porto-alerts.yml").read_text())
    runbook = (ROOT / "docs" / "runbook.md").read_text()
    anchors = {h[3:].strip().lower() for h in runbook.splitlines() if h.startswith("## ")}
    alerts = [r for g in rules["groups"] for r in g["rules"] if "alert" in r]
    assert len(alerts) >= 10
    for rule in alerts:
        notes = rule["annotations"]
        assert notes["summary"] and notes["description"], rule["alert"]
        url = notes["runbook_url"]
        assert url.endswith(f"/runbook.md#{rule['alert'].lower()}"), url
        assert rule["alert"].lower() in anchors, f"docs/runbook.md has no section {rule['alert']}"
