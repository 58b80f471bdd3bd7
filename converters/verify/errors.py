"""The one exception root of the compatibility suite."""

from __future__ import annotations

__all__ = ["EXIT_NODE_MISSING", "VerifyError"]

# exit code of `lumos-migrate verify` when Node.js or npm is missing
EXIT_NODE_MISSING = 4


class VerifyError(RuntimeError):
    """Verification could not run: Node/npm missing, install failed, a side did not load."""

    node_missing: bool = False
