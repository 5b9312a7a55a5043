"""Images: upload (``POST /api/v1/media``), protection of one's own photos (StopNCII
style), and the checks of an image attached to ``say`` or ``dm``.

Order of an upload: the person may upload (session, rate, daily quota) -> the hash
index is ready -> a worker process decodes, re-encodes, hashes, classifies -> the
hashes are looked up in the lists -> a match is refused, stored as hashes only and
escalated; anything else is stored re-encoded, with its blurred derivative.
See docs/images.md.
"""

from __future__ import annotations

import asyncio
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from prometheus_client import Counter

from papote.actions.errors import MESSAGES_FR, ActionError, Rejected
from papote.actions.media_policy import check_can_send_dm_image
from papote.actions.media_runtime import runtime
from papote.actions.minors import calls_for_suspension, do_suspend
from papote.actions.reports import file_media_report
from papote.actions.services import RoomInfo, Services
from papote.actions.session import SessionUser
from papote.realtime.broker import Envelope
from papote.safety.media.index import IndexNotReady, Match
from papote.safety.media.matching import verdict_for
from papote.safety.verdict import Action
from papote.store import hashlists, users
from papote.store import media as media_store
from papote.store.models import AuditLog, Media, User

if TYPE_CHECKING:  # the analysis runs in worker processes; only its result comes here
    from papote.safety.media.analysis import Analysis

UPLOADS = Counter("papote_media_uploads_total", "Image uploads, by outcome", ["outcome"])
PROTECTED_LIST = "protected"  # hashes people submitted of their own photos (label ncii)


def new_media_id() -> str:
    return "m" + secrets.token_urlsafe(18)  # 144 random bits: unguessable


@dataclass(frozen=True, slots=True)
class Attachment:
    """An uploaded image as a message carries it."""

    id: str
    width: int
    height: int
    explicit: bool

    def info(self) -> dict[str, object]:
        return {"width": self.width, "height": self.height, "explicit": self.explicit}


async def _uploader(svc: Services, user_id: str) -> User:
    user = await users.by_id(svc.db, user_id)
    if user is None or user.ended_at is not None:
        raise ActionError("unauthorized", status=401)
    if user.status != "active":
        raise ActionError("suspended", status=403)
    return user


async def _check_rate(svc: Services, rule: str, user_id: str) -> None:
    if not await svc.limits.hit(rule, user_id):
        UPLOADS.labels("rate_limited").inc()
        raise ActionError("rate_limited", MESSAGES_FR["media_rate_limited"], status=429)


def _not_ready() -> ActionError:
    """The hash lists are still loading: an upload is refused, never let through unchecked."""
    UPLOADS.labels("not_ready").inc()
    return ActionError("unavailable", MESSAGES_FR["media_not_ready"], status=503)


def _accepted(analysis: Analysis) -> Analysis:
    if analysis.refused is not None:
        UPLOADS.labels(analysis.refused).inc()
        status = 413 if analysis.refused == "too_large" else 415
        raise ActionError(analysis.refused, status=status)
    return analysis


async def _lookup(svc: Services, analysis: Analysis) -> list[Match]:
    """The listed hashes the image matches; in a thread (faiss releases the GIL), as a
    query at a million hashes takes milliseconds that chat should not wait for."""
    prints = analysis.fingerprints
    if prints is None:
        raise ActionError("unavailable", status=503)
    index = runtime(svc).index
    try:
        return await asyncio.to_thread(
            lambda: index.query(pdqs=prints.pdq_dihedral, md5=prints.md5)
        )
    except IndexNotReady:
        raise _not_ready() from None


def _row(media_id: str, user: User, analysis: Analysis, *, state: str, now: int) -> Media:
    prints, image, nudity = analysis.fingerprints, analysis.image, analysis.nudity
    if prints is None:
        raise ActionError("unavailable", status=503)
    return Media(
        id=media_id,
        owner_id=user.id,
        state=state,
        width=image.width if image else 0,
        height=image.height if image else 0,
        explicit=bool(nudity and nudity.explicit),
        nudity_score=nudity.score if nudity else 0.0,
        nudity_labels=list(nudity.labels) if nudity else [],
        model=nudity.model if nudity else "",
        pdq=prints.pdq,
        pdq_quality=prints.pdq_quality,
        md5=prints.md5,
        sha256=prints.sha256,
        evidence=state == "blocked",
        created_at=now,
    )


