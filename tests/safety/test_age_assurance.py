"""Tests for papote.safety.age_assurance and the development issuer papote.safety.age_issuer."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from papote.safety.age_assurance import (
    MESSAGES_FR,
    AgeAssurance,
    AgeAssuranceError,
    AgeFailure,
    InMemoryReplayStore,
    JwsAgeVerifier,
    NonceIssuer,
    load_public_key,
    load_trusted_issuers,
)
from papote.safety.age_issuer import make_claims, public_jwk, public_pem, sign_attestation

NOW = 1_763_870_000_000  # milliseconds
NOW_S = NOW // 1000
SECRET = b"server-secret-for-tests-0123456789"
PAPOTE = Path(sys.executable).parent / "papote"

ED_KEY = Ed25519PrivateKey.generate()
EC_KEY = ec.generate_private_key(ec.SECP256R1())


def _verifier(store: InMemoryReplayStore | None = None) -> JwsAgeVerifier:
    return JwsAgeVerifier(
        {"ed-provider": public_pem(ED_KEY), "ec-provider": public_jwk(EC_KEY)},
        InMemoryReplayStore() if store is None else store,
    )


def _attest(
    key: Ed25519PrivateKey | ec.EllipticCurvePrivateKey = ED_KEY,
    *,
    issuer: str = "ed-provider",
    nonce: str = "n-123",
    iat: int = NOW_S,
    ttl: int = 600,
    over18: bool = True,
) -> str:
    return sign_attestation(key, make_claims(issuer, nonce, now_s=iat, ttl_s=ttl, over18=over18))


async def _failure(verifier: JwsAgeVerifier, attestation: str, nonce: str = "n-123") -> AgeFailure:
    with pytest.raises(AgeAssuranceError) as info:
        await verifier.verify(attestation, nonce=nonce, now=NOW)
    return info.value.code


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _with_payload(attestation: str, **changes: object) -> str:
    header, payload, signature = attestation.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims.update(changes)
    return f"{header}.{_b64(json.dumps(claims).encode())}.{signature}"


async def test_valid_eddsa_attestation_says_only_over_18() -> None:
    result = await _verifier().verify(_attest(), nonce="n-123", now=NOW)
    assert result.issuer == "ed-provider"
    assert result.expires_at == NOW_S + 600
    assert result.verified_at == NOW


async def test_valid_es256_attestation() -> None:
    attestation = _attest(EC_KEY, issuer="ec-provider")
    assert json.loads(base64.urlsafe_b64decode(attestation.split(".")[0] + "=="))["alg"] == "ES256"
    result = await _verifier().verify(attestation, nonce="n-123", now=NOW)
    assert result.issuer == "ec-provider"


async def test_expired_attestation_within_and_past_the_leeway() -> None:
    verifier = _verifier()
    # Expired 30 s ago: still inside the 60 s leeway.
    fresh = _attest(iat=NOW_S - 630, ttl=600)
    assert (await verifier.verify(fresh, nonce="n-123", now=NOW)).issuer == "ed-provider"
    assert await _failure(verifier, _attest(iat=NOW_S - 700, ttl=600)) is AgeFailure.EXPIRED


async def test_replayed_attestation_is_refused_even_with_another_verifier_on_the_store() -> None:
    store = InMemoryReplayStore()
    attestation = _attest()
    await _verifier(store).verify(attestation, nonce="n-123", now=NOW)
    assert await _failure(_verifier(store), attestation) is AgeFailure.REPLAYED


async def test_replay_store_forgets_after_the_ttl() -> None:
    clock = [0.0]
    store = InMemoryReplayStore(clock=lambda: clock[0])
    assert await store.claim("k", 10)
    assert not await store.claim("k", 10)
    clock[0] = 11.0
    assert await store.claim("k", 10)


async def test_unknown_issuer() -> None:
    stranger = Ed25519PrivateKey.generate()
    assert (
        await _failure(_verifier(), _attest(stranger, issuer="evil")) is AgeFailure.UNKNOWN_ISSUER
    )


async def test_tampered_payload_breaks_the_signature() -> None:
    tampered = _with_payload(_attest(over18=False), over18=True)
    assert await _failure(_verifier(), tampered) is AgeFailure.BAD_SIGNATURE


async def test_signature_from_another_key_claiming_a_trusted_issuer() -> None:
    forged = _attest(Ed25519PrivateKey.generate(), issuer="ed-provider")
    assert await _failure(_verifier(), forged) is AgeFailure.BAD_SIGNATURE


async def test_algorithm_must_match_the_issuer_key() -> None:
    # An ES256 attestation signed by some P-256 key, claiming the Ed25519 issuer.
    wrong_alg = _attest(ec.generate_private_key(ec.SECP256R1()), issuer="ed-provider")
    assert await _failure(_verifier(), wrong_alg) is AgeFailure.BAD_SIGNATURE


async def test_alg_none_and_hmac_are_refused() -> None:
    payload = _b64(json.dumps(make_claims("ed-provider", "n-123", now_s=NOW_S)).encode())
    for alg in ("none", "HS256"):
        header = _b64(json.dumps({"alg": alg}).encode())
        for signature in ("", _b64(b"x" * 32)):
            failure = await _failure(_verifier(), f"{header}.{payload}.{signature}")
            assert failure is AgeFailure.INVALID_ATTESTATION


async def test_wrong_nonce() -> None:
    assert await _failure(_verifier(), _attest(nonce="other")) is AgeFailure.WRONG_NONCE


async def test_not_over_18() -> None:
    assert await _failure(_verifier(), _attest(over18=False)) is AgeFailure.NOT_ADULT


async def test_a_refused_attestation_is_not_used_up() -> None:
    store = InMemoryReplayStore()
    attestation = _attest()
    assert await _failure(_verifier(store), attestation, nonce="late") is AgeFailure.WRONG_NONCE
    assert (await _verifier(store).verify(attestation, nonce="n-123", now=NOW)).jti


@pytest.mark.parametrize(
    "garbage",
    ["", "a.b", "a.b.c.d", "!!!.???.***", "e30.e30.", "W10.e30.AA", "x" * 9000, "é.é.é"],
)
async def test_malformed_attestations(garbage: str) -> None:
    assert await _failure(_verifier(), garbage) is AgeFailure.INVALID_ATTESTATION


@pytest.mark.parametrize(
    "changes",
    [
        {"over18": "true"},
        {"over18": 1},
        {"iat": "now"},
        {"exp": True},
        {"jti": ""},
        {"jti": "\ud800"},
        {"jti": "x" * 257},
        {"nonce": "n-123\ud800"},
        {"nonce": None},
        {"iat": NOW_S + 3600, "exp": NOW_S + 4000},  # issued in the future
        {"exp": NOW_S - 1},  # expires before it is issued
        {"exp": NOW_S + 10**30},  # lives longer than a day
    ],
)
async def test_ill_typed_claims_are_invalid_even_when_signed(changes: dict[str, object]) -> None:
    claims = make_claims("ed-provider", "n-123", now_s=NOW_S) | changes
    failure = await _failure(_verifier(), sign_attestation(ED_KEY, claims))
    assert failure is AgeFailure.INVALID_ATTESTATION


async def test_duplicate_claims_are_refused() -> None:
    header = _b64(b'{"alg":"EdDSA"}')
    payload = _b64(
        f'{{"iss":"ed-provider","over18":false,"over18":true,"nonce":"n-123",'
        f'"iat":{NOW_S},"exp":{NOW_S + 600},"jti":"j"}}'.encode()
    )
    signature = _b64(ED_KEY.sign(f"{header}.{payload}".encode()))
    failure = await _failure(_verifier(), f"{header}.{payload}.{signature}")
    assert failure is AgeFailure.INVALID_ATTESTATION


async def test_the_error_never_carries_the_attestation() -> None:
    attestation = _attest(nonce="other")
    with pytest.raises(AgeAssuranceError) as info:
        await _verifier().verify(attestation, nonce="n-123", now=NOW)
    assert attestation not in repr(info.value) and attestation not in str(info.value)
    assert info.value.message == MESSAGES_FR[AgeFailure.WRONG_NONCE]


def test_every_failure_has_a_french_message() -> None:
    assert set(MESSAGES_FR) == set(AgeFailure)
    assert all(message.strip() for message in MESSAGES_FR.values())


def test_seconds_instead_of_milliseconds_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        _verifier().check_claims(_attest(), nonce="n-123", now=NOW_S)


def test_issuer_keys_from_pem_and_jwk_text() -> None:
    trusted = load_trusted_issuers(
        {"a": json.dumps(public_jwk(ED_KEY)), "b": [public_pem(EC_KEY), public_jwk(EC_KEY)]}
    )
    assert len(trusted["a"]) == 1 and len(trusted["b"]) == 2


@pytest.mark.parametrize(
    "spec",
    [
        "not a key",
        {"kty": "RSA", "n": "AQAB", "e": "AQAB"},
        {"kty": "OKP", "crv": "Ed25519", "x": "short"},
        {**public_jwk(ED_KEY), "d": _b64(b"\0" * 32)},
        public_pem(ec.generate_private_key(ec.SECP384R1())),
    ],
)
def test_bad_issuer_keys_fail_at_start(spec: str | dict[str, str]) -> None:
    with pytest.raises(ValueError):
        load_public_key(spec)
    with pytest.raises(ValueError, match="'p'"):
        load_trusted_issuers({"p": spec})


# -- nonces and the whole flow --------------------------------------------------------


def _assurance(store: InMemoryReplayStore | None = None) -> AgeAssurance:
    store = InMemoryReplayStore() if store is None else store
    return AgeAssurance(_verifier(store), NonceIssuer(SECRET, store, ttl_s=600))


async def _check_failure(assurance: AgeAssurance, attestation: str, nonce: str, sid: str) -> str:
    with pytest.raises(AgeAssuranceError) as info:
        await assurance.check(attestation, nonce=nonce, session_id=sid, now=NOW)
    return info.value.code


async def test_nonce_flow_for_one_session() -> None:
    assurance = _assurance()
    nonce = assurance.new_nonce("session-1", NOW)
    result = await assurance.check(
        _attest(nonce=nonce), nonce=nonce, session_id="session-1", now=NOW
    )
    assert result.issuer == "ed-provider"
    # The nonce is single-use, even with a fresh attestation carrying it.
    failure = await _check_failure(assurance, _attest(nonce=nonce), nonce, "session-1")
    assert failure == "replayed"


async def test_nonce_is_bound_to_its_session() -> None:
    assurance = _assurance()
    nonce = assurance.new_nonce("session-1", NOW)
    failure = await _check_failure(assurance, _attest(nonce=nonce), nonce, "session-2")
    assert failure == "wrong_nonce"
    # The refusal used nothing up: the right session can still use it.
    await assurance.check(_attest(nonce=nonce), nonce=nonce, session_id="session-1", now=NOW)


async def test_nonce_expires() -> None:
    store = InMemoryReplayStore()
    nonces = NonceIssuer(SECRET, store, ttl_s=600)
    nonce = nonces.issue("s", NOW - 601_000)
    with pytest.raises(AgeAssuranceError) as info:
        await nonces.redeem(nonce, "s", NOW)
    assert info.value.code is AgeFailure.EXPIRED


@pytest.mark.parametrize("forged", ["", "abc", "A" * 54, "A" * 200, "é" * 54])
async def test_forged_nonce(forged: str) -> None:
    with pytest.raises(AgeAssuranceError) as info:
        await NonceIssuer(SECRET, InMemoryReplayStore()).redeem(forged, "s", NOW)
    assert info.value.code is AgeFailure.WRONG_NONCE


def test_nonces_are_opaque_and_unique() -> None:
    nonces = NonceIssuer(SECRET, InMemoryReplayStore())
    issued = {nonces.issue("s", NOW) for _ in range(100)}
    assert len(issued) == 100
    # Two nonces issued at the same time for the same session share no visible part.
    a, b = sorted(issued)[:2]
    assert a[:16] != b[:16] and a[-16:] != b[-16:]


async def test_attestation_for_another_session_nonce_is_refused() -> None:
    assurance = _assurance()
    mine = assurance.new_nonce("session-1", NOW)
    theirs = assurance.new_nonce("session-2", NOW)
    failure = await _check_failure(assurance, _attest(nonce=theirs), mine, "session-1")
    assert failure == "wrong_nonce"


# -- the development issuer, as a real command ----------------------------------------


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(PAPOTE), "age-attest", *args], capture_output=True, text=True, timeout=60
    )


async def test_dev_issuer_cli_end_to_end(tmp_path: Path) -> None:
    keygen = _cli("keygen", "--out", str(tmp_path))
    assert keygen.returncode == 0, keygen.stderr
    assert "DEVELOPMENT ISSUER" in keygen.stderr
    private = tmp_path / "age-issuer-private.pem"
    assert private.stat().st_mode & 0o077 == 0
    public = (tmp_path / "age-issuer-public.pem").read_text()

    pubkey = _cli("pubkey", "--key", str(private))
    assert pubkey.returncode == 0 and pubkey.stdout == public
    jwk = json.loads(_cli("pubkey", "--key", str(private), "--format", "jwk").stdout)

    store = InMemoryReplayStore()
    nonces = NonceIssuer(SECRET, store)
    now = int(time.time() * 1000)
    for trusted in (public, jwk):
        assurance = AgeAssurance(JwsAgeVerifier({"dev": trusted}, store), nonces)
        nonce = assurance.new_nonce("s", now)
        # "--nonce=" form: a base64url nonce may start with "-" (argparse would read an option)
        issued = _cli("issue", "--key", str(private), "--issuer", "dev", f"--nonce={nonce}")
        assert issued.returncode == 0 and "DEVELOPMENT ISSUER" in issued.stderr
        result = await assurance.check(issued.stdout.strip(), nonce=nonce, session_id="s", now=now)
        assert result.issuer == "dev" and result.expires_at - result.issued_at == 600

    refused = _cli("issue", "--key", str(private), "--issuer", "dev", "--nonce", "n", "--not-adult")
    with pytest.raises(AgeAssuranceError) as info:
        await JwsAgeVerifier({"dev": public}, store).verify(
            refused.stdout.strip(), nonce="n", now=now
        )
    assert info.value.code is AgeFailure.NOT_ADULT


def test_dev_issuer_cli_refuses_to_overwrite_and_reports_bad_keys(tmp_path: Path) -> None:
    assert _cli("keygen", "--out", str(tmp_path)).returncode == 0
    assert _cli("keygen", "--out", str(tmp_path)).returncode == 1
    public = str(tmp_path / "age-issuer-public.pem")
    bad = _cli("issue", "--key", public, "--issuer", "dev", "--nonce", "n")
    assert bad.returncode == 1 and "Traceback" not in bad.stderr
    assert _cli("issue", "--key", public, "--issuer", "d", "--nonce", "n", "--ttl", "0").returncode


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300), st.text(max_size=80))
async def test_verifier_only_ever_refuses_garbage(attestation: str, nonce: str) -> None:
    with pytest.raises(AgeAssuranceError):
        await _verifier().verify(attestation, nonce=nonce, now=NOW)


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=5,
)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(["over18", "nonce", "iat", "exp", "jti"]), _JSON))
async def test_signed_claims_of_any_shape_never_crash(changes: dict[str, object]) -> None:
    claims = make_claims("ed-provider", "n-123", now_s=NOW_S) | changes
    try:
        await _verifier().verify(sign_attestation(ED_KEY, claims), nonce="n-123", now=NOW)
    except AgeAssuranceError as error:
        assert error.code in set(AgeFailure)


async def test_the_fully_specified_ed25519_algorithm_of_rfc_9864() -> None:
    """Signatures are checked by joserfc, which knows "Ed25519" (the new name of EdDSA)."""
    import warnings

    from joserfc import jws
    from joserfc.errors import SecurityWarning
    from joserfc.jwk import OKPKey

    from papote.safety.age_issuer import _private_pem

    claims = make_claims("ed-provider", "n-123", now_s=NOW_S)
    key = OKPKey.import_key(_private_pem(ED_KEY))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SecurityWarning)
        token = jws.serialize_compact(
            {"alg": "Ed25519"}, json.dumps(claims).encode(), key, ["Ed25519"]
        )
    assert (await _verifier().verify(token, nonce="n-123", now=NOW)).issuer == "ed-provider"
    # the same signature under another algorithm name is refused
    _header, payload, signature = token.split(".")
    es256 = _b64(json.dumps({"alg": "ES256"}).encode())
    assert await _failure(_verifier(), f"{es256}.{payload}.{signature}") is AgeFailure.BAD_SIGNATURE
