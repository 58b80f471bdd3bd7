"""The IR: what lumos-migrate knows about a Mastra project, between parsing and emitting.

Every node carries its source location. ``lumos-migrate scan PATH --json`` prints a ``Project``.
Values the static evaluator could not reduce stay ``Opaque`` with their source text, and the
converter decides what to do with them (usually a TODO in the emitted code and a report entry).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "AgentNode",
    "ArrayValue",
    "BoolValue",
    "CallValue",
    "Diagnostic",
    "EnvValue",
    "FunctionValue",
    "Loc",
    "MastraNode",
    "McpClientNode",
    "MemoryNode",
    "ModelSpec",
    "NullValue",
    "NumberValue",
    "ObjectValue",
    "Opaque",
    "Project",
    "RefValue",
    "SchemaNode",
    "Severity",
    "SourceFile",
    "StorageNode",
    "StringValue",
    "TemplateValue",
    "ToolNode",
    "Value",
    "WorkflowNode",
    "WorkflowStepNode",
    "ZodEffect",
]


class _Node(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Loc(_Node):
    """A source location: project-relative POSIX path, 1-based line and column."""

    file: str
    line: int
    column: int
    end_line: int | None = None
    end_column: int | None = None

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


# ---------------------------------------------------------------------------------------------
# Values: what the static evaluator makes of an expression
# ---------------------------------------------------------------------------------------------


class FileRead(_Node):
    """Where a text came from: ``readFileSync`` of a project file, which the port reads too.

    ``base`` is how the TypeScript found the file: ``module`` relative to the reading module
    (``import.meta.url``, ``__dirname``), ``cwd`` relative to the working directory
    (``process.cwd()`` or a relative path).
    """

    asset: str  # project-relative POSIX path (one of Project.assets)
    base: Literal["module", "cwd"]
    encoding: str = "utf-8"


class StringValue(_Node):
    kind: Literal["string"] = "string"
    value: str
    loc: Loc | None = None
    # set when the text is a prompt file read at startup (the port ships and reads the file)
    read_from: FileRead | None = Field(default=None, exclude_if=lambda v: v is None)


class NumberValue(_Node):
    kind: Literal["number"] = "number"
    value: float | int
    loc: Loc | None = None


class BoolValue(_Node):
    kind: Literal["bool"] = "bool"
    value: bool
    loc: Loc | None = None


class NullValue(_Node):
    kind: Literal["null"] = "null"
    undefined: bool = False
    loc: Loc | None = None


class EnvValue(_Node):
    """``process.env.NAME`` with an optional ``??`` / ``||`` default."""

    kind: Literal["env"] = "env"
    name: str
    default: Value | None = None
    default_op: Literal["??", "||"] | None = None
    loc: Loc | None = None


class TemplateValue(_Node):
    """A string built from parts (template literal or ``+`` concatenation) not all known."""

    kind: Literal["template"] = "template"
    parts: list[Value]
    loc: Loc | None = None


class ArrayValue(_Node):
    kind: Literal["array"] = "array"
    items: list[Value]
    loc: Loc | None = None


class ObjectValue(_Node):
    """An object literal; ``spreads`` holds spreads that could not be resolved, in order."""

    kind: Literal["object"] = "object"
    entries: dict[str, Value]
    spreads: list[Value] = Field(default_factory=list)
    loc: Loc | None = None


class RefValue(_Node):
    """A reference to a binding the evaluator resolved to a definition (e.g. a tool or agent).

    ``target`` is ``"<file>#<exported or local name>"``.
    """

    kind: Literal["ref"] = "ref"
    name: str
    target: str | None = None
    loc: Loc | None = None


class CallValue(_Node):
    """A call the evaluator recognised but does not reduce, e.g. ``openai('gpt-4o')``."""

    kind: Literal["call"] = "call"
    callee: str  # dotted source text of the callee, e.g. "openai.chat"
    module: str | None = None  # npm module the callee was imported from, if known
    args: list[Value]
    source: str
    loc: Loc | None = None


class FunctionValue(_Node):
    """A function or arrow function: kept as source, with its parameters' source text."""

    kind: Literal["function"] = "function"
    params: list[str]
    is_async: bool = False
    source: str
    body_source: str
    loc: Loc | None = None


