"""Parity with real Mastra memory: each recorded scenario replayed with ``lumos_compat``.

The recordings in tests/data/mastra_memory come from real Mastra 1.71 with LibSQL ``:memory:``
(``python -m tests.memory.record``). Here the same turns run through ``Agent(memory=Memory(storage=
SqliteStore(":memory:")))`` against the same fake server and script. Every request (chat and
embeddings, in order) must be equal after the same normalisation, and so must the texts of the
stored messages and the working memory.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from converters.schema_emit import PydanticModule
from converters.zod import SingleFileZodContext
from lumos_compat import Agent, Mastra, create_tool
from lumos_compat.memory import Memory
from lumos_compat.memory.semantic import message_text
from lumos_compat.storage import SqliteStore
from lumos_compat.testing import FakeLLMServer
from tests.memory.record import RECORDINGS_DIR, normalise_clock
from tests.oracle.record import normalise

RECORDINGS = sorted(p.stem for p in RECORDINGS_DIR.glob("*.json"))


def zod_model(expression: str) -> type:
    """The pydantic model the zod converter makes of a zod expression (as a port would hold)."""
    source = f"import {{ z }} from 'zod';\nexport const workingMemorySchema = {expression};\n"
    ctx = SingleFileZodContext.from_source(source, "schema.ts")
    module = PydanticModule(ctx.schemas.__getitem__)
    name = module.add_model(ctx.schema("workingMemorySchema"), "WorkingMemorySchema")
    namespace: dict[str, Any] = {}
    code = module.build().module_code()
    exec(compile(code, "<working memory schema>", "exec", dont_inherit=True), namespace)
    return namespace[name]


def _tools(specs: dict[str, Any], tool_inputs: list[dict[str, Any]]) -> dict[str, Any]:
    """The scenario's tools as run_mastra_memory.mjs builds them (suspend until resumed)."""
    from tests.runtime.test_mastra_parity import _pydantic_from_zod

    tools = {}
    for key, spec in specs.items():
        stem = f"Memory{key.title()}"

        async def execute(input: Any, context: Any, key: str = key, spec: Any = spec) -> Any:
            entry = {"tool": key, "toolCallId": context.agent.tool_call_id}
            entry["input"] = input.model_dump(mode="json", exclude_none=True)
            resume = context.agent.resume_data
            if resume is not None:
                entry["resumeData"] = resume
            tool_inputs.append(entry)
            if "suspend" in spec and resume is None:
                return await context.agent.suspend(spec["suspend"])
            return spec.get("returns", resume)

        extra = {}
        if "suspendZod" in spec:
            extra["suspend_schema"] = _pydantic_from_zod(spec["suspendZod"], f"{stem}Suspend")
        if "resumeZod" in spec:
            extra["resume_schema"] = _pydantic_from_zod(spec["resumeZod"], f"{stem}Resume")
        tools[key] = create_tool(
            id=spec["id"],
            description=spec["description"],
            input_schema=_pydantic_from_zod(spec["zod"], f"{stem}Input"),
            execute=execute,
            **extra,
        )
    return tools


def _load(name: str) -> dict[str, Any]:
    return json.loads((RECORDINGS_DIR / f"{name}.json").read_text(encoding="utf-8"))


def _json_view(value: Any) -> Any:
    """JSON as Mastra's runner encodes it (dates there are Date objects, ISO strings here)."""
    return json.loads(json.dumps(value, default=str))


def _same_dates(value: Any) -> Any:
    """Mastra's ``<date>`` (a Date object) and our ``<iso-ts>`` (its JSON form) are one value."""
    if isinstance(value, dict):
        return {k: _same_dates(v) for k, v in value.items() if v != "<undefined>"}
    if isinstance(value, list):
        return [_same_dates(v) for v in value]
    return "<iso-ts>" if value == "<date>" else value


