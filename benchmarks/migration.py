"""Migration benchmark: lumos-migrate on a generated large Mastra project.

    python -m benchmarks.migration                  # default size (~400 files, ~3000 tools)
    python -m benchmarks.migration --scale 0.25     # smaller, for a quick look
    python -m benchmarks.migration --repeat 3       # best of three runs per row

Generates a Mastra project into a temporary folder (tool files with zod schemas of realistic shapes,
shared schema files behind barrels and a ``@/`` path alias, agents with template-literal and array
instructions and sub-agents, 1.x files and 0.x-era files, a ``new Mastra({...})`` registering them)
and prints one table: the raw tree-sitter parse time of the same files (the floor), ``scan`` (parse,
module graph, extraction into the IR), and the full ``convert`` pipeline into a temporary out folder
with ``--jobs 1`` and ``--jobs 2``; each with its throughput in MB/s and its ratio to the raw parse.
The convert runs go through the CLI in this process; the modules convert imports on first use are
imported before timing (as Python's own start-up is not timed), and removing each run's out folder
is not timed. The raw parse, the scan and ``--jobs 1`` run pinned to one CPU (with the ruff processes
convert starts), as the target asks.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Row", "generate_project", "main", "measure"]

_FIELD_SHAPES = (
    "z.string().describe('{d}')",
    "z.number().int().min(0).max(1000)",
    "z.boolean().optional()",
    "z.enum(['low', 'medium', 'high']).default('medium')",
    "z.array(z.string()).max(20)",
    "z.string().email().describe('{d}')",
    "z.string().url().nullable()",
    "z.object({{ street: z.string(), city: z.string(), zip: z.string().regex(/^\\d{{5}}$/) }})",
    "z.union([z.string(), z.number()])",
    "z.record(z.string(), z.number())",
    "z.string().datetime().optional()",
    "z.literal('v1')",
)


def _fields(seed: int, count: int) -> str:
    lines = []
    for i in range(count):
        shape = _FIELD_SHAPES[(seed + i * 7) % len(_FIELD_SHAPES)].format(d=f"field {i} of {seed}")
        lines.append(f"    f{i}{'Value' if i % 3 else 'Id'}: {shape},")
    return "\n".join(lines)


def _tool_file(n: int, tools: int, legacy: bool) -> str:
    core = "@mastra/core" if legacy else "@mastra/core/tools"
    out = [f"import {{ createTool }} from '{core}';", "import { z } from 'zod';"]
    out.append(f"import {{ sharedAddress{n % 10}, sharedPaging{n % 10} }} from '@/schemas';")
    out.append("")
    for t in range(tools):
        name = f"tool{n}x{t}"
        execute = (
            "  execute: async ({ context }) => {\n    return { ok: true, id: context.f0Id };\n  },"
            if legacy
            else "  execute: async (inputData, { requestContext }) => {\n"
            "    const res = await fetch(`https://api.example.com/${inputData.f0Id}`);\n"
            "    return { ok: res.ok, id: String(inputData.f0Id) };\n  },"
        )
        out.append(
            f"export const {name} = createTool({{\n"
            f"  id: '{name.lower()}',\n"
            f"  description: 'Tool {t} of module {n}: looks things up in system {n % 17}',\n"
            f"  inputSchema: z.object({{\n{_fields(n * 31 + t, 4 + (n + t) % 6)}\n"
            f"    address: sharedAddress{n % 10}.optional(),\n"
            f"    paging: sharedPaging{n % 10},\n"
            f"  }}),\n"
            f"  outputSchema: z.object({{ ok: z.boolean(), id: z.string() }}),\n"
            f"{execute}\n"
            f"}});\n"
        )
    return "\n".join(out)


def _schema_file(n: int) -> str:
    return (
        "import { z } from 'zod';\n\n"
        f"export const sharedAddress{n} = z.object({{\n"
        "  line1: z.string().min(1),\n  line2: z.string().optional(),\n"
        "  country: z.enum(['DE', 'FR', 'US', 'GB']),\n}).describe('A postal address');\n\n"
        f"export const sharedPaging{n} = z.object({{\n"
        "  page: z.number().int().min(1).default(1),\n"
        "  size: z.number().int().max(100).default(20),\n});\n"
    )


def _agent_file(n: int, tool_files: list[tuple[int, int]], legacy: bool, sub: str | None) -> str:
    core = "@mastra/core" if legacy else "@mastra/core/agent"
    out = [f"import {{ Agent }} from '{core}';"]
    if legacy:
        out.append("import { openai } from '@ai-sdk/openai';")
    tool_names = []
    for module, count in tool_files:
        names = [f"tool{module}x{t}" for t in range(count)]
        tool_names += names
        out.append(f"import {{ {', '.join(names)} }} from '../tools/tools-{module}';")
    out.append(f"import {{ TONE_{n % 5} }} from '../prompts';")
    if sub:
        out.append(f"import {{ {sub} }} from './agent-{sub.removeprefix('agent')}';")
    out.append("")
    tools = ", ".join(f"{t}" for t in tool_names)
    model = "openai('gpt-4o-mini')" if legacy else "'openai/gpt-4o-mini'"
    body = [
        f"export const agent{n} = new Agent({{",
        *([] if legacy else [f"  id: 'agent-{n}',"]),
        f"  name: 'Agent {n}',",
        f"  description: 'Handles requests of team {n}',",
        "  instructions: [",
        f"    `You are agent {n}. ${{TONE_{n % 5}}}`,",
        "    'Use the tools; never guess.',",
        f"    'Escalate to a human after {n % 4 + 2} failed attempts.',",
        "  ].join('\\n'),",
        f"  model: {model},",
        f"  tools: {{ {tools} }},",
    ]
    if sub:
        body.append(f"  agents: {{ {sub} }},")
    body.append("});\n")
    return "\n".join(out + body)


def generate_project(root: Path, *, scale: float = 1.0) -> dict[str, int]:
    """Write a large Mastra project under ``root``; return its counts."""
    tool_files = max(4, int(300 * scale))
    tools_per_file = 10
    agents = max(2, int(100 * scale))
    src = root / "src" / "mastra"
    for folder in ("tools", "agents", "schemas"):
        (src / folder).mkdir(parents=True, exist_ok=True)
    (root / "package.json").write_text(
        json.dumps(
            {"name": "bench-project", "type": "module", "dependencies": {"@mastra/core": "^1.10.0"}}
        )
    )
    (root / "tsconfig.json").write_text(
        json.dumps({"compilerOptions": {"baseUrl": ".", "paths": {"@/*": ["src/mastra/*"]}}})
    )
    for n in range(10):
        (src / "schemas" / f"shared-{n}.ts").write_text(_schema_file(n))
    (src / "schemas" / "index.ts").write_text(
        "".join(f"export * from './shared-{n}';\n" for n in range(10))
    )
    (src / "prompts.ts").write_text(
        "".join(
            f"export const TONE_{i} = 'Answer in a {w} tone; cite sources.';\n"
            for i, w in enumerate(("friendly", "formal", "brief", "careful", "plain"))
        )
    )
    for n in range(tool_files):
        (src / "tools" / f"tools-{n}.ts").write_text(_tool_file(n, tools_per_file, n % 4 == 3))
    for n in range(agents):
        picks = [((n * 3 + k) % tool_files, 3) for k in range(3)]
        sub = f"agent{n - 1}" if n % 5 == 4 else None
        (src / "agents" / f"agent-{n}.ts").write_text(_agent_file(n, picks, n % 4 == 3, sub))
    imports = "".join(f"import {{ agent{n} }} from './agents/agent-{n}';\n" for n in range(agents))
    (src / "index.ts").write_text(
        "import { Mastra } from '@mastra/core/mastra';\n"
        + imports
        + "\nexport const mastra = new Mastra({\n  agents: { "
        + ", ".join(f"agent{n}" for n in range(agents))
        + " },\n});\n"
    )
    files = [p for p in root.rglob("*.ts")]
    return {
        "files": len(files),
        "bytes": sum(p.stat().st_size for p in files),
        "tools": tool_files * tools_per_file,
        "schemas": tool_files * tools_per_file * 2 + 20,
        "agents": agents,
    }


# issue 3: the whole pipeline within this many times the raw parse time, on one core
TARGET_RATIO = 10.0


@dataclass
class Row:
    """One measured stage: wall-clock seconds and CPU seconds (this process and its children)."""

    stage: str
    seconds: float
    megabytes: float
    floor: float
    cpu: float = float("nan")

    @property
    def ratio(self) -> float:
        """Wall-clock time over the raw parse time."""
        return self.seconds / self.floor if self.floor else float("nan")

    def cells(self) -> list[str]:
        """The table cells of this row."""
        return [
            self.stage,
            f"{self.seconds:.2f}",
            f"{self.cpu:.2f}",
            f"{self.megabytes / self.seconds:.2f}",
            f"{self.ratio:.1f}x",
        ]


def _cpu_now() -> float:
    me = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


def measure_cpu(
    fn: Callable[[], object], repeat: int, cleanup: Callable[[], object] | None = None
) -> tuple[float, float]:
    """Best wall-clock time of ``repeat`` runs of ``fn``, and the CPU time of that run
    (this process and the worker and ruff processes it waited for); ``cleanup`` runs after each
    run, outside the timing."""
    best = (float("inf"), float("nan"))
    for _ in range(repeat):
        start, cpu = time.perf_counter(), _cpu_now()
        fn()
        wall = time.perf_counter() - start
        if cleanup is not None:
            cleanup()
        if wall < best[0]:
            best = (wall, _cpu_now() - cpu)
    return best


def measure(fn: Callable[[], object], repeat: int) -> float:
    """Best wall-clock time of ``repeat`` runs of ``fn``."""
    return measure_cpu(fn, repeat)[0]


def _one_core(fn: Callable[[], object]) -> Callable[[], object]:
    """``fn`` run on one CPU (this process and the ruff processes it starts), where the OS lets us
    choose: issue 3's target is on one core."""
    if not hasattr(os, "sched_setaffinity"):  # pragma: no cover - not Linux
        return fn

    def run() -> None:
        cpus = os.sched_getaffinity(0)
        os.sched_setaffinity(0, {min(cpus)})
        try:
            fn()
        finally:
            os.sched_setaffinity(0, cpus)

    return run


