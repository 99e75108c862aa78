"""Resident memory of each service, found by the port it listens on (psutil, a Rasa dependency)."""

from __future__ import annotations

import threading

import psutil


def listeners(ports: dict[str, list[int]]) -> dict[str, list[int]]:
    """PIDs listening on each service's ports."""
    by_port: dict[int, int] = {}
    for conn in psutil.net_connections(kind="tcp"):
        if conn.status == psutil.CONN_LISTEN and conn.pid and conn.laddr:
            by_port.setdefault(conn.laddr.port, conn.pid)
    return {
        name: sorted({by_port[p] for p in service_ports if p in by_port})
        for name, service_ports in ports.items()
    }


def _tree(pid: int) -> list[psutil.Process]:
    """A process and its children (Sanic or gunicorn workers); empty when it is gone."""
    try:
        root = psutil.Process(pid)
        return [root, *root.children(recursive=True)]
    except psutil.Error:
        return []


def _cpu(process: psutil.Process) -> float:
    times = process.cpu_times()
    return times.user + times.system


def _tree_sum(pid: int, measure) -> float:  # type: ignore[no-untyped-def]
    total = 0.0
    for process in _tree(pid):
        try:
            total += measure(process)
        except psutil.Error:
            pass  # exited meanwhile
    return total


def tree_cpu_seconds(pid: int) -> float:
    """CPU time (user + system) used so far by a process and its children."""
    return _tree_sum(pid, _cpu)


def cpu_seconds(pids: dict[str, list[int]]) -> dict[str, float]:
    """CPU seconds used so far by each service (compare two readings around a load)."""
    return {name: sum(tree_cpu_seconds(pid) for pid in group) for name, group in pids.items()}


def redis_used_memory(url: str) -> int | None:
    """Redis' `used_memory` in bytes (None when there is no URL or it does not answer)."""
    if not url:
        return None
    import redis

    try:
        client = redis.Redis.from_url(url, socket_timeout=5)
        return int(client.info("memory")["used_memory"])
    except redis.RedisError:
        return None


def tree_rss(pid: int) -> int:
    """RSS of a process and its children (Sanic or gunicorn workers), in bytes."""
    return int(_tree_sum(pid, lambda process: process.memory_info().rss))


class MemorySampler:
    """Samples every service's RSS once a second in the background and keeps the peak."""

    def __init__(self, ports: dict[str, list[int]], interval: float = 1.0) -> None:
        self.pids = listeners(ports)
        self.interval = interval
        self.peak: dict[str, int] = {name: 0 for name in ports}
        self.peak_total = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def sample(self) -> dict[str, int]:
        now = {name: sum(tree_rss(pid) for pid in pids) for name, pids in self.pids.items()}
        for name, rss in now.items():
            self.peak[name] = max(self.peak[name], rss)
        self.peak_total = max(self.peak_total, sum(now.values()))
        return now

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def __enter__(self) -> MemorySampler:
        self.sample()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.sample()