async def _replay(scenario: dict[str, Any]) -> dict[str, Any]:
    spec = scenario["memory"]
    tool_inputs: list[dict[str, Any]] = []
    with FakeLLMServer(scenario["script"]) as server:
        store = SqliteStore(":memory:")
        options = dict(spec.get("options") or {})
        title = options.get("generateTitle")
        if isinstance(title, dict) and isinstance(title.get("model"), str):
            # as in run_mastra_memory.mjs: 'fake/<id>' is the fake server under that model id
            model_id = title["model"].removeprefix("fake/")
            options["generateTitle"] = {**title, "model": server.model(model_id)}
        if spec.get("schemaZod"):
            options["workingMemory"] = {
                **options["workingMemory"],
                "schema": zod_model(spec["schemaZod"]),
            }
        kwargs: dict[str, Any] = {"options": options}
        if not spec.get("mastraStorage"):
            kwargs["storage"] = store
        if spec.get("semantic"):
            kwargs["embedder"] = {
                "id": f"openai/{spec.get('embeddingModel', 'text-embedding-3-small')}",
                "url": server.openai_base_url,
                "api_key": "test-key",
            }
        memory = Memory(**kwargs)
        agent = Agent(
            id=scenario["agent"]["id"],
            name=scenario["agent"].get("name", scenario["agent"]["id"]),
            instructions=scenario["agent"]["instructions"],
            model=server.model("fake-model"),
            memory=memory,
            tools=_tools(scenario["agent"].get("tools") or {}, tool_inputs) or None,
        )
        if spec.get("mastraStorage"):  # the Memory has none: the Mastra instance's is used
            Mastra(agents={agent.id: agent}, storage=store)
        results = []
        for turn in scenario["turns"]:
            if turn.get("method") == "stream":
                stream = await agent.stream(turn["messages"], memory=turn["memory"])
                chunks = [c async for c in stream.full_stream]
                finish = next(c for c in chunks if c["type"] == "finish")["payload"]
                results.append(
                    {
                        "finishKeys": list(finish),
                        "finishResponse": _json_view(finish.get("response")),
                        "text": await stream.text,
                    }
                )
                continue
            out = await agent.generate(
                turn["messages"], turn.get("options") or {}, memory=turn["memory"]
            )
            results.append({"text": out.text})
        last = scenario["turns"][-1]["memory"]
        thread_id = last["thread"] if isinstance(last["thread"], str) else last["thread"]["id"]
        stored = await memory.recall(
            thread_id=thread_id, resource_id=last["resource"], per_page=False
        )
        body = {
            "requests": [{"path": r.path, "body": r.body} for r in server.requests],
            "results": results,
            "stored": stored["messages"],
            "thread": await memory.get_thread_by_id(thread_id),
            "workingMemory": await memory.get_working_memory(
                thread_id, last["resource"], memory_config=spec.get("options")
            ),
            "server_errors": server.errors,
        }
        if scenario["agent"].get("tools"):
            body["tool_inputs"] = tool_inputs
        url = server.url
        await store.close()
    return normalise_clock(normalise(body, url, scenario))


@pytest.mark.parametrize("name", RECORDINGS)
async def test_requests_match_real_mastra(name: str) -> None:
    recording = _load(name)
    ours = await _replay(recording["scenario"])
    assert ours["server_errors"] == []
    assert len(ours["requests"]) == len(recording["requests"])
    for i, (mine, theirs) in enumerate(zip(ours["requests"], recording["requests"], strict=True)):
        assert mine == theirs, f"request {i} differs"
    assert _same_dates(ours["results"]) == _same_dates(recording["results"])
    assert ours.get("tool_inputs") == recording.get("tool_inputs")


@pytest.mark.parametrize("name", RECORDINGS)
async def test_stored_thread_matches_real_mastra(name: str) -> None:
    recording = _load(name)
    ours = await _replay(recording["scenario"])

    def shape(messages: list[dict[str, Any]]) -> list[tuple[str, str, str, str]]:
        return [(m["role"], message_text(m), m["threadId"], m["resourceId"]) for m in messages]

    assert shape(ours["stored"]) == shape(recording["stored"])

    def part_types(messages: list[dict[str, Any]]) -> list[list[str]]:
        return [[p["type"] for p in m["content"].get("parts", [])] for m in messages]

    assert part_types(ours["stored"]) == part_types(recording["stored"])
    assert {k: ours["thread"][k] for k in ("id", "resourceId", "title", "metadata")} == {
        k: recording["thread"][k] for k in ("id", "resourceId", "title", "metadata")
    }
    expected_wm = recording["workingMemory"]
    assert ours["workingMemory"] == (None if expected_wm in ("<undefined>",) else expected_wm)
