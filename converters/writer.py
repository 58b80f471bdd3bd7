"""Writing the ported package: only inside ``--out``, never into the source tree, atomically."""

from __future__ import annotations

import contextlib
import difflib
import itertools
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Literal

__all__ = [
    "FileChange",
    "WriteRefused",
    "atomic_write",
    "check_out_dir",
    "plan_changes",
    "unified_diff",
    "write_files",
]


class WriteRefused(Exception):
    """lumos-migrate will not write there; the message says why and what to do."""


def _inside(path: Path, parent: Path) -> bool:
    """Whether ``path`` is ``parent`` or below it (both absolute and resolved)."""
    if path == parent:
        return True
    base = str(parent)
    return str(path).startswith(base if base.endswith(os.sep) else base + os.sep)


def check_out_dir(out: Path, source_root: Path, *, force: bool, writing: bool = True) -> Path:
    """Validate ``--out`` and return it resolved.

    Refused: an out dir inside the source tree (or equal to it), an out dir that is a file, and a
    non-empty out dir without ``force`` when ``writing``.
    """
    out_resolved = out.expanduser().resolve()
    source = source_root.expanduser().resolve()
    if _inside(out_resolved, source):
        raise WriteRefused(
            f"--out {out} is inside the source tree {source_root}; lumos-migrate never writes into "
            "the project it reads. Choose a directory outside it, e.g. --out ../"
            f"{source.name}-python"
        )
    if out_resolved.exists() and not out_resolved.is_dir():
        raise WriteRefused(f"--out {out} exists and is not a directory")
    if writing and out_resolved.is_dir() and any(out_resolved.iterdir()) and not force:
        raise WriteRefused(
            f"--out {out} is not empty; pass --force to overwrite the files lumos-migrate generates "
            "there (other files are left alone), or choose an empty directory"
        )
    return out_resolved


class _Targets:
    """Where each file of the package goes, checked: inside ``out``, outside the source tree.

    A target is checked where it really is: with every symbolic link on its way followed (each
    folder is resolved once, the file itself only when it is a link).
    """

    def __init__(self, out: Path, source_root: Path) -> None:
        self.out = out
        self.source = source_root.resolve()
        self._folders: dict[Path, Path] = {}

    def __call__(self, rel: str) -> Path:
        pure = PurePosixPath(rel)
        if pure.is_absolute() or ".." in pure.parts or not pure.parts:
            raise WriteRefused(f"refusing to write {rel!r}: not a relative path inside --out")
        target = self.out.joinpath(*pure.parts)
        folder = self._folders.get(target.parent)
        if folder is None:
            folder = self._folders[target.parent] = target.parent.resolve()
        resolved = folder / target.name
        if os.path.islink(resolved):
            resolved = resolved.resolve()
        if not _inside(resolved, self.out):
            raise WriteRefused(
                f"refusing to write {rel}: it resolves to {resolved}, outside --out {self.out}"
            )
        if _inside(resolved, self.source):
            raise WriteRefused(
                f"refusing to write {rel}: it resolves into the source tree ({resolved})"
            )
        return target


_temp_names = itertools.count()


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same directory and ``os.replace``.

    Atomic: a reader, or a crash of this process, sees the old file or the whole new one, never
    part of it. Not flushed to disk one file at a time (no ``fsync``): after a power cut the files
    written last may be empty, as with other code generators; running the conversion again
    rewrites them (the sources are never written).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    _replace_with(path, data)


def _replace_with(path: Path, data: bytes) -> None:
    """``atomic_write`` into a folder that exists."""
    while True:
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{next(_temp_names)}.tmp")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:  # left by a crashed run: pick another name
            continue
        break
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


@dataclass(frozen=True)
class FileChange:
    """What writing one file would do."""

    path: str
    status: Literal["new", "changed", "unchanged"]
    old: bytes | None = field(default=None, repr=False)
    new: bytes = field(default=b"", repr=False)


def plan_changes(out: Path, files: Mapping[str, bytes]) -> list[FileChange]:
    """Compare the generated files with what is in ``out`` now."""
    changes: list[FileChange] = []
    for rel in sorted(files):
        target = out.joinpath(*PurePosixPath(rel).parts)
        old = target.read_bytes() if target.is_file() else None
        status: Literal["new", "changed", "unchanged"] = (
            "new" if old is None else ("unchanged" if old == files[rel] else "changed")
        )
        changes.append(FileChange(rel, status, old, files[rel]))
    return changes


def unified_diff(change: FileChange) -> str:
    """A unified diff of one change (text files; binary files get a one-line note)."""
    try:
        old = (change.old or b"").decode("utf-8").splitlines(keepends=True)
        new = change.new.decode("utf-8").splitlines(keepends=True)
    except UnicodeDecodeError:
        return f"Binary file {change.path} differs\n"
    fromfile = f"a/{change.path}" if change.old is not None else "/dev/null"
    lines = list(difflib.unified_diff(old, new, fromfile=fromfile, tofile=f"b/{change.path}"))
    return "".join(
        line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines
    )


def write_files(
    out: Path,
    files: Mapping[str, bytes],
    *,
    source_root: Path,
    on_file: Callable[[str], None] | None = None,
    changes: list[FileChange] | None = None,
) -> list[str]:
    """Write every file under ``out`` atomically; returns the paths written (unchanged ones skipped).

    Every target is checked before anything is written: nothing outside ``out``, nothing in the
    source tree. ``changes``: what ``plan_changes(out, files)`` just gave, not to compare again.
    """
    out = out.resolve()
    target_of = _Targets(out, source_root)
    targets = {rel: target_of(rel) for rel in files}
    folders: set[Path] = set()
    written: list[str] = []
    if changes is None:
        changes = plan_changes(out, files)
    elif sorted(change.path for change in changes) != sorted(files):
        raise ValueError("changes were not planned for these files")
    for change in changes:
        if change.status != "unchanged":
            target = targets[change.path]
            if target.parent not in folders:
                target.parent.mkdir(parents=True, exist_ok=True)
                folders.add(target.parent)
            _replace_with(target, files[change.path])
            written.append(change.path)
        if on_file is not None:
            on_file(change.path)
    return written
