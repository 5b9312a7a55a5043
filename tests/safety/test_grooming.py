"""Grooming from both sides (issue 8): the conversation model (safety/text/grooming.py)
alone, then through the engine with conversations replayed message by message.

The sentences are written for these tests; none comes from the corpus.
"""

from __future__ import annotations

import itertools

import pytest

from papote.safety.context import MessageContext, Participant
from papote.safety.engine import MINOR_FLAG, ModerationEngine
from papote.safety.memory import MemoryEntry
from papote.safety.text.grooming import (
    ESCALATE_AT,
    HOLD_AT,
    MINOR_RISK,
    Parties,
    grooming_risk,
    message_stages,
)
from papote.safety.text.normalise import fold
from papote.safety.text.nudges import FOR_MINORS
from papote.safety.verdict import Action, Category, NoticeTarget, Verdict

_CLOCK = itertools.count(5_000_000, 90_000)


@pytest.fixture(scope="module")
def engine() -> ModerationEngine:
    return ModerationEngine.load()


class Conversation:
    """A private conversation between ``a`` and ``b``, judged like the server does."""

    def __init__(self, engine: ModerationEngine, a_age: int, b_age: int) -> None:
        self.engine = engine
        self.people = {"a": Participant(id="a", age=a_age), "b": Participant(id="b", age=b_age)}
        self.history: list[MemoryEntry] = []
        self.facts: dict[str, str] = {}

    def say(self, who: str, text: str) -> Verdict:
        other = "b" if who == "a" else "a"
        ctx = MessageContext(
            text=text,
            channel="dm",
            sender=self.people[who],
            recipient=self.people[other],
            conversation="a|b",
            first_contact=not self.history,
            ts=next(_CLOCK),
        )
        assessment = self.engine.assess(ctx, self.history, self.facts)
        self.history.append(assessment.entry)
        self.facts.update(assessment.facts)
        return assessment.verdict


# -- the model alone -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "stage"),
    [
        ("t'es au collège toi ?", "g_minor_named"),
        ("tu fais grande pour une fille de 5e", "g_minor_named"),
        ("t'as que 13 ans ?", "g_minor_named"),
        ("tas 13a ?", "g_minor_named"),  # SMS: "13a" for "13 ans"
        ("t en 6eme ou 5eme?", "g_minor_named"),  # SMS: "t" for "t'es"
        ("t au college ?", "g_minor_named"),
        ("tu veux gagner 40 euros ?", "g_gift"),
        ("tu pourrais m'envoyer une photo de ta tenue ?", "g_photo_request"),
    ],
)
def test_patterns_find_stages(text: str, stage: str) -> None:
    assert stage in message_stages(set(), fold(text))


def test_features_are_stages_too() -> None:
    assert message_stages({"$handle"}, "") == {"g_app_move"}


def test_risk_rises_with_distinct_stages_and_phases() -> None:
    adults = Parties(sender_age=40, recipient_age=30)
    one = grooming_risk(frozenset({"g_secrecy"}), (), adults)
    two = grooming_risk(frozenset({"g_secrecy"}), {"g_isolation"}, adults)
    four = grooming_risk(frozenset({"g_secrecy"}), {"g_isolation", "g_gift", "g_app_move"}, adults)
    assert one < two < four


def test_no_stage_now_no_risk_and_identifying_alone_is_not_a_move() -> None:
    parties = Parties(sender_age=45, recipient_age=19)
    assert grooming_risk(frozenset(), {"g_secrecy", "g_parents"}, parties) == 0.0
    assert grooming_risk(frozenset({"g_minor_named", "g_school"}), (), parties) == 0.0


def test_naming_a_minor_and_an_age_gap_raise_the_risk() -> None:
    stages = frozenset({"g_flattery"})
    earlier = {"g_school", "g_age_question"}
    close = grooming_risk(stages, earlier, Parties(sender_age=21, recipient_age=19))
    far = grooming_risk(stages, earlier, Parties(sender_age=48, recipient_age=19))
    named = grooming_risk(stages, earlier | {"g_minor_named"}, Parties(sender_age=21))
    assert close < far < named


