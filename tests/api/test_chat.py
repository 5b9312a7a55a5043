"""Two people enter, join the general room, chat, talk privately, block; a third
watches presence. Runs on SQLite and on PostgreSQL (the ``server`` fixture)."""

from __future__ import annotations

import asyncio

from tests.wsclient import Client


async def test_room_chat_private_chat_and_block(server):
    alice = await Client.enter(server, gender="femme", postal_code="69001")
    bob = await Client.enter(server, postal_code="13001")
    carol = await Client.enter(server, postal_code="33000")

    # carol sees alice and bob come online (they were already online: who lists them)
    users = await carol.request({"type": "who"})
    ids = {u["id"] for u in users["users"]}
    assert {alice.id, bob.id} <= ids

    joined = await alice.request({"type": "join", "room": "general"})
    assert joined["type"] == "joined"
    assert joined["room"]["id"] == "general" and joined["room"]["name"] == "Général"
    assert joined["room"]["kind"] == "theme"
    await bob.request({"type": "join", "room": "general"})
    seen = await alice.wait_type("member_joined", room="general")
    assert seen["user"]["id"] == bob.id
    assert set(seen["user"]) >= {
        "id",
        "pseudo",
        "age",
        "gender",
        "city",
        "region",
        "verified_adult",
    }

    ack = await alice.request({"type": "say", "room": "general", "text": "Salut Bob !"})
    assert ack["type"] == "ack"
    message = ack["message"]
    assert message["room"] == "general" and message["dm"] is None
    assert message["from"]["id"] == alice.id and message["text"] == "Salut Bob !"
    assert isinstance(message["ts"], int) and message["media"] is None
    assert (await bob.message("Salut Bob !"))["id"] == message["id"]
    assert (await alice.message("Salut Bob !"))["id"] == message["id"]  # sender included

    # a private conversation
    ack = await bob.request({"type": "dm", "to": alice.id, "text": "On parle en privé ?"})
    assert ack["type"] == "ack" and ack["message"]["dm"] == alice.id
    received = await alice.message("On parle en privé ?")
    assert received["dm"] == bob.id and received["room"] is None
    history = await alice.request({"type": "history", "with": bob.id})
    assert [m["text"] for m in history["messages"]] == ["On parle en privé ?"]
    assert history["messages"][0]["dm"] == bob.id

    # alice blocks bob: his DMs are refused, his room messages no longer reach her
    assert (await alice.request({"type": "block", "user": bob.id}))["type"] == "ok"
    refused = await bob.request({"type": "dm", "to": alice.id, "text": "Pourquoi ?"})
    assert refused["type"] == "rejected" and refused["code"] == "blocked"
    await bob.request({"type": "say", "room": "general", "text": "Tu m'entends ?"})
    await alice.request({"type": "say", "room": "general", "text": "Fin."})
    await alice.message("Fin.")
    await alice.settle()
    assert not any(
        f["type"] == "message" and f["message"]["text"] == "Tu m'entends ?" for f in alice.frames
    )
    # typing from a blocked person does not reach the blocker either
    await bob.send({"type": "typing", "room": "general"})
    await alice.settle()
    assert not any(f["type"] == "typing" and f["user"]["id"] == bob.id for f in alice.frames)

    # unblock: messages flow again
    await alice.request({"type": "unblock", "user": bob.id})
    await bob.request({"type": "say", "room": "general", "text": "Re !"})
    await alice.message("Re !")

    # carol sees bob go offline when he leaves for good
    await bob.close()
    offline = await carol.wait_for(
        lambda f: (
            f["type"] == "presence" and f["status"] == "offline" and f["user"]["id"] == bob.id
        ),
        timeout=10,
    )
    assert offline["user"]["pseudo"] == bob.user["pseudo"]
    for client in (alice, carol):
        await client.close()


async def test_presence_online_reaches_those_whose_list_shows_the_person(server):
    watcher = await Client.enter(server)
    await watcher.request({"type": "who"})  # every region
    neighbour = await Client.enter(server)  # looks at its own region: Île-de-France
    newcomer = await Client.enter(server, gender="autre", age=52, postal_code="97411")
    frame = await watcher.wait_for(
        lambda f: f["type"] == "presence" and f["user"]["id"] == newcomer.id
    )
    assert frame["status"] == "online"
    assert frame["user"]["region"] == "La Réunion" and frame["user"]["city"] == "Saint-Paul"
    await neighbour.settle(1.2)  # a presence batch is one second
    assert not any(
        f["type"] == "presence" and f["user"]["id"] == newcomer.id for f in neighbour.frames
    )
    # a lookup with "watch": false answers without changing the list watched
    found = await neighbour.request({"type": "who", "region": "La Réunion", "watch": False})
    assert newcomer.id in [u["id"] for u in found["users"]]
    # once they talk privately, each hears of the other's departure; so does someone
    # who opened a private conversation with them (its history)
    await newcomer.request({"type": "dm", "to": neighbour.id, "text": "Coucou de la Réunion"})
    lookout = await Client.enter(server)
    await lookout.request({"type": "history", "with": newcomer.id})
    await newcomer.close()
    for client in (neighbour, lookout):
        offline = await client.wait_for(
            lambda f: f["type"] == "presence" and f["user"]["id"] == newcomer.id, timeout=10
        )
        assert offline["status"] == "offline"
    for client in (watcher, neighbour, lookout):
        await client.close()


