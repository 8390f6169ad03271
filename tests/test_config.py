"""Flags and their PORTO_EXPORTER_* environment variables: every flag of --help, both ways."""

from __future__ import annotations

import re

import pytest

from porto_exporter.catalog import OPT_IN_GROUPS
from porto_exporter.collect.registry import CollectorSettings
from porto_exporter.config import Config, ConfigError, build_parser, env_name, load, options

# A non-default value for every flag that takes one; a flag missing here fails the walk below.
SAMPLES = {
    "--porto.socket": "/tmp/other.sock",
    "--porto.timeout": "5s",
    "--porto.api": "v4",
    "--porto.metrics-socket": "/tmp/other-metrics.sock",
    "--web.listen-address": ":9999",
    "--web.telemetry-path": "/m",
    "--web.max-requests": "7",
    "--web.header-timeout": "3s",
    "--web.max-connections": "9",
    "--web.config.file": "w.yml",
    "--scrape.interval": "5s",
    "--scrape.timeout": "3s",
    "--scrape.max-age": "2m",
    "--scrape.slow-interval": "2m",
    "--containers.include": "a/***",
    "--containers.exclude": "bulk/***",
    "--containers.max-depth": "2",
    "--events.group-depth": "2",
    "--labels.allowlist": "TEAM.*",
    "--log.level": "debug",
    "--log.format": "json",
    "--kubernetes.mode": "on",
    "--kubernetes.labels-allowlist": "app.kubernetes.io/*",
}


def help_flags() -> list[str]:
    text = build_parser().format_help()
    flags = sorted(set(re.findall(r"(?<![\w-])(--[a-z][\w.-]*)", text)) - {"--help", "--version"})
    assert len(flags) >= 30, flags
    return flags


@pytest.mark.parametrize("flag", help_flags())
def test_every_flag_of_help_has_an_environment_variable_that_does_the_same(flag: str) -> None:
    declared = {o.flag: o for o in options()}
    assert flag in declared, f"{flag} is in --help but not declared"
    option = declared[flag]
    default = load([], environ={})
    if option.kind == "switch" and option.opposite is not None:  # --collector.x / --no-collector.x
        # one of the pair is the default (on for most, off for opt-in groups): the other changes something;
        # the variable set true does what the flag does, set false what its opposite does
        on, off = load([flag], environ={}), load([option.opposite], environ={})
        assert on != off, f"{flag} and {option.opposite} do the same"
        assert default in (on, off), f"neither {flag} nor {option.opposite} is the default"
        assert load([], environ={env_name(flag): "true"}) == on, f"{env_name(flag)}=true is not {flag}"
        assert load([], environ={env_name(flag): "false"}) == off, f"{env_name(flag)}=false is not {option.opposite}"
        return
    if option.kind == "switch":
        via_flag, env_value = load([flag], environ={}), "true"
    else:
        via_flag, env_value = load([f"{flag}={SAMPLES[flag]}"], environ={}), SAMPLES[flag]
    via_env = load([], environ={env_name(flag): env_value})
    assert via_flag != default, f"{flag} changed nothing"
    assert via_env == via_flag, f"{env_name(flag)}={env_value} does not do what {flag} does"


def test_no_flags_in_the_environment_turn_things_off() -> None:
    cfg = load(
        [], environ={"PORTO_EXPORTER_NO_COLLECTOR_CONTAINERS_IO": "1", "PORTO_EXPORTER_NO_COLLECTOR_VOLUMES": "yes"}
    )
    assert cfg.disabled_groups == {"io", "vmem", "hierarchy"}  # the opt-in groups stay off
    assert "volumes" not in cfg.collectors and "containers" in cfg.collectors
    assert load([], environ={"PORTO_EXPORTER_NO_COLLECTOR_CONTAINERS_IO": "false"}).disabled_groups == {
        "vmem",
        "hierarchy",
    }
    assert load([], environ={"PORTO_EXPORTER_COLLECTOR_CONTAINERS_VMEM": "true"}).disabled_groups == {"hierarchy"}


def test_config_defaults_are_the_flags_defaults() -> None:
    """A Config built by hand (bench, tests) is the exporter run without flags: the opt-in groups off in all three.

    Before, Config().disabled_groups was empty (vmem and hierarchy exported) while load([]) and CollectorSettings()
    left them out.
    """
    assert Config() == load([], environ={})
    assert Config().disabled_groups == set(OPT_IN_GROUPS)
    assert Config().collector_settings() == load([], environ={}).collector_settings() == CollectorSettings()


@pytest.mark.parametrize("value", ["maybe", "2", ""])
def test_a_switch_refuses_what_is_not_a_boolean_naming_the_variable(value: str) -> None:
    with pytest.raises(ConfigError, match="PORTO_EXPORTER_COLLECTOR_SYSTEM: expected true or false"):
        load([], environ={"PORTO_EXPORTER_COLLECTOR_SYSTEM": value})


