"""Anonymous age assurance: signed "over 18" attestations from a third party.

This follows the "double anonymity" principle of France's ARCOM: a third-party
provider checks that a person is an adult and hands them a signed attestation; the
provider never learns that the attestation is meant for Papote (it only sees an
opaque random nonce), and Papote learns nothing from the attestation but "over 18"
(no name, no birth date, no document). See docs/minors.md.

The flow, as the core drives it:

1. ``AgeAssurance.new_nonce(session_id, now)``: a nonce, random to any outsider,
   bound to the session asking for it and valid for a few minutes.
2. The person takes the nonce to a trusted provider and comes back with an
   attestation: a compact JWS (``EdDSA`` or ``ES256``) with the claims
   ``{"iss", "over18": true, "nonce", "iat", "exp", "jti"}``.
3. ``await AgeAssurance.check(attestation, nonce=..., session_id=..., now=...)``
   returns an :class:`AgeVerification` or raises :class:`AgeAssuranceError` with a
   stable :class:`AgeFailure` code and a French message. The nonce and the
   attestation's ``jti`` are each accepted once (:class:`ReplayStore`).

Times given to this module (``now``) are milliseconds since the epoch, like every
time of the wire protocol; the JWS claims ``iat`` and ``exp`` are seconds, as RFC
7519 wants. The attestation is a bearer proof: it is never logged nor put in an
exception.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import hmac
import json
import re
import secrets
import time
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol, TypeGuard

from joserfc import jws
from joserfc.errors import JoseError, SecurityWarning
from joserfc.jwk import ECKey, OKPKey

PublicKey = OKPKey | ECKey
# A trusted issuer's key: a PEM ("-----BEGIN PUBLIC KEY-----"), a JWK as JSON text, or
# a JWK already parsed.
KeySpec = str | bytes | Mapping[str, object]

ALGORITHMS = ("EdDSA", "Ed25519", "ES256")
_KEY_TYPE: dict[str, type[PublicKey]] = {"EdDSA": OKPKey, "Ed25519": OKPKey, "ES256": ECKey}
_CURVES = ("Ed25519", "P-256")
MAX_ATTESTATION_CHARS = 8192
DEFAULT_LEEWAY_S = 60  # clock skew tolerated between the provider and us
DEFAULT_NONCE_TTL_S = 600
# An attestation answers one nonce of a few minutes: a longer life is a provider's bug,
# and it bounds how long a jti must be remembered.
MAX_LIFETIME_S = 86400

_B64URL = re.compile(r"[A-Za-z0-9_-]*")
# nonce and jti: printable ASCII, so that every store can hold them as they are
_TOKEN = re.compile(r"[\x21-\x7e]{1,256}")
_MS_FLOOR = 10**12  # 2001-09-09 in milliseconds: anything below is seconds by mistake


class AgeFailure(StrEnum):
    """Why an attestation was refused; the values are stable wire codes."""

    INVALID_ATTESTATION = "invalid_attestation"
    EXPIRED = "expired"
    REPLAYED = "replayed"
    UNKNOWN_ISSUER = "unknown_issuer"
    BAD_SIGNATURE = "bad_signature"
    WRONG_NONCE = "wrong_nonce"
    NOT_ADULT = "not_adult"


MESSAGES_FR: dict[AgeFailure, str] = {
    AgeFailure.INVALID_ATTESTATION: (
        "L'attestation de majorité est illisible ou incomplète. "
        "Recommence la vérification auprès du prestataire."
    ),
    AgeFailure.EXPIRED: (
        "L'attestation de majorité a expiré. Recommence la vérification\u00a0: "
        "elle ne prend que quelques minutes."
    ),
    AgeFailure.REPLAYED: (
        "Cette attestation de majorité a déjà été utilisée. "
        "Chaque attestation ne sert qu'une seule fois\u00a0: demandes-en une nouvelle."
    ),
    AgeFailure.UNKNOWN_ISSUER: (
        "Cette attestation vient d'un prestataire que Papote ne reconnaît pas. "
        "Choisis un des prestataires proposés."
    ),
    AgeFailure.BAD_SIGNATURE: (
        "La signature de l'attestation de majorité n'est pas valide. "
        "Recommence la vérification auprès du prestataire."
    ),
    AgeFailure.WRONG_NONCE: (
        "Cette attestation de majorité a été demandée pour une autre session. "
        "Recommence la vérification depuis cette page."
    ),
    AgeFailure.NOT_ADULT: (
        "Le prestataire n'a pas confirmé que tu as 18 ans ou plus. Papote est réservé aux adultes."
    ),
}


class AgeAssuranceError(Exception):
    """A refused attestation or nonce. Carries a code and a French message, never the proof."""

    def __init__(self, code: AgeFailure) -> None:
        super().__init__(code.value)
        self.code = code
        self.message = MESSAGES_FR[code]


@dataclass(frozen=True, slots=True)
class AgeVerification:
    """All Papote learns from a valid attestation: this person is over 18, says ``issuer``."""

    issuer: str
    jti: str
    issued_at: int  # seconds, from the attestation
    expires_at: int  # seconds, from the attestation
    verified_at: int  # milliseconds, our clock


class AgeVerifier(Protocol):
    """Checks one attestation; raises :class:`AgeAssuranceError` when it is refused."""

    async def verify(self, attestation: str, *, nonce: str, now: int) -> AgeVerification: ...


class ReplayStore(Protocol):
    """Single-use tokens. The core provides a shared (SQL or Redis) one for several nodes."""

    async def claim(self, key: str, ttl_s: int) -> bool:
        """True the first time ``key`` is claimed within ``ttl_s`` seconds, False after."""
        ...


class InMemoryReplayStore:
    """A :class:`ReplayStore` for one process (tests, single-node deployments)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._expiry: dict[str, float] = {}
        self._claims_since_prune = 0

    async def claim(self, key: str, ttl_s: int) -> bool:
        now = self._clock()
        expiry = self._expiry.get(key)
        if expiry is not None and expiry > now:
            return False
        self._expiry[key] = now + max(ttl_s, 1)
        self._claims_since_prune += 1
        if self._claims_since_prune >= 1024:
            self._prune(now)
        return True

    def _prune(self, now: float) -> None:
        self._expiry = {k: exp for k, exp in self._expiry.items() if exp > now}
        self._claims_since_prune = 0


