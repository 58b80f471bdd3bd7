"""Per-provider rewrites of tool schemas, as ``@mastra/schema-compat`` 1.3 applies them in Mastra 1.x.

Mastra offers a tool to a model through the first compatibility layer whose rule matches the
model, in this order (``provider`` is the AI SDK provider id such as ``openai.responses``,
``model_id`` the model's id):

1. OpenAI reasoning: ``model_id`` contains ``o1``, ``o3`` or ``o4`` and ``provider`` or ``model_id``
   contains ``openai``.
2. OpenAI: not a reasoning id, and ``provider`` contains ``openai`` or ``groq``, or ``model_id``
   contains ``openai``.
3. Google: ``model_id`` does not contain ``claude``, and ``provider`` contains ``google`` or
   ``model_id`` contains ``gemini-`` or ``google``.
4. Anthropic: ``model_id`` contains ``claude``.
5. DeepSeek: ``model_id`` contains ``deepseek`` but not ``r1``.
6. Meta: ``model_id`` contains ``meta``.

Every layer walks the JSON Schema zod produced (before Mastra's typeless-property fix) with a
``pre`` and a ``post`` step per node. All layers close objects (``additionalProperties: false``)
and move length, number and format constraints into the description as
``"constraints: minimum length 2, a valid email"``. OpenAI (strict mode) also makes every
property required, turns optional ones into ``anyOf [..., {type: null}]`` and lists them in
``x-optional``; Google drops ``$schema``/``additionalProperties``, uses ``nullable`` and inlines
``$ref``s; Anthropic merges a root union of objects into one object.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

from lumos_compat.schema import (
    DRAFT_07,
    MAX_SAFE_INTEGER,
    fix_typeless_properties,
    format_js_number,
    traverse_schema,
)

__all__ = [
    "apply_provider_compat",
    "compat_layer_for",
    "provider_tool_schema",
]

_OPENAI_FORMATS = frozenset(
    {"date-time", "time", "date", "duration", "email", "hostname", "ipv4", "ipv6", "uuid"}
)
_DESCRIBED_FORMATS = frozenset({"email", "emoji", "uri", "uuid", "date-time", "date", "time"})
_TYPELESS_TYPES = ["string", "number", "integer", "boolean", "object", "null"]

Node = dict[str, Any]


def _provider_name(provider: str) -> str:
    return provider


def compat_layer_for(provider: str, model_id: str) -> str | None:
    """Which layer Mastra applies: ``openai-reasoning``, ``openai``, ``google``, ``anthropic``,
    ``deepseek``, ``meta``, or ``None``.

    ``provider`` is the full provider id (``openai.responses``); Mastra matches substrings of it.
    """
    provider = _provider_name(provider or "")
    model_id = model_id or ""
    reasoning = "o3" in model_id or "o4" in model_id or "o1" in model_id
    if reasoning and ("openai" in provider or "openai" in model_id):
        return "openai-reasoning"
    if not reasoning and ("openai" in provider or "openai" in model_id or "groq" in provider):
        return "openai"
    if "claude" not in model_id and (
        "google" in provider or "gemini-" in model_id or "google" in model_id
    ):
        return "google"
    if "claude" in model_id:
        return "anthropic"
    if "deepseek" in model_id and "r1" not in model_id:
        return "deepseek"
    if "meta" in model_id:
        return "meta"
    return None


# ---------------------------------------------------------------------------------------------
# JSON Schema helpers (the shapes schema-compat recognises)
# ---------------------------------------------------------------------------------------------


def _has_type(node: Node, name: str) -> bool:
    node_type = node.get("type")
    return node_type == name or (isinstance(node_type, list) and name in node_type)


def _is_object(node: Node) -> bool:
    return _has_type(node, "object") or "properties" in node


def _is_array(node: Node) -> bool:
    return _has_type(node, "array") or "items" in node


def _is_string(node: Node) -> bool:
    return _has_type(node, "string")


def _is_number(node: Node) -> bool:
    return _has_type(node, "number") or _has_type(node, "integer")


def _is_union(node: Node) -> bool:
    any_of = node.get("anyOf")
    one_of = node.get("oneOf")
    return (
        (isinstance(any_of, list) and len(any_of) > 0)
        or (isinstance(one_of, list) and len(one_of) > 0)
        or isinstance(node.get("type"), list)
    )


def _is_all_of(node: Node) -> bool:
    all_of = node.get("allOf")
    return isinstance(all_of, list) and len(all_of) > 0


def _merge_description(description: Any, constraints: list[str]) -> Any:
    if not constraints:
        return description
    prefix = f"{description}\n" if description else ""
    return prefix + "constraints: " + ", ".join(constraints)


def _num(value: Any) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return format_js_number(value)
    return _js_string(value)


def _js_string(value: Any) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "null"
    if isinstance(value, list):
        return ",".join("" if v is None else _js_string(v) for v in value)
    if isinstance(value, dict):
        return "[object Object]"
    return str(value)


# default handlers (SchemaCompatLayer) -------------------------------------------------------


def _object_handler(node: Node) -> None:
    if "properties" in node and "additionalProperties" not in node:
        node["additionalProperties"] = False
    if not (node.get("properties") or {}):
        node["required"] = []


def _array_handler(node: Node) -> None:
    constraints: list[str] = []
    min_items = node.get("minItems")
    max_items = node.get("maxItems")
    if "minItems" in node and "maxItems" in node and min_items == max_items:
        constraints = [f"exact length {_num(min_items)}"]
        del node["minItems"]
        del node["maxItems"]
    else:
        if "minItems" in node:
            constraints.append(f"minimum length {_num(min_items)}")
            del node["minItems"]
        if "maxItems" in node:
            constraints.append(f"maximum length {_num(max_items)}")
            del node["maxItems"]
    if constraints:
        node["description"] = _merge_description(node.get("description"), constraints)


def _string_handler(node: Node) -> None:
    constraints: list[str] = []
    if "minLength" in node:
        constraints.append(f"minimum length {_num(node.pop('minLength'))}")
    if "maxLength" in node:
        constraints.append(f"maximum length {_num(node.pop('maxLength'))}")
    fmt = node.get("format")
    if isinstance(fmt, str) and fmt in _DESCRIBED_FORMATS:
        constraints.append(f"a valid {fmt}")
        node.pop("pattern", None)
        node.pop("format", None)
    if not constraints and "pattern" in node:
        constraints.append(f"input must match this regex {_js_string(node.pop('pattern'))}")
    if constraints:
        node["description"] = _merge_description(node.get("description"), constraints)


def _number_handler(node: Node) -> None:
    constraints: list[str] = []
    if "minimum" in node:
        minimum = node.pop("minimum")
        if minimum != -MAX_SAFE_INTEGER:
            constraints.append(f"greater than or equal to {_num(minimum)}")
    if "maximum" in node:
        maximum = node.pop("maximum")
        if maximum != MAX_SAFE_INTEGER:
            constraints.append(f"lower than or equal to {_num(maximum)}")
    if "exclusiveMinimum" in node:
        constraints.append(f"greater than {_num(node.pop('exclusiveMinimum'))}")
    if "exclusiveMaximum" in node:
        constraints.append(f"lower than {_num(node.pop('exclusiveMaximum'))}")
    if "multipleOf" in node:
        constraints.append(f"multiple of {_num(node.pop('multipleOf'))}")
    if constraints:
        node["description"] = _merge_description(node.get("description"), constraints)


def _all_of_handler(node: Node) -> None:
    all_of = node.get("allOf")
    if not isinstance(all_of, list):
        return
    merged_props: dict[str, Any] = {}
    merged_required: list[str] = []
    for sub in all_of:
        if not isinstance(sub, dict):
            continue
        if isinstance(sub.get("properties"), dict):
            merged_props.update(sub["properties"])
        if isinstance(sub.get("required"), list):
            merged_required.extend(sub["required"])
    del node["allOf"]
    node["type"] = "object"
    node["properties"] = merged_props
    if merged_required:
        node["required"] = list(dict.fromkeys(merged_required))
    node["additionalProperties"] = False


class _Layer:
    """One compatibility layer: ``pre`` and ``post`` per node, like schema-compat's classes."""

    def pre(self, node: Node) -> None:
        if _is_all_of(node):
            _all_of_handler(node)
        if _is_object(node):
            _object_handler(node)
        elif _is_array(node):
            _array_handler(node)
        elif _is_number(node):
            _number_handler(node)
        elif _is_string(node):
            _string_handler(node)

    def post(self, node: Node) -> None:
        if _is_union(node):
            self.union_handler(node)

    def union_handler(self, node: Node) -> None:
        any_of = node.get("anyOf")
        if isinstance(any_of, list):
            kept = []
            for sub in any_of:
                if not isinstance(sub, dict):
                    continue
                self.pre(sub)
                self.post(sub)
                kept.append(sub)
            node["anyOf"] = kept

    def process(self, schema: Node) -> Node:
        traverse_schema(schema, self.pre, self.post)
        return schema