def test_repeatable_flags_take_a_comma_separated_list_and_the_command_line_wins() -> None:
    cfg = load(
        ["--scrape.interval=20s"],
        environ={"PORTO_EXPORTER_CONTAINERS_EXCLUDE": "a/***,b", "PORTO_EXPORTER_SCRAPE_INTERVAL": "5s"},
    )
    assert cfg.exclude == ["a/***", "b"] and cfg.interval == 20
    assert isinstance(cfg, Config)


def test_bad_flags_are_one_line_with_a_hint_and_env_errors_name_the_variable() -> None:
    with pytest.raises(ConfigError, match=r"^unknown flag --scrape\.intervl; did you mean --scrape\.interval\?$"):
        load(["--scrape.intervl=5s"])
    with pytest.raises(ConfigError, match=r"unknown flag --scrape\.int;"):  # no abbreviations
        load(["--scrape.int=5s"])
    with pytest.raises(ConfigError, match=r"^PORTO_EXPORTER_SCRAPE_INTERVAL='abc': invalid duration"):
        load([], environ={"PORTO_EXPORTER_SCRAPE_INTERVAL": "abc"})
    with pytest.raises(ConfigError, match=r"^--scrape\.interval: invalid duration"):  # the flag, when it was the flag
        load(["--scrape.interval=abc"], environ={"PORTO_EXPORTER_SCRAPE_INTERVAL": "abc"})
    with pytest.raises(ConfigError, match=r"^PORTO_EXPORTER_LOG_LEVEL='loud': invalid choice"):
        load([], environ={"PORTO_EXPORTER_LOG_LEVEL": "loud"})
    with pytest.raises(ConfigError, match=r"^PORTO_EXPORTER_COLLECTOR_SYSTEM: expected true or false"):
        load([], environ={"PORTO_EXPORTER_COLLECTOR_SYSTEM": "maybe"})
    text = build_parser().format_help()
    assert "(default: 15s)" in text and "(default: 10s)" in text and "(default: info)" in text


def test_log_lines_say_warn_and_carry_rfc3339_time() -> None:
    import json
    import logging
    import re

    from porto_exporter.logs import JsonFormatter, LogfmtFormatter

    record = logging.LogRecord("porto_exporter", logging.WARNING, __file__, 1, 'portod said "no"', None, None)
    line = LogfmtFormatter().format(record)
    stamp = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"
    assert re.match(rf'^ts={stamp} level=warn logger=porto_exporter msg="portod said \\"no\\""$', line), line
    doc = json.loads(JsonFormatter().format(record))
    assert doc["level"] == "warn" and re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", doc["ts"])


@pytest.mark.parametrize(
    ("flag", "variable", "field"),
    [
        ("--web.listen-address", "PORTO_EXPORTER_WEB_LISTEN_ADDRESS", "listen"),
        ("--containers.include", "PORTO_EXPORTER_CONTAINERS_INCLUDE", "include"),
        ("--containers.exclude", "PORTO_EXPORTER_CONTAINERS_EXCLUDE", "exclude"),
        ("--labels.allowlist", "PORTO_EXPORTER_LABELS_ALLOWLIST", "labels_allowlist"),
        ("--kubernetes.labels-allowlist", "PORTO_EXPORTER_KUBERNETES_LABELS_ALLOWLIST", "kubernetes_labels"),
    ],
)
def test_a_repeatable_flag_replaces_its_variable_as_a_single_value_flag_does(
    flag: str, variable: str, field: str
) -> None:
    """Issue 19: the command line was added to the variable's values (a listen address from both clashed with
    itself: "Address already in use")."""
    env_only, env_value, flag_value = {
        "listen": ([("127.0.0.1", 1), ("127.0.0.1", 2)], "127.0.0.1:1,127.0.0.1:2", "127.0.0.1:1"),
        "include": (["a/***", "b"], "a/***,b", "a/***"),
        "exclude": (["a/***", "b"], "a/***,b", "a/***"),
        "labels_allowlist": (["TEAM.*", "APP.x"], "TEAM.*,APP.x", "TEAM.*"),
        "kubernetes_labels": (["app", "team"], "app,team", "app"),
    }[field]
    assert isinstance(env_only, list)
    assert getattr(load([], environ={variable: env_value}), field) == env_only
    for argv in ([f"{flag}={flag_value}"], [flag, flag_value]):
        cfg = load(argv, environ={variable: env_value})
        assert getattr(cfg, field) == env_only[:1], argv


