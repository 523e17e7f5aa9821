"""Private redis-server processes for tests: a single server with an append-only file (restarted
by fault tests) and a local Redis Cluster (three masters, optional replicas, failover)."""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

REDIS_SERVER = shutil.which("redis-server")
REDIS_CLI = shutil.which("redis-cli")


def _free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port(with_bus: bool = False) -> int:
    """A free TCP port (and, for a cluster node, port + 10000 free too for the cluster bus)."""
    for _ in range(200):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if not with_bus or (port < 55000 and _free(port + 10000)):
            return port
    raise RuntimeError("no free port")


def cli(port: int, *args: str, timeout: float = 30) -> str:
    assert REDIS_CLI
    done = subprocess.run(
        [REDIS_CLI, "-h", "127.0.0.1", "-p", str(port), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if done.returncode != 0:
        raise RuntimeError(f"redis-cli {' '.join(args)}: {done.stdout} {done.stderr}")
    return done.stdout


def wait_ping(port: int, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while True:
        with contextlib.suppress(Exception):
            if "PONG" in cli(port, "ping", timeout=2):
                return
        if time.monotonic() > deadline:
            raise RuntimeError(f"redis-server on {port} did not start")
        time.sleep(0.05)


class RedisServer:
    """One redis-server in its own directory; `kill()` + `start()` is a crash and a restart
    (same port, same append-only file)."""

    def __init__(self, workdir: Path, port: int | None = None, *extra: str, fsync: str = "everysec") -> None:
        if not REDIS_SERVER:
            pytest.fail("redis-server is not installed")
        self.dir = workdir
        self.dir.mkdir(parents=True, exist_ok=True)
        self.port = port or free_port(with_bus="--cluster-enabled" in extra)
        self.extra = extra
        self.fsync = fsync
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        assert REDIS_SERVER
        self.proc = subprocess.Popen(
            [
                REDIS_SERVER,
                "--port", str(self.port),
                "--bind", "127.0.0.1",
                "--dir", str(self.dir),
                "--save", "",
                "--appendonly", "yes",
                "--appendfsync", self.fsync,
                "--protected-mode", "no",
                *self.extra,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_ping(self.port)
        return self

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self.proc = None

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.proc = None


class RedisCluster:
    """Three master nodes (`redis-cli --cluster create`); `add_replica` and `failover` for the
    failover test. `url` follows the project's convention: redis+cluster://host:port."""

    def __init__(self, workdir: Path, masters: int = 3) -> None:
        self.workdir = workdir
        self.nodes: list[RedisServer] = []
        self.masters = masters

    @property
    def url(self) -> str:
        return f"redis+cluster://127.0.0.1:{self.nodes[0].port}"

    def _node(self, name: str) -> RedisServer:
        node = RedisServer(
            self.workdir / name,
            None,
            "--cluster-enabled", "yes",
            "--cluster-config-file", "nodes.conf",
            "--cluster-node-timeout", "2000",
        )  # fmt: skip
        self.nodes.append(node)
        return node.start()

    def start(self) -> RedisCluster:
        for i in range(self.masters):
            self._node(f"m{i}")
        addrs = [f"127.0.0.1:{n.port}" for n in self.nodes]
        cli(self.nodes[0].port, "--cluster", "create", *addrs, "--cluster-yes", timeout=60)
        self.wait_ok()
        return self

    def wait_ok(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while True:
            infos = []
            for n in self.nodes:
                with contextlib.suppress(Exception):
                    infos.append(cli(n.port, "cluster", "info", timeout=2))
            if len(infos) == len(self.nodes) and all("cluster_state:ok" in i for i in infos):
                return
            if time.monotonic() > deadline:
                raise RuntimeError("the cluster did not reach state ok")
            time.sleep(0.1)

    def node_id(self, node: RedisServer) -> str:
        return cli(node.port, "cluster", "myid").strip()

    def master_of_slot(self, slot: int) -> RedisServer:
        for line in cli(self.nodes[0].port, "cluster", "nodes").splitlines():
            parts = line.split()
            if "master" not in parts[2]:
                continue
            for rng in parts[8:]:
                lo, _, hi = rng.partition("-")
                if lo.isdigit() and int(lo) <= slot <= int(hi or lo):
                    port = int(parts[1].split(":")[1].split("@")[0])
                    return next(n for n in self.nodes if n.port == port)
        raise LookupError(slot)

    def add_replica(self, master: RedisServer) -> RedisServer:
        replica = self._node(f"r{len(self.nodes)}")
        cli(
            self.nodes[0].port,
            "--cluster", "add-node", f"127.0.0.1:{replica.port}", f"127.0.0.1:{master.port}",
            "--cluster-slave", "--cluster-master-id", self.node_id(master),
            timeout=60,
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while "master_link_status:up" not in cli(replica.port, "info", "replication"):
            if time.monotonic() > deadline:
                raise RuntimeError("the replica did not sync")
            time.sleep(0.1)
        return replica

    def failover(self, replica: RedisServer, timeout: float = 30) -> None:
        """A manual failover: the replica becomes the master of its slots (no write lost)."""
        cli(replica.port, "cluster", "failover")
        deadline = time.monotonic() + timeout
        rid = self.node_id(replica)

        def everyone_agrees() -> bool:
            for n in self.nodes:
                line = next(x for x in cli(n.port, "cluster", "nodes").splitlines() if x.startswith(rid))
                if "master" not in line.split()[2]:
                    return False
            return True

        while "role:master" not in cli(replica.port, "info", "replication") or not everyone_agrees():
            if time.monotonic() > deadline:
                raise RuntimeError("the failover did not happen")
            time.sleep(0.1)
        self.wait_ok()

    def crash(self, master: RedisServer, replica: RedisServer, timeout: float = 60) -> None:
        """An unplanned failover: `master` is killed (SIGKILL); the other nodes see it fail after
        the node timeout and its replica is elected master of its slots."""
        master.kill()
        self.nodes.remove(master)  # out of the cluster's checks (and of `stop`)
        deadline = time.monotonic() + timeout
        while "role:master" not in cli(replica.port, "info", "replication"):
            if time.monotonic() > deadline:
                raise RuntimeError("the replica was not promoted")
            time.sleep(0.1)
        self.wait_ok(timeout)

    def stop(self) -> None:
        for n in self.nodes:
            n.stop()


@contextlib.contextmanager
def redis_cluster(workdir: Path) -> Iterator[RedisCluster]:
    cluster = RedisCluster(workdir)
    try:
        yield cluster.start()
    finally:
        cluster.stop()
