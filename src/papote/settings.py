"""Settings: every ``PAPOTE_*`` environment variable, validated once at start.

The annotated example of every setting is docs/configuration.md.
"""

from __future__ import annotations

import json
import secrets
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PAPOTE_", extra="ignore")

    env: Literal["dev", "test", "prod"] = "dev"
    data_dir: Path = Path("var")
    # Default: SQLite file inside data_dir. PostgreSQL: postgresql+asyncpg://user@host/db
    database_url: str | None = None
    # Redis for multi-node fan-out, presence, rate limits and conversation memory.
    redis_url: str | None = None
    # Secret for signing cookies and hashing IP addresses. Generated into data_dir if unset.
    secret_key: str | None = Field(default=None, repr=False)
    node_name: str | None = None
    # Bearer token of the moderation team's admin API (/api/v1/admin/...). Unset: API closed.
    admin_token: str | None = Field(default=None, repr=False)

    log_format: Literal["json", "console"] | None = None  # default: console in dev, json otherwise
    log_level: str = "INFO"

    history_retention_days: int = Field(default=30, ge=1)
    purge_interval_s: int = Field(default=3600, ge=10)
    resume_grace_s: int = Field(default=120, ge=5)  # a token outlives its last connection
    presence_linger_s: float = Field(default=15.0, ge=0)  # offline is announced after this
    heartbeat_s: float = Field(default=20.0, gt=0)

    max_text: int = 1000
    max_frame_bytes: int = 16 * 1024
    send_queue_max: int = 1024  # frames queued for one slow client before it is dropped
    send_queue_bytes: int = Field(default=1 << 20, ge=64 * 1024)  # the same, in bytes
    send_stall_s: float = Field(default=20.0, gt=0)  # one write blocked this long: dropped
    flood_close_after: int = Field(default=20, ge=1)  # frames over budget in 30 s: closed
    typing_every_s: float = Field(default=2.5, ge=0)  # typing events per sender/conversation
    max_connections_per_user: int = Field(default=4, ge=1)  # per node; the oldest is closed
    max_connections_per_prefix: int = Field(default=256, ge=1)  # per node, IPv4 or IPv6 /64
    max_sessions_per_browser: int = Field(default=3, ge=1)  # a new entry ends the oldest

    # Rate limits (syntax of the `limits` library; several separated by ';').
    rate_say: str = "20/10seconds;100/minute"
    rate_dm: str = "20/10seconds;100/minute"
    rate_join: str = "20/minute"
    rate_report: str = "10/minute"
    rate_entry_ip: str = "12/minute;60/hour"
    rate_frames: str = "40/5seconds"  # any frame; past it the connection is abusive
    rate_dm_image: str = "3/day"  # images in private messages by people not verified adult
    dm_new_per_10min: int = 20  # new private conversations one user may open
    dm_new_per_10min_newcomer: int = 8  # the same during a session's first 10 minutes

    # Anonymous age assurance: trusted issuers of over-18 attestations, as a JSON object
    # {"issuer id": "<public key PEM or JWK>" | [keys...]}, inline or in a file.
    age_issuers: str | None = None
    age_issuers_file: Path | None = None

    @field_validator("data_dir")
    @classmethod
    def _absolute(cls, value: Path) -> Path:
        return value.expanduser().resolve()

    @cached_property
    def db_url(self) -> str:
        if self.database_url:
            url = self.database_url
            if url.startswith("postgresql://") or url.startswith("postgres://"):
                url = "postgresql+asyncpg://" + url.split("://", 1)[1]
            return url
        return f"sqlite+aiosqlite:///{self.data_dir / 'papote.db'}"

    @cached_property
    def secret(self) -> bytes:
        if self.secret_key:
            return self.secret_key.encode()
        path = self.data_dir / "secret.key"
        if not path.exists():
            self.data_dir.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_urlsafe(48))
            path.chmod(0o600)
        return path.read_text().strip().encode()

    def trusted_age_issuers(self) -> dict[str, object]:
        raw = self.age_issuers
        if self.age_issuers_file is not None:
            raw = self.age_issuers_file.read_text(encoding="utf-8")
        return dict(json.loads(raw)) if raw else {}

    @property
    def json_logs(self) -> bool:
        if self.log_format:
            return self.log_format == "json"
        return self.env == "prod"


def load_settings() -> Settings:
    settings = Settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return settings
