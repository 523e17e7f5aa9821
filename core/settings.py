"""Settings: `config.yml` holds every setting and its default; environment variables override.

The environment variable of a setting is its name in upper case (``database_url`` ->
``DATABASE_URL``). Values are validated and converted to the setting's type by pydantic; an
unknown key, a wrong type or a secret written into a file stops the start with a message that
names the file (or variable) and the key.
"""

from __future__ import annotations

import dataclasses
import os
import secrets
from collections.abc import Mapping
from dataclasses import field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ConfigDict, ValidationError
from pydantic.dataclasses import dataclass

# The project root: the source tree when run from it, else the working directory (an installed
# package, e.g. the Docker image, runs from the folder that holds config.yml and var/).
_SOURCE_ROOT = Path(__file__).resolve().parent.parent
ROOT = _SOURCE_ROOT if (_SOURCE_ROOT / "config.yml").exists() else Path.cwd()
CONFIG_FILE = ROOT / "config.yml"

# A secret setting is taken only from the environment (or from code); in a file it must stay empty.
SECRET: dict[str, Any] = {"secret": True}


class SettingsError(ValueError):
    """A setting that cannot be used; the message names where it came from and the key."""


@dataclass(frozen=True, config=ConfigDict(extra="forbid", coerce_numbers_to_str=True))
class Settings:
    database_url: str = "sqlite+aiosqlite:///var/motcua.db"
    redis_url: str = ""
    redis_prefix: str = "motcua:"
    redis_queue_shards: int = 1  # queue shards (hash slots); several spread the queue over a Redis Cluster
    media_dir: str = "var/media"
    var_dir: str = "var"

    host: str = "127.0.0.1"
    port: int = 8080
    http_header_timeout_s: float = 15.0  # a request head (or an idle keep-alive) longer than this: closed
    http_body_timeout_s: float = 120.0  # a request body not complete by then: 408, connection closed
    http_max_bodies_per_client: int = 20  # requests with a body in progress per client address (503 over)
    http_max_requests_per_client: int = 30  # requests in progress per client address on public routes
    public_base_url: str = "http://127.0.0.1:8080"
    secret_key: str = field(default="", metadata=SECRET)
    secret_key_previous: str = field(
        default="", metadata=SECRET
    )  # earlier SECRET_KEYs, comma-separated: sealed tokens still open
    agency_code: str = "DEMO"
    agency_name: str = "UBND phường Mẫu (demo)"
    agencies_file: str = ""  # the agencies and the communes each serves; empty: VAR_DIR/agencies.yml if any
    timezone: str = "Asia/Ho_Chi_Minh"
    trusted_proxies: str = ""  # comma-separated addresses/networks whose X-Forwarded-For is believed

    worker_concurrency: int = 8
    worker_batch: int = 32  # jobs one fetch takes and applies in one transaction (Redis queue)
    # batches of text turns one worker loop has in flight (Redis queue): while they run, new jobs
    # wait in the queue and the next fetch takes them together (turns with photos don't hold one);
    # 0: up to WORKER_CONCURRENCY. 2 lowered the p99 at 300 turns/s (README, issue 17: the slow
    # claims once seen with lanes were a generic plan kept from an empty outbox, since fixed)
    worker_batches_in_flight: int = 2
    lock_ttl_s: float = 30.0
    claim_idle_ms: int = 60000
    dedupe_ttl_s: int = 604800
    sender_poll_s: float = 0.5
    sender_passes: int = 4  # outbox passes a sender keeps in flight at once (claim while sending)
    sender_max_attempts: int = 8
    sender_backoff_base_s: float = 1.0
    sender_claim_s: float = 60.0  # a row being sent by a sender that died is taken again after this
    max_upload_bytes: int = 15_000_000
    # web chat limits (handlers/webchat_sessions.py)
    webchat_session_ttl_s: int = 15_552_000  # a signed web chat session lasts 180 days
    webchat_new_sessions_per_min: int = 30  # per client address (0: no cap)
    webchat_messages_per_min: int = 60  # per session (0: no cap)
    webchat_uploads_per_min: int = 20  # per session (0: no cap)

    ocr_processes: int = 1  # processes that check photos and PDFs (0: a thread of this process)
    ocr_queue_max: int = 4  # photo checks running or waiting at once per worker process
    ocr_timeout_s: float = 90.0  # a check running longer is stopped (unreadable_file)
    ocr_nice: int = 10  # the check processes' CPU priority below the web process's (os.nice)
    retention_days: int = 0  # finished dossiers' personal fields and media deleted after this; 0: kept
    retention_interval_s: float = 3600.0  # how often the worker role runs the retention job

    nlu_backend: str = "embedded"
    rasa_url: str = "http://rasa:5005"
    rasa_timeout_s: float = 2.0

    zalo_app_id: str = ""
    zalo_oa_secret_key: str = field(default="", metadata=SECRET)
    zalo_app_secret: str = field(default="", metadata=SECRET)
    zalo_access_token: str = field(default="", metadata=SECRET)
    zalo_refresh_token: str = field(default="", metadata=SECRET)
    zalo_api_base: str = "https://openapi.zalo.me"
    zalo_oauth_base: str = "https://oauth.zaloapp.com"
    zalo_max_text: int = 2000
    zalo_max_buttons: int = 5
    zalo_button_type: str = "oa.query.hide"
    zalo_button_prefix: str = "#mc:"
    zalo_image_mode: str = "upload"
    zalo_bot_window_h: float = 48.0
    zalo_officer_window_h: float = 168.0
    zalo_token_refresh_margin_s: int = 3600

    messenger_app_secret: str = field(default="", metadata=SECRET)
    messenger_verify_token: str = field(default="", metadata=SECRET)
    messenger_page_token: str = field(default="", metadata=SECRET)
    graph_api_base: str = "https://graph.facebook.com/v21.0"
    messenger_max_text: int = 2000
    messenger_bot_window_h: float = 24.0
    messenger_officer_window_h: float = 168.0

    # Zalo OA / Messenger, shared
    webhook_max_body_bytes: int = 1_000_000
    platform_timeout_s: float = 10.0
    media_download_timeout_s: float = 20.0
    media_link_ttl_s: int = 604800
    # where received media may be fetched from (handlers/safe_fetch.py)
    media_hosts: str = "zdn.vn,zadn.vn,fbcdn.net,fbsbx.com"  # CDN host suffixes, comma-separated
    media_local_hosts: str = ""  # exact hosts fetched over http and on private addresses (tests only)
    # replay guard: a signed event older than this (by the platform's own timestamp) is dropped
    replay_window_s: int = 600
    replay_skew_s: int = 120  # how far in the future a platform timestamp may be (clock skew)

    # analytics (issue 16)
    survey_off_channels: str = ""  # comma-separated channels where no satisfaction survey is asked
    survey_after_cancel: bool = True  # a soft "why did you stop?" after a begun dossier is cancelled
    analytics_secret: str = field(default="", metadata=SECRET)  # keys the export's pseudonyms
    export_dir: str = "var/exports"

    # officer console: the conversation inbox
    inbox_sla_minutes: float = 15.0
    # a citizen's words after an officer wrote in the thread (a question, a supplement notice)
    # go to that officer, not to the menu, for this long after the officer's latest message
    officer_answer_window_h: float = 72.0

    log_level: str = "INFO"
    log_format: str = "text"  # text, or json: one object per line with the correlation id

    # ---- derived paths -------------------------------------------------------------
    def path(self, value: str) -> Path:
        """A configured path, relative to the project root unless absolute."""
        p = Path(value)
        return p if p.is_absolute() else ROOT / p

    @property
    def media_path(self) -> Path:
        return self.path(self.media_dir)

    @property
    def var_path(self) -> Path:
        return self.path(self.var_dir)

    @property
    def agencies_path(self) -> Path:
        """Where the agencies file is (`agencies import` writes it there)."""
        return self.path(self.agencies_file) if self.agencies_file else self.var_path / "agencies.yml"

    @property
    def resolved_database_url(self) -> str:
        """SQLite URLs with a relative file are made relative to the project root."""
        url = self.database_url
        prefix = "sqlite+aiosqlite:///"
        if url.startswith(prefix) and not url.startswith(prefix + "/") and ":memory:" not in url:
            return prefix + str(self.path(url[len(prefix) :]))
        return url

    def with_overrides(self, **values: Any) -> Settings:
        return dataclasses.replace(self, **values)


