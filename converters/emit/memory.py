"""``new Memory({...})`` and its stores as ``lumos_compat`` code.

``LibSQLStore``/``LibSQLVector`` become ``SqliteStore`` (``file:`` URLs lose the scheme, ``:memory:``
stays in memory), ``PostgresStore``/``PgVector`` become ``PostgresStore`` (environment reads kept),
embedder strings and ``openai.embedding('...')`` become ``"openai/<model>"`` specs, and options get
snake_case keys. Where Mastra 0.x and 1.x defaults differ, a 0.x project gets the 0.x value written
out (``last_messages=40``, semantic recall on with top_k 2 / range 2 / thread scope when a vector
store and an embedder are configured, thread-scoped working memory), so the port keeps behaving as
the original did. Stores the runtime does not have become ``None`` with a TODO and a report entry;
``Memory`` then fails loudly at call time ("requires a storage provider").
"""

from __future__ import annotations

import libcst as cst

from converters.emit.context import Scope
from converters.emit.models import emit_model
from converters.emit.names import pascal_case
from converters.emit.values import emit_value, string_literal
from converters.ir import (
    AgentNode,
    BoolValue,
    CallValue,
    EnvValue,
    Loc,
    MemoryNode,
    NumberValue,
    ObjectValue,
    Project,
    RefValue,
    SchemaNode,
    StorageNode,
    StringValue,
    Value,
)
from converters.report import ConvertedItem
from converters.rules import define
from converters.schema_emit import PydanticModule, SchemaEmitError

__all__ = [
    "LM553",
    "LM554",
    "LM555",
    "LM556",
    "emit_memory",
    "inline_memory",
    "memory_expression",
    "store_expression",
]

LM553 = define(
    "LM553",
    "A store the runtime does not have",
    "lumos_compat has SqliteStore (embedded) and PostgresStore. Move the data to one of them (or "
    "write a MemoryStore subclass for your store) and pass it as storage=.",
)
LM554 = define(
    "LM554",
    "A Mastra 0.x memory default was made explicit",
    "Mastra 1.x changed this default; the port writes the 0.x value out so behaviour does not "
    "change. Remove it to take the 1.x default.",
)
LM555 = define(
    "LM555",
    "A memory option is not converted",
    "Port this option by hand; the rest of the memory configuration is converted.",
)
LM556 = define(
    "LM556",
    "An embedder is not converted",
    "Use a 'provider/model' string (e.g. 'openai/text-embedding-3-small') or an OpenAI-compatible "
    "{'id', 'url', 'api_key'} dict for embedder=.",
)

_UNSUPPORTED = {
    "UpstashStore": "Upstash Redis",
    "UpstashVector": "Upstash Vector",
    "MongoDBStore": "MongoDB",
    "MongoDBVector": "MongoDB Atlas vector search",
    "DynamoDBStore": "DynamoDB",
    "ClickhouseStore": "ClickHouse",
    "CloudflareStore": "Cloudflare KV",
    "D1Store": "Cloudflare D1",
    "MSSQLStore": "SQL Server",
    "LanceStorage": "LanceDB",
    "LanceVectorStore": "LanceDB",
    "DuckDBStore": "DuckDB",
    "OracleStore": "Oracle",
    "ElasticSearchStore": "Elasticsearch",
    "PineconeVector": "Pinecone",
    "QdrantVector": "Qdrant",
    "ChromaVector": "Chroma",
    "InMemoryStore": "Mastra's in-memory store (use SqliteStore(':memory:'))",
}
_SNAKE = {
    "lastMessages": "last_messages",
    "semanticRecall": "semantic_recall",
    "workingMemory": "working_memory",
    "generateTitle": "generate_title",
    "readOnly": "read_only",
    "topK": "top_k",
    "messageRange": "message_range",
    "schemaName": "schema_name",
    "minMessages": "min_messages",
    "emitEvent": "emit_event",
}


def _kw(name: str, value: cst.BaseExpression) -> cst.Arg:
    return cst.Arg(value, keyword=cst.Name(name))


def _pair(key: str, value: cst.BaseExpression) -> cst.DictElement:
    return cst.DictElement(string_literal(key), value)


def _entries(value: Value | None) -> dict[str, Value]:
    return dict(value.entries) if isinstance(value, ObjectValue) else {}


