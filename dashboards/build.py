"""The Grafana dashboards, built from code with grafana-foundation-sdk.

    python dashboards/build.py            # writes dashboards/porto.json and dashboards/porto-fleet.json

Needs grafana-foundation-sdk, which the exporter does not: it is in the ``test`` extra (pip install -e '.[test]').

``porto.json`` is the host dashboard (one or a few hosts, every container);
``porto-fleet.json`` the fleet overview, which reads only the recording rules
(deploy/prometheus/porto-rules.yml) so it does not scan container series of
thousands of hosts. tests/test_deploy.py regenerates both and compares.

Imported (Dashboards > New > Import), Grafana asks for the Prometheus data source (``DS_PROMETHEUS``) and
the ``$datasource`` variable every panel reads starts on it (tests/test_dashboards.py). Provisioned from a
file there is no dialog: ``${DS_PROMETHEUS}`` then names no data source, so pick one in the Data source
dropdown (or replace the string in the file first).
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

try:
    from grafana_foundation_sdk.builders import common as cb
    from grafana_foundation_sdk.builders import dashboard as db
    from grafana_foundation_sdk.builders import prometheus, stat, table, timeseries
    from grafana_foundation_sdk.cog.encoder import JSONEncoder
    from grafana_foundation_sdk.models import common, dashboard
except ModuleNotFoundError as exc:  # not a dependency of the exporter: of its test extra
    if not (exc.name or "").startswith("grafana_foundation_sdk"):
        raise
    import tomllib

    extras = tomllib.loads((Path(__file__).resolve().parent.parent / "pyproject.toml").read_text())
    pin = next(r for r in extras["project"]["optional-dependencies"]["test"] if r.startswith("grafana-foundation-sdk"))
    sys.exit(
        f"dashboards/build.py: grafana_foundation_sdk is not installed: it comes with the test extra, "
        f"pip install -e '.[test]' (into ./run's .venv: .venv/bin/pip), or alone: "
        f"pip install '{pin}'"
    )

HERE = Path(__file__).resolve().parent
DATASOURCE = dashboard.DataSourceRef(type_val="prometheus", uid="${datasource}")  # the variable, never the input
INPUT = "DS_PROMETHEUS"  # the __inputs entry the import dialog fills; the variable's starting value
BY = "sum by (instance, container)"  # per container per host: two hosts' containers of one name stay apart
HOST = 'instance=~"$instance"'
CONTAINER = 'instance=~"$instance", container=~"$container"'
MAX_LEVEL = 16  # portod refuses deeper names (simulator/names.py MAX_DEPTH)
DISK = "Summed over disks (portod's own `hw` total is not exported as a device, so it is not counted twice)."
# Kubernetes (portoshim): a Porto container's series joined to its pod's identity (docs/kubernetes.md)
KUBE = 'instance=~"$instance", namespace=~"$namespace"'
JOIN = " * on (job, instance, container) group_left ({labels}) porto_container_kubernetes_info{{{selector}}}"
POD_ROWS = f'{KUBE}, kubernetes_container=""'  # the pods' own containers: their usage includes their containers'
CT_ROWS = f'{KUBE}, kubernetes_container!=""'
NET = (
    "Traffic through the host's uplinks: portod's `Uplink` total for the container, one series per container "
    "(the per-interface and per-class-group copies of the same bytes are not exported)."
)


@dataclass(frozen=True)
class Q:
    """One query: PromQL and its legend."""

    expr: str
    legend: str = "{{instance}} {{container}}"


def panel(kind: str, title: str, queries: list[Q], unit: str, width: int, description: str = "") -> db.Panel:
    builder: stat.Panel | table.Panel | timeseries.Panel
    if kind == "stat":
        builder = stat.Panel()
    elif kind == "table":
        builder = table.Panel()
    else:
        builder = (
            timeseries.Panel()
            .legend(
                cb.VizLegendOptions()
                .display_mode(common.LegendDisplayMode.TABLE)
                .placement(common.LegendPlacement.RIGHT)
                .show_legend(True)
                .calcs(["lastNotNull", "max"])
            )
            .tooltip(cb.VizTooltipOptions().mode(common.TooltipDisplayMode.MULTI).sort(common.SortOrder.DESCENDING))
        )
    builder = builder.title(title).description(description).datasource(DATASOURCE).unit(unit).span(width).height(8)
    for i, q in enumerate(queries):
        builder = builder.with_target(
            prometheus.Dataquery().ref_id(chr(65 + i)).expr(q.expr).legend_format(q.legend).datasource(DATASOURCE)
        )
    return builder  # type: ignore[return-value]


def datasource_variable() -> db.DatasourceVariable:
    """``$datasource``, which every panel and query uses, starting on the import dialog's choice.

    Grafana's import replaces each ``${DS_PROMETHEUS}`` string of the JSON with the data source picked for
    that ``__inputs`` entry (pkg/services/dashboardimport/utils/dash_template_evaluator.go); the panels keep
    ``${datasource}``, so the choice is the variable's start and the dropdown can still switch.
    """
    chosen = "${" + INPUT + "}"
    return (
        db.DatasourceVariable("datasource")
        .label("Data source")
        .type("prometheus")
        .current(dashboard.VariableOption(selected=True, text=chosen, value=chosen))
    )


def instance_variable(query: str) -> db.QueryVariable:
    return (
        db.QueryVariable("instance")
        .label("Host")
        .datasource(DATASOURCE)
        .query({"query": f"label_values({query}, instance)", "refId": "instance"})
        .refresh(dashboard.VariableRefresh.ON_TIME_RANGE_CHANGED)
        .multi(True)
        .include_all(True)
    )


def portod_queues_row() -> tuple[str, list[db.Panel]]:
    """portod's own metrics endpoint (portod 5.3.59 and newer; empty on older ones): its request queues."""
    by_queue = "sum by (instance, queue)"
    rate = "[$__rate_interval]))"
    return (
        "portod request queues",
        [
            panel(
                "ts",
                "portod requests / s by queue",
                [Q(f"{by_queue} (rate(porto_daemon_requests_total{{{HOST}}}{rate}", "{{queue}} {{instance}}")],
                "reqps",
                8,
                "portod-RO: reads (the exporter's among them), portod-RW: container changes, "
                "portod-IO: layers and storage, portod-Vl: volumes. From portod's own metrics endpoint: empty "
                "where portod has none.",
            ),
            panel(
                "ts",
                "Mean wait for a worker thread",
                [
                    Q(
                        f"{by_queue} (rate(porto_daemon_requests_wait_seconds_total{{{HOST}}}{rate}"
                        f" / {by_queue} (rate(porto_daemon_requests_total{{{HOST}}}{rate}",
                        "{{queue}} {{instance}}",
                    )
                ],
                "s",
                8,
                "How long a request waited in its queue before a worker thread took it, on average. "
                "Near 0 while the queue has threads to spare; PortodRequestQueueSlow fires above 1 s.",
            ),
            panel(
                "ts",
                "Busy worker threads",
                [
                    Q(
                        f"{by_queue} (rate(porto_daemon_requests_exec_seconds_total{{{HOST}}}{rate}",
                        "{{queue}} {{instance}}",
                    ),
                    Q(
                        f"sum by (instance) (rate(porto_exporter_portod_request_seconds_total{{{HOST}}}{rate}",
                        "the exporter's requests {{instance}}",
                    ),
                ],
                "short",
                8,
                "Seconds of request execution per second: threads kept busy, on average (portod's "
                "defaults: 10 RO, 20 RW, 5 IO, 5 Vl). The exporter's line is the time its own requests took, "
                "waits included: its share of the RO queue.",
            ),
            panel(
                "ts",
                "Requests waiting for a worker",
                [Q(f"porto_daemon_requests_waiting{{{HOST}}}", "{{queue}} {{instance}}")],
                "short",
                6,
            ),
            panel(
                "ts",
                "Longest running request",
                [Q(f"porto_daemon_requests_top_running_seconds{{{HOST}}}", "{{queue}} {{instance}}")],
                "s",
                6,
                "How long the longest request running now has been executing, per queue (0: none runs).",
            ),
            panel(
                "ts",
                "Slow and failed requests / s",
                [
                    Q(
                        f'sum by (instance, long) (rate(porto_daemon_requests_total{{{HOST}, long!=""}}{rate}',
                        "longer than {{long}} {{instance}}",
                    ),
                    Q(
                        f'sum by (instance, error) (rate(porto_daemon_requests_total{{{HOST}, error!=""}}{rate}',
                        "failed ({{error}}) {{instance}}",
                    ),
                ],
                "reqps",
                6,
                "Requests that took longer than 1s, 3s, 30s or 5m (queueing included), and those that failed.",
            ),
            panel(
                "ts",
                "Event queue",
                [
                    Q(f"porto_daemon_events_queued{{{HOST}}}", "events queued {{instance}}"),
                    Q(f"porto_daemon_events_top_waiting_seconds{{{HOST}}}", "first event's wait (s) {{instance}}"),
                ],
                "short",
                6,
                "portod's event thread: exits, OOM kills, respawns, aging; the first event's wait "
                "past its due time grows when the thread falls behind.",
            ),
        ],
    )


