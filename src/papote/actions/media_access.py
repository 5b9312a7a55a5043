"""Who may see an image (``GET /api/v1/media/{id}``), and which variant.

An image is served only to its uploader, to the participants of a private
conversation where it was sent, and to the members of a room where it was sent; to
anyone else it does not exist (``not_found``, the same answer as for a wrong id).
The blurred variant is served by default; the full image (``?view=full``) only when
the viewer may see it in clear (docs/images.md): explicit images and images from a
stranger unblur only for verified adults (``actions/media_policy.py``). An explicit
image never reaches a person flagged as possibly a minor.

Moderators see a reported image (``GET /api/v1/staff/media/{id}``) when a case they
may open is about it or about a message that carries it: blurred by default, in clear
when they choose, which the audit log records.
"""

from __future__ import annotations

from dataclasses import dataclass

from papote.actions.errors import ActionError
from papote.actions.media_policy import may_unblur
from papote.actions.services import Services
from papote.actions.session import SessionUser
from papote.actions.staff import StaffUser
from papote.actions.views import image_blurred
from papote.safety.media.content import media_type
from papote.store import audit as audit_store
from papote.store import cases as cases_store
from papote.store import media as media_store
from papote.store import messages, users
from papote.store.models import AuditLog, Message, User

MAX_ID = 40


@dataclass(frozen=True, slots=True)
class ServedImage:
    data: bytes
    variant: str  # full | blurred

    @property
    def media_type(self) -> str:
        return media_type(self.data)


def _sees(svc: Services, viewer: str, message: Message) -> bool:
    if message.room_id is not None:
        return svc.hub.is_member(message.room_id, viewer)
    return viewer in (message.sender_id, message.recipient_id)


async def _viewer(svc: Services, viewer_id: str) -> User:
    viewer = await users.by_id(svc.db, viewer_id)
    if viewer is None or viewer.ended_at is not None:
        raise ActionError("unauthorized", status=401)
    return viewer


async def _may_see_full(svc: Services, viewer: User, message: Message) -> bool:
    answered = False
    if message.dm_key is not None:
        answered = await messages.has_written(svc.db, message.dm_key, viewer.id)
    if not image_blurred(message, viewer.id, answered=answered):
        return True
    if (message.media_info or {}).get("explicit"):
        return viewer.verified_adult
    return await may_unblur(svc, SessionUser.from_row(viewer), message.sender_id)


async def do_fetch(svc: Services, viewer_id: str, media_id: str, *, full: bool) -> ServedImage:
    viewer = await _viewer(svc, viewer_id)
    not_found = ActionError("not_found", status=404)
    if len(media_id) > MAX_ID:
        raise not_found
    row = await media_store.get(svc.db, media_id)
    if row is None or row.state != "ready":
        raise not_found
    if row.explicit and viewer.possibly_minor:
        raise not_found
    if row.owner_id != viewer.id:
        seen_in = [m for m in await media_store.sent_in(svc.db, row.id) if _sees(svc, viewer.id, m)]
        if not seen_in:
            raise not_found
        if full and not any([await _may_see_full(svc, viewer, m) for m in seen_in]):
            raise ActionError("unblur_forbidden", status=403)
    variant = "full" if full else "blurred"
    data = await media_store.blob(svc.db, row.id, variant)
    if data is None:
        raise not_found
    return ServedImage(data, variant)


async def do_fetch_evidence(
    svc: Services, staff: StaffUser, media_id: str, *, full: bool
) -> ServedImage:
    """A reported image for a moderator: only one kept as evidence, only through a
    case of a queue they may open; seeing it in clear is written to the audit log."""
    not_found = ActionError("not_found", status=404)
    row = await media_store.get(svc.db, media_id) if len(media_id) <= MAX_ID else None
    if row is None or row.state != "ready" or not row.evidence:
        raise not_found
    categories = await cases_store.categories_about_media(svc.db, row.id)
    if not any(staff.may_see(category) for category in categories):
        raise not_found
    variant = "full" if full else "blurred"
    data = await media_store.blob(svc.db, row.id, variant)
    if data is None:
        raise not_found
    if full:
        entry = AuditLog(
            actor=f"staff:{staff.name}",
            action="media.view",
            target=f"media:{row.id}",
            detail={"variant": "full"},
            ts=svc.clock(),
        )
        await audit_store.append(svc.db, entry)
    return ServedImage(data, variant)
