"""A fake LLM provider: a real HTTP server on 127.0.0.1 that answers from a script.

It serves the OpenAI chat-completions and Responses APIs (streaming by server-sent events and not),
the Anthropic Messages API, the Google Gemini ``generateContent`` API, and OpenAI embeddings, and it
records every request. Each model request takes the next turn of the script, whatever the endpoint.

    with FakeLLMServer(["Hello!"]) as server:
        agent = Agent(name="a", instructions="...", model=server.model("gpt-4o-mini"))
        ...
        server.requests[0].body["messages"]
"""

from __future__ import annotations

import contextlib
import json
import sys
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from lumos_compat.testing import _dialects
from lumos_compat.testing.script import Turn, as_turns

__all__ = ["FakeLLMServer", "RecordedRequest", "ScriptExhausted"]

# how often the serving thread checks for shutdown: stop() returns within about this long
_POLL_INTERVAL = 0.01


class ScriptExhausted(AssertionError):
    """The code under test made more model requests than the script has turns."""


@dataclass(slots=True)
class RecordedRequest:
    """One request the server received."""

    method: str
    path: str
    headers: dict[str, str]
    body: Any
    dialect: str
    turn_index: int | None = None


@dataclass(slots=True)
class _State:
    turns: list[Turn]
    requests: list[RecordedRequest] = field(default_factory=list)
    next_turn: int = 0
    loop: bool = False  # start the script again when it runs out (benchmarks, load tests)
    counter: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    errors: list[str] = field(default_factory=list)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # small writes (SSE events, short JSON answers) go out at once instead of waiting for an ACK
    disable_nagle_algorithm = True
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        return

    def do_GET(self) -> None:
        if self.path.rstrip("/") in ("/health", "/v1/models"):
            self._send_json(200, {"object": "list", "data": []})
            return
        self._send_json(404, {"error": {"message": f"no route for GET {self.path}"}})

    def do_POST(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else None
        except json.JSONDecodeError:
            body = raw.decode("utf-8", "replace")
        path = self.path.split("?", 1)[0]
        dialect = _dialects.route(path)
        headers = {k.lower(): v for k, v in self.headers.items()}
        state = self.server.state
        if dialect is None:
            self._send_json(404, {"error": {"message": f"no route for POST {self.path}"}})
            return
        record = RecordedRequest("POST", self.path, headers, body, dialect.name)
        if dialect.name == "openai-embeddings":
            with state.lock:
                state.requests.append(record)
            self._send_json(200, _dialects.embeddings_response(body))
            return
        with state.lock:
            state.requests.append(record)
            if state.loop and state.turns and state.next_turn >= len(state.turns):
                state.next_turn = 0
            if state.next_turn >= len(state.turns):
                msg = (
                    f"fake LLM script exhausted: request {len(state.requests)} to {path} "
                    f"but the script has only {len(state.turns)} turn(s)"
                )
                state.errors.append(msg)
                turn = None
            else:
                record.turn_index = state.next_turn
                turn = state.turns[state.next_turn]
                state.next_turn += 1
            state.counter += 1
            seq = state.counter
        if turn is None:
            self._send_json(500, {"error": {"message": msg, "type": "script_exhausted"}})
            return
        if turn.delay:
            time.sleep(turn.delay)
        if turn.error is not None:
            extra = {}
            if turn.error.retry_after is not None:
                extra["retry-after"] = str(turn.error.retry_after)
            self._send_json(turn.error.status, dialect.error_body(turn.error), extra)
            return
        streaming = dialect.is_stream(path, body)
        if streaming:
            self._send_sse(dialect.stream_events(turn, body, seq, path))
        else:
            self._send_json(200, dialect.response(turn, body, seq, path))

    def _send_json(self, status: int, payload: Any, extra: Mapping[str, str] | None = None) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def _send_sse(self, events: Iterator[str]) -> None:
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.send_header("cache-control", "no-cache")
        self.send_header("transfer-encoding", "chunked")
        self.end_headers()
        for event in events:
            data = event.encode()
            self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
            self.wfile.flush()
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, state: _State) -> None:
        self.state = state
        super().__init__(("127.0.0.1", 0), _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hangs up mid-answer (a cancelled run) is normal here; report the rest."""
        exc = sys.exc_info()[1]
        if isinstance(exc, (BrokenPipeError, ConnectionResetError)):
            return
        super().handle_error(request, client_address)


class FakeLLMServer:
    """A scripted model provider on a random loopback port; a context manager and a fixture."""

    def __init__(
        self, script: Iterable[Turn | Mapping[str, Any] | str] = (), *, loop: bool = False
    ) -> None:
        self._state = _State(turns=as_turns(script), loop=loop)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # lifecycle -----------------------------------------------------------------------------
    def start(self) -> FakeLLMServer:
        """Start serving in a background thread."""
        if self._server is None:
            self._server = _Server(self._state)
            self._thread = threading.Thread(
                target=self._server.serve_forever,
                kwargs={"poll_interval": _POLL_INTERVAL},
                name="fake-llm",
                daemon=True,
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and free the port."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
            self._thread = None

    def __enter__(self) -> FakeLLMServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # script ----------------------------------------------------------------------------------
    def push(self, *turns: Turn | Mapping[str, Any] | str) -> None:
        """Append turns to the script."""
        with self._state.lock:
            self._state.turns.extend(as_turns(turns))

    def reset(self, script: Iterable[Turn | Mapping[str, Any] | str] = ()) -> None:
        """Replace the script and forget recorded requests."""
        with self._state.lock:
            self._state.turns = as_turns(script)
            self._state.next_turn = 0
            self._state.requests.clear()
            self._state.errors.clear()

    @property
    def remaining_turns(self) -> int:
        """Turns not yet used."""
        return len(self._state.turns) - self._state.next_turn

    # inspection --------------------------------------------------------------------------------
    @property
    def requests(self) -> list[RecordedRequest]:
        """Every model request received, in order (embeddings requests included)."""
        with self._state.lock:
            return list(self._state.requests)

    @property
    def model_requests(self) -> list[RecordedRequest]:
        """Requests that took a script turn (chat, responses, messages, generateContent)."""
        return [r for r in self.requests if r.dialect != "openai-embeddings"]

    @property
    def errors(self) -> list[str]:
        """Problems the server saw, such as an exhausted script."""
        return list(self._state.errors)

    # addresses ---------------------------------------------------------------------------------
    @property
    def port(self) -> int:
        """The loopback port."""
        if self._server is None:
            raise RuntimeError("FakeLLMServer is not started")
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        """Base URL, e.g. ``http://127.0.0.1:PORT``."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def openai_base_url(self) -> str:
        """The ``/v1`` base URL OpenAI-compatible clients take."""
        return f"{self.url}/v1"

    def model(self, model_id: str = "fake-model", api_key: str = "test-key") -> dict[str, str]:
        """A custom OpenAI-compatible model config ``{id, url, api_key}`` pointing here."""
        return {"id": f"fake/{model_id}", "url": self.openai_base_url, "api_key": api_key}


def main(argv: list[str] | None = None) -> int:
    """Serve a script from the command line until stdin closes (or the process is stopped).

    ``python -m lumos_compat.testing "Hello!" --loop`` prints the base URL on the first line
    of stdout; a benchmark or a test in another process (another language, too) then points its
    model at it. ``--script FILE`` reads the turns from a JSON list instead.
    """
    import argparse

    parser = argparse.ArgumentParser(prog="python -m lumos_compat.testing")
    parser.add_argument("texts", nargs="*", help="text turns, in order")
    parser.add_argument("--script", help="a JSON file holding a list of turns")
    parser.add_argument("--loop", action="store_true", help="repeat the script forever")
    args = parser.parse_args(argv)
    turns: list[Any] = list(args.texts)
    if args.script:
        with open(args.script, encoding="utf-8") as handle:
            turns.extend(json.load(handle))
    with FakeLLMServer(turns, loop=args.loop) as server:
        print(server.url, flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            sys.stdin.read()  # until the parent closes our stdin
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