# OpenAI (strict mode) ---------------------------------------------------------------------------


def _json_equal(left: Any, right: Any) -> bool:
    if type(left) is not type(right) and not (
        isinstance(left, (int, float))
        and isinstance(right, (int, float))
        and not isinstance(left, bool)
        and not isinstance(right, bool)
    ):
        return False
    if isinstance(left, list):
        return len(left) == len(right) and all(
            _json_equal(a, b) for a, b in zip(left, right, strict=False)
        )
    if isinstance(left, dict):
        return len(left) == len(right) and all(
            k in right and _json_equal(v, right[k]) for k, v in left.items()
        )
    return bool(left == right)


def _unordered_equal(left: list[Any], right: list[Any], eq: Callable[[Any, Any], bool]) -> bool:
    if len(left) != len(right):
        return False
    matched: set[int] = set()
    for item in left:
        for index, other in enumerate(right):
            if index not in matched and eq(item, other):
                matched.add(index)
                break
        else:
            return False
    return True


def _schema_equal(left: Any, right: Any, keyword: str | None = None) -> bool:
    if keyword in ("const", "default", "example", "examples"):
        return _json_equal(left, right)
    if left is right or (
        not isinstance(left, (dict, list))
        and not isinstance(right, (dict, list))
        and type(left) is type(right)
        and left == right
    ):
        return True
    if isinstance(left, list) or isinstance(right, list):
        if not (isinstance(left, list) and isinstance(right, list)):
            return False
        if keyword in ("required", "type"):
            return _unordered_equal(left, right, lambda a, b: a == b and type(a) is type(b))
        if keyword == "enum":
            return _unordered_equal(left, right, _json_equal)
        if keyword in ("allOf", "anyOf", "oneOf"):
            return _unordered_equal(left, right, lambda a, b: _schema_equal(a, b))
        return len(left) == len(right) and all(
            _schema_equal(a, b) for a, b in zip(left, right, strict=False)
        )
    if not isinstance(left, dict) or not isinstance(right, dict):
        return False
    return len(left) == len(right) and all(
        k in right and _schema_equal(v, right[k], k) for k, v in left.items()
    )


