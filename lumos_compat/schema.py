"""Tool schemas: the JSON Schema the model sees, and validation of what the model sends.

Mastra turns a tool's zod schema into JSON Schema with zod 4's ``toJSONSchema`` (draft-07, input
side) plus a few touches of its own. ``to_json_schema`` gives the same JSON Schema for the equivalent
pydantic model, or for a plain JSON Schema dict, so the request a ported agent sends matches the one
Mastra sends:

- ``"$schema": "http://json-schema.org/draft-07/schema#"`` on the root;
- ``additionalProperties: false`` on every object that lists properties (plain dict input too);
- ``required`` only for keys that are neither optional nor defaulted; defaults and descriptions kept;
- no pydantic ``title``; nested models inlined; ``$ref``/``definitions`` (``__schema0``...) only
  for recursive models, as zod does;
- ``int`` is ``integer`` with zod 4's safe-integer bounds unless narrower bounds are given;
- unions of bare types compacted into a ``type`` list (``str | None`` is ``type: [string, null]``);
- tuples as draft-07 ``items`` arrays, dicts as records with ``propertyNames``;
- formats email, uri, uuid, date-time and date with zod's own patterns;
- properties with no type get the permissive type list Mastra adds before sending.

How zod spellings map to pydantic (what ``lumos-migrate`` emits):

======================================  ===============================================
zod                                     pydantic
======================================  ===============================================
``z.string().optional()``               ``x: str | None = None``
``z.string().nullable()``               ``x: str | None`` (no default)
``z.string().nullish()``                ``x: Nullish[str] = None``
``z.number().int()``                    ``x: int``
``z.number().default(3)``               ``x: float = 3``
``z.email()`` / ``z.url()``             ``x: Email`` / ``x: Url``
``z.uuid()`` / ``z.iso.datetime()``     ``x: UUID`` / ``x: datetime`` (or ``IsoDateTime``)
``z.iso.date()`` / ``z.date()``         ``x: date`` / ``x: JsDate``
``z.discriminatedUnion('type', ...)``   ``Annotated[A | B, Field(discriminator="type")]``
======================================  ===============================================
"""

from __future__ import annotations

import copy
import functools
import json
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    GetJsonSchemaHandler,
    RootModel,
    TypeAdapter,
    WithJsonSchema,
)
from pydantic import ValidationError as PydanticValidationError
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue, NoDefault
from pydantic_core import core_schema as cs

from lumos_compat.errors import ToolValidationError

if TYPE_CHECKING:  # jsonschema is imported where a JSON Schema dict is compiled: it is slow to load
    import jsonschema

__all__ = [
    "DRAFT_07",
    "MAX_SAFE_INTEGER",
    "CompiledSchema",
    "Email",
    "IsoDate",
    "IsoDateTime",
    "JsDate",
    "Nullish",
    "SchemaLike",
    "Url",
    "ValidationIssue",
    "ValidationResult",
    "compile_schema",
    "fix_typeless_properties",
    "format_js_number",
    "from_js_json",
    "is_pydantic_model",
    "to_base_json_schema",
    "to_json_schema",
    "validate",
]

DRAFT_07 = "http://json-schema.org/draft-07/schema#"
"""The ``$schema`` Mastra puts on every tool schema."""

MAX_SAFE_INTEGER = 9007199254740991
"""JavaScript's ``Number.MAX_SAFE_INTEGER``: zod 4's bound for ``z.number().int()``."""

SchemaLike = type[BaseModel] | Mapping[str, Any] | None
"""What a tool accepts as a schema: a pydantic model class, a JSON Schema dict, or nothing."""

# zod 4's patterns for its string formats, as they appear in the JSON Schema it emits
EMAIL_PATTERN = (
    r"^(?:[A-Za-z0-9_'+\-]+\.)*[A-Za-z0-9_'+\-]*[A-Za-z0-9_+-]@"
    r"(?:[A-Za-z0-9][A-Za-z0-9\-]*\.)+[A-Za-z]{2,}$"
)
UUID_PATTERN = (
    r"^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-8][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}"
    r"|00000000-0000-0000-0000-000000000000|ffffffff-ffff-ffff-ffff-ffffffffffff)$"
)
_DATE_BODY = (
    r"(?:(?:\d\d[2468][048]|\d\d[13579][26]|\d\d0[48]|[02468][048]00|[13579][26]00)-02-29"
    r"|\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\d|30)"
    r"|(?:02)-(?:0[1-9]|1\d|2[0-8])))"
)
DATE_PATTERN = f"^{_DATE_BODY}$"
DATETIME_PATTERN = f"^{_DATE_BODY}T(?:(?:[01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d(?:\\.\\d+)?(?:Z))$"

_FORMAT_PATTERNS = {
    "email": EMAIL_PATTERN,
    "uuid": UUID_PATTERN,
    "date-time": DATETIME_PATTERN,
    "date": DATE_PATTERN,
}
# zod 4's "Invalid <noun>" for a failed string format, by the JSON Schema ``format`` zod writes
_FORMAT_ERROR = {
    "email": "Invalid email address",
    "uuid": "Invalid UUID",
    "date-time": "Invalid ISO datetime",
    "date": "Invalid ISO date",
    "time": "Invalid ISO time",
    "duration": "Invalid ISO duration",
    "uri": "Invalid URL",
    "emoji": "Invalid emoji",
    "nanoid": "Invalid nanoid",
    "cuid": "Invalid cuid",
    "cuid2": "Invalid cuid2",
    "ulid": "Invalid ULID",
    "xid": "Invalid XID",
    "ksuid": "Invalid KSUID",
    "ipv4": "Invalid IPv4 address",
    "ipv6": "Invalid IPv6 address",
    "cidrv4": "Invalid IPv4 range",
    "cidrv6": "Invalid IPv6 range",
    "base64": "Invalid base64-encoded string",
    "base64url": "Invalid base64url-encoded string",
    "e164": "Invalid E.164 number",
    "jwt": "Invalid JWT",
    "hostname": "Invalid hostname",
}
# z.iso.time() writes only its pattern; z.guid() writes format uuid with a looser pattern
_TIME_PATTERN = "^(?:[01]\\d|2[0-3]):[0-5]\\d(?::[0-5]\\d(?:\\.\\d+)?)?$"
_GUID_PATTERN = "^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$"
_TYPELESS_TYPES = ["string", "number", "integer", "boolean", "object", "null"]
_KEEP_NULL = "x-lumos-keep-null"

# ---------------------------------------------------------------------------------------------
# Pydantic types that render like zod's formats
# ---------------------------------------------------------------------------------------------


def _pattern_check(pattern: str, what: str) -> Callable[[str], str]:
    compiled = re.compile(pattern)

    def check(value: str) -> str:
        if not compiled.match(value):
            raise ValueError(f"Invalid {what}")
        return value

    return check


def _url_check(value: str) -> str:
    if not re.match(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s]*$", value):
        raise ValueError("Invalid URL")
    return value


Email = Annotated[
    str,
    AfterValidator(_pattern_check(EMAIL_PATTERN, "email address")),
    WithJsonSchema({"type": "string", "format": "email", "pattern": EMAIL_PATTERN}),
]
"""A string that must be an email address (zod ``z.email()``)."""

