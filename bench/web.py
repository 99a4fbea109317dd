"""Web workstation under load: 50 concurrent users on the queue and container pages, and scan tiles.

What it does, as a user would:
1. ``cargoscreen demo`` builds a SYNTHETIC port day (unless ``--data-dir`` already holds one) and
   ``cargoscreen users demo`` creates the demo users;
2. ``cargoscreen serve`` starts uvicorn on a free loopback port;
3. ``wrk`` (Debian package, installed with apt-get when missing) drives the pages with a logged-in
   session cookie: 50 connections, each a user who waits ``--think-ms`` between requests (wrk's Lua
   ``delay``), and again with no think time (saturation); container pages rotate over the queue's
   containers, tiles over every tile of the demo's scans.

Targets (issue 5): p99 <= 100 ms on the pages, <= 50 ms on tiles. wrk's own output is kept in the result.
Run: ``.venv/bin/python bench/web.py [--data-dir DIR] [--duration 20] [--workers 2]``.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import write_result

BIN = Path(sys.executable).parent
PASSWORD = "bench-demo-password"
_LUA = """
paths = {%s}
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1])
end
%s
"""
_DELAY = "delay = function() return math.random(%d, %d) end"


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    subprocess.run(["apt-get", "update", "-q"], check=True, capture_output=True)
    subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True, capture_output=True)
    return shutil.which("wrk") or "wrk"


def environment(data_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("CARGOSCREEN_DATABASE_URL", None)
    env |= {
        "CARGOSCREEN_DATA_DIR": str(data_dir),
        "CARGOSCREEN_WEB__DEMO_PASSWORD": PASSWORD,
        "CARGOSCREEN_WEB__COOKIE_SECURE": "false",  # wrk speaks plain HTTP on loopback
    }
    return env


def prepare(data_dir: Path, containers: int) -> None:
    env = environment(data_dir)
    if not (data_dir / "cargoscreen.db").exists():
        subprocess.run([BIN / "cargoscreen", "demo", "--containers", str(containers), "--history-days", "1"],
                       env=env, check=True, stdout=subprocess.DEVNULL)  # fmt: skip
    subprocess.run([BIN / "cargoscreen", "users", "demo"], env=env, check=True, stdout=subprocess.DEVNULL)
    add_scans(data_dir)


def add_scans(data_dir: Path, count: int = 20) -> None:
    """When the demo stored no scans (no trained image model yet), ingest SYNTHETIC ones of queued boxes."""
    from datetime import UTC, datetime

    import numpy as np

    from cargoscreen.domain.scans import Scan, ScanMetadata, encode_attenuation
    from cargoscreen.ingest.images import write_dicos
    from cargoscreen.pipeline.scans import ingest_scans
    from cargoscreen.store import BlobStore, Database

    database = Database(f"sqlite:///{data_dir / 'cargoscreen.db'}")
    with database.unit_of_work() as uow:
        queue = uow.worklist.queue()
        if uow.scans.count() or queue is None:
            return
    rng = np.random.default_rng(0)
    with tempfile.TemporaryDirectory() as folder:
        for n, item in enumerate(queue.items[:count]):
            attenuation = rng.uniform(0.3, 3.5, size=(560, 2400)).astype(np.float32)
            meta = ScanMetadata(
                scan_id=f"1.2.826.0.1.3680043.8.498.9{n:04d}",
                container_number=item.container_number,
                container_id_raw=item.container_number,
                scanner="BENCH",
                site="BEANR",
                scanned_at=datetime.now(UTC),
                pixel_spacing_mm=(5.0, 5.0),
                energies_kv=(6000, 4000),
                source_format="DICOS",
                synthetic=True,
            )
            channels = {6000: encode_attenuation(attenuation), 4000: encode_attenuation(attenuation * 1.3)}
            write_dicos(Scan(meta, channels), Path(folder))
        ingest_scans([Path(folder)], unit_of_work=database.unit_of_work,
                     blobs=BlobStore(str(data_dir / "blobs")), submitted_by="bench")  # fmt: skip
    database.dispose()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(data_dir: Path, port: int, workers: int) -> subprocess.Popen[bytes]:
    command = [BIN / "cargoscreen", "serve", "--port", str(port), "--workers", str(workers)]
    server = subprocess.Popen(command, env=environment(data_dir), stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=1)
            return server
        except httpx.TransportError:
            time.sleep(0.3)
    server.terminate()
    raise RuntimeError("cargoscreen serve did not start")


def login(base: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=30)
    form = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert token, form.text
    client.post("/login", data={"username": "analyst", "password": PASSWORD, "csrf_token": token.group(1)})
    assert client.get("/api/v1/me").status_code == 200, "login failed"
    return client


def targets(client: httpx.Client) -> dict[str, list[str]]:
    queue = client.get("/api/v1/queue", params={"limit": 500}).json()["items"]
    containers = [f"/containers/{item['container_number']}" for item in queue[:200]]
    tiles: list[str] = []
    for scan in client.get("/api/v1/scans", params={"limit": 20}).json()["items"]:
        scan_id = scan["meta"]["scan_id"]
        names = client.get(f"/api/v1/scans/{scan_id}").json()["renditions"]
        tiles += [f"/api/v1/scans/{scan_id}/renditions/{name}" for name in names if name.startswith("tile/")]
    return {
        "queue": ["/queue", "/queue?sort=-score", "/queue?channel=PHYSICAL", "/queue?page=2"],
        "container": containers,
        "tile": tiles[:400],
    }


def run_wrk(
    wrk: str, base: str, cookie: str, paths: list[str], *, think_ms: int, seconds: int
) -> tuple[str, dict[str, Any]]:
    delay = _DELAY % (think_ms // 2, think_ms * 3 // 2) if think_ms else ""
    script = _LUA % (", ".join(f'"{p}"' for p in paths), delay)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        lua.write(script)
    command = [
        wrk,
        "-t2",
        "-c50",
        f"-d{seconds}s",
        "--latency",
        "-s",
        lua.name,
        "-H",
        f"Cookie: {cookie}",
        base,
    ]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    os.unlink(lua.name)
    return output, parse_wrk(output)


def parse_wrk(output: str) -> dict[str, Any]:
    def ms(value: str) -> float:
        number, unit = re.match(r"([\d.]+)(us|ms|s|m)", value).groups()  # type: ignore[union-attr]
        return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]

    found = {f"p{p}_ms": ms(v) for p, v in re.findall(r"^\s+(50|75|90|99)%\s+(\S+)", output, re.M)}
    found["requests_per_s"] = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    found["non_2xx"] = int(errors.group(1)) if errors else 0
    return found


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--data-dir", type=Path, default=None, help="reuse a demo data dir (default: a new one)"
    )
    parser.add_argument("--containers", type=int, default=12_000, help="containers of the demo day")
    parser.add_argument("--duration", type=int, default=20, help="seconds per wrk run")
    parser.add_argument("--think-ms", type=int, default=1000, help="mean pause of a user between requests")
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    args = parser.parse_args()
    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="bench-web-")) / "data"
    wrk = ensure_wrk()
    prepare(data_dir, args.containers)
    port = free_port()
    server = start_server(data_dir, port, args.workers)
    base = f"http://127.0.0.1:{port}"
    load_before = os.getloadavg()
    try:
        client = login(base)
        cookie = f"cargoscreen_session={client.cookies['cargoscreen_session']}"
        paths = targets(client)
        runs: dict[str, Any] = {}
        for name, urls in paths.items():
            if not urls:
                print(f"{name}: nothing to request (no scans stored?)")
                continue
            for mode, think in (("users", args.think_ms), ("saturation", 0)):
                output, numbers = run_wrk(wrk, base, cookie, urls, think_ms=think, seconds=args.duration)
                print(f"== {name}, 50 connections, {mode} (think {think} ms) ==\n{output}")
                runs[f"{name}/{mode}"] = numbers | {
                    "think_ms": think,
                    "urls": len(urls),
                    "wrk_output": output,
                }
    finally:
        server.terminate()
        server.wait(timeout=20)
    result = {
        "tool": "wrk 4 (-t2 -c50 --latency, Lua script rotating the URLs)",
        "server": f"cargoscreen serve --workers {args.workers} (uvicorn, SQLite, loopback)",
        "data": f"cargoscreen demo --containers {args.containers} --history-days 1 (SYNTHETIC)",
        "targets": {"pages_p99_ms": 100, "tiles_p99_ms": 50},
        "load_average_1_5_15": {"before": load_before, "after": os.getloadavg()},
        "runs": runs,
    }
    print(f"written to {write_result('web', result)}")


if __name__ == "__main__":
    main()
