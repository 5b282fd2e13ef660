"""Text set like a book: hyphenation by rules (at least 2 letters before and
3 after a hyphen, no word under 7 letters hyphenated, at most two
hyphenated lines in a row, no last line under 4 letters, no break inside a
word without a hyphen), soft hyphens printed only where a line breaks at
them, compounds broken at their joints, accents as one character, and text
that grows on a larger card.

The rules are checked with the real Typesetter and font on the shipped
kits' own paragraphs, and on the PDFs the command line writes, read back
with pypdfium2.
"""

from __future__ import annotations

import re
import statistics
import sys
import unicodedata

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest

from kit_helpers import REPO, STANDALONE, build_into, load_yaml, replace_once
from workshop_kit.fonts import family
from workshop_kit.layout.text import DASHES, SOFT, Block, Hyphenation, Span, Typesetter, compound_joints, parse_markup

sys.path.insert(0, str(REPO / "bench"))
import typesetting as bench  # noqa: E402

FONT = "Fira Sans"
SIZE = 9.0
WIDTHS_MM = (38, 46, 54, 61)  # narrow boxes up to the body of a tarot card
PT_TO_MM = 25.4 / 72
LINE_END_HYPHEN = "[\x02\ufffe]"  # how pdfium reports a hyphen that ends a line


def setter(language: str = "da") -> Typesetter:
    return Typesetter(family(FONT), language)


def texts(lines, size: float = SIZE) -> list[str]:
    """Each line's text; a space where the spans of two styles stand apart."""
    fam, out = family(FONT), []
    for line in lines:
        text, end = "", None
        for span in line.spans:
            if end is not None and span.x_pt > end + 0.1:
                text += " "
            text += span.text
            end = span.x_pt + fam.width(span.text, span.style, size)
        out.append(text)
    return out


def paragraphs(kit) -> list[str]:
    """The prose of a kit's decks: every string of 60 characters or more."""
    found: list[str] = []

    def visit(value):
        if isinstance(value, dict):
            for item in value.values():
                visit(item)
        elif isinstance(value, list):
            for item in value:
                visit(item)
        elif isinstance(value, str) and len(value) >= 60:
            found.append(value)

    for path in sorted((kit / "decks").glob("*.yaml")):
        visit(load_yaml(path))
    return found


def set_paragraphs(language: str, kit) -> list[list[str]]:
    """Every paragraph of the kit set at each of the widths."""
    ts = setter(language)
    out = []
    for text in paragraphs(kit):
        block = Block(tuple(parse_markup(text, "regular")))
        for width in WIDTHS_MM:
            lines = ts.break_lines([block], width / PT_TO_MM, SIZE)
            assert lines is not None, text
            out.append(texts(lines))
    return out


KITS = [("da", REPO), ("en", REPO / "kits" / "en")]


# --- the rules, with the real Typesetter and font ---------------------------------

@pytest.mark.parametrize(("word", "parts"), [
    ("Ældreomsorgsmedarbejderuddannelsesprogrammet", "Ældre-omsorgs-medarbejder-uddannelses-programmet"),
    ("Kommunalbestyrelsesmedlemsvederlagsbekendtgørelsen", "Kommunal-bestyrelses-medlems-vederlags-bekendtgørelsen"),
    ("handicapområdeforretningsgangene", "handicap-område-forretnings-gangene"),
    ("kommunaldirektøren", "kommunal-direktøren"),
    ("valgperioden", "valg-perioden"),
    ("mødegængere", "møde-gængere"),
])
def test_danish_compounds_are_divided_at_their_joints(word, parts):
    joints = compound_joints(word, "da")
    cut = [word[a:b] for a, b in zip((0, *joints), (*joints, len(word)))]
    assert "-".join(cut) == parts


@pytest.mark.parametrize("width", [30, 40, 55])
def test_a_long_compound_breaks_at_its_joints(width):
    word = "Kommunalbestyrelsesmedlemsvederlagsbekendtgørelsen"
    lines = texts(setter().break_lines([Block((Span(word, "regular"),))], width / PT_TO_MM, SIZE))
    assert len(lines) > 1
    at, breaks = 0, []
    for line in lines[:-1]:
        assert line.endswith("-"), lines
        at += len(line) - 1
        breaks.append(at)
    assert set(breaks) <= set(compound_joints(word, "da")), lines


