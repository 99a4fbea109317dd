"""X-ray scans of containers and what the image AI found in them; format-neutral.

A scan is one or two transmission radiographs (one per energy channel) of a container, side view. Pixels
hold attenuation P = -ln T encoded as ``round(P_SCALE * P)`` in uint16 (the DICOS convention of this
project), rows running from roof (row 0) to floor, columns along the container's length. Metadata says
which end is the door end. Everything here is independent of the file format the scan came in.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType

import numpy as np
import numpy.typing as npt
from pydantic import Field, field_validator, model_validator

from cargoscreen.domain.errors import CargoscreenError
from cargoscreen.domain.ids import ContainerNumber, UnLocode
from cargoscreen.domain.records import Record

#: Pixel code per unit of attenuation: code = round(P_SCALE * -ln T), uint16.
P_SCALE = 4096.0
#: Largest attenuation a uint16 code can hold (T ≈ 1.1e-7: beyond any cargo scanner's dynamic range).
P_MAX = 65535 / P_SCALE
#: Accepted pixel sizes (mm) and image extents; anything outside is refused as absurd.
MIN_PIXEL_MM, MAX_PIXEL_MM = 3.0, 12.0
MIN_PIXELS, MAX_ROWS, MAX_COLS = 16, 4096, 16384
MAX_HEIGHT_MM, MAX_LENGTH_MM = 6_000.0, 25_000.0


class ScanError(CargoscreenError, ValueError):
    """A scan that cannot be accepted: corrupt, truncated, wrong bit depth or absurd size.

    ``where`` names the file (and element) at fault.
    """

    def __init__(self, message: str, *, where: str = "") -> None:
        self.where = where
        super().__init__(f"{where}: {message}" if where else message)


class ScanOrigin(StrEnum):
    """Who scanned: our own scanners on arrival, or a partner port before departure."""

    ARRIVAL = "ARRIVAL"
    PRE_DEPARTURE = "PRE_DEPARTURE"


class DoorEnd(StrEnum):
    """Which image side shows the container's doors."""

    LEFT = "LEFT"
    RIGHT = "RIGHT"
    UNKNOWN = "UNKNOWN"


class ContainerKind(StrEnum):
    """Body types the simulator draws and the models know."""

    DRY_20 = "DRY_20"
    DRY_40 = "DRY_40"
    HIGH_CUBE_40 = "HIGH_CUBE_40"
    REEFER_20 = "REEFER_20"
    REEFER_40 = "REEFER_40"

    @classmethod
    def from_size_type(cls, size_type: str) -> ContainerKind:
        """ISO 6346 size-type code (22G1, 42G1, 45G1, 45R1, 22R1, L5G1 …) to a body type."""
        code = size_type.upper()
        length = code[:1]
        reefer = len(code) >= 3 and code[2] == "R"
        if length == "2":
            return cls.REEFER_20 if reefer else cls.DRY_20
        if reefer:
            return cls.REEFER_40
        return cls.HIGH_CUBE_40 if len(code) >= 2 and code[1] == "5" else cls.DRY_40

    @property
    def reefer(self) -> bool:
        return self in (ContainerKind.REEFER_20, ContainerKind.REEFER_40)

    @property
    def length_ft(self) -> int:
        return 20 if self in (ContainerKind.DRY_20, ContainerKind.REEFER_20) else 40


class CargoClass(StrEnum):
    """What a scan should look like, from the declared HS code (declared-versus-seen consistency)."""

    BANANAS = "BANANAS"
    PINEAPPLES = "PINEAPPLES"
    COFFEE = "COFFEE"
    COCOA = "COCOA"
    FROZEN_FISH = "FROZEN_FISH"
    TIMBER = "TIMBER"
    SUGAR = "SUGAR"
    MIXED_CARTONS = "MIXED_CARTONS"
    MACHINERY = "MACHINERY"
    EMPTY = "EMPTY"

    @classmethod
    def from_hs(cls, hs_code: str | None) -> CargoClass:
        """Map a declared HS code (any length ≥ 4) to the cargo class a scan is compared with."""
        if not hs_code:
            return cls.EMPTY
        code = hs_code.replace(".", "")
        for prefix, cargo in _HS_PREFIXES:
            if code.startswith(prefix):
                return cargo
        return cls.MIXED_CARTONS