def _expr(value: Value, scope: Scope, what: str) -> cst.BaseExpression:
    """A value, with ``Number(x)`` read as ``int(x)``."""
    if isinstance(value, CallValue) and value.callee == "Number" and len(value.args) == 1:
        inner = value.args[0]
        if isinstance(inner, EnvValue) and isinstance(inner.default, NumberValue):
            # os.environ.get takes a string default
            text = StringValue(value=str(inner.default.value), loc=inner.default.loc)
            inner = inner.model_copy(update={"default": text})
        return cst.Call(cst.Name("int"), [cst.Arg(_expr(inner, scope, what))])
    return emit_value(value, scope, what=what)


def _sqlite_path(url: Value, scope: Scope, what: str) -> cst.BaseExpression | None:
    if isinstance(url, StringValue):
        text = url.value
        if text.startswith(("libsql://", "http://", "https://", "wss://")):
            scope.todo(
                LM553,
                f"{what}: remote libSQL/Turso ({text}) has no embedded equivalent; use "
                "PostgresStore for a shared database",
                url.loc,
            )
            return None
        if text.startswith("file:"):
            text = text[5:]
        return string_literal(text or ":memory:")
    return _expr(url, scope, what)


def store_expression(
    node: StorageNode | Value | None, scope: Scope, what: str
) -> cst.BaseExpression | None:
    """The Python store for a storage or vector node."""
    if node is None:
        return None
    if not isinstance(node, StorageNode):
        if isinstance(node, BoolValue) and node.value is False:
            return cst.Name("False")
        return emit_value(node, scope, what=what)
    opts = _entries(node.options)
    name = node.class_name
    if name in ("LibSQLStore", "LibSQLVector"):
        url = opts.get("url") or opts.get("connectionUrl")
        if url is None:
            scope.todo(
                LM553, f"{what}: {name} without a url (e.g. a client=) is not converted", node.loc
            )
            return None
        path = _sqlite_path(url, scope, what)
        if path is None:
            return None
        cls = scope.builder.import_from("lumos_compat.storage", "SqliteStore")
        return cst.Call(cst.Name(cls), [cst.Arg(path)])
    if name in ("PostgresStore", "PgVector"):
        cls = scope.builder.import_from("lumos_compat.storage", "PostgresStore")
        args: list[cst.Arg] = []
        if node.options is not None and not isinstance(node.options, ObjectValue):
            args.append(cst.Arg(_expr(node.options, scope, what)))  # 0.x: new PgVector(connStr)
        if "connectionString" in opts:
            args.append(cst.Arg(_expr(opts["connectionString"], scope, what)))
        for key in ("host", "port", "database", "user", "password", "schemaName"):
            if key in opts:
                args.append(_kw(_SNAKE.get(key, key), _expr(opts[key], scope, f"{what}.{key}")))
        if not args:
            scope.todo(LM553, f"{what}: {name} without connection settings", node.loc)
            return None
        return cst.Call(cst.Name(cls), args)
    label = _UNSUPPORTED.get(name, name)
    scope.todo(
        LM553,
        f"{what}: {name} ({label}) is not available in lumos_compat; storage stays unset until you "
        "choose SqliteStore or PostgresStore",
        node.loc,
    )
    return None


def _embedder(value: Value | None, scope: Scope, what: str) -> cst.BaseExpression | None:
    if value is None:
        return None
    if isinstance(value, StringValue):
        return string_literal(value.value)
    if isinstance(value, CallValue):
        provider, _, method = value.callee.rpartition(".")
        model = value.args[0] if value.args else None
        if (
            method in ("embedding", "textEmbedding", "textEmbeddingModel", "embeddingModel")
            and isinstance(model, StringValue)
            and provider
        ):
            return string_literal(f"{provider}/{model.value}")
    scope.todo(LM556, f"{what}: embedder not converted", getattr(value, "loc", None))
    return None