class Opaque(_Node):
    """An expression the evaluator could not reduce; ``reason`` says why."""

    kind: Literal["opaque"] = "opaque"
    source: str
    reason: str
    loc: Loc | None = None


Value = Annotated[
    StringValue
    | NumberValue
    | BoolValue
    | NullValue
    | EnvValue
    | TemplateValue
    | ArrayValue
    | ObjectValue
    | RefValue
    | CallValue
    | FunctionValue
    | Opaque,
    Field(discriminator="kind"),
]


# ---------------------------------------------------------------------------------------------
# Schemas: one node per zod construct; JSON Schema and pydantic source both come from it
# ---------------------------------------------------------------------------------------------


class SchemaNode(_Node):
    """A zod schema, structurally.

    ``type`` is one of: object, string, number, integer, boolean, bigint, date, null, any,
    unknown, never, literal, enum, native_enum, array, tuple, union, discriminated_union,
    intersection, record, map, set, ref (a named schema defined elsewhere), opaque.

    ``modifiers`` lists, in source order, the wrapping methods applied (optional, nullable,
    nullish, default, describe, readonly, catch): zod's JSON Schema depends on their order.
    """

    type: str
    loc: Loc | None = None
    # name of the const this schema was bound to in the source, if any (e.g. "weatherInput")
    source_name: str | None = None
    description: str | None = None
    optional: bool = False
    nullable: bool = False
    nullish: bool = False
    has_default: bool = False
    default: Any = None
    # object
    properties: dict[str, SchemaNode] = Field(default_factory=dict)
    object_mode: Literal["strip", "strict", "passthrough"] = "strip"
    catchall: SchemaNode | None = None
    # array / record / set
    items: SchemaNode | None = None
    key: SchemaNode | None = None
    # tuple / union / intersection
    members: list[SchemaNode] = Field(default_factory=list)
    rest: SchemaNode | None = None
    discriminator: str | None = None
    # literal / enum
    values: list[Any] = Field(default_factory=list)
    # constraints: min_length, max_length, length, minimum, maximum, exclusive_minimum,
    # exclusive_maximum, multiple_of, min_items, max_items, pattern, format, int, positive, ...
    constraints: dict[str, Any] = Field(default_factory=dict)
    # ref / lazy
    ref: str | None = None
    # refinements and transforms that could not be expressed: source text of each
    refinements: list[str] = Field(default_factory=list)
    transforms: list[str] = Field(default_factory=list)
    # refinements, transforms and `.catch` fallbacks in the order zod applies them
    effects: list[ZodEffect] = Field(default_factory=list, exclude_if=lambda v: not v)
    # opaque: why
    reason: str | None = None
    source: str | None = None
    modifiers: list[str] = Field(default_factory=list)


class ZodEffect(_Node):
    """A zod refinement, transform, pipe, preprocess, ``.catch`` or ``z.coerce`` on a schema, in
    chain order.

    ``python`` is the callback translated to a Python function named ``check`` (refine,
    superRefine) or ``convert`` (transform, preprocess), with the ``imports`` it needs; None when
    it was not translated, and ``why`` names the construct that stopped it. ``output`` is the
    schema of what a transform returns, when the translator knows it.
    """

    kind: Literal[
        "refine",
        "superRefine",
        "check",
        "transform",
        "overwrite",
        "pipe",
        "preprocess",
        "catch",
        "coerce",
    ]
    source: str
    loc: Loc | None = None
    python: str | None = None
    imports: list[tuple[str, str | None]] = Field(default_factory=list)
    message: str | None = None
    path: list[str | int] = Field(default_factory=list)
    why: str | None = None
    output: SchemaNode | None = None
    value: Any = None  # .catch: the fallback value; coerce: the JavaScript conversion

    @property
    def translated(self) -> bool:
        """Whether the emitted validator does what zod does (else it is a stub with a TODO)."""
        if self.kind in ("catch", "coerce"):
            return True
        if self.kind == "pipe":
            return self.output is not None and self.output.type != "opaque"
        return self.python is not None


