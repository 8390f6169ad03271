"""The alerting rules with your runbook's address in every ``runbook_url``.

    python3 deploy/prometheus/runbook_url.py \\
        --runbook-base-url https://git.example.com/ops/porto-exporter/blob/main/docs > /etc/prometheus/porto-alerts.yml

porto-exporter has no public home, so ``deploy/prometheus/porto-alerts.yml`` ships with a placeholder
base (``https://set-runbook-base-url.invalid``: ``.invalid`` never resolves, RFC 2606) that promtool
accepts and that says, in every notification, what is left to do. The base is where ``docs/runbook.md``
is served (the directory: ``/runbook.md#<alert>`` is appended), e.g. your fork's ``docs/`` on a git host,
or an internal wiki export. Needs only the Python standard library; the result passes
``promtool check rules`` and the unit tests in tests/rules (tests/test_runbook_url.py runs both).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from urllib.parse import urlsplit

RULES = Path(__file__).resolve().parent / "porto-alerts.yml"
PLACEHOLDER = "https://set-runbook-base-url.invalid"
LINE = re.compile(r"^([ \t]*runbook_url:[ \t]*)(\S+)/runbook\.md#([a-z0-9]+)[ \t]*$", re.M)


def check(base: str) -> str:
    """``base`` without a trailing slash, or ValueError when it is not an absolute http(s) or file URL."""
    parts = urlsplit(base)
    if parts.scheme not in ("http", "https", "file") or (parts.scheme != "file" and not parts.netloc):
        raise ValueError(f"--runbook-base-url {base!r}: an absolute http(s):// or file:// URL, please")
    if parts.query or parts.fragment or any(c.isspace() or c in "\"'" for c in base):
        raise ValueError(f"--runbook-base-url {base!r}: no query, fragment, quotes or spaces (an anchor is appended)")
    return base.rstrip("/")


def with_base(rules: str, base: str) -> str:
    """``rules`` (porto-alerts.yml's text) with every runbook_url on ``base``."""
    base = check(base)
    found = LINE.findall(rules)
    if not found:
        raise ValueError("no runbook_url lines of the form <base>/runbook.md#<alert> in the rules")
    return LINE.sub(lambda m: f"{m[1]}{base}/runbook.md#{m[3]}", rules)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--runbook-base-url", required=True, help="where docs/runbook.md is served (its directory)")
    p.add_argument("--rules", type=Path, default=RULES, help="the rules to rewrite (%(default)s)")
    p.add_argument("--out", type=Path, help="write here instead of stdout")
    args = p.parse_args(argv)
    try:
        text = with_base(args.rules.read_text(), args.runbook_base_url)
    except (OSError, ValueError) as exc:
        print(f"runbook_url.py: {exc}", file=sys.stderr)
        return 2
    if args.out is None:
        sys.stdout.write(text)
    else:
        args.out.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
