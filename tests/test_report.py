"""The report for the council (workshop-kit report), read back from the
real PDF: text with pypdfium2, metadata with pypdf, the bar charts
rasterised with PDFium and measured in pixels. The responses are made here
as the store gives them back; what the report must say is worked out from
the kit's YAML files and the labels files, never from the code under test.
"""

from __future__ import annotations

import random
import re
import shutil
import time
from datetime import date, datetime, timezone
from pathlib import Path

import pypdf
import pypdfium2 as pdfium
import pytest

from kit_helpers import (
    BASE_URL_LINE,
    REPO,
    STANDALONE,
    ask_who_answers,
    build_into,
    load_yaml,
    normalise,
    pdf_text,
    replace_once,
)
from serve_helpers import KIT_PARTS
from workshop_kit.content.forms import DEFAULT_AGE_BANDS, age_band_label
from workshop_kit.report import default_output, load, write_report
from workshop_kit.store import Contact, Response, StoredResponse, database_url, open_database

LABELS = REPO / "src" / "workshop_kit" / "data" / "labels"
THEME = load_yaml(REPO / "src" / "workshop_kit" / "data" / "theme.yaml")["colours"]
DA, EN = load_yaml(LABELS / "da.yaml"), load_yaml(LABELS / "en.yaml")
MADE = date(2025, 3, 20)


# --- the kit as its YAML files tell it ------------------------------------------------

def kit_targets(root: Path) -> list[dict]:
    """Every card, board and the guide of a kit, in the kit's order, from its YAML."""
    kit = load_yaml(root / "kit.yaml")
    out = []
    for path in sorted((root / "decks").glob("*.yaml")):
        deck = load_yaml(path)
        out += [{"deck": path.stem, "card": c["id"], "title": c["title"], "type": deck["type"],
                 "group": deck["name"]} for c in deck["cards"]]
    for path in sorted((root / "boards").glob("*.yaml")):
        out.append({"deck": "boards", "card": path.stem, "title": load_yaml(path)["title"],
                    "type": load_yaml(path)["type"], "group": None})
    if (root / "guide.yaml").is_file():
        out.append({"deck": "guide", "card": kit["id"], "title": load_yaml(root / "guide.yaml")["title"],
                    "type": "guide", "group": None})
    return out


def form(root: Path) -> dict:
    """The kit's form: its questions by type."""
    questions = load_yaml(root / "kit.yaml")["follow_up"]["form"]["questions"]
    return {q["type"]: q for q in questions}


def card(root: Path, deck: str, index: int = 0) -> dict:
    return [t for t in kit_targets(root) if t["deck"] == deck][index]


_ids = iter(range(1, 10**9))


def response(target: dict, answers, *, day: int = 3, hour: int = 12, contact: Contact | None = None,
             kit: str = "temadag") -> StoredResponse:
    number = next(_ids)
    return StoredResponse(number, f"sub-{number}", kit, target["deck"], target["card"], "da", tuple(answers),
                          contact, datetime(2025, 3, day, hour, tzinfo=timezone.utc))


def write(root: Path, records, path: Path):
    """Write the report of these records; the dates are shown in UTC."""
    return write_report(load(root), records, path, made=MADE, tz=timezone.utc)


def with_threshold(root: Path, dest: Path, threshold: int) -> Path:
    """A copy of the kit whose follow_up.privacy_threshold is `threshold`."""
    dest.mkdir(parents=True)
    for part in KIT_PARTS:
        if (root / part).is_dir():
            shutil.copytree(root / part, dest / part)
        elif (root / part).is_file():
            shutil.copy2(root / part, dest / part)
    replace_once(dest / "kit.yaml", BASE_URL_LINE, f"{BASE_URL_LINE}\n  privacy_threshold: {threshold}")
    return dest


def text_of(path: Path) -> str:
    return normalise(pdf_text(path))


def after(text: str, heading: str) -> str:
    """The text after the last occurrence of a heading."""
    assert heading in text, heading
    return text[text.rindex(heading) + len(heading):]


