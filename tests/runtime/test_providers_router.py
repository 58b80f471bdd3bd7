"""The model router: router strings, custom dicts, env-var keys and base URLs, errors."""

from __future__ import annotations

import pytest
from test_providers_common import (
    collect,
    llm_fixture,  # noqa: F401 (the llm fixture)
    serving,
    simple_prompt,
)

from lumos_compat.errors import AgentConfigError, MissingApiKeyError
from lumos_compat.llm import CallOptions, LanguageModel
from lumos_compat.providers import PROVIDERS, create_openai, resolve_model
from lumos_compat.providers.router import base_url_env_var
from lumos_compat.testing import FakeLLMServer

EXPECTED = {
    "openai": ("openai.responses", "https://api.openai.com/v1/responses"),
    "anthropic": ("anthropic.messages", "https://api.anthropic.com/v1/messages"),
    "google": (
        "google.generative-ai",
        "https://generativelanguage.googleapis.com/v1beta/models/m:generateContent",
    ),
    "deepseek": ("deepseek.chat", "https://api.deepseek.com/chat/completions"),
    "groq": ("groq.chat", "https://api.groq.com/openai/v1/chat/completions"),
    "xai": ("xai.responses", "https://api.x.ai/v1/responses"),
    "openrouter": ("openrouter.chat", "https://openrouter.ai/api/v1/chat/completions"),
    "togetherai": ("togetherai.chat", "https://api.together.xyz/v1/chat/completions"),
    "mistral": ("mistral.chat", "https://api.mistral.ai/v1/chat/completions"),
    "fireworks-ai": ("fireworks-ai.chat", "https://api.fireworks.ai/inference/v1/chat/completions"),
    "ollama": ("ollama.chat", "http://localhost:11434/v1/chat/completions"),
    "lmstudio": ("lmstudio.chat", "http://127.0.0.1:1234/v1/chat/completions"),
    "cerebras": ("cerebras.chat", "https://api.cerebras.ai/v1/chat/completions"),
    "perplexity": ("perplexity.chat", "https://api.perplexity.ai/chat/completions"),
    "deepinfra": ("deepinfra.chat", "https://api.deepinfra.com/v1/openai/chat/completions"),
}


