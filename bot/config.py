"""Settings from the environment and `.env`, prefix PEMANGKU_."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_database_url() -> str:
    return f"sqlite+aiosqlite:///{Path.cwd() / 'pemangku.sqlite3'}"


class Settings(BaseSettings):
    """Every knob an operator can turn; secrets are SecretStr and never logged."""

    model_config = SettingsConfigDict(env_prefix="PEMANGKU_", env_file=".env", extra="ignore")

    database_url: str = Field(default_factory=_default_database_url)
    # PostgreSQL connections per process: steady and extra at peaks. Keep processes x (both) under
    # the server's max_connections (100 by default), with room for the dashboard and operators.
    database_pool_size: int = Field(default=10, ge=1)
    database_max_overflow: int = Field(default=20, ge=0)
    timezone: str = "Asia/Jakarta"
    village_word: str = "pekon"

    telegram_token: SecretStr | None = None
    telegram_base_url: str = "https://api.telegram.org/bot"
    telegram_base_file_url: str = "https://api.telegram.org/file/bot"
    telegram_mode: Literal["polling", "webhook"] = "polling"
    telegram_bot_username: str | None = None  # for invite deep links t.me/<name>?start=<code>
    telegram_webhook_secret: SecretStr | None = None
    # Polling mode: whether this process may poll (one process polls at a time; another takes over).
    telegram_poller: bool = True
    telegram_rate_per_second: float = 30.0
    # Per chat, bulk sends only (answers to a person's own message are not held back): a burst of
    # this many messages at once, then this sustained rate (Telegram's "about 1 per second").
    telegram_chat_burst: int = Field(default=5, ge=1)
    telegram_chat_rate_per_second: float = Field(default=1.0, ge=0)  # 0: no per-chat limit
    public_url: str | None = None
    # Signs the dashboard's session cookies; set it when several processes serve one address
    # (unset: a random key per process, so sessions end on restart).
    web_secret: SecretStr | None = None

    whatsapp_token: SecretStr | None = None
    whatsapp_phone_number_id: str | None = None
    whatsapp_app_secret: SecretStr | None = None
    whatsapp_verify_token: SecretStr | None = None
    whatsapp_base_url: str = "https://graph.facebook.com"
    whatsapp_api_version: str = "v21.0"
    whatsapp_rate_per_second: float = 80.0
    whatsapp_template_language: str = "id"
    whatsapp_reminder_template: str = "pengingat_laporan"
    whatsapp_notice_template: str = "pemberitahuan_rekap"
    whatsapp_late_template: str = "balasan_tertunda"

    http_host: str = "0.0.0.0"
    http_port: int = 8080

    deadline_day: int = Field(default=5, ge=1, le=28)
    reminder_offsets_days: list[int] = Field(default_factory=lambda: [-3, -1, 0, 1, 3])
    escalate_staff_after_days: int = 1
    escalate_camat_after_days: int = 3
    close_after_deadline_days: int = 7
    quiet_hours_start: int = Field(default=21, ge=0, le=23)
    quiet_hours_end: int = Field(default=7, ge=0, le=23)
    draft_ttl_hours: int = 48
    # One typed text again within this many seconds (by the platform's clock) is a copy: a second
    # press of send on a weak signal, answered once (bot/sent_twice.py). 0: every copy is taken.
    sent_twice_seconds: float = Field(default=3.0, ge=0)
    invite_ttl_days: int = 14
    outbox_max_attempts: int = 8
    outbox_lease_seconds: float = Field(default=60.0, gt=0)  # after a crash, claimed rows wait this long
    # A webhook body whose processing failed this many times (with a growing wait between tries)
    # is dead: no more automatic tries; `pemangku inbound --retry` puts it back.
    inbound_max_attempts: int = Field(default=8, ge=1)
    # Done messages are blanked, processed webhook bodies deleted, after this many days. Over a week: Meta
    # redelivers for 7 days, and held WhatsApp messages and their follow-ups read payloads that long.
    retention_days: int = Field(default=30, ge=8)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()


def public_base(settings: Settings) -> str:
    """PEMANGKU_PUBLIC_URL, or this machine's own server for a local try-out."""
    if settings.public_url:
        return settings.public_url
    host = "127.0.0.1" if settings.http_host in ("0.0.0.0", "::", "") else settings.http_host
    return f"http://{host}:{settings.http_port}"
