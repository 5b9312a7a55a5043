"""Uploading and fetching images over real HTTP, for the tests."""

from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path
from typing import Any

import httpx

from tests.serverproc import PAPOTE, ServerProcess


def upload(
    server: ServerProcess, token: str, data: bytes, *, path: str = "/api/v1/media"
) -> httpx.Response:
    return httpx.post(
        server.url + path,
        headers={"authorization": f"Bearer {token}"},
        files={"file": ("photo.jpg", data, "image/jpeg")},
        timeout=60,
    )


def uploaded(server: ServerProcess, token: str, data: bytes) -> dict[str, Any]:
    response = upload(server, token, data)
    assert response.status_code == 201, response.text
    media: dict[str, Any] = response.json()["media"]
    return media


def fetch(server: ServerProcess, token: str, media_id: str, *, full: bool) -> httpx.Response:
    query = "?view=full" if full else ""
    return httpx.get(
        f"{server.url}/api/v1/media/{media_id}{query}",
        headers={"authorization": f"Bearer {token}"},
    )


def papote(server: ServerProcess, *args: str) -> str:
    """Run the ``papote`` command against the server's own database."""
    env = {"PAPOTE_DATA_DIR": server.data_dir, **server.env}
    import os

    done = subprocess.run(
        [str(PAPOTE), *args], env={**os.environ, **env}, capture_output=True, text=True, check=True
    )
    return done.stdout


def query(
    server: ServerProcess, sql: str, *params: Any, file: str = "papote.db"
) -> list[tuple[Any, ...]]:
    """Read the server's SQLite database (evidence the API does not expose yet);
    ``file="papote-media.db"`` for the image bytes (store/media_file.py)."""
    with sqlite3.connect(Path(server.data_dir) / file) as db:
        return list(db.execute(sql, params))
