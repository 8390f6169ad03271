"""docs/metrics.md, generated from the catalog and the collector registry (``python -m porto_exporter.metrics_doc``).

Every family with its type, labels, help, Porto source, how often it is read and which flag turns it
off; the collectors with their defaults and groups; the Porto fields deliberately left out. A test
fails when the committed file differs from what this writes.
"""

from __future__ import annotations

import sys

from .catalog import (
    CGROUP_VERSION,
    CONTAINER_INFO,
    CONTAINER_LABELS,
    CONTAINER_METRICS,
    CONTAINER_STATE,
    IO_SKIP,
    KUBERNETES_INFO,
    NET_TOTAL,
    NOT_EXPORTED,
    PORTOD_ENDPOINT_LEFT_OUT,
    PORTOD_ENDPOINT_METRICS,
    all_metrics,
)
from .collect.registry import REGISTRY, Registration

COMMAND = "python -m porto_exporter.metrics_doc > docs/metrics.md"


def collector_of() -> dict[str, str]:
    """Each family -> the collector (and group) whose --no-collector flag turns it off; ``exporter``: none does."""
    out = {m.name: "exporter" for m in all_metrics()}
    for entry in REGISTRY:
        out.update({family: entry.name for family in entry.families})
        for group in entry.groups:
            where = f"{entry.name}.{group.name}" + ("" if group.default else " (opt-in)")
            out.update({family: where for family in group.families})
    return out


def _groups(entry: Registration) -> str:
    return ", ".join(f"`{g.name}`" + ("" if g.default else " (opt-in)") for g in entry.groups)


def collectors_section() -> list[str]:
    """The registry as a table: each collector's default, groups and whether its success makes porto_up."""
    return [
        "## Collectors",
        "",
        "Each collector runs unless `--no-collector.<collector>` (an `off` one only with `--collector.<collector>`);",
        "a group of its metrics is switched by `--[no-]collector.<collector>.<group>`. `porto_up` is 1 when a",
        "collector that asks portod succeeded in the last cycle.",
        "",
        "| collector | default | groups | asks portod |",
        "|---|---|---|---|",
        *(
            f"| `{e.name}` | {'on' if e.default else 'off'} | {_groups(e)} | {'yes' if e.asks_portod else 'no'} |"
            for e in REGISTRY
        ),
        "",
    ]


def cgroup_section() -> list[str]:
    """The families whose meaning depends on the cgroup version portod uses, from the catalog's ``cgroup2``."""
    return [
        "## cgroup v2 hosts",
        "",
        "portod keeps memory, cpu, cpuset, blkio and pids in the cgroup2 hierarchy when /sys/fs/cgroup is a",
        "cgroup2 mount (cpuacct, freezer, net_cls, devices, hugetlb and perf_event stay cgroup v1 ones);",
        f"`{CGROUP_VERSION.name}` says which, per host, from portod's `cgroups` property. There every",
        "container has cgroups of its own (no inherited controllers) whose counters include its children's.",
        "These families are neither read nor exported on a cgroup v2 host, as portod's values there are",
        "cgroup v1 ones (a 0 that means unknown); everything else means the same on both. Why, with Porto's",
        "sources: docs/cgroup-v2.md.",
        "",
        "| metric | on cgroup v2 |",
        "|---|---|",
        *(f"| `{cm.metric.name}` | {cm.cgroup2} |" for cm in CONTAINER_METRICS if cm.cgroup2),
        "",
    ]


