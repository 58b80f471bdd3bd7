"""generate()/stream() options: Mastra 1.x names as snake_case kwargs or a camelCase dict, the 0.x
names mapped with a warning, callbacks, request context, run id, cancellation and tool concurrency.

Each option's effect is checked on the wire (the request bodies the fake server recorded) or in the
result, against the loopback ``FakeLLMServer``.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from pydantic import BaseModel

from lumos_compat import (
    AbortSignal,
    Agent,
    AgentConfigError,
    LegacyOptionWarning,
    RequestContext,
    StructuredOutputError,
    ToolExecutionContext,
    create_tool,
)
from lumos_compat.testing import FakeLLMServer, ScriptToolCall, Turn


def _body(server: FakeLLMServer, index: int = 0) -> dict[str, Any]:
    return server.model_requests[index].body


def _settings(body: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k not in ("messages", "tools", "model", "stream")}


def _echo_tool(tool_id: str = "echo") -> Any:
    async def execute(input: Any, context: ToolExecutionContext) -> Any:
        return {"echo": input}

    return create_tool(id=tool_id, description=f"{tool_id} tool", execute=execute)


def _agent(server: FakeLLMServer, **kw: Any) -> Agent:
    kw.setdefault("instructions", "Be brief.")
    return Agent(name="opts", model=server.model(), **kw)


# --- max_steps -------------------------------------------------------------------------------


async def test_max_steps_defaults_to_five(fake_llm: FakeLLMServer) -> None:
    fake_llm.push(*[Turn.call("echo", {"i": i}) for i in range(7)])
    result = await _agent(fake_llm, tools={"echo": _echo_tool()}).generate("loop")
    assert len(fake_llm.model_requests) == 5
    assert len(result.steps) == 5
    assert len(result.tool_results) == 5  # the last step's tools still run
    assert result.finish_reason == "tool-calls"
    assert result.text == ""


@pytest.mark.parametrize("how", ["kwarg", "dict", "default_options"])
async def test_max_steps_by_every_spelling(fake_llm: FakeLLMServer, how: str) -> None:
    fake_llm.push(*[Turn.call("echo") for _ in range(4)])
    defaults = {"maxSteps": 2} if how == "default_options" else None
    agent = _agent(fake_llm, tools={"echo": _echo_tool()}, default_options=defaults)
    if how == "kwarg":
        await agent.generate("loop", max_steps=2)
    elif how == "dict":
        await agent.generate("loop", {"maxSteps": 2})
    else:
        await agent.generate("loop")
    assert len(fake_llm.model_requests) == 2


def test_bad_max_steps_is_refused() -> None:
    agent = Agent(name="a", instructions="x", model="openai/gpt-4o")
    with pytest.raises(AgentConfigError, match="max_steps must be a positive integer"):
        asyncio.run(agent.generate("hi", max_steps=0))


async def test_unknown_option_is_refused(fake_llm: FakeLLMServer) -> None:
    with pytest.raises(AgentConfigError, match="unknown option 'max_stepz'"):
        await _agent(fake_llm).generate("hi", max_stepz=3)


# --- tool choice and active tools ------------------------------------------------------------


@pytest.mark.parametrize(
    ("choice", "wire"),
    [
        ("auto", "auto"),
        ("required", "required"),
        ("none", "none"),
        ({"type": "tool", "toolName": "b"}, {"type": "function", "function": {"name": "b"}}),
    ],
)
async def test_tool_choice(fake_llm: FakeLLMServer, choice: Any, wire: Any) -> None:
    fake_llm.push("ok", "ok")
    agent = _agent(fake_llm, tools={"a": _echo_tool("a"), "b": _echo_tool("b")})
    await agent.generate("hi", tool_choice=choice)
    await agent.generate("hi", {"toolChoice": choice})
    assert _body(fake_llm, 0)["tool_choice"] == wire
    assert _body(fake_llm, 1)["tool_choice"] == wire


async def test_no_tool_choice_without_tools(fake_llm: FakeLLMServer) -> None:
    fake_llm.push("ok")
    await _agent(fake_llm).generate("hi")
    assert "tool_choice" not in _body(fake_llm)
    assert "tools" not in _body(fake_llm)


async def test_active_tools_limits_what_the_model_sees(fake_llm: FakeLLMServer) -> None:
    fake_llm.push("ok", "ok")
    agent = _agent(fake_llm, tools={"a": _echo_tool("a"), "b": _echo_tool("b"), "c": _echo_tool()})
    await agent.generate("hi", active_tools=["b"])
    await agent.generate("hi", {"activeTools": ["a", "c"]})
    assert [t["function"]["name"] for t in _body(fake_llm, 0)["tools"]] == ["b"]
    assert [t["function"]["name"] for t in _body(fake_llm, 1)["tools"]] == ["a", "c"]


# --- prompt: instructions, system, context ---------------------------------------------------


async def test_instructions_option_replaces_and_system_adds(fake_llm: FakeLLMServer) -> None:
    fake_llm.push("ok", "ok")
    agent = _agent(fake_llm, instructions=["Agent one.", "Agent two."])
    await agent.generate("hi", instructions="Call-time rules.", system="Extra system.")
    await agent.generate("hi", {"instructions": ["R1", "R2"], "system": ["S1", "S2"]})
    roles = [(m["role"], m["content"]) for m in _body(fake_llm, 0)["messages"]]
    assert roles == [
        ("system", "Call-time rules."),
        ("system", "Extra system."),
        ("user", "hi"),
    ]
    system = [m["content"] for m in _body(fake_llm, 1)["messages"] if m["role"] == "system"]
    assert system == ["R1", "R2", "S1", "S2"]


async def test_prompt_order_instructions_system_context_input(fake_llm: FakeLLMServer) -> None:
    fake_llm.push("ok")
    agent = _agent(fake_llm, instructions="I am the agent.")
    await agent.generate(
        ["new question"],
        system="Added system.",
        context=[
            {"role": "user", "content": "earlier question"},
            {"role": "assistant", "content": "earlier answer"},
        ],
    )
    assert [(m["role"], m["content"]) for m in _body(fake_llm)["messages"]] == [
        ("system", "I am the agent."),
        ("system", "Added system."),
        ("user", "earlier question"),
        ("assistant", "earlier answer"),
        ("user", "new question"),
    ]


# --- model settings --------------------------------------------------------------------------

_WIRE_SETTINGS = {
    "temperature": 0.2,
    "max_tokens": 50,
    "top_p": 0.9,
    "stop": ["END"],
    "seed": 7,
    "presence_penalty": 0.1,
    "frequency_penalty": 0.3,
}


async def test_model_settings_snake_and_camel(fake_llm: FakeLLMServer) -> None:
    fake_llm.push("ok", "ok")
    agent = _agent(fake_llm)
    await agent.generate(
        "hi",
        model_settings={
            "temperature": 0.2,
            "max_output_tokens": 50,
            "top_p": 0.9,
            "stop_sequences": ["END"],
            "seed": 7,
            "presence_penalty": 0.1,
            "frequency_penalty": 0.3,
        },
    )
    await agent.generate(
        "hi",
        {
            "modelSettings": {
                "temperature": 0.2,
                "maxOutputTokens": 50,
                "topP": 0.9,
                "stopSequences": ["END"],
                "seed": 7,
                "presencePenalty": 0.1,
                "frequencyPenalty": 0.3,
            }
        },
    )
    assert _settings(_body(fake_llm, 0)) == _WIRE_SETTINGS
    assert _settings(_body(fake_llm, 1)) == _WIRE_SETTINGS


async def test_top_k_unsupported_by_chat_is_a_warning(fake_llm: FakeLLMServer) -> None:
    fake_llm.push("ok")
    result = await _agent(fake_llm).generate("hi", model_settings={"topK": 3})
    assert "top_k" not in _body(fake_llm)
    assert result.warnings == [{"type": "unsupported", "feature": "topK"}]


async def test_unknown_model_setting_is_refused(fake_llm: FakeLLMServer) -> None:
    with pytest.raises(AgentConfigError, match="unknown model setting 'temprature'"):
        await _agent(fake_llm).generate("hi", model_settings={"temprature": 1})


# --- structured output -----------------------------------------------------------------------


class Person(BaseModel):
    name: str
    age: int


PERSON_SCHEMA = {
    "type": "object",
    "properties": {"name": {"type": "string"}, "age": {"type": "integer"}},
    "required": ["name", "age"],
    "additionalProperties": False,
}


async def test_structured_output_pydantic(fake_llm: FakeLLMServer) -> None:
    fake_llm.push('{"name":"Ada","age":36}')
    result = await _agent(fake_llm).generate("who?", structured_output={"schema": Person})
    assert result.object == Person(name="Ada", age=36)
    assert result.text == '{"name":"Ada","age":36}'
    fmt = _body(fake_llm)["response_format"]
    assert fmt["type"] == "json_schema"
    assert fmt["json_schema"]["name"] == "response"
    assert fmt["json_schema"]["schema"]["required"] == ["name", "age"]
    assert result.to_mastra()["object"] == {"name": "Ada", "age": 36}


async def test_structured_output_json_schema_camel(fake_llm: FakeLLMServer) -> None:
    fake_llm.push('{"name":"Ada","age":36}')
    result = await _agent(fake_llm).generate(
        "who?", {"structuredOutput": {"schema": PERSON_SCHEMA}}
    )
    assert result.object == {"name": "Ada", "age": 36}
    schema = _body(fake_llm)["response_format"]["json_schema"]["schema"]
    assert schema["properties"] == PERSON_SCHEMA["properties"]


# the messages real Mastra 1.71 raises for z.object({name: z.string(), age: z.number()})
_MASTRA_MESSAGES = {
    '{"name":"Ada","age":"old"}': "- age: Invalid input: expected number, received string",
    '{"name":"Ada"}': "- age: Invalid input: expected number, received undefined",
    "not json": "- root: Invalid input: expected object, received undefined",
    '{"name":5}': "- name: Invalid input: expected string, received number\n"
    "- age: Invalid input: expected number, received undefined",
}


@pytest.mark.parametrize("reply", list(_MASTRA_MESSAGES), ids=str)
async def test_invalid_structured_output_raises_mastras_error(
    fake_llm: FakeLLMServer, reply: str
) -> None:
    fake_llm.push(reply)
    with pytest.raises(StructuredOutputError) as info:
        await _agent(fake_llm).generate("who?", structured_output={"schema": Person})
    assert str(info.value) == f"Structured output validation failed: {_MASTRA_MESSAGES[reply]}"


@pytest.mark.parametrize("reply", list(_MASTRA_MESSAGES), ids=str)
async def test_invalid_structured_output_json_schema(fake_llm: FakeLLMServer, reply: str) -> None:
    fake_llm.push(reply)
    with pytest.raises(StructuredOutputError, match=r"^Structured output validation failed: - "):
        await _agent(fake_llm).generate("who?", structured_output={"schema": PERSON_SCHEMA})


async def test_invalid_structured_output_in_stream(fake_llm: FakeLLMServer) -> None:
    fake_llm.push('{"name": 5}')
    stream = await _agent(fake_llm).stream("who?", structured_output={"schema": PERSON_SCHEMA})
    chunks = [c async for c in stream.full_stream]
    assert chunks[-1]["type"] == "error"
    assert isinstance(chunks[-1]["payload"]["error"], StructuredOutputError)
    with pytest.raises(StructuredOutputError):
        await stream.get_full_output()


# --- callbacks -------------------------------------------------------------------------------


async def test_on_step_finish_on_finish_on_chunk(fake_llm: FakeLLMServer) -> None:
    fake_llm.push(Turn.call("echo", {"x": 1}), "done")
    steps: list[dict[str, Any]] = []
    finished: list[Any] = []
    chunk_types: list[str] = []

    async def on_finish(result: Any) -> None:
        finished.append(result)

    agent = _agent(fake_llm, tools={"echo": _echo_tool()})
    result = await agent.generate(
        "go",
        on_step_finish=steps.append,
        on_finish=on_finish,
        on_chunk=lambda chunk: chunk_types.append(chunk["type"]),
        run_id="run-123",
    )
    assert [s["finishReason"] for s in steps] == ["tool-calls", "stop"]
    assert [s["stepType"] for s in steps] == ["initial", "tool-result"]
    assert {s["runId"] for s in steps} == {"run-123"}
    assert steps[0]["model"] == "fake-model"
    assert len(finished) == 1
    assert finished[0]["text"] == "done"
    assert finished[0]["runId"] == "run-123"
    assert len(finished[0]["steps"]) == 2
    # what real Mastra 1.71 hands onChunk during generate(): content chunks only
    assert chunk_types == [
        "tool-call-input-streaming-start",
        "tool-call-delta",
        "tool-call-input-streaming-end",
        "tool-call",
        "tool-result",
        "text-delta",
    ]
    assert result.text == "done"


async def test_callbacks_by_camel_case_dict_in_stream(fake_llm: FakeLLMServer) -> None:
    fake_llm.push("hello there")
    seen: dict[str, list[Any]] = {"step": [], "finish": [], "chunk": []}
    stream = await _agent(fake_llm).stream(
        "hi",
        {
            "onStepFinish": seen["step"].append,
            "onFinish": seen["finish"].append,
            "onChunk": seen["chunk"].append,
        },
    )
    streamed = [c async for c in stream.full_stream]
    # onChunk sees the content chunks of fullStream (as in Mastra), the same objects
    assert [c["type"] for c in streamed if c["type"] == "text-delta"] == ["text-delta"] * 2
    assert seen["chunk"] == [c for c in streamed if c["type"] == "text-delta"]
    assert len(seen["step"]) == 1
    assert seen["finish"][0]["text"] == "hello there"


# --- request context and run id --------------------------------------------------------------


async def test_request_context_reaches_tools_and_dynamic_config(fake_llm: FakeLLMServer) -> None:
    fake_llm.push(Turn.call("whoami"), "ok", Turn.call("whoami"), "ok")
    seen_by_tool: list[Any] = []

    async def whoami(input: Any, context: ToolExecutionContext) -> str:
        seen_by_tool.append(context.request_context.get("user"))
        return str(context.request_context.get("user"))

    def instructions(request_context: RequestContext) -> str:
        return f"User: {request_context.get('user')}"

    agent = Agent(
        name="a",
        instructions=instructions,
        model=fake_llm.model(),
        tools={"whoami": create_tool(id="whoami", description="who", execute=whoami)},
    )
    rc = RequestContext()
    rc.set("user", "ada")
    await agent.generate("who am I?", request_context=rc)
    await agent.generate("who am I?", {"requestContext": {"user": "bob"}})
    assert seen_by_tool == ["ada", "bob"]
    assert _body(fake_llm, 0)["messages"][0]["content"] == "User: ada"
    assert _body(fake_llm, 2)["messages"][0]["content"] == "User: bob"
    assert _body(fake_llm, 1)["messages"][-1]["content"] == "ada"


async def test_run_id_given_or_generated(fake_llm: FakeLLMServer) -> None:
    fake_llm.push("a", "b", "c")
    agent = _agent(fake_llm)
    given = await agent.generate("hi", run_id="my-run")
    camel = await agent.generate("hi", {"runId": "camel-run"})
    generated = await agent.generate("hi")
    assert given.run_id == "my-run"
    assert camel.run_id == "camel-run"
    assert len(generated.run_id) == 36 and generated.run_id not in ("my-run", "camel-run")
    stream_server_turn = "d"
    fake_llm.push(stream_server_turn)
    stream = await agent.stream("hi", run_id="stream-run")
    assert {c["runId"] async for c in stream.full_stream} == {"stream-run"}


# --- cancellation ----------------------------------------------------------------------------


async def test_abort_between_steps_stops_the_loop(fake_llm: FakeLLMServer) -> None:
    fake_llm.push(Turn.call("stop"), "must never be requested")
    signal = AbortSignal()
    aborted: list[Any] = []

    async def stop(input: Any, context: ToolExecutionContext) -> str:
        context.abort_signal.abort("user pressed stop")
        return "stopping"

    agent = _agent(fake_llm, tools={"stop": create_tool(id="stop", description="s", execute=stop)})
    stream = await agent.stream("go", abort_signal=signal, on_abort=aborted.append)
    types = [c["type"] async for c in stream.full_stream]
    assert types[-1] == "abort"
    assert "finish" not in types
    assert len(fake_llm.model_requests) == 1
    assert fake_llm.remaining_turns == 1
    assert signal.reason == "user pressed stop"
    assert len(aborted) == 1
    assert await stream.finish_reason == "abort"


async def test_abort_while_the_model_answers(fake_llm: FakeLLMServer) -> None:
    fake_llm.push(Turn(text="slow answer", delay=2.0), "never")
    signal = AbortSignal()
    agent = _agent(fake_llm)
    started = time.perf_counter()
    stream = await agent.stream("go", {"abortSignal": signal})

    async def press_stop() -> None:
        while not fake_llm.model_requests:  # the request has reached the model
            await asyncio.sleep(0.005)
        signal.abort()

    stopper = asyncio.create_task(press_stop())
    types = [c["type"] async for c in stream.full_stream]
    await stopper
    assert time.perf_counter() - started < 1.5
    assert types == ["start", "step-start", "abort"]
    assert len(fake_llm.model_requests) == 1
    assert fake_llm.remaining_turns == 1


async def test_generate_with_an_aborted_signal_calls_no_model(fake_llm: FakeLLMServer) -> None:
    fake_llm.push("never")
    signal = AbortSignal()
    signal.abort()
    result = await _agent(fake_llm).generate("go", abort_signal=signal)
    assert result.finish_reason == "abort"
    assert fake_llm.model_requests == []


# --- tool call concurrency -------------------------------------------------------------------


def _parallel_turn(n: int) -> Turn:
    return Turn(
        tool_calls=[ScriptToolCall(name="slow", arguments={"i": i}, id=f"c{i}") for i in range(n)]
    )


def _slow_tool(counter: dict[str, int]) -> Any:
    async def slow(input: Any, context: ToolExecutionContext) -> int:
        counter["now"] += 1
        counter["max"] = max(counter["max"], counter["now"])
        await asyncio.sleep(0.02)
        counter["now"] -= 1
        return int(input["i"])

    return create_tool(id="slow", description="slow", execute=slow)


@pytest.mark.parametrize(
    ("options", "expected"),
    [({}, 4), ({"tool_call_concurrency": 1}, 1), ({"toolCallConcurrency": 2}, 2)],
)
async def test_tool_call_concurrency(
    fake_llm: FakeLLMServer, options: dict[str, Any], expected: int
) -> None:
    fake_llm.push(_parallel_turn(4), "all done")
    counter = {"now": 0, "max": 0}
    agent = _agent(fake_llm, tools={"slow": _slow_tool(counter)})
    result = await agent.generate("go", **options)
    assert counter["max"] == expected
    # results keep the model's order whatever order the tools finished in
    assert [r.payload.result for r in result.tool_results] == [0, 1, 2, 3]


# --- 0.x option names ------------------------------------------------------------------------


async def test_legacy_output_maps_to_structured_output(fake_llm: FakeLLMServer) -> None:
    fake_llm.push('{"name":"Ada","age":36}')
    with pytest.warns(LegacyOptionWarning, match=r"'output'.*structuredOutput="):
        result = await _agent(fake_llm).generate("who?", {"output": Person})
    assert result.object == Person(name="Ada", age=36)
    assert _body(fake_llm)["response_format"]["type"] == "json_schema"


async def test_legacy_experimental_output(fake_llm: FakeLLMServer) -> None:
    fake_llm.push('{"name":"Ada","age":36}')
    with pytest.warns(LegacyOptionWarning, match=r"'experimental_output'.*structured_output="):
        result = await _agent(fake_llm).generate("who?", experimental_output=Person)
    assert result.object == Person(name="Ada", age=36)


async def test_legacy_temperature_and_max_tokens(fake_llm: FakeLLMServer) -> None:
    fake_llm.push("ok", "ok")
    agent = _agent(fake_llm)
    with pytest.warns(LegacyOptionWarning) as record:
        await agent.generate("hi", {"temperature": 0.5, "maxTokens": 10})
    messages = [str(w.message) for w in record]
    assert any("'temperature'" in m and "modelSettings={'temperature'" in m for m in messages)
    assert any("'maxTokens'" in m and "modelSettings={'maxOutputTokens'" in m for m in messages)
    assert _settings(_body(fake_llm, 0)) == {"temperature": 0.5, "max_tokens": 10}
    # the 1.x form wins when both are given
    with pytest.warns(LegacyOptionWarning):
        await agent.generate("hi", temperature=0.9, model_settings={"temperature": 0.1})
    assert _body(fake_llm, 1)["temperature"] == 0.1


async def test_legacy_runtime_context_maps_to_request_context(fake_llm: FakeLLMServer) -> None:
    fake_llm.push("ok")
    agent = _agent(fake_llm, instructions=lambda request_context: f"hi {request_context['who']}")
    with pytest.warns(LegacyOptionWarning, match=r"'runtimeContext'.*requestContext="):
        await agent.generate("hi", {"runtimeContext": RequestContext({"who": "ada"})})
    assert _body(fake_llm)["messages"][0]["content"] == "hi ada"


async def test_legacy_thread_and_resource_map_to_memory(fake_llm: FakeLLMServer) -> None:
    agent = _agent(fake_llm)
    # the agent has no memory: the mapped option reaches the memory check instead of vanishing
    with (
        pytest.warns(LegacyOptionWarning, match=r"'threadId'.*memory=\{'thread'"),
        pytest.raises(AgentConfigError, match=r"'thread': 't1'.*'resource': 'u1'"),
    ):
        await agent.generate("hi", {"threadId": "t1", "resourceId": "u1"})
    assert fake_llm.model_requests == []


async def test_options_without_effect_warn(fake_llm: FakeLLMServer) -> None:
    fake_llm.push("ok")
    with pytest.warns(UserWarning, match="'savePerStep' is accepted but has no effect"):
        await _agent(fake_llm).generate("hi", {"savePerStep": True})
