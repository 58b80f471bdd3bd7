"""``--jobs N``: the same scan and the same converted files whatever N is."""

from __future__ import annotations

from pathlib import Path

from benchmarks.migration import generate_project
from converters import emit as emit_module
from converters import scan as scan_module
from converters.scan import scan_project
from tests.converters._fixture_conversion import FIXTURES_DIR, convert_fixture


def test_scan_is_the_same_with_two_jobs(tmp_path: Path) -> None:
    counts = generate_project(tmp_path / "project", scale=0.06)
    assert counts["files"] > 2 * scan_module._PARALLEL_MIN_FILES  # the workers really run
    one = scan_project(tmp_path / "project", jobs=1)
    two = scan_project(tmp_path / "project", jobs=2)
    assert len(one.tools) == counts["tools"]
    assert one.model_dump_json() == two.model_dump_json()


def test_convert_writes_the_same_files_with_two_jobs(tmp_path: Path) -> None:
    generate_project(tmp_path / "project", scale=0.06)
    project = scan_project(tmp_path / "project")
    serial = emit_module.emit_project(project, jobs=1)
    parallel = emit_module.emit_project(project, jobs=2)
    assert len(serial.modules) > emit_module._PARALLEL_MIN_FILES
    assert serial.files == parallel.files
    assert serial.diagnostics == parallel.diagnostics
    assert serial.converted == parallel.converted


def test_cli_jobs_on_a_fixture(tmp_path: Path) -> None:
    """Small projects stay in-process; the CLI output is the same with --jobs 2."""
    one = convert_fixture("cross-file", tmp_path / "one")
    two = convert_fixture("cross-file", tmp_path / "two", "--jobs", "2")
    assert one.exit_code == two.exit_code == 0
    strip = {"MIGRATION_REPORT.md", "MIGRATION_REPORT.json"}  # they name the out folder
    assert {k: v for k, v in one.files.items() if k not in strip} == {
        k: v for k, v in two.files.items() if k not in strip
    }
    assert (FIXTURES_DIR / "cross-file").is_dir()