_OBJECT_KEYWORDS = ["properties", "required", "additionalProperties", "x-optional"]
_ARRAY_KEYWORDS = ["items"]
_GENERIC_CONSTRAINTS = ["const", "enum", "oneOf", "not", "if", "then", "else"]
_BRANCH_CONSTRAINTS = ["anyOf", "oneOf", "not", "if", "then", "else"]


def _type_specific(type_name: Any) -> list[str]:
    if type_name == "object":
        return _OBJECT_KEYWORDS
    if type_name == "array":
        return _ARRAY_KEYWORDS
    return []


class _OpenAILayer(_Layer):
    def pre(self, node: Node) -> None:
        if _is_all_of(node):
            _all_of_handler(node)
        if _is_object(node):
            _object_handler(node)
        elif _is_array(node):
            _array_handler(node)
        elif _is_number(node):
            _number_handler(node)
        elif _is_string(node):
            fmt = node.get("format")
            if fmt and fmt not in _OPENAI_FORMATS:
                node.pop("format", None)
                node.pop("pattern", None)
            _string_handler(node)

    def post(self, node: Node) -> None:
        if _is_union(node):
            self.union_handler(node)
        if "type" not in node and "anyOf" not in node:
            moved = dict(node)
            node.clear()
            node["anyOf"] = [moved, {"type": "null"}]
        if _is_object(node):
            node["additionalProperties"] = False
            node.pop("propertyNames", None)
            props = node.get("properties")
            if isinstance(props, dict):
                for key in list(props.keys()):
                    self._make_nullable(node, key, props[key])

    @staticmethod
    def _make_nullable(node: Node, key: str, prop: Any) -> None:
        if "required" not in node or not isinstance(node["required"], list):
            node["required"] = []
        if key in node["required"]:
            return
        node["x-optional"] = [*node.get("x-optional", []), key]
        node["required"].append(key)
        if not isinstance(prop, dict):
            return

        def redundant_nullable(type_name: Any) -> bool:
            any_of = prop.get("anyOf")
            if not isinstance(any_of, list) or len(any_of) != 2:
                return False
            nulls = [b for b in any_of if isinstance(b, dict) and b.get("type") == "null"]
            values = [b for b in any_of if isinstance(b, dict) and b.get("type") != "null"]
            if len(nulls) != 1 or len(values) != 1:
                return False
            value_branch = values[0]
            if value_branch.get("type") != type_name:
                return False
            return all(
                kw == "type" or (kw in prop and _schema_equal(prop[kw], v, kw))
                for kw, v in value_branch.items()
            )

        prop_type = prop.get("type")
        if isinstance(prop_type, list):
            types = list(prop_type)
            if "null" not in types:
                types.append("null")
            branch_constraints: dict[str, Any] = {}
            for kw in _BRANCH_CONSTRAINTS:
                if kw in prop:
                    branch_constraints[kw] = prop.pop(kw)
            del prop["type"]
            if "const" in prop:
                const_value = prop.pop("const")
                enum = prop.get("enum")
                if not enum or any(_json_equal(v, const_value) for v in enum):
                    prop["enum"] = [const_value, None]
                else:
                    prop["enum"] = [None]
            elif isinstance(prop.get("enum"), list) and None not in prop["enum"]:
                prop["enum"] = [*prop["enum"], None]
            branches = []
            for type_name in types:
                if type_name == "null":
                    branches.append({"type": "null"})
                    continue
                branch: Node = {"type": type_name}
                for kw in _type_specific(type_name):
                    if kw in prop:
                        branch[kw] = prop[kw]
                branch.update(copy.deepcopy(branch_constraints))
                branches.append(branch)
            prop["anyOf"] = branches
            for kw in [*_OBJECT_KEYWORDS, *_ARRAY_KEYWORDS]:
                prop.pop(kw, None)
        elif prop_type and prop_type != "null":
            keywords = _type_specific(prop_type)
            if keywords:
                branch = {"type": prop_type}
                preserve = (
                    prop["anyOf"] if "anyOf" in prop and not redundant_nullable(prop_type) else None
                )
                for kw in [*keywords, *_GENERIC_CONSTRAINTS]:
                    if kw in prop:
                        branch[kw] = prop.pop(kw)
                if preserve is not None:
                    branch["anyOf"] = preserve
                del prop["type"]
                prop["anyOf"] = [branch, {"type": "null"}]
            else:
                inner = {**prop, "type": prop_type}
                if redundant_nullable(prop_type):
                    inner.pop("anyOf", None)
                for kw in [*_GENERIC_CONSTRAINTS, "anyOf"]:
                    prop.pop(kw, None)
                del prop["type"]
                prop["anyOf"] = [inner, {"type": "null"}]


