"""The alerting rules with your runbook's address in every ``runbook_url``.

    python3 deploy/prometheus/runbook_url.py \\
        --runbook-base-url https://git.example.com/ops/porto-exporter/blob/main/docs \\
        --out /etc/prometheus/porto-alerts.yml

``--out`` replaces the file atomically (a temporary file beside it, then a rename) and only once the rules are
made: on any error the old file stays as it was. Do not redirect stdout onto the rules Prometheus loads
(``> /etc/prometheus/porto-alerts.yml``): the shell empties the file before this script runs, so a refused
URL leaves an empty file that promtool passes ("0 rules found") and a reload drops every alert.

porto-exporter has no public home, so ``deploy/prometheus/porto-alerts.yml`` ships with a placeholder
base (``https://set-runbook-base-url.invalid``: ``.invalid`` never resolves, RFC 2606) that promtool
accepts and that says, in every notification, what is left to do. The base is where ``docs/runbook.md``
is served (the directory: ``/runbook.md#<alert>`` is appended), e.g. your fork's ``docs/`` on a git host,
or an internal wiki export; a base given as the runbook's own address (``.../docs/runbook.md``) is taken as
its directory (``.../docs``), with a note on stderr. Needs only the Python standard library; the result passes
``promtool check rules`` and the unit tests in tests/rules (tests/test_runbook_url.py runs both).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

RULES = Path(__file__).resolve().parent / "porto-alerts.yml"
PLACEHOLDER = "https://set-runbook-base-url.invalid"
RUNBOOK = "/runbook.md"
LINE = re.compile(r"^([ \t]*runbook_url:[ \t]*)(\S+)/runbook\.md#([a-z0-9]+)[ \t]*$", re.M)


def check(base: str) -> str:
    """``base`` without a trailing slash, or ValueError when it is not an absolute http(s) or file URL."""
    parts = urlsplit(base)
    if parts.scheme not in ("http", "https", "file") or (parts.scheme != "file" and not parts.netloc):
        raise ValueError(f"--runbook-base-url {base!r}: an absolute http(s):// or file:// URL, please")
    if parts.query or parts.fragment or any(c.isspace() or c in "\"'" for c in base):
        raise ValueError(f"--runbook-base-url {base!r}: no query, fragment, quotes or spaces (an anchor is appended)")
    return base.rstrip("/").removesuffix(RUNBOOK)


def with_base(rules: str, base: str) -> str:
    """``rules`` (porto-alerts.yml's text) with every runbook_url on ``base``."""
    base = check(base)
    found = LINE.findall(rules)
    if not found:
        raise ValueError("no runbook_url lines of the form <base>/runbook.md#<alert> in the rules")
    return LINE.sub(lambda m: f"{m[1]}{base}/runbook.md#{m[3]}", rules)


def write_atomically(out: Path, text: str) -> None:
    """``out`` replaced by ``text`` in one rename: a reader (Prometheus reloading) sees the old rules or the new,
    never an empty or half-written file; on any error the old file is left as it was. The new file keeps the
    old one's mode and, where allowed, its owner (else 0666 less the umask, as a shell's > would make it); a
    symlink is followed, so the file it points to is the one replaced."""
    target = Path(os.path.realpath(out))
    try:
        old = target.stat()
    except FileNotFoundError:
        old = None
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        if old is not None:
            os.chmod(tmp, old.st_mode & 0o7777)
            with contextlib.suppress(PermissionError):
                os.chown(tmp, old.st_uid, old.st_gid)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument(
        "--runbook-base-url",
        required=True,
        help="where docs/runbook.md is served (its directory; a trailing /runbook.md is dropped)",
    )
    p.add_argument("--rules", type=Path, default=RULES, help="the rules to rewrite (%(default)s)")
    p.add_argument("--out", type=Path, help="replace this file, atomically and only on success (else: stdout)")
    args = p.parse_args(argv)
    try:
        text = with_base(args.rules.read_text(), args.runbook_base_url)
        if args.runbook_base_url.rstrip("/").endswith(RUNBOOK):
            print(
                f"runbook_url.py: --runbook-base-url names the runbook itself: using its directory "
                f"{check(args.runbook_base_url)}",
                file=sys.stderr,
            )
        if args.out is None:
            sys.stdout.write(text)
        else:
            write_atomically(args.out, text)
    except (OSError, ValueError) as exc:
        print(f"runbook_url.py: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