def test_a_minor_recipient_makes_every_move_escalate() -> None:
    minor = Parties(sender_age=40, recipient_age=19, recipient_minor=True)
    assert grooming_risk(frozenset({"g_meeting"}), (), minor) == MINOR_RISK >= ESCALATE_AT
    assert grooming_risk(frozenset({"g_age_question"}), (), minor) == 0.0


def test_a_stated_adult_answer_cancels_the_named_minor() -> None:
    stages = frozenset({"g_flattery", "g_meeting"})
    named = Parties(sender_age=40, recipient_age=25)
    answered = Parties(sender_age=40, recipient_age=25, recipient_adult_stated=True)
    assert grooming_risk(stages, {"g_minor_named"}, named) > HOLD_AT
    assert grooming_risk(stages, {"g_minor_named"}, answered) < HOLD_AT


# -- through the engine ----------------------------------------------------------------


def test_the_adult_names_the_school_year_then_secrecy_and_snap(engine: ModerationEngine) -> None:
    talk = Conversation(engine, a_age=44, b_age=19)
    assert talk.say("a", "coucou ça va ?").action is Action.ALLOW
    assert talk.say("b", "ça va et toi").action is Action.ALLOW
    # naming her school year himself already counts: held for a moderator, not delivered
    assert talk.say("a", "t'es encore au collège non ?").action is Action.HOLD
    verdict = talk.say("a", "t'inquiète pas, garde ça pour toi et viens sur snap")
    assert verdict.action is Action.ESCALATE
    assert verdict.categories == (Category.GROOMING, Category.CHILD_SAFETY)
    assert verdict.rule == "grooming.minor"


def test_the_same_path_in_sms_spelling(engine: ModerationEngine) -> None:
    talk = Conversation(engine, a_age=41, b_age=19)
    assert talk.say("a", "t en 5eme ou 4eme ?").action is Action.ALLOW  # alone: a question
    verdict = talk.say("a", "t'inquiète, on continue sur snap ?")
    assert verdict.action >= Action.HOLD
    assert Category.GROOMING in verdict.categories


def test_answering_yes_to_the_school_question_flags_the_minor(engine: ModerationEngine) -> None:
    talk = Conversation(engine, a_age=39, b_age=18)
    talk.say("a", "t'es en 4e c'est ça ?")
    said = talk.say("b", "ouais pk ?")
    assert MINOR_FLAG in said.flags
    verdict = talk.say("a", "pour rien, t'es jolie c'est tout")
    assert verdict.action is Action.ESCALATE and verdict.category is Category.GROOMING


def test_ca_me_derange_pas_que_tu_sois_mineure(engine: ModerationEngine) -> None:
    talk = Conversation(engine, a_age=36, b_age=20)
    talk.say("a", "ça me dérange pas que tu sois mineure tu sais")
    verdict = talk.say("a", "t'es trop bonne sur ta photo de profil")
    assert verdict.action is Action.ESCALATE
    assert verdict.category is Category.CHILD_SAFETY


def test_after_14_the_first_sexual_message_and_photo_request_are_blocked(
    engine: ModerationEngine,
) -> None:
    for text, category in [
        ("mmh j'ai trop envie de toi", Category.CHILD_SAFETY),
        ("tu me plais grave tu sais", Category.CHILD_SAFETY),
        ("tu peux m'envoyer une photo de toi en pyjama ?", Category.GROOMING),
    ]:
        talk = Conversation(engine, a_age=42, b_age=19)
        talk.say("a", "salut toi")
        talk.say("b", "moi j'ai 14 ans en vrai")
        verdict = talk.say("a", text)
        assert verdict.action is Action.ESCALATE, text
        assert verdict.category is category, (text, verdict.categories)


def test_adults_flirting_stay_allowed(engine: ModerationEngine) -> None:
    talk = Conversation(engine, a_age=33, b_age=30)
    for who, text in [
        ("a", "t'as quel âge au fait ?"),
        ("b", "30 et toi ?"),
        ("a", "33. t'es jolie sur ta photo"),
        ("b", "merci 😊 tu me plais aussi"),
        ("a", "on se boit un verre samedi ? tu m'envoies ton insta ?"),
    ]:
        assert talk.say(who, text).action is Action.ALLOW, text


