"""AsyncWait subscriptions: who is subscribed, and the pushes a state change or a label sends them.

Follows PROTOCOL-NOTES section 10: one subscription per connection (a new
AsyncWait replaces it), a push is a whole ``TPortoResponse`` carrying
``AsyncWait {name, state, when}`` plus ``exit_code`` / ``start_error`` /
label details, ``***`` never matches the root, ``target_state`` fires once,
``timeout_ms`` ends the subscription with a ``{name: "", state: "timeout"}``
push. Pushes are written to the connection as whole frames the moment they
happen, so they interleave with replies exactly where portod would put them.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from ..porto import rpc_pb2 as pb
from . import names

Push = Callable[[pb.TPortoResponse], None]


@dataclass
class Watch:
    """One connection's subscription."""

    push: Push
    masks: tuple[str, ...]
    labels: tuple[str, ...] = ()
    target_state: str = ""
    _patterns: tuple[Callable[[str], bool] | str, ...] = ()

    def __post_init__(self) -> None:
        # AsyncWait takes a name as a wildcard only when it has '*' or '?' (WaitContainers in portod's rpc.cpp):
        # portod 5.3.59 pushes nothing for "[xy]/m" (a name that does not exist), where List matches the same
        # text as a character class
        self._patterns = tuple(names.matcher(m) if "*" in m or "?" in m else m for m in self.masks)

    def wants(self, name: str) -> bool:
        if name == "/":
            return "/" in self.masks  # *** never matches the root
        return any(p == name if isinstance(p, str) else p(name) for p in self._patterns)

    def wants_label(self, label: str) -> bool:
        """Labels starting with a lower-case letter always; others when they match the label masks."""
        return label[:1].islower() or any(fnmatch.fnmatchcase(label, m) for m in self.labels)


def push_message(name: str, state: str, when: float, label: str = "", value: str = "") -> pb.TPortoResponse:
    rsp = pb.TPortoResponse(error=pb.Success)
    rsp.AsyncWait.name = name
    rsp.AsyncWait.state = state
    rsp.AsyncWait.when = int(when)
    if label:
        rsp.AsyncWait.label = label
        rsp.AsyncWait.value = value
    return rsp


class EventHub:
    """The subscriptions of every connection; ``publish`` is called by the host on each state change."""

    def __init__(self) -> None:
        self.watches: dict[object, Watch] = {}
        self.pushed = 0  # pushes sent, over all connections
        # The fault knob for the reply window: run once right after the next AsyncWait reply is written, so
        # the pushes they cause reach the subscriber in the same read as the reply (as they can from portod).
        self.after_reply: list[Callable[[], None]] = []

    def subscribe(self, conn: object, watch: Watch) -> None:
        self.watches[conn] = watch  # one per connection: a new one replaces the old

    def unsubscribe(self, conn: object) -> bool:
        return self.watches.pop(conn, None) is not None

    def publish(self, name: str, state: str, when: float, label: str = "", value: str = "") -> None:
        if not self.watches:
            return
        for conn, watch in list(self.watches.items()):
            if not watch.wants(name):
                continue
            if watch.target_state:
                if state != watch.target_state:
                    continue
                self.unsubscribe(conn)  # target_state fires once
            watch.push(push_message(name, state, when, label, value))
            self.pushed += 1

    def publish_label(self, name: str, state: str, when: float, label: str, value: str) -> None:
        for watch in list(self.watches.values()):
            if watch.wants(name) and not watch.target_state and watch.wants_label(label):
                watch.push(push_message(name, state, when, label, value))
                self.pushed += 1

    def burst(self, watch: Watch, current: Sequence[tuple[str, str, Mapping[str, str]]], when: float) -> int:
        """The current state of every matching container, one push each (before the reply); returns how many.

        With label masks, portod pushes only the containers that have a matching label: one push per such
        label (by name), with the label and its value.
        """
        sent = 0
        for name, state, labels in current:
            if not watch.wants(name) or (watch.target_state and state != watch.target_state):
                continue
            if watch.labels:
                for label in sorted(labels):
                    if any(fnmatch.fnmatchcase(label, m) for m in watch.labels):
                        watch.push(push_message(name, state, when, label, labels[label]))
                        sent += 1
                continue
            watch.push(push_message(name, state, when))
            sent += 1
        self.pushed += sent
        return sent
