"""``to_json_schema`` against what real Mastra 1.71 sent for the equivalent zod schemas.

The ``tests/data/tool_schemas/*.json`` files were recorded from real Mastra (see
``record_tool_schemas.mts`` there): each holds the zod source and the ``parameters`` Mastra sent.
Every test writes the pydantic twin of that zod schema and asserts the JSON Schema is identical.
"""

from __future__ import annotations

import builtins
import datetime as dt
import json
from pathlib import Path
from typing import Annotated, Any, Literal
from uuid import UUID

import pytest
from pydantic import BaseModel, ConfigDict, Field

from lumos_compat.errors import ToolValidationError
from lumos_compat.schema import (
    DRAFT_07,
    MAX_SAFE_INTEGER,
    Email,
    JsDate,
    Nullish,
    Url,
    compile_schema,
    fix_typeless_properties,
    format_js_number,
    from_js_json,
    to_base_json_schema,
    to_json_schema,
    validate,
)
from lumos_compat.schema_compat import apply_provider_compat, compat_layer_for

DATA = Path(__file__).resolve().parent.parent / "data" / "tool_schemas"


def recorded(name: str) -> dict[str, Any]:
    return json.loads((DATA / f"{name}.json").read_text())["mastra_parameters"]


# --- pydantic twins of the recorded zod schemas ------------------------------------------------


class Basic(BaseModel):
    location: str = Field(description="City name")
    days: float
    metric: bool


class Integers(BaseModel):
    count: int
    page: int = Field(ge=1, le=100)
    ratio: float = Field(ge=0, le=1)
    positive: int = Field(gt=0)


class OptionalDefault(BaseModel):
    query: str
    limit: int = Field(default=10, description="Max results")
    cursor: str | None = None
    verbose: bool = False


class Nullable(BaseModel):
    name: str | None
    age: Nullish[int] = None
    note: Nullish[str] = None


class EnumLiteral(BaseModel):
    unit: Literal["celsius", "fahrenheit"]
    kind: Literal["weather"]
    level: Literal[3]
    flag: Literal[True]


class Union(BaseModel):
    value: str | float
    id: str | int


class Circle(BaseModel):
    type: Literal["circle"]
    radius: float


class Square(BaseModel):
    type: Literal["square"]
    side: float


class DiscriminatedUnion(BaseModel):
    shape: Annotated[Circle | Square, Field(discriminator="type")]


class TupleRecord(BaseModel):
    point: tuple[float, float]
    tags: dict[str, float]
    labels: dict[str, str] | None = None


class Formats(BaseModel):
    email: Email
    site: Url
    id: UUID
    when: dt.datetime
    email_old: Email
    date: dt.date


class Address(BaseModel):
    city: str
    zip: str | None = None


class User(BaseModel):
    name: str
    address: Address


class Item(BaseModel):
    sku: str
    qty: int = 1


class Nested(BaseModel):
    user: User
    items: list[Item] = Field(description="Line items")


class StringArrayConstraints(BaseModel):
    code: str = Field(min_length=2, max_length=8)
    pattern: str = Field(pattern=r"^[a-z]+$")
    list: builtins.list[str] = Field(min_length=1, max_length=5)
    exact: str = Field(min_length=4, max_length=4)


class Node(BaseModel):
    name: str
    children: list[Node] | None = None


class Recursive(BaseModel):
    root: Node


class Filter(BaseModel):
    field: str
    op: Literal["eq", "ne"]


class DescribedObject(BaseModel):
    """Search input"""

    filter: Filter | None = Field(default=None, description="A filter")


class Addr(BaseModel):
    city: str


class Reused(BaseModel):
    home: Addr
    work: Addr | None = None


class AnyUnknown(BaseModel):
    payload: Any
    extra: Any
    meta: dict[str, Any] | None = None


class Opts(BaseModel):
    a: float


