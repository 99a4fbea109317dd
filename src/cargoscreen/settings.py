"""One settings object for the whole platform (environment prefix CARGOSCREEN_, nested with __)."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SECRET = "change-me-development-only"


class TargetingSettings(BaseModel):
    """Daily capacity and selection policy of the targeting centre."""

    scan_capacity: int = Field(default=900, ge=0, description="Containers the scanners can take a day")
    physical_capacity: int = Field(default=100, ge=0, description="Containers officers can open a day")
    exploration_share: float = Field(
        default=0.1, ge=0.0, le=1.0, description="Share of capacity spent on random and uncertainty picks"
    )
    profiles: list[Path] = Field(
        default_factory=list, description="Rule profile YAML files; empty: the shipped default profile"
    )


class WebSettings(BaseModel):
    """The analyst workstation and the REST API (`cargoscreen serve`)."""

    host: str = Field(default="127.0.0.1", description="Interface `serve` listens on (loopback by default)")
    port: int = Field(default=8000, ge=1, le=65535, description="TCP port `serve` listens on")
    session_hours: float = Field(
        default=8.0, gt=0, le=168, description="Lifetime of a login session (hours) before logging in again"
    )
    cookie_secure: bool = Field(
        default=True,
        description="Send the session cookie over HTTPS only (browsers also accept it from http://localhost)",
    )
    demo_password: SecretStr | None = Field(
        default=None,
        description="Password of the demo users `demo` creates; unset: a random one, printed once",
    )
    page_size: int = Field(default=50, ge=1, le=500, description="Rows per page in the queue and API lists")


class SensorSettings(BaseModel):
    """The MQTT broker the sensor listener subscribes to, and its session."""

    broker_url: str = Field(
        default="mqtt://127.0.0.1:1883", description="MQTT broker: mqtt://[user:password@]host[:port]"
    )
    client_id: str = Field(
        default="cargoscreen-sensors",
        min_length=1,
        description="Fixed MQTT client id: the broker keeps this session's queue while the listener is away",
    )
    keepalive_s: int = Field(default=30, ge=5, le=600, description="MQTT keep-alive interval in seconds")
    reconnect_max_s: int = Field(default=30, ge=1, le=600, description="Longest wait between reconnects")


DEFAULT_LEDGER_KEY = "change-me-development-only-ledger-key"
_SHIFTS = ["06:00-13:45", "14:00-21:45", "22:00-05:45"]


class IncineratorSettings(BaseModel):
    """A licensed incinerator and the daily sessions it offers customs (by appointment)."""

    name: str = Field(
        default="SYNTHETIC incinerator", min_length=1, description="Name shown to custody officers"
    )
    session_times: list[str] = Field(
        default_factory=lambda: ["08:00", "16:00"],
        description="Daily session start times (HH:MM, UTC)",
    )
    capacity_kg: float = Field(default=1200.0, gt=0, le=5000, description="Kilograms one session takes")


class CustodySettings(BaseModel):
    """Custody of seized drugs: the ledger key, the destruction clock, reconciliation and incinerators."""

    ledger_key: SecretStr = Field(
        default=SecretStr(DEFAULT_LEDGER_KEY),
        description="HMAC key signing the custody ledger (at least 16 bytes); production refuses the default",
    )
    destruction_hours: float = Field(default=48.0, gt=0, le=720, description="Hours from seizure to burning")
    warn_hours: float = Field(
        default=12.0, gt=0, le=720, description="Alert this many hours before the deadline"
    )
    tolerance_kg: float = Field(default=0.2, ge=0, le=10, description="Weight reconciliation: absolute kg")
    tolerance_share: float = Field(
        default=0.005, ge=0, le=0.1, description="Weight reconciliation: share of the expected weight"
    )
    incinerators: list[IncineratorSettings] = Field(
        default_factory=lambda: [IncineratorSettings()], description="Incinerators and their sessions"
    )
    session_days: int = Field(
        default=3, ge=1, le=14, description="Days ahead to offer incinerator sessions for"
    )


class ScannerSettings(BaseModel):
    """A mobile scanner at a terminal: pace and crewed shifts (HH:MM-HH:MM, UTC; past midnight allowed)."""

    scanner_id: str = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_.-]+$")
    terminal: str = Field(pattern=r"^[A-Z0-9]{1,6}$", description="SMDG terminal code, e.g. K1742")
    scan_minutes: int = Field(default=3, ge=1, le=60)
    move_minutes: int = Field(default=12, ge=0, le=120)
    shifts: list[str] = Field(default_factory=lambda: list(_SHIFTS))
    available: bool = True


def _default_scanners() -> list[ScannerSettings]:
    placed = [("K869-A", "K869"), ("K1742-A", "K1742"), ("K1742-B", "K1742"), ("K913-A", "K913"),
              ("K1700-A", "K1700")]  # fmt: skip
    return [ScannerSettings(scanner_id=sid, terminal=terminal) for sid, terminal in placed]


class PlanningSettings(BaseModel):
    """Scanner planning: the scanners, the rolling horizon and the CP-SAT budget."""

    scanners: list[ScannerSettings] = Field(
        default_factory=_default_scanners, description="Mobile scanners (default: 5 at BEANR terminals)"
    )
    horizon_hours: float = Field(default=6.0, gt=0, le=72, description="Hours each re-plan looks ahead")
    replan_hours: float = Field(default=2.0, gt=0, le=24, description="Hours between re-plans over a day")
    cpsat_time_limit_s: float = Field(default=3.0, gt=0, le=120, description="CP-SAT time limit per re-plan")
    cpsat_workers: int = Field(default=2, ge=1, le=32, description="CP-SAT worker threads")
    reefer_deadline_hours: float = Field(
        default=24.0, gt=0, le=240, description="Reefer/perishable deadline after discharge (24-36 h typical)"
    )
    dry_deadline_hours: float = Field(
        default=48.0, gt=0, le=240, description="Other boxes' deadline after discharge (48-72 h typical)"
    )


class Settings(BaseSettings):
    """Validated once at start and passed down explicitly; nothing reads the environment elsewhere."""

    model_config = SettingsConfigDict(env_prefix="CARGOSCREEN_", env_nested_delimiter="__", extra="ignore")

    environment: str = Field(
        default="development",
        pattern=r"^(development|test|production)$",
        description="production refuses defaults",
    )
    data_dir: Path = Field(
        default=Path("cargoscreen-data"), description="Where the embedded default keeps data"
    )
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL; default: SQLite file in data_dir (postgresql+psycopg://...)",
    )
    blob_url: str | None = Field(
        default=None, description="fsspec URL of the content-addressed blob store; default: data_dir/blobs"
    )
    secret_key: SecretStr = Field(default=SecretStr(DEFAULT_SECRET), description="Signs sessions and ledgers")
    max_upload_mb: int = Field(default=512, ge=1, description="Largest accepted input file")
    targeting: TargetingSettings = Field(
        default_factory=TargetingSettings,
        description="Capacity and selection policy (nested: TARGETING__...)",
    )
    sensors: SensorSettings = Field(
        default_factory=SensorSettings, description="MQTT sensor intake (nested: SENSORS__...)"
    )
    web: WebSettings = Field(
        default_factory=WebSettings, description="Web workstation and REST API (nested: WEB__...)"
    )
    custody: CustodySettings = Field(
        default_factory=CustodySettings,
        description="Custody ledger key (secret), 48 h / 12 h clock, reconciliation, incinerators (CUSTODY__...)",
    )
    planning: PlanningSettings = Field(
        default_factory=PlanningSettings,
        description="Scanners, horizon, re-plan interval, CP-SAT limit, deadlines (nested: PLANNING__...)",
    )

    @model_validator(mode="after")
    def _refuse_default_secrets(self) -> Settings:
        if self.environment == "production" and self.secret_key.get_secret_value() == DEFAULT_SECRET:
            raise ValueError("CARGOSCREEN_SECRET_KEY must be set in production (the default is refused)")
        if self.environment == "production" and not self.web.cookie_secure:
            raise ValueError("CARGOSCREEN_WEB__COOKIE_SECURE=false is refused in production")
        if self.environment == "production" and self.web.demo_password is not None:
            raise ValueError("CARGOSCREEN_WEB__DEMO_PASSWORD is refused in production (no demo users there)")
        if (
            self.environment == "production"
            and self.custody.ledger_key.get_secret_value() == DEFAULT_LEDGER_KEY
        ):
            raise ValueError(
                "CARGOSCREEN_CUSTODY__LEDGER_KEY must be set in production (the default is refused)"
            )
        return self

    @property
    def resolved_database_url(self) -> str:
        """The database URL, defaulting to the SQLite file in the data directory."""
        return self.database_url or f"sqlite:///{(self.data_dir / 'cargoscreen.db').resolve()}"

    @property
    def resolved_blob_url(self) -> str:
        """The blob store URL, defaulting to a folder in the data directory."""
        return self.blob_url or str((self.data_dir / "blobs").resolve())