_HS_PREFIXES: tuple[tuple[str, CargoClass], ...] = (
    ("0803", CargoClass.BANANAS),
    ("080430", CargoClass.PINEAPPLES),
    ("0901", CargoClass.COFFEE),
    ("1801", CargoClass.COCOA),
    ("0303", CargoClass.FROZEN_FISH),
    ("0304", CargoClass.FROZEN_FISH),
    ("0306", CargoClass.FROZEN_FISH),
    ("4403", CargoClass.TIMBER),
    ("4407", CargoClass.TIMBER),
    ("1701", CargoClass.SUGAR),
    ("84", CargoClass.MACHINERY),
    ("85", CargoClass.MACHINERY),
    ("87", CargoClass.MACHINERY),
)


class ConcealmentKind(StrEnum):
    """Where and how drugs hide, as the simulator draws them and the detector reports them (DOMAIN.md)."""

    BRICKS_IN_CARGO = "BRICKS_IN_CARGO"
    DOOR_BAGS = "DOOR_BAGS"
    FLOOR_CAVITY = "FLOOR_CAVITY"
    ROOF_CAVITY = "ROOF_CAVITY"
    FALSE_FRONT_WALL = "FALSE_FRONT_WALL"
    REEFER_UNIT = "REEFER_UNIT"
    HOLLOW_LOGS = "HOLLOW_LOGS"
    IMPREGNATED = "IMPREGNATED"