async def test_join_gives_members_and_last_50_messages(server):
    speaker = await Client.enter(server)
    await speaker.request({"type": "join", "room": "cuisine"})
    for i in range(55):
        ack = await speaker.request({"type": "say", "room": "cuisine", "text": f"recette {i}"})
        assert ack["type"] == "ack"
    late = await Client.enter(server)
    joined = await late.request({"type": "join", "room": "cuisine"})
    texts = [m["text"] for m in joined["history"]]
    assert len(texts) == 50
    assert texts[0] == "recette 5" and texts[-1] == "recette 54"  # oldest first
    assert speaker.id in {m["id"] for m in joined["members"]}
    # paging further back with history/before
    older = await late.request(
        {"type": "history", "room": "cuisine", "before": joined["history"][0]["id"], "limit": 3}
    )
    assert [m["text"] for m in older["messages"]] == ["recette 2", "recette 3", "recette 4"]
    ids = [m["id"] for m in joined["history"]]
    assert ids == sorted(ids)  # ids sort in send order
    left = await late.request({"type": "leave", "room": "cuisine"})
    assert left == {"type": "left", "ref": left["ref"], "room": "cuisine"}
    await asyncio.gather(speaker.close(), late.close())


async def test_who_filters(server):
    viewer = await Client.enter(server, postal_code="29200")  # Brest, Bretagne
    woman = await Client.enter(server, gender="femme", age=41, postal_code="35000")
    man = await Client.enter(server, gender="homme", age=23, postal_code="56000")
    far = await Client.enter(server, gender="femme", age=41, postal_code="06000")
    found = await viewer.request(
        {"type": "who", "gender": "femme", "age_min": 40, "age_max": 45, "region": "Bretagne"}
    )
    ids = {u["id"] for u in found["users"]}
    assert woman.id in ids and man.id not in ids and far.id not in ids
    await man.request({"type": "join", "room": "sport"})
    in_room = await viewer.request({"type": "who", "room": "sport"})
    assert [u["id"] for u in in_room["users"]] == [man.id]
    assert viewer.welcome["defaults"]["who"]["region"] == "Bretagne"
    for c in (viewer, woman, man, far):
        await c.close()


async def test_typing_reaches_others_not_sender(server):
    a = await Client.enter(server)
    b = await Client.enter(server)
    for c in (a, b):
        await c.request({"type": "join", "room": "musique"})
    await a.send({"type": "typing", "room": "musique"})
    frame = await b.wait_type("typing", room="musique")
    assert frame["user"]["id"] == a.id
    # to a person: only in a conversation that exists (never a way to reach a stranger)
    await a.send({"type": "typing", "to": b.id})
    await b.settle()
    assert not [f for f in b.received("typing") if f.get("dm") == a.id]
    await b.request({"type": "dm", "to": a.id, "text": "on parle ?"})
    await asyncio.sleep(2.6)  # typing is forwarded once per 2.5 s per conversation
    await a.send({"type": "typing", "to": b.id})
    frame = await b.wait_for(lambda f: f["type"] == "typing" and f.get("dm") == a.id)
    await a.settle()
    assert not a.received("typing")
    await a.close()
    await b.close()


async def test_report_is_stored_and_answers_like_any_other(server):
    a = await Client.enter(server)
    b = await Client.enter(server)
    await a.request({"type": "join", "room": "general"})
    await b.request({"type": "join", "room": "general"})
    ack = await b.request({"type": "say", "room": "general", "text": "message signalé"})
    report = await a.request(
        {
            "type": "report",
            "message": ack["message"]["id"],
            "reason": "harassment",
            "comment": "insistant",
        }
    )
    assert report["type"] == "ok" and report["report"]
    ghost = await a.request({"type": "report", "user": "u-does-not-exist", "reason": "spam"})
    assert ghost["type"] == "ok" and ghost["report"]  # reveals nothing
    bad = await a.request({"type": "report", "user": b.id, "reason": "not-a-category"})
    assert bad["type"] == "error" and bad["code"] == "bad_frame"
    await a.close()
    await b.close()


async def test_room_counts_reach_people_outside_the_room(sqlite_server):
    watcher = await Client.enter(sqlite_server)
    joiner = await Client.enter(sqlite_server)
    await joiner.request({"type": "join", "room": "jeux-video"})
    frame = await watcher.wait_for(
        lambda f: (
            f["type"] == "rooms"
            and any(r["id"] == "jeux-video" and r["member_count"] >= 1 for r in f["rooms"])
        ),
        timeout=15,
    )
    assert {"id", "member_count"} == set(frame["rooms"][0])
    await watcher.close()
    await joiner.close()