# ---------------------------------------------------------------------------------------------
# Mastra constructs
# ---------------------------------------------------------------------------------------------


class ModelSpec(_Node):
    """How an agent's model is given.

    ``form``: ``router`` ("openai/gpt-4o"), ``provider_call`` (``openai('gpt-4o')``,
    ``anthropic(...)``, ``google(...)``, ``openai.chat(...)``, ``createOpenAI({...})(...)``),
    ``custom`` (``{id, url, apiKey}``), ``dynamic`` (a function), ``fallback`` (a list) or
    ``opaque``.
    """

    form: Literal["router", "provider_call", "custom", "dynamic", "fallback", "opaque"]
    provider: str | None = None
    model_id: Value | None = None
    api: Literal["chat", "responses", "messages", "generate-content"] | None = None
    settings: dict[str, Value] = Field(default_factory=dict)  # baseURL, apiKey, headers, ...
    function: FunctionValue | None = None
    fallbacks: list[ModelSpec] = Field(default_factory=list)
    source: str
    loc: Loc


class ToolNode(_Node):
    """A ``createTool({...})`` or ``new Tool({...})``."""

    binding: str  # the const name in the source, e.g. "weatherTool"
    file: str
    exported: bool = False
    id: Value | None = None
    description: Value | None = None
    input_schema: SchemaNode | None = None
    output_schema: SchemaNode | None = None
    # human in the loop: what execute's suspend() sends and what resuming it takes
    suspend_schema: SchemaNode | None = None
    resume_schema: SchemaNode | None = None
    require_approval: Value | None = None  # `requireApproval`: a boolean or a function
    execute: FunctionValue | None = None
    # "0.x": execute({ context, ... }); "1.x": execute(inputData, context)
    execute_style: Literal["0.x", "1.x", "unknown"] = "unknown"
    other_options: dict[str, Value] = Field(default_factory=dict)
    loc: Loc


class StorageNode(_Node):
    """A storage or vector store constructor, e.g. ``new LibSQLStore({url})``."""

    class_name: str
    module: str | None = None
    options: Value | None = None
    loc: Loc


class MemoryNode(_Node):
    """A ``new Memory({...})``."""

    binding: str | None = None
    file: str
    storage: StorageNode | Value | None = None
    vector: StorageNode | Value | None = None
    embedder: Value | None = None
    options: Value | None = None
    # generateTitle.model (top level, or 0.x threads.generateTitle) when it is a model object
    title_model: ModelSpec | None = None
    # options.workingMemory.schema (a zod schema) as a schema node
    working_memory_schema: SchemaNode | None = None
    loc: Loc


class AgentNode(_Node):
    """A ``new Agent({...})``."""

    binding: str
    file: str
    exported: bool = False
    id: Value | None = None
    name: Value | None = None
    description: Value | None = None
    instructions: Value | None = None
    model: ModelSpec | None = None
    # tools-map key -> the value (usually a RefValue to a ToolNode binding)
    tools: dict[str, Value] = Field(default_factory=dict)
    tools_source: Value | None = (
        None  # when tools is not a literal map (e.g. await mcp.listTools())
    )
    agents: dict[str, Value] = Field(default_factory=dict)
    workflows: dict[str, Value] = Field(default_factory=dict)
    memory: MemoryNode | Value | None = None
    default_options: Value | None = None
    other_options: dict[str, Value] = Field(default_factory=dict)
    spreads: list[Value] = Field(default_factory=list)
    # a module-level loop stored this agent into the const object/array ``container`` (under
    # ``container_key``; None for ``push``)
    container: str | None = Field(default=None, exclude_if=lambda v: v is None)
    container_key: str | None = Field(default=None, exclude_if=lambda v: v is None)
    loc: Loc


