"""The HTTP layer every provider shares: one pooled ``httpx.AsyncClient`` per provider, retries with
backoff, server-sent events, error mapping and the switch that blocks real requests in tests.

Nothing here touches the network or builds a client until the first request.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import ipaddress
import json
import os
import time
from collections.abc import AsyncIterator, Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:
    import ssl

    import httpx

from lumos_compat.errors import ModelCallError, RealModelRequestBlocked

__all__ = [
    "BLOCK_ENV_VAR",
    "HttpClient",
    "RetryPolicy",
    "block_real_requests",
    "check_request_allowed",
    "iter_sse",
    "real_requests_blocked",
]

BLOCK_ENV_VAR = "LUMOS_BLOCK_REAL_REQUESTS"
USER_AGENT = "lumos-compat"
_RETRYABLE_STATUS = frozenset({408, 409, 429})
_LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})

_blocked: ContextVar[bool | None] = ContextVar("lumos_block_real_requests", default=None)


# --------------------------------------------------------------------------------------------
# blocking real requests


@contextlib.contextmanager
def block_real_requests(enabled: bool = True) -> Iterator[None]:
    """Forbid requests to any host but loopback inside the block (``enabled=False`` lifts it)."""
    token = _blocked.set(enabled)
    try:
        yield
    finally:
        _blocked.reset(token)


def real_requests_blocked() -> bool:
    """Whether requests to non-loopback hosts are blocked here (context manager or env var)."""
    value = _blocked.get()
    if value is not None:
        return value
    return os.environ.get(BLOCK_ENV_VAR, "").strip().lower() in ("1", "true", "yes", "on")


def _is_loopback(host: str) -> bool:
    host = host.strip("[]").lower()
    if host in _LOOPBACK_NAMES or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_request_allowed(url: str) -> None:
    """Raise ``RealModelRequestBlocked`` if real requests are blocked and ``url`` is not loopback."""
    if not real_requests_blocked():
        return
    host = urlsplit(url).hostname or ""
    if not _is_loopback(host):
        raise RealModelRequestBlocked(
            f"Blocked a model request to {redact_url(url)}: real model requests are forbidden here "
            f"(block_real_requests() or {BLOCK_ENV_VAR}=1). Point the model at a loopback server "
            "such as lumos_compat.testing.FakeLLMServer, or lift the block."
        )


def redact_url(url: str) -> str:
    """The URL without its query string (Google puts keys there) and without user info."""
    parts = urlsplit(url)
    netloc = parts.hostname or ""
    if parts.port:
        netloc = f"{netloc}:{parts.port}"
    return f"{parts.scheme}://{netloc}{parts.path}"


# --------------------------------------------------------------------------------------------
# retries


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How often and how long to wait before retrying a failed request.

    Retries happen on connection errors, 408, 409, 429 and 5xx answers, like Mastra's agent
    loop: the wait before retry ``n`` (0-based) is ``initial_delay * factor ** n``, or the
    server's ``retry-after-ms`` / ``retry-after`` when that is longer (capped at
    ``max_retry_after``). Mastra 1.x agents make no retries unless configured
    (``maxRetries: 0``), so the default is none.
    """

    max_retries: int = 0
    initial_delay: float = 1.0
    factor: float = 2.0
    max_retry_after: float = 30.0

    def delay(self, attempt: int, headers: Mapping[str, str] | None) -> float:
        """Seconds to wait before retry number ``attempt`` (0-based)."""
        backoff = self.initial_delay * self.factor**attempt
        server = retry_after_seconds(headers) if headers is not None else None
        if server is None:
            return backoff
        return max(min(server, self.max_retry_after), backoff)


def retry_after_seconds(headers: Mapping[str, str]) -> float | None:
    """The delay a response asks for: ``retry-after-ms`` first, then ``retry-after``
    (seconds or an HTTP date); ``None`` when absent or unreadable."""
    ms = headers.get("retry-after-ms")
    if ms is not None:
        try:
            value = float(ms) / 1000.0
        except ValueError:
            value = -1.0
        if value >= 0:
            return value
    ra = headers.get("retry-after")
    if ra is None:
        return None
    try:
        value = float(ra)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(ra)
        except (TypeError, ValueError):
            return None
        return max(0.0, when.timestamp() - time.time())
    return value if value >= 0 else None


# --------------------------------------------------------------------------------------------
# server-sent events


async def iter_sse(lines: AsyncIterator[str]) -> AsyncIterator[tuple[str | None, str]]:
    """Parse server-sent events from lines: yields ``(event name or None, data)`` per event."""
    event: str | None = None
    data: list[str] = []
    async for line in lines:
        if not line:
            if data:
                yield event, "\n".join(data)
            event = None
            data = []
            continue
        if line[0] == ":":
            continue
        field, _, value = line.partition(":")
        if value[:1] == " ":
            value = value[1:]
        if field == "data":
            data.append(value)
        elif field == "event":
            event = value
    if data:
        yield event, "\n".join(data)


# --------------------------------------------------------------------------------------------
# the client


def _error_message(body_text: str) -> str | None:
    """The provider's own error message from an error body, if it has a familiar shape."""
    try:
        data = json.loads(body_text)
    except (ValueError, TypeError):
        return None
    if isinstance(data, list) and data:
        data = data[0]
    if not isinstance(data, dict):
        return None
    err = data.get("error")
    if isinstance(err, dict) and isinstance(err.get("message"), str):
        return err["message"]
    if isinstance(err, str):
        return err
    if isinstance(data.get("message"), str):
        return data["message"]
    return None


