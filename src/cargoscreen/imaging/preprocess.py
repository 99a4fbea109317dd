"""From a Scan to the network's input: a fixed millimetre grid, the container only, doors on the right.

Attenuation P = -ln T is additive along the beam, so resampling averages P over the area of each working
pixel (exact area weights, any input spacing): the mean P of a working pixel times its area is still
proportional to the mass in it, which change detection uses to weigh what was added. At ``WORK_MM`` = 20 mm a
1 kg brick (about 20 x 12 cm face on) covers some 60 working pixels, and a 40 ft high cube becomes about
150 x 610 pixels, small enough for a CPU.

The network sees eight channels (``CHANNELS``): high-energy P, low-energy P (a copy of the high one for
single-energy scans), the dual-energy ratio (steel against organics), the distances from the door end and
from the front end in metres (door bags and reefer units live at the ends), the height from the roof, and
the row residual: P minus the median P of its row. Roof, floor and a uniform load are the same along a row,
so what differs from the rest of its row (a lump in the cargo, a thickened stretch of roof or floor,
something behind the doors) stands out before the network has learnt anything; it makes training converge in
the few hundred steps a CPU budget allows. The eighth, the template residual, is P minus the median image of
clean empty containers of the same body (``Templates``): the structure cancels, the load and anything added
to the structure remain. ``Frame`` maps working pixels back to the scan's own pixel coordinates (boxes,
heat-map).
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import sparse

from cargoscreen.domain.scans import DoorEnd, Scan

FloatArray = npt.NDArray[np.float32]
BoolArray = npt.NDArray[np.bool_]

#: Working pixel size, both axes (mm).
WORK_MM = 20.0
#: Height and width of the network input are padded to a multiple of this (three 2x poolings).
MULTIPLE = 8
#: P below this (after resampling) is air: the container's walls alone attenuate more.
AIR_P = 0.03
#: P scale of the first two channels (a full 40 ft reefer of fruit is P of about 3 at 6 MV).
P_NORM = 4.0
#: Below this high-energy P the dual-energy ratio is noise and is set to zero.
RATIO_MIN_P = 0.08
#: The ratio channel is (P_low / P_high - RATIO_CENTRE), clipped to +-RATIO_CLIP.
RATIO_CENTRE, RATIO_CLIP = 1.5, 1.5
#: Distance channels saturate at this many metres from each end.
END_METRES = 3.0
#: Scale of the row-residual channel.
RESIDUAL_NORM = 2.0
CHANNELS = (
    "p_high",
    "p_low",
    "ratio",
    "from_door",
    "from_front",
    "height",
    "row_residual",
    "template_residual",
)
#: Largest difference (rows, columns) between a container image and a template still taken to match.
TEMPLATE_TOLERANCE = (5, 10)
#: Largest shift (rows, columns) tried when laying a template over a container image.
TEMPLATE_SHIFT = (1, 2)


def schema() -> dict[str, object]:
    """Everything a trained model assumes about its input; its hash is checked when weights are loaded."""
    return {
        "work_mm": WORK_MM,
        "multiple": MULTIPLE,
        "air_p": AIR_P,
        "p_norm": P_NORM,
        "ratio_min_p": RATIO_MIN_P,
        "ratio_centre": RATIO_CENTRE,
        "ratio_clip": RATIO_CLIP,
        "end_metres": END_METRES,
        "residual_norm": RESIDUAL_NORM,
        "template_tolerance": list(TEMPLATE_TOLERANCE),
        "channels": list(CHANNELS),
        "door_end": "RIGHT",
    }


def schema_hash() -> str:
    """sha256 of ``schema()`` (canonical JSON), first 16 hex digits."""
    text = json.dumps(schema(), sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@lru_cache(maxsize=64)
def _sparse_weights(n_in: int, in_mm: float, out_mm: float) -> sparse.csr_matrix:
    """``area_weights`` as a sparse matrix (each output pixel averages a handful of input pixels)."""
    dense, _ = area_weights(n_in, in_mm, out_mm)
    return sparse.csr_matrix(dense)


def area_weights(
    n_in: int, in_mm: float, out_mm: float, *, origin_mm: float = 0.0, n_out: int | None = None
) -> tuple[FloatArray, int]:
    """Matrix (n_out x n_in) whose row j averages the input pixels under output pixel j, by overlap.

    Output pixel j covers [origin + j * out_mm, origin + (j + 1) * out_mm) of the input's extent; a pixel
    partly outside averages what it covers, one wholly outside is 0.
    """
    length = n_in * in_mm
    if n_out is None:
        n_out = max(1, int(np.ceil((length - origin_mm) / out_mm - 1e-6)))
    edges_in = np.arange(n_in + 1, dtype=np.float64) * in_mm
    edges_out = np.clip(origin_mm + np.arange(n_out + 1, dtype=np.float64) * out_mm, 0.0, length)
    lo = np.maximum(edges_out[:-1, None], edges_in[None, :-1])
    hi = np.minimum(edges_out[1:, None], edges_in[None, 1:])
    overlap = np.clip(hi - lo, 0.0, None)
    overlap /= np.maximum(overlap.sum(axis=1, keepdims=True), 1e-12)
    return overlap.astype(np.float32), n_out


def resample(image: npt.NDArray[np.floating], spacing_mm: tuple[float, float]) -> FloatArray:
    """Area-average an image of (row, column) pixel spacing onto the ``WORK_MM`` grid."""
    rows_w = _sparse_weights(image.shape[0], float(spacing_mm[0]), WORK_MM)
    cols_w = _sparse_weights(image.shape[1], float(spacing_mm[1]), WORK_MM)
    out = np.asarray((cols_w @ (rows_w @ np.asarray(image, dtype=np.float32)).T).T, dtype=np.float32)
    return np.ascontiguousarray(out)


def resample_window(
    image: npt.NDArray[np.floating],
    spacing_mm: tuple[float, float],
    origin_mm: tuple[float, float],
    shape: tuple[int, int],
) -> FloatArray:
    """Area-average onto a ``WORK_MM`` grid of ``shape`` whose first pixel starts at ``origin_mm`` (any
    fraction of a pixel): a shifted copy without the blur of interpolating an already resampled image."""
    rows_w, _ = area_weights(image.shape[0], spacing_mm[0], WORK_MM, origin_mm=origin_mm[0], n_out=shape[0])
    cols_w, _ = area_weights(image.shape[1], spacing_mm[1], WORK_MM, origin_mm=origin_mm[1], n_out=shape[1])
    rows_s, cols_s = sparse.csr_matrix(rows_w), sparse.csr_matrix(cols_w)
    out = np.asarray((cols_s @ (rows_s @ np.asarray(image, dtype=np.float32)).T).T, dtype=np.float32)
    return np.ascontiguousarray(out)


def oriented(scan: Scan) -> FloatArray:
    """High-energy P of a scan at its own pixels, doors on the right."""
    image = scan.attenuation()
    out: FloatArray = np.ascontiguousarray(image[:, ::-1]) if scan.meta.door_end is DoorEnd.LEFT else image
    return out


def whole_origin_mm(scan: Scan) -> tuple[float, float]:
    """Where the first column of ``Prepared.whole_high`` starts on ``oriented(scan)``, in mm.

    Resampling starts at the image's left edge; for a flipped scan the partial last working pixel ends up
    first, so the grid starts that much before the oriented image.
    """
    if scan.meta.door_end is not DoorEnd.LEFT:
        return 0.0, 0.0
    length = scan.shape[1] * scan.meta.pixel_spacing_mm[1]
    n_out = max(1, int(np.ceil(length / WORK_MM - 1e-6)))
    return 0.0, length - n_out * WORK_MM


def container_extent(p_high: FloatArray) -> tuple[int, int, int, int]:
    """(row0, row1, col0, col1) of the container: rows and columns mostly above air attenuation."""
    solid = p_high > AIR_P
    rows = np.flatnonzero(solid.mean(axis=1) > 0.3)
    cols = np.flatnonzero(solid.mean(axis=0) > 0.3)
    if rows.size == 0 or cols.size == 0:
        return 0, p_high.shape[0], 0, p_high.shape[1]
    return int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1


@dataclass(frozen=True, slots=True)
class Frame:
    """Where the working image sits in the scan: scale, crop and flip, to map results back."""

    scan_shape: tuple[int, int]
    spacing_mm: tuple[float, float]
    crop: tuple[int, int, int, int]
    flipped: bool

    @property
    def size(self) -> tuple[int, int]:
        """(rows, columns) of the container in working pixels, before padding."""
        return self.crop[1] - self.crop[0], self.crop[3] - self.crop[2]

    def to_work(self, image: npt.NDArray[np.floating]) -> FloatArray:
        """Resample, crop and flip a scan-sized image (e.g. a mask as 0/1) the way the scan was."""
        work = resample(image, self.spacing_mm)
        r0, r1, c0, c1 = self.crop
        work = work[r0:r1, c0:c1]
        out: FloatArray = np.ascontiguousarray(work[:, ::-1] if self.flipped else work)
        return out

    def box_to_scan(self, row0: int, row1: int, col0: int, col1: int) -> tuple[int, int, int, int]:
        """Working-pixel box [row0, row1) x [col0, col1) to scan pixels (x0, y0, x1, y1), clipped."""
        width = self.size[1]
        if self.flipped:
            col0, col1 = width - col1, width - col0
        rows_per = WORK_MM / self.spacing_mm[0]
        cols_per = WORK_MM / self.spacing_mm[1]
        y0 = int(np.floor((row0 + self.crop[0]) * rows_per))
        y1 = int(np.ceil((row1 + self.crop[0]) * rows_per))
        x0 = int(np.floor((col0 + self.crop[2]) * cols_per))
        x1 = int(np.ceil((col1 + self.crop[2]) * cols_per))
        rows, cols = self.scan_shape
        return min(x0, cols - 1), min(y0, rows - 1), max(min(x1, cols), x0 + 1), max(min(y1, rows), y0 + 1)

    def to_scan(self, work: FloatArray) -> FloatArray:
        """A working-grid image (container size) back onto the scan's pixels; outside the crop is 0."""
        rows, cols = self.scan_shape
        h, w = self.size
        r = np.floor((np.arange(rows) + 0.5) * self.spacing_mm[0] / WORK_MM).astype(np.int64) - self.crop[0]
        c = np.floor((np.arange(cols) + 0.5) * self.spacing_mm[1] / WORK_MM).astype(np.int64) - self.crop[2]
        if self.flipped:
            c = w - 1 - c
        # one gather from a copy with a zero row and column appended: outside indices point at them
        framed = np.zeros((h + 1, w + 1), dtype=np.float32)
        framed[:h, :w] = work[:h, :w]
        r = np.where((r >= 0) & (r < h), r, h)
        c = np.where((c >= 0) & (c < w), c, w)
        out: FloatArray = framed.take(r, axis=0).take(c, axis=1)
        return out