@pytest.mark.parametrize("provider", sorted(EXPECTED))
def test_router_strings_resolve_to_the_right_api_and_url(
    provider: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(base_url_env_var(provider), raising=False)
    model = resolve_model(f"{provider}/m")
    assert isinstance(model, LanguageModel)
    assert (model.provider, model.url) == EXPECTED[provider]  # type: ignore[attr-defined]
    assert model.model_id == "m"


def test_every_supported_provider_is_tested() -> None:
    assert set(PROVIDERS) == set(EXPECTED)


def test_model_id_keeps_everything_after_the_first_slash() -> None:
    model = resolve_model("openrouter/anthropic/claude-3.5-sonnet")
    assert model.model_id == "anthropic/claude-3.5-sonnet"


def test_unknown_provider_lists_supported_ones() -> None:
    with pytest.raises(AgentConfigError, match="unknown model provider 'nope'") as info:
        resolve_model("nope/model")
    assert "deepseek" in str(info.value) and "openai" in str(info.value)
    with pytest.raises(AgentConfigError, match="provider/model"):
        resolve_model("gpt-4o")
    with pytest.raises(AgentConfigError, match="cannot use int"):
        resolve_model(42)


def test_language_models_pass_through() -> None:
    model = create_openai(api_key="k", base_url="http://127.0.0.1:9/v1")("gpt-4o")
    assert resolve_model(model) is model


async def test_missing_key_fails_at_call_time_naming_the_variable(
    llm: FakeLLMServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GROQ_API_KEY", raising=False)
    with serving(llm, ["ok"]) as server:
        monkeypatch.setenv("GROQ_BASE_URL", server.openai_base_url)
        model = resolve_model("groq/llama-3.3-70b")  # construction does not need the key
        with pytest.raises(MissingApiKeyError) as info:
            await model.do_generate(CallOptions(prompt=simple_prompt()))
        with pytest.raises(MissingApiKeyError):
            await collect(model.do_stream(CallOptions(prompt=simple_prompt())))
        assert server.requests == []
        assert info.value.env_var == "GROQ_API_KEY"
        assert "process.env.GROQ_API_KEY for model id groq/llama-3.3-70b" in str(info.value)
        monkeypatch.setenv("GROQ_API_KEY", "gsk")
        await model.do_generate(CallOptions(prompt=simple_prompt()))
        request = server.requests[0]
    assert request.path == "/v1/chat/completions"
    assert request.headers["authorization"] == "Bearer gsk"
    assert request.body["model"] == "llama-3.3-70b"


async def test_base_url_env_uses_upper_snake_provider_id(
    llm: FakeLLMServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert base_url_env_var("fireworks-ai") == "FIREWORKS_AI_BASE_URL"
    with serving(llm, ["a", "b"]) as server:
        monkeypatch.setenv("FIREWORKS_AI_BASE_URL", server.openai_base_url + "/")
        monkeypatch.setenv("FIREWORKS_API_KEY", "fw")
        await resolve_model("fireworks-ai/llama").do_generate(CallOptions(prompt=simple_prompt()))
        monkeypatch.setenv("DEEPSEEK_BASE_URL", server.openai_base_url)
        monkeypatch.setenv("DEEPSEEK_API_KEY", "ds")
        await collect(
            resolve_model("deepseek/deepseek-chat").do_stream(CallOptions(prompt=simple_prompt()))
        )
        first, second = server.requests
    assert first.path == "/v1/chat/completions" and first.headers["authorization"] == "Bearer fw"
    # the deepseek SDK asks for usage in streams
    assert second.body["stream_options"] == {"include_usage": True}


async def test_ollama_needs_no_key(llm: FakeLLMServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OLLAMA_API_KEY", raising=False)
    with serving(llm, ["hi"]) as server:
        monkeypatch.setenv("OLLAMA_BASE_URL", server.openai_base_url)
        result = await resolve_model("ollama/llama3").do_generate(
            CallOptions(prompt=simple_prompt())
        )
        assert "authorization" not in server.requests[0].headers
    assert result.content == [{"type": "text", "text": "hi"}]


async def test_custom_dict_forms(llm: FakeLLMServer) -> None:
    with serving(llm, ["a", "b", "c"]) as server:
        url = server.openai_base_url
        m1 = resolve_model(
            {"id": "acme/m1", "url": url, "api_key": "k1", "headers": {"x-team": "t"}}
        )
        m2 = resolve_model({"providerId": "acme", "modelId": "m2", "url": url, "apiKey": "k2"})
        m3 = resolve_model({"id": "acme/m3", "url": url, "apiKey": "k3", "api": "responses"})
        for model in (m1, m2, m3):
            await model.do_generate(CallOptions(prompt=simple_prompt()))
        r1, r2, r3 = server.requests
    assert m1.provider == "acme.chat" and m3.provider == "acme.responses"
    assert (r1.path, r1.body["model"], r1.headers["authorization"], r1.headers["x-team"]) == (
        "/v1/chat/completions",
        "m1",
        "Bearer k1",
        "t",
    )
    assert (r2.body["model"], r2.headers["authorization"]) == ("m2", "Bearer k2")
    assert (r3.path, r3.body["model"]) == ("/v1/responses", "m3")


def test_custom_dict_errors() -> None:
    with pytest.raises(AgentConfigError, match="unknown keys"):
        resolve_model({"id": "a/b", "url": "http://127.0.0.1/v1", "apikey": "typo"})
    with pytest.raises(AgentConfigError, match="needs 'id'"):
        resolve_model({"url": "http://127.0.0.1/v1"})
    with pytest.raises(AgentConfigError, match="'chat' or 'responses'"):
        resolve_model({"id": "a/b", "url": "http://127.0.0.1/v1", "api": "soap"})
