"""Image defaults of the age policy, over a real database and the real rate limiter."""

from __future__ import annotations

import pytest

from papote import ids
from papote.actions.errors import Rejected
from papote.actions.media_policy import check_can_send_dm_image, may_unblur
from papote.actions.ratelimit import RateLimits
from papote.actions.session import SessionUser
from papote.realtime.events import PublicUser
from papote.settings import Settings
from papote.store import messages
from papote.store.db import Database
from papote.store.migrate import upgrade
from papote.store.models import Message


class _Svc:
    """The two parts of Services the policy uses."""

    def __init__(self, settings: Settings) -> None:
        self.db = Database(settings.db_url)
        self.limits = RateLimits(settings)


def person(uid: str, verified: bool = False) -> SessionUser:
    public = PublicUser(uid, uid, 30, "femme", "Lyon", "Auvergne-Rhône-Alpes", verified)
    return SessionUser(uid, public, 30, "femme", "Auvergne-Rhône-Alpes", 0, verified_adult=verified)


@pytest.fixture
async def svc(tmp_path):
    settings = Settings(data_dir=tmp_path, rate_dm_image="3/day")
    upgrade(settings)
    service = _Svc(settings)
    yield service
    await service.db.close()


async def test_unverified_people_send_three_images_a_day(svc):
    anna = person("anna")
    for _ in range(3):
        await check_can_send_dm_image(svc, anna)
    with pytest.raises(Rejected) as refused:
        await check_can_send_dm_image(svc, anna)
    assert refused.value.code == "image_quota" and "18 ans" in refused.value.message
    verified = person("vera", verified=True)
    for _ in range(10):
        await check_can_send_dm_image(svc, verified)


async def test_images_from_strangers_stay_blurred_unless_verified(svc):
    viewer, stranger = person("viewer"), person("stranger")
    assert not await may_unblur(svc, viewer, stranger.id)
    assert await may_unblur(svc, person("viewer", verified=True), stranger.id)
    # once the viewer has written to them, they are a chosen correspondent
    await messages.insert(
        svc.db,
        Message(
            id="0000000000001",
            dm_key=ids.dm_key(viewer.id, stranger.id),
            sender_id=viewer.id,
            recipient_id=stranger.id,
            sender={},
            text="bonjour",
            ts=1,
            state="delivered",
        ),
    )
    assert await may_unblur(svc, viewer, stranger.id)
