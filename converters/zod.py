"""Zod call chains to ``SchemaNode``: one node per zod construct, from which both the JSON Schema the
model sees and the pydantic source a person reads are made (see ``converters.schema_emit``).

``zod_to_schema(syntax, node, ctx)`` reads a zod expression (``z.object({...}).describe(...)``, a
reference to a schema const, ``Base.extend({...})``, ...). Names that refer to other schema consts
become ``type='ref'`` nodes whose ``ref`` is the qualified name ``"<file>#<name>"``; the referenced
node is registered with ``ctx.register_schema`` so that emitters resolve it. What cannot be
expressed is kept (refinements, transforms) or made ``opaque``, and reported through ``ctx.report``.

Modifiers keep the order they were applied in (``SchemaNode.modifiers``): zod's JSON Schema depends on
it (``.describe().nullable()`` puts the description inside the ``anyOf``; ``.nullable().describe()``
beside it).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Protocol

import tree_sitter

from converters.evaluate import node_loc, trusted_model
from converters.ir import Diagnostic, Loc, SchemaNode, ZodEffect
from converters.rules import define
from converters.ts import Syntax, pair_parts, parse

__all__ = [
    "LM401",
    "LM402",
    "LM403",
    "LM404",
    "LM405",
    "LM406",
    "SingleFileZodContext",
    "ZodContext",
    "opaque_finding",
    "zod_to_schema",
]

LM401 = define(
    "LM401",
    "zod refinement kept as a validator stub",
    "Translate the refine/superRefine/check body into the emitted pydantic validator, then remove "
    "the NotImplementedError.",
)
LM402 = define(
    "LM402",
    "zod transform, pipe or preprocess kept as a validator stub",
    "The model still sees the input type; translate the transform into the emitted pydantic "
    "validator (mode='before' for preprocess, 'after' for transform) or into the tool body.",
)
LM403 = define(
    "LM403",
    "zod construct not understood",
    "Write the pydantic type for this field by hand; the emitted model types it as Any. A whole "
    "tool or step schema the converter could not read is left out of create_tool/create_step "
    "(nothing is checked) until you write its model.",
)
LM404 = define(
    "LM404",
    "zod default computed by a function",
    "Check the emitted default_factory: zod calls the function on every parse, and JSON Schema only "
    "shows the value it returned once.",
)
LM405 = define(
    "LM405",
    "zod deepPartial",
    "zod 4 removed deepPartial; the converter made every nested object field optional. Check the "
    "emitted models.",
)

LM406 = define(
    "LM406",
    "zod refinement or transform translated to a pydantic validator",
    "Read the emitted validator once: it calls lumos_compat.zod_effects with the callback "
    "translated from TypeScript, so failures read as zod's issues. Run the tool's tests.",
)

MAX_SAFE_INTEGER = 9007199254740991

# zod 4 sized integer formats: name -> (minimum, maximum)
_INT_FORMATS: dict[str, tuple[int, int]] = {
    "int": (-MAX_SAFE_INTEGER, MAX_SAFE_INTEGER),
    "int32": (-2147483648, 2147483647),
    "uint32": (0, 4294967295),
}

# string formats zod knows, by method / factory name -> IR format name
_STRING_FORMATS: dict[str, str] = {
    "email": "email",
    "url": "url",
    "httpUrl": "url",
    "uuid": "uuid",
    "uuidv4": "uuid",
    "uuidv6": "uuid",
    "uuidv7": "uuid",
    "guid": "guid",
    "cuid": "cuid",
    "cuid2": "cuid2",
    "ulid": "ulid",
    "xid": "xid",
    "ksuid": "ksuid",
    "nanoid": "nanoid",
    "emoji": "emoji",
    "base64": "base64",
    "base64url": "base64url",
    "datetime": "datetime",
    "date": "date",
    "time": "time",
    "duration": "duration",
    "ipv4": "ipv4",
    "ipv6": "ipv6",
    "cidrv4": "cidrv4",
    "cidrv6": "cidrv6",
    "hostname": "hostname",
    "e164": "e164",
    "jwt": "jwt",
}

_PRIMITIVE_FACTORIES = {
    "string": "string",
    "number": "number",
    "boolean": "boolean",
    "bigint": "bigint",
    "date": "date",
    "null": "null",
    "undefined": "any",
    "void": "any",
    "any": "any",
    "unknown": "unknown",
    "never": "never",
    "symbol": "any",
    "nan": "any",
}

_OBJECT_MODES = {"object": "strip", "strictObject": "strict", "looseObject": "passthrough"}
_REFINEMENTS = {"refine", "superRefine", "check"}
_EFFECT_KINDS = {"refine", "superRefine", "check", "transform", "overwrite", "pipe", "preprocess"}
_TRANSFORMS = {"transform", "overwrite"}
_NO_OPS = {"brand", "finite", "safe"}
# results that something else may hold (a shared child node, or the value type of an effect's
# translated callback): the next method of a chain copies them before changing them
_SHARING_METHODS = frozenset({"element", "pipe", *_REFINEMENTS, *_TRANSFORMS})
_SHARING_FACTORIES = frozenset({"preprocess", "pipe"})
# number methods: (constraint, its fixed value or None for the call's argument)
_NUMBER_BOUNDS: dict[str, tuple[str, int | None]] = {
    "min": ("minimum", None),
    "gte": ("minimum", None),
    "max": ("maximum", None),
    "lte": ("maximum", None),
    "gt": ("exclusive_minimum", None),
    "lt": ("exclusive_maximum", None),
    "positive": ("exclusive_minimum", 0),
    "negative": ("exclusive_maximum", 0),
    "nonnegative": ("minimum", 0),
    "nonpositive": ("maximum", 0),
    "multipleOf": ("multiple_of", None),
    "step": ("multiple_of", None),
}


class ZodContext(Protocol):
    """What ``zod_to_schema`` needs from the project around the expression it reads."""

    def resolve_identifier(
        self, syntax: Syntax, identifier: tree_sitter.Node
    ) -> tuple[Syntax, tree_sitter.Node, str] | None:
        """Follow a name to its definition: (that file's Syntax, the initializer expression or the
        enum declaration, qualified name ``"<file>#<name>"``), or None when it cannot be found."""
        ...

    def loc(self, syntax: Syntax, node: tree_sitter.Node) -> Loc:
        """The source location of a node."""
        ...

    def zod_names(self, syntax: Syntax) -> set[str]:
        """Local names bound to the zod namespace in that file (usually ``{"z"}``)."""
        ...

    def report(self, diagnostic: Diagnostic) -> None:
        """Record a finding for the migration report."""
        ...

    def register_schema(self, qualified_name: str, node: SchemaNode) -> None:
        """Store a named schema (``Project.schemas``) so that ``ref`` nodes resolve."""
        ...

    def lookup_schema(self, qualified_name: str) -> SchemaNode | None:
        """A schema registered before, or None."""
        ...


@dataclass
class SingleFileZodContext:
    """A ``ZodContext`` over one parsed file: names resolve to that file's top-level declarations."""

    syntax: Syntax
    path: str = "schema.ts"
    diagnostics: list[Diagnostic] = field(default_factory=list)
    schemas: dict[str, SchemaNode] = field(default_factory=dict)

    @classmethod
    def from_source(cls, source: str, path: str = "schema.ts") -> SingleFileZodContext:
        """Parse TypeScript source and build a context over it."""
        return cls(parse(source, "ts"), path)

    def declarations(self) -> dict[str, tree_sitter.Node]:
        """Top-level ``const`` initializers and ``enum`` declarations by name."""
        found: dict[str, tree_sitter.Node] = {}
        for stmt in self.syntax.root.named_children:
            decl = stmt
            if stmt.type == "export_statement":
                inner = stmt.child_by_field_name("declaration")
                if inner is None:
                    continue
                decl = inner
            if decl.type in ("lexical_declaration", "variable_declaration"):
                for declarator in decl.named_children:
                    if declarator.type != "variable_declarator":
                        continue
                    name = declarator.child_by_field_name("name")
                    value = declarator.child_by_field_name("value")
                    if name is not None and value is not None and name.type == "identifier":
                        found[self.syntax.text(name)] = value
            elif decl.type == "enum_declaration":
                name = decl.child_by_field_name("name")
                if name is not None:
                    found[self.syntax.text(name)] = decl
        return found

    def exported_names(self) -> list[str]:
        """Names of exported ``const`` declarations, in source order."""
        names: list[str] = []
        for stmt in self.syntax.root.named_children:
            if stmt.type != "export_statement":
                continue
            decl = stmt.child_by_field_name("declaration")
            if decl is None or decl.type != "lexical_declaration":
                continue
            for declarator in decl.named_children:
                name = declarator.child_by_field_name("name")
                if declarator.type == "variable_declarator" and name is not None:
                    names.append(self.syntax.text(name))
        return names

    def schema(self, name: str) -> SchemaNode:
        """Convert the top-level const ``name`` (convenience for tests)."""
        value = self.declarations().get(name)
        if value is None:
            raise KeyError(f"{self.path} has no top-level const named {name!r}")
        node = zod_to_schema(self.syntax, value, self)
        if node.source_name is None:
            node = node.model_copy(update={"source_name": name})
        return node

    def resolve_identifier(
        self, syntax: Syntax, identifier: tree_sitter.Node
    ) -> tuple[Syntax, tree_sitter.Node, str] | None:
        """Look the name up among this file's top-level declarations."""
        name = syntax.text(identifier)
        value = self.declarations().get(name)
        if value is None:
            return None
        return self.syntax, value, f"{self.path}#{name}"

    def loc(self, syntax: Syntax, node: tree_sitter.Node) -> Loc:
        """The node's location in this file."""
        line, col = syntax.position(node)
        end_line, end_col = syntax.end_position(node)
        return Loc(file=self.path, line=line, column=col, end_line=end_line, end_column=end_col)

    def zod_names(self, syntax: Syntax) -> set[str]:
        """Names imported from ``zod`` (``import { z } from "zod"``, ``import * as z``, default)."""
        return zod_import_names(syntax)

    def report(self, diagnostic: Diagnostic) -> None:
        """Collect the diagnostic."""
        self.diagnostics.append(diagnostic)

    def register_schema(self, qualified_name: str, node: SchemaNode) -> None:
        """Store a named schema."""
        self.schemas[qualified_name] = node

    def lookup_schema(self, qualified_name: str) -> SchemaNode | None:
        """A stored named schema."""
        return self.schemas.get(qualified_name)


