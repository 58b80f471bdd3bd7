"""Record zod 4 / Mastra validation errors for invalid tool inputs: ``python -m
tests.oracle_zod.record_validation``.

``tests/data/zod_validation/cases.json`` lists invalid inputs for schemas of the zod zoo
(``tests/data/zod_zoo/zoo.ts``). Real Mastra (``LUMOS_MASTRA_HOME``, default
``/tmp/mastra-scratch``) checks each one three ways (see ``record_validation.mjs``): zod's own
``safeParse`` issues, ``validateToolInput`` of ``@mastra/core/tools``, and the tool result of an
agent run against a loopback ``FakeLLMServer`` over chat completions and over the Responses API.
The answers go to ``tests/data/zod_validation/recorded.json``; ``tests/runtime/
test_zod_validation_messages.py`` replays them through the converter's pydantic models and
``lumos_compat`` without Node.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from lumos_compat.testing import FakeLLMServer, Turn
from lumos_compat.testing.script import ScriptToolCall
from tests.oracle_zod.record import ZOO_TS, RecordError, _mastra_home

HERE = Path(__file__).resolve().parent
DATA = HERE.parent / "data" / "zod_validation"
CASES = DATA / "cases.json"
RECORDED = DATA / "recorded.json"
MODES = ("chat", "responses")


def record() -> dict[str, Any]:
    """Run real Mastra over every case and return the recording."""
    cases = json.loads(CASES.read_text("utf-8"))["cases"]
    turns = [
        Turn(
            tool_calls=[
                ScriptToolCall(
                    name=case["schema"],
                    raw_arguments=json.dumps(case["input"], ensure_ascii=False),
                    id=f"call_{index}_{mode}",
                )
            ]
        )
        for index, case in enumerate(cases)
        for mode in MODES
    ]
    home = _mastra_home()
    with FakeLLMServer(turns) as server, tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        shutil.copy(HERE / "record_validation.mjs", work / "record_validation.mjs")
        shutil.copy(ZOO_TS, work / "zoo.ts")
        shutil.copy(CASES, work / "cases.json")
        (work / "node_modules").symlink_to(home / "node_modules")
        env = {
            **os.environ,
            "ZOO_SERVER_URL": server.openai_base_url,
            "OPENAI_BASE_URL": server.openai_base_url,
            "OPENAI_API_KEY": "k",
        }
        proc = subprocess.run(
            ["node", "--import", "tsx", "record_validation.mjs"],
            cwd=work,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
        )
        if proc.returncode != 0:
            raise RecordError(f"the recorder failed (exit {proc.returncode}):\n{proc.stderr}")
        if server.remaining_turns:
            raise RecordError(f"{server.remaining_turns} scripted turns were not used")
    lines = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    if len(lines) != len(cases):
        raise RecordError(f"expected {len(cases)} answers, got {len(lines)}:\n{proc.stderr}")
    rows = []
    for case, line in zip(cases, lines, strict=True):
        rows.append({**case, **{k: v for k, v in line.items() if k != "index"}})
    return {
        "about": (
            "Invalid tool inputs (cases.json) checked by real zod 4 and Mastra 1.71: zod = "
            "safeParse issues, direct = validateToolInput(schema, input, name), chat/responses = "
            "the tool result of an agent run (custom OpenAI-compatible model / openai/gpt-4o-mini). "
            "Recorded by python -m tests.oracle_zod.record_validation."
        ),
        "rows": rows,
    }


def main() -> int:
    """Command-line entry point."""
    try:
        data = record()
    except RecordError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    RECORDED.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", "utf-8")
    valid = [i for i, r in enumerate(data["rows"]) if r["zod"] is None]
    print(f"recorded {len(data['rows'])} rows into {RECORDED}; valid inputs (fix them): {valid}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
