"""The kind and field ids a Syntax carries answer as the kind and field names do, in both grammars."""

from __future__ import annotations

from dataclasses import fields

import pytest

from converters.ts import Kinds, Syntax, parse

_SOURCE = b"""
import { z } from 'zod';
// a comment
const tool = createTool({ id: 'x', schema: (z.object({ a: z.string() }) as any)!, ...rest, flag });
function f(a: string, { b } = {}) { return a.length satisfies number; }
type T = object;
"""


def _nodes(syntax: Syntax) -> list:
    out, stack = [], [syntax.root]
    while stack:
        node = stack.pop()
        out.append(node)
        stack.extend(node.children)
    return out


@pytest.mark.parametrize("language", ["ts", "tsx"])
def test_kind_ids_match_kind_names(language: str) -> None:
    syntax = parse(_SOURCE, language)  # type: ignore[arg-type]
    kinds = syntax.kinds
    nodes = _nodes(syntax)
    for field in fields(Kinds):
        if field.name == "wrappers":
            names = {
                "parenthesized_expression",
                "as_expression",
                "satisfies_expression",
                "non_null_expression",
            }
            by_id = {n.id for n in nodes if n.is_named and n.kind_id in kinds.wrappers}
            by_name = {n.id for n in nodes if n.is_named and n.type in names}
        else:
            wanted = getattr(kinds, field.name)
            by_id = {n.id for n in nodes if n.is_named and n.kind_id == wanted}
            by_name = {n.id for n in nodes if n.is_named and n.type == field.name}
        assert by_id == by_name, field.name
        assert by_name, f"the sample has no {field.name}"


@pytest.mark.parametrize("language", ["ts", "tsx"])
def test_field_ids_find_the_children_field_names_find(language: str) -> None:
    syntax = parse(_SOURCE, language)  # type: ignore[arg-type]
    checked = 0
    for node in _nodes(syntax):
        for name, field_id in syntax.field_ids.items():
            by_name = node.child_by_field_name(name)
            by_id = node.child_by_field_id(field_id)
            assert (by_id.id if by_id else None) == (by_name.id if by_name else None), name
            checked += by_name is not None
    assert checked > 20
    for name in (
        "parameter",
        "parameters",
        "pattern",
        "value",
        "object",
        "property",
        "name",
        "type",
    ):
        assert name in syntax.field_ids
