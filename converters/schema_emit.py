"""From one ``SchemaNode``: the JSON Schema Mastra sends to the model, and pydantic source for people.

``to_json_schema(node, resolve=...)`` reproduces what real Mastra 1.71 sends over chat completions
for the zod 4 schema the node came from: zod's ``toJSONSchema`` (draft-07, input side, unknown
constructs as ``{}``) with Mastra's overrides (closed objects, dates as ``date-time`` strings) and its
tool preparation (a permissive type list for untyped properties). The zoo in
``tests/data/zod_zoo`` pins every rule here against recordings of real Mastra.

``PydanticModule`` turns nodes into pydantic model classes built with libcst.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import json
import keyword
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from json.encoder import encode_basestring as _json_string
from typing import Any

import libcst as cst

from converters import cstfast, cstrender
from converters.ir import SchemaNode, ZodEffect

__all__ = [
    "DRAFT_07",
    "EmittedModels",
    "PydanticModule",
    "SchemaEmitError",
    "SchemaNameCollision",
    "is_optional_input",
    "model_name_for",
    "modifier_order",
    "pascal_case",
    "python_field_name",
    "schema_argument",
    "schema_refs",
    "to_json_schema",
]

DRAFT_07 = "http://json-schema.org/draft-07/schema#"
MAX_SAFE_INTEGER = 9007199254740991
_INT_BOUNDS: dict[str, tuple[int, int]] = {
    "int": (-MAX_SAFE_INTEGER, MAX_SAFE_INTEGER),
    "int32": (-2147483648, 2147483647),
    "uint32": (0, 4294967295),
}
_FLOAT_BOUNDS: dict[str, float] = {
    "float32": 3.4028234663852886e38,
    "float64": 1.7976931348623157e308,
}
# what Mastra's tool preparation gives a property that has no type (z.any(), z.unknown(), ...)
_TYPELESS = ["string", "number", "integer", "boolean", "object", "null"]
_FOLDABLE = {"type", "properties", "required", "additionalProperties"}


class SchemaEmitError(Exception):
    """A schema node cannot be emitted; the message says which and why."""


class SchemaNameCollision(SchemaEmitError):
    """Two different models would get the same Python class name."""


# What zod 4's toJSONSchema (draft-07) writes for each string format, as observed from real
# Mastra 1.71 / zod 4.6 (tests/data/zod_zoo/zoo.json entries stringFormatsV3 and stringFormatsV4).
_FORMAT_JSON: dict[str, dict[str, str]] = {
    "email": {
        "format": "email",
        "pattern": "^(?:[A-Za-z0-9_'+\\-]+\\.)*[A-Za-z0-9_'+\\-]*[A-Za-z0-9_+-]@(?:[A-Za-z0-9][A-Za-z0-9\\-]*\\.)+[A-Za-z]{2,}$",
    },
    "url": {
        "format": "uri",
    },
    "uuid": {
        "format": "uuid",
        "pattern": "^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-8][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}|00000000-0000-0000-0000-000000000000|ffffffff-ffff-ffff-ffff-ffffffffffff)$",
    },
    "cuid": {
        "format": "cuid",
        "pattern": "^[cC][0-9a-z]{6,}$",
    },
    "cuid2": {
        "format": "cuid2",
        "pattern": "^[0-9a-z]+$",
    },
    "ulid": {
        "format": "ulid",
        "pattern": "^[0-7][0-9A-HJKMNP-TV-Za-hjkmnp-tv-z]{25}$",
    },
    "datetime": {
        "format": "date-time",
        "pattern": "^(?:(?:\\d\\d[2468][048]|\\d\\d[13579][26]|\\d\\d0[48]|[02468][048]00|[13579][26]00)-02-29|\\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\\d|30)|(?:02)-(?:0[1-9]|1\\d|2[0-8])))T(?:(?:[01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d(?:\\.\\d+)?(?:Z))$",
    },
    "date": {
        "format": "date",
        "pattern": "^(?:(?:\\d\\d[2468][048]|\\d\\d[13579][26]|\\d\\d0[48]|[02468][048]00|[13579][26]00)-02-29|\\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\\d|30)|(?:02)-(?:0[1-9]|1\\d|2[0-8])))$",
    },
    "time": {
        "pattern": "^(?:[01]\\d|2[0-3]):[0-5]\\d(?::[0-5]\\d(?:\\.\\d+)?)?$",
    },
    "emoji": {
        "format": "emoji",
        "pattern": "^(?=[\\s\\S]*[\\p{Extended_Pictographic}\\p{Regional_Indicator}\\u20E3])[\\p{Extended_Pictographic}\\p{Emoji_Component}]+$",
    },
    "nanoid": {
        "format": "nanoid",
        "pattern": "^[a-zA-Z0-9_-]{21}$",
    },
    "base64": {
        "format": "base64",
        "contentEncoding": "base64",
        "pattern": "^$|^(?:[0-9a-zA-Z+/]{4})*(?:(?:[0-9a-zA-Z+/]{2}==)|(?:[0-9a-zA-Z+/]{3}=))?$",
    },
    "guid": {
        "format": "uuid",
        "pattern": "^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$",
    },
    "duration": {
        "format": "duration",
        "pattern": "^P(?:(\\d+W)|(?!.*W)(?=\\d|T\\d)(\\d+Y)?(\\d+M)?(\\d+D)?(T(?=\\d)(\\d+H)?(\\d+M)?(\\d+([.,]\\d+)?S)?)?)$",
    },
    "ipv4": {
        "format": "ipv4",
        "pattern": "^(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])\\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])$",
    },
    "ipv6": {
        "format": "ipv6",
        "pattern": "^(([0-9a-fA-F]{1,4}:){7}[0-9a-fA-F]{1,4}|([0-9a-fA-F]{1,4}:){1,7}:|([0-9a-fA-F]{1,4}:){1,6}:[0-9a-fA-F]{1,4}|([0-9a-fA-F]{1,4}:){1,5}(:[0-9a-fA-F]{1,4}){1,2}|([0-9a-fA-F]{1,4}:){1,4}(:[0-9a-fA-F]{1,4}){1,3}|([0-9a-fA-F]{1,4}:){1,3}(:[0-9a-fA-F]{1,4}){1,4}|([0-9a-fA-F]{1,4}:){1,2}(:[0-9a-fA-F]{1,4}){1,5}|[0-9a-fA-F]{1,4}:((:[0-9a-fA-F]{1,4}){1,6})|:((:[0-9a-fA-F]{1,4}){1,7}|:))$",
    },
    "hostname": {
        "format": "hostname",
        "pattern": "^(?=.{1,253}\\.?$)[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[-0-9a-zA-Z]{0,61}[0-9a-zA-Z])?)*\\.?$",
    },
}


Resolver = Callable[[str], SchemaNode]


def to_json_schema(node: SchemaNode, *, resolve: Resolver) -> dict[str, Any]:
    """The JSON Schema (draft-07) Mastra sends as a tool's ``parameters`` for this schema.

    ``resolve`` maps a qualified schema name (a ``ref`` node's ``ref``) to its node.
    """
    builder = _JsonBuilder(resolve)
    builder.find_cycles(node)
    if node.type == "ref" and node.ref in builder.cyclic:
        builder.root_ref = node.ref
        body = builder.full(builder.target(node), skip_ref=True)
        body = builder.apply_modifiers(body, node)
    else:
        body = builder.full(node)
    result: dict[str, Any] = {"$schema": DRAFT_07, **body}
    if builder.definitions:
        result["definitions"] = builder.definitions
    return _fix_typeless_properties(result)


def schema_argument(
    annotation: cst.BaseExpression, chosen: str | None, written: str
) -> cst.BaseExpression | None:
    """What a tool, step or workflow is given as a schema: the annotation node when
    ``PydanticModule.schema_class`` chose the annotation itself (``written``), the root model it
    chose otherwise, or None."""
    if chosen is None:
        return None
    return annotation if chosen == written else cst.Name(chosen)


def schema_refs(node: SchemaNode) -> list[str]:
    """Qualified names of the schemas a node refers to directly or through its children."""
    found: list[str] = []
    for child in _walk(node):
        if child.type == "ref" and child.ref is not None and child.ref not in found:
            found.append(child.ref)
    return found


def _children(node: SchemaNode) -> Iterable[SchemaNode]:
    yield from node.properties.values()
    for child in (node.catchall, node.items, node.key, node.rest):
        if child is not None:
            yield child
    yield from node.members


def _walk(node: SchemaNode) -> Iterable[SchemaNode]:
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(list(_children(current))))


def _ref_nodes(node: SchemaNode) -> list[SchemaNode]:
    """The ``ref`` nodes of a tree in ``_walk`` order (pre-order), without following them."""
    found: list[SchemaNode] = []
    stack = [node]
    pop, push, extend = stack.pop, stack.append, stack.extend
    while stack:
        current = pop()
        # a pydantic model keeps its fields in its __dict__: read there, the walk visits every
        # node of every schema a module emits
        fields = current.__dict__
        if fields["ref"] is not None and fields["type"] == "ref":
            found.append(current)
        # the children of ``_children`` pushed in reverse, so the first is visited first
        child = fields["members"]
        if child:
            extend(reversed(child))
        for name in ("rest", "key", "items", "catchall"):  # pushed in reverse of _children
            child = fields[name]
            if child is not None:
                push(child)
        child = fields["properties"]
        if child:
            extend(reversed(child.values()))
    return found


def modifier_order(node: SchemaNode) -> list[str]:
    """The wrapping methods in the order zod applied them (derived from flags when not recorded)."""
    if node.modifiers:
        return list(node.modifiers)
    order: list[str] = []
    if node.nullable:
        order.append("nullable")
    if node.nullish:
        order.append("nullish")
    if node.optional:
        order.append("optional")
    if node.has_default:
        order.append("default")
    if node.description is not None:
        order.append("describe")
    return order


def is_optional_input(node: SchemaNode, resolve: Resolver | None = None) -> bool:
    """Whether an object key holding this schema may be absent from the input (not ``required``)."""
    if node.optional or node.nullish or node.has_default:
        return True
    if node.type == "ref" and node.ref is not None and resolve is not None:
        try:
            return is_optional_input(resolve(node.ref), None)
        except KeyError:
            return False
    return False


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _compact_type_union(schema: dict[str, Any]) -> None:
    """zod's rewrite of ``anyOf`` of bare ``{type}`` branches into a ``type`` list."""
    options = schema.get("anyOf")
    if not isinstance(options, list) or not options or "type" in schema:
        return
    types: list[str] = []
    for option in options:
        if not isinstance(option, dict):
            return
        _compact_type_union(option)
        if list(option) != ["type"]:
            return
        members = option["type"] if isinstance(option["type"], list) else [option["type"]]
        for member in members:
            if not isinstance(member, str):
                return
            if member not in types:
                types.append(member)
    del schema["anyOf"]
    schema["type"] = types[0] if len(types) == 1 else types


def _undeclared(member: dict[str, Any]) -> dict[str, Any] | None:
    extra = member.get("additionalProperties")
    if isinstance(extra, dict) and extra:
        return extra
    return None


def _fold_objects(members: list[Any]) -> dict[str, Any] | None:
    """zod's folding of an intersection of plain objects into one object, or None."""
    for member in members:
        if not isinstance(member, dict) or member.get("type") != "object":
            return None
        if any(key not in _FOLDABLE for key in member):
            return None
    properties: dict[str, Any] = {}
    required: list[str] = []
    for obj in members:
        for key in obj.get("properties", {}):
            if key in properties:
                continue
            parts: list[Any] = []
            for other in members:
                part = other.get("properties", {}).get(key) or _undeclared(other)
                if part is None:
                    continue
                if not any(_same(seen, part) for seen in parts):
                    parts.append(part)
            properties[key] = (
                parts[0] if len(parts) == 1 else (_fold_objects(parts) or {"allOf": parts})
            )
        for key in obj.get("required", []):
            if key not in required:
                required.append(key)
    folded: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        folded["required"] = required
    if all(obj.get("additionalProperties") is False for obj in members):
        folded["additionalProperties"] = False
    else:
        constraints: list[Any] = []
        for obj in members:
            constraint = _undeclared(obj)
            if constraint is not None and not any(_same(c, constraint) for c in constraints):
                constraints.append(constraint)
        if len(constraints) == 1:
            folded["additionalProperties"] = constraints[0]
        elif constraints:
            folded["additionalProperties"] = {"allOf": constraints}
    return folded


def _same(a: Any, b: Any) -> bool:
    return json.dumps(a, sort_keys=False) == json.dumps(b, sort_keys=False)


def _fix_typeless_properties(schema: Any) -> Any:
    """Mastra's tool preparation: a property schema without any type gets a permissive type list."""
    if not isinstance(schema, dict):
        return schema
    result = dict(schema)
    props = result.get("properties")
    if isinstance(props, dict):
        fixed: dict[str, Any] = {}
        for key, value in props.items():
            if not isinstance(value, dict):
                fixed[key] = value
            elif not any(k in value for k in ("type", "$ref", "anyOf", "oneOf", "allOf")):
                rest = {k: v for k, v in value.items() if k != "items"}
                fixed[key] = {**rest, "type": list(_TYPELESS)}
            else:
                fixed[key] = _fix_typeless_properties(value)
        result["properties"] = fixed
    items = result.get("items")
    if isinstance(items, list):
        result["items"] = [_fix_typeless_properties(i) for i in items]
    elif isinstance(items, dict):
        result["items"] = _fix_typeless_properties(items)
    return result


@dataclass
class _JsonBuilder:
    resolve: Resolver
    cyclic: set[str] = field(default_factory=set)
    def_ids: dict[str, str] = field(default_factory=dict)
    definitions: dict[str, Any] = field(default_factory=dict)
    root_ref: str | None = None

    def target(self, node: SchemaNode) -> SchemaNode:
        assert node.ref is not None
        try:
            return self.resolve(node.ref)
        except KeyError:
            raise SchemaEmitError(
                f"schema `{node.source_name or node.ref}` ({node.ref}) is referenced but was "
                "never registered; convert its definition first"
            ) from None

    def find_cycles(self, root: SchemaNode) -> None:
        self.find_cycles_through(_ref_nodes(root))

    def find_cycles_through(self, refs: list[SchemaNode]) -> None:
        """``find_cycles`` for a root whose ``ref`` nodes, in ``_walk`` order, are ``refs``."""
        done: set[str] = set()

        def visit(children: list[SchemaNode], stack: list[str]) -> None:
            for child in children:
                assert child.ref is not None
                if child.ref in stack:
                    self.cyclic.add(child.ref)
                    continue
                if child.ref in done:
                    continue
                visit(_ref_nodes(self.target(child)), [*stack, child.ref])
                done.add(child.ref)

        visit(refs, [])

    # -----------------------------------------------------------------------------------------
    def full(self, node: SchemaNode, *, skip_ref: bool = False) -> dict[str, Any]:
        return self.apply_modifiers(self.core(node, skip_ref=skip_ref), node)

    def apply_modifiers(self, schema: dict[str, Any], node: SchemaNode) -> dict[str, Any]:
        for modifier in modifier_order(node):
            if modifier in ("nullable", "nullish") and node.type != "null":
                schema = {"anyOf": [schema, {"type": "null"}]}
                _compact_type_union(schema)
            elif modifier == "default" and node.has_default:
                schema = {"default": copy.deepcopy(node.default), **schema}
            elif modifier == "catch" and "catch" in node.constraints:
                schema = {"default": copy.deepcopy(node.constraints["catch"]), **schema}
            elif modifier == "describe" and node.description is not None:
                schema = {**schema, "description": node.description}
            elif modifier == "readonly":
                schema = {"readOnly": True, **schema}
        return schema

    def core(self, node: SchemaNode, *, skip_ref: bool = False) -> dict[str, Any]:
        kind = node.type
        c = node.constraints
        if kind == "ref" and not skip_ref:
            assert node.ref is not None
            if node.ref in self.cyclic:
                if node.ref == self.root_ref:
                    return {"$ref": "#"}
                if node.ref not in self.def_ids:
                    def_id = f"__schema{len(self.def_ids)}"
                    self.def_ids[node.ref] = def_id
                    self.definitions[def_id] = {}
                    self.definitions[def_id] = self.full(self.target(node))
                return {"$ref": f"#/definitions/{self.def_ids[node.ref]}"}
            return self.full(self.target(node))
        if kind == "string":
            return self._string(c)
        if kind in ("number", "integer"):
            return self._number(kind, c)
        if kind == "boolean":
            return {"type": "boolean"}
        if kind == "null":
            return {"type": "null"}
        if kind == "never":
            return {"not": {}}
        if kind == "date":
            return {"type": "string", "format": "date-time", "x-date": not c.get("coerce", False)}
        if kind == "literal":
            return self._literal(node.values)
        if kind in ("enum", "native_enum"):
            return self._enum(node.values)
        if kind == "array":
            out: dict[str, Any] = {"type": "array"}
            out["items"] = self.full(node.items) if node.items is not None else {}
            if "min_items" in c:
                out["minItems"] = c["min_items"]
            if "max_items" in c:
                out["maxItems"] = c["max_items"]
            return out
        if kind == "tuple":
            out = {"type": "array", "items": [self.full(m) for m in node.members]}
            out["additionalItems"] = self.full(node.rest) if node.rest is not None else False
            out["minItems"] = len(node.members)
            if node.rest is None:
                out["maxItems"] = len(node.members)
            return out
        if kind == "union":
            out = {"anyOf": [self.full(m) for m in node.members]}
            _compact_type_union(out)
            return out
        if kind == "discriminated_union":
            return {"oneOf": [self.full(m) for m in node.members]}
        if kind == "intersection":
            parts: list[Any] = []
            for member in node.members:
                part = self.full(member)
                parts.extend(part["allOf"] if list(part) == ["allOf"] else [part])
            return _fold_objects(parts) or {"allOf": parts}
        if kind == "record":
            key = self.full(node.key) if node.key is not None else {"type": "string"}
            out = {
                "type": "object",
                "propertyNames": key,
                "additionalProperties": self.full(node.items) if node.items is not None else {},
            }
            if "enum" in key and not c.get("partial"):
                out["required"] = list(key["enum"])
            return out
        if kind == "object":
            return self._object(node)
        # any, unknown, bigint, map, set, opaque: zod's "unrepresentable: any" gives {}
        return {}

    @staticmethod
    def _string(c: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "string"}
        if "min_length" in c:
            out["minLength"] = c["min_length"]
        if "max_length" in c:
            out["maxLength"] = c["max_length"]
        patterns: list[str] = []
        fmt = c.get("format")
        if fmt in _FORMAT_JSON:
            spec = _FORMAT_JSON[fmt]
            if "format" in spec:
                out["format"] = spec["format"]
            if "contentEncoding" in spec:
                out["contentEncoding"] = spec["contentEncoding"]
            if "pattern" in spec:
                patterns.append(spec["pattern"])
        if "starts_with" in c:
            out["format"] = "starts_with"
            patterns.append(f"^{_escape_regex(c['starts_with'])}.*")
        if "ends_with" in c:
            out["format"] = "ends_with"
            patterns.append(f".*{_escape_regex(c['ends_with'])}$")
        if "includes" in c:
            out["format"] = "includes"
            patterns.append(_escape_regex(c["includes"]))
        if "pattern" in c:
            patterns.append(c["pattern"])
        if patterns:
            out["pattern"] = patterns[0]
            if len(patterns) > 1:
                out["allOf"] = [{"pattern": p} for p in patterns[1:]]
        return out

    def _number(self, kind: str, c: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {"type": kind}
        if kind == "integer":
            lo, hi = _INT_BOUNDS.get(c.get("int_format", "int"), _INT_BOUNDS["int"])
            if "exclusive_minimum" not in c:
                out["minimum"] = lo
            if "exclusive_maximum" not in c:
                out["maximum"] = hi
        elif "float_format" in c:
            bound = _FLOAT_BOUNDS[c["float_format"]]
            if "exclusive_minimum" not in c:
                out["minimum"] = -bound
            if "exclusive_maximum" not in c:
                out["maximum"] = bound
        for key, name in (
            ("minimum", "minimum"),
            ("maximum", "maximum"),
            ("exclusive_minimum", "exclusiveMinimum"),
            ("exclusive_maximum", "exclusiveMaximum"),
            ("multiple_of", "multipleOf"),
        ):
            if key in c:
                out[name] = c[key]
        return out

    def _literal(self, values: list[Any]) -> dict[str, Any]:
        if len(values) == 1:
            value = values[0]
            return {"type": _json_type(value), "const": value}
        types: list[str] = []
        for value in values:
            if _json_type(value) not in types:
                types.append(_json_type(value))
        return {"type": types[0] if len(types) == 1 else types, "enum": list(values)}

    def _enum(self, values: list[Any]) -> dict[str, Any]:
        types: list[str] = []
        for value in values:
            if _json_type(value) not in types:
                types.append(_json_type(value))
        out: dict[str, Any] = {}
        if types:
            out["type"] = types[0] if len(types) == 1 else types
        out["enum"] = list(values)
        return out

    def _object(self, node: SchemaNode) -> dict[str, Any]:
        props = {key: self.full(value) for key, value in node.properties.items()}
        required = [k for k, v in node.properties.items() if not is_optional_input(v, self._try)]
        out: dict[str, Any] = {"type": "object", "properties": props}
        if required:
            out["required"] = required
        if node.catchall is not None:
            if node.catchall.type in ("unknown", "any"):
                out["additionalProperties"] = True
            else:
                out["additionalProperties"] = self.full(node.catchall)
        elif node.object_mode == "passthrough":
            out["additionalProperties"] = True
        else:
            out["additionalProperties"] = False
        return out

    def _try(self, name: str) -> SchemaNode:
        return self.resolve(name)


def _escape_regex(text: str) -> str:
    return re.sub(r"[.*+?^${}()|[\]\\]", lambda m: "\\" + m.group(0), text)


# ---------------------------------------------------------------------------------------------
# pydantic source
# ---------------------------------------------------------------------------------------------

# BaseModel attributes a field must not shadow
_RESERVED_FIELDS = {
    "copy",
    "dict",
    "json",
    "parse_obj",
    "parse_raw",
    "parse_file",
    "schema",
    "schema_json",
    "construct",
    "validate",
    "fields",
    "update_forward_refs",
}


@functools.lru_cache(maxsize=4096)
def pascal_case(name: str) -> str:
    """``weather-tool`` / ``weather_tool`` / ``weatherTool`` -> ``WeatherTool``."""
    if name.isascii() and name.isalnum():  # one part: what the split below gives
        return name[0].upper() + name[1:] if name[0].isalpha() else f"M{name}"
    parts = re.split(r"[^0-9A-Za-z]+", name)
    out = "".join(p[:1].upper() + p[1:] for p in parts if p)
    if not out:
        return "Model"
    return out if out[0].isalpha() else f"M{out}"


def model_name_for(source_name: str) -> str:
    """The class name for a named schema const: ``weatherInputSchema`` -> ``WeatherInput``."""
    base = pascal_case(source_name)
    if base.endswith("Schema") and len(base) > len("Schema"):
        base = base[: -len("Schema")]
    return base


@functools.lru_cache(maxsize=4096)
def python_field_name(key: str) -> str:
    """A valid, non-reserved Python identifier for an object key (the key itself when possible)."""
    if key.isidentifier() and not keyword.iskeyword(key):
        if key.startswith("_") or key in _RESERVED_FIELDS or key.startswith("model_"):
            return _fresh_identifier(key.lstrip("_") or "field") + "_"
        return key
    if keyword.iskeyword(key) or keyword.issoftkeyword(key):
        return f"{key}_"
    return _fresh_identifier(key)


def _fresh_identifier(text: str) -> str:
    cleaned = re.sub(r"\W+", "_", text).strip("_") or "field"
    if cleaned[0].isdigit():
        cleaned = f"field_{cleaned}"
    words = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", cleaned).lower()
    return f"{words}_" if keyword.iskeyword(words) else words


class _FieldSpec:
    """A field's (or nested type's) annotation and what goes with it.

    ``comments`` and ``extra`` stay None until something is added (most fields have neither, and
    there are tens of thousands of specs on a large project); ``_comment`` and ``_extra`` add.
    """

    __slots__ = ("annotation", "comments", "default", "extra", "field_args", "kwargs")

    def __init__(
        self,
        annotation: str,
        kwargs: list[tuple[str, str]] | None = None,
        comments: list[str] | None = None,
    ) -> None:
        self.annotation = annotation
        self.kwargs: list[tuple[str, str]] = [] if kwargs is None else kwargs
        self.default: str | None = None  # source of the default; None means required
        self.comments: list[str] | None = comments
        self.extra: dict[str, Any] | None = None  # json_schema_extra
        self.field_args: tuple[tuple[str, str], ...] | None = None  # a ``Field(...)``'s arguments

    def comment(self, text: str) -> None:
        """Add a comment line to put above the field."""
        if self.comments is None:
            self.comments = [text]
        else:
            self.comments.append(text)

    def add_extra(self, values: dict[str, Any]) -> None:
        """Add ``json_schema_extra`` entries."""
        if self.extra is None:
            self.extra = dict(values)
        else:
            self.extra.update(values)


@dataclass(slots=True)
class _ClassSpec:
    name: str
    node: SchemaNode
    fields: list[tuple[str, str, _FieldSpec]]  # (python name, json key, spec)
    extra: str | None
    validators: list[cst.BaseStatement]
    forward: bool = False
    base: str = "BaseModel"
    aliased: bool = False  # a field's Python name differs from its key


@dataclass
class EmittedModels:
    """What a ``PydanticModule`` built: statements in order and the imports they need."""

    statements: list[cst.BaseStatement]
    imports: dict[str, set[str]]

    def import_statements(self) -> list[cst.SimpleStatementLine]:
        """``from X import a, b`` statements, sorted."""
        out: list[cst.SimpleStatementLine] = []
        previous_group: int | None = None

        def order(module: str) -> tuple[int, int, str]:
            return (_import_group(module), 0 if self.imports[module] == {""} else 1, module)

        for module in sorted(self.imports, key=order):
            names = sorted(n for n in self.imports[module] if n)
            texts = [f"import {module}"] if "" in self.imports[module] else []
            if names:
                texts.append(f"from {module} import {', '.join(names)}")
            for text in texts:
                stmt = _statement(text)
                assert isinstance(stmt, cst.SimpleStatementLine)
                if previous_group is not None and _import_group(module) != previous_group:
                    stmt = stmt.with_changes(leading_lines=[cst.EmptyLine()])
                previous_group = _import_group(module)
                out.append(stmt)
        return out

    def module_code(self, header: str | None = None) -> str:
        """A complete module: header comment, imports, then the statements."""
        body: list[cst.BaseStatement] = [*self.import_statements(), *self.statements]
        module = cst.Module(body=body)
        if header:
            module = module.with_changes(
                header=[
                    cst.EmptyLine(comment=cst.Comment(f"# {line}".rstrip()))
                    for line in header.splitlines()
                ]
            )
        return module.code


class PydanticModule:
    """Builds pydantic model classes from schema nodes, for one emitted Python module.

    ``add_model(node, "WeatherToolInput")`` emits the classes a schema needs and returns the type
    expression to use for it (the class name for objects, e.g. ``list[str]`` otherwise). Nested
    object models are named after their parent and field (``WeatherToolInputLocation``); named
    schema consts referenced by ``ref`` nodes become one class each, named from the const. Two
    different models wanting the same name raise ``SchemaNameCollision``.
    """

    def __init__(self, resolve: Resolver, *, taken_names: Iterable[str] = ()) -> None:
        self._resolve = resolve
        self._classes: list[_ClassSpec] = []
        self._names: dict[str, str | _Generated] = {name: "<taken>" for name in taken_names}
        self._named: dict[str, str] = {}  # qualified ref -> class name
        self._in_progress: set[str] = set()
        self._cyclic: set[str] = set()
        self._cycles: dict[tuple[str, ...], frozenset[str]] = {}  # find_cycles by root refs
        self._imports: dict[str, set[str]] = {}
        self._extra_statements: list[cst.BaseStatement] = []
        self._forward: set[str] = set()
        self._name_nodes: dict[str, cst.Name] = {}  # see name_node
        self._roots: list[cst.BaseStatement] = []  # root model classes, after the others
        self._typed_dicts: set[str] = set()  # the classes that are TypedDicts, not models
        self._top: tuple[SchemaNode, _FieldSpec] | None = None  # add_model's last node and type

    # public ------------------------------------------------------------------------------------
    def add_model(self, node: SchemaNode, class_name: str) -> str:
        """Emit what ``node`` needs; return the type expression to annotate with."""
        # which refs are cyclic depends only on the names the root refers to, in order
        refs = _ref_nodes(node)
        key = tuple(ref.ref or "" for ref in refs)
        cyclic = self._cycles.get(key)
        if cyclic is None:
            finder = _JsonBuilder(self._resolve)
            finder.find_cycles_through(refs)
            cyclic = self._cycles[key] = frozenset(finder.cyclic)
        self._cyclic |= cyclic
        spec = self._type_for(node, class_name, top=True)
        self._top = (node, spec)
        return spec.annotation

    def schema_class(
        self, annotation: str, class_name: str, fresh: Callable[[str], str]
    ) -> str | None:
        """The class a tool, step or workflow is given for the schema of the last ``add_model``
        (which returned ``annotation``): that model class; for a type that is not one (an array,
        a string, ``Order | None``) a ``RootModel`` of it, named ``class_name`` or, when a class
        here has that name, ``fresh(class_name + "Root")``; None for a schema the converter
        could not read (reported where it was read). ``z.any()`` is ``RootModel[Any]``: it checks
        nothing, and its JSON Schema is the empty one zod gives, not "no schema"."""
        if self.is_model_class(annotation):
            return annotation
        assert self._top is not None
        target = self._deref(self._top[0])
        if target.type == "opaque" and not target.effects:
            return None
        if class_name in self._names:
            class_name = fresh(f"{class_name}Root")
        return self.add_root_model(class_name)

    def add_root_model(self, class_name: str) -> str:
        """A ``RootModel`` class for the type the last ``add_model`` gave, with its constraints
        (``RootModel[Annotated[str, Field(min_length=2)]]``): what a tool or step takes as a
        schema whose type is not a model class. Returns the class name."""
        assert self._top is not None, "add_model first"
        node, spec = self._top
        inner = self._fold(spec, node, class_name)
        exact = self._exact_json(node)  # as a field pins it: zod's JSON Schema, not pydantic's
        if exact is not None:
            self._import("typing", "Annotated")
            self._import("pydantic", "WithJsonSchema")
            inner = f"Annotated[{inner}, WithJsonSchema({_py_literal(exact)})]"
        name = self._claim(class_name, self._generated_owner(node))
        self._import("pydantic", "RootModel")
        self._roots.append(
            _statement(f"class {name}(RootModel[{inner}]):\n    pass\n").with_changes(
                leading_lines=[cst.EmptyLine(), cst.EmptyLine()]
            )
        )
        return name

    def is_model_class(self, annotation: str) -> bool:
        """Whether ``annotation`` (from ``add_model``) names a pydantic model class built here,
        rather than a type (``list[str]``, ``str``, ``Order | None``, a TypedDict, ``Any``)."""
        owner = self._names.get(annotation)  # every class built here claimed its name
        return owner is not None and owner != "<taken>" and annotation not in self._typed_dicts

    def build(self) -> EmittedModels:
        """The statements (classes, then ``model_rebuild()`` calls for recursive models)."""
        statements: list[cst.BaseStatement] = []
        rebuild: list[str] = []
        for spec in self._classes:
            statements.append(self._class_def(spec))
            if spec.forward:
                rebuild.append(spec.name)
        statements = [*self._extra_statements, *statements, *self._roots]
        for i, name in enumerate(rebuild):
            stmt = _statement(f"{name}.model_rebuild()")
            if i == 0:
                stmt = stmt.with_changes(leading_lines=[cst.EmptyLine(), cst.EmptyLine()])
            statements.append(stmt)
        return EmittedModels(statements, {k: set(v) for k, v in self._imports.items()})

    # naming --------------------------------------------------------------------------------------
    def _generated_owner(self, node: SchemaNode) -> _Generated:
        return _Generated(node)

    def _claim(self, name: str, owner: str | _Generated) -> str:
        if not name.isidentifier() or keyword.iskeyword(name):
            raise SchemaEmitError(f"`{name}` is not a valid Python class name")
        previous = self._names.get(name)
        if previous is not None and previous != owner:
            raise SchemaNameCollision(
                f"two models would both be named `{name}` ({_describe_owner(previous)} and "
                f"{_describe_owner(owner)}). Rename one of the schemas or tools in the source, or "
                "pass a different class name."
            )
        self._names[name] = owner
        return name

    def _import(self, module: str, name: str) -> None:
        names = self._imports.get(module)
        if names is None:
            names = self._imports[module] = set()
        names.add(name)

    # types -----------------------------------------------------------------------------------------
    def _type_for(self, node: SchemaNode, name: str, *, top: bool = False) -> _FieldSpec:
        """The annotation (with constraints folded in via Annotated when not top-level)."""
        spec = self._bare(node, name)
        wants_none = node.nullable or node.nullish or (node.optional and not top)
        if wants_none and spec.annotation != "None" and not spec.annotation.endswith("| None"):
            spec.annotation = f"{spec.annotation} | None"
        return spec

    def _bare(self, node: SchemaNode, name: str) -> _FieldSpec:
        kind = node.type
        c = node.constraints
        if kind == "ref":
            return self._ref(node, name)
        if kind == "object":
            return _FieldSpec(self._object_class(node, name, owner=self._generated_owner(node)))
        if kind == "string":
            spec = _FieldSpec("str")
            if not c:
                return spec  # no constraints: no Field arguments, no JSON Schema extras
            if "min_length" in c:
                spec.kwargs.append(("min_length", repr(c["min_length"])))
            if "max_length" in c:
                spec.kwargs.append(("max_length", repr(c["max_length"])))
            extra: dict[str, Any] = {}
            js = _JsonBuilder._string(c)
            for key in ("format", "contentEncoding", "allOf"):
                if key in js:
                    extra[key] = js[key]
            if "pattern" in js:
                if _pydantic_pattern_ok(js["pattern"]):
                    spec.kwargs.append(("pattern", _py_literal(js["pattern"])))
                else:
                    extra["pattern"] = js["pattern"]
            if extra:
                spec.add_extra(extra)
            return spec
        if kind in ("number", "integer"):
            spec = _FieldSpec("int" if kind == "integer" else "float")
            if not c:
                return spec  # no bound, no format: no Field arguments
            for key, kw in (
                ("minimum", "ge"),
                ("maximum", "le"),
                ("exclusive_minimum", "gt"),
                ("exclusive_maximum", "lt"),
                ("multiple_of", "multiple_of"),
            ):
                if key in c:
                    spec.kwargs.append((kw, repr(c[key])))
            if kind == "integer" and c.get("int_format", "int") != "int":
                lo, hi = _INT_BOUNDS[c["int_format"]]
                if "minimum" not in c and "exclusive_minimum" not in c:
                    spec.kwargs.append(("ge", repr(lo)))
                if "maximum" not in c and "exclusive_maximum" not in c:
                    spec.kwargs.append(("le", repr(hi)))
            if "float_format" in c:
                bound = _FLOAT_BOUNDS[c["float_format"]]
                if "minimum" not in c and "exclusive_minimum" not in c:
                    spec.kwargs.append(("ge", repr(-bound)))
                if "maximum" not in c and "exclusive_maximum" not in c:
                    spec.kwargs.append(("le", repr(bound)))
            return spec
        if kind == "boolean":
            return _FieldSpec("bool")
        if kind == "null":
            return _FieldSpec("None")
        if kind == "bigint":
            return _FieldSpec("int", comments=["zod bigint: the model sees an untyped value"])
        if kind == "date":
            self._import("datetime", "datetime")
            return _FieldSpec("datetime")
        if kind in ("literal", "enum", "native_enum"):
            self._import("typing", "Literal")
            values = ", ".join([_py_literal(v) for v in node.values])
            return _FieldSpec(f"Literal[{values}]" if node.values else "Any")
        if kind == "array":
            inner = self._nested(node.items, f"{name}Item") if node.items else "Any"
            spec = _FieldSpec(f"list[{inner}]")
            if "min_items" in c:
                spec.kwargs.append(("min_length", repr(c["min_items"])))
            if "max_items" in c:
                spec.kwargs.append(("max_length", repr(c["max_items"])))
            return spec
        if kind == "set":
            inner = self._nested(node.items, f"{name}Item") if node.items else "Any"
            return _FieldSpec(f"set[{inner}]")
        if kind == "tuple":
            parts = [self._nested(m, f"{name}{i + 1}") for i, m in enumerate(node.members)]
            if node.rest is None:
                return _FieldSpec(f"tuple[{', '.join(parts)}]")
            # pydantic has no variadic tail for tuples: a list of the member types, with the
            # exact tuple JSON Schema kept for the model
            rest = self._nested(node.rest, f"{name}Rest")
            members = " | ".join(dict.fromkeys([*parts, rest]))
            js = _JsonBuilder(self._resolve).core(node)
            spec = _FieldSpec(f"list[{members}]", kwargs=[("min_length", repr(len(parts)))])
            spec.add_extra({k: v for k, v in js.items() if k in ("items", "additionalItems")})
            spec.comment(
                "zod tuple with a rest element: the first items are "
                + ", ".join(parts)
                + f", then any number of {rest}"
            )
            return spec
        if kind == "union":
            return _FieldSpec(" | ".join(self._union_members(node, name)))
        if kind == "discriminated_union":
            members = self._union_members(node, name)
            self._import("typing", "Annotated")
            self._import("pydantic", "Field")
            return _FieldSpec(
                f"Annotated[{' | '.join(members)}, "
                f"Field(discriminator={_py_literal(node.discriminator)})]"
            )
        if kind == "intersection":
            return self._intersection(node, name)
        if kind == "record" and (keys := self._exhaustive_keys(node)):
            return _FieldSpec(self._typed_dict(node, keys, name))
        if kind in ("record", "map"):
            key = self._nested(node.key, f"{name}Key") if node.key is not None else "str"
            value = self._nested(node.items, f"{name}Value") if node.items is not None else "Any"
            return _FieldSpec(f"dict[{key}, {value}]")
        if kind == "opaque":
            self._import("typing", "Any")
            return _FieldSpec(
                "Any",
                comments=[
                    f"TODO(lumos-migrate): {node.loc or '?'} {node.reason}: {_one_line(node.source or '')}"
                ],
            )
        # any, unknown, never
        self._import("typing", "Any")
        return _FieldSpec("Any")

    def _nested(self, node: SchemaNode, name: str) -> str:
        """A type used inside another type: constraints go into ``Annotated[..., Field(...)]``."""
        return self._fold(self._type_for(node, name), node, name)

    def _fold(self, spec: _FieldSpec, node: SchemaNode, name: str) -> str:
        """``spec``'s annotation with its constraints, description and validators in it."""
        pairs = list(spec.kwargs)
        description = self._description(node)
        if description is not None and self._deref(node).type != "object":
            pairs.append(("description", _py_literal(description)))
        if spec.extra:
            pairs.append(("json_schema_extra", _py_literal(spec.extra)))
        validators = self._nested_validators(node, name)
        if not pairs and not validators:
            return spec.annotation
        self._import("typing", "Annotated")
        metadata = []
        if pairs:
            self._import("pydantic", "Field")
            metadata.append(f"Field({', '.join(f'{k}={v}' for k, v in pairs)})")
        return f"Annotated[{', '.join([spec.annotation, *metadata, *validators])}]"

    def _nested_validators(self, node: SchemaNode, name: str) -> list[str]:
        """``WrapValidator(f)`` for each effect on a schema used inside another type (array
        items, union members...), with ``f`` a module-level function; objects carry theirs."""
        target = self._deref(node)
        if target.type == "object":
            return []
        effects = [*(target.effects if target is not node else []), *node.effects]
        out: list[str] = []
        if not effects:
            return out
        base = _fresh_identifier(name)
        for index, effect in enumerate(effects):
            suffix = f"_{index + 1}" if len(effects) > 1 else ""
            function = f"_{_EFFECT_NAMES.get(effect.kind, 'check')}_{base}{suffix}"
            if not effect.translated:
                what = "transform" if effect.kind in _TRANSFORM_KINDS else "refinement"
                code = (
                    f"def {function}(value, handler):\n"
                    f"    raise NotImplementedError({_py_literal(f'translate the zod {what} at {effect.loc or chr(63)}')})\n"
                )
                stmt = _with_comments(cst.parse_statement(code), _todo_lines(effect, what))
            else:
                stmt = self._wrap_validator(effect, "", function, "value", method=False)
            self._extra_statements.append(
                stmt.with_changes(
                    leading_lines=[cst.EmptyLine(), cst.EmptyLine(), *stmt.leading_lines]
                )
            )
            self._import("pydantic", "WrapValidator")
            out.append(f"WrapValidator({function})")
        return out

    def _union_members(self, node: SchemaNode, name: str) -> list[str]:
        out: list[str] = []
        for i, member in enumerate(node.members):
            suffix = str(i + 1)
            if node.discriminator:
                target = self._deref(member)
                tag = target.properties.get(node.discriminator) if target.type == "object" else None
                if tag is not None and tag.values:
                    suffix = pascal_case(str(tag.values[0]))
            out.append(self._nested(member, f"{name}{suffix}"))
        return out

    def _description(self, node: SchemaNode) -> str | None:
        """A node's description; a reference to a named non-object schema carries the named
        schema's own (zod reuses the schema instance, `.describe()` included)."""
        if node.description is not None or node.type != "ref" or node.ref in self._cyclic:
            return node.description
        target = self._deref(node)
        return target.description if target.type != "object" else None

    def _deref(self, node: SchemaNode) -> SchemaNode:
        seen: set[str] = set()
        while node.type == "ref" and node.ref is not None and node.ref not in seen:
            seen.add(node.ref)
            node = self._resolve(node.ref)
        return node

    def _ref(self, node: SchemaNode, name: str) -> _FieldSpec:
        assert node.ref is not None
        target = self._resolve(node.ref)
        if target.type != "object" and node.ref not in self._cyclic:
            return self._bare(target, name)  # constraints of the named non-object schema inline
        if node.ref in self._named:
            cls = self._named[node.ref]
        else:
            cls = model_name_for(target.source_name or node.source_name or name)
            self._named[node.ref] = cls
            self._in_progress.add(node.ref)
            try:
                self._object_class(target, cls, owner=node.ref)
            finally:
                self._in_progress.discard(node.ref)
        if node.ref in self._in_progress:
            self._forward.add(cls)
            return _FieldSpec(repr(cls))
        return _FieldSpec(cls)

    def _intersection(self, node: SchemaNode, name: str) -> _FieldSpec:
        parts = [self._deref(m) for m in node.members]
        if all(p.type == "object" for p in parts):
            merged = SchemaNode(type="object", loc=node.loc)
            for part in parts:
                for key, value in part.properties.items():
                    merged.properties.setdefault(key, value)
            modes = {p.object_mode for p in parts}
            merged.object_mode = (
                "passthrough"
                if "passthrough" in modes
                else ("strict" if modes == {"strict"} else "strip")
            )
            return _FieldSpec(self._object_class(merged, name, owner=self._generated_owner(node)))
        first = self._type_for(node.members[0], name)
        first.comment(
            "TODO(lumos-migrate): zod intersection of non-object schemas; only the first member is enforced"
        )
        return first

    def _exhaustive_keys(self, node: SchemaNode) -> list[str]:
        """The keys of a zod 4 record over an enum: every key is required (none when partial)."""
        if node.key is None or node.constraints.get("partial"):
            return []
        key = self._deref(node.key)
        values = key.values if key.type in ("enum", "native_enum") else []
        if not values or not all(isinstance(v, str) for v in values):
            return []
        if not all(v.isidentifier() and not keyword.iskeyword(v) for v in values):
            return []  # TypedDict class syntax needs identifiers; keep the plain dict
        return [str(v) for v in values]

    def _typed_dict(self, node: SchemaNode, keys: list[str], name: str) -> str:
        """A record whose keys are an enum: a TypedDict requiring each key, closed to others
        (zod 4 reports a missing key and rejects unknown ones); the value stays a dict."""
        cls = self._claim(name, self._generated_owner(node))
        value = self._nested(node.items, f"{cls}Value") if node.items is not None else "Any"
        fields = [(key, key, _FieldSpec(value)) for key in keys]
        self._classes.append(_ClassSpec(cls, node, fields, "forbid", [], base="TypedDict"))
        self._typed_dicts.add(cls)
        self._import("typing_extensions", "TypedDict")
        return cls

    # classes ---------------------------------------------------------------------------------------
    def _object_class(self, node: SchemaNode, name: str, *, owner: str | _Generated) -> str:
        cls = self._claim(name, owner)
        fields: list[tuple[str, str, _FieldSpec]] = []
        used: set[str] = set()
        validators: list[cst.BaseStatement] = []
        aliased = False
        for key, prop in node.properties.items():
            py_name = python_field_name(key)
            while py_name in used:
                py_name += "_"
            used.add(py_name)
            if py_name != key and key:
                aliased = True
            # a leaf schema never names a nested class: no name to make for it
            nested = cls if prop.type in _UNNAMED_KINDS else f"{cls}{pascal_case(key)}"
            spec = self._field(prop, nested, key, py_name)
            fields.append((py_name, key, spec))
            if prop.effects or prop.type == "ref":  # else _field_validators has none
                validators.extend(self._field_validators(prop, py_name, key))
        if node.effects:  # else _model_validators has none
            validators.extend(self._model_validators(node))
        extra = None
        if node.catchall is not None and node.catchall.type not in ("any", "unknown"):
            extra = "allow"
            value = self._nested(node.catchall, f"{cls}Extra")
            fields.append(("__pydantic_extra__", "", _FieldSpec(f"dict[str, {value}]")))
            self._import("pydantic", "Field")
            fields[-1][2].default = "Field(init=False)"
        elif node.object_mode == "passthrough" or node.catchall is not None:
            extra = "allow"
        elif node.object_mode == "strict":
            extra = "forbid"
        spec = _ClassSpec(cls, node, fields, extra, validators, aliased=aliased)
        if cls in self._forward:
            spec.forward = True
        self._classes.append(spec)
        self._import("pydantic", "BaseModel")
        return cls

    def _field(self, prop: SchemaNode, nested_name: str, key: str, py_name: str) -> _FieldSpec:
        # the calls for a plain (non-ref) property are inlined where they reduce to a read
        kind = prop.type
        is_ref = kind == "ref"
        has_default = prop.has_default
        nullable = prop.nullable
        nullish_flag = prop.nullish
        nullish = (nullish_flag or (prop.optional and nullable)) and not has_default
        spec = self._bare(prop, nested_name)
        if nullish:
            self._import("lumos_compat.schema", "Nullish")
            spec.annotation = f"Nullish[{spec.annotation}]"
        elif nullable or nullish_flag:  # what _type_for(top=True) adds to _bare
            annotation = spec.annotation
            if annotation != "None" and not annotation.endswith("| None"):
                spec.annotation = f"{annotation} | None"
        modifiers = prop.modifiers
        if (
            kind not in _EXACT_KINDS
            and not has_default
            and (not modifiers or ("nullable" not in modifiers and "nullish" not in modifiers))
        ):
            # what _exact_json finds for such a field: no kind to pin, no wrapper recorded
            # before nullable/nullish, no null default
            exact = None
        else:
            exact = self._exact_json(prop)
        if exact is not None:
            self._import("typing", "Annotated")
            self._import("pydantic", "WithJsonSchema")
            spec.annotation = f"Annotated[{spec.annotation}, WithJsonSchema({_py_literal(exact)})]"
        # every _bare gives a spec of its own: its argument list becomes this field's
        kwargs = spec.kwargs
        default: str | None = None
        if nullish:
            optional_input = False
            default = "None"
        elif is_ref:
            optional_input = is_optional_input(prop, self._resolve)
        else:
            optional_input = prop.optional or nullish_flag or has_default
        if has_default:
            factory = prop.constraints.get("default_factory")
            if factory is not None and prop.constraints.get("default_unknown"):
                kwargs.insert(0, ("default_factory", f"_{py_name}_default"))
                spec.comment(
                    f"TODO(lumos-migrate): {prop.loc or '?'} default computed by {_one_line(factory)}"
                )
                self._extra_statements.append(
                    cst.parse_statement(
                        f"def _{py_name}_default():\n    raise NotImplementedError({_py_literal('translate the zod default ' + _one_line(factory))})\n"
                    )
                )
            elif factory is not None or isinstance(prop.default, list | dict):
                if prop.default == [] or prop.default == {}:
                    made = type(prop.default).__name__
                else:
                    made = f"lambda: {_py_literal(prop.default)}"
                kwargs.insert(0, ("default_factory", made))
                if isinstance(prop.default, dict) and prop.default:
                    kwargs.append(("validate_default", "True"))  # a nested model from the dict
            else:
                default = _py_literal(prop.default)
        elif optional_input:
            if not spec.annotation.endswith("| None") and spec.annotation != "None":
                spec.annotation = f"{spec.annotation} | None"
            default = "None"
        description = self._description(prop) if is_ref else prop.description
        if description is not None and exact is None:  # else the pinned JSON carries it
            kwargs.append(("description", _py_literal(description)))
        constraints = prop.constraints
        if constraints:
            if "catch" in constraints:
                spec.comment(
                    f"zod .catch({_one_line(json.dumps(constraints['catch']))}): invalid input became this value"
                )
                spec.add_extra({"default": constraints["catch"]})
            if constraints.get("readonly"):
                spec.add_extra({"readOnly": True})
        if (
            (default is not None or prop.has_default)
            and ("validate_default", "True") not in kwargs
            and self._transforms_absent(prop)
        ):
            kwargs.append(("validate_default", "True"))  # zod transforms a missing value too
        if spec.extra:
            kwargs.append(("json_schema_extra", _py_literal(spec.extra)))
        if py_name != key:
            kwargs.append(("alias", _py_literal(key)))
        if kwargs:
            self._import("pydantic", "Field")
            # the default goes into Field(...), written from these arguments
            spec.field_args = (("default", default), *kwargs) if default is not None else (*kwargs,)
            spec.kwargs = []
        else:
            spec.default = default
        return spec

    def _exact_json(self, prop: SchemaNode) -> dict[str, Any] | None:
        """The exact JSON Schema to pin on a field whose natural pydantic form would render
        differently from zod (None when the natural form already matches)."""
        kind = prop.type
        if kind not in _EXACT_KINDS and not prop.modifiers and not prop.has_default:
            return None  # what the checks below find for such a field, in one test
        target = prop
        if kind == "ref":
            target = self._deref(prop)
            if prop.ref in self._cyclic:
                return None
            kind = target.type
        # at most one of the kind checks applies
        if kind in ("bigint", "map", "set", "never", "date"):
            needs = True
        elif kind in ("enum", "native_enum"):
            needs = len(target.values) == 1
        elif kind == "record":
            needs = target.key is not None and (
                self._deref(target.key).type in ("enum", "native_enum", "literal")
            )
        elif kind == "union":
            needs = any(self._deref(m).type == "null" for m in target.members[:-1])
        elif kind == "intersection":
            needs = not self._foldable(target)
        else:
            needs = False
        # a wrapper applied before nullable/nullish; the order modifier_order derives when
        # none was recorded starts with those two, so only a recorded order can have one
        order = prop.modifiers
        for late in ("nullable", "nullish"):
            if not needs and late in order:
                index = order.index(late)
                needs = any(m in ("describe", "default", "catch") for m in order[:index])
        if not needs:
            needs = (prop.nullable or prop.nullish) and prop.has_default and prop.default is None
        if not needs:
            return None
        return _JsonBuilder(self._resolve).full(prop)

    def _foldable(self, node: SchemaNode) -> bool:
        parts = [self._deref(m) for m in node.members]
        if not all(p.type == "object" and p.catchall is None for p in parts):
            return False
        modes = {"strict" if p.object_mode == "strip" else p.object_mode for p in parts}
        if len(modes) != 1:
            return False
        seen: set[str] = set()
        for part in parts:
            if seen & set(part.properties):
                return False
            seen |= set(part.properties)
        return True

    def _field_validators(
        self, prop: SchemaNode, py_name: str, key: str
    ) -> list[cst.BaseStatement]:
        target = prop
        if prop.type == "ref" and prop.ref is not None:
            target = self._resolve(prop.ref)
            if target.type == "object":
                target = prop  # the named model carries its own validators
        if target.type == "object" and target is prop:
            return []  # object-level checks become model validators of the nested class
        effects = [*target.effects, *(prop.effects if target is not prop else [])]
        out: list[cst.BaseStatement] = []
        if not effects:
            return out
        field = _fresh_identifier(py_name)
        for index, effect in enumerate(effects):
            suffix = f"_{index + 1}" if len(effects) > 1 else ""
            if not effect.translated:
                self._import("pydantic", "field_validator")
                mode = "before" if effect.kind == "preprocess" else "after"
                what = "transform" if effect.kind in _TRANSFORM_KINDS else "refinement"
                loc = str(effect.loc or "?")
                code = (
                    f"@field_validator({_py_literal(py_name)}, mode={_py_literal(mode)})\n"
                    f"@classmethod\n"
                    f"def _check_{field}{suffix}(cls, value):\n"
                    f"    raise NotImplementedError({_py_literal(f'translate the zod {what} at {loc}')})\n"
                )
                out.append(_with_comments(cst.parse_statement(code), _todo_lines(effect, what)))
                continue
            self._import("pydantic", "field_validator")
            decorator = f'@field_validator({_py_literal(py_name)}, mode="wrap")\n@classmethod\n'
            out.append(
                self._wrap_validator(
                    effect, decorator, f"_{_EFFECT_NAMES[effect.kind]}_{field}{suffix}", "value"
                )
            )
        return out

    def _transforms_absent(self, prop: SchemaNode) -> bool:
        """Whether a translated transform of the field runs when the key is absent (zod runs
        it on the default or on undefined)."""
        if not prop.effects and prop.type != "ref":
            return False  # no effect of its own, none of a named schema
        target = self._resolve(prop.ref) if prop.type == "ref" and prop.ref else prop
        effects = [*prop.effects, *(target.effects if target is not prop else [])]
        return any(e.kind in ("transform", "overwrite") and e.translated for e in effects)

    def _wrap_validator(
        self, effect: ZodEffect, decorator: str, name: str, value: str, *, method: bool = True
    ) -> cst.BaseStatement:
        """A wrap validator calling ``lumos_compat.zod_effects`` with the translated callback."""
        self._import("lumos_compat", "zod_effects")
        helper = _EFFECT_HELPERS[effect.kind]
        lines = [f"{decorator}def {name}({'cls, ' if method else ''}{value}, handler):"]
        if effect.kind == "catch":
            lines.append(
                f"    return zod_effects.catch({value}, handler, {_py_literal(effect.value)})"
            )
        elif effect.kind == "coerce":
            lines.append(
                f"    return zod_effects.coerce({value}, handler, {_py_literal(effect.value)})"
            )
        elif effect.kind == "pipe":
            assert effect.output is not None
            piped = self._nested(effect.output, f"{pascal_case(name.strip('_'))}Output")
            lines.append(f"    return zod_effects.pipe({value}, handler, {piped})")
        else:
            assert effect.python is not None
            for module, imported in effect.imports:
                self._import(module, imported or "")
            lines += ["    " + line if line.strip() else "" for line in effect.python.splitlines()]
            function = "convert" if effect.kind in _TRANSFORM_KINDS else "check"
            args = [value, "handler", function]
            if effect.kind == "refine":
                if effect.message is not None or effect.path:
                    args.append(_py_literal(effect.message))
                if effect.path:
                    args.append(_py_literal(list(effect.path)))
            if value == "data":  # an object-level refinement
                args.append("model=cls")
            lines += ["", f"    return zod_effects.{helper}({', '.join(args)})"]
        func = cst.parse_statement("\n".join(lines) + "\n")
        if effect.kind == "coerce" and effect.source.startswith("."):
            what = "overwrite"  # .trim(), .toLowerCase(), .toUpperCase()
        else:
            what = {"catch": "fallback", "coerce": "coercion"}.get(effect.kind) or (
                "transform" if effect.kind in _TRANSFORM_KINDS else "refinement"
            )
        comment = f"zod {what} {_one_line(effect.source)}"
        if effect.loc is not None:
            comment += f" ({effect.loc})"
        if effect.kind not in ("catch", "coerce"):
            comment += " translated by lumos-migrate [LM406]"
        return _with_comments(func, [comment])

    def _model_validators(self, node: SchemaNode) -> list[cst.BaseStatement]:
        out: list[cst.BaseStatement] = []
        effects = [e for e in node.effects if e.kind != "catch"]
        for index, effect in enumerate(effects):
            suffix = f"_{index + 1}" if len(effects) > 1 else ""
            self._import("pydantic", "model_validator")
            what = "transform" if effect.kind in _TRANSFORM_KINDS else "refinement"
            if effect.translated and effect.kind not in _TRANSFORM_KINDS:
                decorator = '@model_validator(mode="wrap")\n@classmethod\n'
                name = f"_{_EFFECT_NAMES[effect.kind]}{suffix}"
                out.append(self._wrap_validator(effect, decorator, name, "data"))
                continue
            loc = str(effect.loc or "?")
            mode = "before" if effect.kind == "preprocess" else "after"
            code = (
                f"@model_validator(mode={_py_literal(mode)})\n"
                f"def _check{suffix}(self):\n"
                f"    raise NotImplementedError({_py_literal(f'translate the zod {what} at {loc}')})\n"
            )
            if mode == "before":
                code = code.replace("def _check", "@classmethod\ndef _check").replace(
                    "(self)", "(cls, data)"
                )
            func = cst.parse_statement(code)
            out.append(_with_comments(func, _todo_lines(effect, what)))
        return out

    def _class_def(self, spec: _ClassSpec) -> cst.BaseStatement:
        # The class's text is written here from the pieces its nodes are made of; the nodes of
        # a plain field line are made only if something reads the class's body (_ModelClass):
        # the converter renders the class from its text and reads no more than its name
        parts: list[cst.BaseStatement | _FieldLine] = []
        texts: list[str] = []
        doc = spec.node.description
        if doc:
            parts.append(cst.SimpleStatementLine([cst.Expr(cst.SimpleString(_docstring(doc)))]))
        config: list[str] = []
        if spec.extra:
            config.append(f"extra={_py_literal(spec.extra)}")
        if spec.aliased:
            config.append("populate_by_name=True")
        if config:
            self._import("pydantic", "ConfigDict")
            target = "__pydantic_config__" if spec.base == "TypedDict" else "model_config"
            parts.append(_statement(f"{target} = ConfigDict({', '.join(config)})"))
        for statement in parts:
            texts.append(_block_line(statement))  # type: ignore[arg-type]
        append = parts.append
        append_text = texts.append
        for py_name, _key, fspec in spec.fields:
            annotation = fspec.annotation
            if "Any" in annotation and _ANY_WORD.search(annotation):
                self._import("typing", "Any")
            line = (py_name, annotation, fspec.default, fspec.field_args)
            text = None if fspec.comments else _field_text(*line)
            if text is None:  # a comment above it, or a value spanning lines: rendered
                statement = _field_statement(py_name, fspec)
                append(statement)
                append_text(_block_line(statement))
            else:
                append(line)
                append_text(text)
        for validator in spec.validators:
            statement = validator.with_changes(
                leading_lines=[cst.EmptyLine(indent=False), *validator.leading_lines]
            )
            append(statement)
            append_text(_block_line(statement))
        if not parts:
            append(_PASS_LINE)
            append_text(_block_line(_PASS_LINE))
        return _ModelClass.make(
            spec.base, self.name_node(spec.name), parts, _class_text(spec.name, spec.base, texts)
        )

    def name_node(self, name: str) -> cst.Name:
        """A ``Name`` node for a class name of this module, one per name (nodes are immutable)."""
        node = self._name_nodes.get(name)
        if node is None:
            # an identifier is what libcst checks a Name for; anything else it rejects
            made = cstfast.name(name) if name.isidentifier() else cst.Name(name)
            node = self._name_nodes[name] = made
        return node

    @property
    def helper_statements(self) -> list[cst.BaseStatement]:
        """Module-level helpers the models use (default factories to complete)."""
        return list(self._extra_statements)


_TRANSFORM_KINDS = frozenset({"transform", "overwrite", "pipe", "preprocess"})
# kinds for which PydanticModule._exact_json looks further than the field's modifiers and default
_EXACT_KINDS = frozenset(
    {
        "ref",
        "bigint",
        "map",
        "set",
        "never",
        "date",
        "enum",
        "native_enum",
        "record",
        "union",
        "intersection",
    }
)
# kinds whose type never uses the name offered for nested classes (see PydanticModule._bare)
_UNNAMED_KINDS = frozenset(
    {
        "string",
        "number",
        "integer",
        "boolean",
        "null",
        "bigint",
        "date",
        "literal",
        "enum",
        "native_enum",
        "opaque",
        "any",
        "unknown",
        "never",
    }
)
_EFFECT_NAMES = {
    "refine": "refine",
    "superRefine": "super_refine",
    "transform": "transform",
    "overwrite": "transform",
    "preprocess": "preprocess",
    "pipe": "pipe",
    "catch": "catch",
    "coerce": "coerce",
}
_EFFECT_HELPERS = {**_EFFECT_NAMES, "overwrite": "transform"}


def _todo_lines(effect: ZodEffect, what: str) -> list[str]:
    lines = _lines(f"{what} {effect.source}")
    out = [f"TODO(lumos-migrate): {effect.loc or '?'} {lines[0]}", *lines[1:]]
    if effect.why:
        out.append(f"not translated: {effect.why}")
    return out


def _import_group(module: str) -> int:
    return 0 if module.split(".")[0] in sys.stdlib_module_names else 1


class _Generated:
    """The owner of a class name generated for an inline object schema (unique: equal only to
    itself); its location is written out only for a collision message."""

    __slots__ = ("node",)

    def __init__(self, node: SchemaNode) -> None:
        self.node = node


def _describe_owner(owner: str | _Generated) -> str:
    if isinstance(owner, _Generated):
        loc = owner.node.loc or "an unknown location"
        return f"a model generated for the object schema at {loc}"
    if owner == "<taken>":
        return "a name already used in the module"
    if "#" in owner:
        return f"the schema {owner}"
    return f"the generated model for {owner}"


def _py_literal(value: Any) -> str:
    """Python source for a JSON-like value."""
    if isinstance(value, str):
        return (
            _json_string(value)  # json.dumps(value, ensure_ascii=False), without its set-up
            if "'" in value or '"' not in value
            else repr(value)
        )
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(_py_literal(v) for v in value) + "]"
    if isinstance(value, dict):
        return (
            "{"
            + ", ".join(f"{_py_literal(str(k))}: {_py_literal(v)}" for k, v in value.items())
            + "}"
        )
    raise SchemaEmitError(f"cannot write {value!r} as a Python literal")


@functools.lru_cache(maxsize=4096)
def _pydantic_pattern_ok(pattern: str) -> bool:
    """Whether pydantic's default regex engine accepts the pattern."""
    from pydantic import Field as PydField
    from pydantic import TypeAdapter

    try:
        from typing import Annotated

        TypeAdapter(Annotated[str, PydField(pattern=pattern)])
    except Exception:
        return False
    return True


def _docstring(text: str) -> str:
    body = text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    return f'"""{body}"""'


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.splitlines() if line.strip()] or [""]


# The emitted model classes are built from small pieces of Python source (annotations, literals).
# Each distinct piece is parsed once: libcst nodes are immutable, so one parsed node can sit in
# many trees, and a field line is assembled from its pieces instead of being parsed whole (the
# same line, e.g. ``id: str``, is assembled once).
_STRING_LITERAL = re.compile(r'"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'')
# Whitespace and punctuation nodes are shared too, and passed explicitly where libcst would
# otherwise build a default for each field of each node.
_ANY_WORD = re.compile(r"\bAny\b")
_NO_SPACE = cst.SimpleWhitespace("")
_SPACE = cst.SimpleWhitespace(" ")
_NEWLINE = cst.Newline()
_LINE_END = cst.TrailingWhitespace(whitespace=_NO_SPACE, newline=_NEWLINE)
_BLANK_LINE = cst.EmptyLine(whitespace=_NO_SPACE, newline=_NEWLINE)
_ASSIGN_EQUAL = cst.AssignEqual(whitespace_before=_SPACE, whitespace_after=_SPACE)
_ARG_COMMA = cst.Comma(whitespace_before=_NO_SPACE, whitespace_after=_SPACE)
_FIELD = cst.Name("Field")


@functools.lru_cache(maxsize=4096)
def _name(value: str) -> cst.Name:
    return cst.Name(value)


@functools.lru_cache(maxsize=64)
def _base_arg(base: str) -> cst.Arg:
    return cst.Arg(_name(base), whitespace_after_star=_NO_SPACE, whitespace_after_arg=_NO_SPACE)


@functools.lru_cache(maxsize=64)
def _class_template(base: str) -> cst.ClassDef:
    """``class _(base):`` after two blank lines, every whitespace given from shared nodes."""
    return cst.ClassDef(
        name=cst.Name("_"),
        body=cst.IndentedBlock(body=[], header=_LINE_END),
        bases=[_base_arg(base)],
        leading_lines=[_BLANK_LINE, _BLANK_LINE],
        whitespace_after_class=_SPACE,
        whitespace_after_name=_NO_SPACE,
        whitespace_before_colon=_NO_SPACE,
        whitespace_after_type_parameters=_NO_SPACE,
    )


@functools.lru_cache(maxsize=64)
def _class_fields(base: str) -> tuple[tuple[str, Any], ...]:
    """The fields of ``_class_template(base)`` but its name and body, for ``_ModelClass.make``:
    libcst checks nothing about a name or body (a Name from _claim has no parentheses; a body
    has no indent)."""
    template = _class_template(base)
    return tuple(
        (f.name, getattr(template, f.name))
        for f in dataclasses.fields(template)
        if f.name not in ("name", "body")
    )


# Nodes of the fixed shapes a model class is made of, validated once here; their copies get
# values libcst would accept (identifiers, string literals, keyword arguments), checked where
# they are made or true by construction
_BLOCK_COPY = cstfast.Copier(cst.IndentedBlock(body=[], header=_LINE_END), "body")
_LINE_COPY = cstfast.Copier(
    cst.SimpleStatementLine([cst.Pass()], trailing_whitespace=_LINE_END), "body"
)
_FIELD_COPY = cstfast.Copier(
    cst.AnnAssign(
        target=cstfast.name("_"),
        annotation=cst.Annotation(cstfast.name("_")),
        value=cstfast.name("_"),
        equal=_ASSIGN_EQUAL,
    ),
    "target",
    "annotation",
    "value",
    "equal",
)
_ANNOTATION_COPY = cstfast.Copier(
    cst.Annotation(
        cstfast.name("_"), whitespace_before_indicator=_NO_SPACE, whitespace_after_indicator=_SPACE
    ),
    "annotation",
)
_CALL_COPY = cstfast.Copier(
    cst.Call(func=_FIELD, whitespace_after_func=_NO_SPACE, whitespace_before_args=_NO_SPACE),
    "args",
)


@functools.lru_cache(maxsize=16384)
def _expression(code: str) -> cst.BaseExpression:
    if _STRING_LITERAL.fullmatch(code):  # no prefix, one pair of matching quotes
        return cstfast.simple_string(code)
    if (code.isidentifier() and not keyword.iskeyword(code)) or code in ("None", "True", "False"):
        return cstfast.name(code)
    return cst.parse_expression(code)


@functools.lru_cache(maxsize=4096)
def _statement(code: str) -> cst.BaseStatement:
    return cst.parse_statement(code)


def _field_statement(py_name: str, spec: _FieldSpec) -> cst.BaseStatement:
    """``name: annotation = default``: what parsing that line gives, without parsing it whole."""
    statement = _field_node(py_name, spec.annotation, spec.default, spec.field_args)
    return _with_comments(statement, spec.comments) if spec.comments else statement


# a plain field line of a model class: (python name, annotation, default, Field arguments)
_FieldLine = tuple[str, str, str | None, tuple[tuple[str, str], ...] | None]


@functools.lru_cache(maxsize=16384)
def _field_node(
    py_name: str, annotation: str, default: str | None, args: tuple[tuple[str, str], ...] | None
) -> cst.BaseStatement:
    """The line's node, assembled from its pieces."""
    value: cst.BaseExpression | None = None
    if args is not None:
        value = _field_call(args)
    elif default is not None:
        value = _expression(default)
    equal = _ASSIGN_EQUAL if value is not None else cst.MaybeSentinel.DEFAULT
    return _LINE_COPY([_FIELD_COPY(_name(py_name), _annotation(annotation), value, equal)])


@functools.lru_cache(maxsize=16384)
def _field_text(
    py_name: str, annotation: str, default: str | None, args: tuple[tuple[str, str], ...] | None
) -> str | None:
    """The text libcst renders ``_field_node``'s line with in a class body (indentation and
    newline included), written from the same pieces (None: the text would span lines)."""
    text = f"{py_name}: {_source(annotation)}"
    if args is not None:
        text += " = Field(" + ", ".join([f"{name}={_source(v)}" for name, v in args]) + ")"
    elif default is not None:
        text += " = " + _source(default)
    if "\n" in text or "\r" in text:
        return None
    return _BODY_INDENT + text + "\n"


@functools.lru_cache(maxsize=16384)
def _source(code: str) -> str:
    """The text ``_expression(code)`` renders with: ``code`` itself for a name or a string."""
    node = _expression(code)
    cls = type(node)
    if (cls is cst.SimpleString or cls is cst.Name) and not node.lpar:  # type: ignore[attr-defined]
        return code
    return cstfast.code(node)


# A model class's text, as libcst renders the nodes _class_def builds, at the top of a module
# with the default indentation and newline (_class_template's shape, then the body's lines).
_BODY_INDENT = "    "
_PASS_LINE = cst.SimpleStatementLine([cst.Pass()], trailing_whitespace=_LINE_END)


def _block_line(statement: cst.BaseStatement) -> str:
    """A statement of a class body, rendered at the body's depth."""
    return cstrender.render(statement, _BODY_INDENT, "\n", indent=_BODY_INDENT)


def _class_text(name: str, base: str, body: list[str]) -> str:
    return f"\n\nclass {name}({base}):\n" + "".join(body)


_CLASS_BODY = cst.ClassDef.__dict__["body"]  # the slot holding a ClassDef's body


class _ModelClass(cst.ClassDef):
    """A model class made by ``_class_def``: a ``ClassDef`` that carries its text (for
    ``cstrender``) and makes its body's nodes when the body is first read.

    Reading the body (libcst's code generation, a visitor, ``with_changes``) gives the nodes
    ``_class_def`` made before the body was deferred; the class is named ``ClassDef`` so that
    visitors dispatch to ``visit_ClassDef`` for it as for any class.
    """

    __slots__ = ("_parts", "_text")

    @classmethod
    def make(
        cls,
        base: str,
        name: cst.Name,
        parts: list[cst.BaseStatement | _FieldLine],
        text: str,
    ) -> _ModelClass:
        """``class name(base):`` with a body of ``parts``, written as ``text``."""
        node = object.__new__(cls)
        setattr_ = object.__setattr__
        for field_name, value in _class_fields(base):
            setattr_(node, field_name, value)
        setattr_(node, "name", name)
        setattr_(node, "_parts", parts)
        setattr_(node, "_text", text)
        return node

    @property  # type: ignore[override]
    def body(self) -> cst.BaseSuite:
        """The class's body, its nodes made on first reading."""
        try:
            return _CLASS_BODY.__get__(self)  # type: ignore[no-any-return]
        except AttributeError:
            pass
        statements = [
            _field_node(*part) if type(part) is tuple else part
            for part in self._parts  # type: ignore[attr-defined]
        ]
        body = _BLOCK_COPY(statements)
        _CLASS_BODY.__set__(self, body)
        return body

    @body.setter
    def body(self, value: cst.BaseSuite) -> None:
        _CLASS_BODY.__set__(self, value)


_ModelClass.__name__ = "ClassDef"
cstrender.render_carried(_ModelClass)


@functools.lru_cache(maxsize=4096)
def _annotation(code: str) -> cst.Annotation:
    return _ANNOTATION_COPY(_expression(code))


@functools.lru_cache(maxsize=16384)
def _field_call(args: tuple[tuple[str, str], ...]) -> cst.Call:
    """``Field(name=value, ...)``; an argument (e.g. ``default=None``) is shared by many calls."""
    last = len(args) - 1
    # keyword arguments only: nothing libcst checks about a call's arguments can fail
    return _CALL_COPY([_keyword_arg(name, value, i < last) for i, (name, value) in enumerate(args)])


@functools.lru_cache(maxsize=16384)
def _keyword_arg(name: str, value: str, comma: bool) -> cst.Arg:
    comma_node = _ARG_COMMA if comma else cst.MaybeSentinel.DEFAULT
    return cstfast.keyword_arg(_expression(value), _name(name), comma_node)


def _with_comments(stmt: cst.BaseStatement, comments: list[str]) -> cst.BaseStatement:
    if not comments:
        return stmt
    lines = [cst.EmptyLine(comment=cst.Comment(f"# {c}".rstrip())) for c in comments]
    return stmt.with_changes(leading_lines=[*stmt.leading_lines, *lines])
