"""The QR codes of the last build are kept in the output folder
(.workshop-kit/qr-cache) and read by the next build instead of encoding
them again; a cache file that is damaged, cut short or not one of ours is
ignored, and every printed code still decodes (zxing-cpp) to its URL.
And the progress line counts the cards while they are laid out.

How many symbols a build encodes is counted by a sitecustomize module
that wraps qrcode's QRCode.make in every interpreter the build starts
(its workers too, however they start), appending a line to a log file.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kit_helpers import Built, back_codes, copy_kit, lengthen_deck, load_yaml, replace_once
from test_terminal import run_in_terminal

CACHE = Path(".workshop-kit") / "qr-cache"
DPI = 150

COUNTER = """\
import os
from workshop_kit import qr

_place = qr._Frame.place


def place(self, *args, **kwargs):
    with open(os.environ["QR_ENCODE_LOG"], "a", encoding="utf-8") as log:
        log.write("encoded\\n")
    return _place(self, *args, **kwargs)


qr._Frame.place = place
"""


def counted_build(kit: Path, out: Path, *options: str, start: str = "none") -> tuple[Built, int]:
    """`python -m workshop_kit build KIT --out OUT --mode shop OPTIONS` with
    workers started by `start`; the finished build and the number of QR
    symbols it encoded."""
    hooks = out.parent / f"{out.name}-hooks"
    hooks.mkdir(exist_ok=True)
    (hooks / "sitecustomize.py").write_text(COUNTER, encoding="utf-8")
    log = hooks / "encoded.log"
    log.unlink(missing_ok=True)
    log.touch()
    env = {**os.environ, "NO_COLOR": "1", "PYTHONIOENCODING": "utf-8", "QR_ENCODE_LOG": str(log),
           "WORKSHOP_KIT_START_METHOD": start,
           "PYTHONPATH": os.pathsep.join([str(hooks), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.run([sys.executable, "-m", "workshop_kit", "build", str(kit), "--out", str(out),
                           "--mode", "shop", *options], capture_output=True, text=True, encoding="utf-8",
                          env=env, cwd=str(out.parent), timeout=300)
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stdout + proc.stderr
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return Built(out, manifest, None), len(log.read_text(encoding="utf-8").splitlines())


def decoded_codes(built: Built) -> dict[str, str]:
    """The text of the one QR code on the back of every card, by (deck, id),
    read from the PDFs' pixels."""
    found = {}
    for entry in built.deck_files:
        for card, codes in back_codes(built, entry, DPI):
            assert len(codes) == 1 and "QR" in codes[0].format.name, (card["id"], codes)
            found[(card["deck"], card["id"])] = codes[0].text
    return found


def assert_codes_decode(built: Built) -> None:
    assert decoded_codes(built) == {(c["deck"], c["id"]): c["qr_url"] for c in built.cards}
    assert all(c["qr_url"] for c in built.cards)


