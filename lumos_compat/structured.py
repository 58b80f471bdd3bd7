"""Structured output read the way Mastra 1.71 reads it: the schema the model is asked for, the
partial objects streamed while the answer arrives, and the final value.

Checked against recordings of real Mastra (``tests/oracle/scenarios/structured-output-*``):

- **Formats.** An object schema is sent as it is. An array schema is sent as an object holding
  it, ``{"elements": [...]}`` (the item schema only: the array's own bounds are checked on the
  answer), and an enum as ``{"result": "..."}``; the value is unwrapped again.
- **The answer's text** goes through Mastra's clean-up before it is parsed: the part after a
  ``<|message|>`` marker, the body of a ```` ```json ```` fence, the last balanced ``{...}`` in
  surrounding prose, raw newlines and tabs inside strings escaped. Text that is still not JSON is
  repaired as a prefix (open strings, arrays and objects closed, a half-written key or number
  dropped), as the AI SDK's partial JSON parser does.
- **Partial objects** (``object`` chunks, sent just before the text delta that produced them) are
  sent only when the parsed value changes. For an array, only its complete elements; for an enum,
  the one value the text so far can still become (or the text itself while several can).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Literal

from lumos_compat.errors import StructuredOutputError

__all__ = [
    "UNDEFINED",
    "OutputReader",
    "output_format",
    "parse_partial_json",
    "preprocess",
    "request_schema",
]

Format = Literal["object", "array", "enum"]

# JavaScript's `undefined`: no value at all (json's None is `null`)
UNDEFINED: Any = type("Undefined", (), {"__repr__": lambda self: "undefined"})()


# --- schema ---------------------------------------------------------------------------------------
def output_format(schema: dict[str, Any]) -> Format:
    """How Mastra asks for a value of this JSON Schema."""
    if schema.get("type") == "array":
        return "array"
    if isinstance(schema.get("enum"), list):
        return "enum"
    return "object"


def request_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema the model is asked to answer with (arrays and enums wrapped in an object)."""
    fmt = output_format(schema)
    if fmt == "object":
        return schema
    head = {"$schema": schema["$schema"]} if "$schema" in schema else {}
    if fmt == "array":
        inner: dict[str, Any] = {"type": "array"}
        if "items" in schema:
            inner["items"] = schema["items"]
        key = "elements"
    else:
        inner = {"type": schema.get("type") or "string", "enum": schema["enum"]}
        key = "result"
    return {
        **head,
        "type": "object",
        "properties": {key: inner},
        "required": [key],
        "additionalProperties": False,
    }


# --- text -----------------------------------------------------------------------------------------
_FENCED = re.compile(r"^```json\s*\n?([\s\S]*?)\n?\s*```\s*\Z")
_FENCE_OPEN = re.compile(r"^```json\s*\n?")
_MARKER = re.compile(r"<\|message\|>([\s\S]+)\Z")
_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def preprocess(text: str) -> str:
    """Mastra's clean-up of a structured answer before parsing (see the module docstring)."""
    if "<|message|>" in text:
        found = _MARKER.search(text)
        if found:
            text = found.group(1)
    start = text.lstrip()
    if re.match(r"```json\b", start):
        fenced = _FENCED.match(start)
        text = fenced.group(1).strip() if fenced and fenced.group(1) else _FENCE_OPEN.sub("", start)
    balanced = _last_balanced_object(text)
    if balanced is not None:
        text = balanced
    return _escape_raw_controls(text)


def _last_balanced_object(text: str) -> str | None:
    """The last top-level ``{...}`` in prose around JSON (None when the text starts as JSON)."""
    if text.strip().startswith(("{", "[")):
        return None
    found: str | None = None
    depth, begin = 0, -1
    in_string = escaped = False
    for i, ch in enumerate(text):
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == '"':
            in_string = not in_string
        elif in_string:
            continue
        elif ch == "{":
            if depth == 0:
                begin = i
            depth += 1
        elif ch == "}" and depth > 0:
            depth -= 1
            if depth == 0 and begin != -1:
                found = text[begin : i + 1]
    return found


def _escape_raw_controls(text: str) -> str:
    """Raw newlines, carriage returns and tabs inside JSON strings, escaped."""
    if "\n" not in text and "\r" not in text and "\t" not in text:
        return text
    out: list[str] = []
    in_string = False
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "\\" and i + 1 < n:
            out.append(text[i : i + 2])
            i += 2
            continue
        if ch == '"':
            in_string = not in_string
        out.append(_ESCAPES.get(ch, ch) if in_string else ch)
        i += 1
    return "".join(out)


