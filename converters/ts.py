"""The one place that touches the tree-sitter API.

tree-sitter's Python binding has changed its API several times (0.21, 0.22, 0.23); everything else in
``converters`` goes through ``parse`` and ``Syntax`` here so that a future change is mended once.
Supported: tree-sitter >=0.23,<0.27 with tree-sitter-typescript 0.23.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import PurePosixPath
from typing import Literal

import tree_sitter
import tree_sitter_typescript

__all__ = [
    "Kinds",
    "Language",
    "Node",
    "Syntax",
    "SyntaxErrorSite",
    "language_for_path",
    "pair_parts",
    "parse",
    "parse_shared",
    "share",
]

Node = tree_sitter.Node

Language = Literal["ts", "tsx", "js", "jsx"]

_TS_SUFFIXES = {".ts": "ts", ".mts": "ts", ".cts": "ts", ".tsx": "tsx", ".jsx": "jsx"}
_JS_SUFFIXES = {".js": "js", ".mjs": "js", ".cjs": "js"}


def language_for_path(path: str) -> Language | None:
    """The grammar a file is parsed with, by its suffix; None for files we do not read."""
    suffix = PurePosixPath(path).suffix.lower()
    if path.endswith(".d.ts"):
        return None
    return _TS_SUFFIXES.get(suffix) or _JS_SUFFIXES.get(suffix)  # type: ignore[return-value]


@cache
def _parser(grammar: Literal["typescript", "tsx"]) -> tree_sitter.Parser:
    fn = (
        tree_sitter_typescript.language_tsx
        if grammar == "tsx"
        else tree_sitter_typescript.language_typescript
    )
    return tree_sitter.Parser(tree_sitter.Language(fn()))


@cache
def _query(grammar: Literal["typescript", "tsx"], source: str) -> tree_sitter.Query:
    fn = (
        tree_sitter_typescript.language_tsx
        if grammar == "tsx"
        else tree_sitter_typescript.language_typescript
    )
    return tree_sitter.Query(tree_sitter.Language(fn()), source)


@dataclass(frozen=True, slots=True)
class Kinds:
    """One grammar's kind ids of the named node kinds the readers test most: ``node.kind_id`` is an
    int, cheaper to read than ``node.type`` (a new str each time). The ids differ between the
    typescript and tsx grammars; none of these names is also an anonymous token's."""

    call_expression: int
    member_expression: int
    identifier: int
    comment: int
    pair: int
    property_identifier: int
    shorthand_property_identifier: int
    spread_element: int
    object: int  # compare on named nodes only (``object`` is also a type keyword's kind)
    wrappers: frozenset[int]  # parentheses and type-only wrappers (``as``, ``satisfies``, ``!``)


@cache
def _kinds(grammar: Literal["typescript", "tsx"]) -> Kinds:
    language = _parser(grammar).language
    assert language is not None

    def named(name: str) -> int:
        kind = language.id_for_node_kind(name, True)
        assert kind is not None, name
        return kind

    return Kinds(
        call_expression=named("call_expression"),
        member_expression=named("member_expression"),
        identifier=named("identifier"),
        comment=named("comment"),
        pair=named("pair"),
        property_identifier=named("property_identifier"),
        shorthand_property_identifier=named("shorthand_property_identifier"),
        spread_element=named("spread_element"),
        object=named("object"),
        wrappers=frozenset(
            named(name)
            for name in (
                "parenthesized_expression",
                "as_expression",
                "satisfies_expression",
                "non_null_expression",
            )
        ),
    )


@cache
def _field_ids(grammar: Literal["typescript", "tsx"]) -> dict[str, int]:
    """Every field name of a grammar with its id (``node.child_by_field_id`` reads a child
    directly, where ``child_by_field_name`` scans the grammar's field names first)."""
    language = _parser(grammar).language
    assert language is not None
    return {
        name: index
        for index in range(1, language.field_count + 1)
        if (name := language.field_name_for_id(index)) is not None
    }


@dataclass(frozen=True, slots=True)
class SyntaxErrorSite:
    """Where the parser found an error: 1-based line and column, and what it saw."""

    line: int
    column: int
    text: str
    missing: bool
    end_line: int | None = None
    end_column: int | None = None


