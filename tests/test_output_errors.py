"""Output that cannot be written, and builds that are stopped or killed.

Every case runs the real command in its own process and checks what a
user sees (the exit code, the one line on stderr, no traceback) and what
is left on disk: the previous output byte for byte (tree_digest, which
lists hidden files too, so a staging folder left behind shows).

A full disk and a refused move cannot be made for real by a test that
runs as root, so a sitecustomize module on PYTHONPATH makes os.fsync or
os.replace fail in the command's process the way the operating system
does (OSError with ENOSPC or EACCES); the command itself is unchanged.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import yaml

from kit_helpers import STANDALONE, build_into, copy_kit, lengthen_deck, run_cli, sitecustomize, tree_digest
from workshop_kit.store import database_url, open_database

STOPPED = "Stopped; nothing was written and the previous output is unchanged."


def one_error_line(run, *parts: str) -> str:
    """The run failed with exit 1 and one line on stderr, which names every part."""
    assert run.code == 1, run.output
    assert "Traceback" not in run.output, run.output
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1, run.stderr
    for part in parts:
        assert part in lines[0], (part, lines[0])
    return lines[0]


def staging_folders(out: Path) -> list[Path]:
    return sorted(out.glob(".staging-*"))


def failing(tmp_path: Path, monkeypatch, code: str) -> None:
    """Run the commands of this test with `code` in a sitecustomize module."""
    sitecustomize(tmp_path / "site", textwrap.dedent(code), monkeypatch)


# --- a file or folder in the way ------------------------------------------------

def test_an_output_folder_that_is_a_file_is_one_line(make_kit):
    kit = make_kit((STANDALONE[0],))
    (kit / "output").write_text("not a folder", encoding="utf-8")
    run = run_cli("build", kit)
    one_error_line(run, f"{kit / 'output'}", "is a file, not a folder")
    assert (kit / "output").read_text(encoding="utf-8") == "not a folder"


def test_a_file_where_a_subfolder_goes_leaves_every_previous_file(small):
    kit, out = small
    shutil.rmtree(out / "decks")
    (out / "decks").write_text("in the way", encoding="utf-8")
    before = tree_digest(out)
    run = run_cli("build", kit, "--out", out, "--force")
    one_error_line(run, f"{out / 'decks'}", "it is a file, not a folder")
    assert tree_digest(out) == before


def test_a_folder_where_a_file_goes_leaves_every_previous_file(small):
    kit, out = small
    (out / "index.html").unlink()
    (out / "index.html").mkdir()
    before = tree_digest(out)
    run = run_cli("build", kit, "--out", out, "--force")
    one_error_line(run, f"{out / 'index.html'}", "a folder is in the way")
    assert tree_digest(out) == before


# --- the disk full, a move refused -----------------------------------------------

def test_a_full_disk_is_one_line_and_the_previous_output_stays(small, tmp_path, monkeypatch):
    kit, out = small
    before = tree_digest(out)
    failing(tmp_path, monkeypatch, """
        import errno, os
        calls = []
        def fsync(fd):  # the third file staged finds the disk full
            calls.append(fd)
            if len(calls) == 3:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        os.fsync = fsync
    """)
    run = run_cli("build", kit, "--out", out, "--force")
    one_error_line(run, str(out), "the disk is full", "nothing was changed")
    assert tree_digest(out) == before


def test_a_refused_move_puts_back_the_files_already_moved(small, tmp_path, monkeypatch):
    kit, out = small
    edit_first_card(kit)
    before = tree_digest(out)
    # The manifest is moved last: every other new file is in place when the
    # move of the new manifest into the output folder is refused.
    failing(tmp_path, monkeypatch, """
        import errno, os
        real = os.replace
        def replace(src, dst, **kw):
            new = ".staging-" in os.fspath(src) and ".previous" not in os.fspath(src)
            if new and os.path.basename(dst) == "manifest.json":
                raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), os.fspath(dst))
            return real(src, dst, **kw)
        os.replace = replace
    """)
    run = run_cli("build", kit, "--out", out)
    one_error_line(run, f"{out / 'manifest.json'}", "no permission to write there")
    assert tree_digest(out) == before


def test_a_file_rebuilt_is_never_missing_while_the_new_one_moves_in(small, tmp_path, monkeypatch):
    """A PDF viewer that reloads the deck a `watch` rewrites must find the
    old file or the new one: each file the last build wrote is still in its
    place when its new version replaces it. (The old version was moved
    aside first, and a reader polling the file found it gone.)"""
    kit, out = small
    edit_first_card(kit)
    before = {str(path) for path in out.rglob("*") if path.is_file() and ".staging-" not in str(path)}
    log = tmp_path / "missing.log"
    failing(tmp_path, monkeypatch, f"""
        import os
        real = os.replace
        def replace(src, dst, **kw):
            new = ".staging-" in os.fspath(src) and ".previous" not in os.fspath(src)
            if new and not os.path.lexists(dst):
                with open({str(log)!r}, "a", encoding="utf-8") as found:
                    found.write(os.fspath(dst) + "\\n")
            return real(src, dst, **kw)
        os.replace = replace
    """)
    run = run_cli("build", kit, "--out", out)
    assert run.code == 0, run.output
    missing = set(log.read_text(encoding="utf-8").splitlines()) if log.exists() else set()
    rebuilt = [path for path in before if path.endswith(".pdf")]
    assert rebuilt, before
    assert missing & before == set(), sorted(missing & before)


def test_a_pdf_held_open_on_windows_asks_to_close_it(small, tmp_path, monkeypatch):
    """Windows refuses to move or replace a file a PDF viewer has open
    (PermissionError, which Linux cannot make for root): the message says
    what to do."""
    kit, out = small
    edit_first_card(kit)
    before = tree_digest(out)
    held = f"{STANDALONE[0]}-print-shop.pdf"
    failing(tmp_path, monkeypatch, f"""
        import errno, os
        import workshop_kit.output.files
        workshop_kit.output.files.WINDOWS = True
        real = os.replace
        def replace(src, dst, **kw):
            for path in (src, dst):
                if os.path.basename(path) == {held!r} and ".staging-" not in os.fspath(path):
                    raise PermissionError(errno.EACCES, "Access is denied", os.fspath(path))
            return real(src, dst, **kw)
        os.replace = replace
    """)
    run = run_cli("build", kit, "--out", out)
    one_error_line(run, f"close {held} in the PDF viewer and build again")
    assert tree_digest(out) == before


def edit_first_card(kit: Path) -> None:
    """Change one card's title, so that a rebuild writes the deck anew."""
    deck = kit / "decks" / f"{STANDALONE[0]}.yaml"
    data = yaml.safe_load(deck.read_text(encoding="utf-8"))
    data["cards"][0]["title"] += " (ændret)"
    deck.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


