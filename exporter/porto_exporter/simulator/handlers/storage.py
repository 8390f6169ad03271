"""Volumes, layers and storages: ListVolumes, GetVolume, ListLayers, ListStorages."""

from __future__ import annotations

from ...porto import rpc_pb2 as pb
from .. import names
from ..daemon import Daemon, Handler
from ..formatting import fill_volume_spec, volume_properties
from ..host import HostError


def list_volumes(d: Daemon, args: pb.TListVolumesRequest, rsp: pb.TPortoResponse, conn: object, now: float) -> float:
    """Every volume, or the one at ``path`` (a path, not a mask: no volume there is VolumeNotFound)."""
    if args.HasField("path") and args.path not in d.host.volumes and not names.is_mask(args.path):
        raise HostError(pb.VolumeNotFound, f"Volume {args.path} not found")
    for vol in sorted(d.host.volumes.values(), key=lambda v: v.path):  # portod's order: by path
        if args.HasField("path") and args.path != vol.path:
            continue
        if args.HasField("changed_since") and vol.build_time < args.changed_since:
            continue
        desc = rsp.ListVolumes.volumes.add(path=vol.path, change_time=vol.build_time)
        for key, value in volume_properties(vol).items():
            desc.properties[key] = value
        desc.containers.extend(vol.links)
        for link in vol.links:
            desc.links.add(container=link)
    return 0.0


def get_volume(d: Daemon, args: pb.TGetVolumeRequest, rsp: pb.TPortoResponse, conn: object, now: float) -> float:
    rsp.GetVolume.SetInParent()
    vols = d.host.volumes
    paths = list(args.path) or sorted(vols)  # all: by path, as portod lists them
    for path in paths:
        if path not in vols:
            raise HostError(pb.VolumeNotFound, f"Volume {path} not found")
    since = args.changed_since if args.HasField("changed_since") else None
    for path in paths:
        vol = vols[path]
        spec = rsp.GetVolume.volume.add(path=vol.path, container="/")
        spec.change_time = vol.build_time
        if since is not None and vol.build_time < since:
            spec.no_changes = True
            continue
        fill_volume_spec(vol, spec)
    return 0.0


def list_layers(d: Daemon, args: pb.TListLayersRequest, rsp: pb.TPortoResponse, conn: object, now: float) -> float:
    for layer in d.host.layers.values():
        if args.HasField("mask") and not names.match(args.mask, layer.name):
            continue
        rsp.ListLayers.layer.append(layer.name)
        rsp.ListLayers.layers.add(
            name=layer.name,
            owner_user="root",
            owner_group="root",
            last_usage=max(0, int(now) - layer.last_used),
            private_value=layer.private,
        )
    return 0.0


def list_storages(d: Daemon, args: pb.TListStoragesRequest, rsp: pb.TPortoResponse, conn: object, now: float) -> float:
    rsp.ListStorages.SetInParent()
    for st in d.host.storages.values():
        rsp.ListStorages.storages.add(
            name=st.name,
            owner_user="root",
            owner_group="root",
            last_usage=max(0, int(now) - st.last_used),
            private_value=st.private,
        )
    for ms in d.host.meta_storages.values():
        rsp.ListStorages.meta_storages.add(
            name=ms.name,
            place=ms.place,
            private_value=ms.private,
            space_limit=ms.space_limit,
            inode_limit=ms.inode_limit,
            space_used=ms.space_used,
            space_available=max(0, ms.space_limit - ms.space_used),
            inode_used=ms.inode_used,
            inode_available=max(0, ms.inode_limit - ms.inode_used),
            owner_user="root",
            owner_group="root",
            last_usage=max(0, int(now) - ms.last_used),
        )
    return 0.0


def remove_layer(d: Daemon, args: pb.TRemoveLayerRequest, rsp: pb.TPortoResponse, conn: object, now: float) -> float:
    if d.host.layers.pop(args.layer, None) is None:
        raise HostError(pb.LayerNotFound, f"Layer {args.layer} not found")
    return 0.0


def remove_storage(
    d: Daemon, args: pb.TRemoveStorageRequest, rsp: pb.TPortoResponse, conn: object, now: float
) -> float:
    if d.host.storages.pop(args.name, None) is None:
        raise HostError(pb.VolumeNotFound, f"Storage {args.name} not found")  # sic: portod's code for it
    return 0.0


HANDLERS: dict[str, Handler] = {
    "ListVolumes": list_volumes,
    "GetVolume": get_volume,
    "ListLayers": list_layers,
    "ListStorages": list_storages,
    "RemoveLayer": remove_layer,
    "RemoveStorage": remove_storage,
}
