"""The facilitator guide as a flowing PDF: ReportLab platypus flowables
set in the kit's font and colours, page numbers and the kit's title on
every page, the follow-up QR code drawn like the cards' codes."""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from workshop_kit.content.guide import Guide
from workshop_kit.content.kit import KitContent
from workshop_kit.draw.document import DocumentStyle, page_frame, write_document
from workshop_kit.draw.pdf import MM, draw_face
from workshop_kit.file_kind import FileKind
from workshop_kit.fonts import Family
from workshop_kit.layout.boxes import Box, Face, QRSymbol
from workshop_kit.layout.face import READABLE_MODULE_MM
from workshop_kit.layout.guide import Materials, Plan, materials, plan
from workshop_kit.printing import paper_name
from workshop_kit.qr import encode

QR_MM = 38          # the follow-up code, quiet zone included


def render_guide(content: KitContent, guide_file: Guide, files: list[dict], paper: str, family: Family, *,
                 author: str, font: str, lang: str) -> tuple[bytes, int]:
    """The PDF bytes of the kit's guide and its page count.

    `files` are the manifest's files of this build; `paper` the office paper."""
    guide = guide_file.model
    setter = _Setter(content, guide_file, family, lang)
    day = plan(guide.day_start(), guide.day_steps())
    used = guide.used_tools()
    stuff = materials(files, used, groups=guide.groups, participants=guide.participants,
                      post_its_per_participant=guide.materials.post_its_per_participant,
                      pens_per_participant=guide.materials.pens_per_participant,
                      extra=guide.materials.extra, paper=paper,
                      per_group=guide.printed("per-group"), filled=guide.printed("filled"))
    width, height, frame_width = page_frame(paper)

    story = (setter.title_block()
             + setter.programme(day, frame_width)
             + setter.tools(used, day)
             + setter.materials(stuff, frame_width)
             + setter.sources()
             + setter.follow_up(guide_file.qr_url, frame_width))

    title = f"{guide.title} – {content.kit.title}"
    return write_document(story, paper, title, setter.running(guide.title, "guide_page", width, height),
                          subject=setter.label("pdf_subject_guide", kit=content.kit.title),
                          author=author, font=font, lang=lang)


