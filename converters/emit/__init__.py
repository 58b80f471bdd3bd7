"""Emit the ported Python package for a scanned Mastra project (libcst, formatted with ruff).

``emit_project(project, out_dir)`` returns every file of the package in memory (an ``EmitResult``);
``converters.writer`` writes them. One module per construct kind lives beside this one: ``tools``,
``agents``, ``models``, ``mastra``, ``values``, ``placeholders`` (memory, workflows, MCP), with
``module`` (one Python module, ruff formatting) and ``package`` (layout, pyproject, README).
"""

from __future__ import annotations

import multiprocessing
import traceback
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from converters.emit.agents import emit_agent, emit_agent_container
from converters.emit.bridge import LM361, bridge_files
from converters.emit.context import EmitContext, Scope, Symbol
from converters.emit.mastra import emit_mastra
from converters.emit.mcp import emit_mcp_client
from converters.emit.memory import emit_memory
from converters.emit.module import FormatError, ModuleBuilder, format_modules
from converters.emit.names import NameAllocator, snake_case
from converters.emit.package import (
    Layout,
    invalid_package_name,
    package_name_for,
    pyproject_toml,
    readme,
)
from converters.emit.tools import SchemaModels, emit_tool
from converters.emit.values import LM904
from converters.emit.workflows import WorkflowModels, emit_step, emit_workflow
from converters.gcscope import checkpoint, young_objects_only
from converters.ir import Diagnostic, Loc, Project
from converters.report import ConvertedItem
from converters.rules import define

__all__ = ["EmitResult", "emit_project", "invalid_package_name", "package_name_for"]

LM903 = define(
    "LM903",
    "A module could not be emitted",
    "This is a lumos-migrate bug: please report it with the source file. Port the file by hand.",
)
LM905 = define(
    "LM905",
    "A module was renamed to keep Python module names unique",
    "Nothing to do; imports in the package use the new name.",
)
LM906 = define(
    "LM906",
    "No new Mastra({...}) instance was found",
    "The package exports its agents and tools from their modules; build a Mastra(...) by hand if "
    "you need one.",
)


@dataclass
class EmitResult:
    """The ported package, in memory: files by out-relative POSIX path, and what the report needs."""

    package: str
    out_dir: Path | None
    files: dict[str, bytes] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    converted: list[ConvertedItem] = field(default_factory=list)
    modules: dict[str, str] = field(default_factory=dict)  # source file -> dotted module
    failed: list[str] = field(default_factory=list)  # source files whose module failed

    @property
    def has_errors(self) -> bool:
        """Whether some module failed to emit."""
        return bool(self.failed)


@dataclass
class _Outcome:
    """One emitted module: its source (None if it failed) and, from a worker, its findings."""

    file: str
    source: str | None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    converted: list[ConvertedItem] = field(default_factory=list)
    detached: bool = False


_Items = list[tuple[tuple[int, int], str, object]]
# (file, line, column, kind, binding): agents unrolled from one loop share a location
_Names = dict[tuple[str, int, int, str, str], str]

# files below this count are emitted in-process even with jobs > 1 (a pool costs more)
_PARALLEL_MIN_FILES = 16