def _raw_parse(paths: list[Path]) -> Callable[[], object]:
    from converters.ts import language_for_path, parse

    def run() -> None:
        for path in paths:
            lang = language_for_path(path.name)
            assert lang is not None
            parse(path.read_bytes(), lang)

    return run


def _convert(
    project: Path, out_root: Path, jobs: int
) -> tuple[Callable[[], object], Callable[[], object]]:
    """A run of ``lumos-migrate convert`` (through the CLI, in this process), and its cleanup."""
    from typer.testing import CliRunner

    # what convert imports on first use (libcst, the emitters, the writer): imported here, once,
    # so that the timed runs measure the pipeline, not Python loading modules (~0.3 s)
    import converters.emit
    import converters.report
    import converters.writer  # noqa: F401
    from converters.cli import app

    runner = CliRunner()
    counter = iter(range(1_000_000))
    outs: list[Path] = []

    def run() -> None:
        out = out_root / f"out-{jobs}-{next(counter)}"
        outs.append(out)
        result = runner.invoke(
            app, ["convert", str(project), "--out", str(out), "--jobs", str(jobs)]
        )
        if result.exit_code not in (0, 1):
            raise RuntimeError(f"convert failed ({result.exit_code}):\n{result.output[-3000:]}")

    def cleanup() -> None:
        while outs:
            shutil.rmtree(outs.pop(), ignore_errors=True)

    return run, cleanup


