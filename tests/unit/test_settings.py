"""Settings: defaults for the embedded run, secrets refused in production."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import SecretStr, ValidationError

from cargoscreen.settings import Settings


def test_embedded_defaults_point_into_the_data_dir(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    assert settings.resolved_database_url == f"sqlite:///{tmp_path.resolve() / 'cargoscreen.db'}"
    assert settings.resolved_blob_url == str(tmp_path.resolve() / "blobs")


def test_production_refuses_the_default_secret() -> None:
    with pytest.raises(ValidationError, match="CARGOSCREEN_SECRET_KEY must be set"):
        Settings(environment="production")
    assert (
        Settings(
            environment="production",
            secret_key=SecretStr("a-real-secret"),
            custody={"ledger_key": "a-real-ledger-key-0123456789"},
        ).environment
        == "production"
    )


def test_environment_variables_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CARGOSCREEN_DATABASE_URL", "postgresql+psycopg://u@h/db")
    assert Settings().resolved_database_url == "postgresql+psycopg://u@h/db"
