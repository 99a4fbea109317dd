"""Vocabulary of the platform: identifiers, records and ports (protocols). Imports nothing else of ours."""
