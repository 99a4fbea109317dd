"""Writing a scan's files all or nothing: each goes to ``<name>.part`` first and is renamed at the end."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Sequence
from pathlib import Path


def write_all(files: Sequence[tuple[Path, bytes]]) -> list[Path]:
    """Write every (path, content); on any failure remove what was written and re-raise."""
    parts: list[tuple[Path, Path]] = []
    try:
        for path, content in files:
            path.parent.mkdir(parents=True, exist_ok=True)
            part = path.with_name(path.name + ".part")
            parts.append((part, path))
            part.write_bytes(content)
        for part, path in parts:
            os.replace(part, path)
    except BaseException:
        for part, _ in parts:
            with contextlib.suppress(OSError):
                part.unlink()
        raise
    return [path for path, _ in files]
