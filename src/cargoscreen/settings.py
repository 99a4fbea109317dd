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

    @model_validator(mode="after")
    def _refuse_default_secrets(self) -> Settings:
        if self.environment == "production" and self.secret_key.get_secret_value() == DEFAULT_SECRET:
            raise ValueError("CARGOSCREEN_SECRET_KEY must be set in production (the default is refused)")
        if self.environment == "production" and not self.web.cookie_secure:
            raise ValueError("CARGOSCREEN_WEB__COOKIE_SECURE=false is refused in production")
        if self.environment == "production" and self.web.demo_password is not None:
            raise ValueError("CARGOSCREEN_WEB__DEMO_PASSWORD is refused in production (no demo users there)")
        return self

    @property
    def resolved_database_url(self) -> str:
        """The database URL, defaulting to the SQLite file in the data directory."""
        return self.database_url or f"sqlite:///{(self.data_dir / 'cargoscreen.db').resolve()}"

    @property
    def resolved_blob_url(self) -> str:
        """The blob store URL, defaulting to a folder in the data directory."""
        return self.blob_url or str((self.data_dir / "blobs").resolve())
