"""Container requests: lifecycle writes (Create .. SetLabel) and reads (List, Get, ListContainersBy, Wait ...)."""

from __future__ import annotations

from typing import Any

from ...porto import rpc_pb2 as pb
from .. import names, setters
from ..container import STATES, Container
from ..cost import Filter, filter_tries
from ..daemon import Daemon, Handler
from ..defaults import ROOT_STATUS_UNKNOWN, STATUS_UNKNOWN, fill_defaults
from ..formatting import available, base_property, read_v4
from ..frame import Frame
from ..host import HostError
from ..properties import PROPERTIES, STAT, V5_ONLY, View


def _resolve(d: Daemon, name: str) -> Container:
    return d.host.root if name in ("/", "self") else d.host.get(name)


def _known_state(state: str) -> str:
    """A state named in a request; one portod does not name is refused."""
    if state not in STATES:
        raise HostError(pb.InvalidValue, f"Unknown container state: {state}")
    return state


def _on_host(method: str) -> Handler:
    """Create, Destroy, Start, Stop, Pause, Resume: one Host method applied to the request's name."""

    def handler(d: Daemon, args: Any, rsp: pb.TPortoResponse, conn: object, now: float) -> float:
        getattr(d.host, method)(args.name)
        return 0.0

    return handler


def create_weak(d: Daemon, args: pb.TCreateRequest, rsp: pb.TPortoResponse, conn: object, now: float) -> float:
    d.host.create(args.name, weak_owner=conn)
    return 0.0


def kill(d: Daemon, args: pb.TKillRequest, rsp: pb.TPortoResponse, conn: object, now: float) -> float:
    d.host.kill(args.name, args.sig)
    return 0.0


def set_property(d: Daemon, args: pb.TSetPropertyRequest, rsp: pb.TPortoResponse, conn: object, now: float) -> float:
    c = _resolve(d, args.name)
    setters.set_property(d.host, c, args.property, args.value)
    c.change_time = int(now)
    return 0.0


def set_label(d: Daemon, args: pb.TSetLabelRequest, rsp: pb.TPortoResponse, conn: object, now: float) -> float:
    rsp.SetLabel.SetInParent()  # portod sends it empty with an error, too
    try:  # the label first, the container after (portod's order)
        names.check_label(args.label, args.value)
    except names.NameError_ as exc:
        raise HostError(pb.InvalidLabel, str(exc)) from exc
    c = _resolve(d, args.name)
    prev = c.labels.get(args.label, "")
    if args.HasField("prev_value") and prev != args.prev_value:
        raise HostError(pb.Busy, f"label {args.label} is {prev!r}, not {args.prev_value!r}")
    if args.HasField("state") and c.state != _known_state(args.state):
        raise HostError(pb.InvalidState, f"container is {c.state}, not {args.state}")
    if args.value:
        c.labels[args.label] = args.value
    else:
        c.labels.pop(args.label, None)
    c.change_time = int(now)
    d.host.events.publish_label(c.name, c.state, now, args.label, args.value)
    rsp.SetLabel.prev_value = prev
    rsp.SetLabel.state = c.state
    return 0.0


def list_names(d: Daemon, args: pb.TListRequest, rsp: pb.TPortoResponse, conn: object, now: float) -> float:
    mask = args.mask if args.HasField("mask") else "***"
    for c in d.host.match(mask, include_root=False):
        if args.HasField("changed_since") and c.change_time < args.changed_since:
            continue
        if not c.is_root:
            rsp.List.name.append(c.name)
    d.cost.charge("List", 0, len(rsp.List.name), [])
    return 0.0


def get_property(d: Daemon, args: pb.TGetPropertyRequest, rsp: pb.TPortoResponse, conn: object, now: float) -> float:
    c = _resolve(d, args.name)
    frame = Frame(d.host, now)
    code, text = read_v4(View(d.host, frame, c), args.property)
    if code:
        raise HostError(code, text)
    rsp.GetProperty.value = text
    return 0.0


def get_data_property(
    d: Daemon, args: pb.TGetDataPropertyRequest, rsp: pb.TPortoResponse, conn: object, now: float
) -> float:
    c = _resolve(d, args.name)
    code, text = read_v4(View(d.host, Frame(d.host, now), c), args.data)
    if code:
        raise HostError(code, text)
    rsp.GetDataProperty.value = text
    return 0.0


def get(d: Daemon, args: pb.TGetRequest, rsp: pb.TPortoResponse, conn: object, now: float) -> float:
    host = d.host
    # portod answers the plain names first, in the order asked (repeats too), then every container the masks
    # match, once each, sorted by name
    targets: list[tuple[str, Container | None]] = []
    matched: dict[str, Container] = {}
    for name in args.name:
        if names.is_mask(name):
            matched.update((c.name, c) for c in host.match(name, include_root=False))
        elif name in ("/", "self"):
            targets.append((name, host.root))
        else:
            targets.append((name, host.by_name.get(name)))
    targets += [(n, matched[n]) for n in sorted(matched)]
    target: Container | None
    variables = list(args.variable)
    needs_frame = any(base_property(v) in PROPERTIES and PROPERTIES[base_property(v)].when == STAT for v in variables)
    frame = Frame(host, now) if needs_frame else Frame.empty(host, now)
    running = stopped = 0
    since = args.changed_since if args.HasField("changed_since") else None
    for shown, target in targets:
        item = rsp.Get.list.add(name=shown)
        if target is None:
            for var in variables:
                item.keyval.add(variable=var, error=pb.ContainerDoesNotExist, errorMsg=f"container {shown} not found")
            continue
        c = target
        item.change_time = c.change_time
        if since is not None and c.change_time < since:
            item.no_changes = True
            stopped += 1
            continue
        if c.has_stats:
            running += 1
        else:
            stopped += 1
        view = View(host, frame, c)
        for var in variables:
            code, text = read_v4(view, var)
            if code:
                item.keyval.add(variable=var, error=code, errorMsg=text)
            else:
                item.keyval.add(variable=var, value=text)
    masks = sum(1 for name in args.name if names.is_mask(name))
    return d.cost.charge(
        "Get",
        running,
        stopped,
        [base_property(v) for v in variables],
        filters=len(args.name),
        tries=masks * (len(host.by_name) - 1),
        lookups=len(args.name) - masks,
    )


