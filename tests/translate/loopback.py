"""A loopback HTTP server answering the tools' fetch calls from a route table, recording requests.

Both sides of the differential tests point every fetch at it (Node through a global fetch wrapper,
Python through an httpx transport): the host a tool asked for travels in ``x-lumos-original-host``.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

__all__ = ["ORIGINAL_HOST", "LoopbackServer", "RedirectTransport", "Route", "normalise_request"]

ORIGINAL_HOST = "x-lumos-original-host"
CASE_HEADER = "x-lumos-case"
# headers each client adds on its own: not part of what a tool asked for
NOISE_HEADERS = frozenset(
    {
        "host", "user-agent", "accept", "accept-encoding", "accept-language", "connection",
        "content-length", "sec-fetch-mode", "keep-alive", ORIGINAL_HOST, CASE_HEADER,
    }
)  # fmt: skip


@dataclass(frozen=True)
class Route:
    """An answer: for ``path`` (``*``: any) and query parameters that must all match, status and body."""

    path: str
    status: int = 200
    json: Any = None
    text: str | None = None
    query: dict[str, str] = field(default_factory=dict)
    method: str | None = None
    body_contains: str | None = None

    def matches(
        self, method: str, path: str, query: dict[str, list[str]], body: bytes = b""
    ) -> bool:
        """Whether a request gets this answer."""
        if self.method is not None and self.method != method:
            return False
        if self.body_contains is not None and self.body_contains.encode() not in body:
            return False
        if self.path not in ("*", path):  # "*": any path
            return False
        return all(query.get(k, [None])[0] == v for k, v in self.query.items())

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Route:
        """A route from the JSON of a cases file."""
        return cls(**data)


def normalise_request(
    method: str, target: str, headers: dict[str, str], body: bytes
) -> dict[str, Any]:
    """What is compared of a request: method, original URL, the headers a tool set, the body."""
    kept = {k: v for k, v in sorted(headers.items()) if k not in NOISE_HEADERS}
    return {
        "method": method,
        "url": f"https://{headers.get(ORIGINAL_HOST, '?')}{target}",
        "headers": kept,
        "body": body.decode("utf-8", "replace") if body else None,
    }


class LoopbackServer:
    """``with LoopbackServer(routes) as server: server.url ... server.requests``."""

    def __init__(self, routes: list[Route]) -> None:
        self.routes = routes
        self.requests: list[dict[str, Any]] = []
        self._cases: list[str | None] = []
        self._lock = threading.Lock()
        outer = self

        class _Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length) if length else b""
                headers = {k.lower(): v for k, v in self.headers.items()}
                with outer._lock:
                    outer.requests.append(normalise_request(self.command, self.path, headers, body))
                    outer._cases.append(headers.get(CASE_HEADER))
                split = urlsplit(self.path)
                query = parse_qs(split.query, keep_blank_values=True)
                route = next(
                    (r for r in outer.routes if r.matches(self.command, split.path, query, body)),
                    None,
                )
                status, payload, ctype = 404, b'{"error":"no route"}', "application/json"
                if route is not None:
                    status = route.status
                    if route.text is not None:
                        payload, ctype = route.text.encode(), "text/plain; charset=utf-8"
                    else:
                        payload = json.dumps(route.json).encode()
                self.send_response(status)
                self.send_header("content-type", ctype)
                self.send_header("content-length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

            def log_message(self, format: str, *args: Any) -> None:
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )

    @property
    def url(self) -> str:
        """The base URL."""
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def requests_by_case(self, count: int) -> list[list[dict[str, Any]]]:
        """Requests grouped by the x-lumos-case header (Node runs every case in one process)."""
        grouped: list[list[dict[str, Any]]] = [[] for _ in range(count)]
        for case, request in zip(self._cases, self.requests, strict=True):
            if case is not None and case.isdigit() and int(case) < count:
                grouped[int(case)].append(request)
        return grouped

    def clear(self) -> None:
        """Forget the requests recorded so far."""
        with self._lock:
            self.requests.clear()
            self._cases.clear()

    def __enter__(self) -> LoopbackServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


class RedirectTransport(httpx.AsyncBaseTransport):
    """An httpx transport sending every request to the loopback server, keeping path and query."""

    def __init__(self, base_url: str) -> None:
        self._base = httpx.URL(base_url)
        # loopback is plain HTTP: no certificate store to load (that costs ~0.1 s a client)
        self._inner = httpx.AsyncHTTPTransport(verify=False)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Rewrite the host, remember the original one in a header, send."""
        original = request.url
        request.headers[ORIGINAL_HOST] = original.netloc.decode("ascii")
        request.url = original.copy_with(
            scheme=self._base.scheme, host=self._base.host, port=self._base.port
        )
        request.headers["host"] = self._base.netloc.decode("ascii")
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        """Close the inner transport."""
        await self._inner.aclose()
