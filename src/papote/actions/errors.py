"""Errors of the actions layer: a stable code for programs, a French sentence for people."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from papote.store.db import is_unavailable

MESSAGES_FR: dict[str, str] = {
    # entry
    "invalid_pseudo": "Le pseudo doit faire de 3 à 20 caractères\u00a0: lettres (accents permis), "
    "chiffres, _ et -.",
    "pseudo_taken": "Ce pseudo est déjà utilisé par une personne connectée. Choisis-en un autre.",
    "invalid_age": "L'âge doit être un nombre entier, par exemple 34.",
    "underage": "Papote est réservé aux adultes (18 ans et plus). Si tu as moins de 18 ans, "
    "tu peux parler gratuitement et anonymement au 3018 (appel, tchat ou appli 3018), "
    "le numéro national contre le harcèlement et les violences numériques.",
    "age_gate_locked": "Un âge de moins de 18 ans a été indiqué récemment depuis cet "
    "appareil\u00a0: l'accès reste fermé. Si tu as besoin d'aide, appelle le 3018 "
    "(gratuit et anonyme).",
    "invalid_gender": "Le genre doit être « homme », « femme » ou « autre ».",
    "invalid_postal_code": "Ce code postal n'existe pas. Indique un code postal français à 5 "
    "chiffres (métropole ou outre-mer).",
    "banned": "Ton accès a été fermé à la suite d'une sanction. Tu peux la contester sur "
    "la page « Recours » (/recours).",
    "rate_limited": "Trop de tentatives en peu de temps. Patiente un instant puis réessaie.",
    "pseudo_reserved": "Ce pseudo est réservé à l'équipe de Papote ou lui ressemble trop. "
    "Choisis-en un autre.",
    "pseudo_contact": "Un pseudo ne peut pas contenir de numéro de téléphone, d'adresse e-mail "
    "ni de compte d'un autre réseau (Snap, Insta...). Choisis-en un autre.",
    "pseudo_refused": "Ce pseudo n'est pas accepté sur Papote (insulte ou contenu sexuel). "
    "Choisis-en un autre.",
    "challenge_required": "Beaucoup de personnes entrent en ce moment depuis ta connexion\u00a0: "
    "ton navigateur doit d'abord résoudre une petite vérification automatique.",
    "challenge_failed": "La vérification automatique n'a pas abouti ou a expiré. Réessaie.",
    "forbidden_origin": "Cette action n'est possible que depuis la page de Papote.",
    "unsupported_media_type": "Le corps de la requête doit être du JSON "
    "(Content-Type: application/json).",
    "forbidden": "Accès réservé à l'équipe de modération.",
    "bad_request": "Requête invalide.",
    "unauthorized": "Session inconnue ou expirée. Reconnecte-toi.",
    "not_found": "Introuvable.",
    "method_not_allowed": "Méthode non permise.",
    "not_recorded": "La décision n'a pas pu être enregistrée\u00a0: elle a été annulée aussitôt "
    "et la personne a été prévenue de la levée. Rien n'a changé dans le dossier\u202f; réessaie "
    "dans un instant.",
    "bad_credentials": "Nom, mot de passe ou code à usage unique incorrect.",
    "internal": "Une erreur interne est survenue. Réessaie dans un instant.",
    "unavailable": "Le service est momentanément indisponible\u00a0: rien n'a été enregistré. "
    "Réessaie dans quelques secondes.",
    # real time
    "bad_json": "Trame illisible\u00a0: ce n'est pas du JSON valide.",
    "bad_frame": "Trame invalide\u00a0: un champ manque ou n'a pas le bon type.",
    "unknown_type": "Type de trame inconnu.",
    "frame_too_large": "Trame trop volumineuse (16 Ko au plus).",
    "not_authenticated": "Envoie d'abord la trame « hello » avec ton jeton.",
    "invalid_token": "Session inconnue ou expirée. Reconnecte-toi depuis l'accueil.",
    "unknown_room": "Ce salon n'existe pas.",
    "unknown_subject": "Nous ne trouvons pas ce que tu signales sur Papote. Indique le lien "
    "ou l'identifiant du message (13 caractères), ou le pseudo exact d'une personne connectée. "
    "Si un enfant est en danger immédiat, appelle le 17\u202f; un contenu illicite peut aussi être "
    "signalé sur internet-signalement.gouv.fr (Pharos).",
    "unknown_user": "Cette personne n'est pas (ou plus) connectée.",
    "unknown_message": "Ce message n'existe pas.",
    "not_member": "Rejoins d'abord ce salon.",
    "text_too_long": "Message trop long\u00a0: 1000 caractères au plus.",
    "empty": "Le message est vide.",
    "muted": "Tu ne peux pas écrire pour le moment (mise en sourdine).",
    "blocked": "Tu ne peux pas écrire à cette personne.",
    "dm_refused": "Cette personne n'accepte pas de nouvelle conversation privée de ta part.",
    "dm_self": "Tu ne peux pas t'écrire à toi-même.",
    "too_many_new_dms": "Tu as ouvert beaucoup de conversations privées en peu de temps. "
    "Patiente quelques minutes.",
    "adult_room": "Ce salon est réservé aux adultes dont l'âge a été vérifié.",
    "minor_restricted_room": "Ce salon est réservé aux adultes (rencontres, discussions entre "
    "adultes)\u00a0: tu ne peux pas le rejoindre. Si tu as moins de 18 ans, Papote n'est pas fait "
    "pour toi\u202f; si quelqu'un te met mal à l'aise, appelle le 3018 (gratuit et anonyme). Si tu "
    "es majeur·e, tu peux prouver ton âge de façon anonyme depuis « Mon compte ».",
    "moderation": "Ce message enfreint la charte de Papote. Il n'a pas été envoyé.",
    "held": "Ce message a été retenu\u00a0: un modérateur va le relire avant qu'il soit publié.",
    "confirm": "Ce message pourrait blesser ou mettre quelqu'un en danger. "
    "Veux-tu vraiment l'envoyer\u202f?",
    "suspended": "Ton compte est suspendu en attendant l'examen d'un modérateur.",
    "image_quota": "Sans vérification d'âge, tu peux envoyer 3 images par jour en privé. "
    "Prouve que tu as 18 ans pour en envoyer davantage.",
    "unknown_media": "Cette image est introuvable ou n'est plus disponible.",
    "too_many_connections": "Trop de connexions ouvertes avec cette session ou depuis cette "
    "adresse. Ferme un onglet puis réessaie.",
    "flood": "Trop de trames en peu de temps\u00a0: la connexion est fermée.",
    # images (docs/images.md)
    "unsupported_media": "Ce fichier n'est pas une image acceptée\u00a0: envoie une photo JPEG, "
    "PNG ou WebP.",
    "too_large": "Image trop lourde\u00a0: 5 Mo et 40 millions de pixels au plus.",
    "media_blocked": "Cette image ne peut pas être partagée sur Papote.",
    "media_not_ready": "Les photos ne sont pas encore disponibles\u00a0: Papote finit de démarrer. "
    "Réessaie dans quelques secondes.",
    "media_rate_limited": "Tu as envoyé beaucoup d'images en peu de temps. Patiente un peu "
    "avant d'en envoyer d'autres.",
    "unblur_forbidden": "Seules les personnes dont l'âge est vérifié peuvent voir en clair "
    "l'image d'une personne à qui elles n'ont pas encore répondu, ou une image explicite.",
    "explicit_media": "Les images explicites ne sont permises que dans les salons adultes.",
    "explicit_media_dm": "Cette image explicite ne peut pas être envoyée à cette personne.",
    "minor_protected": "Pour la sécurité de tous, tu ne peux pas ouvrir de conversation "
    "privée avec cette personne.",
}


class ActionError(Exception):
    """A request that cannot be done; ``code`` is stable, the message is French."""

    status = 400
    help: list[dict[str, str | None]] | None = None  # where to find help (age gate)
    extra: dict[str, str] | None = None  # more members of the error object (challenge_url)

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


def unavailable(exc: BaseException) -> ActionError | None:
    """The error to answer when ``exc`` is a storage outage (retry later), else None."""
    return ActionError("unavailable", status=503) if is_unavailable(exc) else None
