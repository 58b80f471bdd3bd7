"""The lumos-migrate CLI through typer's runner: commands, refusals, exit codes, real fixtures."""

from __future__ import annotations

import gc
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from converters.cli import app, main

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
runner = CliRunner()


@pytest.fixture
def weather(tmp_path: Path) -> Path:
    """A copy of the weather fixture (so that nothing can touch the repo's fixtures)."""
    dest = tmp_path / "weather-1x"
    shutil.copytree(FIXTURES / "weather-1x", dest)
    return dest


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.startswith("lumos-migrate ")


def test_the_command_freezes_the_heap_before_python_exits(monkeypatch: pytest.MonkeyPatch) -> None:
    # so that shutdown does not collect every object of the conversion one last time
    monkeypatch.setattr(sys, "argv", ["lumos-migrate", "--version"])
    before = gc.get_freeze_count()
    try:
        with pytest.raises(SystemExit):
            main()
        frozen = gc.get_freeze_count()
    finally:
        gc.unfreeze()
    assert frozen > before


def test_the_command_run_as_a_user_runs_it_writes_everything(weather: Path, tmp_path: Path) -> None:
    # a real process, from its start to its exit through main(): output flushed, files complete
    out = tmp_path / "out"
    command = ["convert", str(weather), "--out", str(out), "--report", "json"]
    done = subprocess.run(
        [sys.executable, "-m", "converters.cli", *command],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads((out / "MIGRATION_REPORT.json").read_text(encoding="utf-8"))
    assert json.loads(done.stdout) == report  # the report printed in full before the exit
    assert report["failed"] == []
    assert len(report["files"]) > 3
    for rel in report["files"]:  # every file the report lists is there, none empty
        assert (out / rel).stat().st_size > 0


def test_help_documents_exit_codes() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for line in ("0  clean", "1  under --check", "2  usage error", "3  a file failed"):
        assert line in result.output


def test_rules_lists_every_rule() -> None:
    from converters.rules import all_rules

    result = runner.invoke(app, ["rules"], terminal_width=200)
    assert result.exit_code == 0
    for rule in all_rules():
        assert rule.id in result.output
    assert "LM351" in result.output and "LM901" in result.output


def test_bad_arguments_exit_2(tmp_path: Path) -> None:
    assert runner.invoke(app, ["convert"]).exit_code == 2
    assert (
        runner.invoke(
            app, ["convert", str(tmp_path / "missing"), "--out", str(tmp_path / "o")]
        ).exit_code
        == 2
    )
    assert runner.invoke(app, ["scan", str(tmp_path / "missing")]).exit_code == 2
    assert (
        runner.invoke(
            app, ["convert", str(tmp_path), "--out", str(tmp_path / "o"), "--jobs", "0"]
        ).exit_code
        == 2
    )


def test_out_inside_source_exits_2(weather: Path) -> None:
    result = runner.invoke(app, ["convert", str(weather), "--out", str(weather / "py")])
    assert result.exit_code == 2
    assert "inside the source tree" in result.output
    assert not (weather / "py").exists()


def test_non_empty_out_without_force_exits_2(weather: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "mine.txt").write_text("keep")
    result = runner.invoke(app, ["convert", str(weather), "--out", str(out)])
    assert result.exit_code == 2
    assert "--force" in result.output
    assert sorted(p.name for p in out.iterdir()) == ["mine.txt"]
    result = runner.invoke(app, ["convert", str(weather), "--out", str(out), "--force"])
    assert result.exit_code == 0, result.output
    assert (out / "mine.txt").read_text() == "keep"
    assert (out / "MIGRATION_REPORT.md").exists()


def test_unknown_rule_and_bad_package_name_exit_2(weather: Path, tmp_path: Path) -> None:
    out = str(tmp_path / "out")
    result = runner.invoke(app, ["convert", str(weather), "--out", out, "--only", "LM999"])
    assert result.exit_code == 2 and "unknown rule id" in result.output
    result = runner.invoke(
        app, ["convert", str(weather), "--out", out, "--package-name", "not-valid"]
    )
    assert result.exit_code == 2 and "not a Python identifier" in result.output


def test_scan_table_and_json(weather: Path) -> None:
    result = runner.invoke(app, ["scan", str(weather)], terminal_width=200)
    assert result.exit_code == 0, result.output
    assert "weatherAgent" in result.output and "weatherTool" in result.output
    assert "Assumed Mastra API: 1.x" in result.output
    result = runner.invoke(app, ["scan", str(weather), "--json"])
    data = json.loads(result.output)
    assert [a["binding"] for a in data["agents"]] == ["weatherAgent"]


def test_convert_writes_package_and_reports(weather: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["convert", str(weather), "--out", str(out)], terminal_width=200)
    assert result.exit_code == 0, result.output
    package = json.loads((out / "MIGRATION_REPORT.json").read_text())["package"]
    assert (out / package / "__init__.py").exists()
    assert (out / package / "agents" / "weather_agent.py").exists()
    assert (out / "pyproject.toml").read_text().count("lumos-compat") == 1
    for py in out.rglob("*.py"):
        compile(py.read_text(), str(py), "exec")
    assert "Needs a person" in result.output


def test_check_dry_run_and_diff_write_nothing(weather: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    for flag in ("--check", "--dry-run", "--diff"):
        result = runner.invoke(app, ["convert", str(weather), "--out", str(out), flag])
        assert not out.exists(), flag
        assert result.exit_code == (1 if flag == "--check" else 0), (flag, result.output)
    dry = runner.invoke(app, ["convert", str(weather), "--out", str(out), "--dry-run"])
    assert "new" in dry.output and "MIGRATION_REPORT.md" in dry.output
    diff = runner.invoke(app, ["convert", str(weather), "--out", str(out), "--diff"])
    assert "--- /dev/null" in diff.output and "+++ b/MIGRATION_REPORT.md" in diff.output


def test_check_after_convert(weather: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert runner.invoke(app, ["convert", str(weather), "--out", str(out)]).exit_code == 0
    # the weather project converts completely: nothing would change and nothing needs a person
    result = runner.invoke(app, ["convert", str(weather), "--out", str(out), "--check"])
    assert result.exit_code == 0, result.output
    # a tool whose body the translator cannot take leaves a TODO
    (weather / "src" / "mastra" / "tools" / "dice-tool.ts").write_text(
        "import { createTool } from '@mastra/core/tools';\n"
        "import { z } from 'zod';\n\n"
        "export const diceTool = createTool({\n"
        "  id: 'roll-dice',\n"
        "  description: 'Roll a die',\n"
        "  inputSchema: z.object({ sides: z.number().int() }),\n"
        "  execute: async (input) => ({ value: crypto.getRandomValues(new Uint8Array(1))[0] }),\n"
        "});\n"
    )
    assert (
        runner.invoke(app, ["convert", str(weather), "--out", str(out), "--force"]).exit_code == 0
    )
    # nothing would change, but a TODO remains: 1
    result = runner.invoke(app, ["convert", str(weather), "--out", str(out), "--check"])
    assert result.exit_code == 1, result.output
    # nothing changes and the remaining findings are skipped: 0
    skip = [
        "--skip",
        "LM3xx",
        "--skip",
        "LM6xx",
        "--skip",
        "LM2xx",
        "--skip",
        "LM5xx",
        "--skip",
        "LM8xx",
    ]
    # the report itself changes with the filter, so write it once with the same flags
    assert (
        runner.invoke(app, ["convert", str(weather), "--out", str(out), "--force", *skip]).exit_code
        == 0
    )
    result = runner.invoke(app, ["convert", str(weather), "--out", str(out), "--check", *skip])
    assert result.exit_code == 0, result.output
    diff = runner.invoke(app, ["convert", str(weather), "--out", str(out), "--diff", *skip])
    assert diff.output == ""


def test_report_on_stdout(weather: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["convert", str(weather), "--out", str(out), "--dry-run", "--report", "json"]
    )
    assert result.exit_code == 0
    data = json.loads(result.output[result.output.index("{\n") :])
    assert data["counts"]["converted"]["tool"] == 1
    result = runner.invoke(
        app, ["convert", str(weather), "--out", str(out), "--check", "--report", "md"]
    )
    assert result.exit_code == 1
    assert "# Migration report" in result.output


def test_malformed_fixture_exits_3_and_converts_the_rest(tmp_path: Path) -> None:
    src = tmp_path / "malformed"
    shutil.copytree(FIXTURES / "malformed", src)
    out = tmp_path / "out"
    result = runner.invoke(app, ["convert", str(src), "--out", str(out)], terminal_width=200)
    assert result.exit_code == 3, result.output
    report = json.loads((out / "MIGRATION_REPORT.json").read_text())
    assert report["failed"] and all(e["severity"] == "error" for e in report["failed"])
    assert report["converted"]
    assert runner.invoke(app, ["scan", str(src)]).exit_code == 3


@pytest.mark.parametrize("fixture", sorted(p.name for p in FIXTURES.iterdir() if p.is_dir()))
def test_every_fixture_converts_to_compiling_ruff_clean_code(fixture: str, tmp_path: Path) -> None:
    import subprocess

    from converters.emit.module import ruff_command

    src = tmp_path / fixture
    shutil.copytree(FIXTURES / fixture, src)
    out = tmp_path / "out"
    result = runner.invoke(app, ["convert", str(src), "--out", str(out)])
    assert result.exit_code in (0, 3), result.output
    for py in out.rglob("*.py"):
        compile(py.read_text(), str(py), "exec")
    done = subprocess.run(
        [*ruff_command(), "check", "--isolated", "--select", "E,F,W,I,B", "--ignore", "E501", "."],
        cwd=out, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout
