"""Web front benchmark: /metrics over TLS + basic auth against plain HTTP, and the landing page's load time.

    python bench/web.py [--containers 1000] [--page-containers 10000] [--requests 200] [--screenshot PATH]

The exporter runs as a real process (``porto-exporter`` on a simulator process);
requests come from this process one at a time over a kept-alive connection
(the way Prometheus scrapes). The landing page is loaded in headless Chromium:
time from navigation until the container table shows its first rows. The results
replace the "web" part of bench/results.json, and bench/report.py regenerates docs/performance.md.
"""

from __future__ import annotations

import argparse
import base64
import json
import shutil
import socket
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import bcrypt
import report
import trustme
from common import ROOT, machine

USER, PASSWORD = "prometheus", "benchmark"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(tmp: Path, containers: int, *extra: str) -> tuple[list[subprocess.Popen[bytes]], int]:
    sock = str(tmp / f"portod-{containers}.sock")
    sim = subprocess.Popen(
        [sys.executable, "-m", "porto_exporter.simulator", "--socket", sock, "--containers", str(containers)],
        stdout=subprocess.PIPE,
    )
    assert sim.stdout is not None
    sim.stdout.readline()
    port = free_port()
    exporter = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "porto_exporter",
            f"--porto.socket={sock}",
            f"--web.listen-address=127.0.0.1:{port}",
            "--scrape.interval=5s",
            *extra,
        ],
        stderr=subprocess.DEVNULL,
    )
    for _ in range(600):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            time.sleep(0.1)
    return [exporter, sim], port


def stop(procs: list[subprocess.Popen[bytes]]) -> None:
    for p in procs:
        p.terminate()
        p.wait()


def latencies(port: int, requests: int, ctx: ssl.SSLContext | None, auth: bool) -> list[float]:
    import http.client

    conn: http.client.HTTPConnection = (
        http.client.HTTPSConnection("127.0.0.1", port, context=ctx)
        if ctx
        else http.client.HTTPConnection("127.0.0.1", port)
    )
    headers = {"Accept-Encoding": "gzip"}
    if auth:
        headers["Authorization"] = "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
    out = []
    for _ in range(requests + 5):
        t = time.perf_counter()
        conn.request("GET", "/metrics", headers=headers)
        r = conn.getresponse()
        r.read()
        assert r.status == 200, r.status
        out.append(time.perf_counter() - t)
    conn.close()
    return out[5:]  # the first ones pay the handshake and the first bcrypt check


def page_load(port: int, screenshot: str | None, runs: int = 5) -> list[float]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "chromium"
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1400,1000",
    ):
        options.add_argument(arg)
    driver = webdriver.Chrome(options=options, service=Service(shutil.which("chromedriver") or "chromedriver"))
    times = []
    try:
        for _ in range(runs):
            t = time.perf_counter()
            driver.get(f"http://127.0.0.1:{port}/")
            while not driver.find_elements(By.CSS_SELECTOR, "#containers tbody tr"):
                time.sleep(0.005)
            times.append(time.perf_counter() - t)
        if screenshot:
            time.sleep(6)  # a refresh later: CPU rates filled in
            driver.save_screenshot(screenshot)
    finally:
        driver.quit()
    return times


def ms(xs: list[float]) -> float:
    """The median, in milliseconds."""
    return statistics.median(xs) * 1000


def p99(xs: list[float]) -> float:
    """The 99th percentile, in milliseconds."""
    return sorted(xs)[max(0, int(len(xs) * 0.99) - 1)] * 1000


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--containers", type=int, default=1000)
    p.add_argument("--page-containers", type=int, default=10_000)
    p.add_argument("--requests", type=int, default=200)
    p.add_argument("--screenshot", default=str(ROOT / "docs" / "landing.png"))
    p.add_argument(
        "--out",
        default=str(report.RESULTS),
        help="results file (its 'web' part is replaced, then the docs regenerated); '' to only print",
    )
    args = p.parse_args()
    result: dict[str, Any] = {"containers": args.containers, "page_containers": args.page_containers}
    with tempfile.TemporaryDirectory(prefix="pe-web-") as d:
        tmp = Path(d)
        ca = trustme.CA()
        cert = ca.issue_cert("127.0.0.1")
        cert.cert_chain_pems[0].write_to_path(str(tmp / "server.pem"))
        cert.private_key_pem.write_to_path(str(tmp / "server.key"))
        hashed = bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(rounds=10)).decode()
        (tmp / "web.yml").write_text(
            json.dumps(
                {
                    "tls_server_config": {"cert_file": str(tmp / "server.pem"), "key_file": str(tmp / "server.key")},
                    "basic_auth_users": {USER: hashed},
                }
            )
        )
        client = ssl.create_default_context()
        ca.configure_trust(client)
        procs, port = start(tmp, args.containers)
        time.sleep(8)
        result["plain"] = latencies(port, args.requests, None, False)
        stop(procs)
        procs, port = start(tmp, args.containers, f"--web.config.file={tmp / 'web.yml'}")
        time.sleep(8)
        result["tls_auth"] = latencies(port, args.requests, client, True)
        stop(procs)
        procs, port = start(tmp, args.page_containers)
        for _ in range(600):  # until the first cycle is served
            try:
                with socket.create_connection(("127.0.0.1", port)) as s:
                    s.sendall(b"GET /-/ready HTTP/1.0\r\n\r\n")
                    if b" 200 " in s.recv(100):
                        break
            except OSError:
                pass
            time.sleep(0.2)
        time.sleep(6)
        result["page"] = page_load(port, args.screenshot)
        stop(procs)
    summary = {
        "command": " ".join(["python bench/web.py", *sys.argv[1:]]),
        "date": time.strftime("%Y-%m-%d"),
        "machine": machine(),
        "containers": args.containers,
        "page_containers": args.page_containers,
        "plain_ms": {"p50": ms(result["plain"]), "p99": p99(result["plain"])},
        "tls_auth_ms": {"p50": ms(result["tls_auth"]), "p99": p99(result["tls_auth"])},
        "page_ms": {"p50": ms(result["page"]), "max": max(result["page"]) * 1000, "loads": len(result["page"])},
    }
    print(report.web(summary))
    if args.out:
        report.store("web", summary, Path(args.out))


if __name__ == "__main__":
    main()
