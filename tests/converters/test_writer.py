"""converters.writer: refusals, atomic writes, change plans and diffs."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from converters.writer import (
    WriteRefused,
    atomic_write,
    check_out_dir,
    plan_changes,
    unified_diff,
    write_files,
)


@pytest.fixture
def source(tmp_path: Path) -> Path:
    src = tmp_path / "project"
    (src / "src").mkdir(parents=True)
    (src / "src" / "index.ts").write_text("export {}\n")
    return src


def test_out_inside_the_source_tree_is_refused(source: Path) -> None:
    for out in (source, source / "py", source / "src" / "deeper"):
        with pytest.raises(WriteRefused, match="inside the source tree"):
            check_out_dir(out, source, force=True)


def test_non_empty_out_needs_force(source: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    with pytest.raises(WriteRefused, match="not empty; pass --force"):
        check_out_dir(out, source, force=False)
    assert check_out_dir(out, source, force=True) == out.resolve()
    # reading only (--diff, --check, --dry-run) does not need --force
    assert check_out_dir(out, source, force=False, writing=False) == out.resolve()


def test_out_that_is_a_file_is_refused(source: Path, tmp_path: Path) -> None:
    out = tmp_path / "file"
    out.write_text("x")
    with pytest.raises(WriteRefused, match="not a directory"):
        check_out_dir(out, source, force=True)


def test_missing_or_empty_out_is_fine(source: Path, tmp_path: Path) -> None:
    assert check_out_dir(tmp_path / "new", source, force=False) == (tmp_path / "new").resolve()
    (tmp_path / "empty").mkdir()
    check_out_dir(tmp_path / "empty", source, force=False)


@pytest.mark.parametrize("rel", ["../escape.py", "/etc/passwd", "a/../../b.py", ""])
def test_paths_outside_out_are_refused(source: Path, tmp_path: Path, rel: str) -> None:
    out = tmp_path / "out"
    with pytest.raises(WriteRefused):
        write_files(out, {rel: b"x"}, source_root=source)
    assert not (tmp_path / "escape.py").exists()


def test_symlink_escaping_out_is_refused(source: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    os.symlink(source, out / "link")
    with pytest.raises(WriteRefused, match=r"source tree|outside --out"):
        write_files(out, {"link/evil.py": b"x"}, source_root=source)
    assert not (source / "evil.py").exists()


def test_file_symlink_escaping_out_is_refused(source: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "pkg").mkdir(parents=True)
    os.symlink(source / "victim.py", out / "pkg" / "mod.py")
    with pytest.raises(WriteRefused, match="outside --out"):
        write_files(out, {"pkg/ok.py": b"x", "pkg/mod.py": b"y"}, source_root=source)
    assert not (source / "victim.py").exists() and not (out / "pkg" / "ok.py").exists()


def test_nothing_is_written_when_one_path_is_refused(source: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    with pytest.raises(WriteRefused):
        write_files(out, {"good.py": b"x", "../bad.py": b"y"}, source_root=source)
    assert not (out / "good.py").exists()


def test_write_files_writes_atomically_and_skips_unchanged(source: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    files = {"pkg/__init__.py": b"a = 1\n", "README.md": b"# hi\n"}
    assert sorted(write_files(out, files, source_root=source)) == ["README.md", "pkg/__init__.py"]
    assert (out / "pkg" / "__init__.py").read_bytes() == b"a = 1\n"
    assert write_files(out, files, source_root=source) == []
    files["README.md"] = b"# changed\n"
    assert write_files(out, files, source_root=source) == ["README.md"]
    assert not [p for p in out.rglob("*.tmp")]


def test_write_files_takes_the_changes_just_planned(source: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    files = {"pkg/__init__.py": b"a = 1\n", "README.md": b"# hi\n"}
    write_files(out, files, source_root=source)
    files["README.md"] = b"# changed\n"
    planned = plan_changes(out, files)
    assert write_files(out, files, source_root=source, changes=planned) == ["README.md"]
    assert (out / "README.md").read_bytes() == b"# changed\n"
    # a plan made for other files is refused before anything is written
    files["NEW.md"] = b"new\n"
    with pytest.raises(ValueError, match="not planned"):
        write_files(out, files, source_root=source, changes=planned)
    assert not (out / "NEW.md").exists()


def test_atomic_write_replaces_and_cleans_up(tmp_path: Path) -> None:
    target = tmp_path / "d" / "f.txt"
    atomic_write(target, b"one")
    atomic_write(target, b"two")
    assert target.read_bytes() == b"two"
    assert sorted(p.name for p in target.parent.iterdir()) == ["f.txt"]


def test_plan_and_diff(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("x = 1\n")
    (tmp_path / "same.py").write_text("y\n")
    changes = plan_changes(tmp_path, {"a.py": b"x = 2\n", "new.py": b"z\n", "same.py": b"y\n"})
    assert [(c.path, c.status) for c in changes] == [
        ("a.py", "changed"),
        ("new.py", "new"),
        ("same.py", "unchanged"),
    ]
    diff = unified_diff(changes[0])
    assert "--- a/a.py\n+++ b/a.py\n" in diff and "-x = 1\n+x = 2\n" in diff
    assert unified_diff(changes[1]).startswith("--- /dev/null\n+++ b/new.py\n")
