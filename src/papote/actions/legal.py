"""Legal duties: evidence packages and legal holds, connection logs kept one year.

Child sexual abuse, grooming and threats to life (moderation/severity.py,
``LEGAL_CATEGORIES``) produce, when a moderator or the pipeline acts on them, an
evidence package for the authorities (signed JSON, moderation/evidence.py) and put the
content and its conversation under legal hold: the retention purge keeps them.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from papote.actions.services import Services
from papote.moderation import evidence
from papote.moderation.severity import LEGAL_CATEGORIES
from papote.store import cases as case_store
from papote.store import legal, messages
from papote.store import media as media_store
from papote.store import sanctions as sanction_store
from papote.store.cases import new_id
from papote.store.models import AuditLog, Case, EvidencePackage, LegalHold, Message, Sanction

log = logging.getLogger(__name__)
DAY_MS = 86_400_000
CONNECTION_LOG_DAYS = 365
KEY_FILE = "evidence_key.pem"


def signing_key(svc: Services) -> Ed25519PrivateKey:
    """The server's evidence key (``PAPOTE_DATA_DIR/evidence_key.pem``, created 0600)."""
    cached: Ed25519PrivateKey | None = svc.extras.get("evidence_key")
    if cached is not None:
        return cached
    path = svc.settings.data_dir / KEY_FILE
    key, new_pem = evidence.load_or_create(path.read_bytes() if path.exists() else None)
    if new_pem is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_bytes(new_pem)
    svc.extras["evidence_key"] = key
    return key


def _hashed(value: str | None) -> str | None:
    return hashlib.sha256(value.encode()).hexdigest()[:32] if value else None


def _message_record(m: Message) -> dict[str, Any]:
    return {
        "id": m.id,
        "ts": m.ts,
        "room": m.room_id,
        "conversation": _hashed(m.dm_key),
        "sender": _hashed(m.sender_id),
        "recipient": _hashed(m.recipient_id),
        "pseudo": m.sender.get("pseudo"),
        "text": m.text,
        "state": m.state,
        "text_sha256": evidence.file_hash(m.text.encode()),
        "media": m.media_id,
    }


async def _file_records(svc: Services, context: list[Message]) -> list[dict[str, Any]]:
    """The hashes of every image of the package's messages: of the file as uploaded
    (SHA-256, MD5, PDQ, as hash lists and the authorities' tools use them) and of the
    re-encoded copy Papote stores, if any (a blocked image has none)."""
    files: list[dict[str, Any]] = []
    for media_id in dict.fromkeys(m.media_id for m in context if m.media_id):
        media = await media_store.get(svc.db, media_id)
        stored = await media_store.blob(svc.db, media_id, "full") if media else None
        files.append(
            {
                "media": media_id,
                "sha256": media.sha256 if media else None,
                "md5": media.md5 if media else None,
                "pdq": (media.pdq or None) if media else None,
                "stored_sha256": evidence.file_hash(stored) if stored else None,
            }
        )
    return files


async def build_package(svc: Services, case: Case, sanction: Sanction | None) -> dict[str, Any]:
    subject = None
    context: list[Message] = []
    if case.subject_kind == "message":
        subject = await messages.get(svc.db, case.subject_id)
        if subject is not None:
            context = await messages.around(svc.db, subject, each_side=25)
    elif case.subject_user_id:
        context = await messages.recent_of_sender(svc.db, case.subject_user_id, limit=50)
    reports = await case_store.reports_of(svc.db, case.id)
    browser = (
        await sanction_store.browser_of(svc.db, case.subject_user_id)
        if case.subject_user_id
        else None
    )
    connections = (
        await legal.connections_of(svc.db, case.subject_user_id) if case.subject_user_id else []
    )
    return {
        "case": {
            "id": case.id,
            "category": case.category,
            "opened_at": case.opened_at,
            "subject": {"kind": case.subject_kind, "id": case.subject_id},
        },
        "decision": None
        if sanction is None
        else {
            "id": sanction.id,
            "action": sanction.action,
            "at": sanction.created_at,
            "automated": sanction.automated,
        },
        "content": _message_record(subject) if subject else None,
        "context": [_message_record(m) for m in context],
        "reports": [
            {
                "reason": r.reason,
                "at": r.created_at,
                "from": "system" if r.reporter_id is None else "user",
            }
            for r in reports
        ],
        "verdicts": [r.evidence["verdict"] for r in reports if "verdict" in (r.evidence or {})],
        "identifiers": {
            "user": _hashed(case.subject_user_id),
            "ip_hashes": sorted(
                {str((r.evidence or {}).get("sender_ip_hash")) for r in reports} - {"None", ""}
            ),
            "prefix_key": browser.prefix_key if browser else None,
            "connections": [{"ts": c.ts, "prefix_key": c.prefix_key} for c in connections],
        },
        "files": await _file_records(svc, context),
        "created_at": svc.clock(),
    }


async def do_evidence_package(
    svc: Services, case: Case, sanction: Sanction | None, *, by: str
) -> EvidencePackage:
    body = await build_package(svc, case, sanction)
    text, signature = evidence.sign(signing_key(svc), body)
    package = EvidencePackage(
        id=new_id("e"), case_id=case.id, body=text, signature=signature, created_at=svc.clock()
    )
    held = [m["id"] for m in body["context"]]
    for record in body["files"]:  # the images as well: the retention purge keeps them
        await media_store.keep_as_evidence(svc.db, record["media"])
    await legal.hold(
        svc.db,
        [LegalHold(message_id=mid, case_id=case.id, created_at=svc.clock()) for mid in held],
    )
    await legal.add_package(
        svc.db,
        package,
        AuditLog(
            actor=by,
            action="evidence.package",
            target=f"case:{case.id}",
            detail={"package": package.id, "held": len(held)},
            ts=svc.clock(),
        ),
    )
    return package


async def on_legal_case(svc: Services, case: Case, sanction: Sanction) -> None:
    """After an action on child abuse or a threat to life: package and hold."""
    if case.category not in LEGAL_CATEGORIES:
        return
    try:
        await do_evidence_package(svc, case, sanction, by=sanction.decided_by)
    except Exception:  # the sanction stands; the package can be made again from the console
        log.exception("evidence package failed", extra={"case": case.id})


def public_key_pem(svc: Services) -> str:
    return evidence.public_pem(signing_key(svc))


async def do_log_connection(svc: Services, user_id: str, prefix_key: str) -> None:
    await legal.log_connection(svc.db, svc.clock(), prefix_key, user_id)


async def purge(svc: Services, now: int) -> None:
    """Connection logs after a year; browser keys with the history; old signals."""
    await legal.purge_connections(svc.db, now - CONNECTION_LOG_DAYS * DAY_MS)
    retention = svc.settings.history_retention_days * DAY_MS
    await sanction_store.purge_browsers(svc.db, now - retention, now)