def zod_import_names(syntax: Syntax) -> set[str]:
    """Local names a file binds to the zod module (``zod``, ``zod/v4``, ``zod/v3``, ``zod/mini``)."""
    names: set[str] = set()
    for stmt in syntax.root.named_children:
        if stmt.type != "import_statement":
            continue
        source = stmt.child_by_field_name("source")
        if source is None or _string_value(syntax, source) not in (
            "zod",
            "zod/v4",
            "zod/v3",
            "zod/mini",
        ):
            continue
        for clause in stmt.named_children:
            if clause.type != "import_clause":
                continue
            for part in clause.named_children:
                if part.type == "identifier":  # default import
                    names.add(syntax.text(part))
                elif part.type == "namespace_import":
                    names.update(
                        syntax.text(c) for c in part.named_children if c.type == "identifier"
                    )
                elif part.type == "named_imports":
                    for spec in part.named_children:
                        if spec.type != "import_specifier":
                            continue
                        imported = spec.child_by_field_name("name")
                        alias = spec.child_by_field_name("alias")
                        if imported is not None and syntax.text(imported) == "z":
                            names.add(syntax.text(alias or imported))
    return names


def zod_to_schema(syntax: Syntax, node: tree_sitter.Node, ctx: ZodContext) -> SchemaNode:
    """Convert one zod expression to a ``SchemaNode``; never raises on unknown constructs."""
    return _Reader(ctx).read(syntax, node)


# ---------------------------------------------------------------------------------------------
# helpers over tree-sitter nodes
# ---------------------------------------------------------------------------------------------


_WRAPPERS = frozenset(
    {"parenthesized_expression", "as_expression", "satisfies_expression", "non_null_expression"}
)


def _unwrap(node: tree_sitter.Node) -> tree_sitter.Node:
    """Strip parentheses and type-only wrappers (``as``, ``satisfies``, ``!``)."""
    while node.type in _WRAPPERS:
        children = node.named_children
        if not children:
            return node
        node = children[0]
    return node


def _args(call: tree_sitter.Node) -> list[tree_sitter.Node]:
    arguments = call.child_by_field_name("arguments")
    if arguments is None:
        return []
    return [a for a in arguments.named_children if a.type != "comment"]


def _string_value(syntax: Syntax, node: tree_sitter.Node) -> str | None:
    node = _unwrap(node)
    if node.type == "string":
        children = node.named_children
        if len(children) == 1 and children[0].type == "string_fragment":  # no escapes
            return syntax.text(children[0])
        return "".join(
            syntax.text(c) if c.type == "string_fragment" else _escape_value(syntax.text(c))
            for c in children
        )
    if node.type == "template_string" and not any(
        c.type == "template_substitution" for c in node.named_children
    ):
        text = syntax.text(node)
        return text[1:-1]
    return None


def _escape_value(text: str) -> str:
    try:
        return str(json.loads(f'"{text}"'))
    except ValueError:
        return {"\\'": "'"}.get(text, text[1:])


_NO_VALUE = object()


def _literal(syntax: Syntax, node: tree_sitter.Node) -> Any:
    """The value of a literal expression (JSON-like), or ``_NO_VALUE``."""
    node = _unwrap(node)
    kind = node.type
    if kind == "string" or kind == "template_string":
        value = _string_value(syntax, node)
        return _NO_VALUE if value is None else value
    if kind == "number":
        return _number(syntax.text(node))
    if kind == "true":
        return True
    if kind == "false":
        return False
    if kind == "null":
        return None
    if kind == "unary_expression" and syntax.text(node).startswith("-"):
        inner = _literal(syntax, node.named_children[0])
        return (
            -inner if isinstance(inner, int | float) and not isinstance(inner, bool) else _NO_VALUE
        )
    if kind == "array":
        items = [_literal(syntax, c) for c in node.named_children]
        return _NO_VALUE if any(i is _NO_VALUE for i in items) else items
    if kind == "object":
        out: dict[str, Any] = {}
        for pair in node.named_children:
            if pair.type != "pair":
                return _NO_VALUE
            key = _property_key(syntax, pair.child_by_field_name("key"))
            value_node = pair.child_by_field_name("value")
            if key is None or value_node is None:
                return _NO_VALUE
            value = _literal(syntax, value_node)
            if value is _NO_VALUE:
                return _NO_VALUE
            out[key] = value
        return out
    return _NO_VALUE


def _number(text: str) -> int | float | object:
    cleaned = text.replace("_", "")
    try:
        if cleaned.lower().startswith(("0x", "0o", "0b")):
            return int(cleaned, 0)
        value = float(cleaned)
    except ValueError:
        return _NO_VALUE
    return int(value) if value.is_integer() and not re.search(r"[.eE]", cleaned) else value


