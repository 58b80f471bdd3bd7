"""Wire dialects of the fake LLM server: one module per provider API it imitates."""

from __future__ import annotations

from typing import Any, Protocol

from lumos_compat.testing._dialects import (
    anthropic,
    embeddings,
    google,
    openai_chat,
    openai_responses,
)
from lumos_compat.testing.script import ScriptError, Turn

__all__ = ["Dialect", "embeddings_response", "route"]


class Dialect(Protocol):
    """How one provider API answers a turn."""

    name: str

    def matches(self, path: str) -> bool: ...
    def is_stream(self, path: str, body: Any) -> bool: ...
    def response(self, turn: Turn, body: Any, seq: int, path: str) -> Any: ...
    def stream_events(self, turn: Turn, body: Any, seq: int, path: str) -> Any: ...
    def error_body(self, error: ScriptError) -> Any: ...


_DIALECTS: list[Any] = [openai_chat, openai_responses, anthropic, google, embeddings]


def route(path: str) -> Any | None:
    """The dialect that serves a POST path, or None."""
    for dialect in _DIALECTS:
        if dialect.matches(path):
            return dialect
    return None


def embeddings_response(body: Any) -> Any:
    """Deterministic embeddings for an OpenAI embeddings request."""
    return embeddings.response_for(body)
