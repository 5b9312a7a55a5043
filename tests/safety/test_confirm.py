"""Rules the model must confirm (``confirm: true``): a word or a shape that is more often
innocent than harmful keeps its verdict only when the text model does not find the
message plainly innocent; with the model off, the rules act alone as before."""

from __future__ import annotations

import pytest

from papote.safety.context import MessageContext, Participant
from papote.safety.engine import ModerationEngine
from papote.safety.verdict import Action, Category, Verdict


@pytest.fixture(scope="module")
def engine() -> ModerationEngine:
    return ModerationEngine.load(with_model=True)


@pytest.fixture(scope="module")
def rules_only() -> ModerationEngine:
    return ModerationEngine.load(with_model=False)


def _room(text: str) -> MessageContext:
    return MessageContext(text, "room", Participant("a", 31), room="lyon", conversation="room:lyon")


# one's own number or account for a group activity; an insult at a thing; a quoted slur
INNOCENT = [
    "on monte un groupe de rando, mon insta c'est @marco.rando si ça vous tente",
]
# someone else's details with a call to go after them
HARMFUL = [
    "voilà le numéro de cette balance 06 12 34 56 78, appelez-le jour et nuit",
    "elle habite 14 rue des lilas à villeurbanne, allez lui faire peur ce soir",
]


@pytest.mark.parametrize("text", INNOCENT)
def test_the_model_does_not_confirm_innocent_contact_details(
    engine: ModerationEngine, rules_only: ModerationEngine, text: str
) -> None:
    alone = rules_only.judge(_room(text))
    assert alone.action is Action.WARN and Category.PERSONAL_DATA in alone.categories
    assert engine.judge(_room(text)).action is Action.ALLOW


@pytest.mark.parametrize("text", HARMFUL)
def test_doxxing_is_still_flagged(engine: ModerationEngine, text: str) -> None:
    verdict = engine.judge(_room(text))
    assert verdict.action >= Action.WARN
    assert Category.PERSONAL_DATA in verdict.categories or Category.HARASSMENT in verdict.categories


def test_a_marked_rule_stands_from_the_confirm_threshold(engine: ModerationEngine) -> None:
    model = engine.model
    assert model is not None
    rule = "personal_data.in_room"
    verdict = Verdict(Action.WARN, (Category.PERSONAL_DATA,), 0.5, rule)
    at = model.confirm_threshold(Category.PERSONAL_DATA)
    assert 0 < at < 1
    column = model.labels.index("personal_data")
    below = [0.0] * len(model.labels)
    below[column] = at * 0.9
    above = list(below)
    above[column] = at * 1.1
    assert model.confirmed([verdict], below, {rule}) == (
        [],
        (f"model:{model.version}:unconfirmed:{rule}",),
    )
    assert model.confirmed([verdict], above, {rule}) == ([verdict], ())
    assert model.confirmed([verdict], below, set()) == ([verdict], ())  # not marked: kept
