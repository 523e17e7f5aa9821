"""Configuration: config.yml holds every setting with its default; the environment overrides."""

from __future__ import annotations

import dataclasses

import yaml

from core.settings import CONFIG_FILE, ROOT, Settings, ensure_secret_key, load_settings


def test_config_yml_holds_every_setting_with_the_code_default():
    data = yaml.safe_load(CONFIG_FILE.read_text(encoding="utf-8"))
    fields = {f.name for f in dataclasses.fields(Settings) if f.name != "extra"}
    assert set(data) == fields
    defaults = Settings()
    for name in fields:
        assert data[name] == getattr(defaults, name) or str(data[name] or "") == str(getattr(defaults, name)), name


def test_environment_overrides_with_types():
    s = load_settings(environ={"DATABASE_URL": "postgresql+asyncpg://x@h/db", "PORT": "9090",
                               "LOCK_TTL_S": "2.5", "REDIS_URL": "redis://r:6379/1"})
    assert s.database_url == "postgresql+asyncpg://x@h/db"
    assert s.port == 9090 and s.lock_ttl_s == 2.5 and s.redis_url == "redis://r:6379/1"
    assert load_settings(environ={}).port == 8080


def test_relative_sqlite_paths_are_under_the_project_root():
    s = load_settings(environ={})
    assert s.resolved_database_url == f"sqlite+aiosqlite:///{ROOT}/var/motcua.db"
    assert s.media_path == ROOT / "var" / "media"


def test_secret_key_is_generated_once_and_kept(tmp_path):
    s = load_settings(environ={}, var_dir=str(tmp_path))
    first = ensure_secret_key(s).secret_key
    assert len(first) >= 40
    assert ensure_secret_key(s).secret_key == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    assert ensure_secret_key(s.with_overrides(secret_key="given")).secret_key == "given"


def test_docker_compose_describes_the_production_shape():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    assert {"web", "worker", "redis", "postgres", "rasa", "migrate"} <= set(compose["services"])
    assert compose["services"]["rasa"]["profiles"] == ["rasa"]
    assert compose["services"]["rasa"]["image"].startswith("rasa/rasa:3.6")
