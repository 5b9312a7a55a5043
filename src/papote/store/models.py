"""SQLAlchemy models: the only description of the schema (Alembic migrations follow it)."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class User(Base):
    """One anonymous session: a person between entry and exit (no account)."""

    __tablename__ = "users"

    id: Mapped[str] = mapped_column(String(24), primary_key=True)
    pseudo: Mapped[str] = mapped_column(String(20))
    # Case- and accent-folded pseudo; unique among sessions that have not ended.
    pseudo_key: Mapped[str] = mapped_column(String(40))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    age: Mapped[int] = mapped_column(Integer)
    gender: Mapped[str] = mapped_column(String(8))
    postal_code: Mapped[str] = mapped_column(String(5))
    city: Mapped[str] = mapped_column(String(80))
    department: Mapped[str] = mapped_column(String(3))
    region: Mapped[str] = mapped_column(String(60))
    ip_hash: Mapped[str] = mapped_column(String(64), default="")
    # keyed hash of the browser's entry cookie while the session lives (sessions per browser)
    browser_hash: Mapped[str] = mapped_column(String(64), default="", server_default="")
    verified_adult: Mapped[bool] = mapped_column(Boolean, default=False)
    possibly_minor: Mapped[bool] = mapped_column(Boolean, default=False)
    # active | suspended | banned
    status: Mapped[str] = mapped_column(String(12), default="active")
    dm_prefs: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    created_at: Mapped[int] = mapped_column(BigInteger)
    last_seen: Mapped[int] = mapped_column(BigInteger)
    ended_at: Mapped[int | None] = mapped_column(BigInteger, nullable=True)

    __table_args__ = (
        Index(
            "ux_users_live_pseudo",
            "pseudo_key",
            unique=True,
            sqlite_where=text("ended_at IS NULL"),
            postgresql_where=text("ended_at IS NULL"),
        ),
        Index("ix_users_last_seen", "last_seen"),
        Index("ix_users_browser_hash", "browser_hash"),
    )


class Room(Base):
    __tablename__ = "rooms"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(60))
    topic: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(8))  # theme | region
    region: Mapped[str | None] = mapped_column(String(60), nullable=True)
    adult: Mapped[bool] = mapped_column(Boolean, default=False)
    # dating, rooms for older adults, adult rooms: a possible minor may not join
    closed_to_minors: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    position: Mapped[int] = mapped_column(Integer, default=0)


class RoomMember(Base):
    __tablename__ = "room_members"

    room_id: Mapped[str] = mapped_column(ForeignKey("rooms.id"), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), primary_key=True)
    joined_at: Mapped[int] = mapped_column(BigInteger)


class Message(Base):
    """A room message (room_id set) or a private message (dm_key set)."""

    __tablename__ = "messages"

    id: Mapped[str] = mapped_column(String(16), primary_key=True)  # sortable, see ids.py
    room_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    dm_key: Mapped[str | None] = mapped_column(String(50), nullable=True)  # "a:b", sorted
    sender_id: Mapped[str] = mapped_column(String(24))
    recipient_id: Mapped[str | None] = mapped_column(String(24), nullable=True)
    # Public view of the sender at send time, so history survives the session's end.
    sender: Mapped[dict[str, object]] = mapped_column(JSON)
    text: Mapped[str] = mapped_column(Text)
    media_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    # What a viewer needs to show the image: {"width", "height", "explicit"} (media01).
    media_info: Mapped[dict[str, object] | None] = mapped_column(JSON, nullable=True)
    # An explicit private message sent anyway after the warning, to someone who had not
    # answered: shown behind a "contenu explicite" veil until they lift it (media01).
    veiled: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    ts: Mapped[int] = mapped_column(BigInteger)
    # delivered | held (waiting for a moderator) | removed
    state: Mapped[str] = mapped_column(String(10), default="delivered")

    __table_args__ = (
        Index("ix_messages_room", "room_id", "id"),
        Index("ix_messages_dm", "dm_key", "id"),
        Index("ix_messages_ts", "ts"),
        Index("ix_messages_media", "media_id"),
    )


class Block(Base):
    __tablename__ = "blocks"

    blocker_id: Mapped[str] = mapped_column(String(24), primary_key=True)
    blocked_id: Mapped[str] = mapped_column(String(24), primary_key=True)
    created_at: Mapped[int] = mapped_column(BigInteger)


class DmContact(Base):
    """First message between two people: used for "new conversation" limits and nudges."""

    __tablename__ = "dm_contacts"

    dm_key: Mapped[str] = mapped_column(String(50), primary_key=True)
    opened_by: Mapped[str] = mapped_column(String(24))
    opened_at: Mapped[int] = mapped_column(BigInteger)


class Report(Base):
    __tablename__ = "reports"

    id: Mapped[str] = mapped_column(String(24), primary_key=True)
    reporter_id: Mapped[str | None] = mapped_column(String(24), nullable=True)  # None: system
    target_user_id: Mapped[str | None] = mapped_column(String(24), nullable=True)
    message_id: Mapped[str | None] = mapped_column(String(16), nullable=True)
    reason: Mapped[str] = mapped_column(String(20))
    comment: Mapped[str] = mapped_column(Text, default="")
    # 0 = top of the queue (escalations, child safety); larger = later.
    priority: Mapped[int] = mapped_column(Integer, default=50)
    status: Mapped[str] = mapped_column(String(12), default="open")
    # Evidence kept with the report: messages around it, verdict, hashed identifiers.
    evidence: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    created_at: Mapped[int] = mapped_column(BigInteger)
    case_id: Mapped[str | None] = mapped_column(String(24), nullable=True)
    weight: Mapped[float] = mapped_column(Float, default=1.0)  # the reporter's record

    __table_args__ = (
        Index("ix_reports_queue", "status", "priority", "created_at"),
        Index("ix_reports_reporter", "reporter_id"),
        Index("ix_reports_case", "case_id"),
    )


class AgeGateLock(Base):
    """A browser or device that declared an age under 18 (keys are salted hashes)."""

    __tablename__ = "age_gate_locks"

    key: Mapped[str] = mapped_column(String(96), primary_key=True)
    until: Mapped[int] = mapped_column(BigInteger)


class CustomTerm(Base):
    """Moderation terms added at run time by moderators (rule packs stay in files)."""

    __tablename__ = "custom_terms"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    term: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(10))
    created_by: Mapped[str] = mapped_column(String(60))
    created_at: Mapped[int] = mapped_column(BigInteger)


class AuditLog(Base):
    """Append-only, hash-chained: each row's hash covers its content and the previous hash
    (store/audit.py writes it; ``papote audit verify`` checks the chain)."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    actor: Mapped[str] = mapped_column(String(60))
    action: Mapped[str] = mapped_column(String(40))
    target: Mapped[str] = mapped_column(String(200), default="")
    detail: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    ts: Mapped[int] = mapped_column(BigInteger)
    prev_hash: Mapped[str] = mapped_column(String(64), default="")
    hash: Mapped[str] = mapped_column(String(64), default="")


