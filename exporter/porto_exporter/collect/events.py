"""Lifecycle events -> porto_container_exits_total, starts_total, start_failures_total, porto_events_*.

A container that starts and dies between two cycles never shows in a sample;
portod pushes every state change to an AsyncWait subscriber, with the exit
code when a container dies (-99: OOM kill, -N: signal N). The counters are
updated as pushes arrive (between and during cycles) and each cycle serves
their current values. Cardinality is bounded: ``group`` is the container name
cut to ``group_depth`` levels, and past ``max_groups`` distinct groups new ones
are counted under ``~other``.

When the subscription comes back after a loss, portod's initial burst (the
current state of every container) is compared with the last state seen: a
container now dead that was not dead before died unseen; its exit code is read
with one batched Get on the next cycle and counted then. Containers that were
created and destroyed entirely while disconnected cannot be recovered.
"""

from __future__ import annotations

from collections import Counter

from ..catalog import (
    CONTAINER_EXITS,
    CONTAINER_START_FAILURES,
    CONTAINER_STARTS,
    EVENTS_CONNECTED,
    EVENTS_RECEIVED,
    EVENTS_RECONNECTS,
)
from ..porto.errors import PortoError
from ..porto.subscription import StateChange, Subscription
from .base import Batch, CollectContext
from .read_plan import chunks

OTHER = "~other"  # '~' is not allowed in Porto names: never a real group
MAX_GROUPS = 1000


def exit_reason(code: int) -> str:
    """What an exit_code push means: -99 OOM kill, -N signal N, 0 success, else failure."""
    if code == -99:
        return "oom"
    if code < 0:
        return "signal"
    return "success" if code == 0 else "failure"


class EventsCollector:
    """Counts container exits and starts from an AsyncWait subscription kept open between cycles."""

    name = "events"
    asks_portod = False  # serves counters it holds: porto_up is not its to set (porto_events_connected is)

    def __init__(self, group_depth: int = 1, masks: tuple[str, ...] = ("***",), max_groups: int = MAX_GROUPS) -> None:
        if group_depth < 1:
            raise ValueError(f"group depth must be at least 1, got {group_depth}")
        self.group_depth = group_depth
        self.masks = masks
        self.max_groups = max_groups
        self.exits: Counter[tuple[str, str]] = Counter()
        self.starts: Counter[str] = Counter()
        self.start_failures: Counter[str] = Counter()
        self.bad_exit_codes = 0  # pushes whose exit_code is not a number: skipped, counted as parse errors
        self.subscription: Subscription | None = None
        self._groups: set[str] = set()
        self._states: dict[str, str] = {}  # last state seen per container
        self._seen: set[str] = set()  # containers in the current burst
        self._baseline = False  # a first burst has been seen: later bursts are compared with it
        self._unseen_deaths: set[str] = set()  # dead in a re-subscription burst, exit code still to read

    def group(self, name: str) -> str:
        group = "/".join(name.split("/", self.group_depth)[: self.group_depth])
        if group not in self._groups:
            if len(self._groups) >= self.max_groups:
                return OTHER
            self._groups.add(group)
        return group

    # --- pushes -----------------------------------------------------------

    def on_change(self, change: StateChange) -> None:
        name, state = change.name, change.state
        if not name:  # {name: "", state: "timeout"}: only with timeout_ms, which is never sent
            return
        if change.initial:
            self._seen.add(name)
            if self._baseline and state == "dead" and self._states.get(name) != "dead":
                self._unseen_deaths.add(name)
            self._states[name] = state
            return
        if state == "destroyed":
            self._states.pop(name, None)
            self._unseen_deaths.discard(name)
        else:
            self._states[name] = state
        if state == "starting":
            self.starts[self.group(name)] += 1
        if change.label == "exit_code" and state in ("dead", "respawning"):
            self._count_exit(name, change.value)
        elif change.label == "start_error":
            self.start_failures[self.group(name)] += 1

    def _count_exit(self, name: str, value: str) -> None:
        try:
            code = int(value)
        except ValueError:
            self.bad_exit_codes += 1
            return
        self.exits[(self.group(name), exit_reason(code))] += 1

    def on_subscribed(self) -> None:
        """The burst is over: what was known and is not in it was destroyed while we were away."""
        for name in self._states.keys() - self._seen:
            del self._states[name]
        self._seen = set()
        self._baseline = True

    def on_lost(self) -> None:
        self._seen = set()

    # --- cycles -----------------------------------------------------------

    async def collect(self, ctx: CollectContext) -> Batch:
        client = ctx.client
        if self.subscription is None:
            self.subscription = Subscription(client.socket_path, self.on_change, masks=self.masks,
                                             on_subscribed=self.on_subscribed, on_lost=self.on_lost,
                                             timeout=client.timeout)  # fmt: skip
            self.subscription.start()
        if self._unseen_deaths:
            await self._read_unseen_deaths(ctx)
        if self.bad_exit_codes:
            ctx.parse_errors["exit_code"] += self.bad_exit_codes
            self.bad_exit_codes = 0
        return self.samples()

    async def _read_unseen_deaths(self, ctx: CollectContext) -> None:
        """Exit codes of containers that died while the subscription was down (read-only Get, chunked)."""
        names = sorted(self._unseen_deaths)
        for part in chunks(names):
            result = await ctx.client.get(part, ["exit_code"])
            for entry in result.containers:
                value = entry.values.get("exit_code")
                if isinstance(value, PortoError):
                    ctx.property_errors[("exit_code", value.name)] += 1
                elif isinstance(value, str):
                    self._count_exit(entry.name, value)
            self._unseen_deaths.difference_update(part)

    def samples(self) -> Batch:
        out = Batch()
        for (group, reason), n in sorted(self.exits.items()):
            out.add(CONTAINER_EXITS.name, (("group", group), ("reason", reason)), n)
        for group, n in sorted(self.starts.items()):
            out.add(CONTAINER_STARTS.name, (("group", group),), n)
        for group, n in sorted(self.start_failures.items()):
            out.add(CONTAINER_START_FAILURES.name, (("group", group),), n)
        stats = self.subscription.stats if self.subscription is not None else None
        out.add(EVENTS_CONNECTED.name, (), 1 if stats is not None and stats.connected else 0)
        out.add(EVENTS_RECEIVED.name, (), stats.received if stats is not None else 0)
        out.add(EVENTS_RECONNECTS.name, (), max(0, stats.subscriptions - 1) if stats is not None else 0)
        return out

    async def close(self) -> None:
        if self.subscription is not None:
            await self.subscription.close()