# --- partial JSON -----------------------------------------------------------------------------------
# where the repair is, from the outside in; each entry of the stack is one of these
_ROOT, _DONE = "root", "done"
_OBJ_START, _OBJ_KEY, _OBJ_AFTER_KEY = "obj-start", "obj-key", "obj-after-key"
_OBJ_BEFORE_VALUE, _OBJ_AFTER_VALUE, _OBJ_AFTER_COMMA = "obj-value?", "obj-value", "obj-comma"
_ARR_START, _ARR_AFTER_VALUE, _ARR_AFTER_COMMA = "arr-start", "arr-value", "arr-comma"
_STRING, _ESCAPE, _UNICODE, _NUMBER, _LITERAL = "str", "esc", "uni", "num", "lit"
_OBJECTS = {
    _OBJ_START,
    _OBJ_KEY,
    _OBJ_AFTER_KEY,
    _OBJ_BEFORE_VALUE,
    _OBJ_AFTER_VALUE,
    _OBJ_AFTER_COMMA,
}
_ARRAYS = {_ARR_START, _ARR_AFTER_VALUE, _ARR_AFTER_COMMA}
# after a value in an object or an array: its closing bracket and the state after a comma
_AFTER_VALUE = {
    _OBJ_AFTER_VALUE: ("}", _OBJ_AFTER_COMMA),
    _ARR_AFTER_VALUE: ("]", _ARR_AFTER_COMMA),
}
_WORDS = ("true", "false", "null")
_HEX = frozenset("0123456789abcdefABCDEF")
_DIGITS = frozenset("0123456789")