@dataclass(frozen=True, slots=True)
class Templates:
    """What an empty container of each body looks like: the median working image of clean empty scans.

    The container's own structure (roof and floor edge-on, cross-members, door frame, front wall, a reefer's
    machinery) is the same in every box of a body type, so P minus the template leaves the load and anything
    added to the structure: bags behind the doors, a thickened floor or roof, a false wall, packages in a
    reefer unit. A scan takes the template nearest its size; bodies of the same size (a reefer and a dry box)
    are told apart by how well the template fits the scan's structure.
    """

    images: Mapping[str, FloatArray]

    @classmethod
    def fit(cls, images: Sequence[FloatArray], bodies: Sequence[str]) -> Templates:
        """Median image per body over clean empty scans (each cut or padded to the body's usual size)."""
        groups: dict[str, list[FloatArray]] = defaultdict(list)
        for image, body in zip(images, bodies, strict=True):
            groups[body].append(image)
        out: dict[str, FloatArray] = {}
        for body, members in sorted(groups.items()):
            shape = Counter(m.shape for m in members).most_common(1)[0][0]
            stack = np.stack([_fit_to(m, (int(shape[0]), int(shape[1]))) for m in members])
            out[body] = np.median(stack, axis=0).astype(np.float32)
        return cls(images=out)

    def match(self, p_high: FloatArray) -> FloatArray | None:
        """The template for a container image, cut or padded to its size; None when no body fits."""
        rows, cols = p_high.shape
        near = [
            t
            for t in self.images.values()
            if abs(t.shape[0] - rows) <= TEMPLATE_TOLERANCE[0]
            and abs(t.shape[1] - cols) <= TEMPLATE_TOLERANCE[1]
        ]
        if not near:
            return None
        # another scanner crops the box a pixel differently: a template off by one pixel leaves a ridge at
        # every wall, post and cross-member edge, so each template is slid by up to TEMPLATE_SHIFT pixels
        fitted = [
            _fit_to(t, (rows, cols), (dr, dc))
            for t in near
            for dr in range(-TEMPLATE_SHIFT[0], TEMPLATE_SHIFT[0] + 1)
            for dc in range(-TEMPLATE_SHIFT[1], TEMPLATE_SHIFT[1] + 1)
        ]
        misfit = [float(np.mean(np.abs(p_high - f))) for f in fitted]  # the load adds alike to each
        return fitted[int(np.argmin(misfit))]

    def to_json(self) -> dict[str, object]:
        return {
            body: {
                "shape": list(image.shape),
                "float16_base64": base64.b64encode(image.astype("<f2").tobytes()).decode("ascii"),
            }
            for body, image in self.images.items()
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Mapping[str, object]]) -> Templates:
        images: dict[str, FloatArray] = {}
        for body, item in data.items():
            shape = tuple(int(v) for v in item["shape"])  # type: ignore[attr-defined]
            raw = base64.b64decode(str(item["float16_base64"]))
            images[body] = np.frombuffer(raw, dtype="<f2").reshape(shape).astype(np.float32)
        return cls(images=images)


