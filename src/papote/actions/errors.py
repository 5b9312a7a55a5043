"""Errors of the actions layer: a stable code for programs, a French sentence for people."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

MESSAGES_FR: dict[str, str] = {
    # entry
    "invalid_pseudo": "Le pseudo doit faire de 3 à 20 caractères : lettres (accents permis), "
    "chiffres, _ et -.",
    "pseudo_taken": "Ce pseudo est déjà utilisé par une personne connectée. "
    "Choisissez-en un autre.",
    "invalid_age": "L'âge doit être un nombre entier, par exemple 34.",
    "underage": "Papote est réservé aux adultes (18 ans et plus). Si tu as moins de 18 ans, "
    "tu peux parler gratuitement et anonymement au 3018 (appel, tchat ou appli 3018), "
    "le numéro national contre le harcèlement et les violences numériques.",
    "age_gate_locked": "Un âge de moins de 18 ans a été indiqué récemment depuis cet appareil : "
    "l'accès reste fermé. Si tu as besoin d'aide, appelle le 3018 (gratuit et anonyme).",
    "invalid_gender": "Le genre doit être « homme », « femme » ou « autre ».",
    "invalid_postal_code": "Ce code postal n'existe pas. Indiquez un code postal français à 5 "
    "chiffres (métropole ou outre-mer).",
    "banned": "Cet accès a été suspendu suite à une sanction. Vous pouvez faire appel de la "
    "décision.",
    "rate_limited": "Trop de tentatives en peu de temps. Patientez un instant puis réessayez.",
    "bad_request": "Requête invalide.",
    "unauthorized": "Session inconnue ou expirée. Reconnectez-vous.",
    "not_found": "Introuvable.",
    "method_not_allowed": "Méthode non permise.",
    "internal": "Une erreur interne est survenue. Réessayez dans un instant.",
    # real time
    "bad_json": "Trame illisible : ce n'est pas du JSON valide.",
    "bad_frame": "Trame invalide : un champ manque ou n'a pas le bon type.",
    "unknown_type": "Type de trame inconnu.",
    "frame_too_large": "Trame trop volumineuse (16 Ko au plus).",
    "not_authenticated": "Envoyez d'abord la trame « hello » avec votre jeton.",
    "invalid_token": "Session inconnue ou expirée. Reconnectez-vous depuis l'accueil.",
    "unknown_room": "Ce salon n'existe pas.",
    "unknown_user": "Cette personne n'est pas (ou plus) connectée.",
    "unknown_message": "Ce message n'existe pas.",
    "not_member": "Rejoignez d'abord ce salon.",
    "text_too_long": "Message trop long : 1000 caractères au plus.",
    "empty": "Le message est vide.",
    "muted": "Vous êtes réduit au silence pour le moment.",
    "blocked": "Vous ne pouvez pas écrire à cette personne.",
    "dm_refused": "Cette personne n'accepte pas de nouvelle conversation privée de votre part.",
    "dm_self": "Vous ne pouvez pas vous écrire à vous-même.",
    "too_many_new_dms": "Vous avez ouvert beaucoup de conversations privées en peu de temps. "
    "Patientez quelques minutes.",
    "adult_room": "Ce salon est réservé aux adultes dont l'âge a été vérifié.",
    "moderation": "Ce message enfreint la charte de Papote. Il n'a pas été envoyé.",
    "held": "Ce message a été retenu : un modérateur va le relire avant qu'il soit publié.",
    "confirm": "Ce message pourrait blesser ou mettre quelqu'un en danger. "
    "Voulez-vous vraiment l'envoyer ?",
    "suspended": "Votre compte est suspendu en attendant l'examen d'un modérateur.",
    "image_quota": "Sans vérification d'âge, vous pouvez envoyer 3 images par jour en privé. "
    "Prouvez que vous avez 18 ans pour en envoyer davantage.",
    "unknown_media": "Cette image est introuvable ou n'est plus disponible.",
    "minor_protected": "Pour la sécurité de tous, vous ne pouvez pas ouvrir de conversation "
    "privée avec cette personne.",
}


class ActionError(Exception):
    """A request that cannot be done; ``code`` is stable, the message is French."""

    status = 400
    help: list[dict[str, str | None]] | None = None  # where to find help (age gate)

    def __init__(self, code: str, message: str | None = None, *, status: int | None = None):
        super().__init__(code)
        self.code = code
        self.message = message or MESSAGES_FR.get(code, MESSAGES_FR["bad_request"])
        if status is not None:
            self.status = status


class Rejected(ActionError):
    """A say/dm that was not delivered: answered with a ``rejected`` frame."""

    def __init__(
        self,
        code: str,
        message: str | None = None,
        *,
        category: str | None = None,
        confirm: str | None = None,
        aftermath: Callable[[], Awaitable[None]] | None = None,
        message_id: str | None = None,
    ) -> None:
        super().__init__(code, message)
        self.category = category
        self.confirm = confirm
        # A held message is stored: its id lets the sender's page follow what becomes of it.
        self.message_id = message_id
        # What must happen once the sender has been answered (a suspension closes the
        # socket: the ``rejected`` reply has to be queued before it).
        self.aftermath = aftermath