Url = Annotated[
    str,
    AfterValidator(_url_check),
    WithJsonSchema({"type": "string", "format": "uri"}),
]
"""A string that must be a URL (zod ``z.url()``); stays a ``str``."""

IsoDateTime = Annotated[
    str,
    AfterValidator(_pattern_check(DATETIME_PATTERN, "ISO datetime")),
    WithJsonSchema({"type": "string", "format": "date-time", "pattern": DATETIME_PATTERN}),
]
"""An ISO datetime string in UTC (``...Z``), kept a ``str`` (zod ``z.iso.datetime()``)."""

IsoDate = Annotated[
    str,
    AfterValidator(_pattern_check(DATE_PATTERN, "ISO date")),
    WithJsonSchema({"type": "string", "format": "date", "pattern": DATE_PATTERN}),
]
"""An ISO date string ``YYYY-MM-DD``, kept a ``str`` (zod ``z.iso.date()``)."""

JsDate = Annotated[
    datetime,
    WithJsonSchema({"type": "string", "format": "date-time", "x-date": True}),
]
"""A datetime sent as a string (zod ``z.date()``, which Mastra marks with ``x-date``)."""


class _KeepNullMarker:
    """Marks ``T | None = None`` as nullish: the ``null`` stays in the JSON Schema."""

    def __get_pydantic_json_schema__(
        self, core_schema: cs.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        json_schema = handler(core_schema)
        json_schema = dict(json_schema)
        json_schema[_KEEP_NULL] = True
        return json_schema

    def __hash__(self) -> int:
        return hash(_KeepNullMarker)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _KeepNullMarker)


_T = TypeVar("_T")
Nullish = Annotated[_T | None, _KeepNullMarker()]
"""``Nullish[str] = None``: optional *and* nullable (zod ``.nullish()``)."""

# ---------------------------------------------------------------------------------------------
# JavaScript number formatting (JSON.stringify and template strings)
# ---------------------------------------------------------------------------------------------


def format_js_number(value: float | int) -> str:
    """Format a number the way JavaScript's ``String(n)`` does (``5`` not ``5.0``, ``1e+21``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        if abs(value) < 10**21:
            return str(value)
        value = float(value)
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "0"
    if value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    text = repr(value)
    if "e" not in text and "E" not in text:
        return text
    mantissa, exp = text.split("e")
    exponent = int(exp)
    digits = mantissa.replace("-", "").replace(".", "").rstrip("0") or "0"
    if mantissa.lstrip("-").startswith("0"):
        digits = digits.lstrip("0")
    sign = "-" if value < 0 else ""
    # decimal exponent n such that value = 0.digits * 10**n
    point = len(mantissa.lstrip("-").split(".")[0]) + exponent
    if -6 < point <= 21 and point <= 0:
        return f"{sign}0.{'0' * (-point)}{digits}"
    if 0 < point <= 21:
        if len(digits) <= point:
            return f"{sign}{digits}{'0' * (point - len(digits))}"
        return f"{sign}{digits[:point]}.{digits[point:]}"
    exp_out = point - 1
    body = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
    return f"{sign}{body}e{'+' if exp_out >= 0 else '-'}{abs(exp_out)}"


def _js_float(text: str) -> float | int:
    number = float(text)
    if number.is_integer() and abs(number) <= MAX_SAFE_INTEGER:
        return int(number)
    return number


def from_js_json(text: str) -> Any:
    """Parse JSON text as JavaScript would see it: integral numbers come back as ``int``."""
    return json.loads(text, parse_float=_js_float)


def _normalize_numbers(value: Any) -> Any:
    if isinstance(value, float):
        if value.is_integer() and abs(value) <= MAX_SAFE_INTEGER:
            return int(value)
        return value
    if isinstance(value, dict):
        return {k: _normalize_numbers(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_normalize_numbers(v) for v in value]
    return value


# ---------------------------------------------------------------------------------------------
# pydantic -> zod-shaped JSON Schema
# ---------------------------------------------------------------------------------------------


def is_pydantic_model(schema: object) -> bool:
    """Whether ``schema`` is a pydantic model class."""
    return isinstance(schema, type) and issubclass(schema, BaseModel)


class _Generator(GenerateJsonSchema):
    """pydantic's generator, but a ``default_factory`` is shown as its value, as zod shows it."""

    def get_default_value(self, schema: cs.WithDefaultSchema) -> Any:
        if "default" in schema:
            return schema["default"]
        factory = schema.get("default_factory")
        if factory is not None and not schema.get("default_factory_takes_data"):
            try:
                return factory()  # type: ignore[call-arg]
            except Exception:
                return NoDefault
        return NoDefault


def _ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def _collect_refs(node: Any, out: set[str]) -> None:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str):
            out.add(_ref_name(ref))
        for value in node.values():
            _collect_refs(value, out)
    elif isinstance(node, list):
        for item in node:
            _collect_refs(item, out)


def _recursive_defs(defs: Mapping[str, Any]) -> set[str]:
    edges = {name: set() for name in defs}
    for name, body in defs.items():
        _collect_refs(body, edges[name])
    recursive: set[str] = set()
    for start in defs:
        stack = list(edges[start])
        seen: set[str] = set()
        while stack:
            current = stack.pop()
            if current == start:
                recursive.add(start)
                break
            if current in seen or current not in edges:
                continue
            seen.add(current)
            stack.extend(edges[current])
    return recursive


