"""Porto namespaces: a client whose process runs in a container, and what portod shows it.

From Porto's sources (``TContainer::GetPortoNamespace``, ``TClient::ResolveName`` / ``ComposeName``,
``IdentifyClient``) and checked on portod 5.3.59 (docs/deploying-in-porto.md):

- A client's namespace is a name prefix: walking up from its container, the first container with
  ``enable_porto`` isolate / read-isolate / self-isolate contributes its name and ``/``, and every
  ``porto_namespace`` on the way is prepended (a raw prefix, ``/`` or not). ``absolute_namespace`` is
  ``/porto/`` + it; on the host, and under read-only or true alone, it is ``/porto/``.
- Its access is the strictest ``enable_porto`` of its container and their ancestors; read-only and
  read-isolate refuse every write (``Permission``: "Write access denied").
- Names it sends are taken relative to the namespace (``self`` is its container, ``/`` the host's root,
  ``/porto/<full>`` absolute); names it is sent have the prefix cut off, or are ``/porto/<full>`` when
  outside the namespace (volume links and owners). ``List``, masks in ``Get``, ``FindLabel`` and the
  AsyncWait subscription see only the containers inside; ``ListContainersBy`` answers ``***`` with the
  host's root first, as everywhere, and a filter ``self`` or ``/porto/<full>`` with ContainerDoesNotExist;
  ``GetSystem``, volumes, layers and storages are the whole host's.

This module holds the model (what a container's namespace and access are); ``client_view`` places a
client connection in a container and translates its requests and replies around the ordinary handlers.
"""

from __future__ import annotations

from typing import Protocol

from ..porto import rpc_pb2 as pb
from .container import Container
from .host import HostError

HOST = "/porto/"
# enable_porto, the most restricted first (portod's EAccessLevel order)
ACCESS = ("false", "read-isolate", "read-only", "isolate", "self-isolate", "child-only", "true")
ISOLATING = ("read-isolate", "isolate", "self-isolate")
READ_ONLY = ("false", "read-isolate", "read-only")


def set_property(c: Container, prop: str, value: str) -> None:
    """SetProperty of ``enable_porto`` or ``porto_namespace``."""
    if prop == "porto_namespace":
        c.porto_namespace = value
        return
    level = {"full": "true", "none": "false"}.get(value, value)
    if level not in ACCESS:
        raise HostError(pb.InvalidValue, f"Invalid enable_porto value: {value}")
    c.enable_porto = level


def enable_porto(c: Container) -> str:
    """What portod prints: the container's own level, held to read-only (false) under a read-only (false) one."""
    if c.is_root:
        return "true"
    shown = c.enable_porto
    for a in c.ancestors():
        if a.enable_porto == "false":
            return "false"
        if a.enable_porto in ("read-isolate", "read-only") and ACCESS.index(shown) > ACCESS.index("read-only"):
            shown = "read-only"
    return shown


def porto_namespace(c: Container) -> str:
    """The name prefix this container's clients see names under (GetPortoNamespace; "" on the host)."""
    ns = ""
    node: Container | None = c
    while node is not None and not node.is_root:
        if node.enable_porto in ISOLATING:
            return node.name + "/" + ns
        ns = node.porto_namespace + ns
        node = node.parent
    return ns


def absolute_namespace(c: Container) -> str:
    return HOST + porto_namespace(c)


def access(c: Container) -> str:
    """A client's access: the strictest enable_porto of its container and their ancestors."""
    levels = [c.enable_porto, *(a.enable_porto for a in c.ancestors() if not a.is_root)]
    return min(levels, key=ACCESS.index) if not c.is_root else "true"


class ClientPlace(Protocol):
    """What a connection of a client placed in a container does (``client_view.ClientView``), as ``wire`` uses it."""

    def handle(self, body: bytes, conn: object, *, reloaded: bool = False) -> tuple[pb.TPortoResponse | None, float]:
        """The reply to one request body, names translated both ways (None: close without a reply)."""
        ...

    def push(self, rsp: pb.TPortoResponse) -> pb.TPortoResponse | None:
        """A push as the client gets it; None for a container outside its namespace."""
        ...
