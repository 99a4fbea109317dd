"""Repositories: the only place that builds queries; one class per aggregate, used via the unit of work."""

from cargoscreen.store.repositories.containers import ContainerRepository
from cargoscreen.store.repositories.events import EventRepository
from cargoscreen.store.repositories.manifests import ManifestRepository
from cargoscreen.store.repositories.quarantine import QuarantineRepository
from cargoscreen.store.repositories.sources import SourceRepository

__all__ = [
    "ContainerRepository",
    "EventRepository",
    "ManifestRepository",
    "QuarantineRepository",
    "SourceRepository",
]
