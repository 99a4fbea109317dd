"""Display renditions of a scan, made once on ingest: windowed PNG per channel, dual-energy ratio view,
thumbnail and deep-zoom tiles of every channel; and the heat-map overlay of a finding.

Names (what the workstation asks the store for): ``window/<kV>``, ``ratio``, ``thumbnail``,
``tile/<kV>/<level>/<col>_<row>`` and ``heatmap``.
"""

from __future__ import annotations

from cargoscreen.domain.scans import FloatImage, Scan
from cargoscreen.ingest.images.derivatives import (
    auto_window,
    heatmap_png,
    iter_tiles,
    ratio_png,
    thumbnail_png,
    window_png,
)

PNG = "image/png"


def scan_renditions(scan: Scan) -> list[tuple[str, str, bytes]]:
    """(name, media type, bytes) of every display rendition of a scan."""
    out: list[tuple[str, str, bytes]] = []
    for kv, image in scan.channels.items():
        window = auto_window(image)
        out.append((f"window/{kv}", PNG, window_png(image, window)))
        out.extend(
            (f"tile/{kv}/{level}/{col}_{row}", PNG, data)
            for level, col, row, data in iter_tiles(image, window=window)
        )
    out.append(("thumbnail", PNG, thumbnail_png(scan.high)))
    if scan.low is not None:
        out.append(("ratio", PNG, ratio_png(scan.high, scan.low)))
    return out


def heatmap_rendition(heatmap: FloatImage) -> bytes:
    """The heat-map as a transparent overlay PNG of the scan's size."""
    return heatmap_png(heatmap)
