"""Broken TypeScript never crashes lumos-migrate: every fixture, one file damaged in many ways.

Each case copies a fixture project, damages one of its TypeScript files (cut short, a span deleted,
punctuation inserted, two spans swapped; seeded, so every run checks the same cases) and converts
it through the CLI. The run must end with a documented exit code and a report; a file the parser
found errors in must be named in the report (LM101, exit 3), never dropped without a word, and the
rest of the project still converted.
"""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from converters.cli import app
from converters.ts import language_for_path, parse

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
_INSERTS = [
    b"(",
    b")",
    b"{",
    b"}",
    b",",
    b".",
    b"`",
    b"${",
    b"'",
    b"?.",
    b"...",
    b"<T>",
    b"!",
    b"z.",
]


def _damage(data: bytes, rng: random.Random) -> tuple[str, bytes]:
    at = rng.randrange(len(data))
    how = rng.choice(["cut", "delete", "insert", "swap"])
    if how == "cut":
        return how, data[:at]
    if how == "delete":
        return how, data[:at] + data[at + rng.randint(1, 20) :]
    if how == "insert":
        return how, data[:at] + rng.choice(_INSERTS) + data[at:]
    a, b = sorted((at, rng.randrange(len(data))))
    return how, data[:a] + data[b : b + 10] + data[a + 10 : b] + data[a : a + 10] + data[b + 10 :]


def _cases() -> list[tuple[str, int]]:
    fixtures = sorted(p.name for p in FIXTURES.iterdir() if (p / "package.json").is_file())
    return [(name, seed) for name in fixtures for seed in range(3)]


@pytest.mark.parametrize(("fixture", "seed"), _cases())
def test_a_damaged_file_is_reported_and_the_rest_converted(
    tmp_path: Path, fixture: str, seed: int
) -> None:
    project = tmp_path / fixture
    shutil.copytree(FIXTURES / fixture, project, ignore=shutil.ignore_patterns("node_modules"))
    rng = random.Random(f"{fixture}-{seed}")
    sources = sorted(p for p in project.rglob("*.ts") if p.stat().st_size)
    victim = rng.choice(sources)
    how, damaged = _damage(victim.read_bytes(), rng)
    victim.write_bytes(damaged)
    rel = victim.relative_to(project).as_posix()

    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["convert", str(project), "--out", str(out)])
    where = f"{rel} ({how})"
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"{where}: {result.exception!r}"
    )
    assert result.exit_code in (0, 1, 3), f"{where}: exit {result.exit_code}\n{result.output}"
    report = json.loads((out / "MIGRATION_REPORT.json").read_text(encoding="utf-8"))
    language = language_for_path(victim.name)
    assert language is not None
    if parse(damaged, language).has_errors:
        named = {e["rule"] for e in report["failed"] if e.get("location", "").startswith(rel + ":")}
        assert "LM101" in named, f"{where}: syntax errors, but the report does not name the file"
        assert result.exit_code == 3, f"{where}: a file failed, yet exit {result.exit_code}"
    assert report["converted"], f"{where}: nothing else in the project was converted"
