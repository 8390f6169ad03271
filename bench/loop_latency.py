"""Is the exporter's event loop free while cycles run? /-/healthy and /metrics latency on big hosts.

    python bench/loop_latency.py                          # 10,000 and 50,000 containers, 5 cycles each
    python bench/loop_latency.py --sizes 10000,20000 --cycles 3
    python bench/loop_latency.py --exporter-path /tmp/main/exporter   # the same on another tree ("before")

For each size the portod simulator runs in its own process, and the exporter
(``python -m porto_exporter``, the real CLI) in another, collecting every ``--interval``
seconds with that as the cycle's deadline too (by default 1 s per 1,000 containers, at least
5 s: enough for a cold cycle on the 2-core VM; the exporter refuses a ``--scrape.timeout``
longer than ``--scrape.interval``, so the back-to-back cycles of the runs quoted below,
``--scrape.interval=1s --scrape.timeout=300s``, are no longer an option). Once it
is ready, two threads of this process poll it with keep-alive HTTP clients
every ~10 ms, one ``/-/healthy`` and one ``/metrics`` (gzip, as Prometheus asks),
for about ``--cycles`` cycles; the exporter's ``porto_exporter_cycles_total``
before and after says how many ran meanwhile. A request answered late means
the loop was busy: anything it does in one go (converting replies, decoding
one, a collection of the garbage collector) shows as latency.

Prints one line per size and a table; ``--json`` writes the raw results.

Measured on the 2-core VM (load 1-3 from other work), /-/healthy p99 / max:
main before issue 19 (332d25d) 57 / 707 ms at 10,000 containers, 28 / 1,314 ms
at 20,000, 16 / 3,459 ms at 50,000 (one freeze per cycle, the conversion);
with the conversion in slices 31-43 / 72-108 ms, 31 / 195 ms, 38-42 / 402-835 ms.
What is left at 50,000 is the render thread holding the GIL while the loop
waits to send (0.5 ms switch interval: max 158 ms) and full garbage
collections of 100-140 ms (with gc.freeze() after each cycle too: max 68 ms).
On main with both (2026-12-06, load 0.1-1.9): 10,000 containers 2.3 / 30.1 / 41.6 ms
(p50 / p99 / max, /-/healthy), 50,000 2.0 / 31.4 / 182.6 ms with 8 of 4,233 requests
over 100 ms: single C calls of the render thread on whole family bodies (join, encode)
hold the GIL for as long as they take at that size.
"""

from __future__ import annotations

import argparse
import gzip
import http.client
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PERIOD = 0.010  # seconds between the starts of two requests of one poller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def get(conn: http.client.HTTPConnection, path: str, gzipped: bool = False) -> tuple[int, bytes, float, float]:
    """(status, body, seconds to the headers, seconds to the whole body) of one GET."""
    headers = {"Accept-Encoding": "gzip" if gzipped else "identity"}
    started = time.perf_counter()
    conn.request("GET", path, headers=headers)
    resp = conn.getresponse()
    head = time.perf_counter() - started
    body = resp.read()
    return resp.status, body, head, time.perf_counter() - started


def self_metric(port: int, name: str) -> float:
    """One unlabelled sample of the exporter's own metrics (a whole /metrics read: outside the timed window)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    try:
        status, body, _, _ = get(conn, "/metrics", gzipped=True)
    finally:
        conn.close()
    text = gzip.decompress(body) if body[:2] == b"\x1f\x8b" else body
    found = re.search(rb"^" + name.encode() + rb" (\S+)$", text, re.MULTILINE)
    if status != 200 or found is None:
        raise RuntimeError(f"{name} not in /metrics (HTTP {status})")
    return float(found.group(1))


class Poller(threading.Thread):
    """GETs ``path`` every PERIOD seconds (or back to back when a request takes longer) until stopped."""

    def __init__(self, port: int, path: str, gzipped: bool, stop: threading.Event) -> None:
        super().__init__(daemon=True)
        self.port, self.path, self.gzipped, self.stop = port, path, gzipped, stop
        self.heads: list[float] = []
        self.totals: list[float] = []
        self.failures = 0

    def run(self) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        next_at = time.perf_counter()
        while not self.stop.is_set():
            try:
                status, _, head, total = get(conn, self.path, self.gzipped)
            except (OSError, http.client.HTTPException):
                self.failures += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
                continue
            if status != 200:
                self.failures += 1
            self.heads.append(head)
            self.totals.append(total)
            next_at = max(next_at + PERIOD, time.perf_counter())
            self.stop.wait(max(0.0, next_at - time.perf_counter()))
        conn.close()


def summary(times: list[float]) -> dict[str, float]:
    if not times:
        return {"n": 0}
    ordered = sorted(times)
    p99 = ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]
    return {
        "n": len(ordered),
        "p50": statistics.median(ordered),
        "p99": p99,
        "max": ordered[-1],
        "over_100ms": sum(t > 0.1 for t in ordered),
    }


def wait_ready(port: int, proc: subprocess.Popen[bytes], limit: float) -> None:
    """Until /-/ready answers 200 (the first cycle is done), or the exporter died / ``limit`` passed."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the exporter exited with {proc.returncode} before it was ready")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            try:
                if get(conn, "/-/ready")[0] == 200:
                    return
            finally:
                conn.close()
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the exporter was not ready within {limit:g}s")


