"""``convert --bridge`` without running Node: what is emitted, reported and packaged."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

from converters.emit import emit_project
from converters.scan import scan_project
from tests.translate.ported import forget_package

ROOT = Path(__file__).resolve().parents[2]


def _emit(tmp_path: Path, bridge: bool) -> dict[str, str]:
    project = scan_project(ROOT / "fixtures" / "tool-zoo")
    result = emit_project(project, tmp_path / "out", bridge=bridge)
    assert not result.failed
    rules = [d.rule for d in result.diagnostics]
    if bridge:
        assert rules.count("LM361") == 2 and "LM351" not in rules
    else:
        assert "LM361" not in rules and rules.count("LM351") == 2
    return {
        rel: data.decode("utf-8")
        for rel, data in result.files.items()
        if rel.endswith((".py", ".toml"))
    }


def test_without_bridge_nothing_changes(tmp_path: Path) -> None:
    files = _emit(tmp_path, bridge=False)
    assert not any("_bridge" in rel for rel in files)
    assert "NotImplementedError" in files["tool_zoo/tools/objects.py"]


def test_bridged_tools_call_the_typescript_tool(tmp_path: Path) -> None:
    project = scan_project(ROOT / "fixtures" / "tool-zoo")
    out = tmp_path / "out"
    result = emit_project(project, out, bridge=True)
    objects = result.files["tool_zoo/tools/objects.py"].decode()
    assert "NotImplementedError" not in objects
    assert "from tool_zoo._bridge import bridge" in objects
    assert 'execute=bridge.execute(\n        "tools_objects__objectModesTool",' in objects
    assert 'file="src/mastra/tools/objects.ts"' in objects
    assert "[LM361]" in objects and "Object.keys(inputData.featureFlags)" in objects
    # translated tools stay native
    assert "execute=primitives," in objects
    assert set(result.files) >= {
        "tool_zoo/_bridge/__init__.py",
        "tool_zoo/_bridge/bridge.mjs",
        "tool_zoo/_bridge/cache.mjs",
    }
    assert '"_bridge/*.mjs"' in result.files["pyproject.toml"].decode()

    for rel, data in result.files.items():
        target = out / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    forget_package("tool_zoo")  # another test's port of the same fixture may be imported
    sys.path.insert(0, str(out))
    try:
        importlib.invalidate_caches()
        module = importlib.import_module("tool_zoo.tools.objects")
        bridge = importlib.import_module("tool_zoo._bridge").bridge
        assert bridge.project == (ROOT / "fixtures" / "tool-zoo").resolve()
        assert bridge.tools == [
            "tools_objects__ledgerEntryTool",
            "tools_objects__objectModesTool",
        ]
        assert module.object_modes_tool.id == "object-modes"
    finally:
        sys.path.remove(str(out))
        forget_package("tool_zoo")


def test_cli_bridge_flag_and_mcp_extra(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from converters.cli import app

    out = tmp_path / "cli"
    result = CliRunner().invoke(
        app, ["convert", str(ROOT / "fixtures" / "tool-zoo"), "--out", str(out), "--bridge"]
    )
    assert result.exit_code == 0, result.output
    assert (out / "tool_zoo" / "_bridge" / "bridge.mjs").is_file()
    assert 'dependencies = ["lumos-compat[mcp]>=0.1"]' in (out / "pyproject.toml").read_text()
    plain = tmp_path / "plain"
    result = CliRunner().invoke(
        app, ["convert", str(ROOT / "fixtures" / "tool-zoo"), "--out", str(plain)]
    )
    assert result.exit_code == 0, result.output
    assert not (plain / "tool_zoo" / "_bridge").exists()
    assert 'dependencies = ["lumos-compat>=0.1"]' in (plain / "pyproject.toml").read_text()
