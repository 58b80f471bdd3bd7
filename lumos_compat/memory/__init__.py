"""Conversation memory (Mastra's ``@mastra/memory``): threads, history, working memory, recall."""

from lumos_compat.memory.config import (
    MemoryConfig,
    SemanticRecallConfig,
    WorkingMemoryConfig,
    parse_config,
)
from lumos_compat.memory.memory import Memory, MemoryTurn
from lumos_compat.memory.semantic import Embedder, OpenAICompatibleEmbedder, resolve_embedder

__all__ = [
    "Embedder",
    "Memory",
    "MemoryConfig",
    "MemoryTurn",
    "OpenAICompatibleEmbedder",
    "SemanticRecallConfig",
    "WorkingMemoryConfig",
    "parse_config",
    "resolve_embedder",
]
