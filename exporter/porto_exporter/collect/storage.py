"""Layers, storages and meta-storages -> porto_layer_*, porto_storage_*, porto_meta_storage_*."""

from __future__ import annotations

from ..catalog import LAYER_IDLE, LAYERS, META_STORAGE_GAUGES, STORAGE_IDLE, STORAGES
from .base import Batch, CollectContext, Collector, Sample


class StorageCollector(Collector):
    name = "storage"

    async def collect(self, ctx: CollectContext) -> Batch:
        layers = await ctx.client.list_layers()
        storages = await ctx.client.list_storages()
        named = list(layers.layers)
        out = [Sample(LAYERS.name, (), (len(named) or len(layers.layer)))]
        out += [Sample(LAYER_IDLE.name, (("layer", la.name),), la.last_usage) for la in named]
        out.append(Sample(STORAGES.name, (), (len(storages.storages))))
        out += [Sample(STORAGE_IDLE.name, (("storage", st.name),), st.last_usage) for st in storages.storages]
        for ms in storages.meta_storages:
            labels = (("meta_storage", ms.name),)
            for metric, field, _help in META_STORAGE_GAUGES:
                if ms.HasField(field):
                    out.append(Sample(metric, labels, getattr(ms, field)))
        return Batch.of(out)
