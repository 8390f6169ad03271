"""Asyncio client for portod's unix socket: the read requests the exporter makes, typed.

The transport (``transport.Transport``: pool, deadlines, reconnect with
backoff, one retry of reads) and the writes (``writes.WriteMethods``, for
tests and the demo) live apart; ``PortoClient`` is both plus the reads.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from . import errors
from . import rpc_pb2 as pb
from .transport import DEFAULT_SOCKET, ClientStats, MethodStats
from .writes import WriteMethods

__all__ = ["DEFAULT_SOCKET", "ClientStats", "GetEntry", "GetResult", "MethodStats", "PortoClient"]


@dataclass(frozen=True, slots=True)
class GetEntry:
    """One container in a v4 Get reply; a value is a string or the typed error portod gave."""

    name: str
    values: dict[str, str | errors.PortoError]
    change_time: int
    no_changes: bool


@dataclass(frozen=True, slots=True)
class GetResult:
    timestamp: int
    containers: list[GetEntry]


class PortoClient(WriteMethods):
    """Talks to portod. Safe to share between tasks; ``max_connections`` bounds parallelism."""

    # --- reads (idempotent: retried once) --------------------------------

    async def _read(self, request: pb.TPortoRequest, timeout: float | None) -> pb.TPortoResponse:
        return await self.call(request, timeout=timeout, idempotent=True)

    async def version(self, *, timeout: float | None = None) -> pb.TVersionResponse:
        req = pb.TPortoRequest()
        req.Version.SetInParent()
        return (await self._read(req, timeout)).Version

    async def get_system(self, *, timeout: float | None = None) -> pb.TGetSystemResponse:
        req = pb.TPortoRequest()
        req.GetSystem.SetInParent()
        return (await self._read(req, timeout)).GetSystem

    async def list(
        self, mask: str | None = None, *, changed_since: int | None = None, timeout: float | None = None
    ) -> list[str]:
        req = pb.TPortoRequest()
        req.List.SetInParent()
        if mask is not None:
            req.List.mask = mask
        if changed_since is not None:
            req.List.changed_since = changed_since
        return list((await self._read(req, timeout)).List.name)

    async def get_raw(
        self,
        names: Sequence[str],
        variables: Sequence[str],
        *,
        changed_since: int | None = None,
        nonblock: bool = False,
        sync: bool = False,
        real: bool = False,
        timeout: float | None = None,
    ) -> pb.TPortoResponse:
        """The v4 Get as portod's raw reply (for callers that parse lazily)."""
        req = pb.TPortoRequest()
        get = req.Get
        get.name.extend(names)
        get.variable.extend(variables)
        if changed_since is not None:
            get.changed_since = changed_since
        if nonblock:
            get.nonblock = True
        if sync:
            get.sync = True
        if real:
            get.real = True
        return await self._read(req, timeout)

    async def get(
        self,
        names: Sequence[str],
        variables: Sequence[str],
        *,
        changed_since: int | None = None,
        nonblock: bool = False,
        sync: bool = False,
        real: bool = False,
        timeout: float | None = None,
    ) -> GetResult:
        """The v4 Get; per-value errors come back as exception instances, not raised."""
        rsp = await self.get_raw(
            names, variables, changed_since=changed_since, nonblock=nonblock, sync=sync, real=real, timeout=timeout
        )
        entries = []
        for item in rsp.Get.list:
            values: dict[str, str | errors.PortoError] = {}
            for kv in item.keyval:
                values[kv.variable] = errors.error_for(kv.error, kv.errorMsg) if kv.error else kv.value
            entries.append(GetEntry(item.name, values, item.change_time, item.no_changes))
        return GetResult(rsp.timestamp, entries)

    async def list_containers_by(
        self,
        filters: Iterable[str | pb.TListContainersFilter] = ("***",),
        properties: Sequence[str] | None = None,
        *,
        timeout: float | None = None,
    ) -> pb.TPortoResponse:
        """The v5 ListContainersBy; the reply's ``timestamp`` is the next changed_since cursor."""
        req = pb.TPortoRequest()
        lcb = req.ListContainersBy
        for flt in filters:
            if isinstance(flt, str):
                lcb.filters.add(name=flt)
            else:
                lcb.filters.add().CopyFrom(flt)
        if properties is not None:
            lcb.field_options.properties.extend(properties)
        return await self._read(req, timeout)

    async def list_volumes(
        self, path: str | None = None, container: str | None = None, *, timeout: float | None = None
    ) -> builtins.list[pb.TVolumeDescription]:
        req = pb.TPortoRequest()
        req.ListVolumes.SetInParent()
        if path is not None:
            req.ListVolumes.path = path
        if container is not None:
            req.ListVolumes.container = container
        return list((await self._read(req, timeout)).ListVolumes.volumes)

    async def get_volume(
        self,
        paths: Sequence[str] = (),
        container: str | None = None,
        *,
        changed_since: int | None = None,
        timeout: float | None = None,
    ) -> pb.TPortoResponse:
        req = pb.TPortoRequest()
        req.GetVolume.SetInParent()
        req.GetVolume.path.extend(paths)
        if container is not None:
            req.GetVolume.container = container
        if changed_since is not None:
            req.GetVolume.changed_since = changed_since
        return await self._read(req, timeout)

    async def list_layers(
        self, place: str | None = None, mask: str | None = None, *, timeout: float | None = None
    ) -> pb.TListLayersResponse:
        req = pb.TPortoRequest()
        req.ListLayers.SetInParent()
        if place is not None:
            req.ListLayers.place = place
        if mask is not None:
            req.ListLayers.mask = mask
        return (await self._read(req, timeout)).ListLayers

    async def list_storages(
        self, place: str | None = None, mask: str | None = None, *, timeout: float | None = None
    ) -> pb.TListStoragesResponse:
        req = pb.TPortoRequest()
        req.ListStorages.SetInParent()
        if place is not None:
            req.ListStorages.place = place
        if mask is not None:
            req.ListStorages.mask = mask
        return (await self._read(req, timeout)).ListStorages

    async def list_properties(self, *, timeout: float | None = None) -> builtins.list[str]:
        """The container properties this portod knows (ListProperties), in its order."""
        req = pb.TPortoRequest()
        req.ListProperties.SetInParent()
        return [e.name for e in (await self._read(req, timeout)).ListProperties.list]

    async def list_data_properties(self, *, timeout: float | None = None) -> builtins.list[str]:
        """The read-only (data) properties this portod knows (ListDataProperties), in its order."""
        req = pb.TPortoRequest()
        req.ListDataProperties.SetInParent()
        return [e.name for e in (await self._read(req, timeout)).ListDataProperties.list]

    async def get_property(self, name: str, prop: str, *, timeout: float | None = None) -> str:
        req = pb.TPortoRequest()
        req.GetProperty.name = name
        req.GetProperty.property = prop
        return (await self._read(req, timeout)).GetProperty.value
