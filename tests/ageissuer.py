"""The development issuer of over-18 attestations (`papote age-attest`), for tests.

A test plays the third-party provider: it makes a key pair, starts a server that trusts
its public key, and signs attestations over the nonces Papote hands out.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.serverproc import PAPOTE, RELAXED, ServerProcess


def _papote(*args: str) -> str:
    done = subprocess.run([str(PAPOTE), *args], check=True, capture_output=True, text=True)
    return done.stdout


def make_key(folder: Path) -> Path:
    _papote("age-attest", "keygen", "--out", str(folder))
    return folder / "age-issuer-private.pem"


def server_trusting(key: Path, issuer: str) -> ServerProcess:
    """A started server whose only trusted age issuer is ``issuer`` with ``key``."""
    public = _papote("age-attest", "pubkey", "--key", str(key))
    return ServerProcess({**RELAXED, "PAPOTE_AGE_ISSUERS": json.dumps({issuer: public})}).start()


def issue(key: Path, issuer: str, nonce: str, *extra: str) -> str:
    """What the provider returns: an attestation signed over Papote's nonce."""
    # "--nonce=" with an equals sign: a nonce may start with "-"
    out = _papote(
        "age-attest", "issue", "--key", str(key), "--issuer", issuer, f"--nonce={nonce}", *extra
    )
    return out.strip()


def verify_adult(server: ServerProcess, key: Path, issuer: str, token: str) -> None:
    """Give a test session the verified-adult badge, through the real nonce/verify flow."""
    import httpx

    headers = {"authorization": f"Bearer {token}"}
    nonce = httpx.post(f"{server.url}/api/v1/age/nonce", headers=headers).json()["nonce"]
    body = {"attestation": issue(key, issuer, nonce), "nonce": nonce}
    response = httpx.post(f"{server.url}/api/v1/age/verify", headers=headers, json=body)
    response.raise_for_status()
