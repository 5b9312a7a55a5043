"""Minor signals: a sender who says, in one way or another, that they are under 18.

Papote is for adults, but children lie about their age at the door and then say it
in the chat ("jai 13 ans en vrai", "jsuis en 4e", "je revise le brevet"). Those
sentences are the signal; sentences about someone else or about the past are not
("ma fille a 14 ans", "j'ai 14 ans de mariage", "je suis prof au college",
"quand j'avais 14 ans").

Some school words are clear ("je suis en 4e", "au collège", "le brevet", an age under
18); others are ambiguous: "au lycée", "en terminale", "mes parents veulent pas" are also
said by adults of 18 or 19, and "en 1ère année", "en 3e année de droit", "en master 1",
"mon CAP", "en licence", "mon BTS", "bac+5" are studies, not a school year. A stated
adult age (in the message, or said earlier in the conversation: :func:`adult_age`) or
words about adult studies or work outweigh the ambiguous words; the clear ones outweigh
everything, since a child who lied at the door still says her age or class.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

UNKNOWN_AGE = 0  # a signal without a stated age ("jsuis au college")

# "j'ai 14 ans", "jai 13ans", "g 13 ans", "moi 15 ans", "j'ai que 15 ans" (not "14 ans de mariage")
_SELF_AGE = re.compile(
    r"(?:\bj\s?'?\s?ai|\bjai|\bg|\bmoi|\bmoi j'?ai|\bje vais avoir|\bj'?vais avoir|\bjvais avoir"
    r"|\bje fais|\bjfais)"
    r"\s+(?:que|qu'|seulement|bientot|presque|juste|deja|tout juste)?\s*(\d{1,2})\s*(?:ans?|a)\b"
    r"(?!\s*(?:de\b|d'|d\s|que\b|qu'|aujourd|ce\b|cette\b|dans\b|avant\b|passes\b|et demi de))"
)
# "16 ans et toi"
_AGE_AND_YOU = re.compile(r"\b(\d{1,2})\s*ans?\s+et\s+(?:toi|vous)\b")
# an adult age in the same message ("a 35 ans c'est fort") outweighs a school or parents hint
_ADULT_AGE = re.compile(r"\b(?:1[89]|[2-9]\d)\s*ans\b")
# a message that starts with an age: "15 ans et toi", "13 ans en vrai"
_LEADING_AGE = re.compile(r"^\W*(?:moi\s*)?(\d{1,2})\s*ans?\b(?!\s*(?:de\b|d'|d\s))")
# a bare number answering an age question: "14", "15 et toi"
_BARE_AGE = re.compile(
    r"^\W*(?:moi\s*)?(\d{1,2})\s*(?:ans?)?\s*(?:et toi|et vous|\W*)$|^\W*(\d{1,2})\s+et\s+toi"
)
_SCHOOL = re.compile(
    r"\b(?:je suis|jsuis|j suis|chui|chuis|jss|jsui|suis|je serai|je rentre|jrentre|je vais)\s+"
    r"(?:qu'?\s?|que\s|juste\s|seulement\s)?(?:en|au|a la|à la)\s+"
    r"(?:(?:[3-6]\s?(?:e|eme|em|ieme)\b|6eme|sixieme|cinquieme|quatrieme|troisieme|seconde|2nde|1ere"
    r"|premiere)(?!\s*(?:annee|an\b|a\b|cycle|semestre))"
    r"|college|cm1|cm2|primaire|lycee|brevet)"
    r"|\bje\s+(?:passe|prepare|revise|bosse)\s+(?:pour\s+)?(?:le|mon)\s+brevet"
    r"|\bj'?\s?(?:passe|prepare|revise)\s+(?:pour\s+)?(?:le|mon)\s+brevet"
    r"|\bmes\s+(?:parents|darons|rents)\s+(?:veulent|voudront|vont|me laissent|me laisseront)\s+pas"
    r"|\bmes\s+(?:parents|darons)\s+m'?\s?(?:interdisent|obligent|ont prive)"
    r"|\bma\s+(?:mere|mere|daronne|mere)\s+(?:veut|voudra|me laisse)\s+pas"
    r"|\bmon\s+(?:pere|daron)\s+(?:veut|voudra|me laisse)\s+pas"
    r"|^\W*(?:moi\s+)?(?:au|en)\s+(?:college|[3-6]\s?(?:e|eme)\b(?!\s*annee)|cm[12])\b"
    r"|\bje\s+suis\s+mineur|\bjsuis\s+mineur|\bchui\s+mineur|\bpas\s+encore\s+majeur"
    r"|\bma\s+prof\s+principale|\bmon\s+prof\s+principal|\ba\s+la\s+recre\b|\bdemain\s+j'?\s?ai\s+cours\s+au\s+college"
)
# school words that adults also say of themselves: they count only without a stated adult age
_AMBIGUOUS = re.compile(
    r"\blycee|\bterminale|\bparents|\bdarons|\brents|\bmere|\bdaronne|\bpere|\bdaron"
    r"|\bprof\s+principal|\brecre\b"
)
_CLEAR = re.compile(
    r"\b(?:[3-6]\s?(?:e|eme|em|ieme)|sixieme|cinquieme|quatrieme|troisieme)\b|college|\bcm[12]\b"
    r"|primaire|brevet|mineur|pas\s+encore\s+majeur|seconde|2nde|1ere|premiere"
)
# adult studies and diplomas: "en master 1", "mon CAP de cuisine", "en licence", "bac+5"
_ADULT_STUDIES = re.compile(
    r"\b(?:master|licence|bts|dut|but|iut|cap|bep|fac|facult\w*|universit\w*|prepa|doctorat|these"
    r"|alternance|apprentissage|internat\s+de\s+medecine|medecine|droit|l[123]|m[12]|ecole\s+d\W?inge\w*"
    r"|bac\s*\+\s*\d|diplome\w*|mon\s+taf|mon\s+boulot|mon\s+travail|au\s+taf|au\s+boulot)\b"
)
# sentences about someone else, about work, or about the past
_NOT_ABOUT_ME = re.compile(
    r"\bprof\b|professeu|enseign|instit|travaill|\bbosse\s+(?:au|dans)|surveillant|\bcpe\b|\bprincipal(?:e)?\s+du"
    r"|\bmon\s+(?:fils|neveu|frere|petit)|\bma\s+(?:fille|niece|soeur|petite)|\bmes\s+(?:enfants|gosses|eleves)"
    r"|\bquand\s+j|\bj'?\s?etais|\bjetais|a\s+l'?\s?epoque|\bautrefois|\bil\s+y\s+a\s+\d+\s+ans"
    r"|\bpas\s+au\s+college|\bplus\s+au\s+college"
)


_DIGITS = frozenset("0123456789")
_AGE_GATE = re.compile(r"\d\s*ans?\b|\d\s*a\b")


@dataclass(frozen=True, slots=True)
class MinorSignal:
    age: int  # the stated age, or UNKNOWN_AGE
    clear: bool = True  # False: ambiguous school words, outweighed by a stated adult age


def _minor_age(raw: str | None) -> int | None:
    if raw is None:
        return None
    age = int(raw)
    return age if 5 <= age < 18 else None


# every school or parents signal needs one of these: a cheap first look
_HINT = re.compile(
    r"\d\s?e\b|\d\s?eme|colleg|lycee|brevet|parent|daron|rents|mere|pere|mineur|majeur|recre|prof"
    r"|cm[12]|seconde|2nde|premiere|1ere|eme\b|primaire"
)


def minor_signal(
    folded: str, answers_age_question: bool = False, stated_adult: bool = False
) -> MinorSignal | None:
    """The minor signal of one message, if any (``folded`` from normalise.fold).

    ``stated_adult``: the sender said an adult age earlier in the conversation; ambiguous
    school words then no longer count (clear statements still do)."""
    signal = _minor_signal(folded, answers_age_question)
    if signal is not None and not signal.clear and stated_adult:
        return None
    return signal


def _minor_signal(folded: str, answers_age_question: bool) -> MinorSignal | None:
    if _DIGITS.isdisjoint(folded):
        return _school_signal(folded)
    if _AGE_GATE.search(folded):
        for pattern in (_SELF_AGE, _LEADING_AGE, _AGE_AND_YOU):
            for match in pattern.finditer(folded):
                age = _minor_age(match.group(1))
                if age is not None:
                    return MinorSignal(age)
    if answers_age_question:
        bare = _BARE_AGE.match(folded)
        if bare:
            age = _minor_age(bare.group(1) or bare.group(2))
            if age is not None:
                return MinorSignal(age)
    return _school_signal(folded)


def _school_signal(folded: str) -> MinorSignal | None:
    if not _HINT.search(folded) or not _SCHOOL.search(folded):
        return None
    if _NOT_ABOUT_ME.search(folded) or _ADULT_AGE.search(folded):
        return None
    if _ADULT_STUDIES.search(folded):
        return None  # "en 1ere annee de BTS", "au lycee hotelier pour mon CAP"
    clear = _CLEAR.search(folded) is not None or _AMBIGUOUS.search(folded) is None
    return MinorSignal(UNKNOWN_AGE, clear)


# "j'ai 23 ans", "23 ans et toi", "moi 31": an adult age said of oneself
_SELF_ADULT_AGE = re.compile(
    r"(?:\bj\s?'?\s?ai|\bjai|\bg|\bmoi|\bje vais avoir|\bj'?vais avoir|\bjvais avoir)"
    r"\s+(?:deja\s+|bientot\s+|presque\s+)?(1[89]|[2-9]\d)\s*(?:ans?|a)\b"
    r"(?!\s*(?:de\b|d'|d\s|que\b|qu'|aujourd|ce\b|cette\b|dans\b|avant\b|passes\b))"
    r"|^\W*(?:moi\s*)?(1[89]|[2-9]\d)\s*ans?\b(?!\s*(?:de\b|d'|d\s))"
)
_BARE_ADULT_AGE = re.compile(
    r"^\W*(?:moi\s*)?(1[89]|[2-9]\d)\s*(?:ans?)?\s*(?:et\s+(?:toi|vous)\b|\W*$)"
)


def adult_age(folded: str, answers_age_question: bool = False) -> int | None:
    """An adult age the sender states of themselves in this message, if any."""
    if _DIGITS.isdisjoint(folded):
        return None
    match = _SELF_ADULT_AGE.search(folded)
    if match is None and answers_age_question:
        match = _BARE_ADULT_AGE.match(folded)
    if match is None:
        return None
    return int(next(g for g in match.groups() if g))


_YES = re.compile(
    r"^\W*(?:oui|ouii+|ouais|ouai|ouaip|ui|wi|wai|yes|yep|oe|ouep|bah oui|ben oui|bin oui|ba oui"
    r"|exact|c'?\s?est ca|grave|bien sur|ouais pourquoi|oui pourquoi|oui et alors|ouais et alors)\b"
    r"[\w\s'?!.]{0,20}$"
)
_NOT_YES = re.compile(r"\bnon\b|\bpas\b|\bmajeur|\bplus\b|\bfini\b|\bdepuis longtemps\b")


def says_yes(folded: str) -> bool:
    """A short "yes" ("ouais", "oui pk ?"): read as the answer to the last question."""
    return (
        _YES.match(folded) is not None
        and _NOT_YES.search(folded) is None
        and _ADULT_STUDIES.search(folded) is None
        and _ADULT_AGE.search(folded) is None
    )
