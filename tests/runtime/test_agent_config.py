"""Agent configuration: instructions, model forms, id, tools, sub-agents, inputs (issue 2, Agent).

Every test runs the real HTTP path against the loopback ``FakeLLMServer`` (the ``fake_llm`` fixture
of the lumos_compat pytest plugin) and checks what reached the wire.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from pydantic import BaseModel, Field

from lumos_compat import (
    Agent,
    AgentConfigError,
    Mastra,
    MissingApiKeyError,
    ModelCallError,
    RequestContext,
    create_tool,
)
from lumos_compat.providers import create_openai, create_openai_compatible, openai
from lumos_compat.testing import FakeLLMServer, ScriptToolCall, Turn


def _messages(server: FakeLLMServer, index: int = 0) -> list[dict[str, Any]]:
    return server.model_requests[index].body["messages"]


def _system(server: FakeLLMServer, index: int = 0) -> list[str]:
    return [m["content"] for m in _messages(server, index) if m["role"] == "system"]


class CityInput(BaseModel):
    city: str = Field(description="City name")
    units: str = "celsius"


async def _weather(input: CityInput) -> dict[str, Any]:
    return {"city": input.city, "units": input.units, "temperature": 21}


def _weather_tool() -> Any:
    return create_tool(
        id="get-weather", description="Weather for a city", input_schema=CityInput, execute=_weather
    )


# --- instructions ----------------------------------------------------------------------------


async def test_instructions_string_is_one_system_message(fake_llm: FakeLLMServer) -> None:
    fake_llm.push("ok")
    agent = Agent(name="a", instructions="You are terse.", model=fake_llm.model())
    await agent.generate("hi")
    assert _messages(fake_llm) == [
        {"role": "system", "content": "You are terse."},
        {"role": "user", "content": "hi"},
    ]


async def test_instructions_list_gives_one_system_message_each(fake_llm: FakeLLMServer) -> None:
    fake_llm.push("ok")
    agent = Agent(name="a", instructions=["First rule.", "Second rule."], model=fake_llm.model())
    await agent.generate("hi")
    assert _system(fake_llm) == ["First rule.", "Second rule."]


async def test_instructions_sync_function_of_request_context(fake_llm: FakeLLMServer) -> None:
    fake_llm.push("ok", "ok")
    seen: list[RequestContext] = []

    def instructions(request_context: RequestContext) -> str:
        seen.append(request_context)
        return f"Answer in {request_context.get('language', 'English')}."

    agent = Agent(name="a", instructions=instructions, model=fake_llm.model())
    await agent.generate("hi", request_context=RequestContext({"language": "French"}))
    await agent.generate("hi")
    assert _system(fake_llm, 0) == ["Answer in French."]
    assert _system(fake_llm, 1) == ["Answer in English."]
    assert all(isinstance(rc, RequestContext) for rc in seen)


async def test_instructions_async_function_returning_a_list(fake_llm: FakeLLMServer) -> None:
    fake_llm.push("ok")

    async def instructions(request_context: RequestContext) -> list[str]:
        return ["Base rule.", f"User is {request_context.get('user')}."]

    agent = Agent(name="a", instructions=instructions, model=fake_llm.model())
    await agent.generate("hi", requestContext={"user": "ada"})
    assert _system(fake_llm) == ["Base rule.", "User is ada."]


# --- model forms -----------------------------------------------------------------------------


async def test_model_router_string_speaks_responses_api(
    fake_llm: FakeLLMServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", fake_llm.openai_base_url)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-router")
    fake_llm.push("from responses")
    agent = Agent(name="a", instructions="x", model="openai/gpt-4o-mini")
    result = await agent.generate("hi")
    assert result.text == "from responses"
    request = fake_llm.model_requests[0]
    assert request.path == "/v1/responses"
    assert request.body["model"] == "gpt-4o-mini"
    assert request.headers["authorization"] == "Bearer sk-router"


async def test_model_router_string_for_chat_provider(
    fake_llm: FakeLLMServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GROQ_BASE_URL", fake_llm.openai_base_url)
    monkeypatch.setenv("GROQ_API_KEY", "gsk-test")
    fake_llm.push("from chat")
    agent = Agent(name="a", instructions="x", model="groq/llama-3.3-70b")
    result = await agent.generate("hi")
    assert result.text == "from chat"
    request = fake_llm.model_requests[0]
    assert request.path == "/v1/chat/completions"
    assert request.body["model"] == "llama-3.3-70b"
    assert request.headers["authorization"] == "Bearer gsk-test"


async def test_model_provider_objects(fake_llm: FakeLLMServer) -> None:
    fake_llm.push("responses", "chat", "compatible")
    provider = create_openai(base_url=fake_llm.openai_base_url, api_key="sk-obj")
    compatible = create_openai_compatible(
        name="local", base_url=fake_llm.openai_base_url, api_key="k2"
    )
    for model in (provider("gpt-4o"), provider.chat("gpt-4o"), compatible("qwen")):
        await Agent(name="a", instructions="x", model=model).generate("hi")
    paths = [r.path for r in fake_llm.model_requests]
    assert paths == ["/v1/responses", "/v1/chat/completions", "/v1/chat/completions"]
    assert [r.body["model"] for r in fake_llm.model_requests] == ["gpt-4o", "gpt-4o", "qwen"]
    assert fake_llm.model_requests[2].headers["authorization"] == "Bearer k2"


async def test_model_custom_endpoint_dict(fake_llm: FakeLLMServer) -> None:
    fake_llm.push("custom")
    agent = Agent(
        name="a",
        instructions="x",
        model={"id": "acme/model-7", "url": fake_llm.openai_base_url, "api_key": "ak"},
    )
    result = await agent.generate("hi")
    assert result.text == "custom"
    request = fake_llm.model_requests[0]
    assert request.path == "/v1/chat/completions"
    assert request.body["model"] == "model-7"
    assert request.headers["authorization"] == "Bearer ak"


async def test_model_function_of_request_context(fake_llm: FakeLLMServer) -> None:
    fake_llm.push("small", "large")

    def pick(request_context: RequestContext) -> dict[str, str]:
        return fake_llm.model(request_context.get("tier", "small-model"))

    agent = Agent(name="a", instructions="x", model=pick)
    await agent.generate("hi")
    await agent.generate("hi", request_context={"tier": "large-model"})
    assert [r.body["model"] for r in fake_llm.model_requests] == ["small-model", "large-model"]


async def test_async_model_function(fake_llm: FakeLLMServer) -> None:
    fake_llm.push("ok")

    async def pick(request_context: RequestContext) -> Any:
        return create_openai_compatible(name="p", base_url=fake_llm.openai_base_url)("m-async")

    await Agent(name="a", instructions="x", model=pick).generate("hi")
    assert fake_llm.model_requests[0].body["model"] == "m-async"


def test_missing_model_fails_at_construction() -> None:
    with pytest.raises(AgentConfigError, match=r"agent 'helper' has no model"):
        Agent(name="helper", instructions="x")


def test_unknown_router_provider_fails_at_construction() -> None:
    with pytest.raises(AgentConfigError, match="unknown model provider 'nope'"):
        Agent(name="a", instructions="x", model="nope/model")


def test_id_falls_back_to_name() -> None:
    agent = Agent(name="Weather Agent", instructions="x", model=openai("gpt-4o"))
    assert agent.id == "Weather Agent"
    explicit = Agent(id="weather-agent", name="Weather Agent", instructions="x", model="openai/o")
    assert explicit.id == "weather-agent"
    assert explicit.name == "Weather Agent"
    with pytest.raises(AgentConfigError, match="needs an id"):
        Agent(instructions="x", model="openai/gpt-4o")


async def test_missing_api_key_fails_at_call_time_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("DEEPSEEK_API_KEY", raising=False)
    agent = Agent(name="a", instructions="x", model="deepseek/deepseek-chat")  # no error yet
    with pytest.raises(MissingApiKeyError, match="DEEPSEEK_API_KEY") as info:
        await agent.generate("hi")
    assert info.value.env_var == "DEEPSEEK_API_KEY"
    stream = await agent.stream("hi")
    chunks = [c async for c in stream.full_stream]
    assert chunks[-1]["type"] == "error"
    assert "DEEPSEEK_API_KEY" in str(chunks[-1]["payload"]["error"])


async def test_model_http_error_surfaces_as_model_call_error(fake_llm: FakeLLMServer) -> None:
    fake_llm.push(Turn.fail(400, "bad request: context too long"))
    agent = Agent(name="a", instructions="x", model=fake_llm.model())
    with pytest.raises(ModelCallError, match="context too long") as info:
        await agent.generate("hi")
    assert info.value.status_code == 400


# --- tools and sub-agents --------------------------------------------------------------------


async def test_tools_are_offered_under_their_map_key(fake_llm: FakeLLMServer) -> None:
    fake_llm.push(Turn.call("weatherTool", {"city": "Oslo"}), "Cold.")
    agent = Agent(
        name="a", instructions="x", model=fake_llm.model(), tools={"weatherTool": _weather_tool()}
    )
    result = await agent.generate("weather?")
    tools = fake_llm.model_requests[0].body["tools"]
    assert [t["function"]["name"] for t in tools] == ["weatherTool"]
    assert tools[0]["function"]["description"] == "Weather for a city"
    assert result.tool_results[0].payload.result == {
        "city": "Oslo",
        "units": "celsius",
        "temperature": 21,
    }
    assert result.tool_calls[0].payload.tool_name == "weatherTool"


def test_a_non_tool_in_tools_fails_at_construction() -> None:
    with pytest.raises(AgentConfigError, match=r"tools\['bad'\].*create_tool"):
        Agent(name="a", instructions="x", model="openai/gpt-4o", tools={"bad": _weather})  # type: ignore[dict-item]


async def test_sub_agents_are_tools_named_agent_key(fake_llm: FakeLLMServer) -> None:
    helper = Agent(
        name="Helper", description="Answers maths", instructions="Do maths", model=fake_llm.model()
    )
    boss = Agent(
        name="boss", instructions="Delegate", model=fake_llm.model(), agents={"mathHelper": helper}
    )
    fake_llm.push(
        Turn.call("agent-mathHelper", {"prompt": "2+2?"}),  # boss delegates
        "4",  # the helper answers
        "The helper says 4.",  # boss answers
    )
    result = await boss.generate("What is 2+2?")
    first = fake_llm.model_requests[0].body
    assert [t["function"]["name"] for t in first["tools"]] == ["agent-mathHelper"]
    assert first["tools"][0]["function"]["description"] == "Answers maths"
    helper_request = fake_llm.model_requests[1].body["messages"]
    assert helper_request[0] == {"role": "system", "content": "Do maths"}
    assert helper_request[-1] == {"role": "user", "content": "2+2?"}
    tool_message = fake_llm.model_requests[2].body["messages"][-1]
    assert tool_message["role"] == "tool"
    assert tool_message["content"] == "4"
    assert result.text == "The helper says 4."
    assert result.tool_results[0].payload.result["text"] == "4"


async def test_sub_agent_ids_follow_mastra(fake_llm: FakeLLMServer) -> None:
    """Mastra 1.71: ``<resourceId>-<key>`` / ``<threadId>-<uuid>`` when the model passes them,
    else ids from the Mastra instance, else ``<slugified parent id>-<key>``."""
    helper = Agent(name="helper", instructions="Help", model=fake_llm.model())
    alone = Agent(
        id="bossAgent", instructions="x", model=fake_llm.model(), agents={"helper": helper}
    )
    fake_llm.push(Turn.call("agent-helper", {"prompt": "a"}), "ok", "done")
    result = await alone.generate("go")
    first = result.tool_results[0].payload.result
    assert first["subAgentResourceId"] == "boss-agent-helper"
    assert uuid.UUID(first["subAgentThreadId"])

    fake_llm.push(
        Turn.call("agent-helper", {"prompt": "a", "resourceId": "user-1", "threadId": "t-1"}),
        "ok",
        "done",
    )
    result = await alone.generate("go")
    named = result.tool_results[0].payload.result
    assert named["subAgentResourceId"] == "user-1-helper"
    assert named["subAgentThreadId"].startswith("t-1-")
    assert uuid.UUID(named["subAgentThreadId"][len("t-1-") :])

    registered = Agent(
        id="boss", instructions="x", model=fake_llm.model(), agents={"helper": helper}
    )
    Mastra(agents={"boss": registered})
    fake_llm.push(Turn.call("agent-helper", {"prompt": "a"}), "ok", "done")
    result = await registered.generate("go")
    fresh = result.tool_results[0].payload.result
    assert uuid.UUID(fresh["subAgentResourceId"])
    assert fresh["subAgentResourceId"] != fresh["subAgentThreadId"]


# --- inputs ----------------------------------------------------------------------------------


async def test_input_string_and_list_of_strings(fake_llm: FakeLLMServer) -> None:
    fake_llm.push("one", "two")
    agent = Agent(name="a", instructions="x", model=fake_llm.model())
    await agent.generate("hello")
    await agent.generate(["first", "second"])
    assert _messages(fake_llm, 0)[1:] == [{"role": "user", "content": "hello"}]
    assert _messages(fake_llm, 1)[1:] == [
        {"role": "user", "content": "first"},
        {"role": "user", "content": "second"},
    ]


async def test_input_message_dicts_with_parts(fake_llm: FakeLLMServer) -> None:
    fake_llm.push("seen")
    agent = Agent(name="a", instructions="x", model=fake_llm.model())
    await agent.generate(
        [
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "What is in these?"},
                    {"type": "image", "image": "aGVsbG8=", "mimeType": "image/png"},
                    {
                        "type": "file",
                        "data": "JVBERi0=",
                        "mediaType": "application/pdf",
                        "filename": "doc.pdf",
                    },
                ],
            },
            {
                "role": "assistant",
                "content": [
                    {"type": "text", "text": "Checking."},
                    {
                        "type": "tool-call",
                        "toolCallId": "c1",
                        "toolName": "look",
                        "input": {"n": 1},
                    },
                ],
            },
            {
                "role": "tool",
                "content": [
                    {
                        "type": "tool-result",
                        "toolCallId": "c1",
                        "toolName": "look",
                        "output": {"type": "json", "value": {"found": True}},
                    }
                ],
            },
            {"role": "user", "content": "And now?"},
        ]
    )
    messages = _messages(fake_llm)
    assert messages[1] == {
        "role": "user",
        "content": [
            {"type": "text", "text": "What is in these?"},
            {"type": "image_url", "image_url": {"url": "data:image/png;base64,aGVsbG8="}},
            {
                "type": "file",
                "file": {
                    "filename": "doc.pdf",
                    "file_data": "data:application/pdf;base64,JVBERi0=",
                },
            },
        ],
    }
    assert messages[2] == {
        "role": "assistant",
        "content": "Checking.",
        "tool_calls": [
            {"id": "c1", "type": "function", "function": {"name": "look", "arguments": '{"n":1}'}}
        ],
    }
    assert messages[3] == {"role": "tool", "tool_call_id": "c1", "content": '{"found":true}'}
    assert messages[4] == {"role": "user", "content": "And now?"}


async def test_system_message_in_input_moves_behind_instructions(fake_llm: FakeLLMServer) -> None:
    fake_llm.push("ok")
    agent = Agent(name="a", instructions="Agent rule.", model=fake_llm.model())
    await agent.generate(
        [
            {"role": "user", "content": "hi"},
            {"role": "system", "content": "Input system."},
            {"role": "user", "content": "again"},
        ],
        system="Option system.",
    )
    assert [(m["role"], m["content"]) for m in _messages(fake_llm)] == [
        ("system", "Agent rule."),
        ("system", "Input system."),
        ("system", "Option system."),
        ("user", "hi"),
        ("user", "again"),
    ]


async def test_two_tool_calls_in_one_turn_with_text(fake_llm: FakeLLMServer) -> None:
    fake_llm.push(
        Turn(
            text="Looking up both.",
            tool_calls=[
                ScriptToolCall(name="weather", arguments={"city": "Oslo"}, id="c1"),
                ScriptToolCall(name="weather", arguments={"city": "Rome"}, id="c2"),
            ],
        ),
        "Oslo cold, Rome warm.",
    )
    agent = Agent(
        name="a", instructions="x", model=fake_llm.model(), tools={"weather": _weather_tool()}
    )
    result = await agent.generate("both?")
    second = _messages(fake_llm, 1)
    assert [m["role"] for m in second] == ["system", "user", "assistant", "tool", "tool"]
    assert [m["tool_call_id"] for m in second[3:]] == ["c1", "c2"]
    assert [r.payload.result["city"] for r in result.tool_results] == ["Oslo", "Rome"]


async def test_stream_finish_carries_response_when_the_agent_has_memory(
    fake_llm: FakeLLMServer,
) -> None:
    """Mastra 1.71 (seen in the weather-1x/sub-agents verify runs): with output processors (an
    agent with memory) the ``finish`` payload gains ``response``: the response metadata, the
    response as model messages and as one AI SDK v5 UI message; without memory it has none."""
    from lumos_compat.memory import Memory
    from lumos_compat.storage import SqliteStore

    tool = _weather_tool()
    with_memory = Agent(
        id="mem",
        instructions="x",
        model=fake_llm.model(),
        tools={"weatherTool": tool},
        memory=Memory(storage=SqliteStore(":memory:")),
    )
    plain = Agent(id="plain", instructions="x", model=fake_llm.model(), tools={"weatherTool": tool})
    fake_llm.push(Turn.call("weatherTool", {"city": "Oslo"}), "Cold.")
    fake_llm.push(Turn.call("weatherTool", {"city": "Oslo"}), "Cold.")
    finishes = []
    for agent in (with_memory, plain):
        stream = await agent.stream("weather?")
        chunks = [c async for c in stream.full_stream]
        finishes.append(next(c for c in chunks if c["type"] == "finish")["payload"])
    assert "response" not in finishes[1]
    response = finishes[0]["response"]
    assert list(finishes[0])[-1] == "response"
    assert {"id", "timestamp", "modelId", "modelMetadata", "messages", "uiMessages"} <= set(
        response
    )
    assert [m["role"] for m in response["messages"]] == ["assistant", "tool", "assistant"]
    (ui,) = response["uiMessages"]
    assert ui["role"] == "assistant" and ui["id"] == finishes[0]["messageId"]
    assert set(ui["metadata"]) == {"modelId", "provider", "createdAt"}
    assert [p["type"] for p in ui["parts"]] == ["tool-weatherTool", "step-start", "text"]
    tool_part = ui["parts"][0]
    assert tool_part["state"] == "output-available"
    assert tool_part["input"] == {"city": "Oslo"}
    assert tool_part["output"]["temperature"] == 21
    assert ui["parts"][2]["text"] == "Cold."
    assert "createdAt" in ui["parts"][2]["providerMetadata"]["mastra"]
