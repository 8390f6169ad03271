"""Log lines as node_exporter writes them: logfmt (the default) or JSON, RFC 3339 UTC times, level ``warn``."""

from __future__ import annotations

import json
import logging
import sys
import time


def _ts(record: logging.LogRecord) -> str:
    """RFC 3339 UTC with milliseconds, as node_exporter's logs write it."""
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z"


def _level(record: logging.LogRecord) -> str:
    """The level names of --log.level (warn, not warning)."""
    return {"WARNING": "warn", "CRITICAL": "error"}.get(record.levelname, record.levelname.lower())


class LogfmtFormatter(logging.Formatter):
    """``ts=... level=... logger=... msg="..."``: one line per record, a traceback folded into ``exc``."""

    def format(self, record: logging.LogRecord) -> str:
        msg = record.getMessage().replace('"', '\\"')
        line = f'ts={_ts(record)} level={_level(record)} logger={record.name} msg="{msg}"'
        if record.exc_info:
            line += ' exc="' + self.formatException(record.exc_info).replace("\n", "\\n").replace('"', "'") + '"'
        return line


class JsonFormatter(logging.Formatter):
    """One JSON object per record, with the logfmt line's keys."""

    def format(self, record: logging.LogRecord) -> str:
        doc = {"ts": _ts(record), "level": _level(record), "logger": record.name, "msg": record.getMessage()}
        if record.exc_info:
            doc["exc"] = self.formatException(record.exc_info)
        return json.dumps(doc)


def setup_logging(level: str, fmt: str) -> None:
    """Every logger to stderr at ``level`` (--log.level) in ``fmt`` (--log.format); aiohttp's access log quiet."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else LogfmtFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel({"warn": "WARNING"}.get(level, level.upper()))
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