def _seconds(now_ms: int) -> int:
    if now_ms < _MS_FLOOR:
        raise ValueError("now must be milliseconds since the epoch, not seconds")
    return now_ms // 1000


# -- nonces --------------------------------------------------------------------------


class NonceIssuer:
    """Nonces bound to a session, short-lived and single-use, with nothing stored to issue.

    A nonce is ``base64url(random 16 bytes | masked expiry 8 bytes | MAC 16 bytes)``:
    the expiry is masked with a pad derived from the random part, so the provider
    who sees the nonce sees 40 random-looking bytes and nothing that points to
    Papote, the session or the time. The MAC binds the random part, the expiry and
    the session id under the server secret.
    """

    def __init__(
        self, secret: bytes, store: ReplayStore, *, ttl_s: int = DEFAULT_NONCE_TTL_S
    ) -> None:
        if len(secret) < 16:
            raise ValueError("the nonce secret must be at least 16 bytes")
        if ttl_s <= 0:
            raise ValueError("ttl_s must be positive")
        self._key = hmac.new(secret, b"papote.age-assurance.nonce.v1", hashlib.sha256).digest()
        self._store = store
        self.ttl_s = ttl_s

    def issue(self, session_id: str, now: int) -> str:
        rand = secrets.token_bytes(16)
        expiry = _seconds(now) + self.ttl_s
        masked = bytes(
            a ^ b for a, b in zip(expiry.to_bytes(8, "big"), self._pad(rand), strict=True)
        )
        return _b64url_encode(rand + masked + self._mac(rand, expiry, session_id))

    def check(self, nonce: str, session_id: str, now: int) -> int:
        """Check binding and expiry without using the nonce up; returns its expiry (seconds)."""
        raw = _b64url_decode(nonce) if len(nonce) <= 64 else None
        if raw is None or len(raw) != 40:
            raise AgeAssuranceError(AgeFailure.WRONG_NONCE)
        rand, masked, mac = raw[:16], raw[16:24], raw[24:]
        expiry = int.from_bytes(bytes(a ^ b for a, b in zip(masked, self._pad(rand), strict=True)))
        if not hmac.compare_digest(mac, self._mac(rand, expiry, session_id)):
            raise AgeAssuranceError(AgeFailure.WRONG_NONCE)
        if _seconds(now) > expiry:
            raise AgeAssuranceError(AgeFailure.EXPIRED)
        return expiry

    async def redeem(self, nonce: str, session_id: str, now: int) -> None:
        """Check the nonce and use it up: a second redeem raises ``replayed``."""
        expiry = self.check(nonce, session_id, now)
        if not await self._store.claim(f"age-nonce:{nonce}", expiry - _seconds(now) + 1):
            raise AgeAssuranceError(AgeFailure.REPLAYED)

    def _pad(self, rand: bytes) -> bytes:
        return hmac.new(self._key, b"pad|" + rand, hashlib.sha256).digest()[:8]

    def _mac(self, rand: bytes, expiry: int, session_id: str) -> bytes:
        msg = (
            b"mac|" + rand + expiry.to_bytes(8, "big") + session_id.encode("utf-8", "surrogatepass")
        )
        return hmac.new(self._key, msg, hashlib.sha256).digest()[:16]


