"""Context (issue 8): the same words, framed as a quote, a condemnation, the news, a game,
a compliment or prevention, are allowed; used plainly, they are still caught.

The detector (safety/text/detectors/framing.py) is tested alone, then through the engine.
"""

from __future__ import annotations

import pytest

from papote.safety.context import Channel, MessageContext, Participant
from papote.safety.engine import ModerationEngine
from papote.safety.text.detectors.framing import framing_features
from papote.safety.text.normalise import fold
from papote.safety.verdict import Action, Category, Verdict

_SENDER = Participant(id="s", age=29)
_OTHER = Participant(id="o", age=31)


@pytest.fixture(scope="module")
def engine() -> ModerationEngine:
    return ModerationEngine.load()


def _judge(engine: ModerationEngine, text: str, channel: Channel = "room") -> Verdict:
    ctx = MessageContext(
        text=text,
        channel=channel,
        sender=_SENDER,
        recipient=_OTHER if channel == "dm" else None,
        room="general" if channel == "room" else None,
        conversation="framing",
        ts=1_000,
    )
    return engine.judge(ctx)


@pytest.mark.parametrize(
    ("text", "feature"),
    [
        ("un type m'a traité de sale négro dans le bus", "$reported"),
        ("au boulot on me traite de tapette depuis des mois", "$reported"),
        ("écrire 'sale juif' sur un mur c'est de l'antisémitisme", "$counter_speech"),
        ("je l'ai signalé, ce genre de propos racistes ça suffit", "$counter_speech"),
        ("l'homme a été condamné pour injure raciale selon le journal", "$news"),
        ("on se fait une partie de mario kart ?", "$game"),
        ("victoire 3-1 hier soir, quel match", "$game"),
        ("t'es une vraie bombe sur cette photo", "$compliment"),
        ("ce burger c'est une tuerie", "$compliment"),
        ("en soirée couvrez vos verres, la soumission chimique ça existe", "$prevention"),
        ("je vends pas de ça moi", "$negated"),
    ],
)
def test_frames_are_named(text: str, feature: str) -> None:
    assert feature in framing_features(fold(text))


def test_quoting_to_endorse_is_not_reported_speech() -> None:
    assert "$reported" not in framing_features(fold("comme disait mon oncle, il a dit vrai"))


@pytest.mark.parametrize(
    ("text", "channel"),
    [
        # counter-speech, reported speech and news that quote a slur
        ("un mec m'a traité de sale bougnoule à la caisse, j'ai déposé plainte", "room"),
        ("traiter quelqu'un de sale pd c'est homophobe, point barre", "room"),
        ("selon le journal, il a crié sale youpin dans le tram et a été condamné", "room"),
        # games and sport
        ("ce soir je vais te détruire à FIFA, prépare toi", "dm"),
        ("je vais te massacrer au babyfoot demain midi", "dm"),
        ("samedi on va les massacrer, le derby est à nous", "room"),
        ("j'ai enfin réussi à tuer ce boss", "room"),
        # compliments
        ("t'es une bombe atomique toi", "dm"),
        ("ton gratin de ce soir c'est une tuerie", "room"),
        # prevention and health about drugs
        ("le ghb en soirée c'est dangereux, surveillez vos verres les filles", "room"),
        ("j'ai arrêté la beuh depuis 2 mois, le sevrage c'est dur", "room"),
        ("la coke à 70 le g, c'est dangereux, arrêtez d'en acheter", "room"),
    ],
)
def test_framed_words_are_allowed(engine: ModerationEngine, text: str, channel: Channel) -> None:
    verdict = _judge(engine, text, channel)
    assert verdict.action is Action.ALLOW, (text, verdict.rule)


@pytest.mark.parametrize(
    ("text", "category", "channel"),
    [
        ("sale bougnoule", Category.HATE, "room"),
        ("je vais te détruire, tu vas voir", Category.VIOLENCE, "dm"),
        ("je vais te défoncer toi, je sais où t'habites", Category.VIOLENCE, "dm"),
        ("beuh dispo 10e le g, je livre", Category.DRUGS, "room"),
        (
            "je mets du ghb dans son verre et elle se souviendra de rien",
            Category.SEXUAL_VIOLENCE,
            "dm",
        ),
    ],
)
def test_plain_words_are_still_caught(
    engine: ModerationEngine, text: str, category: Category, channel: Channel
) -> None:
    verdict = _judge(engine, text, channel)
    assert verdict.action is not Action.ALLOW, text
    assert category in verdict.categories, (text, verdict)


@pytest.mark.parametrize(
    "text",
    [
        "je vais vous descendre les valises",
        "je vais te graver un cd de mes vieux sons",
        "on va vous exploser au quiz du bar ce soir",
        "je vais te démonter un meuble ikea, t'inquiète",
    ],
)
def test_second_person_verbs_that_are_not_threats(engine: ModerationEngine, text: str) -> None:
    assert _judge(engine, text, "dm").action is Action.ALLOW, text
