"""Images over the real protocol: upload, clean re-encoding, errors, who may see what,
blur for strangers, unblur only for verified adults, quotas. See docs/images.md."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from PIL import Image

from tests.ageissuer import make_key, verify_adult
from tests.conftest import postgres_url
from tests.images import XMP_SECRET, encode, jpeg_with_gps, photo, png_bomb, with_every_metadata
from tests.mediaclient import fetch, query, upload, uploaded
from tests.serverproc import RELAXED, ServerProcess
from tests.staffhelp import add_staff, auth, login
from tests.wsclient import Client, enter

ISSUER = "media-test-issuer"
MEDIA_ENV = {
    "PAPOTE_RATE_MEDIA": "1000/minute",
    "PAPOTE_RATE_MEDIA_DAY": "1000/day",
    "PAPOTE_HASHLIST_REFRESH_S": "0.2",
}


@pytest.fixture(scope="module")
def issuer_key(tmp_path_factory) -> Path:
    return make_key(tmp_path_factory.mktemp("issuer"))


def _start(key: Path, **extra: str) -> ServerProcess:
    from tests.ageissuer import _papote

    public = _papote("age-attest", "pubkey", "--key", str(key))
    env = {**RELAXED, **MEDIA_ENV, "PAPOTE_AGE_ISSUERS": json.dumps({ISSUER: public}), **extra}
    return ServerProcess(env).start(timeout=120)


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def media_server(request, issuer_key) -> Iterator[ServerProcess]:
    extra = {"PAPOTE_DATABASE_URL": postgres_url()} if request.param == "postgres" else {}
    server = _start(issuer_key, **extra)
    yield server
    server.stop()


async def test_upload_is_reencoded_upright_without_gps(media_server):
    me = await enter(media_server.url)
    original = jpeg_with_gps(photo(seed=2, size=(900, 650)), orientation=6)
    media = uploaded(media_server, me["token"], original)
    assert media["id"].startswith("m") and len(media["id"]) >= 24
    assert (media["width"], media["height"]) == (650, 900)  # EXIF orientation applied
    assert media["blurred"] is False
    served = fetch(media_server, me["token"], media["id"], full=True)
    assert served.status_code == 200
    assert served.headers["content-type"] == "image/jpeg"
    assert served.headers["x-content-type-options"] == "nosniff"
    image = Image.open(io.BytesIO(served.content))
    assert image.format == "JPEG" and image.size == (650, 900)
    assert not image.getexif() and not image.getexif().get_ifd(0x8825)
    assert b"Exif" not in served.content and b"Pixel Camera" not in served.content
    assert served.content != original
    blurred = fetch(media_server, me["token"], media["id"], full=False)
    assert blurred.headers["x-papote-variant"] == "blurred"
    assert Image.open(io.BytesIO(blurred.content)).width < image.width


async def test_no_metadata_survives_in_any_format(media_server):
    me = await enter(media_server.url)
    opaque = photo(seed=3, size=(640, 480))
    transparent = opaque.convert("RGBA")
    transparent.putalpha(200)
    cases = [
        (with_every_metadata(opaque, "JPEG"), "image/jpeg"),
        (with_every_metadata(opaque, "PNG"), "image/jpeg"),
        (with_every_metadata(opaque, "WEBP"), "image/jpeg"),
        (with_every_metadata(transparent, "PNG"), "image/webp"),  # alpha kept: WebP
        (with_every_metadata(transparent, "WEBP"), "image/webp"),
    ]
    for original, served_type in cases:
        assert XMP_SECRET in original and b"SecretCam" in original
        media = uploaded(media_server, me["token"], original)
        for full in (True, False):
            served = fetch(media_server, me["token"], media["id"], full=full)
            assert served.headers["content-type"] == served_type
            image = Image.open(io.BytesIO(served.content))
            assert not image.getexif()
            kept = {"exif", "icc_profile", "xmp", "comment", "Comment", "XML:com.adobe.xmp"}
            assert not kept & set(image.info), image.info
            for secret in (XMP_SECRET, b"SecretCam", b"secret", b"acsp", b"Exif"):
                assert secret not in served.content


async def test_bad_uploads_get_clear_errors(media_server):
    me = await enter(media_server.url)
    cases = [
        (b"GIF89a not really", "unsupported_media", 415),
        (b"%PDF-1.7 a document", "unsupported_media", 415),
        (png_bomb(8_000), "too_large", 413),
        (b"\xff\xd8\xff" + b"\x00" * (5 * 1024 * 1024 + 10), "too_large", 413),
    ]
    for data, code, status in cases:
        response = upload(media_server, me["token"], data)
        assert response.status_code == status, response.text
        error = response.json()["error"]
        assert error["code"] == code and error["message"]
    assert "JPEG" in upload(media_server, me["token"], b"hello").json()["error"]["message"]
    # no session, no upload
    response = httpx.post(media_server.url + "/api/v1/media", files={"file": ("a", b"x")})
    assert response.status_code == 401
    # a text body is not an image whatever its name
    response = httpx.post(
        media_server.url + "/api/v1/media",
        headers={"authorization": f"Bearer {me['token']}", "content-type": "text/plain"},
        content=b"hello",
    )
    assert response.json()["error"]["code"] == "unsupported_media"
    # the server is still fine
    assert httpx.get(media_server.url + "/healthz").status_code == 200


async def test_room_image_reaches_members_and_no_one_else(media_server):
    alice = await Client.enter(media_server)
    bob = await Client.enter(media_server)
    outsider = await Client.enter(media_server)
    for c in (alice, bob):
        await c.request({"type": "join", "room": "general"})
    media = uploaded(media_server, alice.session["token"], encode(photo(seed=4)))
    ack = await alice.request({"type": "say", "room": "general", "text": "", "media": media["id"]})
    assert ack["type"] == "ack", ack
    assert ack["message"]["media"]["id"] == media["id"]
    seen = await bob.wait_for(
        lambda f: f["type"] == "message" and (f["message"]["media"] or {}).get("id") == media["id"]
    )
    assert seen["message"]["media"]["blurred"] is False  # not explicit: shown in rooms
    assert fetch(media_server, bob.session["token"], media["id"], full=True).status_code == 200
    # not a member of the room: the image does not exist for them
    refused = fetch(media_server, outsider.session["token"], media["id"], full=False)
    assert refused.status_code == 404 and refused.json()["error"]["code"] == "not_found"
    assert fetch(media_server, bob.session["token"], "m" + "x" * 24, full=False).status_code == 404
    # one cannot send someone else's image, nor an id that does not exist
    stolen = await bob.request({"type": "say", "room": "general", "text": "", "media": media["id"]})
    assert stolen["type"] == "error" and stolen["code"] == "unknown_media"
    made_up = await bob.request({"type": "say", "room": "general", "text": "a", "media": "m123"})
    assert made_up["code"] == "unknown_media"
    # history carries the image too
    history = await bob.request({"type": "history", "room": "general"})
    assert any((m["media"] or {}).get("id") == media["id"] for m in history["messages"])
    # a report on the image keeps it as evidence (the retention purge then spares it)
    report = await bob.request(
        {"type": "report", "message": ack["message"]["id"], "reason": "harassment"}
    )
    assert report["type"] == "ok"
    if "PAPOTE_DATABASE_URL" not in media_server.env:  # read the SQLite file directly
        assert query(media_server, "SELECT evidence FROM media WHERE id = ?", media["id"]) == [(1,)]
    # who joins later finds it in the room's history, shown as it is, and may fetch it
    joined = await outsider.request({"type": "join", "room": "general"})
    shown = [m["media"] for m in joined["history"] if (m["media"] or {}).get("id") == media["id"]]
    assert shown and shown[0]["blurred"] is False
    assert fetch(media_server, outsider.session["token"], media["id"], full=True).status_code == 200
    for c in (alice, bob, outsider):
        await c.close()


async def test_stranger_image_is_blurred_and_unblurs_only_for_verified_adults(
    media_server, issuer_key
):
    alice = await Client.enter(media_server)
    bob = await Client.enter(media_server)
    vera = await Client.enter(media_server)  # will prove she is an adult
    media = uploaded(media_server, alice.session["token"], encode(photo(seed=6)))
    for recipient in (bob, vera):
        ack = await alice.request(
            {"type": "dm", "to": recipient.id, "text": "regarde", "media": media["id"]}
        )
        assert ack["type"] == "ack" and ack["message"]["media"]["blurred"] is False  # sender
        got = await recipient.message("regarde")
        assert got["media"]["blurred"] is True  # from a stranger
    # bob has not answered and is not verified: blurred only
    assert fetch(media_server, bob.session["token"], media["id"], full=False).status_code == 200
    refused = fetch(media_server, bob.session["token"], media["id"], full=True)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "unblur_forbidden"
    # vera proves her age: she may unblur
    assert fetch(media_server, vera.session["token"], media["id"], full=True).status_code == 403
    verify_adult(media_server, issuer_key, ISSUER, vera.session["token"])
    assert fetch(media_server, vera.session["token"], media["id"], full=True).status_code == 200
    # bob answers: alice is a chosen correspondent now, her images show directly
    await bob.request({"type": "dm", "to": alice.id, "text": "jolie photo"})
    assert fetch(media_server, bob.session["token"], media["id"], full=True).status_code == 200
    history = await bob.request({"type": "history", "with": alice.id})
    assert [m["media"]["blurred"] for m in history["messages"] if m["media"]] == [False]
    second = uploaded(media_server, alice.session["token"], encode(photo(seed=7)))
    await alice.request({"type": "dm", "to": bob.id, "text": "une autre", "media": second["id"]})
    assert (await bob.message("une autre"))["media"]["blurred"] is False
    # a third person, in no conversation with alice, cannot fetch it
    assert fetch(media_server, vera.session["token"], second["id"], full=False).status_code == 404
    for c in (alice, bob, vera):
        await c.close()


async def test_unverified_people_send_three_images_a_day_in_private(media_server):
    sender = await Client.enter(media_server)
    friend = await Client.enter(media_server)
    media = uploaded(media_server, sender.session["token"], encode(photo(seed=8)))
    # ordinary, different captions: what is tested is the daily count, not moderation
    captions = ["mon chat", "la vue depuis le balcon", "mon plat du soir"]
    for caption in captions:
        frame = {"type": "dm", "to": friend.id, "text": caption, "media": media["id"]}
        reply = await sender.request(frame)
        assert reply["type"] == "ack", reply
    frame = {"type": "dm", "to": friend.id, "text": "et le jardin", "media": media["id"]}
    refused = await sender.request(frame)
    assert refused["type"] == "rejected" and refused["code"] == "image_quota", refused
    # words still go through
    assert (await sender.request({"type": "dm", "to": friend.id, "text": "ok"}))["type"] == "ack"
    await sender.close()
    await friend.close()


async def test_explicit_words_sent_anyway_arrive_veiled_until_answered(media_server):
    alice = await Client.enter(media_server)
    bob = await Client.enter(media_server)
    text = "je veux te sucer"
    warned = await alice.request({"type": "dm", "to": bob.id, "text": text})
    assert warned["type"] == "rejected" and warned["code"] == "confirm", warned
    sent = await alice.request(
        {"type": "dm", "to": bob.id, "text": text, "confirm": warned["confirm"]}
    )
    assert sent["type"] == "ack" and "veiled" not in sent["message"]  # the sender's view
    received = await bob.message(text)
    assert received["veiled"] is True
    history = await bob.request({"type": "history", "with": alice.id})
    assert history["messages"][-1]["veiled"] is True
    await bob.request({"type": "dm", "to": alice.id, "text": "bonsoir"})
    history = await bob.request({"type": "history", "with": alice.id})
    assert "veiled" not in history["messages"][0]  # he answered: he chose the conversation
    await alice.close()
    await bob.close()


def _staff_fetch(server: ServerProcess, token: str, media_id: str, *, full: bool) -> httpx.Response:
    query_string = "?view=full" if full else ""
    return httpx.get(
        f"{server.url}/api/v1/staff/media/{media_id}{query_string}", headers=auth(token)
    )


async def test_moderators_see_a_reported_image_blurred_then_clear_and_audited(media_server):
    alice = await Client.enter(media_server)
    bob = await Client.enter(media_server)
    for c in (alice, bob):
        await c.request({"type": "join", "room": "general"})
    sent = {}
    for seed in (61, 62):
        media = uploaded(media_server, alice.session["token"], encode(photo(seed=seed)))
        frame = {"type": "say", "room": "general", "text": "", "media": media["id"]}
        ack = await alice.request(frame)
        assert ack["type"] == "ack", ack
        sent[seed] = (media["id"], ack["message"]["id"])
    staff = add_staff(media_server)
    moderator = login(media_server, staff)
    reported, ordinary = sent[61][0], sent[62][0]
    # before any report, no image is open to staff
    assert _staff_fetch(media_server, moderator, reported, full=False).status_code == 404
    report = await bob.request({"type": "report", "message": sent[61][1], "reason": "harassment"})
    assert report["type"] == "ok"

    blurred = _staff_fetch(media_server, moderator, reported, full=False)
    assert blurred.status_code == 200, blurred.text
    assert blurred.headers["x-papote-variant"] == "blurred"
    assert blurred.headers["cache-control"] == "no-store"
    clear = _staff_fetch(media_server, moderator, reported, full=True)
    assert clear.status_code == 200 and clear.headers["x-papote-variant"] == "full"
    assert clear.content == fetch(media_server, bob.session["token"], reported, full=True).content
    assert (
        Image.open(io.BytesIO(clear.content)).width > Image.open(io.BytesIO(blurred.content)).width
    )
    # an image nobody reported stays closed to staff; a chat token opens nothing here
    assert _staff_fetch(media_server, moderator, ordinary, full=False).status_code == 404
    chat_token = bob.session["token"]
    assert _staff_fetch(media_server, chat_token, reported, full=False).status_code == 401
    if "PAPOTE_DATABASE_URL" not in media_server.env:  # read the SQLite file directly
        views = query(
            media_server,
            "SELECT actor, target FROM audit_log WHERE action = 'media.view'",
        )
        # the clear look is recorded, the blurred ones are not
        assert views == [(f"staff:{staff.name}", f"media:{reported}")]
    for c in (alice, bob):
        await c.close()
