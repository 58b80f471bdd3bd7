"""Pieces every provider model shares: API keys, settings, file data and small JSON helpers."""

from __future__ import annotations

import base64
import json
import os
import secrets
import string
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from lumos_compat.errors import AgentConfigError, MissingApiKeyError
from lumos_compat.providers._http import HttpClient, RetryPolicy

__all__ = [
    "HttpModel",
    "Provider",
    "ProviderSettings",
    "file_data_base64",
    "file_data_url",
    "generate_id",
    "json_dumps",
    "parse_json_or_none",
]

_ID_ALPHABET = string.ascii_letters + string.digits


def generate_id(size: int = 16) -> str:
    """A random id like the AI SDK's ``generateId`` (16 alphanumeric characters)."""
    return "".join(secrets.choice(_ID_ALPHABET) for _ in range(size))


def json_dumps(value: Any) -> str:
    """JSON text as JavaScript's ``JSON.stringify`` writes it (compact, non-ASCII kept)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def parse_json_or_none(text: str) -> Any:
    """Parsed JSON, or ``None`` when the text is not JSON."""
    try:
        return json.loads(text)
    except (ValueError, TypeError):
        return None


@dataclass(slots=True)
class ProviderSettings:
    """What one provider instance knows: where to send requests and how to authenticate.

    ``api_key`` wins over the environment; otherwise the first set variable of ``api_key_env``
    is read at call time, so a missing key fails the call, not the construction.
    """

    name: str
    base_url: str
    api_key: str | None = None
    api_key_env: Sequence[str] = ()
    api_key_required: bool = True
    headers: dict[str, str] = field(default_factory=dict)
    http: HttpClient = field(default=None)  # type: ignore[assignment]
    # model id shown in a missing-key error (the router's "provider/model" when it built this)
    display_prefix: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.base_url = self.base_url.rstrip("/")
        if self.http is None:
            self.http = HttpClient(self.name)

    def resolve_api_key(self, model_id: str) -> str | None:
        """The API key for a call, read now; raises ``MissingApiKeyError`` when required and unset."""
        if self.api_key:
            return self.api_key
        for var in self.api_key_env:
            value = os.environ.get(var)
            if value:
                return value
        if not self.api_key_required:
            return None
        if not self.api_key_env:
            raise AgentConfigError(
                f"{self.name}: no API key for model {model_id!r}: pass api_key= to the provider."
            )
        shown = f"{self.display_prefix}/{model_id}" if self.display_prefix else model_id
        raise MissingApiKeyError(" or ".join(self.api_key_env), shown)


def make_settings(
    *,
    name: str,
    base_url: str | None,
    default_base_url: str,
    base_url_env: str | None,
    api_key: str | None,
    api_key_env: Sequence[str],
    headers: Mapping[str, str] | None,
    max_retries: int | None,
    timeout: float | None,
    api_key_required: bool = True,
    display_prefix: str | None = None,
    retry_initial_delay: float | None = None,
) -> ProviderSettings:
    """Settings for a provider factory: explicit arguments first, then environment, then defaults."""
    url = base_url or (os.environ.get(base_url_env) if base_url_env else None) or default_base_url
    retry = RetryPolicy(
        max_retries=0 if max_retries is None else max_retries,
        initial_delay=1.0 if retry_initial_delay is None else retry_initial_delay,
    )
    return ProviderSettings(
        name=name,
        base_url=url,
        api_key=api_key,
        api_key_env=tuple(api_key_env),
        api_key_required=api_key_required,
        headers=dict(headers or {}),
        http=HttpClient(name, timeout=timeout, retry=retry),
        display_prefix=display_prefix,
    )


# --------------------------------------------------------------------------------------------
# file parts


def _split_data_url(value: str) -> tuple[str | None, str] | None:
    if not value.startswith("data:"):
        return None
    head, sep, payload = value.partition(",")
    if not sep or not head.endswith(";base64"):
        return None
    media = head[5:-7] or None
    return media, payload


def is_url(value: Any) -> bool:
    """Whether a file part's data is an http(s) URL rather than inline data."""
    return isinstance(value, str) and value.startswith(("http://", "https://"))


def file_data_base64(data: Any) -> str:
    """Inline file data (bytes, base64 text or a ``data:`` URL) as base64 text."""
    if isinstance(data, (bytes, bytearray, memoryview)):
        return base64.b64encode(bytes(data)).decode("ascii")
    if isinstance(data, str):
        split = _split_data_url(data)
        return split[1] if split else data
    raise AgentConfigError(
        f"file part data must be bytes, base64 text, a data: URL or an http(s) URL, "
        f"got {type(data).__name__}"
    )


def file_data_url(data: Any, media_type: str) -> str:
    """File data as a URL: http(s) URLs as they are, inline data as a base64 ``data:`` URL."""
    if is_url(data):
        return str(data)
    return f"data:{media_type};base64,{file_data_base64(data)}"


def file_text(data: Any) -> str:
    """A text file part's data decoded as UTF-8 text (URLs are returned as they are)."""
    if is_url(data):
        return str(data)
    return base64.b64decode(file_data_base64(data)).decode("utf-8", "replace")


def tool_output_text(output: Mapping[str, Any]) -> str:
    """A tool result output as text: text as is, JSON as compact JSON text."""
    kind = output.get("type")
    value = output.get("value")
    if kind in ("text", "error-text"):
        return value if isinstance(value, str) else json_dumps(value)
    if kind == "execution-denied":
        reason = output.get("reason")
        return reason if isinstance(reason, str) else "Tool call execution denied."
    return json_dumps(value)


def drop_none(mapping: dict[str, Any]) -> dict[str, Any]:
    """The dict without ``None`` values (JSON.stringify drops ``undefined``)."""
    return {k: v for k, v in mapping.items() if v is not None}


OnResponse = Callable[[dict[str, Any]], None]


class HttpModel:
    """What every provider model shares: its ids, its endpoint and its provider's pooled client."""

    def __init__(self, model_id: str, settings: ProviderSettings, provider: str, url: str) -> None:
        self._model_id = model_id
        self._settings = settings
        self._provider = provider
        self._url = url

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._provider!r}, {self._model_id!r})"

    @property
    def provider(self) -> str:
        """Provider id, e.g. ``"openai.responses"`` or ``"groq.chat"``."""
        return self._provider

    @property
    def model_id(self) -> str:
        """The model id sent to the provider."""
        return self._model_id

    @property
    def url(self) -> str:
        """The endpoint of non-streaming calls."""
        return self._url

    async def aclose(self) -> None:
        """Close pooled connections."""
        await self._settings.http.aclose()


class Provider:
    """What every provider shares: the settings its models send requests with."""

    def __init__(self, settings: ProviderSettings) -> None:
        self._settings = settings

    @property
    def settings(self) -> ProviderSettings:
        """Where this provider sends requests."""
        return self._settings
