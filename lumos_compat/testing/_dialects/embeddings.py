"""OpenAI embeddings (``POST /v1/embeddings``): deterministic vectors from hashed words.

Texts that share words get similar vectors, so semantic recall can be tested for real.
"""

from __future__ import annotations

import hashlib
import math
import re
from typing import Any

name = "openai-embeddings"

DIMENSIONS = 64
_WORD = re.compile(r"[a-z0-9]+")


def matches(path: str) -> bool:
    return path.endswith("/embeddings")


def embed(text: str, dimensions: int = DIMENSIONS) -> list[float]:
    """A unit vector: each word adds one to a bucket chosen by its hash."""
    vec = [0.0] * dimensions
    for word in _WORD.findall(text.lower()):
        h = int.from_bytes(hashlib.blake2s(word.encode(), digest_size=4).digest(), "big")
        vec[h % dimensions] += 1.0
    norm = math.sqrt(sum(v * v for v in vec)) or 1.0
    return [v / norm for v in vec]


def response_for(body: Any) -> dict[str, Any]:
    inputs = body.get("input", []) if isinstance(body, dict) else []
    if isinstance(inputs, str):
        inputs = [inputs]
    dims = body.get("dimensions") if isinstance(body, dict) else None
    data = [
        {"object": "embedding", "index": i, "embedding": embed(str(text), dims or DIMENSIONS)}
        for i, text in enumerate(inputs)
    ]
    tokens = sum(len(str(t).split()) for t in inputs)
    return {
        "object": "list",
        "data": data,
        "model": body.get("model", "fake-embedding") if isinstance(body, dict) else "fake",
        "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
    }
