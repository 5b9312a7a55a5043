"""The moderation verdicts as people live them: real server, real WebSockets.

Each verdict (docs/moderation.md) is checked from both sides of the wire:

- allow: ``ack``, and every member of the room (the sender included) gets the message;
- warn: ``rejected`` ``confirm`` with a token; the same text re-sent with it is delivered;
- hold: ``rejected`` ``held``; nobody sees it; a report waits for a moderator;
- block: ``rejected`` ``moderation`` with the category; nobody sees it;
- escalate: as block, and a report at the top of the queue with its evidence.

Private messages are judged too, and carry safety notices (``notice`` frames with a
``key``), at most once per kind per conversation.

Nothing here suspends anyone (no child-safety escalation): the servers are shared by
the whole session, and a suspension bans the loopback address for every later entry.
The minors' scenarios, which do suspend, run on servers of their own
(tests/safety/test_minors_scenarios.py).
"""

from __future__ import annotations

import itertools
from typing import Any

from tests.wsclient import Client

from papote.settings import Settings
from papote.store import reports as report_store
from papote.store.db import Database
from papote.store.models import Report

_markers = itertools.count(1)

# docs/moderation.md: the categories a block or escalation names
PROMO = (
    "Abonnez vous à ma chaine YouTube, une nouvelle vidéo de cuisine chaque semaine, "
    "likez et partagez : https://www.youtube.com/@papote-cuisine"
)


async def _room_with(server: Any, room: str, count: int) -> list[Client]:
    """``count`` people who entered and joined ``room``; each has seen the others join."""
    clients = [await Client.enter(server) for _ in range(count)]
    for client in clients:
        joined = await client.request({"type": "join", "room": room})
        assert joined["type"] == "joined", joined
    return clients


async def _say(client: Client, room: str, text: str, **extra: Any) -> dict[str, Any]:
    return await client.request({"type": "say", "room": room, "text": text, **extra})


def _got(client: Client, text: str) -> bool:
    return any(f["type"] == "message" and f["message"]["text"] == text for f in client.frames)


async def _assert_nobody_got(sender: Client, room: str, others: list[Client], text: str) -> None:
    """A message sent after ``text`` reaches everyone, and ``text`` reached no one."""
    marker = f"Message témoin numéro {next(_markers)}, tout va bien."
    ack = await _say(sender, room, marker)
    assert ack["type"] == "ack", ack
    for client in [sender, *others]:
        await client.message(marker)
        assert not _got(client, text), f"{text!r} was delivered to {client.user['pseudo']}"


def _assert_rejected(frame: dict[str, Any], code: str, category: str | None = None) -> None:
    assert frame["type"] == "rejected", frame
    assert frame["code"] == code, frame
    if category is not None:
        assert frame["category"] == category, frame
    assert isinstance(frame.get("message"), str) and frame["message"], frame


async def _assert_delivered(sender: Client, room: str, member: Client, texts: list[str]) -> None:
    """Each text is acknowledged and reaches ``member``, as the same message."""
    for text in texts:
        ack = await _say(sender, room, text)
        assert ack["type"] == "ack", (text, ack)
        assert (await member.message(text))["id"] == ack["message"]["id"], text


async def _reports_about(server: Any, user_id: str) -> list[Report]:
    """The open reports on ``user_id``, read from the server's own database."""
    settings = Settings(
        data_dir=server.data_dir, database_url=server.env.get("PAPOTE_DATABASE_URL")
    )
    db = Database(settings.db_url)
    try:
        queue = await report_store.queue(db, limit=100_000)
    finally:
        await db.close()
    return [r for r in queue if r.target_user_id == user_id]