def main(argv: list[str] | None = None) -> int:
    """Generate the project, measure every stage, print the table."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.migration", description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0, help="project size (1.0 = default)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per row; the best is kept")
    args = parser.parse_args(argv)

    from converters.scan import scan_project

    with tempfile.TemporaryDirectory(prefix="lumos-bench-") as tmp:
        project = Path(tmp) / "project"
        counts = generate_project(project, scale=args.scale)
        paths = sorted(project.rglob("*.ts"))
        mb = counts["bytes"] / 1e6
        floor, cpu = measure_cpu(_one_core(_raw_parse(paths)), args.repeat)
        rows = [Row("raw tree-sitter parse", floor, mb, floor, cpu)]
        seconds, cpu = measure_cpu(_one_core(lambda: scan_project(project)), args.repeat)
        rows.append(Row("scan", seconds, mb, floor, cpu))
        # the two convert rows take turns, so that other load on the machine hits both alike
        runs = {jobs: _convert(project, Path(tmp), jobs) for jobs in (1, 2)}
        best = {jobs: (float("inf"), float("nan")) for jobs in runs}
        for _ in range(args.repeat):
            for jobs, (run, cleanup) in runs.items():
                if jobs == 1:
                    run = _one_core(run)
                best[jobs] = min(best[jobs], measure_cpu(run, 1, cleanup))
        for jobs, (seconds, cpu) in best.items():
            rows.append(Row(f"convert --jobs {jobs}", seconds, mb, floor, cpu))

    print(
        f"Generated project: {counts['files']} files, {mb:.2f} MB, {counts['tools']} tools, "
        f"~{counts['schemas']} zod schemas, {counts['agents']} agents "
        f"(Python {sys.version.split()[0]}, {os.cpu_count()} CPUs)"
    )
    header = ["stage", "seconds", "cpu s", "MB/s", "vs raw parse"]
    table = [header, *[r.cells() for r in rows]]
    widths = [max(len(line[i]) for line in table) for i in range(len(header))]
    for i, line in enumerate(table):
        print(
            "| "
            + " | ".join(
                c.ljust(w) if j == 0 else c.rjust(w)
                for j, (c, w) in enumerate(zip(line, widths, strict=True))
            )
            + " |"
        )
        if i == 0:
            print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    one, two = rows[2], rows[3]
    verdict = "met" if one.ratio <= TARGET_RATIO else "missed"
    print(
        f"Target (issue 3): convert --jobs 1 within {TARGET_RATIO:.0f}x the raw parse: "
        f"{one.ratio:.1f}x, {verdict} (CPU: {one.cpu / rows[0].cpu:.1f}x the parse's CPU)."
    )
    verdict = "met" if two.seconds < one.seconds else "missed"
    print(
        f"Target (issue 3): --jobs 2 faster than --jobs 1: {two.seconds:.2f} s vs "
        f"{one.seconds:.2f} s ({one.seconds / two.seconds:.2f}x), {verdict}."
    )
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"Wall-clock figures; load average {load:.2f} on {os.cpu_count()} CPUs when done "
        "(above the CPU count, other processes shared the cores: compare the cpu column)."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
