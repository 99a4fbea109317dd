"""Thin orchestration across capabilities, one module a stage: ingest, simulation output."""

from cargoscreen.pipeline.ingest import IngestReport, ingest_bytes, ingest_paths, iter_input_files

__all__ = ["IngestReport", "ingest_bytes", "ingest_paths", "iter_input_files"]
