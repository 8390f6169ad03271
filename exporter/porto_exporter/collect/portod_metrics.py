"""portod's own metrics endpoint (Prometheus text over HTTP on a unix socket, portod 5.3.59) -> porto_daemon_*.

portod answers ``GET /metrics`` on ``/run/portod_metrics.socket`` from one thread of its own, apart from its
request queues: it says whether requests queue for worker threads, and whether the exporter's reads are what
keeps them busy. Each cycle makes one request on a fresh connection (closed after the reply: portod's metrics
server has a single thread, which a kept-alive connection would hold), with a deadline and a size cap, and
parses the text with prometheus_client's parser. Only the families in the catalog's
``PORTOD_ENDPOINT_METRICS`` are re-exported (milliseconds as seconds); the rest say what GetSystem says.

The read must not hold the cycle back (the scraper waits for every collector): a hung endpoint, there exactly
when portod struggles, would make every cycle ``TIMEOUT`` late and the container data that much staler. So
each read runs in a task of its own: a cycle starts one (unless one is still going), waits for it while the
other collectors run (and ``grace`` at least), and serves the latest read that has ended, whenever it ended; a
read still going goes on in the background, up to its own ``TIMEOUT``, and the next cycle takes its outcome.
One read at a time: a hung endpoint costs one connection, and one failure per ``TIMEOUT``, not one per cycle.

An older portod has no such socket: the collector then serves nothing and says so once, at info. A read that
fails (refused, hung, HTTP error, too big, not Prometheus text) is counted by reason when it ends; while it is
the latest read, none of portod's families is served and the collector reports the failure to the scraper
(which logs it once per reason): its success gauge is the latest read's outcome, its data age the age of the
last good read (``read_at``, for a good read served from an earlier cycle). A read that works skips and counts
the samples it cannot use, so the exposition stays well-formed whatever portod writes.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections import Counter
from dataclasses import dataclass, field

import aiohttp
from prometheus_client.parser import text_string_to_metric_families

from ..catalog import PORTOD_ENDPOINT_LEFT_OUT, PORTOD_ENDPOINT_METRICS, PORTOD_METRICS_ERRORS, EndpointMetric
from ..samples import Batch, LabelSet, Scaled
from .base import CollectContext, Collector, Degraded, Sample

log = logging.getLogger(__name__)

DEFAULT_METRICS_SOCKET = "/run/portod_metrics.socket"
MAX_BODY = 256 << 10  # portod 5.3.59 writes ~3 KB; a client_patterns list adds a few lines per client name
INLINE = 32 << 10  # a bigger body is parsed in a worker thread (1 ms per 3 KB: the event loop keeps serving)
MAX_SERIES = 2_000  # of portod's families kept per read
TIMEOUT = 5.0  # seconds for connect, request and the whole reply (the cycle's own deadline may be shorter)
GRACE = 0.05  # seconds a cycle waits for its read at least (portod answers in ms), then while others run
URL = "http://localhost/metrics"  # the host is not used on a unix socket; portod serves /metrics only
_BY_SAMPLE = {em.portod: em for em in PORTOD_ENDPOINT_METRICS}
_KNOWN = frozenset({*_BY_SAMPLE, *(name for name, _ in PORTOD_ENDPOINT_LEFT_OUT)})
_MAX_UNKNOWN = 200  # unknown family names remembered (each logged once); more are not logged


class EndpointError(Exception):
    """A read of the endpoint that failed as a whole; ``reason`` is the label it is counted under."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


async def fetch(path: str, timeout: float = TIMEOUT, limit: int = MAX_BODY) -> bytes | None:
    """The body of ``GET /metrics`` on the unix socket ``path``; None when there is no socket file there.

    Raises EndpointError for anything but a whole 200 reply of at most ``limit`` bytes within ``timeout``.
    Compression is refused (a small reply gains nothing, and a compressed bomb would pass the cap).
    """
    connector = aiohttp.UnixConnector(path=path, force_close=True)
    try:
        async with (
            aiohttp.ClientSession(
                connector=connector, timeout=aiohttp.ClientTimeout(total=timeout), auto_decompress=False
            ) as session,
            session.get(
                URL, headers={"Accept-Encoding": "identity", "Connection": "close"}, allow_redirects=False
            ) as rsp,
        ):
            if rsp.status != 200:
                raise EndpointError("http_status", f"HTTP {rsp.status} {rsp.reason or ''}".rstrip())
            if rsp.content_length is not None and rsp.content_length > limit:
                raise EndpointError("too_large", f"a reply of {rsp.content_length} bytes, over {limit}")
            body = bytearray()
            async for chunk in rsp.content.iter_any():
                body += chunk
                if len(body) > limit:
                    raise EndpointError("too_large", f"a reply over {limit} bytes")
            return bytes(body)
    except aiohttp.ClientConnectorError as exc:
        if isinstance(exc.os_error, FileNotFoundError):
            return None
        raise EndpointError("unreachable", f"cannot connect: {exc.os_error.strerror or exc.os_error}") from None
    except TimeoutError:
        raise EndpointError("timeout", f"no whole reply within {timeout:g}s") from None
    except aiohttp.ClientError as exc:  # a malformed status line or headers, a connection cut mid-reply
        lines = str(getattr(exc, "message", "") or exc).strip().splitlines()
        detail = lines[0].rstrip(":") if lines else type(exc).__name__
        raise EndpointError("bad_response", f"a broken HTTP reply: {detail}") from None


