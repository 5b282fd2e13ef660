"""Helpers shared by the tests: running the real command line, reading a
build's manifest, copying and editing small kits, reading PDFs back.

The PDFs are written with ReportLab and the QR codes with the qrcode
package; everything here reads them back with other libraries: pypdf for
boxes and fonts, pypdfium2 for text positions, paths and rasters, zxing-cpp
for the QR codes.
"""

from __future__ import annotations

import ctypes
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
MM = 72 / 25.4  # points per millimetre
ALL_DECKS = ("dialogformater", "dilemmaer", "politikerroller", "politiske-greb", "velfaerdstemaer")
# Decks that link to no other deck, so each builds alone.
STANDALONE = ("politikerroller", "velfaerdstemaer")
PAPERS_PT = {"a4": (595.28, 841.89), "letter": (612.0, 792.0), "a3": (841.89, 1190.55)}
CHROMIUM = os.environ.get("WORKSHOP_KIT_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

# "decks/x.yaml:12:7:" at the start of a reported problem
WHERE = re.compile(r"^\s*(?P<file>\S+?\.yaml):(?P<line>\d+):(?P<col>\d+):(?P<rest>.*)$", re.MULTILINE)


# --- running the command line -----------------------------------------------

@dataclass
class Run:
    code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    def __iter__(self):  # unpacks as (exit_code, stdout, stderr)
        return iter((self.code, self.stdout, self.stderr))

    def problems(self) -> list[re.Match]:
        """The 'file:line:col: ...' lines on stderr."""
        return list(WHERE.finditer(self.stderr))


def run_cli(*args, cwd: Path | None = None, timeout: float = 120) -> Run:
    """Run `python -m workshop_kit ARGS` in a fresh interpreter.

    stderr is a pipe (not a terminal), as in CI or a script, so the exit
    status, the messages and any traceback are exactly what a user gets."""
    env = dict(os.environ)
    env["NO_COLOR"] = "1"
    env["PYTHONIOENCODING"] = "utf-8"
    proc = subprocess.run(
        [sys.executable, "-m", "workshop_kit", *map(str, args)],
        check=False, capture_output=True, text=True, encoding="utf-8",
        cwd=str(cwd or tempfile.gettempdir()), env=env, timeout=timeout,
    )
    return Run(proc.returncode, proc.stdout, proc.stderr)


def run_in_process(*args, input: str | None = None) -> Run:
    """The same command through click's CliRunner, in this interpreter: no
    start-up cost, for checks of what a command does rather than of how the
    process ends. `input` is what is typed at its prompts. An exception
    other than SystemExit is raised here."""
    from click.testing import CliRunner

    from workshop_kit.cli import main

    try:
        runner = CliRunner(mix_stderr=False)  # click < 8.2
    except TypeError:
        runner = CliRunner()  # click >= 8.2 keeps stderr apart
    result = runner.invoke(main, [str(a) for a in args], input=input, catch_exceptions=True)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Run(result.exit_code, result.stdout, result.stderr)


# --- a finished build ---------------------------------------------------------

@dataclass
class Built:
    """A finished build: its output folder, manifest and what it printed."""

    out: Path
    manifest: dict
    run: Run
    _docs: dict = field(default_factory=dict, repr=False)

    def path(self, name: str) -> Path:
        return self.out / name

    @property
    def files(self) -> list[dict]:
        return self.manifest["files"]

    @property
    def cards(self) -> list[dict]:
        return self.manifest["cards"]

    @property
    def deck_files(self) -> list[dict]:
        """The card-deck files (a kit may have other kinds of output too)."""
        return [f for f in self.files if f.get("kind") == "card-deck"]

    def files_of(self, mode: str) -> list[dict]:
        return [f for f in self.deck_files if f["mode"] == mode]

    def file(self, deck: str, mode: str) -> dict:
        found = [f for f in self.deck_files if f["deck"] == deck and f["mode"] == mode]
        assert len(found) == 1, (deck, mode, self.files)
        return found[0]

    def placements(self, file: str, page: int | None = None, side: str | None = None):
        """(card, placement) pairs of one file (and page, and side)."""
        for card in self.cards:
            for p in card["placements"]:
                if p["file"] == file and (page is None or p["page"] == page) \
                        and (side is None or p["side"] == side):
                    yield card, p

    def placement(self, card: dict, file: str, side: str) -> dict:
        found = [p for p in card["placements"] if p["file"] == file and p["side"] == side]
        assert len(found) == 1, (card["id"], file, side, found)
        return found[0]

    def face_picture(self, card: dict, side: str):
        """The thumbnail of a card face as index.html shows it: its rectangle
        of the contact sheet the manifest names (a PIL image, RGB)."""
        from PIL import Image

        info = card["thumbnails"][side]
        (left, top), (width, height) = info["at"], info["pixels"]
        with Image.open(self.path(info["path"])) as sheet:
            assert list(sheet.size) == info["sheet_pixels"], (info, sheet.size)
            return sheet.convert("RGB").crop((left, top, left + width, top + height))

    @property
    def thumbnail_sheets(self) -> list[dict]:
        """The contact sheets of every deck (path, pixels, bytes, faces)."""
        return [t for deck in self.manifest["decks"] for t in deck.get("thumbnail_sheets", [])]

    def pdfium(self, name: str):
        """A pypdfium2 document of an output file, opened once."""
        import pypdfium2 as pdfium

        if name not in self._docs:
            self._docs[name] = pdfium.PdfDocument(str(self.path(name)))
        return self._docs[name]


def build_into(kit: Path, out: Path, *options: str, in_process: bool = False) -> Built:
    """Build a kit through the command line; it must succeed."""
    run = (run_in_process if in_process else run_cli)("build", kit, "--out", out, *options)
    assert run.code == 0, run.output
    assert "Traceback" not in run.output, run.output
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return Built(out, manifest, run)


# --- temporary kits -----------------------------------------------------------

def copy_kit(dest: Path, decks=ALL_DECKS) -> Path:
    """kit.yaml, templates/ and the chosen decks of the shipped kit, copied."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy2(REPO / "kit.yaml", dest / "kit.yaml")
    shutil.copytree(REPO / "templates", dest / "templates")
    (dest / "decks").mkdir()
    for name in decks:
        shutil.copy2(REPO / "decks" / f"{name}.yaml", dest / "decks" / f"{name}.yaml")
    return dest


@dataclass
class Earlier:
    """A copy of an earlier, successful build and the hashes of its files."""

    out: Path
    digest: dict[str, str]

    def assert_unchanged(self) -> None:
        assert tree_digest(self.out) == self.digest, "the earlier output was changed"


def copy_whole_kit(source: Path, dest: Path) -> Path:
    """A kit folder with its guide and boards (copy_kit copies decks only)."""
    dest.mkdir(parents=True)
    for name in ("kit.yaml", "guide.yaml"):
        shutil.copy2(source / name, dest / name)
    for folder in ("decks", "boards", "templates"):
        if (source / folder).is_dir():
            shutil.copytree(source / folder, dest / folder)
    return dest


def build_programme(source: Path, folder: Path, programme: str, *also: str) -> tuple[Path, "Built"]:
    """A copy of a shipped kit (in `folder`/kit) whose guide prints `programme`
    (three_hours or full_day), built for home printing with the decks and
    boards of that programme's steps and those `also` names; (kit, build)."""
    kit = copy_whole_kit(source, folder / "kit")
    guide = kit / "guide.yaml"
    chosen = load_yaml(guide)["programme"]
    if programme != chosen:
        replace_once(guide, f"programme: {chosen}", f"programme: {programme}")
    tools = {s["tool"] for s in load_yaml(guide)["programmes"][programme]["steps"] if s.get("tool")}
    only = [a for name in sorted(tools | set(also)) for a in ("--only", name)]
    return kit, build_into(kit, kit / "out", "--mode", "home", *only)


def replace_once(path: Path, old: str, new: str) -> None:
    """Replace the first occurrence of `old`, which must be in the file."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_col(path: Path, needle: str, at: str | None = None) -> tuple[int, int]:
    """1-based line of the first line containing `needle`, and the 1-based
    column of `at` (default: the needle itself) in that line."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number, line.index(needle if at is None else at) + 1
    raise AssertionError(f"{needle!r} not in {path}")


def load_yaml(path: Path):
    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def tree_digest(folder: Path) -> dict[str, str]:
    """sha256 of every file below a folder (hidden ones too), by relative
    path; folders are listed as "<dir>", so a new empty folder shows too."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        if p.is_file() else "<dir>"
        for p in sorted(folder.rglob("*"))
    }


# --- reading PDFs back --------------------------------------------------------

def trim_pt(placement: dict) -> tuple[float, float, float, float]:
    """A placement's trim as (left, bottom, right, top) in points."""
    x, y, w, h = placement["trim_mm"]
    return x * MM, y * MM, (x + w) * MM, (y + h) * MM


def back_codes(built: "Built", entry: dict, dpi: int = 150):
    """(card, QR codes) for every card back of one deck file: the codes
    zxing-cpp finds in the card's trim on the page rasterised at `dpi`."""
    import zxingcpp

    doc = built.pdfium(entry["path"])
    scale = dpi / 72
    for number in range(1, entry["pages"] + 1):
        backs = list(built.placements(entry["path"], page=number, side="back"))
        if not backs:
            continue
        image = doc[number - 1].render(scale=scale).to_pil()
        for card, p in backs:
            left, bottom, right, top = trim_pt(p)
            crop = image.crop((round(left * scale), round(image.height - top * scale),
                               round(right * scale), round(image.height - bottom * scale)))
            yield card, zxingcpp.read_barcodes(crop)


def pdf_text(path: Path) -> str:
    """All the text of a PDF file, page after page, as pypdfium2 extracts it."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(path))
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in doc)
    finally:
        doc.close()


def normalise(text: str) -> str:
    """Extracted text with line breaks and hyphenation at line ends undone."""
    # pdfium reports a hyphen that ends a line as U+0002 or U+FFFE, without
    # the line break after it; plain hyphens at a line end are undone too
    text = re.sub("[\x02\ufffe\u00ad]\\s*", "", text)
    text = re.sub(r"-[ \t]*\r?\n\s*", "", text)
    return " ".join(text.split())


def stroked_segments(page) -> list[tuple[float, float, float, float]]:
    """Every straight segment of every stroked path on a pypdfium2 page, in
    points on the page: (x1, y1, x2, y2)."""
    import pypdfium2.raw as pdfium_c

    segments = []
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH]):
        fill_mode, stroke = ctypes.c_int(), ctypes.c_int()
        assert pdfium_c.FPDFPath_GetDrawMode(obj, fill_mode, stroke)
        if not stroke.value:
            continue
        a, b, c, d, e, f = obj.get_matrix().get()
        start = last = None
        for i in range(pdfium_c.FPDFPath_CountSegments(obj)):
            seg = pdfium_c.FPDFPath_GetPathSegment(obj, i)
            px, py = ctypes.c_float(), ctypes.c_float()
            assert pdfium_c.FPDFPathSegment_GetPoint(seg, px, py)
            x, y = a * px.value + c * py.value + e, b * px.value + d * py.value + f
            kind = pdfium_c.FPDFPathSegment_GetType(seg)
            if kind == pdfium_c.FPDF_SEGMENT_MOVETO:
                start = last = (x, y)
                continue
            assert kind == pdfium_c.FPDF_SEGMENT_LINETO, "crop marks are straight lines"
            segments.append((*last, x, y))
            last = (x, y)
            if pdfium_c.FPDFPathSegment_GetClose(seg):
                segments.append((x, y, *start))
                last = start
    return segments


BASE_URL_LINE = "base_url: https://example.org"


def use_url_template(kit: Path, template: str = "https://example.org/f/{kit}/{deck}/{card}") -> None:
    """Make the kit's QR codes follow an explicit follow_up.url instead of base_url."""
    replace_once(kit / "kit.yaml", BASE_URL_LINE, f"url: {template}")


# The line of the shipped kits' form that sets its audience: councillors at
# the workshop, asked about topics and formats only.
COUNCIL_FORM_LINE = "    audience: council\n"
# What a test of the questions on who answers sets there instead: age, area
# and formats, and name, email and phone with consent.
WHO_ANSWERS = ("    background: [age, area, formats]\n"
               "    contact:\n"
               "      consent: >-\n"
               "        {consent}\n"
               "      fields: [name, email, phone]\n")
WHO_ANSWERS_CONSENT = {
    "da": "Ja, kommunen må kontakte mig om at deltage i det videre arbejde med emnet.",
    "en": "Yes, the municipality may contact me about taking part in the further work on this topic.",
}


def ask_who_answers(kit: Path) -> None:
    """Make the form of a copy of a shipped kit ask its participants' age,
    area and formats, and their contact details with consent, in place of
    the council's preset (kit.yaml edited as a consultant edits it)."""
    language = "en" if re.search(r"(?m)^language: *en\b", (kit / "kit.yaml").read_text(encoding="utf-8")) else "da"
    replace_once(kit / "kit.yaml", COUNCIL_FORM_LINE, WHO_ANSWERS.format(consent=WHO_ANSWERS_CONSENT[language]))


# Where the shipped kit's QR codes lead (its base_url, then /f/{kit}/{deck}/{card}).
SHIPPED_QR_URL = "https://example.org/f/{kit}/{deck}/{card}"


def sitecustomize(folder: Path, code: str, monkeypatch) -> None:
    """Run `code` at the start of every interpreter the test starts (a
    sitecustomize module in `folder`, put first on PYTHONPATH); workshop_kit
    is imported from where this interpreter imports it."""
    folder.mkdir(exist_ok=True)
    (folder / "sitecustomize.py").write_text(code, encoding="utf-8")
    rest = [os.environ["PYTHONPATH"]] if os.environ.get("PYTHONPATH") else []
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(folder), *rest]))