def host_dashboard() -> db.Dashboard:
    d = (
        db.Dashboard("Porto")
        .uid("porto-exporter")
        .tags(["porto", "containers"])
        .timezone("browser")
        .refresh("30s")
        .time("now-1h", "now")
        .editable()
        .with_variable(datasource_variable())
        .with_variable(instance_variable("porto_up"))
        .with_variable(
            db.CustomVariable("level")
            .label("Depth")
            .values(",".join(str(n) for n in range(MAX_LEVEL + 1)))
            .current(dashboard.VariableOption(selected=True, text=["0", "1"], value=["0", "1"]))
            .multi(True)
            .include_all(True)
            .description(
                "Which levels of the container tree the Container list offers: 0 is /, 1 the top-level "
                "containers (a parent's usage includes its children's), 2 and deeper the nested ones."
            )
        )
        .with_variable(
            db.QueryVariable("container")
            .label("Container")
            .datasource(DATASOURCE)
            .query(
                {
                    "query": f'label_values(porto_container_info{{{HOST}, level=~"$level"}}, container)',
                    "refId": "container",
                }
            )
            .refresh(dashboard.VariableRefresh.ON_TIME_RANGE_CHANGED)
            .multi(True)
            .include_all(True)
            .description("Containers at the chosen depths; pick nested ones by adding their depth.")
        )
        .with_variable(
            db.QueryVariable("namespace")
            .label("Namespace")
            .datasource(DATASOURCE)
            .query(
                {"query": f"label_values(porto_container_kubernetes_info{{{HOST}}}, namespace)", "refId": "namespace"}
            )
            .refresh(dashboard.VariableRefresh.ON_TIME_RANGE_CHANGED)
            .multi(True)
            .include_all(True)
            .description(
                "Kubernetes namespaces of the pods portoshim made on the chosen hosts (the Kubernetes "
                "row); empty on hosts without them."
            )
        )
    )
    rows: list[tuple[str, list[db.Panel]]] = [
        (
            "Host and portod",
            [
                panel(
                    "stat",
                    "portod up",
                    [Q(f"porto_up{{{HOST}}}", "{{instance}}")],
                    "short",
                    4,
                    "1 when portod answered the exporter's last cycle.",
                ),
                panel("stat", "portod uptime", [Q(f"porto_daemon_uptime_seconds{{{HOST}}}", "{{instance}}")], "s", 4),
                panel(
                    "ts",
                    "Containers by state",
                    [Q(f"sum by (state) (porto_daemon_containers{{{HOST}}})", "{{state}}")],
                    "short",
                    8,
                ),
                panel(
                    "ts",
                    "portod requests / s",
                    [
                        Q(
                            f"sum by (instance) (rate(porto_daemon_requests_completed_total{{{HOST}}}"
                            "[$__rate_interval]))",
                            "completed {{instance}}",
                        ),
                        Q(
                            f"sum by (instance) (rate(porto_daemon_requests_failed_total{{{HOST}}}[$__rate_interval]))",
                            "failed {{instance}}",
                        ),
                    ],
                    "reqps",
                    8,
                ),
                panel(
                    "ts",
                    "portod errors and warnings",
                    [
                        Q(f"increase(porto_daemon_errors_total{{{HOST}}}[$__rate_interval])", "errors {{instance}}"),
                        Q(
                            f"increase(porto_daemon_warnings_total{{{HOST}}}[$__rate_interval])",
                            "warnings {{instance}}",
                        ),
                    ],
                    "short",
                    8,
                ),
                panel(
                    "ts",
                    "Exporter cycle",
                    [
                        Q(f"porto_exporter_cycle_duration_seconds{{{HOST}}}", "cycle {{instance}}"),
                        Q(f"porto_exporter_cycle_phase_seconds{{{HOST}}}", "{{phase}} {{instance}}"),
                    ],
                    "s",
                    8,
                ),
                panel(
                    "ts",
                    "Collector success",
                    [Q(f"porto_exporter_collector_success{{{HOST}}}", "{{collector}} {{instance}}")],
                    "short",
                    8,
                ),
            ],
        ),
        portod_queues_row(),
        (
            "Containers",
            [
                panel(
                    "ts",
                    "CPU usage (cores)",
                    [Q(f"{BY} (rate(porto_container_cpu_usage_seconds_total{{{CONTAINER}}}[$__rate_interval]))")],
                    "short",
                    12,
                ),
                panel(
                    "ts",
                    "CPU throttled (share of time)",
                    [Q(f"{BY} (rate(porto_container_cpu_throttled_seconds_total{{{CONTAINER}}}[$__rate_interval]))")],
                    "percentunit",
                    12,
                    "Seconds throttled per second: the share of time the CPU limit held the container back, once "
                    "per CPU it was throttled on (a single thread limited to 0.2 cores that wants a whole core shows "
                    "80%; several threads can show more than 100%). / has no limit and shows nothing.",
                ),
                panel(
                    "ts",
                    "Memory usage",
                    [Q(f"{BY} (porto_container_memory_usage_bytes{{{CONTAINER}}})")],
                    "bytes",
                    12,
                ),
                panel(
                    "ts",
                    "Memory usage / limit",
                    [
                        Q(
                            f"{BY} (porto_container_memory_usage_bytes{{{CONTAINER}}})"
                            " / sum by (instance, container) "
                            f"(porto_container_memory_limit_bytes{{{CONTAINER}}})"
                        )
                    ],
                    "percentunit",
                    12,
                ),
                *(
                    panel(
                        "ts",
                        title,
                        [Q(f"{BY} (rate(porto_container_{m}{{{CONTAINER}}}[$__rate_interval]))")],
                        "Bps",
                        12,
                        desc,
                    )
                    for title, m, desc in (
                        ("Disk read", "io_read_bytes_total", DISK),
                        ("Disk write", "io_write_bytes_total", DISK),
                        ("Network receive", "network_rx_bytes_total", NET),
                        ("Network transmit", "network_tx_bytes_total", NET),
                    )
                ),
                panel(
                    "ts",
                    "OOM kills",
                    [Q(f"{BY} (increase(porto_container_oom_kills_total{{{CONTAINER}}}[$__rate_interval]))")],
                    "short",
                    8,
                ),
                panel(
                    "ts",
                    "Respawns",
                    [Q(f"{BY} (increase(porto_container_respawns_total{{{CONTAINER}}}[$__rate_interval]))")],
                    "short",
                    8,
                ),
                panel("ts", "Threads", [Q(f"{BY} (porto_container_threads{{{CONTAINER}}})")], "short", 8),
                panel(
                    "table",
                    "Not running",
                    [
                        Q(
                            f'porto_container_state{{{CONTAINER}, state=~"dead|stopped|paused|respawning"}} == 1',
                            "{{container}} {{state}}",
                        )
                    ],
                    "short",
                    24,
                ),
            ],
        ),
        (
            "Volumes",
            [
                panel(
                    "ts",
                    "Volume space used / limit",
                    [
                        Q(
                            f"porto_volume_space_used_bytes{{{HOST}}} / porto_volume_space_limit_bytes{{{HOST}}}",
                            "{{volume}}",
                        )
                    ],
                    "percentunit",
                    12,
                ),
                panel(
                    "ts",
                    "Volume space used",
                    [Q(f"porto_volume_space_used_bytes{{{HOST}}}", "{{volume}}")],
                    "bytes",
                    12,
                ),
            ],
        ),
        (
            "Lifecycle events",
            [
                panel(
                    "ts",
                    "Exits by group and reason",
                    [
                        Q(
                            f"sum by (group, reason) (rate(porto_container_exits_total{{{HOST}}}[$__rate_interval]))",
                            "{{group}} {{reason}}",
                        )
                    ],
                    "ops",
                    12,
                    "Container exits pushed by portod (AsyncWait), per second: short-lived jobs that no cycle saw are "
                    "counted too.",
                ),
                panel(
                    "ts",
                    "Starts and failed starts",
                    [
                        Q(
                            f"sum by (group) (rate(porto_container_starts_total{{{HOST}}}[$__rate_interval]))",
                            "{{group}} starts",
                        ),
                        Q(
                            f"sum by (group) (rate(porto_container_start_failures_total{{{HOST}}}[$__rate_interval]))",
                            "{{group}} failed",
                        ),
                    ],
                    "ops",
                    6,
                ),
                panel(
                    "ts",
                    "Events subscription",
                    [
                        Q(f"porto_events_connected{{{HOST}}}", "{{instance}} subscribed"),
                        Q(f"rate(porto_events_received_total{{{HOST}}}[$__rate_interval])", "{{instance}} pushes/s"),
                        Q(
                            f"increase(porto_events_reconnects_total{{{HOST}}}[$__rate_interval])",
                            "{{instance}} re-subscriptions",
                        ),
                    ],
                    "short",
                    6,
                ),
            ],
        ),
        kubernetes_row(),  # last: the rows above keep their panel ids
    ]
    return with_rows(d, rows)


