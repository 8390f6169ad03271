"""docs/performance.md and the README's Sizing, generated from the benchmark results file.

    python bench/report.py            # rewrite both from bench/results.json (nothing is measured)
    python bench/report.py --check    # exit 1, naming the file, when either differs from what it gives

``bench/run.py`` (the simulator benchmark), ``bench/events.py`` and ``bench/web.py`` measure, store their
part of ``bench/results.json`` and call ``write()``; the "Real portod" section is ``bench/real.py``'s,
from ``bench/real-results.json``. The prose around the numbers is ``bench/performance.md.in``; the
sizing is ``bench/sizing.py``'s. tests/test_docs_sizing.py regenerates both files and compares.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results.json"
DOC = ROOT / "docs" / "performance.md"
README = ROOT / "README.md"
MIB = 1 << 20

sys.path.insert(0, str(HERE))  # the sibling modules, when imported from elsewhere (tests)
import sizing  # noqa: E402


def ms(x: float) -> str:
    return f"{x * 1e3:.1f}"


def table(results: list[dict[str, Any]]) -> str:
    """Every measured number of the simulator benchmark, a column per host size."""
    rows = [
        ("cold (first) cycle: modelled portod time (s)", lambda r: f"{r['cold_portod_s']:.3f}"),
        ("cold cycle: exporter CPU (s)", lambda r: f"{r['cold_cpu']:.3f}"),
        ("cold cycle: RSS after it (MiB)", lambda r: f"{r['cold_rss'] / MIB:.0f}"),
        (
            "cold cycle: /metrics p50 plain / gzip (ms)",
            lambda r: f"{ms(r['cold_plain_p50'])} / {ms(r['cold_gzip_p50'])}",
        ),
        ("warm cycle: modelled portod time (s)", lambda r: f"{r['tiers_portod_s']:.3f}"),
        ("  cold / warm portod time", lambda r: f"{r['cold_portod_s'] / r['tiers_portod_s']:.2f}"),
        ("warm cycle: exporter CPU (s)", lambda r: f"{r['cpu']:.3f}"),
        ("  portod wait (wall s)", lambda r: f"{r['phases']['portod_wait']:.3f}"),
        ("  decode (CPU s)", lambda r: f"{r['phases']['decode']:.3f}"),
        ("  convert (CPU s)", lambda r: f"{r['phases']['convert']:.3f}"),
        ("  render + gzip (CPU s)", lambda r: f"{r['phases']['render']:.3f}"),
        ("CPU per container (µs)", lambda r: f"{r['cpu'] / r['containers'] * 1e6:.0f}"),
        ("samples per cycle", lambda r: f"{r['samples']:,}"),
        ("exposition size plain / gzip (MB)", lambda r: f"{r['text_bytes'] / 1e6:.2f} / {r['gzip_bytes'] / 1e6:.2f}"),
        ("modelled portod time per cycle, every property (s)", lambda r: f"{r['all_portod_s']:.3f}"),
        ("  tiers / every property", lambda r: f"{r['tiers_portod_s'] / r['all_portod_s']:.2f}"),
        ("/metrics p50 / p99, sequential, plain (ms)", lambda r: f"{ms(r['seq_plain'][0])} / {ms(r['seq_plain'][1])}"),
        ("/metrics p50 / p99, sequential, gzip (ms)", lambda r: f"{ms(r['seq_gzip'][0])} / {ms(r['seq_gzip'][1])}"),
        (
            "/metrics p50 / p99, 20 concurrent, plain (ms)",
            lambda r: f"{ms(r['conc_plain'][0])} / {ms(r['conc_plain'][1])}",
        ),
        (
            "/metrics p50 / p99, 20 concurrent, gzip (ms)",
            lambda r: f"{ms(r['conc_gzip'][0])} / {ms(r['conc_gzip'][1])}",
        ),
        ("RSS after the warm cycles (MiB)", lambda r: f"{r['rss_100'] / MIB:.0f} ({r['cycles']} cycles)"),
        (
            "RSS churning, after cycle 10 -> last (MiB)",
            lambda r: (
                f"{(r['rss_churn_start'] or 0) / MIB:.0f} -> {r['rss_churn_end'] / MIB:.0f}"
                f" ({r['churn_cycles']} cycles)"
            ),
        ),
        (
            "RSS churning while plain text is scraped every 0.2 s, max (MiB)",
            lambda r: f"{r['rss_scraped_max'] / MIB:.0f} ({r['plain_scrapes']} scrapes)",
        ),
        ("render, ours (CPU s)", lambda r: f"{r['render']['ours']:.3f}"),
        ("render, prometheus_client generate_latest (CPU s)", lambda r: f"{r['render']['prometheus_client']:.3f}"),
        ("  prometheus_client / ours", lambda r: f"{r['render']['prometheus_client'] / r['render']['ours']:.1f}x"),
        ("gzip of both formats, ours (CPU s)", lambda r: f"{r['render']['gzip']:.3f}"),
    ]
    head = "| | " + " | ".join(f"{r['containers']:,} containers" for r in results) + " |"
    sep = "|---|" + "---:|" * len(results)
    body = [f"| {label} | " + " | ".join(fn(r) for r in results) + " |" for label, fn in rows]
    return "\n".join([head, sep, *body])


# What an operator does about a missed goal on a host like the row's.
def cpu_action(r: dict[str, Any]) -> str:
    """What a warm cycle's CPU means on such a host, at the interval the sizing table gives it."""
    interval = sizing.recommended(sizing.Row(r["containers"], r["cpu"], r["tiers_portod_s"], 0.0))[1]
    return (
        f"at the sizing table's `--scrape.interval` ({interval:g}s) that is {r['cpu'] / interval:.1%} of one "
        "core: if that is too much, raise the interval or cut series (`--no-collector.containers.<group>`, "
        "`--containers.max-depth`)"
    )


