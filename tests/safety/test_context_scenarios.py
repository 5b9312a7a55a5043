"""Context as people live it (issue 8), real server, real WebSockets:

- hyperbole about a game or a match, compliments and counter-speech reach the room,
  while the same words aimed at a person, or a slur thrown plainly, do not;
- prevention talk about drugs reaches the room, a deal does not;
- a drugging plan told over three private messages is stopped at every step, and the
  other person receives none of it.

Nothing here suspends anyone (sexual violence escalates without suspension), so the
session's shared SQLite server is used.
"""

from __future__ import annotations

from tests.safety.test_live_moderation import (
    _assert_delivered,
    _assert_nobody_got,
    _assert_rejected,
    _reports_about,
    _room_with,
    _say,
)
from tests.safety.test_minors_scenarios import _dm, _got, _talk
from tests.wsclient import Client


async def test_hyperbole_compliments_and_counter_speech_reach_the_room(sqlite_server):
    sender, member = await _room_with(sqlite_server, "sport", 2)
    allowed = [
        "on va les massacrer samedi, le derby est pour nous",
        "je vais te détruire à FIFA ce soir, prépare ta manette",
        "t'es une bombe avec ce maillot de l'OM",
        "un supporter adverse m'a traité de sale bougnoule, j'ai porté plainte",
        "crier 'sale pd' dans un stade c'est homophobe et c'est puni",
        "le ghb en soirée c'est dangereux, couvrez vos verres",
    ]
    await _assert_delivered(sender, "sport", member, allowed)
    refused = [
        ("je vais te détruire toi, je sais où tu habites", "violence"),
        ("sale bougnoule", "hate"),
        ("ghb dispo 20e la fiole, livraison ce soir", "drugs"),
    ]
    for text, category in refused:
        _assert_rejected(await _say(sender, "sport", text), "moderation", category)
    await _assert_nobody_got(sender, "sport", [member], refused[0][0])
    for text, _ in refused:
        assert not _got(member, text), text


async def test_a_drugging_plan_is_stopped_at_every_step(sqlite_server):
    planner = await Client.enter(sqlite_server, age=43, gender="homme")
    contact = await Client.enter(sqlite_server, age=39, gender="homme")
    await _talk(planner, contact, "salut, t'es toujours partant pour samedi ?")
    await _talk(contact, planner, "ça dépend, c'est quoi le plan")
    plan = [
        "je lui mets trois somnifères dans son verre de vin au dîner",
        "vers minuit elle dormira comme une masse, vous pourrez venir à deux",
        "ramenez des capotes et soyez discrets, je laisse la porte ouverte",
    ]
    for text in plan:
        frame = await _dm(planner, contact, text)
        _assert_rejected(frame, "moderation", "sexual_violence")
    await contact.settle(0.2)
    for text in plan:
        assert not _got(contact, text), text
    # each step is on the moderators' queue at the top, with its text as evidence
    reports = [r for r in await _reports_about(sqlite_server, planner.id) if r.priority == 0]
    assert {r.evidence["message"]["text"] for r in reports} >= set(plan)
    assert all(r.reason == "sexual_violence" for r in reports)
    # he is not suspended: ordinary talk still goes through
    await _talk(planner, contact, "bon laisse tomber, bonne soirée")