def _property_key(syntax: Syntax, key: tree_sitter.Node | None) -> str | None:
    if key is None:
        return None
    kind = key.type
    if kind == "property_identifier" or kind == "identifier":
        return syntax.text(key)
    if kind == "string" or kind == "template_string":
        return _string_value(syntax, key)
    if kind == "number":
        return syntax.text(key)
    return None


def _arrow_body_expression(node: tree_sitter.Node) -> tree_sitter.Node | None:
    """The returned expression of ``() => expr`` or ``() => { return expr; }``."""
    node = _unwrap(node)
    if node.type not in ("arrow_function", "function_expression", "function"):
        return None
    body = node.child_by_field_name("body")
    if body is None:
        return None
    if body.type != "statement_block":
        return body
    statements = [c for c in body.named_children if c.type != "comment"]
    if len(statements) == 1 and statements[0].type == "return_statement":
        returned = statements[0].named_children
        return returned[0] if returned else None
    return None


def _regex_source(syntax: Syntax, node: tree_sitter.Node) -> str | None:
    node = _unwrap(node)
    if node.type == "regex":
        pattern = node.child_by_field_name("pattern")
        return syntax.text(pattern) if pattern is not None else ""
    if node.type == "new_expression":
        ctor = node.child_by_field_name("constructor")
        args = _args(node)
        if ctor is not None and syntax.text(ctor) == "RegExp" and args:
            return _string_value(syntax, args[0])
    return None


def _escape_regex(text: str) -> str:
    return re.sub(r"[.*+?^${}()|[\]\\]", lambda m: "\\" + m.group(0), text)


# ---------------------------------------------------------------------------------------------
# the reader
# ---------------------------------------------------------------------------------------------


class _Unsupported(Exception):
    """Internal: a construct that becomes an opaque node."""