def kubernetes_row() -> tuple[str, list[db.Panel]]:
    """Porto's numbers by Kubernetes namespace, pod and container: the joins of docs/kubernetes.md."""

    def by(keys: str, series: str, selector: str) -> str:
        return f"sum by (instance, {keys}) ({series}{JOIN.format(labels=keys, selector=selector)})"

    cpu = f"rate(porto_container_cpu_usage_seconds_total{{{HOST}}}[$__rate_interval])"
    memory = f"porto_container_memory_usage_bytes{{{HOST}}}"
    ct = "namespace, pod, kubernetes_container"
    pods = "Pods are the Porto containers portoshim made for them: their usage includes their containers' and the "
    pods += "pause process's."
    return (
        "Kubernetes pods (portoshim)",
        [
            panel(
                "ts",
                "CPU by namespace (cores)",
                [Q(by("namespace", cpu, POD_ROWS), "{{instance}} {{namespace}}")],
                "short",
                12,
                pods,
            ),
            panel(
                "ts",
                "Memory by namespace",
                [Q(by("namespace", memory, POD_ROWS), "{{instance}} {{namespace}}")],
                "bytes",
                12,
                pods,
            ),
            panel(
                "ts",
                "CPU by pod (cores)",
                [Q(by("namespace, pod", cpu, POD_ROWS), "{{namespace}}/{{pod}}")],
                "short",
                12,
                pods,
            ),
            panel(
                "ts",
                "Memory by pod",
                [Q(by("namespace, pod", memory, POD_ROWS), "{{namespace}}/{{pod}}")],
                "bytes",
                12,
                pods,
            ),
            panel(
                "ts",
                "Memory usage / limit by container",
                [
                    Q(
                        by(ct, memory, CT_ROWS)
                        + " / "
                        + by(ct, f"porto_container_memory_limit_bytes{{{HOST}}}", CT_ROWS),
                        "{{namespace}}/{{pod}}/{{kubernetes_container}}",
                    )
                ],
                "percentunit",
                12,
                "The Kubernetes container's memory limit is its Porto container's memory_limit (portoshim sets it "
                "from the container's resources); none without a limit.",
            ),
            panel(
                "ts",
                "CPU throttled by container (share of time)",
                [
                    Q(
                        by(
                            ct,
                            f"rate(porto_container_cpu_throttled_seconds_total{{{HOST}}}[$__rate_interval])",
                            CT_ROWS,
                        ),
                        "{{namespace}}/{{pod}}/{{kubernetes_container}}",
                    )
                ],
                "percentunit",
                12,
                "Seconds throttled per second under the CPU limit portoshim set from the container's resources.",
            ),
        ],
    )