@pytest.mark.parametrize(("language", "kit"), KITS)
def test_fragments_are_at_least_two_letters_before_and_three_after_a_hyphen(language, kit):
    for lines in set_paragraphs(language, kit):
        for line, after in zip(lines, lines[1:]):
            if not line.endswith("-") or line.endswith(" -"):
                continue
            head = re.search(r"(\w+)-$", line).group(1)
            rest = re.match(r"\w+", after).group(0)
            text = " ".join(paragraphs(kit))
            if (head + "-" + rest) in text or f"{head}- {rest}" in text:  # the text's own hyphen
                continue
            assert len(head) >= 2 and len(rest) >= 3, (head, rest, lines)
            assert len(head) + len(rest) >= 7, (head, rest, lines)


def longest_run(lines: list[str]) -> int:
    """The most lines in a row that end in a hyphen (a dash between words is none)."""
    run = most = 0
    for line in lines[:-1]:
        run = run + 1 if re.search(f"\\w[{DASHES}]$", line) else 0
        most = max(most, run)
    return most


def test_no_more_than_two_hyphenated_lines_in_a_row(monkeypatch):
    from workshop_kit.layout import text as text_module

    words = " ".join(["kommunalbestyrelsesmedlemmerne", "handicapområdeforretningsgangene",
                      "ældreomsorgsmedarbejderne"] * 6)
    block = Block((Span(words, "regular"),))
    # every word fits a line of its own: none has to be broken
    narrowest = max(family(FONT).width(word, "regular", SIZE) for word in words.split())
    widths = [narrowest + step for step in range(1, 120, 3)]
    monkeypatch.setattr(text_module, "MAX_HYPHENATED_RUN", 99)
    unlimited = [texts(setter().break_lines([block], w, SIZE)) for w in widths]
    assert max(map(longest_run, unlimited)) >= 3  # without the rule, these would run on
    monkeypatch.undo()
    for w in widths:
        lines = texts(setter().break_lines([block], w, SIZE))
        assert longest_run(lines) <= 2, lines


@pytest.mark.parametrize(("language", "kit"), KITS)
def test_the_shipped_paragraphs_have_no_more_than_two_hyphenated_lines_in_a_row(language, kit):
    for lines in set_paragraphs(language, kit):
        assert longest_run(lines) <= 2, lines


@pytest.mark.parametrize(("language", "kit"), KITS)
def test_the_last_line_of_a_paragraph_has_at_least_four_letters(language, kit):
    short = []
    for lines in set_paragraphs(language, kit):
        if len(lines) > 1 and sum(c.isalpha() for c in lines[-1]) < 4:
            short.append(lines[-2:])
    assert not short, short


def test_valgperiode_is_not_left_as_ode_on_the_last_line():
    ts = setter()
    text = "Et spørgsmål, som byrådet skal tage stilling til i løbet af valgperiode."
    for width in range(30, 70):
        lines = texts(ts.break_lines([Block((Span(text, "regular"),))], width / PT_TO_MM, SIZE))
        assert sum(c.isalpha() for c in lines[-1]) >= 4, (width, lines)


def reads_back(lines: list[str], original: str) -> bool:
    """Whether the lines join up to the original text, each break being at
    a space, after the text's own hyphen or dash, or at an added hyphen."""
    def walk(i: int, so_far: str) -> bool:
        if not (original.startswith(so_far) or so_far.endswith("-") and original.startswith(so_far[:-1])):
            return False
        if i == len(lines):
            return so_far == original
        options = [so_far + (" " if so_far else "") + lines[i]]
        if so_far and so_far.endswith(tuple(DASHES)):
            options.append(so_far + lines[i])          # after the word's own hyphen or dash
        if so_far.endswith("-"):
            options.append(so_far[:-1] + lines[i])     # at an added hyphen
        return any(walk(i + 1, option) for option in options)

    return walk(0, "")


@pytest.mark.parametrize(("language", "kit"), KITS)
def test_lines_break_only_at_spaces_hyphens_and_dashes(language, kit):
    ts = setter(language)
    for text in paragraphs(kit):
        original = " ".join("".join(span.text for span in parse_markup(text, "regular")).split())
        block = Block(tuple(parse_markup(text, "regular")))
        for width in WIDTHS_MM:
            lines = texts(ts.break_lines([block], width / PT_TO_MM, SIZE))
            # (a no-break space read back as a space)
            assert reads_back([" ".join(line.split()) for line in lines], original), lines