@dataclass
class _Reader:
    ctx: ZodContext
    resolving: list[str] = field(default_factory=list)
    # the zod names of the file read last (a schema is mostly read within one file)
    _names_syntax: Syntax | None = field(default=None, init=False)
    _names: set[str] = field(default_factory=set, init=False)
    # the file of the Syntax located last, when the context names it (``loc_file``): locations
    # in it are then built here, without asking the context for each node
    _loc_syntax: Syntax | None = field(default=None, init=False)
    _loc_file: str = field(default="", init=False)

    def _zod_names(self, syntax: Syntax) -> set[str]:
        """``ctx.zod_names(syntax)``, asked once per file while this reader reads it."""
        if syntax is not self._names_syntax:
            self._names = self.ctx.zod_names(syntax)
            self._names_syntax = syntax
        return self._names

    # entry ---------------------------------------------------------------------------------
    def read(self, syntax: Syntax, node: tree_sitter.Node) -> SchemaNode:
        kinds = syntax.kinds
        kind = node.kind_id
        if kind in kinds.wrappers:
            node = _unwrap(node)
            kind = node.kind_id
        try:
            if kind == kinds.call_expression:
                return self._call(syntax, node)
            if kind == kinds.identifier:
                return self._reference(syntax, node)
            if kind == kinds.member_expression:
                return self._member(syntax, node)
            raise _Unsupported(f"expected a zod schema, found a {node.type.replace('_', ' ')}")
        except _Unsupported as exc:
            return self._opaque(syntax, node, str(exc))

    def _opaque(self, syntax: Syntax, node: tree_sitter.Node, reason: str) -> SchemaNode:
        loc = self.ctx.loc(syntax, node)
        source = syntax.text(node)
        self.ctx.report(opaque_finding(reason, source, loc))
        return _schema(type="opaque", loc=loc, reason=reason, source=source)

    # names -------------------------------------------------------------------------------------
    def _reference(self, syntax: Syntax, ident: tree_sitter.Node) -> SchemaNode:
        name = syntax.text(ident)
        if syntax is self._loc_syntax:  # what ``ctx.loc`` gives, as in ``_call``
            loc = node_loc(self._loc_file, ident)
        else:
            loc = self.ctx.loc(syntax, ident)
        resolved = self.ctx.resolve_identifier(syntax, ident)
        if resolved is None:
            raise _Unsupported(f"`{name}` could not be resolved to a zod schema")
        def_syntax, value, qualified = resolved
        if qualified in self.resolving:  # a cycle: only z.lazy makes this legal
            return _schema(type="ref", ref=qualified, source_name=name, loc=loc)
        if self.ctx.lookup_schema(qualified) is None:
            if _unwrap(value).type == "enum_declaration":
                raise _Unsupported(f"`{name}` is a TypeScript enum, not a zod schema")
            self.resolving.append(qualified)
            try:
                target = self.read(def_syntax, value)
            finally:
                self.resolving.pop()
            if target.source_name is None:
                target = target.model_copy(update={"source_name": name})
            self.ctx.register_schema(qualified, target)
        return _schema(type="ref", ref=qualified, source_name=name, loc=loc)

    def _target(self, node: SchemaNode) -> SchemaNode:
        """Follow refs to the node they name (for operations that need the structure)."""
        seen: set[str] = set()
        while node.type == "ref" and node.ref is not None and node.ref not in seen:
            seen.add(node.ref)
            target = self.ctx.lookup_schema(node.ref)
            if target is None:
                raise _Unsupported(f"`{node.source_name}` is used before its definition is known")
            node = _merge_modifiers(target, node)
        return node

    def _member(self, syntax: Syntax, node: tree_sitter.Node) -> SchemaNode:
        obj = node.child_by_field_name("object")
        prop = node.child_by_field_name("property")
        if obj is None or prop is None:
            raise _Unsupported("incomplete member expression")
        prop_name = syntax.text(prop)
        obj = _unwrap(obj)
        # X.shape.key
        if obj.type == "member_expression":
            inner_prop = obj.child_by_field_name("property")
            inner_obj = obj.child_by_field_name("object")
            if (
                inner_prop is not None
                and inner_obj is not None
                and syntax.text(inner_prop) == "shape"
            ):
                base = self._target(self.read(syntax, inner_obj))
                if base.type != "object" or prop_name not in base.properties:
                    raise _Unsupported(f"`.shape.{prop_name}` does not name a field of an object")
                return base.properties[prop_name]
        if syntax.text(obj) in self._zod_names(syntax) and prop_name in _PRIMITIVE_FACTORIES:
            raise _Unsupported(f"`z.{prop_name}` must be called")
        if prop_name == "element":
            base = self._target(self.read(syntax, obj))
            if base.type == "array" and base.items is not None:
                return base.items
        raise _Unsupported(f"`.{prop_name}` is not a zod schema")

    # calls ---------------------------------------------------------------------------------------
    def _call(self, syntax: Syntax, call: tree_sitter.Node) -> SchemaNode:
        # A chain ``z.string().min(1).optional()`` is read in one loop rather than one frame a
        # link: down the chain to the call that starts it (``z.xxx(...)`` or a name), then its
        # methods applied inside out. A link that fails is the chain's opaque value (the
        # outermost raises, for the caller to make it opaque, as for any other expression).
        source = syntax.source
        ascii_text = syntax.ascii_text
        kinds = syntax.kinds
        clean = syntax.clean
        wrappers = kinds.wrappers
        member_kind = kinds.member_expression
        identifier_kind = kinds.identifier
        call_kind = kinds.call_expression
        comment_kind = kinds.comment
        links: list[tuple[tree_sitter.Node, str, list[tree_sitter.Node]]] = []
        current = call
        while True:
            # A call without syntax errors and with two children is exactly ``function
            # arguments`` (type arguments, ``?.`` and comments add children): read them in one
            # step then.
            children = current.children
            if len(children) == 2 and (clean or not current.has_error):
                fn, arguments = children
            else:
                fn = current.child_by_field_name("function")
                arguments = current.child_by_field_name("arguments")
            try:
                if fn is None:
                    raise _Unsupported("call without a callee")
                fn_kind = fn.kind_id
                if fn_kind in wrappers:
                    fn = _unwrap(fn)
                    fn_kind = fn.kind_id
                if fn_kind != member_kind:
                    if fn_kind == identifier_kind and syntax.text(fn) in self._zod_names(syntax):
                        raise _Unsupported("the zod namespace is not callable")
                    raise _Unsupported(f"`{_short(syntax.text(fn))}(...)` is not a zod call")
                # likewise a member expression of three children is ``object . property``
                parts = fn.children
                if len(parts) == 3 and (clean or not fn.has_error):
                    obj = parts[0]
                    prop = parts[2]
                else:
                    obj = fn.child_by_field_name("object")
                    prop = fn.child_by_field_name("property")
                    if obj is None or prop is None:
                        raise _Unsupported("incomplete call")
            except _Unsupported as exc:
                if not links:
                    raise
                return self._opaque(syntax, current, str(exc))
            args = (
                [a for a in arguments.named_children if a.kind_id != comment_kind]
                if arguments is not None and arguments.named_child_count
                else []
            )
            obj_kind = obj.kind_id
            if obj_kind in wrappers:
                obj = _unwrap(obj)
                obj_kind = obj.kind_id
            # ``syntax.text`` without its frame
            if ascii_text is not None:
                method = ascii_text[prop.start_byte : prop.end_byte]
            else:
                method = source[prop.start_byte : prop.end_byte].decode("utf-8", "replace")
            namespace: str | None = None
            if obj_kind == identifier_kind:
                names = self._names if syntax is self._names_syntax else self._zod_names(syntax)
                if ascii_text is not None:
                    name = ascii_text[obj.start_byte : obj.end_byte]
                else:
                    name = source[obj.start_byte : obj.end_byte].decode("utf-8", "replace")
                if name in names:
                    namespace = ""
            elif obj_kind == member_kind:
                ns_obj = obj.child_by_field_name("object")
                ns_prop = obj.child_by_field_name("property")
                if (
                    ns_obj is not None
                    and ns_prop is not None
                    and _unwrap(ns_obj).type == "identifier"
                    and syntax.text(ns_obj) in self._zod_names(syntax)
                ):
                    namespace = syntax.text(ns_prop)
            if namespace is not None:  # ``z.xxx(...)`` or ``z.ns.xxx(...)`` starts the chain
                if syntax is self._loc_syntax:
                    loc = node_loc(self._loc_file, current)
                else:
                    loc = self._first_loc(syntax, current)
                primitive = _PRIMITIVE_FACTORIES.get(method) if not namespace else None
                if primitive is not None:  # what _factory makes of it, without its dispatch
                    base = _primitive(primitive, loc)
                    owned = True
                else:
                    try:
                        base = self._factory(syntax, current, method, args, loc, namespace)
                    except _Unsupported as exc:
                        if not links:
                            raise
                        return self._opaque(syntax, current, str(exc))
                    owned = method not in _SHARING_FACTORIES
                break
            links.append((current, method, args))
            if obj_kind != call_kind:
                base = self.read(syntax, obj)
                # a name reads as a ref node made for this use alone
                owned = obj_kind == identifier_kind
                break
            current = obj
        for index in range(len(links) - 1, -1, -1):
            if base.type == "opaque":
                return base
            link, method, args = links[index]
            # the location of the call is made when a branch needs it (most modifiers keep base's)
            try:
                base = self._method(syntax, link, base, method, args, None, owned)
            except _Unsupported as exc:
                if not index:
                    raise
                return self._opaque(syntax, link, str(exc))
            owned = method not in _SHARING_METHODS
        return base

    def _first_loc(self, syntax: Syntax, node: tree_sitter.Node) -> Loc:
        """``ctx.loc(syntax, node)``; remembers the file of ``syntax`` when the context offers
        ``loc_file`` (whose locations are then ``node_loc(file, node)``, as ``ExtractContext``'s)."""
        loc_file = getattr(self.ctx, "loc_file", None)
        file = loc_file(syntax) if loc_file is not None else None
        if file is None:
            return self.ctx.loc(syntax, node)
        self._loc_syntax = syntax
        self._loc_file = file
        return node_loc(file, node)

    def _loc(self, syntax: Syntax, call: tree_sitter.Node, loc: Loc | None) -> Loc:
        """``loc``, or the location of ``call`` when it was not made yet."""
        return loc if loc is not None else self.ctx.loc(syntax, call)

    # z.xxx(...) --------------------------------------------------------------------------------
    def _factory(
        self,
        syntax: Syntax,
        call: tree_sitter.Node,
        name: str,
        args: list[tree_sitter.Node],
        loc: Loc,
        namespace: str,
    ) -> SchemaNode:
        if namespace == "coerce":
            node = self._factory(syntax, call, name, args, loc, namespace="")
            if name == "date":
                node.constraints["coerce"] = True
            conversion = {"number": "Number", "string": "String", "boolean": "Boolean"}.get(name)
            if conversion is not None:  # zod converts the input the JavaScript way first
                node.effects = [
                    ZodEffect(kind="coerce", source=f"z.coerce.{name}()", loc=loc, value=conversion)
                ]
            return node
        if namespace == "iso":
            if name not in ("datetime", "date", "time", "duration"):
                raise _Unsupported(f"`z.iso.{name}` is not known")
            return _schema(type="string", loc=loc, constraints=self._format(syntax, name, args))
        if namespace:
            raise _Unsupported(f"`z.{namespace}.{name}` is not known")
        if name in _PRIMITIVE_FACTORIES:
            return _primitive(_PRIMITIVE_FACTORIES[name], loc)
        if name in _INT_FORMATS:
            return _schema(type="integer", loc=loc, constraints={"int_format": name})
        if name in ("float32", "float64"):
            return _schema(type="number", loc=loc, constraints={"float_format": name})
        if name in _STRING_FORMATS:
            return _schema(type="string", loc=loc, constraints=self._format(syntax, name, args))
        if name in ("object", "strictObject", "looseObject"):
            mode = _OBJECT_MODES[name]
            props = self._shape(syntax, args[0]) if args else {}
            return _schema(type="object", loc=loc, properties=props, object_mode=mode)
        if name == "array":
            self._need(args, 1, "z.array")
            return _schema(type="array", loc=loc, items=self.read(syntax, args[0]))
        if name in ("set", "map"):
            items = [self.read(syntax, a) for a in args]
            if name == "set":
                return _schema(type="set", loc=loc, items=items[0] if items else None)
            return _schema(
                type="map",
                loc=loc,
                key=items[0] if items else None,
                items=items[1] if len(items) > 1 else None,
            )
        if name == "tuple":
            self._need(args, 1, "z.tuple")
            members = self._list(syntax, args[0])
            rest = self.read(syntax, args[1]) if len(args) > 1 else None
            return _schema(type="tuple", loc=loc, members=members, rest=rest)
        if name == "union":
            self._need(args, 1, "z.union")
            return _schema(type="union", loc=loc, members=self._list(syntax, args[0]))
        if name == "discriminatedUnion":
            self._need(args, 2, "z.discriminatedUnion")
            disc = _string_value(syntax, args[0])
            if disc is None:
                raise _Unsupported("the discriminator of z.discriminatedUnion must be a string")
            return _schema(
                type="discriminated_union",
                loc=loc,
                discriminator=disc,
                members=self._list(syntax, args[1]),
            )
        if name == "intersection":
            self._need(args, 2, "z.intersection")
            return _schema(
                type="intersection",
                loc=loc,
                members=[self.read(syntax, args[0]), self.read(syntax, args[1])],
            )
        if name in ("record", "partialRecord"):
            self._need(args, 1, "z.record")
            if len(args) == 1:
                key = _schema(type="string")
                value = self.read(syntax, args[0])
            else:
                key = self.read(syntax, args[0])
                value = self.read(syntax, args[1])
            node = _schema(type="record", loc=loc, key=key, items=value)
            if name == "partialRecord":
                node.constraints["partial"] = True
            return node
        if name == "enum":
            self._need(args, 1, "z.enum")
            return self._enum(syntax, args[0], loc)
        if name == "nativeEnum":
            self._need(args, 1, "z.nativeEnum")
            return self._enum(syntax, args[0], loc, native=True)
        if name == "literal":
            self._need(args, 1, "z.literal")
            value = _literal(syntax, args[0])
            if value is _NO_VALUE:
                raise _Unsupported("z.literal of a value that is not a literal")
            values = value if isinstance(value, list) else [value]
            return _schema(type="literal", loc=loc, values=values)
        if name == "lazy":
            self._need(args, 1, "z.lazy")
            body = _arrow_body_expression(args[0])
            if body is None:
                raise _Unsupported("z.lazy needs a function returning a schema")
            inner = self.read(syntax, body)
            return inner.model_copy(update={"constraints": {**inner.constraints, "lazy": True}})
        if name in ("optional", "nullable", "nullish", "readonly"):
            self._need(args, 1, f"z.{name}")
            return self._method(syntax, call, self.read(syntax, args[0]), name, [], loc)
        if name == "preprocess":
            self._need(args, 2, "z.preprocess")
            node = self.read(syntax, args[1])
            return self._add_transform(syntax, call, node, "preprocess", loc)
        if name == "pipe":
            self._need(args, 2, "z.pipe")
            node = self.read(syntax, args[0])
            return self._add_transform(syntax, call, node, "pipe", loc)
        if name in ("json",):
            return _schema(type="any", loc=loc)
        raise _Unsupported(f"`z.{name}(...)` is not supported")

    def _need(self, args: list[tree_sitter.Node], count: int, what: str) -> None:
        if len(args) < count:
            raise _Unsupported(f"{what} needs {count} argument(s), found {len(args)}")

    def _list(self, syntax: Syntax, node: tree_sitter.Node) -> list[SchemaNode]:
        node = _unwrap(node)
        if node.type != "array":
            raise _Unsupported("expected an array literal of schemas")
        return [self.read(syntax, c) for c in node.named_children if c.type != "comment"]

    def _shape(self, syntax: Syntax, node: tree_sitter.Node) -> dict[str, SchemaNode]:
        kinds = syntax.kinds
        if node.kind_id in kinds.wrappers:
            node = _unwrap(node)
        kind = node.kind_id
        if kind != kinds.object:
            # a shape held in a const or `X.shape`
            if kind == kinds.member_expression:
                prop = node.child_by_field_name("property")
                obj = node.child_by_field_name("object")
                if prop is not None and obj is not None and syntax.text(prop) == "shape":
                    base = self._target(self.read(syntax, obj))
                    if base.type == "object":
                        return dict(base.properties)
            elif kind == kinds.identifier:
                resolved = self.ctx.resolve_identifier(syntax, node)
                if resolved is not None and _unwrap(resolved[1]).type == "object":
                    return self._shape(resolved[0], resolved[1])
            raise _Unsupported("expected an object literal of fields")
        props: dict[str, SchemaNode] = {}
        source = syntax.source
        ascii_text = syntax.ascii_text
        clean = syntax.clean
        for entry in node.named_children:
            entry_kind = entry.kind_id
            if entry_kind == kinds.comment:
                continue
            if entry_kind == kinds.pair:
                parts = entry.children  # ``pair_parts`` without its frame (shapes are large)
                if len(parts) == 3 and (clean or not entry.has_error):
                    key_node, value = parts[0], parts[2]
                else:
                    key_node, value = pair_parts(entry)
                if key_node is not None and key_node.kind_id == kinds.property_identifier:
                    if ascii_text is not None:  # ``syntax.text`` without its frame
                        key = ascii_text[key_node.start_byte : key_node.end_byte]
                    else:
                        key = source[key_node.start_byte : key_node.end_byte].decode(
                            "utf-8", "replace"
                        )
                else:
                    key = _property_key(syntax, key_node)
                if key is None or value is None:
                    raise _Unsupported("a computed field name")
                if value.kind_id == kinds.call_expression:  # what ``read`` does, one frame less
                    try:
                        props[key] = self._call(syntax, value)
                    except _Unsupported as exc:
                        props[key] = self._opaque(syntax, value, str(exc))
                else:
                    props[key] = self.read(syntax, value)
            elif entry_kind == kinds.shorthand_property_identifier:
                key = syntax.text(entry)
                props[key] = self._reference(syntax, entry)
            elif entry_kind == kinds.spread_element:
                inner = entry.named_children[0]
                props.update(self._shape(syntax, inner))
            else:
                raise _Unsupported(f"unexpected {entry.type} in an object shape")
        return props

    def _enum(
        self, syntax: Syntax, node: tree_sitter.Node, loc: Loc, native: bool = False
    ) -> SchemaNode:
        node = _unwrap(node)
        value = _literal(syntax, node)
        if isinstance(value, list):
            return _schema(type="enum", loc=loc, values=value)
        if isinstance(value, dict):
            return _schema(type="native_enum", loc=loc, values=_enum_object_values(value))
        if node.type == "identifier":
            resolved = self.ctx.resolve_identifier(syntax, node)
            if resolved is not None:
                def_syntax, decl, qualified = resolved
                decl = _unwrap(decl)
                name = qualified.rpartition("#")[2]
                if decl.type == "enum_declaration":
                    values = _ts_enum_values(def_syntax, decl)
                    if values is None:
                        raise _Unsupported(f"enum `{name}` has members that are not literals")
                    return _schema(type="native_enum", loc=loc, values=values, source_name=name)
                literal = _literal(def_syntax, decl)
                if isinstance(literal, list):
                    return _schema(type="enum", loc=loc, values=literal)
                if isinstance(literal, dict):
                    return _schema(
                        type="native_enum",
                        loc=loc,
                        values=_enum_object_values(literal),
                        source_name=name,
                    )
        raise _Unsupported("enum values that are not literals")

    def _format(self, syntax: Syntax, name: str, args: list[tree_sitter.Node]) -> dict[str, Any]:
        constraints: dict[str, Any] = {"format": _STRING_FORMATS[name]}
        if args:
            options = _literal(syntax, args[0])
            if isinstance(options, dict):
                extra = {k: v for k, v in options.items() if k not in ("message", "error")}
                if extra:
                    constraints["format_options"] = extra
        return constraints

    # schema.method(...) ----------------------------------------------------------------------
    def _method(
        self,
        syntax: Syntax,
        call: tree_sitter.Node,
        base: SchemaNode,
        method: str,
        args: list[tree_sitter.Node],
        loc: Loc | None,
        owned: bool = False,
    ) -> SchemaNode:
        """``base.method(args)``; ``owned`` says that nothing else holds ``base`` (the chain
        reader made it for this link alone), which is then changed in place instead of copied."""
        if owned:  # what ``_fresh`` gives, without the copy nobody else would see
            node = base
            node.__pydantic_fields_set__.add("constraints")
        else:
            node = _fresh(base)
        if method in ("optional", "nullable", "nullish"):
            # what two attribute assignments do (``_assign`` without building keywords)
            values = node.__dict__
            values[method] = True
            values["modifiers"] = [*values["modifiers"], method]
            fields_set = node.__pydantic_fields_set__
            fields_set.add(method)
            fields_set.add("modifiers")
            return node
        if method == "default" or method == "prefault":
            self._need(args, 1, f".{method}")
            return self._default(syntax, call, node, args[0], loc)
        if method == "catch":
            self._need(args, 1, ".catch")
            value = _literal(syntax, args[0])
            if value is _NO_VALUE:
                body = _arrow_body_expression(args[0])
                value = _literal(syntax, body) if body is not None else _NO_VALUE
            if value is _NO_VALUE:
                raise _Unsupported("`.catch()` with a value that is not a literal")
            loc = self._loc(syntax, call, loc)
            node.constraints["catch"] = value
            node.modifiers = [*node.modifiers, "catch"]
            node.effects = [
                *node.effects,
                ZodEffect(
                    kind="catch", source=f".catch({syntax.text(args[0])})", loc=loc, value=value
                ),
            ]
            return node
        if method == "describe":
            self._need(args, 1, ".describe")
            text = _string_value(syntax, args[0])
            if text is None:
                raise _Unsupported("`.describe()` of a value that is not a string literal")
            _assign(node, description=text, modifiers=[*node.modifiers, "describe"])
            return node
        if method == "meta":
            meta = _literal(syntax, args[0]) if args else _NO_VALUE
            if isinstance(meta, dict):
                if isinstance(meta.get("description"), str):
                    node.description = meta["description"]
                    node.modifiers = [*node.modifiers, "describe"]
                others = {k: v for k, v in meta.items() if k != "description"}
                if others:
                    node.constraints["meta"] = {**node.constraints.get("meta", {}), **others}
                return node
            raise _Unsupported("`.meta()` with a value that is not a literal object")
        if method == "readonly":
            node.constraints["readonly"] = True
            node.modifiers = [*node.modifiers, "readonly"]
            return node
        if method in _NO_OPS:
            return node
        if method in _REFINEMENTS:
            arguments = call.child_by_field_name("arguments")
            source = (
                f".{method}{syntax.text(arguments)}" if arguments is not None else syntax.text(call)
            )
            loc = self._loc(syntax, call, loc)
            effect = self._effect(syntax, node, method, args, source, loc)
            node.refinements = [*node.refinements, source]
            node.constraints["refinement_locs"] = [
                *node.constraints.get("refinement_locs", []),
                str(loc),
            ]
            node.effects = [*node.effects, effect]
            if effect.translated:
                message = f"`.{method}(...)` translated to a pydantic validator"
            else:
                message = (
                    f"`.{method}(...)` cannot be expressed in JSON Schema and was not translated "
                    f"({effect.why}); the pydantic model gets a validator stub to complete"
                )
            self.ctx.report(
                Diagnostic(
                    rule=LM401.id if not effect.translated else LM406.id,
                    severity="info" if effect.translated else "todo",
                    message=message,
                    loc=loc,
                    hint=LM401.fix if not effect.translated else LM406.fix,
                )
            )
            return node
        if method in _TRANSFORMS or method == "pipe":
            return self._add_transform(syntax, call, node, method, self._loc(syntax, call, loc))
        if method == "array":
            return _schema(type="array", loc=self._loc(syntax, call, loc), items=base)
        if method == "or":
            self._need(args, 1, ".or")
            loc = self._loc(syntax, call, loc)
            return _schema(type="union", loc=loc, members=[base, self.read(syntax, args[0])])
        if method == "and":
            self._need(args, 1, ".and")
            loc = self._loc(syntax, call, loc)
            return _schema(type="intersection", loc=loc, members=[base, self.read(syntax, args[0])])
        # ``node`` is a fresh copy already; the target of a ref is shared, so it is copied
        target = _fresh(self._target(node)) if node.type == "ref" else node
        return self._structural(syntax, call, target, method, args, loc)

    def _default(
        self,
        syntax: Syntax,
        call: tree_sitter.Node,
        node: SchemaNode,
        arg: tree_sitter.Node,
        loc: Loc | None,
    ) -> SchemaNode:
        value = _literal(syntax, arg)
        if value is _NO_VALUE:
            body = _arrow_body_expression(arg)
            factory_source = syntax.text(arg)
            value = _literal(syntax, body) if body is not None else _NO_VALUE
            node.constraints["default_factory"] = factory_source
            self.ctx.report(
                Diagnostic(
                    rule=LM404.id,
                    severity="todo" if value is _NO_VALUE else "info",
                    message=f"default computed by `{_short(factory_source)}`",
                    loc=self._loc(syntax, call, loc),
                    hint=LM404.fix,
                )
            )
            if value is _NO_VALUE:
                value = None
                node.constraints["default_unknown"] = True
        _assign(node, has_default=True, default=value, modifiers=[*node.modifiers, "default"])
        return node

    def _add_transform(
        self, syntax: Syntax, call: tree_sitter.Node, node: SchemaNode, method: str, loc: Loc
    ) -> SchemaNode:
        node = _fresh(node)
        args = call.child_by_field_name("arguments")
        source = f".{method}{syntax.text(args)}" if args is not None else syntax.text(call)
        if method == "preprocess":
            source = syntax.text(call)
        effect = self._effect(syntax, node, method, _args(call), source, loc)
        node.transforms = [*node.transforms, source]
        node.constraints["transform_locs"] = [*node.constraints.get("transform_locs", []), str(loc)]
        node.effects = [*node.effects, effect]
        if effect.translated:
            message = (
                f"`{_short(source)}` translated to a pydantic validator; the model still sees "
                "the input type"
            )
        else:
            message = (
                f"`{_short(source)}` changes the parsed value and was not translated "
                f"({effect.why}); the model still sees the input type and the pydantic model "
                "gets a validator stub"
            )
        self.ctx.report(
            Diagnostic(
                rule=LM402.id if not effect.translated else LM406.id,
                severity="info" if effect.translated else "todo",
                message=message,
                loc=loc,
                hint=LM402.fix if not effect.translated else LM406.fix,
            )
        )
        return node

    def _effect(
        self,
        syntax: Syntax,
        node: SchemaNode,
        method: str,
        args: list[tree_sitter.Node],
        source: str,
        loc: Loc,
    ) -> ZodEffect:
        """The effect of a refine/superRefine/transform/preprocess call, its callback translated
        when the body translator can (``why`` names what stopped it otherwise)."""
        kind = method if method in _EFFECT_KINDS else "check"
        effect = ZodEffect(kind=kind, source=source, loc=loc)  # type: ignore[arg-type]
        if method == "pipe":  # `.pipe(schema)` or `z.pipe(input, schema)`: validate the output
            if not args:
                effect.why = "`.pipe()` without a schema"
                return effect
            effect.output = self.read(syntax, args[-1])
            if effect.output.type == "opaque":
                effect.why = f"the piped schema ({effect.output.reason})"
            return effect
        if method == "check":
            effect.why = f"`.{method}()` is not translated"
            return effect
        if not args:
            effect.why = f"`.{method}()` without a function"
            return effect
        if method == "refine" and len(args) > 1:
            options = self._refine_options(syntax, args[1])
            if isinstance(options, str):
                effect.why = options
                return effect
            effect.message, effect.path = options
        if len(args) > (2 if method in ("refine", "preprocess") else 1):
            effect.why = f"`.{method}()` with {len(args)} arguments"
            return effect
        from converters.translate.types import JSON, schema_type
        from converters.translate.zod_callbacks import translate_zod_callback

        def resolve(qualified: str) -> SchemaNode:
            found = self.ctx.lookup_schema(qualified)
            if found is None:
                raise KeyError(qualified)
            return found

        value_ty = schema_type(node, resolve) if method != "preprocess" else None
        result = translate_zod_callback(
            syntax,
            args[0],
            value_ty=value_ty or JSON,
            name="convert" if method in ("transform", "overwrite", "preprocess") else "check",
            takes_ctx=method != "refine",
            resolve=resolve,
        )
        if not hasattr(result, "code"):
            line, column = result.line, result.column  # type: ignore[union-attr]
            effect.why = f"{result.construct} at {loc.file}:{line}:{column}"  # type: ignore[union-attr]
            return effect
        effect.python = result.code  # type: ignore[union-attr]
        effect.imports = list(result.imports)  # type: ignore[union-attr]
        if method in ("transform", "overwrite"):
            effect.output = _schema_of(result.returns)  # type: ignore[union-attr]
        return effect

    def _refine_options(
        self, syntax: Syntax, node: tree_sitter.Node
    ) -> tuple[str | None, list[str | int]] | str:
        """``.refine(fn, "message")`` or ``{ message | error, path }``: (message, path), or why
        not."""
        value = _literal(syntax, node)
        if isinstance(value, str):
            return value, []
        if not isinstance(value, dict):
            return f"the refine options `{_short(syntax.text(node), 40)}` are not a literal"
        unknown = set(value) - {"message", "error", "path"}
        if unknown:
            return f"the refine option(s) {', '.join(sorted(unknown))}"
        message = value.get("message", value.get("error"))
        path = value.get("path", [])
        if (message is not None and not isinstance(message, str)) or not (
            isinstance(path, list) and all(isinstance(p, str | int) for p in path)
        ):
            return "refine options whose message or path is not a literal"
        return message, path

    def _structural(
        self,
        syntax: Syntax,
        call: tree_sitter.Node,
        node: SchemaNode,
        method: str,
        args: list[tree_sitter.Node],
        loc: Loc | None,
    ) -> SchemaNode:
        """``node.method(args)`` for the methods that depend on the schema's type; ``node`` is a
        copy (``_fresh``) this may change."""
        c = node.constraints
        kind = node.type
        num = _literal(syntax, args[0]) if args else _NO_VALUE
        if kind in ("string", "array", "set") and method in ("min", "max", "length", "nonempty"):
            lo_key, hi_key = (
                ("min_length", "max_length") if kind == "string" else ("min_items", "max_items")
            )
            if method == "nonempty":
                c[lo_key] = 1
            elif isinstance(num, int):
                if method in ("min", "length"):
                    c[lo_key] = num
                if method in ("max", "length"):
                    c[hi_key] = num
            else:
                raise _Unsupported(f"`.{method}()` with a bound that is not a number literal")
            return node
        if kind == "string":
            if method in _STRING_FORMATS:
                c.update(self._format(syntax, method, args))
                return node
            if method == "regex":
                pattern = _regex_source(syntax, args[0]) if args else None
                if pattern is None:
                    raise _Unsupported("`.regex()` of a value that is not a regex literal")
                c["pattern"] = pattern
                return node
            if method in ("startsWith", "endsWith", "includes"):
                text = _string_value(syntax, args[0]) if args else None
                if text is None:
                    raise _Unsupported(f"`.{method}()` of a value that is not a string literal")
                c[
                    {"startsWith": "starts_with", "endsWith": "ends_with", "includes": "includes"}[
                        method
                    ]
                ] = text
                return node
            if method in ("trim", "toLowerCase", "toUpperCase", "normalize"):
                c[
                    {
                        "trim": "trim",
                        "toLowerCase": "to_lower",
                        "toUpperCase": "to_upper",
                        "normalize": "normalize",
                    }[method]
                ] = True
                if method != "normalize":  # zod 4 overwrites the string before its checks
                    node.effects = [
                        *node.effects,
                        ZodEffect(
                            kind="coerce",
                            source=f".{method}()",
                            loc=self._loc(syntax, call, loc),
                            value=method,
                        ),
                    ]
                return node
            if method in ("ip",):
                c["format"] = "ip"
                return node
        if kind in ("number", "integer"):
            if method == "int":
                node.type = "integer"
                c["int_format"] = "int"
                return node
            bound = _NUMBER_BOUNDS.get(method)
            if bound is not None:
                key, value = bound
                if value is None:
                    value = num
                if not isinstance(value, int | float) or isinstance(value, bool):
                    raise _Unsupported(f"`.{method}()` with a bound that is not a number literal")
                if key == "minimum":
                    c.pop("exclusive_minimum", None)
                elif key == "exclusive_minimum":
                    c.pop("minimum", None)
                elif key == "maximum":
                    c.pop("exclusive_maximum", None)
                elif key == "exclusive_maximum":
                    c.pop("maximum", None)
                c[key] = value
                return node
        if kind == "date" and method in ("min", "max"):
            return node
        if kind == "object":
            return self._object_method(syntax, node, method, args, self._loc(syntax, call, loc))
        if kind == "tuple" and method == "rest":
            self._need(args, 1, ".rest")
            node.rest = self.read(syntax, args[0])
            return node
        if kind in ("enum", "native_enum") and method in ("extract", "exclude"):
            chosen = _literal(syntax, args[0]) if args else _NO_VALUE
            if not isinstance(chosen, list):
                raise _Unsupported(f"`.{method}()` of values that are not literals")
            if method == "extract":
                node.values = [v for v in node.values if v in chosen]
            else:
                node.values = [v for v in node.values if v not in chosen]
            node.type = "enum"
            return node
        if kind == "array" and method == "element" and node.items is not None:
            return node.items
        raise _Unsupported(f"`.{method}()` on a {kind} schema is not supported")

    def _object_method(
        self,
        syntax: Syntax,
        node: SchemaNode,
        method: str,
        args: list[tree_sitter.Node],
        loc: Loc,
    ) -> SchemaNode:
        fresh = node.model_copy(
            update={"source_name": None, "loc": loc, "description": None, "modifiers": []}
        )
        if method in ("strict", "passthrough", "strip", "loose"):
            fresh.object_mode = "passthrough" if method == "loose" else method  # type: ignore[assignment]
            fresh.catchall = None
            fresh.description = node.description
            fresh.modifiers = [m for m in node.modifiers if m == "describe"]
            return fresh
        if method == "catchall":
            self._need(args, 1, ".catchall")
            fresh.catchall = self.read(syntax, args[0])
            fresh.description = node.description
            fresh.modifiers = [m for m in node.modifiers if m == "describe"]
            return fresh
        if method in ("extend", "safeExtend"):
            self._need(args, 1, ".extend")
            fresh.properties = {**node.properties, **self._shape(syntax, args[0])}
            return fresh
        if method == "merge":
            self._need(args, 1, ".merge")
            other = self._target(self.read(syntax, args[0]))
            if other.type != "object":
                raise _Unsupported("`.merge()` of a schema that is not an object")
            fresh.properties = {**node.properties, **other.properties}
            fresh.object_mode = other.object_mode
            fresh.catchall = other.catchall
            return fresh
        if method in ("pick", "omit", "partial", "required"):
            mask: dict[str, Any] | None = None
            if args:
                value = _literal(syntax, args[0])
                if not isinstance(value, dict):
                    raise _Unsupported(f"`.{method}()` with a mask that is not a literal object")
                mask = {k: v for k, v in value.items() if v}
            elif method in ("pick", "omit"):
                raise _Unsupported(f"`.{method}()` needs a mask")
            if mask is not None and (unknown := set(mask) - set(node.properties)):
                raise _Unsupported(f"`.{method}()` names unknown fields {sorted(unknown)}")
            if method == "pick":
                fresh.properties = {k: v for k, v in node.properties.items() if k in (mask or {})}
            elif method == "omit":
                fresh.properties = {
                    k: v for k, v in node.properties.items() if k not in (mask or {})
                }
            else:
                props: dict[str, SchemaNode] = {}
                for key, prop in node.properties.items():
                    if mask is None or key in mask:
                        prop = _make_optional(prop) if method == "partial" else _make_required(prop)
                    props[key] = prop
                fresh.properties = props
            return fresh
        if method == "deepPartial":
            self.ctx.report(
                Diagnostic(
                    rule=LM405.id,
                    severity="warning",
                    message="`.deepPartial()` (zod 3 only) made every nested field optional",
                    loc=loc,
                    hint=LM405.fix,
                )
            )
            return _deep_partial(self, fresh)
        if method == "keyof":
            return _schema(type="enum", loc=loc, values=list(node.properties))
        raise _Unsupported(f"`.{method}()` on an object schema is not supported")


