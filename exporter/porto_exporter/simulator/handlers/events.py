"""AsyncWait and StopAsyncWait: subscribing a connection to state-change pushes (PROTOCOL-NOTES section 10)."""

from __future__ import annotations

import asyncio

from ...porto import rpc_pb2 as pb
from ..daemon import Daemon, Handler
from ..events import Watch, push_message


def async_wait(d: Daemon, args: pb.TWaitRequest, rsp: pb.TPortoResponse, conn: object, now: float) -> float:
    """Subscribe: push the current state of every matching container (before this reply), then every change.

    ``timeout_ms: 0`` reports what matches now, then a ``timeout`` push, and does not subscribe; another timeout
    ends the subscription with a ``{name: "", state: "timeout"}`` push.
    """
    push = getattr(conn, "push", None)
    if push is None:  # a connection that cannot be pushed to (a direct call in a test)
        return 0.0
    host = d.host
    watch = Watch(push, tuple(args.name), tuple(args.label), args.target_state)
    current = [(c.name, c.state, c.labels) for c in host.containers()]
    sent = host.events.burst(watch, current, now)
    nonblock = args.HasField("timeout_ms") and args.timeout_ms == 0
    if nonblock:  # what matches now, then the end of it, all before the reply
        watch.push(push_message("", "timeout", now))
        host.events.pushed += 1
    elif not (watch.target_state and sent):  # a target_state already reached has fired
        host.events.subscribe(conn, watch)
        loop = asyncio.get_running_loop()
        if args.HasField("timeout_ms"):
            loop.call_later(args.timeout_ms / 1000, _expire, d, conn, watch)
        hooks, host.events.after_reply = host.events.after_reply, []
        for hook in hooks:  # the reply is written before the loop runs these (no await in between)
            loop.call_soon(hook)
    return d.cost.charge("AsyncWait", 0, 0, [], filters=len(args.name), tries=len(current) * len(args.name))


def _expire(d: Daemon, conn: object, watch: Watch) -> None:
    if d.host.events.watches.get(conn) is watch:
        d.host.events.unsubscribe(conn)
        watch.push(push_message("", "timeout", d.host.clock()))


def stop_async_wait(d: Daemon, args: pb.TWaitRequest, rsp: pb.TPortoResponse, conn: object, now: float) -> float:
    d.host.events.unsubscribe(conn)
    return 0.0


HANDLERS: dict[str, Handler] = {"AsyncWait": async_wait, "StopAsyncWait": stop_async_wait}
