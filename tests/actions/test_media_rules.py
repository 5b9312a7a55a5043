"""The rules around an image once it is classified: who first sees it blurred, where an
explicit one may go, what a hash-list match means, and how long images are kept."""

from __future__ import annotations

import pytest

from papote import ids
from papote.actions.errors import Rejected
from papote.actions.media import Attachment, check_attachment_in_room
from papote.actions.services import RoomInfo
from papote.actions.views import image_blurred, message_view
from papote.safety.media.index import ListedHash, Match
from papote.safety.media.matching import verdict_for
from papote.safety.verdict import Action, Category
from papote.settings import Settings
from papote.store import media as media_store
from papote.store import messages
from papote.store.db import Database
from papote.store.migrate import upgrade
from papote.store.models import Message
from tests.store.test_media import media_row

ROOM = RoomInfo("general", "Général", "", "theme", None, False)
ADULT_ROOM = RoomInfo("adultes", "Adultes", "", "theme", None, True)


def _message(*, explicit: bool, dm: bool, media_id: str = "m1") -> Message:
    where = {"dm_key": ids.dm_key("anna", "bob"), "recipient_id": "bob"} if dm else {}
    return Message(
        id="0000000000001",
        room_id=None if dm else "general",
        sender_id="anna",
        sender={"id": "anna", "pseudo": "Anna"},
        text="",
        media_id=media_id,
        media_info={"width": 10, "height": 10, "explicit": explicit},
        veiled=False,
        ts=1,
        state="delivered",
        **where,
    )


@pytest.mark.parametrize(
    ("explicit", "dm", "viewer", "answered", "blurred"),
    [
        (False, False, "bob", False, False),  # a room image, not explicit
        (True, False, "bob", False, True),  # explicit: blurred for everyone else
        (True, False, "anna", False, False),  # ... but not for its sender
        (False, True, "bob", False, True),  # private, from a stranger
        (False, True, "bob", True, False),  # private, bob has answered
        (True, True, "bob", True, True),  # explicit stays blurred even then
        (False, True, None, True, True),  # evidence view (no viewer): blurred
    ],
)
def test_who_first_sees_an_image_blurred(explicit, dm, viewer, answered, blurred):
    message = _message(explicit=explicit, dm=dm)
    assert image_blurred(message, viewer, answered=answered) is blurred
    view = message_view(message, viewer=viewer, answered=answered).to_json()
    assert view["media"]["blurred"] is blurred and view["media"]["explicit"] is explicit


@pytest.mark.parametrize("explicit", [False, True])
def test_the_frame_every_room_member_gets_blurs_only_explicit_images(explicit):
    message = _message(explicit=explicit, dm=False)
    assert image_blurred(message, None, answered=False, members=True) is explicit
    view = message_view(message, members=True).to_json()
    assert view["media"]["blurred"] is explicit
    # the evidence view (no viewer, not a member) stays blurred
    assert message_view(message).to_json()["media"]["blurred"] is True


def test_explicit_images_only_in_adult_rooms():
    explicit = Attachment("m1", 10, 10, explicit=True)
    with pytest.raises(Rejected) as refused:
        check_attachment_in_room(ROOM, explicit)
    assert refused.value.code == "explicit_media"
    assert refused.value.category == "sexual_content"
    check_attachment_in_room(ADULT_ROOM, explicit)
    check_attachment_in_room(ROOM, Attachment("m2", 10, 10, explicit=False))
    check_attachment_in_room(ROOM, None)


def test_a_match_escalates_by_the_most_serious_label():
    ncii = Match(ListedHash("pdq", "0" * 64, "stopncii", "ncii"), 4)
    child = Match(ListedHash("md5", "1" * 32, "ncmec", "child_safety"), 0)
    assert verdict_for([]).action is Action.ALLOW
    verdict = verdict_for([ncii])
    assert verdict.action is Action.ESCALATE and verdict.category is Category.NCII
    assert verdict.rule == "hashlist:stopncii:pdq" and verdict.explanation
    assert verdict_for([ncii, child]).category is Category.CHILD_SAFETY


async def test_images_follow_their_messages_and_evidence_stays(tmp_path):
    settings = Settings(data_dir=tmp_path)
    upgrade(settings)
    db = Database(settings.db_url)
    try:
        for media_id in ("m-sent", "m-unsent", "m-evidence", "m-fresh"):
            row = media_row(
                media_id,
                created_at=5 if media_id == "m-fresh" else 1,
                evidence=media_id == "m-evidence",
            )
            await media_store.create(db, row, {"full": b"x", "blurred": b"y"})
        await messages.insert(db, _message(explicit=False, dm=True, media_id="m-sent"))
        assert await media_store.purge_unreferenced(db, cutoff_ts=3) == 1  # m-unsent
        assert await media_store.get(db, "m-unsent") is None
        assert await media_store.blob(db, "m-unsent", "full") is None
        await messages.purge_older_than(db, cutoff_ts=3)  # the message's retention ended
        assert await media_store.purge_unreferenced(db, cutoff_ts=3) == 1  # m-sent follows
        assert await media_store.get(db, "m-evidence") is not None  # reported: kept
        assert await media_store.get(db, "m-fresh") is not None  # not old enough
    finally:
        await db.close()
