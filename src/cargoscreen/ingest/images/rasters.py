"""One energy channel as a 16-bit grayscale TIFF or PNG: decode with checks, encode losslessly.

Only 16-bit unsigned single-channel images are accepted; 8-bit, colour, signed or float images are refused
with a :class:`ScanError` that names the file and what it holds. Sizes are checked from the header before
any pixel is decoded.
"""

from __future__ import annotations

import io
from typing import Literal

import numpy as np
import tifffile
from PIL import Image

from cargoscreen.domain.scans import ScanError, UInt16Image
from cargoscreen.ingest.images.metadata import check_extent
from cargoscreen.ingest.images.sources import Kind, Source

RasterFormat = Literal["tiff", "png"]
_PNG_16 = ("I;16", "I;16B", "I;16L")
_PNG_DESCRIPTIONS = {
    "1": "a 1-bit image",
    "L": "an 8-bit grayscale image",
    "LA": "an 8-bit grayscale image with alpha",
    "P": "an 8-bit palette image",
    "RGB": "an 8-bit colour image",
    "RGBA": "an 8-bit colour image with alpha",
    "I": "a 32-bit integer image",
    "F": "a 32-bit float image",
}


def read_raster(source: Source, kind: Kind, spacing_mm: tuple[float, float]) -> UInt16Image:
    """Decode one channel file (TIFF or PNG) after checking bit depth and size."""
    if kind is Kind.TIFF:
        return _read_tiff(source, spacing_mm)
    if kind is Kind.PNG:
        return _read_png(source, spacing_mm)
    raise ScanError(f"a channel file must be a 16-bit TIFF or PNG, this is {kind.value}", where=source.name)


def encode_raster(image: UInt16Image, image_format: RasterFormat) -> bytes:
    """Lossless 16-bit grayscale: TIFF with deflate (zlib) compression, or PNG."""
    buffer = io.BytesIO()
    if image_format == "tiff":
        tifffile.imwrite(buffer, image, photometric="minisblack", compression="zlib")
    else:
        Image.fromarray(np.ascontiguousarray(image, dtype=np.uint16)).save(buffer, format="PNG")
    return buffer.getvalue()


def _read_tiff(source: Source, spacing_mm: tuple[float, float]) -> UInt16Image:
    where = source.name
    try:
        with source.stream() as stream, tifffile.TiffFile(stream) as tif:
            pages = len(tif.pages)
            page = tif.pages.first
            shape = tuple(page.shape)
            if pages != 1:
                raise ScanError(f"{pages} pages; one channel per TIFF file expected", where=where)
            _check_dtype(page.dtype, where)
            if len(shape) != 2:
                raise ScanError(
                    f"image of shape {shape}; a single-sample grayscale image expected", where=where
                )
            check_extent(shape[0], shape[1], spacing_mm, where=where)
            array = page.asarray()
    except ScanError:
        raise
    except Exception as exc:  # tifffile raises several kinds on damaged files
        raise ScanError(f"not a readable TIFF: {exc}", where=where) from None
    image: UInt16Image = np.ascontiguousarray(array, dtype=np.uint16)
    return image


def _read_png(source: Source, spacing_mm: tuple[float, float]) -> UInt16Image:
    where = source.name
    try:
        with source.stream() as stream, Image.open(stream, formats=["PNG"]) as picture:
            if picture.mode not in _PNG_16:
                held = _PNG_DESCRIPTIONS.get(picture.mode, f"a {picture.mode} image")
                raise ScanError(f"{held}; a 16-bit grayscale PNG is needed", where=where)
            cols, rows = picture.size
            check_extent(rows, cols, spacing_mm, where=where)
            array = np.asarray(picture)
    except ScanError:
        raise
    except Exception as exc:  # Pillow raises several kinds on damaged files
        raise ScanError(f"not a readable PNG: {exc}", where=where) from None
    image: UInt16Image = np.ascontiguousarray(array, dtype=np.uint16)
    return image


def _check_dtype(dtype: np.dtype[np.generic] | None, where: str) -> None:
    if dtype == np.uint16:
        return
    if dtype is None:
        held = "an unsupported sample format"
    elif dtype.kind == "f":
        held = f"{dtype.itemsize * 8}-bit float"
    elif dtype.kind in "ui":
        held = f"{dtype.itemsize * 8}-bit {'signed' if dtype.kind == 'i' else 'unsigned'} integer"
    else:
        held = str(dtype)
    raise ScanError(f"{held} pixels; 16-bit unsigned needed (P codes round(4096 * -ln T))", where=where)
