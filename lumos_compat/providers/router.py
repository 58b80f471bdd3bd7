"""The model router: turn any accepted model spec into a ``LanguageModel``.

Specs are ``"provider/model"`` strings as in Mastra's model router, custom OpenAI-compatible
dicts (``{id, url, api_key | apiKey, headers, api}`` or ``{provider_id, model_id, url, ...}``)
and ``LanguageModel`` objects, which pass through.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from lumos_compat.errors import AgentConfigError
from lumos_compat.llm import LanguageModel
from lumos_compat.providers._base import make_settings
from lumos_compat.providers.anthropic import AnthropicMessagesModel
from lumos_compat.providers.google import GoogleGenerativeAIModel
from lumos_compat.providers.openai import OpenAIResponsesModel
from lumos_compat.providers.openai_compatible import OpenAICompatibleChatModel

__all__ = ["PROVIDERS", "ProviderInfo", "base_url_env_var", "resolve_model"]


@dataclass(frozen=True, slots=True)
class ProviderInfo:
    """How the router reaches one provider."""

    api: str  # "chat" | "responses" | "anthropic" | "google"
    base_url: str
    api_key_env: tuple[str, ...]
    api_key_required: bool = True
    include_usage: bool = False


PROVIDERS: Mapping[str, ProviderInfo] = {
    "openai": ProviderInfo("responses", "https://api.openai.com/v1", ("OPENAI_API_KEY",)),
    "anthropic": ProviderInfo("anthropic", "https://api.anthropic.com/v1", ("ANTHROPIC_API_KEY",)),
    "google": ProviderInfo(
        "google",
        "https://generativelanguage.googleapis.com/v1beta",
        ("GOOGLE_API_KEY", "GOOGLE_GENERATIVE_AI_API_KEY"),
    ),
    "deepseek": ProviderInfo(
        "chat", "https://api.deepseek.com", ("DEEPSEEK_API_KEY",), include_usage=True
    ),
    "groq": ProviderInfo("chat", "https://api.groq.com/openai/v1", ("GROQ_API_KEY",)),
    # Mastra reaches xAI through @ai-sdk/xai's Responses model
    "xai": ProviderInfo("responses", "https://api.x.ai/v1", ("XAI_API_KEY",)),
    "openrouter": ProviderInfo("chat", "https://openrouter.ai/api/v1", ("OPENROUTER_API_KEY",)),
    "togetherai": ProviderInfo(
        "chat", "https://api.together.xyz/v1", ("TOGETHER_API_KEY",), include_usage=True
    ),
    "mistral": ProviderInfo("chat", "https://api.mistral.ai/v1", ("MISTRAL_API_KEY",)),
    "fireworks-ai": ProviderInfo(
        "chat", "https://api.fireworks.ai/inference/v1", ("FIREWORKS_API_KEY",)
    ),
    "ollama": ProviderInfo(
        "chat", "http://localhost:11434/v1", ("OLLAMA_API_KEY",), api_key_required=False
    ),
    "lmstudio": ProviderInfo("chat", "http://127.0.0.1:1234/v1", ("LMSTUDIO_API_KEY",)),
    "cerebras": ProviderInfo("chat", "https://api.cerebras.ai/v1", ("CEREBRAS_API_KEY",)),
    "perplexity": ProviderInfo("chat", "https://api.perplexity.ai", ("PERPLEXITY_API_KEY",)),
    "deepinfra": ProviderInfo(
        "chat", "https://api.deepinfra.com/v1/openai", ("DEEPINFRA_API_KEY",)
    ),
}


def base_url_env_var(provider_id: str) -> str:
    """The environment variable that overrides a provider's base URL (``FIREWORKS_AI_BASE_URL``)."""
    return f"{provider_id.upper().replace('-', '_')}_BASE_URL"


def _split(spec: str) -> tuple[str, str]:
    provider, sep, model = spec.partition("/")
    if not sep or not provider or not model:
        raise AgentConfigError(
            f"model {spec!r} is not a 'provider/model' string (for example 'openai/gpt-4o-mini'); "
            f"supported providers: {', '.join(sorted(PROVIDERS))}"
        )
    return provider, model