def figure(page, caption: str) -> str:
    """The key figure printed right above a caption on a page."""
    text = page.get_textpage()
    searcher = text.search(caption)
    found = searcher.get_next()
    assert found, caption
    boxes = [text.get_charbox(i) for i in range(found[0], found[0] + found[1])]
    left, top = boxes[0][0], max(box[3] for box in boxes)
    return text.get_text_bounded(left - 2, top + 1, left + 40 * 72 / 25.4, top + 40).strip()


# --- what the title page says -----------------------------------------------------------

def test_the_title_page_gives_the_kit_the_counts_and_the_date_range(shipped_kit, tmp_path):
    kit = load_yaml(shipped_kit / "kit.yaml")
    scale = form(shipped_kit)["scale"]["id"]
    everything = kit_targets(shipped_kit)
    answered = everything[:3] + everything[-2:]      # three cards, a board and the guide
    records = [response(t, [(scale, "4")], day=day) for t, day in zip(answered, (5, 3, 17, 9, 11))]
    records.append(response(answered[0], [(scale, "2")], day=8))

    report = write(shipped_kit, records, tmp_path / "report.pdf")
    text = text_of(report.path)
    first_page = text[:text.index(DA["report_overview"])]

    for wanted in (DA["report_title"], kit["title"], kit["organisation"], "Rapporten er lavet 20. marts 2025."):
        assert wanted in first_page, wanted
    page = pdfium.PdfDocument(str(report.path))[0]
    assert figure(page, DA["report_responses"]) == "6"
    assert figure(page, DA["report_answered_cards"].format(total=len(everything))) == "5"
    assert figure(page, DA["report_contacts"]) == "0"
    assert "Svarene kom ind 3. marts 2025 – 17. marts 2025." in first_page
    assert report.pages == len(pdfium.PdfDocument(str(report.path)))
    info = pypdf.PdfReader(report.path).metadata
    assert info.title == f"{DA['report_title']} – {kit['title']}" and info.author == kit["organisation"]


def test_the_overview_counts_each_card_and_names_those_without_responses(shipped_kit, tmp_path):
    scale = form(shipped_kit)["scale"]["id"]
    deck = [t for t in kit_targets(shipped_kit) if t["deck"] == "velfaerdstemaer"]
    records = ([response(deck[0], [(scale, v)]) for v in "5545"] + [response(deck[2], [(scale, "2")])])

    overview = after(text_of(write(shipped_kit, records, tmp_path / "r.pdf").path), DA["report_overview"])
    section = overview[overview.index(deck[0]["group"]):]
    assert f"{deck[0]['title']} 4 4,8 (4)" in section
    assert f"{deck[2]['title']} 1 2,0 (1)" in section
    assert f"{DA['report_total']} 5 4,2 (5)" in section
    silent = " · ".join(t["title"] for t in deck if t not in (deck[0], deck[2]))
    assert DA["report_unanswered"].format(cards=silent) in section


# --- every card's answers ------------------------------------------------------------------

def test_free_text_is_printed_under_its_own_card_as_written(shipped_kit, tmp_path):
    text_q = form(shipped_kit)["text"]["id"]
    first, second = card(shipped_kit, "dilemmaer", 0), card(shipped_kit, "dilemmaer", 1)
    words = {
        first["card"]: ["Vi skal spørge de unge før vi beslutter noget.", "Lad **foreningerne** <b>styre</b> & se."],
        second["card"]: ["Flertallet skal høres, men mindretallet skal beskyttes."],
    }
    records = [response(t, [(text_q, w)]) for t in (first, second) for w in words[t["card"]]]

    cards = after(text_of(write(shipped_kit, records, tmp_path / "r.pdf").path), DA["report_cards"])
    start, middle = cards.index(first["title"]), cards.index(second["title"])
    assert start < middle
    for said in words[first["card"]]:
        assert start < cards.index(said) < middle, said   # markup of participants is printed as typed
    for said in words[second["card"]]:
        assert cards.index(said) > middle, said
    assert "Svar: 2" in cards[start:middle]


