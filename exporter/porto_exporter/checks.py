"""Checks of flag values that need more than a type (config.py's helpers): a telemetry path a request can reach,
globs a label can match, a cycle deadline within its interval. Each raises ConfigError with one line naming the
flag, so a typo stops the exporter at start instead of silently exporting less than was asked for."""

from __future__ import annotations

import string


class ConfigError(ValueError):
    """A flag or environment value is invalid; the message names the flag."""


OWN_PATHS = ("/-/healthy", "/-/ready", "/api/v1/overview")  # served by web/app.py besides the landing page
# Porto's PORTO_NAME_CHARS: every character a label name may have (portod answers InvalidLabel to others)
PORTO_LABEL_CHARS = frozenset(string.ascii_letters + string.digits + "_-@:.")
# a Kubernetes label key: an optional DNS-subdomain prefix and "/", then alphanumerics, "-", "_", "."
KUBERNETES_KEY_CHARS = frozenset(string.ascii_letters + string.digits + "_-./")


def check_telemetry_path(path: str) -> None:
    """The metrics path must be reachable and must not shadow another page (``/`` replaces the landing page, on
    purpose: web/app.py then serves the metrics there)."""
    if not path.startswith("/"):
        raise ConfigError("--web.telemetry-path: must start with /")
    if "?" in path or "#" in path:
        raise ConfigError(f"--web.telemetry-path: {path!r} has a query or fragment (? or #) no request path matches")
    if "{" in path or "}" in path:
        raise ConfigError(f"--web.telemetry-path: {path!r} has {{ or }}, which the router reads as a pattern")
    if path in OWN_PATHS or path.startswith("/static/"):
        raise ConfigError(
            f"--web.telemetry-path: {path} is one of the exporter's own pages ({', '.join(OWN_PATHS)}, /static/...)"
        )


def check_globs(flag: str, patterns: list[str], chars: frozenset[str], what: str) -> None:
    """Each pattern must be able to match a name made of ``chars``. The allowlists are fnmatch globs (collect/
    labels.py): ``*``, ``?``, ``[seq]``, ``[!seq]``; fnmatch takes an unclosed ``[`` as a literal ``[``, and a
    character no ``what`` has makes a pattern that matches nothing: both are refused."""
    for pattern in patterns:
        i = 0
        while i < len(pattern):
            c = pattern[i]
            if c == "[":
                start = i + 2 if pattern[i + 1 : i + 2] == "!" else i + 1
                end = pattern.find("]", start + 1)  # a ] right after [ or [! is a member of the class
                if end < 0:
                    raise ConfigError(f"--{flag}: {pattern!r} has a [ without its ] (globs: *, ?, [abc], [!abc])")
                i = end + 1
                continue
            if c not in "*?" and c not in chars:
                raise ConfigError(f"--{flag}: {pattern!r} has {c!r}, which no {what} has, so it matches nothing")
            i += 1


def check_porto_label_globs(patterns: list[str]) -> None:
    """--labels.allowlist: Porto label names are PREFIX.name (``TEAM.owner``): a plain name without a dot is a
    prefix meant as ``PREFIX.*``, matching nothing as written."""
    check_globs("labels.allowlist", patterns, PORTO_LABEL_CHARS, "Porto label name")
    for pattern in patterns:
        if not any(c in pattern for c in ".*?["):
            raise ConfigError(
                f"--labels.allowlist: {pattern!r} matches no Porto label (they are PREFIX.name, "
                f"e.g. TEAM.owner); did you mean {pattern}.*?"
            )


def check_cycle(interval: float, timeout: float, timeout_given: bool) -> None:
    """A deadline given longer than a non-zero interval asks for cycles the interval does not leave room for:
    Prometheus refuses the same in its scrape config (scrape_timeout > scrape_interval). The default deadline
    is not held to a shorter interval (cycles never overlap: the next one starts when the last has ended)."""
    if timeout_given and interval > 0 and timeout > interval:
        raise ConfigError(
            f"--scrape.timeout: {timeout:g}s is longer than --scrape.interval ({interval:g}s): a "
            "cycle must end before the next is due; lower it or raise --scrape.interval"
        )
