"""A proof-of-work challenge at the door (ALTCHA): costs a browser half a second, a bot farm a lot.

Papote asks for it instead of refusing people behind a shared address (see
actions/admission.py). The challenge is self-contained and signed with a key derived
from the server secret, so any node can check any answer; an answer is used once
(the replay table shared by every node). Nothing goes to a third party. See
docs/protocol.md ("Entry challenge") and docs/security.md.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any

import altcha

from papote.actions.errors import ActionError
from papote.actions.services import Services
from papote.store.replays import SqlReplayStore

ALGORITHM = "PBKDF2/SHA-256"
MAX_PAYLOAD_CHARS = 4096
CHALLENGE_URL = "/api/v1/challenge"


def _key(svc: Services, purpose: bytes) -> bytes:
    return hmac.new(svc.settings.secret, b"papote.altcha." + purpose, hashlib.sha256).digest()


def new_challenge(svc: Services) -> dict[str, Any]:
    """A signed challenge, as the ALTCHA widget fetches it."""
    settings = svc.settings
    challenge = altcha.create_challenge(
        ALGORITHM,
        settings.challenge_cost,
        counter=secrets.randbelow(settings.challenge_max_counter) + 1,
        expires_at=svc.clock() // 1000 + settings.challenge_ttl_s,
        hmac_secret=_key(svc, b"challenge"),
        hmac_key_secret=_key(svc, b"key"),
    )
    body: dict[str, Any] = challenge.to_dict()
    return body


def required() -> ActionError:
    error = ActionError("challenge_required", status=428)
    error.extra = {"challenge_url": CHALLENGE_URL}
    return error


def check_solution(svc: Services, payload: Any) -> str:
    """Raise unless ``payload`` answers a challenge we signed; returns its single-use key."""
    if payload is None:
        raise required()
    if not isinstance(payload, str) or len(payload) > MAX_PAYLOAD_CHARS:
        raise ActionError("challenge_failed", status=403)
    try:
        result = altcha.verify_solution(
            payload, _key(svc, b"challenge"), hmac_key_secret=_key(svc, b"key")
        )
    except Exception:  # the library's parsing of hostile payloads is not ours to trust
        raise ActionError("challenge_failed", status=403) from None
    if not result.verified:
        raise ActionError("challenge_failed", status=403)
    signature = altcha.Payload.from_base64(payload).challenge.signature  # one per challenge
    return "altcha:" + hashlib.sha256(str(signature).encode()).hexdigest()[:40]


async def do_use_solution(svc: Services, key: str) -> None:
    """Use the answer up: the same solved challenge cannot open a second session."""
    if not await SqlReplayStore(svc.db).claim(key, svc.settings.challenge_ttl_s + 60):
        raise ActionError("challenge_failed", status=403)
