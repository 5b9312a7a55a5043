"""Statements of reasons (DSA Article 17), written for a person, in French.

A statement says what was decided and for how long (the real duration), the facts, the
rule, whether it was automated, and how to contest it; never an internal code. Each is
also described by the fields of the EU transparency database (Article 24(5)): decision
ground, category and keywords, content type, automation, restrictions and their end
dates, a platform id; nothing that identifies a person goes there.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")
APPEAL_WINDOW_MS = 183 * 86_400_000  # six months

# What the category is called for a person (the rule of the charter it breaks).
CATEGORY_FR: dict[str, str] = {
    "child_safety": "la protection des mineurs",
    "grooming": "la protection des mineurs (sollicitation d'un mineur)",
    "sexual_violence": "le consentement (violence sexuelle)",
    "ncii": "le consentement (diffusion d'images intimes sans accord)",
    "hate": "le respect (propos haineux)",
    "violence": "le respect (menaces ou appel à la violence)",
    "harassment": "le respect (harcèlement)",
    "personal_data": "la vie privée (publication d'informations personnelles)",
    "scam": "l'interdiction des arnaques",
    "drugs": "l'interdiction des trafics",
    "spam": "l'interdiction du spam",
    "other": "la charte de Papote",
}
RULE_FR: dict[str, str] = {
    "child_safety": "article 2 des règles",
    "grooming": "article 2 des règles",
    "sexual_violence": "article 3 des règles",
    "ncii": "article 3 des règles",
    "hate": "article 4 des règles",
    "violence": "article 4 des règles",
    "harassment": "article 4 des règles",
    "personal_data": "article 4 des règles",
    "scam": "article 5 des règles",
    "drugs": "article 5 des règles",
    "spam": "article 5 des règles",
    "other": "règles de Papote",
}
# Unlawful in France beyond the charter (the decision ground of the transparency database).
ILLEGAL = frozenset({"child_safety", "grooming", "sexual_violence", "ncii", "hate", "violence"})

# What was decided, said to the person ("tu", as everywhere on the page).
_DECISION_FR: dict[str, str] = {
    "warn": "Tu reçois un avertissement de la modération.",
    "delete": "Ton message a été supprimé.",
    "mute": "Tu ne peux plus écrire {duration}.",
    "kick": "Tu as été retiré·e du salon {room} et tu ne peux pas y revenir {duration}.",
    "ban": "Ton accès à Papote est fermé {duration}.",
    "suspend": "Ton accès à Papote est suspendu à titre conservatoire {duration}, "
    "le temps qu'un modérateur examine ce qui s'est passé.",
}

SOR_CATEGORY: dict[str, tuple[str, list[str]]] = {
    "child_safety": (
        "STATEMENT_CATEGORY_PROTECTION_OF_MINORS",
        ["KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL"],
    ),
    "grooming": (
        "STATEMENT_CATEGORY_PROTECTION_OF_MINORS",
        ["KEYWORD_GROOMING_SEXUAL_ENTICEMENT_MINORS"],
    ),
    "sexual_violence": ("STATEMENT_CATEGORY_VIOLENCE", ["KEYWORD_GENDER_BASED_VIOLENCE"]),
    "ncii": (
        "STATEMENT_CATEGORY_NON_CONSENSUAL_BEHAVIOUR",
        ["KEYWORD_NON_CONSENSUAL_IMAGE_SHARING"],
    ),
    "hate": ("STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH", ["KEYWORD_HATE_SPEECH"]),
    "violence": ("STATEMENT_CATEGORY_VIOLENCE", ["KEYWORD_INCITEMENT_VIOLENCE_HATRED"]),
    "harassment": (
        "STATEMENT_CATEGORY_NON_CONSENSUAL_BEHAVIOUR",
        ["KEYWORD_ONLINE_BULLYING_INTIMIDATION"],
    ),
    "personal_data": (
        "STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS",
        ["KEYWORD_MISSING_PROCESSING_GROUND"],
    ),
    "scam": ("STATEMENT_CATEGORY_SCAMS_AND_FRAUD", ["KEYWORD_PHISHING"]),
    "drugs": ("STATEMENT_CATEGORY_UNSAFE_AND_ILLEGAL_PRODUCTS", ["KEYWORD_PROHIBITED_PRODUCTS"]),
    "spam": ("STATEMENT_CATEGORY_SCOPE_OF_PLATFORM_SERVICE", ["KEYWORD_OTHER"]),
    "other": ("STATEMENT_CATEGORY_SCOPE_OF_PLATFORM_SERVICE", ["KEYWORD_OTHER"]),
}


def category_fr(category: str) -> str:
    return CATEGORY_FR.get(category, CATEGORY_FR["other"])


def when_fr(ts_ms: int) -> str:
    """« le 1/12/2026 à 05:10 » in Paris time."""
    moment = datetime.fromtimestamp(ts_ms / 1000, UTC).astimezone(PARIS)
    return f"le {moment.day}/{moment.month}/{moment.year} à {moment:%H:%M}"


def duration_fr(duration_ms: int | None) -> str:
    """« pendant 2 heures (jusqu'au ...) » is built by the caller; this says the length."""
    if duration_ms is None:
        return "sans limite de durée"
    minutes = max(1, round(duration_ms / 60_000))
    for size, one, many in ((1440, "jour", "jours"), (60, "heure", "heures")):
        if minutes >= size and minutes % size == 0:
            n = minutes // size
            return f"pendant {n} {one if n == 1 else many}"
    return f"pendant {minutes} minute{'s' if minutes > 1 else ''}"


@dataclass(frozen=True, slots=True)
class Decision:
    """What a statement is about: the facts are already written for the person."""

    action: str
    category: str
    created_at: int
    until: int | None = None
    facts: str = ""
    automated: bool = False
    room_name: str | None = None

    @property
    def duration_ms(self) -> int | None:
        return None if self.until is None else max(0, self.until - self.created_at)


def _duration_phrase(decision: Decision) -> str:
    if decision.action not in ("mute", "kick", "ban", "suspend"):
        return ""
    if decision.until is None:
        return duration_fr(None)
    at_most = " au plus" if decision.action == "suspend" else ""
    return f"{duration_fr(decision.duration_ms)}{at_most} (jusqu'au {when_fr(decision.until)[3:]})"


def rule_fr(category: str) -> str:
    """« le respect (harcèlement), article 4 des règles de Papote »."""
    if category not in RULE_FR or category == "other":
        return "les règles de Papote"
    return f"{category_fr(category)}, {RULE_FR[category]} de Papote"


def statement_fr(decision: Decision) -> str:
    """The statement of reasons a person reads (several short paragraphs, in "tu")."""
    room = f"« {decision.room_name} »" if decision.room_name else ""
    head = _DECISION_FR.get(decision.action, "La modération a pris une décision.").format(
        duration=_duration_phrase(decision), room=room
    )
    head = " ".join(head.split()).replace(" .", ".").replace(" ,", ",")
    who = (
        "Cette décision a été prise automatiquement par le système de modération de Papote, "
        "sans intervention humaine\u202f; un modérateur l'examinera."
        if decision.automated
        else "Cette décision a été prise par un modérateur de Papote."
    )
    rule = f"Règle enfreinte\u00a0: {rule_fr(decision.category)} (page « Règles »)."
    appeal = (
        "Recours\u00a0: si tu penses que c'est une erreur, tu peux contester cette décision "
        "pendant six mois sur la page « Contester une décision » de Papote (/recours), "
        "depuis ce navigateur\u202f; une autre personne de l'équipe la réexaminera et te "
        "répondra."
    )
    facts = f"Ce qui t'est reproché\u00a0: {decision.facts}" if decision.facts else ""
    return "\n".join(p for p in (head, facts, rule, who, appeal) if p)


def _iso(ts_ms: int | None) -> str | None:
    if ts_ms is None:
        return None
    return datetime.fromtimestamp(ts_ms / 1000, UTC).strftime("%Y-%m-%d")


def sor_fields(
    decision: Decision, *, puid: str, content_type: str = "text", source: str = "voluntary"
) -> dict[str, Any]:
    """The fields of the EU transparency database's statement of reasons (no person)."""
    category, keywords = SOR_CATEGORY.get(decision.category, SOR_CATEGORY["other"])
    illegal = decision.category in ILLEGAL
    fields: dict[str, Any] = {
        "decision_ground": (
            "DECISION_GROUND_ILLEGAL_CONTENT" if illegal else "DECISION_GROUND_INCOMPATIBLE_CONTENT"
        ),
        "category": category,
        "category_specification": keywords,
        "content_type": ["CONTENT_TYPE_IMAGE" if content_type == "image" else "CONTENT_TYPE_TEXT"],
        "automated_detection": "Yes" if decision.automated else "No",
        "automated_decision": (
            "AUTOMATED_DECISION_FULLY" if decision.automated else "AUTOMATED_DECISION_NOT_AUTOMATED"
        ),
        "source_type": {
            "notice": "SOURCE_ARTICLE_16",
            "trusted_flagger": "SOURCE_TRUSTED_FLAGGER",
        }.get(source, "SOURCE_VOLUNTARY"),
        "application_date": _iso(decision.created_at),
        "content_date": _iso(decision.created_at),
        "territorial_scope": ["FR"],
        "content_language": "FR",
        "puid": puid,
    }
    if illegal:
        fields["illegal_content_legal_ground"] = "Code pénal (France)"
        fields["illegal_content_explanation"] = category_fr(decision.category)
    else:
        fields["incompatible_content_ground"] = RULE_FR.get(decision.category, RULE_FR["other"])
        fields["incompatible_content_explanation"] = category_fr(decision.category)
    if decision.action in ("delete", "suspend", "ban"):
        fields["decision_visibility"] = ["DECISION_VISIBILITY_CONTENT_REMOVED"]
        fields["end_date_visibility_restriction"] = None
    if decision.action in ("mute", "kick"):
        fields["decision_visibility"] = ["DECISION_VISIBILITY_CONTENT_INTERACTION_RESTRICTED"]
        fields["end_date_visibility_restriction"] = _iso(decision.until)
    if decision.action in ("ban", "suspend"):
        permanent = decision.action == "ban" and decision.until is None
        fields["decision_account"] = (
            "DECISION_ACCOUNT_TERMINATED" if permanent else "DECISION_ACCOUNT_SUSPENDED"
        )
        fields["end_date_account_restriction"] = _iso(decision.until)
        fields["account_type"] = "ACCOUNT_TYPE_PRIVATE"
    return fields


def outcome_for_reporter_fr(action: str, category: str) -> str:
    """What a reporter is told about their report (no detail on the other person)."""
    if action == "dismiss":
        return (
            "Merci pour ton signalement. Un modérateur l'a examiné et n'a pas relevé "
            "d'infraction aux règles de Papote\u202f; aucune mesure n'a été prise."
        )
    return (
        "Merci pour ton signalement. Un modérateur l'a examiné et a pris une mesure\u00a0: "
        f"la règle enfreinte est {rule_fr(category)}."
    )


def appeal_answer_fr(overturned: bool) -> str:
    if overturned:
        return (
            "Ta contestation a été examinée par une autre personne de l'équipe de "
            "modération\u00a0: elle t'a donné raison. La sanction est levée."
        )
    return (
        "Ta contestation a été examinée par une autre personne de l'équipe de modération\u00a0: "
        "la décision est maintenue. Tu peux aussi saisir un organisme de règlement "
        "extrajudiciaire des litiges certifié (article 21 du règlement sur les services "
        "numériques) ou la justice."
    )