class DefaultObjectArray(BaseModel):
    opts: Opts = Field(default_factory=lambda: Opts(a=1))
    tags: list[str] = Field(default_factory=list)


class NumberExclusive(BaseModel):
    gt: float = Field(gt=0)
    lt: float = Field(lt=10)
    multiple: float = Field(multiple_of=5)
    nonneg: float = Field(ge=0)


TWINS: dict[str, Any] = {
    "basic": Basic,
    "integers": Integers,
    "optional_default": OptionalDefault,
    "nullable": Nullable,
    "enum_literal": EnumLiteral,
    "union": Union,
    "discriminated_union": DiscriminatedUnion,
    "tuple_record": TupleRecord,
    "formats": Formats,
    "nested": Nested,
    "string_array_constraints": StringArrayConstraints,
    "recursive": Recursive,
    "described_object": DescribedObject,
    "reused": Reused,
    "any_unknown": AnyUnknown,
    "default_object_array": DefaultObjectArray,
    "number_exclusive": NumberExclusive,
    "no_schema": None,
    "json_schema": {
        "type": "object",
        "properties": {
            "a": {"type": "string", "description": "A"},
            "b": {"type": "object", "properties": {"c": {"type": "integer"}}},
        },
        "required": ["a"],
    },
}


@pytest.mark.parametrize("name", sorted(TWINS))
def test_to_json_schema_matches_real_mastra_chat_completions(name: str) -> None:
    assert to_json_schema(TWINS[name]) == recorded(name)


@pytest.mark.parametrize("name", sorted(TWINS))
def test_openai_responses_rewrite_matches_real_mastra(name: str) -> None:
    expected = recorded(f"openai_{name}")
    if TWINS[name] is None:
        # a tool without inputSchema gets Mastra's fixed empty object: no provider layer
        assert to_json_schema(None) == expected
        return
    from_model = apply_provider_compat(
        to_json_schema(TWINS[name]), "openai.responses", "gpt-4o-mini"
    )
    assert from_model == expected
    # the same rewrite from the recorded chat-completions schema
    assert apply_provider_compat(recorded(name), "openai.responses", "gpt-4o-mini") == expected


def test_every_recorded_file_has_a_twin() -> None:
    names = {p.stem for p in DATA.glob("*.json") if not p.stem.startswith("openai_")}
    assert names == set(TWINS)
    assert len(names) >= 10


def test_zod_zoo_openai_rewrite_matches_real_mastra() -> None:
    """The zoo recorded for the converters: every chat schema rewritten gives Mastra's Responses one."""
    zoo_path = DATA.parent / "zod_zoo" / "zoo.json"
    if not zoo_path.exists():
        pytest.skip("zod zoo not recorded")
    zoo = json.loads(zoo_path.read_text())
    checked = 0
    for name, entry in zoo.items():
        chat, responses = entry.get("chat_parameters"), entry.get("responses_parameters")
        if not chat or not responses:
            continue
        assert apply_provider_compat(chat, "openai.responses", "gpt-4o-mini") == responses, name
        checked += 1
    assert checked >= 10


# --- details of the mapping -------------------------------------------------------------------


def test_root_has_draft07_and_no_titles() -> None:
    schema = to_json_schema(Basic)
    assert next(iter(schema)) == "$schema"
    assert schema["$schema"] == DRAFT_07
    assert "title" not in json.dumps(schema)


def test_property_named_title_is_kept() -> None:
    class Book(BaseModel):
        title: str

    assert to_json_schema(Book)["properties"] == {"title": {"type": "string"}}


def test_int_bounds_are_safe_integers_unless_narrower() -> None:
    class M(BaseModel):
        a: int
        b: int = Field(le=5)
        c: int = Field(lt=5)

    props = to_json_schema(M)["properties"]
    assert props["a"] == {
        "type": "integer",
        "minimum": -MAX_SAFE_INTEGER,
        "maximum": MAX_SAFE_INTEGER,
    }
    assert props["b"] == {"type": "integer", "minimum": -MAX_SAFE_INTEGER, "maximum": 5}
    assert props["c"] == {"type": "integer", "minimum": -MAX_SAFE_INTEGER, "exclusiveMaximum": 5}


