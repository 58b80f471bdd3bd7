"""The committed Mastra recordings are well-formed, up to date with their scenarios, and consistent.

These tests read ``tests/data/mastra_wire/*.json`` only; they never run Node or Mastra.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from lumos_compat.testing import as_turns

from .record import (
    MASTRA_VERSION,
    RECORDINGS_DIR,
    SCENARIOS_DIR,
    UUID_RE,
    Normaliser,
    dump,
    scenario_names,
)

NAMES = scenario_names()
REQUIRED_SCENARIOS = {
    "plain-generate",
    "plain-stream",
    "instructions-array-system-context",
    "instructions-override",
    "tool-roundtrip-generate",
    "tool-roundtrip-stream",
    "parallel-tools",
    "max-steps-2",
    "tool-validation-error",
    "tool-throws",
    "tool-returns-string",
    "tool-returns-number",
    "no-tool-call-id",
    "structured-output-custom",
    "structured-output-openai",
    "model-settings",
    "tool-choice-specific",
    "sub-agent",
    "message-parts",
    "openai-router-tools",
    "openai-router-stream",
    "stream-usage",
    "legacy-options-ignored",
    "http-500-then-ok",
}
FULL_OUTPUT_KEYS = {
    "error",
    "files",
    "finishReason",
    "messages",
    "object",
    "providerMetadata",
    "reasoning",
    "reasoningText",
    "rememberedMessages",
    "request",
    "response",
    "resumeSchema",
    "runId",
    "sources",
    "spanId",
    "steps",
    "suspendPayload",
    "text",
    "toolCalls",
    "toolResults",
    "totalUsage",
    "traceId",
    "tripwire",
    "usage",
    "usedFallbackValue",
    "warnings",
}
PLACEHOLDER_RE = re.compile(r"<(uuid|gen-id)-(\d+)>")
HTTP_DATE_RE = re.compile(r"[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT")
ISO_TS_RE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}")


def _load(name: str) -> dict[str, Any]:
    return json.loads((RECORDINGS_DIR / f"{name}.json").read_text(encoding="utf-8"))


def _scenario(name: str) -> dict[str, Any]:
    return json.loads((SCENARIOS_DIR / f"{name}.json").read_text(encoding="utf-8"))


STREAM_NAMES = [n for n in NAMES if _scenario(n)["call"]["method"] == "stream"]
GENERATE_SINGLE_AGENT_NAMES = [
    n
    for n in NAMES
    if _scenario(n)["call"]["method"] == "generate" and not _scenario(n)["agent"].get("agents")
]


def _strings(value: Any) -> list[str]:
    out: list[str] = []
    if isinstance(value, dict):
        for k, v in value.items():
            out.append(k)
            out.extend(_strings(v))
    elif isinstance(value, list):
        for v in value:
            out.extend(_strings(v))
    elif isinstance(value, str):
        out.append(value)
    return out


def _numbers(value: Any) -> list[float]:
    if isinstance(value, dict):
        return [n for v in value.values() for n in _numbers(v)]
    if isinstance(value, list):
        return [n for v in value for n in _numbers(v)]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return [value]
    return []


def _agent_models(agent: dict[str, Any], inherited: str = "custom") -> set[str]:
    model = agent.get("model", inherited)
    found = {model}
    for sub in (agent.get("agents") or {}).values():
        found |= _agent_models(sub, model)
    return found


def _successful_turns(rec: dict[str, Any]) -> list[dict[str, Any]]:
    """The script turns Mastra consumed that were answers, not HTTP errors."""
    turns = rec["scenario"]["script"][: rec["turns_consumed"]]
    return [t for t in turns if not t.get("error")]


def test_every_required_scenario_exists() -> None:
    assert set(NAMES) >= REQUIRED_SCENARIOS, sorted(REQUIRED_SCENARIOS - set(NAMES))


def test_every_scenario_has_a_recording_and_back() -> None:
    recorded = {p.stem for p in RECORDINGS_DIR.glob("*.json")}
    assert recorded == set(NAMES), (
        f"re-run `python -m tests.oracle.record`: missing {sorted(set(NAMES) - recorded)}, "
        f"stale {sorted(recorded - set(NAMES))}"
    )


@pytest.mark.parametrize("name", NAMES)
def test_recording_is_up_to_date_and_canonical(name: str) -> None:
    text = (RECORDINGS_DIR / f"{name}.json").read_text(encoding="utf-8")
    rec = json.loads(text)
    scenario = _scenario(name)
    assert rec["scenario"] == scenario, f"{name}: scenario changed; re-record it"
    assert rec["mastra_version"] == MASTRA_VERSION
    assert text == dump(rec), f"{name}: not pretty-printed with sorted keys"
    as_turns(scenario["script"])  # the script is valid Turn data


@pytest.mark.parametrize("name", NAMES)
def test_requests_match_turns_consumed(name: str) -> None:
    rec = _load(name)
    assert rec["server_errors"] == []
    assert 1 <= rec["turns_consumed"] <= len(rec["scenario"]["script"])
    assert len(rec["requests"]) == rec["turns_consumed"]


@pytest.mark.parametrize("name", NAMES)
def test_requests_go_where_the_model_form_says(name: str) -> None:
    rec = _load(name)
    models = _agent_models(rec["scenario"]["agent"])
    expected_paths = {
        {"custom": "/v1/chat/completions", "openai-router": "/v1/responses"}[m] for m in models
    }
    streaming = rec["scenario"]["call"]["method"] == "stream"
    for req in rec["requests"]:
        assert req["path"] in expected_paths
        assert req["headers"] == {
            "authorization": "Bearer test-key",
            "content-type": "application/json",
        }
        assert bool(req["body"].get("stream")) is streaming
        assert "stream_options" not in req["body"]


@pytest.mark.parametrize("name", NAMES)
def test_normalisation_left_no_volatile_values(name: str) -> None:
    rec = _load(name)
    body = {k: v for k, v in rec.items() if k != "scenario"}
    for s in _strings(body):
        assert not UUID_RE.search(s), f"{name}: raw uuid in {s[:120]!r}"
        assert "127.0.0.1" not in s, f"{name}: server address in {s[:120]!r}"
        assert not HTTP_DATE_RE.search(s), f"{name}: raw HTTP date in {s[:120]!r}"
        assert not ISO_TS_RE.search(s), f"{name}: raw timestamp in {s[:120]!r}"
    for n in _numbers(body):
        assert not (10**12 <= n < 10**13), f"{name}: raw epoch-ms number {n}"
    # placeholders are numbered 1..N by kind, with no gaps
    seen: dict[str, set[int]] = {"uuid": set(), "gen-id": set()}
    for s in _strings(body):
        for kind, num in PLACEHOLDER_RE.findall(s):
            seen[kind].add(int(num))
    for kind, nums in seen.items():
        assert nums == set(range(1, len(nums) + 1)), f"{name}: {kind} placeholders {sorted(nums)}"


def _outcomes(rec: dict[str, Any]) -> list[dict[str, Any]]:
    """The first call's outcome, then those of the resume calls on its run."""
    return [rec, *rec.get("resumes", [])]


