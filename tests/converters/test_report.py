"""The migration report: model, filters, Markdown/JSON (snapshots) and the terminal summary."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

from _emit_projects import weather_project
from rich.console import Console

from converters.emit import emit_project
from converters.ir import Diagnostic, Loc, Project, SourceFile
from converters.report import (
    MigrationReport,
    build_report,
    render_json,
    render_markdown,
    render_terminal,
    rule_matches,
)


def _report(tmp_path: Path, **kwargs: object) -> MigrationReport:
    src = tmp_path / "weather-bot"
    src.mkdir(parents=True)
    project = weather_project(src)
    result = emit_project(project)
    report = build_report(
        project,
        diagnostics=result.diagnostics,
        converted=result.converted,
        files=sorted(result.files),
        out="out",
        package=result.package,
        **kwargs,  # type: ignore[arg-type]
    )
    # stable across machines: the source is a tmp path
    return report.model_copy(update={"source": "weather-bot"})


def test_markdown_snapshot(tmp_path: Path, snapshot) -> None:  # type: ignore[no-untyped-def]
    text = render_markdown(_report(tmp_path))
    assert text == snapshot
    assert "[LM351](docs/migration/rules.md#lm351)" in text


def test_json_snapshot(tmp_path: Path, snapshot) -> None:  # type: ignore[no-untyped-def]
    text = render_json(_report(tmp_path))
    assert text == snapshot
    data = json.loads(text)
    assert data["counts"]["converted"]["agent"] == 4
    assert data["counts"]["failed"] == 0
    entry = next(e for e in data["needs_person"] if e["rule"] == "LM351")
    assert entry["location"] == "src/mastra/tools/weather-tool.ts:12:12"
    assert entry["link"] == "docs/migration/rules.md#lm351"


def test_json_is_what_the_standard_library_writes(tmp_path: Path) -> None:
    """render_json uses pydantic's serializer; its text is json.dumps(indent=2) of the dump, with
    characters that need escaping, non-ASCII text and empty lists."""
    report = _report(tmp_path).model_copy(
        update={
            "source": 'tab\there "quoted" back\\slash \x00\x1f\x7f \u2028 é 日本 😀',
            "notes": [],
            "mastra_version": None,
        }
    )
    data = report.model_dump(mode="json")
    data["counts"] = {
        "converted": report.counts,
        "needs_person": len(report.needs_person),
        "failed": len(report.failed),
        "notes": len(report.notes),
    }
    assert render_json(report) == json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def test_only_and_skip_filter_findings_but_never_failures(tmp_path: Path) -> None:
    only = _report(tmp_path / "a", only=["LM351"])
    assert {e.rule for e in only.needs_person} == {"LM351"}
    assert not only.notes
    skipped = _report(tmp_path / "b", skip=["LM6xx", "LM351"])
    rules = {e.rule for e in skipped.needs_person}
    assert "LM351" not in rules and not any(r.startswith("LM6") for r in rules)
    assert "LM253" in rules


def test_rule_matches() -> None:
    assert rule_matches("LM351", ["LM351"])
    assert rule_matches("LM351", ["lm3xx"])
    assert not rule_matches("LM351", ["LM35"])
    assert not rule_matches("LM451", ["LM3xx"])


def test_failures_come_from_errors_and_syntax_errors() -> None:
    project = Project(
        root="p",
        files=[
            SourceFile(path="ok.ts", language="ts", size=1, sha256="0"),
            SourceFile(path="bad.ts", language="ts", size=1, sha256="0", parse_errors=2),
        ],
        diagnostics=[
            Diagnostic(
                rule="LM903",
                severity="error",
                message="boom",
                loc=Loc(file="x.ts", line=1, column=1),
            )
        ],
    )
    report = build_report(project, skip=["LM9xx"])
    assert sorted(e.location or "" for e in report.failed) == ["bad.ts:1:1", "x.ts:1:1"]
    assert "2 syntax error(s)" in render_markdown(report)


def test_duplicate_findings_are_reported_once() -> None:
    d = Diagnostic(
        rule="LM351", severity="todo", message="m", loc=Loc(file="a.ts", line=1, column=1)
    )
    report = build_report(Project(root="p", diagnostics=[d]), diagnostics=[d])
    assert len(report.needs_person) == 1


def test_terminal_summary_lists_findings(tmp_path: Path) -> None:
    buffer = StringIO()
    render_terminal(_report(tmp_path), Console(file=buffer, width=160, color_system=None))
    text = buffer.getvalue()
    assert "Needs a person" in text
    assert "LM351" in text and "src/mastra/tools/weather-tool.ts:12:12" in text


def test_every_rule_is_explained_in_the_docs() -> None:
    from converters.rules import all_rules

    docs = (Path(__file__).resolve().parents[2] / "docs" / "migration" / "rules.md").read_text()
    missing = [r.id for r in all_rules() if f"\n## {r.id}\n" not in docs]
    assert not missing, f"add these rules to docs/migration/rules.md: {missing}"