def _options(node: MemoryNode, scope: Scope, what: str, zero_x: bool) -> cst.BaseExpression | None:
    opts = _entries(node.options)
    out: list[cst.DictElement] = []
    for key, value in opts.items():
        sub = f"{what} options.{key}"
        if key == "threads":
            title = _entries(value).get("generateTitle")
            if title is not None:
                out.append(_pair("generate_title", _title(title, node, scope, sub)))
            continue
        if key == "generateTitle":
            out.append(_pair("generate_title", _title(value, node, scope, sub)))
            continue
        if key == "semanticRecall":
            out.append(_pair("semantic_recall", _semantic(value, node, scope, sub, zero_x)))
            continue
        if key == "workingMemory":
            out.append(_pair("working_memory", _working(value, node, scope, sub, zero_x)))
            continue
        if key in ("lastMessages", "readOnly"):
            out.append(_pair(_SNAKE[key], _expr(value, scope, sub)))
            continue
        scope.todo(LM555, f"{sub}: option `{key}` is not converted", getattr(value, "loc", None))
    if zero_x:
        if "lastMessages" not in opts:
            out.insert(0, _pair("last_messages", cst.Integer("40")))
            scope.ctx.report(
                LM554,
                f"{what}: Mastra 0.x kept the last 40 messages by default (1.x keeps 10); "
                "last_messages=40 written out",
                node.loc,
                severity="info",
            )
        if "semanticRecall" not in opts and node.vector is not None and node.embedder is not None:
            out.append(_pair("semantic_recall", _semantic(None, node, scope, what, zero_x)))
    return cst.Dict(out) if out else None


def _title(value: Value, node: MemoryNode, scope: Scope, what: str) -> cst.BaseExpression:
    """``generateTitle``: a bool, or ``{model, instructions, minMessages}`` with snake_case keys
    and the model converted like an agent's."""
    if not isinstance(value, ObjectValue):
        return _expr(value, scope, what)
    out: list[cst.DictElement] = []
    for key, item in value.entries.items():
        sub = f"{what}.{key}"
        if key == "model" and node.title_model is not None:
            expr = emit_model(node.title_model, scope, agent=f"{what} (title model)")
        else:
            expr = _expr(item, scope, sub)
        out.append(_pair(_SNAKE.get(key, key), expr))
    return cst.Dict(out)


def _semantic(
    value: Value | None, node: MemoryNode, scope: Scope, what: str, zero_x: bool
) -> cst.BaseExpression:
    if isinstance(value, BoolValue) and (value.value is False or not zero_x):
        return cst.Name("True" if value.value else "False")
    entries = _entries(value)
    out = [_pair(_SNAKE.get(k, k), _expr(v, scope, f"{what}.{k}")) for k, v in entries.items()]
    if zero_x:
        defaults = {
            "topK": cst.Integer("2"),
            "messageRange": cst.Integer("2"),
            "scope": string_literal("thread"),
        }
        added = [k for k in defaults if k not in entries]
        out += [_pair(_SNAKE.get(k, k), defaults[k]) for k in added]
        if added:
            scope.ctx.report(
                LM554,
                f"{what}: Mastra 0.x semantic recall defaults ({', '.join(added)}: top_k 2, "
                "message_range 2, scope 'thread') written out; 1.x would use 4, 1 and 'resource'",
                getattr(value, "loc", None) or node.loc,
                severity="info",
            )
    if value is not None and not isinstance(value, (ObjectValue, BoolValue)):
        return _expr(value, scope, what)
    return cst.Dict(out)


def _schema_model(node: MemoryNode, scope: Scope, what: str) -> cst.BaseExpression | None:
    """The pydantic model of the zod working-memory schema, added to the module; its name."""
    schema = node.working_memory_schema
    if schema is None or schema.type == "opaque":
        return None
    project = scope.ctx.project

    def resolve(ref: str) -> SchemaNode:
        found = project.schemas.get(ref)
        if found is None:
            raise SchemaEmitError(f"the schema {ref} was not found in the project")
        return found

    builder = scope.builder
    module = PydanticModule(resolve, taken_names=sorted(builder.names.taken()))
    class_name = builder.names.allocate(
        pascal_case(node.binding or "memory", fallback="Memory") + "WorkingMemory"
    )
    try:
        annotation = module.add_model(schema, class_name)
    except (SchemaEmitError, KeyError, ValueError) as exc:
        scope.ctx.report(LM555, f"{what}: {exc}", schema.loc or node.loc, severity="warning")
        return None
    emitted = module.build()
    for import_module, names in emitted.imports.items():
        for name in sorted(names):
            if name:  # "" stands for `import module`
                builder.import_from(import_module, name)
            else:
                builder.import_module(import_module)
    for statement in emitted.statements:
        scope.add(statement)
    # the annotation is generated by schema_emit from class names and types
    return cst.parse_expression(annotation)


