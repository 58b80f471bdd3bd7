"""``convert --bridge``: tools whose body was not translated call the original TypeScript over MCP.

Instead of a TODO function raising ``NotImplementedError``, such a tool gets
``execute=bridge.execute("<name>", file=..., binding=..., tool_id=...)`` from the generated
``<package>/_bridge`` module, whose ``TypeScriptBridge`` runs the project's own tool under Node
(``bridge.mjs`` beside the verify harness, copied into ``_bridge`` with the npm cache helper
``cache.mjs``). The report lists each bridged tool under LM361.
"""

from __future__ import annotations

import os
from importlib.resources import files
from pathlib import Path, PurePosixPath

import libcst as cst

from converters.emit.context import Scope
from converters.emit.module import ModuleBuilder
from converters.emit.values import string_literal
from converters.ir import Project, StringValue, ToolNode
from converters.rules import define

__all__ = ["BRIDGE_DIR", "LM361", "bridge_files", "bridged_execute"]

LM361 = define(
    "LM361",
    "A tool still runs in TypeScript through the bridge",
    "The port calls the original TypeScript execute under Node (convert --bridge). To make it "
    "native, write an async Python execute function and pass it instead of bridge.execute(...).",
)

BRIDGE_DIR = "_bridge"
_SCRIPTS = ("bridge.mjs", "cache.mjs")


def bridge_name(module: str, package: str, binding: str) -> str:
    """The MCP tool name of a bridged tool: its module path and binding (unique in the project)."""
    parts = module.split(".")
    if parts and parts[0] == package:
        parts = parts[1:]
    prefix = "_".join(parts) or "root"
    return f"{prefix}__{binding}"


def bridged_execute(scope: Scope, tool: ToolNode, why_not: str) -> cst.BaseExpression:
    """Report the tool as bridged and return ``bridge.execute(...)`` for its ``execute=``."""
    loc = tool.execute.loc if tool.execute is not None and tool.execute.loc else tool.loc
    name = bridge_name(scope.builder.module, scope.ctx.package, tool.binding)
    tool_id = tool.id.value if isinstance(tool.id, StringValue) else tool.binding
    scope.todo(
        LM361,
        f"tool `{tool.binding}` runs its TypeScript execute under Node through the bridge "
        f"(not translated: {why_not})",
        loc,
        tool.execute.source if tool.execute is not None else None,
    )
    bridge = scope.builder.import_from(f"{scope.ctx.package}.{BRIDGE_DIR}", "bridge")
    return cst.Call(
        func=cst.Attribute(value=cst.Name(bridge), attr=cst.Name("execute")),
        args=[
            cst.Arg(string_literal(name)),
            cst.Arg(string_literal(tool.file), keyword=cst.Name("file")),
            cst.Arg(string_literal(tool.binding), keyword=cst.Name("binding")),
            cst.Arg(string_literal(tool_id), keyword=cst.Name("tool_id")),
        ],
    )


def _project_path(project: Project, package: str, out_dir: Path | None) -> cst.BaseExpression:
    """Where the TypeScript project is, relative to ``_bridge`` when they share a folder."""
    root = Path(project.root).resolve()
    here = cst.parse_expression("Path(__file__).resolve().parent")
    bridge_dir = (Path(out_dir) / package / BRIDGE_DIR).resolve() if out_dir is not None else None
    if bridge_dir is None or Path(os.path.commonpath([root, bridge_dir])) == Path(root.anchor):
        # no common folder but the root: an absolute path reads better than ../../../..
        return cst.Call(func=cst.Name("Path"), args=[cst.Arg(string_literal(str(root)))])
    relative = PurePosixPath(Path(os.path.relpath(root, bridge_dir)).as_posix())
    return cst.BinaryOperation(
        left=here, operator=cst.Divide(), right=string_literal(str(relative))
    )


def bridge_files(project: Project, package: str, out_dir: Path | None) -> dict[str, str | bytes]:
    """The ``_bridge`` package: its ``__init__`` (source, to be formatted) and the Node programs."""
    builder = ModuleBuilder(
        package=package,
        path=PurePosixPath(package, BRIDGE_DIR, "__init__.py"),
        docstring=(
            "The TypeScript bridge: tools of the Mastra project that still run under Node.\n\n"
            "lumos-migrate convert --bridge wrote this module for the tools whose execute body it "
            "could not\ntranslate (rule LM361 in MIGRATION_REPORT.md). Set LUMOS_BRIDGE_PROJECT "
            "if the TypeScript\nproject moved. Delete this folder once no tool uses `bridge` any more."
        ),
    )
    path_name = builder.import_from("pathlib", "Path")
    bridge_cls = builder.import_from("lumos_compat.mcp", "TypeScriptBridge")
    assert path_name == "Path"
    here = cst.parse_expression("Path(__file__).resolve().parent")
    call = cst.Call(
        func=cst.Name(bridge_cls),
        args=[
            cst.Arg(_project_path(project, package, out_dir), keyword=cst.Name("project")),
            cst.Arg(
                cst.BinaryOperation(
                    left=here, operator=cst.Divide(), right=string_literal("bridge.mjs")
                ),
                keyword=cst.Name("script"),
            ),
        ],
    )
    builder.add(
        cst.SimpleStatementLine(
            [cst.Assign(targets=[cst.AssignTarget(cst.Name("bridge"))], value=call)]
        )
    )
    out: dict[str, str | bytes] = {str(builder.path): builder.render()}
    harness = files("converters.verify").joinpath("harness")
    for script in _SCRIPTS:
        out[f"{package}/{BRIDGE_DIR}/{script}"] = harness.joinpath(script).read_bytes()
    return out