class StaffAccount(Base):
    """A moderator or an admin: a named account, never a chat session."""

    __tablename__ = "staff_accounts"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    role: Mapped[str] = mapped_column(String(12))  # moderator | admin
    password_hash: Mapped[str] = mapped_column(String(200))
    totp_secret: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # Restricted queues this person may see beyond the common ones (e.g. child_safety).
    queues: Mapped[list[str]] = mapped_column(JSON, default=list)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[int] = mapped_column(BigInteger)


class StaffSession(Base):
    """A staff bearer token (stored as its SHA-256) until it expires or is revoked."""

    __tablename__ = "staff_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[int] = mapped_column(BigInteger)
    expires_at: Mapped[int] = mapped_column(BigInteger)


class Ban(Base):
    """An entry ban on a hashed identifier (IP hash or device key), with its reasons."""

    __tablename__ = "bans"

    key: Mapped[str] = mapped_column(String(96), primary_key=True)
    until: Mapped[int | None] = mapped_column(BigInteger, nullable=True)  # None: permanent
    reason: Mapped[str] = mapped_column(String(20))
    statement: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[int] = mapped_column(BigInteger)


class AgeReplay(Base):
    """Single-use keys of age assurance (attestation ids, redeemed nonces) until expiry."""

    __tablename__ = "age_replays"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    until: Mapped[int] = mapped_column(BigInteger)


