"""Who gets in at once, who solves a challenge first, who waits: entry under shared addresses.

French mobile carriers put many customers behind one IPv4 address (CGNAT), and so
do offices, universities and households. A per-address refusal shuts them all out,
so refusal is the last resort:

* past ``PAPOTE_CHALLENGE_ENTRY_PREFIX`` entries from one network prefix (/24 in
  IPv4, /64 in IPv6), past ``PAPOTE_CHALLENGE_ENTRY_GLOBAL`` entries overall, for a
  client that does not look like a browser, and for a browser whose device and
  network match an under-18 declaration (the age gate's signal), the entry needs a
  solved proof-of-work challenge (actions/challenge.py);
* only past ``PAPOTE_RATE_ENTRY_IP`` from one address, far beyond what a household
  or a carrier's shared address sends, is the entry refused (``rate_limited``).

``PAPOTE_TRUSTED_NETWORKS`` (empty by default) lifts both, and the age gate's
challenge, for load tests; the age gate's cookie lock still holds there.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from papote.actions.errors import ActionError
from papote.actions.services import Services
from papote.safety.age_gate import ip_prefix

# User agents of programs, not people: HTTP libraries, command-line tools, automation.
_AUTOMATION = re.compile(
    r"headless|python|httpx|aiohttp|curl|wget|go-http|okhttp|java/|libwww|scrapy|"
    r"phantomjs|selenium|puppeteer|playwright|bot\b|crawler|spider",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Admission:
    challenge: bool  # the entry must carry a solved challenge
    reason: str  # "prefix", "global", "automation", "trusted" or ""

    def needs_challenge(self, age_signal: bool) -> bool:
        """With the age gate's signal (a device mark matched), unless the network is trusted."""
        return self.challenge or (age_signal and self.reason != "trusted")


@lru_cache(maxsize=8)
def _networks(spec: str) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(
        ipaddress.ip_network(part.strip(), strict=False) for part in spec.split(",") if part.strip()
    )


def is_trusted(svc: Services, ip: str) -> bool:
    networks = _networks(svc.settings.trusted_networks)
    if not networks:
        return False
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return False
    return any(address in network for network in networks)


def looks_automated(signals: Mapping[str, str]) -> bool:
    """A client that says it is a program, or lacks what every browser sends."""
    agent = signals.get("user-agent", "")
    return not agent or not signals.get("accept-language") or bool(_AUTOMATION.search(agent))


async def check_admission(
    svc: Services, ip: str, ip_hash: str, signals: Mapping[str, str]
) -> Admission:
    """Count this entry attempt; raises ``rate_limited`` only far past a carrier's pace.

    The age gate's signal (a device mark matched) is added by the caller
    (:meth:`Admission.needs_challenge`).
    """
    if is_trusted(svc, ip):
        return Admission(False, "trusted")
    if not await svc.limits.hit("entry_ip", ip_hash):
        raise ActionError("rate_limited", status=429)
    prefix = hmac.new(svc.settings.secret, ip_prefix(ip).encode(), hashlib.sha256).hexdigest()[:32]
    prefix_ok = await svc.limits.hit("challenge_prefix", prefix)
    global_ok = await svc.limits.hit("challenge_global", "all")
    if looks_automated(signals):
        return Admission(True, "automation")
    if not prefix_ok:
        return Admission(True, "prefix")
    if not global_ok:
        return Admission(True, "global")
    return Admission(False, "")
