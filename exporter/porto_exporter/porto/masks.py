"""Porto's wildcard masks: ``***`` any depth, ``*`` within one level, ``?`` one character."""

from __future__ import annotations

import re
from functools import lru_cache


@lru_cache(maxsize=1024)
def mask_regex(mask: str) -> re.Pattern[str]:
    out = []
    i = 0
    while i < len(mask):
        if mask.startswith("***", i):
            out.append(".*")
            i += 3
        elif mask[i] == "*":
            out.append("[^/]*")
            i += 1
        elif mask[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(mask[i]))
            i += 1
    return re.compile("^" + "".join(out) + "$")


def is_mask(name: str) -> bool:
    return "*" in name or "?" in name


def match(mask: str, name: str) -> bool:
    return bool(mask_regex(mask).match(name))
