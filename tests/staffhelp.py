"""Staff accounts for tests: created with the real ``papote staff`` command on a server's
database, then logged in over HTTP."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from dataclasses import dataclass

import httpx
import pyotp

from tests.serverproc import ServerProcess


@dataclass
class Staff:
    name: str
    password: str
    role: str
    totp_secret: str | None = None

    def code(self) -> str | None:
        return pyotp.TOTP(self.totp_secret).now() if self.totp_secret else None


def papote(server: ServerProcess, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PAPOTE_DATA_DIR": server.data_dir, **server.env}
    return subprocess.run(
        [sys.executable, "-m", "papote.cli", *args],
        input=stdin,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def add_staff(server: ServerProcess, role: str = "moderator", *queues: str) -> Staff:
    name = f"{role[:3]}{uuid.uuid4().hex[:8]}"
    password = "correct horse " + uuid.uuid4().hex[:8]
    args = ["staff", "add", name, "--role", role]
    for q in queues:
        args += ["--queue", q]
    done = papote(server, *args, stdin=password + "\n")
    assert done.returncode == 0, done.stderr
    secret = None
    if role == "admin":
        uri = done.stdout.strip().splitlines()[-1]
        assert uri.startswith("otpauth://totp/")
        secret = pyotp.parse_uri(uri).secret
    return Staff(name, password, role, secret)


def login(server: ServerProcess, staff: Staff) -> str:
    body = {"name": staff.name, "password": staff.password, "totp": staff.code()}
    r = httpx.post(f"{server.url}/api/v1/staff/login", json=body)
    assert r.status_code == 200, r.text
    token: str = r.json()["token"]
    return token


def auth(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}
