"""The ``lumos-migrate`` command line: scan a Mastra project, convert it, list the rules."""

from __future__ import annotations

import gc
import inspect
import sys
from enum import StrEnum
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as _dist_version
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from converters.ir import Project
from converters.report import (
    MigrationReport,
    build_report,
    render_json,
    render_markdown,
    render_terminal,
)
from converters.rules import all_rules, define

try:
    __version__ = _dist_version("lumos-compat")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0+unknown"

__all__ = ["EXIT_CHANGES", "EXIT_CLEAN", "EXIT_FAILED", "EXIT_USAGE", "app", "main"]

EXIT_CLEAN = 0
EXIT_CHANGES = 1
EXIT_USAGE = 2
EXIT_FAILED = 3

LM907 = define(
    "LM907",
    "The output would change (--check)",
    "Run the same command without --check to write the files, then review the diff.",
)

HELP = """Move a Mastra (TypeScript) project to Python on lumos_compat.

\b
Exit codes:
  0  clean: done, nothing failed (and, under --check, nothing would change)
  1  under --check: files would change or something needs a person (TODOs)
  2  usage error: bad arguments, a missing PATH, --out inside the source tree,
     a non-empty --out without --force
  3  a file failed: a syntax error in the project or a module that could not be emitted
"""

DEFAULT_IGNORES = ["node_modules/**", "dist/**", ".mastra/**", "build/**", ".git/**", "**/*.d.ts"]
REPORT_MD = "MIGRATION_REPORT.md"
REPORT_JSON = "MIGRATION_REPORT.json"

app = typer.Typer(
    name="lumos-migrate",
    help=HELP,
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)


class ReportFormat(StrEnum):
    """What ``--report`` prints on stdout instead of the terminal summary."""

    json = "json"
    md = "md"


def _stdout() -> Console:
    return Console(highlight=False, soft_wrap=True)


def _stderr() -> Console:
    return Console(stderr=True, highlight=False, soft_wrap=True)


def _usage_error(message: str) -> typer.Exit:
    _stderr().print(f"[bold red]error:[/] {message}", markup=True)
    return typer.Exit(EXIT_USAGE)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"lumos-migrate {__version__}")
        raise typer.Exit(EXIT_CLEAN)


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    """Move a Mastra (TypeScript) project to Python on lumos_compat."""


def _scan(path: Path, ignore: list[str], jobs: int = 1) -> Project:
    try:
        from converters.scan import scan_project
    except ModuleNotFoundError as exc:  # pragma: no cover - only while converters.scan is missing
        _stderr().print(f"error: the scanner is not available ({exc})")
        raise typer.Exit(EXIT_FAILED) from exc
    kwargs: dict[str, Any] = {"ignore": [*DEFAULT_IGNORES, *ignore]}
    if "jobs" in inspect.signature(scan_project).parameters:
        kwargs["jobs"] = jobs
    return scan_project(path, **kwargs)


PathArg = Annotated[
    Path,
    typer.Argument(
        exists=True, file_okay=False, dir_okay=True, help="The Mastra project (its root folder)."
    ),
]
IgnoreOpt = Annotated[
    list[str],
    typer.Option(
        "--ignore",
        help="Glob of files to skip (repeatable); node_modules/**, dist/**, .mastra/** always are.",
    ),
]


@app.command()
def scan(
    path: PathArg,
    json_: Annotated[bool, typer.Option("--json", help="Print the IR as JSON.")] = False,
    ignore: IgnoreOpt = [],  # noqa: B006 - typer reads the default
) -> None:
    """Inventory a Mastra project: agents, tools, workflows, memory, MCP, files with errors."""
    project = _scan(path, ignore)
    if json_:
        sys.stdout.write(project.model_dump_json(indent=2, by_alias=True) + "\n")
    else:
        _print_inventory(project, _stdout())
    if any(f.parse_errors for f in project.files) or any(
        d.severity == "error" for d in project.diagnostics
    ):
        raise typer.Exit(EXIT_FAILED)


def _names(items: list[Any]) -> str:
    names = [getattr(i, "binding", None) or "(anonymous)" for i in items]
    text = ", ".join(names[:8])
    return text + (f", ... (+{len(names) - 8})" if len(names) > 8 else "")


