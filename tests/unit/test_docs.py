"""The CLI and settings references in docs/ are what the code says: nothing undocumented."""

from __future__ import annotations

from pathlib import Path

from cargoscreen.cli.docgen import cli_reference, settings_reference
from cargoscreen.settings import Settings

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_cli_reference_is_current() -> None:
    assert (DOCS / "cli.md").read_text(encoding="utf-8") == cli_reference(), (
        "docs/cli.md is stale: run `python -m cargoscreen.cli.docgen docs`"
    )


def test_settings_reference_is_current() -> None:
    assert (DOCS / "settings.md").read_text(encoding="utf-8") == settings_reference(), (
        "docs/settings.md is stale: run `python -m cargoscreen.cli.docgen docs`"
    )


def test_every_setting_has_a_description() -> None:
    missing = [name for name, field in Settings.model_fields.items() if not field.description]
    assert not missing, f"settings without a description: {missing}"