class _Converter:
    """Rewrites pydantic's JSON Schema into the shape zod 4 gives the same schema."""

    def __init__(self, defs: Mapping[str, Any], root_name: str | None) -> None:
        self.defs = defs
        self.root_name = root_name
        self.recursive = _recursive_defs(defs)
        self.def_ids: dict[str, str] = {}
        self.definitions: dict[str, Any] = {}

    def ref_to(self, name: str) -> dict[str, Any]:
        if name == self.root_name:
            return {"$ref": "#"}
        if name not in self.def_ids:
            def_id = f"__schema{len(self.def_ids)}"
            self.def_ids[name] = def_id
            self.definitions[def_id] = None
            self.definitions[def_id] = self.convert(self.defs[name])
        return {"$ref": f"#/definitions/{self.def_ids[name]}"}

    def convert(self, node: Any) -> Any:
        if not isinstance(node, dict):
            return node
        node = dict(node)
        ref = node.pop("$ref", None)
        if ref is None and isinstance(node.get("allOf"), list) and len(node["allOf"]) == 1:
            only = node["allOf"][0]
            if isinstance(only, dict) and set(only) == {"$ref"}:
                ref = only["$ref"]
                del node["allOf"]
        if ref is not None:
            name = _ref_name(ref)
            if name in self.recursive or name == self.root_name:
                base: dict[str, Any] = self.ref_to(name)
            else:
                base = self.convert(self.defs[name])
            siblings = self._convert_keys(node)
            siblings.pop(_KEEP_NULL, None)
            merged = dict(base)
            merged.update(siblings)
            return merged
        return self._finish(self._convert_keys(node))

    def _convert_keys(self, node: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key in ("title", "discriminator", "$defs"):
                continue
            if key == "properties" and isinstance(value, dict):
                out[key] = {name: self.convert(sub) for name, sub in value.items()}
            elif key in ("items", "additionalProperties", "not", "propertyNames", "contains"):
                out[key] = self.convert(value)
            elif key in ("anyOf", "oneOf", "allOf", "prefixItems") and isinstance(value, list):
                out[key] = [self.convert(sub) for sub in value]
            else:
                out[key] = value
        return out

    def _finish(self, node: dict[str, Any]) -> dict[str, Any]:
        # T | None = None: an optional field, the null branch goes (zod .optional())
        keep_null = bool(node.pop(_KEEP_NULL, False))
        if "anyOf" in node and "default" in node and node["default"] is None:
            branches = node["anyOf"]
            non_null = [
                b for b in branches if not (isinstance(b, dict) and b.get("type") == "null")
            ]
            if len(non_null) < len(branches):
                del node["default"]
                if not keep_null:
                    rest = {k: v for k, v in node.items() if k != "anyOf"}
                    if len(non_null) == 1 and isinstance(non_null[0], dict):
                        merged = dict(non_null[0])
                        merged.update(rest)
                        return self._finish(merged)
                    node = {"anyOf": non_null, **rest}
        # tuples: draft-07 form
        if "prefixItems" in node:
            prefix = node.pop("prefixItems")
            rest_items = node.pop("items", None)
            node["items"] = prefix
            if rest_items is None:
                node["additionalItems"] = False
            else:
                node["additionalItems"] = rest_items
                node.pop("maxItems", None)
        node_type = node.get("type")
        # literals and enums: zod's type naming
        if "const" in node:
            value = node["const"]
            if value is None:
                node["type"] = "null"
            elif isinstance(value, bool):
                node["type"] = "boolean"
            elif isinstance(value, (int, float)):
                node["type"] = "number"
            elif isinstance(value, str):
                node["type"] = "string"
        elif isinstance(node.get("enum"), list):
            values = node["enum"]
            kinds = {_enum_kind(v) for v in values}
            if kinds == {"number"}:
                node["type"] = "number"
            elif kinds == {"string"}:
                node["type"] = "string"
            elif kinds == {"boolean"}:
                node["type"] = "boolean"
            else:
                node.pop("type", None)
        elif node_type == "integer":
            _apply_int_bounds(node)
        elif node_type == "string":
            fmt = node.get("format")
            if fmt == "uri":
                if node.get("minLength") == 1:
                    del node["minLength"]
                if node.get("maxLength") == 2083:
                    del node["maxLength"]
            elif fmt in _FORMAT_PATTERNS and "pattern" not in node and not node.get("x-date"):
                node["pattern"] = _FORMAT_PATTERNS[fmt]
        elif node_type == "object":
            has_props = "properties" in node
            extra = node.get("additionalProperties")
            if not has_props and extra is True:
                node["additionalProperties"] = {}
            if not has_props and "additionalProperties" in node and "propertyNames" not in node:
                node = _insert_before(
                    node, "additionalProperties", "propertyNames", {"type": "string"}
                )
            if has_props and not node.get("additionalProperties"):
                node["additionalProperties"] = False
        if isinstance(node.get("anyOf"), list):
            _compact_type_union(node)
        return node


def _enum_kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    return "other"


def _insert_before(node: dict[str, Any], before: str, key: str, value: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in node.items():
        if k == before:
            out[key] = value
        out[k] = v
    return out


def _apply_int_bounds(node: dict[str, Any]) -> None:
    minimum = node.get("minimum")
    minimum = -MAX_SAFE_INTEGER if minimum is None else max(minimum, -MAX_SAFE_INTEGER)
    maximum = node.get("maximum")
    maximum = MAX_SAFE_INTEGER if maximum is None else min(maximum, MAX_SAFE_INTEGER)
    ex_min = node.pop("exclusiveMinimum", None)
    ex_max = node.pop("exclusiveMaximum", None)
    node.pop("minimum", None)
    node.pop("maximum", None)
    if isinstance(ex_min, (int, float)) and ex_min >= minimum:
        node["exclusiveMinimum"] = ex_min
    else:
        node["minimum"] = minimum
    if isinstance(ex_max, (int, float)) and ex_max <= maximum:
        node["exclusiveMaximum"] = ex_max
    else:
        node["maximum"] = maximum


def _compact_type_union(node: dict[str, Any]) -> None:
    """zod 4: ``anyOf`` of bare ``{type}`` branches becomes a ``type`` list."""
    options = node.get("anyOf")
    if not isinstance(options, list) or not options or "type" in node:
        return
    types: list[str] = []
    for option in options:
        if not isinstance(option, dict) or list(option) != ["type"]:
            return
        members = option["type"] if isinstance(option["type"], list) else [option["type"]]
        for member in members:
            if not isinstance(member, str):
                return
            if member not in types:
                types.append(member)
    del node["anyOf"]
    node["type"] = types[0] if len(types) == 1 else types


@lru_cache(maxsize=512)
def _pydantic_base(model: type[BaseModel]) -> str:
    raw = model.model_json_schema(mode="validation", schema_generator=_Generator)
    defs = raw.pop("$defs", {})
    root_name: str | None = None
    if "$ref" in raw and set(raw) == {"$ref"}:
        root_name = _ref_name(raw["$ref"])
        raw = dict(defs[root_name])
    converter = _Converter(defs, root_name)
    body = converter.convert(raw)
    result: dict[str, Any] = {"$schema": DRAFT_07}
    result.update(body)
    if converter.definitions:
        result["definitions"] = converter.definitions
    return json.dumps(result)


# ---------------------------------------------------------------------------------------------
# plain JSON Schema input
# ---------------------------------------------------------------------------------------------

_TRAVERSE_KEYWORDS = frozenset(
    {
        "additionalItems",
        "items",
        "contains",
        "additionalProperties",
        "propertyNames",
        "not",
        "if",
        "then",
        "else",
    }
)
_TRAVERSE_ARRAY_KEYWORDS = frozenset({"items", "allOf", "anyOf", "oneOf"})
_TRAVERSE_PROPS_KEYWORDS = frozenset(
    {"$defs", "definitions", "properties", "patternProperties", "dependencies"}
)


def traverse_schema(
    node: Any,
    pre: Callable[[dict[str, Any]], None] | None = None,
    post: Callable[[dict[str, Any]], None] | None = None,
) -> None:
    """Walk every subschema the way the ``json-schema-traverse`` package (used by Mastra) does.

    ``pre`` runs on a node before its children, ``post`` after; both may edit the node in place.
    Keys are read after ``pre`` ran; a key removed before it is reached is skipped.
    """
    if not isinstance(node, dict):
        return
    if pre is not None:
        pre(node)
    for key in list(node.keys()):
        if key not in node:
            continue
        sub = node[key]
        if isinstance(sub, list):
            if key in _TRAVERSE_ARRAY_KEYWORDS:
                index = 0
                while index < len(sub):
                    traverse_schema(sub[index], pre, post)
                    index += 1
        elif key in _TRAVERSE_PROPS_KEYWORDS:
            if isinstance(sub, dict):
                for prop in list(sub.keys()):
                    if prop in sub:
                        traverse_schema(sub[prop], pre, post)
        elif key in _TRAVERSE_KEYWORDS:
            traverse_schema(sub, pre, post)
    if post is not None:
        post(node)


def _close_objects(node: dict[str, Any]) -> None:
    if (
        node.get("type") == "object"
        and "properties" in node
        and not node.get("additionalProperties")
    ):
        node["additionalProperties"] = False


def _json_dict_base(schema: Mapping[str, Any]) -> dict[str, Any]:
    try:
        cloned = json.loads(json.dumps(schema))
    except (TypeError, ValueError) as exc:
        raise ToolValidationError(
            f"A JSON Schema dict must hold only JSON values; this one does not ({exc}). "
            "Use a pydantic model class for schemas with Python objects in them."
        ) from exc
    if "$schema" not in cloned:
        cloned["$schema"] = DRAFT_07
    traverse_schema(cloned, post=_close_objects)
    return cloned


# ---------------------------------------------------------------------------------------------
# public conversion
# ---------------------------------------------------------------------------------------------


def fix_typeless_properties(schema: Any) -> Any:
    """Give properties with no type Mastra's permissive type list, as Mastra does before sending.

    It looks at ``properties`` (recursively) and ``items``, like Mastra's ``fixTypelessProperties``.
    Returns a new dict; the input is not changed.
    """
    if not isinstance(schema, dict):
        return schema
    result = dict(schema)
    props = result.get("properties")
    if isinstance(props, dict):
        fixed: dict[str, Any] = {}
        for key, value in props.items():
            if not isinstance(value, dict):
                fixed[key] = value
                continue
            if not any(k in value for k in ("type", "$ref", "anyOf", "oneOf", "allOf")):
                rest = {k: v for k, v in value.items() if k != "items"}
                rest["type"] = list(_TYPELESS_TYPES)
                fixed[key] = rest
            else:
                fixed[key] = fix_typeless_properties(value)
        result["properties"] = fixed
    items = result.get("items")
    if isinstance(items, list):
        result["items"] = [fix_typeless_properties(item) for item in items]
    elif isinstance(items, dict):
        result["items"] = fix_typeless_properties(items)
    return result


def to_base_json_schema(schema: SchemaLike) -> dict[str, Any]:
    """The JSON Schema zod would produce, before Mastra's provider rewrites and typeless fix.

    This is the input of ``lumos_compat.schema_compat.apply_provider_compat``.
    """
    if schema is None:
        return {
            "$schema": DRAFT_07,
            "type": "object",
            "properties": {},
            "additionalProperties": False,
        }
    if is_pydantic_model(schema):
        return json.loads(_pydantic_base(schema))  # type: ignore[arg-type]
    if isinstance(schema, Mapping):
        return _json_dict_base(schema)
    raise ToolValidationError(
        "A tool schema must be a pydantic model class, a JSON Schema dict or None; "
        f"found {type(schema).__name__} ({schema!r}). Wrap the fields in a BaseModel subclass."
    )


def to_json_schema(schema: SchemaLike) -> dict[str, Any]:
    """The JSON Schema Mastra 1.x sends for this schema over chat completions (no provider rewrite).

    ``schema`` is a pydantic model class, a JSON Schema dict, or ``None`` (an empty object).
    """
    base = to_base_json_schema(schema)
    if schema is None:
        return base
    return fix_typeless_properties(base)


# ---------------------------------------------------------------------------------------------
# validation
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ValidationIssue:
    """One problem found in data: where (``path``) and what (zod's English message)."""

    path: tuple[str | int, ...]
    message: str


@dataclass(slots=True)
class ValidationResult:
    """The outcome of :func:`validate`: ``ok`` with a ``value``, or ``issues``."""

    ok: bool
    value: Any = None
    issues: list[ValidationIssue] = field(default_factory=list)


def _parsed_type(value: Any) -> str:
    if value is _UNDEFINED:
        return "undefined"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        if isinstance(value, float) and math.isnan(value):
            return "nan"
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, (list, tuple)):
        return "array"
    return "object"


class _Undefined:
    def __repr__(self) -> str:
        return "undefined"


_UNDEFINED: Any = _Undefined()


def _stringify_primitive(value: Any) -> str:
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, (int, float)):
        return format_js_number(value)
    return str(value)