def list_containers_by(
    d: Daemon, args: pb.TListContainersRequest, rsp: pb.TPortoResponse, conn: object, now: float
) -> float:
    host = d.host
    rsp.ListContainersBy.SetInParent()
    chosen: list[Container] = []
    missing: list[str] = []
    seen: set[int] = set()
    for flt in args.filters:
        mask = flt.name if flt.HasField("name") else "***"
        found = host.match(mask, include_root=True)
        if mask in ("/", "self"):
            found = [host.root]
        if not found and not names.is_mask(mask):
            missing.append(mask)
        want = {e.key: e.val for e in flt.labels.map}
        for c in found:
            if want and any(c.labels.get(k) != v for k, v in want.items()):
                continue
            if c.id not in seen:
                seen.add(c.id)
                chosen.append(c)
    chosen.sort(key=lambda c: (not c.is_root, c.name))
    props = list(args.field_options.properties)
    every = not props
    wanted = list(PROPERTIES) if every else props
    unknown = [p for p in wanted if (p not in PROPERTIES and p not in V5_ONLY) or p in host.unknown_properties]
    needs_frame = every or any(p in PROPERTIES and PROPERTIES[p].when == STAT for p in wanted)
    frame = Frame(host, now) if needs_frame else Frame.empty(host, now)
    running = 0
    for c in chosen:
        item = rsp.ListContainersBy.containers.add()
        spec, st = item.spec, item.status
        spec.name = c.name
        view = View(host, frame, c)
        if c.has_stats:
            running += 1
        for name in wanted:
            if name == "stdout" and c.has_stats and not every:
                opts = args.field_options.stdout_options
                text = read_v4(view, "stdout")[1]
                offset = opts.stdstream_offset
                limit = opts.stdstream_limit if opts.HasField("stdstream_limit") else 8 << 20
                st.std_out = text[offset : offset + limit]
                continue
            if name in V5_ONLY:
                if c.state == "dead":
                    V5_ONLY[name](view, spec, st)
                continue
            prop = PROPERTIES.get(name)
            if prop is None or prop.v5 is None or not available(prop, c) or name in host.unknown_properties:
                continue
            prop.v5(view, spec, st)
        if every:
            if c.state == "dead":
                V5_ONLY["dead_time"](view, spec, st)
            fill_defaults(c, spec, st)
            if c.has_stats:
                st.MergeFromString(ROOT_STATUS_UNKNOWN if c.is_root else STATUS_UNKNOWN)
        for name in unknown:
            st.error.add(error=pb.InvalidProperty, msg=f"Unknown property {name}")
    for name in missing:
        item = rsp.ListContainersBy.containers.add()
        item.spec.name = name
        item.error.error = pb.ContainerDoesNotExist
        item.error.msg = f"container {name} not found"
    order = [host.root, *host.containers()]  # portod's order: the root, then by name
    tried = [
        Filter(f.name if f.HasField("name") else "***", {e.key: e.val for e in f.labels.map}) for f in args.filters
    ]
    tries = filter_tries(tried, [(c.name, c.labels) for c in order])
    return d.cost.charge(
        "ListContainersBy", running, len(chosen) - running, wanted, filters=len(args.filters), tries=tries
    )


def find_label(d: Daemon, args: pb.TFindLabelRequest, rsp: pb.TPortoResponse, conn: object, now: float) -> float:
    rsp.FindLabel.SetInParent()
    mask = args.mask if args.HasField("mask") else "***"
    for c in d.host.match(mask, include_root=False):
        if args.HasField("state") and c.state != _known_state(args.state):
            continue
        for label in sorted(c.labels):
            if names.match(args.label, label) and (not args.HasField("value") or c.labels[label] == args.value):
                rsp.FindLabel.list.add(name=c.name, state=c.state, label=label, value=c.labels[label])
    return 0.0


def wait(d: Daemon, args: pb.TWaitRequest, rsp: pb.TPortoResponse, conn: object, now: float) -> float:
    # Only the non-blocking form: report the first matching container that is not running.
    rsp.ClearField("errorMsg")
    rsp.ClearField("timestamp")
    rsp.Wait.SetInParent()
    for mask in args.name:
        for c in d.host.match(mask, include_root=False):
            if c.state in ("stopped", "dead"):
                rsp.Wait.name = c.name
                rsp.Wait.state = c.state
                rsp.Wait.when = int(now)
                return 0.0
    rsp.Wait.name = ""  # none of them: portod names no container, and says when it gave up
    rsp.Wait.state = "timeout"
    rsp.Wait.when = int(now)
    return 0.0


HANDLERS: dict[str, Handler] = {
    "Create": _on_host("create"),
    "CreateWeak": create_weak,
    "Destroy": _on_host("destroy"),
    "Start": _on_host("start"),
    "Stop": _on_host("stop"),
    "Kill": kill,
    "Pause": _on_host("pause"),
    "Resume": _on_host("resume"),
    "SetProperty": set_property,
    "SetLabel": set_label,
    "List": list_names,
    "GetProperty": get_property,
    "GetDataProperty": get_data_property,
    "Get": get,
    "ListContainersBy": list_containers_by,
    "FindLabel": find_label,
    "Wait": wait,
}
