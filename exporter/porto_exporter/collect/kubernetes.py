"""Kubernetes pods and containers as portoshim (Porto's CRI shim) stores them: Porto labels -> who they are.

portoshim (github.com/ten-nancy/portoshim ``cmd/portoshim/runtime_mapper.go``; the older in-tree
``portodshim/runtime_mapper.go`` of yandex/porto does the same) makes each pod a Porto container named
``<pod name[:58]>-<4 hex>`` (under ``Porto.ParentContainer`` when one is configured, else at level 1)
and each of its containers a child ``<pod>/<container name[:58]>-<4 hex>``. Every Kubernetes label
and annotation becomes a Porto label ``LABEL.<key>`` / ``ANNOTATION.<key>`` with key and value in raw
(unpadded) standard base64; the kubelet's ``io.kubernetes.pod.{name,namespace,uid}`` are on the pod and
on each container, ``io.kubernetes.container.name`` on containers only. Newer builds add ``INFRA.engine:
k8s`` in plain text. portod refuses ``+``, ``/`` and ``=`` in label names and values (InvalidLabel), so a
pod whose encoded labels have one is never created (names, uids and plain label values never do; an
annotation with ``?``, ``>``, ``~`` or non-ASCII text may): what a real portod holds never has them. The
URL-safe alphabet, the only one portod would take whole, is read too.

Only the four names above are looked up (their encoded Porto label names are fixed), so garbage in any
other label costs nothing; Kubernetes labels beyond them are decoded only when ``--kubernetes.labels-
allowlist`` asks for them. A container whose identity cannot be read (bad base64, a name missing) is
skipped, never raised: logged and counted (``porto_exporter_parse_errors_total{property="labels"}``) once per
container and fault, however many cycles it lasts (its spec is re-read when it changes: the same fault
again is not counted again; mended, then broken, is).
"""

from __future__ import annotations

import base64
import binascii
import logging
from collections.abc import Mapping
from typing import Literal

from ..samples import Labels
from .labels import LabelAllowlist

Mode = Literal["auto", "on", "off"]
MODES: tuple[Mode, ...] = ("auto", "on", "off")
log = logging.getLogger(__name__)

POD_NAMESPACE = "io.kubernetes.pod.namespace"
POD_NAME = "io.kubernetes.pod.name"
POD_UID = "io.kubernetes.pod.uid"
CONTAINER_NAME = "io.kubernetes.container.name"
LABEL = "LABEL."
ENGINE = ("INFRA.engine", "k8s")  # portoshim's plain-text mark on pods and containers
PARSE_ERROR_PROPERTY = "labels"  # the porto_exporter_parse_errors_total{property} a skip is counted under
MAX_WARNED = 10_000  # containers remembered as logged; past this the memory starts over


def encode(text: str) -> str:
    """As portoshim's ``convertBase64``: raw standard base64 (no padding)."""
    return base64.b64encode(text.encode()).decode().rstrip("=")


def decode(value: str) -> str:
    """Raw base64 (standard or URL-safe alphabet, unpadded) -> UTF-8 text; ValueError saying why not."""
    if "-" in value or "_" in value:
        value = value.replace("-", "+").replace("_", "/")
    if len(value) % 4 == 1:
        raise ValueError(f"{value!r} is not base64 (length {len(value)})")
    try:
        raw = base64.b64decode(value + "=" * (-len(value) % 4), validate=True)
    except binascii.Error as exc:
        raise ValueError(f"{value!r} is not base64 ({exc})") from None
    try:
        return raw.decode()
    except UnicodeDecodeError:
        raise ValueError(f"{value!r} is base64 of bytes that are not UTF-8") from None


KEYS = {name: LABEL + encode(name) for name in (POD_NAMESPACE, POD_NAME, POD_UID, CONTAINER_NAME)}