def _zod_type_name(node: Mapping[str, Any]) -> str:
    node_type = node.get("type")
    if isinstance(node_type, list):
        non_null = [t for t in node_type if t != "null"]
        node_type = non_null[0] if len(non_null) == 1 else None
    if node_type in ("integer", "number"):
        return "number"
    if node_type == "object":
        if "properties" not in node and "additionalProperties" in node:
            return "record"
        return "object"
    if node_type in ("string", "boolean", "array", "null"):
        return str(node_type)
    return "unknown"


class _SchemaWalker:
    """Finds the subschema an error location points at in a zod-shaped JSON Schema."""

    def __init__(self, root: Mapping[str, Any]) -> None:
        self.root = root
        self.definitions = root.get("definitions", {})

    def resolve(self, node: Any) -> Any:
        seen = 0
        while isinstance(node, dict) and "$ref" in node and seen < 32:
            ref = node["$ref"]
            node = self.root if ref == "#" else self.definitions.get(_ref_name(ref), {})
            seen += 1
        return node

    def non_null_branches(self, node: Mapping[str, Any]) -> list[Any]:
        for key in ("anyOf", "oneOf"):
            if isinstance(node.get(key), list):
                return [
                    b for b in node[key] if not (isinstance(b, dict) and b.get("type") == "null")
                ]
        return []

    def walk(
        self, loc: tuple[str | int, ...]
    ) -> tuple[tuple[str | int, ...], Mapping[str, Any], bool]:
        """Returns (zod path, node, collapsed): ``collapsed`` when the loc entered a plain union."""
        node: Any = self.resolve(self.root)
        path: list[str | int] = []
        index = 0
        while index < len(loc):
            segment = loc[index]
            node = self.resolve(node)
            if not isinstance(node, dict):
                path.extend(loc[index:])
                return tuple(path), {}, False
            node_type = node.get("type")
            if isinstance(node_type, list) and len([t for t in node_type if t != "null"]) > 1:
                return tuple(path), node, True
            branches = self.non_null_branches(node)
            if branches:
                if len(branches) == 1:
                    node = branches[0]
                    continue
                if "oneOf" in node:
                    chosen = self._tagged_branch(branches, segment)
                    if chosen is not None:
                        node = chosen
                        index += 1
                        continue
                return tuple(path), node, True
            props = node.get("properties")
            if isinstance(props, dict) and segment in props:
                path.append(segment)
                node = props[segment]
            elif isinstance(node.get("items"), list) and isinstance(segment, int):
                path.append(segment)
                items = node["items"]
                node = items[segment] if segment < len(items) else {}
            elif isinstance(node.get("items"), dict) and isinstance(segment, int):
                path.append(segment)
                node = node["items"]
            elif isinstance(node.get("additionalProperties"), dict) and isinstance(segment, str):
                path.append(segment)
                node = node["additionalProperties"]
            elif isinstance(segment, str) and segment.startswith(("function-", "json-or-python")):
                pass
            else:
                path.append(segment)
                node = {}
            index += 1
        node = self.resolve(node)
        if isinstance(node, dict):
            branches = self.non_null_branches(node)
            if len(branches) == 1 and isinstance(branches[0], dict):
                node = self.resolve(branches[0])
        return tuple(path), node if isinstance(node, dict) else {}, False

    @staticmethod
    def _tagged_branch(branches: list[Any], tag: Any) -> Any:
        for branch in branches:
            if not isinstance(branch, dict):
                continue
            for prop in (branch.get("properties") or {}).values():
                if isinstance(prop, dict) and prop.get("const") == tag:
                    return branch
        return None