def test_the_same_listen_address_twice_is_an_error_naming_it() -> None:
    with pytest.raises(ConfigError, match=r"^--web\.listen-address 127\.0\.0\.1:19124 given twice$"):
        load(["--web.listen-address=127.0.0.1:19124", "--web.listen-address=127.0.0.1:19124"], environ={})
    with pytest.raises(ConfigError, match=r"^PORTO_EXPORTER_WEB_LISTEN_ADDRESS \[::1\]:5 given twice$"):
        load([], environ={"PORTO_EXPORTER_WEB_LISTEN_ADDRESS": "[::1]:5,:6,[::1]:5"})
    assert load(["--web.listen-address=:5", "--web.listen-address=127.0.0.1:5"], environ={}).listen == [
        ("", 5),
        ("127.0.0.1", 5),
    ]  # different addresses; the kernel decides whether both can be had


@pytest.mark.parametrize(
    ("variable", "hint"),
    [
        ("PORTO_EXPORTER_SCRAPE_INTERVL", "; did you mean PORTO_EXPORTER_SCRAPE_INTERVAL?"),
        ("PORTO_EXPORTER_WEB_LISTEN_ADRESS", "; did you mean PORTO_EXPORTER_WEB_LISTEN_ADDRESS?"),
        ("PORTO_EXPORTER_ZZZZZZZZZZZZ", "; see --help"),
    ],
)
def test_an_unknown_variable_is_an_error_with_a_hint(variable: str, hint: str) -> None:
    with pytest.raises(ConfigError, match="^" + re.escape(f"unknown variable {variable}{hint}")):
        load([], environ={variable: "30s", "PORTO_EXPORTER_PORTO_SOCKET": "/x.sock", "PORTOX": "1"})


@pytest.mark.parametrize(
    ("path", "why"),
    [
        ("metrics", "must start with /"),
        ("/metrics?x", "query or fragment"),
        ("/metrics#top", "query or fragment"),
        ("/-/healthy", "own pages"),
        ("/-/ready", "own pages"),
        ("/api/v1/overview", "own pages"),
        ("/static/app.js", "own pages"),
        ("/static/", "own pages"),
        ("/m/{x}", "pattern"),
    ],
)
def test_a_telemetry_path_that_would_be_unreachable_or_shadow_a_page_is_refused(path: str, why: str) -> None:
    with pytest.raises(ConfigError, match=r"^--web\.telemetry-path: .*" + re.escape(why)):
        load([f"--web.telemetry-path={path}"], environ={})
    with pytest.raises(ConfigError, match=r"^PORTO_EXPORTER_WEB_TELEMETRY_PATH="):
        load([], environ={"PORTO_EXPORTER_WEB_TELEMETRY_PATH": path})


@pytest.mark.parametrize("path", ["/", "/metrics", "/static", "/-/metrics", "/api/v1/metrics"])
def test_telemetry_paths_that_shadow_nothing_are_kept(path: str) -> None:
    """``/`` replaces the landing page on purpose (web/app.py serves no landing page then)."""
    assert load([f"--web.telemetry-path={path}"], environ={}).telemetry_path == path


def test_the_max_age_help_says_what_the_default_is() -> None:
    """The default is 3 x max(interval, timeout) (scraper.Scraper), not 3 intervals."""
    from porto_exporter.porto import PortoClient
    from porto_exporter.scraper import Scraper

    text = " ".join(build_parser().format_help().split())
    assert "(default 3 x the larger of --scrape.interval and --scrape.timeout)" in text
    assert "3 intervals" not in text

    client = PortoClient("/nonexistent/portod.socket")  # never connected: the scraper only reserves connections
    assert Scraper(client, [], interval=5, timeout=20).max_age == 60


def test_the_metrics_socket_follows_the_porto_socket_unless_given() -> None:
    """Before: --porto.socket=/elsewhere/portod.socket still read /run/portod_metrics.socket, the host's, beside
    porto_up 0. portod keeps both sockets in one directory; an explicit flag or variable still wins."""
    assert load([], environ={}).metrics_socket == "/run/portod_metrics.socket"
    assert load(["--porto.socket=/elsewhere/portod.socket"], environ={}).metrics_socket == (
        "/elsewhere/portod_metrics.socket"
    )
    assert load([], environ={"PORTO_EXPORTER_PORTO_SOCKET": "/host/run/portod.socket"}).metrics_socket == (
        "/host/run/portod_metrics.socket"
    )
    for argv, environ in (
        (["--porto.socket=/a/p.sock", "--porto.metrics-socket=/b/m.sock"], {}),
        (["--porto.socket=/a/p.sock"], {"PORTO_EXPORTER_PORTO_METRICS_SOCKET": "/b/m.sock"}),
    ):
        assert load(argv, environ=environ).metrics_socket == "/b/m.sock"
    text = " ".join(build_parser().format_help().split())
    assert "(default: portod_metrics.socket in --porto.socket's directory: /run/portod_metrics.socket)" in text