RSS_ACTION = "give such a host a memory cap of twice its worst RSS (Sizing below)"
LATENCY_ACTION = "let Prometheus ask for gzip (it does by default) and keep its `scrape_timeout` above the p99"


def findings(results: list[dict[str, Any]]) -> str:
    """The project's goals for the exporter, judged on these results; a missed one says what to do."""
    by = {r["containers"]: r for r in results}
    rows: list[tuple[str, bool, str, str]] = []
    for r in results:
        ratio = r["cold_portod_s"] / r["tiers_portod_s"]
        rows.append(
            (
                f"{r['containers']:,} containers: cold cycle's modelled portod time <= 2x a warm one's",
                ratio <= 2,
                f"{ratio:.2f}x ({r['cold_portod_s']:.3f} / {r['tiers_portod_s']:.3f} s)",
                "the first cycle after a start may miss `--scrape.timeout`: set it from the cold row",
            )
        )
    if 50000 in by:
        r = by[50000]
        rss = max(r["rss_100"], r["rss_churn_end"], r["rss_scraped_max"])
        rows += [
            ("50,000 containers: warm cycle exporter CPU <= 5 s", r["cpu"] <= 5.0, f"{r['cpu']:.3f} s", cpu_action(r)),
            (
                "50,000 containers: RSS <= 1.2 GiB",
                rss <= 1.2 * 2**30,
                f"{rss / MIB:.0f} MiB (worst reading)",
                RSS_ACTION,
            ),
            (
                "50,000 containers: /metrics gzip p50 <= 100 ms",
                r["seq_gzip"][0] <= 0.1,
                f"{ms(r['seq_gzip'][0])} ms",
                LATENCY_ACTION,
            ),
        ]
    if 10000 in by:
        r = by[10000]
        ratio = r["render"]["prometheus_client"] / r["render"]["ours"]
        rows += [
            ("10,000 containers: exporter CPU per cycle <= 1.0 s", r["cpu"] <= 1.0, f"{r['cpu']:.3f} s", cpu_action(r)),
            (
                "10,000 containers: /metrics p50 <= 50 ms, plain and gzip",
                max(r["seq_plain"][0], r["seq_gzip"][0]) <= 0.05,
                f"{ms(r['seq_plain'][0])} / {ms(r['seq_gzip'][0])} ms",
                LATENCY_ACTION,
            ),
            (
                "10,000 containers: RSS <= 300 MiB while plain text is scraped every 0.2 s",
                r["rss_scraped_max"] <= 300 * MIB,
                f"{r['rss_scraped_max'] / MIB:.0f} MiB max",
                RSS_ACTION,
            ),
            (
                "10,000 containers: our render >= 10x prometheus_client's",
                ratio >= 10,
                f"{ratio:.1f}x",
                "nothing to set: a slower render shows in the CPU rows, whose advice applies",
            ),
        ]
    if 1000 in by:
        r = by[1000]
        rows.append(
            ("1,000 containers: exporter CPU per cycle <= 0.1 s", r["cpu"] <= 0.1, f"{r['cpu']:.3f} s", cpu_action(r))
        )
    if 1000 in by and 10000 in by:
        growth = (by[10000]["cpu"] / 10000) / (by[1000]["cpu"] / 1000)
        rows.append(
            (
                "cost per container grows <= 1.3x from 1,000 to 10,000",
                growth <= 1.3,
                f"{growth:.2f}x",
                "size a big host from its own row, not by scaling a smaller one",
            )
        )
    for r in results:
        if r.get("rss_churn_start"):
            growth = r["rss_churn_end"] / r["rss_churn_start"] - 1
            rows.append(
                (
                    f"{r['containers']:,} containers: RSS growth over {r['churn_cycles']} churning cycles <= 10%",
                    growth <= 0.10,
                    f"{growth * 100:+.1f}%",
                    "memory grows while containers come and go: keep the hard cap (the service restarts "
                    "there and carries on) and watch the exporter's RSS on such a host",
                )
            )
    worst = max(r["tiers_portod_s"] / r["all_portod_s"] for r in results)
    rows.append(
        (
            "modelled portod time with tiers <= half of every property",
            worst <= 0.5,
            f"worst {worst:.2f}",
            "raise `--scrape.slow-interval`: the costly properties are then read less often",
        )
    )
    lines = ["| goal | met | measured | if not met |", "|---|---|---|---|"]
    lines += [
        f"| {what} | {'yes' if ok else 'NO'} | {got} | {'' if ok else action} |" for what, ok, got, action in rows
    ]
    return "\n".join(lines)


