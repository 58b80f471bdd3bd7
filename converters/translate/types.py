"""The translator's small type environment: what a TypeScript value is known to be at run time.

Attribute access in the output depends on it: the tool input is a pydantic model (``input.city``),
JSON from the network is dicts and lists (``data["city"]``), strings and numbers print differently
from JavaScript unless known. ``Ty`` is deliberately coarse: enough to pick the Python spelling.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from converters.ir import SchemaNode

__all__ = [
    "ANY",
    "BOOL",
    "CONTEXT",
    "ERROR",
    "FLOAT",
    "INT",
    "JSON",
    "LEGACY_STEP_CONTEXT",
    "NONE",
    "REQUEST_CONTEXT",
    "RESPONSE",
    "STEP_CONTEXT",
    "STR",
    "Resolver",
    "Ty",
    "dict_of",
    "list_of",
    "schema_type",
    "ts_annotation_type",
]

Resolver = Callable[[str], SchemaNode]

# kinds: str int float bool none list dict json model response context request_context error
#        function any; steps: step_context legacy_step_context step_fn step_writer mastra
#        agent agent_result signal awaitable
SCALARS = frozenset({"str", "int", "float", "bool"})


@dataclass(frozen=True)
class Ty:
    """A static type: ``kind`` plus the schema of a model, the item type of a list or dict."""

    kind: str
    schema: SchemaNode | None = None
    item: Ty | None = None
    nullable: bool = False
    is_async: bool = False  # functions: whether calling them gives an awaitable
    number_keys: bool = False  # dicts: built with number keys (looked up by number, as JS does)
    tag: str = ""  # step_fn: which step context function (``suspend``, ``getStepResult``...)

    @property
    def is_scalar(self) -> bool:
        """A string, number or boolean (Python truthiness equals JavaScript's, bar NaN)."""
        return self.kind in SCALARS

    @property
    def is_number(self) -> bool:
        """An int or float."""
        return self.kind in ("int", "float")

    @property
    def is_object(self) -> bool:
        """A value JavaScript always treats as true when present (array, object, model)."""
        return self.kind in (
            "list",
            "dict",
            "model",
            "response",
            "context",
            "request_context",
            "step_context",
            "legacy_step_context",
            "step_writer",
            "tool_writer",
            "mastra",
            "agent",
            "agent_result",
            "signal",
        )

    @property
    def is_jsonish(self) -> bool:
        """Data read with subscripts: JSON from the network or a dict built here."""
        return self.kind in ("json", "dict", "any")

    def with_nullable(self, nullable: bool = True) -> Ty:
        """The same type, possibly null (this one when it already says so: types are immutable)."""
        if nullable == self.nullable:
            return self
        return Ty(
            self.kind, self.schema, self.item, nullable, self.is_async, self.number_keys, self.tag
        )


STR = Ty("str")
INT = Ty("int")
FLOAT = Ty("float")
BOOL = Ty("bool")
NONE = Ty("none", nullable=True)
JSON = Ty("json", nullable=True)
ANY = Ty("any", nullable=True)
RESPONSE = Ty("response")
CONTEXT = Ty("context")
STEP_CONTEXT = Ty("step_context")
LEGACY_STEP_CONTEXT = Ty("legacy_step_context")
REQUEST_CONTEXT = Ty("request_context")
ERROR = Ty("error")


# the nullable scalars and the dicts of JSON, built once (types are immutable, so shared)
_NULLABLE_SCALARS = {
    "str": Ty("str", nullable=True),
    "int": Ty("int", nullable=True),
    "float": Ty("float", nullable=True),
    "bool": Ty("bool", nullable=True),
}
_DICT_OF_JSON = Ty("dict", item=JSON)
_DICT_OF_ANY = Ty("dict", item=ANY)


def _scalar(ty: Ty, nullable: bool) -> Ty:
    """``ty.with_nullable(nullable)`` for STR, INT, FLOAT and BOOL, without building a type."""
    return _NULLABLE_SCALARS[ty.kind] if nullable else ty


def list_of(item: Ty) -> Ty:
    """A list whose items have type ``item``."""
    return Ty("list", item=item)


def dict_of(item: Ty) -> Ty:
    """A dict (a JavaScript object used as a map) whose values have type ``item``."""
    if item is JSON:
        return _DICT_OF_JSON
    if item is ANY:
        return _DICT_OF_ANY
    return Ty("dict", item=item)


def schema_type(node: SchemaNode | None, resolve: Resolver | None) -> Ty:
    """The Python type of a value validated by the pydantic model emitted for ``node``."""
    if node is None:
        return ANY
    for effect in reversed(node.effects):
        if effect.kind in ("transform", "pipe"):  # the value is what the transform returned
            if effect.output is None:
                return Ty("opaque", nullable=True)
            return schema_type(effect.output, resolve)
    nullable = node.nullable or node.nullish or (node.optional and not node.has_default)
    kind = node.type
    if kind == "ref" and node.ref and resolve is not None:
        try:
            target = resolve(node.ref)
        except (KeyError, ValueError, LookupError):
            return ANY
        return schema_type(target, resolve).with_nullable(nullable)
    if kind == "object":
        return Ty("model", schema=node, nullable=nullable)
    if kind == "string" or (kind == "enum" and all(isinstance(v, str) for v in node.values)):
        return _scalar(STR, nullable)
    if kind == "literal" and node.values:
        value = node.values[0]
        if isinstance(value, bool):
            return _scalar(BOOL, nullable)
        if isinstance(value, str):
            return _scalar(STR, nullable)
        if isinstance(value, int):
            return _scalar(INT, nullable)
        if isinstance(value, float):
            return _scalar(FLOAT, nullable)
        return ANY
    if kind == "integer":
        return _scalar(INT, nullable)
    if kind == "number":
        return _scalar(INT if node.constraints.get("int") else FLOAT, nullable)
    if kind == "boolean":
        return _scalar(BOOL, nullable)
    if kind == "array":
        return Ty("list", item=schema_type(node.items, resolve), nullable=nullable)
    if kind == "record":
        return Ty("dict", item=schema_type(node.items, resolve), nullable=nullable)
    if kind in ("any", "unknown"):
        return JSON  # pydantic keeps such values as the JSON it was given
    if kind in ("union", "discriminated_union") and node.members:
        members = [schema_type(m, resolve) for m in node.members]
        if all(m.kind == "model" and m.schema is not None for m in members):
            # every member is a model: the fields they all declare read as attributes
            common = dict(members[0].schema.properties)  # type: ignore[union-attr]
            for m in members[1:]:
                common = {k: v for k, v in common.items() if k in m.schema.properties}  # type: ignore[union-attr]
            merged = SchemaNode(type="object", properties=common)
            return Ty("model", schema=merged, nullable=nullable)
        if all(m.is_scalar for m in members):
            kinds = {m.kind for m in members}
            if len(kinds) == 1:
                return members[0].with_nullable(nullable)
            if kinds <= {"int", "float"}:
                return _scalar(FLOAT, nullable)
            return Ty("scalar", nullable=nullable)
    return Ty("opaque", nullable=True)


_TS_SIMPLE = {"string": STR, "number": FLOAT, "boolean": BOOL}


def ts_annotation_type(text: str | None) -> Ty:
    """The type of a TypeScript annotation the translator understands (else ``any``)."""
    if not text:
        return ANY
    text = text.strip().lstrip(":").strip()
    parts = [p.strip() for p in text.split("|")]
    if len(parts) > 1 and "<" not in text and "{" not in text:
        rest = [p for p in parts if p not in ("null", "undefined")]
        if len(rest) == 1 and len(rest) < len(parts):
            return ts_annotation_type(rest[0]).with_nullable()
        return ANY
    record = re.fullmatch(r"Record<\s*(string|number)\s*,\s*(.+)>", text)
    if record:
        return Ty(
            "dict",
            item=ts_annotation_type(record.group(2)),
            number_keys=record.group(1) == "number",
        )
    array = re.fullmatch(r"Array<(.+)>", text)
    if array:
        return list_of(ts_annotation_type(array.group(1)))
    if text in _TS_SIMPLE:
        return _TS_SIMPLE[text]
    if text.endswith("[]") and text[:-2] in _TS_SIMPLE:
        return list_of(_TS_SIMPLE[text[:-2]])
    return ANY