def render_markdown() -> str:
    """The whole of docs/metrics.md."""
    lines = [
        "# Metrics",
        "",
        "Generated from `exporter/porto_exporter/catalog.py` and the collector registry",
        f"(`exporter/porto_exporter/collect/registry.py`) by `{COMMAND}`;",
        "a test fails when this file is stale.",
        "",
        "Read: `cycle` every collection cycle, `slow` every `--scrape.slow-interval`, `on change` when the",
        "container's change_time moves (its relatives' too, for hierarchical totals).",
        "",
        "Collector: what turns it off — `--no-collector.<collector>` (`containers.<group>` is",
        "`--no-collector.containers.<group>`; `exporter` metrics are always served).",
        "",
        "| metric | type | labels | help | source | read | collector |",
        "|---|---|---|---|---|---|---|",
    ]
    tiers = {
        cm.metric.name: {"fast": "cycle", "slow": "slow", "spec": "on change"}[cm.tier] for cm in CONTAINER_METRICS
    }
    tiers[CONTAINER_INFO.name] = tiers[CONTAINER_LABELS.name] = tiers[KUBERNETES_INFO.name] = "on change"
    tiers[CONTAINER_STATE.name] = "cycle"
    collectors = collector_of()
    for m in all_metrics():
        labels = ", ".join(f"`{label}`" for label in m.labels)
        lines.append(
            f"| `{m.name}` | {m.type} | {labels} | {m.help} | {m.source} | {tiers.get(m.name, 'cycle')} "
            f"| {collectors[m.name]} |"
        )
    lines += [
        "",
        "Map keys not exported as label values: " + ", ".join(f"`{k}`" for k in IO_SKIP) + " (the sum over disks",
        " and writeback: a `device` label on them would count bytes twice); of `virtual_memory`, only `size`,",
        "`used` and `swap`.",
        "",
        f"Network: portod's `net_*` maps count one container's traffic several times over. `{NET_TOTAL}` is all",
        "of it through the host's uplink interfaces; each interface key (`eth0`) and each traffic-class group",
        "(`group default`) is a share of that same traffic, so on `/` all three carry one number; `Latency`",
        "(milliseconds since the socket statistics were refreshed) and `SockDiag` are not traffic. The",
        f"`porto_container_network_*` families carry `{NET_TOTAL}` alone, one series per container with no",
        "interface label, so `sum by (container)` and sums over the containers of one level are right.",
        "",
        "`porto_container_labels` also carries one `label_<NAME>` label per allowlisted Porto label;",
        "`porto_container_kubernetes_info` one `label_<key>` per Kubernetes label `--kubernetes.labels-allowlist`",
        "names (sanitized as kube-state-metrics does: `app.kubernetes.io/name` -> `label_app_kubernetes_io_name`).",
        "Keys that sanitize to one name (`app.kubernetes.io/name` and `app_kubernetes_io_name`) are all kept, as",
        "kube-state-metrics keeps them: `_conflict1`, `_conflict2`, ... in sorted key order; each such set is logged",
        "and counted once (`porto_exporter_label_conflicts_total`).",
        "",
        *cgroup_section(),
        *collectors_section(),
        *portod_endpoint_section(),
        "## Porto fields not exported",
        "",
        "| field | why not |",
        "|---|---|",
        *(f"| {', '.join(f'`{f}`' for f in fields)} | {why} |" for fields, why in NOT_EXPORTED),
        "",
    ]
    return "\n".join(lines)


def portod_endpoint_section() -> list[str]:
    """What each family of portod's own metrics endpoint became."""
    return [
        "## portod's own metrics endpoint",
        "",
        "Newer portods (5.3.59; not 5.3.15) serve Prometheus text on `/run/portod_metrics.socket` (`GET /metrics`,",
        "HTTP on a unix socket; `--porto.metrics-socket`). The `portod_metrics` collector reads it every cycle,",
        "one request on a connection of its own, and re-exports the families GetSystem lacks, milliseconds as",
        "seconds; where there is no such socket it serves nothing (and logs that once, at info). A read that",
        "fails serves none of them and counts in `porto_exporter_portod_metrics_errors_total`. A cycle waits for",
        "the read only while its other collectors run: a slow or hung read goes on in the background (one at a",
        "time) and a later cycle serves it, its data age counted from when it was read.",
        "",
        "| portod serves | exported as |",
        "|---|---|",
        *(
            f"| `{em.portod}` | `{em.metric.name}`" + (" (ms -> s)" if em.ms else "") + " |"
            for em in PORTOD_ENDPOINT_METRICS
        ),
        *(f"| `{name}` | not again: {where} |" for name, where in PORTOD_ENDPOINT_LEFT_OUT),
        "",
    ]


if __name__ == "__main__":
    sys.stdout.write(render_markdown())