# Anthropic, DeepSeek, Meta -------------------------------------------------------------------


class _AnthropicLayer(_Layer):
    def process(self, schema: Node) -> Node:
        super().process(schema)
        union = schema.get("anyOf", schema.get("oneOf"))
        if not isinstance(union, list):
            return schema
        objects = [s for s in union if isinstance(s, dict) and s.get("type") == "object"]
        if not objects or len(objects) != len(union):
            return schema
        schema.pop("anyOf", None)
        schema.pop("oneOf", None)
        schema["type"] = "object"
        merged: dict[str, list[Any]] = {}
        for sub in objects:
            for key, prop in (sub.get("properties") or {}).items():
                variants = merged.setdefault(key, [])
                if not any(_json_equal(v, prop) for v in variants):
                    variants.append(prop)
        schema["properties"] = {
            key: variants[0] if len(variants) == 1 else {"anyOf": variants}
            for key, variants in merged.items()
        }
        required = list(objects[0].get("required") or [])
        for sub in objects[1:]:
            branch_required = sub.get("required") or []
            required = [k for k in required if k in branch_required]
        schema["required"] = required
        schema["additionalProperties"] = False
        return schema


# Google -----------------------------------------------------------------------------------------

_GOOGLE_ANY = ["string", "number", "integer", "boolean", "object"]


