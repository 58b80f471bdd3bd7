"""Embedders for semantic recall, over httpx, and the recall formatting Mastra uses.

An embedder spec is a model-router string (``"openai/text-embedding-3-small"``, reading
``OPENAI_API_KEY`` and ``OPENAI_BASE_URL`` like the chat models), a dict
``{"id": "provider/model", "url": ..., "api_key": ...}`` for any OpenAI-compatible ``/embeddings``
endpoint, or an object with ``async embed(texts) -> list[list[float]]``.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Protocol, runtime_checkable

from lumos_compat.errors import AgentConfigError, MissingApiKeyError, ModelCallError
from lumos_compat.providers._http import lazy_httpx

__all__ = [
    "Embedder",
    "OpenAICompatibleEmbedder",
    "format_cross_thread",
    "resolve_embedder",
]

_PROVIDERS: dict[str, tuple[str, str, str]] = {
    # provider: (base URL env, default base URL, key env)
    "openai": ("OPENAI_BASE_URL", "https://api.openai.com/v1", "OPENAI_API_KEY"),
    "mistral": ("MISTRAL_BASE_URL", "https://api.mistral.ai/v1", "MISTRAL_API_KEY"),
    "together": ("TOGETHER_BASE_URL", "https://api.together.xyz/v1", "TOGETHER_API_KEY"),
}


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into vectors."""

    model_id: str

    async def embed(self, texts: Sequence[str]) -> list[list[float]]:
        """One vector per text."""
        ...


class OpenAICompatibleEmbedder:
    """``POST {base_url}/embeddings`` as the AI SDK's OpenAI embedding model sends it."""

    def __init__(
        self,
        model: str,
        *,
        base_url: str,
        api_key: str | None = None,
        headers: Mapping[str, str] | None = None,
        dimensions: int | None = None,
        timeout: float = 60.0,
    ) -> None:
        self.model_id = model
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.headers = dict(headers or {})
        self.dimensions = dimensions
        self.timeout = timeout

    def __repr__(self) -> str:
        return f"OpenAICompatibleEmbedder({self.model_id!r}, base_url={self.base_url!r})"

    async def embed(self, texts: Sequence[str]) -> list[list[float]]:
        """Embed texts in one request."""
        body: dict[str, Any] = {"model": self.model_id, "input": list(texts)}
        if self.dimensions is not None:
            body["dimensions"] = self.dimensions
        body["encoding_format"] = "float"
        headers = {"content-type": "application/json", **self.headers}
        if self.api_key:
            headers["authorization"] = f"Bearer {self.api_key}"
        url = f"{self.base_url}/embeddings"
        httpx = lazy_httpx()
        async with httpx.AsyncClient(timeout=self.timeout) as client:
            try:
                response = await client.post(url, json=body, headers=headers)
            except httpx.HTTPError as exc:
                raise ModelCallError(
                    f"embedding request to {url} failed: {exc}", url=url, is_retryable=True
                ) from exc
        if response.status_code >= 400:
            raise ModelCallError(
                f"embedding request to {url} answered {response.status_code}: "
                f"{response.text[:500]}",
                status_code=response.status_code,
                url=url,
                response_body=response.text,
                is_retryable=response.status_code in (408, 409, 429) or response.status_code >= 500,
            )
        data = response.json().get("data", [])
        return [item["embedding"] for item in sorted(data, key=lambda d: d.get("index", 0))]


