"""Fast read-only helpers over libcst trees, for the emitter's hot paths.

libcst's ``node.visit(visitor)`` rebuilds (and re-validates) every node it passes, even for a
read-only ``CSTVisitor``, and ``Module.code`` enters a context manager per node; on a large project
that is most of the convert time. The helpers here read the same trees without either cost:
``walk`` reads each node's dataclass fields directly, ``code`` renders with one plain function per
node class (``converters.cstrender``). The text they produce is the text libcst produces.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, Generic, TypeVar

import libcst as cst

from converters.cstrender import FastState, render

__all__ = [
    "Copier",
    "code",
    "comment_line",
    "contains",
    "keyword_arg",
    "name",
    "replace",
    "simple_string",
    "walk",
]

NodeT = TypeVar("NodeT", bound=cst.CSTNode)

_FIELDS: dict[type, tuple[str, ...]] = {}
_IS_NODE: dict[type, bool] = {}


def _fields(cls: type) -> tuple[str, ...]:
    names = _FIELDS.get(cls)
    if names is None:
        names = tuple(f.name for f in dataclasses.fields(cls))
        _FIELDS[cls] = names
    return names


def _is_node(cls: type) -> bool:
    # CSTNode is an ABC: isinstance() against it is slow, so ask once per class
    known = _IS_NODE.get(cls)
    if known is None:
        known = _IS_NODE[cls] = issubclass(cls, cst.CSTNode)
    return known


def walk(node: cst.CSTNode) -> list[cst.CSTNode]:
    """``node`` and every node below it (the nodes a libcst visitor would visit; any order)."""
    out: list[Any] = []
    stack: list[Any] = [node]
    pop, push, append = stack.pop, stack.append, out.append
    while stack:
        current = pop()
        append(current)
        for name in _fields(type(current)):
            value = getattr(current, name)
            cls = type(value)
            if cls is tuple or cls is list:
                for item in value:
                    if _is_node(type(item)):
                        push(item)
            elif _is_node(cls):
                push(value)
    return out


def contains(node: cst.CSTNode, types: type | tuple[type, ...]) -> bool:
    """Whether ``node`` or a node below it is an instance of ``types``."""
    return any(isinstance(n, types) for n in walk(node))


def replace(template: NodeT, **changes: Any) -> NodeT:
    """A copy of ``template`` with ``changes``, built without libcst's validation.

    Only for changes that cannot make the node invalid, e.g. another ``Name`` or body in a
    ``ClassDef`` built (and validated) once with every other field fixed: libcst's dataclass
    ``__init__`` and ``_validate`` cost more than the node's fields, thousands of times over.
    """
    cls = type(template)
    node = object.__new__(cls)
    setattr_ = object.__setattr__
    for name in _fields(cls):
        setattr_(node, name, changes[name] if name in changes else getattr(template, name))
    return node


class Copier(Generic[NodeT]):
    """``replace`` for one template and a fixed set of changed fields, called many times.

    ``Copier(template, "name", "body")(name, body)`` is ``replace(template, name=name, body=body)``
    without looking the fields up again for each copy; the same caution applies.
    """

    __slots__ = ("_copy",)

    def __init__(self, template: NodeT, *changing: str) -> None:
        cls = type(template)
        names = _fields(cls)
        unknown = set(changing) - set(names)
        if unknown:
            raise TypeError(f"{cls.__name__} has no field {sorted(unknown)[0]}")
        fixed = [(n, getattr(template, n)) for n in names if n not in changing]
        self._copy: Any = _copy_function(cls, changing, fixed)

    def __call__(self, *values: Any) -> NodeT:
        """A copy with ``values`` for the changed fields, in the order they were named."""
        return self._copy(*values)  # type: ignore[no-any-return]


def _copy_function(
    cls: type, changing: tuple[str, ...], fixed: list[tuple[str, Any]]
) -> Callable[..., Any]:
    """A function setting every field of a new ``cls`` node, one statement a field: a copy is
    made thousands of times, and a loop over the fields costs as much as setting them."""
    params = [f"v{i}" for i in range(len(changing))]
    cells = [f"f{i}" for i in range(len(fixed))]
    lines = [
        f"def make(new, cls, set_, {', '.join(cells)}):" if cells else "def make(new, cls, set_):",
        f"    def copy({', '.join(params)}):",
        "        node = new(cls)",
    ]
    lines += [f"        set_(node, {n!r}, f{i})" for i, (n, _) in enumerate(fixed)]
    lines += [f"        set_(node, {n!r}, v{i})" for i, n in enumerate(changing)]
    lines += ["        return node", "    return copy"]
    namespace: dict[str, Any] = {}
    exec(compile("\n".join(lines), f"<copy {cls.__name__}>", "exec"), namespace)
    return namespace["make"](object.__new__, cls, object.__setattr__, *[v for _, v in fixed])  # type: ignore[no-any-return]


# The leaves every emitter makes, copied from nodes validated once (no check per copy): ``name``
# takes an identifier, ``simple_string`` a whole string literal with its quotes, which is all
# libcst would check of them.
name: Copier[cst.Name] = Copier(cst.Name("_"), "value")
simple_string: Copier[cst.SimpleString] = Copier(cst.SimpleString('""'), "value")
# ``keyword=value`` (no spaces around ``=``) with its comma (``MaybeSentinel.DEFAULT``: none written)
keyword_arg: Copier[cst.Arg] = Copier(
    cst.Arg(
        cst.Name("_"),
        keyword=cst.Name("_"),
        equal=cst.AssignEqual(
            whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")
        ),
        whitespace_after_star=cst.SimpleWhitespace(""),
        whitespace_after_arg=cst.SimpleWhitespace(""),
    ),
    "value",
    "keyword",
    "comma",
)


_COMMENT = Copier(cst.Comment("#"), "value")
_COMMENT_LINE = Copier(
    cst.EmptyLine(comment=cst.Comment("#"), whitespace=cst.SimpleWhitespace("")), "comment"
)


def comment_line(text: str) -> cst.EmptyLine:
    """``# text`` on a line of its own before a statement (line breaks in ``text`` become
    spaces): a comment starting with ``#`` on one line, all libcst checks of it."""
    text = text.replace("\r", "").replace("\n", " ").replace("\f", " ").replace("\v", " ")
    return _COMMENT_LINE(_COMMENT(("# " + text).rstrip() if text else "#"))


def code(node: cst.CSTNode, module: cst.Module | None = None) -> str:
    """The source text of ``node`` (a whole module, or a node rendered as in ``module``)."""
    owner = module if module is not None else (node if isinstance(node, cst.Module) else _EMPTY)
    if FastState is None:  # pragma: no cover
        return owner.code_for_node(node)
    return render(node, owner.default_indent, owner.default_newline)


_EMPTY = cst.Module(body=[])