def _fit_to(image: FloatArray, shape: tuple[int, int], offset: tuple[int, int] = (0, 0)) -> FloatArray:
    """``image`` placed at ``offset`` (rows, columns; may be negative) in a zero image of ``shape``."""
    out = np.zeros(shape, dtype=np.float32)
    dr, dc = offset
    r0, c0 = max(dr, 0), max(dc, 0)
    s0, t0 = max(-dr, 0), max(-dc, 0)
    rows = min(shape[0] - r0, image.shape[0] - s0)
    cols = min(shape[1] - c0, image.shape[1] - t0)
    if rows > 0 and cols > 0:
        out[r0 : r0 + rows, c0 : c0 + cols] = image[s0 : s0 + rows, t0 : t0 + cols]
    return out


@dataclass(frozen=True, slots=True)
class Prepared:
    """One scan at working resolution: network input (padded), the container's P, and the frame.

    ``whole_high`` is the high-energy P of the whole image (air margins included, doors on the right);
    ``crop_in_whole`` says where the container sits in it. Change detection registers whole images, so that
    two scans cropped a pixel differently still line up.
    """

    tensor: FloatArray
    p_high: FloatArray
    p_low: FloatArray
    frame: Frame
    dual_energy: bool
    whole_high: FloatArray

    @property
    def crop_in_whole(self) -> tuple[int, int, int, int]:
        """(row0, row1, col0, col1) of ``p_high`` inside ``whole_high``."""
        r0, r1, c0, c1 = self.frame.crop
        if self.frame.flipped:
            width = self.whole_high.shape[1]
            c0, c1 = width - c1, width - c0
        return r0, r1, c0, c1