# -- keys ----------------------------------------------------------------------------


def _jose_key(spec: Mapping[str, object] | bytes) -> PublicKey:
    """A public Ed25519 (OKP) or P-256 (EC) key in joserfc's form; ``ValueError`` otherwise."""
    errors: list[str] = []
    for kind in (OKPKey, ECKey):
        try:
            key = kind.import_key(dict(spec) if isinstance(spec, Mapping) else spec)  # type: ignore[arg-type]
            curve = key.as_dict(private=False).get("crv")
            _ = key.public_key  # a member of the wrong size fails here, at start
        except (JoseError, ValueError, TypeError, KeyError) as exc:
            errors.append(str(exc) or type(exc).__name__)
            continue
        if key.is_private:
            raise ValueError("this key is a private key; configure the public key only")
        if curve not in _CURVES:
            raise ValueError("only Ed25519 and P-256 public keys are accepted")
        return key
    raise ValueError("not an Ed25519 or P-256 public key: " + "; ".join(errors))


def load_public_key(spec: KeySpec) -> PublicKey:
    """An Ed25519 or P-256 public key from a PEM or a JWK; ``ValueError`` otherwise."""
    if isinstance(spec, Mapping):
        jwk: object = spec
    else:
        data = (spec.encode() if isinstance(spec, str) else spec).strip()
        if not data.startswith(b"{"):
            return _jose_key(data)
        try:
            jwk = json.loads(data)
        except ValueError as exc:
            raise ValueError("the JWK is not valid JSON") from exc
    if not isinstance(jwk, Mapping):
        raise ValueError("a JWK must be a JSON object")
    if "d" in jwk:
        raise ValueError("this JWK holds a private key; configure the public key only")
    if (jwk.get("kty"), jwk.get("crv")) not in (("OKP", "Ed25519"), ("EC", "P-256")):
        raise ValueError("only OKP/Ed25519 and EC/P-256 JWKs are accepted")
    return _jose_key(jwk)


def load_trusted_issuers(
    issuers: Mapping[str, KeySpec | Sequence[KeySpec]],
) -> dict[str, tuple[PublicKey, ...]]:
    """Parse the issuer configuration once, at start, so a bad key fails loudly then."""
    trusted: dict[str, tuple[PublicKey, ...]] = {}
    for issuer, specs in issuers.items():
        listed: Sequence[KeySpec] = (
            (specs,) if isinstance(specs, str | bytes | Mapping) else tuple(specs)
        )
        try:
            keys = tuple(load_public_key(spec) for spec in listed)
        except ValueError as exc:
            raise ValueError(f"bad public key for age issuer {issuer!r}: {exc}") from exc
        if not issuer or not keys:
            raise ValueError(f"age issuer {issuer!r} needs a non-empty id and at least one key")
        trusted[issuer] = keys
    return trusted


# -- the JWS verifier (joserfc) ------------------------------------------------------


class JwsAgeVerifier:
    """The built-in :class:`AgeVerifier`: compact JWS attestations, EdDSA or ES256.

    Signatures are checked by joserfc (on ``cryptography``). The algorithm must match
    the key type of the issuer (an Ed25519 key verifies only ``EdDSA``/``Ed25519``, a
    P-256 key only ``ES256``): ``none``, HMAC and every other algorithm are refused
    before any key is touched.
    """

    def __init__(
        self,
        trusted_issuers: Mapping[str, KeySpec | Sequence[KeySpec]],
        replay_store: ReplayStore,
        *,
        leeway_s: int = DEFAULT_LEEWAY_S,
    ) -> None:
        self._issuers = load_trusted_issuers(trusted_issuers)
        self._replay = replay_store
        self.leeway_s = leeway_s

    async def verify(self, attestation: str, *, nonce: str, now: int) -> AgeVerification:
        claims = self.check_claims(attestation, nonce=nonce, now=now)
        now_s = _seconds(now)
        ttl = max(claims.expires_at - now_s + self.leeway_s, 1)
        if not await self._replay.claim(f"age-jti:{claims.issuer}:{claims.jti}", ttl):
            raise AgeAssuranceError(AgeFailure.REPLAYED)
        return claims

    def check_claims(self, attestation: str, *, nonce: str, now: int) -> AgeVerification:
        """Everything but the single-use check: no I/O, nothing used up."""
        now_s = _seconds(now)
        alg, unverified = _extract(attestation)
        issuer = unverified.get("iss")
        if not isinstance(issuer, str) or not issuer:
            raise AgeAssuranceError(AgeFailure.INVALID_ATTESTATION)
        keys = self._issuers.get(issuer)
        if keys is None:
            raise AgeAssuranceError(AgeFailure.UNKNOWN_ISSUER)
        payload = _verified_payload(attestation, alg, keys)

        over18, claimed_nonce = payload.get("over18"), payload.get("nonce")
        iat, exp, jti = payload.get("iat"), payload.get("exp"), payload.get("jti")
        if not (
            payload.get("iss") == issuer
            and isinstance(over18, bool)
            and isinstance(claimed_nonce, str)
            and _TOKEN.fullmatch(claimed_nonce)
            and _is_int(iat)
            and _is_int(exp)
            and isinstance(jti, str)
            and _TOKEN.fullmatch(jti)
        ):
            raise AgeAssuranceError(AgeFailure.INVALID_ATTESTATION)
        if iat > now_s + self.leeway_s or not 0 <= exp - iat <= MAX_LIFETIME_S:
            raise AgeAssuranceError(AgeFailure.INVALID_ATTESTATION)
        if now_s > exp + self.leeway_s:
            raise AgeAssuranceError(AgeFailure.EXPIRED)
        if not hmac.compare_digest(claimed_nonce.encode(), nonce.encode("utf-8", "surrogatepass")):
            raise AgeAssuranceError(AgeFailure.WRONG_NONCE)
        if over18 is not True:
            raise AgeAssuranceError(AgeFailure.NOT_ADULT)
        return AgeVerification(issuer, jti, iat, exp, now)


