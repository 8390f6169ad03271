"""Porto's rules as the exporter and the simulator each wrote them down: value formats, masks, container states,
request costs. Two implementations from the same sources (portod's code, the captures): each is held against the
other, so a mistake in one fails here. Where they differ on purpose, the difference is named with its evidence."""

from __future__ import annotations

import random
import string

import pytest

from porto_exporter import catalog
from porto_exporter.porto import cost as planner
from porto_exporter.porto import masks as exporter_masks
from porto_exporter.porto import values as ev
from porto_exporter.simulator import cost as model
from porto_exporter.simulator import masks as simulator_masks
from porto_exporter.simulator import values as sv
from porto_exporter.simulator.accounting import HOST_CORES
from porto_exporter.simulator.container import STATES

from .test_masks import CASES, NAMES

KEY_CHARS = string.ascii_letters + string.digits + "_-./ "  # disks, interfaces ("group default"), places


def random_map(rng: random.Random) -> dict[str, int]:
    keys = {"".join(rng.choice(KEY_CHARS) for _ in range(rng.randint(1, 12))).strip() for _ in range(rng.randint(0, 6))}
    return {k: rng.choice((0, rng.randrange(1 << 64))) for k in keys if k}


def test_the_exporter_reads_what_the_simulator_writes() -> None:
    rng = random.Random(21)
    for _ in range(2_000):
        m = random_map(rng)
        assert ev.parse_uint_map(sv.uint_map_to_string(m)) == m
        labels = {f"A{k.upper()[:3] or 'X'}.{i}": v for i, (k, v) in enumerate(m.items()) if k.isalnum()}
        assert ev.parse_str_map(sv.string_map_to_string({k: str(v) for k, v in labels.items()})) == {
            k: str(v) for k, v in labels.items()
        }
        cores = rng.choice((0.0, rng.uniform(0, 64), round(rng.uniform(0, 4), 2)))
        assert ev.parse_cores(sv.cpu_power_to_string(cores)) == float(f"{cores:g}")  # portod prints 6 digits
        ns = rng.randrange(1 << 63)
        assert ev.parse_ns(sv.nsec_to_string(ns)) == ns
    assert [ev.parse_bool(sv.bool_to_string(b)) for b in (True, False)] == [True, False]


def test_the_simulator_reads_what_the_exporter_writes() -> None:
    """What a client sends to SetProperty, in the exporter's formats, means the same to the simulator."""
    rng = random.Random(5)
    for _ in range(2_000):
        m = {k.replace(":", "").replace(";", ""): v for k, v in random_map(rng).items()}
        m = {k.strip(): v for k, v in m.items() if k.strip()}
        assert sv.string_to_uint_map(ev.format_uint_map(m)) == m
        cores = round(rng.uniform(0, 64), 4)
        assert sv.string_to_cpu_power(ev.format_cores(cores), HOST_CORES) == pytest.approx(cores, rel=1e-5)
        ns = rng.randrange(1 << 53)
        assert sv.string_to_nsec(ev.format_ns(ns)) == ns
    assert [sv.string_to_bool(ev.format_bool(b)) for b in (True, False)] == [True, False]
    labels = {"TEAM.name": "infra", "APP.tier": "web", "ENV.stage": ""}
    assert sv.string_to_string_map(ev.format_str_map({k: v for k, v in labels.items() if v})) == {
        "TEAM.name": "infra",
        "APP.tier": "web",
    }


def test_dates_print_alike() -> None:
    for t in (0, 1, 1_795_870_860, 2_000_000_000):
        assert sv.format_time(t) == ev.format_local_time(t)


def exporter_match(mask: str, name: str) -> bool | str:
    try:
        return exporter_masks.match(mask, name)
    except Exception as exc:  # what a bad mask does to the exporter
        return type(exc).__name__


def test_masks_match_alike() -> None:
    rng = random.Random(7)
    names = [*NAMES, "/", "x-m", "xm", "a]b"]
    masks = [m for m, _ in CASES] + [
        "".join(rng.choice("xym/ab*?[]!^-") for _ in range(rng.randint(1, 7))) for _ in range(3_000)
    ]
    differ = {}
    for mask in masks:
        for name in names:
            if simulator_masks.match(mask, name) != exporter_match(mask, name):
                differ[mask, name] = (simulator_masks.match(mask, name), exporter_match(mask, name))
    assert differ == {}


def test_the_masks_portod_got_wrong_once_match_alike() -> None:
    """A leading ``***`` (names ending with the rest) and a backwards range (matches nothing, no error), as the real
    portod 5.3.59 answered List (checked by hand: ``***/a`` listed ``<prefix>/a``, ``<prefix>/[b-a]`` nothing)."""
    name = "web/api-canary"
    assert simulator_masks.match("***-canary", name) and exporter_masks.match("***-canary", name)
    assert simulator_masks.match("[b-a]", "a") is False and exporter_match("[b-a]", "a") is False


def test_the_mask_check_can_fail(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(exporter_masks, "match", lambda mask, name: mask == name)  # no wildcards at all
    with pytest.raises(AssertionError):
        test_masks_match_alike()


def test_the_exporter_knows_the_states_portod_names() -> None:
    assert set(catalog.STATES) == set(STATES)


def test_a_wrong_state_list_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(catalog, "STATES", (*catalog.STATES[:-1], "runing"))
    with pytest.raises(AssertionError):
        test_the_exporter_knows_the_states_portod_names()


# The read planner's figures (porto.cost) and the simulator's (simulator.cost) come from the same calibration:
# a planner figure far from the measured one would plan reads on a wrong idea of what is cheap.
SHARED = ("FILTER_TRY_SECONDS", "NAME_LOOKUP_SECONDS", "STOPPED_BASE_SECONDS", "STOPPED_PER_PROPERTY_SECONDS")


def test_the_planners_costs_are_the_measured_ones() -> None:
    far = {
        n: (getattr(planner, n), getattr(model, n))
        for n in SHARED
        if getattr(planner, n) != pytest.approx(getattr(model, n), rel=0.25)
    }
    assert far == {}


def test_a_wrong_planner_cost_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(planner, "FILTER_TRY_SECONDS", planner.FILTER_TRY_SECONDS * 10)
    with pytest.raises(AssertionError):
        test_the_planners_costs_are_the_measured_ones()


def test_filter_tries_agree() -> None:
    """The planner's count of ListContainersBy tries and the simulator's (portod's loop), on filters without labels."""
    rng = random.Random(3)
    containers = ["/", *sorted(f"g{g}/c{c}" for g in range(5) for c in range(20)), *(f"g{g}" for g in range(5))]
    containers.sort(key=lambda n: (n != "/", n))
    pool = [*containers[1:], "***", "g1/***", "g2/*", "nope", "g3/c1?"]
    for _ in range(300):
        filters = rng.sample(pool, rng.randint(1, 12))
        tries, _ = planner.filter_tries(filters, containers)
        assert tries == model.filter_tries([model.Filter(f) for f in filters], [(n, {}) for n in containers])
