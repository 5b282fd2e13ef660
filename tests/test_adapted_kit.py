"""A consultant adapts the kit without Python: a card type of the kit's
own with its own fields (a text, a choice, links to dilemmas and a
picture), the municipality's logo (an SVG), a pictogram on every card of
the new deck, and a print-and-play sheet layout of the kit's own (cards
folded in half, with a gap and cut lines). It validates, builds (the
pictures are in the printed pixels, the sheets follow the layout), its
cards' follow-up forms are served by a real `workshop-kit serve`, and
`workshop-kit report` reports the answer sent there."""

from __future__ import annotations

import json
import re

import httpx
import pypdf

from kit_helpers import build_into, normalise, replace_once, run_cli
from serve_helpers import Server, answer, free_port, kit_served_at
from test_card_types import LINKED, QUESTION_DECK, QUESTION_TEMPLATE
from test_pictures import CYAN, LOGO, MAGENTA, needs_cairo

LAYOUT = """\
gap: 4
marks: cut-lines
sides: fold
"""


def count(image, colour, tolerance: int = 40) -> int:
    """Pixels of about this colour."""
    data = image.convert("RGB").tobytes()
    return sum(1 for i in range(0, len(data), 3)
               if all(abs(data[i + k] - colour[k]) <= tolerance for k in range(3)))


def adapted_kit(tmp_path, make_kit):
    from PIL import Image

    needs_cairo()
    port = free_port()
    kit = kit_served_at(make_kit(LINKED), tmp_path / "kit", f"http://127.0.0.1:{port}")
    template = QUESTION_TEMPLATE.replace("front:\n  background: paper\n  elements:\n",
                                "front:\n  background: paper\n  elements:\n"
                                "    - kind: image\n      src: \"{logo}\"\n"
                                "      box: {right: 3, bottom: 3, width: 12, height: 5}\n", 1)
    (kit / "templates" / "question.yaml").write_text(template, encoding="utf-8")
    deck = QUESTION_DECK.replace("    horizon: kort sigt\n", "    horizon: kort sigt\n    sketch: pictures/picto.png\n")
    deck = deck.replace("    horizon: lang sigt\n", "    horizon: lang sigt\n    sketch: pictures/picto.png\n")
    (kit / "decks" / "spoergsmaal.yaml").write_text(deck, encoding="utf-8")
    (kit / "pictures").mkdir()
    (kit / "pictures" / "logo.svg").write_text(LOGO, encoding="utf-8")
    Image.new("RGB", (300, 200), MAGENTA).save(kit / "pictures" / "picto.png")
    (kit / "layouts").mkdir()
    (kit / "layouts" / "bordet.yaml").write_text(LAYOUT, encoding="utf-8")
    replace_once(kit / "kit.yaml", "\nbleed:", "\nlogo: pictures/logo.svg\nsheet_layout: bordet\nbleed:")
    return kit, port


def test_a_kit_with_its_own_card_type_pictures_and_sheet_layout_builds_serves_and_reports(make_kit, tmp_path):
    kit, port = adapted_kit(tmp_path, make_kit)
    run = run_cli("validate", kit)
    assert run.code == 0 and "Traceback" not in run.output, run.output

    built = build_into(kit, tmp_path / "out")
    office = next(f for f in built.files if f.get("deck") == "spoergsmaal" and f.get("mode") == "home")
    assert office["layout"]["sides"] == "fold" and office["layout"]["marks"] == "cut-lines", office
    assert office["layout"]["gap_mm"] == 4, office
    # the logo and the pictogram are in the printed pixels of the new deck's office sheet
    page = built.pdfium(office["path"])[0]
    image = page.render(scale=100 / 72).to_pil()
    assert count(image, MAGENTA) > 500, "the pictogram of each card is printed"
    assert count(image, CYAN) > 50, "the logo is printed"
    # the new type's fields are printed, and its link field prints the titles of the dilemmas it names
    text = normalise(" ".join(p.extract_text() for p in pypdf.PdfReader(built.path(office["path"])).pages))
    assert "Hvem bestemmer?" in text and "kort sigt" in text

    # a real server answers the card's follow-up form, and the report counts the answer
    db = tmp_path / "answers.db"
    card = next(c for c in built.cards if c["deck"] == "spoergsmaal")
    server = Server(kit, port, f"sqlite:///{db}").start()
    try:
        with httpx.Client(timeout=20) as http:
            page_html = http.get(card["qr_url"])
            assert page_html.status_code == 200 and "Hvem bestemmer?" in page_html.text
            fields = [(name, "4") for name in re.findall(r'name="(q-[^"]+)"', page_html.text)[:1]]
            assert fields, "the form has a question"
            sent = answer(http, card["qr_url"], fields)
            assert sent.status_code == 200, sent.text[:500]
    finally:
        server.stop()
    report = tmp_path / "report.pdf"
    run = run_cli("report", kit, "--db", f"sqlite:///{db}", "-o", report)
    assert run.code == 0 and "Traceback" not in run.output, run.output
    text = normalise(" ".join(p.extract_text() for p in pypdf.PdfReader(report).pages))
    assert "Spørgsmål til bordet" in text and "Hvem bestemmer?" in text
    manifest = json.loads(built.path("manifest.json").read_text(encoding="utf-8"))
    assert any(c["deck"] == "spoergsmaal" for c in manifest["cards"])