class AgeAssurance:
    """Nonces plus a verifier: what the core calls to turn an attestation into "over 18"."""

    def __init__(self, verifier: AgeVerifier, nonces: NonceIssuer) -> None:
        self.verifier = verifier
        self.nonces = nonces

    def new_nonce(self, session_id: str, now: int) -> str:
        return self.nonces.issue(session_id, now)

    async def check(
        self, attestation: str, *, nonce: str, session_id: str, now: int
    ) -> AgeVerification:
        """Verify ``attestation`` for this session; raises :class:`AgeAssuranceError`."""
        self.nonces.check(nonce, session_id, now)  # cheap, and uses nothing up
        verification = await self.verifier.verify(attestation, nonce=nonce, now=now)
        await self.nonces.redeem(nonce, session_id, now)
        return verification


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _extract(attestation: str) -> tuple[str, dict[str, object]]:
    """The algorithm and the claims, read without checking the signature (to find the key)."""
    if not isinstance(attestation, str) or len(attestation) > MAX_ATTESTATION_CHARS:
        raise AgeAssuranceError(AgeFailure.INVALID_ATTESTATION)
    try:
        with _quiet():
            compact = jws.extract_compact(attestation.strip().encode("ascii"))
        header = compact.headers()
    except (JoseError, ValueError, TypeError, UnicodeError):
        raise AgeAssuranceError(AgeFailure.INVALID_ATTESTATION) from None
    alg = header.get("alg") if isinstance(header, dict) else None
    claims = _json_object(compact.payload)
    if alg not in ALGORITHMS or "crit" in header or claims is None:
        raise AgeAssuranceError(AgeFailure.INVALID_ATTESTATION)
    return str(alg), claims


def _verified_payload(attestation: str, alg: str, keys: Sequence[PublicKey]) -> dict[str, object]:
    """The claims once joserfc has checked the signature with one of the issuer's keys."""
    for key in keys:
        if not isinstance(key, _KEY_TYPE[alg]):
            continue  # the algorithm must match the key type: no confusion between them
        try:
            with _quiet():
                verified = jws.deserialize_compact(attestation.strip(), key, algorithms=[alg])
        except JoseError:
            continue
        claims = _json_object(verified.payload)
        if claims is None:
            break
        return claims
    raise AgeAssuranceError(AgeFailure.BAD_SIGNATURE)


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """joserfc warns that "EdDSA" is now spelled "Ed25519" (RFC 9864); both are accepted."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SecurityWarning)
        yield


def _json_object(raw: bytes | None) -> dict[str, object] | None:
    if raw is None:
        return None
    try:
        value = json.loads(raw.decode("utf-8"), object_pairs_hook=_no_duplicates)
    except (ValueError, UnicodeDecodeError):  # JSONDecodeError, duplicates, huge integers
        return None
    return value if isinstance(value, dict) else None


def _no_duplicates(pairs: list[tuple[str, object]]) -> dict[str, object]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise ValueError("duplicate member")  # two "over18" must not be a matter of parser
    return result


def _b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64url_decode(text: str) -> bytes | None:
    """Strict unpadded base64url (RFC 7515); ``None`` for anything else."""
    if not _B64URL.fullmatch(text) or len(text) % 4 == 1:
        return None
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        return None
