"""``scan_project``: read a Mastra project into the IR (``converters.ir.Project``)."""

from __future__ import annotations

from pathlib import Path

from converters.evaluate import Evaluator
from converters.extract import ExtractContext, FileExtraction, extract_file
from converters.ir import Diagnostic, Loc, Project
from converters.project import (
    DEFAULT_IGNORES,
    RULE_VERSION,
    ModuleGraph,
    VersionInfo,
    detect_version,
    discover_files,
)
from converters.rules import define

__all__ = ["DEFAULT_IGNORES", "build_context", "scan_project"]

RULE_MANY_MASTRA = define(
    "LM803",
    "More than one Mastra instance",
    "The ported package builds the first one; merge the others into it by hand.",
)
RULE_NO_FILES = define(
    "LM107",
    "No source files found",
    "Point lumos-migrate at the project root (the folder with package.json) or check --ignore.",
)


def build_context(
    root: Path, *, ignore: list[str] | None = None
) -> tuple[ExtractContext, VersionInfo]:
    """Discover files, build the module graph and decide the Mastra version (no extraction)."""
    root = root.resolve()
    files = discover_files(root, DEFAULT_IGNORES if ignore is None else ignore)
    graph = ModuleGraph(root, files)
    version = detect_version(root, graph)
    ctx = ExtractContext(graph, generation=version.generation, evaluator=Evaluator(graph))
    return ctx, version


def scan_project(root: Path, *, ignore: list[str] = DEFAULT_IGNORES) -> Project:
    """Read every source file of the project under ``root`` into a ``Project``; never raises on
    bad source (syntax errors, unreadable files and unknown forms become diagnostics)."""
    ctx, version = build_context(root, ignore=ignore)
    graph = ctx.graph
    project = Project(
        root=str(graph.root),
        mastra_version=version.version,
        api_generation=version.generation,
        version_reason=version.reason,
    )
    diagnostics: list[Diagnostic] = list(graph.diagnostics)
    if version.version is None:
        diagnostics.append(
            Diagnostic(
                rule=RULE_VERSION.id,
                severity="info",
                message=f"@mastra/core version not found in package.json or a lockfile; {version.reason}",
                hint=RULE_VERSION.fix,
            )
        )
    if not graph.paths:
        diagnostics.append(
            Diagnostic(
                rule=RULE_NO_FILES.id,
                severity="error",
                message=f"no .ts/.js source files under {graph.root}",
                hint=RULE_NO_FILES.fix,
            )
        )
    results: list[FileExtraction] = []
    for path in sorted(graph.paths):
        parsed = graph.get(path)
        if parsed is None:
            continue
        diagnostics.extend(parsed.diagnostics)
        if parsed.source is not None:
            project.files.append(parsed.source)
        if parsed.syntax is not None:
            results.append(extract_file(ctx, path))
    mastras = []
    for result in results:
        project.tools.extend(result.tools)
        project.agents.extend(result.agents)
        project.workflows.extend(result.workflows)
        project.steps.extend(result.steps)
        project.memories.extend(result.memories)
        project.mcp_clients.extend(result.mcp_clients)
        mastras.extend(result.mastras)
    if mastras:
        project.mastra = mastras[0]
        for extra in mastras[1:]:
            diagnostics.append(
                Diagnostic(
                    rule=RULE_MANY_MASTRA.id,
                    severity="todo",
                    message=f"another Mastra instance at {extra.loc}; the one at {mastras[0].loc} is used",
                    loc=extra.loc,
                    hint=RULE_MANY_MASTRA.fix,
                )
            )
    project.schemas = dict(ctx.schemas)
    project.assets = sorted(ctx.evaluator.assets)
    diagnostics.extend(ctx.diagnostics)
    diagnostics.extend(ctx.evaluator.diagnostics)
    project.diagnostics = _dedupe(diagnostics)
    return project


def _sort_key(d: Diagnostic) -> tuple[str, int, int, str]:
    loc = d.loc or Loc(file="", line=0, column=0)
    return (loc.file, loc.line, loc.column, d.rule)


def _dedupe(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    seen: set[tuple[str, str, str | None]] = set()
    out: list[Diagnostic] = []
    for d in sorted(diagnostics, key=_sort_key):
        key = (d.rule, d.message, str(d.loc) if d.loc else None)
        if key not in seen:
            seen.add(key)
            out.append(d)
    return out
