"""Recorder of the zod zoo: real Mastra is the oracle for the JSON Schema each zod schema becomes."""
