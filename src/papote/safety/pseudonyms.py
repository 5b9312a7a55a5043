"""Pseudos that cannot pass for someone else: skeletons and reserved names.

Two pseudos are the same when they *look* the same. :func:`skeleton` folds case and
accents, then maps every character to its prototype in the Unicode confusables
table (TR 39, section 4, data from ``confusable-homoglyphs``): ``Admın`` (dotless ı),
``AdmIn`` and ``Adm1n`` all read ``admin``. Lower-case ``i`` and ``l`` share a
prototype here, because ``I`` (capital i) and ``l`` cannot be told apart in most
fonts once case is folded. The skeleton is the pseudo key of a live session: the
database's unique index on it makes a look-alike ``pseudo_taken`` on every node.

:func:`is_reserved` refuses the names of the service, its staff and its moderation,
in any case, accent or look-alike form. :func:`advertises_contact` refuses a pseudo that
carries a way to be reached elsewhere (a phone number, an e-mail, a network's name),
which everyone online would read: on Coco, "snap" pseudos drew people, minors
among them, off the site. See docs/security.md.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache

from confusable_homoglyphs import confusables

from papote.safety.text.detectors.personal_data import personal_data_features
from papote.safety.text.normalise import normalise

KEY_MAX = 40  # the column's width
_MARKS = ("\u200e", "\u200f")

# Contained anywhere: nobody needs them in a pseudo.
RESERVED_ANYWHERE = (
    "papote",
    "moderat",  # moderateur, moderatrice, moderation
    "administrat",
    "webmaster",
    "sysadmin",
)
# Refused as a word of the pseudo ("Admin42", "SuperModo", "Equipe-Support", "A_d_m_i_n"),
# but not inside another word ("Badminton", "Rootbeer").
RESERVED_WORDS = (
    "admin",
    "modo",
    "moderator",
    "staff",
    "equipe",
    "team",
    "support",
    "officiel",
    "official",
    "securite",
    "system",
    "systeme",
    "root",
    "sysop",
    "service",
    "assistance",
    "signalement",
)


@lru_cache(maxsize=4096)
def _prototype(char: str) -> str:
    """The TR 39 prototype of one character (itself when it has none)."""
    entries = confusables.confusables_data.get(char)
    if not entries or len(entries) != 1:
        return char  # a prototype lists every look-alike; a source lists its prototype
    target = str(entries[0]["c"]).strip("".join(_MARKS))
    return target or char


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def skeleton(text: str) -> str:
    """Case-, accent- and look-alike-insensitive form of ``text``."""
    mapped = "".join(_prototype(c) for c in _fold(text))
    folded = _fold(mapped)  # prototypes may be upper case ("0" -> "O") or accented
    return "".join(_prototype(c) for c in folded).replace("i", "l")


def pseudo_key(pseudo: str) -> str:
    """The stored key of a live pseudo: its skeleton, hashed if wider than the column."""
    key = skeleton(pseudo)
    if len(key) <= KEY_MAX:
        return key
    return "h:" + hashlib.sha256(key.encode()).hexdigest()[: KEY_MAX - 2]


_ANYWHERE = tuple(skeleton(w) for w in RESERVED_ANYWHERE)
_WORDS = tuple(skeleton(w) for w in RESERVED_WORDS)
_NOT_LETTERS = re.compile(r"[^a-z]+")


_CAMEL = re.compile(r"(?<=[a-zà-ÿ])(?=[A-ZÀ-Þ])")


def is_reserved(pseudo: str) -> bool:
    """True for the service's, the staff's and moderation's names, however written."""
    letters = _NOT_LETTERS.sub("", skeleton(pseudo))
    if any(word in letters for word in _ANYWHERE):
        return True
    tokens = {_NOT_LETTERS.sub("", skeleton(t)) for t in re.split(r"[\s\d]+", words_of(pseudo))}
    tokens.add(letters)
    return any(word in tokens for word in _WORDS)


def words_of(pseudo: str) -> str:
    """The pseudo as words, for the moderation engine: "GrosCon_69" -> "Gros Con 69"."""
    return re.sub(r"[_\-]+", " ", _CAMEL.sub(" ", pseudo)).strip()


# a handle needs a network named before it: the long names are words of _NETWORK_WORDS;
# the detectors' short ones ("tg", "ig", "fb") come out of random letters split at capitals
_CONTACT = frozenset({"$phone", "$premium_phone", "$email"})
# a network's name as a word of the pseudo ("Lola_Snap", "insta-seb"); "Snapy" is a name
_NETWORK_WORDS = frozenset(
    {
        "snap",
        "snapchat",
        "insta",
        "instagram",
        "tiktok",
        "telegram",
        "whatsapp",
        "discord",
        "kik",
        "skype",
        "facebook",
        "onlyfans",
        "mym",
    }
)


def advertises_contact(pseudo: str) -> bool:
    """True when the pseudo gives a phone number or an e-mail, or names a network."""
    folded = normalise(words_of(pseudo)).folded
    if not _CONTACT.isdisjoint(personal_data_features(folded)):
        return True
    return not _NETWORK_WORDS.isdisjoint(re.split(r"[\s\d]+", folded))