@pytest.mark.parametrize("name", NAMES)
def test_outcome_is_a_result_or_an_error(name: str) -> None:
    rec = _load(name)
    outcomes = _outcomes(rec)
    assert len(outcomes) == 1 + len(rec["scenario"]["call"].get("resume", []))
    for outcome in outcomes:
        if "thrown" in outcome:
            assert outcome.get("result") is None
            assert outcome["thrown"]["message"]
            continue
        result = outcome["result"]
        assert set(result) == FULL_OUTPUT_KEYS
        assert isinstance(result["text"], str)
        assert PLACEHOLDER_RE.fullmatch(result["runId"])
        assert result["runId"] == rec["result"]["runId"]  # a resume goes on with the same run
    last = outcomes[-1]
    if "thrown" not in last and not rec["scenario"]["agent"].get("agents"):
        assert len(last["result"]["steps"]) == len(_successful_turns(rec))


@pytest.mark.parametrize("name", NAMES)
def test_tool_calls_are_consistent(name: str) -> None:
    rec = _load(name)
    if rec["result"] is None:
        return
    scenario = rec["scenario"]
    script_ids = {
        tc.get("id") for turn in _successful_turns(rec) for tc in turn.get("tool_calls", [])
    }
    calls = [c["payload"] for c in rec["result"]["toolCalls"]]
    for call in calls:
        cid = call["toolCallId"]
        assert cid in script_ids or (None in script_ids and cid.startswith("<gen-id-")), cid
    call_ids = {c["toolCallId"] for c in calls}
    tool_keys = set(scenario["agent"].get("tools") or {})
    for entry in rec["tool_inputs"]:
        if entry["agent"] == scenario["agent"]["id"]:
            assert entry["toolCallId"] in call_ids
            assert entry["tool"] in tool_keys
    for res in rec["result"]["toolResults"]:
        assert res["payload"]["toolCallId"] in call_ids


