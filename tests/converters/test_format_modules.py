"""format_modules: one ruff pass over all emitted modules, in a scratch tree that is never left behind."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from converters.emit import module as module_mod
from converters.emit.module import format_modules

_SOURCES = {
    "pkg/agents/main.py": "import os\nimport sys\nx = sys.argv [ 0 ]\n",
    "pkg/tools/weather.py": "from pkg import x\nimport httpx\ndef f( a ):\n  return {'a':a, 'x': x, 'h': httpx}\n",
    "pkg/broken.py": "def f(:\n",
}


def _check(result: module_mod.Formatted) -> None:
    # the unused import is gone, the first-party one sorted last, all formatted the way ruff does
    assert result.texts["pkg/agents/main.py"] == "import sys\n\nx = sys.argv[0]\n"
    assert result.texts["pkg/tools/weather.py"] == (
        'import httpx\n\nfrom pkg import x\n\n\ndef f(a):\n    return {"a": a, "x": x, "h": httpx}\n'
    )
    # a module that is not Python is named with ruff's complaint and left out of the texts
    assert set(result.invalid) == {"pkg/broken.py"}
    assert "line 1" in result.invalid["pkg/broken.py"]


def test_formats_fixes_and_names_the_invalid_module() -> None:
    _check(format_modules(_SOURCES, first_party="pkg"))


def test_the_scratch_tree_goes_in_the_chosen_folder_and_is_removed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made: list[str] = []
    real_format_in = module_mod._format_in

    def spy(parent: str | None, *args: object) -> module_mod.Formatted:
        made.append(str(parent))
        return real_format_in(parent, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(module_mod, "_scratch_parent", lambda size: str(tmp_path))
    monkeypatch.setattr(module_mod, "_format_in", spy)
    _check(format_modules(_SOURCES, first_party="pkg"))
    assert made == [str(tmp_path)]
    assert list(tmp_path.iterdir()) == []


def test_a_folder_that_fails_falls_back_to_the_usual_temporary_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    gone = tmp_path / "not-there"  # creating the scratch tree in it raises FileNotFoundError
    monkeypatch.setattr(module_mod, "_scratch_parent", lambda size: str(gone))
    _check(format_modules(_SOURCES, first_party="pkg"))
    assert not gone.exists()


@pytest.mark.parametrize("name", ["TMPDIR", "TEMP", "TMP"])
def test_a_chosen_temporary_folder_is_respected(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    for other in ("TMPDIR", "TEMP", "TMP"):
        monkeypatch.delenv(other, raising=False)
    monkeypatch.setenv(name, "/somewhere")
    assert module_mod._scratch_parent(10) is None


@pytest.mark.skipif(
    not os.access("/dev/shm", os.W_OK | os.X_OK), reason="no writable /dev/shm on this system"
)
def test_dev_shm_is_used_when_it_has_room(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("TMPDIR", "TEMP", "TMP"):
        monkeypatch.delenv(name, raising=False)
    stats = os.statvfs("/dev/shm")
    free = stats.f_bavail * stats.f_frsize
    if free < module_mod._SCRATCH_SPARE + 4096:
        pytest.skip("/dev/shm is nearly full here")
    assert module_mod._scratch_parent(1) == "/dev/shm"
    # a project whose scratch tree would not fit leaves /dev/shm alone
    assert module_mod._scratch_parent(free) is None