def test_no_word_under_seven_letters_is_hyphenated():
    ts = setter()
    text = " ".join(["borger", "møder", "dialog", "kommune", "lokalt", "ansvar"] * 12)
    for width in range(20, 60, 3):
        lines = texts(ts.break_lines([Block((Span(text, "regular"),))], width / PT_TO_MM, SIZE))
        for line in lines:
            assert not line.endswith("-") or len(re.search(r"(\w+)-$", line).group(1)) >= 3, line
        hyphenated = [line for line in lines if line.endswith("-")]
        for line, after in zip(lines, lines[1:]):
            if line.endswith("-"):
                word = re.search(r"(\w+)-$", line).group(1) + re.match(r"\w+", after).group(0)
                assert len(word) >= 7, (word, lines)
        assert all(len(re.search(r"(\w+)-$", h).group(1)) >= 2 for h in hyphenated)


def test_a_soft_hyphen_is_printed_only_where_the_line_breaks():
    ts = setter()
    word = f"borger{SOFT}inddragelses{SOFT}forløb"
    wide = texts(ts.break_lines([Block((Span(f"Et {word} i dag", "regular"),))], 120 / PT_TO_MM, SIZE))
    assert wide == ["Et borgerinddragelsesforløb i dag"]
    narrow = texts(ts.break_lines([Block((Span(f"Et {word} i dag", "regular"),))], 36 / PT_TO_MM, SIZE))
    assert SOFT not in "".join(narrow)
    assert narrow[0] in ("Et borger-", "Et borgerinddragelses-"), narrow
    assert "".join(line[:-1] if line.endswith("-") else line + " " for line in narrow).strip() \
        == "Et borgerinddragelsesforløb i dag"


@pytest.mark.parametrize("space", ["\u00a0", "\u202f"])
def test_a_no_break_space_holds_a_number_to_its_unit_at_every_width(space):
    """'at least 8 weeks' with a no-break space: no line ends in '8' at any
    width, and the space prints as a space."""
    ts = setter()
    text = " ".join(f"in at least {n}{space}weeks" for n in range(2, 9))
    for width_mm in range(20, 90):
        lines = texts(ts.break_lines([Block((Span(text, "regular"),))], width_mm / PT_TO_MM, SIZE))
        assert not [line for line in lines if re.search(r"\d$", line)], (width_mm, lines)
        assert " ".join(lines).replace(space, " ") == text.replace(space, " ")


def test_the_guide_hyphenator_gives_joints_and_never_short_fragments():
    pairs = Hyphenation("da")("kommunaldirektøren")
    assert pairs[0] == ("kommunal", "direktøren")
    assert all(len(h) >= 2 and len(t) >= 3 for h, t in pairs)
    assert Hyphenation("da")("borger") == []


# --- the shipped kits, laid out and printed --------------------------------------

@pytest.mark.parametrize("kit", [REPO, REPO / "kits" / "en"], ids=["da", "en"])
def test_at_most_five_percent_of_the_shipped_lines_are_hyphenated(kit):
    setting = bench.measure(kit)
    print(f"{kit.name or 'da'}: {setting.hyphenated} of {setting.lines} lines hyphenated "
          f"({setting.share:.1%}); {dict(setting.kinds)}")
    assert setting.lines > 1000
    assert setting.share <= 0.05, setting.breaks
    if kit == REPO:  # Danish: most breaks at a compound's joints or the word's own hyphens
        assert setting.kinds["joint"] + setting.kinds["own"] > setting.kinds["syllable"], setting.breaks


def page_texts(path) -> list[str]:
    doc = pdfium.PdfDocument(str(path))
    try:
        return [page.get_textpage().get_text_range() for page in doc]
    finally:
        doc.close()


def shop_pages(built) -> list[str]:
    return [text for entry in built.files_of("shop") for text in page_texts(built.path(entry["path"]))]


@pytest.fixture(scope="module")
def english_built(tmp_path_factory):
    return build_into(REPO / "kits" / "en", tmp_path_factory.mktemp("english") / "out", "--mode", "shop")


@pytest.mark.parametrize("which", ["built", "english_built"])
def test_printed_cards_have_no_short_fragments_and_few_hyphens(which, request):
    built = request.getfixturevalue(which)
    pages = shop_pages(built)
    assert len(pages) > 100
    lines = hyphenated = 0
    for text in pages:
        assert SOFT not in text, "a soft hyphen printed as a glyph"
        for line in text.splitlines():
            pieces = re.split(LINE_END_HYPHEN, line)
            lines += len(pieces)
            hyphenated += len(pieces) - 1 + (line.rstrip().endswith("-") and not line.rstrip().endswith(" -"))
            for before, after in zip(pieces, pieces[1:]):
                head = re.search(r"(\w*)$", before).group(1)
                rest = re.match(r"\w*", after).group(0)
                assert len(head) >= 2 and len(rest) >= 3, (head, rest, line)
    assert hyphenated / lines <= 0.05, (hyphenated, lines)


