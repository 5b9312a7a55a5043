"""Bad input gets the documented error; the connection stays usable; nothing crashes."""

from __future__ import annotations

import asyncio
import json

import websockets
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.serverproc import ServerProcess
from tests.wsclient import Client, enter


async def expect_error(client: Client, frame, code: str) -> dict:
    before = len(client.frames)
    await client.send(frame if isinstance(frame, str) else json.dumps(frame))
    reply = await client.wait_for(lambda f: f["type"] == "error", start=before)
    assert reply["code"] == code, reply
    assert reply["message"] and "ref" in reply
    return reply


async def test_protocol_errors_keep_connection_usable(sqlite_server):
    c = await Client.enter(sqlite_server)
    await expect_error(c, "{{not json", "bad_json")
    await expect_error(c, "[1, 2, 3]", "bad_frame")
    await expect_error(c, {"no": "type"}, "bad_frame")
    await expect_error(c, {"type": "dance"}, "unknown_type")
    await expect_error(c, {"type": "join"}, "bad_frame")
    await expect_error(c, {"type": "join", "room": 12}, "bad_frame")
    await expect_error(c, {"type": "join", "room": "atlantide"}, "unknown_room")
    await expect_error(c, {"type": "say", "room": "general", "text": ["x"]}, "bad_frame")
    await expect_error(c, {"type": "history", "room": "general", "limit": 500}, "bad_frame")
    await expect_error(c, {"type": "typing", "to": "u-nobody"}, "unknown_user")
    await expect_error(c, {"type": "dm", "to": "u-nobody", "text": "allo"}, "unknown_user")
    await expect_error(c, {"type": "who", "age_min": "dix"}, "bad_frame")
    await expect_error(c, "x" * 20_000, "frame_too_large")
    await expect_error(
        c, json.dumps({"type": "say", "room": "general", "text": "é" * 9000}), "frame_too_large"
    )
    await c.ws.send(b"\x00\x01binary")
    await c.wait_for(lambda f: f["type"] == "error" and f["code"] == "bad_frame")
    reply = await c.request({"type": "ping"})
    assert reply["type"] == "pong"
    # ref is echoed on errors too
    await c.send(json.dumps({"type": "join", "room": "nowhere", "ref": "abc"}))
    err = await c.wait_for(lambda f: f.get("ref") == "abc")
    assert err["type"] == "error" and err["code"] == "unknown_room"
    await c.close()


async def test_say_rejections(sqlite_server):
    c = await Client.enter(sqlite_server)
    not_member = await c.request({"type": "say", "room": "sport", "text": "coucou"})
    assert not_member["type"] == "rejected" and not_member["code"] == "not_member"
    await c.request({"type": "join", "room": "sport"})
    too_long = await c.request({"type": "say", "room": "sport", "text": "a" * 1001})
    assert too_long["type"] == "rejected" and too_long["code"] == "text_too_long"
    exactly = await c.request({"type": "say", "room": "sport", "text": "a" * 1000})
    assert exactly["type"] == "ack"
    empty = await c.request({"type": "say", "room": "sport", "text": "   "})
    assert empty["code"] == "empty"
    self_dm = await c.request({"type": "dm", "to": c.id, "text": "moi"})
    assert self_dm["type"] == "rejected"
    await c.close()


async def test_hello_errors(sqlite_server):
    ws = await websockets.connect(sqlite_server.ws_url)
    await ws.send(json.dumps({"type": "ping", "ref": "p"}))
    first = json.loads(await ws.recv())
    assert first["code"] == "not_authenticated" and first["ref"] == "p"
    await ws.send(json.dumps({"type": "hello", "token": "forged"}))
    err = json.loads(await ws.recv())
    assert err["type"] == "error" and err["code"] == "invalid_token"
    await asyncio.wait_for(ws.wait_closed(), 5)
    assert ws.close_code == 4001