def _print_inventory(project: Project, console: Console) -> None:
    table = Table(title=f"Mastra project {project.root}", header_style="bold")
    table.add_column("Kind")
    table.add_column("Count", justify="right")
    table.add_column("Names")
    table.add_row("Agents", str(len(project.agents)), _names(project.agents))
    table.add_row("Tools", str(len(project.tools)), _names(project.tools))
    table.add_row("Workflows", str(len(project.workflows)), _names(project.workflows))
    table.add_row("Workflow steps", str(len(project.steps)), _names(project.steps))
    table.add_row("Memory", str(len(project.memories)), _names(project.memories))
    table.add_row("MCP clients", str(len(project.mcp_clients)), _names(project.mcp_clients))
    table.add_row(
        "Mastra instance",
        "1" if project.mastra else "0",
        project.mastra.file if project.mastra else "",
    )
    table.add_row("Prompt files", str(len(project.assets)), ", ".join(project.assets[:8]))
    broken = [f for f in project.files if f.parse_errors]
    table.add_row("Files", str(len(project.files)), "")
    table.add_row(
        "Files with errors",
        str(len(broken)),
        ", ".join(f"{f.path} ({f.parse_errors})" for f in broken[:8]),
    )
    console.print(table)
    version = (
        f"@mastra/core {project.mastra_version}" if project.mastra_version else "version unknown"
    )
    console.print(
        f"Assumed Mastra API: {project.api_generation} ({version}): "
        f"{project.version_reason or 'no reason recorded'}"
    )
    todo = [d for d in project.diagnostics if d.severity != "info"]
    if todo:
        console.print(f"{len(todo)} finding(s); `lumos-migrate convert` lists them in its report.")


def _check_rules(patterns: list[str], option: str) -> None:
    known = {r.id for r in all_rules()}
    for pattern in patterns:
        upper = pattern.upper()
        if upper in known:
            continue
        if upper.endswith("X") and any(k.startswith(upper.rstrip("X")) for k in known):
            continue
        raise _usage_error(
            f"{option} {pattern}: unknown rule id; `lumos-migrate rules` lists them "
            "(a range such as LM3xx works too)"
        )


def _progress(console: Console) -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[item]}"),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    )


@app.command()
def convert(
    path: PathArg,
    out: Annotated[Path, typer.Option("--out", help="Where to write the Python project.")],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Write nothing; print what would be written.")
    ] = False,
    diff: Annotated[
        bool, typer.Option("--diff", help="Write nothing; print a unified diff against --out.")
    ] = False,
    check: Annotated[
        bool,
        typer.Option(
            "--check",
            help="Write nothing; exit 1 if files would change or anything needs a person.",
        ),
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite generated files in a non-empty --out.")
    ] = False,
    only: Annotated[
        list[str], typer.Option("--only", help="Report only these rule ids (or ranges, LM3xx).")
    ] = [],  # noqa: B006
    skip: Annotated[
        list[str], typer.Option("--skip", help="Do not report these rule ids (or ranges).")
    ] = [],  # noqa: B006
    ignore: IgnoreOpt = [],  # noqa: B006
    report: Annotated[
        ReportFormat | None,
        typer.Option("--report", help="Print the full report on stdout as json or md."),
    ] = None,
    jobs: Annotated[
        int,
        typer.Option(
            "--jobs",
            min=1,
            help="Worker processes for emitting the modules (output is the same for any N).",
        ),
    ] = 1,
    package_name: Annotated[
        str | None,
        typer.Option("--package-name", help="Python package name (default: package.json name)."),
    ] = None,
    bridge: Annotated[
        bool,
        typer.Option(
            "--bridge",
            help="Tools whose body is not translated call the original TypeScript under Node "
            "(over MCP) instead of raising NotImplementedError.",
        ),
    ] = False,
) -> None:
    """Convert a Mastra project into a Python package under --out, with a migration report."""
    from converters.emit import emit_project, invalid_package_name
    from converters.writer import (
        WriteRefused,
        check_out_dir,
        plan_changes,
        unified_diff,
        write_files,
    )

    _check_rules(only, "--only")
    _check_rules(skip, "--skip")
    if package_name is not None and (problem := invalid_package_name(package_name)):
        raise _usage_error(f"--package-name: {problem}")
    writing = not (dry_run or diff or check)
    try:
        out_dir = check_out_dir(out, path, force=force, writing=writing)
    except WriteRefused as exc:
        raise _usage_error(str(exc)) from exc

    err = _stderr()
    quiet_summary = report is not None
    # read in-process: parallel reading paid more for sending the IR back from the workers than
    # it saved (benchmarks/README.md); the emit workers inherit the IR by fork instead
    project = _scan(path, ignore)
    with _progress(err) as progress:
        task = progress.add_task("Emitting", total=max(len(project.files), 1), item="")
        result = emit_project(
            project,
            out_dir,
            package_name=package_name,
            progress=lambda item: progress.update(task, advance=1, item=item),
            jobs=jobs,
            bridge=bridge,
        )
        progress.update(task, completed=max(len(project.files), 1))

    files = dict(result.files)
    listing = sorted([*files, REPORT_MD, REPORT_JSON])
    migration = build_report(
        project,
        diagnostics=result.diagnostics,
        converted=result.converted,
        files=listing,
        out=str(out),
        package=result.package,
        only=only,
        skip=skip,
    )
    files[REPORT_MD] = render_markdown(migration).encode("utf-8")
    files[REPORT_JSON] = render_json(migration).encode("utf-8")

    changes = plan_changes(out_dir, files)
    changed = [c for c in changes if c.status != "unchanged"]
    out_console = _stdout()
    if diff:
        for change in changed:
            sys.stdout.write(unified_diff(change))
    elif dry_run:
        for change in changes:
            out_console.print(f"{change.status:>9}  {out / change.path}")
    elif writing:
        try:
            with _progress(err) as progress:
                task = progress.add_task("Writing", total=len(files), item="")
                write_files(
                    out_dir,
                    files,
                    source_root=path,
                    on_file=lambda item: progress.update(task, advance=1, item=item),
                    changes=changes,  # planned just above: the files are not compared again
                )
        except (WriteRefused, OSError) as exc:
            err.print(f"error: {exc}")
            raise typer.Exit(EXIT_FAILED) from exc

    if report is ReportFormat.json:
        sys.stdout.write(render_json(migration))
    elif report is ReportFormat.md:
        sys.stdout.write(render_markdown(migration))
    elif not diff:
        render_terminal(migration, out_console)
        if writing:
            out_console.print(f"Wrote {len(changed)} file(s) to {out}; read {out / REPORT_MD}.")
        elif check:
            out_console.print(f"{len(changed)} file(s) would change in {out}.")
    _exit(migration, check=check, changed=bool(changed), quiet=quiet_summary)


