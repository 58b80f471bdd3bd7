"""Stores for memory and workflow snapshots: ``SqliteStore`` (embedded) and ``PostgresStore``."""

from typing import TYPE_CHECKING, Any

from lumos_compat.storage.base import (
    ConcurrentUpdateError,
    MemoryStore,
    StorageError,
    ThreadNotFoundError,
    ThreadOwnershipError,
)

if TYPE_CHECKING:
    from lumos_compat.storage.postgres import PostgresStore
    from lumos_compat.storage.sqlite import SqliteStore

# the stores load on first use, so `import lumos_compat` does not pay for sqlite3 and psycopg
_LAZY = {
    "PostgresStore": "lumos_compat.storage.postgres",
    "SqliteStore": "lumos_compat.storage.sqlite",
}


def __getattr__(name: str) -> Any:
    """Import a store class on first access (PEP 562)."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'lumos_compat.storage' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


__all__ = [
    "ConcurrentUpdateError",
    "MemoryStore",
    "PostgresStore",
    "SqliteStore",
    "StorageError",
    "ThreadNotFoundError",
    "ThreadOwnershipError",
]
