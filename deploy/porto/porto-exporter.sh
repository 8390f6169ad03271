#!/bin/sh
# Run porto-exporter as a Porto container on this host (portoctl from the porto package).
#   sh deploy/porto/porto-exporter.sh            # create (or replace) and start it
# The exporter only reads: `enable_porto=read-only` gives it a read-only view of portod, so it
# can list and read every container but change none. It runs in the host's filesystem (no root=
# here) with the host's porto-exporter: the Debian package's /usr/bin/porto-exporter (README,
# "Deploying": deploy/debian/build, then dpkg -i), or a virtual environment's, named by BIN:
#   BIN=/opt/porto-exporter/bin/porto-exporter sh deploy/porto/porto-exporter.sh
set -eu
NAME=${NAME:-porto-exporter}
PORT=${PORT:-10091}
BIN=${BIN:-$(command -v porto-exporter || true)}
if [ -z "$BIN" ] || [ ! -x "$BIN" ]; then
    if [ -z "$BIN" ]; then
        echo "porto-exporter.sh: porto-exporter is not on PATH (and BIN is not set): nothing to run." >&2
    else
        echo "porto-exporter.sh: BIN=$BIN is not an executable file: nothing to run." >&2
    fi
    echo "  Install the package (deploy/debian/build, then dpkg -i dist/porto-exporter_*.deb: /usr/bin/porto-exporter)" >&2
    echo "  or name a virtual environment's: BIN=/opt/porto-exporter/bin/porto-exporter sh $0" >&2
    exit 1
fi

portoctl destroy "$NAME" 2>/dev/null || true
portoctl create "$NAME"
portoctl set "$NAME" command "$BIN --porto.socket=/run/portod.socket --web.listen-address=:$PORT"
portoctl set "$NAME" enable_porto read-only        # reads only: AsyncWait/Get/ListContainersBy
portoctl set "$NAME" isolate false                 # host PID namespace: nothing to isolate from
portoctl set "$NAME" net inherited                 # listen on the host's network for Prometheus
portoctl set "$NAME" memory_limit 512M             # README "Sizing": the hard cap for 4,095 containers
portoctl set "$NAME" cpu_limit 1c                  # measured: < 1 s CPU per cycle at 10,000
portoctl set "$NAME" cpu_guarantee 0.1c
portoctl set "$NAME" respawn true                  # come back if it dies
portoctl set "$NAME" max_respawns -1
portoctl set "$NAME" respawn_delay 5s
portoctl set "$NAME" aging_time 3600
portoctl set "$NAME" stdout_limit 16M              # logs go to the container's stdout/stderr
portoctl set "$NAME" labels "TEAM.name: monitoring"
portoctl start "$NAME"
portoctl get "$NAME" state
