"""What every command needs: the settings, the database and the blob store, made on demand."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from rich.console import Console

from cargoscreen.settings import Settings
from cargoscreen.store import BlobStore, Database

console = Console()
err_console = Console(stderr=True)


@dataclass
class AppContext:
    """Settings validated once; the database and the blob store opened on first use."""

    settings: Settings

    @cached_property
    def database(self) -> Database:
        self.settings.data_dir.mkdir(parents=True, exist_ok=True)
        return Database(self.settings.resolved_database_url)

    @cached_property
    def blobs(self) -> BlobStore:
        return BlobStore(self.settings.resolved_blob_url)

    def ready_database(self) -> Database:
        """The database with its schema brought up to date (the embedded default needs no set-up)."""
        self.database.upgrade()
        return self.database


def load_context() -> AppContext:
    """Read the settings from the environment (CARGOSCREEN_*) and validate them."""
    return AppContext(Settings())
