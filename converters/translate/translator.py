"""TypeScript function bodies to Python statements: the subset tool and step bodies are made of.

``FunctionTranslator`` walks the tree-sitter tree (through ``converters.ts``) and builds libcst
nodes. Anything outside the subset raises :class:`Unsupported` naming the construct and where it
is; the caller then keeps the TODO body (all or nothing per function).
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

import libcst as cst

from converters.ir import SchemaNode
from converters.schema_emit import python_field_name
from converters.translate import pyexpr as px
from converters.translate.names import snake_case
from converters.translate.steps import STEP_KINDS, StepEnv, step_member
from converters.translate.types import (
    ANY,
    BOOL,
    ERROR,
    FLOAT,
    INT,
    JSON,
    NONE,
    REQUEST_CONTEXT,
    STR,
    Resolver,
    Ty,
    dict_of,
    list_of,
    schema_type,
    ts_annotation_type,
)
from converters.ts import Node, Syntax, pair_parts

__all__ = ["FunctionTranslator", "Unsupported"]

# module names the translated code imports: locals never take these names
_MODULES = {
    "httpx",
    "json",
    "math",
    "re",
    "os",
    "logging",
    "time",
    "random",
    "asyncio",
    "functools",
    "urllib",
    "datetime",
    "jsrt",
    "sys",
}
_BUILTINS = {
    "len", "str", "int", "float", "bool", "list", "dict", "any", "all", "next", "min", "max",
    "abs", "round", "isinstance", "callable", "format", "sum", "range", "print", "type", "id",
    "input", "context", "http", "Exception", "RuntimeError", "TypeError", "ValueError", "None",
    "True", "False", "object", "map", "filter", "iter", "set", "tuple", "hash", "vars", "open",
}  # fmt: skip
_AMBIGUOUS = {"l", "O", "I"}

# ToolExecutionContext attributes by their Mastra (1.x and 0.x) names
_CONTEXT_ATTRS = {
    "requestContext": ("request_context", REQUEST_CONTEXT),
    "runtimeContext": ("request_context", REQUEST_CONTEXT),
    "abortSignal": ("abort_signal", ANY),
    "mastra": ("mastra", ANY),
    "runId": ("run_id", Ty("str", nullable=True)),
    "threadId": ("thread_id", Ty("str", nullable=True)),
    "resourceId": ("resource_id", Ty("str", nullable=True)),
    "toolCallId": ("tool_call_id", Ty("str", nullable=True)),
    # lumos_compat.ToolStream: write()/custom() emit at once and return an awaitable; None when
    # the tool is called outside an agent run (Mastra's `writer` is undefined there too)
    "writer": ("writer", Ty("tool_writer", nullable=True)),
}
# fetch Response properties by their httpx.Response attributes
_RESPONSE_ATTRS = {
    "ok": ("is_success", BOOL),
    "status": ("status_code", INT),
    "statusText": ("reason_phrase", STR),
    "headers": ("headers", Ty("headers")),
}
_ERRORS = {"Error": "RuntimeError", "TypeError": "TypeError", "RangeError": "ValueError"}
_PASS_THROUGH = {"as_expression", "satisfies_expression", "non_null_expression", "type_assertion"}
_WRAPPERS = frozenset({*_PASS_THROUGH, "parenthesized_expression"})
_OPTIONAL_MARKS = frozenset({"optional_chain", "?."})


class Unsupported(Exception):
    """A construct outside the translatable subset, with where it is (1-based line, column)."""

    def __init__(self, construct: str, line: int, column: int) -> None:
        super().__init__(f"{construct} at line {line}, column {column}")
        self.construct = construct
        self.line = line
        self.column = column


@dataclass
class _Var:
    py: str
    ty: Ty
    owner: int  # id of the Python function that defines it
    used: bool = False


@dataclass
class _Block:
    """A lexical scope: a function body, a block, a comprehension."""

    vars: dict[str, _Var] = field(default_factory=dict)
    parent: _Block | None = None
    func: int = 0  # id of the enclosing Python function


@dataclass
class _Func:
    """A Python function being written: its names, whether it is async, what it returns."""

    ident: int
    is_async: bool
    names: set[str] = field(default_factory=set)
    returns: list[Ty] = field(default_factory=list)


E = tuple[cst.BaseExpression, Ty]

# a parsed module's top-level declarations by name (dropped with the parsed module)
_MODULE_DECLS: weakref.WeakKeyDictionary[Syntax, dict[str, Node]] = weakref.WeakKeyDictionary()
# the last module's entry of _MODULE_DECLS, as [syntax, declarations] (one entry, so bounded)
_LAST_DECLS: list[Any] = [None, None]
_R = TypeVar("_R")


class FunctionTranslator:
    """Translate one execute function (and the module-level helpers it calls) to Python."""

    def __init__(
        self,
        syntax: Syntax,
        *,
        line_offset: int = 0,
        resolve: Resolver | None = None,
        imported: Callable[[str], tuple[cst.BaseExpression, Ty] | None] | None = None,
        step: StepEnv | None = None,
    ) -> None:
        self.syntax = syntax
        self._source = syntax.source
        # the source as text when it is all ASCII (slices of it are the decoded slices of bytes)
        self._ascii = syntax.ascii_text
        # field ids of the grammar that parsed ``syntax``: a lookup by id skips the one by name
        self._field_ids = syntax.field_ids
        self.step = step  # set when translating a workflow step's execute
        self.line_offset = line_offset
        self.resolve = resolve
        # the value of an imported constant (a literal), for names imported from project files
        self.imported = imported
        self.imports: set[str] = set()
        self.uses_http = False
        self.helpers: list[cst.BaseStatement] = []
        self._funcs: list[_Func] = []
        self._next_func = 0
        self._block = _Block()
        self._root_names: set[str] = set()
        self._module_decls = self._collect_module_decls()
        self._in_except: list[str] = []
        self._loop_depth = 0
        self._temp = 0
        self.last_return: Ty = ANY  # the return type of the function translated last
        # `x.m() if x is not None else None` built for `x?.m()` where m() never gives null
        self.non_null_guards: set[int] = set()
        # whether a comprehension was built (only then are statements checked for the
        # parentheses their conditions and iterables may need)
        self.comprehensions = False
        # the types of the model fields read, by the id of their schema (see ``member``)
        self._field_types: dict[int, tuple[SchemaNode, Ty]] = {}

    # -- errors and positions ----------------------------------------------------------------
    def fail(self, what: str, node: Node) -> Unsupported:
        """An ``Unsupported`` for ``node``."""
        row, col = node.start_point
        return Unsupported(what, row + 1 + self.line_offset, col + 1)

    def text(self, node: Node) -> str:
        """Source text of a node (as ``Syntax.text`` reads it)."""
        ascii_text = self._ascii
        if ascii_text is not None:
            return ascii_text[node.start_byte : node.end_byte]
        return self._source[node.start_byte : node.end_byte].decode("utf-8", "replace")

    def parameter_patterns(self, node: Node, what: str = "the parameter") -> list[Node]:
        """The parameter patterns of a function node (one bare arrow parameter, or the list);
        a parameter with a default value is refused, named ``what``."""
        by_id, ids = node.child_by_field_id, self._field_ids
        single = by_id(ids["parameter"])
        if single is not None:
            return [single]
        patterns: list[Node] = []
        formal = by_id(ids["parameters"])
        pattern_id, value_id = ids["pattern"], ids["value"]
        for param in formal.named_children if formal is not None else []:
            if param.type == "comment":
                continue
            pattern = param.child_by_field_id(pattern_id)
            if pattern is None or param.child_by_field_id(value_id) is not None:
                raise self.fail(f"{what} {self.short(param)}", param)
            patterns.append(pattern)
        return patterns

    def short(self, node: Node) -> str:
        """A short quote of a node for messages."""
        text = " ".join(self.text(node).split())
        return f"`{text[:50]}{'…' if len(text) > 50 else ''}`"

    # -- module-level declarations -------------------------------------------------------------
    def _collect_module_decls(self) -> dict[str, Node]:
        # every tool of a module reads the same declarations: found once per parsed module
        # (read only: nothing adds to or removes from the mapping)
        last = _LAST_DECLS
        if last[0] is self.syntax:  # the module of the tool before: no weak reference made
            return last[1]  # type: ignore[no-any-return]
        known = _MODULE_DECLS.get(self.syntax)
        if known is not None:
            last[:] = [self.syntax, known]
            return known
        decls: dict[str, Node] = {}
        for child in self.syntax.root.named_children:
            node = child
            if node.type == "export_statement":
                inner = node.child_by_field_name("declaration")
                if inner is None:
                    continue
                node = inner
            if node.type == "function_declaration":
                ident = node.child_by_field_name("name")
                if ident is not None:
                    decls[self.text(ident)] = node
            elif node.type in ("lexical_declaration", "variable_declaration"):
                for decl in node.named_children:
                    if decl.type == "variable_declarator":
                        ident = decl.child_by_field_name("name")
                        if ident is not None and ident.type == "identifier":
                            decls[self.text(ident)] = decl
            elif node.type == "import_statement":
                for ident in self._walk(node):
                    if ident.type == "identifier":
                        decls.setdefault(self.text(ident), node)
        _MODULE_DECLS[self.syntax] = decls
        last[:] = [self.syntax, decls]
        return decls

    def _walk(self, node: Node) -> Iterator[Node]:
        stack = [node]
        while stack:
            current = stack.pop()
            yield current
            stack.extend(reversed(current.named_children))

    # -- names and scopes --------------------------------------------------------------------
    @property
    def func(self) -> _Func:
        """The Python function being written."""
        return self._funcs[-1]

    def _fresh(self, wanted: str) -> str:
        base = snake_case(wanted)  # the fallback is "value" (as a positional call, cached faster)
        if base in _MODULES or base in _BUILTINS or base in _AMBIGUOUS:
            base += "_"
        names, root_names = self._funcs[-1].names, self._root_names
        candidate, n = base, 2
        while candidate in names or candidate in root_names:  # no union of the two built
            candidate = f"{base}_{n}"
            n += 1
        names.add(candidate)
        return candidate

    def temp(self, hint: str = "value") -> str:
        """A fresh Python local for an intermediate value."""
        return self._fresh(hint)

    def declare(self, ts_name: str, ty: Ty, py: str | None = None) -> _Var:
        """Bind a TypeScript name in the current block."""
        var = _Var(py or self._fresh(ts_name), ty, self.func.ident)
        self._block.vars[ts_name] = var
        return var

    def lookup(self, ts_name: str, node: Node) -> _Var:
        """The variable a TypeScript name refers to (module helpers are translated on first use)."""
        block: _Block | None = self._block
        while block is not None:
            if ts_name in block.vars:
                var = block.vars[ts_name]
                var.used = True
                return var
            block = block.parent
        decl = self._module_decls.get(ts_name)
        if decl is None:
            raise self.fail(
                f"the name `{ts_name}` (not defined in the function or its module)", node
            )
        if decl.type == "import_statement":
            known = self.imported(ts_name) if self.imported is not None else None
            if known is None:
                raise self.fail(f"`{ts_name}`, imported from another module", node)
            expr, ty = known
            py = self._fresh(ts_name)
            self._root_names.add(py)
            var = _Var(py, ty, self._funcs[0].ident, used=True)
            self._root_block().vars[ts_name] = var
            self.helpers.append(_assign(py, expr))
            return var
        return self._module_helper(ts_name, decl)

    def is_module_name(self, ts_name: str) -> bool:
        """Whether ``ts_name`` names a module-level declaration (not shadowed by a local)."""
        block: _Block | None = self._block
        while block is not None:
            if ts_name in block.vars:
                return False
            block = block.parent
        return ts_name in self._module_decls

    def _module_helper(self, ts_name: str, decl: Node) -> _Var:
        root = self._root_block()
        saved_block, saved_funcs = self._block, self._funcs
        self._block, self._funcs = root, self._funcs[:1]
        saved_names = set(self.func.names)
        try:
            value = (
                decl.child_by_field_name("value") if decl.type == "variable_declarator" else decl
            )
            if value is None:
                raise self.fail(f"the module variable `{ts_name}` without a value", decl)
            while value.type in _PASS_THROUGH or value.type == "parenthesized_expression":
                value = value.named_children[0]
            if value.type in (
                "arrow_function",
                "function_expression",
                "function_declaration",
                "function",
            ):
                py = self._fresh(ts_name)
                self._root_names.add(py)
                var = self.declare(ts_name, Ty("function", is_async=self._is_async(value)), py)
                var.used = True
                # a module function sees module names only: its locals may reuse the execute's
                self.func.names = set(self._root_names)
                try:
                    self.helpers.append(self.function_def(py, value))
                finally:
                    self.func.names = saved_names | {py}
                var.ty = Ty("function", item=self.last_return, is_async=var.ty.is_async)
            else:
                kind = decl.parent.child_by_field_name("kind") if decl.parent else None
                if kind is None or self.text(kind) != "const":
                    raise self.fail(f"the module variable `{ts_name}` (only `const` is read)", decl)
                expr, ty = self.expr(value)
                py = self._fresh(ts_name)
                self._root_names.add(py)
                var = self.declare(ts_name, ty, py)
                var.used = True
                self.helpers.append(_assign(py, expr))
            return var
        finally:
            self._block, self._funcs = saved_block, saved_funcs

    def _root_block(self) -> _Block:
        block = self._block
        while block.parent is not None:
            block = block.parent
        return block

    def push_block(self) -> None:
        """Open a block scope."""
        self._block = _Block(parent=self._block, func=self.func.ident)

    def pop_block(self) -> None:
        """Close a block scope."""
        assert self._block.parent is not None
        self._block = self._block.parent

    def push_func(self, is_async: bool) -> _Func:
        """Start a Python function."""
        self._next_func += 1
        func = _Func(self._next_func, is_async)
        if self._funcs:
            func.names |= self.func.names  # keep enclosing names readable, never shadowed
        self._funcs.append(func)
        self.push_block()
        return func

    def pop_func(self) -> None:
        """Finish a Python function."""
        self.pop_block()
        self._funcs.pop()

    def comprehension(
        self,
        target: cst.BaseAssignTargetExpression,
        iterable: cst.BaseExpression,
        test: cst.BaseExpression | None = None,
    ) -> cst.CompFor:
        """``for target in iterable [if test]`` (every comprehension of a body is built here)."""
        self.comprehensions = True
        if test is None:
            return cst.CompFor(target=target, iter=iterable)
        return cst.CompFor(target=target, iter=iterable, ifs=[cst.CompIf(test)])

    def use(self, module: str) -> None:
        """Record an import the translated code needs."""
        self.imports.add(module)

    # -- functions ---------------------------------------------------------------------------
    @staticmethod
    def _is_async(node: Node) -> bool:
        return any(c.type == "async" for c in node.children)

    def function_def(self, py_name: str, node: Node) -> cst.FunctionDef:
        """A nested ``def`` for an arrow function, function expression or declaration."""
        is_async = self._is_async(node)
        if any(c.type == "*" for c in node.children):
            raise self.fail("a generator function", node)
        self.push_func(is_async)
        saved_except, self._in_except = self._in_except, []
        saved_loop, self._loop_depth = self._loop_depth, 0
        try:
            params = self.parameters(node)
            body_node = node.child_by_field_name("body")
            assert body_node is not None
            if body_node.type == "statement_block":
                body = self.block_statements(body_node)
            else:
                value, _ = self.expr(body_node)
                body = [_line(px.return_(value))]
            body = params[1] + body
            returns = node.child_by_field_name("return_type")
            declared = ts_annotation_type(self.text(returns) if returns else None)
            self.last_return = declared
            if declared.kind == "any" and self.func.returns:
                inferred: Ty | None = None
                for ty in self.func.returns:
                    inferred = _join(inferred, ty)
                self.last_return = inferred or ANY
            annotation = _annotation(declared)
            return cst.FunctionDef(
                name=cst.Name(py_name),
                params=cst.Parameters(params=params[0]),
                body=px.block(body or [_line(cst.Pass())]),
                asynchronous=px.ASYNC if is_async else None,
                returns=cst.Annotation(annotation)
                if annotation is not None and not is_async
                else None,
            )
        finally:
            self._in_except, self._loop_depth = saved_except, saved_loop
            self.pop_func()

    def parameters(self, node: Node) -> tuple[list[cst.Param], list[cst.BaseStatement]]:
        """Python parameters for a function's TypeScript parameters, and destructuring statements."""
        single = node.child_by_field_name("parameter")
        params: list[cst.Param] = []
        prologue: list[cst.BaseStatement] = []
        if single is not None:
            var = self.declare(self.text(single), ANY)
            return [cst.Param(cst.Name(var.py))], []
        formal = node.child_by_field_name("parameters")
        if formal is None:
            return [], []
        for param in formal.named_children:
            if param.type == "comment":
                continue
            if param.type not in ("required_parameter", "optional_parameter"):
                raise self.fail(f"the parameter {self.short(param)}", param)
            pattern = param.child_by_field_name("pattern")
            type_node = param.child_by_field_name("type")
            default = param.child_by_field_name("value")
            ty = ts_annotation_type(self.text(type_node) if type_node else None)
            assert pattern is not None
            if pattern.type == "identifier":
                var = self.declare(self.text(pattern), ty)
                annotation = _annotation(ty)
                default_expr = None
                if default is not None:
                    default_expr, _ = self.expr(default)
                if param.type == "optional_parameter" and default_expr is None:
                    default_expr = cst.Name("None")
                params.append(
                    cst.Param(
                        cst.Name(var.py),
                        annotation=cst.Annotation(annotation) if annotation is not None else None,
                        default=default_expr,
                    )
                )
            elif pattern.type in ("object_pattern", "array_pattern"):
                holder = self._fresh("args")
                params.append(cst.Param(cst.Name(holder)))
                prologue += self.destructure(pattern, (cst.Name(holder), ANY))
            else:
                raise self.fail(f"the parameter {self.short(param)}", param)
        return params, prologue

    # -- statements --------------------------------------------------------------------------
    def block_statements(self, block: Node) -> list[cst.BaseStatement]:
        """The statements of a ``{ ... }`` block, in a new block scope (functions hoisted)."""
        self.push_block()
        try:
            return self.statements(block.named_children)
        finally:
            self.pop_block()

    def statements(self, nodes: list[Node]) -> list[cst.BaseStatement]:
        """Translate statements in the current scope; function declarations first (hoisting)."""
        out: list[cst.BaseStatement] = []
        kinds = [n.type for n in nodes]  # each read once: tree-sitter makes a new str per read
        decls = (
            [n for n, k in zip(nodes, kinds, strict=True) if k == "function_declaration"]
            if "function_declaration" in kinds
            else []
        )
        for decl in decls:
            ident = decl.child_by_field_name("name")
            assert ident is not None
            self.declare(self.text(ident), Ty("function", is_async=self._is_async(decl)))
        for decl in decls:
            ident = decl.child_by_field_name("name")
            assert ident is not None
            var = self._block.vars[self.text(ident)]
            out.append(self.function_def(var.py, decl))
            var.ty = Ty("function", item=self.last_return, is_async=var.ty.is_async)
        for node, kind in zip(nodes, kinds, strict=True):
            if kind in ("function_declaration", "comment", "empty_statement"):
                continue
            out += self.statement(node)
            if kind == "if_statement":
                self._narrow_after_guard(node)
        return out

    def _narrow_after_guard(self, node: Node) -> None:
        """``if (!x) throw ...;`` / ``if (!x) return ...;``: below it, ``x`` is not null."""
        if node.child_by_field_name("alternative") is not None:
            return
        cond = node.child_by_field_name("condition")
        then = node.child_by_field_name("consequence")
        if cond is None or then is None:
            return
        while cond.type == "parenthesized_expression":
            cond = cond.named_children[0]
        if cond.type != "unary_expression" or self._op(cond) != "!":
            return
        last = then
        while last.type == "statement_block":
            inner = [c for c in last.named_children if c.type != "comment"]
            if not inner:
                return
            last = inner[-1]
        if last.type not in ("throw_statement", "return_statement"):
            return
        argument = cond.child_by_field_name("argument")
        var = self.narrowed(argument) if argument is not None else None
        if var is not None:
            var.ty = var.ty.with_nullable(False)

    def body_of(self, node: Node) -> list[cst.BaseStatement]:
        """A statement used as a body (a block or a single statement)."""
        if node.type == "statement_block":
            return self.block_statements(node)
        self.push_block()
        try:
            return self.statement(node)
        finally:
            self.pop_block()

    def statement(self, node: Node) -> list[cst.BaseStatement]:
        """One TypeScript statement as Python statements."""
        kind = node.type
        if kind == "statement_block":
            return self.block_statements(node)
        if kind in ("lexical_declaration", "variable_declaration"):
            return self.declaration(node)
        if kind == "expression_statement":
            return self.expression_statement(node.named_children[0])
        if kind == "return_statement":
            value = node.named_children[0] if node.named_children else None
            if value is None:
                return [_line(cst.Return())]
            expr, ty = self.expr(value)
            self.func.returns.append(ty)
            return [_line(px.return_(expr))]
        if kind == "if_statement":
            return [self.if_statement(node)]
        if kind == "throw_statement":
            return [self.throw(node)]
        if kind == "for_in_statement":
            return self.for_in(node)
        if kind == "for_statement":
            return self.for_statement(node)
        if kind == "while_statement":
            cond = node.child_by_field_name("condition")
            body = node.child_by_field_name("body")
            assert cond is not None and body is not None
            test = self.condition(cond)
            self._loop_depth += 1
            try:
                stmts = self.body_of(body)
            finally:
                self._loop_depth -= 1
            return [cst.While(test=test, body=px.block(stmts or [_line(cst.Pass())]))]
        if kind == "break_statement" and not node.named_children:
            return [_line(cst.Break())]
        if kind == "continue_statement" and not node.named_children:
            return [_line(cst.Continue())]
        if kind == "switch_statement":
            return self.switch(node)
        if kind == "try_statement":
            return [self.try_statement(node)]
        raise self.fail(f"the statement {self.short(node)} ({kind.replace('_', ' ')})", node)

    def declaration(self, node: Node) -> list[cst.BaseStatement]:
        """``const``/``let`` declarations, with destructuring and function values."""
        kind_node = node.child_by_field_name("kind")
        if node.type == "variable_declaration" or (kind_node and self.text(kind_node) == "var"):
            raise self.fail("`var` (function-scoped variables)", node)
        out: list[cst.BaseStatement] = []
        for decl in node.named_children:
            if decl.type != "variable_declarator":
                continue
            ids = self._field_ids
            target = decl.child_by_field_id(ids["name"])
            value = decl.child_by_field_id(ids["value"])
            type_node = decl.child_by_field_id(ids["type"])
            assert target is not None
            if value is None:
                if target.type != "identifier":
                    raise self.fail("a destructuring declaration without a value", decl)
                var = self.declare(
                    self.text(target),
                    ts_annotation_type(self.text(type_node) if type_node else None).with_nullable(),
                )
                out.append(_assign(var.py, cst.Name("None")))
                continue
            bare = value
            while bare.type in _PASS_THROUGH or bare.type == "parenthesized_expression":
                bare = bare.named_children[0]
            if target.type == "identifier" and bare.type in (
                "arrow_function",
                "function_expression",
                "function",
            ):
                var = self.declare(self.text(target), Ty("function", is_async=self._is_async(bare)))
                out.append(self.function_def(var.py, bare))
                var.ty = Ty("function", item=self.last_return, is_async=var.ty.is_async)
                continue
            if target.type == "identifier":
                if bare.type == "binary_expression" and self._op(bare) == "??":
                    out += self._nullish_declaration(target, bare)
                    continue
                expr, ty = self.expr(value)
                annotated = ts_annotation_type(self.text(type_node)) if type_node else ANY
                if (ty.kind in ("any", "json") and annotated.kind != "any") or (
                    annotated.kind == ty.kind
                    and annotated.item is not None
                    and (ty.item is None or ty.item.kind == "any")
                ):
                    ty = annotated
                var = self.declare(self.text(target), ty)
                out.append(_assign(var.py, expr))
            else:
                source = self.expr(value)
                out += self.destructure(target, source)
        return out

    def _nullish_declaration(self, target: Node, bare: Node) -> list[cst.BaseStatement]:
        # const x = a ?? b  ->  x = a; if x is None: x = b   (b evaluated only when needed)
        left = bare.child_by_field_name("left")
        right = bare.child_by_field_name("right")
        assert left is not None and right is not None
        expr, ty = self.expr(left, lenient=True)
        fallback, fty = self.expr(right)
        var = self.declare(self.text(target), _join(ty.with_nullable(False), fty))
        return [
            _assign(var.py, expr),
            cst.If(
                test=px.compare(cst.Name(var.py), cst.Is(), cst.Name("None")),
                body=px.block([_assign(var.py, fallback)]),
            ),
        ]

    def destructure(self, pattern: Node, source: E) -> list[cst.BaseStatement]:
        """``const { a, b: c = 1 } = x`` / ``const [a, b] = x`` as assignments."""
        expr, ty = source
        out: list[cst.BaseStatement] = []
        if type(expr) is not cst.Name:  # exact class: isinstance() on libcst's is slow
            holder = self.temp("result" if pattern.type == "object_pattern" else "items")
            out.append(_assign(holder, expr))
            expr = cst.Name(holder)
        if pattern.type == "object_pattern":
            for item in pattern.named_children:
                if item.type == "shorthand_property_identifier_pattern":
                    key, target, default = self.text(item), item, None
                elif item.type == "object_assignment_pattern":
                    left = item.child_by_field_name("left")
                    assert left is not None
                    key, target, default = self.text(left), left, item.child_by_field_name("right")
                elif item.type == "pair_pattern":
                    key_node = item.child_by_field_name("key")
                    value = item.child_by_field_name("value")
                    assert key_node is not None and value is not None
                    key = self._property_key(key_node)
                    target, default = value, None
                    if value.type == "assignment_pattern":
                        target = value.child_by_field_name("left")  # type: ignore[assignment]
                        default = value.child_by_field_name("right")
                    assert target is not None
                elif item.type == "comment":
                    continue
                else:
                    raise self.fail(f"the destructuring element {self.short(item)}", item)
                value_expr = self.member(expr, ty, key, item, lenient=default is not None)
                out += self._bind(target, value_expr, default)
        elif pattern.type == "array_pattern":
            position = 0
            for item in pattern.named_children:
                if item.type == "comment":
                    continue
                target, default = item, None
                if item.type == "assignment_pattern":
                    target = item.child_by_field_name("left")  # type: ignore[assignment]
                    default = item.child_by_field_name("right")
                    assert target is not None
                if item.type == "rest_pattern":
                    raise self.fail("a rest element in array destructuring", item)
                item_ty = ty.item if ty.kind == "list" and ty.item else JSON
                if default is not None:
                    self.use("jsrt")
                    element: E = (
                        px.call("jsrt.get", expr, px.number(position)),
                        item_ty.with_nullable(),
                    )
                else:
                    element = (px.index(expr, px.number(position)), item_ty)
                out += self._bind(target, element, default)
                position += 1
        else:
            raise self.fail(f"the pattern {self.short(pattern)}", pattern)
        return out

    def _bind(self, target: Node, value: E, default: Node | None) -> list[cst.BaseStatement]:
        if target.type in ("object_pattern", "array_pattern"):
            if default is not None:
                raise self.fail("a default on a nested destructuring pattern", target)
            return self.destructure(target, value)
        if target.type not in ("identifier", "shorthand_property_identifier_pattern"):
            raise self.fail(f"the destructuring target {self.short(target)}", target)
        expr, ty = value
        if ty.kind in ("step_fn", "step_context", "legacy_step_context") and isinstance(
            expr, cst.Name
        ):
            # `suspend`, `getStepResult`, a legacy `context`: read through the step context
            if default is not None:
                raise self.fail(f"a default for {self.short(target)}", target)
            self.declare(self.text(target), ty, expr.value)
            return []
        if default is None:
            var = self.declare(self.text(target), ty)
            return [_assign(var.py, expr)]
        fallback, fty = self.expr(default)
        var = self.declare(self.text(target), _join(ty.with_nullable(False), fty))
        return [
            _assign(var.py, expr),
            cst.If(
                test=px.compare(cst.Name(var.py), cst.Is(), cst.Name("None")),
                body=px.block([_assign(var.py, fallback)]),
            ),
        ]

    def expression_statement(self, node: Node) -> list[cst.BaseStatement]:
        """An expression used as a statement: assignments, updates, calls."""
        while node.type == "parenthesized_expression":
            node = node.named_children[0]
        if node.type == "assignment_expression":
            left = node.child_by_field_name("left")
            right = node.child_by_field_name("right")
            assert left is not None and right is not None
            value, vty = self.expr(right)
            target = self.assign_target(left, vty)
            return [_line(px.assign(target, value))]
        if node.type == "augmented_assignment_expression":
            left = node.child_by_field_name("left")
            right = node.child_by_field_name("right")
            assert left is not None and right is not None
            op = self._op(node)
            _, lty = self.expr(left)
            value, rty = self.expr(right)
            ops: dict[str, cst.BaseAugOp] = {
                "+=": cst.AddAssign(), "-=": cst.SubtractAssign(), "*=": cst.MultiplyAssign(),
                "/=": cst.DivideAssign(), "**=": cst.PowerAssign(),
            }  # fmt: skip
            if op == "??=" or op not in ops:
                raise self.fail(f"the operator `{op}`", node)
            if op == "+=" and lty.kind == "str":
                value = self.to_str(value, rty)
            elif op == "+=" and not (lty.is_number and rty.is_number):
                raise self.fail("`+=` on values of unknown type", node)
            target = self.assign_target(left, lty)
            return [_line(cst.AugAssign(target, ops[op], value))]
        if node.type == "update_expression":
            argument = node.child_by_field_name("argument")
            assert argument is not None
            op = self._op(node)
            _, ty = self.expr(argument)
            if not ty.is_number:
                raise self.fail("`++`/`--` on a value that is not known to be a number", node)
            target = self.assign_target(argument, ty)
            aug = cst.AddAssign() if op == "++" else cst.SubtractAssign()
            return [_line(cst.AugAssign(target, aug, cst.Integer("1")))]
        if node.type == "call_expression":
            special = self.call_statement(node)
            if special is not None:
                return special
        if node.type == "await_expression":
            inner = node.named_children[0]
            if inner.type == "call_expression":
                special = self.call_statement(inner)
                if special is not None:
                    return special
        expr, ety = self.expr(node)
        if (
            isinstance(expr, cst.IfExp)
            and isinstance(expr.orelse, cst.Name)
            and expr.orelse.value == "None"
            and isinstance(expr.body, cst.Call | cst.Await)
        ):
            # `a?.m(...)` / `await a?.m(...)` as a statement: call it when `a` is there
            return [cst.If(test=expr.test, body=px.block([_line(cst.Expr(expr.body))]))]
        if not isinstance(expr, cst.Call | cst.Await):
            raise self.fail(f"the expression statement {self.short(node)} (no effect)", node)
        if ety.kind == "awaitable" and ety.tag == "step" and isinstance(expr, cst.Call):
            expr = px.await_(expr)  # setState(...) / writer.write(...) without await: run it
        return [_line(cst.Expr(expr))]

    def assign_target(self, node: Node, value_ty: Ty) -> cst.BaseAssignTargetExpression:
        """The target of an assignment: a local of this function, or an item of a dict/list."""
        if node.type == "identifier":
            var = self.lookup(self.text(node), node)
            if var.owner != self.func.ident:
                raise self.fail(f"assigning `{self.text(node)}` of an enclosing function", node)
            if var.ty.kind == "function":
                raise self.fail(f"reassigning the function `{self.text(node)}`", node)
            if var.ty.kind != value_ty.kind and var.ty.kind not in ("any", "json", "none"):
                var.ty = _join(var.ty, value_ty)
            elif var.ty.kind in ("none",):
                var.ty = value_ty.with_nullable()
            return cst.Name(var.py)
        if node.type in ("member_expression", "subscript_expression"):
            expr, _ = self.expr(node)
            if isinstance(expr, cst.Subscript):
                return expr
            raise self.fail(f"assigning to {self.short(node)}", node)
        raise self.fail(f"assigning to {self.short(node)}", node)

    def narrowed(self, cond: Node) -> _Var | None:
        """The variable a condition proves not null (``if (x)``, ``x !== undefined``), if any."""
        while cond.type == "parenthesized_expression":
            cond = cond.named_children[0]
        target: Node | None = None
        if cond.type == "identifier":
            target = cond
        elif cond.type == "binary_expression" and self._op(cond) in ("!==", "!="):
            left = cond.child_by_field_name("left")
            right = cond.child_by_field_name("right")
            if left is not None and right is not None:
                nullish = ("null", "undefined")
                if right.type in nullish or self.text(right) == "undefined":
                    target = left
                elif left.type in nullish or self.text(left) == "undefined":
                    target = right
        if target is None or target.type != "identifier":
            return None
        try:
            var = self.lookup(self.text(target), target)
        except Unsupported:
            return None
        return var if var.ty.nullable else None

    def with_narrowed(self, cond: Node, translate: Callable[[], _R]) -> _R:
        """Run ``translate`` with the variable ``cond`` proves not null typed as not null."""
        var = self.narrowed(cond)
        if var is None:
            return translate()
        saved = var.ty
        var.ty = saved.with_nullable(False)
        try:
            return translate()
        finally:
            if var.ty == saved.with_nullable(False):
                var.ty = saved

    def if_statement(self, node: Node) -> cst.If:
        """``if``/``else if``/``else``."""
        cond = node.child_by_field_name("condition")
        consequence = node.child_by_field_name("consequence")
        alternative = node.child_by_field_name("alternative")
        assert cond is not None and consequence is not None
        test = self.condition(cond)
        body = self.with_narrowed(cond, lambda: self.body_of(consequence)) or [_line(cst.Pass())]
        orelse: cst.If | cst.Else | None = None
        if alternative is not None:
            inner = alternative.named_children[0]
            if inner.type == "if_statement":
                orelse = self.if_statement(inner)
            else:
                else_body = self.body_of(inner)
                if else_body:
                    orelse = cst.Else(px.block(else_body))
        return cst.If(test=test, body=px.block(body), orelse=orelse)

    def throw(self, node: Node) -> cst.BaseStatement:
        """``throw new Error(msg)`` as ``raise RuntimeError(msg)`` (chained inside ``except``)."""
        value = node.named_children[0]
        while value.type == "parenthesized_expression":
            value = value.named_children[0]
        cause = cst.Name(self._in_except[-1]) if self._in_except else None
        if value.type == "identifier":
            var = self.lookup(self.text(value), value)
            if var.ty.kind != "error":
                raise self.fail(
                    f"throwing {self.short(value)}, which is not known to be an Error", value
                )
            return _line(cst.Raise(cst.Name(var.py)))
        expr, ty = self.expr(value)
        if ty.kind != "error":
            raise self.fail(f"throwing {self.short(value)}, which is not an Error", value)
        return _line(cst.Raise(expr, cause=cst.From(cause) if cause is not None else None))

    def for_in(self, node: Node) -> list[cst.BaseStatement]:
        """``for (const x of xs)`` (and ``for (const k in obj)`` over a dict)."""
        left = node.child_by_field_name("left")
        right = node.child_by_field_name("right")
        operator = node.child_by_field_name("operator")
        body = node.child_by_field_name("body")
        assert left is not None and right is not None and body is not None
        op = self.text(operator) if operator is not None else "of"
        is_await = any(c.type == "await" for c in node.children)
        entries = None if is_await else self._entries_loop(left, right, body)
        if entries is not None:
            return entries
        iterable, ity = self.expr(right)
        if is_await != (ity.kind == "async_iter"):
            what = "`for await ... of`" if is_await else "`for ... of`"
            raise self.fail(f"{what} over {self.short(right)}", right)
        if ity.kind == "async_iter":
            if not self.func.is_async:
                raise self.fail("`for await` outside an async function", node)
            item_ty = ity.item or JSON
        elif op == "in":
            if ity.kind not in ("dict", "json"):
                raise self.fail(
                    "`for ... in` over something that is not known to be an object", node
                )
            item_ty = STR
        elif ity.kind == "str":
            item_ty = STR
        elif ity.kind == "list":
            item_ty = ity.item or JSON
        elif ity.kind in ("json", "any"):
            item_ty = JSON
        else:
            raise self.fail(f"`for ... of` over {self.short(right)}", right)
        self.push_block()
        self._loop_depth += 1
        try:
            prologue: list[cst.BaseStatement] = []
            if left.type == "identifier":
                var = self.declare(self.text(left), item_ty)
                target: cst.BaseAssignTargetExpression = cst.Name(var.py)
            elif left.type in ("object_pattern", "array_pattern"):
                holder = self.temp("item")
                target = cst.Name(holder)
                prologue = self.destructure(left, (cst.Name(holder), item_ty))
            else:
                raise self.fail(f"the loop variable {self.short(left)}", left)
            stmts = prologue + self.body_of(body)
        finally:
            self._loop_depth -= 1
            self.pop_block()
        if isinstance(target, cst.Name) and not _uses_name(stmts, target.value):
            target = cst.Name("_")
        return [
            cst.For(
                target=target,
                iter=iterable,
                body=px.block(stmts or [_line(cst.Pass())]),
                asynchronous=px.ASYNC if is_await else None,
            )
        ]

    def _entries_loop(self, left: Node, right: Node, body: Node) -> list[cst.BaseStatement] | None:
        # for (const [k, v] of Object.entries(obj))  ->  for k, v in obj.items()
        bare = right
        while bare.type in _PASS_THROUGH or bare.type == "parenthesized_expression":
            bare = bare.named_children[0]
        if bare.type != "call_expression" or left.type != "array_pattern":
            return None
        func = bare.child_by_field_name("function")
        if func is None or self.text(func) != "Object.entries" or not self._is_global("Object"):
            return None
        idents = [c for c in left.named_children if c.type != "comment"]
        arguments = bare.child_by_field_name("arguments")
        args = [a for a in arguments.named_children if a.type != "comment"] if arguments else []
        if len(idents) != 2 or any(i.type != "identifier" for i in idents) or len(args) != 1:
            return None
        obj, oty = self.expr(args[0])
        if oty.kind not in ("dict", "json") or (oty.nullable and oty.kind == "dict"):
            raise self.fail("Object.entries of a value not known to be a plain object", right)
        item = oty.item if oty.kind == "dict" and oty.item else JSON
        self.push_block()
        self._loop_depth += 1
        try:
            key = self.declare(self.text(idents[0]), STR)
            value = self.declare(self.text(idents[1]), item)
            stmts = self.body_of(body)
        finally:
            self._loop_depth -= 1
            self.pop_block()
        names = [n if _uses_name(stmts, n) else "_" for n in (key.py, value.py)]
        target = cst.Tuple([cst.Element(cst.Name(n)) for n in names], lpar=[], rpar=[])
        iterable = px.call(px.attr(obj, "items"))
        return [cst.For(target=target, iter=iterable, body=px.block(stmts or [_line(cst.Pass())]))]

    def for_statement(self, node: Node) -> list[cst.BaseStatement]:
        """``for (let i = a; i < b; i++)`` as ``for i in range(a, b)``; other shapes as ``while``."""
        init = node.child_by_field_name("initializer")
        cond = node.child_by_field_name("condition")
        incr = node.child_by_field_name("increment")
        body = node.child_by_field_name("body")
        assert body is not None
        simple = self._range_loop(init, cond, incr, body)
        if simple is not None:
            return simple
        if self._contains(body, "continue_statement"):
            raise self.fail("`continue` in a `for` loop that is not a simple counting loop", node)
        self.push_block()
        try:
            out: list[cst.BaseStatement] = []
            if init is not None and init.type != ";":
                out += (
                    self.statement(init)
                    if init.type.endswith("declaration")
                    else self.expression_statement(init)
                )
            test: cst.BaseExpression = cst.Name("True")
            if cond is not None and cond.type != ";":
                inner = cond.named_children[0] if cond.type == "expression_statement" else cond
                test = self.condition(inner)
            self._loop_depth += 1
            try:
                stmts = self.body_of(body)
            finally:
                self._loop_depth -= 1
            if incr is not None:
                stmts += self.expression_statement(incr)
            out.append(cst.While(test=test, body=px.block(stmts or [_line(cst.Pass())])))
            return out
        finally:
            self.pop_block()

    def _range_loop(
        self, init: Node | None, cond: Node | None, incr: Node | None, body: Node
    ) -> list[cst.BaseStatement] | None:
        if init is None or cond is None or incr is None or init.type != "lexical_declaration":
            return None
        decls = [d for d in init.named_children if d.type == "variable_declarator"]
        if len(decls) != 1:
            return None
        name_node = decls[0].child_by_field_name("name")
        start = decls[0].child_by_field_name("value")
        if name_node is None or start is None or name_node.type != "identifier":
            return None
        counter = self.text(name_node)
        if cond.type == "expression_statement":
            cond = cond.named_children[0]
        if cond.type != "binary_expression" or self._op(cond) not in ("<", "<="):
            return None
        cond_left = cond.child_by_field_name("left")
        bound = cond.child_by_field_name("right")
        if cond_left is None or bound is None or self.text(cond_left) != counter:
            return None
        if incr.type != "update_expression" or self._op(incr) != "++":
            return None
        argument = incr.child_by_field_name("argument")
        if argument is None or self.text(argument) != counter:
            return None
        # the counter must not be assigned in the body
        for inner in self._walk(body):
            if inner.type in (
                "assignment_expression",
                "augmented_assignment_expression",
                "update_expression",
            ):
                target = inner.child_by_field_name("left") or inner.child_by_field_name("argument")
                if target is not None and self.text(target) == counter:
                    return None
        start_expr, sty = self.expr(start)
        end_expr, ety = self.expr(bound)
        if sty.kind != "int" or not ety.is_number:
            return None
        if ety.kind != "int":
            self.use("math")
            end_expr = (
                px.call("math.ceil", end_expr)
                if self._op(cond) == "<"
                else px.call("math.floor", end_expr)
            )
        if self._op(cond) == "<=":
            end_expr = px.binop(end_expr, cst.Add(), cst.Integer("1"))
        self.push_block()
        self._loop_depth += 1
        try:
            var = self.declare(counter, INT)
            stmts = self.body_of(body)
        finally:
            self._loop_depth -= 1
            self.pop_block()
        args = (
            [end_expr]
            if isinstance(start_expr, cst.Integer) and start_expr.value == "0"
            else [start_expr, end_expr]
        )
        target = cst.Name(var.py if _uses_name(stmts, var.py) else "_")
        return [
            cst.For(
                target=target,
                iter=px.call("range", *args),
                body=px.block(stmts or [_line(cst.Pass())]),
            )
        ]

    def _contains(self, node: Node, kind: str) -> bool:
        for inner in self._walk(node):
            if inner.type == kind:
                return True
            if inner is not node and inner.type in (
                "arrow_function",
                "function_expression",
                "function_declaration",
            ):
                continue
        return False

    def switch(self, node: Node) -> list[cst.BaseStatement]:
        """``switch`` as ``if``/``elif``: grouped empty cases, each case ending in break/return/throw."""
        value_node = node.child_by_field_name("value")
        body = node.child_by_field_name("body")
        assert value_node is not None and body is not None
        subject, sty = self.expr(value_node)
        prologue: list[cst.BaseStatement] = []
        if not isinstance(subject, cst.Name | cst.Attribute):
            holder = self.temp("subject")
            prologue.append(_assign(holder, subject))
            subject = cst.Name(holder)
        groups: list[tuple[list[Node], list[Node], bool]] = []  # (case values, body, is default)
        pending: list[Node] = []
        has_default = False
        for case in body.named_children:
            if case.type == "comment":
                continue
            is_default = case.type == "switch_default"
            stmts = [
                c
                for c in case.children
                if case.field_name_for_child(case.children.index(c)) == "body"
            ]
            value = case.child_by_field_name("value")
            if value is not None:
                pending.append(value)
            if is_default:
                has_default = True
            if not stmts:
                if is_default:
                    raise self.fail("an empty `default` falling through", case)
                continue
            last = stmts[-1]
            while last.type == "statement_block" and last.named_children:
                last = last.named_children[-1]
            is_last = case == [c for c in body.named_children if c.type != "comment"][-1]
            if not is_last and last.type not in (
                "break_statement",
                "return_statement",
                "throw_statement",
                "continue_statement",
            ):
                raise self.fail("a `switch` case that falls through", case)
            groups.append((pending, stmts, is_default))
            pending = []
        if pending and not has_default:
            raise self.fail("`switch` cases with no body at the end", node)
        chain: cst.If | cst.Else | None = None
        for values, stmts, is_default in reversed(groups):
            saved = self._loop_depth
            self._loop_depth = 0  # a break inside the case ends the switch, not a loop
            self.push_block()
            try:
                translated: list[cst.BaseStatement] = []
                for i, stmt in enumerate(stmts):
                    if stmt.type == "break_statement" and i == len(stmts) - 1:
                        continue
                    if stmt.type == "break_statement":
                        raise self.fail("`break` in the middle of a `switch` case", stmt)
                    if self._contains_break_outside_loop(stmt):
                        raise self.fail("`break` nested inside a `switch` case", stmt)
                    translated += (
                        self.statements([stmt])
                        if stmt.type == "function_declaration"
                        else self.statement(stmt)
                    )
            finally:
                self.pop_block()
                self._loop_depth = saved
            block = px.block(translated or [_line(cst.Pass())])
            if is_default and not values:
                chain = cst.Else(block)
                continue
            tests = [self._case_test(subject, sty, v) for v in values]
            test = tests[0]
            for extra in tests[1:]:
                test = px.boolop(test, cst.Or(), extra)
            if is_default:
                # default grouped with cases: it matches everything anyway
                chain = cst.Else(block)
                continue
            chain = cst.If(test=test, body=block, orelse=chain)
        if chain is None:
            return prologue
        if isinstance(chain, cst.Else):
            return prologue + list(chain.body.body)  # type: ignore[arg-type]
        return [*prologue, chain]

    def _contains_break_outside_loop(self, node: Node) -> bool:
        stack = [(node, False)]
        while stack:
            current, in_loop = stack.pop()
            if current.type == "break_statement" and not in_loop and current is not node:
                return True
            loopish = current.type in (
                "for_statement",
                "for_in_statement",
                "while_statement",
                "do_statement",
                "switch_statement",
            )
            if current.type in ("arrow_function", "function_expression", "function_declaration"):
                continue
            stack.extend((c, in_loop or loopish) for c in current.named_children)
        return False

    def _case_test(self, subject: cst.BaseExpression, sty: Ty, value: Node) -> cst.BaseExpression:
        expr, _ = self.expr(value)
        return px.compare(subject, cst.Equal(), expr)

    def try_statement(self, node: Node) -> cst.Try:
        """``try``/``catch (e)``/``finally``."""
        body = node.child_by_field_name("body")
        handler = node.child_by_field_name("handler")
        finalizer = node.child_by_field_name("finalizer")
        assert body is not None
        stmts = self.block_statements(body) or [_line(cst.Pass())]
        handlers: list[cst.ExceptHandler] = []
        if handler is not None:
            param = handler.child_by_field_name("parameter")
            handler_body = handler.child_by_field_name("body")
            assert handler_body is not None
            self.push_block()
            try:
                if param is not None and param.type != "identifier":
                    raise self.fail("destructuring in `catch`", param)
                var = self.declare(
                    self.text(param) if param is not None else "exc",
                    ERROR,
                    self._fresh(self.text(param) if param is not None else "exc"),
                )
                self._in_except.append(var.py)
                try:
                    handler_stmts = self.statements(handler_body.named_children)
                finally:
                    self._in_except.pop()
            finally:
                self.pop_block()
            used = _uses_name(handler_stmts, var.py)
            # catch (e) catches everything, as `except Exception` does: say so to linters
            noqa = cst.TrailingWhitespace(
                whitespace=cst.SimpleWhitespace("  "), comment=cst.Comment("# noqa: BLE001")
            )
            handlers.append(
                cst.ExceptHandler(
                    body=cst.IndentedBlock(handler_stmts or [_line(cst.Pass())], header=noqa),
                    type=cst.Name("Exception"),
                    name=cst.AsName(cst.Name(var.py)) if used else None,
                )
            )
        final = None
        if finalizer is not None:
            fbody = finalizer.child_by_field_name("body")
            assert fbody is not None
            final = cst.Finally(px.block(self.block_statements(fbody) or [_line(cst.Pass())]))
        return cst.Try(body=px.block(stmts), handlers=handlers, finalbody=final)

    # -- expressions -------------------------------------------------------------------------
    def condition(self, node: Node) -> cst.BaseExpression:
        """An expression used as a condition: JavaScript truthiness as a Python test."""
        while node.type == "parenthesized_expression":
            node = node.named_children[0]
        expr, ty = self.expr(node, lenient=True)
        return self.truth(expr, ty)

    def truth(self, expr: cst.BaseExpression, ty: Ty) -> cst.BaseExpression:
        """A Python test equal to JavaScript's truthiness of a value of type ``ty``."""
        if ty.kind == "bool" and not ty.nullable:
            return expr
        if ty.is_scalar or ty.kind == "none":
            if ty.kind == "float":
                # NaN is falsy in JavaScript, truthy in Python: only the jsrt helper gets it right
                self.use("jsrt")
                return px.call("jsrt.truthy", expr)
            return expr
        if ty.is_object or ty.kind in ("function", "error"):
            if not ty.nullable:
                return cst.Name("True")
            return px.compare(expr, cst.IsNot(), cst.Name("None"))
        self.use("jsrt")
        return px.call("jsrt.truthy", expr)

    def _op(self, node: Node) -> str:
        op = node.child_by_field_name("operator")
        if op is None:
            return ""
        return self.text(op)

    def expr(self, node: Node, *, lenient: bool = False) -> E:
        """Translate an expression; ``lenient``: a missing key reads as None (the value is tested)."""
        # the kinds are distinct: tested the most frequent first
        kind = node.type
        if kind == "identifier":
            ident = self.text(node)
            if ident == "undefined":
                return cst.Name("None"), NONE
            if ident in ("NaN", "Infinity"):
                return px.call("float", px.string("nan" if ident == "NaN" else "inf")), FLOAT
            var = self.lookup(ident, node)
            if var.ty.kind == "step_fn":
                raise self.fail(f"the step function `{ident}` used as a value", node)
            return px.name(var.py), var.ty
        if kind == "member_expression" or kind == "subscript_expression":
            return self.access(node, lenient=lenient)
        if kind == "call_expression":
            return self.call(node)
        if kind == "string":
            return px.string(self.string_value(node)), STR
        if kind == "template_string":
            return self.template(node)
        if kind == "object":
            return self.object(node)
        if kind == "await_expression":
            return self.await_(node)
        if kind == "parenthesized_expression":
            return self.expr(node.named_children[0], lenient=lenient)
        if kind == "non_null_expression":  # `x!`: TypeScript's word that x is not null
            expr, ty = self.expr(node.named_children[0], lenient=lenient)
            return expr, ty if ty.kind in ("json", "any") else ty.with_nullable(False)
        if kind in _PASS_THROUGH:
            return self.expr(node.named_children[0], lenient=lenient)
        if kind == "true" or kind == "false":
            return cst.Name("True" if kind == "true" else "False"), BOOL
        if kind == "null" or kind == "undefined":
            return cst.Name("None"), NONE
        if kind == "number":
            return self.number(node)
        if kind == "array":
            return self.array(node)
        if kind == "binary_expression":
            return self.binary(node)
        if kind == "unary_expression":
            return self.unary(node)
        if kind == "new_expression":
            return self.new(node)
        if kind == "ternary_expression":
            cond = node.child_by_field_name("condition")
            then = node.child_by_field_name("consequence")
            other = node.child_by_field_name("alternative")
            assert cond is not None and then is not None and other is not None
            test = self.condition(cond)
            a, aty = self.with_narrowed(cond, lambda: self.expr(then))
            b, bty = self.expr(other)
            return px.ifexp(test, a, b), _join(aty, bty)
        if kind in ("arrow_function", "function_expression"):
            return self.lambda_(node)
        raise self.fail(f"the expression {self.short(node)} ({kind.replace('_', ' ')})", node)

    def number(self, node: Node) -> E:
        """A number literal: ints stay ints."""
        text = self.text(node).replace("_", "")
        if text.endswith("n"):
            raise self.fail("a BigInt literal", node)
        try:
            if text.lower().startswith(("0x", "0o", "0b")):
                return px.number(int(text, 0)), INT
            if re.fullmatch(r"\d+", text):
                return px.number(int(text)), INT
            value = float(text)
        except ValueError as exc:
            raise self.fail(f"the number {text}", node) from exc
        if value.is_integer() and "e" not in text.lower() and abs(value) < 2**53:
            return px.number(int(value)), INT
        return px.number(value), FLOAT

    def string_value(self, node: Node) -> str:
        """The value of a string literal (escapes decoded)."""
        parts: list[str] = []
        for child in node.named_children:
            if child.type == "string_fragment":
                parts.append(self.text(child))
            elif child.type == "escape_sequence":
                parts.append(_unescape(self.text(child)))
            else:
                raise self.fail(f"the string part {self.short(child)}", child)
        return "".join(parts)

    def template(self, node: Node) -> E:
        """A template literal as an f-string."""
        parts: list[str | cst.BaseExpression] = []
        ints: list[cst.BaseExpression] = []
        for child in node.named_children:
            kind = child.type
            if kind == "string_fragment":
                parts.append(self.text(child))
            elif kind == "escape_sequence":
                parts.append(_unescape(self.text(child)))
            elif kind == "template_substitution":
                expr, ty = self.expr(child.named_children[0])
                if ty.kind in ("str", "int") and not ty.nullable:
                    parts.append(expr)
                    if ty.kind == "int":
                        ints.append(expr)
                else:
                    parts.append(self.to_str(expr, ty))
            else:
                raise self.fail(f"the template part {self.short(child)}", child)
        merged: list[str | cst.BaseExpression] = []
        for part in parts:
            if isinstance(part, str) and merged and isinstance(merged[-1], str):
                merged[-1] += part
            else:
                merged.append(part)
        return px.fstring(merged, not_str=ints), STR

    def to_str(self, expr: cst.BaseExpression, ty: Ty) -> cst.BaseExpression:
        """``String(value)`` for a value of type ``ty``."""
        if ty.kind == "str" and not ty.nullable:
            return expr
        if ty.kind == "int" and not ty.nullable:
            return px.call("str", expr)
        self.use("jsrt")
        if (  # exact classes: libcst's have no subclasses, and isinstance() on them is slow
            type(expr) is cst.Call
            and type(expr.func) is cst.Attribute
            and type(expr.func.value) is cst.Name
            and expr.func.value.value == "jsrt"
            and expr.func.attr.value == "get"
        ):
            # `${a?.b}`: "undefined" when the chain stops or the key is missing, "null" for null
            return expr.with_changes(func=px.dotted("jsrt.str_get"))
        return px.call("jsrt.js_str", expr)

    def array(self, node: Node) -> E:
        """An array literal, with spreads."""
        elements: list[cst.BaseElement] = []
        item_ty: Ty | None = None
        for child in node.named_children:
            if child.type == "comment":
                continue
            if child.type == "spread_element":
                expr, ty = self.expr(child.named_children[0])
                if ty.kind not in ("list", "json", "any", "str"):
                    raise self.fail(f"spreading {self.short(child)} into an array", child)
                elements.append(cst.StarredElement(px.wrap(expr, px.P_PRIMARY)))
                item_ty = _join(item_ty, ty.item or JSON) if item_ty else (ty.item or JSON)
            else:
                expr, ty = self.expr(child)
                elements.append(cst.Element(expr))
                item_ty = _join(item_ty, ty) if item_ty else ty
        return cst.List(elements), list_of(item_ty or ANY)

    def _property_key(self, key: Node) -> str:
        if key.type in ("property_identifier", "identifier", "shorthand_property_identifier"):
            return self.text(key)
        if key.type == "string":
            return self.string_value(key)
        if key.type == "number":
            value, _ = self.number(key)
            return cst.Module([]).code_for_node(value)
        raise self.fail(f"the computed key {self.short(key)}", key)

    def object(self, node: Node) -> E:
        """An object literal as a dict (keys are strings, as in JavaScript)."""
        elements: list[cst.BaseDictElement] = []
        item_ty: Ty | None = None
        # the members (comments aside) with their kind, and the key and value of each pair,
        # read once
        children = node.named_children
        members: list[tuple[Node, str, Node | None, Node | None]] = []
        for c in children:
            kind = c.type
            if kind == "pair":
                members.append((c, kind, *pair_parts(c)))
            elif kind != "comment":
                members.append((c, kind, None, None))
        numeric = bool(children) and all(
            k is not None and k.type == "number" for _, _, k, _ in members
        )
        for child, kind, key, value in members:
            if kind == "pair":
                assert key is not None and value is not None
                if key.type == "computed_property_name":
                    key_expr, kty = self.expr(key.named_children[0])
                    if kty.kind not in ("str", "int"):
                        key_expr = self.to_str(key_expr, kty)
                elif numeric:
                    key_expr, _ = self.number(key)
                else:
                    key_expr = px.string(self._property_key(key))
                expr, ty = self.expr(value)
            elif kind == "shorthand_property_identifier":
                key_expr = px.string(self.text(child))
                expr, ty = self.expr_identifier(child)
            elif kind == "spread_element":
                expr, ty = self.expr(child.named_children[0])
                if ty.kind == "model" and not ty.nullable:
                    # the keys the input was given, as JavaScript spreads the parsed object
                    self.use("jsrt")
                    elements.append(cst.StarredDictElement(px.call("jsrt.plain", expr)))
                    item_ty = _join(item_ty, JSON) if item_ty else JSON
                    continue
                if ty.kind not in ("dict", "json", "any"):
                    raise self.fail(f"spreading {self.short(child)} into an object", child)
                if ty.nullable:
                    raise self.fail(f"spreading {self.short(child)}, which may be null", child)
                elements.append(cst.StarredDictElement(px.wrap(expr, px.P_PRIMARY)))
                item_ty = _join(item_ty, ty.item or JSON) if item_ty else (ty.item or JSON)
                continue
            else:
                raise self.fail(f"the object member {self.short(child)}", child)
            elements.append(px.dict_element(key_expr, expr))
            item_ty = _join(item_ty, ty) if item_ty else ty
        result = dict_of(item_ty or ANY)
        if numeric:
            result = Ty("dict", item=result.item, number_keys=True)
        return px.dict_(elements), result

    def expr_identifier(self, node: Node) -> E:
        """An identifier by its text (shorthand properties)."""
        var = self.lookup(self.text(node), node)
        return px.name(var.py), var.ty

    # member access ----------------------------------------------------------------------------
    def may_be_optional(self, node: Node) -> bool:
        """Whether ``node``'s text holds ``?.``: without it, no optional chain is in or below it."""
        return self._source.find(b"?.", node.start_byte, node.end_byte) >= 0

    def _optional_chain(self, node: Node) -> bool:
        if self._source.find(b"?.", node.start_byte, node.end_byte) < 0:
            return False  # no `?.` token in its text: none among its children
        return not _OPTIONAL_MARKS.isdisjoint([c.type for c in node.children])

    def access(self, node: Node, *, lenient: bool = False) -> E:
        """``a.b`` and ``a[b]``, by what ``a`` is; optional chaining reads as None when absent."""
        by_id, ids = node.child_by_field_id, self._field_ids
        obj = by_id(ids["object"])
        assert obj is not None
        if node.type == "member_expression":
            prop = by_id(ids["property"])
            assert prop is not None
            if prop.type == "private_property_identifier":
                raise self.fail("a private field", prop)
            key: str | Node = self.text(prop)
        else:
            index_node = node.child_by_field_name("index")
            assert index_node is not None
            key = index_node
        # well-known globals (`Math`, `process.env`: only an object of 4 or 11 bytes can be one)
        if isinstance(key, str) and obj.end_byte - obj.start_byte in (4, 11):
            known = self.global_member(self.text(obj), key, node)
            if known is not None:
                return known
        if self._chain_is_optional(node):
            return self.optional_chain(node)
        base, bty = self.expr(obj)
        if isinstance(key, str):
            return self.member(base, bty, key, node, lenient=lenient)
        return self.subscript(base, bty, key, node, lenient=lenient)

    def _chain_is_optional(self, node: Node) -> bool:
        if self._source.find(b"?.", node.start_byte, node.end_byte) < 0:
            return False  # the chain is inside ``node``: no `?.` token in its text, none in it
        current: Node | None = node
        while current is not None and current.type in (
            "member_expression",
            "subscript_expression",
            "call_expression",
        ):
            if self._optional_chain(current):
                return True
            current = current.child_by_field_name("object") or current.child_by_field_name(
                "function"
            )
            while current is not None and current.type in _WRAPPERS:
                current = current.named_children[0]
        return False

    def optional_chain(self, node: Node) -> E:
        """``a?.b.c`` / ``a?.[0]``: the static keys of a member chain read with ``jsrt.get``."""
        keys: list[cst.BaseExpression] = []
        current = node
        while current.type in ("member_expression", "subscript_expression"):
            if current.type == "member_expression":
                prop = current.child_by_field_name("property")
                assert prop is not None
                keys.append(px.string(self.text(prop)))
            else:
                index_node = current.child_by_field_name("index")
                assert index_node is not None
                key_expr, kty = self.expr(index_node)
                if kty.kind not in ("str", "int"):
                    raise self.fail(
                        f"the index {self.short(index_node)} of unknown type", index_node
                    )
                keys.append(key_expr)
            obj = current.child_by_field_name("object")
            assert obj is not None
            while obj.type in _PASS_THROUGH or obj.type == "parenthesized_expression":
                obj = obj.named_children[0]
            current = obj
        base, bty = self.expr(current)
        keys.reverse()
        if bty.kind == "context":
            # context is always there: ``context?.requestContext`` reads as a plain attribute
            expr, ty = base, bty
            for key in keys:
                text = key.evaluated_value if isinstance(key, cst.SimpleString) else None
                if not isinstance(text, str):
                    raise self.fail("a computed key on the tool context", node)
                expr, ty = self.member(expr, ty, text, node)
            return expr, ty
        if bty.kind == "model" and all(isinstance(k, cst.SimpleString) for k in keys):
            return self._model_optional(base, bty, keys, node)
        if bty.kind in STEP_KINDS and all(isinstance(k, cst.SimpleString) for k in keys):
            return self._attribute_optional(base, bty, keys, node)
        if bty.kind not in ("json", "dict", "list", "any"):
            raise self.fail(f"optional chaining on {self.short(current)}", node)
        self.use("jsrt")
        return px.call("jsrt.get", base, *keys), JSON

    def _model_optional(
        self, base: cst.BaseExpression, bty: Ty, keys: list[cst.BaseExpression], node: Node
    ) -> E:
        # a?.b on pydantic models: None-checks at each nullable step
        expr, ty = base, bty
        guards: list[cst.BaseExpression] = []
        for key in keys:
            assert isinstance(key, cst.SimpleString)
            text = key.evaluated_value
            assert isinstance(text, str)
            if ty.nullable:
                guards.append(px.compare(expr, cst.IsNot(), cst.Name("None")))
            if ty.kind in ("json", "dict", "any") and not guards:
                rest = keys[keys.index(key) :]
                self.use("jsrt")
                return px.call("jsrt.get", expr, *rest), JSON
            if ty.kind != "model":
                raise self.fail("optional chaining past a model field that is not a model", node)
            expr, ty = self.member(expr, ty, text, node)
        if not guards:
            return expr, ty
        test = guards[0]
        for guard in guards[1:]:
            test = px.boolop(test, cst.And(), guard)
        return px.ifexp(test, expr, cst.Name("None")), ty.with_nullable()

    def _attribute_optional(
        self, base: cst.BaseExpression, bty: Ty, keys: list[cst.BaseExpression], node: Node
    ) -> E:
        # a?.b on step-context values (agent results, the Mastra instance): None-checks
        expr, ty = base, bty
        guards: list[cst.BaseExpression] = []
        for i, key in enumerate(keys):
            assert isinstance(key, cst.SimpleString)
            text = key.evaluated_value
            assert isinstance(text, str)
            if ty.nullable:
                if not _simple(expr):
                    raise self.fail(f"optional chaining on {self.short(node)}", node)
                guards.append(px.compare(expr, cst.IsNot(), cst.Name("None")))
            if ty.kind in ("json", "dict", "any"):
                self.use("jsrt")
                expr, ty = px.call("jsrt.get", expr, *keys[i:]), JSON
                break
            if ty.kind not in STEP_KINDS:
                raise self.fail(f"optional chaining on {self.short(node)}", node)
            expr, ty = self.member(expr, ty.with_nullable(False), text, node)
        if not guards:
            return expr, ty
        test = guards[0]
        for guard in guards[1:]:
            test = px.boolop(test, cst.And(), guard)
        return px.ifexp(test, expr, cst.Name("None")), ty.with_nullable()

    def member(
        self, base: cst.BaseExpression, bty: Ty, key: str, node: Node, *, lenient: bool = False
    ) -> E:
        """``base.key`` by the type of ``base``."""
        if bty.kind in STEP_KINDS and self.step is not None:
            return step_member(self, base, bty, key, node)
        if key == "length" and bty.kind in ("str", "list", "json", "any"):
            return px.call("len", base), INT
        if key == "size" and bty.kind == "set":
            return px.call("len", base), INT
        if bty.kind == "model":
            assert bty.schema is not None
            props = bty.schema.properties
            if key not in props:
                raise self.fail(f"the field `{key}`, which the input schema does not declare", node)
            field_schema = props[key]
            # a field read again reads as the same type: worked out once per translation (the
            # schema kept beside it, so its id stays its own)
            known = self._field_types.get(id(field_schema))
            if known is None or known[0] is not field_schema:
                known = (field_schema, schema_type(field_schema, self.resolve))
                self._field_types[id(field_schema)] = known
            return px.attr(base, python_field_name(key)), known[1]
        if bty.kind == "response":
            if key not in _RESPONSE_ATTRS:
                raise self.fail(f"the response property `{key}`", node)
            attr, ty = _RESPONSE_ATTRS[key]
            return px.attr(base, attr), ty
        if bty.kind == "context":
            if key not in _CONTEXT_ATTRS:
                raise self.fail(f"the tool context property `{key}`", node)
            attr, ty = _CONTEXT_ATTRS[key]
            return px.attr(base, attr), ty
        if bty.kind == "error":
            if key == "message":
                return px.call("str", base), STR
            raise self.fail(f"the error property `{key}`", node)
        if bty.kind in ("dict", "json", "any"):
            item = bty.item if bty.kind == "dict" and bty.item else JSON
            if lenient or (bty.kind == "dict" and bty.item is None):
                return px.call(px.attr(base, "get"), px.string(key)), item.with_nullable()
            return px.index(base, px.string(key)), item
        raise self.fail(
            f"the property `{key}` of {self.short(node.child_by_field_name('object') or node)}",
            node,
        )

    def subscript(
        self,
        base: cst.BaseExpression,
        bty: Ty,
        key_node: Node,
        node: Node,
        *,
        lenient: bool = False,
    ) -> E:
        """``base[key]``."""
        key, kty = self.expr(key_node)
        if bty.kind == "list" or (bty.kind in ("json", "any") and kty.kind == "int"):
            if kty.kind != "int":
                raise self.fail(f"indexing a list with {self.short(key_node)}", node)
            if lenient:
                self.use("jsrt")
                return px.call("jsrt.get", base, key), (bty.item or JSON).with_nullable()
            return px.index(base, key), bty.item or JSON
        if bty.kind == "str":
            if kty.kind != "int":
                raise self.fail(f"indexing a string with {self.short(key_node)}", node)
            return px.index(base, key), STR
        if bty.kind in ("dict", "json", "any"):
            item = bty.item if bty.kind == "dict" and bty.item else JSON
            if kty.kind == "float" and not bty.number_keys:
                raise self.fail(
                    f"the key {self.short(key_node)}, a number that may not be whole", key_node
                )
            if lenient:
                return px.call(px.attr(base, "get"), key), item.with_nullable()
            return px.index(base, key), item
        if bty.kind == "model" and key_node.type == "string":
            return self.member(base, bty, self.string_value(key_node), node)
        raise self.fail(f"indexing {self.short(node)}", node)

    def global_member(self, obj: str, key: str, node: Node) -> E | None:
        """``process.env.X``, ``Math.PI``, ``Number.MAX_SAFE_INTEGER``."""
        if obj == "process.env":
            self.use("os")
            return px.call("os.environ.get", px.string(key)), Ty("str", nullable=True)
        if obj == "Math" and self._is_global("Math"):
            constants = {"PI": "math.pi", "E": "math.e"}
            if key in constants:
                self.use("math")
                return px.dotted(constants[key]), FLOAT
        return None

    def _is_global(self, ts_name: str) -> bool:
        block: _Block | None = self._block
        while block is not None:
            if ts_name in block.vars:
                return False
            block = block.parent
        return ts_name not in self._module_decls

    # calls ----------------------------------------------------------------------------------
    def call(self, node: Node) -> E:
        """A call: library functions and methods mapped, local functions called."""
        from converters.translate.library import translate_call

        return translate_call(self, node)

    def call_statement(self, node: Node) -> list[cst.BaseStatement] | None:
        """Calls that become statements (``push``, ``forEach``, ``console.*``)."""
        from converters.translate.library import translate_call_statement

        return translate_call_statement(self, node)

    def await_(self, node: Node) -> E:
        """``await x``: fetch and response bodies are awaited the httpx way."""
        inner = node.named_children[0]
        while inner.type in _PASS_THROUGH or inner.type == "parenthesized_expression":
            inner = inner.named_children[0]
        if not self.func.is_async:
            raise self.fail("`await` outside an async function", node)
        if inner.type == "call_expression":
            from converters.translate.library import translate_awaited_call

            done = translate_awaited_call(self, inner)
            if done is not None:
                return done
        expr, ty = self.expr(inner)
        if (
            ty.kind == "awaitable"
            and isinstance(expr, cst.IfExp)
            and isinstance(expr.orelse, cst.Name)
            and expr.orelse.value == "None"
        ):
            # `await a?.b()`: awaits the call when it happens, else undefined
            awaited = px.await_(px.wrap(expr.body, px.P_PRIMARY))
            return px.ifexp(expr.test, awaited, cst.Name("None")), (ty.item or ANY).with_nullable()
        if ty.kind == "awaitable":
            return px.await_(px.wrap(expr, px.P_PRIMARY)), ty.item or ANY
        if isinstance(expr, cst.Call) and ty.kind != "awaitable":
            raise self.fail(f"awaiting {self.short(inner)}, which is not known to be async", node)
        raise self.fail(f"awaiting {self.short(inner)}", node)

    def new(self, node: Node) -> E:
        """``new Error(msg)`` and friends."""
        from converters.translate.library import translate_new

        return translate_new(self, node)

    def unary(self, node: Node) -> E:
        """``!x``, ``-x``, ``typeof x``."""
        op = self._op(node)
        argument = node.child_by_field_name("argument")
        assert argument is not None
        if op == "!":
            expr, ty = self.expr(argument, lenient=True)
            test = self.truth(expr, ty)
            if isinstance(test, cst.Name) and test.value == "True" and _simple(expr):
                # `!input` on a value that is always there: spelled as the None test it is
                return px.compare(expr, cst.Is(), cst.Name("None")), BOOL
            return px.not_(test), BOOL
        if op in ("-", "+"):
            expr, ty = self.expr(argument)
            if not ty.is_number:
                raise self.fail(f"unary `{op}` on a value not known to be a number", node)
            if op == "+":
                return expr, ty
            return cst.UnaryOperation(cst.Minus(), px.wrap(expr, px.P_UNARY)), ty
        if op == "typeof":
            raise self.fail("`typeof` outside a comparison with a string", node)
        raise self.fail(f"the operator `{op}`", node)

    def binary(self, node: Node) -> E:
        """Arithmetic, comparisons, ``&&``/``||``/``??``, ``typeof x === '...'``, ``instanceof``."""
        op = self._op(node)
        left = node.child_by_field_name("left")
        right = node.child_by_field_name("right")
        assert left is not None and right is not None
        if op in ("===", "!==", "==", "!="):
            return self.equality(op, left, right, node)
        if op == "??":
            a, aty = self.expr(left, lenient=True)
            b, bty = self.expr(right)
            if (
                isinstance(a, cst.Call)
                and isinstance(a.func, cst.Attribute)
                and a.func.attr.value == "get"
                and len(a.args) == 1
                and aty.kind in ("str", "int", "float", "bool")
                and isinstance(b, cst.SimpleString | cst.Integer | cst.Float | cst.Name)
            ):
                # a dict of non-null values: a missing key is the only way to get None
                return a.with_changes(args=[*a.args, cst.Arg(b)]), _join(
                    aty.with_nullable(False), bty
                )
            if isinstance(b, cst.Name) and b.value == "None":
                return a, aty.with_nullable()
            if isinstance(a, cst.IfExp) and id(a) in self.non_null_guards:
                # (x.m() if x is not None else None) ?? d  ->  x.m() if x is not None else d
                return a.with_changes(orelse=px.wrap(b, px.P_IFEXP)), _join(aty, bty)
            if _simple(a):
                test = px.compare(a, cst.IsNot(), cst.Name("None"))
                return px.ifexp(test, a, b), _join(aty.with_nullable(False), bty)
            holder = self.temp("value")
            walrus = cst.NamedExpr(
                cst.Name(holder), a, lpar=[cst.LeftParen()], rpar=[cst.RightParen()]
            )
            return px.ifexp(
                px.compare(walrus, cst.IsNot(), cst.Name("None")), cst.Name(holder), b
            ), _join(aty.with_nullable(False), bty)
        if op in ("&&", "||"):
            a, aty = self.expr(left, lenient=True)
            b, bty = self.expr(right, lenient=True)
            if aty.kind == "bool" and bty.kind == "bool" and not aty.nullable:
                return px.boolop(a, cst.And() if op == "&&" else cst.Or(), b), BOOL
            if aty.kind in ("str", "int") and aty.kind == bty.kind and not aty.nullable:
                # same truthiness in both languages: Python's and/or return the operand too
                return px.boolop(a, cst.And() if op == "&&" else cst.Or(), b), aty
            if not _simple(a):
                raise self.fail(f"`{op}` whose value is used, on {self.short(left)}", node)
            test = self.truth(a, aty)
            if op == "&&":
                return px.ifexp(test, b, a), _join(aty, bty)
            return px.ifexp(test, a, b), _join(aty.with_nullable(False), bty)
        if op == "instanceof":
            a, _ = self.expr(left)
            if self.text(right) == "Error":
                return px.call("isinstance", a, cst.Name("Exception")), BOOL
            if self.text(right) == "Array":
                return px.call("isinstance", a, cst.Name("list")), BOOL
            raise self.fail(f"`instanceof {self.text(right)}`", node)
        if op == "in":
            key, kty = self.expr(left)
            obj, oty = self.expr(right)
            if oty.kind not in ("dict", "json") or kty.kind != "str":
                raise self.fail("`in` on something not known to be an object", node)
            return px.compare(key, cst.In(), obj), BOOL
        a, aty = self.expr(left)
        b, bty = self.expr(right)
        if op == "+":
            if aty.kind == "str" or bty.kind == "str":
                if (
                    aty.kind == "str"
                    and bty.kind == "str"
                    and not aty.nullable
                    and not bty.nullable
                ):
                    return self._concat(a, b), STR
                return self._concat(self.to_str(a, aty), self.to_str(b, bty)), STR
            if aty.is_number and bty.is_number:
                return px.binop(a, cst.Add(), b), INT if aty.kind == bty.kind == "int" else FLOAT
            raise self.fail(f"`+` on {self.short(node)}, whose operand types are not known", node)
        arithmetic: dict[str, cst.BaseBinaryOp] = {
            "-": cst.Subtract(),
            "*": cst.Multiply(),
            "/": cst.Divide(),
            "**": cst.Power(),
        }
        if op in arithmetic:
            # JSON values in arithmetic are numbers (or JavaScript would compute NaN)
            if (aty.kind == "json" and bty.is_number) or (bty.kind == "json" and aty.is_number):
                aty, bty = (
                    (FLOAT if aty.kind == "json" else aty),
                    (FLOAT if bty.kind == "json" else bty),
                )
            if not (aty.is_number and bty.is_number):
                raise self.fail(f"`{op}` on values not known to be numbers", node)
            result_ty = INT if aty.kind == bty.kind == "int" and op in ("-", "*") else FLOAT
            if op == "**" and aty.kind == bty.kind == "int":
                result_ty = FLOAT
                a = px.call("float", a)
            return px.binop(a, arithmetic[op], b), result_ty
        if op == "%":
            if not (aty.is_number and bty.is_number):
                raise self.fail("`%` on values not known to be numbers", node)
            # JavaScript's remainder takes the sign of the dividend, like math.fmod
            self.use("math")
            if aty.kind == bty.kind == "int":
                return px.call("int", px.call("math.fmod", a, b)), INT
            return px.call("math.fmod", a, b), FLOAT
        comparisons: dict[str, cst.BaseCompOp] = {
            "<": cst.LessThan(),
            "<=": cst.LessThanEqual(),
            ">": cst.GreaterThan(),
            ">=": cst.GreaterThanEqual(),
        }
        if op in comparisons:
            if (aty.kind == "json" and bty.is_number) or (bty.kind == "json" and aty.is_number):
                aty, bty = (
                    (FLOAT if aty.kind == "json" else aty),
                    (FLOAT if bty.kind == "json" else bty),
                )
            if (aty.is_number and bty.is_number) or (aty.kind == bty.kind == "str"):
                if aty.nullable or bty.nullable:
                    raise self.fail(f"`{op}` on a value that may be null", node)
                return px.compare(a, comparisons[op], b), BOOL
            raise self.fail(f"`{op}` on values of unknown or mixed types", node)
        raise self.fail(f"the operator `{op}`", node)

    def _concat(self, a: cst.BaseExpression, b: cst.BaseExpression) -> cst.BaseExpression:
        return px.binop(a, cst.Add(), b)

    def equality(self, op: str, left: Node, right: Node, node: Node) -> E:
        """``===``/``!==`` (and ``== null``): ``is None`` for null, ``isinstance`` for typeof."""
        negate = op in ("!==", "!=")
        loose = op in ("==", "!=")
        for a_node, b_node in ((left, right), (right, left)):
            if (
                a_node.type == "unary_expression"
                and self._op(a_node) == "typeof"
                and b_node.type == "string"
            ):
                argument = a_node.child_by_field_name("argument")
                assert argument is not None
                value, _ = self.expr(argument, lenient=True)
                test = self.typeof_test(value, self.string_value(b_node), node)
                return (px.not_(test) if negate else test), BOOL
            if b_node.type in ("null", "undefined") or (
                b_node.type == "identifier" and self.text(b_node) == "undefined"
            ):
                value, _ = self.expr(a_node, lenient=True)
                return px.compare(
                    value, cst.IsNot() if negate else cst.Is(), cst.Name("None")
                ), BOOL
            if b_node.type in ("true", "false") and not loose:
                # x === true: only the boolean itself (1 == True in Python, not in JavaScript)
                value, vty = self.expr(a_node, lenient=True)
                wanted = b_node.type == "true"
                if vty.kind == "bool" and not vty.nullable:
                    return (value if wanted != negate else px.not_(value)), BOOL
                constant = cst.Name("True" if wanted else "False")
                return px.compare(value, cst.IsNot() if negate else cst.Is(), constant), BOOL
        a, aty = self.expr(left)
        b, bty = self.expr(right)
        if (
            loose
            and not (aty.kind == bty.kind and aty.kind in ("str", "bool"))
            and not (aty.is_number and bty.is_number)
        ):
            raise self.fail(
                f"`{op}` (loose equality) on values of different or unknown types", node
            )
        if not _comparable(aty, bty):
            raise self.fail(f"`{op}` between values whose types differ or are unknown", node)
        return px.compare(a, cst.NotEqual() if negate else cst.Equal(), b), BOOL

    def typeof_test(self, value: cst.BaseExpression, name: str, node: Node) -> cst.BaseExpression:
        """``typeof value === name`` as an ``isinstance`` test."""
        if name == "string":
            return px.call("isinstance", value, cst.Name("str"))
        if name == "number":
            number = px.call(
                "isinstance",
                value,
                cst.Tuple([cst.Element(cst.Name("int")), cst.Element(cst.Name("float"))]),
            )
            not_bool = px.not_(px.call("isinstance", value, cst.Name("bool")))
            return px.boolop(number, cst.And(), not_bool)
        if name == "boolean":
            return px.call("isinstance", value, cst.Name("bool"))
        if name == "undefined":
            return px.compare(value, cst.Is(), cst.Name("None"))
        if name == "object":
            # typeof null === 'object'
            is_none = px.compare(value, cst.Is(), cst.Name("None"))
            container = px.call(
                "isinstance",
                value,
                cst.Tuple([cst.Element(cst.Name("dict")), cst.Element(cst.Name("list"))]),
            )
            return px.boolop(is_none, cst.Or(), container)
        if name == "function":
            return px.call("callable", value)
        raise self.fail(f"`typeof` compared with '{name}'", node)

    def lambda_(self, node: Node) -> E:
        """An arrow function used as a value: a lambda when its body is one expression."""
        body = node.child_by_field_name("body")
        assert body is not None
        if body.type == "statement_block" or self._is_async(node):
            raise self.fail("a function with a statement body used as a value", node)
        self.push_block()
        try:
            params = self._lambda_params(node)
            expr, ty = self.expr(body)
        finally:
            self.pop_block()
        return cst.Lambda(cst.Parameters([cst.Param(cst.Name(p)) for p in params]), expr), Ty(
            "function", item=ty
        )

    def _lambda_params(self, node: Node, types: list[Ty] | None = None) -> list[str]:
        single = node.child_by_field_name("parameter")
        names: list[str] = []
        if single is not None:
            nodes = [single]
        else:
            formal = node.child_by_field_name("parameters")
            nodes = []
            for param in formal.named_children if formal is not None else []:
                pattern = param.child_by_field_name("pattern")
                if (
                    pattern is None
                    or pattern.type != "identifier"
                    or param.child_by_field_name("value") is not None
                ):
                    raise self.fail(f"the callback parameter {self.short(param)}", param)
                nodes.append(pattern)
        for i, ident in enumerate(nodes):
            ty = types[i] if types and i < len(types) else ANY
            names.append(self.declare(self.text(ident), ty).py)
        return names

    def callback(self, node: Node, types: list[Ty]) -> tuple[list[str], cst.BaseExpression, Ty]:
        """An inline callback ``(x, i) => expr``: its parameter names, body expression and type."""
        while node.type in _PASS_THROUGH or node.type == "parenthesized_expression":
            node = node.named_children[0]
        if node.type not in ("arrow_function", "function_expression"):
            raise self.fail(f"the callback {self.short(node)} (only inline arrow functions)", node)
        if self._is_async(node):
            raise self.fail("an async callback", node)
        body = node.child_by_field_name("body")
        assert body is not None
        if body.type == "statement_block":
            stmts = [c for c in body.named_children if c.type != "comment"]
            if len(stmts) == 1 and stmts[0].type == "return_statement" and stmts[0].named_children:
                body = stmts[0].named_children[0]
            else:
                raise self.fail("a callback with more than a `return` in its body", node)
        self.push_block()
        try:
            params = self._lambda_params(node, types)
            expr, ty = self.expr(body)
        finally:
            self.pop_block()
        return params, expr, ty


