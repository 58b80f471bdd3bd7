"""Stores for memory and workflow snapshots: ``SqliteStore`` (embedded) and ``PostgresStore``."""

from lumos_compat.storage.base import (
    ConcurrentUpdateError,
    MemoryStore,
    StorageError,
    ThreadNotFoundError,
    ThreadOwnershipError,
)
from lumos_compat.storage.postgres import PostgresStore
from lumos_compat.storage.sqlite import SqliteStore

__all__ = [
    "ConcurrentUpdateError",
    "MemoryStore",
    "PostgresStore",
    "SqliteStore",
    "StorageError",
    "ThreadNotFoundError",
    "ThreadOwnershipError",
]
