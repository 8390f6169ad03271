"""Volumes, layers and storages: plain records the handlers format."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Volume:
    path: str
    id: int
    backend: str
    place: str
    owner_container: str
    space_limit: int
    space_used: int
    inode_limit: int
    inode_used: int
    build_time: int
    storage: str = ""
    state: str = "ready"
    device_name: str = ""
    links: list[str] = field(default_factory=lambda: ["/"])
    private: str = ""
    read_only: bool = False
    layers: list[str] = field(default_factory=list)
    auto_path: bool = True

    @property
    def space_available(self) -> int:
        total = self.space_limit or 24 << 30
        return max(0, total - self.space_used)

    @property
    def inode_available(self) -> int:
        total = self.inode_limit or 65536
        return max(0, total - self.inode_used)


@dataclass
class Layer:
    name: str
    last_used: int
    private: str = ""


@dataclass
class MetaStorage:
    name: str
    place: str
    space_limit: int
    inode_limit: int
    space_used: int
    inode_used: int
    last_used: int
    private: str = ""
