"""Regenerate the protobuf bindings committed under the package.

python proto/generate.py            # rewrite exporter/porto_exporter/porto/rpc_pb2.py{,i}
python proto/generate.py OUT_DIR    # write them elsewhere (the staleness test does)
"""

from __future__ import annotations

import sys
from pathlib import Path

PROTO_DIR = Path(__file__).resolve().parent
DEFAULT_OUT = PROTO_DIR.parent / "exporter" / "porto_exporter" / "porto"


def generate(out_dir: Path = DEFAULT_OUT) -> None:
    """Run protoc (from grpcio-tools) on proto/rpc.proto into out_dir."""
    from grpc_tools import protoc  # imported lazily: a dev-only dependency

    out_dir.mkdir(parents=True, exist_ok=True)
    args = [
        "protoc",
        f"-I{PROTO_DIR}",
        f"--python_out={out_dir}",
        f"--pyi_out={out_dir}",
        str(PROTO_DIR / "rpc.proto"),
    ]
    if protoc.main(args) != 0:
        raise SystemExit("protoc failed")


if __name__ == "__main__":
    generate(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_OUT)
