"""Links: found with urlextract (bundled TLD list), domains split with tldextract, offline.

Neither library may touch the network: urlextract's TLD list is the one shipped in
the wheel (its update is never called) and tldextract is built with no suffix-list
URL and no cache, so it uses the snapshot bundled with it.
"""

from __future__ import annotations

import re
from functools import lru_cache

import tldextract
from urlextract import URLExtract

SHORTENERS = frozenset(
    {
        "bit.ly",
        "tinyurl.com",
        "t.co",
        "goo.gl",
        "cutt.ly",
        "is.gd",
        "ow.ly",
        "rebrand.ly",
        "shorturl.at",
        "tiny.cc",
        "rb.gy",
        "bl.ink",
        "s.id",
        "v.gd",
        "linktr.ee",
        "urlz.fr",
        "qrco.de",
        "shorturl.com",
        "t.ly",
        "lnkd.in",
        "buff.ly",
    }
)
INVITES = frozenset(
    {
        "discord.gg",
        "discord.com",
        "t.me",
        "telegram.me",
        "chat.whatsapp.com",
        "wa.me",
        "snapchat.com",
        "kik.me",
        "signal.group",
    }
)
ADULT = frozenset(
    {
        "onlyfans.com",
        "mym.fans",
        "fansly.com",
        "pornhub.com",
        "xvideos.com",
        "chaturbate.com",
        "jacquieetmichel.net",
    }
)
OWN_DOMAINS = frozenset({"papote.fr"})
# words that phishing pages put in their domain or path
_PHISHING_WORDS = re.compile(
    r"login|signin|verif|secur|account|compte|confirm|update|unlock|debloq|support|recompense"
    r"|gagn|gift|cadeau|free|gratuit|bonus|promo|wallet|banque|bank|paypal|crypto"
)
_BRANDS = re.compile(r"papote|paypal|ameli|impots|laposte|colissimo|chronopost|netflix|apple|caf")
# "bit.ly/x", "www.x.fr", "http..." or a token with a dot followed by letters
_GATE = re.compile(r"https?:|www\.|\b[a-z0-9\-]{2,}\.[a-z]{2,}\b")
_IP_HOST = re.compile(r"^(?:https?://)?\d{1,3}(?:\.\d{1,3}){3}")
_LABEL_SEPARATORS = re.compile(r"[.\-_]+")


def _brand_in_subdomain(subdomain: str, domain: str) -> bool:
    """A brand as a whole label of the subdomain of someone else's domain:
    "paypal.com.verif-compte.ru", "ameli-remboursement.secure-id.net"."""
    if not subdomain or _BRANDS.search(domain):
        return False
    return any(_BRANDS.fullmatch(label) for label in _LABEL_SEPARATORS.split(subdomain))


def warm_up() -> None:
    """Load the TLD lists now rather than on the first message with a link."""
    link_features("www.papote.fr")


def _quick_tlds(urls: URLExtract) -> None:
    """Put a first look in front of urlextract's TLD regex, one alternation of ~1,800 TLDs
    that it tries at every character of the text (~40 µs per link). Every alternative
    starts with "." or is "localhost", so a lookahead on those, compiled with the same
    flags, fails where all of them would and changes no match: four times faster."""
    tlds_re = getattr(urls, "_tlds_re", None)
    if not isinstance(tlds_re, re.Pattern) or tlds_re.groups:
        return
    alternatives = tlds_re.pattern.split("|")
    if all(a.startswith("\\.") or a == "localhost" for a in alternatives):
        urls._tlds_re = re.compile(f"(?=\\.|l)(?:{tlds_re.pattern})", tlds_re.flags)


@lru_cache(maxsize=1)
def _extractors() -> tuple[URLExtract, tldextract.TLDExtract]:
    urls = URLExtract(extract_email=False, cache_dns=False)
    _quick_tlds(urls)
    return urls, tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


def find_urls(text: str) -> list[str]:
    if "." not in text or not _GATE.search(text):
        return []
    urls, _ = _extractors()
    # only the tokens that look like links go to urlextract: it is slow on long texts
    tokens = " ".join(t for t in text.split() if "." in t or ":" in t)
    return [str(u) for u in urls.find_urls(tokens, only_unique=True)]


def link_features(folded: str) -> set[str]:
    """Features of the links in the folded text."""
    found_urls = find_urls(folded)
    if not found_urls:
        return set()
    _, tld = _extractors()
    found = {"$link"}
    if len(found_urls) >= 3:
        found.add("$many_links")
    for url in found_urls:
        if "@" in url.split("/")[0]:
            continue  # an e-mail address, handled by personal data
        parts = tld(url)
        domain = f"{parts.domain}.{parts.suffix}" if parts.suffix else parts.domain
        host = ".".join(p for p in (parts.subdomain, parts.domain, parts.suffix) if p)
        if domain in SHORTENERS or host in SHORTENERS:
            found.add("$shortener")
        if domain in INVITES or host in INVITES:
            found.add("$invite_link")
        if domain in ADULT:
            found.add("$adult_link")
        if domain in OWN_DOMAINS:
            continue
        rest = url.lower()
        if (
            _IP_HOST.match(rest)
            or "xn--" in host
            or (_BRANDS.search(parts.domain) and _PHISHING_WORDS.search(rest))
            or (_brand_in_subdomain(parts.subdomain, parts.domain) and _PHISHING_WORDS.search(rest))
            or (parts.domain.count("-") >= 2 and _PHISHING_WORDS.search(parts.domain))
        ):
            found.add("$suspicious_link")
    return found
