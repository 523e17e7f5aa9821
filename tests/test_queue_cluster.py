"""The queue on a local Redis Cluster: the keys of every script and transaction share a slot, the
shards spread over the nodes, and a failover of the node holding a hot conversation's slot loses
nothing (a replica is added to that node, then `CLUSTER FAILOVER` promotes it, or the node is
killed and the cluster promotes the replica on its own)."""

from __future__ import annotations

import asyncio

from redis.crc import key_slot
from redis_servers import RedisCluster, cli

from core.events import InboundEvent
from core.queue.redis import RedisQueue
from core.redis_client import connect, is_cluster_url


def ev(user: str, mid: str, text: str = "x") -> InboundEvent:
    return InboundEvent(channel="zalo", user_id=user, message_id=mid, text=text)


def test_the_url_convention():
    assert is_cluster_url("redis+cluster://10.0.0.1:7000") and is_cluster_url("rediss+cluster://h:1")
    assert not is_cluster_url("redis://127.0.0.1:6379/0")


async def test_every_multi_key_command_stays_in_one_slot_and_shards_spread(redis_cluster):
    q = RedisQueue(connect(redis_cluster.url), prefix="slots:", shards=16)
    try:
        event = ev("citizen-7", "m1")
        keys, _args = q._submit_keys_args(event)
        assert len({key_slot(k.encode()) for k in keys}) == 1  # the submit script
        assert key_slot(q._jobs_of(event.conversation_key).encode()) == key_slot(keys[0].encode())
        masters = {redis_cluster.master_of_slot(key_slot(k.encode())).port for k in q.jobs_keys}
        assert len(masters) == 3  # sixteen shards land on all three nodes
        for i in range(40):
            assert await q.submit(ev(f"c{i}", f"m{i}"))
        jobs = await q.fetch("w", count=100, block_ms=200)
        assert sorted(j.conversation_key for j in jobs) == sorted(f"zalo:c{i}" for i in range(40))
        assert (await q.depth())[0] == 40
        for job in jobs:
            await q.ack(job)
        assert (await q.depth())[0] == 0
    finally:
        await q.close()


async def test_a_workers_batch_runs_on_the_cluster_one_script_per_shard(redis_cluster):
    """The batch path (core/queue/redis_hold.py): lock + read, renew, touch, trim + ack + unlock
    of conversations spread over sixteen shards on three nodes."""
    q = RedisQueue(connect(redis_cluster.url), prefix="batch:", shards=16)
    try:
        for i in range(30):
            assert await q.submit(ev(f"c{i}", f"a{i}", "first"))
        assert await q.submit(ev("c0", "b0", "second"))
        jobs = await q.fetch("w", count=100, block_ms=200)
        keys = sorted({j.conversation_key for j in jobs})
        assert len(jobs) == 31 and len(keys) == 30
        held = await q.hold(keys, ttl_s=5, limit=100)
        assert set(held) == set(keys)
        assert [e.event.text for e in held["zalo:c0"].entries] == ["first", "second"]  # in order
        assert await q.hold(keys, ttl_s=5, limit=100) == {}  # all locked by the first hold
        assert await q.renew({k: h.token for k, h in held.items()}, ttl_s=5) == set()
        assert await q.renew({"zalo:c1": "not-the-token"}, ttl_s=5) == {"zalo:c1"}
        await q.touch_many(jobs, "w")
        by_key: dict[str, list] = {}
        for job in jobs:
            by_key.setdefault(job.conversation_key, []).append(job)
        await q.finish_held([(k, h.token, by_key[k], h.entries[-1].cursor) for k, h in held.items()])
        assert (await q.depth())[0] == 0  # every job acknowledged
        again = await q.hold(keys, ttl_s=5, limit=100)  # every lock released, every log trimmed
        assert set(again) == set(keys) and all(h.entries == [] for h in again.values())
        await q.finish_held([(k, h.token, [], None) for k, h in again.items()])
    finally:
        await q.close()


async def test_a_failover_of_the_hot_slots_node_loses_nothing(tmp_path):
    await _failover_loses_nothing(tmp_path, planned=True)


async def test_an_unplanned_failover_loses_nothing_the_replica_had(tmp_path):
    # the hot slot's master is killed; what it had acknowledged was on the replica (WAIT 1: what
    # `min-replicas-to-write 1` / WAIT buy in production; without them the last writes may go)
    await _failover_loses_nothing(tmp_path, planned=False)


async def _failover_loses_nothing(tmp_path, *, planned: bool) -> None:
    cluster = RedisCluster(tmp_path)
    await asyncio.to_thread(cluster.start)
    q = RedisQueue(connect(cluster.url), prefix="fo:", shards=4, claim_idle_ms=300)
    try:
        hot = "zalo:hot"
        for i in range(20):
            assert await q.submit(ev("hot", f"h{i}", f"t{i}"))
        [job] = await q.fetch("w1", count=1, block_ms=500)  # taken, not yet acknowledged
        assert job.conversation_key == hot
        slot = key_slot(q._conv(hot).encode())
        master = cluster.master_of_slot(slot)
        replica = await asyncio.to_thread(cluster.add_replica, master)

        if planned:
            await asyncio.to_thread(cluster.failover, replica)
        else:
            assert cli(master.port, "wait", "1", "10000").strip() == "1"
            await asyncio.to_thread(cluster.crash, master, replica)
        assert cluster.master_of_slot(slot).port == replica.port  # the hot slot moved

        # the client follows the new master: nothing was lost, de-duplication still holds
        entries = await q.entries(hot, after="0-0")
        assert [e.event.text for e in entries] == [f"t{i}" for i in range(20)]
        assert not await q.submit(ev("hot", "h3", "again"))
        assert await q.submit(ev("hot", "h20", "t20"))
        async with q.lock(hot, ttl_s=5):
            await q.trim(hot, entries[-1].cursor)
        assert [e.event.text for e in await q.entries(hot, after="0-0")] == ["t20"]
        await q.ack(job)
        rest = await q.fetch("w2", count=50, block_ms=500)
        # the other nineteen jobs kept across the failover, and the one accepted after it
        assert len(rest) == 20 and {j.conversation_key for j in rest} == {hot}
        for j in rest:
            await q.ack(j)
        assert (await q.depth())[0] == 0
    finally:
        await q.close()
        await asyncio.to_thread(cluster.stop)
