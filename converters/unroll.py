"""Agents built by factory functions and in loops, unrolled into one agent per call or iteration.

``const billingAgent = makeSpecialist('billing', ['Amounts are in EUR.'])`` at module level, where
``makeSpecialist`` is a project function that returns ``new Agent({...})``, becomes the agent
``billingAgent``: the function's parameters are bound to the evaluated arguments (defaults filled
in) and its config is read under those bindings, located at the call. A module-level
``for (const x of KNOWN) { registry[key] = new Agent({...}) }`` becomes one agent per iteration,
named after its key, and ``registry`` evaluates to the map of those agents.

What cannot be unrolled is said with the reason: an argument or iterable not known statically,
a body that does more than build the agent (side effects), a destructured parameter.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from converters.ir import (
    ArrayValue,
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
from converters.jsstring import js_number_string
from converters.project import Site, unwrap
from converters.ts import Node, Syntax

if TYPE_CHECKING:
    from converters.evaluate import Evaluator

__all__ = ["Bindings", "FactoryCall", "LoopPlan", "Unrolled", "Unroller", "unknown_part"]

_FUNCTION_NODES = frozenset(
    {"arrow_function", "function_expression", "function", "function_declaration",
     "generator_function", "generator_function_declaration", "method_definition"}
)  # fmt: skip
_LOOP_NODES = frozenset({"for_statement", "for_in_statement", "while_statement", "do_statement"})


@dataclass(frozen=True, slots=True)
class Bindings:
    """Names bound while evaluating the nodes of ``path`` between byte ``start`` and ``end``."""

    path: str
    start: int
    end: int
    names: dict[str, Value]

    def covers(self, path: str, node: Node) -> bool:
        """Whether an identifier node lies in the bound region."""
        return path == self.path and self.start <= node.start_byte < self.end


@dataclass(slots=True)
class Unrolled:
    """One agent of an unrolled factory call or loop iteration."""

    binding: str
    file: str  # the module the agent belongs to (the call's or the loop's)
    site_file: str  # the file of the ``new Agent`` site
    site: Site
    bindings: Bindings
    loc: Loc
    exported: bool = False
    container: str | None = None  # the module-level const a loop stored the agent into
    key: str | None = None  # its key there (None for push)


@dataclass(slots=True)
class FactoryCall:
    """A module-level ``const name = factory(args)`` where ``factory`` returns an agent."""

    binding: str
    function: str
    loc: Loc
    agent: Unrolled | None = None
    problem: str | None = None


@dataclass(slots=True)
class LoopPlan:
    """A module-level loop that builds agents, and what it unrolls to."""

    node: Node
    loc: Loc
    sites: list[Site]
    agents: list[Unrolled] = field(default_factory=list)
    # container const -> [(key or None for push, agent binding)]
    containers: dict[str, list[tuple[str | None, str]]] = field(default_factory=dict)
    problem: str | None = None


def unknown_part(value: Value) -> Value | None:
    """The first part of a value that is not known statically (Opaque or a function), if any."""
    if isinstance(value, Opaque | FunctionValue):
        return value
    if isinstance(value, ArrayValue):
        items: list[Value] = list(value.items)
    elif isinstance(value, ObjectValue):
        items = [*value.entries.values(), *value.spreads]
    elif isinstance(value, TemplateValue):
        items = list(value.parts)
    else:
        return None
    for item in items:
        found = unknown_part(item)
        if found is not None:
            return found
    return None


def _describe(value: Value) -> str:
    source = " ".join(str(getattr(value, "source", "") or "").split())[:60]
    reason = getattr(value, "reason", None) or "a function"
    return f"`{source}` ({reason})" if source else str(reason)


class Unroller:
    """The factory calls and loops of a project, analysed on demand and cached per node."""

    def __init__(self, evaluator: Evaluator) -> None:
        self.ev = evaluator
        self.graph = evaluator.graph
        self._calls: dict[tuple[str, int], FactoryCall | None] = {}
        self._loops: dict[str, list[LoopPlan]] = {}
        self._planning: set[str] = set()
        self._called: dict[tuple[str, int], bool] = {}

    # -- helpers ----------------------------------------------------------------------------

    def _syntax(self, path: str) -> Syntax | None:
        parsed = self.graph.get(path)
        return parsed.syntax if parsed is not None else None

    def _loc(self, path: str, node: Node) -> Loc:
        from converters.evaluate import node_loc

        return node_loc(path, node)

    def _where(self, path: str, node: Node) -> str:
        loc = self._loc(path, node)
        return f"{loc.file}:{loc.line}:{loc.column}"

    @staticmethod
    def _innermost(node: Node, kinds: frozenset[str]) -> Node | None:
        current = node.parent
        while current is not None:
            if current.type in kinds:
                return current
            current = current.parent
        return None

    @contextmanager
    def _bound(self, bindings: Bindings) -> Iterator[None]:
        with self.ev.bound(bindings):
            yield

    # -- factory functions ------------------------------------------------------------------

    def factory_call(self, path: str, call: Node) -> FactoryCall | None:
        """The factory call a module-level ``const x = f(...)`` initializer is, else None."""
        key = (path, call.id)
        if key not in self._calls:
            self._calls[key] = None  # re-entry (a factory calling itself) is not a factory call
            self._calls[key] = self._factory_call(path, call)
        return self._calls[key]

    def _factory_call(self, path: str, call: Node) -> FactoryCall | None:
        syntax = self._syntax(path)
        if syntax is None or call.type != "call_expression":
            return None
        declarator = call.parent
        while declarator is not None and declarator.type in (
            "parenthesized_expression", "as_expression", "satisfies_expression",
            "non_null_expression", "await_expression",
        ):  # fmt: skip
            declarator = declarator.parent
        if declarator is None or declarator.type != "variable_declarator":
            return None
        name_node = declarator.child_by_field_name("name")
        statement = declarator.parent
        if name_node is None or name_node.type != "identifier" or statement is None:
            return None
        holder = statement.parent
        if holder is not None and holder.type == "export_statement":
            holder = holder.parent
        if holder is None or holder.type != "program":
            return None
        callee = call.child_by_field_name("function")
        if callee is None or unwrap(callee) is None:
            return None
        found = self.ev.resolve_identifier(path, unwrap(callee) or callee)
        if found is None:
            return None
        fn_path, fn, _ = found
        fn_syntax = self._syntax(fn_path)
        if fn_syntax is None or fn.type not in _FUNCTION_NODES:
            return None
        sites = [
            s
            for s in self.graph.sites(fn_path)
            if s.kind == "agent"
            and fn.start_byte <= s.node.start_byte < fn.end_byte
            and self._innermost(s.node, _FUNCTION_NODES | _LOOP_NODES) == fn
        ]
        if not sites:
            return None
        binding = syntax.text(name_node)
        parsed = self.graph.get(path)
        exported = parsed is not None and binding in parsed.info.exports.values()
        result = FactoryCall(
            binding=binding, function=syntax.text(callee), loc=self._loc(path, call)
        )
        if len(sites) > 1:
            result.problem = f"`{result.function}` builds {len(sites)} agents"
            return result
        site = sites[0]
        try:
            bindings, problem = self._bind_call(path, syntax, call, fn_path, fn_syntax, fn, site)
        except (ValueError, RecursionError) as exc:
            bindings, problem = None, f"could not evaluate: {exc}"
        if problem is not None or bindings is None:
            result.problem = problem or "unknown"
            return result
        result.agent = Unrolled(
            binding=binding,
            file=path,
            site_file=fn_path,
            site=site,
            bindings=bindings,
            loc=result.loc,
            exported=exported,
        )
        return result

    def _bind_call(
        self,
        path: str,
        syntax: Syntax,
        call: Node,
        fn_path: str,
        fn_syntax: Syntax,
        fn: Node,
        site: Site,
    ) -> tuple[Bindings | None, str | None]:
        args_node = call.child_by_field_name("arguments")
        args = [a for a in (args_node.named_children if args_node else []) if a.type != "comment"]
        values: list[Value] = []
        for arg in args:
            if arg.type == "spread_element":
                return None, f"argument `{syntax.text(arg)}` is a spread"
            value = self.ev.evaluate(path, arg)
            bad = unknown_part(value)
            if bad is not None:
                return None, f"argument {_describe(bad)} is not known statically"
            values.append(value)
        names: dict[str, Value] = {}
        bindings = Bindings(fn_path, fn.start_byte, fn.end_byte, names)
        params: list[Node] = []
        single = fn.child_by_field_name("parameter")
        if single is not None:
            params.append(single)
        formal = fn.child_by_field_name("parameters")
        if formal is not None:
            params.extend(p for p in formal.named_children if p.type != "comment")
        with self._bound(bindings):
            for index, param in enumerate(params):
                pattern = (
                    param.child_by_field_name("pattern") if param.type != "identifier" else param
                )
                if pattern is None or pattern.type != "identifier":
                    return None, (
                        f"parameter `{fn_syntax.text(param)}` of `{syntax.text(call.child_by_field_name('function') or call)}` "
                        "is destructured or a rest parameter"
                    )
                given = values[index] if index < len(values) else None
                default = param.child_by_field_name("value")
                if (given is None or (isinstance(given, NullValue) and given.undefined)) and (
                    default is not None
                ):
                    given = self.ev.evaluate(fn_path, default)
                names[fn_syntax.text(pattern)] = given or NullValue(undefined=True)
            problem = self._body_bindings(fn_path, fn_syntax, fn, site, names)
        return (None, problem) if problem is not None else (bindings, None)

    def _body_bindings(
        self, path: str, syntax: Syntax, fn: Node, site: Site, names: dict[str, Value]
    ) -> str | None:
        """Check the factory body only builds and returns the agent; bind its local consts."""
        body = fn.child_by_field_name("body")
        if body is None:
            return "the function has no body"
        if body.type != "statement_block":
            returned = unwrap(body)
            if returned is not None and returned.id == site.node.id:
                return None
            return f"the function returns `{syntax.text(body)[:60]}`, not the agent itself"
        statements = [s for s in body.named_children if s.type != "comment"]
        agent_names: set[str] = set()
        for index, statement in enumerate(statements):
            last = index == len(statements) - 1
            if statement.type == "lexical_declaration" and not last:
                problem = self._bind_consts(path, syntax, statement, site, names, agent_names)
                if problem is not None:
                    return problem
                continue
            if last and statement.type == "return_statement":
                returned = unwrap(statement.named_children[0]) if statement.named_children else None
                if returned is not None and (
                    returned.id == site.node.id
                    or (returned.type == "identifier" and syntax.text(returned) in agent_names)
                ):
                    return None
            return (
                f"the function body does more than build and return the agent "
                f"(`{' '.join(syntax.text(statement).split())[:60]}` at {self._where(path, statement)})"
            )
        return "the function does not return the agent"

    def _bind_consts(
        self,
        path: str,
        syntax: Syntax,
        statement: Node,
        site: Site,
        names: dict[str, Value],
        agent_names: set[str],
    ) -> str | None:
        if not syntax.text(statement).lstrip().startswith("const"):
            return f"`{syntax.text(statement)[:60]}` declares a variable that may change"
        for declarator in statement.named_children:
            if declarator.type != "variable_declarator":
                continue
            name = declarator.child_by_field_name("name")
            value = declarator.child_by_field_name("value")
            if name is None or name.type != "identifier" or value is None:
                return f"`{syntax.text(declarator)[:60]}` is destructured or has no value"
            inner = unwrap(value)
            if inner is not None and inner.id == site.node.id:
                agent_names.add(syntax.text(name))
                continue
            names[syntax.text(name)] = self.ev.evaluate(path, value)
        return None

    def is_called(self, path: str, site: Site) -> bool:
        """Whether the factory holding an agent site is unrolled at some module-level call."""
        fn = self._innermost(site.node, _FUNCTION_NODES)
        if fn is None:
            return False
        key = (path, fn.id)
        if key in self._called:
            return self._called[key]
        name = self._function_name(path, fn)
        self._called[key] = False
        if name is None:
            return False
        needle = name.encode()
        root = self.graph.root
        for other in sorted(self.graph.paths):
            try:
                if needle not in (root / other).read_bytes():
                    continue
            except OSError:
                continue
            for call in self.factory_calls(other):
                agent = call.agent
                if (
                    agent is not None
                    and agent.site_file == path
                    and agent.site.node.id == site.node.id
                ):
                    self._called[key] = True
                    return True
        return False

    def _function_name(self, path: str, fn: Node) -> str | None:
        syntax = self._syntax(path)
        if syntax is None:
            return None
        name = fn.child_by_field_name("name")
        if name is not None:
            return syntax.text(name)
        parent = fn.parent
        while parent is not None and parent.type in ("parenthesized_expression", "as_expression"):
            parent = parent.parent
        if parent is not None and parent.type == "variable_declarator":
            name = parent.child_by_field_name("name")
            return syntax.text(name) if name is not None else None
        return None

    def factory_calls(self, path: str) -> list[FactoryCall]:
        """The module-level factory calls of a file, in source order."""
        parsed = self.graph.get(path)
        if parsed is None or parsed.syntax is None:
            return []
        found: list[FactoryCall] = []
        for decl in parsed.info.declarations.values():
            if decl.type != "variable_declarator":
                continue
            value = decl.child_by_field_name("value")
            init = unwrap(value)
            while init is not None and init.type == "await_expression":
                init = unwrap(init.named_children[0]) if init.named_children else None
            if init is None or init.type != "call_expression":
                continue
            call = self.factory_call(path, init)
            if call is not None:
                found.append(call)
        found.sort(key=lambda c: (c.loc.line, c.loc.column))
        return found

    # -- loops ------------------------------------------------------------------------------

    def loops(self, path: str) -> list[LoopPlan]:
        """The module-level loops of a file that build agents, each planned once."""
        if path in self._loops:
            return self._loops[path]
        if path in self._planning:
            return []
        syntax = self._syntax(path)
        if syntax is None:
            return []
        self._planning.add(path)
        try:
            sites = [s for s in self.graph.sites(path) if s.kind == "agent" and s.context == "loop"]
            plans: list[LoopPlan] = []
            taken = set(self.graph.get(path).info.declarations)  # type: ignore[union-attr]
            taken.update(s.binding for s in self.graph.sites(path))
            for statement in syntax.root.named_children:
                if statement.type not in _LOOP_NODES:
                    continue
                inside = [
                    s
                    for s in sites
                    if statement.start_byte <= s.node.start_byte < statement.end_byte
                ]
                if not inside:
                    continue
                plan = LoopPlan(node=statement, loc=self._loc(path, statement), sites=inside)
                try:
                    self._plan_loop(path, syntax, plan, taken)
                except (ValueError, RecursionError) as exc:
                    plan.problem = f"could not evaluate: {exc}"
                if plan.problem is not None:
                    plan.agents.clear()
                    plan.containers.clear()
                plans.append(plan)
            self._loops[path] = plans
        finally:
            self._planning.discard(path)
        return plans

    def loop_of(self, path: str, site: Site) -> LoopPlan | None:
        """The module-level loop plan an agent site belongs to."""
        for plan in self.loops(path):
            if any(s.node.id == site.node.id for s in plan.sites):
                return plan
        return None

    def container(self, path: str, name: str) -> list[tuple[str | None, str]] | None:
        """The agents loops of ``path`` store into module-level const ``name``, if any."""
        found: list[tuple[str | None, str]] = []
        for plan in self.loops(path):
            found.extend(plan.containers.get(name, []))
        return found or None

    def _plan_loop(self, path: str, syntax: Syntax, plan: LoopPlan, taken: set[str]) -> None:
        loop = plan.node
        if loop.type != "for_in_statement":
            plan.problem = (
                "only `for (const ... of ...)` and `for (const ... in ...)` loops are unrolled"
            )
            return
        tokens = {c.type for c in loop.children if not c.is_named}
        declared = tokens & {"const", "let", "var"}
        of = "of" in tokens
        left = loop.child_by_field_name("left")
        right = loop.child_by_field_name("right")
        body = loop.child_by_field_name("body")
        if left is None or right is None or body is None or not declared:
            plan.problem = "the loop variable is not declared in the loop"
            return
        items = self._iteration_values(path, syntax, right, of=of)
        if isinstance(items, str):
            plan.problem = items
            return
        statements = (
            [s for s in body.named_children if s.type != "comment"]
            if body.type == "statement_block"
            else [body]
        )
        for index, item in enumerate(items):
            names: dict[str, Value] = {}
            problem = self._bind_pattern(syntax, left, item, names)
            if problem is not None:
                plan.problem = problem
                return
            bindings = Bindings(path, loop.start_byte, loop.end_byte, names)
            with self._bound(bindings):
                for statement in statements:
                    problem = self._loop_statement(
                        path, syntax, plan, statement, bindings, index, taken
                    )
                    if problem is not None:
                        plan.problem = problem
                        return
        stored = {a.site.node.id for a in plan.agents}
        missing = [s for s in plan.sites if s.node.id not in stored]
        if missing and items:
            plan.problem = "an agent in the loop is not stored into a module-level object or array"

    def _iteration_values(
        self, path: str, syntax: Syntax, right: Node, *, of: bool
    ) -> list[Value] | str:
        node = unwrap(right) or right
        if node.type == "call_expression":
            fn = node.child_by_field_name("function")
            args_node = node.child_by_field_name("arguments")
            text = syntax.text(fn).replace(" ", "") if fn is not None else ""
            args = [
                a for a in (args_node.named_children if args_node else []) if a.type != "comment"
            ]
            if text in ("Object.entries", "Object.keys", "Object.values") and len(args) == 1:
                base = self.ev.evaluate(path, args[0])
                if not isinstance(base, ObjectValue) or base.spreads:
                    return f"the loop iterates over `{syntax.text(node)}`, which is not known statically"
                keys = list(base.entries)
                if text == "Object.keys":
                    return [StringValue(value=k) for k in keys]
                if text == "Object.values":
                    return list(base.entries.values())
                return [
                    ArrayValue(items=[StringValue(value=k), v]) for k, v in base.entries.items()
                ]
        value = self.ev.evaluate(path, node)
        if of and isinstance(value, ArrayValue) and unknown_part(value) is None:
            return list(value.items)
        if of and isinstance(value, StringValue):
            return [StringValue(value=ch) for ch in value.value]
        if not of and isinstance(value, ObjectValue) and not value.spreads:
            return [StringValue(value=k) for k in value.entries]
        if not of and isinstance(value, ArrayValue):
            return [StringValue(value=str(i)) for i in range(len(value.items))]
        return f"the loop iterates over `{syntax.text(node)}`, which is not known statically"

    def _bind_pattern(
        self, syntax: Syntax, pattern: Node, value: Value, names: dict[str, Value]
    ) -> str | None:
        if pattern.type == "identifier":
            names[syntax.text(pattern)] = value
            return None
        if pattern.type == "array_pattern" and isinstance(value, ArrayValue):
            for index, element in enumerate(pattern.named_children):
                if element.type == "comment":
                    continue
                if element.type != "identifier":
                    return f"loop pattern `{syntax.text(pattern)}` is not a list of names"
                names[syntax.text(element)] = (
                    value.items[index] if index < len(value.items) else NullValue(undefined=True)
                )
            return None
        if (
            pattern.type == "object_pattern"
            and isinstance(value, ObjectValue)
            and not value.spreads
        ):
            for element in pattern.named_children:
                if element.type != "shorthand_property_identifier_pattern":
                    return f"loop pattern `{syntax.text(pattern)}` is not a list of names"
                key = syntax.text(element)
                names[key] = value.entries.get(key, NullValue(undefined=True))
            return None
        return f"loop pattern `{syntax.text(pattern)}` does not match the values iterated"

    def _loop_statement(
        self,
        path: str,
        syntax: Syntax,
        plan: LoopPlan,
        statement: Node,
        bindings: Bindings,
        index: int,
        taken: set[str],
    ) -> str | None:
        where = (
            f"`{' '.join(syntax.text(statement).split())[:60]}` at {self._where(path, statement)}"
        )
        if statement.type == "lexical_declaration" and syntax.text(statement).startswith("const"):
            for declarator in statement.named_children:
                if declarator.type != "variable_declarator":
                    continue
                name = declarator.child_by_field_name("name")
                value = declarator.child_by_field_name("value")
                if name is None or name.type != "identifier" or value is None:
                    return f"the loop body declares {where}, which is not a plain const"
                if any(s.node.id == (unwrap(value) or value).id for s in plan.sites):
                    return f"the loop body keeps an agent in a local const ({where})"
                bindings.names[syntax.text(name)] = self.ev.evaluate(path, value)
            return None
        expr = statement.named_children[0] if statement.type == "expression_statement" else None
        if expr is None:
            return f"the loop body does more than store agents ({where})"
        target: Node | None = None
        key: str | None = None
        site_node: Node | None = None
        if expr.type == "assignment_expression":
            left = expr.child_by_field_name("left")
            right = unwrap(expr.child_by_field_name("right"))
            if (
                left is None
                or right is None
                or left.type not in ("subscript_expression", "member_expression")
            ):
                return f"the loop body does more than store agents ({where})"
            target = left.child_by_field_name("object")
            if left.type == "member_expression":
                prop = left.child_by_field_name("property")
                key = syntax.text(prop) if prop is not None else None
            else:
                index_node = left.child_by_field_name("index")
                key_value = self.ev.evaluate(path, index_node) if index_node is not None else None
                if isinstance(key_value, StringValue):
                    key = key_value.value
                elif isinstance(key_value, NumberValue):
                    key = js_number_string(key_value.value)
                else:
                    return f"the key of {where} is not known statically"
            site_node = right
        elif expr.type == "call_expression":
            fn = expr.child_by_field_name("function")
            args_node = expr.child_by_field_name("arguments")
            args = [
                a for a in (args_node.named_children if args_node else []) if a.type != "comment"
            ]
            if fn is None or fn.type != "member_expression" or len(args) != 1:
                return f"the loop body does more than store agents ({where})"
            prop = fn.child_by_field_name("property")
            if prop is None or syntax.text(prop) != "push":
                return f"the loop body does more than store agents ({where})"
            target = fn.child_by_field_name("object")
            site_node = unwrap(args[0])
        else:
            return f"the loop body does more than store agents ({where})"
        site = next(
            (s for s in plan.sites if site_node is not None and s.node.id == site_node.id), None
        )
        if site is None or target is None or target.type != "identifier":
            return f"the loop body does more than store agents ({where})"
        container = syntax.text(target)
        parsed = self.graph.get(path)
        decl = parsed.info.declarations.get(container) if parsed is not None else None
        init = (
            unwrap(decl.child_by_field_name("value"))
            if decl is not None and decl.type == "variable_declarator"
            else None
        )
        wanted = "array" if key is None else "object"
        if init is None or init.type != wanted:
            return f"`{container}` is not a module-level const {wanted} literal ({where})"
        base = f"{container}{index}" if key is None else key
        binding = _identifier(base)
        n = 2
        while binding in taken:
            binding = f"{_identifier(base)}{n}"
            n += 1
        taken.add(binding)
        plan.agents.append(
            Unrolled(
                binding=binding,
                file=path,
                site_file=path,
                site=site,
                bindings=Bindings(
                    bindings.path, bindings.start, bindings.end, dict(bindings.names)
                ),
                loc=self._loc(path, site.node),
                exported=False,
                container=container,
                key=key,
            )
        )
        plan.containers.setdefault(container, []).append((key, binding))
        return None

    def container_value(self, path: str, name: str, value: Value) -> Value:
        """The value of module-level const ``name`` once the loops filling it have run."""
        stored = self.container(path, name)
        if not stored:
            return value
        refs = [
            (key, RefValue(name=binding, target=f"{path}#{binding}")) for key, binding in stored
        ]
        if isinstance(value, ArrayValue):
            return ArrayValue(items=[*value.items, *(r for _, r in refs)], loc=value.loc)
        if isinstance(value, ObjectValue):
            entries = dict(value.entries)
            entries.update({key: ref for key, ref in refs if key is not None})
            return ObjectValue(entries=entries, spreads=list(value.spreads), loc=value.loc)
        return value


def _identifier(key: str) -> str:
    from converters.project import _identifier_from

    return _identifier_from(key)