def _exit(migration: MigrationReport, *, check: bool, changed: bool, quiet: bool) -> None:
    if migration.failed:
        raise typer.Exit(EXIT_FAILED)
    if check and (changed or migration.needs_person):
        raise typer.Exit(EXIT_CHANGES)
    raise typer.Exit(EXIT_CLEAN)


@app.command("verify")
def verify_command(
    mastra_project: Annotated[
        Path,
        typer.Argument(exists=True, file_okay=False, help="The Mastra project (its root folder)."),
    ],
    ported_package: Annotated[
        Path,
        typer.Argument(
            exists=True,
            file_okay=False,
            help="The ported Python package, or the --out folder of `lumos-migrate convert`.",
        ),
    ],
    scenarios: Annotated[
        Path | None,
        typer.Option(
            "--scenarios", help="A folder of *.json scenarios to run besides the defaults."
        ),
    ] = None,
    agent: Annotated[
        str | None, typer.Option("--agent", help="Verify only this agent (key or id).")
    ] = None,
    json_: Annotated[bool, typer.Option("--json", help="Print the findings as JSON.")] = False,
    mastra_version: Annotated[
        str | None,
        typer.Option(
            "--mastra-version",
            help="@mastra/core version to install (default: 1.71.0 or LUMOS_MASTRA_VERSION "
            "for a 1.x project, 0.24.9 or LUMOS_MASTRA_0X_VERSION for a 0.x project).",
        ),
    ] = None,
    entry: Annotated[
        str | None,
        typer.Option(
            "--entry", help="The file holding `new Mastra` (default src/mastra/index.ts)."
        ),
    ] = None,
) -> None:
    """Run the same scenarios on real Mastra and on the port; exit 1 on any difference.

    \b
    Exit codes: 0 identical, 1 differences, 2 usage error, 3 the project or the port
    could not be loaded (or npm install failed), 4 Node.js or npm is missing.
    """
    import asyncio

    from converters.verify import EXIT_NODE_MISSING, VerifyError, load_scenarios, verify
    from converters.verify.render import render_json, render_terminal

    err = _stderr()
    try:
        extra = load_scenarios(scenarios) if scenarios is not None else []
    except ValueError as exc:
        raise _usage_error(str(exc)) from exc
    version = mastra_version  # None: the pin of the project's generation
    try:
        report = asyncio.run(
            verify(
                mastra_project,
                ported_package,
                scenarios=extra,
                agent=agent,
                mastra_version=version,
                entry=entry,
            )
        )
    except LookupError as exc:
        raise _usage_error(str(exc)) from exc
    except VerifyError as exc:
        err.print(f"error: {exc}", markup=False, highlight=False)
        code = EXIT_NODE_MISSING if getattr(exc, "node_missing", False) else EXIT_FAILED
        raise typer.Exit(code) from exc
    if json_:
        sys.stdout.write(render_json(report))
    else:
        render_terminal(report, _stdout())
    raise typer.Exit(EXIT_CLEAN if report.ok else EXIT_CHANGES)


@app.command("rules")
def rules_command() -> None:
    """List every rule id with its title (explained in docs/migration/rules.md)."""
    console = _stdout()
    table = Table(header_style="bold")
    table.add_column("Rule", no_wrap=True)
    table.add_column("Title")
    for rule in all_rules():
        table.add_row(rule.id, rule.title)
    console.print(table)


def main() -> None:
    """Console-script entry point of ``lumos-migrate``."""
    try:
        app()
    finally:
        # Everything is written by now. Python's shutdown would run one last collection over every
        # object the conversion made (1.8 s of a 5 s command on a 3000-tool project); frozen
        # objects are left to the operating system to reclaim with the process.
        gc.freeze()


if __name__ == "__main__":  # pragma: no cover
    main()
