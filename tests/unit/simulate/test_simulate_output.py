"""Writing a SYNTHETIC port: CUSCAR per call, CODECO gate-outs, COARRI, ground truth, README."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cargoscreen.domain.events import EquipmentEventType
from cargoscreen.simulate import SimulatedPort, write_port_files


@pytest.fixture(scope="module")
def written(small_port: SimulatedPort, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    out = tmp_path_factory.mktemp("port")
    return out, write_port_files(small_port, out, formats=("cuscar", "codeco", "coarri"))


def test_one_cuscar_file_per_vessel_call(small_port: SimulatedPort, written: tuple[Path, list[Path]]) -> None:
    out, paths = written
    cuscar = sorted((out / "cuscar").glob("*.edi"))
    assert len(cuscar) == len(small_port.manifests)
    assert set(cuscar) <= set(paths)
    first = small_port.manifests[0].vessel_call
    assert list((out / "cuscar").glob(f"*_{first.imo_number}_{first.voyage_number}.edi"))
    assert all(p.read_bytes().startswith(b"UNA:+.? '\nUNB+UNO") for p in cuscar)
    assert all(b"SIM-" in p.read_bytes()[:80] for p in cuscar)


def test_ground_truth_and_readme_say_synthetic(
    small_port: SimulatedPort, written: tuple[Path, list[Path]]
) -> None:
    out, _ = written
    truth = json.loads((out / "ground_truth.json").read_text(encoding="utf-8"))
    assert truth["synthetic"] is True and truth["population"]["synthetic"] is True
    assert truth["config"]["seed"] == small_port.config.seed
    assert len(truth["cases"]) == len(small_port.ground_truth.cases)
    assert "SYNTHETIC" in (out / "README.txt").read_text(encoding="utf-8")


def test_codeco_holds_every_gate_out(small_port: SimulatedPort, written: tuple[Path, list[Path]]) -> None:
    out, _ = written
    text = b"".join(p.read_bytes() for p in (out / "codeco").glob("*.edi"))
    gate_outs = [e for e in small_port.events if e.event_type is EquipmentEventType.GATED_OUT]
    assert text.count(b"BGM+36+") >= 1
    assert text.count(b"EQD+CN+") == len(gate_outs)
    assert len(list((out / "coarri").glob("*.edi"))) == len(small_port.manifests)


def test_unknown_format_is_refused(small_port: SimulatedPort, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown output formats"):
        write_port_files(small_port, tmp_path, formats=("baplie",))
    assert not any(tmp_path.iterdir())


def test_files_read_back_as_the_same_records(
    small_port: SimulatedPort, written: tuple[Path, list[Path]]
) -> None:
    edifact = pytest.importorskip("cargoscreen.ingest.edifact")
    out, _ = written
    read = [
        edifact.parse_edifact(p.read_bytes(), source_name=p.name) for p in sorted((out / "cuscar").glob("*"))
    ]
    assert not [r.rejections for r in read if r.rejections]
    by_key = {m.message_key: m for r in read for m in r.manifests}
    assert by_key == {m.message_key: m for m in small_port.manifests}
    events = {e.event_id: e for e in small_port.events}
    for path in (out / "codeco").glob("*.edi"):
        result = edifact.parse_edifact(path.read_bytes(), source_name=path.name)
        assert not result.rejections
        for event in result.events:
            assert event.model_copy(update={"raw": ""}) == events[event.event_id]