class _GoogleLayer(_Layer):
    def pre(self, node: Node) -> None:
        # schema-compat's Google layer tests numbers before arrays; the order is kept
        if _is_all_of(node):
            _all_of_handler(node)
        if _is_object(node):
            _object_handler(node)
        elif _is_number(node):
            _number_handler(node)
        elif _is_array(node):
            _array_handler(node)
        elif _is_string(node):
            _string_handler(node)

    def post(self, node: Node) -> None:
        super().post(node)
        for key in ("$schema", "additionalProperties", "propertyNames"):
            node.pop(key, None)
        node_type = node.get("type")
        if isinstance(node_type, list):
            non_null = [t for t in node_type if t != "null"]
            has_null = "null" in node_type
            if len(non_null) == 1:
                node["type"] = non_null[0]
                if has_null:
                    node["nullable"] = True
            elif not non_null and has_null:
                node["type"] = "object"
                node["nullable"] = True
            else:
                del node["type"]
                node["anyOf"] = [{"type": t} for t in non_null]
                if has_null:
                    node["nullable"] = True
        if isinstance(node.get("oneOf"), list):
            node["anyOf"] = node.pop("oneOf")
        if "const" in node:
            node["enum"] = [node.pop("const")]
        if isinstance(node.get("items"), list):
            node["items"] = {"anyOf": node["items"]}
            node.pop("minItems", None)
            node.pop("maxItems", None)
        if isinstance(node.get("anyOf"), list):
            variants = node["anyOf"]
            non_null_variants = [
                v for v in variants if isinstance(v, dict) and v.get("type") != "null"
            ]
            has_null_variant = any(
                isinstance(v, dict) and v.get("type") == "null" for v in variants
            )
            if has_null_variant and len(non_null_variants) == 1:
                base = non_null_variants[0]
                del node["anyOf"]
                node.update(base)
                node["nullable"] = True
            elif has_null_variant and len(non_null_variants) > 1:
                node["anyOf"] = non_null_variants
                node["nullable"] = True
        if not any(
            node.get(k)
            for k in (
                "type",
                "anyOf",
                "oneOf",
                "allOf",
                "$ref",
                "enum",
                "const",
                "properties",
                "items",
            )
        ):
            node["anyOf"] = [
                *({"type": t} for t in _GOOGLE_ANY),
                {"type": "array", "items": {"anyOf": [{"type": t} for t in _GOOGLE_ANY]}},
            ]
            node["nullable"] = True

    def process(self, schema: Node) -> Node:
        super().process(schema)
        _inline_refs_and_drop_definitions(schema)
        return schema


def _inline_refs_and_drop_definitions(schema: Node) -> None:
    text = json.dumps(schema)
    if '"$ref"' not in text:
        return
    snapshot = json.loads(text)
    defs = snapshot.get("definitions") or snapshot.get("$defs") or {}
    _resolve_refs(schema, snapshot, defs, set())
    schema.pop("definitions", None)
    schema.pop("$defs", None)