def _assign(node: SchemaNode, **values: Any) -> None:
    """Set fields of a node the reader made, as attribute assignments do (SchemaNode does not
    validate assignments): the values, and the names among the fields set."""
    node.__dict__.update(values)
    node.__pydantic_fields_set__.update(values)


def _fresh(node: SchemaNode) -> SchemaNode:
    """A copy of ``node`` that a zod method may change: a shallow copy with its own
    ``constraints`` dict (the methods replace lists and child nodes, never mutate them; child
    nodes are shared, which is safe because nothing edits a node after it is built).

    What ``node.model_copy(update={"constraints": ...})`` makes, without its generic steps."""
    values = node.__dict__.copy()
    values["constraints"] = dict(values["constraints"])
    fields_set = set(node.__pydantic_fields_set__)
    fields_set.add("constraints")
    return trusted_model(SchemaNode, values, fields_set)


# every field of SchemaNode in declaration order with its default (None for ``type``, which has
# none, and for the fields with a default factory: ``_schema`` gives them a fresh value)
_SCHEMA_DEFAULTS: dict[str, Any] = {
    name: None if info.is_required() or info.default_factory is not None else info.default
    for name, info in SchemaNode.model_fields.items()
}


def _blank_fields() -> dict[str, Any]:
    """Every field's default, with new containers for the fields that have a default factory
    (checked against the model in the tests)."""
    fields = _SCHEMA_DEFAULTS.copy()
    fields["properties"] = {}
    fields["members"] = []
    fields["values"] = []
    fields["constraints"] = {}
    fields["refinements"] = []
    fields["transforms"] = []
    fields["effects"] = []
    fields["modifiers"] = []
    return fields


