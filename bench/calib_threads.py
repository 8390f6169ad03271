"""What each property costs portod's request threads: isolated ``***`` reads at 2,900 containers.

    python bench/calib_threads.py > /tmp/out.json

Needs root and the real portod (``/work/shared/portod/start``), best with nobody else using it. Builds
the host of bench/real.py (under its own ``pe-bench-<hex>`` prefix, destroyed at the end), then reads each
property group and each fast-tier property (with ``state``) ``READS`` times and prints the CPU seconds per
read of portod's threads that serve requests (the main one, RO/RW workers; /proc/<pid>/task/*/stat).
portod's other threads (``portod-NET`` and its bursts) are left out: they run whether anyone asks or not.
The simulator's prices (porto_exporter/simulator/props_stats.py) come from bench/calib-results-quiet.json.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import real

from porto_exporter.porto.client import PortoClient

READS = 8  # per measurement: a clock tick is 10 ms, a lone cheap property costs about 1 ms on 2,900


async def measure(client: PortoClient, props: list[str]) -> float:
    """Request threads' CPU seconds per ``***`` read of ``props``."""
    t0 = real.threads_cpu()
    for _ in range(READS):
        await client.list_containers_by(["***"], props)
    return real.request_cpu(real.threads_delta(t0, real.threads_cpu())) / READS


async def main() -> None:
    host = real.RealHost()
    client = PortoClient(real.SOCKET, timeout=300.0)
    out: dict[str, object] = {}
    try:
        await host.grow(client, 2900, lambda msg: print(msg, file=sys.stderr))
        groups = real.property_groups()
        out["state"] = [await measure(client, ["state"]) for _ in range(2)]
        for group, props in groups.items():
            out["group:" + group] = await measure(client, props)
        for prop in groups["fast"]:
            if prop != "state":
                out[prop] = await measure(client, ["state", prop])
        out["state2"] = [await measure(client, ["state"]) for _ in range(2)]
    finally:
        await client.close()
        host.destroy()
    print(json.dumps(out, indent=1), flush=True)


if __name__ == "__main__":
    asyncio.run(main())
