"""The object ``agent.stream()`` returns (Mastra's ``MastraModelOutput``).

The run starts at once in a task and its chunks are buffered, so every stream (``full_stream``,
``text_stream``, ``object_stream``) can be read, each from the start, any number of times, and the
awaitables (``text``, ``usage``, ...) resolve when the run ends whether or not anything was read.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

from lumos_compat.results import AgentOutput, MastraRecord

if TYPE_CHECKING:
    from lumos_compat.agent import _Decision, _Run

__all__ = ["AgentStream"]


class AgentStream:
    """A running agent call: async iterators of chunks and text, awaitables of the results."""

    def __init__(self, run: _Run, decision: _Decision | None = None) -> None:
        self._run = run
        self._decision = decision
        self._chunks: list[dict[str, Any]] = []
        self._changed = asyncio.Event()
        self._done = False
        self._waiting = 0  # readers parked until the next chunk
        self.run_id = run.run_id
        self.message_id = run.message_id
        self._task = asyncio.get_running_loop().create_task(self._drive())

    def _push(self, chunk: dict[str, Any]) -> None:
        self._chunks.append(chunk)
        self._changed.set()

    async def _emit(self, chunk: dict[str, Any]) -> None:
        self._push(chunk)
        if self._waiting:
            # let parked readers take the chunk now: the run would otherwise go on through every
            # part already buffered (often the whole answer) before a reader saw the first delta
            await asyncio.sleep(0)

    async def _drive(self) -> None:
        try:
            await self._run.execute(self._emit, self._decision, self._push)
        finally:
            self._done = True
            self._changed.set()

    async def _iter_chunks(self) -> AsyncIterator[dict[str, Any]]:
        index = 0
        while True:
            while index < len(self._chunks):
                yield self._chunks[index]
                index += 1
            if self._done:
                return
            self._changed.clear()
            if index < len(self._chunks) or self._done:
                continue
            self._waiting += 1
            try:
                await self._changed.wait()
            finally:
                self._waiting -= 1

    # streams ---------------------------------------------------------------------------------------
    @property
    def full_stream(self) -> AsyncIterator[MastraRecord]:
        """Every chunk, in Mastra's shape (``{type, runId, from, payload}``)."""

        async def gen() -> AsyncIterator[MastraRecord]:
            async for chunk in self._iter_chunks():
                yield MastraRecord(chunk)

        return gen()

    @property
    def text_stream(self) -> AsyncIterator[str]:
        """The text deltas of every step."""

        async def gen() -> AsyncIterator[str]:
            async for chunk in self._iter_chunks():
                if chunk["type"] == "text-delta":
                    yield chunk["payload"]["text"]

        return gen()

    @property
    def object_stream(self) -> AsyncIterator[Any]:
        """Partial structured objects as the JSON text grows, then the final object."""

        async def gen() -> AsyncIterator[Any]:
            async for chunk in self._iter_chunks():
                if chunk["type"] in ("object", "object-result"):
                    yield chunk["object"]

        return gen()

    # results ---------------------------------------------------------------------------------------
    async def _finished(self) -> Any:
        await asyncio.shield(self._task)
        return self._run

    async def get_full_output(self) -> AgentOutput:
        """The same ``FullOutput`` ``generate`` returns; raises if the run failed."""
        run = await self._finished()
        if run.error is not None:
            raise run.error
        return run.output()

    async def consume_stream(self) -> None:
        """Wait for the run to end without reading the streams."""
        await self._finished()

    async def _field(self, name: str) -> Any:
        output = await self.get_full_output()
        return getattr(output, name)

    @property
    def text(self) -> Any:
        """Awaitable: the final text."""
        return self._field("text")

    @property
    def usage(self) -> Any:
        """Awaitable: usage summed over steps."""
        return self._field("usage")

    @property
    def total_usage(self) -> Any:
        """Awaitable: usage summed over steps."""
        return self._field("total_usage")

    @property
    def finish_reason(self) -> Any:
        """Awaitable: why the run ended."""
        return self._field("finish_reason")

    @property
    def tool_calls(self) -> Any:
        """Awaitable: every tool-call chunk."""
        return self._field("tool_calls")

    @property
    def tool_results(self) -> Any:
        """Awaitable: every tool-result chunk."""
        return self._field("tool_results")

    @property
    def steps(self) -> Any:
        """Awaitable: the step results."""
        return self._field("steps")

    @property
    def object(self) -> Any:
        """Awaitable: the validated structured output."""
        return self._field("object")

    @property
    def response(self) -> Any:
        """Awaitable: the response metadata and messages."""
        return self._field("response")

    @property
    def warnings(self) -> Any:
        """Awaitable: warnings."""
        return self._field("warnings")

    @property
    def suspend_payload(self) -> Any:
        """Awaitable: what the suspended tool call waits with (``None`` unless suspended)."""
        return self._field("suspend_payload")

    @property
    def resume_schema(self) -> Any:
        """Awaitable: the JSON Schema text the resume data must match (suspended runs)."""
        return self._field("resume_schema")

    @property
    def error(self) -> BaseException | None:
        """The error that ended the run, once it has ended."""
        return self._run.error