class _Setter(DocumentStyle):
    """Turns the guide's content into flowables, with the kit's labels,
    fonts and colours."""

    def __init__(self, content: KitContent, guide: Guide, family: Family, lang: str):
        super().__init__(content, family, lang, "guide", "tint-guide")
        self.guide = guide

    def numbered(self, items) -> list[Paragraph]:
        return [self.p(text, self.item, f"{n}.") for n, text in enumerate(items, start=1)]

    def tool_name(self, slug: str) -> str:
        deck = self.content.deck(slug)
        if deck:
            return deck.name
        board = self.content.board(slug)
        return board.model.title if board else slug

    def paper_name(self, paper: str | None) -> str:
        if paper == "card":
            return self.label("guide_card")
        return paper_name(paper or "")

    def duration(self, minutes: int) -> str:
        hours, rest = divmod(minutes, 60)
        if not hours:
            return f"{rest} {self.label('guide_minutes')}"
        return self.label("guide_duration", hours=hours, minutes=rest)

    def pages(self, count: int) -> str:
        return self.label("guide_one_page") if count == 1 else self.label("guide_pages", pages=count)

    # --- the parts of the guide -----------------------------------------------------

    def title_block(self) -> list:
        guide, kit = self.guide.model, self.content.kit
        out = self.logo() + [self.p(guide.title, self.title),
               self.p(kit.title, self.subtitle),
               self.p(kit.organisation, self.subtitle)]
        when = [f"{self.label('guide_date')}: {guide.date}" if guide.date else "",
                f"{self.label('guide_place')}: {guide.place}" if guide.place else ""]
        facts = [t for t in when if t] + [self.label("guide_participants", participants=guide.participants,
                                                     groups=guide.groups)]
        out.append(Spacer(0, 2 * MM))
        out.append(Paragraph(" · ".join(escape(t) for t in facts), self.small))
        out.append(Spacer(0, 3 * MM))
        out.append(self.p(guide.intro, self.body))
        if guide.mandate:  # said at the start: what the day may decide and how its results are used
            out += [self.p(self.label("guide_mandate"), self.h3), self.p(guide.mandate, self.body)]
        if guide.before:
            out += [self.p(self.label("guide_before"), self.h3)] + self.bullets(guide.before)
        return out

    def programme(self, day: Plan, width: float) -> list:
        fixed = [17 * MM, 34 * MM, 29 * MM, 34 * MM]  # who: room for "kommunaldirektøren" unbroken
        widths = fixed + [width - sum(fixed)]
        rows: list[list[Any]] = [self.head_row("guide_col_time", "guide_col_title", "guide_col_tool", "guide_col_who",
                              "guide_col_what")]
        for row in day.rows:
            what = row.what
            what_cell = ([self.p(what[0], self.cell)] if len(what) == 1
                         else self.bullets(what, self.cell_item))
            rows.append([
                [self.p(row.start, self.cell_bold),
                 self.p(f"{row.minutes} {self.label('guide_minutes')}", self.cell_small)],
                self.p(row.title, self.cell_bold),
                self.p(self.tool_name(row.tool), self.cell) if row.tool else "",
                self.p(row.who, self.cell) if row.who else "",
                what_cell,
            ])
        total = self.label("guide_total", duration=self.duration(day.minutes), start=day.start, end=day.end)
        rows.append([self.p(total, self.cell_bold), "", "", "", ""])
        style = self.table_style() + [("SPAN", (0, len(rows) - 1), (-1, len(rows) - 1)),
                                      ("LINEBELOW", (0, -1), (-1, -1), 0.8, self.accent)]
        return self.section("guide_programme") + [
                Table(rows, colWidths=widths, repeatRows=1, style=TableStyle(style), hAlign="LEFT")]

    def tools(self, used: list[str], day: Plan) -> list:
        if not used:
            return []
        guide = self.guide.model
        out = self.section("guide_tools")
        for slug in used:
            deck = self.content.deck(slug)
            board = self.content.board(slug)
            own = guide.tools.get(slug)
            times = ", ".join(r.start for r in day.rows if r.tool == slug)
            if deck:
                kind = self.label("guide_deck", cards=len(deck.cards))
                about, steps, questions = deck.description, [], []
            else:
                assert board is not None  # the guide's tools are the kit's decks and boards (checked on load)
                kind = f"{self.label('guide_board')} · {self.labels.get(board.type, board.type)}"
                about = board.model.intro
                steps = list(getattr(board.model, "steps", []))
                questions = list(getattr(board.model, "questions", []))
            if own and own.steps is not None:
                steps = own.steps
            tips = own.tips if own else []
            head = [self.p(self.tool_name(slug), self.h3),
                    Paragraph(escape(f"{kind} · {self.label('guide_used_at', times=times)}"), self.small)]
            out += head
            if about:
                out.append(self.p(about, self.body))
            for key, items, numbered in (("guide_steps", steps, True), ("guide_questions", questions, False),
                                         ("guide_tips", tips, False)):
                if items:
                    out.append(self.p(self.label(key), self.h4))
                    out += self.numbered(items) if numbered else self.bullets(items)
        return out

    def sources(self) -> list:
        """The kit's sources, numbered, each with what rests on it."""
        found = self.content.sources
        if not found:
            return []
        out = self.section("guide_sources") + [self.p(self.label("guide_sources_intro"), self.body)]
        used_on = ParagraphStyle("source-used", self.small, leftIndent=self.item.leftIndent, spaceAfter=4)
        for n, (citation, names) in enumerate(found, start=1):
            text = citation.reference + (f" – {citation.url}" if citation.url else "")
            out.append(KeepTogether([  # a source and what uses it on one page
                Paragraph(escape(text), self.item, bulletText=f"{n}."),
                Paragraph(escape(self.label("guide_sources_used", names="; ".join(names))), used_on)]))
        return out

    def materials(self, stuff: Materials, width: float) -> list:
        out = self.section("guide_materials") + [
            self.p(self.label("guide_copies_rule", groups=stuff.groups), self.body)]
        if stuff.printed:
            fixed = [18 * MM, 16 * MM, 18 * MM, 26 * MM]
            widths = [width - sum(fixed)] + fixed
            rows: list[list[Any]] = [self.head_row("guide_col_file", "guide_col_copies", "guide_col_sheets",
                                  "guide_col_paper", "guide_col_sides")]
            for item in stuff.printed:
                sides = (self.label("guide_print_shop") if item.sheets is None
                         else self.label("guide_duplex" if item.duplex else "guide_single"))
                about = " · ".join((self.kind(item), item.path, self.pages(item.pages)))
                rows.append([
                    [self.p(self.tool_name(item.name), self.cell_bold), Paragraph(escape(about), self.path)],
                    self.p(f"{item.copies}", self.cell),
                    self.p("–" if item.sheets is None else f"{item.sheets}", self.cell),
                    self.p(self.paper_name(item.paper), self.cell),
                    self.p(sides, self.cell),
                ])
            out += [self.p(self.label("guide_print"), self.h3),
                    Table(rows, colWidths=widths, repeatRows=1, style=TableStyle(self.table_style()),
                          hAlign="LEFT"),
                    Spacer(0, 2 * MM)]
            for total in stuff.totals:
                sides = self.label("guide_duplex" if total.duplex else "guide_single")
                out.append(self.p(self.label("guide_sheet_total", sheets=total.sheets,
                                             paper=self.paper_name(total.paper), sides=sides),
                                  self.cell_bold))
        bring = []
        token_sheets = sum(i.sheets or 0 for i in stuff.printed if i.kind == FileKind.TOKEN_SHEET)
        if stuff.tokens:
            bring.append(self.label("guide_tokens", tokens=stuff.tokens, sheets=token_sheets))
        if stuff.post_its:
            guide = self.guide.model
            bring.append(self.label("guide_post_its", participants=guide.participants,
                                    per=guide.materials.post_its_per_participant, total=stuff.post_its))
        if stuff.pens:
            bring.append(self.label("guide_pens", total=stuff.pens))
        if stuff.cutting:
            bring.append(self.label("guide_cutting"))
        if stuff.taped_boards:
            bring.append(self.label("guide_tape", boards=stuff.taped_boards,
                                    paper=self.paper_name(stuff.tile_paper)))
        bring += [self.label("guide_table_hosts", groups=stuff.groups), self.label("guide_note_taker"),
                  self.label("guide_timer")]
        if stuff.poster_paper:
            small = stuff.poster_paper not in ("a2", "a1", "a0")
            bring.append(self.label("guide_poster_size") + (
                ". " + self.label("guide_poster_small", paper=self.paper_name(stuff.poster_paper))
                if small else ""))
        bring += stuff.extra
        if bring:
            out.append(self.p(self.label("guide_bring"), self.h3))
            out += self.bullets(bring)
        if stuff.other:
            groups: dict[str, list[str]] = {}
            for f in stuff.other:
                reason = self.label(f"guide_reason_{f.reason}", paper=self.paper_name(f.paper))
                groups.setdefault(reason, []).append(f.path)
            rows = [self.head_row("guide_col_use", "guide_col_file")]
            rows += [[self.p(reason, self.cell), Paragraph("<br/>".join(escape(p) for p in paths), self.path)]
                     for reason, paths in groups.items()]
            out += [self.p(self.label("guide_other"), self.h3),
                    Table(rows, colWidths=[width * 0.42, width * 0.58], repeatRows=1,
                          style=TableStyle(self.table_style()), hAlign="LEFT")]
        return out

    def kind(self, item) -> str:
        """What a printed file is, in a few words."""
        if item.kind == FileKind.CARD_DECK:
            return self.label("guide_kind_cards" if item.sheets is not None else "guide_kind_shop")
        if item.kind == FileKind.BOARD_TILES:
            return self.label("guide_kind_tiles", paper=self.paper_name(item.paper))
        if item.kind == FileKind.TOKEN_SHEET:
            return self.label("guide_kind_tokens", tokens=item.tokens // max(1, item.copies))
        if item.variant == "filled":
            return self.label("guide_kind_filled")
        return self.label("guide_kind_poster")

    def follow_up(self, url: str, width: float) -> list:
        symbol_face = _qr_face(url, self.colours)
        text = [self.p(self.label("guide_follow_up_text"), self.body),
                Paragraph(escape(url), ParagraphStyle("url", self.body, fontName=self.faces["bold"],
                                                      hyphenationLang="", splitLongWords=1))]
        table = Table([[QRFlowable(symbol_face), text]],
                      colWidths=[symbol_face.width * MM + 4 * MM, width - symbol_face.width * MM - 4 * MM],
                      style=TableStyle([("FONT", (0, 0), (-1, -1), self.faces["regular"], 9),
                                        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                                        ("LEFTPADDING", (0, 0), (0, 0), 0)]), hAlign="LEFT")
        return [KeepTogether([self.p(self.label("guide_follow_up"), self.h2), table])]

class QRFlowable(Flowable):
    """The follow-up code, drawn by the same routine as the cards' codes."""

    def __init__(self, face: Face):
        super().__init__()
        self.face = face
        self.width, self.height = face.width * MM, face.height * MM

    def wrap(self, available_width, available_height):
        return self.width, self.height

    def draw(self):
        draw_face(self.canv, self.face, 0, 0, 0)


def _qr_face(url: str, colours: dict) -> Face:
    """A face holding only the QR symbol, its modules readable in poor light."""
    matrix = encode(url)
    size = max(QR_MM, matrix.modules_with_quiet_zone * READABLE_MODULE_MM)
    symbol = QRSymbol(Box(0, 0, size, size), matrix, colours["ink"], colours["paper"])
    return Face(size, size, colours["paper"], (symbol,))
