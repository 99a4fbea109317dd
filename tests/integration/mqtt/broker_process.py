"""A Mosquitto broker of our own, started from deploy/mosquitto/cargoscreen.conf on a free port.

The tests and bench/sensors.py stop and start it mid-stream; CI's shared broker on 1883 is not touched.
"""

from __future__ import annotations

import getpass
import shutil
import socket
import subprocess
import time
from pathlib import Path

CONFIG = Path(__file__).resolve().parents[3] / "deploy" / "mosquitto" / "cargoscreen.conf"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def mosquitto_available() -> bool:
    return shutil.which("mosquitto") is not None


class Broker:
    """A mosquitto process with persistence in ``folder``; ``restart()`` keeps its port and its sessions."""

    def __init__(self, folder: Path, port: int | None = None) -> None:
        self.folder = folder
        self.port = port or free_port()
        self.process: subprocess.Popen[bytes] | None = None
        folder.mkdir(parents=True, exist_ok=True)
        self.config = folder / "mosquitto.conf"
        self.config.write_text(
            CONFIG.read_text(encoding="utf-8")
            + f"\nlistener {self.port} 127.0.0.1\npersistence_location {folder}/\n"
            + f"log_dest file {folder}/mosquitto.log\nuser {getpass.getuser()}\n",
            encoding="utf-8",
        )

    @property
    def url(self) -> str:
        return f"mqtt://127.0.0.1:{self.port}"

    def start(self, timeout: float = 10.0) -> None:
        self.process = subprocess.Popen(["mosquitto", "-c", str(self.config)], stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"mosquitto did not start on port {self.port}")

    def stop(self) -> None:
        """Stop cleanly (SIGTERM): mosquitto writes its persistence file on the way out."""
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def restart(self, pause: float = 0.5) -> None:
        self.stop()
        time.sleep(pause)
        self.start()
