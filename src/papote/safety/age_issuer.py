"""``papote age-attest``: a development issuer of "over 18" attestations.

For tests and demos only: it attests whatever it is told, checks nobody's age, and
says so on standard error every time it runs. A real deployment trusts the public
keys of real third-party age assurance providers instead (see docs/minors.md).

    papote age-attest keygen --out DIR
    papote age-attest pubkey --key DIR/age-issuer-private.pem [--format pem|jwk]
    papote age-attest issue --key DIR/age-issuer-private.pem --issuer dev --nonce NONCE [--ttl 600]

``issue`` signs with ``EdDSA`` for an Ed25519 key and ``ES256`` for a P-256 key, so
the same command serves both algorithms the verifier accepts.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import sys
import time
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from joserfc import jws
from joserfc.errors import SecurityWarning
from joserfc.jwk import ECKey, OKPKey

PrivateKey = Ed25519PrivateKey | ec.EllipticCurvePrivateKey

PRIVATE_FILE = "age-issuer-private.pem"
PUBLIC_FILE = "age-issuer-public.pem"
WARNING = (
    "papote age-attest: DEVELOPMENT ISSUER, for tests and demos only. "
    "It checks nobody's age; never trust its key in production."
)


def make_claims(
    issuer: str, nonce: str, *, now_s: int, ttl_s: int = 600, over18: bool = True
) -> dict[str, object]:
    return {
        "iss": issuer,
        "over18": over18,
        "nonce": nonce,
        "iat": now_s,
        "exp": now_s + ttl_s,
        "jti": secrets.token_urlsafe(16),
    }


def sign_attestation(key: PrivateKey, claims: Mapping[str, object]) -> str:
    """A compact JWS of ``claims`` (joserfc): EdDSA for an Ed25519 key, ES256 for a P-256 key."""
    jose_key: OKPKey | ECKey
    if isinstance(key, Ed25519PrivateKey):
        alg, jose_key = "EdDSA", OKPKey.import_key(_private_pem(key))
    elif isinstance(key.curve, ec.SECP256R1):
        alg, jose_key = "ES256", ECKey.import_key(_private_pem(key))
    else:
        raise ValueError("ES256 needs a P-256 key")
    payload = json.dumps(dict(claims), separators=(",", ":")).encode()
    with warnings.catch_warnings():  # "EdDSA", now also spelled "Ed25519" (RFC 9864)
        warnings.simplefilter("ignore", SecurityWarning)
        return jws.serialize_compact({"alg": alg, "typ": "JWT"}, payload, jose_key, [alg])


def _private_pem(key: PrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def load_private_key(path: Path) -> PrivateKey:
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if isinstance(key, Ed25519PrivateKey | ec.EllipticCurvePrivateKey):
        return key
    raise ValueError(f"{path}: only Ed25519 and P-256 private keys are supported")


def public_pem(key: PrivateKey) -> str:
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode("ascii")
    )


def public_jwk(key: PrivateKey) -> dict[str, str]:
    kind = OKPKey if isinstance(key, Ed25519PrivateKey) else ECKey
    jwk = kind.import_key(public_pem(key).encode()).as_dict(private=False)
    return {name: str(jwk[name]) for name in ("kty", "crv", "x", "y") if name in jwk}


def _keygen(args: argparse.Namespace) -> int:
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    private_path, public_path = out / PRIVATE_FILE, out / PUBLIC_FILE
    if not args.force and (private_path.exists() or public_path.exists()):
        print(f"papote age-attest: {out} already holds a key (use --force)", file=sys.stderr)
        return 1
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    fd = os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(pem)
    public_path.write_text(public_pem(key))
    print(f"{private_path}\n{public_path}")
    return 0


def _issue(args: argparse.Namespace) -> int:
    key = load_private_key(Path(args.key))
    claims = make_claims(
        args.issuer, args.nonce, now_s=int(time.time()), ttl_s=args.ttl, over18=not args.not_adult
    )
    print(sign_attestation(key, claims))
    return 0


def _pubkey(args: argparse.Namespace) -> int:
    key = load_private_key(Path(args.key))
    if args.format == "jwk":
        print(json.dumps(public_jwk(key)))
    else:
        print(public_pem(key), end="")
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="papote age-attest", description=WARNING)
    sub = parser.add_subparsers(dest="command", required=True)
    keygen = sub.add_parser("keygen", help="write an Ed25519 key pair (PEM) into a folder")
    keygen.add_argument("--out", required=True, help="folder for the two PEM files")
    keygen.add_argument("--force", action="store_true", help="overwrite an existing key")
    keygen.set_defaults(run=_keygen)
    issue = sub.add_parser("issue", help="print a signed over-18 attestation")
    issue.add_argument("--key", required=True, help="private key PEM (Ed25519 or P-256)")
    issue.add_argument("--issuer", required=True, help="issuer id, as configured in Papote")
    issue.add_argument(
        "--nonce",
        required=True,
        help="the nonce Papote gave the session (write --nonce=VALUE: it may start with -)",
    )
    issue.add_argument("--ttl", type=int, default=600, help="lifetime in seconds (600)")
    issue.add_argument("--not-adult", action="store_true", help='attest "over18": false')
    issue.set_defaults(run=_issue)
    pubkey = sub.add_parser("pubkey", help="print the public key of a private key")
    pubkey.add_argument("--key", required=True, help="private key PEM")
    pubkey.add_argument("--format", choices=("pem", "jwk"), default="pem")
    pubkey.set_defaults(run=_pubkey)
    return parser


def main(argv: Sequence[str]) -> int:
    print(WARNING, file=sys.stderr)
    args = _parser().parse_args(list(argv))
    if getattr(args, "ttl", 1) <= 0:
        print("papote age-attest: --ttl must be positive", file=sys.stderr)
        return 2
    try:
        status: int = args.run(args)
    except (OSError, ValueError, TypeError) as exc:
        print(f"papote age-attest: {exc}", file=sys.stderr)
        return 1
    return status
