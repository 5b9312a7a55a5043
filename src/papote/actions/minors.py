"""Protecting minors in conversation: what happens once someone may be a minor.

The text engine (safety/engine.py) detects minor signals ("j'ai 14 ans", "je suis en
4e"...) and grooming; this module acts on them:

- a person who may be a minor is flagged ``possibly_minor``: adults can no longer
  open private conversations with them (nor they with adults); their existing
  private conversations with adults show both sides a safety notice; they are shown
  where to find help (3018) and asked to leave or prove their age; moderators are
  alerted at the top of the queue;
- an escalation for child safety or grooming suspends the sender at once, pending a
  moderator's review: sanction with its statement of reasons, sockets closed, entry
  refused from the same (hashed) address; the conversation stays as evidence.

See docs/minors.md.
"""

from __future__ import annotations

from typing import Any

from papote import ids
from papote.actions.draft import Draft
from papote.actions.errors import Rejected
from papote.actions.services import Services
from papote.actions.session import SessionUser
from papote.realtime.broker import Envelope
from papote.realtime.events import NoticeEvent, SanctionEvent
from papote.safety.explanations import CATEGORY_LABELS
from papote.safety.verdict import Action, Category, Verdict
from papote.store import bans, social, users
from papote.store import reports as report_store
from papote.store.models import Ban, Report, User

MINOR_FLAG = "sender_possibly_minor"
SUSPENSION_MS = 30 * 86_400_000  # entry ban while a moderator reviews (lifted on appeal)

HELP_NOTICE_FR = (
    "Papote est réservé aux adultes. Si tu as moins de 18 ans, quitte ce site : des "
    "inconnus peuvent te vouloir du mal. Si quelqu'un te met mal à l'aise, te demande des "
    "photos ou de garder un secret, parles-en : appelle le 3018 (gratuit, anonyme, "
    "confidentiel) ou va sur 3018.fr. Si tu es majeur·e, tu peux prouver ton âge de façon "
    "anonyme depuis le menu « Mon compte »."
)
CONVERSATION_NOTICE_FR = (
    "Sécurité : cette personne pourrait être mineure. Les conversations à caractère "
    "sexuel, les demandes de photos, de rendez-vous ou de contact ailleurs sont interdites "
    "et signalées. En cas de doute, mettez fin à la conversation."
)
SUSPENSION_STATEMENT_FR = (
    "Votre compte est suspendu à titre conservatoire : un message que vous avez envoyé "
    "a été identifié comme mettant en danger une personne possiblement mineure "
    "(catégorie : {category}). La conversation est conservée comme preuve et sera examinée "
    "par un modérateur. Vous pouvez contester cette décision ; si elle est confirmée, "
    "Papote peut la transmettre aux autorités (PHAROS)."
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
        # each side's key names the other participant, like every conversation field
        await _notify(
            svc, session.id, CONVERSATION_NOTICE_FR, f"minor_conversation:{other}", dm=other
        )
        await _notify(
            svc, other, CONVERSATION_NOTICE_FR, f"minor_conversation:{session.id}", dm=session.id
        )
    await report_store.create(
        svc.db,
        Report(
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
        ),
    )


async def do_suspend(svc: Services, session: SessionUser, verdict: Verdict, ip_hash: str) -> None:
    """Suspend at once, pending review: sanction, sockets closed, entry refused."""
    category = verdict.category.value if verdict.category else Category.CHILD_SAFETY.value
    session.status = "suspended"
    await _update_session(svc, session.id, status="suspended")
    now = svc.clock()
    # the statement names the category in words, never by its code
    label = CATEGORY_LABELS.get(Category(category), category)
    statement = SUSPENSION_STATEMENT_FR.format(category=label)
    if ip_hash:
        await bans.add(
            svc.db,
            Ban(
                key=ip_hash,
                until=now + SUSPENSION_MS,
                reason=category,
                statement=statement,
                created_at=now,
            ),
        )
    # the real end of the suspension (the entry ban's), so the page can say how long
    frame = SanctionEvent("ban", now + SUSPENSION_MS, category, statement).encode()
    await svc.broker.publish(
        Envelope(
            f"user:{session.id}",
            frame,
            control={"op": "close", "user_id": session.id, "code": 4003, "reason": "suspended"},
        )
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
