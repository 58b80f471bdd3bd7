"""``scan_project``: read a Mastra project into the IR (``converters.ir.Project``)."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from converters.evaluate import Evaluator
from converters.extract import ExtractContext, FileExtraction, extract_file
from converters.gcscope import checkpoint, young_objects_only
from converters.ir import Diagnostic, Loc, Project, SchemaNode, SourceFile
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


@young_objects_only()
def scan_project(root: Path, *, ignore: list[str] = DEFAULT_IGNORES, jobs: int = 1) -> Project:
    """Read every source file of the project under ``root`` into a ``Project``; never raises on
    bad source (syntax errors, unreadable files and unknown forms become diagnostics).

    ``jobs`` > 1 reads the files in that many worker processes; the Project is the same whatever
    ``jobs`` is (files, nodes and diagnostics come back in path order, schemas sorted by name).
    """
    ctx, version = build_context(root, ignore=ignore)
    graph = ctx.graph
    project = Project(
        root=str(graph.root),
        mastra_version=version.version,
        api_generation=version.generation,
        version_reason=version.reason,
    )
    diagnostics: list[Diagnostic] = []
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
    paths = sorted(graph.paths)
    if jobs > 1 and len(paths) >= _PARALLEL_MIN_FILES and _fork_context() is not None:
        chunks = _scan_parallel(ctx, paths, jobs)
    else:
        chunks = [_scan_chunk(ctx, paths, _Marks())]
    schemas: dict[str, SchemaNode] = {}
    assets: set[str] = set()
    working_dir_assets: set[str] = set()
    results: list[FileExtraction] = []
    for chunk in chunks:
        for scanned in chunk.files:
            diagnostics.extend(scanned.diagnostics)
            if scanned.source is not None:
                project.files.append(scanned.source)
            if scanned.extraction is not None:
                results.append(scanned.extraction)
        schemas.update(chunk.schemas)
        assets.update(chunk.assets)
        working_dir_assets.update(chunk.working_dir_assets)
        diagnostics.extend(chunk.diagnostics)
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
    project.schemas = dict(sorted(schemas.items()))
    project.assets = sorted(assets)
    project.working_dir_assets = sorted(working_dir_assets)
    project.diagnostics = _dedupe(diagnostics)
    return project


# fewer files than this are read in-process even with jobs > 1 (starting workers costs more)
_PARALLEL_MIN_FILES = 16
_CHUNK = 8


@dataclass
class _FileScan:
    """One file read: its summary, its parse diagnostics, what was extracted from it."""

    source: SourceFile | None
    diagnostics: list[Diagnostic]
    extraction: FileExtraction | None


@dataclass
class _ChunkScan:
    """Some files read by one context, with what the context learnt while reading them."""

    files: list[_FileScan]
    schemas: dict[str, SchemaNode]
    diagnostics: list[Diagnostic]
    assets: list[str]
    working_dir_assets: list[str] = field(default_factory=list)


@dataclass
class _Marks:
    """How much of a context's shared findings were already handed back (per worker)."""

    graph: int = 0
    ctx: int = 0
    evaluator: int = 0
    schemas: set[str] = field(default_factory=set)


def _scan_chunk(ctx: ExtractContext, paths: list[str], marks: _Marks) -> _ChunkScan:
    """Read and extract ``paths`` with ``ctx``; return them with the context's new findings."""
    graph = ctx.graph
    files: list[_FileScan] = []
    for path in paths:
        parsed = graph.get(path)
        if parsed is None:
            continue
        extraction = extract_file(ctx, path) if parsed.syntax is not None else None
        files.append(_FileScan(parsed.source, list(parsed.diagnostics), extraction))
        checkpoint()
    new = [
        *graph.diagnostics[marks.graph :],
        *ctx.diagnostics[marks.ctx :],
        *ctx.evaluator.diagnostics[marks.evaluator :],
    ]
    marks.graph = len(graph.diagnostics)
    marks.ctx = len(ctx.diagnostics)
    marks.evaluator = len(ctx.evaluator.diagnostics)
    schemas = {k: v for k, v in ctx.schemas.items() if k not in marks.schemas}
    marks.schemas.update(schemas)
    return _ChunkScan(
        files, schemas, new, list(ctx.evaluator.assets), list(ctx.evaluator.working_dir_assets)
    )


# what forked scan workers read: set just before the pool starts, cleared when it is done
_WORKER_STATE: tuple[ExtractContext, _Marks] | None = None


def _scan_worker_chunk(paths: list[str]) -> _ChunkScan:
    """In a worker process: read ``paths`` with the inherited context."""
    assert _WORKER_STATE is not None, "scan worker started without its state"
    ctx, marks = _WORKER_STATE
    return _scan_chunk(ctx, paths, marks)


def _scan_parallel(ctx: ExtractContext, paths: list[str], jobs: int) -> list[_ChunkScan]:
    """Read ``paths`` in ``jobs`` forked workers (each with its own copy of the context)."""
    global _WORKER_STATE
    chunks = [paths[i : i + _CHUNK] for i in range(0, len(paths), _CHUNK)]
    _WORKER_STATE = (ctx, _Marks())
    try:
        with ProcessPoolExecutor(max_workers=jobs, mp_context=_fork_context()) as pool:
            return list(pool.map(_scan_worker_chunk, chunks))
    finally:
        _WORKER_STATE = None


def _fork_context() -> multiprocessing.context.BaseContext | None:
    """The ``fork`` start method (workers inherit the context), or None where there is none."""
    try:
        return multiprocessing.get_context("fork")
    except ValueError:  # pragma: no cover - Windows
        return None


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
