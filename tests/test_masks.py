"""Porto masks matched as portod 5.3.59 matches them (its StringMatch in util/string.cpp). The same cases are
held against the real daemon's List and AsyncWait by tests/real/test_masks.py."""

from __future__ import annotations

import pytest

from porto_exporter.porto.masks import is_mask, match

NAMES = ["x", "x/after", "x/m", "x/m/a", "x/m/b", "x/meta", "y/m/r"]

# (mask, the names portod matched)
CASES = [
    ("***", NAMES),
    ("x/***", ["x/after", "x/m", "x/m/a", "x/m/b", "x/meta"]),  # the subtree, without x itself
    ("x***", NAMES[:6]),  # x and its subtree (and any name starting with "x")
    ("x/m***", ["x/m", "x/m/a", "x/m/b", "x/meta"]),  # a literal prefix: "x/meta" too
    ("x/m/***", ["x/m/a", "x/m/b"]),
    ("x/m/a***", ["x/m/a"]),
    ("?/***", []),  # before a trailing ***, the text is literal: no name starts with "?/"
    ("*/m/*", ["x/m/a", "x/m/b", "y/m/r"]),
    ("x/***/a", ["x/m/a"]),  # *** inside a mask is fnmatch's *: one level
    ("***/a", ["x/m/a"]),  # a leading *** : the names ending with the rest, literally
    ("***m", ["x/m"]),
    ("x/*", ["x/after", "x/m", "x/meta"]),
    ("?/m", ["x/m"]),
    ("[xy]/m", ["x/m"]),
    ("[!y]/m", ["x/m"]),
    ("[^x]/m/?", ["y/m/r"]),
    ("x/m/[a-b]", ["x/m/a", "x/m/b"]),
    ("x/m/[b-a]", []),  # a range running backwards matches nothing (and is no error)
    ("x/m/[!b-a]", ["x/m/a", "x/m/b"]),
    ("x[/]m", []),  # a class never matches '/'
    ("x/[m", []),  # an unclosed '[' is an ordinary character
]


@pytest.mark.parametrize(("mask", "matched"), CASES, ids=[c[0] for c in CASES])
def test_masks_match_as_portod_matches_them(mask: str, matched: list[str]) -> None:
    assert [n for n in NAMES if match(mask, n)] == matched


def test_what_is_a_mask() -> None:
    assert [is_mask(m) for m in ("***", "a/*", "a?", "[ab]", "a/b", "/")] == [True, True, True, True, False, False]
