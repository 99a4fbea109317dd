"""One scan in one NumPy ``.npz``: arrays ``kv<energy>`` (uint16 P codes) and ``meta`` (JSON string).

``meta`` holds the ``cargoscreen.scan/1`` metadata; the energies come from the array names. Each array's
header (dtype, shape) is checked before its pixels are loaded, so a float or oversized array is refused
without decompressing it. Pickled objects are never loaded.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path, PurePosixPath
from typing import Any

import numpy as np

from cargoscreen.domain.scans import Scan, ScanError, UInt16Image
from cargoscreen.ingest.images.files import write_all
from cargoscreen.ingest.images.metadata import check_extent, meta_from_json, meta_to_json, safe_stem
from cargoscreen.ingest.images.sources import Source

SOURCE_FORMAT = "npz"
_CHANNEL = re.compile(r"^kv(\d{3,5})$")


def read_npz(source: Source) -> Scan:
    """Read and check one NPZ scan; :class:`ScanError` names the file and the fault."""
    where = source.name
    try:
        with source.stream() as stream, np.load(stream, allow_pickle=False) as npz:
            return _scan(npz, source)
    except ScanError:
        raise
    except Exception as exc:  # zipfile / numpy raise several kinds on damaged files
        raise ScanError(f"not a readable NPZ: {exc}", where=where) from None


def npz_bytes(scan: Scan) -> bytes:
    """The NPZ encoding of a scan (deflate-compressed)."""
    arrays: dict[str, Any] = {
        f"kv{kv}": np.asarray(image, dtype="<u2") for kv, image in scan.channels.items()
    }
    arrays["meta"] = np.array(json.dumps(meta_to_json(scan.meta), ensure_ascii=False))
    buffer = io.BytesIO()
    np.savez_compressed(buffer, allow_pickle=False, **arrays)
    return buffer.getvalue()


def write_npz(scan: Scan, folder: Path) -> Path:
    """Write ``<scan id>.npz`` into ``folder``; return its path."""
    path = folder / f"{safe_stem(scan.meta.scan_id)}.npz"
    write_all([(path, npz_bytes(scan))])
    return path


def _scan(npz: Any, source: Source) -> Scan:
    where = source.name
    names = list(npz.files)
    if "meta" not in names:
        raise ScanError("no 'meta' array (the scan's metadata as a JSON string)", where=where)
    energies: dict[int, str] = {}
    for name in names:
        match = _CHANNEL.match(name)
        if name != "meta" and match is None:
            raise ScanError(f"unexpected array {name!r}; arrays are kv<energy in kV> and meta", where=where)
        if match is not None:
            energies[int(match.group(1))] = name
    if not energies:
        raise ScanError("no channel array (kv6000, kv4000, …)", where=where)
    meta = meta_from_json(
        _meta_doc(npz["meta"], where),
        where=where,
        energies_kv=sorted(energies, reverse=True),
        source_format=SOURCE_FORMAT,
        default_scan_id=PurePosixPath(source.basename).stem,
    )
    channels = {
        kv: _channel(npz, name, meta.pixel_spacing_mm, f"{where}, array {name}")
        for kv, name in energies.items()
    }
    return Scan(meta=meta, channels=channels)


def _meta_doc(array: np.ndarray[Any, Any], where: str) -> dict[str, Any]:
    if array.shape != () or array.dtype.kind not in "US":
        raise ScanError(f"'meta' must be one JSON string, found {array.dtype} {array.shape}", where=where)
    value = array[()]
    text = value.decode("utf-8") if isinstance(value, bytes) else str(value)
    try:
        doc = json.loads(text)
    except ValueError as exc:
        raise ScanError(f"'meta' is not JSON: {exc}", where=where) from None
    if not isinstance(doc, dict):
        raise ScanError("'meta' must be a JSON object", where=where)
    return doc


def _channel(npz: Any, name: str, spacing_mm: tuple[float, float], where: str) -> UInt16Image:
    archive: zipfile.ZipFile = npz.zip
    with archive.open(f"{name}.npy") as handle:
        version = np.lib.format.read_magic(handle)
        reader = (
            np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
        )
        shape, _, dtype = reader(handle)
    if dtype.kind != "u" or dtype.itemsize != 2:
        raise ScanError(f"{dtype.name} pixels; 16-bit unsigned (uint16) P codes needed", where=where)
    if len(shape) != 2:
        raise ScanError(f"array of shape {shape}; a 2-D image expected", where=where)
    check_extent(shape[0], shape[1], spacing_mm, where=where)
    image: UInt16Image = np.ascontiguousarray(npz[name], dtype=np.uint16)
    return image