def _resolve_ref(ref: str, root: Node, defs: Node) -> Any:
    if ref == "#":
        return root
    for prefix in ("#/definitions/", "#/$defs/"):
        if ref.startswith(prefix):
            return defs.get(ref[len(prefix) :])
    return None


def _resolve_refs(node: Any, root: Node, defs: Node, visiting: set[str]) -> None:
    if not isinstance(node, dict):
        return
    for key in list(node.keys()):
        if key not in node:
            continue
        value = node[key]
        if key == "$ref" and isinstance(value, str):
            resolved = _resolve_ref(value, root, defs)
            if resolved is None or value in visiting:
                del node["$ref"]
                node["type"] = "object"
            else:
                del node["$ref"]
                visiting.add(value)
                clone = copy.deepcopy(resolved)
                _resolve_refs(clone, root, defs, visiting)
                visiting.discard(value)
                node.update(clone)
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, dict):
                    _resolve_refs(item, root, defs, visiting)
        elif isinstance(value, dict):
            _resolve_refs(value, root, defs, visiting)


_LAYERS: dict[str, _Layer] = {
    "openai-reasoning": _OpenAILayer(),
    "openai": _OpenAILayer(),
    "google": _GoogleLayer(),
    "anthropic": _AnthropicLayer(),
    "deepseek": _Layer(),
    "meta": _Layer(),
}


def _restore_typeless(schema: Any) -> Any:
    """Undo :func:`fix_typeless_properties` so a chat-completions schema can be rewritten again."""
    if not isinstance(schema, dict):
        return schema
    result = dict(schema)
    props = result.get("properties")
    if isinstance(props, dict):
        restored = {}
        for key, value in props.items():
            if isinstance(value, dict) and value.get("type") == _TYPELESS_TYPES:
                value = {k: v for k, v in value.items() if k != "type"}
            restored[key] = _restore_typeless(value)
        result["properties"] = restored
    items = result.get("items")
    if isinstance(items, list):
        result["items"] = [_restore_typeless(i) for i in items]
    elif isinstance(items, dict):
        result["items"] = _restore_typeless(items)
    return result


def apply_provider_compat(schema: dict[str, Any], provider: str, model_id: str) -> dict[str, Any]:
    """The tool schema Mastra sends to this model: its provider layer applied, then the final fixes.

    ``schema`` is a tool schema as :func:`lumos_compat.schema.to_json_schema` (what Mastra sends
    without a layer) or ``to_base_json_schema`` gives it. ``provider`` is the provider id of
    :class:`lumos_compat.llm.LanguageModel` (``openai.responses``, ``anthropic.messages``, ...).
    The input is not changed. When no layer applies, the schema comes back unchanged but for
    Mastra's last touches (``$schema`` set to draft-07, typeless properties widened).
    """
    layer_name = compat_layer_for(provider, model_id)
    working = _restore_typeless(copy.deepcopy(schema))
    if layer_name is not None:
        working = _LAYERS[layer_name].process(working)
    if "$schema" in working and working["$schema"] != DRAFT_07:
        working["$schema"] = DRAFT_07
    return fix_typeless_properties(working)


def provider_tool_schema(
    schema: dict[str, Any], provider: str | None, model_id: str | None
) -> dict[str, Any]:
    """Like :func:`apply_provider_compat`, accepting a missing provider (no rewrite)."""
    return apply_provider_compat(schema, provider or "", model_id or "")


# ---------------------------------------------------------------------------------------------
# structured output for OpenAI strict mode (a different path from tool schemas)
# ---------------------------------------------------------------------------------------------

_STRICT_DROPPED = (
    "contains", "minContains", "maxContains", "minProperties", "maxProperties",
    "patternProperties", "unevaluatedItems", "unevaluatedProperties", "not", "if", "then",
    "else", "dependentRequired", "dependentSchemas",
)  # fmt: skip


