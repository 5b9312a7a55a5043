"""Cases: every report joins the open case on its subject; staff read, claim and annotate.

A case is the unit of the moderators' work (Bluesky Ozone's subject + event log): a
message, a user or an image, every report about it, and an append-only log of what
happened (reported, claimed, note, action, appeal, decision). The queue puts the worst
first (child safety and threats to life), then the oldest, with the time left before
the target. Child-safety cases are shown only to staff granted that queue.
See docs/moderators.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from papote.actions.entry import pseudo_key
from papote.actions.errors import ActionError
from papote.actions.services import Services
from papote.actions.staff import StaffUser
from papote.actions.views import message_view
from papote.moderation.severity import ReporterRecord, queue_severity, target_ms
from papote.store import cases as case_store
from papote.store import legal, messages, users
from papote.store import sanctions as sanction_store
from papote.store.cases import Subject, new_id
from papote.store.models import AuditLog, Case, CaseEvent, Message, Report, User

# Categories whose cases only staff granted the "child_safety" queue may see.
CHILD_SAFETY_CATEGORIES = frozenset({"child_safety", "grooming"})
MAX_NOTE = 2000


def queue_of(category: str) -> str:
    return "child_safety" if category in CHILD_SAFETY_CATEGORIES else "common"


def may_see(staff: StaffUser, case: Case) -> bool:
    return staff.may_see(queue_of(case.category))


def hidden_categories(staff: StaffUser) -> list[str]:
    return [] if staff.may_see("child_safety") else sorted(CHILD_SAFETY_CATEGORIES)


async def reporter_weight(svc: Services, reporter_id: str | None) -> float:
    if reporter_id is None:
        return 1.0
    upheld, dismissed = await case_store.reporter_record(svc.db, reporter_id)
    return ReporterRecord(upheld, dismissed).weight


@dataclass(frozen=True, slots=True)
class Filing:
    """A report on its way into a case."""

    report: Report
    subject: Subject
    escalated: bool = False
    automated: bool | None = None  # default: filed by the system (no reporter)
    entry: AuditLog | None = None  # the audit entry, when not the default ``case.report``


async def do_file(svc: Services, filing: Filing) -> Case:
    """Store the report in the open case on its subject (a new case if none)."""
    report = filing.report
    report.weight = await reporter_weight(svc, report.reporter_id)
    now = svc.clock()
    automated = report.reporter_id is None if filing.automated is None else filing.automated

    def new_case() -> Case:
        return Case(
            id=new_id("c"),
            subject_kind=filing.subject.kind,
            subject_id=filing.subject.id,
            subject_user_id=filing.subject.user_id,
            category=report.reason,
            severity=99,
            score=0.0,
            reports=0,
            automated=automated,
            state="open",
            opened_at=now,
            target_at=now,
            version=0,
        )

    def rank(case: Case) -> None:
        # The worst reason given so far names the case; severity follows it.
        current = queue_severity(
            case.category, case.score, automated=bool(case.automated), escalated=False
        )
        proposed = queue_severity(
            report.reason, case.score, automated=bool(case.automated), escalated=filing.escalated
        )
        if proposed < current:
            case.category = report.reason
        case.severity = min(current, proposed)
        case.target_at = case.opened_at + target_ms(case.severity % 10)

    entry = filing.entry
    if entry is None and automated:
        entry = AuditLog(
            actor="system",
            action="case.report",
            detail={"reason": report.reason, "comment": report.comment[:200]},
            ts=now,
        )
    return await case_store.add_report(
        svc.db,
        report,
        filing.subject,
        new_case=new_case,
        rank=rank,
        automated=automated,
        entry=entry,
    )


async def open_case_of(svc: Services, message_id: str | None) -> Case | None:
    """The open case on a message (the pipeline has just filed it), if any."""
    if message_id is None:
        return None
    return await case_store.open_on(svc.db, Subject("message", message_id, None))


# -- reading -------------------------------------------------------------------------


def case_json(case: Case, now: int, subject_user: User | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": case.id,
        "state": case.state,
        "category": case.category,
        "priority": case.severity,
        "opened_at": case.opened_at,
        "subject": {"kind": case.subject_kind, "id": case.subject_id},
        "reports": case.reports,
        "automated": case.automated,
        "score": round(case.score, 3),
        "due_at": case.target_at,
        "time_left_ms": case.target_at - now,
        "claimed_by": case.claimed_by,
        "closed_at": case.closed_at,
        "version": case.version,
        "user": None,
    }
    if subject_user is not None:
        data["user"] = {"id": subject_user.id, "pseudo": subject_user.pseudo}
    return data


async def _with_users(svc: Services, found: list[Case]) -> list[dict[str, Any]]:
    ids = {c.subject_user_id for c in found if c.subject_user_id}
    by_id = {u.id: u for u in await users.by_ids(svc.db, ids)}
    now = svc.clock()
    return [
        case_json(c, now, by_id.get(c.subject_user_id) if c.subject_user_id else None)
        for c in found
    ]


PAGE_DEFAULT = 100
PAGE_MAX = 500


def _page_size(value: str | None) -> int:
    if value is None:
        return PAGE_DEFAULT
    if not value.isdigit() or not 1 <= int(value) <= PAGE_MAX:
        raise ActionError("bad_request", f"« limit »\u00a0: un entier de 1 à {PAGE_MAX}.")
    return int(value)


async def list_cases(
    svc: Services,
    staff: StaffUser,
    *,
    state: str | None,
    pseudo: str | None = None,
    after: str | None = None,
    limit: str | None = None,
) -> dict[str, Any]:
    """A page of the queue, the worst first; ``next`` is the cursor of the page after
    (null on the last page). The console pages through the whole queue with it."""
    state = state or "open"
    if state not in ("open", "closed"):
        raise ActionError("bad_request", "« state »\u00a0: open ou closed.")
    size = _page_size(limit)
    cursor = case_store.QueueCursor.decode(after) if after else None
    if after and cursor is None:
        raise ActionError("bad_request", "« after »\u00a0: le curseur « next » d'une page.")
    hidden = hidden_categories(staff)
    next_cursor = None
    if pseudo:
        owners = await case_store.users_by_pseudo_key(svc.db, pseudo_key(pseudo.strip()))
        found = await case_store.search_by_pseudo(svc.db, owners)
        found = [c for c in found if may_see(staff, c)]
    else:
        found = await case_store.queue(
            svc.db, state=state, hidden=hidden, limit=size + 1, after=cursor
        )
        if len(found) > size:
            found = found[:size]
            next_cursor = case_store.QueueCursor.after_case(found[-1]).encode()
    return {
        "cases": await _with_users(svc, found),
        "open": await case_store.count_open(svc.db, hidden),
        "next": next_cursor,
    }


def _visible(staff: StaffUser, case: Case | None) -> Case:
    if case is None or not may_see(staff, case):
        raise ActionError("not_found", "Ce dossier n'existe pas.", status=404)
    return case


async def check_case(svc: Services, staff: StaffUser, case_id: Any) -> Case:
    """The case, if it exists and this person may see it (404 either way otherwise)."""
    return _visible(
        staff, await case_store.get(svc.db, case_id) if isinstance(case_id, str) else None
    )


async def check_case_source(svc: Services, staff: StaffUser, case_id: Any) -> tuple[Case, str]:
    """``check_case``, with where the case came from (``voluntary``, ``notice``,
    ``trusted_flagger``: the EU transparency record's source) in the same round trip."""
    found = await case_store.get_with_notices(svc.db, case_id) if isinstance(case_id, str) else None
    case = _visible(staff, found[0] if found else None)
    notices, trusted = (found[1], found[2]) if found else (0, 0)
    return case, "trusted_flagger" if trusted else "notice" if notices else "voluntary"


def message_json(m: Message) -> dict[str, Any]:
    return message_view(m).to_json() | {"state": m.state, "sender_id": m.sender_id}


async def _evidence(svc: Services, case: Case) -> dict[str, Any]:
    content: dict[str, Any] | None = None
    context: list[dict[str, Any]] = []
    if case.subject_kind == "message":
        message = await messages.get(svc.db, case.subject_id)
        if message is not None:
            content = message_json(message)
            context = [message_json(m) for m in await messages.around(svc.db, message)]
    elif case.subject_user_id:
        recent = await messages.recent_of_sender(svc.db, case.subject_user_id)
        context = [message_json(m) for m in recent]
    reports = await case_store.reports_of(svc.db, case.id)
    verdicts = [r.evidence["verdict"] for r in reports if "verdict" in (r.evidence or {})]
    network: dict[str, Any] = {
        "ip_hashes": sorted(
            {
                str(h)
                for r in reports
                for h in (
                    (r.evidence or {}).get("sender_ip_hash"),
                    (r.evidence or {}).get("reported_ip_hash"),
                )
                if h
            }
        )
    }
    earlier: list[dict[str, Any]] = []
    sanctions: list[dict[str, Any]] = []
    if case.subject_user_id:
        browser = await sanction_store.browser_of(svc.db, case.subject_user_id)
        if browser is not None:
            network["prefix_key"] = browser.prefix_key
            network["device_key"] = browser.device_key
            network["browser_key"] = browser.browser_key
        network["connections"] = len(await legal.connections_of(svc.db, case.subject_user_id))
        now = svc.clock()
        earlier = [
            case_json(c, now)
            for c in await case_store.earlier_of_user(svc.db, case.subject_user_id, exclude=case.id)
        ]
        sanctions = [
            sanction_json(s)
            for s in await case_store.sanctions_of_user(svc.db, case.subject_user_id)
        ]
    return {
        "content": content,
        "context": context,
        "reports": [
            {
                "id": r.id,
                "reason": r.reason,
                "comment": r.comment,
                "from": "system" if r.reporter_id is None else "user",
                "weight": r.weight,
                "created_at": r.created_at,
            }
            for r in reports
        ],
        "verdicts": verdicts,
        "earlier_cases": earlier,
        "sanctions": sanctions,
        "network": network,
    }


def sanction_json(s: Any) -> dict[str, Any]:
    return {
        "id": s.id,
        "case_id": s.case_id,
        "action": s.action,
        "category": s.category,
        "until": s.until,
        "automated": s.automated,
        "decided_by": s.decided_by,
        "created_at": s.created_at,
        "revoked_at": s.revoked_at,
        "statement": s.statement,
        "room_id": s.room_id,
    }


def event_json(e: CaseEvent) -> dict[str, Any]:
    return {"kind": e.kind, "actor": e.actor, "data": e.data, "ts": e.ts}


async def case_detail(svc: Services, staff: StaffUser, case_id: Any) -> dict[str, Any]:
    case = await check_case(svc, staff, case_id)
    subject_user = await users.by_id(svc.db, case.subject_user_id) if case.subject_user_id else None
    data = case_json(case, svc.clock(), subject_user)
    data["events"] = [event_json(e) for e in await case_store.events(svc.db, case.id)]
    data["evidence"] = await _evidence(svc, case)
    data["decisions"] = [sanction_json(s) for s in await sanction_store.of_case(svc.db, case.id)]
    return {"case": data}


# -- claim and notes ----------------------------------------------------------------


def _entry(
    staff: StaffUser, action: str, case_id: str, detail: dict[str, Any], ts: int
) -> AuditLog:
    return AuditLog(actor=staff.name, action=action, target=f"case:{case_id}", detail=detail, ts=ts)


async def do_claim(svc: Services, staff: StaffUser, case_id: Any, payload: Any) -> dict[str, Any]:
    """Claim (or release with ``{"release": true}``) a case so two people do not work it."""
    case = await check_case(svc, staff, case_id)
    release = isinstance(payload, dict) and payload.get("release") is True
    if not release and case.claimed_by not in (None, staff.name):
        raise ActionError("claimed", f"Dossier déjà pris par {case.claimed_by}.", status=409)
    now = svc.clock()
    kind = "unclaimed" if release else "claimed"
    updated = await case_store.append_event(
        svc.db,
        case.id,
        CaseEvent(kind=kind, actor=staff.name, data={}, ts=now),
        _entry(staff, f"case.{kind[:-1] if release else 'claim'}", case.id, {}, now),
        version=case.version,
    )
    if updated is None:
        raise ActionError("conflict", "Le dossier a changé\u00a0: recharge-le.", status=409)
    return {"case": case_json(updated, now)}


async def do_note(svc: Services, staff: StaffUser, case_id: Any, payload: Any) -> dict[str, Any]:
    case = await check_case(svc, staff, case_id)
    text = payload.get("text") if isinstance(payload, dict) else None
    if not isinstance(text, str) or not text.strip() or len(text) > MAX_NOTE:
        raise ActionError("bad_request", f"Note\u00a0: 1 à {MAX_NOTE} caractères.")
    now = svc.clock()
    updated = await case_store.append_event(
        svc.db,
        case.id,
        CaseEvent(kind="note", actor=staff.name, data={"text": text.strip()}, ts=now),
        _entry(staff, "case.note", case.id, {}, now),
    )
    if updated is None:
        raise ActionError("not_found", status=404)
    return {"case": case_json(updated, now)}
