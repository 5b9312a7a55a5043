"""SQLAlchemy models: the only description of the schema (Alembic migrations follow it)."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
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
    ts: Mapped[int] = mapped_column(BigInteger)
    # delivered | held (waiting for a moderator) | removed
    state: Mapped[str] = mapped_column(String(10), default="delivered")

    __table_args__ = (
        Index("ix_messages_room", "room_id", "id"),
        Index("ix_messages_dm", "dm_key", "id"),
        Index("ix_messages_ts", "ts"),
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

    __table_args__ = (Index("ix_reports_queue", "status", "priority", "created_at"),)


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
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    actor: Mapped[str] = mapped_column(String(60))
    action: Mapped[str] = mapped_column(String(40))
    target: Mapped[str] = mapped_column(String(200), default="")
    detail: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    ts: Mapped[int] = mapped_column(BigInteger)


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
