"""Grooming seen from the adult's side, and the protection gaps of issue 8, on a real
server over real WebSockets (docs/minors.md):

(e) an adult names the girl's school year himself (held for a moderator), then asks for
    secrecy and Snapchat: escalated as grooming, suspended, and she never gets either;
(f) she says she is 14: the adult's very first sexual message after that, and another
    adult's first photo request, are both stopped (escalated, suspended);
(g) a possible minor is taken out of Rencontres and cannot join Rencontres, the rooms for
    older adults or Adultes (a French reason, code ``minor_restricted_room``); an adult
    who talks about "master 1" and "mon BTS" stays an adult and joins them.

Suspensions ban the loopback address: (e) and (f) run on servers of their own, and every
person enters before the first suspension.
"""

from __future__ import annotations

from tests.safety.test_minors_scenarios import _assert_suspended, _dm, _got, _talk
from tests.wsclient import Client, unique_pseudo

ROOMS_CLOSED_TO_MINORS = ("rencontres", "30-40", "50-plus", "adultes")


async def test_e_the_adult_names_her_school_year_then_secrecy_and_snap(fresh_server):
    server = fresh_server.start()
    girl = await Client.enter(
        server, pseudo="Jade_du_63", age=19, gender="femme", postal_code="63000"
    )
    man = await Client.enter(server, pseudo="Didier63", age=46, gender="homme", postal_code="63100")
    await _talk(man, girl, "bonsoir jeune fille")
    await _talk(girl, man, "bonsoir")
    # he names it himself; she says nothing about her age: the question is already held
    # for a moderator (an adult who names the other's collège year), she never sees it
    held = await _dm(man, girl, "t'es en 5e ou en 4e toi ?")
    assert held["type"] == "rejected" and held["code"] == "held", held
    problems = await _assert_suspended(
        server,
        man,
        girl,
        "t'inquiète ça reste entre nous, ajoute moi sur snap",
        "grooming",
    )
    assert not problems, "\n".join(problems)
    assert not girl.received("sanction")


async def test_f_after_14_the_first_sexual_message_is_already_stopped(fresh_server):
    server = fresh_server.start()
    girl = await Client.enter(
        server, pseudo="Emma_2010", age=18, gender="femme", postal_code="13001"
    )
    first = await Client.enter(
        server, pseudo="Karim_13", age=37, gender="homme", postal_code="13002"
    )
    second = await Client.enter(
        server, pseudo="Pascal13", age=51, gender="homme", postal_code="13005"
    )
    for man, opener in ((first, "salut ça va ?"), (second, "bonsoir, tu viens d'où ?")):
        await _talk(man, girl, opener)
        await _talk(girl, man, "coucou")
    await _talk(girl, first, "j'ai 14 ans au fait")
    await girl.wait_type("notice", key="minor_help")
    # the first sexual message after she said it: stopped, not delivered
    problems = await _assert_suspended(server, first, girl, "j'ai trop envie de toi ma belle")
    # another adult's first photo request in his conversation with her: stopped too
    problems += await _assert_suspended(
        server, second, girl, "tu peux m'envoyer une photo de toi ce soir ?", "grooming"
    )
    assert not problems, "\n".join(problems)


async def test_g_rooms_closed_to_a_possible_minor_not_to_a_student(sqlite_server):
    teen = await Client.enter(sqlite_server, pseudo=unique_pseudo("Lou"), age=18, gender="femme")
    student = await Client.enter(sqlite_server, age=23, gender="homme")
    for client in (teen, student):
        for room in ("general", "rencontres"):
            joined = await client.request({"type": "join", "room": room})
            assert joined["type"] == "joined", joined
    # an adult who talks about his studies stays an adult
    for text in ("je suis en master 1 de bio", "ma soeur prépare son BTS, moi bac+5 bientôt"):
        assert (await student.request({"type": "say", "room": "general", "text": text}))[
            "type"
        ] == "ack"
    # she says where she is at school, in a room
    said = await teen.request({"type": "say", "room": "general", "text": "moi jsuis en 3e"})
    assert said["type"] == "ack", said
    await teen.wait_type("notice", key="minor_help")
    left = await teen.wait_type("notice", key="minor_left_room:rencontres")
    assert "Rencontres" in left["text"]
    refused = await teen.request({"type": "say", "room": "rencontres", "text": "coucou"})
    # refused before membership is even looked at: she may no longer see the room
    assert refused["type"] in ("rejected", "error"), refused
    assert refused["code"] in ("not_member", "minor_restricted_room"), refused
    for room in ROOMS_CLOSED_TO_MINORS:
        error = await teen.request({"type": "join", "room": room})
        assert error["type"] == "error", error
        assert error["code"] == "minor_restricted_room", error
        assert "3018" in error["message"] and "réservé aux adultes" in error["message"]
    # ordinary rooms stay open to her (she is shown help, not shut out)
    assert (await teen.request({"type": "join", "room": "musique"}))["type"] == "joined"
    # the student was never flagged: no help notice, the rooms stay open
    await student.settle(0.2)
    assert not [f for f in student.received("notice") if f.get("key") == "minor_help"]
    for room in ("30-40", "50-plus"):
        assert (await student.request({"type": "join", "room": room}))["type"] == "joined"
    # and he can still open a private conversation with another adult
    other = await Client.enter(sqlite_server, age=29)
    ack = await _dm(student, other, "salut, tu fais quoi comme études toi ?")
    assert ack["type"] == "ack", ack
    assert not _got(teen, "salut, tu fais quoi comme études toi ?")