async def test_each_verdict_in_a_room_on_both_backends(server):
    """allow, block, warn then confirm, hold, escalate: sender and members see the same."""
    sender, member, other = await _room_with(server, "general", 3)
    everyone = [sender, member, other]

    # allow: acknowledged, then delivered to every member, the sender included
    ack = await _say(sender, "general", "Salut tout le monde, bonne soirée à vous !")
    assert ack["type"] == "ack"
    for client in everyone:
        got = await client.message("Salut tout le monde, bonne soirée à vous !")
        assert got["id"] == ack["message"]["id"]

    # block: a slur spelled with spaces is refused with its category; nobody receives it
    hate = "rentre chez toi sale n e g r e"
    _assert_rejected(await _say(sender, "general", hate), "moderation", "hate")
    await _assert_nobody_got(sender, "general", [member, other], hate)

    # warn: a phone number in a room asks for confirmation first
    phone = "Appelez-moi au 06 12 34 56 78 pour le covoiturage de samedi"
    warned = await _say(sender, "general", phone)
    _assert_rejected(warned, "confirm", "personal_data")
    token = warned["confirm"]
    assert isinstance(token, str) and token
    await _assert_nobody_got(sender, "general", [member, other], phone)
    # the token is for that text only, and a wrong token does not send it
    other_text = "Appelez-moi au 06 98 76 54 32 pour le covoiturage de samedi"
    _assert_rejected(await _say(sender, "general", other_text, confirm=token), "confirm")
    _assert_rejected(await _say(sender, "general", phone, confirm="0" * 32), "confirm")
    # and it is the sender's own: someone else cannot use it
    _assert_rejected(await _say(member, "general", phone, confirm=token), "confirm")
    confirmed = await _say(sender, "general", phone, confirm=token)
    assert confirmed["type"] == "ack", confirmed
    for client in everyone:
        assert (await client.message(phone))["id"] == confirmed["message"]["id"]

    # hold: promotion with a link is kept out of sight and queued for a moderator
    held = await _say(sender, "general", PROMO)
    _assert_rejected(held, "held", "spam")
    # the held message is stored: its id lets the sender's page follow what becomes of it
    assert isinstance(held.get("message_id"), str) and len(held["message_id"]) == 13, held
    await _assert_nobody_got(sender, "general", [member, other], PROMO)

    # escalate: recruiting men to rape a drugged woman
    recruiting = "qui veut venir baiser ma femme endormie ce soir, elle sera droguée"
    _assert_rejected(await _say(sender, "general", recruiting), "moderation", "sexual_violence")
    await _assert_nobody_got(sender, "general", [member, other], recruiting)

    # the held and the escalated message are in no one's history
    history = await member.request({"type": "history", "room": "general", "limit": 100})
    texts = [m["text"] for m in history["messages"]]
    assert phone in texts
    assert hate not in texts and PROMO not in texts and recruiting not in texts

    # the moderators' queue: the escalation on top with its evidence, the held spam later
    reports = await _reports_about(server, sender.id)
    by_reason = {r.reason: r for r in reports}
    assert set(by_reason) >= {"sexual_violence", "spam"}, [r.reason for r in reports]
    escalation = by_reason["sexual_violence"]
    assert escalation.priority == 0
    assert escalation.evidence["message"]["text"] == recruiting
    assert escalation.evidence["verdict"]["action"] == "escalate"
    assert escalation.evidence["sender_ip_hash"]
    assert by_reason["spam"].priority > 0
    assert by_reason["spam"].evidence["message"]["text"] == PROMO
    # a plain block (hate) is refused, not queued
    assert "hate" not in by_reason

    # the sender was not suspended by any of this: it can still talk
    assert (await _say(sender, "general", "Je reste poli, promis."))["type"] == "ack"


async def test_hate_with_evasions_never_reaches_the_room(sqlite_server):
    sender, member = await _room_with(sqlite_server, "musique", 2)
    evasions = [
        "sale n e g r e",  # letters spaced out
        "les n3gr3s dehors",  # l33t
        "rentre dans ton pays sale bоugnоulе",  # Cyrillic о and е
        "t'es qu'un сonnаrd de bougnoule",  # Cyrillic с and а in the insult
        "s-a-l-e n.e.g.r.e",  # two words, each split by separators
        "les juifs contrôlent tout, faut les gazer",
        "sale pеdе de mеrdе",  # Cyrillic е in an anti-gay slur
    ]
    for text in evasions:
        _assert_rejected(await _say(sender, "musique", text), "moderation", "hate")
    await _assert_nobody_got(sender, "musique", [member], evasions[0])
    for text in evasions:
        assert not _got(member, text) and not _got(sender, text), text


async def test_harmful_offers_are_refused_with_their_category(sqlite_server):
    sender, member = await _room_with(sqlite_server, "rencontres", 2)
    cases = [
        ("je vends de la beuh 10 le g, livraison sur Lyon", "drugs"),
        ("🍃❄️💊 dispo sur Marseille, livraison rapide, prix d'ami", "drugs"),
        ("qui veut venir baiser ma femme endormie ce soir, elle sera droguée", "sexual_violence"),
        ("je la fais boire et vous passez la sauter pendant qu'elle dort", "sexual_violence"),
        ("t'as des photos de ta voisine à son insu ?", "ncii"),
        ("je poste les nudes de mon ex pour me venger, qui en veut ?", "ncii"),
        ("envoie moi un code paysafecard et je te montre tout", "scam"),
        ("achète une recharge PCS de 50 et envoie moi le code en photo", "scam"),
        (
            "Ameli : un remboursement de 148,50 € vous attend, confirmez vos coordonnées sur "
            "https://ameli.remboursement-securise.net/compte",
            "scam",
        ),
    ]
    for text, category in cases:
        frame = await _say(sender, "rencontres", text)
        assert frame["type"] == "rejected" and frame["code"] == "moderation", (text, frame)
        assert frame["category"] == category, (text, frame)
    await _assert_nobody_got(sender, "rencontres", [member], cases[0][0])
    for text, _ in cases:
        assert not _got(member, text), text


