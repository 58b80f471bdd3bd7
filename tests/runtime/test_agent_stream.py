"""agent.stream(): the chunk sequence, text/full/object streams, awaitables, get_full_output(), errors,
and the two regressions issue 2 names (a stream that ends at the first text part when tool calls
follow; a tool-call chunk without complete arguments)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from pydantic import BaseModel

from lumos_compat import Agent, AgentStream, ModelCallError, create_tool
from lumos_compat.providers import create_openai
from lumos_compat.testing import FakeLLMServer, ScriptedModel, ScriptToolCall, ScriptUsage, Turn


class Person(BaseModel):
    name: str
    age: int


def _lookup_tool() -> Any:
    async def lookup(input: Any) -> dict[str, Any]:
        return {"found": input}

    return create_tool(id="lookup", description="look things up", execute=lookup)


def _agent(server: FakeLLMServer, model: Any = None) -> Agent:
    return Agent(
        name="streamer",
        instructions="x",
        model=model or server.model(),
        tools={"lookup": _lookup_tool()},
    )


async def _types(stream: AgentStream) -> list[str]:
    return [c["type"] async for c in stream.full_stream]


async def test_chunk_sequence_of_a_tool_round_trip(fake_llm: FakeLLMServer) -> None:
    fake_llm.push(Turn.call("lookup", {"q": "x"}, id="c1"), "Found it.")
    stream = await _agent(fake_llm).stream("find x")
    # the sequence real Mastra 1.71 streams for this script
    assert await _types(stream) == [
        "start",
        "step-start",
        "tool-call-input-streaming-start",
        "tool-call-delta",
        "tool-call-delta",
        "tool-call-input-streaming-end",
        "tool-call",
        "tool-result",
        "step-finish",
        "step-start",
        "text-start",
        "text-delta",
        "text-delta",
        "text-end",
        "step-finish",
        "finish",
    ]


async def test_chunk_payloads(fake_llm: FakeLLMServer) -> None:
    fake_llm.push(Turn.call("lookup", {"q": "x"}, id="c1"), "Found it.")
    stream = await _agent(fake_llm).stream("find x", run_id="run-9")
    chunks = [c async for c in stream.full_stream]
    by_type: dict[str, list[Any]] = {}
    for chunk in chunks:
        assert chunk["runId"] == "run-9"
        assert chunk["from"] == "AGENT"
        by_type.setdefault(chunk["type"], []).append(chunk["payload"])
    assert by_type["start"][0] == {"id": "streamer", "messageId": stream.message_id}
    assert by_type["tool-call"][0] == {"args": {"q": "x"}, "toolCallId": "c1", "toolName": "lookup"}
    assert by_type["tool-result"][0]["result"] == {"found": {"q": "x"}}
    assert [p["text"] for p in by_type["text-delta"]] == ["Found ", "it."]
    assert by_type["text-end"][0]["type"] == "text-end"
    first, second = by_type["step-finish"]
    assert first["stepResult"] == {"reason": "tool-calls", "isContinued": True, "warnings": []}
    assert second["stepResult"]["isContinued"] is False
    assert first["output"]["toolCalls"] == [
        {"args": {"q": "x"}, "toolCallId": "c1", "toolName": "lookup"}
    ]
    finish = by_type["finish"][0]
    assert finish["stepResult"]["reason"] == "stop"
    assert len(finish["output"]["steps"]) == 2


async def test_regression_stream_continues_after_text_when_tool_calls_follow(
    fake_llm: FakeLLMServer,
) -> None:
    # step 1: text AND a tool call; step 2: text. A peer's stream stopped after step 1's text.
    fake_llm.push(
        Turn(
            text="Let me look that up. ",
            tool_calls=[ScriptToolCall(name="lookup", arguments={"q": "tides"}, id="c1")],
        ),
        "High tide is at 6.",
    )
    stream = await _agent(fake_llm).stream("tides?")
    chunks = [c async for c in stream.full_stream]
    types = [c["type"] for c in chunks]
    assert types.count("step-start") == 2
    assert types.count("step-finish") == 2
    assert types[-1] == "finish"
    assert types.index("tool-result") < types.index("step-finish") < types.index("finish")
    assert len(fake_llm.model_requests) == 2
    streamed = "".join([t async for t in stream.text_stream])
    assert streamed == "Let me look that up. High tide is at 6."
    output = await stream.get_full_output()
    assert [s["text"] for s in output.steps] == ["Let me look that up. ", "High tide is at 6."]
    assert output.text == "High tide is at 6."  # the last step's text, as in Mastra
    assert output.tool_results[0].payload.result == {"found": {"q": "tides"}}


@pytest.mark.parametrize("api", ["chat", "responses"])
async def test_regression_tool_call_chunk_carries_complete_arguments(
    fake_llm: FakeLLMServer, api: str
) -> None:
    arguments = {
        "query": 'a long query with "quotes", commas, and {braces}',
        "filters": {"year": [2021, 2022], "tags": ["x", "y"]},
        "limit": 10,
    }
    fake_llm.push(
        Turn(
            tool_calls=[
                ScriptToolCall(name="lookup", arguments=arguments, id="c1"),
                ScriptToolCall(name="lookup", arguments={"second": True}, id="c2"),
            ]
        ),
        "done",
    )
    provider = create_openai(base_url=fake_llm.openai_base_url, api_key="k")
    model = provider.chat("gpt-4o") if api == "chat" else provider("gpt-4o")
    stream = await _agent(fake_llm, model).stream("search")
    chunks = [c async for c in stream.full_stream]
    deltas: dict[str, str] = {}
    for chunk in chunks:
        if chunk["type"] == "tool-call-delta":
            key = chunk["payload"]["toolCallId"]
            deltas[key] = deltas.get(key, "") + chunk["payload"]["argsTextDelta"]
    calls = {c["payload"]["toolCallId"]: c["payload"] for c in chunks if c["type"] == "tool-call"}
    assert calls["c1"]["args"] == arguments
    assert calls["c2"]["args"] == {"second": True}
    assert json.loads(deltas["c1"]) == arguments  # the deltas were pieces of the whole
    results = [c["payload"] for c in chunks if c["type"] == "tool-result"]
    assert results[0]["result"] == {"found": arguments}
    # every tool-call chunk comes after all of its argument deltas
    for call_id in ("c1", "c2"):
        last_delta = max(
            i
            for i, c in enumerate(chunks)
            if c["type"] == "tool-call-delta" and c["payload"]["toolCallId"] == call_id
        )
        call_at = next(
            i
            for i, c in enumerate(chunks)
            if c["type"] == "tool-call" and c["payload"]["toolCallId"] == call_id
        )
        assert last_delta < call_at


async def test_text_stream_across_steps_and_awaitables(fake_llm: FakeLLMServer) -> None:
    fake_llm.push(
        Turn(text="One. ", tool_calls=[ScriptToolCall(name="lookup", id="c1")]),
        Turn(text="Two.", usage=ScriptUsage(input_tokens=7, output_tokens=3)),
    )
    provider = create_openai(base_url=fake_llm.openai_base_url, api_key="k")
    stream = await _agent(fake_llm, provider.chat("gpt-4o")).stream("count")
    assert [t async for t in stream.text_stream] == ["One. ", "Two."]
    assert await stream.text == "Two."
    assert await stream.finish_reason == "stop"
    usage = await stream.usage
    assert (usage.input_tokens, usage.output_tokens, usage.total_tokens) == (17, 8, 25)
    assert (await stream.total_usage).total_tokens == 25
    assert [c.payload.tool_call_id for c in await stream.tool_calls] == ["c1"]
    assert [c.payload.result for c in await stream.tool_results] == [{"found": {}}]
    assert len(await stream.steps) == 2
    response = await stream.response
    assert response.model_id == "gpt-4o"
    assert [m["role"] for m in response.messages] == ["assistant", "tool", "assistant"]
    assert await stream.warnings == []
    assert await stream.object is None
    assert fake_llm.model_requests[0].body["stream_options"] == {"include_usage": True}


async def test_streams_can_be_read_again_and_concurrently(fake_llm: FakeLLMServer) -> None:
    fake_llm.push("alpha beta gamma")
    stream = await _agent(fake_llm).stream("go")

    async def text() -> str:
        return "".join([t async for t in stream.text_stream])

    async def full() -> list[str]:
        return await _types(stream)

    first_text, types = await asyncio.gather(text(), full())
    assert first_text == "alpha beta gamma"
    assert await text() == first_text
    assert await full() == types


async def test_awaitables_resolve_without_reading(fake_llm: FakeLLMServer) -> None:
    fake_llm.push("unread answer")
    stream = await _agent(fake_llm).stream("go")
    assert await stream.text == "unread answer"
    await stream.consume_stream()
    assert (await stream.get_full_output()).text == "unread answer"


async def test_object_stream_partials_then_final(fake_llm: FakeLLMServer) -> None:
    fake_llm.push(
        Turn(text='{"name":"Ada","age":36}', chunks=['{"na', 'me":"A', 'da","age":3', "6}"])
    )
    stream = await _agent(fake_llm).stream("who", structured_output={"schema": Person})
    objects = [o async for o in stream.object_stream]
    # partials as the JSON text grows (a half-written key reads as {}, as in Mastra 1.71: see
    # the structured-output-stream-deltas recording), then the result
    assert objects == [
        {},
        {"name": "A"},
        {"name": "Ada", "age": 3},
        {"name": "Ada", "age": 36},
        {"name": "Ada", "age": 36},
    ]
    assert await stream.object == Person(name="Ada", age=36)
    types = await _types(stream)
    assert types.index("object-result") > types.index("text-end")
    assert types.count("object") >= 2


async def test_get_full_output_matches_generate(fake_llm: FakeLLMServer) -> None:
    script = [Turn.call("lookup", {"q": 1}, id="c1"), "answer"]
    fake_llm.push(*script, *script)
    agent = _agent(fake_llm)
    stream = await agent.stream("go")
    streamed = await stream.get_full_output()
    generated = await agent.generate("go")
    assert sorted(streamed) == sorted(generated)
    # (usage differs on purpose: a chat stream without stream_options reports none, as in Mastra)
    for key in ("text", "finishReason", "toolCalls", "toolResults"):
        left, right = streamed.to_mastra()[key], generated.to_mastra()[key]
        if key in ("toolCalls", "toolResults"):
            left = [c["payload"] for c in left]
            right = [c["payload"] for c in right]
        assert left == right, key
    # the request bodies differ only by stream: true
    bodies = [r.body for r in fake_llm.model_requests]
    assert bodies[0] == {**bodies[2], "stream": True}


async def test_model_error_in_stream(fake_llm: FakeLLMServer) -> None:
    fake_llm.push(Turn.fail(503, "overloaded, try later"))
    stream = await _agent(fake_llm).stream("go")
    chunks = [c async for c in stream.full_stream]
    assert [c["type"] for c in chunks] == ["start", "step-start", "error"]
    error = chunks[-1]["payload"]["error"]
    assert isinstance(error, ModelCallError)
    assert error.status_code == 503
    assert "overloaded" in str(error)
    with pytest.raises(ModelCallError, match="overloaded"):
        await stream.get_full_output()
    with pytest.raises(ModelCallError):
        await stream.text
    assert stream.error is error


async def test_model_error_in_generate_with_retries(fake_llm: FakeLLMServer) -> None:
    fake_llm.push(Turn.fail(500, "flaky"), Turn.fail(500, "still flaky"))
    agent = _agent(fake_llm)
    with pytest.raises(ModelCallError, match="still flaky"):
        await agent.generate("go", model_settings={"max_retries": 1})
    assert len(fake_llm.model_requests) == 2


async def test_model_error_mid_run_keeps_earlier_chunks(fake_llm: FakeLLMServer) -> None:
    fake_llm.push(Turn.call("lookup", id="c1"), Turn.fail(400, "invalid request"))
    stream = await _agent(fake_llm).stream("go")
    types = await _types(stream)
    assert types[-1] == "error"
    assert "tool-result" in types and types.count("step-finish") == 1
    assert "finish" not in types


async def test_reader_gets_the_first_delta_before_the_run_ends() -> None:
    # an in-process model has every part ready at once: the run never waits on I/O, so without
    # handing over after each chunk a reader would see the first delta only after `finish`
    finished: list[bool] = []
    agent = Agent(
        name="a",
        instructions="x",
        model=ScriptedModel(
            [Turn(text="one two three four", chunks=["one ", "two ", "three ", "four"])]
        ),
    )
    stream = await agent.stream("go", on_finish=lambda result: finished.append(True))
    seen_before_finish: list[str] = []
    async for delta in stream.text_stream:
        if not finished:
            seen_before_finish.append(delta)
    assert seen_before_finish[:1] == ["one "]
    assert finished == [True]


def _writing_tool(sync: bool) -> Any:
    """A tool that streams through context.writer (with and without await) before returning."""

    def write_all(context: Any) -> None:
        context.writer.write({"stage": "start"})
        context.writer.custom({"type": "data-progress", "data": {"percent": 50}})
        context.writer.custom({"type": "data-note", "data": "brief", "transient": True})

    if sync:

        def execute(input: Any, context: Any) -> dict[str, Any]:
            write_all(context)
            return {"done": True}

    else:

        async def execute(input: Any, context: Any) -> dict[str, Any]:
            write_all(context)
            await context.writer.write("end")
            return {"done": True}

    return create_tool(id="work", description="does work", execute=execute)


@pytest.mark.parametrize("sync", [False, True], ids=["async-execute", "sync-execute"])
async def test_tool_writer_chunks_reach_the_stream_before_the_result(
    fake_llm: FakeLLMServer, sync: bool
) -> None:
    fake_llm.push(Turn.call("work", {}, id="c1"), "Done.")
    agent = Agent(
        name="writer", instructions="x", model=fake_llm.model(), tools={"work": _writing_tool(sync)}
    )
    stream = await agent.stream("go")
    chunks = [c.to_mastra() async for c in stream.full_stream]
    at = next(i for i, c in enumerate(chunks) if c["type"] == "tool-call")
    written = chunks[at + 1 : next(i for i, c in enumerate(chunks) if c["type"] == "tool-result")]
    # as Mastra 1.71: write() is a tool-output chunk of the call, custom() the chunk as given
    assert written[0] == {
        "type": "tool-output",
        "runId": stream.run_id,
        "from": "USER",
        "payload": {"output": {"stage": "start"}, "toolCallId": "c1", "toolName": "work"},
    }
    assert written[1] == {"type": "data-progress", "data": {"percent": 50}}
    assert written[2] == {"type": "data-note", "data": "brief", "transient": True}
    assert [c["payload"]["output"] for c in written[3:]] == ([] if sync else ["end"])
    # the data part that is not transient is kept in the answer, after the tool invocation
    answer = (await stream.get_full_output()).to_mastra()["messages"][-1]["content"]["parts"]
    assert [p["type"] for p in answer] == ["tool-invocation", "data-progress", "step-start", "text"]
    assert answer[1]["data"] == {"percent": 50}


async def test_generate_keeps_data_parts_and_memory_does_not_send_them(
    fake_llm: FakeLLMServer,
) -> None:
    from lumos_compat.memory import Memory
    from lumos_compat.storage import SqliteStore

    fake_llm.push(Turn.call("work", {}, id="c1"), "Done.", "Again.")
    memory = Memory(storage=SqliteStore())
    agent = Agent(
        name="writer",
        instructions="x",
        model=fake_llm.model(),
        tools={"work": _writing_tool(False)},
        memory=memory,
    )
    result = await agent.generate("go", memory={"thread": "t1", "resource": "u1"})
    parts = result.to_mastra()["messages"][-1]["content"]["parts"]
    assert "data-progress" in [p["type"] for p in parts]
    stored = await memory.recall(thread_id="t1", per_page=False)
    assert "data-progress" in [p["type"] for m in stored["messages"] for p in m["content"]["parts"]]
    await agent.generate("again", memory={"thread": "t1", "resource": "u1"})
    sent = json.dumps(fake_llm.model_requests[-1].body["messages"])
    assert "percent" not in sent and "Done." in sent


@pytest.mark.parametrize("method", ["generate", "stream"])
async def test_an_empty_system_message_is_refused_before_any_request(
    fake_llm: FakeLLMServer, method: str
) -> None:
    # probed on Mastra 1.71: INVALID_SYSTEM_MESSAGE_FORMAT from generate() and stream() alike
    from lumos_compat import AgentConfigError

    agent = Agent(name="plain", instructions="x", model=fake_llm.model())
    with pytest.raises(AgentConfigError, match="Invalid system message format"):
        await getattr(agent, method)([{"role": "system", "content": ""}, "hi"])
    assert fake_llm.model_requests == []
    # whitespace is content: the model gets it
    fake_llm.push("Hello.")
    await agent.generate([{"role": "system", "content": " "}, "hi"])
    assert fake_llm.model_requests[0].body["messages"][1] == {"role": "system", "content": " "}
