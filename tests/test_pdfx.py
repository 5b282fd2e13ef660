"""Press-ready print-shop files: `build --pdfx x-4` and `--pdfx x-1a` make
PDF/X files in CMYK with an output intent, read back from the real output
with pypdf (and checked by qpdf where it is installed); and the subset fonts
of one build carry a different tag for every different subset."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
from collections import defaultdict
from pathlib import Path

from PIL import Image
from pypdf import PdfReader
from pypdf.generic import ContentStream

from kit_helpers import build_into, missing, replace_once, run_cli

DECK = "velfaerdstemaer"
# The colour operators of PDF content: CMYK (k K) and all the others.
CMYK_OPERATORS = {b"k", b"K"}
OTHER_COLOUR_OPERATORS = {b"rg", b"RG", b"g", b"G", b"sc", b"SC", b"scn", b"SCN", b"cs", b"CS"}


def picture_kit(make_kit) -> Path:
    """The welfare-theme deck with a half-transparent magenta pictogram (an
    RGBA PNG) on every card."""
    kit = make_kit((DECK,))
    (kit / "pictures").mkdir()
    picto = Image.new("RGBA", (300, 200), (255, 0, 255, 255))
    picto.paste((0, 160, 255, 0), (0, 0, 150, 200))  # its left half transparent
    picto.save(kit / "pictures" / "picto.png")
    deck = kit / "decks" / f"{DECK}.yaml"
    replace_once(deck, "\n  - id: ", "\n  - picture: pictures/picto.png\n    id: ")
    return kit


def shop_files(out: Path) -> list[Path]:
    files = sorted((out / "decks").glob("*-print-shop.pdf"))
    assert files, list(out.rglob("*"))
    return files


def colour_operators(stream, reader) -> set[bytes]:
    return {op for _, op in ContentStream(stream, reader).operations if op in CMYK_OPERATORS | OTHER_COLOUR_OPERATORS}


def painted(resources, reader, seen: set) -> tuple[set[bytes], list]:
    """The colour operators of the forms in `resources` (and theirs), and
    every image they draw, as (image, its form's resources) pairs."""
    operators: set[bytes] = set()
    images = []
    for xobject in (resources or {}).get("/XObject", {}).values():
        xobject = xobject.get_object()
        if id(xobject) in seen:
            continue
        seen.add(id(xobject))
        if xobject["/Subtype"] == "/Image":
            images.append(xobject)
        else:
            operators |= colour_operators(xobject, reader)
            more, found = painted(xobject.get("/Resources"), reader, seen)
            operators |= more
            images += found
    return operators, images


def inside(inner, outer) -> bool:
    return (float(inner.left) >= float(outer.left) and float(inner.bottom) >= float(outer.bottom)
            and float(inner.right) <= float(outer.right) and float(inner.top) <= float(outer.top))


def check_pdfx(path: Path, version: str, pdf_version: str) -> PdfReader:
    """What every PDF/X file must be: checked here for one file."""
    raw = path.read_bytes()
    assert raw.startswith(f"%PDF-{pdf_version}".encode()), raw[:9]
    reader = PdfReader(path)
    info = reader.metadata
    assert info["/GTS_PDFXVersion"] == version, dict(info)
    assert info["/Trapped"] in ("/False", "/True"), dict(info)
    assert info["/Title"], dict(info)
    catalog = reader.trailer["/Root"]
    xmp = catalog["/Metadata"].get_object().get_data().decode("utf-8")
    assert re.search(rf"<pdfx(?:id)?:GTS_PDFXVersion>{re.escape(version)}</pdfx(?:id)?:GTS_PDFXVersion>", xmp), xmp
    assert "<pdf:Trapped>False</pdf:Trapped>" in xmp, xmp
    intents = catalog["/OutputIntents"]
    assert len(intents) == 1, intents
    intent = intents[0].get_object()
    assert intent["/S"] == "/GTS_PDFX" and intent["/OutputConditionIdentifier"], dict(intent)
    profile = intent["/DestOutputProfile"].get_object()
    assert profile["/N"] == 4, dict(profile)
    icc = profile.get_data()
    assert icc[12:20] == b"prtrCMYK" and icc[36:40] == b"acsp", icc[:40]  # an output profile, CMYK
    assert int.from_bytes(icc[:4], "big") == len(icc)
    for number, page in enumerate(reader.pages):
        assert page.get("/TrimBox") and page.get("/BleedBox"), (path.name, number)
        assert inside(page.trimbox, page.bleedbox) and inside(page.bleedbox, page.mediabox), (path.name, number)
        operators = colour_operators(page.get_contents(), reader)
        more, images = painted(page.get("/Resources"), reader, set())
        operators |= more
        assert operators and operators <= CMYK_OPERATORS, (path.name, number, operators)
        for image in images:
            assert image["/ColorSpace"] == "/DeviceCMYK", (path.name, number, dict(image))
        for font in page["/Resources"].get("/Font", {}).values():
            descriptor = font.get_object()["/FontDescriptor"].get_object()
            assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor), (path.name, dict(font.get_object()))
    return reader