# -- helpers -------------------------------------------------------------------------------------


def _line(stmt: cst.BaseSmallStatement) -> cst.SimpleStatementLine:
    return px.line(stmt)


def _assign(name: str, value: cst.BaseExpression) -> cst.SimpleStatementLine:
    return _line(px.assign(px.name(name), value))


def _annotation(ty: Ty) -> cst.BaseExpression | None:
    simple = {"str": "str", "int": "int", "float": "float", "bool": "bool"}
    if ty.kind in simple:
        return cst.Name(simple[ty.kind])
    if ty.kind == "list" and ty.item is not None and ty.item.kind in simple:
        return cst.Subscript(
            cst.Name("list"), [cst.SubscriptElement(cst.Index(cst.Name(simple[ty.item.kind])))]
        )
    return None


def _simple(expr: cst.BaseExpression) -> bool:
    """Whether evaluating ``expr`` twice is harmless and cheap (names, attributes, subscripts)."""
    if isinstance(expr, cst.Name | cst.SimpleString | cst.Integer | cst.Float):
        return True
    if isinstance(expr, cst.Attribute):
        return _simple(expr.value)
    if isinstance(expr, cst.Subscript):
        return _simple(expr.value) and all(
            isinstance(e.slice, cst.Index) and _simple(e.slice.value) for e in expr.slice
        )
    if (
        isinstance(expr, cst.Call)
        and isinstance(expr.func, cst.Attribute)
        and expr.func.attr.value == "get"
    ):
        return _simple(expr.func.value) and all(_simple(a.value) for a in expr.args)
    return False


