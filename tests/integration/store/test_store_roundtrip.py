"""Simulate → EDIFACT / JSON / DCSA files → ingest → store reproduces the simulator's records exactly."""

from __future__ import annotations

from pathlib import Path

import pytest

from cargoscreen.pipeline import ingest_paths
from cargoscreen.pipeline.simulation import write_simulation
from cargoscreen.simulate import SimulatedPort, SimulationConfig, simulate_port
from cargoscreen.store import BlobStore, Database


@pytest.fixture(scope="module")
def port() -> SimulatedPort:
    """A small SYNTHETIC port day with smuggling cases (so seal swaps and front companies occur)."""
    return simulate_port(SimulationConfig(seed=11, containers_per_day=600, smuggling_rate=0.05))


@pytest.mark.parametrize("formats", [("cuscar", "codeco"), ("json", "dcsa")])
def test_files_ingested_reproduce_the_simulated_manifests_exactly(
    db: Database, port: SimulatedPort, tmp_path: Path, formats: tuple[str, ...]
) -> None:
    write_simulation(port, tmp_path / "out", formats=formats)
    inputs = [p for p in (tmp_path / "out").iterdir() if p.is_dir()]
    report = ingest_paths(inputs, unit_of_work=db.unit_of_work, blobs=BlobStore(str(tmp_path / "blobs")))

    assert report.rejected == 0, report.errors
    assert report.manifests_new == len(port.manifests)
    assert report.containers_new == sum(len(m.equipment) for m in port.manifests)
    with db.unit_of_work() as uow:
        for manifest in port.manifests:
            stored = uow.manifests.get(manifest.message_key)
            assert stored is not None
            assert stored.model_copy(update={"source_format": manifest.source_format}) == manifest


def test_every_simulated_event_is_stored_once_from_its_own_message(
    db: Database, port: SimulatedPort, tmp_path: Path
) -> None:
    write_simulation(port, tmp_path / "out", formats=("cuscar", "codeco", "dcsa"))
    folders = [tmp_path / "out" / name for name in ("cuscar", "codeco", "dcsa")]
    blobs = BlobStore(str(tmp_path / "blobs"))
    first = ingest_paths(folders, unit_of_work=db.unit_of_work, blobs=blobs)
    again = ingest_paths(folders, unit_of_work=db.unit_of_work, blobs=blobs)

    assert first.events_new == len(port.events)
    assert (again.manifests_new, again.events_new, again.files_already_seen) == (0, 0, again.files)
    with db.unit_of_work() as uow:
        assert uow.stats().events == len(port.events)


def test_ingest_with_parse_workers_stores_the_same(db: Database, port: SimulatedPort, tmp_path: Path) -> None:
    write_simulation(port, tmp_path / "out", formats=("cuscar",))
    report = ingest_paths(
        [tmp_path / "out" / "cuscar"],
        unit_of_work=db.unit_of_work,
        blobs=BlobStore(str(tmp_path / "b")),
        workers=2,
    )
    assert report.manifests_new == len(port.manifests)
    with db.unit_of_work() as uow:
        assert uow.manifests.get(port.manifests[-1].message_key) == port.manifests[-1]
