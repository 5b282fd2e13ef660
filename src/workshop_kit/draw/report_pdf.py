"""The report for the council as a flowing PDF, in the look of the
facilitator guide: the key figures, the responses per deck, who responded,
the responses by each background question (age band, gender, area, time,
topic, format), and every card's answers as bar charts and quotes. Every
group smaller than the privacy threshold shows "fewer than" it instead of
a count.

Participants' own words are printed exactly as written (escaped, never read
as markup). Contact details never reach this module: the summary carries
only how many people agreed to be contacted.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from pathlib import Path
from typing import Any

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from workshop_kit.content.forms import BACKGROUND, BACKGROUND_ID, SCALE, value_label
from workshop_kit.content.kit import KitContent
from workshop_kit.draw.document import DocumentStyle, page_frame, write_document
from workshop_kit.draw.pdf import MM, colour
from workshop_kit.fonts import Family
from workshop_kit.tally import (
    ALL,
    NOT_GIVEN,
    OTHER,
    Breakdown,
    CardAnswers,
    ChoiceTable,
    ScaleTable,
    Summary,
    Tally,
    decimal,
    scale_mean,
)

BAR_HEIGHT_MM = 3.6
GROUP_ROOM_MM = 45               # a deck's heading starts a new page when less room than this is left
UNPRINTABLE = "[?]"
MEAN_COLUMNS = 3                 # scale questions shown as columns of a deck's overview; all are in its cards


@dataclass(frozen=True)
class CapturedBoard:
    """A board filled in at the workshop, as workshop-kit capture read it from photos."""

    title: str
    pictures: list[Path]               # the filled-in board, then the straightened photos
    placements: list[tuple[str, str]]  # (token, where it was placed)
    not_found: list[str]


def render_report(content: KitContent, summary: Summary, family: Family, paper: str, *, made: date,
                  tz: tzinfo | None = None, author: str, font: str, lang: str,
                  captured: Sequence[CapturedBoard] = ()) -> tuple[bytes, int]:
    """The report's PDF bytes and its page count. Dates are shown in `tz`
    (the local time zone when None); `made` is the day the report is made;
    `captured`: the boards the groups filled in, shown last."""
    setter = _Setter(content, family, lang, tz)
    width, height, frame_width = page_frame(paper)
    story = setter.title_block(summary, made, frame_width)
    if summary.responses:
        story += (setter.overview(summary, frame_width)
                  + setter.background(summary, frame_width)
                  + [flowable for b in summary.breakdowns for flowable in setter.breakdown(b, frame_width)]
                  + setter.cards(summary, frame_width)
                  + setter.former(summary, frame_width))
    if captured:
        story += setter.captured(captured, frame_width)
    title = setter.label("report_title")
    return write_document(story, paper, f"{title} – {content.kit.title}",
                          setter.running(title, "report_page", width, height),
                          subject=setter.label("pdf_subject_report", kit=content.kit.title),
                          author=author, font=font, lang=lang)


class BarFlowable(Flowable):
    """One bar of a chart: a track the width of 100 % and the bar on it."""

    def __init__(self, share: float, width: float, fill, track):
        super().__init__()
        self.share, self.width, self.height = max(0.0, min(1.0, share)), width, BAR_HEIGHT_MM * MM
        self.fill, self.track = fill, track

    def wrap(self, available_width, available_height):
        return self.width, self.height

    def draw(self):
        canvas = self.canv
        canvas.setFillColor(self.track)
        canvas.rect(0, 0, self.width, self.height, stroke=0, fill=1)
        if self.share:
            canvas.setFillColor(self.fill)
            canvas.rect(0, 0, self.width * self.share, self.height, stroke=0, fill=1)


class Quote(Flowable):
    """A participant's answer, set off by a rule on its left; it splits
    across pages like the paragraph it holds."""

    INDENT = 3.5 * MM

    def __init__(self, paragraph: Flowable, rule):  # a Paragraph, or a part of one split across pages
        super().__init__()
        self.paragraph, self.rule = paragraph, rule

    def wrap(self, available_width, available_height):
        width, height = self.paragraph.wrap(available_width - self.INDENT, available_height)
        self.width, self.height = width + self.INDENT, height
        return self.width, self.height

    def split(self, available_width, available_height):
        parts = self.paragraph.split(available_width - self.INDENT, available_height)
        return [Quote(part, self.rule) for part in parts]

    def getSpaceBefore(self):
        return self.paragraph.getSpaceBefore()

    def getSpaceAfter(self):
        return self.paragraph.getSpaceAfter()

    def draw(self):
        self.canv.setStrokeColor(self.rule)
        self.canv.setLineWidth(1.2)
        self.canv.line(0.6, 0, 0.6, self.height)
        self.paragraph.drawOn(self.canv, self.INDENT, 0)


class _Setter(DocumentStyle):
    """Turns the summary into flowables, with the kit's labels, font and colours."""

    def __init__(self, content: KitContent, family: Family, lang: str, tz: tzinfo | None):
        super().__init__(content, family, lang, "report", "tint-report")
        self.tz = tz
        self.lang = lang
        self.figure = ParagraphStyle("figure", self.body, fontName=self.faces["bold"], fontSize=26, leading=30,
                                     textColor=self.accent, spaceAfter=0, hyphenationLang="")
        self.number = ParagraphStyle("number", self.cell, alignment=2, hyphenationLang="")
        self.number_bold = ParagraphStyle("number-bold", self.number, fontName=self.faces["bold"])
        self.tab = ParagraphStyle("tab", self.cell, fontSize=8, leading=10)
        self.tab_bold = ParagraphStyle("tab-bold", self.tab, fontName=self.faces["bold"])
        self.tab_number = ParagraphStyle("tab-number", self.tab, alignment=2, hyphenationLang="")
        self.tab_head = ParagraphStyle("tab-head", self.tab_number, fontName=self.faces["bold"])
        # a group's name over a narrow column: hyphenated, long words split
        self.tab_group = ParagraphStyle("tab-group", self.tab_bold, alignment=2, splitLongWords=1)
        self.question = ParagraphStyle("question", self.h4, fontSize=10, leading=13, spaceBefore=6)
        self.quote = ParagraphStyle("quote", self.body, fontSize=9.5, leading=12.5, spaceAfter=3)
        self.track = colour(self.colours["tint-report"])
        self.threshold = content.kit.follow_up.privacy_threshold

    def hidden(self, column: int, n: int) -> bool:
        """Whether a cell of a breakdown stands for too few people to show
        (the All column is no group of its own)."""
        return column > 0 and 0 < n < self.threshold

    def fewer(self, style) -> Paragraph:
        return self.plain(self.label("fewer_than", n=self.threshold), style)

    # --- numbers and dates --------------------------------------------------------------

    def decimal(self, value: float) -> str:
        return decimal(value, self.lang)

    def percent(self, part: int, whole: int) -> str:
        return self.label("report_percent", n=round(100 * part / whole) if whole else 0)

    def day(self, moment: datetime | date) -> str:
        if isinstance(moment, datetime):
            moment = moment.astimezone(self.tz).date()
        months = self.label("report_months").split()
        month = months[moment.month - 1] if len(months) == 12 else f"{moment.month}"
        return self.label("report_date", day=moment.day, month=month, year=moment.year)

    def period(self, first: datetime, last: datetime) -> str:
        start, end = self.day(first), self.day(last)
        return start if start == end else self.label("report_period", first=start, last=end)

    def words(self, text: str, style: ParagraphStyle) -> Paragraph:
        """A participant's own words: printed as written, never as markup;
        a run of characters the font has no glyph for (an emoji, another
        script) is shown as [?] instead of silently left out."""
        missing = set(self.family.missing(text, "bold" if style.fontName == self.faces["bold"] else "regular"))
        if missing:
            text = re.sub("[" + re.escape("".join(sorted(missing))) + "]+", UNPRINTABLE, text)
        return self.plain(text, style)

    def colour_of(self, card: CardAnswers):
        return colour(card.colour) if card.colour is not None else self.accent

    # --- the parts of the report ------------------------------------------------------------

    def title_block(self, summary: Summary, made: date, width: float) -> list:
        kit = self.content.kit
        out = self.logo() + [self.p(self.label("report_title"), self.title),
               self.p(kit.title, self.subtitle),
               self.p(kit.organisation, self.subtitle),
               Spacer(0, 2 * MM),
               self.plain(self.label("report_made", date=self.day(made)), self.small),
               Spacer(0, 6 * MM)]
        if not summary.responses:
            return out + [self.p(self.label("report_none"), self.h2), self.p(self.label("report_none_text"), self.body)]
        assert summary.first is not None and summary.last is not None  # there are responses
        figures = [(summary.responses, self.label("report_responses")),
                   (len(summary.answered_cards), self.label("report_answered_cards", total=len(summary.cards))),
                   (summary.contacts, self.label("report_contacts"))]
        table = Table([[self.plain(f"{n}", self.figure) for n, _ in figures],
                       [self.p(caption, self.small) for _, caption in figures]],
                      colWidths=[width / len(figures)] * len(figures), hAlign="LEFT",
                      style=TableStyle([("FONT", (0, 0), (-1, -1), self.faces["regular"], 9),
                                        ("VALIGN", (0, 0), (-1, -1), "TOP"),
                                        ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                        ("LINEABOVE", (0, 0), (-1, 0), 0.8, self.accent)]))
        return out + [table, Spacer(0, 4 * MM),
                      self.plain(self.label("report_received", period=self.period(summary.first, summary.last)),
                                 self.body),
                      self.p(self.label("report_contacts_text"), self.small)]

    def overview(self, summary: Summary, width: float) -> list:
        out = self.section("report_overview")
        most = max(c.responses for c in summary.cards) or 1
        for group, every in summary.groups():
            cards = [c for c in every if c.responses]
            out += [CondPageBreak(GROUP_ROOM_MM * MM),
                    self.p(group, ParagraphStyle("group", self.h3, textColor=self.colour_of(every[0])))]
            silent = [c.title for c in every if not c.responses]
            note = [self.p(self.label("report_unanswered", cards=" · ".join(silent)), self.small)] if silent else []
            if not cards:
                out += note
                continue
            scales = _scale_questions(cards)[:MEAN_COLUMNS]
            fixed = [22 * MM, 40 * MM] + [24 * MM] * len(scales)
            widths = [width - sum(fixed)] + fixed
            rows: list[list[Any]] = [[self.p(self.label("report_col_card"), self.cell_bold),
                     self.p(self.label("report_col_responses"), self.number_bold), ""]
                    + [[self.p(text, self.cell_small), self.p(self.label("report_col_mean"), self.cell_small)]
                       for _, text in scales]]
            for card in cards:
                rows.append([self.p(card.title, self.cell), self.plain(f"{card.responses}", self.number),
                             BarFlowable(card.responses / most, 36 * MM, self.colour_of(card), self.track)]
                            + [self.mean_cell(_scale_counts([card], qid)) for qid, _ in scales])
            rows.append([self.p(self.label("report_total"), self.cell_bold),
                         self.plain(f"{sum(c.responses for c in cards)}", self.number_bold), ""]
                        + [self.mean_cell(_scale_counts(cards, qid), bold=True) for qid, _ in scales])
            style = self.table_style() + [("VALIGN", (0, 1), (-1, -1), "MIDDLE"),
                                          ("LINEABOVE", (0, -1), (-1, -1), 0.8, self.accent)]
            out += [Table(rows, colWidths=widths, repeatRows=1, style=TableStyle(style), hAlign="LEFT"),
                    Spacer(0, 1.5 * MM)] + note
        return out

    def mean_cell(self, counts: list[tuple[str, int]], bold: bool = False) -> Paragraph:
        return self.scale_cell(0, scale_mean(counts), self.number_bold if bold else self.number)

    def background(self, summary: Summary, width: float) -> list:
        out = self.section("report_background")
        for tally in summary.background:
            name = tally.id[len(BACKGROUND_ID):]
            heading = self.label(f"form_{name}") if name in BACKGROUND else name
            note = self.plain(self.label("report_given", answered=tally.answered, responses=summary.responses),
                              self.small)
            chart = self.chart(tally.counts, tally.answered, width, self.accent,
                               lambda v, kind=name: value_label(kind, v, self.labels),
                               private=True) if tally.answered else []
            out.append(KeepTogether([self.p(heading, self.h3), *chart, note]))
        return out

    def chart(self, counts: list[tuple[str, int]], answered: int, width: float, fill, label=None,
              private: bool = False) -> list:
        """A horizontal bar chart: one row per value, its bar the share of
        those who answered, with the count and the share beside it. With
        `private` (who the participants are), a group smaller than the
        privacy threshold shows "fewer than" it, and no bar."""
        if not counts:
            return []
        widths = [width * 0.42, width * 0.40, width * 0.18]
        bar = widths[1] - 2 * MM
        rows = [[self.words(label(value) if label else value, self.cell),
                 BarFlowable(0, bar, fill, self.track),
                 self.fewer(self.cell)]
                if private and self.hidden(1, count) else
                [self.words(label(value) if label else value, self.cell),
                 BarFlowable(count / answered if answered else 0, bar, fill, self.track),
                 self.plain(f"{count} · {self.percent(count, answered)}", self.cell)]
                for value, count in counts]
        style: list[tuple[Any, ...]] = [("FONT", (0, 0), (-1, -1), self.faces["regular"], 9),
                 ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                 ("LEFTPADDING", (0, 0), (-1, -1), 0),
                 ("RIGHTPADDING", (0, 0), (-1, -1), 1.5 * MM),
                 ("TOPPADDING", (0, 0), (-1, -1), 0.8 * MM),
                 ("BOTTOMPADDING", (0, 0), (-1, -1), 0.8 * MM)]
        return [Table(rows, colWidths=widths, style=TableStyle(style), hAlign="LEFT")]

    # --- by age band, gender, area, time, topic or format -----------------------------------------

    def breakdown(self, b: Breakdown, width: float) -> list:
        label_width = (48 if len(b.columns) <= 6 else 40) * MM
        widths = [label_width] + [(width - label_width) / len(b.columns)] * len(b.columns)
        head = [""] + [self.column_head(b, c) for c in b.columns]
        style = self.table_style() + [("LEFTPADDING", (0, 0), (-1, -1), 1 * MM),
                                      ("RIGHTPADDING", (0, 0), (-1, -1), 1 * MM),
                                      ("LINEAFTER", (1, 0), (1, -1), 0.5, self.rule)]

        def table(rows: list, extra: Sequence = ()) -> Table:
            return Table([head] + rows, colWidths=widths, repeatRows=1, hAlign="LEFT",
                         style=TableStyle(style + list(extra)))

        total = [("LINEABOVE", (0, -1), (-1, -1), 0.8, self.accent)]
        groups = [[self.p(g, self.tab)] + [self.count_cell(i, n, self.tab_number) for i, n in enumerate(counts)]
                  for g, counts in b.groups]
        groups.append([self.p(self.label("report_total"), self.tab_bold)]
                      + [self.count_cell(i, c.responses, self.tab_head) for i, c in enumerate(b.columns)])
        out = self.section(f"report_by_{b.by}") + [
            self.p(self.label("report_privacy", n=self.threshold), self.small),
            KeepTogether([self.p(self.label("report_by_groups"), self.h3), table(groups, total)])]
        for scale in b.scales:
            out += self.scale_table(scale, table, total)
        for choice in b.choices:
            out += self.choice_table(choice, table, total)
        return out

    def column_head(self, b: Breakdown, column) -> Paragraph:
        """A column's heading: the kit's label, or an area as a participant
        wrote it, printed as written (never as markup)."""
        if column.kind == ALL:
            return self.p(self.label("report_all"), self.tab_head)
        if column.kind == OTHER:
            return self.p(self.label("report_other"), self.tab_head)
        if column.kind == NOT_GIVEN:
            return self.p(self.label("report_not_given"), self.tab_head)
        return self.words(value_label(b.by, column.value, self.labels), self.tab_group)

    def scale_table(self, scale: ScaleTable, table, total) -> list:
        rows: list[list[Any]] = []
        spans: list[tuple] = []
        group = None
        for row in scale.rows[:-1]:
            assert row.card is not None  # only the last row, every card together, has no card
            if row.card.deck != group:
                group = row.card.deck
                spans += [("SPAN", (0, len(rows) + 1), (-1, len(rows) + 1)),
                          ("BACKGROUND", (0, len(rows) + 1), (-1, len(rows) + 1), self.track)]
                rows.append([self.p(row.card.group, self.tab_bold)] + [""] * len(row.cells))
            rows.append([self.p(row.card.title, self.tab)]
                        + [self.scale_cell(i, c, self.tab_number) for i, c in enumerate(row.cells)])
        rows.append([self.p(self.label("report_all_cards"), self.tab_bold)]
                    + [self.scale_cell(i, c, self.tab_head) for i, c in enumerate(scale.rows[-1].cells)])
        return [self.p(scale.text, self.h3), self.p(self.label("report_scale_note"), self.small),
                table(rows, total + spans)]

    def scale_cell(self, column: int, cell: tuple[float | None, int], style) -> Paragraph:
        mean, n = cell
        if self.hidden(column, n):
            return self.fewer(style)
        return self.plain("–" if mean is None else f"{self.decimal(mean)} ({n})", style)

    def count_cell(self, column: int, n: int, style) -> Paragraph:
        return self.fewer(style) if self.hidden(column, n) else self.plain(f"{n}", style)

    def choice_table(self, choice: ChoiceTable, table, total) -> list:
        kind = choice.id[len(BACKGROUND_ID):] if choice.id.startswith(BACKGROUND_ID) else None
        text = self.label(f"form_{kind}") if kind in BACKGROUND else choice.text
        rows = [[self.words(value_label(kind, option, self.labels) if kind else option, self.tab)]
                + [self.fewer(self.tab_number) if self.hidden(i, a) or self.hidden(i, n)
                   else self.plain(f"{self.percent(n, a)} ({n})" if a else "–", self.tab_number)
                   for i, (n, a) in enumerate(zip(counts, choice.answered))]
                for option, counts in choice.rows]
        rows.append([self.p(self.label("report_answered_row"), self.tab_bold)]
                    + [self.count_cell(i, a, self.tab_head) for i, a in enumerate(choice.answered)])
        return [self.p(text, self.h3), self.p(self.label("report_choice_note"), self.small), table(rows, total)]

    # --- every card's answers ---------------------------------------------------------------------

    def cards(self, summary: Summary, width: float) -> list:
        out = self.section("report_cards")
        for group, cards in summary.groups():
            answered = [c for c in cards if c.responses]
            if not answered:
                continue
            out += [CondPageBreak(GROUP_ROOM_MM * MM),
                    self.p(group, ParagraphStyle("group", self.h3, textColor=self.colour_of(answered[0])))]
            for card in answered:
                out += self.card(card, width)
        return out

    def former(self, summary: Summary, width: float) -> list:
        if not summary.former:
            return []
        out = self.section("report_former_cards") + [self.p(self.label("report_former_cards_text"), self.body)]
        for card in summary.former:
            out += self.card(card, width)
        return out

    def captured(self, boards: Sequence[CapturedBoard], width: float) -> list:
        """Each captured board: the filled-in board and the photo, and where each token went."""
        from reportlab.platypus import Image

        from workshop_kit.draw.raster import image_size

        out = self.section("report_captured") + [self.p(self.label("report_captured_text"), self.body)]
        for board in boards:
            out += [CondPageBreak(GROUP_ROOM_MM * MM), self.p(board.title, self.h3)]
            for path in board.pictures:
                w, h = image_size(path.read_bytes())
                out += [Image(str(path), width, width * h / w), Spacer(0, 3 * MM)]
            rows: list[list[Any]] = [[self.p(self.label("report_col_token"), self.cell_bold),
                                      self.p(self.label("report_col_place"), self.cell_bold)]]
            rows += [[self.words(token, self.cell), self.words(place, self.cell)] for token, place in board.placements]
            out.append(Table(rows, colWidths=[width * 0.6, width * 0.4], repeatRows=1,
                             style=TableStyle(self.table_style()), hAlign="LEFT"))
            if board.not_found:
                out.append(self.words(self.label("index_not_found", names=", ".join(board.not_found)), self.small))
        return out

    def card(self, card: CardAnswers, width: float) -> list:
        fill = self.colour_of(card)
        heading = ParagraphStyle("card", self.h4, fontSize=12, leading=15, spaceBefore=10, textColor=fill)
        out = [CondPageBreak(30 * MM),
               self.words(card.title, heading) if not card.in_kit else self.p(card.title, heading),
               self.plain(self.label("report_card_count", responses=card.responses),
                          ParagraphStyle("count", self.small, keepWithNext=1))]
        for tally in card.questions:
            if tally.answered:
                out += self.answers(tally, width, fill)
        return out

    def answers(self, tally: Tally, width: float, fill) -> list:
        """One question's answers: a chart for choices and scales, quotes for free text."""
        if tally.kind == "former":
            head: list[Flowable] = [self.plain(tally.text, self.question),
                                    self.p(self.label("report_former_question"), self.small)]
            quotes: list[Flowable] = [
                Quote(self.words(value + (f" ({self.label('report_times', n=count)})" if count > 1 else ""),
                                 self.quote), fill) for value, count in tally.counts]
            return [KeepTogether(head + quotes[:1])] + quotes[1:]
        head = [self.p(tally.text, self.question)]
        if tally.kind == "text":
            quotes = [Quote(self.words(text, self.quote), fill) for text in tally.texts]
            count = self.plain(self.label("report_question_answered", answered=tally.answered), self.small)
            return [KeepTogether(head + [count] + quotes[:1])] + quotes[1:]
        if tally.kind == "scale":
            names = {"1": self.label("form_scale_low", text=tally.low) if tally.low else "1",
                     "5": self.label("form_scale_high", text=tally.high) if tally.high else "5"}
            chart = self.chart(tally.counts, tally.answered, width, fill, lambda v: names.get(v, v))
            mean, given = scale_mean(tally.counts)
            note = self.label("report_mean", mean="–" if mean is None else self.decimal(mean), answered=given)
        else:
            chart = self.chart(tally.counts, tally.answered, width, fill)
            note = self.label("report_question_answered", answered=tally.answered)
        return [KeepTogether(head + chart + [self.plain(note, self.small)])]


def _scale_questions(cards: list[CardAnswers]) -> list[tuple[str, str]]:
    """The scale questions of these cards' forms, by id, in order."""
    found: dict[str, str] = {}
    for card in cards:
        for tally in card.questions:
            if tally.kind == "scale":
                found.setdefault(tally.id, tally.text)
    return list(found.items())


def _scale_counts(cards: list[CardAnswers], qid: str) -> list[tuple[str, int]]:
    return [(value, count) for card in cards for tally in card.questions
            if tally.id == qid and tally.kind == "scale" for value, count in tally.counts if value in SCALE]
