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
    # Legacy single operator token for the admin API (/api/v1/admin/...). Staff accounts
    # (papote staff add) replace it: it grants nothing unless legacy_admin_token is true.
    admin_token: str | None = Field(default=None, repr=False)
    # true: PAPOTE_ADMIN_TOKEN still opens the admin API (attributed to "admin"). Off by
    # default: a shared secret nobody is accountable for is not a staff account.
    legacy_admin_token: bool = False
    # The site's own origin ("https://papote.fr"). Unset: the Host the request was sent to.
    public_url: str | None = None
    # Other origins allowed to open the WebSocket and post to the API (comma-separated).
    allowed_origins: str = ""
    # Prometheus metrics listener, "host:port" (loopback by default); "" turns it off.
    # Never served on the public port.
    metrics_addr: str = "127.0.0.1:9464"
    # Cookies marked Secure and HSTS sent: default on in prod (behind HTTPS), off otherwise.
    secure_cookies: bool | None = None
    hsts_max_age_s: int | None = Field(default=None, ge=0)
    # Networks exempt from entry challenges and per-address entry limits (load tests only),
    # comma-separated CIDRs. Empty by default.
    trusted_networks: str = ""
    # Served directly (no proxy in front): a request head must arrive within this time
    # and fit in this size, or the connection is answered 408 / 431 and closed.
    http_head_timeout_s: float = Field(default=10.0, gt=0)
    http_max_head_bytes: int = Field(default=64 * 1024, ge=4096)
    # The stack that carries /api/v1/ws: "asgi" (Starlette on uvicorn) or "picows" (the
    # same gateway and protections on picows, on the same port: api/stack_switch.py).
    ws_stack: Literal["asgi", "picows"] = "asgi"

    log_format: Literal["json", "console"] | None = None  # default: console in dev, json otherwise
    log_level: str = "INFO"

    history_retention_days: int = Field(default=30, ge=1)
    purge_interval_s: int = Field(default=3600, ge=10)
    # how often each node looks for temporary sanctions that ran out (their end is told)
    sanction_end_check_s: float = Field(default=5.0, gt=0)
    # the shortest mute, kick or ban staff may give (tests shorten it to see the end)
    min_sanction_s: int = Field(default=60, ge=1)
    resume_grace_s: int = Field(default=120, ge=5)  # a token outlives its last connection
    presence_linger_s: float = Field(default=15.0, ge=0)  # offline is announced after this
    presence_batch_s: float = Field(default=1.0, ge=0, le=10)  # presence diffs gathered this long
    heartbeat_s: float = Field(default=20.0, gt=0)

    max_text: int = 1000
    max_frame_bytes: int = 16 * 1024
    send_queue_max: int = 1024  # frames queued for one slow client before it is dropped
    send_queue_bytes: int = Field(default=1 << 20, ge=64 * 1024)  # the same, in bytes
    send_stall_s: float = Field(default=20.0, gt=0)  # one write blocked this long: dropped
    flood_close_after: int = Field(default=20, ge=1)  # frames over budget in 30 s: closed
    typing_every_s: float = Field(default=2.5, ge=0)  # typing events per sender/conversation
    max_connections_per_user: int = Field(default=4, ge=1)  # in the cluster; the oldest is closed
    max_connections_per_prefix: int = Field(default=256, ge=1)  # in the cluster, IPv4 or IPv6 /64
    max_sessions_per_browser: int = Field(default=3, ge=1)  # a new entry ends the oldest

    # Rate limits (syntax of the `limits` library; several separated by ';').
    rate_say: str = "20/10seconds;100/minute"
    rate_dm: str = "20/10seconds;100/minute"
    rate_join: str = "20/minute"
    rate_report: str = "10/minute"
    # Entry from one address: a proof-of-work challenge past the first limits, a hard
    # refusal only far beyond what a household or a carrier's shared address sends.
    rate_entry_ip: str = "120/minute;2000/hour"  # hard refusal (per full address)
    challenge_entry_prefix: str = "6/minute;30/hour"  # per /24 (IPv4) or /64 (IPv6)
    challenge_entry_global: str = "300/minute"  # every entry of the cluster
    # The client tries up to max_counter derivations of challenge_cost iterations each;
    # issuing one costs the server a single derivation: cheap for us, work for a bot.
    challenge_cost: int = Field(default=1000, ge=1)  # PBKDF2 iterations per attempt
    challenge_max_counter: int = Field(default=2000, ge=1)
    challenge_ttl_s: int = Field(default=300, ge=30)
    rate_admin_fail: str = "5/minute;20/hour"  # failed admin tokens per address
    rate_staff_login: str = "5/minute;30/hour"  # per staff name and per address, each
    staff_session_hours: float = Field(default=12.0, gt=0)  # a staff token's lifetime
    # The learned text model beside the rules (docs/moderation.md); false: rules only.
    text_model: bool = True
    rate_frames: str = "40/5seconds"  # any frame; past it the connection is abusive
    rate_dm_image: str = "3/day"  # images in private messages by people not verified adult
    dm_new_per_10min: int = 20  # new private conversations one user may open
    dm_new_per_10min_newcomer: int = 8  # the same during a session's first 10 minutes

    # Images (docs/images.md). Uploads over media_max_bytes are refused before being read.
    media_max_bytes: int = Field(default=5 * 1024 * 1024, ge=1024)
    media_max_pixels: int = Field(default=40_000_000, ge=10_000)  # decompression bombs
    media_max_side: int = Field(default=2048, ge=64)  # long side of the re-encoded image
    # processes that decode, hash and classify; unset: one per core but one, which is
    # left to the server (at least one)
    media_workers: int | None = Field(default=None, ge=1)
    # how those processes give way to chat on a shared CPU: "idle" (SCHED_IDLE, they run
    # only on time chat does not want), "batch" (SCHED_BATCH) or "normal"; and their nice
    media_worker_policy: Literal["idle", "batch", "normal"] = "idle"
    media_worker_nice: int = Field(default=5, ge=0, le=19)
    media_match_distance: int = Field(default=31, ge=0, le=63)  # PDQ bits to a listed hash
    media_nudity_threshold: float = Field(default=0.5, gt=0, le=1)  # NudeNet confidence
    # NudeNet classes that make an image explicit (comma-separated; checked at start)
    media_explicit_classes: str = (
        "FEMALE_GENITALIA_EXPOSED,MALE_GENITALIA_EXPOSED,ANUS_EXPOSED,"
        "FEMALE_BREAST_EXPOSED,BUTTOCKS_EXPOSED"
    )
    media_unsent_ttl_s: int = Field(default=86_400, ge=60)  # uploaded, never sent: deleted
    hashlist_refresh_s: float = Field(default=30.0, gt=0)  # new listed hashes picked up
    rate_media: str = "6/minute;40/hour"  # uploads per person
    rate_media_day: str = "100/day"  # daily upload quota per person
    rate_media_protect: str = "10/hour"  # photos submitted for protection (StopNCII-style)

    # Anonymous age assurance: trusted issuers of over-18 attestations, as a JSON object
    # {"issuer id": "<public key PEM or JWK>" | [keys...]}, inline or in a file.
    # Trusted flaggers (DSA Article 22) whose public notices go first: a JSON object
    # {"name": "key"}; the key comes in the X-Trusted-Flagger-Key header.
    trusted_flaggers: str | None = Field(default=None, repr=False)
    rate_notice: str = "5/minute;50/day"  # public notices per hashed address
    # Outgoing e-mail (a notice's acknowledgement and decision, when an address is given).
    # No host: nothing is sent. security: "starttls" (port 587), "tls" (465) or "none"
    # (a relay on the same machine).
    smtp_host: str | None = None
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_security: Literal["starttls", "tls", "none"] = "starttls"
    smtp_username: str | None = None
    smtp_password: str | None = Field(default=None, repr=False)
    smtp_from: str = "Papote <moderation@papote.invalid>"
    smtp_timeout_s: float = Field(default=20.0, gt=0)
    smtp_retry_s: float = Field(default=300.0, ge=5)  # first wait before a failed mail again

    age_issuers: str | None = None
    age_issuers_file: Path | None = None

    @field_validator("admin_token")
    @classmethod
    def _strong_admin_token(cls, value: str | None) -> str | None:
        """At least 32 random bytes (43 base64url characters): refused at start otherwise."""
        if value is None or value == "":
            return None
        if len(value) < 43 or len(set(value)) < 16:
            raise ValueError(
                "PAPOTE_ADMIN_TOKEN must hold at least 32 random bytes, for example "
                "python -c 'import secrets; print(secrets.token_urlsafe(32))'"
            )
        return value

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

    def trusted_flagger_keys(self) -> dict[str, str]:
        raw = json.loads(self.trusted_flaggers) if self.trusted_flaggers else {}
        return {str(k): str(v) for k, v in dict(raw).items() if v}

    @property
    def cookies_secure(self) -> bool:
        return self.secure_cookies if self.secure_cookies is not None else self.env == "prod"

    @property
    def hsts_header(self) -> str | None:
        age = self.hsts_max_age_s
        if age is None:
            age = 63_072_000 if self.env == "prod" else 0
        return f"max-age={age}; includeSubDomains" if age > 0 else None

    @property
    def json_logs(self) -> bool:
        if self.log_format:
            return self.log_format == "json"
        return self.env == "prod"


def load_settings() -> Settings:
    settings = Settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return settings
