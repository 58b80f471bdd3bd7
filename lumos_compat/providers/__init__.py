"""Model providers over httpx: OpenAI (Responses and chat), Anthropic, Google and any
OpenAI-compatible server, plus the model router and a switch that blocks real requests in tests."""

from lumos_compat.providers._http import BLOCK_ENV_VAR, block_real_requests, real_requests_blocked
from lumos_compat.providers.anthropic import (
    AnthropicMessagesModel,
    AnthropicProvider,
    anthropic,
    create_anthropic,
)
from lumos_compat.providers.google import (
    GoogleGenerativeAIModel,
    GoogleProvider,
    create_google_generative_ai,
    google,
)
from lumos_compat.providers.openai import (
    OpenAIProvider,
    OpenAIResponsesModel,
    create_openai,
    openai,
)
from lumos_compat.providers.openai_compatible import (
    OpenAICompatibleChatModel,
    OpenAICompatibleProvider,
    create_openai_compatible,
)
from lumos_compat.providers.router import PROVIDERS, resolve_model

__all__ = [
    "BLOCK_ENV_VAR",
    "PROVIDERS",
    "AnthropicMessagesModel",
    "AnthropicProvider",
    "GoogleGenerativeAIModel",
    "GoogleProvider",
    "OpenAICompatibleChatModel",
    "OpenAICompatibleProvider",
    "OpenAIProvider",
    "OpenAIResponsesModel",
    "anthropic",
    "block_real_requests",
    "create_anthropic",
    "create_google_generative_ai",
    "create_openai",
    "create_openai_compatible",
    "google",
    "openai",
    "real_requests_blocked",
    "resolve_model",
]