def resolve_embedder(spec: Any) -> Embedder:
    """An embedder from a router string, a dict, or an embedder object."""
    if isinstance(spec, Embedder):
        return spec
    if isinstance(spec, Mapping):
        model_id = str(spec.get("id") or spec.get("model") or "")
        url = spec.get("url") or spec.get("base_url")
        if not model_id or not url:
            raise AgentConfigError(
                "an embedder dict needs 'id' ('provider/model') and 'url' (the /v1 base URL)"
            )
        model = model_id.split("/", 1)[1] if "/" in model_id else model_id
        return OpenAICompatibleEmbedder(
            model,
            base_url=str(url),
            api_key=spec.get("api_key") or spec.get("apiKey"),
            headers=spec.get("headers"),
            dimensions=spec.get("dimensions"),
        )
    if isinstance(spec, str):
        if "/" not in spec:
            raise AgentConfigError(
                f"embedder {spec!r}: expected 'provider/model', e.g. 'openai/text-embedding-3-small'"
            )
        provider, model = spec.split("/", 1)
        if provider not in _PROVIDERS:
            raise AgentConfigError(
                f"embedder provider {provider!r} is not supported as a string; known: "
                f"{', '.join(sorted(_PROVIDERS))}. Pass {{'id', 'url', 'api_key'}} for another "
                "OpenAI-compatible endpoint"
            )
        url_env, default_url, key_env = _PROVIDERS[provider]
        key = os.environ.get(key_env)
        if not key:
            raise MissingApiKeyError(key_env, spec)
        return OpenAICompatibleEmbedder(
            model, base_url=os.environ.get(url_env) or default_url, api_key=key
        )
    raise AgentConfigError(
        f"embedder must be 'provider/model', a dict or an Embedder, got {type(spec).__name__}"
    )


class EmbeddingCache:
    """A small LRU of text -> vectors (Mastra caches embeddings the same way)."""

    def __init__(self, size: int = 1000) -> None:
        self.size = size
        self._data: OrderedDict[str, list[list[float]]] = OrderedDict()

    def get(self, key: str) -> list[list[float]] | None:
        """A cached vector."""
        value = self._data.get(key)
        if value is not None:
            self._data.move_to_end(key)
        return value

    def put(self, key: str, value: list[list[float]]) -> None:
        """Remember a vector."""
        self._data[key] = value
        self._data.move_to_end(key)
        while len(self._data) > self.size:
            self._data.popitem(last=False)


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_ROLE_ORDER = {"system": 0, "user": 1, "assistant": 2, "tool": 3}


def message_text(message: Mapping[str, Any]) -> str:
    """The text of a DB message: its ``content.content`` or its text parts."""
    content = message.get("content") or {}
    if isinstance(content, str):
        return content
    text = content.get("content")
    if isinstance(text, str) and text.strip():
        return text
    return " ".join(p.get("text", "") for p in content.get("parts", []) if p.get("type") == "text")


def _created(message: Mapping[str, Any]) -> datetime:
    value = str(message.get("createdAt"))
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)


def sort_for_recall(messages: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Mastra's stable order: createdAt, thread, role, id."""
    return sorted(
        messages,
        key=lambda m: (
            _created(m),
            m.get("threadId") or "",
            _ROLE_ORDER.get(str(m.get("role")), 99),
            m.get("id") or "",
        ),
    )


def format_cross_thread(messages: Sequence[Mapping[str, Any]], current_thread: str) -> str:
    """The system message Mastra writes for messages recalled from other threads."""
    result = ""
    last_day: str | None = None
    for message in sort_for_recall(messages):
        when = _created(message)
        day = f"{when.year}, {_MONTHS[when.month - 1]}, {when.day}"
        hour = when.hour % 12 or 12
        tod = f"{hour}:{when.minute:02d} {'AM' if when.hour < 12 else 'PM'}"
        if day != last_day:
            result += f"\nthe following messages are from {day}\n"
        role = str(message.get("role", ""))
        other = message.get("threadId") and message.get("threadId") != current_thread
        label = "from previous conversation" if other else ""
        result += f"Message {label} at {tod}: {role[:1].upper()}{role[1:]}: {message_text(message)}"
        last_day = day
    return (
        "The following messages were remembered from a different conversation:\n"
        f"<remembered_from_other_conversation>\n{result}\n<end_remembered_from_other_conversation>"
    )
