"""Container name masks, matched as portod matches them: ``StringMatch`` in its src/util/string.cpp.

portod calls ``StringMatch(name, mask)`` with its defaults (not strict, ``FNM_PATHNAME``) for List,
ListContainersBy, FindLabel and Get's masks:

- ``***`` matches every name;
- a mask ending in ``***`` matches the names that start with the text before its first ``***``, taken
  literally (``a/***`` is a's subtree without a itself);
- a mask starting with ``***`` matches the names that end with the text after it, literally;
- anything else is fnmatch(3) with ``FNM_PATHNAME``: ``*`` (so also a ``***`` inside the mask) and ``?``
  stand for characters other than ``/``, ``[...]`` is a character class (``!`` or ``^`` negates it, ``]``
  first is a member, a class never matches ``/``; an unclosed ``[`` is itself), and ``\\`` makes the next
  character plain.

Which names are masks at all is the caller's business: Get and AsyncWait take a name as a mask only when it
has ``*`` or ``?``; List and ListContainersBy run every name through ``StringMatch``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

WILDCARDS = "*?["


def is_mask(name: str) -> bool:
    """Whether matching ``name`` can match anything but itself (a container name has no ``*``, ``?`` or ``[``)."""
    return any(ch in name for ch in WILDCARDS)


def match(mask: str, name: str) -> bool:
    return matcher(mask)(name)


@lru_cache(maxsize=4096)
def matcher(mask: str) -> Callable[[str], bool]:
    """``StringMatch`` for one mask, prepared once (portod's requests repeat their masks for every container)."""
    if mask == "***":
        return _anything
    if mask.endswith("***"):
        return _starts_with(mask[: mask.index("***")])
    if mask.startswith("***"):
        return _ends_with(mask[3:])
    return _fnmatch_pathname(mask)


def _anything(name: str) -> bool:
    return True


def _starts_with(prefix: str) -> Callable[[str], bool]:
    return lambda name: name.startswith(prefix)


def _ends_with(suffix: str) -> Callable[[str], bool]:
    return lambda name: name.endswith(suffix)


def _fnmatch_pathname(mask: str) -> Callable[[str], bool]:
    """fnmatch(mask, name, FNM_PATHNAME) == 0, as one compiled pattern."""
    pattern = re.compile("".join(_pieces(mask)) + r"\Z", re.DOTALL)
    return lambda name: pattern.match(name) is not None


def _pieces(mask: str) -> list[str]:
    """The mask read left to right into regular-expression pieces, none of whose wildcards can match ``/``."""
    out: list[str] = []
    i, end = 0, len(mask)
    while i < end:
        ch = mask[i]
        i += 1
        if ch == "*":
            while i < end and mask[i] == "*":  # a run of stars is one star
                i += 1
            out.append("[^/]*")
        elif ch == "?":
            out.append("[^/]")
        elif ch == "[":
            bracket = _bracket(mask, i)
            if bracket is None:
                out.append(re.escape("["))
            else:
                piece, i = bracket
                out.append(piece)
        elif ch == "\\" and i < end:
            out.append(re.escape(mask[i]))
            i += 1
        else:
            out.append(re.escape(ch))
    return out


def _bracket(mask: str, start: int) -> tuple[str, int] | None:
    """The class whose ``[`` is just before ``mask[start]``: (its piece, the index after its ``]``), or None when
    no ``]`` closes it."""
    i = start
    negated = i < len(mask) and mask[i] in "!^"
    if negated:
        i += 1
    members: list[str] = []
    first = True
    while i < len(mask):
        ch = mask[i]
        if ch == "]" and not first:
            body = "".join(members)
            if not body:  # only empty ranges: nothing matches, or (negated) anything but "/"
                return ("[^/]" if negated else "(?!)"), i + 1
            return (f"[^/{body}]" if negated else f"(?!/)[{body}]"), i + 1
        first = False
        if i + 2 < len(mask) and mask[i + 1] == "-" and mask[i + 2] != "]":  # a range; one running backwards is empty
            if ch <= mask[i + 2]:
                members.append(f"{_member(ch)}-{_member(mask[i + 2])}")
            i += 3
            continue
        members.append(_member(ch))
        i += 1
    return None


def _member(ch: str) -> str:
    """One character inside a regular-expression class, plain."""
    return "\\" + ch if ch in "\\]^-[" else ch
