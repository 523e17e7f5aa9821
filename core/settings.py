"""Settings: `config.yml` holds every setting and its default; environment variables override.

The environment variable of a setting is its name in upper case (``database_url`` ->
``DATABASE_URL``). Values from the environment are converted to the type of the default.
"""

from __future__ import annotations

import dataclasses
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import yaml

# The project root: the source tree when run from it, else the working directory (an installed
# package, e.g. the Docker image, runs from the folder that holds config.yml and var/).
_SOURCE_ROOT = Path(__file__).resolve().parent.parent
ROOT = _SOURCE_ROOT if (_SOURCE_ROOT / "config.yml").exists() else Path.cwd()
CONFIG_FILE = ROOT / "config.yml"

# Settings that must never be read from config.yml in a real deployment (they still may be
# empty there). They are listed so the README and `config.yml` can say so.
SECRETS = frozenset(
    {
        "secret_key",
        "secret_key_previous",
        "zalo_oa_secret_key",
        "zalo_app_secret",
        "zalo_access_token",
        "zalo_refresh_token",
        "messenger_app_secret",
        "messenger_verify_token",
        "messenger_page_token",
    }
)


@dataclass(frozen=True)
class Settings:
    database_url: str = "sqlite+aiosqlite:///var/motcua.db"
    redis_url: str = ""
    redis_prefix: str = "motcua:"
    media_dir: str = "var/media"
    var_dir: str = "var"

    host: str = "127.0.0.1"
    port: int = 8080
    public_base_url: str = "http://127.0.0.1:8080"
    secret_key: str = ""
    secret_key_previous: str = ""  # earlier SECRET_KEYs, comma-separated: sealed tokens still open
    agency_code: str = "DEMO"
    agency_name: str = "UBND phường Mẫu (demo)"
    timezone: str = "Asia/Ho_Chi_Minh"
    trusted_proxies: str = ""  # comma-separated addresses/networks whose X-Forwarded-For is believed

    worker_concurrency: int = 8
    lock_ttl_s: float = 30.0
    claim_idle_ms: int = 60000
    dedupe_ttl_s: int = 604800
    sender_poll_s: float = 0.5
    sender_max_attempts: int = 8
    sender_backoff_base_s: float = 1.0
    max_upload_bytes: int = 15_000_000

    nlu_backend: str = "embedded"
    rasa_url: str = "http://rasa:5005"
    rasa_timeout_s: float = 2.0

    zalo_app_id: str = ""
    zalo_oa_secret_key: str = ""
    zalo_app_secret: str = ""
    zalo_access_token: str = ""
    zalo_refresh_token: str = ""
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

    messenger_app_secret: str = ""
    messenger_verify_token: str = ""
    messenger_page_token: str = ""
    graph_api_base: str = "https://graph.facebook.com/v21.0"
    messenger_max_text: int = 2000
    messenger_bot_window_h: float = 24.0
    messenger_officer_window_h: float = 168.0

    # Zalo OA / Messenger, shared (issue 3)
    webhook_max_body_bytes: int = 1_000_000
    platform_timeout_s: float = 10.0
    media_download_timeout_s: float = 20.0
    media_link_ttl_s: int = 604800

    log_level: str = "INFO"

    extra: Mapping[str, Any] = field(default_factory=dict)

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
    def resolved_database_url(self) -> str:
        """SQLite URLs with a relative file are made relative to the project root."""
        url = self.database_url
        prefix = "sqlite+aiosqlite:///"
        if url.startswith(prefix) and not url.startswith(prefix + "/") and ":memory:" not in url:
            return prefix + str(self.path(url[len(prefix):]))
        return url

    def with_overrides(self, **values: Any) -> "Settings":
        return dataclasses.replace(self, **values)


def _convert(name: str, raw: str, default: Any) -> Any:
    if isinstance(default, bool):
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if isinstance(default, int):
        return int(raw)
    if isinstance(default, float):
        return float(raw)
    return raw


def load_settings(
    config_file: Path | None = None, environ: Mapping[str, str] | None = None, **overrides: Any
) -> Settings:
    """Read config.yml, then apply environment overrides, then explicit keyword overrides."""
    environ = os.environ if environ is None else environ
    config_file = config_file or Path(environ.get("MOTCUA_CONFIG", CONFIG_FILE))
    data: dict[str, Any] = {}
    if config_file.exists():
        data = yaml.safe_load(config_file.read_text(encoding="utf-8")) or {}
    known = {f.name: f for f in dataclasses.fields(Settings) if f.name != "extra"}
    defaults = Settings()
    values: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    for key, value in data.items():
        if key in known:
            values[key] = value if value is not None else ""
        else:
            extra[key] = value
    for name in known:
        env = environ.get(name.upper())
        if env is not None:
            values[name] = _convert(name, env, getattr(defaults, name))
    for name, value in list(values.items()):
        default = getattr(defaults, name)
        if isinstance(default, float) and isinstance(value, int):
            values[name] = float(value)
        if isinstance(default, str) and not isinstance(value, str):
            values[name] = str(value)
    values.update(overrides)
    return Settings(**values, extra=extra)


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
