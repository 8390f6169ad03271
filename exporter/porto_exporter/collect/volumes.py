"""Volumes -> porto_volume_* (typed GetVolume; ListVolumes strings, without the build time, when it is missing).

portod lists every volume of the host to a client in any namespace (5.3.59), naming their containers
relative to the client's namespace (``/porto/<full>`` outside it): ``owner_container`` is exported as
the host names it, like the ``container`` label of every series (``namespace``).
"""

from __future__ import annotations

from ..catalog import VOLUME_GAUGES, VOLUME_INFO
from ..porto import errors
from ..porto import rpc_pb2 as pb
from .base import Batch, CollectContext, Collector, Sample
from .namespace import Namespace, NamespaceLearner

# ListVolumes (v4) property names for the TVolumeSpec paths used by VOLUME_GAUGES.
_V4_NAMES = {
    "space.usage": "space_used",
    "space.limit": "space_limit",
    "space.guarantee": "space_guarantee",
    "space.available": "space_available",
    "inodes.usage": "inode_used",
    "inodes.limit": "inode_limit",
    "inodes.guarantee": "inode_guarantee",
    "inodes.available": "inode_available",
}
_OPTIONAL = {"space.limit", "space.guarantee", "inodes.limit", "inodes.guarantee"}  # 0 means none


class VolumesCollector(Collector):
    name = "volumes"

    def __init__(self) -> None:
        self._typed = True
        self.where = NamespaceLearner()  # asked once per connection

    async def collect(self, ctx: CollectContext) -> Batch:
        ns = await self.where.learn(ctx.client)
        if self._typed:
            try:
                rsp = await ctx.client.get_volume()
                return Batch.of(s for v in rsp.GetVolume.volume for s in self._typed_samples(v, ns))
            except errors.InvalidMethod:
                self._typed = False
        volumes = await ctx.client.list_volumes()
        return Batch.of(s for v in volumes for s in self._string_samples(ctx, v, ns))

    def _typed_samples(self, v: pb.TVolumeSpec, ns: Namespace) -> list[Sample]:
        vol = (("volume", v.path),)
        info = (
            *vol,
            ("id", v.id),
            ("backend", v.backend),
            ("place", v.place),
            ("storage", v.storage),
            ("owner_container", ns.host_name(v.owner_container)),
            ("state", v.state),
            ("read_only", str(v.read_only).lower()),
        )
        out = [Sample(VOLUME_INFO.name, info, 1)]
        for metric, path, _help in VOLUME_GAUGES:
            if path == "links":
                value: int = len(v.links)
            elif path == "build_time":
                value = v.build_time
            else:
                part, leaf = path.split(".")
                msg = getattr(v, part)
                if not v.HasField(part) or not msg.HasField(leaf):
                    continue
                value = getattr(msg, leaf)
                if path in _OPTIONAL and value == 0:
                    continue
            out.append(Sample(metric, vol, value))
        return out

    def _string_samples(self, ctx: CollectContext, v: pb.TVolumeDescription, ns: Namespace) -> list[Sample]:
        p = dict(v.properties)
        vol = (("volume", v.path),)
        info = (
            *vol,
            ("id", p.get("id", "")),
            ("backend", p.get("backend", "")),
            ("place", p.get("place", "")),
            ("storage", p.get("storage", "")),
            ("owner_container", ns.host_name(p.get("owner_container", ""))),
            ("state", p.get("state", "")),
            ("read_only", p.get("read_only", "")),
        )
        out = [Sample(VOLUME_INFO.name, info, 1)]
        for metric, path, _help in VOLUME_GAUGES:
            if path == "links":
                out.append(Sample(metric, vol, (len(v.links) or len(v.containers))))
                continue
            if path == "build_time":
                # not exported: ListVolumes has build_time only as a local time string without a zone
                # ("2026-11-28 13:01:15"), and change_time is when the volume last changed, not when it was built
                continue
            text = p.get(_V4_NAMES[path])
            if text is None:
                continue
            try:
                value = int(text)
            except ValueError:
                ctx.parse_errors[_V4_NAMES[path]] += 1
                continue
            if not (path in _OPTIONAL and value == 0):
                out.append(Sample(metric, vol, value))
        return out
