"""Private-message preferences are enforced by the server."""

from __future__ import annotations

from tests.wsclient import Client


async def test_dm_preferences(server):
    her = await Client.enter(server, gender="femme", age=29)
    man = await Client.enter(server, gender="homme", age=45)
    woman = await Client.enter(server, gender="femme", age=33)
    young = await Client.enter(server, gender="autre", age=19)

    prefs = await her.request({"type": "prefs", "dm": {"genders": ["femme", "autre"]}})
    assert prefs["prefs"]["dm"]["genders"] == ["femme", "autre"]
    refused = await man.request({"type": "dm", "to": her.id, "text": "salut"})
    assert refused["type"] == "rejected" and refused["code"] == "dm_refused"
    assert refused["message"]
    assert (await woman.request({"type": "dm", "to": her.id, "text": "salut"}))["type"] == "ack"

    await her.request(
        {
            "type": "prefs",
            "dm": {"age_min": 25, "age_max": 40, "genders": ["homme", "femme", "autre"]},
        }
    )
    assert (await young.request({"type": "dm", "to": her.id, "text": "yo"}))["code"] == (
        "dm_refused"
    )

    await her.request(
        {"type": "prefs", "dm": {"age_min": 18, "age_max": 120, "only_shared_rooms": True}}
    )
    assert (await man.request({"type": "dm", "to": her.id, "text": "re"}))["code"] == "dm_refused"
    await her.request({"type": "join", "room": "musique"})
    await man.request({"type": "join", "room": "musique"})
    assert (await man.request({"type": "dm", "to": her.id, "text": "re"}))["type"] == "ack"

    await her.request({"type": "prefs", "dm": {"accept": "none", "only_shared_rooms": False}})
    assert (await young.request({"type": "dm", "to": her.id, "text": "?"}))["code"] == (
        "dm_refused"
    )
    # an existing conversation goes on: the preference is about new ones
    assert (await woman.request({"type": "dm", "to": her.id, "text": "toujours là"}))[
        "type"
    ] == "ack"

    await her.request({"type": "prefs", "dm": {"accept": "all", "verified_only": True}})
    assert (await young.request({"type": "dm", "to": her.id, "text": "?"}))["code"] == (
        "dm_refused"
    )

    bad = await her.request({"type": "prefs", "dm": {"age_min": 12}})
    assert bad["type"] == "error" and bad["code"] == "bad_frame"
    for c in (her, man, woman, young):
        await c.close()


async def test_new_private_conversations_are_limited(fresh_server):
    fresh_server.env["PAPOTE_DM_NEW_PER_10MIN"] = "10"
    fresh_server.env["PAPOTE_DM_NEW_PER_10MIN_NEWCOMER"] = "3"  # a new session gets fewer
    server = fresh_server.start()
    sender = await Client.enter(server)
    targets = [await Client.enter(server) for _ in range(4)]
    replies = [await sender.request({"type": "dm", "to": t.id, "text": "bonjour"}) for t in targets]
    assert [r["type"] for r in replies[:3]] == ["ack"] * 3
    assert replies[3]["type"] == "rejected" and replies[3]["code"] == "too_many_new_dms"
    # writing again in an open conversation is not a new one
    assert (await sender.request({"type": "dm", "to": targets[0].id, "text": "re"}))[
        "type"
    ] == "ack"
