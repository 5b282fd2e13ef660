"""What every PDF says about itself, read back with pypdf: Title, Subject
and Author (the kit's organisation) in the document information, and the
viewer preferences that start the print dialog right (100 % scale, the
sides of the file, the paper tray by page size). And the kit's office
paper on every office file: worksheets, token sheets and poster tiles too.

The expected values come from the kit's YAML files and the manifest's file
kinds, never from the code under test."""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pypdf
import pytest

from kit_helpers import PAPERS_PT, REPO, Built, build_into, load_yaml, normalise, pdf_text, replace_once, run_cli
from workshop_kit.store import database_url, open_database

DA = load_yaml(REPO / "src" / "workshop_kit" / "data" / "labels" / "da.yaml")
DUPLEX_NAMES = {"long-edge": "/DuplexFlipLongEdge", "short-edge": "/DuplexFlipShortEdge"}
PAPER_NAMES = {"a4": "A4", "letter": "Letter", "a3": "A3", "a2": "A2", "a1": "A1", "a0": "A0"}
WORKSHEETS = ("partnerliste", "tjekliste", "beslutningsark")


def full_copy(dest: Path) -> Path:
    """The whole shipped kit: kit.yaml, guide.yaml, templates, decks and boards."""
    dest.mkdir(parents=True)
    for name in ("kit.yaml", "guide.yaml"):
        shutil.copy2(REPO / name, dest / name)
    for folder in ("templates", "decks", "boards"):
        shutil.copytree(REPO / folder, dest / folder)
    return dest


def make_report(kit: Path, *options) -> Path:
    """`workshop-kit report` over an empty database made as serve makes it."""
    open_database(database_url(None, kit)).dispose()
    run = run_cli("report", kit, *options)
    assert run.code == 0 and "Traceback" not in run.output, run.output
    return Path(options[-1]) if options else kit / "output" / "report.pdf"


@pytest.fixture(scope="module")
def letter(tmp_path_factory) -> tuple[Path, Built, Path]:
    """A copy of the shipped kit on Letter paper that flips on the short edge, built, with its report."""
    kit = full_copy(tmp_path_factory.mktemp("letter") / "kit")
    replace_once(kit / "kit.yaml", "paper: a4 ", "paper: letter ")
    replace_once(kit / "kit.yaml", "duplex: long-edge ", "duplex: short-edge ")
    built = build_into(kit, kit / "output")
    return kit, built, make_report(kit)


@pytest.fixture(scope="module")
def shipped_report(tmp_path_factory) -> Path:
    kit = full_copy(tmp_path_factory.mktemp("report") / "kit")
    return make_report(kit, "-o", str(tmp_path_factory.mktemp("report-out") / "report.pdf"))


def names_of(kit: Path) -> dict:
    """Deck names and board titles by slug, the guide's title and the kit's settings, from the YAML."""
    return {
        "kit": load_yaml(kit / "kit.yaml"),
        "decks": {p.stem: load_yaml(p)["name"] for p in (kit / "decks").glob("*.yaml")},
        "boards": {p.stem: load_yaml(p)["title"] for p in (kit / "boards").glob("*.yaml")},
        "guide": load_yaml(kit / "guide.yaml")["title"],
    }


def prefs(reader: pypdf.PdfReader) -> dict:
    found = reader.trailer["/Root"].get("/ViewerPreferences")
    return dict(found.get_object()) if found is not None else {}


def check_every_pdf(out: Path, manifest: dict, report: Path, kit: Path) -> None:
    names = names_of(kit)
    kit_yaml = names["kit"]
    entries = {f["path"]: f for f in manifest["files"]}
    pdfs = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.pdf") if p != report)
    assert pdfs and set(pdfs) == {p for p in entries if p.endswith(".pdf")}, pdfs
    office = {"Duplex": "/Simplex", "PrintScaling": "/None", "PickTrayByPDFSize": True}
    subjects: dict[str, set] = {}
    wrong = []
    for path in pdfs + [report]:
        entry = entries.get(path, {"kind": "report", "paper": kit_yaml["paper"]})
        kind = entry["kind"]
        reader = pypdf.PdfReader(str(out / path))
        info = reader.metadata
        got = {k.lstrip("/"): v for k, v in prefs(reader).items()}
        if kind == "card-deck" and entry["mode"] == "shop":
            # one card a page for the print shop: the shop sets sides and trays
            want = {"PrintScaling": "/None"}
            name = names["decks"][entry["deck"]]
        elif kind == "card-deck":
            want = dict(office, Duplex=DUPLEX_NAMES[kit_yaml["duplex"]])
            name = names["decks"][entry["deck"]]
        elif kind in ("board-poster", "board-tiles", "token-sheet"):
            want = office
            name = names["boards"][entry["board"]]
        elif kind == "guide":
            want, name = office, names["guide"]
        else:
            want, name = office, DA["report_title"]
        if got != want:
            wrong.append((path, "prefs", got))
        if info.author != kit_yaml["organisation"]:
            wrong.append((path, "author", info.author))
        if not info.title or name not in info.title:
            wrong.append((path, "title", info.title))
        if kind not in ("guide", "report") and entry.get("paper") in PAPER_NAMES \
                and PAPER_NAMES[entry["paper"]] not in info.title:
            wrong.append((path, "title without paper", info.title))
        if not info.subject or kit_yaml["title"] not in info.subject:
            wrong.append((path, "subject", info.subject))
        key = kind + ("-" + entry["mode"] if kind == "card-deck" else "") \
            + ("-" + entry["variant"] if kind == "board-poster" else "") \
            + ("-worksheet" if entry.get("board") in WORKSHEETS else "")
        subjects.setdefault(key, set()).add(info.subject)
    assert not wrong, wrong
    # the subject says what the file is for: the same for every file of a kind, different between kinds
    assert all(len(found) == 1 for found in subjects.values()), subjects
    assert len({next(iter(found)) for found in subjects.values()}) == len(subjects) >= 8, subjects


