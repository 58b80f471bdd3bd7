"""The testing kit agents are tested with: the pytest plugin's fixtures, the real-request block that
is on for the whole suite, the fake server's speed, and the in-process scripted model."""

from __future__ import annotations

import time

import pytest

from lumos_compat import Agent
from lumos_compat.errors import RealModelRequestBlocked
from lumos_compat.providers import BLOCK_ENV_VAR, real_requests_blocked
from lumos_compat.testing import FakeLLMServer, ScriptedModel, Turn, block_real_requests


def test_the_whole_suite_runs_with_real_requests_blocked() -> None:
    assert real_requests_blocked()


async def test_a_real_provider_cannot_be_reached_from_a_test(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-real-looking")
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    agent = Agent(name="a", instructions="x", model="openai/gpt-4o-mini")
    with pytest.raises(RealModelRequestBlocked, match=r"api\.openai\.com"):
        await agent.generate("hi")


@pytest.mark.usefixtures("block_real_model_requests")
async def test_block_fixture_works_without_the_env_var(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(BLOCK_ENV_VAR)
    monkeypatch.setenv("ANTHROPIC_API_KEY", "k")
    monkeypatch.delenv("ANTHROPIC_BASE_URL", raising=False)
    agent = Agent(name="a", instructions="x", model="anthropic/claude-sonnet-4-5")
    with pytest.raises(RealModelRequestBlocked):
        await agent.generate("hi")


async def test_loopback_stays_allowed_under_the_block(fake_llm: FakeLLMServer) -> None:
    fake_llm.push("local answer")
    with block_real_requests():
        result = await Agent(name="a", instructions="x", model=fake_llm.model()).generate("hi")
    assert result.text == "local answer"


def test_fake_llm_fixture_is_started(fake_llm: FakeLLMServer) -> None:
    assert fake_llm.url.startswith("http://127.0.0.1:")
    assert fake_llm.remaining_turns == 0


def test_server_stops_quickly() -> None:
    server = FakeLLMServer(["x"]).start()
    started = time.perf_counter()
    server.stop()
    assert time.perf_counter() - started < 0.2


async def test_scripted_model_runs_the_same_script_in_process() -> None:
    model = ScriptedModel([Turn.call("missing", {"a": 1}, id="c1"), "fine"])
    agent = Agent(name="a", instructions="x", model=model)
    result = await agent.generate("go")
    assert result.text == "fine"
    assert len(model.calls) == 2
    assert model.calls[1].prompt[-1]["role"] == "tool"
    stream_model = ScriptedModel(["streamed text"])
    stream = await Agent(name="s", instructions="x", model=stream_model).stream("go")
    assert "".join([t async for t in stream.text_stream]) == "streamed text"