def _value_at(data: Any, path: tuple[str | int, ...]) -> Any:
    current = data
    for segment in path:
        if (isinstance(current, dict) and segment in current) or (
            isinstance(current, list) and isinstance(segment, int) and segment < len(current)
        ):
            current = current[segment]
        else:
            return _UNDEFINED
    return current


def _is_typeless(node: Mapping[str, Any]) -> bool:
    """z.any() / z.unknown() (or a union with one): ``{}`` or every JSON type Mastra writes."""
    node_type = node.get("type")
    if isinstance(node_type, list):
        return set(_TYPELESS_TYPES) <= set(node_type)
    for key in ("anyOf", "oneOf"):
        if isinstance(node.get(key), list):
            return any(isinstance(b, dict) and _is_typeless(b) for b in node[key])
    return not any(k for k in node if k not in ("description", "default", "title"))


def _invalid_type_message(node: Mapping[str, Any], value: Any) -> str:
    if isinstance(node.get("items"), list):
        return f"Invalid input: expected tuple, received {_parsed_type(value)}"
    if "const" in node:
        return f"Invalid input: expected {_stringify_primitive(node['const'])}"
    if isinstance(node.get("enum"), list):
        values = node["enum"]
        if len(values) == 1:
            return f"Invalid input: expected {_stringify_primitive(values[0])}"
        joined = "|".join(_stringify_primitive(v) for v in values)
        return f"Invalid option: expected one of {joined}"
    if "anyOf" in node or "oneOf" in node:
        return "Invalid input"
    expected = _zod_type_name(node)
    if expected == "unknown":
        return "Invalid input"
    return f"Invalid input: expected {expected}, received {_parsed_type(value)}"


_TYPE_ERRORS = frozenset(
    {
        "missing",
        "string_type",
        "int_type",
        "int_parsing",
        "float_type",
        "float_parsing",
        "bool_type",
        "bool_parsing",
        "dict_type",
        "model_type",
        "model_attributes_type",
        "list_type",
        "tuple_type",
        "set_type",
        "frozen_set_type",
        "none_required",
        "literal_error",
        "enum",
        "is_instance_of",
        "dataclass_type",
    }
)


def _pydantic_issues(
    exc: PydanticValidationError, walker: _SchemaWalker, data: Any, *, zod_dates: bool = False
) -> list[ValidationIssue]:
    issues: list[ValidationIssue] = []
    seen: set[tuple[tuple[str | int, ...], str]] = set()
    unrecognized: dict[tuple[str | int, ...], list[str]] = {}

    def add(path: tuple[str | int, ...], message: str) -> None:
        key = (path, message)
        if key not in seen:
            seen.add(key)
            issues.append(ValidationIssue(path, message))

    def tuple_size(loc: tuple[str | int, ...]) -> bool:
        """A fixed-length tuple of the wrong length: zod reports only its size."""
        for cut in range(len(loc), -1, -1):  # down to the root (a RootModel's tuple)
            parent_path, parent, _ = walker.walk(loc[:cut])
            items = parent.get("items")
            value = _value_at(data, parent_path)
            if (
                isinstance(items, list)
                and parent.get("additionalItems") is False
                and isinstance(value, list)
                and len(value) != len(items)
            ):
                word = "small" if len(value) < len(items) else "big"
                sign = ">=" if word == "small" else "<="
                add(
                    parent_path,
                    f"Too {word}: expected array to have {sign}{len(items)} items",
                )
                return True
        return False

    for error in exc.errors(include_url=False):
        loc = tuple(error.get("loc", ()))
        etype = error.get("type", "")
        ctx = error.get("ctx") or {}
        if etype == "extra_forbidden":
            parent_path, _, _ = walker.walk(loc[:-1])
            unrecognized.setdefault(parent_path, []).append(str(loc[-1]))
            continue
        if tuple_size(loc):
            continue
        path, node, collapsed = walker.walk(loc)
        value = _UNDEFINED if etype == "missing" else _value_at(data, path)
        if "oneOf" in node and not isinstance(value, dict) and (collapsed or etype in _TYPE_ERRORS):
            add(path, f"Invalid input: expected object, received {_parsed_type(value)}")
            continue
        if node.get("x-date") and etype != "missing" and zod_dates:
            continue  # z.date(): reported by _zod_tool_issues as zod words it
        if etype in ("int_type", "int_parsing", "int_from_float") and not node:
            # an int field whose schema is {}: the converter's form of z.bigint()
            add(path, f"Invalid input: expected bigint, received {_parsed_type(value)}")
            continue
        if etype == "missing" and _is_typeless(node):
            add(path, "Invalid input: expected nonoptional, received undefined")
            continue
        if collapsed:
            for message in _single_branch_issues(node, value) or ["Invalid input"]:
                add(path, message)
            continue
        if etype == "union_tag_not_found":
            key = str(ctx.get("discriminator", "")).strip("'")
            tags = " | ".join(f"'{t}'" for t in _branch_tags(node, key))
            add((*path, key), f"Invalid discriminator value. Expected {tags}")
            continue
        if etype in _TYPE_ERRORS and isinstance(node.get("allOf"), list):
            for member in node["allOf"]:  # zod checks every side of an intersection
                if isinstance(member, dict):
                    issues.append(ValidationIssue(path, _invalid_type_message(member, value)))
            continue
        if etype in ("too_short", "too_long") and isinstance(node.get("items"), list):
            size = len(node["items"])
            word, sign = ("small", ">=") if etype == "too_short" else ("big", "<=")
            add(path, f"Too {word}: expected array to have {sign}{size} items")
            continue
        if etype == "union_tag_invalid":
            tags = " | ".join(f"'{t}'" for t in _tags(ctx.get("expected_tags", "")))
            add(
                (*path, ctx.get("discriminator", "").strip("'")),
                f"Invalid discriminator value. Expected {tags}",
            )
            continue
        if etype in ("int_type", "int_from_float") and isinstance(value, float):
            add(path, "Invalid input: expected int, received number")
            continue
        if etype in _TYPE_ERRORS:
            add(path, _invalid_type_message(node, value))
            continue
        message = _constraint_message(etype, ctx, node, error)
        add(path, message)
    for path, keys in unrecognized.items():
        plural = "s" if len(keys) > 1 else ""
        joined = ", ".join(json.dumps(k, ensure_ascii=False) for k in keys)
        issues.append(ValidationIssue(path, f"Unrecognized key{plural}: {joined}"))
    return issues


_NULL_TOLERANT_LAYERS = frozenset({"openai", "openai-reasoning"})


def _accepts_null(node: Mapping[str, Any]) -> bool:
    node_type = node.get("type")
    if node_type == "null" or (isinstance(node_type, list) and "null" in node_type):
        return True
    if node.get("const", 0) is None or None in (node.get("enum") or []):
        return True
    for key in ("anyOf", "oneOf"):
        if isinstance(node.get(key), list):
            return any(isinstance(b, dict) and _accepts_null(b) for b in node[key])
    return _is_typeless(node)


