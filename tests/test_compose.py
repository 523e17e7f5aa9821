"""The compose files' structure (no Docker engine runs here): the production shape of
docker-compose.yml and the Redis Cluster variant docker-compose.cluster.yml, merged the way
`docker compose -f docker-compose.yml -f docker-compose.cluster.yml` merges them."""

from __future__ import annotations

import dataclasses

import yaml
from support import ROOT

from core.redis_client import is_cluster_url
from core.settings import Settings

APP = ("migrate", "web", "worker")
SETTINGS = {f.name.upper() for f in dataclasses.fields(Settings)}


def _load(name: str) -> dict:
    return yaml.safe_load((ROOT / name).read_text())


def _merge(base: dict, override: dict) -> dict:
    """Compose's merge for what these files use: mappings merge key by key, the rest is replaced."""
    out = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def test_the_production_shape():
    services = _load("docker-compose.yml")["services"]
    assert services["web"]["command"][4:6] == ["--role", "web"]
    assert services["worker"]["command"][4:6] == ["--role", "worker"]
    assert services["worker"]["deploy"]["replicas"] >= 2
    assert "/readyz" in " ".join(services["web"]["healthcheck"]["test"])
    redis = services["redis"]["command"]
    assert redis[redis.index("--appendonly") + 1] == "yes"  # the queue survives a Redis crash:
    assert redis[redis.index("--appendfsync") + 1] == "always"  # nothing acknowledged is lost
    for name in APP:
        env = services[name]["environment"]
        assert set(env) <= SETTINGS, set(env) - SETTINGS  # every variable is a setting
        assert env["DATABASE_URL"].startswith("postgresql+asyncpg://") and env["REDIS_URL"].startswith(
            "redis://"
        )
        assert services[name]["depends_on"]["postgres"]["condition"] == "service_healthy"
    for name in ("web", "worker"):
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"


def test_the_redis_cluster_variant():
    merged = _merge(_load("docker-compose.yml"), _load("docker-compose.cluster.yml"))
    services = merged["services"]
    nodes = [n for n in services if n == "redis" or n.startswith("redis-") and n[6:].isdigit()]
    assert len(nodes) == 6
    for n in nodes:
        command = services[n]["command"]
        assert command[command.index("--cluster-enabled") + 1] == "yes"
        assert command[command.index("--appendonly") + 1] == "yes"
        assert command[command.index("--appendfsync") + 1] == "always"
        assert services[n]["volumes"][0].split(":")[0] in merged["volumes"]  # each its own data
    init = " ".join(services["redis-cluster-init"]["command"])
    assert "--cluster create" in init and "--cluster-replicas 1" in init
    assert all(f"{n}:6379" in init for n in nodes)
    for name in APP:
        env = services[name]["environment"]
        assert set(env) <= SETTINGS
        assert is_cluster_url(env["REDIS_URL"]) and env["REDIS_URL"].split("//")[1].split(":")[0] in nodes
        assert int(env["REDIS_QUEUE_SHARDS"]) > 1
        assert env["DATABASE_URL"] == services["web"]["environment"]["DATABASE_URL"]  # the rest kept
    for name in ("web", "worker"):
        assert (
            services[name]["depends_on"]["redis-cluster-init"]["condition"]
            == "service_completed_successfully"
        )
        assert services[name]["depends_on"]["redis"]["condition"] == "service_healthy"
