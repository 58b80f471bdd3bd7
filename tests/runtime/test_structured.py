"""lumos_compat.structured: reading a structured answer as Mastra 1.71 does.

The end-to-end behaviour is pinned by the recordings of real Mastra (``tests/oracle/scenarios/
structured-output-*``, replayed in ``test_mastra_parity.py``); these are the pieces, with the
sequences of those recordings replayed delta by delta.
"""

from __future__ import annotations

from typing import Any

import pytest

from lumos_compat.errors import StructuredOutputError
from lumos_compat.structured import (
    UNDEFINED,
    OutputReader,
    output_format,
    parse_partial_json,
    preprocess,
    request_schema,
)

DRAFT = "http://json-schema.org/draft-07/schema#"


@pytest.mark.parametrize(
    ("text", "value", "state"),
    [
        ('{"a": 1}', {"a": 1}, "successful"),
        ('{"ci', {}, "repaired"),  # a half-written key is dropped
        ('{"city":', {}, "repaired"),  # a key without its value too
        ('{"city": "Pa', {"city": "Pa"}, "repaired"),  # a string is closed
        ('{"city": "Paris",', {"city": "Paris"}, "repaired"),  # a trailing comma is cut
        ('{"t": 2', {"t": 2}, "repaired"),
        ('{"t": 1.', {"t": 1}, "repaired"),  # a dangling point is cut
        ('{"t": -', {}, "repaired"),  # a lone minus is no number
        ('{"ok": tr', {"ok": True}, "repaired"),  # a literal is completed
        ('{"v": nu', {"v": None}, "repaired"),
        ('["a", "b', ["a", "b"], "repaired"),
        ("[ ", [], "repaired"),
        ('{"s": "x\\u00', {"s": "x"}, "repaired"),  # a half unicode escape is cut
        ('"abc', "abc", "repaired"),
        ("hello", UNDEFINED, "failed"),
        ("NaN", UNDEFINED, "failed"),  # JSON.parse refuses it; Python's json would not
        ("", UNDEFINED, "failed"),
    ],
)
def test_partial_json(text: str, value: Any, state: str) -> None:
    assert parse_partial_json(text) == (value, state)


def test_preprocess_strips_what_models_wrap_json_in() -> None:
    assert preprocess('```json\n{"a": 1}\n```') == '{"a": 1}'
    assert preprocess('```json\n{"a": 1') == '{"a": 1'  # a fence still open while streaming
    assert preprocess('Sure: {"a": {"b": 2}} and {"c": 3}.') == '{"c": 3}'  # the last object
    assert preprocess('{"note": "one\ntwo\tthree"}') == '{"note": "one\\ntwo\\tthree"}'
    assert preprocess('junk<|message|>{"a": 1}') == '{"a": 1}'
    assert preprocess('[1, 2] and {"a": 1}') == '[1, 2] and {"a": 1}'  # JSON first: kept


def test_arrays_and_enums_are_asked_for_inside_an_object() -> None:
    array = {"$schema": DRAFT, "type": "array", "items": {"type": "string"}, "maxItems": 5}
    assert output_format(array) == "array"
    assert request_schema(array) == {
        "$schema": DRAFT,
        "type": "object",
        "properties": {"elements": {"type": "array", "items": {"type": "string"}}},
        "required": ["elements"],
        "additionalProperties": False,
    }
    enum = {"$schema": DRAFT, "type": "string", "enum": ["a", "b"]}
    assert request_schema(enum)["properties"] == {"result": {"type": "string", "enum": ["a", "b"]}}
    obj = {"$schema": DRAFT, "type": "object", "properties": {}}
    assert output_format(obj) == "object" and request_schema(obj) is obj


def _replay(reader: OutputReader, deltas: list[str]) -> list[Any]:
    text, sent = "", []
    for delta in deltas:
        text += delta
        changed, value = reader.partial(text)
        if changed:
            sent.append(value)
    return sent


def test_object_partials_as_recorded() -> None:
    # structured-output-stream-deltas: a value only when it changes
    deltas = ['{"ci', 'ty":', ' "Paris"', ",", ' "temperature":2', "1", ', "conditions":"sunny"}']
    reader = OutputReader("object")
    assert _replay(reader, deltas) == [
        {},
        {"city": "Paris"},
        {"city": "Paris", "temperature": 2},
        {"city": "Paris", "temperature": 21},
        {"city": "Paris", "temperature": 21, "conditions": "sunny"},
    ]


def test_array_partials_as_recorded() -> None:
    # structured-output-array-stream-deltas: only complete elements, the empty array first
    deltas = ['{"elements":', '["paris"', ",", '"rain",', '"week', 'end"]', "}"]
    reader = OutputReader("array")
    assert _replay(reader, deltas) == [
        [],
        ["paris"],
        ["paris", "rain"],
        ["paris", "rain", "weekend"],
    ]
    assert reader.final("".join(deltas)) == ["paris", "rain", "weekend"]
    # an answer without `elements` gives what was streamed (nothing here)
    assert OutputReader("array").final('["x", "y"]') == []


def test_enum_partials_as_recorded() -> None:
    # structured-output-enum-stream: the text while several values fit, then the one that does
    reader = OutputReader("enum", ["sunny", "snowy", "cloudy"])
    assert _replay(reader, ['{"res', 'ult":"s', "n", 'owy"}']) == ["s", "snowy"]
    assert reader.final('{"result":"snowy"}') == "snowy"
    with pytest.raises(StructuredOutputError, match="expected object with result property"):
        reader.final('"snowy"')