def events(r: dict[str, Any]) -> str:
    """The lifecycle events benchmark's section (bench/events.py)."""
    b, s = r["burst"], r["storm"]
    share = s["cpu"] / s["seconds"]
    rate = s["pushes_received"] / s["seconds"]
    met = "met" if share < 0.2 else "NOT met: turn the collector off (`--no-collector.events`) on such a host"
    return "\n".join(
        [
            "## Lifecycle events (AsyncWait)",
            "",
            f"Measured by `{r['command']}` on {r['date']}, on {r['machine']}: the exporter side",
            "(`bench/worker.py`: the real events collector and subscription) in its own process.",
            "",
            "| | measured |",
            "|---|---:|",
            f"| initial burst: pushes absorbed ({r['containers']:,} containers) | {b['pushes']:,} |",
            f"| initial burst: exporter CPU (s) / wall time (s) | {b['cpu']:.3f} / {b['wall']:.3f} |",
            f"| initial burst: RSS before -> after (MiB) | {b['rss_before'] / MIB:.0f} -> {b['rss_after'] / MIB:.0f} |",
            f"| storm: state changes pushed per second (received / sent over {s['seconds']:g} s) "
            f"| {rate:,.0f} ({s['pushes_received']:,} / {s['pushes_sent']:,}) |",
            f"| storm: exits and starts counted | {s['exits']:,} / {s['starts']:,} ({s['jobs']:,} jobs) |",
            f"| storm: exporter CPU, share of one core | {share:.1%} |",
            f"| storm: RSS before -> after (MiB) | {s['rss_before'] / MIB:.0f} -> {s['rss_after'] / MIB:.0f} |",
            "",
            f"Goal: under 20% of a core during the storm, RSS flat: **{met}** "
            f"({share:.1%}, {(s['rss_after'] - s['rss_before']) / MIB:+.0f} MiB).",
        ]
    )


