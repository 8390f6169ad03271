"""Porto's wildcard masks, matched as portod matches them (``StringMatch`` in its util/string.cpp).

``***`` alone matches every name; a mask that ends in ``***`` matches the names starting with the text before its
first ``***``, taken literally (``a/***`` is ``a``'s subtree without ``a``; ``a*/***`` matches nothing but names
starting ``a*/``); one that starts with ``***`` the names ending with the rest, literally; any other mask is
fnmatch(3) with FNM_PATHNAME: ``*`` (also ``***`` inside a mask), ``?`` and ``[...]`` never match ``/``; a
range running backwards (``[b-a]``) matches nothing. Checked against portod 5.3.59's List and AsyncWait (tests/real).
"""

from __future__ import annotations

import re
import warnings
from functools import lru_cache

ANY = re.compile(r".*\Z", re.S)


def _bracket(mask: str, i: int) -> tuple[str, int] | None:
    """The ``[...]`` class starting at ``mask[i]`` as a regex class (never matching ``/``) and the index after it;
    None when it is not closed (then ``[`` is an ordinary character, as in fnmatch)."""
    j = i + 1
    negate = j < len(mask) and mask[j] in "!^"
    if negate:
        j += 1
    start = j
    while j < len(mask) and (mask[j] != "]" or j == start):  # a ']' right after '[' or '[!' is a member
        j += 1
    if j >= len(mask):
        return None
    members = mask[start:j].replace("\\", "\\\\").replace("^", "\\^").replace("[", "\\[").replace("]", "\\]")
    cls = f"[^/{members}]" if negate else f"(?!/)[{members}]"
    try:
        _compile(cls)
    except re.error:  # a range running backwards ([b-a]): fnmatch's class matches no character
        cls = "[^\\s\\S]" if not negate else "[^/]"
    return cls, j + 1


@lru_cache(maxsize=1024)
def mask_regex(mask: str) -> re.Pattern[str]:
    if mask == "***":
        return ANY
    if mask.endswith("***"):
        return re.compile(re.escape(mask[: mask.index("***")]) + r".*\Z", re.S)
    if mask.startswith("***"):
        return re.compile(r".*" + re.escape(mask[3:]) + r"\Z", re.S)
    out = []
    i = 0
    while i < len(mask):
        ch = mask[i]
        if ch == "*":
            out.append("[^/]*")
        elif ch == "?":
            out.append("[^/]")
        elif ch == "[" and (cls := _bracket(mask, i)) is not None:
            out.append(cls[0])
            i = cls[1]
            continue
        elif ch == "\\" and i + 1 < len(mask):  # fnmatch without FNM_NOESCAPE: the next character, literally
            i += 1
            out.append(re.escape(mask[i]))
        else:
            out.append(re.escape(ch))
        i += 1
    return _compile("".join(out) + r"\Z")


def _compile(pattern: str) -> re.Pattern[str]:
    """A class like ``[a--]`` is fnmatch's and fine; Python warns it may mean a set difference one day."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        return re.compile(pattern, re.S)


def is_mask(name: str) -> bool:
    return "*" in name or "?" in name or "[" in name


def match(mask: str, name: str) -> bool:
    return bool(mask_regex(mask).match(name))
