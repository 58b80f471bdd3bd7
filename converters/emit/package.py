"""The ported package's layout: package name, module paths, prompt copies, pyproject and README."""

from __future__ import annotations

import json
import keyword
import re
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from converters.emit.names import snake_case
from converters.ir import Project

__all__ = [
    "Layout",
    "invalid_package_name",
    "package_name_for",
    "pyproject_toml",
    "readme",
]

_PEP440ISH = re.compile(r"^\d+(\.\d+)*$")
_PY_ID = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def invalid_package_name(name: str) -> str | None:
    """Why ``name`` cannot be a Python package name, or None when it can."""
    if not _PY_ID.match(name):
        return f"{name!r} is not a Python identifier (letters, digits and _, not starting with a digit)"
    if keyword.iskeyword(name):
        return f"{name!r} is a Python keyword"
    if name in {"lumos_compat", "converters"}:
        return f"{name!r} would shadow a lumos-compat package"
    return None


def _package_json(root: Path) -> dict[str, object]:
    try:
        data = json.loads((root / "package.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def package_name_for(project: Project, override: str | None = None) -> str:
    """``--package-name``, else package.json ``name`` (scope dropped, snake_case), else the folder."""
    if override:
        return override
    raw = _package_json(Path(project.root)).get("name")
    if isinstance(raw, str) and raw.strip():
        name = raw.split("/")[-1]
    else:
        name = Path(project.root).resolve().name
    result = snake_case(name, fallback="ported")
    if invalid_package_name(result):
        result = f"{result}_port"
    return result


def _common_dir(files: Iterable[str]) -> PurePosixPath:
    dirs = [PurePosixPath(f).parent.parts for f in files]
    if not dirs:
        return PurePosixPath(".")
    common: list[str] = []
    for parts in zip(*dirs, strict=False):
        if len(set(parts)) != 1:
            break
        common.append(parts[0])
    return PurePosixPath(*common) if common else PurePosixPath(".")


class Layout:
    """Where each TypeScript file's module goes in the ported package."""

    def __init__(self, package: str, files: Iterable[str], mastra_file: str | None) -> None:
        self.package = package
        files = sorted(set(files) | ({mastra_file} if mastra_file else set()))
        self.base = _common_dir(files)
        self.modules: dict[str, PurePosixPath] = {}
        self.renamed: list[tuple[str, str]] = []  # (file, why) for the report
        used: set[PurePosixPath] = set()
        for file in files:
            rel = (
                PurePosixPath(file).relative_to(self.base)
                if self.base.parts
                else PurePosixPath(file)
            )
            dirs = [snake_case(part, fallback="pkg") for part in rel.parent.parts]
            stem = rel.name.split(".")[0]
            module = "__init__" if stem == "index" else snake_case(stem, fallback="module")
            path = PurePosixPath(package, *dirs, f"{module}.py")
            if path in used:
                ext = snake_case(rel.suffix.lstrip("."), fallback="ts")
                candidate = path.with_name(
                    f"{module if module != '__init__' else 'index'}_{ext}.py"
                )
                n = 2
                while candidate in used:
                    candidate = path.with_name(f"{candidate.stem}_{n}.py")
                    n += 1
                self.renamed.append((file, f"{path} was taken; emitted as {candidate}"))
                path = candidate
            used.add(path)
            self.modules[file] = path
        if mastra_file is not None and self.modules[mastra_file] != PurePosixPath(
            package, "__init__.py"
        ):
            self.mastra_module: PurePosixPath | None = self.modules[mastra_file]
        else:
            self.mastra_module = None

    def packages(self) -> set[PurePosixPath]:
        """Every package directory that needs an ``__init__.py``."""
        dirs: set[PurePosixPath] = {PurePosixPath(self.package)}
        for path in self.modules.values():
            for parent in path.parents:
                if parent.parts:
                    dirs.add(parent)
        return dirs

    def asset_path(self, asset: str) -> str:
        """Package-relative path of a prompt file's copy (``prompts/...``)."""
        path = PurePosixPath(asset)
        if self.base.parts and path.is_relative_to(self.base):
            path = path.relative_to(self.base)
        if path.parts[0] != "prompts":
            path = PurePosixPath("prompts", *path.parts)
        return str(path)


def _toml_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def pyproject_toml(
    project: Project, package: str, has_assets: bool, has_bridge: bool = False
) -> str:
    """The ported project's pyproject.toml, depending on lumos-compat."""
    data = _package_json(Path(project.root))
    version = data.get("version")
    version = version if isinstance(version, str) and _PEP440ISH.match(version) else "0.1.0"
    description = data.get("description")
    description = (
        description
        if isinstance(description, str) and description
        else f"Python port of the Mastra project {Path(project.root).name}"
    )
    # MCP clients and the TypeScript bridge need the official MCP SDK (lumos-compat's mcp extra)
    needs_mcp = has_bridge or any(c.servers is not None for c in project.mcp_clients)
    extras = "[mcp]" if needs_mcp else ""
    lines = [
        "[build-system]",
        'requires = ["setuptools>=69"]',
        'build-backend = "setuptools.build_meta"',
        "",
        "[project]",
        f"name = {_toml_string(package.replace('_', '-'))}",
        f'version = "{version}"',
        f"description = {_toml_string(description)}",
        'readme = "README.md"',
        'requires-python = ">=3.11"',
        f'dependencies = ["lumos-compat{extras}>=0.1"]',
        "",
        "[tool.setuptools.packages.find]",
        f'include = ["{package}*"]',
        "",
    ]
    data = [*(["prompts/**/*"] if has_assets else []), *(["_bridge/*.mjs"] if has_bridge else [])]
    if data:
        listed = ", ".join(f'"{item}"' for item in data)
        lines += ["[tool.setuptools.package-data]", f"{package} = [{listed}]", ""]
    return "\n".join(lines)


def readme(project: Project, package: str) -> str:
    """The ported project's README: where it came from and where the report is."""
    name = Path(project.root).name
    return "\n".join(
        [
            f"# {package}",
            "",
            f"Python port of the Mastra project `{name}`, generated by lumos-migrate.",
            "",
            "Read `MIGRATION_REPORT.md` first: it lists what was converted and every "
            "`TODO(lumos-migrate)` left in the code, with the rule that explains how to finish it.",
            "",
            "```bash",
            "pip install -e .",
            "```",
            "",
            "```python",
            f"from {package} import mastra",
            "",
            'agent = mastra.get_agent("...")',
            'result = await agent.generate("Hello")',
            "```",
            "",
            *_working_dir_note(project),
        ]
    )


def _working_dir_note(project: Project) -> list[str]:
    if not project.working_dir_assets:
        return []
    files = ", ".join(f"`{a}`" for a in project.working_dir_assets)
    return [
        f"Like the Mastra project, the port reads {files} relative to the working directory "
        "(`Path.cwd()`, for `process.cwd()`): run it from this folder, where the copies are.",
        "",
    ]
