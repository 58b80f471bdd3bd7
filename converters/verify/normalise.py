"""Replace volatile values (ids, timestamps, the fake server's port) with stable placeholders.

Shared by the compatibility suite (``lumos-migrate verify``) and the oracle recorder of the test
suite (``tests/oracle/record.py``): both compare what real Mastra and the Python runtime sent and
returned, and both must hide exactly the same things, nothing more.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = [
    "EPOCH_MS_MAX",
    "EPOCH_MS_MIN",
    "GENERATED_ID_RE",
    "HTTP_DATE_RE",
    "ID_KEYS",
    "ISO_TS_RE",
    "SERVER_SOFTWARE_RE",
    "UUID_RE",
    "Normaliser",
    "normalise",
    "stable_ids",
]

UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)
# ids made by the AI SDK's generateId (16 characters of [0-9A-Za-z]), optionally with a prefix
GENERATED_ID_RE = re.compile(r"^(?:[a-z]+[-_])?[0-9A-Za-z]{16}$")
ID_KEYS = frozenset({"id", "toolCallId", "tool_call_id", "call_id", "messageId", "runId", "callId"})
ISO_TS_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$")
HTTP_DATE_RE = re.compile(r"^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$")
SERVER_SOFTWARE_RE = re.compile(r"^BaseHTTP/\S+ Python/\S+$")
EPOCH_MS_MIN, EPOCH_MS_MAX = 10**12, 10**13  # 2001 .. 2286 in milliseconds


class Normaliser:
    """Replace volatile values with stable placeholders, keeping their identity and kind.

    The rule:

    * the fake server's base URL ``http://127.0.0.1:<port>`` becomes ``http://<server>``;
    * every UUID, wherever it occurs (also inside strings such as a JSON request body), becomes
      ``<uuid-N>``, numbered by first appearance, so equal ids stay equal;
    * a value under an id key (``id``, ``toolCallId``, ``tool_call_id``, ``call_id``, ``messageId``,
      ``runId``, ``callId``) that looks made by the AI SDK's ``generateId`` (16 characters of
      ``[0-9A-Za-z]``, perhaps after a ``prefix-``) and is not an id the script chose becomes
      ``<gen-id-N>``, and so does every other occurrence of it;
    * integers between 10^12 and 10^13 (epoch milliseconds) become ``"<epoch-ms>"``; ISO-8601
      timestamps ``"<iso-ts>"``; HTTP dates ``"<http-date>"``; the fake server's ``Server`` header
      ``"<server-software>"``.
    """

    def __init__(self, server_url: str, stable_ids: set[str]) -> None:
        self._server_url = server_url
        self._stable = stable_ids
        self._map: dict[str, str] = {}
        self._counts = {"uuid": 0, "gen-id": 0}

    def _name(self, value: str, kind: str) -> str:
        if value not in self._map:
            self._counts[kind] += 1
            self._map[value] = f"<{kind}-{self._counts[kind]}>"
        return self._map[value]

    def _collect(self, value: Any, key: str | None = None) -> None:
        if isinstance(value, dict):
            for k in sorted(value):
                self._collect(value[k], k)
        elif isinstance(value, list):
            for item in value:
                self._collect(item, key)
        elif isinstance(value, str):
            for match in UUID_RE.finditer(value):
                self._name(match.group(0).lower(), "uuid")
            if (
                key in ID_KEYS
                and value not in self._stable
                and GENERATED_ID_RE.match(value)
                and not UUID_RE.search(value)
            ):
                self._name(value, "gen-id")

    def _rewrite_str(self, value: str) -> str:
        value = value.replace(self._server_url, "http://<server>")
        value = UUID_RE.sub(lambda m: self._map[m.group(0).lower()], value)
        for raw, placeholder in self._map.items():
            if not raw.startswith("<") and raw in value and not UUID_RE.fullmatch(raw):
                value = value.replace(raw, placeholder)
        if ISO_TS_RE.match(value):
            return "<iso-ts>"
        if HTTP_DATE_RE.match(value):
            return "<http-date>"
        if SERVER_SOFTWARE_RE.match(value):
            return "<server-software>"
        return value

    def _rewrite(self, value: Any) -> Any:
        if isinstance(value, dict):
            return {k: self._rewrite(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self._rewrite(v) for v in value]
        if isinstance(value, str):
            return self._rewrite_str(value)
        is_int = isinstance(value, int) and not isinstance(value, bool)
        if is_int and EPOCH_MS_MIN <= value < EPOCH_MS_MAX:
            return "<epoch-ms>"
        return value

    def __call__(self, document: Any) -> Any:
        """Normalise a whole document (two passes: collect ids, then rewrite)."""
        self._collect(document)
        return self._rewrite(document)


def stable_ids(scenario: Any) -> set[str]:
    """Ids a scenario itself chose (script tool-call ids, message ids, agent ids and names)."""
    found: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                if (k in ID_KEYS or k == "name") and isinstance(v, str):
                    found.add(v)
                walk(v)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(scenario)
    return found


def normalise(document: Any, server_url: str, scenario: Any) -> Any:
    """Normalise ``document``; ids chosen by ``scenario`` (a JSON-able value) are kept as they are."""
    return Normaliser(server_url, stable_ids(scenario))(document)