def identify(labels: Mapping[str, str], allowlist: LabelAllowlist | None = None) -> Labels | None:
    """A container's Kubernetes identity as the info metric's labels (after ``container``), or None.

    None: not made by portoshim. ``kubernetes_container`` is "" on a pod. ValueError says why a container
    portoshim made (one of its labels present) cannot be identified.
    """
    found = {name: labels.get(key) for name, key in KEYS.items()}
    if not any(v is not None for v in found.values()) and labels.get(ENGINE[0]) != ENGINE[1]:
        return None
    wanted = (POD_NAMESPACE, POD_NAME, POD_UID) + ((CONTAINER_NAME,) if found[CONTAINER_NAME] is not None else ())
    missing = [name for name in wanted if not found[name]]
    if missing:
        raise ValueError(f"no {', '.join(missing)} label (Porto LABEL.{', LABEL.'.join(encode(m) for m in missing)})")
    values: dict[str, str] = {}
    for name in wanted:
        try:
            values[name] = decode(found[name] or "")
        except ValueError as exc:
            raise ValueError(f"{name}: {exc}") from None
    out: Labels = (
        ("namespace", values[POD_NAMESPACE]),
        ("pod", values[POD_NAME]),
        ("uid", values[POD_UID]),
        ("kubernetes_container", values.get(CONTAINER_NAME, "")),
    )
    if allowlist is not None and allowlist.patterns:
        out += allowlist.select(_kubernetes_labels(labels))
    return out


def _kubernetes_labels(labels: Mapping[str, str]) -> dict[str, str]:
    """Every ``LABEL.*`` decoded (Kubernetes labels, not annotations); undecodable ones are left out."""
    out = {}
    for key, value in labels.items():
        if key.startswith(LABEL):
            try:
                out[decode(key[len(LABEL) :])] = decode(value)
            except ValueError:
                continue  # not ours to judge: only the identity's labels make a skip
    return out


class Kubernetes:
    """``--kubernetes.mode`` and ``--kubernetes.labels-allowlist``: the info metric's labels per container.

    ``auto`` and ``on`` decode every container's labels when its spec is read (a few dict lookups) and
    export what portoshim made; ``on`` also warns when a whole cycle found no pod (the exporter is not
    beside portoshim's portod, or cannot see its containers). ``off`` decodes nothing.
    """

    def __init__(self, mode: Mode = "auto", labels_allowlist: tuple[str, ...] = ()) -> None:
        if mode not in MODES:
            raise ValueError(f"kubernetes mode {mode!r}: expected one of {', '.join(MODES)}")
        self.mode = mode
        self.allowlist = LabelAllowlist(labels_allowlist, "pod labels")
        self.pending = 0  # faults found since the last end_cycle
        self.warned: dict[str, str] = {}  # containers skipped -> why (counted and logged again when it changes)
        self.pods_seen = False
        self._told = False  # the first pods found (auto), or none found (on), has been logged

    def info_labels(self, name: str, labels: Mapping[str, str]) -> Labels:
        """The kubernetes info metric's labels after ``container`` for this container, or () for none."""
        if self.mode == "off":
            return ()
        try:
            found = identify(labels, self.allowlist)
        except ValueError as exc:
            self._skip(name, str(exc))
            return ()
        if found is None:
            return ()
        self.warned.pop(name, None)
        self.pods_seen = True
        return found

    def _skip(self, name: str, why: str) -> None:
        if self.warned.get(name) != why:
            if len(self.warned) >= MAX_WARNED:
                self.warned.clear()
            self.warned[name] = why
            self.pending += 1
            log.warning(
                "kubernetes: container %s has portoshim's labels but no readable pod identity (%s): "
                "no porto_container_kubernetes_info for it",
                name,
                why,
            )

    def end_cycle(self, parse_errors: dict[str, int]) -> None:
        """After a cycle's samples are made: add the faults it found to ``parse_errors``."""
        if self.pending:
            parse_errors[PARSE_ERROR_PROPERTY] = parse_errors.get(PARSE_ERROR_PROPERTY, 0) + self.pending
            self.pending = 0
        if self._told or self.mode == "off":
            return
        self._told = True
        if self.pods_seen:
            log.info("kubernetes: portoshim's pods found: porto_container_kubernetes_info is exported")
        elif self.mode == "on":
            log.warning(
                "kubernetes: --kubernetes.mode=on, but no container carries portoshim's labels "
                "(io.kubernetes.pod.* as LABEL.<base64>): is portoshim's portod the one at --porto.socket, "
                "and are its pods within --containers.include?"
            )
        else:
            self._told = False  # auto: say so when the first pods come
