"""Short-lived PostgreSQL and Redis servers of one's own, to break on purpose.

The fault tests and ``papote bench soak`` stop, kill and restart these; nothing else
uses them, so breaking them disturbs no other test. Each lives in a temporary folder
on a free loopback port (PostgreSQL refuses to run as root: it runs as ``postgres``).
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from papote.bench.server import free_port


def _pg_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        raise RuntimeError("PostgreSQL is not installed (Debian package postgresql)")
    return found[-1]


def _as_postgres() -> list[str]:
    return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


@dataclass
class PostgresProcess:
    port: int = field(default_factory=free_port)
    folder: str = field(default_factory=lambda: tempfile.mkdtemp(prefix="papote-pg-"))

    @property
    def url(self) -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/postgres"

    @property
    def _data(self) -> str:
        return os.path.join(self.folder, "data")

    def _run(self, *args: str, timeout: float = 60.0) -> None:
        subprocess.run(
            [*_as_postgres(), *args],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            timeout=timeout,
        )

    def start(self) -> PostgresProcess:
        if not os.path.exists(self._data):
            os.chmod(self.folder, 0o755)
            os.makedirs(self._data)
            if os.geteuid() == 0:
                shutil.chown(self.folder, "postgres")
                shutil.chown(self._data, "postgres")
            self._run(_pg_bin("initdb"), "-D", self._data, "-U", "postgres", "--auth=trust")
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.folder} "
            "-c fsync=on -c max_connections=200"
        )
        self._run(
            _pg_bin("pg_ctl"),
            "-D",
            self._data,
            "-l",
            f"{self._data}/log",
            "-w",
            "-o",
            options,
            "start",
        )
        return self

    def stop(self, mode: str = "immediate") -> None:
        """Stop the server (``immediate``: as a crash would; ``fast``: cleanly)."""
        with contextlib.suppress(subprocess.CalledProcessError):
            self._run(_pg_bin("pg_ctl"), "-D", self._data, "-m", mode, "-w", "stop")

    def kill9(self) -> None:
        """A crash: SIGKILL to the postmaster and to every one of its processes (no
        shutdown checkpoint, no goodbye to clients); ``start`` then recovers from the WAL."""
        try:
            pid = int(Path(self._data, "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return
        victims = [pid, *_children(pid)]
        for victim in victims:
            with contextlib.suppress(ProcessLookupError):
                os.kill(victim, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(_running(v) for v in victims):
            time.sleep(0.05)

    def destroy(self) -> None:
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            text = stat.read_text()
            if int(text[text.rindex(")") + 2 :].split()[1]) == pid:
                found.append(int(stat.parent.name))
    return found


def _running(pid: int) -> bool:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return text[text.rindex(")") + 2] != "Z"  # a zombie is gone, only not yet reaped


@dataclass
class RedisProcess:
    port: int = field(default_factory=free_port)
    folder: str = field(default_factory=lambda: tempfile.mkdtemp(prefix="papote-redis-"))
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout: float = 10.0) -> RedisProcess:
        command = [
            "redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--save", "",
            "--appendonly", "no", "--dir", self.folder,
        ]  # fmt: skip
        log = open(Path(self.folder) / "redis.log", "ab")  # noqa: SIM115 - owned by the child
        self.proc = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5),
            ):
                return self
            time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def kill(self) -> None:
        """Gone at once, state lost (SIGKILL, no save)."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def restart(self) -> None:
        self.kill()
        self.start()

    def destroy(self) -> None:
        self.kill()
        shutil.rmtree(self.folder, ignore_errors=True)
