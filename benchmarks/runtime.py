"""Runtime benchmark: what lumos_compat adds to a model call, next to the raw call and real Mastra.

    python -m benchmarks.runtime                    # default: 300 timed calls per row
    python -m benchmarks.runtime --iterations 100   # quicker, noisier
    python -m benchmarks.runtime --json             # the figures as JSON too

Everything runs against the loopback ``FakeLLMServer`` (a real HTTP server on 127.0.0.1), so the
network is the same for every column. One table:

- ``agent.generate()`` for a plain reply, per call, next to the same HTTP request (the very body the
  agent sent) made with a pooled raw ``httpx.AsyncClient`` and parsed: the ratio is the framework's
  cost. Calls are interleaved (agent, raw, agent, raw...) after a warm-up, medians reported.
- Time to the first text delta of ``agent.stream()`` next to raw SSE read with httpx up to the first
  content delta: the difference in ms.
- ``import lumos_compat`` in a fresh interpreter (median of several).
- Memory for 100 agents (tracemalloc: what constructing them allocates and keeps).
- Real Mastra (``@mastra/core`` from ``LUMOS_MASTRA_HOME``, default /tmp/mastra-scratch) doing the
  same plain-reply generate and stream against the same server, timed in its own Node process by
  ``benchmarks/node/mastra_runtime.mjs``; the column says why when Node or the packages are missing.

Targets (issue 2): generate within 1.30x the raw call, at most +1 ms to the first delta, import in
under 250 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from lumos_compat import Agent, create_tool
from lumos_compat.testing import FakeLLMServer

__all__ = ["Figures", "main", "measure"]

REPLY = "Hello! How can I help you today?"
PROMPT = "Say hello."
INSTRUCTIONS = "You are a helpful assistant."
NODE_SCRIPT = Path(__file__).resolve().parent / "node" / "mastra_runtime.mjs"

TARGET_RATIO = 1.30
TARGET_FIRST_DELTA_MS = 1.0
TARGET_IMPORT_MS = 250.0


@dataclass
class Figures:
    """Every figure the table shows (times in ms, memory in KiB)."""

    iterations: int
    generate_ms: float = 0.0
    raw_ms: float = 0.0
    stream_first_delta_ms: float = 0.0
    raw_first_delta_ms: float = 0.0
    import_ms: float = 0.0
    import_dependencies_ms: float = 0.0
    memory_100_agents_kib: float = 0.0
    mastra: dict[str, Any] | None = None
    mastra_note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float:
        """generate time over raw time."""
        return self.generate_ms / self.raw_ms if self.raw_ms else float("nan")

    @property
    def first_delta_overhead_ms(self) -> float:
        """How much later the first delta arrives through the framework."""
        return self.stream_first_delta_ms - self.raw_first_delta_ms


def _median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000.0


def _model(url: str) -> dict[str, str]:
    return {"id": "fake/fake-model", "url": f"{url}/v1", "api_key": "test-key"}


def _agent(url: str) -> Agent:
    return Agent(id="bench-agent", name="bench-agent", instructions=INSTRUCTIONS, model=_model(url))


@contextlib.contextmanager
def _server_process() -> Iterator[str]:
    """The fake server in its own process (as a model server is), answering REPLY forever.

    In the benchmark's own process the server thread would fight the client for the GIL and add
    milliseconds of scheduling noise to every call of both columns.
    """
    proc = subprocess.Popen(
        [sys.executable, "-m", "lumos_compat.testing", REPLY, "--loop"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().strip()
        if not url.startswith("http://127.0.0.1:"):
            raise RuntimeError(f"the fake server did not start (printed {url!r})")
        yield url
    finally:
        if proc.stdin is not None:
            proc.stdin.close()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


async def _captured_request(streaming: bool) -> tuple[str, bytes, dict[str, str]]:
    """The path, body and headers the agent sends for the plain reply (from an in-process server)."""
    with FakeLLMServer([REPLY]) as server:
        agent = _agent(server.url)
        if streaming:
            await (await agent.stream(PROMPT)).consume_stream()
        else:
            await agent.generate(PROMPT)
        request = server.model_requests[0]
    body = json.dumps(request.body, separators=(",", ":")).encode()
    headers = {
        "authorization": request.headers["authorization"],
        "content-type": "application/json",
    }
    return request.path, body, headers


async def _generate_rows(url: str, iterations: int, warmup: int) -> tuple[float, float]:
    agent = _agent(url)
    path, body, headers = await _captured_request(streaming=False)
    async with httpx.AsyncClient(timeout=30.0) as client:

        async def raw_call() -> float:
            start = time.perf_counter()
            response = await client.post(f"{url}{path}", content=body, headers=headers)
            response.raise_for_status()
            data = response.json()
            elapsed = time.perf_counter() - start
            assert data["choices"][0]["message"]["content"] == REPLY
            return elapsed

        async def agent_call() -> float:
            start = time.perf_counter()
            result = await agent.generate(PROMPT)
            elapsed = time.perf_counter() - start
            assert result.text == REPLY
            return elapsed

        for _ in range(warmup):
            await agent_call()
            await raw_call()
        agent_times: list[float] = []
        raw_times: list[float] = []
        for _ in range(iterations):
            agent_times.append(await agent_call())
            raw_times.append(await raw_call())
    return _median_ms(agent_times), _median_ms(raw_times)


async def _first_delta_rows(url: str, iterations: int, warmup: int) -> tuple[float, float]:
    agent = _agent(url)
    path, body, headers = await _captured_request(streaming=True)
    headers = {**headers, "accept": "text/event-stream"}
    async with httpx.AsyncClient(timeout=30.0) as client:

        async def raw_call() -> float:
            start = time.perf_counter()
            first_delta: float | None = None
            async with client.stream(
                "POST", f"{url}{path}", content=body, headers=headers
            ) as response:
                response.raise_for_status()
                async for line in response.aiter_lines():
                    if first_delta is None and line.startswith("data: {"):
                        chunk = json.loads(line[6:])
                        choices = chunk.get("choices") or [{}]
                        if choices[0].get("delta", {}).get("content"):
                            first_delta = time.perf_counter() - start
            assert first_delta is not None
            return first_delta

        async def agent_call() -> float:
            start = time.perf_counter()
            stream = await agent.stream(PROMPT)
            first_delta: float | None = None
            async for delta in stream.text_stream:
                if first_delta is None and delta:
                    first_delta = time.perf_counter() - start
            assert first_delta is not None
            return first_delta

        for _ in range(warmup):
            await agent_call()
            await raw_call()
        agent_times: list[float] = []
        raw_times: list[float] = []
        for _ in range(iterations):
            agent_times.append(await agent_call())
            raw_times.append(await raw_call())
    return _median_ms(agent_times), _median_ms(raw_times)


_DEPENDENCIES = "import asyncio, httpx, pydantic; from pydantic import BaseModel"


def _import_ms(repeat: int) -> tuple[float, float]:
    """Median wall time of ``import lumos_compat`` in fresh interpreters, and of its dependencies.

    Byte code is cached (in a private prefix, so the repo stays clean) as it is for any installed
    package: with ``PYTHONDONTWRITEBYTECODE`` every run would compile every module again.
    """
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(Path(tempfile.gettempdir()) / "lumos-bench-pycache")

    def timed(statement: str) -> float:
        code = f"import time; t = time.perf_counter(); {statement}; print(time.perf_counter() - t)"
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
        )
        return float(out.stdout.strip())

    timed("import lumos_compat")  # writes the byte code
    ours: list[float] = []
    floor: list[float] = []
    for _ in range(repeat):
        ours.append(timed("import lumos_compat"))
        floor.append(timed(_DEPENDENCIES))
    return _median_ms(ours), _median_ms(floor)


def _memory_100_agents_kib(url: str) -> float:
    async def weather(input: Any) -> dict[str, Any]:
        return {"temperature": 20}

    tool = create_tool(
        id="get-weather",
        description="Get the weather",
        input_schema={
            "type": "object",
            "properties": {"city": {"type": "string"}},
            "required": ["city"],
        },
        execute=weather,
    )
    model = _model(url)
    _agent(url)  # import-time caches are warm before measuring
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.take_snapshot()
    agents = [
        Agent(
            id=f"agent-{i}",
            name=f"Agent {i}",
            instructions=f"{INSTRUCTIONS} You are agent number {i}.",
            model=model,
            tools={"weather": tool},
        )
        for i in range(100)
    ]
    gc.collect()
    after = tracemalloc.take_snapshot()
    tracemalloc.stop()
    grown = sum(stat.size_diff for stat in after.compare_to(before, "filename"))
    assert len(agents) == 100
    return grown / 1024.0


def _mastra(url: str, iterations: int, warmup: int) -> tuple[dict[str, Any] | None, str]:
    node = shutil.which("node")
    if node is None:
        return None, "skipped: node is not on PATH"
    home = Path(os.environ.get("LUMOS_MASTRA_HOME", "/tmp/mastra-scratch"))
    if not (home / "node_modules" / "@mastra" / "core").is_dir():
        return None, f"skipped: no @mastra/core in {home}/node_modules (set LUMOS_MASTRA_HOME)"
    proc = subprocess.run(
        [node, str(NODE_SCRIPT), url, str(iterations), str(warmup)],
        capture_output=True,
        text=True,
        env={**os.environ, "LUMOS_MASTRA_HOME": str(home)},
        timeout=600,
    )
    if proc.returncode != 0:
        tail = proc.stderr.strip().splitlines()[-1:] or ["no output"]
        return None, f"skipped: the Mastra script failed ({tail[0][:120]})"
    return json.loads(proc.stdout.strip().splitlines()[-1]), ""


async def _async_rows(url: str, figures: Figures, warmup: int) -> None:
    figures.generate_ms, figures.raw_ms = await _generate_rows(url, figures.iterations, warmup)
    figures.stream_first_delta_ms, figures.raw_first_delta_ms = await _first_delta_rows(
        url, figures.iterations, warmup
    )


def measure(
    iterations: int = 300, warmup: int = 50, import_repeat: int = 9, mastra: bool = True
) -> Figures:
    """Run every measurement once and return the figures."""
    figures = Figures(iterations=iterations)
    with _server_process() as url:
        asyncio.run(_async_rows(url, figures, warmup))
        figures.memory_100_agents_kib = _memory_100_agents_kib(url)
        if mastra:
            figures.mastra, figures.mastra_note = _mastra(url, iterations, min(warmup, 30))
        else:
            figures.mastra_note = "skipped: --no-mastra"
    figures.import_ms, figures.import_dependencies_ms = _import_ms(import_repeat)
    return figures


def _verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def render(figures: Figures) -> str:
    """The table, in Markdown."""
    m = figures.mastra
    peer = f"Mastra {m['version']}" if m and m.get("version") else "Mastra"

    def peer_cell(key: str, suffix: str = "") -> str:
        if m is None:
            return "n/a"
        value = m[key]
        return f"{value:.2f} ms{suffix}"

    raw_gen = figures.raw_ms
    mastra_ratio = f" ({m['generate_ms'] / raw_gen:.1f}x raw)" if m and raw_gen else ""
    mastra_delta = f" (+{m['first_delta_ms'] - figures.raw_first_delta_ms:.2f} ms)" if m else ""
    rows = [
        (
            "`generate()` plain reply, per call",
            f"{figures.generate_ms:.3f} ms",
            f"{figures.raw_ms:.3f} ms",
            f"{figures.ratio:.2f}x",
            peer_cell("generate_ms", mastra_ratio),
            f"<= {TARGET_RATIO:.2f}x: {_verdict(figures.ratio <= TARGET_RATIO)}",
        ),
        (
            "`stream()` time to first text delta",
            f"{figures.stream_first_delta_ms:.3f} ms",
            f"{figures.raw_first_delta_ms:.3f} ms",
            f"{figures.first_delta_overhead_ms:+.3f} ms",
            peer_cell("first_delta_ms", mastra_delta),
            f"<= +{TARGET_FIRST_DELTA_MS:.0f} ms: "
            + _verdict(figures.first_delta_overhead_ms <= TARGET_FIRST_DELTA_MS),
        ),
        (
            "`import lumos_compat` (fresh process)",
            f"{figures.import_ms:.1f} ms",
            f"{figures.import_dependencies_ms:.1f} ms (asyncio, httpx, pydantic)",
            f"+{figures.import_ms - figures.import_dependencies_ms:.1f} ms",
            peer_cell("import_ms", " (@mastra/core/agent)"),
            f"< {TARGET_IMPORT_MS:.0f} ms: {_verdict(figures.import_ms < TARGET_IMPORT_MS)}",
        ),
        (
            "memory for 100 agents (tracemalloc)",
            f"{figures.memory_100_agents_kib:.0f} KiB "
            f"({figures.memory_100_agents_kib / 100:.1f} KiB each)",
            "",
            "",
            "",
            "",
        ),
    ]
    header = ("measure", "lumos_compat", "raw httpx", "overhead", peer, "target")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: tuple[str, ...]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    out = [line(header), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    out += [line(r) for r in rows]
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"
    notes = [
        f"medians of {figures.iterations} interleaved calls after warm-up; FakeLLMServer in its own "
        f"process on loopback; Python {sys.version.split()[0]}, {os.cpu_count()} CPU(s), "
        f"load average {load} (wall-clock figures: run on an idle machine)"
    ]
    if m:
        notes.append(
            f"Mastra column: node {m['node']}, {m['iterations']} calls in one process against the "
            "same server"
        )
    if figures.mastra_note:
        notes.append(f"Mastra column {figures.mastra_note}")
    return "\n".join(out) + "\n\n" + "\n".join(f"- {n}" for n in notes)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry: measure and print the table."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.runtime", description=__doc__)
    parser.add_argument("--iterations", type=int, default=300, help="timed calls per row")
    parser.add_argument("--warmup", type=int, default=50, help="untimed calls first")
    parser.add_argument("--import-repeat", type=int, default=9, help="fresh imports to time")
    parser.add_argument("--no-mastra", action="store_true", help="skip the real Mastra column")
    parser.add_argument("--json", action="store_true", help="also print the figures as JSON")
    args = parser.parse_args(argv)
    figures = measure(args.iterations, args.warmup, args.import_repeat, not args.no_mastra)
    print(render(figures))
    if args.json:
        data = {
            **{k: v for k, v in vars(figures).items() if k != "extra"},
            "ratio": figures.ratio,
            "first_delta_overhead_ms": figures.first_delta_overhead_ms,
        }
        print(json.dumps(data, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
