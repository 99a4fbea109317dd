"""Partner-port exchange: resumable checksum-verified uploads, idempotent submissions, partner isolation."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from api_world import T0, ClientFactory, World, dicos_files, sha256, synthetic_scan

from cargoscreen.domain.scans import ScanOrigin


def partner_files(folder: Path, scan_id: str, port: str = "ECGYE", seed: int = 5) -> list[Path]:
    scan = synthetic_scan(
        scan_id,
        seed=seed,
        origin=ScanOrigin.PRE_DEPARTURE,
        partner_port=port,
        scanned_at=T0 - timedelta(days=9),
    )
    return dicos_files(scan, folder)


def upload_in_chunks(client, path: Path, chunk: int = 4096) -> str:  # type: ignore[no-untyped-def]
    data = path.read_bytes()
    started = client.post(
        "/api/v1/partner/uploads",
        json={"filename": path.name, "size_bytes": len(data), "sha256": sha256(data)},
    )
    assert started.status_code in (200, 201), started.text
    upload = started.json()
    for offset in range(upload["received"], len(data), chunk):
        put = client.put(
            f"/api/v1/partner/uploads/{upload['upload_id']}",
            params={"offset": offset},
            content=data[offset : offset + chunk],
        )
        assert put.status_code == 200, put.text
    done = client.post(f"/api/v1/partner/uploads/{upload['upload_id']}/complete")
    assert done.status_code == 200 and done.json()["status"] == "VERIFIED", done.text
    return str(upload["upload_id"])


def test_a_chunked_upload_resumes_and_a_submission_is_idempotent(
    client_for: ClientFactory, world: World, tmp_path: Path
) -> None:
    ecgye = client_for(token="ECGYE")
    files = partner_files(tmp_path, "1.2.826.0.1.3680043.8.498.301")
    data = files[0].read_bytes()
    upload = ecgye.post(
        "/api/v1/partner/uploads",
        json={"filename": files[0].name, "size_bytes": len(data), "sha256": sha256(data)},
    ).json()
    first = ecgye.put(
        f"/api/v1/partner/uploads/{upload['upload_id']}", params={"offset": 0}, content=data[:1000]
    )
    assert first.json()["received"] == 1000
    skipped = ecgye.put(
        f"/api/v1/partner/uploads/{upload['upload_id']}", params={"offset": 5000}, content=b"x"
    )
    assert skipped.status_code == 409 and skipped.json()["received"] == 1000
    early = ecgye.post(f"/api/v1/partner/uploads/{upload['upload_id']}/complete")
    assert early.status_code == 409
    # the connection dropped: the partner asks where to resume and sends the rest
    assert ecgye.get(f"/api/v1/partner/uploads/{upload['upload_id']}").json()["received"] == 1000
    ids = [upload_in_chunks(ecgye, path) for path in files]
    assert ids[0] == upload["upload_id"]
    submitted = ecgye.post("/api/v1/partner/submissions", json={"uploads": ids})
    assert submitted.status_code == 201, submitted.text
    result = submitted.json()["result"]
    assert len(result["stored"]) == 1 and not result["errors"]
    again = ecgye.post("/api/v1/partner/submissions", json={"uploads": list(reversed(ids))})
    assert again.status_code == 200 and again.json()["id"] == submitted.json()["id"]
    scan_id = result["stored"][0]
    with world.database.unit_of_work() as uow:
        stored = uow.scans.get(scan_id)
        assert uow.scans.list(submitted_by="partner:ECGYE", limit=100).count(stored) == 1  # type: ignore[arg-type]
    assert stored is not None and stored.submitted_by == "partner:ECGYE"
    assert stored.meta.origin is ScanOrigin.PRE_DEPARTURE and stored.meta.partner_port == "ECGYE"


def test_a_checksum_mismatch_is_refused_and_the_bytes_discarded(
    client_for: ClientFactory, tmp_path: Path
) -> None:
    ecgye = client_for(token="ECGYE")
    files = partner_files(tmp_path, "1.2.826.0.1.3680043.8.498.302")
    data = files[0].read_bytes()
    wrong = sha256(data + b"tampered")
    upload = ecgye.post(
        "/api/v1/partner/uploads", json={"filename": files[0].name, "size_bytes": len(data), "sha256": wrong}
    ).json()
    ecgye.put(f"/api/v1/partner/uploads/{upload['upload_id']}", params={"offset": 0}, content=data)
    refused = ecgye.post(f"/api/v1/partner/uploads/{upload['upload_id']}/complete")
    assert refused.status_code == 422 and "checksum mismatch" in refused.json()["detail"]
    assert ecgye.get(f"/api/v1/partner/uploads/{upload['upload_id']}").json()["received"] == 0
    one_shot = ecgye.post(
        "/api/v1/partner/scans",
        files=[("files", (p.name, p.read_bytes(), "application/dicom")) for p in files],
        data={"sha256": [sha256(files[0].read_bytes()), wrong]},
    )
    assert one_shot.status_code == 422 and "checksum mismatch" in one_shot.json()["detail"]


def test_partner_a_cannot_read_or_overwrite_partner_b_scans(
    client_for: ClientFactory, world: World, tmp_path: Path
) -> None:
    ecgye, coctg = client_for(token="ECGYE"), client_for(token="COCTG")
    files = partner_files(tmp_path / "a", "1.2.826.0.1.3680043.8.498.303")
    pushed = ecgye.post(
        "/api/v1/partner/scans",
        files=[("files", (p.name, p.read_bytes(), "application/dicom")) for p in files],
        data={"sha256": [sha256(p.read_bytes()) for p in files]},
    )
    assert pushed.status_code == 201, pushed.text
    (scan_id,) = pushed.json()["result"]["stored"]
    # COCTG neither lists, reads, nor sees the renditions of ECGYE's scans
    listed = {s["meta"]["scan_id"] for s in coctg.get("/api/v1/scans", params={"limit": 500}).json()["items"]}
    assert scan_id not in listed and world.partner_scan not in listed
    assert coctg.get(f"/api/v1/scans/{scan_id}").status_code == 404
    assert coctg.get(f"/api/v1/scans/{scan_id}/renditions/thumbnail").status_code == 404
    assert coctg.get(f"/api/v1/scans/{world.arrival_scan}").status_code == 404
    # ...nor ECGYE's uploads or submissions
    upload_id = ecgye.post(
        "/api/v1/partner/uploads",
        json={
            "filename": files[0].name,
            "size_bytes": files[0].stat().st_size,
            "sha256": sha256(files[0].read_bytes()),
        },
    ).json()["upload_id"]
    assert coctg.get(f"/api/v1/partner/uploads/{upload_id}").status_code == 404
    assert (
        coctg.put(f"/api/v1/partner/uploads/{upload_id}", params={"offset": 0}, content=b"x").status_code
        == 404
    )
    assert coctg.get("/api/v1/partner/submissions").json()["items"] == []
    # the same files pushed by COCTG (claiming its own port or not) cannot overwrite ECGYE's scan
    stolen = coctg.post(
        "/api/v1/partner/scans",
        files=[("files", (p.name, p.read_bytes(), "application/dicom")) for p in files],
        data={"sha256": [sha256(p.read_bytes()) for p in files]},
    )
    assert stolen.status_code == 201 and not stolen.json()["result"]["stored"]
    with world.database.unit_of_work() as uow:
        scan = uow.scans.get(scan_id)
    assert scan is not None and scan.submitted_by == "partner:ECGYE" and scan.meta.partner_port == "ECGYE"
    mine = {s["meta"]["scan_id"] for s in ecgye.get("/api/v1/scans", params={"limit": 500}).json()["items"]}
    assert {scan_id, world.partner_scan} <= mine and world.arrival_scan not in mine
