"""The deploy kit beside the systemd unit: container image, Porto script, Kubernetes manifests,
service-discovery jobs and recording rules, each checked for what would break a deployment."""

from __future__ import annotations

import asyncio
import os
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Callable
from pathlib import Path

import aiohttp
import pytest
import yaml
from prometheus_client.parser import text_string_to_metric_families

from porto_exporter.config import load
from porto_exporter.simulator import Simulator, build_host

from .conftest import free_port

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


def podman_run_mounts() -> list[tuple[str, str, str]]:
    """(host path, container path, options) of each -v in the Containerfile's `podman run` example."""
    comments = "\n".join(
        line.lstrip("#")
        for line in (DEPLOY / "container" / "Containerfile").read_text().splitlines()
        if line.startswith("#")
    )
    run = re.search(r"podman run (.*)", re.sub(r"\\\n\s*", " ", comments))
    assert run, "the Containerfile shows no podman run"
    argv = shlex.split(run.group(1))
    return [_mount(argv[i + 1]) for i, a in enumerate(argv) if a == "-v"]


def _mount(spec: str) -> tuple[str, str, str]:
    """``host:container[:options]``."""
    host, _, rest = spec.partition(":")
    path, _, options = rest.partition(":")
    return host, path, options


def host_file(path: str, mounts: list[tuple[str, str]]) -> str | None:
    """The host's path that ``path`` inside the container is, through (host, container) directory mounts."""
    for host, inside in mounts:
        if path.startswith(inside.rstrip("/") + "/"):
            return host.rstrip("/") + path[len(inside.rstrip("/")) :]
    return None


def test_the_image_reaches_both_portod_sockets_through_a_read_only_run() -> None:
    """Before: the example mounted /run/portod.socket only, so the portod_metrics collector, the dashboard's
    portod-queues row and PortodRequestQueueSlow had nothing. The host's /run, read-only: both sockets, by the
    image's default flags (the metrics socket follows --porto.socket), and none mounted as a file."""
    mounts = podman_run_mounts()
    assert mounts and all(opts == "ro" for _, _, opts in mounts), mounts
    cmd = yaml.safe_load([a for w, a in instructions(DEPLOY / "container" / "Containerfile") if w == "CMD"][-1])
    cfg = load(cmd, environ={})
    pairs = [(host, inside) for host, inside, _ in mounts]
    assert host_file(cfg.socket, pairs) == "/run/portod.socket"
    assert host_file(cfg.metrics_socket, pairs) == "/run/portod_metrics.socket"
    assert all(not host.endswith(".socket") for host, _ in pairs)  # a file mount pins the old socket