def cached_urls(out: Path) -> list[str]:
    """The URLs the cache file holds, read by its documented layout (MAGIC
    line, entries of length, URL, level, version and modules, SHA-256)."""
    data = (out / CACHE).read_bytes()
    at, end = data.index(b"\n") + 1, len(data) - 32
    urls = []
    while at < end:
        length = int.from_bytes(data[at:at + 2], "big")
        urls.append(data[at + 2:at + 2 + length].decode("utf-8"))
        version = data[at + 3 + length]
        modules = 17 + 4 * version
        at += 2 + length + 2 + modules * ((modules + 7) // 8)
    assert at == end
    return urls


@pytest.fixture
def small(tmp_path) -> tuple[Path, Path, Built]:
    """A kit of one 12-card deck, built once: (kit, output, build)."""
    kit, out = copy_kit(tmp_path / "kit", ("politikerroller",)), tmp_path / "out"
    built, encoded = counted_build(kit, out)
    assert encoded == len(built.cards) == 12
    return kit, out, built


def test_a_second_build_takes_the_qr_codes_of_the_first_from_the_output_folder(small):
    kit, out, first = small
    assert sorted(cached_urls(out)) == sorted(c["qr_url"] for c in first.cards)
    again, encoded = counted_build(kit, out, "--force")
    assert encoded == 0
    assert_codes_decode(again)


def _cut_short(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:len(path.read_bytes()) // 2])


def _one_bit_flipped(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x10  # in the modules of a symbol
    path.write_bytes(bytes(data))


def _without_checksum(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:-32])


def _foreign(path: Path) -> None:
    path.write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 8)


def _empty(path: Path) -> None:
    path.write_bytes(b"")


def _another_kits_cache(path: Path) -> None:
    """A well-formed cache file whose symbols are those of other URLs."""
    data = path.read_bytes()
    path.write_bytes(data.replace(b"example.org", b"example.net"))  # (and a checksum that no longer fits)


def _link_to_a_good_copy(path: Path) -> None:
    copy = path.parent.parent.parent / "elsewhere-qr-cache"
    shutil.copy(path, copy)
    path.unlink()
    path.symlink_to(copy)


DAMAGE = {"cut short": _cut_short, "one bit flipped": _one_bit_flipped, "no checksum": _without_checksum,
          "foreign": _foreign, "empty": _empty, "another kit's": _another_kits_cache,
          "a link": _link_to_a_good_copy}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_a_damaged_or_foreign_cache_is_ignored_and_written_anew(small, damage):
    kit, out, _ = small
    DAMAGE[damage](out / CACHE)
    built, encoded = counted_build(kit, out, "--force")
    assert encoded == 12  # nothing of the file was used
    assert_codes_decode(built)
    assert not (out / CACHE).is_symlink()
    again, encoded = counted_build(kit, out, "--force")
    assert encoded == 0  # the file was written anew
    assert_codes_decode(again)


def test_a_folder_in_the_caches_place_does_not_stop_the_build(small):
    kit, out, _ = small
    (out / CACHE).unlink()
    (out / CACHE).mkdir()
    (out / CACHE / "something").write_text("kept", encoding="utf-8")
    built, encoded = counted_build(kit, out, "--force")
    assert encoded == 12
    assert_codes_decode(built)
    assert (out / CACHE / "something").read_text(encoding="utf-8") == "kept"


def test_a_cache_folder_that_is_a_link_elsewhere_is_neither_read_nor_written(small, tmp_path):
    kit, out, _ = small
    elsewhere = tmp_path / "elsewhere"
    shutil.move(out / CACHE.parent, elsewhere)
    (out / CACHE.parent).symlink_to(elsewhere)
    kept = (elsewhere / CACHE.name).read_bytes()
    for _ in range(2):
        built, encoded = counted_build(kit, out, "--force")
        assert encoded == 12
        assert_codes_decode(built)
    assert (out / CACHE.parent).is_symlink() and (elsewhere / CACHE.name).read_bytes() == kept


def test_the_cache_holds_only_the_urls_the_kit_still_has(tmp_path):
    kit, out = copy_kit(tmp_path / "kit", ("politikerroller", "velfaerdstemaer")), tmp_path / "out"
    first, encoded = counted_build(kit, out)
    urls = {(c["deck"], c["id"]): c["qr_url"] for c in first.cards}
    assert encoded == len(urls) == len(first.cards) > 12 and sorted(cached_urls(out)) == sorted(urls.values())

    # a card renamed: its old URL leaves the cache, its new one comes in
    deck = kit / "decks" / "politikerroller.yaml"
    old_id = load_yaml(deck)["cards"][0]["id"]
    replace_once(deck, f"id: {old_id}", f"id: {old_id}-ny")
    renamed, encoded = counted_build(kit, out)
    assert encoded == 1
    now = {(c["deck"], c["id"]): c["qr_url"] for c in renamed.cards}
    old, new = urls[("politikerroller", old_id)], now[("politikerroller", f"{old_id}-ny")]
    assert old not in now.values() and new not in urls.values()
    assert sorted(cached_urls(out)) == sorted(now.values())
    assert_codes_decode(renamed)

    # a deck gone from the kit: its URLs leave the cache, even though nothing is laid out
    (kit / "decks" / "velfaerdstemaer.yaml").unlink()
    smaller, encoded = counted_build(kit, out)
    assert encoded == 0
    assert sorted(cached_urls(out)) == sorted(c["qr_url"] for c in smaller.cards)
    assert {c["deck"] for c in smaller.cards} == {"politikerroller"}


@pytest.mark.parametrize("start", ["fork", "spawn"])
def test_workers_take_the_cache_and_return_what_they_encode(tmp_path, start):
    """A deck long enough to be laid out by worker processes."""
    kit, out = copy_kit(tmp_path / "kit", ("politikerroller",)), tmp_path / "out"
    lengthen_deck(kit, "politikerroller", 150)
    first, encoded = counted_build(kit, out, start=start)
    assert encoded == len(first.cards) == 150
    assert sorted(cached_urls(out)) == sorted(c["qr_url"] for c in first.cards)
    again, encoded = counted_build(kit, out, "--force", start=start)
    assert encoded == 0
    assert_codes_decode(again)


CARDS = re.compile(r"\r  (\d+)/(\d+) cards")
FILES = re.compile(r"\r  (\d+)/(\d+) files")


def test_the_progress_line_counts_the_cards_laid_out_then_the_files(tmp_path):
    kit, out = copy_kit(tmp_path / "kit", ("politikerroller",)), tmp_path / "out"
    lengthen_deck(kit, "politikerroller", 250)
    code, _, terminal = run_in_terminal("build", kit, "--out", out, "--mode", "shop", cwd=tmp_path,
                                        NO_COLOR="1")
    assert code == 0, terminal
    cards = [(int(m[1]), int(m[2])) for m in CARDS.finditer(terminal)]
    assert cards[0] == (0, 250) and cards[-1] == (250, 250), terminal
    assert [done for done, _ in cards] == sorted(done for done, _ in cards)
    assert any(0 < done < 250 for done, _ in cards), terminal  # counted as the chunks are done
    files = FILES.search(terminal)
    assert files and files.start() > max(m.start() for m in CARDS.finditer(terminal)), terminal