def lazy_httpx() -> ModuleType:
    """httpx, imported on first use: it is a large share of ``import lumos_compat``."""
    import httpx

    return httpx


def _is_retryable_status(status: int) -> bool:
    return status in _RETRYABLE_STATUS or status >= 500


_SSL_CONTEXT: ssl.SSLContext | None = None


def _ssl_context() -> ssl.SSLContext:
    """One verifying SSL context for every client: loading the CA bundle costs tens of ms per client."""
    global _SSL_CONTEXT
    if _SSL_CONTEXT is None:
        _SSL_CONTEXT = lazy_httpx().create_ssl_context()
    return _SSL_CONTEXT


class HttpClient:
    """A lazily created, pooled ``httpx.AsyncClient`` with retries, owned by one provider.

    A client is bound to the event loop it was created in; when called from another loop (for
    example successive ``asyncio.run`` calls) a fresh client is made for that loop.
    """

    __slots__ = ("_client", "_loop", "provider_name", "retry", "timeout")

    def __init__(
        self,
        provider_name: str,
        *,
        timeout: float | httpx.Timeout | None = None,
        retry: RetryPolicy | None = None,
    ) -> None:
        self.provider_name = provider_name
        # a number (seconds) or an httpx.Timeout; turned into a Timeout when the client is made
        self.timeout: Any = timeout
        self.retry = retry or RetryPolicy()
        self._client: httpx.AsyncClient | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def _get_client(self) -> httpx.AsyncClient:
        loop = asyncio.get_running_loop()
        client = self._client
        if client is None or self._loop is not loop or client.is_closed:
            httpx = lazy_httpx()
            timeout = self.timeout
            if not isinstance(timeout, httpx.Timeout):
                timeout = httpx.Timeout(timeout if timeout is not None else 600.0, connect=10.0)
            client = httpx.AsyncClient(
                verify=_ssl_context(),
                timeout=timeout,
                limits=httpx.Limits(max_connections=100, max_keepalive_connections=20),
                headers={"user-agent": USER_AGENT},
            )
            self._client = client
            self._loop = loop
        return client

    async def aclose(self) -> None:
        """Close the pooled connections (a later request opens new ones)."""
        client, self._client, self._loop = self._client, None, None
        if client is not None and not client.is_closed:
            with contextlib.suppress(RuntimeError):
                await client.aclose()

    def _call_error(
        self, url: str, status: int | None, body_text: str | None, cause: str | None = None
    ) -> ModelCallError:
        where = redact_url(url)
        if status is None:
            message = f"{self.provider_name}: could not reach {where}: {cause}"
            return ModelCallError(message, url=where, is_retryable=True)
        detail = _error_message(body_text or "") or (body_text or "").strip()[:500] or "no body"
        message = f"{self.provider_name}: {where} answered HTTP {status}: {detail}"
        return ModelCallError(
            message,
            status_code=status,
            url=where,
            response_body=body_text,
            is_retryable=_is_retryable_status(status),
        )

    async def _send(
        self, url: str, body: bytes, headers: Mapping[str, str], stream: bool
    ) -> httpx.Response:
        """Send with retries; the returned response has a 2xx status (streams still open)."""
        check_request_allowed(url)
        client = self._get_client()
        attempt = 0
        while True:
            request = client.build_request("POST", url, content=body, headers=headers)
            try:
                response = await client.send(request, stream=stream)
            except lazy_httpx().TimeoutException as exc:
                error = self._call_error(url, None, None, f"timed out ({type(exc).__name__})")
                retry_headers: Mapping[str, str] | None = None
            except lazy_httpx().TransportError as exc:
                error = self._call_error(url, None, None, str(exc) or type(exc).__name__)
                retry_headers = None
            else:
                if response.status_code < 300:
                    return response
                if stream:
                    await response.aread()
                    await response.aclose()
                error = self._call_error(url, response.status_code, response.text)
                retry_headers = response.headers
            if not error.is_retryable or attempt >= self.retry.max_retries:
                if attempt:
                    error.args = (f"{error.args[0]} (after {attempt + 1} attempts)",)
                raise error
            await asyncio.sleep(self.retry.delay(attempt, retry_headers))
            attempt += 1

    async def post_json(
        self, url: str, body: Any, headers: Mapping[str, str]
    ) -> tuple[Any, dict[str, str]]:
        """POST a JSON body; returns the parsed JSON answer and the response headers."""
        data = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
        response = await self._send(url, data, headers, stream=False)
        try:
            parsed = json.loads(response.content)
        except ValueError as exc:
            raise ModelCallError(
                f"{self.provider_name}: {redact_url(url)} answered with invalid JSON: {exc}",
                status_code=response.status_code,
                url=redact_url(url),
                response_body=response.text[:2000],
            ) from None
        return parsed, dict(response.headers)

    @contextlib.asynccontextmanager
    async def post_stream(
        self, url: str, body: Any, headers: Mapping[str, str]
    ) -> AsyncIterator[tuple[AsyncIterator[tuple[str | None, str]], dict[str, str]]]:
        """POST a JSON body and read the answer as server-sent events.

        Use as ``async with client.post_stream(...) as (events, headers)``; events are
        ``(event name, data text)`` pairs.
        """
        data = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
        response = await self._send(url, data, headers, stream=True)
        try:
            yield iter_sse(response.aiter_lines()), dict(response.headers)
        finally:
            await response.aclose()
