"""Safety notices at risky moments, for everyone; rare (once per kind per conversation).

When one side of the conversation is or may be a minor, that side gets a notice written
for her (do not go alone, refuse other apps, the 3018), and the other side gets the
usual one: advice such as "meet in a public place" is for adults, not for a child.
"""

from __future__ import annotations

from collections.abc import Collection, Set

from papote.safety.verdict import NoticeTarget, Nudge

FIRST_CONTACT = Nudge(
    "first_contact",
    "Premier message privé de cette personne. Si quelque chose te met mal à l'aise, "
    "tu peux la bloquer ou la signaler à tout moment depuis son profil.",
    NoticeTarget.RECIPIENT,
)
MEETING = Nudge(
    "meeting",
    "Un rendez-vous se prépare\u202f? Choisis un lieu public pour la rencontre, "
    "préviens un·e proche de l'heure et du lieu, et garde ton téléphone chargé.",
    NoticeTarget.BOTH,
)
MONEY = Nudge(
    "money",
    "Attention\u00a0: n'envoie jamais d'argent, de coupon (PCS, Transcash, Paysafecard, Neosurf) "
    "ni de code reçu par SMS à quelqu'un rencontré en ligne. En cas de doute, signale.",
    NoticeTarget.BOTH,
    level="warning",
)
OTHER_APP = Nudge(
    "other_app",
    "Passer sur une autre application\u202f? Là-bas, Papote ne peut plus te protéger. "
    "Ici, tu peux bloquer et signaler à tout moment.",
    NoticeTarget.BOTH,
)

# the same notices, written for a (possible) minor
_HELP = "Tu peux en parler au 3018 (gratuit, anonyme, confidentiel) ou sur 3018.fr."
FOR_MINORS: dict[str, str] = {
    "first_contact": "Quelqu'un que tu ne connais pas t'écrit en privé. Ne donne ni ton âge, "
    "ni ton école, ni ta ville, ni de photo. Tu peux le bloquer ou le signaler à tout "
    "moment. " + _HELP,
    "meeting": "Ne va jamais seul·e retrouver quelqu'un rencontré en ligne, même s'il a "
    "l'air gentil. Parles-en d'abord à un adulte de confiance. " + _HELP,
    "money": "Si quelqu'un te propose de l'argent, des cadeaux ou du crédit, ou t'en "
    "demande, c'est un piège\u00a0: ne réponds pas, bloque et signale. " + _HELP,
    "other_app": "On te propose de continuer sur Snap, Insta ou une autre appli\u202f? "
    "Refuse\u00a0: c'est souvent pour t'isoler, et là-bas personne ne te protège. "
    "Bloque et signale. " + _HELP,
}

# which names (concepts, features) call for which notice, in private messages
_TRIGGERS: tuple[tuple[Nudge, frozenset[str]], ...] = (
    (MEETING, frozenset({"g_meeting"})),
    (MONEY, frozenset({"money_request", "voucher", "$iban"})),
    (OTHER_APP, frozenset({"g_app_move", "$handle", "$invite_link", "$phone"})),
)
TRIGGER_NAMES = frozenset().union(*(names for _, names in _TRIGGERS))
ALL_KEYS = frozenset({FIRST_CONTACT.key} | {n.key for n, _ in _TRIGGERS})


def nudges_for(
    names: Set[str], dm: bool, first_contact: bool, already: Collection[str]
) -> tuple[Nudge, ...]:
    """The notices this message calls for that the conversation has not had yet.

    ``@sender_minor`` / ``@recipient_minor`` in ``names`` say which side may be a minor."""
    if not dm:
        return ()
    out = []
    if first_contact and FIRST_CONTACT.key not in already:
        out.append(FIRST_CONTACT)
    out.extend(
        n for n, names_ in _TRIGGERS if n.key not in already and not names.isdisjoint(names_)
    )
    if "@sender_minor" in names:
        return tuple(n for nudge in out for n in _for_minor(nudge, NoticeTarget.SENDER))
    if "@recipient_minor" in names:
        return tuple(n for nudge in out for n in _for_minor(nudge, NoticeTarget.RECIPIENT))
    return tuple(out)


def _for_minor(nudge: Nudge, minor: NoticeTarget) -> tuple[Nudge, ...]:
    """The minor's side gets the notice written for her; the adult's side the usual one."""
    adult = NoticeTarget.RECIPIENT if minor is NoticeTarget.SENDER else NoticeTarget.SENDER
    own = Nudge(nudge.key, FOR_MINORS[nudge.key], minor, level="warning")
    if nudge.target is NoticeTarget.BOTH:
        return (own, Nudge(nudge.key, nudge.text, adult, nudge.level))
    if nudge.target is minor:
        return (own,)
    return (nudge,)