def _emit_file(
    ctx: EmitContext, builder: ModuleBuilder, file: str, items: _Items, names: _Names
) -> _Outcome:
    """Emit one module into ``builder``; findings go to ``ctx`` (rolled back if it fails)."""
    scope = Scope(ctx=ctx, builder=builder)
    schemas = SchemaModels(scope)
    agents_here = sum(1 for _, kind, _ in items if kind == "agent")
    mark = len(ctx.diagnostics), len(ctx.converted)
    try:
        schemas.prepare([node for _, kind, node in items if kind == "tool"])  # type: ignore[misc]
        workflow_models = WorkflowModels(scope)
        workflow_models.prepare(
            [node for _, kind, node in items if kind == "step"],  # type: ignore[misc]
            [node for _, kind, node in items if kind == "workflow"],  # type: ignore[misc]
        )
        # module-level objects/arrays a loop filled with agents: emitted after their last agent
        containers: dict[str, list[tuple[str | None, str]]] = {}
        last_of: dict[int, str] = {}
        for _, kind, node in items:
            container = getattr(node, "container", None) if kind == "agent" else None
            if container is not None:
                containers.setdefault(container, [])
                last_of = {k: v for k, v in last_of.items() if v != container}
                last_of[id(node)] = container
        for (line, column), kind, node in items:
            name = names[(file, line, column, kind, getattr(node, "binding", None) or "")]
            if kind == "tool":
                emit_tool(node, scope, name, schemas)  # type: ignore[arg-type]
            elif kind == "agent":
                emit_agent(node, scope, name, single=agents_here == 1)  # type: ignore[arg-type]
                container = getattr(node, "container", None)
                if container is not None:
                    containers[container].append((getattr(node, "container_key", None), name))
                    if last_of.get(id(node)) == container:
                        emit_agent_container(scope, container, containers[container])
            elif kind == "memory":
                emit_memory(scope, node, name)  # type: ignore[arg-type]
            elif kind == "workflow":
                emit_workflow(node, scope, name, workflow_models)  # type: ignore[arg-type]
            elif kind == "step":
                emit_step(node, scope, name, workflow_models)  # type: ignore[arg-type]
            elif kind == "mcp":
                emit_mcp_client(scope, node, name)  # type: ignore[arg-type]
            elif kind == "mastra":
                emit_mastra(node, scope, name)  # type: ignore[arg-type]
        # (whether it is valid Python is checked when ruff formats every module)
        return _Outcome(file, builder.render())
    except Exception as exc:  # one bad module must not stop the others
        del ctx.diagnostics[mark[0] :], ctx.converted[mark[1] :]
        where = traceback.extract_tb(exc.__traceback__)[-1]
        ctx.report(
            LM903,
            f"emitting {builder.path} failed: {type(exc).__name__}: {exc} "
            f"(at {Path(where.filename).name}:{where.lineno})",
            Loc(file=file, line=1, column=1),
            severity="error",
        )
        return _Outcome(file, None)


# what forked emit workers read: set just before the pool starts, cleared when it is done
_WORKER_STATE: tuple[EmitContext, dict[str, ModuleBuilder], dict[str, _Items], _Names] | None = None


def _emit_chunk(files: list[str]) -> list[_Outcome]:
    """In a worker process: emit ``files`` and return their sources and findings."""
    assert _WORKER_STATE is not None, "emit worker started without its state"
    ctx, builders, by_file, names = _WORKER_STATE
    out: list[_Outcome] = []
    for file in files:
        mark = len(ctx.diagnostics), len(ctx.converted)
        outcome = _emit_file(ctx, builders[file], file, by_file[file], names)
        outcome.diagnostics = ctx.diagnostics[mark[0] :]
        outcome.converted = ctx.converted[mark[1] :]
        outcome.detached = True
        out.append(outcome)
        checkpoint()
    return out


def _emit_parallel(
    ctx: EmitContext,
    builders: dict[str, ModuleBuilder],
    by_file: dict[str, _Items],
    names: _Names,
    files: list[str],
    jobs: int,
) -> Iterator[_Outcome]:
    """Emit ``files`` in ``jobs`` forked worker processes; outcomes come back in file order."""
    global _WORKER_STATE
    chunks = [files[i : i + _CHUNK] for i in range(0, len(files), _CHUNK)]
    _WORKER_STATE = (ctx, builders, by_file, names)
    try:
        with ProcessPoolExecutor(max_workers=jobs, mp_context=_fork_context()) as pool:
            for chunk in pool.map(_emit_chunk, chunks):
                yield from chunk
    finally:
        _WORKER_STATE = None


_CHUNK = 8


def _fork_context() -> multiprocessing.context.BaseContext | None:
    """The ``fork`` start method (workers inherit the emit state), or None where there is none."""
    try:
        return multiprocessing.get_context("fork")
    except ValueError:  # pragma: no cover - Windows
        return None


