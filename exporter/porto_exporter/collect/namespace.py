"""Where the exporter's client stands in Porto, and container names as the host sees them.

A process inside a Porto container talks to portod through its container's namespace: with
``enable_porto=isolate`` / ``read-isolate`` on the container or an ancestor, or an ancestor's
``porto_namespace`` (a raw name prefix), ``List``, ``ListContainersBy``, ``Get`` masks and AsyncWait
pushes show only the containers whose full name starts with the namespace, with that prefix cut off;
portod 5.3.59 gives ``absolute_namespace`` = ``/porto/`` + the prefix (``/porto/`` alone on the host or
without isolation), ``absolute_name`` = ``/porto/`` + the full name, ``level`` and ``parent`` absolute,
and names a container outside the namespace ``/porto/<full>`` (volume links and owners). ``/`` is the
host's root from any namespace (its counters are the whole host's). docs/deploying-in-porto.md has the
real daemon's answers.

The exporter names every series the way the host does (the full name, ``absolute_name`` without
``/porto/``), so series from an exporter inside a namespace and one on the host are the same series;
requests keep the names portod takes in the namespace. ``Namespace`` is what a Get of ``self`` says,
asked once per portod connection (``NamespaceLearner``: each collector that names containers keeps one).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from ..porto import PortoClient, errors

log = logging.getLogger(__name__)

ROOT = "/"
HOST_NAMESPACE = "/porto/"  # absolute_namespace on the host, and the prefix of every absolute name
# enable_porto values, the most restricted first: a client gets the strictest of its container and its
# ancestors (portod's client.cpp, IdentifyClient)
ACCESS = ("false", "read-isolate", "read-only", "isolate", "self-isolate", "child-only", "true")
SELF_PROPERTIES = ("absolute_name", "absolute_namespace", "enable_porto")


def strictest(levels: list[str]) -> str:
    """The most restricted of some enable_porto values (one portod does not know is skipped); "true" if none."""
    known = [level for level in levels if level in ACCESS]
    return min(known, key=ACCESS.index) if known else "true"


@dataclass(frozen=True, slots=True)
class Namespace:
    """The client's container (as the host names it: "/" on the host), its namespace and its access."""

    container: str = ROOT
    namespace: str = HOST_NAMESPACE  # absolute_namespace, as portod gives it
    enable_porto: str = "true"  # the strictest of the container's and its ancestors'

    @property
    def prefix(self) -> str:
        """What portod puts before a name this client sees to make the full name ("" on the host)."""
        ns = self.namespace
        return ns[len(HOST_NAMESPACE) :] if ns.startswith(HOST_NAMESPACE) else ""

    @property
    def isolated(self) -> bool:
        """Whether names are relative: then ``/`` is the host's root, not this namespace's."""
        return bool(self.prefix)

    @property
    def top(self) -> str | None:
        """The container whose subtree the namespace is (``a/b`` for ``/porto/a/b/``), by its full name.

        None on the host, and for a ``porto_namespace`` prefix that is not a container's name and ``/``.
        """
        prefix = self.prefix
        return prefix[:-1] if len(prefix) > 1 and prefix.endswith("/") else None

    def host_name(self, name: str) -> str:
        """A container name as portod gives it to this client -> as the host sees it (``/`` stays ``/``)."""
        if name.startswith(HOST_NAMESPACE):  # outside the namespace: portod names it absolutely
            return name[len(HOST_NAMESPACE) :]
        prefix = self.prefix
        if not prefix or not name or name == ROOT:
            return name
        return prefix + name


async def read_namespace(client: PortoClient) -> Namespace:
    """Ask portod where this client is: a Get of ``self``, then of its ancestors' enable_porto.

    A portod that does not give a value (older ones, a refused property) leaves the host's default in its
    place; a failed request raises (the cycle fails as its reads would).
    """
    entry = (await client.get(["self"], SELF_PROPERTIES)).containers[0]
    values = {k: v for k, v in entry.values.items() if isinstance(v, str)}
    absolute = values.get("absolute_name", ROOT)
    container = absolute[len(HOST_NAMESPACE) :] if absolute.startswith(HOST_NAMESPACE) else ROOT
    levels = [values["enable_porto"]] if "enable_porto" in values else []
    if container != ROOT:
        parts = container.split("/")
        above = [HOST_NAMESPACE + "/".join(parts[:i]) for i in range(1, len(parts))]
        if above:
            for ancestor in (await client.get(above, ["enable_porto"])).containers:
                level = ancestor.values.get("enable_porto")
                if isinstance(level, str):
                    levels.append(level)
    return Namespace(container, values.get("absolute_namespace", HOST_NAMESPACE), strictest(levels))


class NamespaceLearner:
    """The client's ``Namespace``, asked of portod once per connection (each connection may be a new portod).

    ``current`` is the last one learned (None before the first answer): a collector that cannot ask
    (portod away) keeps naming with it.
    """

    def __init__(self) -> None:
        self.current: Namespace | None = None
        self._at: int | None = None  # the client's generation (``ClientStats.generation``) when it was learned

    def _fresh(self, client: PortoClient) -> bool:
        stats = getattr(client, "stats", None)
        return self.current is not None and self._at == (stats.generation if stats is not None else 0)

    async def learn(self, client: PortoClient) -> Namespace:
        """The namespace, asked again when the client has connected anew since (a new portod, maybe)."""
        if self._fresh(client) and self.current is not None:
            return self.current
        try:
            found = await read_namespace(client)
        except errors.SocketError:
            raise
        except errors.PortoError as exc:
            found = self.current or Namespace()
            log.warning(
                "portod did not say where this client is (Get self: %s): container names are taken as the host's", exc
            )
        stats = getattr(client, "stats", None)
        self._at = stats.generation if stats is not None else 0
        self.current = found
        return found