def _each_subschema(node: dict[str, Any], fn: Any) -> None:
    """Apply ``fn`` to every direct subschema of ``node`` in place."""
    if isinstance(node.get("properties"), dict):
        node["properties"] = {k: fn(v) for k, v in node["properties"].items()}
    items = node.get("items")
    if isinstance(items, list):
        node["items"] = [fn(i) for i in items]
    elif isinstance(items, dict):
        node["items"] = fn(items)
    if isinstance(node.get("additionalProperties"), dict):
        node["additionalProperties"] = fn(node["additionalProperties"])
    for key in ("anyOf", "oneOf", "allOf"):
        if isinstance(node.get(key), list):
            node[key] = [fn(x) for x in node[key]]
    for key in ("$defs", "definitions"):
        if isinstance(node.get(key), dict):
            node[key] = {k: fn(v) if isinstance(v, dict) else v for k, v in node[key].items()}


def _all_required(node: Any) -> Any:
    if not isinstance(node, dict):
        return node
    out = dict(node)
    if out.get("type") == "object" and isinstance(out.get("properties"), dict):
        out["required"] = list(out["properties"])
    _each_subschema(out, _all_required)
    return out


def _closed(node: Any) -> Any:
    if not isinstance(node, dict):
        return node
    out = dict(node)
    if out.get("type") == "object" or "properties" in out:
        out["additionalProperties"] = False
    _each_subschema(out, _closed)
    return out


def _strip_strict(node: Any) -> Any:
    if not isinstance(node, dict):
        return node
    out = dict(node)
    phrases: list[str] = []
    lo, hi = out.pop("minItems", None), out.pop("maxItems", None)
    if lo is not None and lo == hi:
        phrases.append(f"exact length {_num(lo)}")
    else:
        if lo is not None:
            phrases.append(f"minimum length {_num(lo)}")
        if hi is not None:
            phrases.append(f"maximum length {_num(hi)}")
    if out.pop("uniqueItems", None) is True:
        phrases.append("all items must be unique")
    for key, words in (("minLength", "minimum length"), ("maxLength", "maximum length")):
        if key in out:
            phrases.append(f"{words} {_num(out.pop(key))}")
    if "format" in out:
        phrases.append(f"a valid {out.pop('format')}")
    if "pattern" in out:
        phrases.append(f"input must match this regex {out.pop('pattern')}")
    if "minimum" in out:
        value = out.pop("minimum")
        if value != -MAX_SAFE_INTEGER:
            phrases.append(f"greater than or equal to {_num(value)}")
    if "maximum" in out:
        value = out.pop("maximum")
        if value != MAX_SAFE_INTEGER:
            phrases.append(f"lower than or equal to {_num(value)}")
    if "exclusiveMinimum" in out:
        phrases.append(f"greater than {_num(out.pop('exclusiveMinimum'))}")
    if "exclusiveMaximum" in out:
        phrases.append(f"lower than {_num(out.pop('exclusiveMaximum'))}")
    if "multipleOf" in out:
        phrases.append(f"multiple of {_num(out.pop('multipleOf'))}")
    for key in _STRICT_DROPPED:
        out.pop(key, None)
    if phrases:
        suffix = ", ".join(phrases)
        description = out.get("description")
        out["description"] = f"{description} ({suffix})" if description else suffix
    if isinstance(out.get("oneOf"), list):
        if isinstance(out.get("anyOf"), list):
            raise ValueError(
                'Cannot convert schema for OpenAI strict mode: "oneOf" and "anyOf" on the same '
                "node cannot be merged without changing semantics"
            )
        out["anyOf"] = out.pop("oneOf")
    _each_subschema(out, _strip_strict)
    return out


def structured_output_schema(schema: dict[str, Any], provider: str) -> dict[str, Any]:
    """The structured-output schema Mastra sends: for OpenAI providers its strict-mode rewrite.

    Unlike tool schemas, optional fields are made required without becoming nullable, and
    constraints are folded into the description as ``"text (constraint, ...)"``.
    """
    if not provider.startswith("openai"):
        return schema
    return _strip_strict(_closed(_all_required(schema)))