def _line(loc: Loc) -> tuple[int, int]:
    return (loc.line, loc.column)


@young_objects_only()
def emit_project(
    project: Project,
    out_dir: Path | str | None = None,
    *,
    package_name: str | None = None,
    progress: Callable[[str], None] | None = None,
    jobs: int = 1,
    bridge: bool = False,
) -> EmitResult:
    """Build every file of the ported package for ``project`` (nothing is written here).

    ``out_dir`` is where the files will go (recorded in the result); ``progress`` is called with
    each module path as it is emitted; ``jobs`` > 1 emits modules in that many worker processes
    (the result is the same whatever ``jobs`` is). ``bridge`` makes tools whose body was not
    translated call the TypeScript tool under Node (``converters.emit.bridge``) instead of a TODO.
    """
    package = package_name_for(project, package_name)
    problem = invalid_package_name(package)
    if problem:
        raise ValueError(f"invalid package name: {problem}")
    ctx = EmitContext(project=project, package=package, bridge=bridge)
    result = EmitResult(package=package, out_dir=Path(out_dir) if out_dir is not None else None)

    # what each source file defines, in source order
    by_file: dict[str, list[tuple[tuple[int, int], str, object]]] = {}

    def put(file: str, loc: Loc, kind: str, node: object) -> None:
        by_file.setdefault(file, []).append((_line(loc), kind, node))

    inline_memories = {
        (a.memory.loc.file, a.memory.loc.line, a.memory.loc.column)
        for a in project.agents
        if a.memory is not None and hasattr(a.memory, "binding") and a.memory.binding is None  # type: ignore[union-attr]
    }
    for tool in project.tools:
        put(tool.file, tool.loc, "tool", tool)
    for agent in project.agents:
        put(agent.file, agent.loc, "agent", agent)
    for memory in project.memories:
        key = (memory.loc.file, memory.loc.line, memory.loc.column)
        if memory.binding is not None or key not in inline_memories:
            put(memory.file, memory.loc, "memory", memory)
    for workflow in project.workflows:
        put(workflow.file, workflow.loc, "workflow", workflow)
    for step in project.steps:
        put(step.file, step.loc, "step", step)
    for client in project.mcp_clients:
        put(client.file, client.loc, "mcp", client)
    if project.mastra is not None:
        put(project.mastra.file, project.mastra.loc, "mastra", project.mastra)

    layout = Layout(package, by_file, project.mastra.file if project.mastra else None)
    for file, why in layout.renamed:
        ctx.report(LM905, why, Loc(file=file, line=1, column=1), severity="info")
    reserved = {"README.md", "pyproject.toml", "MIGRATION_REPORT.md", "MIGRATION_REPORT.json"}
    for asset in project.assets:
        if (
            asset in project.working_dir_assets
            and asset not in reserved
            and PurePosixPath(asset).parts[0] != package
        ):
            # (a module-relative read of the same file, if any, then inlines its text)
            ctx.working_dir_assets[asset] = asset
            continue
        ctx.assets[asset] = layout.asset_path(asset)

    # allocate every Python name first, so that references across modules resolve
    builders: dict[str, ModuleBuilder] = {}
    names: dict[tuple[str, int, int, str], str] = {}
    for file, items in sorted(by_file.items()):
        items.sort(key=lambda item: item[0])
        builder = ModuleBuilder(
            package=package, path=layout.modules[file], source_file=file, names=NameAllocator()
        )
        builders[file] = builder
        for (line, column), kind, node in items:
            binding = getattr(node, "binding", None)
            if kind == "mastra":
                name = builder.names.allocate(snake_case(binding or "mastra"), "mastra")
            elif binding:
                name = builder.names.allocate(snake_case(binding))
            else:
                name = builder.names.allocate(f"{kind}_{line}")
            names[(file, line, column, kind, binding or "")] = name
            if binding:
                ctx.symbols[f"{file}#{binding}"] = Symbol(builder.module, name, kind)

    sources: dict[str, str] = {}
    files = sorted(by_file)
    outcomes: Iterable[_Outcome]
    if jobs > 1 and len(files) >= _PARALLEL_MIN_FILES and _fork_context() is not None:
        outcomes = _emit_parallel(ctx, builders, by_file, names, files, jobs)
    else:
        outcomes = (_emit_file(ctx, builders[f], f, by_file[f], names) for f in files)
    for outcome in outcomes:
        checkpoint()
        builder = builders[outcome.file]
        if progress is not None:
            progress(str(builder.path))
        if outcome.detached:  # made in a worker process: its findings come back with it
            ctx.diagnostics.extend(outcome.diagnostics)
            ctx.converted.extend(outcome.converted)
        if outcome.source is None:
            result.failed.append(outcome.file)
            continue
        sources[str(builder.path)] = outcome.source
        result.modules[outcome.file] = builder.module

    if project.mastra is None and by_file:
        ctx.report(LM906, "no new Mastra({...}) found in the project", None, severity="info")

    # package __init__ files: the Mastra module re-exported, otherwise a docstring only
    for pkg_dir in sorted(layout.packages()):
        init = str(pkg_dir / "__init__.py")
        if init in sources:
            continue
        builder = ModuleBuilder(
            package=package,
            path=PurePosixPath(init),
            docstring=(
                f"The {package} package, ported from Mastra by lumos-migrate."
                if pkg_dir == PurePosixPath(package)
                else None
            ),
        )
        if (
            pkg_dir == PurePosixPath(package)
            and layout.mastra_module is not None
            and project.mastra
        ):
            mastra_name = names[
                (
                    project.mastra.file,
                    project.mastra.loc.line,
                    project.mastra.loc.column,
                    "mastra",
                    project.mastra.binding or "",
                )
            ]
            if project.mastra.file not in result.failed:
                local = builder.import_from(builders[project.mastra.file].module, mastra_name)
                builder.exports.append(local)
        sources[init] = builder.render()

    bridged = any(d.rule == LM361.id for d in ctx.diagnostics)
    bridge_data: dict[str, bytes] = {}
    if bridged:
        for rel, content in bridge_files(project, package, result.out_dir).items():
            if isinstance(content, str):
                sources[rel] = content
            else:
                bridge_data[rel] = content

    try:
        outcome = format_modules(sources, first_party=package)
        formatted, invalid = outcome.texts, outcome.invalid
    except FormatError:
        formatted, invalid = {}, {}
        for rel, text in sources.items():  # find the module ruff rejects
            try:
                single = format_modules({rel: text}, first_party=package)
            except FormatError as exc:
                invalid[rel] = str(exc)
            else:
                formatted.update(single.texts)
                invalid.update(single.invalid)
    for rel, why in sorted(invalid.items()):  # an emitter bug: the module is not Python
        file = next((f for f, b in builders.items() if str(b.path) == rel), rel)
        ctx.report(
            LM903,
            f"emitted {rel} is not valid Python: {why}",
            Loc(file=file, line=1, column=1),
            severity="error",
        )
        result.failed.append(file)
    for rel, text in formatted.items():
        result.files[rel] = text.encode("utf-8")

    copies = [(asset, f"{package}/{copy}") for asset, copy in ctx.assets.items()]
    copies += list(ctx.working_dir_assets.items())
    for asset, target in sorted(copies):
        try:
            data = (Path(project.root) / asset).read_bytes()
        except OSError as exc:
            ctx.report(
                LM904,
                f"prompt file {asset} could not be read: {exc.strerror or exc}",
                Loc(file=asset, line=1, column=1),
                severity="error",
            )
            result.failed.append(asset)
            continue
        result.files[target] = data
        ctx.converted.append(ConvertedItem(kind="prompt", name=asset, target=target))

    result.files.update(bridge_data)
    result.files["pyproject.toml"] = pyproject_toml(
        project, package, bool(ctx.assets), has_bridge=bridged
    ).encode()
    result.files["README.md"] = readme(project, package).encode()
    result.diagnostics = ctx.diagnostics
    result.converted = ctx.converted
    return result
