"""What the age policy allows with images, for the images pipeline to apply.

Two safety defaults of the minors issue concern images: an image from a stranger stays
blurred unless the viewer is a verified adult, and people who are not verified may
send only a few images a day in private conversations (``PAPOTE_RATE_DM_IMAGE``).
"""

from __future__ import annotations

from papote import ids
from papote.actions.errors import Rejected
from papote.actions.services import Services
from papote.actions.session import SessionUser
from papote.store import messages


async def check_can_send_dm_image(svc: Services, session: SessionUser) -> None:
    """Verified adults send images freely; the others have a small daily allowance."""
    if session.verified_adult:
        return
    if not await svc.limits.hit("dm_image", session.id):
        raise Rejected("image_quota")


async def may_unblur(svc: Services, viewer: SessionUser, sender_id: str) -> bool:
    """Unblurring an image from a stranger needs the verified-adult badge.

    A stranger is someone the viewer has never written to in private: replying makes the
    sender a chosen correspondent.
    """
    if viewer.verified_adult or viewer.id == sender_id:
        return True
    return await messages.has_written(svc.db, ids.dm_key(viewer.id, sender_id), viewer.id)