# --- the other commands that write ---------------------------------------------------

def test_report_schema_and_new_into_a_file_are_one_line(make_kit, tmp_path):
    kit = make_kit((STANDALONE[0],))
    blocker = tmp_path / "a-file"
    blocker.write_text("in the way", encoding="utf-8")
    open_database(database_url(None, kit)).dispose()
    one_error_line(run_cli("report", kit, "-o", blocker / "report.pdf"), str(blocker), "is a file, not a folder")
    one_error_line(run_cli("schema", kit, "--out", blocker / "schemas"),
                   f"{blocker / 'schemas'}", f"{blocker} is a file, not a folder")
    one_error_line(run_cli("new", blocker / "kit"), f"{blocker / 'kit'}", f"{blocker} is a file, not a folder")
    for command in ("schema", "build"):  # --out onto the file itself
        one_error_line(run_cli(command, kit, "--out", blocker), str(blocker), "it is a file, not a folder")
    assert blocker.read_text(encoding="utf-8") == "in the way"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file", "kit0"]


# --- stopped and killed builds -----------------------------------------------------------

@pytest.fixture(scope="module")
def long_build(tmp_path_factory):
    """A kit of one deck of 300 cards (long enough to stop a build in the
    middle), built once; each test gets a copy of the output."""
    base = tmp_path_factory.mktemp("long")
    kit = copy_kit(base / "kit", (STANDALONE[0],))
    lengthen_deck(kit, STANDALONE[0], 300)
    build_into(kit, base / "out", "--mode", "shop")
    return kit, base / "out"


