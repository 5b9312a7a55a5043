"""What ``papote bench chat`` measures: a Papote node, two behind nginx, or a peer.

Each subject says where users connect, in which dialect, and which processes to read
for server CPU and memory. Papote nodes are ``papote.bench.server.ServerProcess``
(relaxed rate limits, loopback trusted); PostgreSQL and Redis for two nodes come
from ``papote.bench.services``.
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path

from papote.bench.server import (
    RELAXED_LIMITS,
    ServerProcess,
    free_port,
    process_cpu_seconds,
    process_rss_kib,
)
from papote.bench.services import PostgresProcess, RedisProcess

NODE_PEER = Path(__file__).parent / "peers" / "node"
PAPOTE_ENV = {**RELAXED_LIMITS, "PAPOTE_ENV": "prod", "PAPOTE_LOG_LEVEL": "WARNING"}


@dataclass
class Subject(ABC):
    name: str
    dialect: str
    port: int
    pids: list[int] = field(default_factory=list)
    host: str = "127.0.0.1"

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def cpu_seconds(self) -> float:
        return sum(process_cpu_seconds(p) for p in self.pids)

    def rss_kib(self) -> int:
        return sum(process_rss_kib(p) for p in self.pids)

    @abstractmethod
    def stop(self) -> None:
        """Stop the subject's processes (each kind of subject knows how)."""


@dataclass
class PapoteNode(Subject):
    server: ServerProcess | None = None

    @classmethod
    def start(cls, env: dict[str, str] | None = None) -> PapoteNode:
        server = ServerProcess({**PAPOTE_ENV, **(env or {})}).start()
        assert server.proc is not None
        return cls("papote", "papote", server.port, [server.proc.pid], server=server)

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()


def _wait_port(port: int, proc: subprocess.Popen[bytes], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the peer exited early (status {proc.returncode})")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            return
        time.sleep(0.1)
    proc.kill()
    raise RuntimeError(f"nothing listens on {port} after {timeout} s")


@dataclass
class Peer(Subject):
    proc: subprocess.Popen[bytes] | None = None

    @classmethod
    def start(cls, name: str) -> Peer:
        port = free_port()
        if name == "bare":
            command, dialect = [sys.executable, "-m", "papote.bench.chat.peers.bare"], "bare"
        elif name == "python-socketio":
            command = [sys.executable, "-m", "papote.bench.chat.peers.python_socketio"]
            dialect = "socketio"
        elif name == "node-socketio":
            ensure_node_peer()
            command, dialect = ["node", str(NODE_PEER / "server.js")], "socketio"
        else:
            raise ValueError(f"unknown peer {name}")
        proc = subprocess.Popen(
            [*command, str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        _wait_port(port, proc)
        return cls(name, dialect, port, [proc.pid], proc=proc)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)


def ensure_node_peer() -> None:
    """socket.io for the Node peer, from its own package-lock.json (bench only)."""
    if not (NODE_PEER / "node_modules" / "socket.io").exists():
        subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=NODE_PEER,
            check=True,
        )


NGINX_CONF = """\
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 30000; }}
worker_rlimit_nofile 65000;
http {{
  access_log off;
  upstream papote {{
    hash $remote_addr consistent;
{servers}
  }}
  map $http_upgrade $connection_upgrade {{ default upgrade; '' close; }}
  server {{
    listen 127.0.0.1:{port};
    location / {{
      proxy_pass http://papote;
      proxy_http_version 1.1;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_read_timeout 3600s;
      proxy_next_upstream error timeout http_502;
    }}
  }}
}}
"""


@dataclass
class Cluster(Subject):
    """N Papote nodes sharing PostgreSQL and Redis, behind one nginx (the bench's own
    small configuration; deploy/nginx/papote.conf is the production one)."""

    nodes: list[ServerProcess] = field(default_factory=list)
    postgres: PostgresProcess | None = None
    redis: RedisProcess | None = None
    nginx: subprocess.Popen[bytes] | None = None
    folder: str = ""
    spent_by_killed: float = 0.0  # CPU seconds of the nodes killed, up to their death

    @classmethod
    def start(cls, size: int) -> Cluster:
        if shutil.which("nginx") is None and not Path("/usr/sbin/nginx").exists():
            raise RuntimeError("nginx is not installed (Debian package nginx-light)")
        postgres = PostgresProcess().start()
        redis = RedisProcess().start()
        env = {
            **PAPOTE_ENV,
            "PAPOTE_DATABASE_URL": postgres.url,
            "PAPOTE_REDIS_URL": redis.url,
        }
        nodes = [ServerProcess(env).start()]  # the first one migrates the database
        nodes += [ServerProcess(env).start() for _ in range(size - 1)]
        folder = tempfile.mkdtemp(prefix="papote-nginx-")
        port = free_port()
        servers = "\n".join(
            f"    server 127.0.0.1:{n.port} max_fails=1 fail_timeout=5s;" for n in nodes
        )
        conf = Path(folder) / "nginx.conf"
        conf.write_text(NGINX_CONF.format(folder=folder, servers=servers, port=port))
        nginx = subprocess.Popen(
            [shutil.which("nginx") or "/usr/sbin/nginx", "-c", str(conf), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _wait_port(port, nginx)
        pids = [n.proc.pid for n in nodes if n.proc is not None]
        return cls(
            f"papote x{size} + nginx", "papote", port, pids, nodes=nodes, postgres=postgres,
            redis=redis, nginx=nginx, folder=folder,
        )  # fmt: skip

    def kill_node(self, k: int) -> None:
        node = self.nodes[k]
        if node.proc is not None:
            self.spent_by_killed += process_cpu_seconds(node.proc.pid)  # what it had used
            self.pids.remove(node.proc.pid)
        node.kill9()

    def cpu_seconds(self) -> float:
        return super().cpu_seconds() + self.spent_by_killed

    def stop(self) -> None:
        if self.nginx is not None and self.nginx.poll() is None:
            self.nginx.terminate()
            self.nginx.wait(10)
        for node in self.nodes:
            node.stop()
        if self.redis is not None:
            self.redis.destroy()
        if self.postgres is not None:
            self.postgres.destroy()
        shutil.rmtree(self.folder, ignore_errors=True)