def test_contact_details_are_never_printed_only_how_many_agreed(shipped_kit, tmp_path):
    scale = form(shipped_kit)["scale"]["id"]
    targets = kit_targets(shipped_kit)
    people = [Contact("ja", "Kirsten Testesen", "Kirsten@Test.example", "+45 12 34 56 78"),
              Contact("ja", "Kirsten Testesen", "kirsten@test.example", ""),       # the same person again
              Contact("ja", "Bo Prøvesen", "", "87 65 43 21")]
    records = [response(t, [(scale, "3")], contact=c) for t, c in zip(targets, people)]
    records.append(response(targets[5], [(scale, "3")]))

    report = write(shipped_kit, records, tmp_path / "r.pdf")
    text = text_of(report.path)
    assert figure(pdfium.PdfDocument(str(report.path))[0], DA["report_contacts"]) == "2"
    assert DA["report_contacts_text"] in text
    raw = pdf_text(report.path)
    for secret in ("Kirsten", "Testesen", "test.example", "Prøvesen", "12 34 56 78", "87 65 43 21", "+45"):
        assert secret not in raw and secret not in text, secret
    info = pypdf.PdfReader(report.path).metadata
    assert not any("Kirsten" in str(value) for value in info.values())


def test_answers_to_former_questions_and_cards_are_kept(shipped_kit, tmp_path):
    questions = form(shipped_kit)
    scale, single = questions["scale"]["id"], questions["single"]["id"]
    target = card(shipped_kit, "politikerroller", 2)
    records = [
        response(target, [(scale, "4"), ("gammelt-spoergsmaal", "Det var bedre før"), (single, "Noget helt andet")]),
        response(target, [("gammelt-spoergsmaal", "Det var bedre før"), (single, questions["single"]["options"][1])]),
        response({"deck": "nedlagt-bunke", "card": "gammelt-kort"}, [(scale, "5"), ("slettet", "Stadig vigtigt")]),
    ]
    text = text_of(write(shipped_kit, records, tmp_path / "r.pdf").path)

    cards = after(text, DA["report_cards"])
    this_card = cards[cards.index(target["title"]):cards.index(DA["report_former_cards"])]
    assert "gammelt-spoergsmaal" in this_card
    assert f"{DA['report_former_question']} Det var bedre før ({DA['report_times'].format(n=2)})" in this_card
    assert "Noget helt andet 1 · 50 %" in this_card                    # an option the form no longer offers
    assert f"{questions['single']['options'][1]} 1 · 50 %" in this_card

    former = after(text, DA["report_former_cards"])
    assert DA["report_former_cards_text"] in former
    assert "nedlagt-bunke/gammelt-kort" in former
    assert "Gennemsnit: 5,0 · svar: 1" in former          # the kit's form still asks the scale question
    assert "slettet" in former and "Stadig vigtigt" in former


def test_characters_the_font_lacks_are_marked_not_dropped(shipped_kit, tmp_path):
    text_q = form(shipped_kit)["text"]["id"]
    records = [response(card(shipped_kit, "dilemmaer"), [(text_q, "Godt 😀😀 møde 東京")])]
    text = text_of(write(shipped_kit, records, tmp_path / "r.pdf").path)
    assert "Godt [?] møde [?]" in text


# --- the charts show the numbers ---------------------------------------------------------

def rgb(hex_colour: str) -> tuple[int, int, int]:
    return tuple(int(hex_colour.lstrip("#")[i:i + 2], 16) for i in (0, 2, 4))


