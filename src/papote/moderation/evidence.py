"""Evidence packages for the authorities: canonical JSON signed with Ed25519.

The package holds the content, its context, timestamps, hashed identifiers and the
SHA-256 of every file; it is serialised canonically (sorted keys, UTF-8, no spaces) and
signed with the server's evidence key (``cryptography``'s Ed25519), so that anyone with
the public key can check that nothing was changed since (``verify``; the console's
``POST /api/v1/staff/cases/{id}/evidence`` answers the public key with the package).
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any

import orjson
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

FORMAT = "papote-evidence/1"


def canonical(body: dict[str, Any]) -> bytes:
    return orjson.dumps(body, option=orjson.OPT_SORT_KEYS)


def file_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sign(key: Ed25519PrivateKey, body: dict[str, Any]) -> tuple[str, str]:
    """The canonical text of ``body`` and its base64 signature."""
    text = canonical({**body, "format": FORMAT})
    return text.decode(), base64.b64encode(key.sign(text)).decode()


def verify(public: Ed25519PublicKey, text: str, signature: str) -> bool:
    try:
        public.verify(base64.b64decode(signature), text.encode())
    except (InvalidSignature, ValueError):
        return False
    return True


def public_pem(key: Ed25519PrivateKey) -> str:
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def load_or_create(pem: bytes | None) -> tuple[Ed25519PrivateKey, bytes | None]:
    """The key from its PEM, or a new one with the PEM to store (second item)."""
    if pem:
        key = serialization.load_pem_private_key(pem, password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError("the evidence key must be an Ed25519 private key")
        return key, None
    key = Ed25519PrivateKey.generate()
    new_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return key, new_pem