PAUSE_CHUNKS = ("tool-call-approval", "tool-call-suspended")


@pytest.mark.parametrize("name", STREAM_NAMES)
def test_stream_chunks_frame_the_run(name: str) -> None:
    rec = _load(name)
    chunks = rec["chunks"]
    types = [c["type"] for c in chunks]
    # a tool's writer.custom() chunks (data-*) go through as the tool wrote them: no runId
    run_ids = {c["runId"] for c in chunks if not c["type"].startswith("data-")}
    assert run_ids == {rec["result"]["runId"]}
    if rec["result"]["finishReason"] == "suspended":
        # the stream ends at the call that waits: no step-finish, no finish, no steps
        assert types[0] == "start" and types[-1] in PAUSE_CHUNKS
        assert "finish" not in types and "step-finish" not in types
        assert rec["result"]["steps"] == []
        return
    assert types[0] == "start" and types[-1] == "finish"
    assert types.count("step-start") == types.count("step-finish") == len(rec["result"]["steps"])
    streamed = "".join(c["payload"]["text"] for c in chunks if c["type"] == "text-delta")
    assert streamed == "".join(step["text"] for step in rec["result"]["steps"])


@pytest.mark.parametrize("name", [n for n in NAMES if _scenario(n)["call"].get("resume")])
def test_resumed_streams_go_on_where_the_run_paused(name: str) -> None:
    rec = _load(name)
    for outcome in rec["resumes"]:
        if "chunks" not in outcome:
            continue
        types = [c["type"] for c in outcome["chunks"]]
        # no start; the paused step closes first (step-finish without its step-start)
        assert "start" not in types and types[-1] == "finish"
        # a resumed sub-agent's chunks come first, as tool-output of the supervisor's call
        assert types[0] in ("tool-result", "tool-output-denied", "tool-output", *PAUSE_CHUNKS)
        assert types.count("step-finish") == types.count("step-start") + 1
        run_ids = {c["runId"] for c in outcome["chunks"] if not c["type"].startswith("data-")}
        assert run_ids == {rec["result"]["runId"]}


@pytest.mark.parametrize("name", GENERATE_SINGLE_AGENT_NAMES)
def test_generate_usage_is_summed_over_steps(name: str) -> None:
    rec = _load(name)
    if rec["result"] is None:
        pytest.skip("Mastra threw, so there is no usage to check")
    turns = as_turns(_successful_turns(rec))
    # a resumed run's final result sums the usage of the steps before the pause too
    result = _outcomes(rec)[-1]["result"]
    usage = result["totalUsage"]
    assert usage["inputTokens"] == sum(t.usage.input_tokens for t in turns)
    assert usage["outputTokens"] == sum(t.usage.output_tokens for t in turns)
    assert result["usage"]["inputTokens"] == usage["inputTokens"]