def _schema(**values: Any) -> SchemaNode:
    """``SchemaNode(**values)`` for values the reader built itself (already of the fields' types
    and not shared with anything else), without validation: the same fields, defaults and
    fields-set as the validating constructor."""
    fields = _blank_fields()
    fields.update(values)
    return trusted_model(SchemaNode, fields, set(values))


def _primitive(kind: str, loc: Loc) -> SchemaNode:
    """``_schema(type=kind, loc=loc)``, the reader's most common node, without keywords."""
    fields = _blank_fields()
    fields["type"] = kind
    fields["loc"] = loc
    return trusted_model(SchemaNode, fields, {"type", "loc"})


def _deep_partial(reader: _Reader, node: SchemaNode) -> SchemaNode:
    node = _fresh(node)
    if node.type == "ref":
        node = reader._target(node)
    if node.type == "object":
        node.properties = {
            k: _make_optional(_deep_partial(reader, v)) for k, v in node.properties.items()
        }
    elif node.type == "array" and node.items is not None:
        node.items = _deep_partial(reader, node.items)
    return node


def _make_optional(prop: SchemaNode) -> SchemaNode:
    if prop.optional or prop.nullish:
        return prop
    return prop.model_copy(update={"optional": True, "modifiers": [*prop.modifiers, "optional"]})