@pytest.mark.parametrize(
    "text",
    [
        "je suis en master 1 de socio à Nantes",
        "j'ai eu mon CAP de cuisine l'an dernier",
        "je suis en 2e année de licence de droit",
        "bac+5 et toujours au chômage mdr",
        "je bosse dans un lycée comme surveillant",
        "en 1ère année de BTS compta",
    ],
)
def test_adult_studies_do_not_make_a_minor(engine: ModerationEngine, text: str) -> None:
    talk = Conversation(engine, a_age=35, b_age=22)
    talk.say("a", "tu fais quoi dans la vie ?")
    assert MINOR_FLAG not in talk.say("b", text).flags, text


def test_a_stated_adult_age_outweighs_ambiguous_words_not_clear_ones(
    engine: ModerationEngine,
) -> None:
    talk = Conversation(engine, a_age=30, b_age=19)
    talk.say("a", "t'as quel âge ?")
    assert MINOR_FLAG not in talk.say("b", "19").flags
    assert MINOR_FLAG not in talk.say("b", "mes parents veulent pas que je sorte ce soir").flags
    assert MINOR_FLAG in talk.say("b", "bon en vrai je suis en 3e").flags


def test_the_minor_gets_notices_written_for_her(engine: ModerationEngine) -> None:
    talk = Conversation(engine, a_age=27, b_age=18)
    talk.say("a", "salut")
    talk.say("b", "g 15 ans")
    # she asks to meet: she is told not to go alone, he gets the usual notice
    verdict = talk.say("b", "on se voit au parc demain ?")
    notices = {(n.key, n.target): n.text for n in verdict.nudges}
    assert notices[("meeting", NoticeTarget.SENDER)] == FOR_MINORS["meeting"]
    assert "lieu public" in notices[("meeting", NoticeTarget.RECIPIENT)]


def test_a_sexual_violence_plan_is_held_at_every_step(engine: ModerationEngine) -> None:
    talk = Conversation(engine, a_age=41, b_age=37)
    plan = [
        "vendredi je glisse deux somnifères dans son verre de vin",
        "vers 23h elle dormira comme une souche, vous pourrez venir",
        "ramenez des capotes et pas de bruit, la porte sera ouverte",
    ]
    for text in plan:
        verdict = talk.say("a", text)
        assert verdict.action is Action.ESCALATE, text
        assert verdict.category is Category.SEXUAL_VIOLENCE, text
    # the other person's ordinary answer, and the sender's unrelated talk, stay allowed
    assert talk.say("b", "t'es malade, je te signale").action is Action.ALLOW
    assert talk.say("a", "bon je vais manger").action is Action.ALLOW


def test_a_plan_is_followed_for_half_an_hour_after_its_last_stopped_step(
    engine: ModerationEngine,
) -> None:
    def assess(text: str, ts: int, facts: dict[str, str]) -> Verdict:
        ctx = MessageContext(
            text=text,
            channel="dm",
            sender=Participant(id="a", age=40),
            recipient=Participant(id="b", age=40),
            conversation="a|b",
            ts=ts,
        )
        assessment = engine.assess(ctx, (), facts)
        facts.update(assessment.facts)
        return assessment.verdict

    follow_up = "venez à partir de minuit"
    assert assess(follow_up, 1_000, {}).action is Action.ALLOW  # alone, ordinary
    facts: dict[str, str] = {}
    step = assess("je lui mets un somnifère dans son thé ce soir", 1_000, facts)
    assert step.category is Category.SEXUAL_VIOLENCE
    assert assess(follow_up, 1_000 + 20 * 60_000, facts).category is Category.SEXUAL_VIOLENCE
    # each stopped step renews the half hour; 31 minutes after the last one, it is over
    assert assess(follow_up, 1_000 + 51 * 60_000, facts).action is Action.ALLOW
