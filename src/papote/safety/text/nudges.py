"""Safety notices at risky moments, for everyone; rare (once per kind per conversation)."""

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
    "Un rendez-vous se prépare ? Retrouvez-vous dans un lieu public, prévenez un·e proche "
    "de l'heure et du lieu, et gardez votre téléphone chargé.",
    NoticeTarget.BOTH,
)
MONEY = Nudge(
    "money",
    "Attention : n'envoie jamais d'argent, de coupon (PCS, Transcash, Paysafecard, Neosurf) "
    "ni de code reçu par SMS à quelqu'un rencontré en ligne. En cas de doute, signale.",
    NoticeTarget.BOTH,
    level="warning",
)
OTHER_APP = Nudge(
    "other_app",
    "Passer sur une autre application ? Là-bas, Papote ne peut plus te protéger. "
    "Ici, tu peux bloquer et signaler à tout moment.",
    NoticeTarget.BOTH,
)

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
    """The notices this message calls for that the conversation has not had yet."""
    if not dm:
        return ()
    out = []
    if first_contact and FIRST_CONTACT.key not in already:
        out.append(FIRST_CONTACT)
    out.extend(
        n for n, names_ in _TRIGGERS if n.key not in already and not names.isdisjoint(names_)
    )
    return tuple(out)