def test_every_pdf_of_the_shipped_kit_says_what_it_is_and_how_to_print_it(built, shipped_kit, shipped_report):
    kinds = {f["kind"] for f in built.files}
    assert {"card-deck", "board-poster", "board-tiles", "token-sheet", "guide"} <= kinds
    check_every_pdf(built.out, built.manifest, shipped_report, shipped_kit)


def test_every_pdf_of_a_letter_kit_that_flips_on_the_short_edge(letter):
    kit, built, report = letter
    assert report.parent == built.out
    check_every_pdf(built.out, built.manifest, report, kit)


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: set[str] = set()

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.hrefs.add(href)


def page_sizes(path: Path) -> set[tuple[int, int]]:
    return {(round(float(p.mediabox.width)), round(float(p.mediabox.height)))
            for p in pypdf.PdfReader(str(path)).pages}


def test_letter_paper_in_kit_yaml_puts_worksheets_tokens_and_tiles_on_letter(letter):
    kit, built, report = letter
    portrait, landscape = (612, 792), (792, 612)
    office = [f for f in built.files if f["kind"] in ("board-tiles", "token-sheet")
              or (f["kind"] == "board-poster" and f["board"] in WORKSHEETS)]
    paths = {f["path"] for f in office}
    assert {f"boards/{w}-letter.pdf" for w in WORKSHEETS} <= paths, paths
    assert {"boards/indflydelsescirkel-a3-tiles-letter.pdf", "boards/partnermatrix-a3-tiles-letter.pdf",
            "boards/indflydelsescirkel-tokens-letter.pdf",
            "boards/partnermatrix-tokens-letter.pdf"} <= paths, paths
    for entry in office:
        assert entry["paper"] == "letter", entry
        sizes = page_sizes(built.path(entry["path"]))
        assert sizes and sizes <= {portrait, landscape}, (entry["path"], sizes)
    assert page_sizes(built.path("boards/tjekliste-letter.pdf")) == {portrait}
    assert page_sizes(built.path("boards/partnerliste-letter.pdf")) == {landscape}
    # nothing of the office paper is left on A4
    assert not [f["path"] for f in built.files if f.get("paper") == "a4" or "a4" in f["path"]]
    assert not [p for p in built.out.rglob("*a4*")]
    # the index page links every file, and the guide's materials list names them
    links = Links()
    links.feed(built.path("index.html").read_text(encoding="utf-8"))
    assert paths <= links.hrefs, paths - links.hrefs
    guide = normalise(pdf_text(built.path("guide-letter.pdf")))
    named = set(re.findall(r"boards/[a-z0-9-]+\.pdf", guide))
    assert named & paths and named <= {f["path"] for f in built.files}, named
    assert "-a4" not in guide and "A4" not in guide


def test_the_paper_option_moves_the_worksheets_and_tile_still_chooses_the_tiles(shipped_kit, tmp_path):
    result = build_into(shipped_kit, tmp_path / "out", "--only", "tjekliste", "--only", "partnermatrix",
                        "--paper", "letter", "--tile", "a4", in_process=True)
    paths = {f["path"]: f for f in result.files}
    assert page_sizes(result.path("boards/tjekliste-letter.pdf")) == {(612, 792)}
    assert paths["boards/partnermatrix-tokens-letter.pdf"]["paper"] == "letter"
    tiles = paths["boards/partnermatrix-a3-tiles-a4.pdf"]
    assert tiles["paper"] == "a4"
    assert page_sizes(result.path(tiles["path"])) <= {tuple(round(v) for v in PAPERS_PT["a4"]), (842, 595)}
    assert not re.search(r"tjekliste-a4|tokens-a4", " ".join(paths))
