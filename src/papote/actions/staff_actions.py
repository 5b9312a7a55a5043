"""What staff do to a case or a room, one call each (``POST .../actions``), and undo.

The action is validated (``check_action``), the sanction decided and applied on every
node (actions/sanctions.py), the reporters told the outcome (a notice now, or at their
next connection), and the notices' authors told the decision. See docs/moderators.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from papote.actions.cases import (
    case_detail,
    check_case_source,
    may_see,
    queue_of,
    sanction_json,
)
from papote.actions.errors import ActionError
from papote.actions.notice_mail import decision_mail, send_soon
from papote.actions.outbox import tell_person
from papote.actions.release import deliver_again, tell_removed
from papote.actions.reports import CATEGORIES
from papote.actions.room_state import RoomMode, publish_room_state
from papote.actions.sanctions import (
    PERSON_ACTIONS,
    SanctionSpec,
    do_sanction,
    do_undo,
    remove_from_room,
    takedown,
)
from papote.actions.services import Services
from papote.actions.staff import StaffUser
from papote.moderation.notice_mail import decision_fr
from papote.moderation.statements import outcome_for_reporter_fr
from papote.realtime.broker import Envelope
from papote.realtime.events import NoticeEvent
from papote.store import cases as case_store
from papote.store import messages
from papote.store import notices as notice_store
from papote.store import sanctions as sanction_store
from papote.store.models import AuditLog, Case, CaseEvent, Message, RoomState, Sanction

DEFAULT_DURATION_S = {"mute": 3600, "kick": 900}
MAX_DURATION_S = 10 * 365 * 86_400
MAX_NOTE = 2000
ROOM_ACTIONS = ("close", "lock", "slow")
ROOM_NOTICE_FR = {
    "close": "Ce salon est fermé par la modération pour le moment.",
    "lock": "Ce salon est verrouillé par la modération\u00a0: personne ne peut y écrire.",
    "slow": "Mode lent dans ce salon\u00a0: un message toutes les {s} secondes.",
}


@dataclass(frozen=True, slots=True)
class ActionRequest:
    action: str
    reason: str
    duration_s: int | None
    note: str
    version: int | None
    all_of_author: bool = False  # the same decision on the person's other open cases


def _int_or_none(value: Any, name: str, low: int, high: int) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ActionError("bad_request", f"« {name} »\u00a0: un entier de {low} à {high}, ou null.")
    return value


def check_action(payload: Any, allowed: tuple[str, ...], min_duration_s: int = 60) -> ActionRequest:
    if not isinstance(payload, dict):
        raise ActionError("bad_request")
    action = payload.get("action")
    if action not in allowed:
        raise ActionError("bad_request", f"« action »\u00a0: {', '.join(allowed)}.")
    reason = payload.get("reason")
    if reason not in CATEGORIES and reason != "other":
        raise ActionError("bad_request", "« reason »\u00a0: une catégorie de la charte.")
    note = payload.get("note") or ""
    if not isinstance(note, str) or len(note) > MAX_NOTE:
        raise ActionError("bad_request", f"« note »\u00a0: {MAX_NOTE} caractères au plus.")
    duration = _int_or_none(payload.get("duration_s"), "duration_s", min_duration_s, MAX_DURATION_S)
    version = _int_or_none(payload.get("version"), "version", 0, 2**31)
    all_of_author = payload.get("all_of_author", False)
    if not isinstance(all_of_author, bool):
        raise ActionError("bad_request", "« all_of_author »\u00a0: true ou false.")
    return ActionRequest(action, reason, duration, note, version, all_of_author)


async def do_case_action(
    svc: Services, staff: StaffUser, case_id: Any, payload: Any
) -> dict[str, Any]:
    """dismiss | warn | delete | mute | kick | ban | suspend, on the case's subject."""
    # the case and where it came from in one round trip: the person waits for the
    # decision's commit, and every query before it is time before their frame
    case, source = await check_case_source(svc, staff, case_id)
    req = check_action(payload, PERSON_ACTIONS, svc.settings.min_sanction_s)
    if req.version is not None and req.version != case.version:
        raise ActionError("conflict", "Le dossier a changé\u00a0: recharge-le.", status=409)
    if case.claimed_by not in (None, staff.name):
        raise ActionError("claimed", f"Dossier pris par {case.claimed_by}.", status=409)
    if case.state != "open":
        raise ActionError("case_closed", "Ce dossier est déjà traité.", status=409)
    if not staff.may_see(queue_of(req.reason)):
        raise ActionError("forbidden", "Catégorie réservée.", status=403)
    message = None
    if case.subject_kind == "message":
        message = await messages.get(svc.db, case.subject_id)
    if req.action == "delete" and message is None:
        raise ActionError("bad_request", "Ce dossier ne porte pas sur un message.")
    duration = req.duration_s or DEFAULT_DURATION_S.get(req.action)
    spec = SanctionSpec(
        action=req.action,
        category=req.reason,
        decided_by=staff.name,
        user_id=case.subject_user_id,
        message=message,
        case=case,
        duration_ms=duration * 1000 if duration else None,
        note=req.note,
        source=source,
    )
    sanction = await do_sanction(svc, spec)
    await tell_reporters(svc, case.id, req.action, req.reason, sanction)
    alike: list[str] = []
    if req.all_of_author and case.subject_user_id:
        alike = await _decide_alike(svc, staff, case, req, sanction)
    detail = await case_detail(svc, staff, case.id)
    return detail | {"sanction": sanction_json(sanction), "also_closed": alike}


