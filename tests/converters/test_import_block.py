"""ModuleBuilder writes its import block as ruff's isort rules do, so that the lint in
format_modules has nothing to fix (its fixing pass costs as much again). ruff itself is the judge."""

from __future__ import annotations

import random
import subprocess
from pathlib import Path, PurePosixPath

import libcst as cst
import pytest

from converters import emit
from converters.emit.module import Formatted, ModuleBuilder, format_modules, ruff_command
from tests.converters._fixture_conversion import FIXTURES, convert_fixture

_MODULES = [
    "os",
    "json",
    "typing",
    "collections.abc",
    "__future__",
    "pydantic",
    "lumos_compat",
    "lumos_compat.providers",
    "lumos_compat.storage",
    "httpx",
    "pkg",
    "pkg.agents.agent_2",
    "pkg.agents.agent_10",
    "pkg.tools.Tools_1",
    "pkg.tools.weather_tool_with_a_rather_long_module_name_for_wrapping",
    "Zeta",
]
_NAMES = [
    "Any",
    "BaseModel",
    "Field",
    "TONE_1",
    "TONE_10",
    "TONE_2",
    "X",
    "create_tool",
    "agent2",
    "agent10",
    "a_much_longer_name_for_an_imported_agent_object",
    "another_long_name_so_that_lines_wrap",
    "jsrt",
    "annotations",
]
_BODIES = [
    "x = 1\n",
    "class A:\n    pass\n",
    "def f():\n    return 1\n",
    "async def g():\n    return 1\n",
    "@decorate\ndef h():\n    return 1\n",
]


def _ruff_findings(
    root: Path, sources: dict[str, str], *, select: str, first_party: str
) -> list[str]:
    """Write ``sources`` under ``root`` and return ruff's concise findings of the ``select`` rules
    (``rel:line:col: CODE message``), judged with ``first_party`` as this package."""
    for rel, text in sources.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    done = subprocess.run(
        [
            *ruff_command(),
            "check",
            "--isolated",
            "--no-cache",
            "--target-version",
            "py311",
            "--select",
            select,
            "--config",
            f"lint.isort.known-first-party=['{first_party}']",
            "--output-format",
            "concise",
            "--exit-zero",
            ".",
        ],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    )
    return [line for line in done.stdout.splitlines() if line.startswith(tuple(sources))]


def _lint_and_fix(tmp_path: Path, sources: dict[str, str]) -> dict[str, str]:
    """The modules ruff's isort rule would re-sort (``rel: source``), or an empty dict."""
    findings = _ruff_findings(tmp_path, sources, select="I", first_party="pkg")
    unsorted = {line.split(":", 1)[0] for line in findings if ": I001" in line}
    return {rel: sources[rel] for rel in sorted(unsorted)}


def _builder(rng: random.Random, index: int) -> ModuleBuilder:
    builder = ModuleBuilder(package="pkg", path=PurePosixPath(f"pkg/m{index}.py"))
    builder.source_file = "src/mastra/x.ts"
    for module in rng.sample(_MODULES, rng.randint(0, 3)):
        if module != "__future__":
            builder.import_module(module)
    for _ in range(rng.randint(1, 9)):
        module = rng.choice(_MODULES)
        name = "annotations" if module == "__future__" else rng.choice(_NAMES)
        if rng.random() < 0.1:
            builder.names.reserve(name)  # taken: the import is renamed
        builder.import_from(module, name)
    body = rng.choice(_BODIES)
    statement = cst.parse_module(body).body[0]
    comments = ["Translated from somewhere."] if rng.random() < 0.3 else []
    builder.add(statement, comments)
    if rng.random() < 0.3:
        builder.add(cst.parse_statement("y = 2\n"))
    return builder


def test_random_import_blocks_are_what_ruff_would_write(tmp_path: Path) -> None:
    rng = random.Random(20261202)
    sources = {}
    for index in range(300):
        builder = _builder(rng, index)
        sources[str(builder.path)] = builder.render()
    wrong = _lint_and_fix(tmp_path, sources)
    assert not wrong, "ruff would re-sort:\n" + "\n\n".join(list(wrong.values())[:3])


def test_sections_natural_order_renames_and_wrapping() -> None:
    builder = ModuleBuilder(package="pkg", path=PurePosixPath("pkg/__init__.py"))
    builder.import_module("os")
    builder.import_from("pkg.agents.agent_10", "agent10")
    builder.import_from("pkg.agents.agent_2", "agent2")
    builder.import_from("lumos_compat", "create_tool")
    builder.import_from("lumos_compat", "Mastra")
    builder.import_from("lumos_compat", "TONE")
    builder.import_from("typing", "Any")
    builder.names.reserve("Agent")
    builder.import_from("lumos_compat", "Agent")  # renamed: a line of its own
    names = [f"long_agent_name_{n}" for n in range(5)]
    for name in names:
        builder.import_from("pkg.agents.many", name)
    builder.add(cst.parse_statement("x = 1\n"))
    text = builder.render()
    imports, _, rest = text.partition("\n\nx = 1")
    assert rest == "\n"
    assert imports.splitlines()[1:] == [
        "import os",
        "from typing import Any",
        "",
        "from lumos_compat import TONE, Mastra, create_tool",
        "from lumos_compat import Agent as lumos_compat_Agent",
        "",
        "from pkg.agents.agent_2 import agent2",
        "from pkg.agents.agent_10 import agent10",
        "from pkg.agents.many import (",
        *[f"    {name}," for name in names],
        ")",
    ]


@pytest.mark.parametrize(
    ("body", "blank"),
    [("x = 1\n", 1), ("class A:\n    pass\n", 2), ("def f():\n    pass\n", 2)],
)
def test_empty_lines_after_the_imports(body: str, blank: int) -> None:
    builder = ModuleBuilder(package="pkg", path=PurePosixPath("pkg/m.py"))
    builder.import_from("typing", "Any")
    statement = cst.parse_module(body).body[0]
    builder.add(statement.with_changes(leading_lines=[cst.EmptyLine()] * 3))
    text = builder.render()
    assert "from typing import Any\n" + "\n" * blank + body.splitlines()[0] in text
    assert "\n" * (blank + 2) not in text


def test_what_the_block_gets_wrong_is_still_fixed_by_format_modules() -> None:
    # the order is for speed only: a block ruff would re-sort comes out sorted anyway
    result = format_modules(
        {"pkg/m.py": "import sys\nimport os\nx = (os, sys)\n"}, first_party="pkg"
    )
    assert result.texts["pkg/m.py"] == "import os\nimport sys\n\nx = (os, sys)\n"


@pytest.mark.parametrize("fixture", FIXTURES)
def test_fixture_modules_need_no_import_fixes(
    fixture: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The modules of a real conversion, as the emitter hands them to ruff: no import out of
    ruff's order and none unused (an import asked for by a body that then stayed a TODO, say)."""
    handed: dict[str, str] = {}
    parties: list[str] = []

    def recording(sources: dict[str, str], *, first_party: str) -> Formatted:
        handed.update(sources)
        parties.append(first_party)
        return format_modules(sources, first_party=first_party)

    monkeypatch.setattr(emit, "format_modules", recording)
    conversion = convert_fixture(fixture, tmp_path)
    assert handed and parties == [conversion.package]
    findings = _ruff_findings(
        tmp_path / "raw", handed, select="I,F401", first_party=conversion.package
    )
    assert not findings, "\n".join(findings)