def test_an_accent_typed_as_a_combining_mark_prints_on_its_letter(make_kit, tmp_path):
    kit = make_kit((STANDALONE[0],))
    deck = kit / "decks" / f"{STANDALONE[0]}.yaml"
    first = load_yaml(deck)["cards"][0]["title"]
    replace_once(deck, f"title: {first}", f"title: Café {first}".replace("é", "e\u0301"))
    assert "e\u0301" in deck.read_text(encoding="utf-8")
    built = build_into(kit, tmp_path / "out", "--mode", "shop")
    text = "\n".join(shop_pages(built))
    assert "Café" in unicodedata.normalize("NFC", text)
    assert "\u0301" not in text
    assert "Café" in text


def test_a_soft_hyphen_in_a_card_prints_only_at_a_line_break(make_kit, tmp_path):
    kit = make_kit((STANDALONE[0],))
    deck = kit / "decks" / f"{STANDALONE[0]}.yaml"
    first = load_yaml(deck)["cards"][0]["title"]
    replace_once(deck, f"title: {first}", f"title: Om borger{SOFT}dialog")
    built = build_into(kit, tmp_path / "out", "--mode", "shop")
    text = "\n".join(shop_pages(built))
    assert SOFT not in text
    assert "borgerdialog" in text and "borger-dialog" not in text


def body_sizes(built, deck: str) -> list[float]:
    """Font sizes of the card fronts' characters, in points, as pdfium reads them."""
    entry = built.file(deck, "shop")
    doc = pdfium.PdfDocument(str(built.path(entry["path"])))
    sizes = []
    try:
        for number in range(0, len(doc), 2):
            textpage = doc[number].get_textpage()
            for i in range(textpage.count_chars()):
                if textpage.get_text_range(i, 1).isalpha():
                    sizes.append(round(pdfium_c.FPDFText_GetFontSize(textpage, i), 2))
    finally:
        doc.close()
    return sizes


def test_text_grows_on_an_a6_card(make_kit, tmp_path):
    deck = STANDALONE[0]
    kit = make_kit((deck,), name="poker")
    replace_once(kit / "kit.yaml", "card_size: tarot", "card_size: poker")
    poker = build_into(kit, tmp_path / "poker", "--mode", "shop")
    kit = make_kit((deck,), name="a6")
    replace_once(kit / "kit.yaml", "card_size: tarot", "card_size: a6")
    a6 = build_into(kit, tmp_path / "a6", "--mode", "shop")
    small, large = body_sizes(poker, deck), body_sizes(a6, deck)
    # the body text, the most common size on the fronts
    assert statistics.mode(large) > statistics.mode(small) * 1.1, (statistics.mode(small), statistics.mode(large))
    assert max(large) <= max(small) * 1.3 + 0.01


def test_the_guide_breaks_no_word_without_a_hyphen(built):
    """The programme table once broke 'kommunaldirektø/ren' in a narrow column."""
    text = "\n".join(page_texts(built.path("guide-a4.pdf")))
    written = (REPO / "guide.yaml").read_text(encoding="utf-8") + "\n".join(
        p.read_text(encoding="utf-8") for p in sorted((REPO / "decks").glob("*.yaml")))
    words = {w.lower() for w in re.findall(r"\w+", written)}
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    broken = []
    for line, after in zip(lines, lines[1:]):
        head = re.search(r"(\w+)$", line)
        rest = re.match(r"\w+", after)
        if head and rest and (head.group(1) + rest.group(0)).lower() in words \
                and head.group(1).lower() not in words:
            broken.append(f"{line} / {after}")
    assert not broken, broken
    for line in lines:
        for before, after in zip(re.split(LINE_END_HYPHEN, line), re.split(LINE_END_HYPHEN, line)[1:]):
            head, rest = re.search(r"(\w*)$", before).group(1), re.match(r"\w*", after).group(0)
            assert len(head) >= 2 and len(rest) >= 3 and len(head + rest) >= 7, (head, rest, line)


