"""What a crash can leave of a build: the files that cannot be made again
are synced to the disk in one pass before the first of them is moved into
the output folder; the thumbnails are not, and the next build draws again
one that a crash cut short.

A crash is a build killed with SIGKILL at the moment its commit begins
(a sitecustomize module on PYTHONPATH kills the command's own process at
its first move or link into or out of the staging folder, after noting
which files it synced); the command itself is unchanged.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from kit_helpers import run_cli, sitecustomize, tree_digest


def killed_at_commit(tmp_path: Path, monkeypatch) -> Path:
    """Make the commands of this test note the files they sync and die by
    SIGKILL at their first move out of the staging folder; the note's path."""
    note = tmp_path / "synced.json"
    sitecustomize(tmp_path / "site", textwrap.dedent(f"""
        import json, os, signal
        real_fsync, real_replace, real_link = os.fsync, os.replace, os.link
        synced = []
        def fsync(fd):
            real_fsync(fd)
            synced.append(os.readlink(f"/proc/self/fd/{{fd}}"))
        def commit_begins(src, dst):
            src, dst = os.fspath(src), os.fspath(dst)
            if (".staging-" in src or ".staging-" in dst) and os.path.basename(dst) != ".owner":
                parts = next(p for p in (src, dst) if ".staging-" in p).split(os.sep)
                folder = os.sep.join(parts[:1 + next(i for i, p in enumerate(parts) if p.startswith(".staging-"))])
                staged = [os.path.relpath(os.path.join(d, f), folder) for d, _, files in os.walk(folder) for f in files]
                with open({str(note)!r}, "w") as fh:
                    json.dump({{"synced": [os.path.relpath(p, folder) for p in synced], "staged": staged}}, fh)
                os.kill(os.getpid(), signal.SIGKILL)
        def replace(src, dst, **kw):
            commit_begins(src, dst)
            return real_replace(src, dst, **kw)
        def link(src, dst, **kw):  # (the old version's second name in the staging folder)
            commit_begins(src, dst)
            return real_link(src, dst, **kw)
        os.fsync, os.replace, os.link = fsync, replace, link
    """), monkeypatch)
    return note


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="reads /proc (Linux)")
def test_a_build_killed_after_its_sync_leaves_the_previous_output(small, tmp_path, monkeypatch):
    kit, out = small
    before = tree_digest(out)
    with monkeypatch.context() as killing:
        note = killed_at_commit(tmp_path, killing)
        run = run_cli("build", kit, "--out", out, "--force")
    assert run.code == -9, run.output
    seen = json.loads(note.read_text(encoding="utf-8"))
    staged = set(seen["staged"]) - {".owner"}
    thumbnails = {name for name in staged if name.startswith("thumbs/")}
    assert thumbnails and all(name.endswith(".jpg") for name in thumbnails), sorted(staged)
    # every file that cannot be made again was synced before the first move, each once, and no thumbnail
    assert sorted(seen["synced"]) == sorted(staged - thumbnails), seen["synced"]
    assert {"manifest.json", "index.html"} <= set(seen["synced"])
    assert any(name.endswith(".pdf") for name in seen["synced"])
    # nothing of the output was touched: only the killed build's staging folder is new
    after = tree_digest(out)
    assert {k: v for k, v in after.items() if not k.startswith(".staging-")} == before
    run = run_cli("build", kit, "--out", out)  # nothing changed: "Up to date", and the folder goes
    assert run.code == 0 and "Up to date" in run.stdout, run.output
    assert tree_digest(out) == before


def test_a_thumbnail_cut_short_by_a_crash_is_drawn_again(small):
    kit, out = small
    before = tree_digest(out)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    card = manifest["cards"][3]
    thumbnail = out / card["thumbnails"]["back"]["path"]
    whole = thumbnail.read_bytes()
    thumbnail.write_bytes(whole[:len(whole) // 2])  # as a crash leaves a file whose bytes were not on the disk yet
    run = run_cli("build", kit, "--out", out)
    assert run.code == 0 and "Up to date" not in run.stdout, run.output
    assert thumbnail.read_bytes() == whole
    assert tree_digest(out) == before