class Syntax:
    """A parsed file: the source bytes and the tree."""

    def __init__(self, source: bytes, tree: tree_sitter.Tree, language: Language) -> None:
        self.source = source
        self.tree = tree
        self.language = language
        # the source as a str when it is all ASCII (byte offsets are then character offsets, and
        # slicing it is cheaper than decoding a slice of the bytes); None otherwise
        self.ascii_text: str | None = source.decode("ascii") if source.isascii() else None
        # the kind ids of the grammar the file was parsed with
        self.kinds = _kinds(_grammar(language))
        # and its field ids by field name
        self.field_ids = _field_ids(_grammar(language))
        # whether the file parsed without errors: no node of it then has an error (has_error of a
        # node covers its descendants, and the tree is never edited), so per-node checks can skip
        self.clean = not tree.root_node.has_error

    @property
    def root(self) -> tree_sitter.Node:
        """The ``program`` node."""
        return self.tree.root_node

    def text(self, node: tree_sitter.Node) -> str:
        """The source text of a node."""
        text = self.ascii_text
        if text is not None:
            return text[node.start_byte : node.end_byte]
        return self.source[node.start_byte : node.end_byte].decode("utf-8", "replace")

    @staticmethod
    def position(node: tree_sitter.Node) -> tuple[int, int]:
        """1-based (line, column) of a node's start; columns count characters of the line."""
        row, col = node.start_point
        return row + 1, col + 1

    @staticmethod
    def end_position(node: tree_sitter.Node) -> tuple[int, int]:
        """1-based (line, column) just after a node's end."""
        row, col = node.end_point
        return row + 1, col + 1

    @property
    def has_errors(self) -> bool:
        """Whether the parser had to recover from a syntax error."""
        return self.root.has_error

    def errors(self, limit: int = 50) -> list[SyntaxErrorSite]:
        """The outermost error and missing nodes, in source order."""
        sites: list[SyntaxErrorSite] = []
        if not self.root.has_error:
            return sites
        stack = [self.root]
        while stack and len(sites) < limit:
            node = stack.pop()
            if node.is_error or node.is_missing:
                line, col = self.position(node)
                text = self.text(node)
                end_line, end_col = self.end_position(node)
                sites.append(
                    SyntaxErrorSite(
                        line, col, text[:60] or node.type, node.is_missing, end_line, end_col
                    )
                )
                continue
            if node.has_error:
                stack.extend(reversed(node.children))
        sites.sort(key=lambda s: (s.line, s.column))
        return sites

    def matches(
        self, query: str, node: tree_sitter.Node | None = None
    ) -> list[dict[str, list[Node]]]:
        """Run a tree-sitter query (compiled once per grammar); each match maps capture names to nodes."""
        grammar: Literal["typescript", "tsx"] = (
            "tsx" if self.language in ("tsx", "jsx") else "typescript"
        )
        cursor = tree_sitter.QueryCursor(_query(grammar, query))
        return [captures for _, captures in cursor.matches(node or self.root)]

    def walk(self, node: tree_sitter.Node | None = None) -> Iterator[tree_sitter.Node]:
        """Every named node below ``node`` (default: the root), depth first, in source order."""
        stack = [node or self.root]
        while stack:
            current = stack.pop()
            yield current
            stack.extend(reversed(current.named_children))


def pair_parts(
    pair: tree_sitter.Node, clean: bool = False
) -> tuple[tree_sitter.Node | None, tree_sitter.Node | None]:
    """An object literal ``pair``'s key and value nodes (by position when it parsed cleanly: three
    children are then exactly ``key : value``, and reading them is cheaper than by field name);
    ``clean`` says that the pair's file parsed without errors (``Syntax.clean``)."""
    parts = pair.children
    if len(parts) == 3 and (clean or not pair.has_error):
        return parts[0], parts[2]
    return pair.child_by_field_name("key"), pair.child_by_field_name("value")


def parse(source: bytes | str, language: Language) -> Syntax:
    """Parse TypeScript or JavaScript; never raises on bad syntax (see ``Syntax.errors``)."""
    data = source.encode("utf-8") if isinstance(source, str) else source
    # JavaScript is a subset the TypeScript grammars read; JSX needs the TSX grammar.
    grammar: Literal["typescript", "tsx"] = "tsx" if language in ("tsx", "jsx") else "typescript"
    tree = _parser(grammar).parse(data)
    return Syntax(data, tree, language)


# Parses kept for reuse: a file is parsed once by the module graph while scanning, and its tree is
# read again when the emitter translates function bodies of that file. Keyed by grammar and source
# bytes (never by path: a tree does not know where it came from), oldest dropped first once the
# sources kept add up to _SHARED_LIMIT bytes. Trees are only read, never edited, so sharing is safe.
_SHARED: OrderedDict[tuple[str, bytes], Syntax] = OrderedDict()
_SHARED_LIMIT = 64 * 1024 * 1024
_shared_bytes = 0


def _grammar(language: Language) -> Literal["typescript", "tsx"]:
    return "tsx" if language in ("tsx", "jsx") else "typescript"


def share(syntax: Syntax) -> None:
    """Offer a parse for ``parse_shared`` to hand out again for the same source."""
    global _shared_bytes
    key = (_grammar(syntax.language), syntax.source)
    if key in _SHARED:
        _SHARED.move_to_end(key)
        return
    _SHARED[key] = syntax
    _shared_bytes += len(syntax.source)
    while _shared_bytes > _SHARED_LIMIT and len(_SHARED) > 1:
        (_, dropped), _syntax = _SHARED.popitem(last=False)
        _shared_bytes -= len(dropped)


def parse_shared(source: bytes | str, language: Language) -> Syntax:
    """``parse``, reusing a shared parse of the identical source (read the result, never edit it)."""
    data = source.encode("utf-8") if isinstance(source, str) else source
    found = _SHARED.get((_grammar(language), data))
    if found is not None:
        return found
    syntax = parse(data, language)
    share(syntax)
    return syntax