def _make_required(prop: SchemaNode) -> SchemaNode:
    nullable = prop.nullable or prop.nullish
    modifiers = ["nullable" if m == "nullish" else m for m in prop.modifiers if m != "optional"]
    return prop.model_copy(
        update={"optional": False, "nullish": False, "nullable": nullable, "modifiers": modifiers}
    )


def _merge_modifiers(target: SchemaNode, ref: SchemaNode) -> SchemaNode:
    """The target of a ref with the modifiers the ref itself carries applied on top."""
    if not ref.modifiers and not ref.refinements and not ref.transforms and not ref.effects:
        return target
    update: dict[str, Any] = {
        "modifiers": [*target.modifiers, *ref.modifiers],
        "refinements": [*target.refinements, *ref.refinements],
        "transforms": [*target.transforms, *ref.transforms],
        "effects": [*target.effects, *ref.effects],
    }
    for flag in ("optional", "nullable", "nullish", "has_default"):
        if getattr(ref, flag):
            update[flag] = True
    if ref.has_default:
        update["default"] = ref.default
    if ref.description is not None:
        update["description"] = ref.description
    update["constraints"] = {**target.constraints, **ref.constraints}
    return target.model_copy(update=update)


def _schema_of(ty: Any) -> SchemaNode | None:
    """The schema of a value of the translator's type ``ty`` (None when it is not one)."""
    kinds = {"str": "string", "int": "integer", "float": "number", "bool": "boolean"}
    if ty.kind in kinds:
        node = SchemaNode(type=kinds[ty.kind])
    elif ty.kind == "list":
        items = _schema_of(ty.item) if ty.item is not None else None
        node = SchemaNode(type="array", items=items or SchemaNode(type="any"))
    elif ty.kind == "model" and ty.schema is not None:
        node = ty.schema
    elif ty.kind in ("json", "dict"):
        node = SchemaNode(type="any")
    else:
        return None
    return node.model_copy(update={"nullable": True}) if ty.nullable else node


