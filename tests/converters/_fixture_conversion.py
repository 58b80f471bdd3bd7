"""Shared by the fixture integration tests: convert a fixture project with the real CLI, once.

``convert_fixture(name, into)`` runs ``lumos-migrate convert fixtures/<name> --out <into>/<name>``
through typer's runner and returns what came out (exit code, output, the files written).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from converters.cli import app

__all__ = ["FIXTURES", "FIXTURES_DIR", "Conversion", "convert_fixture"]

REPO = Path(__file__).resolve().parents[2]
FIXTURES_DIR = REPO / "fixtures"
FIXTURES = sorted(p.name for p in FIXTURES_DIR.iterdir() if (p / "package.json").is_file())


@dataclass
class Conversion:
    """One fixture converted by the CLI."""

    fixture: str
    out: Path
    exit_code: int
    output: str
    files: dict[str, bytes] = field(default_factory=dict)

    @property
    def report(self) -> dict[str, Any]:
        """The JSON migration report."""
        return json.loads(self.files["MIGRATION_REPORT.json"])

    @property
    def package(self) -> str:
        """The ported package's import name."""
        return str(self.report["package"])

    def modules(self) -> dict[str, str]:
        """Every emitted Python module: out-relative POSIX path -> text."""
        return {
            rel: data.decode("utf-8") for rel, data in self.files.items() if rel.endswith(".py")
        }


def convert_fixture(name: str, into: Path, *extra: str) -> Conversion:
    """Convert ``fixtures/<name>`` into ``into/<name>`` with the CLI (``extra`` are more options)."""
    out = into / name
    result = CliRunner().invoke(
        app,
        ["convert", str(FIXTURES_DIR / name), "--out", str(out), *extra],
        catch_exceptions=False,
    )
    files: dict[str, bytes] = {}
    if out.is_dir():
        for path in sorted(out.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                files[path.relative_to(out).as_posix()] = path.read_bytes()
    return Conversion(
        fixture=name, out=out, exit_code=result.exit_code, output=result.output, files=files
    )