def test_recursive_root_model_refers_to_root() -> None:
    class Tree(BaseModel):
        value: float
        kids: list[Tree] = Field(default_factory=list)

    schema = to_json_schema(Tree)
    assert schema["properties"]["kids"] == {"default": [], "type": "array", "items": {"$ref": "#"}}
    assert "definitions" not in schema


def test_js_date_and_loose_objects() -> None:
    class Loose(BaseModel):
        model_config = ConfigDict(extra="allow")
        when: JsDate

    schema = to_json_schema(Loose)
    assert schema["properties"]["when"] == {"type": "string", "format": "date-time", "x-date": True}
    assert schema["additionalProperties"] is True


def test_plain_json_schema_is_not_mutated_and_keeps_explicit_additional_properties() -> None:
    raw = {
        "type": "object",
        "properties": {"a": {"type": "object", "properties": {}, "additionalProperties": True}},
    }
    before = json.dumps(raw)
    schema = to_json_schema(raw)
    assert json.dumps(raw) == before
    assert schema["additionalProperties"] is False
    assert schema["properties"]["a"]["additionalProperties"] is True


def test_bad_schema_raises_for_people() -> None:
    with pytest.raises(
        ToolValidationError, match="pydantic model class, a JSON Schema dict or None"
    ):
        to_json_schema(42)  # type: ignore[arg-type]
    with pytest.raises(ToolValidationError, match="not valid draft-07"):
        compile_schema({"type": "object", "properties": {"a": {"type": "strin"}}})


def test_fix_typeless_properties_only_touches_properties_and_items() -> None:
    schema = {"type": "object", "properties": {"a": {"description": "x"}, "b": {"anyOf": [{}]}}}
    fixed = fix_typeless_properties(schema)
    assert fixed["properties"]["a"]["type"] == [
        "string",
        "number",
        "integer",
        "boolean",
        "object",
        "null",
    ]
    assert fixed["properties"]["b"] == {"anyOf": [{}]}
    assert schema["properties"]["a"] == {"description": "x"}


def test_base_schema_keeps_typeless_any() -> None:
    assert to_base_json_schema(AnyUnknown)["properties"]["payload"] == {}


# --- provider layers ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("provider", "model_id", "layer"),
    [
        ("openai.responses", "gpt-4o-mini", "openai"),
        ("openai.chat", "gpt-4.1", "openai"),
        ("openai.responses", "o3-mini", "openai-reasoning"),
        ("groq.chat", "llama-3.3-70b", "openai"),
        ("groq.chat", "o1-like", None),
        ("anthropic.messages", "claude-sonnet-4-5", "anthropic"),
        ("google.generative-ai", "gemini-2.5-flash", "google"),
        ("openrouter.chat", "google/gemini-2.5-pro", "google"),
        ("deepseek.chat", "deepseek-chat", "deepseek"),
        ("deepseek.chat", "deepseek-r1", None),
        ("together.chat", "meta-llama/Llama-3", "meta"),
        ("fake.chat", "fake-model", None),
    ],
)
def test_layer_selection(provider: str, model_id: str, layer: str | None) -> None:
    assert compat_layer_for(provider, model_id) == layer


def test_no_layer_leaves_schema_alone() -> None:
    assert apply_provider_compat(
        to_json_schema(Nested), "fake.chat", "fake-model"
    ) == to_json_schema(Nested)


def test_anthropic_moves_constraints_to_description_and_keeps_optional() -> None:
    schema = apply_provider_compat(
        to_json_schema(StringArrayConstraints), "anthropic.messages", "claude-3-5-sonnet"
    )
    assert schema["properties"]["code"] == {
        "type": "string",
        "description": "constraints: minimum length 2, maximum length 8",
    }
    assert (
        schema["properties"]["list"]["description"]
        == "constraints: minimum length 1, maximum length 5"
    )
    out = apply_provider_compat(
        to_json_schema(OptionalDefault), "anthropic.messages", "claude-sonnet-4"
    )
    assert out["required"] == ["query"]
    assert "x-optional" not in out