def _js_date_ok(value: str) -> bool:
    try:
        datetime.fromisoformat(value.strip())
    except ValueError:
        return False
    return True


_JSON_TYPE_OF = {
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "integer": lambda v: (
        isinstance(v, (int, float)) and not isinstance(v, bool) and float(v).is_integer()
    ),
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
}


_SCALAR_TYPES = frozenset({"string", "number", "integer", "boolean"})


def _item_issues(node: Any, value: Any, path: tuple[str | int, ...]) -> list[ValidationIssue]:
    """Type and scalar-check issues of one tuple item (plain typed schemas only)."""
    if not isinstance(node, dict) or not isinstance(node.get("type"), str):
        return []
    check = _JSON_TYPE_OF.get(node["type"])
    if check is None:
        return []
    if not check(value):
        return [ValidationIssue(path, _invalid_type_message(node, value))]
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return [ValidationIssue(path, m) for m in _scalar_checks(node, value)]
    return []


def _zod_tool_issues(
    walker: _SchemaWalker, data: Any, layer: str | None
) -> tuple[list[ValidationIssue], list[tuple[str | int, ...]]]:
    """What zod rejects in tool input that the pydantic model lets through.

    ``z.date()`` (``x-date``): JSON carries no Date, so zod rejects every value unless Mastra's
    OpenAI compatibility layer coerced strings to dates first (an unparsable one is then an
    Invalid Date, "received Date"). ``z.never()``: any value. ``null`` for an optional field
    that is not nullable: zod rejects it (Mastra retries without the nulls; the OpenAI layer
    makes such fields nullable). Tuples with a rest element (a ``list[A | B]`` in pydantic):
    zod checks each position, rest items first. Returns the issues and the paths whose pydantic
    issues these replace.
    """
    issues: list[ValidationIssue] = []
    owned: list[tuple[str | int, ...]] = []
    null_ok = layer in _NULL_TOLERANT_LAYERS

    def visit(node: Any, value: Any, path: tuple[str | int, ...]) -> None:
        node = walker.resolve(node)
        if not isinstance(node, dict):
            return
        if node.get("x-date"):
            if null_ok and isinstance(value, str):
                if not _js_date_ok(value):
                    issues.append(
                        ValidationIssue(path, "Invalid input: expected date, received Date")
                    )
            elif not (value is None and _accepts_null(node)):
                issues.append(
                    ValidationIssue(
                        path, f"Invalid input: expected date, received {_parsed_type(value)}"
                    )
                )
            return
        if isinstance(value, str) and node.get("type") == "string":
            message = _string_format_issue(node, value)
            if message is not None:
                issues.append(ValidationIssue(path, message))
        if node.get("type") == "integer" and isinstance(value, int) and not isinstance(value, bool):
            if node.get("maximum") == MAX_SAFE_INTEGER and value > MAX_SAFE_INTEGER:
                issues.append(
                    ValidationIssue(path, f"Too big: expected int to be <={MAX_SAFE_INTEGER}")
                )
            if node.get("minimum") == -MAX_SAFE_INTEGER and value < -MAX_SAFE_INTEGER:
                issues.append(
                    ValidationIssue(path, f"Too small: expected int to be >=-{MAX_SAFE_INTEGER}")
                )
        members = node.get("allOf")
        if (
            isinstance(members, list)
            and members
            and all(isinstance(m, dict) and m.get("type") in _SCALAR_TYPES for m in members)
        ):
            owned.append(path)  # an intersection of scalars: zod checks every side
            for member in members:
                issues.extend(_item_issues(member, value, path))
            return
        prefix, rest = node.get("items"), node.get("additionalItems")
        if isinstance(prefix, list) and isinstance(rest, dict) and isinstance(value, list):
            owned.append(path)
            for index in range(len(prefix), len(value)):
                issues.extend(_item_issues(rest, value[index], (*path, index)))
            for index, item in enumerate(prefix):
                present = value[index] if index < len(value) else _UNDEFINED
                issues.extend(_item_issues(item, present, (*path, index)))
            return
        if node.get("not") == {}:
            issues.append(
                ValidationIssue(
                    path, f"Invalid input: expected never, received {_parsed_type(value)}"
                )
            )
            return
        branches = walker.non_null_branches(node)
        if len(branches) == 1 and value is not None:
            visit(branches[0], value, path)
            return
        props = node.get("properties")
        if isinstance(props, dict) and isinstance(value, dict):
            required = set(node.get("required") or [])
            for key, sub in props.items():
                if key not in value:
                    continue
                sub_node = walker.resolve(sub)
                if (
                    value[key] is None
                    and not null_ok
                    and key not in required
                    and isinstance(sub_node, dict)
                    and not _accepts_null(sub_node)
                ):
                    message = _invalid_type_message(sub_node, None)
                    if sub_node.get("x-date"):
                        message = "Invalid input: expected date, received null"
                    issues.append(ValidationIssue((*path, key), message))
                    continue
                visit(sub, value[key], (*path, key))
        items = node.get("items")
        if isinstance(items, dict) and isinstance(value, list):
            for index, item in enumerate(value):
                visit(items, item, (*path, index))
        extra = node.get("additionalProperties")
        if isinstance(extra, dict) and isinstance(value, dict) and not isinstance(props, dict):
            for key, item in value.items():
                visit(extra, item, (*path, key))

    visit(walker.root, data, ())
    return issues, owned


@functools.cache
def _python_regex(pattern: str) -> re.Pattern[str] | None:
    try:
        return re.compile(pattern)
    except re.error:  # \\p{...} classes: not checkable with re
        return None


def _string_format_issue(node: Mapping[str, Any], value: str) -> str | None:
    """zod's format and pattern checks the pydantic model may not run (lookaround patterns
    pydantic's regex engine rejects, z.url()); duplicates of pydantic's issues are dropped."""
    if node.get("format") == "uri":
        try:
            _url_check(value.strip())
        except ValueError:
            return _FORMAT_ERROR["uri"]
        return None
    pattern = node.get("pattern")
    if not isinstance(pattern, str):
        return None
    compiled = _python_regex(pattern)
    if compiled is None or compiled.search(value):
        return None
    return _pattern_message(node, pattern)


def _in_schema_order(walker: _SchemaWalker, issues: list[ValidationIssue]) -> list[ValidationIssue]:
    """Sort issues by their top-level property, in the order zod checks properties."""
    props = walker.resolve(walker.root).get("properties") or {}
    order = {key: i for i, key in enumerate(props)}
    return sorted(issues, key=lambda i: order.get(i.path[0], len(order)) if i.path else -1)