class Media(Base):
    """An uploaded image: its re-encoded bytes live in ``media_blobs`` (never the original).

    ``state``: ready (may be sent) | blocked (matched a hash list: hashes kept as evidence,
    no image stored). ``evidence``: reported, so the retention purge keeps it.
    """

    __tablename__ = "media"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # unguessable
    owner_id: Mapped[str] = mapped_column(String(24))
    state: Mapped[str] = mapped_column(String(10))
    width: Mapped[int] = mapped_column(Integer, default=0)
    height: Mapped[int] = mapped_column(Integer, default=0)
    explicit: Mapped[bool] = mapped_column(Boolean, default=False)
    nudity_score: Mapped[float] = mapped_column(Float, default=0.0)
    nudity_labels: Mapped[list[str]] = mapped_column(JSON, default=list)
    model: Mapped[str] = mapped_column(String(80), default="")  # classifier name and version
    pdq: Mapped[str] = mapped_column(String(64), default="")
    pdq_quality: Mapped[int] = mapped_column(Integer, default=0)
    md5: Mapped[str] = mapped_column(String(32))
    sha256: Mapped[str] = mapped_column(String(64))
    evidence: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[int] = mapped_column(BigInteger)

    __table_args__ = (Index("ix_media_created", "created_at"),)


class MediaBlob(Base):
    """The bytes of one variant of an image: ``full`` or ``blurred`` (both WebP)."""

    __tablename__ = "media_blobs"

    media_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    variant: Mapped[str] = mapped_column(String(8), primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class HashList(Base):
    """A named list of image hashes (imported, or ``protected``: filled by people)."""

    __tablename__ = "hash_lists"

    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    label: Mapped[str] = mapped_column(String(20))  # default label of its entries
    source: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[int] = mapped_column(BigInteger)


class HashEntry(Base):
    __tablename__ = "hash_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    list_name: Mapped[str] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(String(4))  # pdq | md5
    value: Mapped[str] = mapped_column(String(64))
    label: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[int] = mapped_column(BigInteger)

    __table_args__ = (Index("ux_hash_entries", "list_name", "kind", "value", unique=True),)


# -- moderation at work: cases, sanctions, appeals, notices (docs/moderators.md) -------


class Case(Base):
    """Everything reported about one subject (a message, a user, an image) while open.

    A new report on a subject that has an open case joins it (duplicates merge). The
    queue orders by ``severity`` (0 first), then ``opened_at``; ``score`` is the sum of
    the reports' weights (a reporter whose reports are often dismissed weighs less).
    """

    __tablename__ = "cases"

    id: Mapped[str] = mapped_column(String(24), primary_key=True)
    subject_kind: Mapped[str] = mapped_column(String(8))  # message | user | media
    subject_id: Mapped[str] = mapped_column(String(40))
    subject_user_id: Mapped[str | None] = mapped_column(String(24), nullable=True)
    category: Mapped[str] = mapped_column(String(20))
    severity: Mapped[int] = mapped_column(Integer)
    score: Mapped[float] = mapped_column(Float, default=0.0)
    reports: Mapped[int] = mapped_column(Integer, default=0)
    automated: Mapped[bool] = mapped_column(Boolean, default=False)
    state: Mapped[str] = mapped_column(String(8), default="open")  # open | closed
    opened_at: Mapped[int] = mapped_column(BigInteger)
    target_at: Mapped[int] = mapped_column(BigInteger)  # when it should have been handled
    claimed_by: Mapped[str | None] = mapped_column(String(40), nullable=True)
    claimed_at: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    closed_at: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    decided_by: Mapped[str | None] = mapped_column(String(40), nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (
        Index("ix_cases_queue", "state", "severity", "opened_at", "id"),
        Index("ix_cases_state_category", "state", "category"),
        Index("ix_cases_closed", "state", "closed_at"),
        Index("ix_cases_subject", "subject_kind", "subject_id", "state"),
        Index("ix_cases_user", "subject_user_id"),
    )


class CaseEvent(Base):
    """One line of a case's append-only log: reported, claimed, note, action, appeal..."""

    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(String(24))
    kind: Mapped[str] = mapped_column(String(12))
    actor: Mapped[str] = mapped_column(String(60))  # staff name, "system" or "reporter"
    data: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    ts: Mapped[int] = mapped_column(BigInteger)

    __table_args__ = (Index("ix_case_events_case", "case_id", "id"),)


class Sanction(Base):
    """A decision on a person, a message or a room, with its statement of reasons and the
    fields of the EU transparency database (``sor``; nothing that identifies anyone)."""

    __tablename__ = "sanctions"

    id: Mapped[str] = mapped_column(String(24), primary_key=True)
    case_id: Mapped[str | None] = mapped_column(String(24), nullable=True)
    user_id: Mapped[str | None] = mapped_column(String(24), nullable=True)
    room_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    message_id: Mapped[str | None] = mapped_column(String(16), nullable=True)
    action: Mapped[str] = mapped_column(String(12))
    category: Mapped[str] = mapped_column(String(20))
    until: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    statement: Mapped[str] = mapped_column(Text, default="")
    sor: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    automated: Mapped[bool] = mapped_column(Boolean, default=False)
    decided_by: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[int] = mapped_column(BigInteger)
    revoked_at: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    revoked_by: Mapped[str | None] = mapped_column(String(40), nullable=True)
    # The message's state when the decision was taken (delivered, held, removed): undoing
    # the decision gives back what it took, and only that.
    message_state_before: Mapped[str | None] = mapped_column(String(12), nullable=True)
    # When a temporary sanction ran out and the person was told (actions/sanction_ends.py).
    ended_at: Mapped[int | None] = mapped_column(BigInteger, nullable=True)

    __table_args__ = (
        Index("ix_sanctions_user", "user_id", "created_at"),
        Index("ix_sanctions_created", "created_at"),
        Index("ix_sanctions_until", "until"),
    )


class SessionBrowser(Base):
    """The salted keys of the browser a session entered from: what a ban falls on.

    ``browser_key`` hashes the browser's own cookie (refused at entry when banned);
    ``device_key`` and ``prefix_key`` (coarse device signals, address prefix) are only
    signals that raise a challenge, never a refusal of the people who share them.
    """

    __tablename__ = "session_browsers"

    user_id: Mapped[str] = mapped_column(String(24), primary_key=True)
    browser_key: Mapped[str] = mapped_column(String(64))
    device_key: Mapped[str] = mapped_column(String(64), default="")
    prefix_key: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[int] = mapped_column(BigInteger)

    __table_args__ = (Index("ix_session_browsers_browser", "browser_key"),)


class EntrySignal(Base):
    """ "A ban fell recently on someone behind this key" (prefix or device): a reason to
    challenge an entry, never to refuse it (``actions.sanctions.recent_ban_signal``)."""

    __tablename__ = "entry_signals"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    until: Mapped[int] = mapped_column(BigInteger)


class Appeal(Base):
    __tablename__ = "appeals"

    id: Mapped[str] = mapped_column(String(24), primary_key=True)
    sanction_id: Mapped[str] = mapped_column(String(24))
    case_id: Mapped[str | None] = mapped_column(String(24), nullable=True)
    text: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(12), default="open")  # open|upheld|overturned
    created_at: Mapped[int] = mapped_column(BigInteger)
    decided_by: Mapped[str | None] = mapped_column(String(40), nullable=True)
    decided_at: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    answer: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (Index("ix_appeals_sanction", "sanction_id"),)


class Notice(Base):
    """A notice of illegal content from anyone (DSA Article 16), chat session or not."""

    __tablename__ = "notices"

    id: Mapped[str] = mapped_column(String(24), primary_key=True)
    url_or_id: Mapped[str] = mapped_column(String(500))
    category: Mapped[str] = mapped_column(String(20))
    explanation: Mapped[str] = mapped_column(Text)
    name: Mapped[str | None] = mapped_column(String(100), nullable=True)
    email: Mapped[str | None] = mapped_column(String(200), nullable=True)
    trusted_flagger: Mapped[str | None] = mapped_column(String(60), nullable=True)
    case_id: Mapped[str | None] = mapped_column(String(24), nullable=True)
    created_at: Mapped[int] = mapped_column(BigInteger)
    decision: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    # The decision e-mailed to the author (when an e-mail was given): when it was
    # accepted by the mail server, and how many tries it took or failed.
    emailed_at: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    email_attempts: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (Index("ix_notices_case", "case_id"),)


class MailOut(Base):
    """An e-mail to send (a notice's acknowledgement or decision, actions/notice_mail.py):
    written in the same transaction as what it tells, tried at once, then again with a
    growing delay until the mail server takes it; deleted once sent or given up (the
    address is personal data). ``leased_until`` keeps two nodes from sending it twice."""

    __tablename__ = "mail_outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(12))  # acknowledgement | decision
    notice_id: Mapped[str | None] = mapped_column(String(24), nullable=True)
    to_addr: Mapped[str] = mapped_column(String(200))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[int] = mapped_column(BigInteger)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_try_at: Mapped[int] = mapped_column(BigInteger)
    leased_until: Mapped[int] = mapped_column(BigInteger, default=0)

    __table_args__ = (Index("ix_mail_outbox_due", "next_try_at"),)


class Outbox(Base):
    """Frames for a person who is not connected now (a reporter told the outcome, an
    appeal decided): delivered at their next connection, then deleted."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[str] = mapped_column(String(24))
    frame: Mapped[str] = mapped_column(Text)
    created_at: Mapped[int] = mapped_column(BigInteger)

    __table_args__ = (Index("ix_outbox_user", "user_id"),)


class ConnectionLog(Base):
    """Time, hashed address prefix and session of each connection; kept one year."""

    __tablename__ = "connection_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ts: Mapped[int] = mapped_column(BigInteger)
    prefix_key: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[str] = mapped_column(String(24))

    __table_args__ = (Index("ix_connection_log_ts", "ts"),)


class LegalHold(Base):
    """Content kept for the authorities: exempt from the retention purge."""

    __tablename__ = "legal_holds"

    message_id: Mapped[str] = mapped_column(String(16), primary_key=True)
    case_id: Mapped[str] = mapped_column(String(24))
    created_at: Mapped[int] = mapped_column(BigInteger)


class EvidencePackage(Base):
    """A signed evidence package for the authorities (child abuse, threats to life)."""

    __tablename__ = "evidence_packages"

    id: Mapped[str] = mapped_column(String(24), primary_key=True)
    case_id: Mapped[str] = mapped_column(String(24))
    body: Mapped[str] = mapped_column(Text)  # canonical JSON, as signed
    signature: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[int] = mapped_column(BigInteger)


class RoomState(Base):
    """A room closed, locked or in slow mode by a moderator (until a time or undone)."""

    __tablename__ = "room_states"

    room_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    mode: Mapped[str] = mapped_column(String(8))  # closed | locked | slow
    slow_s: Mapped[int] = mapped_column(Integer, default=0)
    until: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    sanction_id: Mapped[str] = mapped_column(String(24))
