"""Suite-wide set-up: no test may reach a real model provider.

``LUMOS_BLOCK_REAL_REQUESTS=1`` is set before any test runs, so a model request to any host but
loopback fails with ``RealModelRequestBlocked`` (a test can still lift it inside
``block_real_requests(False)`` to check the switch itself). The ``fake_llm`` and
``block_real_model_requests`` fixtures come from the lumos_compat pytest plugin.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from lumos_compat.providers import BLOCK_ENV_VAR

# `pytest tests` (not only `python -m pytest`) must find the `tests` package helpers
_ROOT = str(Path(__file__).resolve().parent.parent)
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

os.environ[BLOCK_ENV_VAR] = "1"