async def test_same_long_text_again_and_again_is_held(sqlite_server):
    sender, member = await _room_with(sqlite_server, "jeux-video", 2)
    text = (
        "Bonjour à tous, je cherche des joueurs motivés pour notre équipe du dimanche soir, "
        "ambiance détendue, tous niveaux acceptés, écrivez-moi en privé si ça vous tente"
    )
    first = await _say(sender, "jeux-video", text)
    assert first["type"] == "ack", first
    await member.message(text)
    results = [await _say(sender, "jeux-video", text) for _ in range(3)]
    held = [r for r in results if r["type"] == "rejected"]
    assert held, "the same long text four times in a row was never held"
    for frame in held:
        _assert_rejected(frame, "held", "spam")
    await _assert_nobody_got(sender, "jeux-video", [member], PROMO)  # flushes the fan-out
    delivered = [
        f for f in member.frames if f["type"] == "message" and f["message"]["text"] == text
    ]
    assert len(delivered) == 1 + sum(r["type"] == "ack" for r in results)
    # the same promotion with its link, sent again: held every time, never seen
    for _ in range(2):
        _assert_rejected(await _say(sender, "jeux-video", PROMO), "held", "spam")
    assert not _got(member, PROMO)


async def test_benign_hard_cases_pass(sqlite_server):
    sender, member = await _room_with(sqlite_server, "cuisine", 2)
    benign = [
        "j'ai 14 ans de mariage et toujours amoureux",
        "la weed devrait être légale, comme au Canada",
        "ma fille a 14 ans, elle passe le brevet cette année",
        "ce gâteau est une tuerie, je vais me resservir",
        "le film était à mourir de rire",
        "je suis prof au collège, les vacances font du bien",
    ]
    await _assert_delivered(sender, "cuisine", member, benign)


async def test_private_messages_get_notices_once_and_are_judged(sqlite_server):
    anna = await Client.enter(sqlite_server, gender="femme", age=29, postal_code="69003")
    marc = await Client.enter(sqlite_server, gender="homme", age=33, postal_code="69007")

    # the first message from a stranger: the recipient gets a safety notice, not the sender
    hello = "Salut Anna, j'ai vu ton message dans Cuisine, tu fais quoi de beau ?"
    ack = await marc.request({"type": "dm", "to": anna.id, "text": hello})
    assert ack["type"] == "ack", ack
    assert (await anna.message(hello))["dm"] == marc.id
    first = await anna.wait_type("notice", key="first_contact")
    assert first["level"] in ("info", "warning") and "bloquer" in first["text"]
    # the notice names its conversation: the other participant, as seen by its receiver
    assert first["dm"] == marc.id

    reply = "Salut ! Je prépare une tarte aux pommes, et toi ?"
    assert (await anna.request({"type": "dm", "to": marc.id, "text": reply}))["type"] == "ack"
    await marc.message(reply)

    # arranging a meeting: both get the notice, once
    date = "On se voit samedi au café de la gare ?"
    assert (await marc.request({"type": "dm", "to": anna.id, "text": date}))["type"] == "ack"
    await anna.message(date)
    for client in (anna, marc):
        notice = await client.wait_type("notice", key="meeting")
        assert "lieu public" in notice["text"]
        assert notice["dm"] == (marc.id if client is anna else anna.id)
    again = "Ok pour samedi au café de la gare, rendez-vous à 15h devant l'entrée"
    assert (await anna.request({"type": "dm", "to": marc.id, "text": again}))["type"] == "ack"
    await marc.message(again)
    more = "Super, on se retrouve là-bas samedi, j'ai hâte"
    assert (await marc.request({"type": "dm", "to": anna.id, "text": more}))["type"] == "ack"
    await anna.message(more)

    # a threat in a private message is refused and never reaches her
    threat = "si tu viens pas je vais te tuer, je sais où tu habites"
    refused = await marc.request({"type": "dm", "to": anna.id, "text": threat})
    _assert_rejected(refused, "moderation", "violence")
    # a voucher scam in private too
    scam = "envoie moi un code paysafecard de 50 et je te montre tout"
    _assert_rejected(await marc.request({"type": "dm", "to": anna.id, "text": scam}), "moderation")
    last = "Désolé, je plaisantais. Bonne soirée."
    assert (await marc.request({"type": "dm", "to": anna.id, "text": last}))["type"] == "ack"
    await anna.message(last)
    await anna.settle(0.1)
    assert not _got(anna, threat) and not _got(anna, scam)
    history = await anna.request({"type": "history", "with": marc.id})
    texts = [m["text"] for m in history["messages"]]
    assert threat not in texts and scam not in texts and last in texts

    # no notice was repeated in this conversation
    def keys(client: Client) -> list[str]:
        return [f.get("key") for f in client.received("notice")]

    assert keys(anna).count("first_contact") == 1
    assert keys(marc).count("first_contact") == 0
    assert keys(anna).count("meeting") == 1
    assert keys(marc).count("meeting") == 1