def test_porto_script_runs_read_only_with_limits_and_respawn() -> None:
    script = (DEPLOY / "porto" / "porto-exporter.sh").read_text()
    props = dict(re.findall(r'portoctl set "\$NAME" (\w+) (\S+)', script))
    assert props["enable_porto"] == "read-only" and props["respawn"] == "true"
    assert props["cpu_limit"] == "1c"  # memory_limit and the CPU comment: tests/test_docs_sizing.py
    assert props["user"] == '"$EXPORTER_USER"' and props["group"] == '"$EXPORTER_GROUP"'
    assert "--porto.socket=/run/portod.socket" in script
    check = subprocess.run(["sh", "-n", str(DEPLOY / "porto" / "porto-exporter.sh")], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr


class PortoScript:
    """deploy/porto/porto-exporter.sh under dash (Debian's /bin/sh) with PATH holding only stand-ins: a portoctl
    that records each call and changes nothing, a getent that knows the accounts given, a porto-exporter."""

    def __init__(self, tmp: Path) -> None:
        dash = shutil.which("dash")
        assert dash, "dash (Debian's /bin/sh) is not installed"
        self.dash, self.calls, self.stubs = dash, tmp / "portoctl.calls", tmp / "bin"
        self.stubs.mkdir()
        self.accounts = tmp / "accounts"
        self.accounts.write_text(
            "passwd porto-exporter:x:999:998::/nonexistent:/usr/sbin/nologin\ngroup porto:x:998:\n"
        )
        self.stub("portoctl", f'echo "$*" >>{self.calls}\n')
        self.stub("getent", f'grep "^$1 $2:" {self.accounts} | cut -d" " -f2- | grep . || exit 2\n')
        self.exporter = self.stub("porto-exporter", "")

    def stub(self, name: str, body: str) -> Path:
        path = self.stubs / name
        path.write_text(f"#!/bin/sh\nPATH=/usr/bin:/bin\n{body}")
        path.chmod(0o755)
        return path

    def run(self, **env: str) -> subprocess.CompletedProcess[str]:
        script = str(DEPLOY / "porto" / "porto-exporter.sh")
        return subprocess.run(
            [self.dash, script], env={"PATH": str(self.stubs), **env}, capture_output=True, text=True, timeout=60
        )

    def portoctl_calls(self) -> list[str]:
        return self.calls.read_text().splitlines() if self.calls.exists() else []


def test_porto_script_without_a_binary_says_what_to_install_under_dash(tmp_path: Path) -> None:
    """With no porto-exporter on PATH, or a BIN that is not one, it stops before any portoctl with a message naming
    the package and the venv path (it used to exit 127, silently); with one, that binary is the container's
    command, run as the package's user in group porto."""
    sh = PortoScript(tmp_path)
    sh.exporter.unlink()
    for env in ({}, {"BIN": str(tmp_path / "missing")}):
        done = sh.run(**env)
        assert done.returncode == 1, (env, done.returncode, done.stderr)
        assert "dpkg -i" in done.stderr and "BIN=/opt/porto-exporter/bin/porto-exporter" in done.stderr, done.stderr
        assert ("not on PATH" if not env else f"BIN={env['BIN']} is not an executable file") in done.stderr
        assert sh.portoctl_calls() == []
    sh.exporter = sh.stub("porto-exporter", "")
    done = sh.run()
    assert done.returncode == 0, done.stderr
    calls = sh.portoctl_calls()
    assert (
        f"set porto-exporter command {sh.exporter} --porto.socket=/run/portod.socket "
        "--web.listen-address=:10091" in calls
    )
    assert "set porto-exporter user porto-exporter" in calls and "set porto-exporter group porto" in calls


def test_porto_script_without_portoctl_says_so_in_one_line_first(tmp_path: Path) -> None:
    """Before: it went on to `portoctl destroy` and died of "portoctl: not found" (127 under dash). Now that is
    the one line it prints, before any other check (a bad PORT too)."""
    sh = PortoScript(tmp_path)
    (sh.stubs / "portoctl").unlink()
    for env in ({}, {"PORT": "x", "BIN": "/etc"}):
        done = sh.run(**env)
        assert done.returncode == 1 and done.stderr.count("\n") == 1, done.stderr
        assert done.stderr.startswith("porto-exporter.sh: portoctl is not on PATH"), done.stderr


@pytest.mark.parametrize(
    ("env", "said"),
    [
        ({"BIN": "/etc"}, "BIN=/etc is not an executable file"),  # before: a directory passed -x, respawning forever
        ({"BIN": "{dir}/my tools/porto-exporter"}, "has whitespace, where portod would split the container's command"),
        ({"BIN": "{dir}/$HOME/porto-exporter"}, "has characters portod would expand"),
        ({"PORT": "http"}, "PORT=http is not a port number (1-65535)"),
        ({"PORT": "0"}, "PORT=0 is not a port number"),
        ({"PORT": "65536"}, "PORT=65536 is not a port number"),
        ({"PORT": "08080"}, "PORT=08080 is not a port number"),
        ({"PORT": "123456789012345678901"}, "not a port number"),
        ({"EXPORTER_USER": "prometheus"}, "no user prometheus or no group porto to run the exporter as"),
        ({"EXPORTER_USER": "root"}, "EXPORTER_USER=root is root"),
    ],
)
def test_porto_script_refuses_what_would_not_run_before_any_portoctl(
    tmp_path: Path, env: dict[str, str], said: str
) -> None:
    sh = PortoScript(tmp_path)
    with sh.accounts.open("a") as f:
        f.write("passwd root:x:0:0:root:/root:/bin/sh\n")
    env = {k: v.replace("{dir}", str(tmp_path)) for k, v in env.items()}
    if "BIN" in env and not env["BIN"].startswith("/etc"):  # a real executable file, only its path is wrong
        Path(env["BIN"]).parent.mkdir(parents=True)
        shutil.copy(sh.exporter, env["BIN"])
    done = sh.run(**env)
    assert done.returncode == 1 and said in done.stderr, done.stderr
    assert sh.portoctl_calls() == []
    if "EXPORTER_USER" in env and env["EXPORTER_USER"] != "root":  # how to make the user, in the message
        assert "useradd --system --gid porto" in done.stderr and "dpkg -i" in done.stderr


@pytest.mark.parametrize("port", ["1", "9100", "65535"])
def test_porto_script_takes_a_port(tmp_path: Path, port: str) -> None:
    sh = PortoScript(tmp_path)
    done = sh.run(PORT=port)
    assert done.returncode == 0, done.stderr
    assert any(c.endswith(f"--web.listen-address=:{port}") for c in sh.portoctl_calls())


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
    assert container["ports"][0]["containerPort"] == DEFAULT_PORT
    load(container["args"])  # every argument is a real flag
    labels = kinds["DaemonSet"]["spec"]["template"]["metadata"]["labels"]
    assert kinds["Service"]["spec"]["selector"] == labels
    assert kinds["PodMonitor"]["spec"]["selector"]["matchLabels"] == labels
    assert kinds["PodMonitor"]["spec"]["podMetricsEndpoints"][0]["port"] == container["ports"][0]["name"]


def daemonset_host_mounts() -> tuple[list[str], list[tuple[str, str]]]:
    """The DaemonSet's args, and (host path, mount path) of each hostPath it mounts, checked as they must be for
    nodes with and without portod's metrics socket: directories (type Socket fails the pod where the file is
    missing, no type may make a directory of it), read-only."""
    doc = next(
        d
        for d in yaml.safe_load_all((DEPLOY / "kubernetes" / "daemonset.yaml").read_text())
        if d["kind"] == "DaemonSet"
    )
    pod = doc["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    volumes = {v["name"]: v for v in pod["volumes"]}
    pairs = []
    for mount in container["volumeMounts"]:
        host = volumes[mount["name"]].get("hostPath")
        if host is not None:
            assert host.get("type") == "Directory" and mount.get("readOnly") is True, (host, mount)
            pairs.append((host["path"], mount["mountPath"]))
    return container["args"], pairs


def test_the_daemonset_reaches_both_portod_sockets_through_a_read_only_run() -> None:
    """Before: only /run/portod.socket was mounted (hostPath type Socket): the portod_metrics collector, the
    dashboard's portod-queues row and PortodRequestQueueSlow had nothing under Kubernetes."""
    args, pairs = daemonset_host_mounts()
    cfg = load(args, environ={})
    assert host_file(cfg.socket, pairs) == "/run/portod.socket"
    assert host_file(cfg.metrics_socket, pairs) == "/run/portod_metrics.socket"


async def test_the_daemonsets_mount_serves_both_sockets_and_a_restarted_portod(
    socket_dir: Path, tmp_path: Path, procs: list[asyncio.subprocess.Process]
) -> None:
    """The DaemonSet's mount as the runtime makes it: the simulator's directory (the node's /run, both sockets)
    bind-mounted read-only in a mount namespace of the exporter's own, which runs with the DaemonSet's args. It
    reads both sockets through it, and after portod restarts (new socket files) reads the new ones: a mount of
    the socket file would still show the old one (connection refused)."""
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        pytest.skip("a mount namespace needs root and unshare (CI runs as root)")
    args, pairs = daemonset_host_mounts()
    ((_, inside),) = [p for p in pairs if p[0] == "/run"]
    mountpoint = tmp_path / "mnt"
    mountpoint.mkdir()
    args = [a.replace(inside, str(mountpoint)) for a in args]
    port = free_port()

    def start(containers: int) -> Simulator:
        return Simulator(
            build_host(seed=3, containers=containers),
            str(socket_dir / "portod.socket"),
            metrics_socket=str(socket_dir / "portod_metrics.socket"),
        )

    sim = start(3)
    await sim.start()
    try:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PORTO_EXPORTER_")}
        proc = await asyncio.create_subprocess_exec(
            "unshare",
            "-m",
            "sh",
            "-c",
            'mount --make-rprivate / && mount --bind -o ro "$1" "$2" && shift 2 && exec "$@"',
            "sh",
            str(socket_dir),
            str(mountpoint),
            sys.executable,
            "-m",
            "porto_exporter",
            *args,
            f"--web.listen-address=127.0.0.1:{port}",
            "--scrape.interval=1s",
            "--scrape.timeout=1s",
            env=env,
            stderr=asyncio.subprocess.DEVNULL,
        )
        procs.append(proc)
        url = f"http://127.0.0.1:{port}/metrics"
        first = await poll_metrics(url, proc, lambda s: s.get("porto_up") == 1 and "porto_daemon_requests_total" in s)
        assert first["portod_metrics"] == 1, first
        await sim.stop()
        sim = start(7)  # portod restarted: new socket files in the same directory, more containers
        await sim.start()
        again = await poll_metrics(
            url,
            proc,
            lambda s: (
                s.get("containers", 0) > first["containers"] and s.get("porto_up") == 1 and s.get("portod_metrics") == 1
            ),
        )
        assert "porto_daemon_requests_total" in again
    finally:
        await sim.stop()


async def poll_metrics(
    url: str, proc: asyncio.subprocess.Process, done: Callable[[dict[str, float]], bool]
) -> dict[str, float]:
    """Scrape ``url`` until ``done`` holds for the summary: porto_up, the portod_metrics collector's success, the
    number of containers exported, and which series names are there (name -> 1)."""
    summary: dict[str, float] = {}
    async with aiohttp.ClientSession() as session:
        for _ in range(300):
            if proc.returncode is not None:
                raise AssertionError(f"the exporter exited with {proc.returncode}")
            try:
                async with session.get(url) as r:
                    text = await r.text()
            except aiohttp.ClientError:
                await asyncio.sleep(0.1)
                continue
            summary = {}
            for family in text_string_to_metric_families(text):
                for sample in family.samples:
                    summary[sample.name] = 1
                    if sample.name == "porto_up":
                        summary["porto_up"] = sample.value
                    elif sample.name == "porto_exporter_collector_success" and (
                        sample.labels.get("collector") == "portod_metrics"
                    ):
                        summary["portod_metrics"] = sample.value
                    elif sample.name == "porto_container_info":
                        summary["containers"] = summary.get("containers", 0) + 1
            if done(summary):
                return summary
            await asyncio.sleep(0.1)
    raise AssertionError(f"{url}: not there within 30 s: {summary}")


def test_scrape_jobs_are_valid_and_keep_the_same_intervals() -> None:
    for name in ("scrape-porto.yml", "scrape-porto-file-sd.yml"):  # Debian's promtool knows these SDs
        check = subprocess.run(["promtool", "check", "config", str(PROM / name)], capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr
    for name in ("scrape-porto-consul.yml", "scrape-porto-kubernetes.yml"):  # built without them: YAML only
        (job,) = yaml.safe_load((PROM / name).read_text())["scrape_configs"]
        assert job["scrape_interval"] == "15s" and job["sample_limit"] > 0
        assert any(r.get("target_label") == "instance" for r in job["relabel_configs"])


def test_recording_rules_pass_promtool_and_their_unit_tests() -> None:
    check = subprocess.run(
        ["promtool", "check", "rules", str(PROM / "porto-rules.yml")], capture_output=True, text=True
    )
    assert check.returncode == 0 and "SUCCESS: 17 rules found" in check.stdout, check.stdout + check.stderr
    names = [r["record"] for g in yaml.safe_load((PROM / "porto-rules.yml").read_text())["groups"] for r in g["rules"]]
    assert all(re.fullmatch(r"[a-z_]+:porto_[a-z_]+:[a-z0-9_]+", n) for n in names), names  # level:metric:ops
    tests = (ROOT / "tests" / "rules" / "porto-rules.test.yml").read_text()
    assert all(n in tests for n in names)  # every rule has an expected value in the unit test
    unit = subprocess.run(
        ["promtool", "test", "rules", "porto-rules.test.yml"],
        cwd=ROOT / "tests" / "rules",
        capture_output=True,
        text=True,
    )
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
