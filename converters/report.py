"""The migration report: what was converted, what needs a person, what failed.

One model (``MigrationReport``) rendered three ways: a rich terminal summary, Markdown
(``MIGRATION_REPORT.md``) and JSON (``MIGRATION_REPORT.json``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as _dist_version
from operator import attrgetter
from typing import Literal

from pydantic import BaseModel, Field
from pydantic_core import to_json
from rich.console import Console
from rich.table import Table

from converters.evaluate import trusted_model
from converters.ir import Diagnostic, Loc, Project
from converters.rules import all_rules, docs_link

try:
    __version__ = _dist_version("lumos-compat")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0+unknown"

__all__ = [
    "ConvertedItem",
    "MigrationReport",
    "ReportEntry",
    "build_report",
    "render_json",
    "render_markdown",
    "render_terminal",
    "rule_matches",
]

Kind = Literal["agent", "tool", "mastra", "prompt", "memory", "workflow", "step", "mcp", "module"]
_KIND_TITLES: dict[str, str] = {
    "agent": "Agents",
    "tool": "Tools",
    "mastra": "Mastra instance",
    "prompt": "Prompt files",
    "memory": "Memory",
    "workflow": "Workflows",
    "step": "Workflow steps",
    "mcp": "MCP clients",
    "module": "Modules",
}


_kind_of = attrgetter("kind")


class ConvertedItem(BaseModel):
    """One Mastra construct and where it went in the ported package."""

    kind: Kind
    name: str
    loc: Loc | None = None
    target: str  # "pkg.agents.weather_agent:weather_agent" or a package-relative file path


class ReportEntry(BaseModel):
    """A finding: the rule, where, what, and where the rule is explained."""

    rule: str
    title: str
    severity: str
    message: str
    location: str | None = None  # "file:line:col"
    hint: str | None = None
    link: str


class MigrationReport(BaseModel):
    """Everything a person needs to know after a run of ``lumos-migrate``."""

    tool: str = "lumos-migrate"
    version: str = __version__
    source: str
    out: str | None = None
    package: str | None = None
    mastra_version: str | None = None
    api_generation: str | None = None
    version_reason: str | None = None
    converted: list[ConvertedItem] = Field(default_factory=list)
    needs_person: list[ReportEntry] = Field(default_factory=list)
    failed: list[ReportEntry] = Field(default_factory=list)
    notes: list[ReportEntry] = Field(default_factory=list)
    files: list[str] = Field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        """How many constructs of each kind were converted."""
        return dict(sorted(Counter(map(_kind_of, self.converted)).items()))


def rule_matches(rule_id: str, patterns: Iterable[str]) -> bool:
    """Whether ``rule_id`` matches any pattern: an exact id (``LM301``) or a range (``LM3xx``)."""
    rid = rule_id.upper()
    for pattern in patterns:
        p = pattern.upper().rstrip("X")
        if (pattern.upper().endswith("X") and rid.startswith(p)) or rid == pattern.upper():
            return True
    return False


def _sort_key(diagnostic: Diagnostic) -> tuple[str, int, int, str, str]:
    loc = diagnostic.loc
    if loc is None:
        return ("", 0, 0, diagnostic.rule, diagnostic.message)
    return (loc.file, loc.line, loc.column, diagnostic.rule, diagnostic.message)


def _converted_key(item: ConvertedItem) -> tuple[str, str, int, str]:
    loc = item.loc
    if loc is None:
        return (item.kind, "", 0, item.name)
    return (item.kind, loc.file, loc.line, item.name)


def _entry(
    rule: str,
    title: str,
    severity: str,
    message: str,
    location: str | None,
    hint: str | None,
    link: str,
) -> ReportEntry:
    """``ReportEntry(rule=..., ..., link=...)`` with every field given, without validation.

    A finding per tool of a project: its values are strs (or None) of findings that were
    validated (the scan's) or built from rules and the emitter's strs.
    """
    return trusted_model(
        ReportEntry,
        {
            "rule": rule,
            "title": title,
            "severity": severity,
            "message": message,
            "location": location,
            "hint": hint,
            "link": link,
        },
        {"rule", "title", "severity", "message", "location", "hint", "link"},
    )


def build_report(
    project: Project,
    *,
    diagnostics: Iterable[Diagnostic] = (),
    converted: Iterable[ConvertedItem] = (),
    files: Iterable[str] = (),
    out: str | None = None,
    package: str | None = None,
    only: Iterable[str] = (),
    skip: Iterable[str] = (),
) -> MigrationReport:
    """Assemble the report from the scan's and the emitter's findings.

    ``only``/``skip`` filter findings by rule id or range (``LM3xx``); failures are never hidden.
    """
    only, skip = list(only), list(skip)
    # rule id -> (title, link), filled as rules are met
    rules: dict[str, tuple[str, str]] = {}
    titles = {rule.id: rule.title for rule in all_rules()}
    seen: set[tuple[str, str | None, str]] = set()
    report = MigrationReport(
        source=project.root,
        out=out,
        package=package,
        mastra_version=project.mastra_version,
        api_generation=project.api_generation,
        version_reason=project.version_reason or None,
        converted=sorted(converted, key=_converted_key),
        files=sorted(files),
    )
    failed, notes, needs_person = report.failed, report.notes, report.needs_person
    for diagnostic in sorted([*project.diagnostics, *diagnostics], key=_sort_key):
        rule = diagnostic.rule
        loc = diagnostic.loc
        location = None if loc is None else str(loc)
        message = diagnostic.message
        key = (rule, location, message)  # a None location stands for str(None) of before
        if key in seen:
            continue
        seen.add(key)
        severity = diagnostic.severity
        if severity == "error":
            into = failed
        elif (only and not rule_matches(rule, only)) or (skip and rule_matches(rule, skip)):
            continue
        else:
            into = notes if severity == "info" else needs_person
        known = rules.get(rule)
        if known is None:
            known = rules[rule] = (titles.get(rule, rule), docs_link(rule))
        into.append(_entry(rule, known[0], severity, message, location, diagnostic.hint, known[1]))
    failed_files = {e.location.rsplit(":", 2)[0] for e in report.failed if e.location}
    for source in project.files:
        if source.parse_errors and source.path not in failed_files:
            report.failed.append(
                ReportEntry(
                    rule="LM101",
                    title=titles.get("LM101", "syntax error"),
                    severity="error",
                    message=f"{source.parse_errors} syntax error(s); the file was not converted",
                    location=f"{source.path}:1:1",
                    link=docs_link("LM101"),
                )
            )
    return report


def render_json(report: MigrationReport) -> str:
    """The report as JSON (stable key order, with counts)."""
    data: dict[str, object] = {name: getattr(report, name) for name in type(report).model_fields}
    data["counts"] = {
        "converted": report.counts,
        "needs_person": len(report.needs_person),
        "failed": len(report.failed),
        "notes": len(report.notes),
    }
    # pydantic's serializer writes what json.dumps(model_dump(), indent=2, ensure_ascii=False)
    # would, about three times faster (a large project's report is megabytes)
    return to_json(data, indent=2).decode("utf-8") + "\n"


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _md_table(entries: list[ReportEntry]) -> list[str]:
    lines = ["| Rule | Location | What | How to finish |", "| --- | --- | --- | --- |"]
    for e in entries:
        where = f"`{e.location}`" if e.location else "(project)"
        lines.append(
            f"| [{e.rule}]({e.link}) | {where} | {_md(e.message)} | {_md(e.hint or e.title)} |"
        )
    return lines


def render_markdown(report: MigrationReport) -> str:
    """The report as Markdown, for ``MIGRATION_REPORT.md``."""
    lines = ["# Migration report", ""]
    lines.append(f"Generated by {report.tool} {report.version} from `{report.source}`.")
    if report.package:
        lines.append(f"Python package: `{report.package}`.")
    generation = report.api_generation or "unknown"
    version = f" (`@mastra/core` {report.mastra_version})" if report.mastra_version else ""
    reason = f": {report.version_reason}" if report.version_reason else ""
    lines += ["", f"Mastra API read as **{generation}**{version}{reason}.", ""]
    lines += [
        "## Summary",
        "",
        "| | Count |",
        "| --- | --- |",
        f"| Converted | {len(report.converted)} |",
        f"| Needs a person | {len(report.needs_person)} |",
        f"| Failed | {len(report.failed)} |",
        f"| Notes | {len(report.notes)} |",
        "",
        "## Converted",
        "",
    ]
    if not report.converted:
        lines += ["Nothing was converted.", ""]
    by_kind: dict[str, list[ConvertedItem]] = {}  # one pass over the items, in their order
    for item in report.converted:
        by_kind.setdefault(item.kind, []).append(item)
    for kind in sorted(by_kind):  # the order and counts of ``report.counts``
        items = by_kind[kind]
        lines.append(f"### {_KIND_TITLES.get(kind, kind)} ({len(items)})")
        lines.append("")
        for item in items:
            where = f" ({item.loc})" if item.loc else ""
            lines.append(f"- `{item.name}`{where} → `{item.target}`")
        lines.append("")
    lines += ["## Needs a person", ""]
    if report.needs_person:
        lines += [
            "Each `TODO(lumos-migrate)` in the generated code is listed here; the rule link explains "
            "how to finish it by hand.",
            "",
            *_md_table(report.needs_person),
            "",
        ]
    else:
        lines += ["Nothing.", ""]
    lines += ["## Failed", ""]
    lines += [*_md_table(report.failed), ""] if report.failed else ["Nothing.", ""]
    if report.notes:
        lines += ["## Notes", "", *_md_table(report.notes), ""]
    if report.files:
        lines += ["## Files", ""]
        lines += [f"- `{f}`" for f in report.files]
        lines.append("")
    return "\n".join(lines)


def render_terminal(report: MigrationReport, console: Console, *, limit: int = 40) -> None:
    """A short summary for the terminal: counts, then the first findings."""
    summary = Table(title="lumos-migrate", show_header=True, header_style="bold")
    summary.add_column("Converted")
    summary.add_column("Count", justify="right")
    for kind, count in report.counts.items():
        summary.add_row(_KIND_TITLES.get(kind, kind), str(count))
    summary.add_row("[yellow]Needs a person[/]", str(len(report.needs_person)))
    summary.add_row("[red]Failed[/]", str(len(report.failed)))
    console.print(summary)
    for title, entries, style in (
        ("Failed", report.failed, "red"),
        ("Needs a person", report.needs_person, "yellow"),
    ):
        if not entries:
            continue
        table = Table(title=title, title_style=style, show_header=True, header_style="bold")
        table.add_column("Rule", no_wrap=True)
        table.add_column("Location", no_wrap=True)
        table.add_column("What")
        for e in entries[:limit]:
            table.add_row(e.rule, e.location or "", e.message, style=None)
        if len(entries) > limit:
            table.caption = f"... and {len(entries) - limit} more in the Markdown/JSON report"
        console.print(table)