def _working(
    value: Value, node: MemoryNode, scope: Scope, what: str, zero_x: bool
) -> cst.BaseExpression:
    entries = _entries(value)
    if not isinstance(value, ObjectValue):
        return _expr(value, scope, what)
    out: list[cst.DictElement] = []
    for key, item in entries.items():
        if key == "schema":
            model = _schema_model(node, scope, f"{what}.schema")
            if model is None:
                scope.todo(
                    LM555,
                    f"{what}.schema: this working-memory schema is not converted; pass a pydantic "
                    "model as working_memory['schema'] (the default markdown template is used "
                    "until then)",
                    item.loc if hasattr(item, "loc") else None,
                )
                continue
            out.append(_pair("schema", model))
            continue
        if key == "use":
            scope.ctx.report(
                LM555,
                f"{what}.use: 0.x `use` dropped (1.x always updates through the tool)",
                getattr(item, "loc", None),
                severity="info",
            )
            continue
        out.append(_pair(_SNAKE.get(key, key), _expr(item, scope, f"{what}.{key}")))
    if zero_x and "scope" not in entries:
        out.append(_pair("scope", string_literal("thread")))
        scope.ctx.report(
            LM554,
            f"{what}: Mastra 0.x working memory was thread-scoped (1.x: resource); scope='thread' "
            "written out",
            value.loc,
            severity="info",
        )
    return cst.Dict(out)


def memory_expression(node: MemoryNode, scope: Scope, what: str) -> cst.BaseExpression:
    """``Memory(storage=..., vector=..., embedder=..., options={...})``."""
    zero_x = scope.ctx.project.api_generation == "0.x"
    cls = scope.builder.import_from("lumos_compat.memory", "Memory")
    args: list[cst.Arg] = []
    for keyword, expr in (
        ("storage", store_expression(node.storage, scope, f"{what} storage")),
        ("vector", store_expression(node.vector, scope, f"{what} vector")),
        ("embedder", _embedder(node.embedder, scope, f"{what} embedder")),
        ("options", _options(node, scope, what, zero_x)),
    ):
        if expr is not None:
            args.append(_kw(keyword, expr))
    return cst.Call(cst.Name(cls), args)


def _inside(inner: Loc, outer: Loc) -> bool:
    if inner.file != outer.file or outer.end_line is None:
        return False
    start = (outer.line, outer.column)
    end = (outer.end_line, outer.end_column or 10**9)
    return start <= (inner.line, inner.column) and (inner.end_line or inner.line, 0) <= end


def _owner(node: MemoryNode, project: Project) -> AgentNode | None:
    """The agent whose ``memory: new Memory({...})`` this node was written in, if any."""
    for agent in project.agents:
        ref = agent.memory
        if isinstance(ref, RefValue) and ref.name == node.binding and _inside(node.loc, agent.loc):
            return agent
    return None


def inline_memory(agent: AgentNode, scope: Scope) -> MemoryNode | None:
    """The Memory written inline in this agent's config (emitted inside the ``Agent(...)``)."""
    ref = agent.memory
    if not isinstance(ref, RefValue):
        return None
    for node in scope.ctx.project.memories:
        if node.binding == ref.name and f"{node.file}#{node.binding}" == (ref.target or ""):
            return node if _owner(node, scope.ctx.project) is agent else None
    return None


def emit_memory(scope: Scope, node: MemoryNode, name: str) -> None:
    """A module-level ``name = Memory(...)`` (inline memories are emitted in their agent)."""
    if _owner(node, scope.ctx.project) is not None:
        return
    what = f"memory `{node.binding or name}`"
    expr = memory_expression(node, scope, what)
    scope.add(cst.SimpleStatementLine([cst.Assign([cst.AssignTarget(cst.Name(name))], expr)]))
    scope.ctx.converted.append(
        ConvertedItem(
            kind="memory", name=name, loc=node.loc, target=f"{scope.builder.module}:{name}"
        )
    )
