"""Convert a fixture project into a folder and import what it ported (shared by the differential tests)."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import Any

from converters.emit import EmitResult, emit_project
from converters.scan import scan_project


def forget_package(package: str) -> None:
    """Drop ``package`` and its submodules from ``sys.modules``: fixture packages share names
    (``tool_zoo`` is ported by several tests into different folders), and an import must find the
    one just written, not one an earlier test left behind."""
    for name in [n for n in sys.modules if n == package or n.startswith(f"{package}.")]:
        del sys.modules[name]


def write_and_import(root: Path, out: str, kind: str) -> tuple[EmitResult, dict[str, Any]]:
    """Convert the project at ``root`` into ``out`` and import every converted item of ``kind``
    ("tool", "step", "workflow"): its TypeScript binding -> the object.

    The objects keep their modules alive; afterwards ``out`` is off ``sys.path`` and the package
    out of ``sys.modules`` again, so that no later test imports this copy by its name."""
    result = emit_project(scan_project(root), Path(out))
    for rel, data in result.files.items():
        target = Path(out) / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    forget_package(result.package)
    sys.path.insert(0, out)
    imported: dict[str, Any] = {}
    try:
        importlib.invalidate_caches()
        for item in result.converted:
            if item.kind == kind and item.target:
                module, name = item.target.split(":")
                imported[item.name] = getattr(importlib.import_module(module), name)
    finally:
        sys.path.remove(out)
        forget_package(result.package)
    return result, imported