def _from_router_string(spec: str, **overrides: Any) -> LanguageModel:
    provider_id, model_id = _split(spec)
    info = PROVIDERS.get(provider_id)
    if info is None:
        raise AgentConfigError(
            f"unknown model provider {provider_id!r} in {spec!r}. Supported providers: "
            f"{', '.join(sorted(PROVIDERS))}. For any other OpenAI-compatible server pass "
            "{'id': 'name/model', 'url': 'https://.../v1', 'api_key': ...}."
        )
    settings = make_settings(
        name=provider_id,
        base_url=os.environ.get(base_url_env_var(provider_id)) or None,
        default_base_url=info.base_url,
        base_url_env=None,
        api_key=overrides.get("api_key"),
        api_key_env=info.api_key_env,
        headers=overrides.get("headers"),
        max_retries=overrides.get("max_retries"),
        timeout=overrides.get("timeout"),
        api_key_required=info.api_key_required,
        display_prefix=provider_id,
        retry_initial_delay=overrides.get("retry_initial_delay"),
    )
    if info.api == "responses":
        return OpenAIResponsesModel(model_id, settings, provider=f"{provider_id}.responses")
    if info.api == "anthropic":
        return AnthropicMessagesModel(model_id, settings)
    if info.api == "google":
        return GoogleGenerativeAIModel(model_id, settings)
    return OpenAICompatibleChatModel(
        model_id,
        settings,
        provider=f"{provider_id}.chat",
        supports_structured_outputs=True,
        include_usage=info.include_usage,
    )


def _from_dict(spec: Mapping[str, Any]) -> LanguageModel:
    known = {
        "id", "url", "api_key", "apiKey", "headers", "api", "provider_id", "providerId",
        "model_id", "modelId", "max_retries", "maxRetries", "timeout", "retry_initial_delay",
    }  # fmt: skip
    unknown = set(spec) - known
    if unknown:
        raise AgentConfigError(
            f"model config has unknown keys {sorted(unknown)}; expected some of {sorted(known)}"
        )
    provider_id = spec.get("provider_id") or spec.get("providerId")
    model_id = spec.get("model_id") or spec.get("modelId")
    if spec.get("id"):
        provider_id, model_id = _split(str(spec["id"]))
    if not provider_id or not model_id:
        raise AgentConfigError(
            "a model config needs 'id': 'provider/model' or both 'provider_id' and 'model_id'; "
            f"got keys {sorted(spec)}"
        )
    api_key = spec.get("api_key") or spec.get("apiKey")
    max_retries = spec.get("max_retries", spec.get("maxRetries"))
    extra = {
        "api_key": api_key,
        "headers": spec.get("headers"),
        "max_retries": max_retries,
        "timeout": spec.get("timeout"),
        "retry_initial_delay": spec.get("retry_initial_delay"),
    }
    url = spec.get("url")
    if not url:
        return _from_router_string(f"{provider_id}/{model_id}", **extra)
    info = PROVIDERS.get(str(provider_id))
    settings = make_settings(
        name=str(provider_id),
        base_url=str(url),
        default_base_url=str(url),
        base_url_env=None,
        api_key=api_key,
        api_key_env=info.api_key_env if info else (),
        headers=spec.get("headers"),
        max_retries=max_retries,
        timeout=spec.get("timeout"),
        api_key_required=False,
        display_prefix=str(provider_id),
        retry_initial_delay=spec.get("retry_initial_delay"),
    )
    api = spec.get("api") or "chat"
    if api == "responses":
        return OpenAIResponsesModel(str(model_id), settings, provider=f"{provider_id}.responses")
    if api != "chat":
        raise AgentConfigError(f"model config 'api' must be 'chat' or 'responses', got {api!r}")
    return OpenAICompatibleChatModel(
        str(model_id), settings, provider=f"{provider_id}.chat", supports_structured_outputs=True
    )


def resolve_model(spec: Any) -> LanguageModel:
    """Any accepted model spec as a ``LanguageModel``.

    ``"openai/gpt-4o-mini"`` calls the OpenAI Responses API; ``"anthropic/..."`` and
    ``"google/..."`` their native APIs; deepseek, groq, openrouter, togetherai, mistral,
    fireworks-ai, ollama, lmstudio, cerebras, perplexity and deepinfra chat completions (xai the
    Responses API, as Mastra does). Base URLs can be overridden with ``<PROVIDER>_BASE_URL``; API
    keys are read from the provider's variable when the model is called.
    """
    if isinstance(spec, str):
        return _from_router_string(spec)
    if isinstance(spec, Mapping):
        return _from_dict(spec)
    if isinstance(spec, LanguageModel):
        return spec
    raise AgentConfigError(
        f"cannot use {type(spec).__name__} as a model: expected a 'provider/model' string, a "
        "{'id', 'url', 'api_key'} dict or a LanguageModel such as openai('gpt-4o')"
    )