def stop(procs: list[subprocess.Popen[bytes]]) -> None:
    """Each in turn, the last started first: the exporter is gone before the simulator goes."""
    for p in reversed(procs):
        if p.poll() is None:
            p.terminate()
        try:
            p.wait(timeout=60)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def measure(n: int, args: argparse.Namespace, log: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"containers": n, "load_before": os.getloadavg()[0]}
    with tempfile.TemporaryDirectory(prefix="pe-loop-") as tmp:
        sock = str(Path(tmp) / "portod.sock")
        sim_env = dict(os.environ, PYTHONPATH=str(ROOT / "exporter"))
        procs: list[subprocess.Popen[bytes]] = []
        try:
            sim = subprocess.Popen(
                [sys.executable, "-m", "porto_exporter.simulator", "--socket", sock, "--containers", str(n)],
                stdout=subprocess.PIPE,
                env=sim_env,
            )
            procs.append(sim)
            assert sim.stdout is not None
            if not sim.stdout.readline():
                raise RuntimeError("the simulator did not start")
            port = free_port()
            env = dict(os.environ, PYTHONPATH=str(Path(args.exporter_path).resolve()))
            interval = args.interval or max(5.0, n / 1000)  # the cycle's deadline too: no longer than the interval
            exporter = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "porto_exporter",
                    f"--porto.socket={sock}",
                    f"--web.listen-address=127.0.0.1:{port}",
                    f"--scrape.interval={interval:g}s",
                    f"--scrape.timeout={interval:g}s",
                    f"--porto.timeout={interval:g}s",
                    "--log.level=warn",
                ],
                env=env,
            )
            procs.append(exporter)
            started = time.monotonic()
            wait_ready(port, exporter, limit=900)
            out["ready_s"] = time.monotonic() - started
            cold = self_metric(port, "porto_exporter_cycle_duration_seconds")
            cycles0 = self_metric(port, "porto_exporter_cycles_total")
            window = max(10.0, args.cycles * interval)  # a cycle starts every interval
            log(f"  {n}: ready after {out['ready_s']:.0f}s (cold cycle {cold:.1f}s); polling for {window:.0f}s")
            halt = threading.Event()
            healthy = Poller(port, "/-/healthy", False, halt)
            metrics = Poller(port, "/metrics", True, halt)
            for p in (healthy, metrics):
                p.start()
            time.sleep(window)
            halt.set()
            for p in (healthy, metrics):
                p.join()
            out["cycles"] = int(self_metric(port, "porto_exporter_cycles_total") - cycles0)
            out["cycle_s"] = self_metric(port, "porto_exporter_cycle_duration_seconds")
            out["window_s"] = window
            out["healthy"] = summary(healthy.totals)
            out["metrics"] = summary(metrics.totals)
            out["metrics_head"] = summary(metrics.heads)
            out["failures"] = healthy.failures + metrics.failures
            out["load_after"] = os.getloadavg()[0]
            if exporter.poll() is not None:
                raise RuntimeError(f"the exporter exited with {exporter.returncode} while measured")
        finally:
            stop(procs)
    h, m = out["healthy"], out["metrics"]
    log(
        f"  {n}: {out['cycles']} cycles; /-/healthy p50 {ms(h['p50'])} p99 {ms(h['p99'])} max {ms(h['max'])} ms; "
        f"/metrics p50 {ms(m['p50'])} p99 {ms(m['p99'])} max {ms(m['max'])} ms"
    )
    return out


def ms(seconds: float) -> str:
    return f"{seconds * 1e3:.1f}"


def table(results: list[dict[str, Any]]) -> str:
    lines = [
        "| containers | cycles polled (last cycle s) | /-/healthy p50 / p99 / max (ms) | "
        "/metrics gzip p50 / p99 / max (ms) | /metrics headers max (ms) | requests > 100 ms | load avg |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        h, m, head = r["healthy"], r["metrics"], r["metrics_head"]
        lines.append(
            f"| {r['containers']:,} | {r['cycles']} ({r['cycle_s']:.1f}) "
            f"| {ms(h['p50'])} / {ms(h['p99'])} / {ms(h['max'])} "
            f"| {ms(m['p50'])} / {ms(m['p99'])} / {ms(m['max'])} | {ms(head['max'])} "
            f"| {h['over_100ms']} of {h['n']} / {m['over_100ms']} of {m['n']} "
            f"| {r['load_before']:.1f} -> {r['load_after']:.1f} |"
        )
    return "\n".join(lines)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sizes", default="10000,50000", help="bulk containers per run, comma separated")
    p.add_argument("--cycles", type=int, default=5, help="about how many cycles to poll through per size")
    p.add_argument(
        "--interval",
        type=float,
        help="seconds between cycles and each one's deadline (default: 1 per 1,000 containers, at least 5)",
    )
    p.add_argument(
        "--exporter-path",
        default=str(ROOT / "exporter"),
        help="the directory holding the porto_exporter package the exporter process runs",
    )
    p.add_argument("--json", metavar="PATH", help="write the raw results there")
    args = p.parse_args()

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    log(f"exporter code: {Path(args.exporter_path).resolve()}")
    results = []
    for n in (int(s) for s in args.sizes.split(",")):
        log(f"{n} containers ...")
        results.append(measure(n, args, log))
    print(table(results))
    if args.json:
        Path(args.json).write_text(
            json.dumps({"exporter_path": str(Path(args.exporter_path).resolve()), "results": results}, indent=1)
        )


if __name__ == "__main__":
    main()
