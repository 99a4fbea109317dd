"""Thin orchestration across capabilities, one module a stage: ingest, simulation output."""

from cargoscreen.pipeline.ingest import (
    IngestReport,
    ParsedInput,
    ingest_bytes,
    ingest_paths,
    iter_input_files,
    parse_input,
    store_parsed,
)

__all__ = [
    "IngestReport",
    "ParsedInput",
    "ingest_bytes",
    "ingest_paths",
    "iter_input_files",
    "parse_input",
    "store_parsed",
]
