"""The live state of one signed-in person on this node, shared by their connections."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from papote.actions.views import public_user
from papote.realtime.events import PublicUser
from papote.store.models import User

DEFAULT_DM_PREFS: dict[str, Any] = {
    "accept": "all",  # all | none
    "genders": ["homme", "femme", "autre"],
    "only_shared_rooms": False,
    "age_min": 18,
    "age_max": 120,
    "verified_only": False,
}


def full_prefs(stored: dict[str, Any] | None) -> dict[str, Any]:
    prefs = dict(DEFAULT_DM_PREFS)
    prefs.update(stored or {})
    return prefs


@dataclass
class SessionUser:
    id: str
    public: PublicUser
    age: int
    gender: str
    region: str
    created_at: int
    verified_adult: bool = False
    possibly_minor: bool = False
    status: str = "active"
    dm_prefs: dict[str, Any] = field(default_factory=lambda: dict(DEFAULT_DM_PREFS))
    muted_until: int = 0

    @classmethod
    def from_row(cls, user: User) -> SessionUser:
        return cls(
            id=user.id,
            public=public_user(user),
            age=user.age,
            gender=user.gender,
            region=user.region,
            created_at=user.created_at,
            verified_adult=user.verified_adult,
            possibly_minor=user.possibly_minor,
            status=user.status,
            dm_prefs=full_prefs(user.dm_prefs),
        )
