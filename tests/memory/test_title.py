"""Thread titles (``generate_title``) beyond the recorded scenarios: the transcript format, a failing
title model, read-only memory, dynamic instructions and a title model given as a spec."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from lumos_compat import Agent, AgentConfigError
from lumos_compat.memory import Memory
from lumos_compat.memory.title import DEFAULT_TITLE_INSTRUCTIONS, TitleConfig, format_transcript
from lumos_compat.storage import SqliteStore
from lumos_compat.testing import FakeLLMServer, Turn


def test_title_config_reads_mastra_forms() -> None:
    assert TitleConfig.parse(False).enabled is False
    assert TitleConfig.parse(True) == TitleConfig(enabled=True)
    cfg = TitleConfig.parse({"model": "openai/gpt-4o-mini", "minMessages": 3, "emitEvent": True})
    assert (cfg.enabled, cfg.model, cfg.min_messages, cfg.emit_event) == (
        True,
        "openai/gpt-4o-mini",
        3,
        True,
    )
    with pytest.raises(AgentConfigError, match="generate_title must be"):
        TitleConfig.parse("yes")


def test_transcript_lines() -> None:
    messages = [
        {"role": "user", "content": "Find flights"},
        {
            "role": "assistant",
            "content": {
                "format": 2,
                "content": "Here they are.",
                "parts": [
                    {"type": "step-start"},
                    {"type": "reasoning", "reasoning": "search first"},
                    {
                        "type": "tool-invocation",
                        "toolInvocation": {
                            "state": "call",
                            "toolName": "search",
                            "args": {"q": "flights", "long": "x" * 300},
                        },
                    },
                    {
                        "type": "tool-invocation",
                        "toolInvocation": {"state": "result", "toolName": "search", "result": "ok"},
                    },
                    {"type": "text", "text": "Here they are."},
                ],
            },
        },
    ]
    lines = format_transcript(messages).split("\n")
    assert lines[0] == "User: Find flights"
    assert lines[1] == "Reasoning: search first"
    assert lines[2].startswith('Tool Call search: {"q":"flights","long":"xxx')
    assert len(lines[2]) == len("Tool Call search: ") + 200
    assert lines[3:] == ["Tool Result search: ok", "Assistant: Here they are."]


async def test_failing_title_model_keeps_the_reply(caplog: pytest.LogCaptureFixture) -> None:
    script: list[Any] = ["Hello Ada.", Turn.fail(500, "title model down")]
    with FakeLLMServer(script) as server:
        memory = Memory(storage=SqliteStore(), options={"generateTitle": True})
        agent = Agent(id="a", instructions="x", model=server.model(), memory=memory)
        with caplog.at_level(logging.ERROR, logger="lumos_compat.memory"):
            out = await agent.generate("I am Ada.", memory={"thread": "t1", "resource": "u1"})
        assert out.text == "Hello Ada."
        assert len(server.requests) == 2  # the reply, then the title attempt
        assert (await memory.get_thread_by_id("t1"))["title"] == ""
        assert "generating a title for thread 't1' failed" in caplog.text


async def test_read_only_memory_asks_for_no_title() -> None:
    with FakeLLMServer(["Hi."]) as server:
        memory = Memory(storage=SqliteStore(), options={"generateTitle": True})
        agent = Agent(id="a", instructions="x", model=server.model(), memory=memory)
        await agent.generate(
            "Hello", memory={"thread": "t1", "resource": "u1", "options": {"readOnly": True}}
        )
        assert len(server.requests) == 1


async def test_dynamic_instructions_and_title_model_spec() -> None:
    seen: list[Any] = []

    def instructions(request_context: Any) -> str:
        seen.append(request_context.get("lang"))
        return f"Title in {request_context.get('lang')}."

    with FakeLLMServer(["Bonjour.", "Salutations"]) as server:
        memory = Memory(
            storage=SqliteStore(),
            options={
                "generate_title": {
                    "model": server.model("title-model"),
                    "instructions": instructions,
                }
            },
        )
        agent = Agent(id="a", instructions="x", model=server.model(), memory=memory)
        await agent.generate(
            "Salut",
            memory={"thread": "t1", "resource": "u1"},
            request_context={"lang": "French"},
        )
        title_request = server.requests[1].body
        assert title_request["model"] == "title-model"
        assert title_request["messages"] == [
            {"role": "system", "content": "Title in French."},
            {"role": "user", "content": "User: Salut\nAssistant: Bonjour."},
        ]
        assert seen == ["French"]
        assert (await memory.get_thread_by_id("t1"))["title"] == "Salutations"
        assert DEFAULT_TITLE_INSTRUCTIONS.startswith("\n      - you will generate a short title")


async def test_emit_event_streams_the_title_before_finish() -> None:
    # probed on Mastra 1.71 (agent.stream with generateTitle: { emitEvent: true }): the chunk
    # {"type": "data-thread-title", "data": {threadId, title}, "transient": true} comes between
    # step-finish and finish
    with FakeLLMServer(["Hello!", "Greeting chat"]) as server:
        memory = Memory(storage=SqliteStore(), options={"generateTitle": {"emitEvent": True}})
        agent = Agent(id="a", instructions="x", model=server.model(), memory=memory)
        stream = await agent.stream("Hi there", memory={"thread": "t1", "resource": "u1"})
        chunks = [chunk async for chunk in stream.full_stream]
        types = [c["type"] for c in chunks]
        at = types.index("data-thread-title")
        assert types[at - 1 : at + 2] == ["step-finish", "data-thread-title", "finish"]
        assert chunks[at] == {
            "type": "data-thread-title",
            "data": {"threadId": "t1", "title": "Greeting chat"},
            "transient": True,
        }
        # generate() has no stream to carry it; the title is stored all the same
        server.push("Again.", "Second chat")
        await agent.generate("Hi", memory={"thread": "t2", "resource": "u1"})
        assert (await memory.get_thread_by_id("t2"))["title"] == "Second chat"