# --- services a test needs -----------------------------------------------------

def missing(reason: str, required_variable: str) -> None:
    """Skip the test for want of a system service, saying what to install;
    fail instead where `required_variable` is 1 (as in CI)."""
    import pytest

    if os.environ.get(required_variable) == "1":
        pytest.fail(f"{reason} ({required_variable}=1)")
    pytest.skip(reason)


# --- a real browser -----------------------------------------------------------

@contextmanager
def chromium():
    """The system Chromium, headless, driven by Playwright (whose own browser
    download is not used)."""
    import pytest

    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install '.[test]' installs playwright")
    if not Path(CHROMIUM).is_file():
        missing(f"no Chromium at {CHROMIUM}: these tests drive the system browser; "
                "apt-get install chromium (Debian, Ubuntu), or see the README", "WORKSHOP_KIT_TEST_BROWSER_REQUIRED")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def lengthen_deck(kit: Path, deck: str, cards: int) -> None:
    """Repeat a deck's cards (each with a new id) until it has `cards` cards."""
    path = kit / "decks" / f"{deck}.yaml"
    data = load_yaml(path)
    shipped = data["cards"]
    data["cards"] = [dict(shipped[i % len(shipped)], id=f"{shipped[i % len(shipped)]['id']}-{i}")
                     for i in range(cards)]
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