class _Repair:
    """Closes a JSON prefix: the longest prefix that ends a value, then the brackets and quote it
    leaves open (a half-written key, a number's dangling ``.``/``-``/``e``, a trailing comma are
    cut; a string or a ``tru`` is completed)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.stack = [_ROOT]
        self.end = -1  # index of the last character the repaired text keeps
        self.word_start = 0
        self.hex_digits = 0

    def run(self) -> str:
        for i, ch in enumerate(self.text):
            self.step(ch, i)
        tail: list[str] = []
        for state in reversed(self.stack):
            if state == _STRING:
                tail.append('"')
            elif state in _OBJECTS:
                tail.append("}")
            elif state in _ARRAYS:
                tail.append("]")
            elif state == _LITERAL:
                begun = self.text[self.word_start :]
                word = next((w for w in _WORDS if w.startswith(begun)), None)
                if word is not None:
                    tail.append(word[len(begun) :])
        return self.text[: self.end + 1] + "".join(tail)

    def start_value(self, ch: str, i: int, after: str) -> None:
        """A value may begin here; once it is done the context is ``after``."""
        if ch == '"':
            inner = _STRING
        elif ch in "tfn":
            inner, self.word_start = _LITERAL, i
        elif ch == "-" or ch in _DIGITS:
            inner = _NUMBER
        elif ch == "{":
            inner = _OBJ_START
        elif ch == "[":
            inner = _ARR_START
        else:
            return
        if ch != "-":  # a lone minus is not a number yet
            self.end = i
        self.stack[-1] = after
        self.stack.append(inner)

    def after_value(self, ch: str, i: int) -> bool:
        """In an object or array just after a value: a comma, or the closing bracket (False for
        any other character)."""
        close, comma = _AFTER_VALUE[self.stack[-1]]
        if ch == ",":
            self.stack[-1] = comma
        elif ch == close:
            self.end = i
            self.stack.pop()
        else:
            return False
        return True

    def closes_value(self, ch: str, i: int) -> None:
        """A number or literal ended at ``ch``: the enclosing object or array reads it."""
        self.stack.pop()
        if self.stack[-1] in _AFTER_VALUE:
            self.after_value(ch, i)

    def step(self, ch: str, i: int) -> None:
        state = self.stack[-1]
        if state == _ROOT:
            self.start_value(ch, i, _DONE)
        elif state == _OBJ_START:
            if ch == '"':
                self.stack[-1] = _OBJ_KEY
            elif ch == "}":
                self.end = i
                self.stack.pop()
        elif state == _OBJ_AFTER_COMMA:
            if ch == '"':
                self.stack[-1] = _OBJ_KEY
        elif state == _OBJ_KEY:
            if ch == '"':
                self.stack[-1] = _OBJ_AFTER_KEY
        elif state == _OBJ_AFTER_KEY:
            if ch == ":":
                self.stack[-1] = _OBJ_BEFORE_VALUE
        elif state == _OBJ_BEFORE_VALUE:
            self.start_value(ch, i, _OBJ_AFTER_VALUE)
        elif state == _OBJ_AFTER_VALUE:
            self.after_value(ch, i)
        elif state == _STRING:
            if ch == '"':
                self.stack.pop()
                self.end = i
            elif ch == "\\":
                self.stack.append(_ESCAPE)
            else:
                self.end = i
        elif state == _ARR_START:
            if ch == "]":
                self.end = i
                self.stack.pop()
            else:
                self.end = i
                self.start_value(ch, i, _ARR_AFTER_VALUE)
        elif state == _ARR_AFTER_VALUE:
            if not self.after_value(ch, i):
                self.end = i  # (the AI SDK's repair keeps anything else after an array value)
        elif state == _ARR_AFTER_COMMA:
            self.start_value(ch, i, _ARR_AFTER_VALUE)
        elif state == _ESCAPE:
            self.stack.pop()
            if ch == "u":
                self.hex_digits = 0
                self.stack.append(_UNICODE)
            else:
                self.end = i
        elif state == _UNICODE:
            if ch in _HEX:
                self.hex_digits += 1
                if self.hex_digits == 4:
                    self.stack.pop()
                    self.end = i
        elif state == _NUMBER:
            if ch in _DIGITS:
                self.end = i
            elif ch in "eE-.":
                pass
            elif ch in ",}]":
                self.closes_value(ch, i)
            else:
                self.stack.pop()
        elif state == _LITERAL:
            begun = self.text[self.word_start : i + 1]
            if any(w.startswith(begun) for w in _WORDS):
                self.end = i
            else:
                self.closes_value(ch, i)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _loads(text: str) -> Any:
    """``JSON.parse``: strict JSON (no NaN or Infinity, which Python's json would take)."""
    return json.loads(text, parse_constant=_reject_constant)


def parse_partial_json(text: str) -> tuple[Any, Literal["successful", "repaired", "failed"]]:
    """The value of a JSON text or of its repaired prefix, and which of the two it was
    (``UNDEFINED`` and ``"failed"`` when neither parses)."""
    try:
        return _loads(text), "successful"
    except ValueError:
        pass
    try:
        return _loads(_Repair(text).run()), "repaired"
    except ValueError:
        return UNDEFINED, "failed"


def _same(a: Any, b: Any) -> bool:
    """Deep equality of parsed JSON as JavaScript sees it (``1`` and ``1.0`` alike, not ``true``)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b


# --- reading an answer ---------------------------------------------------------------------------
@dataclass
class OutputReader:
    """Follows one run's structured answer: partial values while it streams, then the final value.

    ``enum_values``: the enum's values, for an enum schema.
    """

    fmt: Format
    enum_values: list[Any] = field(default_factory=list)
    _previous: Any = UNDEFINED  # the last parsed value an `object` chunk was sent for
    _elements: list[Any] = field(default_factory=list)  # arrays: the complete elements sent
    _started: bool = False  # arrays: the first (possibly empty) array was sent
    _choice: str | None = None  # enums: the last value sent

    @classmethod
    def for_schema(cls, schema: dict[str, Any]) -> OutputReader:
        """The reader for a JSON Schema (the user's, before ``request_schema``)."""
        fmt = output_format(schema)
        return cls(fmt, list(schema.get("enum") or []) if fmt == "enum" else [])

    def partial(self, text: str) -> tuple[bool, Any]:
        """After a text delta (``text``: all the text so far): whether to send an ``object``
        chunk, and its value."""
        value, state = parse_partial_json(preprocess(text))
        if value is UNDEFINED or _same(self._previous, value):
            return False, None
        if self.fmt == "object":
            if not isinstance(value, dict | list):
                return False, None
            self._previous = value
            return True, value
        if self.fmt == "array":
            return self._partial_array(value, state)
        return self._partial_enum(value)

    def _partial_array(self, value: Any, state: str) -> tuple[bool, Any]:
        raw = value.get("elements") if isinstance(value, dict) else None
        items = raw if isinstance(raw, list) else []
        complete: list[Any] = []
        for i, item in enumerate(items):
            if i == len(items) - 1 and state != "successful":
                # the last element may still be growing: only a non-empty object or array shows
                if isinstance(item, dict | list) and item:
                    complete.append(item)
            else:
                complete.append(item)
        if not self._started:
            self._started = True
            if not complete:
                self._elements = []
                self._previous = value
                return True, []
        if not _same(self._elements, complete):
            self._elements = list(complete)
            self._previous = value
            return True, complete
        return False, None

    def _partial_enum(self, value: Any) -> tuple[bool, Any]:
        if not isinstance(value, dict) or not isinstance(value.get("result"), str):
            return False, None
        begun = value["result"]
        matches = [v for v in self.enum_values if isinstance(v, str) and v.startswith(begun)]
        if not begun or not matches:
            return False, None
        best = matches[0] if len(matches) == 1 else begun
        if best == self._choice:
            return False, None
        self._choice = best
        self._previous = value
        return True, best

    def final(self, text: str) -> Any:
        """The value to validate once the answer is complete (``UNDEFINED`` when there is none);
        raises StructuredOutputError for an enum answer without its ``result``."""
        value, _ = parse_partial_json(preprocess(text))
        if self.fmt == "array":
            if isinstance(value, dict) and isinstance(value.get("elements"), list):
                return value["elements"]
            return list(self._elements)
        if self.fmt == "enum":
            if not isinstance(value, dict) or not isinstance(value.get("result"), str):
                raise StructuredOutputError(
                    "Invalid enum format: expected object with result property"
                )
            return value["result"]
        return value
