#!/bin/sh
# Run porto-exporter as a Porto container on this host (portoctl from the porto package).
#   sh deploy/porto/porto-exporter.sh            # create (or replace) and start it
# The exporter only reads: `enable_porto=read-only` gives it a read-only view of portod, so it
# can list and read every container but change none. It runs in the host's filesystem (no root=
# here) with the host's porto-exporter: the Debian package's /usr/bin/porto-exporter (README,
# "Deploying": deploy/debian/build, then dpkg -i), or a virtual environment's, named by BIN:
#   BIN=/opt/porto-exporter/bin/porto-exporter sh deploy/porto/porto-exporter.sh
# It runs as user porto-exporter in group porto (the group of portod's socket), never as root: the
# package's postinst makes that user; without the package make it (see the message below) or name
# another one with EXPORTER_USER= and EXPORTER_GROUP=. PORT= sets the port it listens on (10091).
set -eu
NAME=${NAME:-porto-exporter}
PORT=${PORT:-10091}
EXPORTER_USER=${EXPORTER_USER:-porto-exporter}
EXPORTER_GROUP=${EXPORTER_GROUP:-porto}
say() { echo "porto-exporter.sh: $*" >&2; }

if ! command -v portoctl >/dev/null 2>&1; then
    say "portoctl is not on PATH: run this on a Porto host (the porto package has portoctl), as root."
    exit 1
fi
case $PORT in
    '' | *[!0-9]* | 0* | ??????*) port_ok= ;;
    *) port_ok=1 ;;
esac
if [ -z "$port_ok" ] || [ "$PORT" -gt 65535 ]; then
    say "PORT=$PORT is not a port number (1-65535)."
    exit 1
fi
BIN=${BIN:-$(command -v porto-exporter || true)}
case $BIN in
    *[[:space:]]*)
        # portod splits the container's command at whitespace (and expands it like a shell word: wordexp)
        say "BIN='$BIN' has whitespace, where portod would split the container's command: link or install it at a path without any."
        exit 1 ;;
    *[!A-Za-z0-9._/+@:,=%-]*)
        say "BIN='$BIN' has characters portod would expand in the container's command (quotes, \$, globs, ~, |&;<>(){}): link or install it at a plain path."
        exit 1 ;;
esac
if [ -z "$BIN" ] || [ ! -f "$BIN" ] || [ ! -x "$BIN" ]; then
    if [ -z "$BIN" ]; then
        say "porto-exporter is not on PATH (and BIN is not set): nothing to run."
    else
        say "BIN=$BIN is not an executable file: nothing to run."
    fi
    echo "  Install the package (deploy/debian/build, then dpkg -i dist/porto-exporter_*.deb: /usr/bin/porto-exporter)" >&2
    echo "  or name a virtual environment's: BIN=/opt/porto-exporter/bin/porto-exporter sh $0" >&2
    exit 1
fi
entry=$(getent passwd "$EXPORTER_USER" || true)  # name:password:uid:...
uid=${entry#*:*:}
uid=${uid%%:*}
if [ -z "$entry" ] || ! getent group "$EXPORTER_GROUP" >/dev/null; then
    say "no user $EXPORTER_USER or no group $EXPORTER_GROUP to run the exporter as (it does not run as root)."
    echo "  The package makes both (dpkg -i dist/porto-exporter_*.deb). Without it, as root:" >&2
    echo "    getent group porto >/dev/null || groupadd --system porto" >&2
    echo "    useradd --system --gid porto --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin porto-exporter" >&2
    echo "  or name others: EXPORTER_USER=... EXPORTER_GROUP=... sh $0 (the group must be able to open portod's socket)" >&2
    exit 1
fi
if [ "$uid" = 0 ]; then
    say "EXPORTER_USER=$EXPORTER_USER is root: the exporter needs no privilege beyond portod's socket; name a user of its own."
    exit 1
fi

portoctl destroy "$NAME" 2>/dev/null || true
portoctl create "$NAME"
portoctl set "$NAME" command "$BIN --porto.socket=/run/portod.socket --web.listen-address=:$PORT"
portoctl set "$NAME" user "$EXPORTER_USER"          # not root: a user of its own,
portoctl set "$NAME" group "$EXPORTER_GROUP"        # in the group that may open /run/portod.socket
portoctl set "$NAME" enable_porto read-only        # reads only: AsyncWait/Get/ListContainersBy
portoctl set "$NAME" isolate false                 # host PID namespace: nothing to isolate from
portoctl set "$NAME" net inherited                 # listen on the host's network for Prometheus
portoctl set "$NAME" memory_limit 512M             # README "Sizing": the hard cap for 4,095 containers
portoctl set "$NAME" cpu_limit 1c                  # README "Sizing": 0.43 s CPU per cycle at Porto's maximum, 4,095
portoctl set "$NAME" cpu_guarantee 0.1c
portoctl set "$NAME" respawn true                  # come back if it dies
portoctl set "$NAME" max_respawns -1
portoctl set "$NAME" respawn_delay 5s
portoctl set "$NAME" aging_time 3600
portoctl set "$NAME" stdout_limit 16M              # logs go to the container's stdout/stderr
portoctl set "$NAME" labels "TEAM.name: monitoring"
portoctl start "$NAME"
portoctl get "$NAME" state
