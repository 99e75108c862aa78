"""scripts/cpu_profile.py: each thread's work in one profile, windows, the merged file."""

from __future__ import annotations

import pstats
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))

from cpu_profile import CpuProfiles  # noqa: E402


def before_the_window() -> int:
    return sum(range(1000))


def in_a_worker() -> int:
    return sum(range(10_000))


def in_a_thread() -> int:
    return sum(range(20_000))


def called(stats: pstats.Stats, name: str) -> int:
    return sum(entry[1] for key, entry in stats.stats.items() if key[2] == name)  # type: ignore[attr-defined]


def test_every_threads_work_of_the_window_is_in_the_file(tmp_path: Path) -> None:
    profiles = CpuProfiles()
    with ThreadPoolExecutor(2) as pool:
        assert pool.submit(profiles.around(before_the_window)).result() == sum(range(1000))
        profiles.start_window()
        for _ in range(3):
            assert pool.submit(profiles.around(in_a_worker)).result() == sum(range(10_000))
        thread = threading.Thread(target=profiles.around(in_a_thread))
        thread.start()
        thread.join()
        try:
            in_a_worker()  # the main thread, profiled from the window's start
        finally:
            profiles.stop_main()
        path = str(tmp_path / "window.prof")
        profiles.write(path)
    stats = pstats.Stats(path)
    assert called(stats, "in_a_worker") == 4
    assert called(stats, "in_a_thread") == 1
    assert called(stats, "before_the_window") == 0
    assert float(Path(path + ".cpu").read_text()) >= 0