def bars(page, fill: tuple, track: tuple, px_per_mm: float = 5) -> list[tuple[float, float]]:
    """(bar, track) lengths in mm of every bar drawn in `fill` on a track
    of `track` on the page, top to bottom; a bar of zero is a track alone.

    A bar is a run of pixels of either colour (and the blend between them)
    seen on several rows in a row at the same place; its length is measured
    on its middle row."""
    image = page.render(scale=px_per_mm * 25.4 / 72).to_pil().convert("RGB")
    width, height = image.size
    data = image.tobytes()
    pixels = list(zip(data[0::3], data[1::3], data[2::3]))

    def near(p, colour, tolerance=12):
        return all(abs(a - b) <= tolerance for a, b in zip(p, colour))

    def segments(y: int) -> list[tuple[int, int, int]]:
        row, out, x = pixels[y * width:(y + 1) * width], [], 0
        while x < width:
            if near(row[x], fill) or near(row[x], track):
                start, filled = x, 0
                while x < width and not near(row[x], (255, 255, 255), 6):
                    filled += near(row[x], fill)
                    x += 1
                if x - start > 8 * px_per_mm:
                    out.append((start, x - start, filled))
            x += 1
        return out

    runs: list[list[tuple[int, int, int, int]]] = []   # rows of one bar: (y, start, length, filled)
    open_runs: dict[tuple[int, int], list] = {}
    for y in range(height):
        now = {}
        for start, length, filled in segments(y):
            key = next((k for k in open_runs if abs(k[0] - start) <= 1 and abs(k[1] - length) <= 2), None)
            run = open_runs[key] if key else []
            if not key:
                runs.append(run)
            run.append((y, start, length, filled))
            now[(start, length)] = run
        open_runs = now
    found = []
    for run in runs:
        if len(run) >= 2 * px_per_mm:                  # a bar is 3.6 mm high; lines of a table are not
            _, _, length, filled = run[len(run) // 2]
            found.append((filled / px_per_mm, length / px_per_mm))
    return found


def chart_shares(found: list[tuple[float, float]]) -> list[float]:
    """The shares of the bars on the most common track: those of the charts."""
    lengths = [round(total) for bar, total in found if bar]
    track = max(set(lengths), key=lengths.count)
    return [bar / total for bar, total in found if abs(total - track) <= 1]


def test_the_bars_of_a_scale_are_as_long_as_their_share(shipped_kit, tmp_path):
    scale = form(shipped_kit)["scale"]
    target = card(shipped_kit, "dilemmaer", 3)
    counts = {"1": 0, "2": 1, "3": 2, "4": 4, "5": 3}
    records = [response(target, [(scale["id"], value)]) for value, n in counts.items() for _ in range(n)]
    report = write(shipped_kit, records, tmp_path / "r.pdf")

    low = DA["form_scale_low"].format(text=scale["low"])
    doc = pdfium.PdfDocument(str(report.path))
    page = next(p for p in doc if low in p.get_textpage().get_text_range())
    colour = load_yaml(shipped_kit / "kit.yaml")["theme"]["colours"]["dilemma"]
    chart = chart_shares(bars(page, rgb(colour), rgb(THEME["tint-report"])))
    assert len(chart) == 5, chart
    assert chart == pytest.approx([n / 10 for n in counts.values()], abs=0.02)
    page_text = normalise(page.get_textpage().get_text_range())
    assert f"{low} 0 · 0 %" in page_text and "4 4 · 40 %" in page_text
    assert DA["report_mean"].format(mean="3,9", answered=10) in page_text


def test_who_responded_is_charted_with_the_age_bands_of_the_form(shipped_kit, tmp_path):
    scale = form(shipped_kit)["scale"]["id"]
    targets = kit_targets(shipped_kit)
    ages = ["18-29", "18-29", "65+", "0-17"]
    records = [response(t, [(scale, "3"), ("background.age", a)]) for t, a in zip(targets, ages)]
    records.append(response(targets[9], [(scale, "3")]))
    every_group = with_threshold(shipped_kit, tmp_path / "kit", 1)  # the smallest groups shown too
    ask_who_answers(every_group)  # a form that asks the age band
    report = write(every_group, records, tmp_path / "r.pdf")

    who = after(text_of(report.path), DA["report_background"])
    assert (f"{DA['form_age']} Under 18 år 1 · 25 % 18–29 år 2 · 50 % 30–49 år 0 · 0 % 50–64 år 0 · 0 % "
            f"65 år eller derover 1 · 25 % {DA['report_given'].format(answered=4, responses=5)}") in who
    doc = pdfium.PdfDocument(str(report.path))
    page = next(p for p in doc if DA["report_background"] in p.get_textpage().get_text_range())
    chart = chart_shares(bars(page, rgb(THEME["report"]), rgb(THEME["tint-report"])))
    assert chart[:5] == pytest.approx([.25, .5, 0, 0, .25], abs=0.02)


def test_scale_means_by_age_band_for_each_card(shipped_kit, tmp_path):
    scale = form(shipped_kit)["scale"]["id"]
    target = card(shipped_kit, "velfaerdstemaer", 6)
    given = [("65+", "5"), ("65+", "4"), ("18-29", "1"), (None, "2")]
    records = [response(target, [(scale, v)] + ([("background.age", a)] if a else [])) for a, v in given]
    every_group = with_threshold(shipped_kit, tmp_path / "kit", 1)  # the smallest groups shown too
    ask_who_answers(every_group)  # a form that asks the age band
    by_age = after(text_of(write(every_group, records, tmp_path / "r.pdf").path), DA["report_by_age"])
    by_age = by_age[:by_age.index(DA["report_cards"])]

    bands = "Under 18 år 18–29 år 30–49 år 50–64 år 65 år eller derover"
    assert f"{DA['report_all']} {bands} {DA['report_not_given']}" in by_age
    assert f"{target['title']} 3,0 (4) – 1,0 (1) – – 4,5 (2) 2,0 (1)" in by_age
    assert f"{target['group']} 4 0 1 0 0 2 1" in by_age                       # responses per deck


def test_choices_by_age_band_are_shares_of_those_who_answered(shipped_kit, tmp_path):
    single = form(shipped_kit)["single"]
    one, two = single["options"][0], single["options"][1]
    target = card(shipped_kit, "dialogformater", 0)
    given = [("65+", one), ("65+", one), ("65+", two), ("18-29", two)]
    records = [response(target, [(single["id"], v), ("background.age", a)]) for a, v in given]
    every_group = with_threshold(shipped_kit, tmp_path / "kit", 1)  # the smallest groups shown too
    ask_who_answers(every_group)  # a form that asks the age band
    by_age = after(text_of(write(every_group, records, tmp_path / "r.pdf").path), DA["report_by_age"])
    table = by_age[by_age.index(single["text"]):]
    assert f"{one} 50 % (2) – 0 % (0) – – 67 % (2)" in table
    assert f"{two} 50 % (2) – 100 % (1) – – 33 % (1)" in table
    assert f"{DA['report_answered_row']} 4 0 1 0 0 3" in table


# --- languages, no responses, many responses ---------------------------------------------------

def test_the_english_kit_prints_english_labels_numbers_and_dates(tmp_path):
    root = REPO / "kits" / "en"
    kit = load_yaml(root / "kit.yaml")
    scale = form(root)["scale"]["id"]
    target = kit_targets(root)[0]
    records = [response(target, [(scale, v), ("background.age", "30-49")], day=d, kit=kit["id"])
               for v, d in (("4", 2), ("3", 14))]
    report = write(root, records, tmp_path / "r.pdf")
    text = text_of(report.path)
    assert figure(pdfium.PdfDocument(str(report.path))[0], EN["report_responses"]) == "2"
    for wanted in (EN["report_title"], "Report made on 20 March 2025.",
                   "The responses came in 2 March 2025 – 14 March 2025.", EN["report_background"],
                   EN["report_mean"].format(mean="3.5", answered=2), "30–49", EN["report_by_age"]):
        assert wanted in text, wanted
    danish = [DA[k] for k in DA if k.startswith("report_") and DA[k] != EN[k] and "{" not in DA[k]]
    assert len(danish) > 20
    for word in danish:
        assert word not in text, word
    assert "3,5" not in text and "marts" not in text


def test_with_no_responses_the_report_says_so(shipped_kit, tmp_path):
    report = write(shipped_kit, [], tmp_path / "r.pdf")
    text = text_of(report.path)
    assert DA["report_none"] in text and DA["report_none_text"] in text
    assert load_yaml(shipped_kit / "kit.yaml")["title"] in text
    assert DA["report_overview"] not in text and DA["report_cards"] not in text
    assert report.pages == 1 and report.summary.responses == 0


def test_2000_responses_render_in_reasonable_time(shipped_kit, tmp_path):
    questions = form(shipped_kit)
    targets = kit_targets(shipped_kit)
    rnd = random.Random(5)
    records = []
    for n in range(2000):
        target = rnd.choice(targets)
        answers = [(questions["scale"]["id"], str(rnd.randint(1, 5))),
                   (questions["single"]["id"], rnd.choice(questions["single"]["options"]))]
        answers += [(questions["multiple"]["id"], o) for o in rnd.sample(questions["multiple"]["options"], 2)]
        if rnd.random() < 0.4:
            answers.append((questions["text"]["id"],
                            f"Svar nummer {n}: " + "noget at tænke over " * rnd.randint(1, 20)))
        if rnd.random() < 0.8:
            answers.append(("background.age", rnd.choice(DEFAULT_AGE_BANDS)))
        records.append(response(target, answers, day=1 + n % 28, hour=n % 24))

    started = time.perf_counter()
    report = write(shipped_kit, records, tmp_path / "r.pdf")
    seconds = time.perf_counter() - started
    assert seconds < 30, seconds
    text = text_of(report.path)
    assert figure(pdfium.PdfDocument(str(report.path))[0], DA["report_responses"]) == "2000"
    said = [value for r in records for qid, value in r.answers if qid == questions["text"]["id"]]
    cards = after(text, DA["report_cards"])
    for words in (said[0], said[len(said) // 2], said[-1]):
        assert words.strip() in cards, words
    totals = re.findall(rf"{DA['report_total']} (\d+) \d,\d \(\d+\)", after(text, DA["report_overview"])
                        [:after(text, DA["report_overview"]).index(DA["report_background"])])
    assert sum(map(int, totals)) == 2000


# --- where the report goes --------------------------------------------------------------------

def test_a_build_leaves_the_report_in_the_output_folder(make_kit):
    kit = make_kit(decks=STANDALONE)
    build_into(kit, kit / "output", in_process=True)
    report = write(kit, [response(card(kit, STANDALONE[0]), [(form(kit)["scale"]["id"], "5")])],
                   default_output(kit))
    assert report.path == kit / "output" / "report.pdf"
    before = report.path.read_bytes()

    (kit / "decks" / f"{STANDALONE[1]}.yaml").unlink()          # its files leave the output
    built = build_into(kit, kit / "output", in_process=True)
    assert not any(f.get("deck") == STANDALONE[1] for f in built.files)
    assert not list((kit / "output" / "decks").glob(f"{STANDALONE[1]}*"))
    assert report.path.read_bytes() == before
    assert not list((kit / "output").glob(".staging-*"))


# --- the summary itself --------------------------------------------------------------------------

def test_age_bands_are_stored_and_named_as_the_form_shows_them():
    assert DEFAULT_AGE_BANDS == ["0-17", "18-29", "30-49", "50-64", "65+"]
    assert [age_band_label(v, DA) for v in DEFAULT_AGE_BANDS] == [
        DA["form_age_under"].format(age=18), DA["form_age_band"].format(low=18, high=29),
        DA["form_age_band"].format(low=30, high=49), DA["form_age_band"].format(low=50, high=64),
        DA["form_age_over"].format(age=65)]
    assert age_band_label("70-79", EN) == "70–79" and age_band_label("old", EN) == "old"


def test_the_summary_counts_each_chosen_option_once_per_response(shipped_kit):
    from workshop_kit.tally import summarise

    multiple = form(shipped_kit)["multiple"]
    target = card(shipped_kit, "dilemmaer", 5)
    a, b = multiple["options"][:2]
    records = [response(target, [(multiple["id"], a), (multiple["id"], a), (multiple["id"], b)]),
               response(target, [(multiple["id"], b), (multiple["id"], "  ")]),
               response(target, [(multiple["id"], "Andre")])]
    summary = summarise(load(shipped_kit).content, records)
    answers = next(c for c in summary.cards if c.card == target["card"])
    tally = next(q for q in answers.questions if q.id == multiple["id"])
    assert tally.answered == 3
    assert dict(tally.counts) == {**{o: 0 for o in multiple["options"]}, a: 1, b: 2, "Andre": 1}
    assert [v for v, _ in tally.counts] == multiple["options"] + ["Andre"]


# --- the command, with the response store ---------------------------------------------------------

def test_the_command_writes_the_report_of_the_kits_database(make_kit, cli):
    kit = make_kit(decks=STANDALONE)
    open_database(database_url(None, kit)).dispose()                  # as serve makes it
    run = cli("report", kit)
    assert run.code == 0 and "Traceback" not in run.output, run.output
    assert "no responses yet" in run.stdout
    assert DA["report_none"] in text_of(kit / "output" / "report.pdf")

    scale, text_q = form(kit)["scale"]["id"], form(kit)["text"]["id"]
    first, second = card(kit, STANDALONE[0]), card(kit, STANDALONE[1], 2)
    saved = [(first, [(scale, "5"), (text_q, "Mere af det her")], Contact("ja", "Ulla Hemmelig", "ulla@x.example"), 4),
             (first, [(scale, "3")], None, 6),
             (second, [(scale, "4"), ("background.age", "50-64")], None, 9)]
    with open_database(database_url(None, kit)) as database:
        for n, (target, answers, contact, day) in enumerate(saved):
            assert database.save(Response(f"{n:032x}", "temadag", target["deck"], target["card"], "da",
                                          tuple(answers), contact, datetime(2025, 3, day, 12, tzinfo=timezone.utc)))
    out = kit / "elsewhere" / "council.pdf"
    run = cli("report", kit, "-o", out)
    assert run.code == 0 and "Traceback" not in run.output, run.output
    assert f"Wrote {out}" in run.stdout
    assert "3 responses from 2025-03-04 to 2025-03-09, to 2 of" in run.stdout
    assert "1 people agreed to be contacted" in run.stdout
    text = text_of(out)
    assert "Svarene kom ind 4. marts 2025 – 9. marts 2025." in text
    assert "Mere af det her" in after(text, DA["report_cards"])
    assert "Ulla" not in text and "ulla@x.example" not in text
    assert DA["report_by_age"] in text


def test_the_command_shows_content_problems_and_databases_it_cannot_read(make_kit, cli, tmp_path):
    kit = make_kit(decks=STANDALONE)
    text = (kit / "kit.yaml").read_text(encoding="utf-8")
    (kit / "kit.yaml").write_text(text.replace("language: da", "language: fr"), encoding="utf-8")
    run = cli("report", kit)
    assert run.code == 1 and "Traceback" not in run.output, run.output
    assert run.problems() and run.problems()[0]["file"] == "kit.yaml"
    assert "No report was written." in run.stderr
    (kit / "kit.yaml").write_text(text, encoding="utf-8")

    run = cli("report", kit)                                 # serve has not made the kit's database yet
    assert run.code == 1 and "Traceback" not in run.output, run.output
    assert "no database at" in run.stderr and "No report was written." in run.stderr
    assert not (kit / "responses.db").exists()                  # the report makes no database

    run = cli("report", kit, "--db", "ftp://example.org/answers")
    assert run.code == 2 and "Traceback" not in run.output and "--db" in run.stderr, run.output
    assert not (kit / "output" / "report.pdf").exists()
