"""The committed protobuf bindings match proto/rpc.proto."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]
PACKAGE_DIR = ROOT / "exporter" / "porto_exporter" / "porto"


def _generate_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("proto_generate", ROOT / "proto" / "generate.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generated_bindings_are_fresh(tmp_path: Path) -> None:
    _generate_module().generate(tmp_path)
    for name in ("rpc_pb2.py", "rpc_pb2.pyi"):
        fresh = (tmp_path / name).read_text()
        committed = (PACKAGE_DIR / name).read_text()
        assert fresh == committed, f"{name} is stale: run `python proto/generate.py`"


def test_proto_is_the_shared_api() -> None:
    text = (ROOT / "proto" / "rpc.proto").read_text()
    assert "package Porto;" in text
    assert "optional TListContainersRequest ListContainersBy = 232;" in text
