"""Runs `python -m <module>` under cProfile on the CPU clock, in every thread that does work.

`python -m cProfile` times the main thread only and with the wall clock: for the webhook
(werkzeug's thread per request, the turn's worker thread) it sees nothing of a turn, and in the
action server a log line written to a pipe that honcho drains late counts as busy time. Here
every werkzeug request thread, every `ThreadPoolExecutor` work item and the main thread get a
profile timed with `time.thread_time` (the thread's own CPU, user and system).

In a Procfile line (not to be committed), e.g. `webhook: exec python scripts/cpu_profile.py
webhook`, with `CPU_PROFILE=/tmp/webhook.prof` (default `/tmp/<module>.prof`). Then:
`kill -USR2 <pid>` starts a window (what came before is dropped), `kill -USR1 <pid>` writes
the window's merged stats to `CPU_PROFILE` and its process CPU seconds to `CPU_PROFILE.cpu`
(to compare with the profile's total: the profiler's own overhead inflates pure-Python code
more than C). Read it with `pstats` (docs/BENCHMARKS.md, "Profiling it yourself").
"""

from __future__ import annotations

import concurrent.futures.thread
import cProfile
import os
import pstats
import resource
import runpy
import signal
import socketserver
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


class CpuProfiles:
    """One profile per thread and window; the window's profiles merged on demand."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._profiles: list[cProfile.Profile] = []
        self._window = 0
        self._local = threading.local()
        self._main: cProfile.Profile | None = None
        self._cpu_at_start = _process_cpu()

    def of_this_thread(self) -> cProfile.Profile:
        mine = getattr(self._local, "profile", None)
        if mine is None or mine[0] != self._window:
            profile = cProfile.Profile(time.thread_time)
            with self._lock:
                self._profiles.append(profile)
            mine = self._local.profile = (self._window, profile)
        return mine[1]

    def around(self, work: Callable[..., Any]) -> Callable[..., Any]:
        """`work` profiled in the thread that runs it."""

        def profiled(*args: Any, **kwargs: Any) -> Any:
            profile = self.of_this_thread()
            profile.enable()
            try:
                return work(*args, **kwargs)
            finally:
                profile.disable()

        return profiled

    def start_window(self) -> None:
        """Drops what was measured; the main thread (where signals run) is profiled from now."""
        with self._lock:
            self._window += 1
            self._profiles.clear()
            self._cpu_at_start = _process_cpu()
            if self._main is not None:
                self._main.disable()
            self._main = cProfile.Profile(time.thread_time)
            self._profiles.append(self._main)
        self._main.enable()

    def stop_main(self) -> None:
        """The main thread is no longer profiled (the window's stats stay)."""
        if self._main is not None:
            self._main.disable()

    def write(self, path: str) -> None:
        with self._lock:
            profiles = list(self._profiles)
            cpu = _process_cpu() - self._cpu_at_start
        merged = pstats.Stats()
        for profile in profiles:
            profile.snapshot_stats()  # unlike create_stats, leaves a running profile running
            merged.add(_Snapshot(profile.stats))  # type: ignore[attr-defined]
        merged.dump_stats(path)
        with open(path + ".cpu", "w", encoding="utf-8") as out:
            out.write(f"{cpu:.3f}\n")


class _Snapshot:
    """What `pstats.Stats.add` reads from a profile."""

    def __init__(self, stats: dict) -> None:
        self.stats = dict(stats)

    def create_stats(self) -> None:
        pass


def _process_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def install(profiles: CpuProfiles, path: str) -> None:
    """Profiles werkzeug's request threads and executor work items; the signals."""
    mixin = socketserver.ThreadingMixIn
    mixin.process_request_thread = profiles.around(mixin.process_request_thread)  # type: ignore[method-assign]
    item = concurrent.futures.thread._WorkItem
    item.run = profiles.around(item.run)  # type: ignore[method-assign]
    signal.signal(signal.SIGUSR2, lambda *_: profiles.start_window())
    signal.signal(signal.SIGUSR1, lambda *_: profiles.write(path))


def main() -> None:
    module = sys.argv[1]
    sys.path.insert(0, str(ROOT))
    install(CpuProfiles(), os.environ.get("CPU_PROFILE", f"/tmp/{module}.prof"))
    sys.argv = [module, *sys.argv[2:]]
    runpy.run_module(module, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