def _join(a: Ty | None, b: Ty) -> Ty:
    if a is None:
        return b
    nullable = a.nullable or b.nullable
    if a.kind == "none":
        return b.with_nullable()
    if b.kind == "none":
        return a.with_nullable()
    if a.kind == b.kind:
        item = (
            a.item if a.item == b.item else (_join(a.item, b.item) if a.item and b.item else None)
        )
        return Ty(a.kind, a.schema if a.schema is b.schema else None, item, nullable, a.is_async)
    if a.is_number and b.is_number:
        return FLOAT.with_nullable(nullable)
    return JSON


def _comparable(a: Ty, b: Ty) -> bool:
    if a.kind in ("json", "any") or b.kind in ("json", "any"):
        return True  # JSON values compare like JavaScript's primitives
    if a.is_number and b.is_number:
        return True
    return a.kind == b.kind and a.kind in ("str", "bool")


def _uses_name(stmts: list[cst.BaseStatement], name: str) -> bool:
    found = False

    class _Finder(cst.CSTVisitor):
        def visit_Name(self, node: cst.Name) -> None:
            nonlocal found
            if node.value == name:
                found = True

    for stmt in stmts:
        stmt.visit(_Finder())
    return found


_SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}


def _unescape(seq: str) -> str:
    body = seq[1:]
    if body.startswith("u{"):
        return chr(int(body[2:-1], 16))
    if body.startswith("u") and len(body) == 5:
        return chr(int(body[1:], 16))
    if body.startswith("x") and len(body) == 3:
        return chr(int(body[1:], 16))
    if body.startswith(("\r\n", "\n", "\r")):
        return ""
    return _SIMPLE_ESCAPES.get(body, body)


Translate = Callable[[Node], E]