SECRETS = frozenset(f.name for f in dataclasses.fields(Settings) if f.metadata.get("secret"))


def load_settings(
    config_file: Path | None = None, environ: Mapping[str, str] | None = None, **overrides: Any
) -> Settings:
    """Read config.yml, then apply environment overrides, then explicit keyword overrides."""
    environ = os.environ if environ is None else environ
    config_file = config_file or Path(environ.get("MOTCUA_CONFIG", CONFIG_FILE))
    data: Any = {}
    if config_file.exists():
        data = yaml.safe_load(config_file.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise SettingsError(f"{config_file}: expected a mapping of settings")
    names = [f.name for f in dataclasses.fields(Settings)]
    unknown = sorted(set(data) - set(names))
    if unknown:
        raise SettingsError(f"{config_file}: unknown setting {', '.join(map(repr, unknown))}")
    leaked = sorted(name for name in SECRETS if data.get(name))
    if leaked:
        raise SettingsError(
            f"{config_file}: {', '.join(leaked)} must come from the environment "
            f"({', '.join(n.upper() for n in leaked)}), never from a file"
        )
    values: dict[str, Any] = {key: "" if value is None else value for key, value in data.items()}
    sources = dict.fromkeys(values, str(config_file))
    for name in names:
        env = environ.get(name.upper())
        if env is not None:
            values[name] = env
            sources[name] = f"environment variable {name.upper()}"
    values.update(overrides)
    try:
        return Settings(**values)
    except ValidationError as exc:
        error = exc.errors()[0]
        key = str(error["loc"][0]) if error["loc"] else "?"
        raise SettingsError(f"{sources.get(key, 'argument')}: {key}: {error['msg']}") from None


def ensure_secret_key(settings: Settings) -> Settings:
    """Return settings with a secret key: the configured one, or one kept in var/secret_key."""
    if settings.secret_key:
        return settings
    path = settings.var_path / "secret_key"
    if path.exists():
        key = path.read_text().strip()
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(48)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(key + "\n")
    return settings.with_overrides(secret_key=key)
