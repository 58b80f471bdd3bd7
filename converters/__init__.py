"""converters: the migration engine behind the ``lumos-migrate`` CLI (TypeScript in, Python out)."""

__version__ = "0.1.0"
