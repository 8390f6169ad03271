"""Writes to portod (never retried): what tests and the demo use to shape a host; the exporter only reads."""

from __future__ import annotations

from . import rpc_pb2 as pb
from .transport import Transport


class WriteMethods(Transport):
    """Create, destroy, start, stop, kill, pause, resume containers; set properties and labels."""

    async def _write(self, request: pb.TPortoRequest, timeout: float | None = None) -> pb.TPortoResponse:
        return await self.call(request, timeout=timeout, idempotent=False)

    async def create(self, name: str, *, weak: bool = False) -> None:
        req = pb.TPortoRequest()
        (req.CreateWeak if weak else req.Create).name = name
        await self._write(req)

    async def destroy(self, name: str) -> None:
        req = pb.TPortoRequest()
        req.Destroy.name = name
        await self._write(req)

    async def set_property(self, name: str, prop: str, value: str) -> None:
        req = pb.TPortoRequest()
        req.SetProperty.name = name
        req.SetProperty.property = prop
        req.SetProperty.value = value
        await self._write(req)

    async def set_label(self, name: str, label: str, value: str) -> None:
        req = pb.TPortoRequest()
        req.SetLabel.name = name
        req.SetLabel.label = label
        req.SetLabel.value = value
        await self._write(req)

    async def start(self, name: str) -> None:
        req = pb.TPortoRequest()
        req.Start.name = name
        await self._write(req)

    async def stop(self, name: str) -> None:
        req = pb.TPortoRequest()
        req.Stop.name = name
        await self._write(req)

    async def kill(self, name: str, sig: int = 9) -> None:
        req = pb.TPortoRequest()
        req.Kill.name = name
        req.Kill.sig = sig
        await self._write(req)

    async def pause(self, name: str) -> None:
        req = pb.TPortoRequest()
        req.Pause.name = name
        await self._write(req)

    async def resume(self, name: str) -> None:
        req = pb.TPortoRequest()
        req.Resume.name = name
        await self._write(req)