@dataclass
class Parsed:
    """One good read: the batch to serve, samples skipped by reason, family names this exporter does not map."""

    batch: Batch
    skipped: Counter[str] = field(default_factory=Counter)
    unknown: set[str] = field(default_factory=set)
    why: list[str] = field(default_factory=list)  # the first few skipped samples, each with its reason

    def skip(self, reason: str, what: str) -> None:
        self.skipped[reason] += 1
        if len(self.why) < 3:
            self.why.append(what)


def parse(text: str, max_series: int = MAX_SERIES) -> Parsed:
    """portod's exposition text -> our families. Raises ValueError when the text is not Prometheus text."""
    try:
        families = list(text_string_to_metric_families(text))
    except Exception as exc:  # the parser raises ValueError, and IndexError/KeyError on some malformed lines
        raise ValueError(f"{type(exc).__name__}: {exc}") from None
    out = Parsed(Batch())
    seen: set[tuple[str, tuple[tuple[str, str], ...]]] = set()
    kept = 0
    for family in families:
        for sample in family.samples:
            em = _BY_SAMPLE.get(sample.name)
            if em is None:
                if family.name in _BY_SAMPLE or family.name + "_total" in _BY_SAMPLE:  # the parser renamed it
                    out.skip("bad_sample", f"{family.name}: typed {family.type}")
                elif not {sample.name, family.name, family.name + "_total"} & _KNOWN:
                    out.unknown.add(sample.name)
                continue
            labels = _labels(em, sample.labels)
            value = sample.value
            shown = f"{sample.name}{dict(sample.labels) or ''}"
            if family.type != em.metric.type:
                out.skip("bad_sample", f"{shown}: typed {family.type}, not {em.metric.type}")
                continue
            if labels is None:
                out.skip("bad_sample", f"{shown}: a label not of {em.metric.labels}")
                continue
            if not math.isfinite(value) or value < 0:
                out.skip("bad_sample", f"{shown}: value {value}")
                continue
            if (em.metric.name, labels) in seen:
                out.skip("bad_sample", f"{shown}: given twice")
                continue
            if kept >= max_series:
                out.skip("too_many_series", f"{shown}: over {max_series} series")
                continue
            seen.add((em.metric.name, labels))
            kept += 1
            if em.ms:  # whole milliseconds: exact seconds with 3 decimals
                column = out.batch.scaled(em.metric.name, em.metric.decimals)
                column.keys.append(LabelSet(labels))
                column.values.append(Scaled(round(value)))
            else:
                out.batch.add(em.metric.name, labels, int(value) if float(value).is_integer() else value)
    return out


def _labels(em: EndpointMetric, given: dict[str, str]) -> tuple[tuple[str, str], ...] | None:
    """The sample's labels in the catalog's order (an empty value is no label); None if one is not declared."""
    if not given.keys() <= set(em.metric.labels):
        return None
    return tuple((name, given[name]) for name in em.metric.labels if given.get(name))


@dataclass
class Read:
    """One read of the endpoint that has ended: what it gave, or why not, and when it ended (``time.time()``)."""

    at: float
    parsed: Parsed | None = None  # None with no error: no socket there (an older portod)
    error: EndpointError | None = None


