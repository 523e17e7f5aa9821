"""One way to open a Redis connection from REDIS_URL, standalone or Redis Cluster.

URL convention: ``redis://host:port/db`` (or ``rediss://``) is a single Redis server;
``redis+cluster://host:port`` (or ``rediss+cluster://``) is a Redis Cluster reached through any
of its nodes (the client discovers the others and follows MOVED/ASK redirections and failovers).
"""

from __future__ import annotations

from typing import Any

CLUSTER_SCHEMES = {"redis+cluster": "redis", "rediss+cluster": "rediss"}


def is_cluster_url(url: str) -> bool:
    return url.split("://", 1)[0].lower() in CLUSTER_SCHEMES


def connect(url: str, *, decode_responses: bool = True, **kw: Any) -> Any:
    """An asyncio client: `redis.asyncio.Redis`, or `redis.asyncio.RedisCluster` for a cluster URL."""
    scheme, _, rest = url.partition("://")
    if scheme.lower() in CLUSTER_SCHEMES:
        from redis.asyncio.cluster import RedisCluster

        return RedisCluster.from_url(
            f"{CLUSTER_SCHEMES[scheme.lower()]}://{rest}", decode_responses=decode_responses, **kw
        )
    import redis.asyncio as aioredis

    return aioredis.Redis.from_url(url, decode_responses=decode_responses, **kw)