class ScanMetadata(Record):
    """Who scanned which container, where, when and how; one per scan (all its energy channels)."""

    scan_id: str = Field(min_length=1, max_length=128, description="SeriesInstanceUID or file stem")
    container_number: ContainerNumber | None = Field(
        default=None, description="None when the file names no valid container number"
    )
    container_id_raw: str = Field(default="", max_length=64, description="the identifier as in the file")
    scanner: str = Field(default="", max_length=64)
    site: str = Field(default="", max_length=64, description="terminal or port that scanned")
    origin: ScanOrigin = ScanOrigin.ARRIVAL
    partner_port: UnLocode | None = Field(
        default=None, description="the partner port of a pre-departure scan"
    )
    scanned_at: datetime
    door_end: DoorEnd = DoorEnd.UNKNOWN
    pixel_spacing_mm: tuple[float, float] = Field(description="(row, column) pixel size in mm")
    energies_kv: tuple[int, ...] = Field(min_length=1, max_length=2, description="nominal endpoints, kV")
    source_format: str = Field(default="", max_length=16)
    synthetic: bool = False

    @field_validator("scanned_at")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("scanned_at must carry a UTC offset")
        return value

    @field_validator("pixel_spacing_mm")
    @classmethod
    def _spacing(cls, value: tuple[float, float]) -> tuple[float, float]:
        for mm in value:
            if not MIN_PIXEL_MM <= mm <= MAX_PIXEL_MM:
                raise ValueError(f"pixel spacing {mm} mm outside {MIN_PIXEL_MM}-{MAX_PIXEL_MM} mm")
        return value

    @field_validator("energies_kv")
    @classmethod
    def _energies(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        if any(not 100 <= kv <= 20_000 for kv in value) or len(set(value)) != len(value):
            raise ValueError(f"energies {value} kV: each 100-20000 kV and distinct")
        return tuple(sorted(value, reverse=True))

    @model_validator(mode="after")
    def _partner(self) -> ScanMetadata:
        if self.origin is ScanOrigin.PRE_DEPARTURE and self.partner_port is None:
            raise ValueError("a pre-departure scan names its partner port")
        return self


UInt16Image = npt.NDArray[np.uint16]
FloatImage = npt.NDArray[np.float32]


@dataclass(frozen=True, slots=True)
class Scan:
    """One scan: metadata and one uint16 P-code image per energy (kV), all of the same shape."""

    meta: ScanMetadata
    channels: Mapping[int, UInt16Image]

    def __post_init__(self) -> None:
        where = self.meta.scan_id
        if set(self.channels) != set(self.meta.energies_kv):
            raise ScanError(
                f"channels {sorted(self.channels)} kV do not match {self.meta.energies_kv}", where=where
            )
        shapes = {image.shape for image in self.channels.values()}
        if len(shapes) != 1:
            raise ScanError(f"energy channels differ in shape: {sorted(shapes)}", where=where)
        for kv, image in self.channels.items():
            check_image(image, self.meta.pixel_spacing_mm, where=f"{where} ({kv} kV)")
        object.__setattr__(self, "channels", MappingProxyType(dict(self.channels)))

    @property
    def shape(self) -> tuple[int, int]:
        rows, cols = next(iter(self.channels.values())).shape
        return int(rows), int(cols)

    @property
    def high(self) -> UInt16Image:
        """The highest-energy channel (the one to show by default)."""
        return self.channels[self.meta.energies_kv[0]]

    @property
    def low(self) -> UInt16Image | None:
        """The lower-energy channel of a dual-energy scan, else None."""
        return self.channels[self.meta.energies_kv[1]] if len(self.meta.energies_kv) > 1 else None

    def attenuation(self, kv: int | None = None) -> FloatImage:
        """P = -ln T as float32 for one channel (the highest energy by default)."""
        image = self.channels[kv] if kv is not None else self.high
        return (image.astype(np.float32) / np.float32(P_SCALE)).astype(np.float32)


def check_image(image: npt.NDArray[np.generic], spacing_mm: tuple[float, float], *, where: str) -> None:
    """Refuse an image that is not 2-D uint16 or whose pixel or physical size is absurd."""
    if image.ndim != 2:
        raise ScanError(f"image must be 2-D, got {image.ndim} dimensions", where=where)
    if image.dtype != np.uint16:
        raise ScanError(f"pixels must be 16-bit unsigned, got {image.dtype}", where=where)
    rows, cols = image.shape
    if rows < MIN_PIXELS or cols < MIN_PIXELS or rows > MAX_ROWS or cols > MAX_COLS:
        raise ScanError(f"absurd image size {rows}x{cols} pixels", where=where)
    if rows * spacing_mm[0] > MAX_HEIGHT_MM or cols * spacing_mm[1] > MAX_LENGTH_MM:
        raise ScanError(
            f"absurd physical size {rows * spacing_mm[0] / 1000:.1f} m x {cols * spacing_mm[1] / 1000:.1f} m",
            where=where,
        )


def encode_attenuation(attenuation: npt.NDArray[np.floating]) -> UInt16Image:
    """P (float) to uint16 codes round(P_SCALE * P), clipped to the representable range."""
    codes: UInt16Image = np.rint(np.clip(attenuation, 0.0, P_MAX) * P_SCALE).astype(np.uint16)
    return codes


class Box(Record):
    """An axis-aligned region in input pixel coordinates (x along the length, y from the roof down)."""

    x0: int = Field(ge=0)
    y0: int = Field(ge=0)
    x1: int = Field(ge=0)
    y1: int = Field(ge=0)
    score: float = Field(ge=0.0, le=1.0)

    @model_validator(mode="after")
    def _ordered(self) -> Box:
        if self.x1 <= self.x0 or self.y1 <= self.y0:
            raise ValueError(f"box ({self.x0},{self.y0})-({self.x1},{self.y1}) is empty")
        return self

    def as_list(self) -> list[float]:
        return [self.x0, self.y0, self.x1, self.y1, round(self.score, 4)]


class ChangeFinding(Record):
    """Pre-departure versus arrival: mass added or removed after registration, and where."""

    pre_departure_scan_id: str
    added_score: float = Field(ge=0.0, le=1.0)
    added_kg_estimate: float = Field(ge=0.0)
    removed_kg_estimate: float = Field(ge=0.0)
    changed: bool
    boxes: tuple[Box, ...] = ()
    shift_px: tuple[int, int] = (0, 0)


class ScanFindings(Record):
    """What the image AI says about one scan; the JSON line of ``cargoscreen scan analyze``."""

    scan_id: str
    container_number: str | None
    score: float = Field(ge=0.0, le=1.0, description="concealment probability for the whole scan")
    alarm: bool = Field(description="score at or above the threshold of the declared cargo class")
    threshold: float = Field(ge=0.0, le=1.0)
    #: how far past its own class's alarm level a scan is, on one scale for every class (docs/imaging.md)
    margin: float | None = Field(default=None, description="logit(score) - logit(threshold): >= 0 alarms")
    boxes: tuple[Box, ...] = ()
    empty: bool = Field(description="the image shows an empty container")
    empty_score: float = Field(ge=0.0, le=1.0, description="probability that the container is empty")
    declared_class: CargoClass | None = None
    consistency: float | None = Field(
        default=None, ge=0.0, le=1.0, description="how well the image fits the declared cargo class"
    )
    seen_class: CargoClass | None = None
    change: ChangeFinding | None = None
    model_version: str = ""

    def contract_json(self) -> dict[str, object]:
        """The analyze contract: scan, container_number, score, boxes, empty, plus the other fields."""
        body: dict[str, object] = {
            "scan": self.scan_id,
            "container_number": self.container_number,
            "score": round(self.score, 4),
            "boxes": [box.as_list() for box in self.boxes],
            "empty": self.empty,
        }
        extra = self.model_dump(
            mode="json", exclude={"scan_id", "container_number", "score", "boxes", "empty"}
        )
        body.update(extra)
        return body


@dataclass(frozen=True, slots=True)
class Analysis:
    """Findings with the heat-map they came from (float32 in [0, 1], same shape as the scan)."""

    findings: ScanFindings
    heatmap: FloatImage = field(repr=False)


#: The flag of a stored scan whose container no stored manifest lists (or whose number is not valid).
UNKNOWN_CONTAINER = "unknown container"


@dataclass(frozen=True, slots=True)
class ChannelBlob:
    """Where a channel's pixels are: the ``.npy`` blob, and the file as received when it was kept."""

    energy_kv: int
    sha256: str
    source_sha256: str | None = None


@dataclass(frozen=True, slots=True)
class Rendition:
    """A display derivative stored as a blob."""

    name: str
    media_type: str
    sha256: str


@dataclass(frozen=True, slots=True)
class StoredScan:
    """A stored scan: its metadata, shape, channel blobs, who submitted it and any flag."""

    meta: ScanMetadata
    rows: int
    cols: int
    channels: tuple[ChannelBlob, ...]
    submitted_by: str
    ingested_at: datetime
    flag: str | None


@dataclass(frozen=True, slots=True)
class StoredFindings:
    """The current findings of a scan and the blob of their heat-map."""

    findings: ScanFindings
    analysed_at: datetime
    heatmap_sha256: str | None


@dataclass(frozen=True, slots=True)
class DeclaredContent:
    """What the latest manifest of a container declares: body type, empty or full, HS codes of its goods."""

    container_number: str
    size_type: str | None
    full_empty: str | None
    hs_codes: tuple[str, ...]

    @property
    def cargo_class(self) -> CargoClass:
        """The class a scan of this container should look like (EMPTY when declared empty)."""
        if self.full_empty == "E" or not self.hs_codes:
            return CargoClass.EMPTY
        classes = [CargoClass.from_hs(code) for code in self.hs_codes]
        return max(set(classes), key=classes.count)
