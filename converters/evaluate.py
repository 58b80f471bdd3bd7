"""A small static evaluator for the values Mastra configs are made of.

``Evaluator.evaluate(path, node)`` turns an expression into an IR ``Value``: literals, template
strings, ``+`` concatenation, arrays, objects (known spreads merged, unknown ones kept),
``process.env.X`` (with ``??``/``||`` defaults), constants across files, ``[...].join()``, prompt
files read with ``readFileSync`` (recorded in ``assets``), functions, recognised calls, and
references to Mastra constructs (``RefValue`` with target ``"<file>#<binding>"``). Anything else
is ``Opaque`` with its source, a reason and a location. It never raises on odd input.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import Literal, TypeVar

from pydantic import BaseModel

from converters.ir import (
    ArrayValue,
    BoolValue,
    CallValue,
    Diagnostic,
    EnvValue,
    FileRead,
    FunctionValue,
    Loc,
    NullValue,
    NumberValue,
    ObjectValue,
    Opaque,
    RefValue,
    StringValue,
    TemplateValue,
    Value,
)
from converters.jsstring import (
    NotExact,
    js_at,
    js_char_at,
    js_index,
    js_length,
    js_number_string,
    js_repeat,
    js_slice,
    js_substring,
    js_trim,
)
from converters.project import (
    DEFAULT_KEY,
    ModuleGraph,
    Symbol,
    string_literal,
    unescape_js,
    unwrap,
)
from converters.rules import define
from converters.ts import Node, Syntax
from converters.unroll import Bindings, Unroller

__all__ = ["Evaluator", "function_value", "node_loc", "trusted_model"]

RULE_ASSET = define(
    "LM110",
    "File read with readFileSync could not be found in the project",
    "Check the path; the prompt text is unknown, so the ported agent has a TODO instead of it.",
)

_FUNCTION_TYPES = frozenset(
    {"arrow_function", "function_expression", "function", "generator_function"}
)
# toUpperCase/toLowerCase: Python's str.upper/lower apply the same full Unicode case mappings
# (SpecialCasing, final sigma) as JavaScript's locale-independent methods
_STRING_METHODS = {
    "trim": js_trim,
    "trimStart": lambda s: js_trim(s, end=False),
    "trimEnd": lambda s: js_trim(s, start=False),
    "toLowerCase": str.lower,
    "toUpperCase": str.upper,
    "toString": lambda s: s,
}
_FS_MODULES = frozenset({"fs", "node:fs", "fs/promises", "node:fs/promises"})
_DEDENT_MODULES = frozenset({"dedent", "ts-dedent", "dedent-js"})


# the fields-set of every Loc node_loc builds: all five fields, so no assignment can add to it
# and the Locs share it (``model_copy`` copies it before changing it)
_LOC_FIELDS_SET = {"file", "line", "column", "end_line", "end_column"}
_M = TypeVar("_M", bound=BaseModel)
_new_object = object.__new__
# the setters of a pydantic model's slots, called directly (cheaper than ``object.__setattr__``)
_set_dict = BaseModel.__dict__["__dict__"].__set__
_set_fields_set = BaseModel.__pydantic_fields_set__.__set__  # type: ignore[attr-defined]
_set_extra = BaseModel.__pydantic_extra__.__set__  # type: ignore[attr-defined]
_set_private = BaseModel.__pydantic_private__.__set__  # type: ignore[attr-defined]


def trusted_model(cls: type[_M], values: dict[str, object], fields_set: set[str]) -> _M:
    """``cls(**...)`` without validation, for values already of their fields' types and owned
    by the new model: ``values`` holds every field in declaration order (the defaults of those
    not given), ``fields_set`` the names given."""
    model = _new_object(cls)
    _set_dict(model, values)
    _set_fields_set(model, fields_set)
    _set_extra(model, None)
    _set_private(model, None)
    return model


def node_loc(path: str, node: Node) -> Loc:
    """The IR location of a node in a project file."""
    start_row, start_col = node.start_point
    end_row, end_col = node.end_point
    # The hottest constructor of a scan: its fields are ints, so it is built without validation,
    # setting what ``Loc.model_construct`` would (all five fields set) without its generic loop.
    loc = _new_object(Loc)
    _set_dict(
        loc,
        {
            "file": path,
            "line": start_row + 1,
            "column": start_col + 1,
            "end_line": end_row + 1,
            "end_column": end_col + 1,
        },
    )
    _set_fields_set(loc, _LOC_FIELDS_SET)
    _set_extra(loc, None)
    _set_private(loc, None)
    return loc


def _literal_string(value: str, loc: Loc) -> StringValue:
    """``StringValue(value=value, loc=loc)`` for a string literal, without validation (a str and
    a Loc are what validation would keep as they are): the same fields and fields-set."""
    string = _new_object(StringValue)
    _set_dict(string, {"kind": "string", "value": value, "loc": loc, "read_from": None})
    _set_fields_set(string, {"value", "loc"})
    _set_extra(string, None)
    _set_private(string, None)
    return string


def function_value(syntax: Syntax, path: str, node: Node) -> FunctionValue:
    """A function, arrow function or method as a FunctionValue (params as source text)."""
    params: list[str] = []
    single = node.child_by_field_name("parameter")
    if single is not None:
        params.append(syntax.text(single))
    formal = node.child_by_field_name("parameters")
    if formal is not None:
        params.extend(syntax.text(p) for p in formal.named_children if p.type != "comment")
    body = node.child_by_field_name("body")
    is_async = any(c.type == "async" for c in node.children)
    # ``FunctionValue(params=..., ...)`` without validation: a new list of str, a bool, two str
    # and a Loc are what validation would keep as they are
    return trusted_model(
        FunctionValue,
        {
            "kind": "function",
            "params": params,
            "is_async": is_async,
            "source": syntax.text(node),
            "body_source": syntax.text(body) if body is not None else "",
            "loc": node_loc(path, node),
        },
        {"params", "is_async", "source", "body_source", "loc"},
    )


class Evaluator:
    """Evaluates expressions of a project's files; collects prompt assets and diagnostics.

    One evaluator per project (or per worker): constants are evaluated once and cached.
    """

    def __init__(self, graph: ModuleGraph, *, max_depth: int = 48) -> None:
        self.graph = graph
        self.max_depth = max_depth
        self.assets: list[str] = []
        self.working_dir_assets: list[str] = []  # those read relative to process.cwd()
        self.diagnostics: list[Diagnostic] = []
        self._const_cache: dict[tuple[str, int], Value] = {}
        self._active: set[tuple[str, int]] = set()
        self._scopes: list[Bindings] = []
        self.unroller = Unroller(self)

    @contextmanager
    def bound(self, bindings: Bindings) -> Iterator[None]:
        """Evaluate with names bound (a factory's parameters, a loop's variables)."""
        self._scopes.append(bindings)
        try:
            yield
        finally:
            self._scopes.pop()

    # -- public -------------------------------------------------------------------------------

    def evaluate(self, path: str, node: Node | None) -> Value:
        """The value of an expression in project file ``path``."""
        parsed = self.graph.get(path)
        if parsed is None or parsed.syntax is None or node is None:
            return Opaque(source="", reason="no expression", loc=None)
        return self._eval(path, parsed.syntax, node, 0)

    def value_of_name(self, path: str, name: str) -> Value:
        """The value of a top-level name (declared or imported) of project file ``path``."""
        sym = self.graph.resolve_local(path, name)
        if sym is None or sym.kind != "local":
            return Opaque(source=name, reason=f"`{name}` is not a project constant", loc=None)
        return self._symbol_value(
            name, sym.file or path, sym.node, Loc(file=path, line=1, column=1), 0
        )

    def resolve_identifier(self, path: str, node: Node) -> tuple[str, Node, str] | None:
        """For an identifier (or ``ns.name`` of a namespace import): the defining file, the
        initializer expression (unwrapped; the declaration itself for functions and classes)
        and a qualified name ``"<file>#<name>"``. None for npm imports and unknown names."""
        if node.type in ("identifier", "shorthand_property_identifier"):
            parsed = self.graph.get(path)
            if parsed is None or parsed.syntax is None:
                return None
            sym = self.graph.resolve_local(path, parsed.syntax.text(node))
        elif node.type == "member_expression":
            sym = self._namespace_member(path, node)
        else:
            return None
        if sym is None or sym.kind != "local" or sym.file is None or sym.node is None:
            return None
        decl = sym.node
        if decl.type == "variable_declarator":
            value = decl.child_by_field_name("value")
            if value is None:
                return None
            name_node = decl.child_by_field_name("name")
            if name_node is not None and name_node.type != "identifier":
                return None  # destructured binding
            init = unwrap(value)
            if init is None:
                return None
            name = sym.name
        else:
            init, name = decl, ("default" if sym.name == DEFAULT_KEY else sym.name)
        return sym.file, init, f"{sym.file}#{name}"

    # -- dispatch -----------------------------------------------------------------------------

    def _eval(self, path: str, syntax: Syntax, node: Node, depth: int) -> Value:
        if depth > self.max_depth:
            return self._opaque(path, syntax, node, "expression nested too deeply to evaluate")
        try:
            return self._eval_inner(path, syntax, node, depth + 1)
        except NotExact as exc:
            return self._opaque(path, syntax, node, f"not evaluated exactly: {exc}")
        except (ValueError, IndexError, RecursionError, OverflowError) as exc:
            return self._opaque(path, syntax, node, f"could not evaluate: {exc}")

    def _eval_inner(self, path: str, syntax: Syntax, node: Node, depth: int) -> Value:
        kind = node.type
        if kind in ("parenthesized_expression", "as_expression", "satisfies_expression",
                    "non_null_expression", "type_assertion"):  # fmt: skip
            inner = unwrap(node)
            if inner is None:
                return self._opaque(path, syntax, node, "empty expression")
            return self._eval(path, syntax, inner, depth)
        if kind == "string":
            return _literal_string(string_literal(syntax, node) or "", node_loc(path, node))
        if kind == "template_string":
            return self._template(path, syntax, node, depth)
        if kind == "number":
            return self._number(path, syntax, node)
        if kind in ("true", "false"):
            return BoolValue(value=kind == "true", loc=node_loc(path, node))
        if kind == "null":
            return NullValue(loc=node_loc(path, node))
        if kind == "undefined":
            return NullValue(undefined=True, loc=node_loc(path, node))
        if kind in ("identifier", "shorthand_property_identifier"):
            return self._identifier(path, syntax, node, depth)
        if kind == "array":
            return self._array(path, syntax, node, depth)
        if kind == "object":
            return self._object(path, syntax, node, depth)
        if kind == "binary_expression":
            return self._binary(path, syntax, node, depth)
        if kind == "unary_expression":
            return self._unary(path, syntax, node, depth)
        if kind in ("member_expression", "subscript_expression"):
            return self._member(path, syntax, node, depth)
        if kind == "await_expression":
            inner = node.named_children[0] if node.named_children else None
            if inner is None:
                return self._opaque(path, syntax, node, "empty await")
            return self._eval(path, syntax, inner, depth)
        if kind == "call_expression":
            return self._call(path, syntax, node, depth)
        if kind == "new_expression":
            return self._new(path, syntax, node, depth)
        if kind in _FUNCTION_TYPES:
            return function_value(syntax, path, node)
        if kind == "ternary_expression":
            return self._opaque(path, syntax, node, "conditional expression (decided at run time)")
        return self._opaque(path, syntax, node, f"{kind.replace('_', ' ')} is not evaluated")

    def _opaque(self, path: str, syntax: Syntax, node: Node, reason: str) -> Opaque:
        return Opaque(source=syntax.text(node), reason=reason, loc=node_loc(path, node))

    # -- literals -----------------------------------------------------------------------------

    def _number(self, path: str, syntax: Syntax, node: Node) -> Value:
        text = syntax.text(node).replace("_", "")
        low = text.lower()
        try:
            if low.endswith("n"):
                value: int | float = int(low[:-1], 0)
            elif low.startswith(("0x", "0o", "0b")):
                value = int(low, 0)
            elif re.fullmatch(r"\d+", low):
                value = int(low)
            else:
                value = float(low)
        except ValueError:
            return self._opaque(path, syntax, node, "unreadable number")
        return NumberValue(value=value, loc=node_loc(path, node))

    def _template(self, path: str, syntax: Syntax, node: Node, depth: int) -> Value:
        parts: list[Value] = []
        cursor = node.start_byte + 1
        src = syntax.source
        for child in node.named_children:
            if child.type != "template_substitution":
                continue
            parts.append(StringValue(value=_template_text(src[cursor : child.start_byte])))
            expr = child.named_children[0] if child.named_children else None
            if expr is not None:
                parts.append(self._eval(path, syntax, expr, depth))
            cursor = child.end_byte
        parts.append(StringValue(value=_template_text(src[cursor : node.end_byte - 1])))
        return _concat(parts, node_loc(path, node))

    # -- names --------------------------------------------------------------------------------

    def _identifier(self, path: str, syntax: Syntax, node: Node, depth: int) -> Value:
        name = syntax.text(node)
        loc = node_loc(path, node)
        if name == "undefined":
            return NullValue(undefined=True, loc=loc)
        for bindings in reversed(self._scopes):
            if name in bindings.names and bindings.covers(path, node):
                return bindings.names[name]
        sym = self.graph.resolve_local(path, name)
        if sym is None:
            parsed = self.graph.get(path)
            binding = parsed.info.imports.get(name) if parsed is not None else None
            reason = (
                f"`{name}` is imported from {binding.module!r}, which does not export it "
                "(or could not be read)"
                if binding is not None
                else f"`{name}` is not a top-level constant or import of this file"
            )
            return Opaque(source=name, reason=reason, loc=loc)
        if sym.kind == "external":
            return Opaque(source=name, reason=f"`{sym.name}` imported from {sym.module}", loc=loc)
        if sym.kind == "namespace":
            return Opaque(source=name, reason=f"namespace import of {sym.file}", loc=loc)
        return self._symbol_value(name, sym.file or path, sym.node, loc, depth)

    def _symbol_value(self, name: str, file: str, decl: Node | None, loc: Loc, depth: int) -> Value:
        parsed = self.graph.get(file)
        if decl is None or parsed is None or parsed.syntax is None:
            return Opaque(source=name, reason=f"`{name}` could not be followed", loc=loc)
        syntax = parsed.syntax
        if decl.type in ("function_declaration", "generator_function_declaration"):
            return function_value(syntax, file, decl)
        if decl.type in ("class_declaration", "abstract_class_declaration", "enum_declaration"):
            return Opaque(source=name, reason=f"`{name}` is a {decl.type.split('_')[0]}", loc=loc)
        if decl.type == "variable_declarator":
            name_node = decl.child_by_field_name("name")
            if name_node is not None and name_node.type != "identifier":
                return Opaque(source=name, reason=f"`{name}` comes from a destructuring", loc=loc)
            value = decl.child_by_field_name("value")
        else:
            value = decl  # export default <expression>
        init = _strip_await(unwrap(value))
        if init is None:
            return Opaque(source=name, reason=f"`{name}` has no initializer", loc=loc)
        site = self.graph.site_at(file, init)
        if site is not None and site.kind != "storage":
            return RefValue(name=name, target=f"{file}#{site.binding}", loc=loc)
        if init.type == "call_expression":
            factory = self.unroller.factory_call(file, init)
            if factory is not None and factory.agent is not None:
                return RefValue(name=name, target=f"{file}#{factory.binding}", loc=loc)
        key = (file, init.id)
        cached = self._const_cache.get(key)
        if cached is not None:
            return cached
        if key in self._active:
            return Opaque(source=name, reason=f"`{name}` refers to itself (cycle)", loc=loc)
        self._active.add(key)
        try:
            result = self._eval(file, syntax, init, depth)
            if decl.type == "variable_declarator" and init.type in ("object", "array"):
                declared = decl.child_by_field_name("name")
                if declared is not None:
                    result = self.unroller.container_value(file, syntax.text(declared), result)
        finally:
            self._active.discard(key)
        self._const_cache[key] = result
        return result

    def _namespace_member(self, path: str, node: Node) -> Symbol | None:
        obj = node.child_by_field_name("object")
        prop = node.child_by_field_name("property")
        parsed = self.graph.get(path)
        if obj is None or prop is None or obj.type != "identifier" or parsed is None:
            return None
        syntax = parsed.syntax
        if syntax is None:
            return None
        sym = self.graph.resolve_local(path, syntax.text(obj))
        if sym is None or sym.kind != "namespace" or sym.file is None:
            return None
        return self.graph.resolve_export(sym.file, syntax.text(prop))

    # -- compound -----------------------------------------------------------------------------

    def _array(self, path: str, syntax: Syntax, node: Node, depth: int) -> Value:
        items: list[Value] = []
        for child in node.named_children:
            if child.type == "comment":
                continue
            if child.type == "spread_element":
                inner = child.named_children[0] if child.named_children else None
                spread = self._eval(path, syntax, inner, depth) if inner is not None else None
                if isinstance(spread, ArrayValue):
                    items.extend(spread.items)
                else:
                    items.append(
                        self._opaque(
                            path, syntax, child, "spread of a value that is not a known array"
                        )
                    )
                continue
            items.append(self._eval(path, syntax, child, depth))
        return ArrayValue(items=items, loc=node_loc(path, node))

    def _object(self, path: str, syntax: Syntax, node: Node, depth: int) -> Value:
        entries: dict[str, Value] = {}
        spreads: list[Value] = []
        for child in node.named_children:
            kind = child.type
            if kind == "pair":
                key_node = child.child_by_field_name("key")
                value_node = child.child_by_field_name("value")
                if key_node is None or value_node is None:
                    continue
                key = self._key(path, syntax, key_node, depth)
                value = self._eval(path, syntax, value_node, depth)
                if key is None:
                    spreads.append(
                        self._opaque(path, syntax, child, "property with a computed key")
                    )
                else:
                    entries[key] = value
            elif kind == "shorthand_property_identifier":
                name = syntax.text(child)
                entries[name] = self._identifier(path, syntax, child, depth)
            elif kind == "method_definition":
                name_node = child.child_by_field_name("name")
                if name_node is not None:
                    key = self._key(path, syntax, name_node, depth) or syntax.text(name_node)
                    entries[key] = function_value(syntax, path, child)
            elif kind == "spread_element":
                inner = child.named_children[0] if child.named_children else None
                value = self._eval(path, syntax, inner, depth) if inner is not None else None
                if isinstance(value, ObjectValue):
                    entries.update(value.entries)
                    spreads.extend(value.spreads)
                elif value is not None:
                    spreads.append(value)
        return ObjectValue(entries=entries, spreads=spreads, loc=node_loc(path, node))

    def _key(self, path: str, syntax: Syntax, node: Node, depth: int) -> str | None:
        if node.type in ("property_identifier", "private_property_identifier"):
            return syntax.text(node)
        if node.type == "string":
            return string_literal(syntax, node)
        if node.type == "number":
            return syntax.text(node)
        if node.type == "computed_property_name":
            inner = node.named_children[0] if node.named_children else None
            value = self._eval(path, syntax, inner, depth) if inner is not None else None
            if isinstance(value, StringValue):
                return value.value
            if isinstance(value, NumberValue):
                return str(value.value)
        return None

    def _binary(self, path: str, syntax: Syntax, node: Node, depth: int) -> Value:
        op_node = node.child_by_field_name("operator")
        op = syntax.text(op_node) if op_node is not None else ""
        left_node = node.child_by_field_name("left")
        right_node = node.child_by_field_name("right")
        if left_node is None or right_node is None:
            return self._opaque(path, syntax, node, "incomplete expression")
        loc = node_loc(path, node)
        if op == "+":
            left = self._eval(path, syntax, left_node, depth)
            right = self._eval(path, syntax, right_node, depth)
            if isinstance(left, NumberValue) and isinstance(right, NumberValue):
                return NumberValue(value=left.value + right.value, loc=loc)
            if _stringish(left) or _stringish(right):
                return _concat([left, right], loc)
            return self._opaque(path, syntax, node, "`+` of values that are not strings")
        if op in ("??", "||"):
            left = self._eval(path, syntax, left_node, depth)
            if isinstance(left, EnvValue) and left.default is None:
                right = self._eval(path, syntax, right_node, depth)
                return EnvValue(name=left.name, default=right, default_op=op, loc=loc)  # type: ignore[arg-type]
            if isinstance(left, StringValue):
                if op == "??" or left.value:
                    return left
                return self._eval(path, syntax, right_node, depth)
            if isinstance(left, NullValue):
                return self._eval(path, syntax, right_node, depth)
            return self._opaque(
                path, syntax, node, f"`{op}` with a left side known only at run time"
            )
        return self._opaque(path, syntax, node, f"operator `{op}` is not evaluated")

    def _unary(self, path: str, syntax: Syntax, node: Node, depth: int) -> Value:
        op_node = node.child_by_field_name("operator")
        arg = node.child_by_field_name("argument")
        op = syntax.text(op_node) if op_node is not None else ""
        if arg is not None and op in ("-", "+"):
            value = self._eval(path, syntax, arg, depth)
            if isinstance(value, NumberValue):
                return NumberValue(
                    value=-value.value if op == "-" else value.value, loc=node_loc(path, node)
                )
        if arg is not None and op == "!":
            value = self._eval(path, syntax, arg, depth)
            if isinstance(value, BoolValue):
                return BoolValue(value=not value.value, loc=node_loc(path, node))
            if isinstance(value, NumberValue) and value.value in (0, 1):
                return BoolValue(value=not value.value, loc=node_loc(path, node))
        return self._opaque(path, syntax, node, f"unary `{op}` is not evaluated")

    def _member(self, path: str, syntax: Syntax, node: Node, depth: int) -> Value:
        obj = node.child_by_field_name("object")
        loc = node_loc(path, node)
        if obj is None:
            return self._opaque(path, syntax, node, "incomplete member access")
        if node.type == "member_expression":
            prop = node.child_by_field_name("property")
            key: str | None = syntax.text(prop) if prop is not None else None
        else:
            index = node.child_by_field_name("index")
            index_value = self._eval(path, syntax, index, depth) if index is not None else None
            key = None
            if isinstance(index_value, StringValue):
                key = index_value.value
            elif isinstance(index_value, NumberValue):
                key = str(int(index_value.value)) if float(index_value.value).is_integer() else None
        obj_text = syntax.text(unwrap(obj) or obj).replace("?.", ".").replace(" ", "")
        if (
            obj_text in ("process.env", "import.meta.env", "Bun.env", "Deno.env")
            and key is not None
        ):
            return EnvValue(name=key, loc=loc)
        if key is None:
            return self._opaque(path, syntax, node, "member access with a computed key")
        sym = self._namespace_member(path, node) if node.type == "member_expression" else None
        if sym is not None:
            if sym.kind == "local":
                return self._symbol_value(key, sym.file or path, sym.node, loc, depth)
            if sym.kind == "external":
                return Opaque(
                    source=syntax.text(node),
                    reason=f"`{sym.name}` imported from {sym.module}",
                    loc=loc,
                )
        base = self._eval(path, syntax, obj, depth)
        if isinstance(base, ObjectValue) and key in base.entries:
            return base.entries[key]
        if isinstance(base, ArrayValue) and key.isdigit() and int(key) < len(base.items):
            return base.items[int(key)]
        if isinstance(base, ArrayValue) and key == "length":
            return NumberValue(value=len(base.items), loc=loc)
        if isinstance(base, StringValue) and key == "length":
            return NumberValue(value=js_length(base.value), loc=loc)
        if isinstance(base, StringValue) and node.type == "subscript_expression" and key.isdigit():
            char = js_index(base.value, int(key))
            if char is None:
                return NullValue(undefined=True, loc=loc)
            return StringValue(value=char, loc=loc)
        return self._opaque(path, syntax, node, "member of a value not known statically")

    # -- calls --------------------------------------------------------------------------------

    def _call(self, path: str, syntax: Syntax, node: Node, depth: int) -> Value:
        callee = node.child_by_field_name("function")
        args_node = node.child_by_field_name("arguments")
        if callee is None or args_node is None:
            return self._opaque(path, syntax, node, "incomplete call")
        site = self.graph.site_at(path, node)
        if site is not None and site.kind != "storage":
            return RefValue(
                name=site.binding, target=f"{path}#{site.binding}", loc=node_loc(path, node)
            )
        callee_u = unwrap(callee) or callee
        if args_node.type == "template_string":  # tagged template
            return self._tagged(path, syntax, node, callee_u, args_node, depth)
        args = [a for a in args_node.named_children if a.type != "comment"]
        method = None
        if callee_u.type == "member_expression":
            prop = callee_u.child_by_field_name("property")
            method = syntax.text(prop) if prop is not None else None
            receiver = callee_u.child_by_field_name("object")
            if receiver is not None:
                reduced = self._method_call(path, syntax, node, receiver, method, args, depth)
                if reduced is not None:
                    return reduced
        name = method or (syntax.text(callee_u) if callee_u.type == "identifier" else None)
        if name in ("readFileSync", "readFile"):
            module = self._root_module(path, syntax, callee_u, 0)
            if module in _FS_MODULES or module is None:
                return self._read_file(path, syntax, node, args, depth)
        if name == "String" and len(args) == 1:
            return self._eval(path, syntax, args[0], depth)
        return self._call_value(path, syntax, node, callee_u, args, depth, prefix="")

    def _method_call(
        self,
        path: str,
        syntax: Syntax,
        node: Node,
        receiver: Node,
        method: str | None,
        args: list[Node],
        depth: int,
    ) -> Value | None:
        if method is None:
            return None
        if method == "join":
            base = self._eval(path, syntax, receiver, depth)
            if not isinstance(base, ArrayValue):
                return None
            sep: Value = StringValue(value=",")
            if args:
                sep = self._eval(path, syntax, args[0], depth)
                if isinstance(sep, NullValue) and sep.undefined:
                    sep = StringValue(value=",")
            return _join(base, sep, node_loc(path, node))
        if method in _POSITION_METHODS:
            base = self._eval(path, syntax, receiver, depth)
            if not isinstance(base, StringValue | ArrayValue):
                return None
            positions: list[float] = []
            for a in args:
                value = self._eval(path, syntax, a, depth)
                if isinstance(value, NullValue) and value.undefined:
                    break  # an undefined argument counts as a missing one
                if not isinstance(value, NumberValue):
                    return None
                positions.append(value.value)
            return _position_method(method, base, positions, node_loc(path, node))
        if method in _STRING_METHODS and not args:
            base = self._eval(path, syntax, receiver, depth)
            if isinstance(base, StringValue):
                return StringValue(
                    value=_STRING_METHODS[method](base.value), loc=node_loc(path, node)
                )
            return None
        if method in ("concat",) and args:
            base = self._eval(path, syntax, receiver, depth)
            if isinstance(base, StringValue | TemplateValue):
                parts = [base, *(self._eval(path, syntax, a, depth) for a in args)]
                return _concat(parts, node_loc(path, node))
            if isinstance(base, ArrayValue):
                items = list(base.items)
                for a in args:
                    v = self._eval(path, syntax, a, depth)
                    items.extend(v.items if isinstance(v, ArrayValue) else [v])
                return ArrayValue(items=items, loc=node_loc(path, node))
        if method == "replaceAll" or method == "replace":
            base = self._eval(path, syntax, receiver, depth)
            if isinstance(base, StringValue) and len(args) == 2 and args[0].type == "string":
                old = self._eval(path, syntax, args[0], depth)
                new = self._eval(path, syntax, args[1], depth)
                if isinstance(old, StringValue) and isinstance(new, StringValue):
                    count = -1 if method == "replaceAll" else 1
                    return StringValue(
                        value=base.value.replace(old.value, new.value, count),
                        loc=node_loc(path, node),
                    )
        return None

    def _tagged(
        self, path: str, syntax: Syntax, node: Node, callee: Node, template: Node, depth: int
    ) -> Value:
        module = self._root_module(path, syntax, callee, 0)
        text = syntax.text(callee)
        value = self._template(path, syntax, template, depth)
        if module in _DEDENT_MODULES or text == "dedent":
            if isinstance(value, StringValue):
                return StringValue(value=_dedent(value.value), loc=node_loc(path, node))
            return value
        if text == "String.raw":
            raw = syntax.source[template.start_byte + 1 : template.end_byte - 1].decode(
                "utf-8", "replace"
            )
            if "${" not in raw:
                return StringValue(value=raw, loc=node_loc(path, node))
        return self._opaque(path, syntax, node, f"tagged template `{text}` is not evaluated")

    def _new(self, path: str, syntax: Syntax, node: Node, depth: int) -> Value:
        site = self.graph.site_at(path, node)
        if site is not None and site.kind != "storage":
            return RefValue(
                name=site.binding, target=f"{path}#{site.binding}", loc=node_loc(path, node)
            )
        ctor = node.child_by_field_name("constructor")
        args_node = node.child_by_field_name("arguments")
        if ctor is None:
            return self._opaque(path, syntax, node, "incomplete `new` expression")
        args = (
            [a for a in args_node.named_children if a.type != "comment"]
            if args_node is not None
            else []
        )
        return self._call_value(path, syntax, node, ctor, args, depth, prefix="new ")

    def _call_value(
        self,
        path: str,
        syntax: Syntax,
        node: Node,
        callee: Node,
        args: list[Node],
        depth: int,
        *,
        prefix: str,
    ) -> Value:
        module = self._root_module(path, syntax, callee, 0)
        root = _root_identifier(callee)
        if module is None and root is not None:
            sym = self.graph.resolve_local(path, syntax.text(root))
            if sym is None and syntax.text(root) not in _GLOBALS:
                return self._opaque(
                    path,
                    syntax,
                    node,
                    f"call of `{syntax.text(callee)}`, which is not defined at the top level",
                )
        values = [
            self._eval(path, syntax, a, depth)
            if a.type != "spread_element"
            else self._opaque(path, syntax, a, "spread argument")
            for a in args
        ]
        return CallValue(
            callee=prefix + _dotted(syntax, callee),
            module=module,
            args=values,
            source=syntax.text(node),
            loc=node_loc(path, node),
        )

    def _root_module(self, path: str, syntax: Syntax, callee: Node, hops: int) -> str | None:
        """The npm module the root identifier of a callee chain comes from (following local
        consts such as ``const lm = createOpenAI(...)`` one step at a time)."""
        root = _root_identifier(callee)
        if root is None or hops > 4:
            return None
        sym = self.graph.resolve_local(path, syntax.text(root))
        if sym is None:
            return None
        if sym.kind == "external":
            return sym.module
        if (
            sym.kind == "local"
            and sym.node is not None
            and sym.node.type == "variable_declarator"
            and sym.file
        ):
            init = _strip_await(unwrap(sym.node.child_by_field_name("value")))
            parsed = self.graph.get(sym.file)
            if init is None or parsed is None or parsed.syntax is None:
                return None
            if init.type in ("call_expression", "new_expression"):
                inner = init.child_by_field_name(
                    "function" if init.type == "call_expression" else "constructor"
                )
                if inner is not None:
                    return self._root_module(sym.file, parsed.syntax, inner, hops + 1)
            if init.type in ("identifier", "member_expression"):
                return self._root_module(sym.file, parsed.syntax, init, hops + 1)
        return None

    # -- files read at startup ----------------------------------------------------------------

    def _read_file(
        self, path: str, syntax: Syntax, node: Node, args: list[Node], depth: int
    ) -> Value:
        if not args:
            return self._opaque(path, syntax, node, "readFileSync without a path")
        target = self._path_of(path, syntax, args[0], depth)
        if target is None:
            return self._opaque(
                path, syntax, node, "readFileSync of a path the evaluator cannot compute"
            )
        root = self.graph.root
        candidates = (
            [target]
            if target.is_absolute()
            else [root / target, root / PurePosixPath(path).parent / target]
        )
        for candidate in candidates:
            resolved = candidate.resolve()
            try:
                rel = resolved.relative_to(root).as_posix()
            except ValueError:
                continue
            if resolved.is_file():
                try:
                    content = resolved.read_text("utf-8")
                except (OSError, UnicodeDecodeError) as exc:
                    return self._opaque(path, syntax, node, f"could not read {rel}: {exc}")
                if rel not in self.assets:
                    self.assets.append(rel)
                base = _read_base(self._path_source(path, syntax, args[0]), target)
                if base == "cwd" and rel not in self.working_dir_assets:
                    self.working_dir_assets.append(rel)
                read = FileRead(
                    asset=rel, base=base, encoding=self._encoding(path, syntax, args, depth)
                )
                return StringValue(value=content, loc=node_loc(path, node), read_from=read)
        shown = target.as_posix() if not target.is_absolute() else str(target)
        self.diagnostics.append(
            Diagnostic(
                rule=RULE_ASSET.id,
                severity="todo",
                message=f"readFileSync in {path} reads {shown!r}, which is not a file in the project",
                loc=node_loc(path, node),
                hint=RULE_ASSET.fix,
            )
        )
        return self._opaque(path, syntax, node, f"file {shown!r} not found in the project")

    def _path_source(self, path: str, syntax: Syntax, node: Node) -> str:
        """The source of a path expression, with the names it uses replaced by their values."""
        text = syntax.text(node)
        for _ in range(4):
            current = unwrap(node) or node
            if current.type != "identifier":
                break
            found = self.resolve_identifier(path, current)
            if found is None:
                break
            path, node, _name = found
            parsed = self.graph.get(path)
            if parsed is None or parsed.syntax is None:
                break
            syntax = parsed.syntax
            text = syntax.text(node)
        return text

    def _encoding(self, path: str, syntax: Syntax, args: list[Node], depth: int) -> str:
        """The encoding argument of ``readFileSync(path, 'utf8' | { encoding })``."""
        if len(args) < 2:
            return "utf-8"
        value = self._eval(path, syntax, args[1], depth)
        if isinstance(value, ObjectValue):
            value = value.entries.get("encoding", StringValue(value="utf-8"))
        if isinstance(value, StringValue) and value.value.lower() in ("utf8", "utf-8"):
            return "utf-8"
        return value.value if isinstance(value, StringValue) else "utf-8"

    def _path_of(self, path: str, syntax: Syntax, node: Node, depth: int) -> Path | None:
        """An absolute (or root-relative) path an expression denotes, if it can be computed."""
        if depth > self.max_depth:
            return None
        node = unwrap(node) or node
        file_dir = self.graph.root / PurePosixPath(path).parent
        text = syntax.text(node).replace(" ", "")
        if text in ("__dirname", "import.meta.dirname"):
            sym = self.graph.resolve_local(path, "__dirname") if text == "__dirname" else None
            if sym is None or sym.node is None:
                return file_dir
        if text in ("__filename", "import.meta.filename", "import.meta.url"):
            return self.graph.root / path
        if text == "process.cwd()":
            return self.graph.root
        if node.type in ("string", "template_string"):
            value = self._eval(path, syntax, node, depth)
            if isinstance(value, StringValue):
                if value.value.startswith("file://"):
                    return None
                return Path(value.value)
            return None
        if node.type == "identifier":
            sym = self.graph.resolve_local(path, syntax.text(node))
            if sym is None or sym.kind != "local" or sym.node is None or sym.file is None:
                return None
            init = (
                unwrap(sym.node.child_by_field_name("value"))
                if sym.node.type == "variable_declarator"
                else None
            )
            parsed = self.graph.get(sym.file)
            if init is None or parsed is None or parsed.syntax is None:
                return None
            return self._path_of(sym.file, parsed.syntax, init, depth + 1)
        if node.type == "new_expression":
            ctor = node.child_by_field_name("constructor")
            args_node = node.child_by_field_name("arguments")
            args = args_node.named_children if args_node is not None else []
            if ctor is not None and syntax.text(ctor) == "URL" and args:
                rel = self._eval(path, syntax, args[0], depth)
                base = self._path_of(path, syntax, args[1], depth + 1) if len(args) > 1 else None
                if isinstance(rel, StringValue) and base is not None:
                    return base.parent / rel.value
            return None
        if node.type == "call_expression":
            fn = node.child_by_field_name("function")
            args_node = node.child_by_field_name("arguments")
            if fn is None or args_node is None:
                return None
            name = syntax.text(fn).split(".")[-1]
            args = [a for a in args_node.named_children if a.type != "comment"]
            if name in ("fileURLToPath", "toString") and (args or name == "toString"):
                inner = args[0] if args else fn.child_by_field_name("object")
                return self._path_of(path, syntax, inner, depth + 1) if inner is not None else None
            if name == "dirname" and args:
                inner = self._path_of(path, syntax, args[0], depth + 1)
                return inner.parent if inner is not None else None
            if name in ("join", "resolve", "normalize") and args:
                result: Path | None = None
                for a in args:
                    piece = self._path_of(path, syntax, a, depth + 1)
                    if piece is None:
                        return None
                    result = piece if result is None or piece.is_absolute() else result / piece
                return result
        return None


_GLOBALS = frozenset(
    {"JSON", "Math", "Object", "Array", "String", "Number", "Boolean", "Date", "URL", "Promise",
     "process", "console", "Symbol", "Buffer", "require", "fetch", "Intl", "RegExp", "Error",
     "parseInt", "parseFloat"}
)  # fmt: skip


def _read_base(path_source: str, target: Path) -> Literal["module", "cwd"]:
    """How a ``readFileSync`` path is anchored: to the reading module, or to the working dir."""
    text = path_source.replace(" ", "")
    if any(anchor in text for anchor in ("import.meta", "__dirname", "__filename")):
        return "module"
    return "cwd" if "process.cwd()" in text or not target.is_absolute() else "module"


def _strip_await(node: Node | None) -> Node | None:
    while node is not None and node.type == "await_expression":
        node = unwrap(node.named_children[0]) if node.named_children else None
    return node


def _root_identifier(node: Node) -> Node | None:
    current: Node | None = node
    while current is not None:
        current = unwrap(current)
        if current is None:
            return None
        if current.type == "identifier":
            return current
        if current.type in ("member_expression", "subscript_expression"):
            current = current.child_by_field_name("object")
        elif current.type == "call_expression":
            current = current.child_by_field_name("function")
        elif current.type == "new_expression":
            current = current.child_by_field_name("constructor")
        else:
            return None
    return None


def _dotted(syntax: Syntax, node: Node) -> str:
    return re.sub(r"\s+", "", syntax.text(node)).replace("?.", ".")


def _template_text(raw: bytes) -> str:
    text = raw.decode("utf-8", "replace").replace("\r\n", "\n")
    return unescape_js(text)


_POSITION_METHODS = frozenset({"slice", "substring", "charAt", "at", "repeat"})


def _position_method(
    method: str, base: StringValue | ArrayValue, positions: list[float], loc: Loc
) -> Value | None:
    """``slice``/``substring``/``charAt``/``at``/``repeat`` with JavaScript's arguments."""
    if isinstance(base, ArrayValue):
        if method != "slice":
            return None
        start, end = _slice_bounds(len(base.items), positions)
        return ArrayValue(items=list(base.items[start:end]), loc=loc)
    text = base.value
    if method == "slice":
        return StringValue(value=js_slice(text, *positions[:2]), loc=loc)
    if method == "substring":
        return StringValue(value=js_substring(text, *positions[:2]), loc=loc)
    first = positions[0] if positions else 0
    if first != first or abs(first) == float("inf"):  # NaN / Infinity
        first = 0 if first != first else first
    if method == "repeat":
        return StringValue(value=js_repeat(text, first), loc=loc)
    if abs(first) == float("inf"):
        return StringValue(value="", loc=loc) if method == "charAt" else NullValue(undefined=True)
    index = int(first)
    if method == "charAt":
        return StringValue(value=js_char_at(text, index), loc=loc)
    char = js_at(text, index)
    return NullValue(undefined=True, loc=loc) if char is None else StringValue(value=char, loc=loc)


