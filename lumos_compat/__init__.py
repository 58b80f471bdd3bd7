"""lumos_compat: the runtime that Python code ported from Mastra imports."""

__version__ = "0.1.0"
