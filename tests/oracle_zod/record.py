"""Record the zod zoo against real Mastra: ``python -m tests.oracle_zod.record``.

For every exported schema of ``tests/data/zod_zoo/zoo.ts`` real Mastra (found through
``LUMOS_MASTRA_HOME``, default ``/tmp/mastra-scratch``) builds an agent with one tool whose
``inputSchema`` is that schema and calls ``generate`` against a loopback ``FakeLLMServer``, once over
chat completions (custom ``{id, url, apiKey}`` model) and once over the Responses API
(``'openai/gpt-4o-mini'`` with ``OPENAI_BASE_URL``). The tool definitions the server received are
written to ``tests/data/zod_zoo/zoo.json`` as ``{name: {zod, chat_parameters,
responses_parameters}}``. The test suite reads that file and never needs Node.

Options: ``--only a,b`` records only some entries (merged into the existing file).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from converters.ts import parse
from lumos_compat.testing import FakeLLMServer, Turn

HERE = Path(__file__).resolve().parent
ZOO_DIR = HERE.parent / "data" / "zod_zoo"
ZOO_TS = ZOO_DIR / "zoo.ts"
ZOO_JSON = ZOO_DIR / "zoo.json"


class RecordError(RuntimeError):
    """Recording could not run or produced something unusable."""


def zoo_sources(path: Path | None = None) -> dict[str, str]:
    """The exported schemas of the zoo, in source order: name -> source text of the initializer."""
    syntax = parse((path or ZOO_TS).read_bytes(), "ts")
    out: dict[str, str] = {}
    for stmt in syntax.root.named_children:
        if stmt.type != "export_statement":
            continue
        decl = stmt.child_by_field_name("declaration")
        if decl is None or decl.type != "lexical_declaration":
            continue
        for declarator in decl.named_children:
            if declarator.type != "variable_declarator":
                continue
            name = declarator.child_by_field_name("name")
            value = declarator.child_by_field_name("value")
            if name is not None and value is not None:
                out[syntax.text(name)] = syntax.text(value)
    return out


def _mastra_home() -> Path:
    home = Path(os.environ.get("LUMOS_MASTRA_HOME", "/tmp/mastra-scratch"))
    if not (home / "node_modules" / "@mastra" / "core").is_dir():
        raise RecordError(
            f"real Mastra was not found: expected {home}/node_modules/@mastra/core. "
            "Install @mastra/core 1.x, zod 4 and tsx there, or point LUMOS_MASTRA_HOME at the "
            "directory that holds their node_modules."
        )
    return home


def _tool_name(request_body: dict[str, Any]) -> str | None:
    tools = request_body.get("tools") or []
    if len(tools) != 1:
        return None
    tool = tools[0]
    if "function" in tool:  # chat completions
        return str(tool["function"]["name"])
    return str(tool.get("name"))


def _tool_parameters(request_body: dict[str, Any]) -> Any:
    tool = request_body["tools"][0]
    if "function" in tool:
        return tool["function"].get("parameters")
    return tool.get("parameters")


def record(only: set[str] | None = None) -> dict[str, Any]:
    """Run real Mastra over the zoo and return the recorded entries."""
    sources = zoo_sources()
    names = [n for n in sources if only is None or n in only]
    if only and (missing := only - set(sources)):
        raise RecordError(f"--only names not exported by {ZOO_TS}: {sorted(missing)}")
    home = _mastra_home()
    turns = [Turn.say("ok") for _ in range(2 * len(names) + 4)]
    with FakeLLMServer(turns) as server, tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        shutil.copy(HERE / "record_zoo.mjs", work / "record_zoo.mjs")
        shutil.copy(ZOO_TS, work / "zoo.ts")
        (work / "node_modules").symlink_to(home / "node_modules")
        env = {
            **os.environ,
            "ZOO_SERVER_URL": server.openai_base_url,
            "OPENAI_BASE_URL": server.openai_base_url,
            "OPENAI_API_KEY": "k",
            "ZOO_ONLY": ",".join(names),
        }
        proc = subprocess.run(
            ["node", "--import", "tsx", "record_zoo.mjs"],
            cwd=work,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        if proc.returncode != 0:
            raise RecordError(f"the recorder failed (exit {proc.returncode}):\n{proc.stderr}")
        outcomes = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
        requests = server.requests
    by_key: dict[tuple[str, str], Any] = {}
    for req in requests:
        if not isinstance(req.body, dict) or (name := _tool_name(req.body)) is None:
            continue
        mode = "chat" if req.path.endswith("/chat/completions") else "responses"
        by_key[(name, mode)] = _tool_parameters(req.body)
    errors = {(o["name"], o["mode"]): o["error"] for o in outcomes if not o["ok"]}
    result: dict[str, Any] = {}
    for name in names:
        entry: dict[str, Any] = {"zod": sources[name]}
        for mode in ("chat", "responses"):
            if (name, mode) in by_key:
                entry[f"{mode}_parameters"] = by_key[(name, mode)]
            else:
                entry[f"{mode}_error"] = errors.get((name, mode), "no request was recorded")
        result[name] = entry
    return result


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="comma-separated zoo names to re-record")
    args = parser.parse_args(argv)
    only = set(args.only.split(",")) if args.only else None
    try:
        entries = record(only)
    except RecordError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    data: dict[str, Any] = {}
    if only and ZOO_JSON.exists():
        data = json.loads(ZOO_JSON.read_text())
    data.update(entries)
    order = list(zoo_sources())
    data = {k: data[k] for k in order if k in data}
    ZOO_JSON.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    failed = [n for n, e in entries.items() if "chat_parameters" not in e]
    print(f"recorded {len(entries)} entries into {ZOO_JSON}; without chat parameters: {failed}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