def _enum_object_values(obj: dict[str, Any]) -> list[Any]:
    # TS numeric enums compiled to objects have reverse mappings; zod drops numeric-keyed entries
    return [v for k, v in obj.items() if not (isinstance(obj.get(str(v)), str) and k.isdigit())]


def _ts_enum_values(syntax: Syntax, decl: tree_sitter.Node) -> list[Any] | None:
    body = decl.child_by_field_name("body")
    if body is None:
        return None
    values: list[Any] = []
    next_number: int | float | None = 0
    for member in body.named_children:
        if member.type == "comment":
            continue
        if member.type == "enum_assignment":
            value_node = member.child_by_field_name("value")
            value = _literal(syntax, value_node) if value_node is not None else _NO_VALUE
            if value is _NO_VALUE or isinstance(value, bool | list | dict) or value is None:
                return None
            values.append(value)
            next_number = value + 1 if isinstance(value, int | float) else None
        else:
            if next_number is None:
                return None
            values.append(next_number)
            next_number += 1
    return values


def opaque_finding(reason: str, source: str, loc: Loc | None) -> Diagnostic:
    """The LM403 finding for a schema left opaque (``reason``; ``source`` is its text)."""
    return Diagnostic(
        rule=LM403.id,
        severity="todo",
        message=f"{reason}: `{_short(source)}` is typed as Any",
        loc=loc,
        hint=LM403.fix,
    )


def _short(text: str, limit: int = 80) -> str:
    one_line = " ".join(text.split())
    return one_line if len(one_line) <= limit else one_line[: limit - 1] + "…"
