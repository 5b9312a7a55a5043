"""A real ``papote serve`` process on a free loopback port, for benchmarks and tests.

Started with the same interpreter, a data folder of its own and relaxed rate limits
(the load comes from one address); stopped with SIGTERM (or SIGKILL, for durability
tests). Exposes the process's memory and CPU time for the benchmarks.
"""

from __future__ import annotations

import contextlib
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

CLK_TCK = os.sysconf("SC_CLK_TCK")
# Far above what a benchmark or a test sends from its single address.
RELAXED_LIMITS = {
    "PAPOTE_RATE_SAY": "1000/second",
    "PAPOTE_RATE_DM": "1000/second",
    "PAPOTE_RATE_JOIN": "1000/second",
    "PAPOTE_RATE_REPORT": "1000/second",
    "PAPOTE_RATE_ENTRY_IP": "100000/minute",
    "PAPOTE_RATE_STAFF_LOGIN": "1000/second",
    "PAPOTE_RATE_NOTICE": "1000/second",
    "PAPOTE_RATE_FRAMES": "100000/second",
    "PAPOTE_DM_NEW_PER_10MIN": "1000",
    "PAPOTE_DM_NEW_PER_10MIN_NEWCOMER": "1000",
    # Entry challenges and per-address entry limits are lifted for the loopback only
    # (the load comes from one address, from programs that are not browsers).
    "PAPOTE_TRUSTED_NETWORKS": "127.0.0.0/8",
    "PAPOTE_MAX_CONNECTIONS_PER_PREFIX": "100000",
    "PAPOTE_MAX_SESSIONS_PER_BROWSER": "100000",  # one HTTP client enters everyone
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class ServerProcess:
    env: dict[str, str]  # PAPOTE_* settings on top of the inherited environment
    port: int = field(default_factory=free_port)
    metrics_port: int = field(default_factory=free_port)  # its own listener, never public
    data_dir: str = field(default_factory=lambda: tempfile.mkdtemp(prefix="papote-"))
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def metrics_url(self) -> str:
        return f"http://127.0.0.1:{self.metrics_port}/metrics"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/api/v1/ws"

    @property
    def log_path(self) -> str:
        return os.path.join(self.data_dir, f"server-{self.port}.log")

    def start(self, timeout: float = 120.0) -> ServerProcess:
        env = {
            **os.environ,
            "PAPOTE_DATA_DIR": self.data_dir,
            "PAPOTE_METRICS_ADDR": f"127.0.0.1:{self.metrics_port}",
            **self.env,
        }
        command = [
            sys.executable,
            "-m",
            "papote.cli",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
        ]
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(
                command, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server exited early:\n{self.logs()}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return self
            time.sleep(0.1)
        self.proc.kill()  # never leave a half-started server behind
        self.proc.wait()
        raise RuntimeError(f"the server did not start in {timeout} s:\n{self.logs()}")

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

    def rss_kib(self) -> int:
        """Resident memory of the server process (VmRSS), in KiB."""
        if self.proc is None:
            raise RuntimeError("the server is not running")
        return process_rss_kib(self.proc.pid)

    def cpu_seconds(self) -> float:
        """User + system CPU time of the server process so far."""
        if self.proc is None:
            raise RuntimeError("the server is not running")
        return process_cpu_seconds(self.proc.pid)


def process_rss_kib(pid: int) -> int:
    """Resident memory of a process (VmRSS of /proc/PID/status), in KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS in /proc/PID/status")


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (/proc/PID/stat, 10 ms ticks)."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime, stime