async def _decide_alike(
    svc: Services, staff: StaffUser, case: Case, req: ActionRequest, sanction: Sanction
) -> list[str]:
    """The decision just taken, on the person's other open cases (Discourse's "delete
    the spammer's posts"): the sanction on the person is not repeated, each case is
    closed with it, each reported message taken down when the decision removes content
    (a held one published if it was dismissed), each reporter told."""
    others = [
        c
        for c in await case_store.open_of_user(svc.db, case.subject_user_id or "", exclude=case.id)
        if may_see(staff, c) and c.claimed_by in (None, staff.name)
    ]
    if not others:
        return []
    now = svc.clock()
    removes = req.action in ("delete", "ban", "suspend")
    states: dict[str, str] = {}
    held: list[Message] = []
    for other in others:
        message = (
            await messages.get(svc.db, other.subject_id)
            if other.subject_kind == "message"
            else None
        )
        if message is None:
            continue
        if message.state == "held":
            held.append(message)
            states[message.id] = "delivered" if req.action == "dismiss" else "removed"
        elif removes and message.state == "delivered":
            states[message.id] = "removed"
    data = {"action": req.action, "reason": req.reason, "sanction": sanction.id}
    closed = await case_store.close_alike(
        svc.db,
        [
            (
                o.id,
                CaseEvent(
                    kind="action",
                    actor=staff.name,
                    data={**data, "with_case": case.id, "note": req.note},
                    ts=now,
                ),
            )
            for o in others
        ],
        report_status="dismissed" if req.action == "dismiss" else "upheld",
        entry=AuditLog(
            actor=staff.name,
            action=f"case.alike_{req.action}",
            target=f"user:{case.subject_user_id}",
            detail={"sanction": sanction.id, "case": case.id},
            ts=now,
        ),
        message_states=states,
    )
    held_ids = {m.id for m in held}
    for message_id, state in states.items():
        if state == "removed" and message_id not in held_ids:
            await takedown(svc, message_id)
    for message in held:
        if states[message.id] == "delivered":
            await deliver_again(svc, message.id, was_held=True)
        else:
            await tell_removed(svc, message, req.reason)
    for case_id in closed:
        await tell_reporters(svc, case_id, req.action, req.reason, sanction)
    return closed


async def tell_reporters(
    svc: Services, case_id: str, action: str, category: str, sanction: Sanction | None = None
) -> None:
    """Each reporter learns the outcome: now if connected, else at the next connection;
    the authors of public notices on the case, by e-mail when they gave an address."""
    text = outcome_for_reporter_fr(action, category)
    frame = NoticeEvent(text, level="info", key=f"report:{case_id}").encode()
    for reporter in await case_store.reporters_of(svc.db, case_id):  # chat sessions only
        await tell_person(svc, reporter, frame)
    until = sanction.until if sanction is not None else None
    decision = decision_fr(
        action,
        category,
        duration_ms=until - sanction.created_at if sanction and until else None,
        until=until,
    )
    mail_ids = await notice_store.decide_notices(
        svc.db, case_id, decision, svc.clock(), mail_for=lambda n: decision_mail(svc, n)
    )
    send_soon(svc, list(mail_ids))


async def do_undo_sanction(
    svc: Services, staff: StaffUser, sanction_id: Any, payload: Any
) -> dict[str, Any]:
    sanction = (
        await sanction_store.get(svc.db, sanction_id) if isinstance(sanction_id, str) else None
    )
    if sanction is None or not staff.may_see(queue_of(sanction.category)):
        raise ActionError("not_found", "Cette décision n'existe pas.", status=404)
    note = payload.get("note", "") if isinstance(payload, dict) else ""
    undone = await do_undo(
        svc, sanction.id, by=staff.name, note=note if isinstance(note, str) else ""
    )
    if undone is None:
        raise ActionError("already_undone", "Cette décision est déjà annulée.", status=409)
    return {"sanction": sanction_json(undone)}


async def do_room_action(
    svc: Services, staff: StaffUser, room_id: Any, payload: Any
) -> dict[str, Any]:
    """close | lock | slow a room (until ``duration_s`` or undone), on every node."""
    room = svc.rooms.get(room_id) if isinstance(room_id, str) else None
    if room is None:
        raise ActionError("not_found", "Ce salon n'existe pas.", status=404)
    req = check_action(payload, ROOM_ACTIONS, svc.settings.min_sanction_s)
    slow_s = _int_or_none(payload.get("slow_s"), "slow_s", 5, 3600) or 30
    now = svc.clock()
    until = now + req.duration_s * 1000 if req.duration_s else None
    sanction = await do_sanction(
        svc,
        SanctionSpec(
            action=f"room_{req.action}",
            category=req.reason,
            decided_by=staff.name,
            duration_ms=req.duration_s * 1000 if req.duration_s else None,
            note=req.note,
            room_id=room.id,
        ),
    )
    mode = RoomMode(
        {"close": "closed", "lock": "locked", "slow": "slow"}[req.action], slow_s, until
    )
    await sanction_store.set_room_state(
        svc.db,
        RoomState(
            room_id=room.id, mode=mode.mode, slow_s=slow_s, until=until, sanction_id=sanction.id
        ),
    )
    await publish_room_state(svc, room.id, mode)
    notice = NoticeEvent(
        ROOM_NOTICE_FR[req.action].format(s=slow_s), level="warning", key=f"room:{room.id}"
    )
    await svc.broker.publish(Envelope(f"room:{room.id}", notice.encode()))
    if req.action == "close":
        for member in sorted(svc.hub.members.get(room.id, set())):
            await remove_from_room(svc, member, room.id)
    return {
        "sanction": sanction_json(sanction),
        "room": {"id": room.id, "mode": mode.mode, "until": until},
    }
