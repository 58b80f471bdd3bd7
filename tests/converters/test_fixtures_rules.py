"""Rule ids: unique, listed by `lumos-migrate rules`, explained in docs/migration/rules.md, and the
only ids that the converters and the fixture reports use."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from converters.cli import app
from converters.rules import DOCS_BASE, all_rules
from tests.converters._fixture_conversion import FIXTURES, convert_fixture

REPO = Path(__file__).resolve().parents[2]
RULES_MD = REPO / DOCS_BASE
RULE_ID = re.compile(r"^LM[1-9]\d{2}$")


def _documented() -> dict[str, str]:
    """Rule id -> its section text in rules.md (a `## LMxxx` heading each)."""
    text = RULES_MD.read_text(encoding="utf-8")
    sections = re.split(r"(?m)^## ", text)[1:]
    out: dict[str, str] = {}
    for section in sections:
        heading, _, body = section.partition("\n")
        rule = heading.strip().split()[0]
        assert rule not in out, f"{rule} explained twice in {DOCS_BASE}"
        out[rule] = body
    return out


def test_rule_ids_are_well_formed_and_unique() -> None:
    ids = [r.id for r in all_rules()]
    assert ids, "no rules registered"
    assert len(ids) == len(set(ids))
    for rule in all_rules():
        assert RULE_ID.match(rule.id), rule.id
        assert rule.title and rule.fix, rule.id


def test_every_rule_is_explained_in_rules_md() -> None:
    documented = _documented()
    missing = [r.id for r in all_rules() if r.id not in documented]
    assert not missing, f"add a `## <id>` section to {DOCS_BASE} for {missing}"
    for rule in all_rules():
        assert rule.title.rstrip(".") in documented[rule.id], (
            f"{rule.id}: the section should state the title {rule.title!r}"
        )
    unknown = sorted(set(documented) - {r.id for r in all_rules()})
    assert not unknown, f"{DOCS_BASE} explains rules no converter declares: {unknown}"


def test_rules_command_lists_every_rule() -> None:
    result = CliRunner().invoke(app, ["rules"], terminal_width=200)
    assert result.exit_code == 0
    for rule in all_rules():
        assert rule.id in result.output, rule.id


def test_converters_use_only_declared_rule_ids() -> None:
    declared = {r.id for r in all_rules()}
    used: dict[str, str] = {}
    for path in sorted((REPO / "converters").rglob("*.py")):
        for match in re.finditer(r"[\"'](LM\d{3})[\"']", path.read_text(encoding="utf-8")):
            used.setdefault(match.group(1), str(path.relative_to(REPO)))
    undeclared = {rule: where for rule, where in used.items() if rule not in declared}
    assert not undeclared, undeclared


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, object]]:
    root = tmp_path_factory.mktemp("rules")
    return {name: convert_fixture(name, root).report for name in FIXTURES}


def test_fixture_reports_link_documented_rules(reports: dict[str, dict[str, object]]) -> None:
    documented = _documented()
    seen: set[str] = set()
    for name, report in reports.items():
        for section in ("needs_person", "failed", "notes"):
            for item in report[section]:  # type: ignore[attr-defined]
                assert item["rule"] in documented, (name, item)
                assert item["link"] == f"{DOCS_BASE}#{item['rule'].lower()}", (name, item)
                seen.add(item["rule"])
    assert len(seen) >= 10, sorted(seen)
