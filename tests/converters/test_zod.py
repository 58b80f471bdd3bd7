"""converters.zod: zod call chains become SchemaNodes; what cannot be expressed is reported."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
import tree_sitter

from converters.ir import Diagnostic, Loc, SchemaNode
from converters.rules import all_rules
from converters.schema_emit import to_json_schema
from converters.ts import Syntax, parse
from converters.zod import SingleFileZodContext, zod_import_names, zod_to_schema


def schema(source: str, name: str = "S") -> tuple[SchemaNode, SingleFileZodContext]:
    ctx = SingleFileZodContext.from_source('import { z } from "zod";\n' + source)
    return ctx.schema(name), ctx


def test_object_fields_modifiers_and_constraints() -> None:
    node, ctx = schema(
        """
        export const S = z.object({
          name: z.string().min(1).max(10).describe("Name"),
          age: z.number().int().nonnegative().optional(),
          tags: z.array(z.string()).nonempty().default([]),
          note: z.string().nullable(),
          both: z.string().nullish(),
        }).strict();
        """
    )
    assert node.type == "object" and node.object_mode == "strict"
    name, age, tags, note, both = node.properties.values()
    assert name.constraints == {"min_length": 1, "max_length": 10}
    assert name.description == "Name"
    assert age.type == "integer" and age.optional and age.constraints["minimum"] == 0
    assert tags.has_default and tags.default == [] and tags.constraints["min_items"] == 1
    assert note.nullable and not note.optional
    assert both.nullish and not both.nullable
    assert ctx.diagnostics == []


def test_modifier_order_is_kept() -> None:
    node, _ = schema('export const S = z.string().describe("d").nullable().default(null);')
    assert node.modifiers == ["describe", "nullable", "default"]


def test_zod3_and_zod4_format_spellings_agree() -> None:
    v3, _ = schema("export const S = z.string().email();")
    v4, _ = schema("export const S = z.email();")
    iso, _ = schema("export const S = z.iso.datetime();")
    assert v3.constraints == v4.constraints == {"format": "email"}
    assert iso.constraints == {"format": "datetime"}


def test_native_enum_resolves_the_ts_enum() -> None:
    node, _ = schema(
        """
        enum Level { Low, Mid = 5, High }
        enum Color { Red = "red", Blue = "blue" }
        export const S = z.object({ l: z.nativeEnum(Level), c: z.enum(Color) });
        """
    )
    assert node.properties["l"].values == [0, 5, 6]
    assert node.properties["c"].values == ["red", "blue"]
    assert node.properties["c"].source_name == "Color"


def test_named_schemas_become_refs_and_are_registered() -> None:
    node, ctx = schema(
        """
        const Address = z.object({ city: z.string() });
        export const S = z.object({ home: Address, work: Address.optional() });
        """
    )
    home, work = node.properties["home"], node.properties["work"]
    assert home.type == "ref" and home.ref == "schema.ts#Address"
    assert work.optional and work.ref == "schema.ts#Address"
    assert ctx.schemas["schema.ts#Address"].properties["city"].type == "string"


def test_lazy_recursion_is_a_ref_cycle() -> None:
    node, ctx = schema(
        """
        const Tree: z.ZodType<any> = z.lazy(() => z.object({ kids: z.array(Tree) }));
        export const S = z.object({ root: Tree });
        """
    )
    tree = ctx.schemas["schema.ts#Tree"]
    assert tree.properties["kids"].items is not None
    assert tree.properties["kids"].items.ref == "schema.ts#Tree"
    out = to_json_schema(node, resolve=ctx.schemas.__getitem__)
    assert out["properties"]["root"] == {"$ref": "#/definitions/__schema0"}


def test_object_methods() -> None:
    node, _ = schema(
        """
        const Base = z.object({ id: z.string(), at: z.string(), n: z.number().optional() });
        export const S = Base.extend({ x: z.boolean() }).omit({ at: true }).partial({ id: true }).required({ n: true });
        """
    )
    assert list(node.properties) == ["id", "n", "x"]
    assert node.properties["id"].optional
    assert not node.properties["n"].optional


def test_keyof_pick_and_shape() -> None:
    node, _ = schema(
        """
        const Base = z.object({ id: z.string(), at: z.number() });
        export const S = z.object({ k: Base.keyof(), id: Base.shape.id, p: Base.pick({ at: true }) });
        """
    )
    assert node.properties["k"].values == ["id", "at"]
    assert node.properties["id"].type == "string"
    assert list(node.properties["p"].properties) == ["at"]


def test_methods_on_a_shared_schema_never_change_it() -> None:
    """A chain is read in place (no copy a link); what others hold is copied before it changes."""
    node, ctx = schema(
        """
        const base = z.string();
        const Obj = z.object({ p: z.string(), q: z.number().optional() });
        const list = z.array(z.object({ x: z.number() }));
        export const S = z.object({
          a: base.min(1),
          b: base.max(5).optional(),
          base,
          shaped: Obj.shape.p.min(2),
          el: list.element.nullable(),
          el2: list.element,
          refined: z.string().refine((s) => s.length > 1).optional(),
          piped: z.string().pipe(z.string().min(3)).nullable(),
        });
        """
    )
    props = node.properties
    assert props["a"].constraints.get("min_length") == 1 and not props["a"].optional
    assert props["b"].optional and props["b"].constraints.get("max_length") == 5
    assert "min_length" not in props["b"].constraints
    base = ctx.schemas["schema.ts#base"]
    assert base.constraints == {} and not base.optional
    assert props["base"].type == "ref" and not props["base"].optional
    obj_p = ctx.schemas["schema.ts#Obj"].properties["p"]
    assert obj_p.constraints == {} and props["shaped"].constraints.get("min_length") == 2
    element = ctx.schemas["schema.ts#list"].items
    assert element is not None and not element.nullable
    assert props["el"].nullable and not props["el2"].nullable
    assert props["refined"].optional and props["piped"].nullable


def test_refinements_and_transforms_keep_the_type_and_report() -> None:
    node, ctx = schema(
        """
        export const S = z.object({
          a: z.string().refine((v) => v.length > 2),
          b: z.string().transform((v) => v.trim()),
          c: z.preprocess((v) => String(v), z.number()),
        });
        """
    )
    a, b, c = node.properties.values()
    assert a.type == "string" and a.refinements == [".refine((v) => v.length > 2)"]
    assert b.type == "string" and b.transforms == [".transform((v) => v.trim())"]
    assert c.type == "number" and c.transforms[0].startswith("z.preprocess(")
    # translated callbacks are notes (LM406), with the Python kept on the schema's effects
    assert [(d.rule, d.severity) for d in ctx.diagnostics] == [("LM406", "info")] * 3
    assert ctx.diagnostics[0].loc is not None and ctx.diagnostics[0].loc.line == 4
    assert [e.kind for e in (*a.effects, *b.effects, *c.effects)] == [
        "refine",
        "transform",
        "preprocess",
    ]
    assert a.effects[0].python == "def check(value):\n    return len(value) > 2\n"
    assert b.effects[0].output is not None and b.effects[0].output.type == "string"


def test_untranslatable_callbacks_stay_todos_naming_the_construct() -> None:
    node, ctx = schema(
        """
        export const S = z.object({
          a: z.string().refine((v) => isStrong(v), { message: "weak", abort: true }),
          b: z.string().refine((v) => isStrong(v)),
          c: z.string().superRefine((v, ctx) => ctx.addIssue({ code: "too_small", minimum: 1 })),
          d: z.string().check(z.minLength(1)),
          e: z.string().refine(async (v) => v.length > 0),
        });
        """
    )
    whys = [p.effects[0].why for p in node.properties.values()]
    assert [p.effects[0].python for p in node.properties.values()] == [None] * 5
    assert whys[0] == "the refine option(s) abort"
    assert whys[1] is not None and whys[1] == "the function `isStrong` at schema.ts:5:39"
    assert whys[2] is not None and "too_small" in whys[2]
    assert whys[3] == "`.check()` is not translated"
    assert whys[4] is not None and "async" in whys[4]
    assert [(d.rule, d.severity) for d in ctx.diagnostics] == [
        ("LM401", "todo"),
        ("LM401", "todo"),
        ("LM401", "todo"),
        ("LM401", "todo"),
        ("LM401", "todo"),
    ]
    assert all(w is not None and w in d.message for w, d in zip(whys, ctx.diagnostics, strict=True))


def test_function_default_with_literal_result_is_kept_and_reported() -> None:
    node, ctx = schema('export const S = z.string().default(() => "now");')
    assert node.has_default and node.default == "now"
    assert node.constraints["default_factory"] == '() => "now"'
    assert [(d.rule, d.severity) for d in ctx.diagnostics] == [("LM404", "info")]


def test_function_default_with_unknown_result_is_a_todo() -> None:
    node, ctx = schema("export const S = z.string().default(() => new Date().toISOString());")
    assert node.constraints["default_unknown"] is True
    assert [(d.rule, d.severity) for d in ctx.diagnostics] == [("LM404", "todo")]


def test_deep_partial_is_reported() -> None:
    node, ctx = schema(
        "export const S = z.object({ a: z.object({ b: z.string() }) }).deepPartial();"
    )
    assert node.properties["a"].optional
    assert node.properties["a"].properties["b"].optional
    assert [d.rule for d in ctx.diagnostics] == ["LM405"]


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ("export const S = z.custom((v) => true);", "`z.custom(...)` is not supported"),
        ("export const S = z.string().foo();", "`.foo()` on a string schema is not supported"),
        ("export const S = Missing;", "`Missing` could not be resolved to a zod schema"),
        ("export const S = makeSchema();", "`makeSchema(...)` is not a zod call"),
    ],
)
def test_unknown_constructs_are_opaque_and_reported(source: str, reason: str) -> None:
    node, ctx = schema(source)
    assert node.type == "opaque"
    assert node.reason == reason
    assert [d.rule for d in ctx.diagnostics] == ["LM403"]
    assert ctx.diagnostics[0].loc is not None


def test_zod_import_names() -> None:
    syntax = parse(
        'import { z as zz } from "zod";\nimport * as Z from "zod/v4";\nimport d from "zod";', "ts"
    )
    assert zod_import_names(syntax) == {"zz", "Z", "d"}


def test_rules_are_declared() -> None:
    ids = {rule.id for rule in all_rules()}
    assert {"LM401", "LM402", "LM403", "LM404", "LM405"} <= ids


@dataclass
class TwoFileContext:
    """A ZodContext over two files, to check refs across files go through the context."""

    files: dict[str, Syntax]
    diagnostics: list[Diagnostic] = field(default_factory=list)
    schemas: dict[str, SchemaNode] = field(default_factory=dict)

    def _path(self, syntax: Syntax) -> str:
        return next(p for p, s in self.files.items() if s is syntax)

    def resolve_identifier(
        self, syntax: Syntax, identifier: tree_sitter.Node
    ) -> tuple[Syntax, tree_sitter.Node, str] | None:
        name = syntax.text(identifier)
        for path, other in self.files.items():
            found = SingleFileZodContext(other, path).declarations().get(name)
            if found is not None:
                return other, found, f"{path}#{name}"
        return None

    def loc(self, syntax: Syntax, node: tree_sitter.Node) -> Loc:
        line, col = syntax.position(node)
        return Loc(file=self._path(syntax), line=line, column=col)

    def zod_names(self, syntax: Syntax) -> set[str]:
        return zod_import_names(syntax)

    def report(self, diagnostic: Diagnostic) -> None:
        self.diagnostics.append(diagnostic)

    def register_schema(self, qualified_name: str, node: SchemaNode) -> None:
        self.schemas[qualified_name] = node

    def lookup_schema(self, qualified_name: str) -> SchemaNode | None:
        return self.schemas.get(qualified_name)


def test_refs_across_files_use_the_defining_files_zod_name() -> None:
    shared = parse(
        'import { z as zed } from "zod";\nexport const Point = zed.object({ x: zed.number() });',
        "ts",
    )
    tool = parse('import { z } from "zod";\nconst S = z.object({ p: Point.nullable() });', "ts")
    ctx = TwoFileContext({"src/shared.ts": shared, "src/tool.ts": tool})
    value = SingleFileZodContext(tool, "src/tool.ts").declarations()["S"]
    node = zod_to_schema(tool, value, ctx)
    p = node.properties["p"]
    assert p.type == "ref" and p.ref == "src/shared.ts#Point" and p.nullable
    point_loc = ctx.schemas["src/shared.ts#Point"].loc
    assert point_loc is not None and (point_loc.file, point_loc.line) == ("src/shared.ts", 2)
    out = to_json_schema(node, resolve=ctx.schemas.__getitem__)
    assert out["properties"]["p"]["anyOf"][1] == {"type": "null"}


def test_unvalidated_constructors_match_pydantic() -> None:
    """``_schema`` and ``_fresh`` build what SchemaNode(...) and model_copy would."""
    from converters.zod import _fresh, _schema

    loc = Loc(file="a.ts", line=1, column=2)
    for values in (
        {"type": "string"},
        {"type": "object", "loc": loc, "properties": {"a": SchemaNode(type="any")}},
        {"type": "enum", "values": [1, "x"], "source_name": "E", "items": None},
    ):
        fast, slow = _schema(**values), SchemaNode(**values)
        assert list(fast.__dict__) == list(slow.__dict__)
        assert fast == slow and fast.model_fields_set == slow.model_fields_set
        assert fast.model_dump_json() == slow.model_dump_json()
        copy = _fresh(fast)
        expected = slow.model_copy(update={"constraints": dict(slow.constraints)})
        assert copy == expected and copy.model_fields_set == expected.model_fields_set
        assert copy.constraints is not fast.constraints
    # fresh containers for every default factory
    first, second = _schema(type="any"), _schema(type="any")
    for name, info in SchemaNode.model_fields.items():
        if info.default_factory is not None:
            assert getattr(first, name) is not getattr(second, name), name


def test_primitive_and_node_loc_match_pydantic() -> None:
    """``_primitive`` builds what SchemaNode(type=..., loc=...) would, with fresh containers;
    ``node_loc`` what Loc(...) would."""
    from converters.evaluate import node_loc
    from converters.zod import _primitive

    syntax = parse("const a = z.string();", "ts")
    loc = node_loc("a.ts", syntax.root)
    slow_loc = Loc(file="a.ts", line=1, column=1, end_line=1, end_column=22)
    assert loc == slow_loc and loc.model_fields_set == slow_loc.model_fields_set
    fast, slow = _primitive("string", loc), SchemaNode(type="string", loc=loc)
    assert list(fast.__dict__) == list(slow.__dict__)
    assert fast == slow and fast.model_fields_set == slow.model_fields_set
    assert fast.model_dump_json() == slow.model_dump_json()
    other = _primitive("string", loc)
    for name, info in SchemaNode.model_fields.items():
        if info.default_factory is not None:
            assert getattr(fast, name) is not getattr(other, name), name
    assert fast.model_fields_set is not other.model_fields_set


def test_syntax_text_of_ascii_and_other_sources() -> None:
    """``Syntax.text`` slices the str of an ASCII source and decodes the bytes of any other."""
    ascii_syntax = parse('const a = z.string().describe("x");', "ts")
    other = parse('const é = z.string().describe("ü");', "ts")
    assert ascii_syntax.ascii_text is not None and other.ascii_text is None
    for syntax in (ascii_syntax, other):
        for node in syntax.walk():
            expected = syntax.source[node.start_byte : node.end_byte].decode("utf-8", "replace")
            assert syntax.text(node) == expected
    declarator = other.root.named_children[0].named_children[0]
    assert other.text(declarator.child_by_field_name("name")) == "é"


def test_trusted_models_match_pydantic() -> None:
    """``function_value`` and ``extract_tool``'s unvalidated models are what validation builds."""
    from converters.evaluate import function_value, trusted_model
    from converters.ir import FunctionValue, ToolNode

    syntax = parse("const f = async (a, { b }) => a;", "ts")
    fn = syntax.root.named_children[0].named_children[0].child_by_field_name("value")
    fast = function_value(syntax, "a.ts", fn)
    slow = FunctionValue(
        params=["a", "{ b }"],
        is_async=True,
        source="async (a, { b }) => a",
        body_source="a",
        loc=fast.loc,
    )
    assert list(fast.__dict__) == list(slow.__dict__)
    assert fast == slow and fast.model_fields_set == slow.model_fields_set
    loc = Loc(file="a.ts", line=1, column=1)
    given = {"binding": "t", "file": "a.ts", "exported": True, "loc": loc}
    values = {
        name: given[name] if name in given else info.get_default(call_default_factory=True)
        for name, info in ToolNode.model_fields.items()
    }
    tool, expected = trusted_model(ToolNode, values, set(given)), ToolNode(**given)
    assert list(tool.__dict__) == list(expected.__dict__)
    assert tool == expected and tool.model_fields_set == expected.model_fields_set
