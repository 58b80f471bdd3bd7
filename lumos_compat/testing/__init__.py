"""Testing kit: scripted models and a loopback fake LLM server, so agent tests run the real HTTP path."""

from lumos_compat.providers._http import block_real_requests
from lumos_compat.testing.script import ScriptError, ScriptToolCall, ScriptUsage, Turn, as_turns
from lumos_compat.testing.scripted import ScriptedModel
from lumos_compat.testing.server import FakeLLMServer, RecordedRequest, ScriptExhausted

__all__ = [
    "FakeLLMServer",
    "RecordedRequest",
    "ScriptError",
    "ScriptExhausted",
    "ScriptToolCall",
    "ScriptUsage",
    "ScriptedModel",
    "Turn",
    "as_turns",
    "block_real_requests",
]