def qpdf_check(path: Path) -> None:
    """qpdf, an independent reader of PDF, finds nothing wrong with the file."""
    qpdf = shutil.which("qpdf")
    if qpdf is None:
        missing("no qpdf to check the PDF files: apt-get install qpdf (Debian, Ubuntu) or brew install qpdf",
                "WORKSHOP_KIT_TEST_QPDF_REQUIRED")
    run = subprocess.run([qpdf, "--check", str(path)], capture_output=True, text=True)
    assert run.returncode == 0 and "No syntax or stream encoding errors" in run.stdout, run.stdout + run.stderr


def images_of(reader: PdfReader) -> list:
    found = []
    for page in reader.pages:
        found += painted(page.get("/Resources"), reader, set())[1]
    return found


def test_pdfx_4_print_shop_files_are_cmyk_with_the_output_intent_and_keep_transparency(make_kit, tmp_path):
    kit = picture_kit(make_kit)
    out = tmp_path / "out"
    build_into(kit, out, "--mode", "shop")  # an earlier build without PDF/X is not kept for it
    build_into(kit, out, "--mode", "shop", "--pdfx", "x-4")
    for path in shop_files(out):
        reader = check_pdfx(path, "PDF/X-4", "1.6")
        qpdf_check(path)
    images = images_of(reader)
    assert images, "the pictogram is not in the file"
    masks = [image["/SMask"].get_object() for image in images if "/SMask" in image]
    assert masks and all(mask["/ColorSpace"] == "/DeviceGray" for mask in masks), images


def test_pdfx_1a_print_shop_files_are_cmyk_without_transparency(make_kit, tmp_path):
    kit = picture_kit(make_kit)
    out = tmp_path / "out"
    build_into(kit, out, "--mode", "shop", "--pdfx", "x-1a")
    for path in shop_files(out):
        reader = check_pdfx(path, "PDF/X-1a:2003", "1.4")
        qpdf_check(path)
        raw = path.read_bytes()
        assert b"/SMask" not in raw and b"/Group" not in raw, path.name  # no soft masks, no transparency groups
        for match in re.finditer(rb"/(CA|ca) ([0-9.]+)", raw):
            assert float(match.group(2)) == 1, (path.name, match.group(0))
    images = images_of(reader)
    assert images and all("/SMask" not in image and "/Mask" not in image for image in images), images


def test_different_subsets_of_a_font_have_different_tags_across_the_files_of_a_build(built):
    """The same font in different files of one build holds different glyphs;
    each such subset must have a name of its own."""
    programs: dict[str, set[str]] = defaultdict(set)   # subset name -> digests of its font programs
    files: dict[str, set[str]] = defaultdict(set)      # subset name -> the files it is in
    for path in sorted(built.out.rglob("*.pdf")):
        reader = PdfReader(path)
        for page in reader.pages:
            for font in page.get("/Resources", {}).get("/Font", {}).values():
                font = font.get_object()
                name = str(font["/BaseFont"])
                program = font["/FontDescriptor"].get_object()["/FontFile2"].get_object().get_data()
                programs[name].add(hashlib.sha256(program).hexdigest())
                files[name].add(path.name)
    assert programs, "no fonts in the build"
    fonts = defaultdict(set)
    for name in programs:
        fonts[name.split("+", 1)[1]].add(name)
    # the build holds different subsets of one font, else this proves nothing
    assert any(len(names) > 1 for names in fonts.values()) or any(len(p) > 1 for p in programs.values()), programs
    shared = {name: sorted(files[name]) for name, digests in programs.items() if len(digests) > 1}
    assert not shared, f"one subset name for different subsets: {shared}"
    for name in programs:
        assert re.fullmatch(r"/[A-Z]{6}\+\S+", name), name
        assert not name.startswith("/AAAAAA+"), (name, sorted(files[name]))


def test_pdfx_without_print_shop_files_is_refused(make_kit, tmp_path):
    kit = make_kit((DECK,))
    run = run_cli("build", kit, "--out", tmp_path / "out", "--mode", "home", "--pdfx", "x-4")
    assert run.code == 2, run.output
    assert "--pdfx makes the print-shop files PDF/X, and --mode home makes none" in run.output, run.output
    assert "Traceback" not in run.output and not (tmp_path / "out" / "manifest.json").exists()