def test_anthropic_merges_root_union_of_objects() -> None:
    raw = {
        "anyOf": [
            {
                "type": "object",
                "properties": {"a": {"type": "string"}, "k": {"type": "string"}},
                "required": ["a", "k"],
            },
            {
                "type": "object",
                "properties": {"b": {"type": "number"}, "k": {"type": "string"}},
                "required": ["b", "k"],
            },
        ]
    }
    out = apply_provider_compat(to_json_schema(raw), "anthropic.messages", "claude-opus-4")
    assert out["type"] == "object"
    assert set(out["properties"]) == {"a", "k", "b"}
    assert out["required"] == ["k"]
    assert "anyOf" not in out


def test_google_uses_nullable_and_inlines_refs() -> None:
    out = apply_provider_compat(
        to_json_schema(Recursive), "google.generative-ai", "gemini-2.5-flash"
    )
    assert "definitions" not in out and "$schema" not in out
    assert "$ref" not in json.dumps(out)
    nullable = apply_provider_compat(
        to_json_schema(Nullable), "google.generative-ai", "gemini-2.0-flash"
    )
    assert nullable["properties"]["name"] == {"type": "string", "nullable": True}
    assert "additionalProperties" not in nullable


def test_openai_format_text() -> None:
    out = apply_provider_compat(to_json_schema(Formats), "openai.responses", "gpt-4o")
    assert out["properties"]["email"] == {
        "type": "string",
        "description": "constraints: a valid email",
    }
    assert out["properties"]["site"] == {"type": "string"}  # uri is not an OpenAI format: dropped


# --- validation -------------------------------------------------------------------------------------


def test_validate_pydantic_is_strict_like_zod() -> None:
    ok = validate(Integers, {"count": 5.0, "page": 3, "ratio": 0.5, "positive": 1})
    assert ok.ok and ok.value.count == 5
    bad = validate(Integers, {"count": "5", "page": 0, "ratio": 2, "positive": 1.5})
    messages = {(i.path, i.message) for i in bad.issues}
    assert messages == {
        (("count",), "Invalid input: expected number, received string"),
        (("page",), "Too small: expected number to be >=1"),
        (("ratio",), "Too big: expected number to be <=1"),
        (("positive",), "Invalid input: expected int, received number"),
    }


