"""Protecting minors in conversation: what happens once someone may be a minor.

The text engine (safety/engine.py) detects minor signals ("j'ai 14 ans", "je suis en
4e"...) and grooming; this module acts on them:

- a person who may be a minor is flagged ``possibly_minor``: adults can no longer
  open private conversations with them (nor they with adults); their existing
  private conversations with adults show each side a safety notice (hers written for
  her, with the 3018; the adults' saying she may be a minor); they are shown where to
  find help (3018) and asked to leave or prove their age; they leave the rooms closed
  to minors (dating, older adults, adults) and cannot join them again
  (actions/rooms.py); moderators are alerted at the top of the queue;
- an escalation for child safety or grooming suspends the sender at once, pending a
  moderator's review (actions/sanctions.py): sanction with its statement of reasons,
  sockets closed, entry refused to that session and that browser (never to the address
  others share); the conversation stays as evidence under legal hold.

See docs/minors.md.
"""

from __future__ import annotations

from typing import Any

from papote import ids
from papote.actions.cases import Filing, do_file, open_case_of
from papote.actions.draft import Draft
from papote.actions.errors import Rejected
from papote.actions.rooms import do_leave_room
from papote.actions.sanctions import SUSPENSION_MS, SanctionSpec, do_sanction
from papote.actions.services import Services
from papote.actions.session import SessionUser
from papote.realtime.broker import Envelope
from papote.realtime.events import NoticeEvent
from papote.safety.verdict import Action, Category, Verdict
from papote.store import social, users
from papote.store.cases import Subject
from papote.store.models import Message, Report, User

MINOR_FLAG = "sender_possibly_minor"

HELP_NOTICE_FR = (
    "Papote est réservé aux adultes. Si tu as moins de 18 ans, quitte ce site\u00a0: des "
    "inconnus peuvent te vouloir du mal. Si quelqu'un te met mal à l'aise, te demande des "
    "photos ou de garder un secret, parles-en\u00a0: appelle le 3018 (gratuit, anonyme, "
    "confidentiel) ou va sur 3018.fr. Si tu es majeur·e, tu peux prouver ton âge de façon "
    "anonyme depuis le menu « Mon compte »."
)
CONVERSATION_NOTICE_FR = (
    "Sécurité\u00a0: cette personne pourrait être mineure. Les conversations à caractère "
    "sexuel, les demandes de photos, de rendez-vous ou de contact ailleurs sont interdites "
    "et signalées. En cas de doute, mets fin à la conversation."
)
# what she sees in each of her private conversations (the adult sees CONVERSATION_NOTICE_FR)
MINOR_CONVERSATION_NOTICE_FR = (
    "Sécurité\u00a0: dans cette conversation, personne n'a le droit de te parler de sexe, de te "
    "demander des photos, ton âge, ton école, de garder un secret, de passer sur une autre "
    "appli ou de te rencontrer. Si ça arrive, ne réponds pas, bloque et signale. Tu peux en "
    "parler au 3018 (gratuit, anonyme) ou sur 3018.fr."
)
LEFT_ROOM_NOTICE_FR = (
    "Tu as quitté le salon « {room} »\u00a0: il est réservé aux adultes. Si tu as moins de 18 ans, "
    "Papote n'est pas fait pour toi\u202f; si quelqu'un te met mal à l'aise, appelle le 3018."
)


async def _notify(
    svc: Services, user_id: str, text: str, key: str, level: str = "warning", dm: str = ""
) -> None:
    frame = NoticeEvent(text, level=level, key=key, dm=dm).encode()  # type: ignore[arg-type]
    await svc.broker.publish(Envelope(f"user:{user_id}", frame))


async def _update_session(svc: Services, user_id: str, **fields: Any) -> None:
    await users.update_fields(svc.db, user_id, **fields)
    await svc.broker.publish(
        Envelope("nodes", control={"op": "session", "user_id": user_id, "fields": fields})
    )


async def do_flag_possibly_minor(svc: Services, session: SessionUser, draft: Draft) -> None:
    """The sender said (or showed) they may be under 18."""
    if session.possibly_minor:
        return
    session.possibly_minor = True
    await _update_session(svc, session.id, possibly_minor=True)
    await _notify(svc, session.id, HELP_NOTICE_FR, "minor_help")
    for other in await social.contacts_of(svc.db, session.id):
        # each side's key names the other participant, like every conversation field; each
        # side reads a notice written for them
        await _notify(
            svc, session.id, MINOR_CONVERSATION_NOTICE_FR, f"minor_conversation:{other}", dm=other
        )
        await _notify(
            svc, other, CONVERSATION_NOTICE_FR, f"minor_conversation:{session.id}", dm=session.id
        )
    await _leave_rooms_closed_to_minors(svc, session)
    report = Report(
        id=ids.report_id(),
        reporter_id=None,
        target_user_id=session.id,
        message_id=draft.message.id,
        reason=Category.CHILD_SAFETY.value,
        comment="possibly_minor: minor signal in conversation",
        priority=0,
        status="open",
        evidence={
            "text": draft.message.text,
            "conversation": draft.ctx.conversation,
            "declared_age": session.age,
        },
        created_at=svc.clock(),
    )
    await do_file(svc, Filing(report, Subject("user", session.id, session.id), escalated=True))


async def _leave_rooms_closed_to_minors(svc: Services, session: SessionUser) -> None:
    for room in svc.rooms.values():
        if (room.closed_to_minors or room.adult) and svc.hub.is_member(room.id, session.id):
            await do_leave_room(svc, session, room.id)
            text = LEFT_ROOM_NOTICE_FR.format(room=room.name)
            await _notify(svc, session.id, text, f"minor_left_room:{room.id}")


async def do_suspend(
    svc: Services, session: SessionUser, verdict: Verdict, message: Message | None = None
) -> None:
    """Suspend at once, pending review: the case waits for a moderator, the sanction
    (with its statement) closes the sockets and refuses that session and browser."""
    category = verdict.category.value if verdict.category else Category.CHILD_SAFETY.value
    session.status = "suspended"
    case = await open_case_of(svc, message.id if message else None)
    await do_sanction(
        svc,
        SanctionSpec(
            action="suspend",
            category=category,
            decided_by="system",
            automated=True,
            user_id=session.id,
            message=message,
            case=case,
            duration_ms=SUSPENSION_MS,
        ),
    )


async def react_to_flags(
    svc: Services, session: SessionUser, draft: Draft, verdict: Verdict
) -> None:
    """What a verdict learned about the sender (see actions/moderation.py)."""
    if MINOR_FLAG in verdict.flags:
        await do_flag_possibly_minor(svc, session, draft)


def calls_for_suspension(verdict: Verdict) -> bool:
    """An escalation for child safety or grooming suspends the sender at once."""
    protective = {Category.CHILD_SAFETY, Category.GROOMING}
    return verdict.action is Action.ESCALATE and bool(protective & set(verdict.categories))


async def guard_new_dm(
    svc: Services, session: SessionUser, recipient: User, new_conversation: bool
) -> None:
    """Adults and possible minors cannot open private conversations with each other."""
    if not new_conversation:
        return
    if recipient.possibly_minor != session.possibly_minor:
        raise Rejected("minor_protected")