def test_key_wire_facts_hold() -> None:
    """A few facts the runtime is built on, read from the recordings (not from memory)."""
    roundtrip = _load("tool-roundtrip-generate")
    assert roundtrip["tool_inputs"][0]["input"] == {"city": "Paris", "units": "c"}
    assert roundtrip["result"]["toolCalls"][0]["payload"]["args"] == {"city": "Paris"}
    tool_msg = roundtrip["requests"][1]["body"]["messages"][-1]
    assert tool_msg == {
        "role": "tool",
        "tool_call_id": "call_weather_1",
        "content": '{"temperature":21,"conditions":"sunny"}',
    }
    assert _load("tool-throws")["requests"][1]["body"]["messages"][-1]["content"] == "boom"
    assert _load("tool-returns-string")["requests"][1]["body"]["messages"][-1]["content"] == "sunny"
    numbers = _load("tool-returns-number")["requests"][1]["body"]["messages"][-2:]
    assert [m["content"] for m in numbers] == ["5", "2.5"]
    assert len(_load("http-500-then-ok")["requests"]) == 1  # no retry by default
    assert len(_load("max-steps-2")["requests"]) == 2
    legacy = _load("legacy-options-ignored")["requests"][0]["body"]
    assert set(legacy) == {"model", "messages"}


def test_approval_wire_facts_hold() -> None:
    """Tool approval and suspension in Mastra 1.71, as recorded."""
    approval = _load("tool-approval-generate")
    first = approval["result"]
    assert first["finishReason"] == "suspended" and first["steps"] == []
    assert first["suspendPayload"]["toolCallId"] == "call_refund_1"
    assert json.loads(first["resumeSchema"])["required"] == ["approved"]
    assert approval["tool_inputs"][0]["toolCallId"] == "call_refund_1"  # ran after approval
    declined = _load("tool-approval-decline-stream")
    assert declined["tool_inputs"] == []  # never ran
    tool_msg = declined["requests"][1]["body"]["messages"][-1]
    assert tool_msg["content"] == "Tool call was not approved by the user"
    reason = _load("require-tool-approval-option")["requests"][1]["body"]["messages"][-1]
    assert reason["content"] == "Refunds over 10 dollars need a manager"
    suspended = _load("tool-suspend-stream")
    assert suspended["chunks"][-1]["payload"]["suspendPayload"] == {"question": "Which city?"}
    assert suspended["tool_inputs"][1]["resumeData"] == {"city": "Paris"}


def test_normaliser_keeps_identity_and_kind() -> None:
    uid = "7a91685a-782e-4103-9472-0928a3f8429e"
    other = "6e020f11-11ef-4baf-9969-b305902fe0d2"
    doc = {
        "b": {"runId": other, "toolCallId": "10YXHnkfEUD7RBYM", "createdAt": 1795321371026},
        "a": [uid, f"prefix {uid} suffix", "http://127.0.0.1:4242/v1/x"],
        "c": {"id": "call_weather_1", "body": '{"tool_call_id":"10YXHnkfEUD7RBYM"}'},
        "d": {"date": "Sun, 22 Nov 2026 04:22:51 GMT", "at": "2026-11-22T04:22:51.123Z"},
        "e": {"id": "chatcmpl-fake-1", "created": 1700000001, "tokens": 12},
    }
    out = Normaliser("http://127.0.0.1:4242", {"call_weather_1"})(doc)
    assert out["a"] == ["<uuid-1>", "prefix <uuid-1> suffix", "http://<server>/v1/x"]
    assert out["b"] == {"runId": "<uuid-2>", "toolCallId": "<gen-id-1>", "createdAt": "<epoch-ms>"}
    assert out["c"] == {"id": "call_weather_1", "body": '{"tool_call_id":"<gen-id-1>"}'}
    assert out["d"] == {"date": "<http-date>", "at": "<iso-ts>"}
    assert out["e"] == doc["e"]
