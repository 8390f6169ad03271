"""Version + GetSystem -> porto_daemon_*."""

from __future__ import annotations

from ..catalog import DAEMON_INFO, SYSTEM_FIELDS
from .base import Batch, CollectContext, Collector, Sample


class SystemCollector(Collector):
    name = "system"

    async def collect(self, ctx: CollectContext) -> Batch:
        client = ctx.client
        version = await client.version()
        system = await client.get_system()
        samples = [
            Sample(
                DAEMON_INFO.name,
                (("version", version.tag), ("revision", version.revision), ("kernel", system.kernel_version)),
                1,
            )
        ]
        for field, metric, _type, _help, label in SYSTEM_FIELDS:
            if not system.HasField(field):
                continue
            labels = (label,) if label else ()
            samples.append(Sample(metric, labels, getattr(system, field)))
        return Batch.of(samples)