def test_an_imported_sheet_is_written_with_accents_on_their_letters(make_kit, tmp_path):
    from kit_helpers import run_cli

    kit = make_kit((STANDALONE[0],))
    sheet = tmp_path / "kort.csv"
    text = ("id;title;scenario;question\r\n"
            "cafe;Cafe\u0301en;Et møde på cafe\u0301en om byens liv;Hvad nu?\r\n")
    sheet.write_bytes(text.encode("utf-8"))
    run = run_cli("import", sheet, "--deck", "cafe", "--type", "dilemma", "--kit", kit)
    assert run.code == 0, run.output
    written = (kit / "decks" / "cafe.yaml").read_text(encoding="utf-8")
    assert "Caféen" in written and "\u0301" not in written


def test_a_text_element_that_is_not_hyphenated_breaks_only_between_words():
    ts = setter()
    text = "Kommunalbestyrelsen drøfter ældreomsorgsmedarbejdernes uddannelsesprogram i morgen"
    block = Block((Span(text, "regular"),))
    hyphenated = texts(ts.break_lines([block], 62 / PT_TO_MM, SIZE))
    plain = texts(ts.break_lines([block], 62 / PT_TO_MM, SIZE, hyphenate=False))
    assert any(line.endswith("-") for line in hyphenated)
    assert not any(line.endswith("-") for line in plain) and " ".join(plain) == text


# --- the sizes a text is tried at ---------------------------------------------------

def titles_and_paragraphs(kit) -> list[list[Block]]:
    """The shipped texts as a card sets them: each title alone, each
    paragraph alone, and a heading with the paragraph it keeps to."""
    found: list[list[Block]] = []
    for path in sorted((kit / "decks").glob("*.yaml")):
        for card in load_yaml(path)["cards"]:
            found.append([Block((Span(card["title"], "bold"),))])
    for text in paragraphs(kit)[::3]:
        body = Block(tuple(parse_markup(text, "regular")))
        found += [[body], [Block((Span("Spørgsmål", "bold"),), keep_with_next=True), body],
                  [body, Block(body.spans, bullet=True, tight=True)]]
    return found


@pytest.mark.parametrize(("language", "kit"), KITS)
def test_no_size_a_text_could_fit_at_is_passed_over(language, kit):
    """A text is tried first at the largest size its words could fit at
    (the sizes above it are skipped untried): at every skipped size the
    text does not fit when it is set, in boxes from a title's strip to a
    tarot card's body."""
    ts = setter(language)
    boxes = [(54, 8.4, 13, 9), (44, 6, 9, 7), (61, 40, 10, 7), (38, 30, 9, 7), (54, 60.5, 9, 7)]  # mm, pt
    skipped = 0
    for blocks in titles_and_paragraphs(kit):
        for width, height, largest, smallest in boxes:
            steps = round((largest - smallest) / 0.25)
            width_pt, height_pt = width / PT_TO_MM, height / PT_TO_MM
            first = ts._first_possible(blocks, width_pt, height_pt, largest, steps, 1.18)
            for i in range(min(first, steps + 1)):
                size = largest - i * 0.25
                lines = ts.break_lines(blocks, width_pt, size)
                assert lines is None or ts.height_pt(lines, size, 1.18) > height_pt + 1e-6, (blocks, width, size)
            skipped += min(first, steps + 1)
    assert skipped > 100  # (the bound does skip sizes: titles shrink in their strip)


def test_a_title_that_must_shrink_to_its_line_is_set_once(monkeypatch):
    """Set at 13 pt down to 9 pt in a strip of one line at most: the
    largest size its words and spaces fit at is the first tried, and it
    fits (the search tried five sizes)."""
    ts = setter()
    calls = []
    real = Typesetter.break_lines
    monkeypatch.setattr(Typesetter, "break_lines", lambda self, *a, **k: calls.append(a[2]) or real(self, *a, **k))
    size, lines = ts.fit([Block((Span("Puljen til de små projekter 128", "bold"),))], 54, 8.4, 13, 9, 1.18)
    assert size is not None and size < 13 and len(lines) == 1
    assert calls == [size]
    # and it is the largest that fits: at the next size up it takes two lines, too many for the strip
    larger = ts.break_lines([Block((Span("Puljen til de små projekter 128", "bold"),))], 54 / PT_TO_MM, size + 0.25)
    assert len(larger) == 2 and ts.height_pt(larger, size + 0.25, 1.18) > 8.4 / PT_TO_MM
