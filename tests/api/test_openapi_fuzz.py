"""schemathesis against the server's own OpenAPI document (issue 9, point 7): a short
run of generated requests on every HTTP operation, and not one 5xx answer."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import httpx

from tests.ageissuer import _papote, make_key
from tests.serverproc import RELAXED, ROOT, ServerProcess

ADMIN_TOKEN = "schemathesis-admin-token-0123456789-abcdefghijklmnop"


def test_openapi_document_lists_every_http_route(sqlite_server):
    spec = httpx.get(f"{sqlite_server.url}/api/v1/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    assert {
        "/api/v1/session",
        "/api/v1/challenge",
        "/api/v1/postal/{code}",
        "/api/v1/rooms",
        "/api/v1/age/nonce",
        "/api/v1/age/verify",
        "/api/v1/admin/terms",
        "/api/v1/admin/terms/{term_id}",
        "/healthz",
    } <= set(spec["paths"])


def test_schemathesis_finds_no_server_error(tmp_path: Path):
    key = make_key(tmp_path)
    issuers = json.dumps(
        {"https://age.example": _papote("age-attest", "pubkey", "--key", str(key))}
    )
    env = {
        **RELAXED,
        "PAPOTE_AGE_ISSUERS": issuers,
        "PAPOTE_ADMIN_TOKEN": ADMIN_TOKEN,
        "PAPOTE_LEGACY_ADMIN_TOKEN": "true",  # the fuzzer reaches the terms routes too
    }
    server = ServerProcess(env).start()
    try:
        done = subprocess.run(
            [
                str(ROOT / ".venv" / "bin" / "schemathesis"),
                "run",
                f"{server.url}/api/v1/openapi.json",
                "--checks=not_a_server_error",
                "--phases=examples,coverage,fuzzing",
                "--max-examples=25",
                "--seed=9",
                "--request-timeout=10",
                "--suppress-health-check=all",
                "--no-color",
                f"--header=Authorization: Bearer {ADMIN_TOKEN}",
            ],
            capture_output=True,
            text=True,
            timeout=600,
            cwd=tmp_path,
        )
    finally:
        server.stop()
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
    assert "Server error" not in done.stdout
