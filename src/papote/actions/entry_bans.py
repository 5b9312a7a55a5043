"""What a ban falls on at the door: the person's session and browser, not their network.

At entry the browser gets (or shows) its own random cookie; the session remembers the
salted keys of that cookie, of its coarse device signals and of its address prefix
(/24, /64). A ban refuses the banned session and that browser's cookie (``banned``);
the prefix and the device keys only become *signals* for a few days: the entry
challenge (ALTCHA, another module) asks for more work when ``recent_ban_signal`` says
so, and the neighbours who share the address still get in.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping

import orjson

from papote.actions.errors import ActionError
from papote.actions.services import Services
from papote.safety.age_gate import coarse_device_signals, ip_prefix
from papote.store import bans
from papote.store import sanctions as sanction_store
from papote.store.models import Ban, EntrySignal, Sanction, SessionBrowser

BROWSER_COOKIE = "papote_browser"
BROWSER_COOKIE_TTL_S = 400 * 86_400  # the longest a browser keeps a cookie
SIGNAL_MS = 7 * 86_400_000  # how long a ban makes its prefix and device "suspicious"


def _key(svc: Services, kind: str, value: str) -> str:
    return hmac.new(svc.settings.secret, f"{kind}|{value}".encode(), hashlib.sha256).hexdigest()[
        :40
    ]


def new_browser_cookie() -> str:
    return secrets.token_urlsafe(18)


def browser_key(svc: Services, cookie: str | None) -> str | None:
    if not cookie or len(cookie) > 64:
        return None
    return _key(svc, "browser", cookie)


def prefix_key(svc: Services, ip: str) -> str:
    return _key(svc, "prefix", ip_prefix(ip))


def device_key(svc: Services, ip: str, signals: Mapping[str, str]) -> str:
    coarse = orjson.dumps(coarse_device_signals(signals), option=orjson.OPT_SORT_KEYS).decode()
    return _key(svc, "device", f"{coarse}|{ip_prefix(ip)}")


async def check_browser_not_banned(svc: Services, key: str | None) -> None:
    """Ban evasion by the same browser is refused at entry with ``banned``."""
    if key is None:
        return
    if await bans.active_ban(svc.db, [f"browser:{key}"], svc.clock()) is not None:
        raise ActionError("banned", status=403)


async def do_remember_browser(
    svc: Services, user_id: str, key: str, ip: str, signals: Mapping[str, str]
) -> None:
    await sanction_store.remember_browser(
        svc.db,
        SessionBrowser(
            user_id=user_id,
            browser_key=key,
            device_key=device_key(svc, ip, signals),
            prefix_key=prefix_key(svc, ip),
            created_at=svc.clock(),
        ),
    )


async def recent_ban_signal(svc: Services, ip: str, signals: Mapping[str, str]) -> bool:
    """True when a ban fell recently behind this address prefix or on this device: the
    entry challenge should ask for more. Never a reason to refuse on its own."""
    keys = [f"prefix:{prefix_key(svc, ip)}", f"device:{device_key(svc, ip, signals)}"]
    return await sanction_store.signal_active(svc.db, keys, svc.clock())


async def ban_keys(svc: Services, user_id: str, sanction: Sanction) -> list[Ban]:
    """The session and its browser: what a ban or a suspension refuses at the door."""
    keys = [f"user:{user_id}"]
    browser = await sanction_store.browser_of(svc.db, user_id)
    if browser is not None:
        keys.append(f"browser:{browser.browser_key}")
    return [
        Ban(
            key=k,
            until=sanction.until,
            reason=sanction.category,
            statement=sanction.statement,
            created_at=sanction.created_at,
        )
        for k in keys
    ]


async def signal_rows(svc: Services, user_id: str, now: int) -> list[EntrySignal]:
    browser = await sanction_store.browser_of(svc.db, user_id)
    if browser is None:
        return []
    until = now + SIGNAL_MS
    rows = [EntrySignal(key=f"prefix:{browser.prefix_key}", until=until)]
    if browser.device_key:
        rows.append(EntrySignal(key=f"device:{browser.device_key}", until=until))
    return rows


async def banned_statement(svc: Services, key: str | None) -> str | None:
    """The statement of the ban on this browser, for the refusal page."""
    if key is None:
        return None
    ban = await bans.active_ban(svc.db, [f"browser:{key}"], svc.clock())
    return ban.statement if ban else None