async def test_rate_limited_say_is_rejected_not_closed(fresh_server: ServerProcess):
    fresh_server.env.update({"PAPOTE_RATE_SAY": "5/10seconds"})
    server = fresh_server.start()
    c = await Client.enter(server)
    await c.request({"type": "join", "room": "general"})
    replies = [
        await c.request({"type": "say", "room": "general", "text": f"m{i}"}) for i in range(7)
    ]
    assert [r["type"] for r in replies[:5]] == ["ack"] * 5
    assert replies[5]["type"] == "rejected" and replies[5]["code"] == "rate_limited"
    assert replies[5]["message"]
    assert (await c.request({"type": "ping"}))["type"] == "pong"
    await c.close()


async def test_rate_limited_join_is_rejected(fresh_server: ServerProcess):
    fresh_server.env.update({"PAPOTE_RATE_JOIN": "3/minute"})
    server = fresh_server.start()
    c = await Client.enter(server)
    rooms = ["general", "amitie", "sport", "musique"]
    replies = [await c.request({"type": "join", "room": room}) for room in rooms]
    assert [r["type"] for r in replies[:3]] == ["joined"] * 3
    assert replies[3]["type"] == "rejected" and replies[3]["code"] == "rate_limited"
    assert (await c.request({"type": "ping"}))["type"] == "pong"
    await c.close()


async def test_human_pace_is_never_limited(fresh_server: ServerProcess):
    fresh_server.env.pop("PAPOTE_RATE_SAY", None)
    for key in ("PAPOTE_RATE_SAY", "PAPOTE_RATE_FRAMES"):
        fresh_server.env.pop(key, None)
    server = fresh_server.start()  # default limits
    c = await Client.enter(server)
    await c.request({"type": "join", "room": "general"})
    for i in range(12):  # a quick typist: one message every ~0.4 s
        reply = await c.request({"type": "say", "room": "general", "text": f"phrase {i}"})
        assert reply["type"] == "ack", reply
        await asyncio.sleep(0.6)
    await c.close()


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
frames = st.fixed_dictionaries(
    {
        "type": st.sampled_from(
            [
                "join",
                "leave",
                "say",
                "dm",
                "history",
                "who",
                "typing",
                "block",
                "unblock",
                "report",
                "ping",
                "prefs",
                "zzz",
            ]
        )
    },
    optional={
        k: json_values
        for k in [
            "room",
            "text",
            "to",
            "with",
            "before",
            "limit",
            "user",
            "message",
            "reason",
            "gender",
            "age_min",
            "dm",
            "ref",
        ]
    },
)


async def test_fuzzed_frames_never_break_the_server(sqlite_server):
    """Hypothesis generates frames; each gets an answer or nothing, never a crash."""
    session = await enter(sqlite_server.url)
    client = await Client.connect(sqlite_server.ws_url, session)
    sent: list[dict] = []

    @settings(
        max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
    )
    @given(frames)
    def collect(frame):
        sent.append(frame)

    collect()
    # a ping now and then, as a live client's answers would: 30 protocol errors in a row
    # close a client on purpose (ABUSE_LIMIT), and hypothesis can draw that many
    for i, frame in enumerate(sent, 1):
        await client.send(json.dumps(frame))
        if i % 20 == 0:
            assert (await client.request({"type": "ping"}, timeout=20))["type"] == "pong"
    reply = await client.request({"type": "ping"}, timeout=20)
    assert reply["type"] == "pong"
    internal = [f for f in client.frames if f.get("code") == "internal"]
    assert internal == []
    await client.close()


async def test_unknown_media_is_refused_not_dropped(sqlite_server):
    c = await Client.enter(sqlite_server)
    await c.request({"type": "join", "room": "general"})
    reply = await c.request(
        {"type": "say", "room": "general", "text": "ma photo", "media": "m-nothing"}
    )
    assert reply["type"] == "error" and reply["code"] == "unknown_media"
    await c.close()
