"""Findings as JSON lines: one ``ScanFindings.contract_json()`` object per line (docs/scan-formats.md)."""

from __future__ import annotations

import json
from collections.abc import Sequence

from cargoscreen.domain.scans import ScanFindings


def findings_to_json(findings: Sequence[ScanFindings]) -> str:
    """One compact JSON object per line, each ending in a newline ('' for no findings)."""
    return "".join(json.dumps(item.contract_json(), ensure_ascii=False) + "\n" for item in findings)
