"""Appeals (DSA Article 20): the sanctioned browser contests, another moderator decides.

The person appeals with their session token or, once the session is closed by a ban,
with their browser's own cookie; within six months; one appeal per decision. A
different person from the one who decided must decide the appeal; overturning undoes the
sanction on every node; the person is told the answer (at once, or at their next visit
of the appeal page or connection).
"""

from __future__ import annotations

from typing import Any

from papote import ids
from papote.actions.cases import queue_of, sanction_json
from papote.actions.entry_bans import browser_key
from papote.actions.errors import ActionError
from papote.actions.outbox import tell_person
from papote.actions.sanctions import do_undo
from papote.actions.services import Services
from papote.actions.staff import StaffUser
from papote.moderation.statements import APPEAL_WINDOW_MS, appeal_answer_fr
from papote.realtime.events import NoticeEvent
from papote.store import notices as notice_store
from papote.store import sanctions as sanction_store
from papote.store.cases import new_id
from papote.store.models import Appeal, AuditLog, CaseEvent, Sanction

MAX_TEXT = 2000
NO_SANCTION_FR = "Aucune décision à contester depuis ce navigateur."


async def _sessions_of(svc: Services, token: str | None, cookie: str | None) -> list[str]:
    found: list[str] = []
    if token:
        user_id = await sanction_store.user_by_token_hash(svc.db, ids.token_hash(token))
        if user_id:
            found.append(user_id)
    key = browser_key(svc, cookie)
    if key:
        found += await sanction_store.users_of_browser(svc.db, key)
    return found


async def _contestable(svc: Services, token: str | None, cookie: str | None) -> Sanction:
    sanction = await sanction_store.latest_of_users(svc.db, await _sessions_of(svc, token, cookie))
    if sanction is None:
        raise ActionError("no_sanction", NO_SANCTION_FR, status=404)
    return sanction


def appeal_json(appeal: Appeal) -> dict[str, Any]:
    return {
        "id": appeal.id,
        "state": appeal.state,
        "created_at": appeal.created_at,
        "answer": appeal.answer or None,
    }


async def my_decision(svc: Services, token: str | None, cookie: str | None) -> dict[str, Any]:
    """What the appeal page shows: the decision, its statement, and the appeal if any."""
    sanction = await _contestable(svc, token, cookie)
    appeal = await notice_store.appeal_of_sanction(svc.db, sanction.id)
    return {
        "decision": {
            "action": sanction.action,
            "until": sanction.until,
            "statement": sanction.statement,
            "created_at": sanction.created_at,
            "revoked": sanction.revoked_at is not None,
            "appealable_until": sanction.created_at + APPEAL_WINDOW_MS,
        },
        "appeal": appeal_json(appeal) if appeal else None,
    }


async def do_appeal(
    svc: Services, token: str | None, cookie: str | None, payload: Any
) -> dict[str, Any]:
    text = payload.get("text") if isinstance(payload, dict) else None
    if not isinstance(text, str) or not text.strip() or len(text) > MAX_TEXT:
        raise ActionError("bad_request", f"Explique ta contestation (1 à {MAX_TEXT} caractères).")
    if not await svc.limits.hit("report", f"appeal:{token or cookie}"):
        raise ActionError("rate_limited", status=429)
    sanction = await _contestable(svc, token, cookie)
    now = svc.clock()
    if now - sanction.created_at > APPEAL_WINDOW_MS:
        raise ActionError("appeal_too_late", "Le délai de six mois pour contester est passé.")
    if await notice_store.appeal_of_sanction(svc.db, sanction.id) is not None:
        raise ActionError("appeal_exists", "Tu as déjà contesté cette décision.", status=409)
    appeal = Appeal(
        id=new_id("a"),
        sanction_id=sanction.id,
        case_id=sanction.case_id,
        text=text.strip(),
        state="open",
        created_at=now,
        answer="",
    )
    await notice_store.add_appeal(
        svc.db,
        appeal,
        CaseEvent(
            kind="appeal", actor="person", data={"appeal": appeal.id, "text": appeal.text}, ts=now
        ),
        AuditLog(
            actor="person",
            action="appeal.open",
            target=f"sanction:{sanction.id}",
            detail={"appeal": appeal.id},
            ts=now,
        ),
    )
    return {"appeal": appeal_json(appeal)}


async def list_appeals(svc: Services, staff: StaffUser) -> dict[str, Any]:
    out = []
    for appeal in await notice_store.open_appeals(svc.db):
        sanction = await sanction_store.get(svc.db, appeal.sanction_id)
        if sanction is None or not staff.may_see(queue_of(sanction.category)):
            continue
        out.append(
            appeal_json(appeal)
            | {"text": appeal.text, "case_id": appeal.case_id, "sanction": sanction_json(sanction)}
        )
    return {"appeals": out}


async def do_decide_appeal(
    svc: Services, staff: StaffUser, appeal_id: Any, payload: Any
) -> dict[str, Any]:
    """``{"decision": "uphold"|"overturn", "answer": "..."}``, by someone else."""
    appeal = (
        await notice_store.get_appeal(svc.db, appeal_id) if isinstance(appeal_id, str) else None
    )
    sanction = await sanction_store.get(svc.db, appeal.sanction_id) if appeal else None
    if appeal is None or sanction is None or not staff.may_see(queue_of(sanction.category)):
        raise ActionError("not_found", "Ce recours n'existe pas.", status=404)
    decision = payload.get("decision") if isinstance(payload, dict) else None
    if decision not in ("uphold", "overturn"):
        raise ActionError("bad_request", "« decision »\u00a0: uphold ou overturn.")
    if sanction.decided_by == staff.name:
        raise ActionError(
            "same_moderator",
            "Un recours est examiné par une autre personne que celle qui a décidé.",
            status=403,
        )
    note = payload.get("answer", "") if isinstance(payload, dict) else ""
    overturned = decision == "overturn"
    now = svc.clock()
    answer = appeal_answer_fr(overturned)
    if isinstance(note, str) and note.strip():
        answer += "\n" + note.strip()[:1000]
    appeal.state = "overturned" if overturned else "upheld"
    appeal.decided_by = staff.name
    appeal.decided_at = now
    appeal.answer = answer
    stored = await notice_store.decide_appeal(
        svc.db,
        appeal,
        None
        if overturned
        else CaseEvent(
            kind="decision", actor=staff.name, data={"appeal": appeal.id, "upheld": True}, ts=now
        ),
        AuditLog(
            actor=staff.name,
            action=f"appeal.{appeal.state}",
            target=f"sanction:{sanction.id}",
            detail={"appeal": appeal.id},
            ts=now,
        ),
    )
    if not stored:
        raise ActionError("conflict", "Ce recours a déjà été décidé.", status=409)
    if overturned:
        await do_undo(svc, sanction.id, by=staff.name, note=appeal.answer, why="overturn")
    if sanction.user_id:
        frame = NoticeEvent(answer, level="info", key=f"appeal:{appeal.id}").encode()
        # kept for the next connection as well: the directory may still list a banned
        # session whose sockets are closing
        await tell_person(svc, sanction.user_id, frame, keep=True)
    return {"appeal": appeal_json(appeal)}