@pytest.mark.parametrize(
    ("argv", "environ", "error"),
    [
        (
            ["--scrape.interval=1s", "--scrape.timeout=30s"],
            {},
            "--scrape.timeout: 30s is longer than --scrape.interval (1s): a cycle must end before the next is due",
        ),
        (
            ["--scrape.timeout=30s"],
            {},  # the default interval, 15s
            "--scrape.timeout: 30s is longer than --scrape.interval (15s)",
        ),
        (
            [],
            {"PORTO_EXPORTER_SCRAPE_INTERVAL": "1s", "PORTO_EXPORTER_SCRAPE_TIMEOUT": "30s"},
            "PORTO_EXPORTER_SCRAPE_TIMEOUT='30s': 30s is longer than --scrape.interval (1s)",
        ),
    ],
)
def test_a_scrape_timeout_longer_than_the_interval_is_refused(
    argv: list[str], environ: dict[str, str], error: str
) -> None:
    """As Prometheus refuses scrape_timeout > scrape_interval. Before: accepted silently."""
    with pytest.raises(ConfigError, match="^" + re.escape(error)):
        load(argv, environ=environ)


@pytest.mark.parametrize(
    ("argv", "timeout"),
    [
        (["--scrape.interval=45s", "--scrape.timeout=45s"], 45.0),  # the 50,000-container sizing row
        (["--scrape.interval=0", "--scrape.timeout=5m"], 300.0),  # on demand: no interval to hold it to
        (["--scrape.interval=1s"], 10.0),  # the default deadline with a short interval (tests, demos): kept
        (["--scrape.interval=20s", "--scrape.timeout=15s"], 15.0),
    ],
)
def test_scrape_timeouts_within_the_interval_are_kept(argv: list[str], timeout: float) -> None:
    assert load(argv, environ={}).timeout == timeout


@pytest.mark.parametrize(
    ("flag", "value", "why"),
    [
        ("--labels.allowlist", "[", "has a [ without its ]"),
        ("--labels.allowlist", "TEAM.[abc", "has a [ without its ]"),
        ("--labels.allowlist", "TEAM.na me", "has ' ', which no Porto label name has"),
        ("--labels.allowlist", "TEAM/x", "has '/', which no Porto label name has"),
        (
            "--labels.allowlist",
            "TEAM",
            "matches no Porto label (they are PREFIX.name, e.g. TEAM.owner); did you mean TEAM.*?",
        ),
        ("--kubernetes.labels-allowlist", "app.kubernetes.io/[", "has a [ without its ]"),
        ("--kubernetes.labels-allowlist", "team=x", "has '=', which no Kubernetes label key has"),
    ],
)
def test_an_allowlist_pattern_that_can_match_nothing_is_refused(flag: str, value: str, why: str) -> None:
    """The allowlists are fnmatch globs (collect/labels.py), which take a lone [ as a literal [ and so matched
    nothing, silently (before: --labels.allowlist='[' was accepted)."""
    with pytest.raises(ConfigError, match="^" + re.escape(f"{flag}: {value!r} {why}")):
        load([f"{flag}={value}"], environ={})
    with pytest.raises(ConfigError, match="^" + re.escape(f"{env_name(flag)}={value!r}: {value!r} {why}")):
        load([], environ={env_name(flag): value})


@pytest.mark.parametrize(
    ("flag", "value"),
    [
        ("--labels.allowlist", "*"),
        ("--labels.allowlist", "TEAM.*"),
        ("--labels.allowlist", "APP.tier"),
        ("--labels.allowlist", "[A-Z]*.owner"),
        ("--labels.allowlist", "TEAM.[!x]*"),
        ("--labels.allowlist", "TEAM.[]]"),
        ("--labels.allowlist", "TEAM.a@b:c-d_e"),
        ("--kubernetes.labels-allowlist", "app"),
        ("--kubernetes.labels-allowlist", "app.kubernetes.io/*"),
    ],
)
def test_allowlist_globs_that_can_match_are_kept(flag: str, value: str) -> None:
    cfg = load([f"{flag}={value}"], environ={})
    assert value in (cfg.labels_allowlist if flag == "--labels.allowlist" else cfg.kubernetes_labels)


def test_the_exporter_stops_with_one_line_on_such_a_pair() -> None:
    """The console script: exit 2 and the one line, before anything starts."""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "porto_exporter", "--scrape.interval=1s", "--scrape.timeout=30s"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2 and done.stderr.count("\n") == 1, done.stderr
    assert done.stderr.startswith("porto-exporter: --scrape.timeout: 30s is longer than --scrape.interval (1s)")