def padded(size: int) -> int:
    """The next multiple of ``MULTIPLE`` at or above ``size``."""
    return -(-size // MULTIPLE) * MULTIPLE


def channels(
    p_high: FloatArray, p_low: FloatArray, *, dual_energy: bool, templates: Templates | None = None
) -> FloatArray:
    """The input channels of a container image (doors on the right), padded to ``MULTIPLE``."""
    h, w = p_high.shape
    tensor = np.zeros((len(CHANNELS), padded(h), padded(w)), dtype=np.float32)
    tensor[0, :h, :w] = p_high / P_NORM
    tensor[1, :h, :w] = p_low / P_NORM
    if dual_energy:
        valid = p_high > RATIO_MIN_P
        ratio = np.where(valid, p_low / np.maximum(p_high, RATIO_MIN_P) - RATIO_CENTRE, 0.0)
        tensor[2, :h, :w] = np.clip(ratio, -RATIO_CLIP, RATIO_CLIP)
    from_front = (np.arange(w, dtype=np.float32) + 0.5) * (WORK_MM / 1000.0)
    from_door = from_front[::-1]
    tensor[3, :h, :w] = np.clip(from_door / END_METRES, 0.0, 1.0)[None, :]
    tensor[4, :h, :w] = np.clip(from_front / END_METRES, 0.0, 1.0)[None, :]
    tensor[5, :h, :w] = ((np.arange(h, dtype=np.float32) + 0.5) / h)[:, None]
    tensor[6, :h, :w] = (p_high - np.median(p_high, axis=1, keepdims=True)) / RESIDUAL_NORM
    if templates is not None:
        set_template_residual(tensor, p_high, templates)
    return tensor


def set_template_residual(tensor: npt.NDArray[Any], p_high: FloatArray, templates: Templates) -> None:
    """Fill the template-residual channel of ``tensor`` in place (zero when no template fits)."""
    h, w = p_high.shape
    index = CHANNELS.index("template_residual")
    template = templates.match(p_high)
    tensor[index] = 0.0
    if template is not None:
        tensor[index, :h, :w] = (p_high - template) / RESIDUAL_NORM


def prepare(scan: Scan, templates: Templates | None = None) -> Prepared:
    """Resample both energies, crop to the container, put the doors on the right, build the channels."""
    spacing = scan.meta.pixel_spacing_mm
    high = resample(scan.attenuation(), spacing)
    low_codes = scan.low
    dual = low_codes is not None
    low = resample(scan.attenuation(scan.meta.energies_kv[1]), spacing) if dual else high
    crop = container_extent(high)
    flipped = scan.meta.door_end is DoorEnd.LEFT
    frame = Frame(scan_shape=scan.shape, spacing_mm=spacing, crop=crop, flipped=flipped)
    r0, r1, c0, c1 = crop
    p_high = high[r0:r1, c0:c1]
    p_low = low[r0:r1, c0:c1]
    if flipped:
        p_high, p_low = p_high[:, ::-1], p_low[:, ::-1]
    p_high = np.ascontiguousarray(p_high)
    p_low = np.ascontiguousarray(p_low)
    return Prepared(
        tensor=channels(p_high, p_low, dual_energy=dual, templates=templates),
        p_high=p_high,
        p_low=p_low,
        frame=frame,
        dual_energy=dual,
        whole_high=np.ascontiguousarray(high[:, ::-1] if flipped else high),
    )
