"""Staff accounts: creation (``papote staff``), login, and the bearer check of staff routes.

Staff are not chat users: their accounts, sessions and tokens live in their own tables,
and a chat token never opens a staff route. Passwords are hashed with argon2 (argon2-cffi);
admins must also give a TOTP code (pyotp). Logins are rate-limited per name and per
address and every attempt is written to the hash-chained audit log.
See docs/moderators.md.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from typing import Any

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from papote.actions.errors import ActionError
from papote.actions.services import Services
from papote.store import audit as audit_store
from papote.store import staff as staff_store
from papote.store.db import Database
from papote.store.models import AuditLog, StaffAccount, StaffSession

ROLES = ("moderator", "admin")
# Queues that only people trained for them may see (granted per account).
RESTRICTED_QUEUES = ("child_safety",)
NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{1,39}$")
MIN_PASSWORD = 12
_hasher = PasswordHasher()
# Verified against when the name is unknown, so both paths cost the same time.
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))


@dataclass(frozen=True, slots=True)
class StaffUser:
    name: str
    role: str
    queues: tuple[str, ...]

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def may_see(self, category: str) -> bool:
        return category not in RESTRICTED_QUEUES or category in self.queues

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "role": self.role, "queues": list(self.queues)}


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def check_new_account(name: str, role: str, password: str) -> None:
    if not NAME.match(name):
        raise ActionError(
            "bad_request", "Nom\u00a0: 2 à 40 caractères, minuscules, chiffres, _ . -"
        )
    if role not in ROLES:
        raise ActionError("bad_request", "Rôle\u00a0: moderator ou admin.")
    if len(password) < MIN_PASSWORD:
        raise ActionError("bad_request", f"Mot de passe\u00a0: {MIN_PASSWORD} caractères au moins.")


async def do_add_account(
    db: Database, name: str, role: str, password: str, *, queues: tuple[str, ...], now: int
) -> str | None:
    """Create the account; for an admin, returns the ``otpauth://`` URI of its TOTP secret."""
    check_new_account(name, role, password)
    unknown = set(queues) - set(RESTRICTED_QUEUES)
    if unknown:
        raise ActionError("bad_request", f"File inconnue : {', '.join(sorted(unknown))}")
    secret = pyotp.random_base32() if role == "admin" else None
    account = StaffAccount(
        name=name,
        role=role,
        password_hash=_hasher.hash(password),
        totp_secret=secret,
        queues=list(queues),
        disabled=False,
        created_at=now,
    )
    entry = AuditLog(
        actor="cli",
        action="staff.add",
        target=f"staff:{name}",
        detail={"role": role, "queues": list(queues)},
        ts=now,
    )
    if not await staff_store.add(db, account, entry):
        raise ActionError("bad_request", "Ce nom existe déjà.")
    if secret is None:
        return None
    return pyotp.TOTP(secret).provisioning_uri(name=name, issuer_name="Papote")


async def do_set_disabled(db: Database, name: str, disabled: bool, *, now: int) -> None:
    account = await staff_store.get(db, name)
    if account is None:
        raise ActionError("not_found", status=404)
    account.disabled = disabled
    action = "staff.disable" if disabled else "staff.enable"
    await staff_store.update(
        db, account, AuditLog(actor="cli", action=action, target=f"staff:{name}", detail={}, ts=now)
    )


def _password_ok(account: StaffAccount | None, password: str) -> bool:
    try:
        return _hasher.verify(account.password_hash if account else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return False


def _totp_ok(account: StaffAccount, code: Any) -> bool:
    if account.totp_secret is None:
        return True
    if not isinstance(code, str) or not code.isascii() or not code.isdigit():
        return False
    return pyotp.TOTP(account.totp_secret).verify(code, valid_window=1)


async def do_login(svc: Services, payload: Any, *, ip_hash: str) -> tuple[str, StaffUser]:
    """A staff bearer token for good credentials; ``bad_credentials`` (401) otherwise."""
    if not isinstance(payload, dict):
        raise ActionError("bad_request")
    name, password = payload.get("name"), payload.get("password")
    if not isinstance(name, str) or not isinstance(password, str) or len(name) > 40:
        raise ActionError("bad_credentials", status=401)
    name_ok = await svc.limits.hit("staff_login", f"name:{name.lower()}")
    ip_ok = await svc.limits.hit("staff_login", f"ip:{ip_hash}")
    now = svc.clock()
    failed = AuditLog(
        actor=name[:60],
        action="staff.login_failed",
        target=f"staff:{name[:40]}",
        detail={"ip_hash": ip_hash},
        ts=now,
    )
    if not (name_ok and ip_ok):
        failed.detail = {"ip_hash": ip_hash, "why": "rate_limited"}
        await audit_store.append(svc.db, failed)
        raise ActionError("rate_limited", status=429)
    account = await staff_store.get(svc.db, name)
    if (
        not _password_ok(account, password)
        or account is None
        or account.disabled
        or not _totp_ok(account, payload.get("totp"))
    ):
        await audit_store.append(svc.db, failed)
        raise ActionError("bad_credentials", status=401)
    token = secrets.token_urlsafe(32)
    hours = svc.settings.staff_session_hours
    session = StaffSession(
        token_hash=_token_hash(token),
        name=account.name,
        created_at=now,
        expires_at=now + int(hours * 3_600_000),
    )
    await staff_store.open_session(
        svc.db,
        session,
        AuditLog(
            actor=account.name,
            action="staff.login",
            target=f"staff:{account.name}",
            detail={"ip_hash": ip_hash},
            ts=now,
        ),
    )
    return token, StaffUser(account.name, account.role, tuple(account.queues))


async def check_staff(svc: Services, token: str | None, *, admin: bool = False) -> StaffUser:
    """The staff person behind a bearer token: 401 if none, 403 if not allowed."""
    found = await staff_store.session_by_hash(svc.db, _token_hash(token)) if token else None
    if found is None or found[0].expires_at < svc.clock() or found[1].disabled:
        raise ActionError("unauthorized", "Session de modération inconnue ou expirée.", status=401)
    account = found[1]
    user = StaffUser(account.name, account.role, tuple(account.queues))
    if admin and not user.is_admin:
        raise ActionError("forbidden", "Action réservée aux administrateurs.", status=403)
    return user


async def do_logout(svc: Services, token: str | None) -> None:
    """End a staff token; the logout is audited like the login (an unknown token ends
    nothing and writes nothing)."""
    found = await staff_store.session_by_hash(svc.db, _token_hash(token)) if token else None
    if token is None or found is None:
        return
    name = found[0].name
    entry = AuditLog(
        actor=name, action="staff.logout", target=f"staff:{name}", detail={}, ts=svc.clock()
    )
    await staff_store.close_session(svc.db, _token_hash(token), entry)
