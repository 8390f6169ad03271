"""Inside an isolating namespace: the namespace's own top container in the place of ``/``.

``/`` answers from any namespace, and what it answers is the host's root: the whole machine's CPU, memory
and limits. An exporter inside a tenant's namespace must not export that as its own root, so the reader
leaves the host's root out (``containers.ContainersCollector`` excludes it from the reads) and this puts
the namespace's top container in its place: ``tenant`` for a namespace ``/porto/tenant/``, read with a v4
``Get`` of ``/porto/tenant`` (the one way portod 5.3.59 answers for a container above the namespace:
``ListContainersBy`` refuses the absolute name with ContainerDoesNotExist) and exported under its full
name, as the host's exporter does. Internally it keeps the root's place (the name ``/``: level 0 of the
exporter's view, every container's ancestor), so the selection, the hierarchy and the caches treat it as
they treat the root. A ``porto_namespace`` prefix that is not a container's name has no top: ``/`` is left
out and nothing takes its place. Its spec is read again when its change_time moves or anything in the
namespace changed (its totals are sums over the subtree).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence

from ..catalog import INFO_LABEL_PROPS, INFO_PROPS, ContainerMetric
from ..porto import errors
from ..porto.values import ValueFormatError, parse_controllers, parse_str_map
from .base import CollectContext
from .container_reads import CycleRead, Known, Reading, v4_items, v4_values
from .namespace import HOST_NAMESPACE, ROOT, Namespace
from .parse import v4_variable

log = logging.getLogger(__name__)


def _int(text: str | None) -> int:
    return int(text) if text is not None and text.lstrip("-").isdigit() else 0


class TopReader:
    """Reads the namespace's top container each cycle and puts it where the host's root was."""

    def __init__(self) -> None:
        self._problem: str | None = None  # the last reason the top could not be read (logged when it changes)

    async def substitute(
        self,
        ctx: CollectContext,
        ns: Namespace,
        read: CycleRead,
        fast: Sequence[ContainerMetric],
        spec: Sequence[ContainerMetric],
        cache: Mapping[str, Known],
    ) -> None:
        """Replace the host's root in ``read`` with ``ns``'s top container (named ``/``), or drop it."""
        readings = read.readings
        at = (
            0
            if readings and readings[0].name == ROOT
            else next((i for i, r in enumerate(readings) if r.name == ROOT), None)
        )
        read.changed.pop(ROOT, None)  # the host root's spec, if anything read it
        if at is None:
            return  # include masks that leave the root out: nothing in its place either
        top = ns.top
        reading = await self._read(ctx, top, read, fast, spec, cache) if top is not None else None
        if reading is None:
            del readings[at]
        else:
            readings[at] = reading

    async def _read(
        self,
        ctx: CollectContext,
        top: str,
        read: CycleRead,
        fast: Sequence[ContainerMetric],
        spec: Sequence[ContainerMetric],
        cache: Mapping[str, Known],
    ) -> Reading | None:
        name = HOST_NAMESPACE + top
        variables = list(dict.fromkeys(["state", "change_time[raw]", *(v4_variable(cm) for cm in fast)]))
        found = await self._get(ctx, name, variables)
        if found is None:
            return None
        vals, errs, _ = found
        r = Reading(ROOT, vals["state"], _int(vals.get("change_time[raw]")), v4_values(read.tally, fast, vals, errs))
        cached = cache.get(ROOT)
        if cached is None or cached.change_time != r.change_time or r.change_time >= cached.read_at or read.changed:
            spec_vars = list(
                dict.fromkeys(["state", "change_time[raw]", *INFO_PROPS, *(v4_variable(cm) for cm in spec)])
            )
            found = await self._get(ctx, name, spec_vars)
            if found is not None:
                read.changed[ROOT] = self._spec_reading(read, spec, *found)
        return r

    def _spec_reading(
        self,
        read: CycleRead,
        spec: Sequence[ContainerMetric],
        vals: dict[str, str],
        errs: dict[str, int] | None,
        timestamp: int,
    ) -> Reading:
        s = Reading(
            ROOT,
            vals["state"],
            _int(vals.get("change_time[raw]")),
            v4_values(read.tally, spec, vals, errs),
            read_at=timestamp,
        )
        s.info = {k: v for k in INFO_LABEL_PROPS if (v := vals.get(k)) is not None}
        try:
            labels, ctl = vals.get("labels"), vals.get("controllers")
            s.labels = parse_str_map(labels) if labels is not None else {}
            s.owned = frozenset(parse_controllers(ctl) if ctl is not None else ())
        except ValueFormatError:
            read.tally.parse_errors["labels/controllers"] += 1
            s.owned = frozenset()
        return s

    async def _get(
        self, ctx: CollectContext, name: str, variables: list[str]
    ) -> tuple[dict[str, str], dict[str, int] | None, int] | None:
        """(values, error codes, the reply's timestamp) of the top container; None when portod does not give it."""
        try:
            rsp = await ctx.client.get_raw([name], variables)
        except errors.SocketError:
            raise
        except errors.PortoError as exc:
            self._cannot(name, str(exc))
            return None
        for _, _, vals, errs in v4_items(rsp):
            if "state" in vals:
                self._problem = None
                return vals, errs, rsp.timestamp
            code = (errs or {}).get("state", 0)
            self._cannot(name, errors.error_for(code).name if code else "no state")
        return None

    def _cannot(self, name: str, why: str) -> None:
        if why != self._problem:
            log.warning(
                "containers: the namespace's top container %s could not be read (%s): the host's root / is "
                "left out and nothing is exported in its place",
                name,
                why,
            )
            self._problem = why
