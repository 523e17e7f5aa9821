"""Configuration: config.yml holds every setting with its default; the environment overrides."""

from __future__ import annotations

import dataclasses

import pytest
import yaml

from core.settings import (
    CONFIG_FILE,
    ROOT,
    SECRETS,
    Settings,
    SettingsError,
    ensure_secret_key,
    load_settings,
)


def test_config_yml_holds_every_setting_with_the_code_default():
    data = yaml.safe_load(CONFIG_FILE.read_text(encoding="utf-8"))
    fields = {f.name for f in dataclasses.fields(Settings) if f.name != "extra"}
    assert set(data) == fields
    defaults = Settings()
    for name in fields:
        assert data[name] == getattr(defaults, name) or str(data[name] or "") == str(
            getattr(defaults, name)
        ), name


def test_environment_overrides_with_types():
    s = load_settings(
        environ={
            "DATABASE_URL": "postgresql+asyncpg://x@h/db",
            "PORT": "9090",
            "LOCK_TTL_S": "2.5",
            "REDIS_URL": "redis://r:6379/1",
        }
    )
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


def test_a_misspelt_key_stops_the_start_naming_file_and_key(tmp_path):
    config = tmp_path / "config.yml"
    config.write_text("prot: 9090\n", encoding="utf-8")
    with pytest.raises(SettingsError, match=r"config\.yml: unknown setting 'prot'"):
        load_settings(config_file=config, environ={})


def test_a_secret_in_a_file_is_refused_but_an_empty_one_is_fine(tmp_path):
    config = tmp_path / "config.yml"
    config.write_text('secret_key: ""\nmessenger_page_token:\n', encoding="utf-8")
    assert load_settings(config_file=config, environ={"SECRET_KEY": "from-env"}).secret_key == "from-env"
    config.write_text("secret_key: a-key-written-in-a-file\n", encoding="utf-8")
    with pytest.raises(SettingsError, match=r"secret_key must come from the environment \(SECRET_KEY\)"):
        load_settings(config_file=config, environ={})
    assert "secret_key" in SECRETS and "zalo_app_secret" in SECRETS and "port" not in SECRETS


def test_a_wrong_type_names_its_source(tmp_path):
    with pytest.raises(SettingsError, match="environment variable PORT: port"):
        load_settings(environ={"PORT": "eighty"})
    config = tmp_path / "config.yml"
    config.write_text("lock_ttl_s: soon\n", encoding="utf-8")
    with pytest.raises(SettingsError, match=r"config\.yml: lock_ttl_s"):
        load_settings(config_file=config, environ={})
