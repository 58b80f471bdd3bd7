"""Vector queries where the metadata filter rejects most of the best-scoring rows: the stores must
keep looking past them (SQLite reads metadata in batches of the best rows) and return the best
matching rows in score order, against every store kind."""

from __future__ import annotations

import math

from lumos_compat.storage import MemoryStore


def _cosine(a: list[float], b: list[float]) -> float:
    dot = sum(x * y for x, y in zip(a, b, strict=True))
    return dot / (math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b)))


async def test_filter_beyond_the_first_batch(store: MemoryStore) -> None:
    vectors = [[1.0, i / 300, (i % 7) / 10] for i in range(300)]
    metadata = [
        {"message_id": f"m{i}", "resource_id": "u1", "thread_id": "t1", "keep": i % 97 == 0}
        for i in range(300)
    ]
    ids = [f"v{i}" for i in range(300)]
    await store.upsert_vectors("idx", vectors, metadata, ids=ids)
    query = [0.0, 1.0, 0.0]  # the highest i score best; few of them are kept
    hits = await store.query_vectors(
        "idx", query, top_k=3, filter={"resource_id": "u1", "keep": True}
    )
    kept = sorted((i for i in range(300) if i % 97 == 0), key=lambda i: -_cosine(vectors[i], query))
    assert [h["id"] for h in hits] == [f"v{i}" for i in kept[:3]]
    assert all(h["metadata"]["keep"] is True for h in hits)
    scores = [h["score"] for h in hits]
    assert scores == sorted(scores, reverse=True)
    # pgvector keeps single-precision floats (as Mastra's PgVector does); the other paths doubles
    tolerance = 1e-6 if getattr(store, "pgvector", False) else 1e-9
    assert abs(scores[0] - _cosine(vectors[kept[0]], query)) < tolerance
    plain = await store.query_vectors("idx", query, top_k=5, filter={"resource_id": "u1"})
    best = sorted(range(300), key=lambda i: -_cosine(vectors[i], query))[:5]
    assert [h["id"] for h in plain] == [f"v{i}" for i in best]
