"""Version + GetSystem -> porto_daemon_*; where the exporter's client is -> porto_exporter_namespace_info.

GetSystem is daemon-wide: the same numbers from any Porto namespace (checked on portod 5.3.59).
"""

from __future__ import annotations

from ..catalog import DAEMON_INFO, NAMESPACE_INFO, SYSTEM_FIELDS
from .base import Batch, CollectContext, Collector, Sample
from .namespace import NamespaceLearner


class SystemCollector(Collector):
    name = "system"

    def __init__(self) -> None:
        self.where = NamespaceLearner()  # asked once per connection

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
        ns = await self.where.learn(client)
        where = (("self", ns.container), ("namespace", ns.namespace), ("enable_porto", ns.enable_porto))
        samples.append(Sample(NAMESPACE_INFO.name, where, 1))
        for field, metric, _type, _help, label in SYSTEM_FIELDS:
            if not system.HasField(field):
                continue
            labels = (label,) if label else ()
            samples.append(Sample(metric, labels, getattr(system, field)))
        return Batch.of(samples)
