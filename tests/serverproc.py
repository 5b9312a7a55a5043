"""Start a real ``papote serve`` process for tests, on a free port, and stop it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
PAPOTE = ROOT / ".venv" / "bin" / "papote"

# Rate limits far above what tests send, except in tests that set their own.
RELAXED = {
    "PAPOTE_RATE_SAY": "1000/second",
    "PAPOTE_RATE_DM": "1000/second",
    "PAPOTE_RATE_JOIN": "1000/second",
    "PAPOTE_RATE_REPORT": "1000/second",
    "PAPOTE_RATE_ENTRY_IP": "10000/minute",
    "PAPOTE_RATE_FRAMES": "10000/second",
    "PAPOTE_DM_NEW_PER_10MIN": "1000",
    "PAPOTE_DM_NEW_PER_10MIN_NEWCOMER": "1000",
    "PAPOTE_PRESENCE_LINGER_S": "0.5",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class ServerProcess:
    env: dict[str, str]
    port: int = field(default_factory=free_port)
    data_dir: str = field(default_factory=lambda: tempfile.mkdtemp(prefix="papote-test-"))
    proc: subprocess.Popen[bytes] | None = None
    log_path: str = ""

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/api/v1/ws"

    def start(self, timeout: float = 30.0) -> ServerProcess:
        env = {**os.environ, "PAPOTE_ENV": "test", "PAPOTE_DATA_DIR": self.data_dir, **self.env}
        self.log_path = os.path.join(self.data_dir, f"server-{self.port}.log")
        log = open(self.log_path, "ab")  # noqa: SIM115 - kept open for the process's life
        self.proc = subprocess.Popen(
            [str(PAPOTE), "serve", "--host", "127.0.0.1", "--port", str(self.port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=str(ROOT),
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited early:\n{self.logs()}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"server did not start:\n{self.logs()}")

    def logs(self) -> str:
        try:
            return Path(self.log_path).read_text(errors="replace")[-5000:]
        except OSError:
            return ""

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 15.0) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(sig)
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)

    def kill9(self) -> None:
        self.stop(signal.SIGKILL)


def python() -> str:
    return sys.executable