def fleet_dashboard() -> db.Dashboard:
    """Hosts by portod health and the top containers across hosts, from the recording rules only."""
    d = (
        db.Dashboard("Porto fleet")
        .uid("porto-fleet")
        .tags(["porto", "fleet"])
        .timezone("browser")
        .refresh("1m")
        .time("now-6h", "now")
        .editable()
        .with_variable(datasource_variable())
        .with_variable(instance_variable("instance:porto_up:min"))
    )
    rows: list[tuple[str, list[db.Panel]]] = [
        (
            "Hosts",
            [
                panel("stat", "Hosts with portod up", [Q("sum(job:porto_up:sum)", "up")], "short", 6),
                panel("stat", "Hosts", [Q("sum(job:porto_up:count)", "hosts")], "short", 6),
                panel(
                    "table",
                    "Hosts where portod is down",
                    [Q(f"instance:porto_up:min{{{HOST}}} == 0", "{{instance}}")],
                    "short",
                    12,
                ),
                panel(
                    "ts",
                    "portod errors / s by host",
                    [Q(f"topk(10, instance:porto_daemon_errors:rate5m{{{HOST}}})", "{{instance}}")],
                    "short",
                    12,
                ),
                panel(
                    "ts",
                    "portod restarts in the last hour",
                    [Q(f"topk(10, instance:porto_daemon_starts:increase1h{{{HOST}}})", "{{instance}}")],
                    "short",
                    12,
                ),
            ],
        ),
        (
            "Fleet usage",
            [
                panel(
                    "ts",
                    "CPU used by containers (cores)",
                    [Q("job:porto_container_cpu_usage_seconds:rate5m", "{{job}}")],
                    "short",
                    8,
                ),
                panel(
                    "ts",
                    "Memory used by containers",
                    [Q("job:porto_container_memory_usage_bytes:sum", "{{job}}")],
                    "bytes",
                    8,
                ),
                panel("ts", "OOM kills / s", [Q("job:porto_container_oom_kills:rate5m", "{{job}}")], "short", 8),
            ],
        ),
        (
            "Top containers across hosts",
            [
                panel(
                    "ts",
                    "Top 10 by CPU (cores)",
                    [
                        Q(
                            f"topk(10, instance_container:porto_container_cpu_usage_seconds:rate5m{{{HOST}}})",
                            "{{instance}} {{container}}",
                        )
                    ],
                    "short",
                    8,
                ),
                panel(
                    "ts",
                    "Top 10 by memory",
                    [
                        Q(
                            f"topk(10, instance_container:porto_container_memory_usage_bytes:sum{{{HOST}}})",
                            "{{instance}} {{container}}",
                        )
                    ],
                    "bytes",
                    8,
                ),
                panel(
                    "ts",
                    "Top 10 by OOM kills in the last hour",
                    [
                        Q(
                            f"topk(10, instance_container:porto_container_oom_kills:increase1h{{{HOST}}}) > 0",
                            "{{instance}} {{container}}",
                        )
                    ],
                    "short",
                    8,
                ),
                panel(
                    "ts",
                    "Hosts by CPU used (cores)",
                    [Q(f"topk(20, instance:porto_container_cpu_usage_seconds:rate5m{{{HOST}}})", "{{instance}}")],
                    "short",
                    12,
                ),
                panel(
                    "ts",
                    "Exits by reason / s",
                    [Q(f"sum by (reason) (instance:porto_container_exits:rate5m{{{HOST}}})", "{{reason}}")],
                    "ops",
                    12,
                ),
            ],
        ),
    ]
    return with_rows(d, rows)


def with_rows(d: db.Dashboard, rows: list[tuple[str, list[db.Panel]]]) -> db.Dashboard:
    """Rows and their panels in order, each with its own id (Grafana keys panel state by id)."""
    next_id = 1
    for title, panels in rows:
        d = d.with_row(db.Row(title).id(next_id))
        next_id += 1
        for p in panels:
            d = d.with_panel(p.id(next_id))
            next_id += 1
    return d


# What Grafana's import dialog asks for: the Prometheus data source the $datasource variable starts on.
INPUTS = [
    {
        "name": INPUT,
        "label": "Prometheus",
        "description": "where the porto job's series are",
        "type": "datasource",
        "pluginId": "prometheus",
        "pluginName": "Prometheus",
    }
]


def render(builder: db.Dashboard) -> str:
    doc = json.loads(json.dumps(builder.build(), cls=JSONEncoder))
    doc["__inputs"] = INPUTS
    return json.dumps(doc, indent=2, sort_keys=True) + "\n"


DASHBOARDS = {"porto.json": host_dashboard, "porto-fleet.json": fleet_dashboard}


def main() -> int:
    for name, make in DASHBOARDS.items():
        (HERE / name).write_text(render(make()))
        print(f"wrote {HERE / name}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
