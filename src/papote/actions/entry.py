"""Entry: a pseudo, an age, a gender and a postal code; no e-mail, no password.

``check_entry`` validates and writes nothing; ``do_enter`` creates the session.
The sticky age gate runs between the two (see actions/age.py).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from papote import ids
from papote.actions.errors import ActionError
from papote.actions.presence import do_go_offline
from papote.actions.services import Services
from papote.actions.session import DEFAULT_DM_PREFS
from papote.reference.places import Place
from papote.safety.context import EntryContext
from papote.safety.pseudonyms import advertises_contact, is_reserved, pseudo_key
from papote.safety.verdict import Action, Category
from papote.store import bans, browser_sessions, users
from papote.store.models import User

GENDERS = ("homme", "femme", "autre")
_PSEUDO_RE = re.compile(r"[A-Za-z0-9_\-À-ÖØ-öø-ÿĀ-ſ]{3,20}")
_REFUSED_IN_PSEUDOS = frozenset(  # refused in a pseudo from a mere warning on
    {
        Category.HARASSMENT,
        Category.HATE,
        Category.SEXUAL_CONTENT,
        Category.SEXUAL_VIOLENCE,
        Category.CHILD_SAFETY,
        Category.VIOLENCE,
    }
)
MIN_AGE = 18
MAX_AGE = 120


@dataclass(frozen=True, slots=True)
class EntryRequest:
    pseudo: str
    pseudo_key: str
    age: int
    gender: str
    place: Place


__all__ = ["pseudo_key"]  # the skeleton of safety/pseudonyms.py: look-alikes are taken


def check_pseudo(value: Any) -> str:
    if not isinstance(value, str):
        raise ActionError("invalid_pseudo")
    pseudo = unicodedata.normalize("NFC", value.strip())
    if not _PSEUDO_RE.fullmatch(pseudo):
        raise ActionError("invalid_pseudo")
    if is_reserved(pseudo):
        raise ActionError("pseudo_reserved")
    if advertises_contact(pseudo):
        raise ActionError("pseudo_contact")
    return pseudo


def parse_age(value: Any) -> int | None:
    """The age as typed, if it is a whole number at all: 34, "34", " ３４ " or "٣٤".

    Only decimal digits (Unicode class Nd) count: "²" or "½" are digits to
    ``str.isdigit`` but not numbers ``int`` can read.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        text = value.strip()
        if 0 < len(text) <= 3 and text.isdecimal():
            return int(text)
    return None


def check_age(value: Any) -> int:
    """Return the age; raises ``invalid_age`` (not a plausible integer) or ``underage``."""
    age = parse_age(value)
    if age is None or age < 1 or age > MAX_AGE:
        raise ActionError("invalid_age")
    if age < MIN_AGE:
        raise ActionError("underage", status=403)
    return age


def check_entry(svc: Services, payload: Any) -> EntryRequest:
    """Validate an entry; the order of checks gives the most useful error first."""
    if not isinstance(payload, dict):
        raise ActionError("bad_request")
    pseudo = check_pseudo(payload.get("pseudo"))
    age = check_age(payload.get("age"))
    gender = payload.get("gender")
    if gender not in GENDERS:
        raise ActionError("invalid_gender")
    code = payload.get("postal_code")
    place = svc.places.lookup(code.strip()) if isinstance(code, str) else None
    if place is None:
        raise ActionError("invalid_postal_code")
    return EntryRequest(pseudo, pseudo_key(pseudo), age, gender, place)


async def check_pseudo_acceptable(svc: Services, req: EntryRequest) -> None:
    """Insulting or sexual pseudos are judged by the moderation engine (entry hook)."""
    ctx = EntryContext(req.pseudo, req.age, req.gender, req.place.postal_code)
    verdict = await svc.pipeline.judge_entry(ctx)
    # A pseudo is shown to everyone with no chance to confirm: what a message would be
    # warned about (an insult) is already too much for a name.
    if verdict.action >= Action.HOLD or (
        verdict.action >= Action.WARN and not _REFUSED_IN_PSEUDOS.isdisjoint(verdict.categories)
    ):
        raise ActionError("pseudo_refused")


async def check_not_banned(svc: Services, browser_key: str | None) -> None:
    """A ban falls on a browser (its cookie), never on the address others share
    (actions/entry_bans.py)."""
    if browser_key is None:
        return
    if await bans.active_ban(svc.db, [f"browser:{browser_key}"], svc.clock()) is not None:
        raise ActionError("banned", status=403)


async def user_id_for_token(svc: Services, token: str) -> str:
    user = await users.by_token(svc.db, ids.token_hash(token))
    if user is None:
        raise ActionError("unauthorized", status=401)
    return user.id


async def do_enter(
    svc: Services,
    req: EntryRequest,
    *,
    ip_hash: str,
    verified_adult: bool = False,
    browser_hash: str = "",
) -> tuple[str, User]:
    """Create the session; returns the bearer token (shown once) and the user row."""
    if browser_hash:
        await _end_oldest_of_browser(svc, browser_hash)
    now = svc.clock()
    idle_ms = int(svc.settings.resume_grace_s * 1000)
    owner = await users.live_pseudo_owner(svc.db, req.pseudo_key)
    if owner is not None:
        # A pseudo is taken while its session lives: online, or in its reconnection grace.
        if owner.last_seen >= now - idle_ms or svc.hub.is_local(owner.id):
            raise ActionError("pseudo_taken", status=409)
        await users.expire_stale(svc.db, now=now, idle_ms=idle_ms)
    token = ids.new_token()
    user = User(
        id=ids.user_id(),
        pseudo=req.pseudo,
        pseudo_key=req.pseudo_key,
        token_hash=ids.token_hash(token),
        age=req.age,
        gender=req.gender,
        postal_code=req.place.postal_code,
        city=req.place.city,
        department=req.place.department,
        region=req.place.region,
        ip_hash=ip_hash,
        browser_hash=browser_hash,
        verified_adult=verified_adult,
        possibly_minor=False,
        status="active",
        dm_prefs=dict(DEFAULT_DM_PREFS),
        created_at=now,
        last_seen=now,
    )
    try:
        await users.create_user(svc.db, user)
    except users.PseudoTaken:
        raise ActionError("pseudo_taken", status=409) from None
    return token, user


async def _end_oldest_of_browser(svc: Services, browser_hash: str) -> None:
    """A browser keeps at most ``max_sessions_per_browser`` sessions: a new entry ends
    the oldest ones (tabs forgotten open), like a new socket closes a token's oldest."""
    live = await browser_sessions.live_sessions(svc.db, browser_hash)
    excess = len(live) + 1 - svc.settings.max_sessions_per_browser
    for user_id in live[: max(excess, 0)]:
        await do_leave(svc, user_id)


async def do_leave(svc: Services, user_id: str) -> None:
    """End the session (``DELETE /api/v1/session``): token invalid, rooms left, offline."""
    await users.end_session(svc.db, user_id, now=svc.clock())
    await do_go_offline(svc, user_id, close_connections=True)
