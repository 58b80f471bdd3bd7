"""An in-process scripted model for unit tests: the same turns as the fake server, no HTTP."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable, Mapping
from typing import Any

from lumos_compat.errors import ModelCallError
from lumos_compat.llm import (
    CallOptions,
    FinishReason,
    GenerateResult,
    ModelUsage,
    ResponseMetadata,
    StreamPart,
)
from lumos_compat.testing.script import Turn, as_turns

__all__ = ["ScriptedModel"]

_FINISH: dict[str, FinishReason] = {
    "stop": "stop",
    "tool_calls": "tool-calls",
    "length": "length",
    "content_filter": "content-filter",
}


class ScriptedModel:
    """A ``LanguageModel`` that answers each call with the next turn and records the options."""

    def __init__(
        self,
        script: Iterable[Turn | Mapping[str, Any] | str] = (),
        *,
        provider: str = "scripted.chat",
        model_id: str = "scripted-model",
    ) -> None:
        self._turns = as_turns(script)
        self._next = 0
        self._provider = provider
        self._model_id = model_id
        self.calls: list[CallOptions] = []

    @property
    def provider(self) -> str:
        """Provider id."""
        return self._provider

    @property
    def model_id(self) -> str:
        """Model id."""
        return self._model_id

    def push(self, *turns: Turn | Mapping[str, Any] | str) -> None:
        """Append turns."""
        self._turns.extend(as_turns(turns))

    def _take(self, options: CallOptions) -> tuple[int, Turn]:
        self.calls.append(options)
        if self._next >= len(self._turns):
            raise ModelCallError(
                f"ScriptedModel script exhausted after {len(self._turns)} turn(s)",
                is_retryable=False,
            )
        turn = self._turns[self._next]
        self._next += 1
        if turn.error is not None:
            raise ModelCallError(
                turn.error.message,
                status_code=turn.error.status,
                is_retryable=turn.error.status == 429 or turn.error.status >= 500,
            )
        return self._next, turn

    def _usage(self, turn: Turn) -> ModelUsage:
        u = turn.usage
        return ModelUsage(
            input_tokens=u.input_tokens,
            output_tokens=u.output_tokens,
            total_tokens=u.input_tokens + u.output_tokens,
            reasoning_tokens=u.reasoning_tokens,
            cached_input_tokens=u.cached_input_tokens,
        )

    def _meta(self, seq: int, turn: Turn) -> ResponseMetadata:
        return ResponseMetadata(
            id=f"scripted-{seq}", model_id=turn.model or self._model_id, timestamp=1_700_000_000.0
        )

    async def do_generate(self, options: CallOptions) -> GenerateResult:
        """Answer with the next turn."""
        seq, turn = self._take(options)
        if turn.delay:
            await asyncio.sleep(turn.delay)
        content: list[dict[str, Any]] = []
        if turn.reasoning:
            content.append({"type": "reasoning", "text": turn.reasoning})
        if turn.text:
            content.append({"type": "text", "text": turn.text})
        for i, tc in enumerate(turn.tool_calls):
            content.append(
                {
                    "type": "tool-call",
                    "toolCallId": tc.id if tc.id else f"call_{seq}_{i}",
                    "toolName": tc.name,
                    "input": tc.arguments_text(),
                }
            )
        reason = _FINISH.get(turn.openai_finish_reason(), "other")
        return GenerateResult(
            content=content,
            finish_reason=reason,
            usage=self._usage(turn),
            response=self._meta(seq, turn),
            raw_finish_reason=turn.openai_finish_reason(),
        )

    async def do_stream(self, options: CallOptions) -> AsyncIterator[StreamPart]:
        """Stream the next turn part by part."""
        seq, turn = self._take(options)
        yield StreamPart("stream-start", warnings=[])
        yield StreamPart("response-metadata", response=self._meta(seq, turn))
        if turn.delay:
            await asyncio.sleep(turn.delay)
        if turn.reasoning:
            yield StreamPart("reasoning-start", id="reasoning-0")
            yield StreamPart("reasoning-delta", id="reasoning-0", delta=turn.reasoning)
            yield StreamPart("reasoning-end", id="reasoning-0")
        chunks = turn.text_chunks()
        if chunks:
            yield StreamPart("text-start", id="txt-0")
            for piece in chunks:
                yield StreamPart("text-delta", id="txt-0", delta=piece)
            yield StreamPart("text-end", id="txt-0")
        for i, tc in enumerate(turn.tool_calls):
            call_id = tc.id if tc.id else f"call_{seq}_{i}"
            args = tc.arguments_text()
            yield StreamPart("tool-input-start", id=call_id, tool_name=tc.name)
            yield StreamPart("tool-input-delta", id=call_id, delta=args)
            yield StreamPart("tool-input-end", id=call_id)
            yield StreamPart("tool-call", tool_call_id=call_id, tool_name=tc.name, input=args)
        yield StreamPart(
            "finish",
            finish_reason=_FINISH.get(turn.openai_finish_reason(), "other"),
            raw_finish_reason=turn.openai_finish_reason(),
            usage=self._usage(turn),
        )