@pytest.fixture
def long_kit(long_build, tmp_path):
    kit, built = long_build
    out = tmp_path / "out"
    shutil.copytree(built, out)
    return kit, out


def workers(pid: int) -> list[str]:
    """The ids of a process's children (Linux)."""
    return (Path("/proc") / str(pid) / "task" / str(pid) / "children").read_text().split()


def start_build(kit: Path, out: Path, *options: str, drawing: bool = False) -> subprocess.Popen:
    """`build --force` in its own process group (as a terminal runs it),
    returned once its staging folder is there (`drawing`: and its workers)."""
    env = dict(os.environ, NO_COLOR="1", PYTHONIOENCODING="utf-8")
    before = staging_folders(out)
    proc = subprocess.Popen([sys.executable, "-m", "workshop_kit", "build", str(kit), "--out", str(out),
                             "--mode", "shop", "--force", *options],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8",
                            env=env, start_new_session=True)
    deadline = time.monotonic() + 120
    while staging_folders(out) == before:
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "no staging folder"
        time.sleep(0.01)
    while drawing and not workers(proc.pid):
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "no workers"
        time.sleep(0.01)
    return proc


@pytest.mark.parametrize("sig, code, whole_group, drawing", [
    (signal.SIGTERM, 143, False, False),  # `kill PID`, as the staging folder is made
    (signal.SIGTERM, 143, False, True),  # `kill PID` while the workers draw
    (signal.SIGINT, 130, True, True),  # Ctrl-C: the terminal signals the build and its workers
    (signal.SIGTERM, 143, True, True),
], ids=["term-staging", "term-drawing", "ctrl-c-drawing", "term-group-drawing"])
def test_a_stopped_build_says_so_in_a_line_and_leaves_the_previous_output(long_kit, sig, code, whole_group,
                                                                          drawing):
    kit, out = long_kit
    before = tree_digest(out)
    proc = start_build(kit, out, drawing=drawing)
    if whole_group:
        os.killpg(proc.pid, sig)
    else:
        proc.send_signal(sig)
    stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode == code, (stdout, stderr)
    assert "Traceback" not in stderr and "Error" not in stderr, stderr
    assert stderr.strip().splitlines() == [STOPPED], stderr
    assert not stdout.strip().startswith("Built"), stdout
    assert tree_digest(out) == before


def test_the_staging_folder_of_a_killed_build_goes_with_the_next_build(long_kit):
    kit, out = long_kit
    before = tree_digest(out)
    proc = start_build(kit, out)
    left = staging_folders(out)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=60)
    assert staging_folders(out) == left and left
    run = run_cli("build", kit, "--out", out, "--mode", "shop")  # nothing changed: "Up to date"
    assert run.code == 0 and "Up to date" in run.stdout, run.output
    assert tree_digest(out) == before


def test_a_build_leaves_the_staging_folder_of_another_running_build(long_kit):
    kit, out = long_kit
    running = start_build(kit, out)
    os.kill(running.pid, signal.SIGSTOP)  # held in the middle, with its staging folder
    try:
        theirs = staging_folders(out)
        run = run_cli("build", kit, "--out", out, "--mode", "shop")
        assert run.code == 0 and "Up to date" in run.stdout, run.output
        assert staging_folders(out) == theirs and theirs
    finally:
        os.kill(running.pid, signal.SIGCONT)
    stdout, stderr = running.communicate(timeout=120)
    assert running.returncode == 0, (stdout, stderr)
    assert "Built 300 cards" in stdout
    assert not staging_folders(out)