def _scalar_checks(node: Mapping[str, Any], value: Any) -> list[str]:
    """zod's non-aborting checks of a string or number schema, in zod's order."""
    out: list[str] = []
    if isinstance(value, str):
        exact = node.get("minLength") is not None and node.get("minLength") == node.get("maxLength")
        if "minLength" in node and len(value) < node["minLength"]:
            sign = "exactly " if exact else ">="
            out.append(f"Too small: expected string to have {sign}{node['minLength']} characters")
        if "maxLength" in node and len(value) > node["maxLength"]:
            sign = "exactly " if exact else "<="
            out.append(f"Too big: expected string to have {sign}{node['maxLength']} characters")
        message = _string_format_issue(node, value)
        if message is not None:
            out.append(message)
        return out
    num = format_js_number
    if "minimum" in node and value < node["minimum"]:
        out.append(f"Too small: expected number to be >={num(node['minimum'])}")
    if "exclusiveMinimum" in node and value <= node["exclusiveMinimum"]:
        out.append(f"Too small: expected number to be >{num(node['exclusiveMinimum'])}")
    if "maximum" in node and value > node["maximum"]:
        out.append(f"Too big: expected number to be <={num(node['maximum'])}")
    if "exclusiveMaximum" in node and value >= node["exclusiveMaximum"]:
        out.append(f"Too big: expected number to be <{num(node['exclusiveMaximum'])}")
    return out


def _single_branch_issues(node: Mapping[str, Any], value: Any) -> list[str]:
    """zod 4 unions: when exactly one member accepts the value's type (only its checks fail),
    zod reports that member's issues instead of "Invalid input". Scalar members only."""
    branches = node.get("anyOf")
    if not isinstance(branches, list) or isinstance(value, bool):
        return []
    if isinstance(value, str):
        wanted = {"string"}
    elif isinstance(value, (int, float)):
        wanted = {"number"} | ({"integer"} if float(value).is_integer() else set())
    else:
        return []
    matching = [b for b in branches if isinstance(b, dict) and b.get("type") in wanted]
    if len(matching) != 1 or any(
        isinstance(b, dict) and (not b.get("type") or isinstance(b.get("type"), list))
        for b in branches
    ):
        return []
    return _scalar_checks(matching[0], value)


def _branch_tags(node: Mapping[str, Any], key: str) -> list[str]:
    tags: list[str] = []
    for branch in node.get("oneOf") or node.get("anyOf") or []:
        prop = (branch.get("properties") or {}).get(key) if isinstance(branch, dict) else None
        if isinstance(prop, dict) and "const" in prop:
            tags.append(str(prop["const"]))
    return tags


def _tags(expected: str) -> list[str]:
    return [t.strip().strip("'") for t in str(expected).split(",") if t.strip()]


def _constraint_message(
    etype: str, ctx: Mapping[str, Any], node: Mapping[str, Any], error: Mapping[str, Any]
) -> str:
    def num(key: str) -> str:
        value = ctx.get(key)
        return format_js_number(value) if isinstance(value, (int, float)) else str(value)

    exact = node.get("minLength") is not None and node.get("minLength") == node.get("maxLength")
    exact_items = node.get("minItems") is not None and node.get("minItems") == node.get("maxItems")
    if etype == "string_too_short":
        adj = "exactly " if exact else ">="
        return f"Too small: expected string to have {adj}{num('min_length')} characters"
    if etype == "string_too_long":
        adj = "exactly " if exact else "<="
        return f"Too big: expected string to have {adj}{num('max_length')} characters"
    if etype == "too_short":
        adj = "exactly " if exact_items else ">="
        return f"Too small: expected array to have {adj}{num('min_length')} items"
    if etype == "too_long":
        adj = "exactly " if exact_items else "<="
        return f"Too big: expected array to have {adj}{num('max_length')} items"
    if etype == "greater_than_equal":
        return f"Too small: expected number to be >={num('ge')}"
    if etype == "greater_than":
        return f"Too small: expected number to be >{num('gt')}"
    if etype == "less_than_equal":
        return f"Too big: expected number to be <={num('le')}"
    if etype == "less_than":
        return f"Too big: expected number to be <{num('lt')}"
    if etype == "multiple_of":
        return f"Invalid number: must be a multiple of {num('multiple_of')}"
    if etype == "string_pattern_mismatch":
        return _pattern_message(node, str(ctx.get("pattern", node.get("pattern", ""))))
    if etype.startswith("url_"):
        return "Invalid URL"
    if etype.startswith("uuid_"):
        return "Invalid UUID"
    if etype.startswith("datetime_"):
        return "Invalid ISO datetime"
    if etype.startswith("date_"):
        return "Invalid ISO date"
    if etype in ("value_error", "assertion_error"):
        msg = str(error.get("msg", "Invalid input"))
        for prefix in ("Value error, ", "Assertion failed, "):
            if msg.startswith(prefix):
                msg = msg[len(prefix) :]
        return msg
    return str(error.get("msg", "Invalid input"))


def _regex_literal(pattern: str) -> str:
    """The text a zod ``startsWith``/``endsWith``/``includes`` pattern was made from."""
    return re.sub(r"\\(.)", r"\1", pattern)


def _pattern_message(node: Mapping[str, Any], pattern: str) -> str:
    """zod 4's message for a string that failed its pattern or format."""
    fmt = node.get("format")
    if fmt == "starts_with":
        return f'Invalid string: must start with "{_regex_literal(pattern[1:-2])}"'
    if fmt == "ends_with":
        return f'Invalid string: must end with "{_regex_literal(pattern[2:-1])}"'
    if fmt == "includes":
        return f'Invalid string: must include "{_regex_literal(pattern)}"'
    if fmt == "uuid" and node.get("pattern") == _GUID_PATTERN:
        return "Invalid GUID"
    if isinstance(fmt, str) and fmt in _FORMAT_ERROR:
        return _FORMAT_ERROR[fmt]
    if fmt is None and node.get("pattern") == _TIME_PATTERN:
        return _FORMAT_ERROR["time"]
    return f"Invalid string: must match pattern /{pattern}/"


_AJV_MESSAGES: dict[str, Callable[[Any], str]] = {
    "minimum": lambda v: f"must be >= {format_js_number(v)}",
    "maximum": lambda v: f"must be <= {format_js_number(v)}",
    "exclusiveMinimum": lambda v: f"must be > {format_js_number(v)}",
    "exclusiveMaximum": lambda v: f"must be < {format_js_number(v)}",
    "minLength": lambda v: f"must NOT have fewer than {v} characters",
    "maxLength": lambda v: f"must NOT have more than {v} characters",
    "minItems": lambda v: f"must NOT have fewer than {v} items",
    "maxItems": lambda v: f"must NOT have more than {v} items",
    "minProperties": lambda v: f"must NOT have fewer than {v} properties",
    "maxProperties": lambda v: f"must NOT have more than {v} properties",
    "multipleOf": lambda v: f"must be multiple of {format_js_number(v)}",
    "pattern": lambda v: f'must match pattern "{v}"',
    "enum": lambda v: "must be equal to one of the allowed values",
    "const": lambda v: "must be equal to constant",
    "anyOf": lambda v: "must match a schema in anyOf",
    "oneOf": lambda v: "must match exactly one schema in oneOf",
    "not": lambda v: "must NOT be valid",
    "uniqueItems": lambda v: "must NOT have duplicate items",
    "additionalProperties": lambda v: "must NOT have additional properties",
}


def _ajv_issue(error: jsonschema.ValidationError) -> ValidationIssue:
    path = tuple(error.absolute_path)
    validator = str(error.validator)
    if validator == "type":
        expected = error.validator_value
        text = ",".join(expected) if isinstance(expected, list) else str(expected)
        return ValidationIssue(path, f"must be {text}")
    if validator == "required":
        match = re.match(r"^'(.*)' is a required property$", error.message)
        missing = match.group(1) if match else error.message
        return ValidationIssue(path, f"must have required property '{missing}'")
    formatter = _AJV_MESSAGES.get(validator)
    if formatter is not None:
        return ValidationIssue(path, formatter(error.validator_value))
    return ValidationIssue(path, error.message)


