"""``new Memory({...})`` as ``MemoryNode``, and storage/vector constructors as ``StorageNode``."""

from __future__ import annotations

from converters.evaluate import node_loc
from converters.extract import ExtractContext, config_entries, config_object
from converters.extract.models import model_spec
from converters.ir import MemoryNode, ModelSpec, SchemaNode, StorageNode, Value
from converters.project import Site, unwrap
from converters.rules import define
from converters.ts import Node

__all__ = ["extract_memory", "storage_value"]

RULE_MEMORY_FACTORY = define(
    "LM501",
    "Memory built inside a function or loop",
    "Memory made by factories is not converted; create it at module level in the ported code.",
)
RULE_STORAGE_UNKNOWN = define(
    "LM502",
    "Storage or vector store not recognised",
    "Configure the ported storage by hand (SQLite and PostgreSQL are supported by lumos_compat).",
)
RULE_MEMORY_CONFIG = define(
    "LM503",
    "Memory config could not be read completely",
    "Finish the memory options named in the message by hand.",
)


def extract_memory(ctx: ExtractContext, path: str, site: Site) -> MemoryNode | None:
    """The MemoryNode of a memory site, or None (with a diagnostic) inside functions/loops."""
    loc = node_loc(path, site.node)
    if site.context != "top":
        ctx.diag(
            RULE_MEMORY_FACTORY,
            "todo",
            f"memory built inside a {site.context} at {loc} was not converted",
            loc,
        )
        return None
    memory = MemoryNode(binding=site.binding, file=path, loc=loc)
    found = config_object(ctx, path, site.node)
    if found is None:
        return memory  # new Memory() with defaults
    cfg_path, cfg = found
    entries, unknown = config_entries(ctx, cfg_path, cfg)
    for value in unknown:
        ctx.diag(
            RULE_MEMORY_CONFIG,
            "todo",
            f"memory `{site.binding}` spreads a value that could not be resolved",
            value.loc or loc,
        )
    for key, entry in entries.items():
        if key == "storage":
            memory.storage = storage_value(ctx, entry.path, entry.node)
        elif key == "vector":
            memory.vector = storage_value(ctx, entry.path, entry.node)
        elif key == "embedder":
            memory.embedder = ctx.value(entry.path, entry.node)
        elif key == "options":
            memory.options = ctx.value(entry.path, entry.node)
            memory.title_model = _title_model(ctx, entry.path, entry.node)
            memory.working_memory_schema = _working_memory_schema(ctx, entry.path, entry.node)
        else:
            ctx.diag(
                RULE_MEMORY_CONFIG,
                "warning",
                f"memory `{site.binding}`: option `{key}` is not read by lumos-migrate",
                node_loc(entry.path, entry.node),
            )
    return memory


def _object_entry(ctx: ExtractContext, path: str, node: Node, key: str) -> tuple[str, Node] | None:
    """The value node of ``key`` in the object literal ``node`` resolves to (None if absent)."""
    target_path, target = ctx.resolve_node(path, node)
    target = unwrap(target) or target
    if target.type != "object":
        return None
    entry = config_entries(ctx, target_path, target)[0].get(key)
    return None if entry is None else (entry.path, entry.node)


def _working_memory_schema(ctx: ExtractContext, path: str, node: Node) -> SchemaNode | None:
    """``options.workingMemory.schema`` read by the zod converter."""
    working = _object_entry(ctx, path, node, "workingMemory")
    if working is None:
        return None
    schema = _object_entry(ctx, *working, "schema")
    if schema is None:
        return None
    return ctx.schema(*schema)


def _title_model(ctx: ExtractContext, path: str, node: Node) -> ModelSpec | None:
    """The ``generateTitle.model`` of memory options when it is not a plain string."""
    target_path, target = ctx.resolve_node(path, node)
    target = unwrap(target) or target
    if target.type != "object":
        return None
    entries, _ = config_entries(ctx, target_path, target)
    title = entries.get("generateTitle")
    if title is None and "threads" in entries:
        threads_path, threads = ctx.resolve_node(entries["threads"].path, entries["threads"].node)
        threads = unwrap(threads) or threads
        if threads.type == "object":
            title = config_entries(ctx, threads_path, threads)[0].get("generateTitle")
    if title is None:
        return None
    title_path, title_node = ctx.resolve_node(title.path, title.node)
    title_node = unwrap(title_node) or title_node
    if title_node.type != "object":
        return None
    model = config_entries(ctx, title_path, title_node)[0].get("model")
    if model is None:
        return None
    spec = model_spec(ctx, model.path, model.node)
    return None if spec.form == "router" else spec


def storage_value(ctx: ExtractContext, path: str, node: Node) -> StorageNode | Value:
    """A ``storage:``/``vector:`` value: a StorageNode for a known constructor (inline or a const)."""
    target_path, target = ctx.resolve_node(path, node)
    target = unwrap(target) or target
    if target.type == "new_expression":
        site = ctx.graph.site_at(target_path, target)
        if site is not None and site.kind == "storage":
            args_node = target.child_by_field_name("arguments")
            args = (
                [a for a in args_node.named_children if a.type != "comment"]
                if args_node is not None
                else []
            )
            options = ctx.value(target_path, args[0]) if args else None
            return StorageNode(
                class_name=site.callee,
                module=site.module,
                options=options,
                loc=node_loc(target_path, target),
            )
    value = ctx.value(path, node)
    if value.kind in ("call", "opaque"):
        ctx.diag(
            RULE_STORAGE_UNKNOWN,
            "todo",
            f"storage `{' '.join(ctx.syntax(path).text(node).split())[:60]}` is not a known Mastra store",
            node_loc(path, node),
        )
    return value
