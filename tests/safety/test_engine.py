"""The engine judged directly: categories, context, minors, grooming, nudges, custom terms."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import pytest

from papote.safety.context import Channel, MessageContext, Participant
from papote.safety.engine import MINOR_FLAG, ModerationEngine
from papote.safety.explanations import CATEGORY_LABELS
from papote.safety.memory import MemoryEntry
from papote.safety.text.rulepack import CustomTerm
from papote.safety.verdict import Action, Category, Verdict

ADULT = Participant(id="adult", age=41)
OTHER = Participant(id="other", age=33)
_CLOCK = itertools.count(1_000_000, 60_000)  # a human pace: one message a minute


@pytest.fixture(scope="module")
def engine() -> ModerationEngine:
    return ModerationEngine.load()


def judge(
    engine: ModerationEngine,
    text: str,
    channel: Channel = "room",
    *,
    recipient: Participant = OTHER,
    room_adult: bool = False,
    history: Sequence[MemoryEntry] = (),
    first_contact: bool = False,
    sender: Participant | None = None,
) -> Verdict:
    ts = next(_CLOCK)
    sender = sender or Participant(id=f"adult{ts}", age=41)  # spam windows are per sender
    ctx = MessageContext(
        text=text,
        channel=channel,
        sender=sender,
        recipient=recipient if channel == "dm" else None,
        room=None if channel == "dm" else "general",
        room_adult=room_adult,
        conversation="c",
        first_contact=first_contact,
        ts=ts,
    )
    return engine.judge(ctx, history)


@pytest.mark.parametrize(
    ("text", "category", "action"),
    [
        ("qui a des photos de gamines a echanger", Category.CHILD_SAFETY, Action.ESCALATE),
        ("ma femme sera endormie, venez en profiter", Category.SEXUAL_VIOLENCE, Action.ESCALATE),
        ("je balance les nudes de mon ex, qui veut", Category.NCII, Action.ESCALATE),
        ("sale n3gr3", Category.HATE, Action.BLOCK),
        ("je sais ou tu habites", Category.VIOLENCE, Action.BLOCK),
        ("vends beuh 10e le g", Category.DRUGS, Action.BLOCK),
        ("🍃❄️💊 dispo", Category.DRUGS, Action.BLOCK),
        ("appelez moi au 06 12 34 56 78", Category.PERSONAL_DATA, Action.WARN),
        ("envoie moi un code pcs de 50", Category.SCAM, Action.BLOCK),
        ("appelle le 0899 12 34 56", Category.SCAM, Action.BLOCK),
        ("va te pendre", Category.HARASSMENT, Action.BLOCK),
        ("t'es qu'un abruti", Category.HARASSMENT, Action.WARN),
        ("qui veut me sucer ce soir", Category.SEXUAL_CONTENT, Action.BLOCK),
    ],
)
def test_categories(
    engine: ModerationEngine, text: str, category: Category, action: Action
) -> None:
    verdict = judge(engine, text)
    assert verdict.action is action
    assert verdict.category is category
    assert verdict.rule


@pytest.mark.parametrize(
    "text",
    [
        "j'ai 14 ans de mariage",
        "la weed devrait être légale",
        "je suis prof au collège",
        "ma fille a 14 ans",
        "il neige ❄️",
        "je vais à la gare de Lyon",
        "mdr t'es trop con 😂",
        "on les a tués 4-0 hier",
        "le film sur le viol de Nankin était dur",
        "les prix ont baissé",
    ],
)
def test_hard_benign_cases_are_allowed(engine: ModerationEngine, text: str) -> None:
    assert judge(engine, text).action is Action.ALLOW


def test_explanation_is_french_and_reveals_no_detail(engine: ModerationEngine) -> None:
    verdict = judge(engine, "sale bougnoule")
    assert (
        verdict.explanation
        == "Ce message enfreint la charte de Papote (haine). Il n'a pas été envoyé."
    )
    assert "bougnoule" not in verdict.explanation
    assert set(CATEGORY_LABELS) == set(Category)


def test_adult_room_allows_explicit_talk(engine: ModerationEngine) -> None:
    assert judge(engine, "grosse envie de baiser ce soir").action is Action.BLOCK
    assert judge(engine, "grosse envie de baiser ce soir", room_adult=True).action is Action.ALLOW
    # what is a crime stays a crime in an adult room
    assert (
        judge(engine, "ma femme sera droguee, venez la baiser", room_adult=True).action
        is Action.ESCALATE
    )


def test_explicit_private_message_asks_first_unless_the_other_was_explicit(
    engine: ModerationEngine,
) -> None:
    assert judge(engine, "j'ai envie de te baiser", "dm").action is Action.WARN
    history = [MemoryEntry(sender=OTHER.id, text="j'ai envie de toi", signals=("flirt",))]
    assert judge(engine, "j'ai envie de te baiser", "dm", history=history).action is Action.ALLOW


def test_minor_self_disclosure_flags_sender(engine: ModerationEngine) -> None:
    verdict = judge(engine, "jsuis en 4e", "dm")
    assert verdict.action is Action.ALLOW
    assert MINOR_FLAG in verdict.flags
    assert MINOR_FLAG not in judge(engine, "ma fille est en 4e", "dm").flags


def test_grooming_a_minor_escalates_every_move(engine: ModerationEngine) -> None:
    history = [MemoryEntry(sender=OTHER.id, text="jai 13 ans", flags=(MINOR_FLAG,))]
    for text in [
        "t'es seule chez toi ?",
        "ajoute moi sur snap",
        "dis rien a tes parents",
        "envoie une photo de toi",
        "on se voit demain ?",
        "je t'offre un iphone",
    ]:
        verdict = judge(engine, text, "dm", history=history)
        assert verdict.action is Action.ESCALATE, text
        # escalated as grooming, and a child-protection case too (issue 8)
        assert verdict.categories == (Category.GROOMING, Category.CHILD_SAFETY), text
    assert (
        judge(engine, "tu aimes quel genre de musique ?", "dm", history=history).action
        is Action.ALLOW
    )


def test_recipient_known_minor_from_context(engine: ModerationEngine) -> None:
    minor = Participant(id="kid", age=18, possibly_minor=True)
    assert judge(engine, "on continue sur snap ?", "dm", recipient=minor).action is Action.ESCALATE
    assert judge(engine, "on continue sur snap ?", "dm").action is Action.ALLOW


def converse(
    engine: ModerationEngine, texts: Sequence[str], conversation: str, history: list[MemoryEntry]
) -> list[Verdict]:
    """The adult writes ``texts`` in a DM at a human pace; each judged with what came before."""
    verdicts = []
    for text in texts:
        ctx = MessageContext(
            text=text,
            channel="dm",
            sender=ADULT,
            recipient=OTHER,
            conversation=conversation,
            ts=next(_CLOCK),
        )
        assessment = engine.assess(ctx, history)
        history.append(assessment.entry)
        verdicts.append(assessment.verdict)
    return verdicts


def test_grooming_sequence_between_adults_is_held(engine: ModerationEngine) -> None:
    history: list[MemoryEntry] = []
    texts = [
        "t'as quel age ?",
        "tu fais plus jeune",
        "t'es toute seule chez toi ?",
        "ca reste entre nous",
    ]
    verdicts = converse(engine, texts, "g", history)
    assert verdicts[0].action is Action.ALLOW
    assert verdicts[-1].action in (Action.HOLD, Action.ESCALATE)
    assert verdicts[-1].category is Category.GROOMING


def test_adults_flirting_and_arranging_a_date_are_allowed(engine: ModerationEngine) -> None:
    texts = [
        "t'as quel age ?",
        "34, tu habites ou ?",
        "t'es seule ce soir ?",
        "on se voit jeudi au bar ?",
        "on se voit jeudi au bar ?",
    ]
    verdicts = converse(engine, texts, "d", [])
    for text, verdict in zip(texts, verdicts, strict=True):
        assert verdict.action is Action.ALLOW, text
    nudges = [n.key for v in verdicts for n in v.nudges]
    assert nudges.count("meeting") == 1  # rare: once per kind per conversation


def test_nudges_first_contact_money_and_other_app(engine: ModerationEngine) -> None:
    keys = {n.key for n in judge(engine, "salut !", "dm", first_contact=True).nudges}
    assert keys == {"first_contact"}
    assert "money" in {
        n.key for n in judge(engine, "tu peux me faire un virement paypal ?", "dm").nudges
    }
    assert "other_app" in {n.key for n in judge(engine, "on passe sur whatsapp ?", "dm").nudges}
    assert judge(engine, "on passe sur whatsapp ?", "room").nudges == ()


def test_spam_repeated_text_is_held(engine: ModerationEngine) -> None:
    spammer = Participant(id="spammer", age=30)
    # an ordinary line: an advert is held at once by the text model (spam), not only repeated
    text = "Quelqu'un est partant pour une belote ce soir sur la place du marché ?"
    actions = [judge(engine, text, sender=spammer).action for _ in range(3)]
    assert actions[:2] == [Action.ALLOW, Action.ALLOW]
    assert actions[2] is Action.HOLD


def test_links(engine: ModerationEngine) -> None:
    assert (
        judge(engine, "connecte toi ici http://papote-securite.com/login", "dm").category
        is Category.SCAM
    )
    assert judge(engine, "gagne 500 euros bit.ly/xyz", "room").action is Action.BLOCK
    assert judge(engine, "regarde https://www.legifrance.gouv.fr", "room").action is Action.ALLOW


def test_custom_terms_apply_at_once_and_can_be_removed(engine: ModerationEngine) -> None:
    fresh = ModerationEngine.load()
    assert judge(fresh, "achete mon zorglub").action is Action.ALLOW
    fresh.set_custom_terms(
        [CustomTerm(id="1", term="zorglub", category=Category.SCAM, action=Action.HOLD)]
    )
    verdict = judge(fresh, "achete mon Z0RGLUB")
    assert (verdict.action, verdict.category, verdict.rule) == (
        Action.HOLD,
        Category.SCAM,
        "custom.1",
    )
    fresh.set_custom_terms(
        [CustomTerm(id="2", term="zorglub", category=Category.SPAM, channels=("dm",))]
    )
    assert judge(fresh, "achete mon zorglub").action is Action.ALLOW
    assert judge(fresh, "achete mon zorglub", "dm").category is Category.SPAM
    fresh.set_custom_terms([])
    assert judge(fresh, "achete mon zorglub", "dm").action is Action.ALLOW


def test_the_model_lets_crever_de_chaud_pass():
    from papote.safety.context import MessageContext, Participant
    from papote.safety.engine import ModerationEngine
    from papote.safety.verdict import Action

    engine = ModerationEngine.load()
    ctx = MessageContext(
        text="je vais crever de chaud", channel="room", sender=Participant(id="a", age=30)
    )
    assert engine.judge(ctx, []).action is Action.ALLOW


def test_the_model_lets_an_invitation_alone_pass():
    from papote.safety.context import MessageContext, Participant
    from papote.safety.engine import ModerationEngine
    from papote.safety.verdict import Action

    engine = ModerationEngine.load()
    ctx = MessageContext(
        text="venez à partir de minuit", channel="room", sender=Participant(id="a", age=30)
    )
    assert engine.judge(ctx, []).action is Action.ALLOW


def test_everyday_lines_that_share_words_with_insults_pass():
    from papote.safety.context import MessageContext, Participant
    from papote.safety.engine import ModerationEngine
    from papote.safety.verdict import Action

    engine = ModerationEngine.load()
    sender = Participant(id="a", age=30)
    for text in [
        "mon tél va mourir, 3%",
        "on voulait aller pique-niquer au parc",
        "ma plante va mourir si je l'arrose pas",
    ]:
        verdict = engine.judge(MessageContext(text=text, channel="room", sender=sender), [])
        assert verdict.action is Action.ALLOW, (text, verdict)
    for text in ["va mourir", "t'es nul. va crever", "toi va mourir sale con"]:
        verdict = engine.judge(MessageContext(text=text, channel="room", sender=sender), [])
        assert verdict.action is Action.BLOCK, (text, verdict)