def web(r: dict[str, Any]) -> str:
    """The web front benchmark's section (bench/web.py)."""
    plain, tls, page = r["plain_ms"], r["tls_auth_ms"], r["page_ms"]
    return "\n".join(
        [
            "## Web front",
            "",
            f"Measured by `{r['command']}` on {r['date']}, on {r['machine']}.",
            "",
            "| | p50 (ms) | p99 (ms) |",
            "|---|---:|---:|",
            f"| /metrics (gzip), plain HTTP, {r['containers']:,} containers "
            f"| {plain['p50']:.1f} | {plain['p99']:.1f} |",
            f"| /metrics (gzip), TLS + basic auth (bcrypt cost 10, remembered), {r['containers']:,} containers "
            f"| {tls['p50']:.1f} | {tls['p99']:.1f} |",
            f"| landing page: navigation to the first table rows, {r['page_containers']:,} containers "
            f"({page['loads']} loads) | {page['p50']:.1f} | {page['max']:.1f} (max) |",
        ]
    )


def performance(results: dict[str, Any]) -> str:
    """The whole of docs/performance.md."""
    import real  # bench/real.py: its "Real portod" block, from its own results file

    sim = results["simulator"]
    notes = "\n".join(f"- {note}" for note in sim.get("notes", []))
    text = (
        (HERE / "performance.md.in")
        .read_text()
        .format(
            command=sim["command"],
            date=sim["date"],
            minutes=sim["minutes"],
            machine=sim["machine"],
            table=table(sim["sizes"]),
            notes=f"Notes recorded with this run:\n\n{notes}" if notes else "",
            findings=findings(sim["sizes"]),
            sizing=sizing.section(results),
            events=events(results["events"]) if "events" in results else "",
            web=web(results["web"]) if "web" in results else "",
            real=real.doc_block(json.loads(real.RESULTS.read_text())) if real.RESULTS.exists() else "",
        )
    )
    return text.rstrip("\n") + "\n"


def readme(text: str, results: dict[str, Any]) -> str:
    """``text`` (the README) with its sizing block regenerated."""
    return sizing.replace(text, sizing.section(results))


def outputs(results: dict[str, Any]) -> dict[Path, str]:
    """Each generated file and what it should hold."""
    return {DOC: performance(results), README: readme(README.read_text(), results)}


def load(path: Path = RESULTS) -> dict[str, Any]:
    return json.loads(path.read_text())


def store(part: str, value: dict[str, Any], path: Path = RESULTS) -> None:
    """Put one benchmark's results in the results file (the others' are kept); the docs are regenerated
    when that file is bench/results.json, the one they come from."""
    results = load(path) if path.exists() else {}
    results[part] = value
    path.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n")
    if path.resolve() == RESULTS:
        write(results)
    else:
        print(f"wrote {path}; the docs come from {RESULTS.relative_to(ROOT)} and are left as they are", file=sys.stderr)


def write(results: dict[str, Any] | None = None) -> None:
    for path, text in outputs(load() if results is None else results).items():
        path.write_text(text)
        print(f"wrote {path.relative_to(ROOT)}", file=sys.stderr)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--check", action="store_true", help="compare instead of writing; exit 1 on a difference")
    args = p.parse_args()
    if not args.check:
        write()
        return 0
    stale = [path for path, text in outputs(load()).items() if path.read_text() != text]
    for path in stale:
        print(f"{path.relative_to(ROOT)} differs from bench/results.json: run python bench/report.py", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
