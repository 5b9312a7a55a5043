"""The sticky age gate: once a browser says "14", typing "18" does not get it in.

Coco's popup refused 14 and accepted the 18 typed a second later. Here an entry that
declares an age under 18 is refused (``underage``) with a kind message and where to
find help, and it locks that browser two ways:

* a signed cookie (itsdangerous) that lasts 30 days; it only says "locked since T";
* a device mark in the :class:`AgeGateStore` for 24 hours, keyed by a salted hash of
  coarse device signals (browser family, languages, platform, screen size) and the
  network prefix (/24 in IPv4, /64 in IPv6). People behind one mobile carrier's
  address with the same phone model collide, so the mark never locks anyone out: it
  is a signal. An entry that matches it without the cookie (a private window, a
  cleared cookie, or a neighbour) must solve the entry challenge first
  (``GateDecision.challenge``).

The salt of the device hash rotates every UTC day (derived by HMAC from the server
secret and the day); a check computes the keys under today's and the previous
salts. Neither the raw address nor the raw signals are stored or returned. A valid
over-18 attestation (:mod:`papote.safety.age_assurance`) lifts both locks.

Times (``now``, ``until_ms``) are milliseconds since the epoch. See docs/minors.md.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from itsdangerous import BadData, URLSafeSerializer

ADULT_AGE = 18
MAX_AGE = 120
DAY_MS = 86_400_000
COOKIE_NAME = "papote_age_gate"
UNKNOWN_PREFIX = "unknown"  # what ip_prefix answers for something that is not an address
_MS_FLOOR = 10**12  # 2001-09-09 in milliseconds: anything below is seconds by mistake

UNDERAGE_MESSAGE_FR = (
    "Papote est réservé aux personnes de 18 ans et plus, alors tu ne peux pas entrer ici. "
    "Ce n'est pas une punition\u00a0: des adultes inconnus ne sont pas de bonne compagnie pour toi "
    "en ligne. Si quelque chose t'inquiète, si quelqu'un te met mal à l'aise, te demande des "
    "photos ou te menace, tu n'y es pour rien et tu peux en parler, gratuitement et sans "
    "donner ton nom."
)
LOCKED_MESSAGE_FR = (
    "Un âge de moins de 18 ans a été indiqué récemment depuis ce navigateur ou cet appareil, "
    "alors l'entrée sur Papote reste fermée\u00a0: changer l'âge ne suffit pas. Si tu as 18 ans ou "
    "plus, tu peux le prouver de façon anonyme avec une attestation de majorité\u00a0: Papote "
    "n'apprendra rien d'autre que « plus de 18 ans »."
)
INVALID_AGE_MESSAGE_FR = "Indique ton âge en années, avec des chiffres."
HELP_3018_FR = (
    "3018\u00a0: le numéro national, gratuit, anonyme et confidentiel pour les jeunes confrontés "
    "à une violence en ligne (harcèlement, chantage, photos intimes, rencontre qui fait peur), "
    "géré par l'association e-Enfance. Appelle le 3018, écris sur le tchat de 3018.fr ou "
    "utilise l'application 3018."
)
HELP_119_FR = (
    "119 – Allô Enfance en Danger\u00a0: si tu es en danger ou si quelqu'un te fait du mal, "
    "appelle le 119, gratuit, 24 h sur 24 et 7 jours sur 7, ou écris sur allo119.gouv.fr."
)
HELP_SPACES_FR = (
    "Pour discuter et poser tes questions entre jeunes, avec des professionnels qui "
    "veillent\u00a0: Fil Santé Jeunes (filsantejeunes.com, "
    "ou le 0 800 235 236, gratuit et anonyme) a des "
    "forums et un tchat faits pour ton âge."
)


@dataclass(frozen=True, slots=True)
class HelpResource:
    name: str
    text: str  # French, for the person
    phone: str | None
    url: str


HELP_RESOURCES_FR: tuple[HelpResource, ...] = (
    HelpResource("3018", HELP_3018_FR, "3018", "https://www.3018.fr"),
    HelpResource("119", HELP_119_FR, "119", "https://www.allo119.gouv.fr"),
    HelpResource(
        "Fil Santé Jeunes", HELP_SPACES_FR, "0800235236", "https://www.filsantejeunes.com"
    ),
)


class GateOutcome(StrEnum):
    """The values are the wire error codes of ``POST /api/v1/session``."""

    ALLOW = "allow"
    UNDERAGE = "underage"
    LOCKED = "age_gate_locked"
    INVALID_AGE = "invalid_age"


@dataclass(frozen=True, slots=True)
class GateDecision:
    outcome: GateOutcome
    message: str | None = None  # French, for a refusal
    help: tuple[HelpResource, ...] = ()
    # When set, the core sets cookie COOKIE_NAME to this value, with
    # Max-Age=AgeGate.cookie_ttl_s, Path=/, HttpOnly, Secure, SameSite=Lax.
    set_cookie: str | None = None
    clear_cookie: bool = False  # the core deletes COOKIE_NAME (after a verified lift)
    challenge: bool = False  # allowed, but the device mark matched: ask for a challenge

    @property
    def allowed(self) -> bool:
        return self.outcome is GateOutcome.ALLOW

    @property
    def code(self) -> str:
        return self.outcome.value


class AgeGateStore(Protocol):
    """Device locks by opaque key. The core provides the SQL one; keys are hex hashes."""

    async def lock(self, key: str, until_ms: int) -> None:
        """Lock ``key`` until ``until_ms``; an existing later expiry is kept."""
        ...

    async def is_locked(self, keys: Sequence[str], now: int) -> bool:
        """True if any of ``keys`` is locked past ``now``."""
        ...

    async def unlock(self, keys: Sequence[str]) -> None: ...


class InMemoryAgeGateStore:
    """An :class:`AgeGateStore` for one process (tests, single-node deployments)."""

    def __init__(self) -> None:
        self._until: dict[str, int] = {}
        self._checks_since_prune = 0

    async def lock(self, key: str, until_ms: int) -> None:
        self._until[key] = max(until_ms, self._until.get(key, 0))

    async def is_locked(self, keys: Sequence[str], now: int) -> bool:
        self._checks_since_prune += 1
        if self._checks_since_prune >= 1024:  # every entry goes through here: prune here
            self._until = {k: until for k, until in self._until.items() if until > now}
            self._checks_since_prune = 0
        return any(self._until.get(key, 0) > now for key in keys)

    async def unlock(self, keys: Sequence[str]) -> None:
        for key in keys:
            self._until.pop(key, None)


class AgeGate:
    """The sticky age gate; one instance per server, built from the server secret."""

    def __init__(
        self, secret: bytes, cookie_ttl_s: int = 30 * 86400, device_ttl_s: int = 86400
    ) -> None:
        if len(secret) < 16:
            raise ValueError("the age gate secret must be at least 16 bytes")
        if cookie_ttl_s <= 0 or device_ttl_s <= 0:
            raise ValueError("lock durations must be positive")
        self.cookie_ttl_s = cookie_ttl_s
        self.device_ttl_s = device_ttl_s
        cookie_key = hmac.new(secret, b"papote.age-gate.cookie.v1", hashlib.sha256).digest()
        self._salt_root = hmac.new(secret, b"papote.age-gate.device.v1", hashlib.sha256).digest()
        self._cookies = URLSafeSerializer(cookie_key, salt="papote.age-gate")
        # A lock written under day D's salt must still be found until it expires.
        self._salt_days = 1 + math.ceil(device_ttl_s / 86400)

    def device_keys(self, ip: str, signals: Mapping[str, str], now: int) -> list[str]:
        """The device's key under today's salt first, then under the previous days' salts."""
        day = _ms(now) // DAY_MS
        fingerprint = f"{_fingerprint(signals)}|net={ip_prefix(ip)}".encode()
        return [
            hmac.new(self._day_salt(d), fingerprint, hashlib.sha256).hexdigest()[:32]
            for d in range(day, day - self._salt_days, -1)
        ]

    def lock_cookie(self, now: int) -> str:
        return self._cookies.dumps({"locked_at": _ms(now) // 1000})

    def cookie_locked(self, cookie_value: str | None, now: int) -> bool:
        """True for a cookie we signed less than ``cookie_ttl_s`` ago; anything else is ignored."""
        if not cookie_value or len(cookie_value) > 512:
            return False
        try:
            payload = self._cookies.loads(cookie_value)
        except BadData:
            return False
        locked_at = payload.get("locked_at") if isinstance(payload, dict) else None
        if not isinstance(locked_at, int) or isinstance(locked_at, bool):
            return False
        return _ms(now) // 1000 - locked_at < self.cookie_ttl_s

    async def check_entry(
        self,
        age: int,
        cookie: str | None,
        ip: str,
        signals: Mapping[str, str],
        store: AgeGateStore,
        now: int,
        *,
        verified_adult: bool = False,
    ) -> GateDecision:
        """Judge the age of an entry and apply the sticky locks.

        ``verified_adult`` is True only when the same request carried an attestation
        that :class:`papote.safety.age_assurance.AgeAssurance` accepted; it lifts the
        locks (a declared age under 18 is still refused).
        """
        if isinstance(age, bool) or not isinstance(age, int) or not 0 <= age <= MAX_AGE:
            return GateDecision(GateOutcome.INVALID_AGE, INVALID_AGE_MESSAGE_FR)
        keys = self.device_keys(ip, signals, now)
        if age < ADULT_AGE:
            await store.lock(keys[0], _ms(now) + self.device_ttl_s * 1000)
            return GateDecision(
                GateOutcome.UNDERAGE,
                UNDERAGE_MESSAGE_FR,
                HELP_RESOURCES_FR,
                set_cookie=self.lock_cookie(now),
            )
        if verified_adult:
            await store.unlock(keys)
            return GateDecision(GateOutcome.ALLOW, clear_cookie=cookie is not None)
        if self.cookie_locked(cookie, now):  # only the browser that declared the age
            return GateDecision(GateOutcome.LOCKED, LOCKED_MESSAGE_FR, HELP_RESOURCES_FR)
        # The device mark may be a stranger behind the same carrier: a signal, not a lock.
        return GateDecision(GateOutcome.ALLOW, challenge=await store.is_locked(keys, now))

    async def lift(
        self,
        cookie: str | None,
        ip: str,
        signals: Mapping[str, str],
        store: AgeGateStore,
        now: int,
    ) -> bool:
        """Lift both locks after a valid attestation; True if one was in place.

        The core must then delete the cookie ``COOKIE_NAME`` in its reply.
        """
        keys = self.device_keys(ip, signals, now)
        was_locked = self.cookie_locked(cookie, now) or await store.is_locked(keys, now)
        await store.unlock(keys)
        return was_locked

    def _day_salt(self, day: int) -> bytes:
        return hmac.new(self._salt_root, f"day|{day}".encode(), hashlib.sha256).digest()


# -- addresses -----------------------------------------------------------------------


def _parse_ip(ip: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    if not isinstance(ip, str) or len(ip) > 64:
        return None
    text = ip.strip()
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return address.ipv4_mapped
        address = ipaddress.IPv6Address(address.packed)  # drop a zone id ("%eth0")
    return address


def ip_prefix(ip: str) -> str:
    """The /24 (IPv4) or /64 (IPv6) network of ``ip``, or ``UNKNOWN_PREFIX`` for garbage."""
    address = _parse_ip(ip)
    if address is None:
        return UNKNOWN_PREFIX
    bits = 24 if address.version == 4 else 64
    return str(ipaddress.ip_network(f"{address}/{bits}", strict=False))


def hash_ip(ip: str, secret: bytes) -> str:
    """A keyed hash of the full address, for evidence and rate limits: never the raw IP.

    Equal addresses written differently (``::ffff:1.2.3.4`` and ``1.2.3.4``) hash the
    same; something that is not an address still hashes, apart from every address.
    """
    address = _parse_ip(ip)
    text = f"ip|{address}" if address is not None else f"garbage|{ip!r}"
    return hmac.new(secret, text.encode("utf-8", "replace"), hashlib.sha256).hexdigest()[:32]


# -- coarse device signals -----------------------------------------------------------

# Names the core passes in ``signals`` (lower case, as HTTP headers); others are ignored.
SIGNAL_USER_AGENT = "user-agent"
SIGNAL_ACCEPT_LANGUAGE = "accept-language"
SIGNAL_PLATFORM = "sec-ch-ua-platform"
SIGNAL_MOBILE = "sec-ch-ua-mobile"
SIGNAL_SCREEN = "screen"  # "390x844", sent by the web client with the entry form

_BROWSERS = (  # first match wins: Edge and Opera also say "chrome", Chrome says "safari"
    ("edg/", "edge"),
    ("opr/", "opera"),
    ("samsungbrowser", "samsung"),
    ("firefox/", "firefox"),
    ("fxios", "firefox"),
    ("crios", "chrome"),
    ("chrome/", "chrome"),
    ("chromium", "chrome"),
    ("safari/", "safari"),
)
_SYSTEMS = (
    ("android", "android"),
    ("iphone", "ios"),
    ("ipad", "ios"),
    ("ipod", "ios"),
    ("windows", "windows"),
    ("cros", "chromeos"),
    ("mac os x", "mac"),
    ("macintosh", "mac"),
    ("linux", "linux"),
)
_LANGUAGE_TAG = re.compile(r"[a-z]{1,8}(?:-[a-z0-9]{1,8})?")
_SCREEN = re.compile(r"\s*(\d{2,5})\s*[x×,*]\s*(\d{2,5})\s*")


def coarse_device_signals(signals: Mapping[str, str]) -> dict[str, str]:
    """Reduce raw signals to a few coarse values (what is hashed, and nothing finer)."""
    lowered = {str(k).lower(): v for k, v in signals.items() if isinstance(v, str)}
    ua = lowered.get(SIGNAL_USER_AGENT, "")[:512].lower()
    browser = next((name for mark, name in _BROWSERS if mark in ua), "other")
    system = next((name for mark, name in _SYSTEMS if mark in ua), "other")
    languages: list[str] = []
    for part in lowered.get(SIGNAL_ACCEPT_LANGUAGE, "")[:256].lower().split(","):
        tag = part.split(";")[0].strip()
        if _LANGUAGE_TAG.fullmatch(tag) and len(languages) < 3:
            languages.append(tag)
    platform = re.sub(r"[^a-z0-9 ]", "", lowered.get(SIGNAL_PLATFORM, "")[:64].lower()).strip()
    mobile = lowered.get(SIGNAL_MOBILE, "").strip()
    screen_match = _SCREEN.fullmatch(lowered.get(SIGNAL_SCREEN, "")[:32])
    screen = ""
    if screen_match:  # orientation-free: a phone turned sideways is the same phone
        sides = sorted((int(screen_match[1]), int(screen_match[2])), reverse=True)
        screen = f"{sides[0]}x{sides[1]}"
    return {
        "ua": f"{browser}/{system}",
        "lang": ",".join(languages),
        "platform": platform,
        "mobile": mobile if mobile in {"?0", "?1"} else "",
        "screen": screen,
    }


def _fingerprint(signals: Mapping[str, str]) -> str:
    coarse = coarse_device_signals(signals)
    return "v1|" + "|".join(f"{name}={value}" for name, value in coarse.items())


def _ms(now: int) -> int:
    if now < _MS_FLOOR:
        raise ValueError("now must be milliseconds since the epoch, not seconds")
    return now