def _apply_json_defaults(node: Any, data: Any, root: Mapping[str, Any]) -> Any:
    """Fill missing properties from ``default``s, recursively, as zod's ``.default()`` does."""
    if isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        if ref == "#":
            node = root
        elif isinstance(ref, str):
            name = _ref_name(ref)
            node = (root.get("definitions") or root.get("$defs") or {}).get(name, node)
    if not isinstance(node, dict) or not isinstance(data, dict):
        if (
            isinstance(node, dict)
            and isinstance(data, list)
            and isinstance(node.get("items"), dict)
        ):
            return [_apply_json_defaults(node["items"], item, root) for item in data]
        return data
    props = node.get("properties")
    if not isinstance(props, dict):
        return data
    out = dict(data)
    for key, sub in props.items():
        if not isinstance(sub, dict):
            continue
        if key not in out:
            if "default" in sub:
                out[key] = copy.deepcopy(sub["default"])
        else:
            out[key] = _apply_json_defaults(sub, out[key], root)
    return out


class CompiledSchema:
    """A tool schema made ready once: its JSON Schemas and a fast validator.

    ``kind`` is ``"pydantic"``, ``"json"`` or ``"none"``. ``json_schema`` is what goes to the model
    without provider rewrites, ``base_json_schema`` the input of the provider rewrites.
    """

    __slots__ = (
        "_adapter",
        "_json_validator",
        "_walker",
        "base_json_schema",
        "json_schema",
        "kind",
        "schema",
    )

    def __init__(self, schema: SchemaLike) -> None:
        self.schema = schema
        self.base_json_schema = to_base_json_schema(schema)
        self.json_schema = to_json_schema(schema) if schema is not None else self.base_json_schema
        self._walker = _SchemaWalker(self.base_json_schema)
        self._adapter: TypeAdapter[Any] | None = None
        self._json_validator: jsonschema.protocols.Validator | None = None
        if schema is None:
            self.kind: Literal["pydantic", "json", "none"] = "none"
        elif is_pydantic_model(schema):
            self.kind = "pydantic"
        else:
            self.kind = "json"
            import jsonschema

            try:
                jsonschema.Draft7Validator.check_schema(self.base_json_schema)
            except jsonschema.SchemaError as exc:
                raise ToolValidationError(
                    f"The JSON Schema given as a tool schema is not valid draft-07: {exc.message} "
                    f"(at {'/'.join(str(p) for p in exc.absolute_path) or 'the root'}). "
                    "Fix the schema dict or use a pydantic model class."
                ) from exc
            self._json_validator = jsonschema.Draft7Validator(dict(schema))  # type: ignore[arg-type]

    @property
    def root_type(self) -> str | None:
        """The ``type`` of the root schema (``"object"`` for models)."""
        root_type = self.base_json_schema.get("type")
        return root_type if isinstance(root_type, str) else None

    def _validate_pydantic(self, data: Any, *, zod_dates: bool = False) -> ValidationResult:
        result = self._validate_model(data, zod_dates=zod_dates)
        if result.ok and isinstance(result.value, RootModel):
            # a schema that is not an object (an array, a string, `X | None`): the value itself,
            # as zod's parse gives it
            return ValidationResult(True, result.value.root)
        return result

    def _validate_model(self, data: Any, *, zod_dates: bool) -> ValidationResult:
        model: type[BaseModel] = self.schema  # type: ignore[assignment]
        if isinstance(data, model):
            return ValidationResult(True, data)
        normalized = _normalize_numbers(data)
        try:
            text = json.dumps(normalized, ensure_ascii=False, allow_nan=False)
        except (TypeError, ValueError):
            try:
                value = model.model_validate(normalized)
            except PydanticValidationError as exc:
                issues = _pydantic_issues(exc, self._walker, data, zod_dates=zod_dates)
                return ValidationResult(False, None, issues)
            return ValidationResult(True, value)
        try:
            value = model.model_validate_json(text, strict=True)
        except PydanticValidationError as exc:
            issues = _pydantic_issues(exc, self._walker, normalized, zod_dates=zod_dates)
            return ValidationResult(False, None, issues)
        return ValidationResult(True, value)

    def validate_tool_input(self, data: Any, *, layer: str | None = None) -> ValidationResult:
        """Check a model's tool arguments as Mastra's zod schema would (see :meth:`validate`).

        ``layer`` is the schema compatibility layer Mastra applies for the model
        (:func:`lumos_compat.schema_compat.compat_layer_for`): the OpenAI layers accept
        ``null`` for optional fields and turn strings into dates for ``z.date()``.
        """
        if self.kind != "pydantic":
            return self.validate(data, apply_defaults=False)
        result = self._validate_pydantic(data, zod_dates=True)
        found, owned = _zod_tool_issues(self._walker, _normalize_numbers(data), layer)
        kept = [i for i in result.issues if not any(i.path[: len(o)] == o for o in owned)]
        known = {(i.path, i.message) for i in kept}
        extra = [i for i in found if (i.path, i.message) not in known]
        if not extra:
            if result.ok or not kept or len(kept) == len(result.issues):
                return result  # (pydantic's own words when zod's view found nothing)
            return ValidationResult(False, None, kept)
        return ValidationResult(False, None, _in_schema_order(self._walker, [*kept, *extra]))

    def validate(self, data: Any, *, apply_defaults: bool = True) -> ValidationResult:
        """Check ``data``: a model instance for pydantic schemas, a dict for JSON Schema dicts.

        For pydantic schemas validation is strict as zod's is (``"5"`` is not a number), with
        JSON semantics (``"2024-01-01T00:00:00Z"`` is a datetime, ``5.0`` is an int).
        """
        if self.kind == "none":
            return ValidationResult(True, data)
        if self.kind == "pydantic":
            return self._validate_pydantic(data)
        assert self._json_validator is not None
        prepared = data
        if apply_defaults:
            prepared = _apply_json_defaults(self.schema, data, self.schema)  # type: ignore[arg-type]
        errors = sorted(self._json_validator.iter_errors(prepared), key=lambda e: e.path)
        if errors:
            return ValidationResult(False, None, [_ajv_issue(e) for e in errors])
        return ValidationResult(True, prepared)


def compile_schema(schema: SchemaLike | CompiledSchema) -> CompiledSchema:
    """Prepare a schema once for repeated validation and rendering."""
    if isinstance(schema, CompiledSchema):
        return schema
    return CompiledSchema(schema)


def validate(schema: SchemaLike, data: Any, *, apply_defaults: bool = True) -> ValidationResult:
    """Validate ``data`` against a pydantic model class or a JSON Schema dict.

    Pydantic: the result value is the model instance (defaults filled by pydantic). JSON Schema
    dict: draft-7 validation with missing properties filled from their ``default`` first (unless
    ``apply_defaults=False``); the value is the filled-in data. Issues carry zod's (pydantic) or
    ajv's (JSON Schema) English messages, as Mastra reports them.
    """
    return compile_schema(schema).validate(data, apply_defaults=apply_defaults)
