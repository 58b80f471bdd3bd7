"""Convert a fixture project into a folder and import what it ported (shared by the differential tests)."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import Any

from converters.emit import EmitResult, emit_project
from converters.scan import scan_project


def write_and_import(root: Path, out: str, kind: str) -> tuple[EmitResult, dict[str, Any]]:
    """Convert the project at ``root`` into ``out``, put ``out`` on ``sys.path`` and import every
    converted item of ``kind`` ("tool", "step", "workflow"): its TypeScript binding -> the object."""
    result = emit_project(scan_project(root), Path(out))
    for rel, data in result.files.items():
        target = Path(out) / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    sys.path.insert(0, out)
    imported: dict[str, Any] = {}
    for item in result.converted:
        if item.kind == kind and item.target:
            module, name = item.target.split(":")
            imported[item.name] = getattr(importlib.import_module(module), name)
    return result, imported