class WorkflowStepNode(_Node):
    """A ``createStep({...})`` or legacy ``new Step({...})``."""

    binding: str
    file: str
    id: Value | None = None
    description: Value | None = None
    input_schema: SchemaNode | None = None
    output_schema: SchemaNode | None = None
    resume_schema: SchemaNode | None = None
    suspend_schema: SchemaNode | None = None
    state_schema: SchemaNode | None = None
    execute: FunctionValue | None = None
    from_: Value | None = Field(default=None, alias="from")  # createStep(agent|tool)
    other_options: dict[str, Value] = Field(default_factory=dict)
    loc: Loc


class WorkflowNode(_Node):
    """A ``createWorkflow({...})...commit()`` chain or a legacy ``new Workflow({...})``."""

    binding: str
    file: str
    generation: Literal["1.x", "vnext", "legacy"]
    id: Value | None = None
    input_schema: SchemaNode | None = None
    output_schema: SchemaNode | None = None
    state_schema: SchemaNode | None = None
    # the builder chain in order: {"method": "then", "args": [Value, ...], "loc": Loc}
    chain: list[dict[str, Any]] = Field(default_factory=list)
    other_options: dict[str, Value] = Field(default_factory=dict)
    loc: Loc


class McpClientNode(_Node):
    """A ``new MCPClient({...})`` (or 0.x ``MCPConfiguration``)."""

    binding: str
    file: str
    class_name: str
    servers: Value | None = None
    other_options: dict[str, Value] = Field(default_factory=dict)
    loc: Loc


class MastraNode(_Node):
    """The ``new Mastra({...})`` instance."""

    binding: str | None
    file: str
    agents: dict[str, Value] = Field(default_factory=dict)
    workflows: dict[str, Value] = Field(default_factory=dict)
    tools: dict[str, Value] = Field(default_factory=dict)
    storage: StorageNode | Value | None = None
    memory: Value | None = None
    mcp_servers: dict[str, Value] = Field(default_factory=dict)
    other_options: dict[str, Value] = Field(default_factory=dict)
    loc: Loc


Severity = Literal["info", "warning", "todo", "error"]


class Diagnostic(_Node):
    """Something the report must tell a person, with the rule that found it."""

    rule: str  # rule id, e.g. "LM201"; documented in docs/migration/rules.md
    severity: Severity
    message: str
    loc: Loc | None = None
    hint: str | None = None


class SourceFile(_Node):
    """One file of the project as the parser saw it."""

    path: str  # project-relative POSIX path
    language: Literal["ts", "tsx", "js", "jsx"]
    size: int
    sha256: str
    parse_errors: int = 0
    mastra_imports: list[str] = Field(default_factory=list)  # npm modules from @mastra/*


class Project(_Node):
    """Everything lumos-migrate found in a Mastra project."""

    root: str
    mastra_version: str | None = None  # the @mastra/core version range or lockfile version
    api_generation: Literal["0.x", "1.x"] = "1.x"
    version_reason: str = ""
    files: list[SourceFile] = Field(default_factory=list)
    tools: list[ToolNode] = Field(default_factory=list)
    agents: list[AgentNode] = Field(default_factory=list)
    workflows: list[WorkflowNode] = Field(default_factory=list)
    steps: list[WorkflowStepNode] = Field(default_factory=list)
    memories: list[MemoryNode] = Field(default_factory=list)
    mcp_clients: list[McpClientNode] = Field(default_factory=list)
    mastra: MastraNode | None = None
    # named schemas defined at module level ("<file>#<name>" -> node), for cross-file refs
    schemas: dict[str, SchemaNode] = Field(default_factory=dict)
    # prompt files read with readFileSync: project-relative paths
    assets: list[str] = Field(default_factory=list)
    # those of them read relative to the working directory (process.cwd(), relative paths)
    working_dir_assets: list[str] = Field(default_factory=list, exclude_if=lambda v: not v)
    diagnostics: list[Diagnostic] = Field(default_factory=list)


for _model in (
    EnvValue,
    TemplateValue,
    ArrayValue,
    ObjectValue,
    CallValue,
    SchemaNode,
    ZodEffect,
    ModelSpec,
):
    _model.model_rebuild()
