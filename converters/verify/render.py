"""The findings for people (a table and readable diffs) and for machines (JSON)."""

from __future__ import annotations

import difflib
import json
from typing import Any

from rich.console import Console
from rich.table import Table

from converters.verify.compare import Difference
from converters.verify.run import Outcome, VerifyReport

__all__ = ["render_json", "render_terminal", "report_dict"]

STATUS_STYLE = {"identical": "green", "differing": "bold red", "missing": "yellow"}
MAX_DIFFS_SHOWN = 25


def report_dict(report: VerifyReport) -> dict[str, Any]:
    """The report as plain JSON-able data."""
    return {
        "project": report.project,
        "package": report.package,
        "mastra_version": report.mastra_version,
        "ok": report.ok,
        "counts": report.counts,
        "agents": report.agents,
        "unmatched_port_agents": report.unmatched_port_agents,
        "problems": report.problems,
        "outcomes": [o.model_dump(mode="json") for o in report.outcomes],
    }


def render_json(report: VerifyReport) -> str:
    """The report as indented JSON with a trailing newline."""
    return json.dumps(report_dict(report), indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def _text_diff(difference: Difference) -> list[str]:
    """A line diff for two long strings (system prompts, tool descriptions)."""
    mastra, port = difference.mastra, difference.port
    if not (isinstance(mastra, str) and isinstance(port, str)):
        return []
    if len(mastra) < 80 and len(port) < 80 and "\n" not in mastra + port:
        return []
    lines = difflib.unified_diff(
        mastra.splitlines(), port.splitlines(), "mastra", "port", lineterm="", n=1
    )
    return [f"      {line}" for line in lines]


def _outcome_lines(outcome: Outcome) -> list[str]:
    lines = [f"{outcome.agent} / {outcome.scenario} ({outcome.method}): {outcome.status}"]
    for difference in outcome.differences[:MAX_DIFFS_SHOWN]:
        lines.append(f"    {difference.describe()}")
        lines.extend(_text_diff(difference))
    hidden = len(outcome.differences) - MAX_DIFFS_SHOWN
    if hidden > 0:
        lines.append(f"    ... and {hidden} more (--json lists them all)")
    return lines


def render_terminal(report: VerifyReport, console: Console) -> None:
    """The agents x scenarios table, the counts, then every difference."""
    scenarios: list[str] = []
    for outcome in report.outcomes:
        if outcome.scenario not in scenarios:
            scenarios.append(outcome.scenario)
    table = Table(
        title=f"lumos-migrate verify: {report.project} (Mastra {report.mastra_version}) vs "
        f"{report.package}",
        header_style="bold",
    )
    table.add_column("Agent", no_wrap=True)
    for name in scenarios:
        table.add_column(name)
    by_cell = {(o.agent, o.scenario): o for o in report.outcomes}
    for agent in report.agents:
        cells = []
        for name in scenarios:
            outcome = by_cell.get((agent, name))
            if outcome is None:
                cells.append("-")
            else:
                style = STATUS_STYLE[outcome.status]
                cells.append(f"[{style}]{outcome.status}[/]")
        table.add_row(agent, *cells)
    console.print(table)
    counts = report.counts
    console.print(
        f"{counts['run']} scenario(s) run: {counts['identical']} identical, "
        f"{counts['differing']} differing, {counts['missing']} with the agent missing in the port."
    )
    for problem in report.problems:
        console.print(f"note: {problem}", markup=False)
    if report.unmatched_port_agents:
        console.print(
            "note: agents of the port with no Mastra twin (not verified): "
            + ", ".join(report.unmatched_port_agents),
            markup=False,
        )
    for outcome in report.outcomes:
        if outcome.status != "identical":
            console.print("")
            for line in _outcome_lines(outcome):
                console.print(line, markup=False, highlight=False)
