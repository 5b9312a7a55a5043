"""What the author of a public notice receives by e-mail (DSA Article 16(4) and (5)):
an acknowledgement at once, then the decision, in plain French ("tu", as on the page),
with how to contest it. Nothing here names the person reported, nor any internal code.
"""

from __future__ import annotations

from dataclasses import dataclass

from papote.moderation.statements import category_fr, duration_fr, rule_fr, when_fr

# What was done about the content, said to the person who notified it.
_OUTCOME_FR: dict[str, str] = {
    "dismiss": "après examen, nous n'avons relevé ni contenu illicite ni infraction aux "
    "règles de Papote\u00a0: aucune mesure n'a été prise.",
    "warn": "son auteur a reçu un avertissement.",
    "delete": "le contenu a été supprimé de Papote.",
    "mute": "son auteur ne peut plus écrire sur Papote {duration}.",
    "kick": "son auteur a été retiré du salon et ne peut pas y revenir {duration}.",
    "ban": "le contenu a été retiré et l'accès de son auteur à Papote est fermé {duration}.",
    "suspend": "le contenu a été retiré et l'accès de son auteur à Papote est suspendu "
    "à titre conservatoire, le temps d'un examen complet.",
}
FOOTER_FR = (
    "En cas de danger immédiat, appelle le 17 (ou le 112)\u202f; "
    "pour un enfant en danger, le 119.\n"
    "Ce message est envoyé automatiquement\u00a0: n'y réponds pas.\n"
    "— L'équipe de modération de Papote"
)


@dataclass(frozen=True, slots=True)
class NoticeFacts:
    """The notice as its author wrote it, and the decision taken on it."""

    notice_id: str
    url_or_id: str
    category: str
    received_at: int
    name: str | None = None


def _hello(facts: NoticeFacts) -> str:
    return f"Bonjour {facts.name}," if facts.name else "Bonjour,"


def _what(facts: NoticeFacts) -> str:
    shown = facts.url_or_id if len(facts.url_or_id) <= 200 else facts.url_or_id[:200] + "…"
    return f"« {shown} », signalé pour\u00a0: {category_fr(facts.category)}"


def acknowledgement_fr(facts: NoticeFacts) -> tuple[str, str]:
    """(subject, body) of the receipt sent as soon as the notice is stored."""
    subject = f"Papote\u00a0: ton signalement {facts.notice_id} est bien reçu"
    body = "\n\n".join(
        [
            _hello(facts),
            f"Nous avons bien reçu ton signalement du {when_fr(facts.received_at)[3:]}\u00a0:\n"
            f"{_what(facts)}.",
            f"Sa référence est {facts.notice_id}. Une personne de l'équipe de modération "
            "va l'examiner\u202f; tu recevras sa décision à cette adresse.",
            FOOTER_FR,
        ]
    )
    return subject, body


def decision_fr(
    action: str, category: str, *, duration_ms: int | None = None, until: int | None = None
) -> str:
    """The decision on a notice, for its author (stored on the notice, sent by e-mail)."""
    duration = ""
    if action in ("mute", "kick", "ban"):
        duration = duration_fr(duration_ms)
        if until is not None:
            duration += f" (jusqu'au {when_fr(until)[3:]})"
    text = _OUTCOME_FR.get(action, "une mesure a été prise.").format(duration=duration)
    text = text[0].upper() + text[1:]
    if action != "dismiss":
        text += f"\nRègle en cause\u00a0: {rule_fr(category)} (page « Règles » de Papote)."
    return text


def decision_mail_fr(facts: NoticeFacts, *, decided_at: int, decision: str) -> tuple[str, str]:
    """(subject, body) of the decision (``decision`` from ``decision_fr``)."""
    subject = f"Papote\u00a0: décision sur ton signalement {facts.notice_id}"
    body = "\n\n".join(
        [
            _hello(facts),
            f"Tu nous as signalé le {when_fr(facts.received_at)[3:]} un contenu de Papote\u00a0:\n"
            f"{_what(facts)}.",
            "Une personne de l'équipe de modération l'a examiné et a décidé le "
            f"{when_fr(decided_at)[3:]}\u00a0:\n{decision}\n"
            "Cette décision a été prise par une personne, pas de manière automatique.",
            "Si tu n'es pas d'accord, tu peux envoyer un nouveau signalement sur la page "
            "« Signaler un contenu » de Papote (/signaler) en expliquant pourquoi\u00a0: une autre "
            "personne de l'équipe le réexaminera. Tu peux aussi saisir un organisme de "
            "règlement extrajudiciaire des litiges certifié (article 21 du règlement sur "
            "les services numériques) ou la justice.",
            FOOTER_FR,
        ]
    )
    return subject, body