class PortodMetricsCollector(Collector):
    """Reads portod's metrics endpoint each cycle, when there is one, in the background past ``grace``."""

    name = "portod_metrics"
    asks_portod = False  # another socket: porto_up stays about portod's API (and an old portod has no endpoint)

    def __init__(
        self,
        socket_path: str = DEFAULT_METRICS_SOCKET,
        *,
        timeout: float = TIMEOUT,
        limit: int = MAX_BODY,
        grace: float = GRACE,
    ) -> None:
        self.socket_path = socket_path
        self.timeout = timeout
        self.limit = limit
        self.grace = grace  # past ``timeout``: each cycle waits for the end of the read it started
        self.errors: Counter[str] = Counter()  # process lifetime, by reason: porto_exporter_portod_metrics_errors
        self.present: bool | None = None  # None until the first read: each change is logged once, at info
        self._unknown: set[str] = set()
        self._skipping = ""  # the skipped samples last warned about
        self._last_good = time.time()
        self._reading: asyncio.Task[Read] | None = None  # the read going on, if any
        self._latest: Read | None = None  # the last read that ended
        self._read_at: float | None = None  # when the good read collect() last returned was made

    async def collect(self, ctx: CollectContext) -> Batch:
        started = time.time()
        self._take_ended()  # a read that went on past an earlier cycle's grace
        if self._reading is None:
            self._reading = asyncio.create_task(self._read(), name="portod metrics read")
        # the read, or the rest of the cycle (and the grace), whichever ends first; the read is not cancelled
        rest = asyncio.create_task(self._rest_of_cycle(ctx), name="portod metrics read: the rest of the cycle")
        try:
            await asyncio.wait({self._reading, rest}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            rest.cancel()
        self._take_ended()
        return self._serve(started)

    async def _rest_of_cycle(self, ctx: CollectContext) -> None:
        """Until the cycle's other collectors have ended, and ``grace`` has passed."""
        loop = asyncio.get_running_loop()
        until = loop.time() + self.grace
        await ctx.progress.others_done(self.name)
        await asyncio.sleep(max(0.0, until - loop.time()))

    def read_at(self) -> float | None:
        return self._read_at

    async def close(self) -> None:
        if self._reading is not None:
            self._reading.cancel()
            await asyncio.gather(self._reading, return_exceptions=True)
            self._reading = None

    async def _read(self) -> Read:
        """One read, start to end; whatever happens is in the result (a task nobody awaits must not raise)."""
        try:
            body = await fetch(self.socket_path, self.timeout, self.limit)
            if body is None:
                return Read(time.time())
            try:
                text = body.decode("utf-8")
                parsed = parse(text) if len(body) <= INLINE else await asyncio.to_thread(parse, text)
            except (UnicodeDecodeError, ValueError) as exc:
                raise EndpointError("unparsable", f"not Prometheus text: {exc}") from None
        except EndpointError as exc:
            return Read(time.time(), error=exc)
        return Read(time.time(), parsed)

    def _take_ended(self) -> None:
        """The outcome of the read that ended, once: counted, logged, and served from now on."""
        task = self._reading
        if task is None or not task.done():
            return
        self._reading = None
        read = task.result()  # _read returns whatever happens (a bug in it: raised here, the scraper says so)
        self._latest = read
        if read.error is not None:
            self.errors[read.error.reason] += 1
            return
        self._presence(read.parsed is not None)
        if read.parsed is not None:
            self.errors.update(read.parsed.skipped)
            self._note_skipped(read.parsed)
            self._note_unknown(read.parsed.unknown)
            self._last_good = read.at

    def _serve(self, started: float) -> Batch:
        """What the latest read that ended gave; a failure (or no read ended yet) fails the collector. A good read
        that ended before this cycle's ``started`` is served with its own time (``read_at``)."""
        self._read_at = None
        read = self._latest
        if read is None:
            raise Degraded(
                f"{self.socket_path}: no reply yet (the read goes on, up to {self.timeout:g}s)",
                self._errors(),
                self._last_good,
            )
        if read.error is not None:
            raise Degraded(f"{self.socket_path}: {read.error}", self._errors(), self._last_good)
        if read.parsed is None:
            return self._errors()
        self._read_at = read.at if read.at < started else None
        batch = Batch()  # a copy: the same read may be served by several cycles, each batch its own
        batch.extend(read.parsed.batch)
        batch.extend(self._errors())
        return batch

    def _errors(self) -> Batch:
        """The failure counter, served whether the read worked or not (absent until something failed)."""
        return Batch.of(
            Sample(PORTOD_METRICS_ERRORS.name, (("reason", reason),), n) for reason, n in sorted(self.errors.items())
        )

    def _presence(self, present: bool) -> None:
        if present == self.present:
            return
        if present:
            log.info(
                "portod serves its own metrics at %s: re-exporting them as porto_daemon_requests_* and friends",
                self.socket_path,
            )
        else:
            log.info(
                "no portod metrics endpoint at %s (an older portod has none, 5.3.15 for one; or the socket "
                "is not visible here): nothing to re-export until it appears",
                self.socket_path,
            )
        self.present = present

    def _note_skipped(self, parsed: Parsed) -> None:
        """Samples skipped: a warning when what is skipped changes (the same again each cycle: debug)."""
        said = "; ".join(parsed.why)
        if not parsed.skipped:
            self._skipping = ""
            return
        counts = ", ".join(f"{n} {reason}" for reason, n in sorted(parsed.skipped.items()))
        level = logging.DEBUG if said == self._skipping else logging.WARNING
        log.log(level, "portod metrics at %s: skipped %s (not served, counted): %s", self.socket_path, counts, said)
        self._skipping = said

    def _note_unknown(self, names: set[str]) -> None:
        new = sorted(names - self._unknown)[: max(0, _MAX_UNKNOWN - len(self._unknown))]
        if new:
            self._unknown.update(new)
            log.info(
                "portod metrics at %s: families this exporter does not re-export: %s", self.socket_path, ", ".join(new)
            )
