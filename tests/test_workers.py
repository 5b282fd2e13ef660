"""The worker processes of a build, however they start.

Linux forks them; macOS starts them by 'forkserver' and Windows by
'spawn', which pickle the layout and the drawing jobs for each worker
instead of sharing the parent's memory. Both are run here on Linux
(WORKSHOP_KIT_START_METHOD) with the real command, and their files must
be those of the forked build, byte for byte. A sitecustomize module notes
every Python interpreter that starts, to show that the workers (or the
fork server) did start fresh: a forked worker starts no interpreter.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kit_helpers import REPO, STANDALONE, build_into, copy_kit, lengthen_deck, sitecustomize, tree_digest
from workshop_kit.build import LAYOUT_CHUNK


def start_with(method: str, tmp_path: Path, monkeypatch) -> Path:
    """Build with workers started by `method`; the file that lists the
    interpreters started, one line each."""
    log = tmp_path / f"interpreters-{method}.log"
    sitecustomize(tmp_path / "site", "import os\n"
                                     f"with open({str(log)!r}, 'a') as log:\n"
                                     "    log.write(f'{os.getpid()}\\n')\n", monkeypatch)
    monkeypatch.setenv("WORKSHOP_KIT_START_METHOD", method)
    return log


def started(log: Path) -> int:
    return len(log.read_text(encoding="utf-8").split()) if log.exists() else 0


@pytest.mark.parametrize("method", ["spawn", "forkserver"])
def test_workers_started_fresh_make_the_files_of_forked_ones(method, built, tmp_path, monkeypatch):
    """The shipped kit: decks, boards (posters, tiles, tokens, SVG) and the guide."""
    log = start_with(method, tmp_path, monkeypatch)
    fresh = build_into(REPO, tmp_path / "out")
    assert started(log) >= 3  # the command, the resource tracker, and workers or their fork server
    assert tree_digest(fresh.out) == tree_digest(built.out)


def test_a_long_deck_is_laid_out_by_workers_started_fresh(tmp_path, monkeypatch):
    """More cards than one layout job takes: the layout runs on the workers too."""
    kit = copy_kit(tmp_path / "kit", (STANDALONE[0],))
    lengthen_deck(kit, STANDALONE[0], 2 * LAYOUT_CHUNK + 1)
    forked_log = start_with("fork", tmp_path, monkeypatch)
    forked = build_into(kit, tmp_path / "forked", "--mode", "shop")
    assert started(forked_log) == 1  # the command alone
    fresh_log = start_with("forkserver", tmp_path, monkeypatch)
    fresh = build_into(kit, tmp_path / "fresh", "--mode", "shop")
    assert started(fresh_log) >= 3
    assert tree_digest(fresh.out) == tree_digest(forked.out)
    assert len(fresh.cards) == 2 * LAYOUT_CHUNK + 1


def _pid_and_wait(_: int) -> int:
    import os
    import time

    time.sleep(0.3)
    return os.getpid()


@pytest.mark.parametrize("method", ["fork", "none"])
def test_the_parent_works_meanwhile_once_while_the_workers_work(method, monkeypatch):
    """`meanwhile` runs in the build process, once, while the jobs are
    already under way in the workers (and first where there are none)."""
    import os
    import time

    from workshop_kit.workers import cores, fork_map

    monkeypatch.setenv("WORKSHOP_KIT_START_METHOD", method)
    calls: list[tuple[int, float]] = []
    finished: list[float] = []
    started = time.perf_counter()
    pids = fork_map(_pid_and_wait, range(4), lambda i, pid: finished.append(time.perf_counter()),
                    meanwhile=lambda: calls.append((os.getpid(), time.perf_counter())))
    assert [pid for pid, _ in calls] == [os.getpid()]
    (_, when), = calls
    if method == "fork" and cores() >= 2:
        assert os.getpid() not in pids
        assert when < min(finished)  # before any job was done, so while they ran
    else:
        assert set(pids) == {os.getpid()} and when - started < 0.3  # before the first job ended
