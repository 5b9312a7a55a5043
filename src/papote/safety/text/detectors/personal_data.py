"""Personal data: phone numbers, e-mail addresses, IBANs, postal addresses, handles."""

from __future__ import annotations

import re

import phonenumbers

# at least eight digits close together, "o" read as zero ("o6 45 78 12 33")
_PHONE_GATE = re.compile(r"(?:[\do][\s.\-/]{0,2}){8,}")
_O_AS_ZERO = re.compile(r"(?<![a-z])o(?=[\s.\-]?\d)|(?<=\d)o|(?<=\d[\s.\-])o")
_PREMIUM = phonenumbers.PhoneNumberType.PREMIUM_RATE
_IBAN = re.compile(r"\b([a-z]{2}\d{2}(?:\s?[a-z0-9]{4}){2,7}(?:\s?[a-z0-9]{1,4})?)\b")
_ADDRESS = re.compile(
    r"\b\d{1,4}\s?(?:bis|ter)?,?\s(?:rue|avenue|av|bd|boulevard|place|chemin|allee|impasse"
    r"|route|quai|cours|square|residence|lotissement)\b"
)
_HANDLE = re.compile(
    r"\b(?:snap(?:chat)?|sc|insta(?:gram)?|ig|tiktok|telegram|tg|kik|wire|discord|whatsapp|wa"
    r"|signal|skype|facebook|fb)\s*(?::|=|->|c'?est|cest|c|est|moi)?\s*:?\s*@?"
    r"([a-z0-9][a-z0-9._\-]{2,29})"
)
_BARE_HANDLE = re.compile(r"(?<![\w.])@([a-z0-9][a-z0-9._]{2,29})")
_EMAIL = re.compile(r"[a-z0-9._%+\-]+@[a-z0-9\-]+(?:\.[a-z0-9\-]+)*\.[a-z]{2,}")
_EMAIL_SPELLED = re.compile(
    r"\b[a-z0-9._\-]{2,}\s*(?:\(at\)|\[at\]|arobase|arobaz)\s*[a-z0-9\-]+\s*(?:\.|point|dot)\s*[a-z]{2,4}\b"
)
_HANDLE_STOPWORDS = frozenset(
    {
        "moi",
        "toi",
        "stp",
        "plutot",
        "mieux",
        "plus",
        "pour",
        "avec",
        "dessus",
        "aussi",
        "ici",
        "pas",
        "non",
        "oui",
        "ok",
        "direct",
        "car",
        "parce",
        "mais",
        "c'est",
        "cest",
        "est",
    }
)


def _iban_valid(candidate: str) -> bool:
    iban = candidate.replace(" ", "").upper()
    if not 15 <= len(iban) <= 34:
        return False
    digits = "".join(str(int(ch, 36)) for ch in iban[4:] + iban[:4])
    return int(digits) % 97 == 1


def _phone_features(folded: str) -> set[str]:
    text = _O_AS_ZERO.sub("0", folded)
    found: set[str] = set()
    # POSSIBLE: numbers in ranges not allocated yet are still someone's way to be reached
    for match in phonenumbers.PhoneNumberMatcher(
        text, "FR", leniency=phonenumbers.Leniency.POSSIBLE
    ):
        found.add(
            "$premium_phone" if phonenumbers.number_type(match.number) == _PREMIUM else "$phone"
        )
    return found


_DIGITS = frozenset("0123456789")
# the networks _HANDLE names: the long names anywhere, the short ones as whole words
_NETWORKS = (
    "snap",
    "insta",
    "tiktok",
    "telegram",
    "kik",
    "wire",
    "discord",
    "whatsapp",
    "signal",
    "skype",
    "facebook",
)
_SHORT_NETWORKS = re.compile(r"\b(?:sc|ig|tg|wa|fb)\b")


def _names_a_network(folded: str) -> bool:
    """A cheap first look for _HANDLE: substring tests before any regular expression."""
    for name in _NETWORKS:
        if name in folded:
            return True
    return (
        "sc" in folded or "ig" in folded or "tg" in folded or "wa" in folded or "fb" in folded
    ) and _SHORT_NETWORKS.search(folded) is not None


def personal_data_features(folded: str) -> set[str]:
    """Features of personal data in the folded text (see normalise.fold)."""
    found: set[str] = set()
    has_digits = not _DIGITS.isdisjoint(folded)
    if has_digits and _PHONE_GATE.search(folded):
        found |= _phone_features(folded)
    if "@" in folded or "arob" in folded or "(at)" in folded or "[at]" in folded:
        if _EMAIL.search(folded) or _EMAIL_SPELLED.search(folded):
            found.add("$email")
        for handle in _BARE_HANDLE.findall(folded):
            if "." not in handle.rstrip(".") or not re.search(r"\.[a-z]{2,4}$", handle):
                found.add("$handle")
    if has_digits:
        if _ADDRESS.search(folded):
            found.add("$address")
        for candidate in _IBAN.findall(folded):
            if _iban_valid(candidate):
                found.add("$iban")
    if not _names_a_network(folded):
        return found
    for match in _HANDLE.finditer(folded):
        handle = match.group(1)
        if handle not in _HANDLE_STOPWORDS and (
            any(c in handle for c in "._-0123456789")
            or ":" in match.group(0)
            or "@" in match.group(0)
        ):
            found.add("$handle")
    return found
