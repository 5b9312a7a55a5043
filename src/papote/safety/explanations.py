"""What the sender is told, in French. Never which word or detector fired."""

from __future__ import annotations

from papote.safety.verdict import Action, Category

CATEGORY_LABELS: dict[Category, str] = {
    Category.CHILD_SAFETY: "protection des mineurs",
    Category.GROOMING: "protection des mineurs",
    Category.SEXUAL_VIOLENCE: "violences sexuelles",
    Category.NCII: "images intimes sans consentement",
    Category.HATE: "haine",
    Category.VIOLENCE: "menaces et violence",
    Category.DRUGS: "drogues",
    Category.PERSONAL_DATA: "données personnelles",
    Category.SCAM: "arnaques",
    Category.SPAM: "spam",
    Category.HARASSMENT: "harcèlement",
    Category.SEXUAL_CONTENT: "contenu sexuel",
    Category.OTHER: "règles de la communauté",
}

_WARN_TEXT: dict[Category, str] = {
    Category.PERSONAL_DATA: (
        "Tu t'apprêtes à partager des coordonnées. Tout le monde pourra les voir et les garder. "
        "Veux-tu vraiment l'envoyer\u202f?"
    ),
    Category.HARASSMENT: (
        "Ce message risque de blesser la personne qui le lira. Veux-tu le reformuler\u202f?"
    ),
    Category.SEXUAL_CONTENT: (
        "Ce message est explicite et la personne n'a peut-être pas envie de le recevoir. "
        "Veux-tu vraiment l'envoyer\u202f?"
    ),
}


def explanation(action: Action, category: Category) -> str | None:
    label = CATEGORY_LABELS[category]
    if action is Action.WARN:
        return _WARN_TEXT.get(
            category,
            f"Ce message pourrait enfreindre la charte de Papote ({label}). "
            "Veux-tu vraiment l'envoyer ou le reformuler\u202f?",
        )
    if action is Action.HOLD:
        return (
            f"Ce message est en attente de vérification par l'équipe de modération ({label}). "
            "Il sera envoyé s'il respecte la charte."
        )
    if action >= Action.BLOCK:
        return f"Ce message enfreint la charte de Papote ({label}). Il n'a pas été envoyé."
    return None