@pytest.mark.parametrize(
    ("model", "data", "expected"),
    [
        (
            Basic,
            {},
            [
                (("location",), "Invalid input: expected string, received undefined"),
                (("days",), "Invalid input: expected number, received undefined"),
                (("metric",), "Invalid input: expected boolean, received undefined"),
            ],
        ),
        (
            EnumLiteral,
            {"unit": "k", "kind": "x", "level": 4, "flag": True},
            [
                (("unit",), 'Invalid option: expected one of "celsius"|"fahrenheit"'),
                (("kind",), 'Invalid input: expected "weather"'),
                (("level",), "Invalid input: expected 3"),
            ],
        ),
        (Union, {"value": True, "id": "a"}, [(("value",), "Invalid input")]),
        (
            DiscriminatedUnion,
            {"shape": {"type": "circle", "radius": "q"}},
            [(("shape", "radius"), "Invalid input: expected number, received string")],
        ),
        (
            DiscriminatedUnion,
            {"shape": {"type": "hex"}},
            [(("shape", "type"), "Invalid discriminator value. Expected 'circle' | 'square'")],
        ),
        (
            TupleRecord,
            {"point": [1, 2], "tags": {"a": "x"}},
            [(("tags", "a"), "Invalid input: expected number, received string")],
        ),
        (
            StringArrayConstraints,
            {"code": "a", "pattern": "A", "list": [], "exact": "x"},
            [
                (("code",), "Too small: expected string to have >=2 characters"),
                (("pattern",), "Invalid string: must match pattern /^[a-z]+$/"),
                (("list",), "Too small: expected array to have >=1 items"),
                (("exact",), "Too small: expected string to have exactly 4 characters"),
            ],
        ),
        (
            Nested,
            {"user": "x", "items": [{"sku": 1}]},
            [
                (("user",), "Invalid input: expected object, received string"),
                (("items", 0, "sku"), "Invalid input: expected string, received number"),
            ],
        ),
        (
            Formats,
            {
                "email": "nope",
                "site": "x y",
                "id": "u",
                "when": "no",
                "email_old": "a@b.co",
                "date": "2024-01-01",
            },
            [
                (("email",), "Invalid email address"),
                (("site",), "Invalid URL"),
                (("id",), "Invalid UUID"),
                (("when",), "Invalid ISO datetime"),
            ],
        ),
        (
            NumberExclusive,
            {"gt": 0, "lt": 12, "multiple": 3, "nonneg": -1},
            [
                (("gt",), "Too small: expected number to be >0"),
                (("lt",), "Too big: expected number to be <10"),
                (("multiple",), "Invalid number: must be a multiple of 5"),
                (("nonneg",), "Too small: expected number to be >=0"),
            ],
        ),
    ],
)
def test_pydantic_issues_use_zod_messages(model: Any, data: Any, expected: list[Any]) -> None:
    result = validate(model, data)
    assert not result.ok
    assert [(i.path, i.message) for i in result.issues] == expected


def test_unrecognized_keys_for_forbid() -> None:
    class Strict(BaseModel):
        model_config = ConfigDict(extra="forbid")
        a: str

    result = validate(Strict, {"a": "x", "b": 1, "c": 2})
    assert [(i.path, i.message) for i in result.issues] == [((), 'Unrecognized keys: "b", "c"')]


def test_validate_json_schema_applies_defaults_recursively() -> None:
    schema = {
        "type": "object",
        "properties": {
            "a": {"type": "string", "default": "d"},
            "o": {"type": "object", "properties": {"k": {"type": "number", "default": 7}}},
            "dflt": {
                "type": "object",
                "properties": {"k": {"type": "number", "default": 7}},
                "default": {},
            },
        },
    }
    result = validate(schema, {"o": {}})
    assert result.ok
    assert result.value == {"a": "d", "o": {"k": 7}, "dflt": {}}
    assert validate(schema, {"o": {}}, apply_defaults=False).value == {"o": {}}


def test_validate_json_schema_uses_ajv_messages() -> None:
    schema = {
        "type": "object",
        "properties": {"a": {"type": "string"}, "n": {"type": "number", "minimum": 1}},
        "required": ["a"],
    }
    result = validate(schema, {"n": 0})
    assert [(i.path, i.message) for i in result.issues] == [
        ((), "must have required property 'a'"),
        (("n",), "must be >= 1"),
    ]
    assert [(i.path, i.message) for i in validate(schema, {"a": 5}).issues] == [
        (("a",), "must be string")
    ]


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (5.0, "5"),
        (5, "5"),
        (0.1, "0.1"),
        (-0.0, "0"),
        (1e21, "1e+21"),
        (1e-7, "1e-7"),
        (123456789012345680000.0, "123456789012345680000"),
        (0.000001, "0.000001"),
        (2.5e-5, "0.000025"),
        (1.5e300, "1.5e+300"),
    ],
)
def test_format_js_number(value: float, text: str) -> None:
    assert format_js_number(value) == text


def test_from_js_json_makes_integral_numbers_ints() -> None:
    assert from_js_json('{"a": 5.0, "b": 0.5}') == {"a": 5, "b": 0.5}
    assert isinstance(from_js_json("5.0"), int)