async def do_upload(svc: Services, user_id: str, data: bytes, *, ip_hash: str) -> dict[str, Any]:
    """Process and store an image; refused (``blocked``) and escalated if it is listed."""
    user = await _uploader(svc, user_id)
    await _check_rate(svc, "media", user.id)
    await _check_rate(svc, "media_day", user.id)
    media = runtime(svc)
    if not media.index.ready:  # checked before the work, and again by the query
        raise _not_ready()
    analysis = _accepted(await media.analyse(data))
    matches = await _lookup(svc, analysis)
    verdict = verdict_for(matches)
    media_id = new_media_id()
    now = svc.clock()
    if verdict.action is Action.ESCALATE:
        row = _row(media_id, user, analysis, state="blocked", now=now)
        await media_store.create(svc.db, row, {})  # hashes only: nothing viewable
        await file_media_report(svc, user, row, verdict, [m.to_json() for m in matches], ip_hash)
        UPLOADS.labels("blocked").inc()
        if calls_for_suspension(verdict):
            await do_suspend(svc, SessionUser.from_row(user), verdict)
        raise ActionError("blocked", MESSAGES_FR["media_blocked"], status=403)
    row = _row(media_id, user, analysis, state="ready", now=now)
    image = analysis.image
    if image is None:
        raise ActionError("unavailable", status=503)
    await media_store.create(svc.db, row, {"full": image.data, "blurred": image.blurred})
    UPLOADS.labels("explicit" if row.explicit else "ok").inc()
    return {"id": row.id, "width": row.width, "height": row.height, "blurred": row.explicit}


async def do_protect(svc: Services, user_id: str, data: bytes) -> dict[str, Any]:
    """StopNCII-style: keep only the hashes of a person's own photo, on the protected
    list, so that any later upload of it is refused; the image itself is never stored."""
    user = await _uploader(svc, user_id)
    await _check_rate(svc, "media_protect", user.id)
    analysis = _accepted(await runtime(svc).analyse(data, hashes_only=True))
    prints = analysis.fingerprints
    if prints is None:
        raise ActionError("unavailable", status=503)
    entries = [("md5", prints.md5, "ncii")]
    if prints.pdq:
        entries.append(("pdq", prints.pdq, "ncii"))
    now = svc.clock()
    await hashlists.ensure_list(svc.db, PROTECTED_LIST, "ncii", "submitted by people", now)
    # audited like any change of a hash list, in the same transaction (the person's id, the
    # kinds of hash; never the hashes, which would tell who protected which photo)
    entry = AuditLog(
        actor=f"user:{user.id}",
        action="hashlist.protect",
        target=f"hashlist:{PROTECTED_LIST}",
        detail={"kinds": [kind for kind, _, _ in entries]},
        ts=now,
    )
    await hashlists.add_entries(svc.db, PROTECTED_LIST, entries, now, entry)
    await runtime(svc).refresh(svc)
    await svc.broker.publish(Envelope("nodes", control={"op": "hashes"}))
    return {"pdq": bool(prints.pdq), "md5": True}


async def check_attachment(svc: Services, session: SessionUser, media_id: Any) -> Attachment | None:
    """The image a ``say``/``dm`` carries: one the sender uploaded and that may be sent."""
    if media_id is None:
        return None
    if not isinstance(media_id, str) or len(media_id) > 40:
        raise ActionError("bad_frame")
    row = await media_store.get(svc.db, media_id)
    if row is None or row.owner_id != session.id or row.state != "ready":
        raise ActionError("unknown_media")
    return Attachment(row.id, row.width, row.height, row.explicit)


def check_attachment_in_room(room: RoomInfo, attachment: Attachment | None) -> None:
    if attachment is not None and attachment.explicit and not room.adult:
        raise Rejected("explicit_media", category="sexual_content")


async def check_attachment_in_dm(
    svc: Services, session: SessionUser, recipient: User, attachment: Attachment | None
) -> None:
    """Explicit images never reach a possible minor; unverified senders have a quota."""
    if attachment is None:
        return
    if attachment.explicit and (recipient.possibly_minor or session.possibly_minor):
        raise Rejected("explicit_media_dm", category="sexual_content")
    await check_can_send_dm_image(svc, session)