def _slice_bounds(length: int, positions: list[float]) -> tuple[int, int]:
    def relative(value: float) -> int:
        if value != value:
            return 0
        if value < 0:
            return 0 if value == float("-inf") else max(length + int(value), 0)
        return length if value == float("inf") else min(int(value), length)

    start = relative(positions[0]) if positions else 0
    end = relative(positions[1]) if len(positions) > 1 else length
    return start, max(start, end)


def _join(array: ArrayValue, sep: Value, loc: Loc) -> Value:
    """``array.join(sep)``: null and undefined items are empty, nested arrays join with commas."""
    parts: list[Value] = []
    for i, item in enumerate(array.items):
        if i:
            parts.append(sep)
        if isinstance(item, NullValue):
            continue
        if isinstance(item, ArrayValue):
            item = _join(item, StringValue(value=","), loc)
        parts.append(item)
    return _concat(parts, loc) if parts else StringValue(value="", loc=loc)


def _stringish(value: Value) -> bool:
    return isinstance(value, StringValue | TemplateValue | EnvValue)


def _concat(parts: list[Value], loc: Loc) -> Value:
    """Join parts into one StringValue if all are known strings, else a flat TemplateValue."""
    flat: list[Value] = []
    for part in parts:
        items = part.parts if isinstance(part, TemplateValue) else [part]
        for item in items:
            if isinstance(item, NumberValue):
                item = StringValue(value=js_number_string(item.value))
            elif isinstance(item, NullValue):
                item = StringValue(value="undefined" if item.undefined else "null")
            elif isinstance(item, BoolValue):
                item = StringValue(value="true" if item.value else "false")
            if isinstance(item, StringValue) and flat and isinstance(flat[-1], StringValue):
                flat[-1] = StringValue(value=flat[-1].value + item.value)
            elif isinstance(item, StringValue):
                flat.append(StringValue(value=item.value))
            else:
                flat.append(item)
    flat = [p for p in flat if not (isinstance(p, StringValue) and p.value == "")] or [
        StringValue(value="")
    ]
    if len(flat) == 1 and isinstance(flat[0], StringValue):
        return StringValue(value=flat[0].value, loc=loc)
    return TemplateValue(parts=flat, loc=loc)


def _dedent(text: str) -> str:
    if text.startswith("\n"):
        text = text[1:]
    return textwrap.dedent(text).rstrip(" \t").rstrip("\n") if text.strip() else ""
