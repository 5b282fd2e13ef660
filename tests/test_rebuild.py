"""Rebuilds: what is up to date is kept, what changed is built again, and
`watch` rebuilds on every save and lives through broken content."""

from __future__ import annotations

import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pypdf
import pytest

from kit_helpers import copy_kit, normalise, pdf_text, replace_once, run_cli, sitecustomize, tree_digest

OLD_TITLE = "Følger byrådet borgerne?"
NEW_TITLE = "Følger byrådet anbefalingen?"


def stamps(out: Path) -> dict[str, int]:
    return {p.relative_to(out).as_posix(): p.stat().st_mtime_ns
            for p in out.rglob("*") if p.is_file() and p.name != "manifest.json"}


def manifest(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def first_build(tmp_path_factory) -> tuple[Path, Path]:
    """The five decks, built once for the module."""
    base = tmp_path_factory.mktemp("first")
    kit, out = copy_kit(base / "kit"), base / "out"
    run = run_cli("build", kit, "--out", out)
    assert run.code == 0, run.output
    return kit, out


@pytest.fixture
def kit_and_build(first_build, tmp_path) -> tuple[Path, Path]:
    """A copy of the module's kit and its output, for one test to change."""
    kit, out = tmp_path / "kit", tmp_path / "out"
    shutil.copytree(first_build[0], kit)
    shutil.copytree(first_build[1], out)
    return kit, out


def test_a_rebuild_with_nothing_changed_writes_nothing(kit_and_build, cli):
    kit, out = kit_and_build
    before = tree_digest(out)
    times = stamps(out)
    again = cli("build", kit, "--out", out)
    assert again.code == 0, again.output
    assert "Up to date" in again.stdout
    assert "example.org" in again.stderr  # the warning is not lost on the quick path
    assert tree_digest(out) == before
    assert stamps(out) == times


def test_a_rebuild_with_nothing_changed_does_not_import_the_pipeline(kit_and_build, tmp_path, monkeypatch):
    """The quick path reads the manifest and the kit's files alone: in a
    new process where the content model, the layout's QR codes and the
    drawing libraries cannot be imported, it still answers. (It imported
    qrcode and Pillow through the manifest's types: 0.03 s of 0.1 s.)"""
    kit, out = kit_and_build
    heavy = ("pydantic", "reportlab", "PIL", "qrcode", "pypdfium2", "workshop_kit.content", "workshop_kit.layout")
    sitecustomize(tmp_path / "site", "import sys\n" + "".join(f"sys.modules[{name!r}] = None\n" for name in heavy),
                  monkeypatch)
    again = run_cli("build", kit, "--out", out)
    assert again.code == 0, again.output
    assert "Up to date" in again.stdout


def test_an_edited_deck_is_rebuilt_with_the_decks_that_show_its_titles(kit_and_build, cli):
    kit, out = kit_and_build
    times = stamps(out)
    keys = manifest(out)["build"]["parts"]
    replace_once(kit / "decks" / "dilemmaer.yaml", OLD_TITLE, NEW_TITLE)
    run = cli("build", kit, "--out", out)
    assert run.code == 0, run.output
    changed = {name for name, stamp in stamps(out).items() if times.get(name) != stamp}
    # dialogue-format cards print the titles of their dilemmas, so they follow
    rebuilt = ("dilemmaer", "dialogformater")
    assert {n for n in changed if n.endswith(".pdf")} == {
        f"decks/{deck}-{kind}.pdf" for deck in rebuilt for kind in ("a4-duplex", "print-shop")}
    thumbnails = {n for n in changed if n.startswith("thumbs/")}
    # the contact sheet of the edited card is drawn again; no sheet of another deck
    edited = next(c for c in manifest(out)["cards"] if c["title"] == NEW_TITLE)
    assert edited["thumbnails"]["front"]["path"] in thumbnails
    assert thumbnails and all(n.split("/")[2] in rebuilt for n in thumbnails), thumbnails
    assert changed - thumbnails == {n for n in changed if n.endswith(".pdf")} | {"index.html"}
    now = manifest(out)
    assert {p for p in keys if keys[p] != now["build"]["parts"][p]} == {"dilemmaer", "dialogformater"}
    assert NEW_TITLE in normalise(pdf_text(out / "decks" / "dilemmaer-print-shop.pdf"))  # a title may wrap
    assert NEW_TITLE in normalise(pdf_text(out / "decks" / "dialogformater-a4-duplex.pdf"))  # a title may wrap
    # the manifest of the partial rebuild reads like that of a whole build
    fresh = cli("build", kit, "--out", out.parent / "whole")
    assert fresh.code == 0, fresh.output
    whole = manifest(out.parent / "whole")
    assert now["cards"] == whole["cards"]
    assert [f["path"] for f in now["files"]] == [f["path"] for f in whole["files"]]
    assert now["build"] == whole["build"]


def test_linked_titles_are_keyed_as_the_cards_show_them(kit_and_build, cli):
    """Two dilemma decks share card ids: a dialogue-format card shows the
    title from the first deck, so an edit there rebuilds it."""
    kit, out = kit_and_build
    shutil.copy(kit / "decks" / "dilemmaer.yaml", kit / "decks" / "zz-dilemmaer.yaml")
    assert cli("build", kit, "--out", out).code == 0
    replace_once(kit / "decks" / "dilemmaer.yaml", OLD_TITLE, NEW_TITLE)
    run = cli("build", kit, "--out", out)
    assert run.code == 0, run.output
    assert NEW_TITLE in normalise(pdf_text(out / "decks" / "dialogformater-a4-duplex.pdf"))  # a title may wrap


def test_a_deleted_index_page_or_thumbnail_is_made_again(kit_and_build, cli):
    kit, out = kit_and_build
    before = tree_digest(out)
    (out / "index.html").unlink()
    (out / "thumbs" / "decks" / "dilemmaer" / "sheet-001.jpg").unlink()
    run = cli("build", kit, "--out", out)
    assert run.code == 0, run.output
    assert "Up to date" not in run.stdout
    assert tree_digest(out) == before


def test_a_kit_setting_rebuilds_every_deck(kit_and_build, cli):
    kit, out = kit_and_build
    times = stamps(out)
    replace_once(kit / "kit.yaml", "organisation: Kommunen", "organisation: Roskilde Kommune")
    run = cli("build", kit, "--out", out)
    assert run.code == 0, run.output
    pdfs = [name for name in times if name.endswith(".pdf")]
    assert len(pdfs) == 10 and all(stamps(out)[name] != times[name] for name in pdfs)
    assert all(pypdf.PdfReader(out / name).metadata.author == "Roskilde Kommune" for name in pdfs)
    # the organisation is in each PDF's properties, not on the cards: their pictures stay
    assert all(stamps(out)[name] == stamp for name, stamp in times.items() if name.startswith("thumbs/"))


def test_a_missing_or_damaged_output_file_is_made_again(kit_and_build, cli):
    kit, out = kit_and_build
    before = tree_digest(out)
    (out / "decks" / "dilemmaer-print-shop.pdf").unlink()
    with open(out / "decks" / "politikerroller-a4-duplex.pdf", "r+b") as fh:
        fh.truncate(100)
    run = cli("build", kit, "--out", out)
    assert run.code == 0, run.output
    assert "Up to date" not in run.stdout
    assert tree_digest(out) == before  # the same files, byte for byte


def test_a_deck_removed_from_the_kit_leaves_the_output(kit_and_build, cli):
    kit, out = kit_and_build
    (kit / "decks" / "politikerroller.yaml").unlink()
    run = cli("build", kit, "--out", out)
    assert run.code == 0, run.output
    assert not list(out.glob("decks/politikerroller*"))
    data = manifest(out)
    assert not [f for f in data["files"] if f.get("deck") == "politikerroller"]
    assert not [c for c in data["cards"] if c["deck"] == "politikerroller"]
    assert "politikerroller" not in data["build"]["parts"]


def test_another_mode_replaces_the_files_of_the_mode_before(kit_and_build, cli):
    kit, out = kit_and_build
    run = cli("build", kit, "--out", out, "--mode", "shop")
    assert run.code == 0, run.output
    assert not list(out.glob("decks/*duplex*"))
    assert {f["mode"] for f in manifest(out)["files"] if f.get("kind") == "card-deck"} == {"shop"}


def test_force_rebuilds_everything(kit_and_build, cli):
    kit, out = kit_and_build
    times = stamps(out)
    run = cli("build", kit, "--out", out, "--force")
    assert run.code == 0, run.output
    assert all(stamps(out)[name] != stamp for name, stamp in times.items())


# --- watch ----------------------------------------------------------------------

class Watcher:
    """`workshop-kit watch` in its own process; its output read line by line."""

    def __init__(self, kit: Path, out: Path):
        env = dict(os.environ, NO_COLOR="1", PYTHONIOENCODING="utf-8", PYTHONUNBUFFERED="1")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "workshop_kit", "watch", str(kit), "--out", str(out), "--mode", "shop"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8", env=env)
        self.lines: queue.Queue[tuple[str, str]] = queue.Queue()
        self.seen: list[tuple[str, str]] = []
        for name, stream in (("out", self.proc.stdout), ("err", self.proc.stderr)):
            threading.Thread(target=self._read, args=(name, stream), daemon=True).start()

    def _read(self, name, stream):
        for line in stream:
            self.lines.put((name, line.rstrip("\n")))

    def wait_for(self, text: str, stream: str = "out", timeout: float = 60) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                name, line = self.lines.get(timeout=0.2)
            except queue.Empty:
                assert self.proc.poll() is None, f"watch ended early: {self.seen}"
                continue
            self.seen.append((name, line))
            if name == stream and text in line:
                return line
        raise AssertionError(f"no {text!r} on std{stream} within {timeout} s: {self.seen}")

    def stop(self) -> tuple[int, str]:
        self.proc.send_signal(signal.SIGINT)
        code = self.proc.wait(timeout=30)
        while not self.lines.empty():
            self.seen.append(self.lines.get())
        return code, "\n".join(line for _, line in self.seen)


def test_watch_rebuilds_on_save_and_survives_a_broken_file(make_kit, tmp_path):
    kit = make_kit(("dilemmaer", "dialogformater", "velfaerdstemaer"))
    out = tmp_path / "out"
    deck = kit / "decks" / "dilemmaer.yaml"
    pdf = out / "decks" / "dilemmaer-print-shop.pdf"
    watcher = Watcher(kit, out)
    try:
        watcher.wait_for("Built")
        watcher.wait_for("Watching")
        assert OLD_TITLE in pdf_text(pdf)
        other = (out / "decks" / "velfaerdstemaer-print-shop.pdf").stat().st_mtime_ns

        replace_once(deck, OLD_TITLE, NEW_TITLE)
        watcher.wait_for("changed: decks/dilemmaer.yaml")
        watcher.wait_for("Built")
        assert NEW_TITLE in pdf_text(pdf)
        assert (out / "decks" / "velfaerdstemaer-print-shop.pdf").stat().st_mtime_ns == other

        good = deck.read_text(encoding="utf-8")
        replace_once(deck, "    question: Hvad skylder", "    questoin: Hvad skylder")
        problem = watcher.wait_for("questoin", stream="err")
        assert problem.strip().startswith("decks/dilemmaer.yaml:")
        assert "unknown field 'questoin'; did you mean 'question'?" in problem
        watcher.wait_for("Nothing was written", stream="err")
        assert watcher.proc.poll() is None
        assert NEW_TITLE in pdf_text(pdf)  # the last good build stays in place

        deck.write_text(good.replace(NEW_TITLE, OLD_TITLE), encoding="utf-8")
        watcher.wait_for("Built")
        assert OLD_TITLE in pdf_text(pdf)
        # a file that is not part of the kit, then a real save: only the save is reported
        (kit / "notes.txt").write_text("not part of the kit", encoding="utf-8")
        time.sleep(0.5)
        replace_once(deck, OLD_TITLE, NEW_TITLE)
        changed = watcher.wait_for("changed:")
        assert "decks/dilemmaer.yaml" in changed and "notes.txt" not in changed, changed
        watcher.wait_for("Built")
    finally:
        code, log = watcher.stop()
    assert code == 0, log
    assert "Traceback" not in log
    assert "Stopped watching" in log
    assert "notes.txt" not in log
    assert not list(out.glob(".staging-*"))


def test_watch_does_not_miss_a_save_while_it_starts(make_kit, tmp_path):
    kit = make_kit(("dilemmaer", "dialogformater", "velfaerdstemaer"))
    out = tmp_path / "out"
    pdf = out / "decks" / "dilemmaer-print-shop.pdf"
    watcher = Watcher(kit, out)
    try:
        time.sleep(1.0)  # during imports or the first build, before the watch is on
        replace_once(kit / "decks" / "dilemmaer.yaml", OLD_TITLE, NEW_TITLE)
        watcher.wait_for("Watching")
        deadline = time.monotonic() + 60
        while NEW_TITLE not in pdf_text(pdf):
            assert time.monotonic() < deadline, watcher.seen
            time.sleep(0.2)
    finally:
        code, log = watcher.stop()
    assert code == 0 and "Traceback" not in log, log
