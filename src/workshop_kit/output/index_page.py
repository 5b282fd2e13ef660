"""index.html: every card and board of a build, and how to print each file.

The page is made from the finished manifest alone, in the kit's language
(the `index_*` labels, which a kit may override). It works opened from
disk: the styles are inline, the pictures are relative files under
thumbs/, there is no script, and a Content-Security-Policy forbids any
fetch from the network, so one would fail visibly instead of leaking.
Every text from the content or the labels is escaped.
"""

from __future__ import annotations

from html import escape
from typing import Any, Iterable

from workshop_kit.file_kind import SCREEN_KINDS, FileKind
from workshop_kit.printing import cutting_label, fill_label, paper_name, printed_duplex, sheets_of

CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
OFFICE_PAPERS = ("a4", "letter")
KIND_ORDER = ("card-deck", "board-poster", "board-tiles", "token-sheet", "board-png", "board-svg")
FILE_TYPES = {".pdf": "PDF", ".svg": "SVG", ".png": "PNG"}


def index_page(manifest: dict[str, Any], labels: dict[str, str]) -> str:
    """The whole page as a string."""
    page = _Page(manifest, labels)
    return page.html()


class _Page:
    def __init__(self, manifest: dict[str, Any], labels: dict[str, str]):
        self.kit = manifest.get("kit", {})
        self.labels = labels
        self.lang = self.kit.get("language", "da")
        self.files = manifest.get("files", [])
        decks = {d["deck"]: d for d in manifest.get("decks", [])}
        for card in manifest.get("cards", []):  # decks known only by their cards (an older manifest)
            decks.setdefault(card["deck"], {"deck": card["deck"], "name": card["deck"]})
        self.deck_of = decks
        self.decks = [decks[name] for name in sorted(decks)]
        self.cards = manifest.get("cards", [])
        self.boards = sorted(manifest.get("boards", []), key=lambda b: b["board"])

    # --- texts ---------------------------------------------------------------

    def text(self, key: str, **values: Any) -> str:
        """A label with its {placeholders} filled in; a label a kit wrote
        with an unknown or broken placeholder is shown as it is."""
        return fill_label(self.labels, key, **values)

    def number(self, value: float) -> str:
        shown = f"{value:g}"
        return shown.replace(".", ",") if self.lang == "da" else shown

    def size(self, width: float, height: float) -> str:
        return f"{self.number(width)} × {self.number(height)} mm"

    # --- the page --------------------------------------------------------------

    def html(self) -> str:
        title = self.kit.get("title", "")
        heading = self.text("index_title")
        return "\n".join([
            "<!doctype html>",
            f'<html lang="{escape(self.lang)}">',
            "<head>",
            '<meta charset="utf-8">',
            f'<meta http-equiv="Content-Security-Policy" content="{escape(CSP)}">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            '<meta name="color-scheme" content="light dark">',
            f"<title>{escape(title)} – {escape(heading)}</title>",
            f"<style>{STYLE}</style>",
            "</head>",
            "<body>",
            f'<a class="skip" href="#main">{escape(self.text("index_skip"))}</a>',
            '<header class="masthead"><div class="wrap">',
            f'<p class="org">{escape(self.kit.get("organisation", ""))}</p>',
            f"<h1>{escape(title)}</h1>",
            f'<p class="kicker">{escape(heading)}</p>',
            f'<p class="lead">{escape(self.text("index_intro"))}</p>',
            "</div></header>",
            self.nav(),
            '<main id="main" class="wrap">',
            self.before_you_print(),
            self.guide_section(),
            self.deck_sections(),
            self.board_sections(),
            "</main>",
            f'<footer class="wrap"><p>{escape(self.text("index_footer"))}</p></footer>',
            "</body>",
            "</html>",
            "",
        ])

    def nav(self) -> str:
        items = [_link("#before", self.text("index_before"))]
        if self.guides:
            items.append(_link("#guide", self.text("index_guide")))
        if self.decks:
            items.append(_link("#decks", self.text("index_decks"))
                         + _list((_link(f"#deck-{d['deck']}", d.get("name", d["deck"])) for d in self.decks)))
        if self.boards:
            items.append(_link("#boards", self.text("index_boards"))
                         + _list((_link(f"#board-{b['board']}", b.get("title", b["board"])) for b in self.boards)))
        return (f'<nav class="toc wrap" aria-labelledby="toc-title"><h2 id="toc-title">'
                f'{escape(self.text("index_contents"))}</h2>{_list(items)}</nav>')

    def before_you_print(self) -> str:
        duplex = self.kit.get("duplex", "long-edge")
        other = "short-edge" if duplex == "long-edge" else "long-edge"
        tips = [self.text("index_tip_scale")]
        if any(f.get("mode") == "home" and printed_duplex(f) for f in self.files):
            tips += [self.text("index_tip_test", other=other), self.text("index_tip_manual")]
        return (f'<section id="before" class="before" aria-labelledby="before-title">'
                f'<h2 id="before-title">{escape(self.text("index_before"))}</h2>'
                f'{_list((escape(t) for t in tips), "tips")}</section>')

    @property
    def guides(self) -> list[dict]:
        return [f for f in self.files if f.get("kind") == "guide"]

    def guide_section(self) -> str:
        if not self.guides:
            return ""
        return self.section("guide", "index_guide",
                            f'<p>{escape(self.text("index_guide_intro"))}</p>{self.file_list(self.guides)}')

    def section(self, anchor: str, heading: str, body: str) -> str:
        """A part of the page with its heading (nothing when it has nothing to show)."""
        if not body:
            return ""
        return (f'<section id="{anchor}" aria-labelledby="{anchor}-title">'
                f'<h2 id="{anchor}-title">{escape(self.text(heading))}</h2>{body}</section>')

    # --- decks -----------------------------------------------------------------

    def deck_sections(self) -> str:
        return self.section("decks", "index_decks", "".join(self.deck_section(d) for d in self.decks))

    def deck_section(self, deck: dict) -> str:
        name = deck["deck"]
        cards = [c for c in self.cards if c["deck"] == name]
        facts = [(self.text("index_card_count"), str(len(cards)))]
        if deck.get("type"):
            facts.append((self.text("index_type"), self.labels.get(deck["type"], deck["type"])))
        if deck.get("size_mm"):
            facts.append((self.text("index_size"), self.size(*deck["size_mm"])))
        files = sorted((f for f in self.files if f.get("deck") == name and f.get("kind") != FileKind.CARD_PICTURE),
                       key=lambda f: (_kind_rank(f), f.get("mode") != "home", f["path"]))
        gallery = "".join(self.card_item(card) for card in cards)
        return (f'<section id="deck-{escape(name)}" class="group" aria-labelledby="deck-{escape(name)}-title">'
                f'<h3 id="deck-{escape(name)}-title">{escape(deck.get("name", name))}</h3>'
                f'{_facts(facts, "facts inline")}'
                f'<h4>{escape(self.text("index_files"))}</h4>{self.file_list(files)}'
                f'<h4>{escape(self.text("index_cards"))}</h4><ol class="cards">{gallery}</ol></section>')

    def card_item(self, card: dict) -> str:
        title = card.get("title", card["id"])
        thumbs = card.get("thumbnails", {})
        width, height = card.get("size_mm", (63, 88))
        faces = []
        for side in ("front", "back"):
            alt = f"{title} – {self.text('index_' + side)}"
            faces.append(_face_picture(thumbs.get(side), alt, f' style="aspect-ratio: {width:g} / {height:g}"'))
        return (f'<li><figure class="card"><div class="faces">{"".join(faces)}</div>'
                f"<figcaption>{escape(title)}</figcaption></figure></li>")

    # --- boards ----------------------------------------------------------------

    def board_sections(self) -> str:
        return self.section("boards", "index_boards", "".join(self.board_section(b) for b in self.boards))

    def board_section(self, board: dict) -> str:
        name = board["board"]
        title = board.get("title", name)
        files = [f for f in self.files if f.get("board") == name]
        variants = sorted({f.get("variant", "blank") for f in files} | set(board.get("thumbnails", {})),
                          key=lambda v: v != "blank")
        files.sort(key=lambda f: (f.get("kind") in SCREEN_KINDS, f.get("variant") != "blank",
                                  _kind_rank(f), f["path"]))
        pngs = {f.get("variant"): f["path"] for f in files if f.get("kind") == "board-png"}
        figures = []
        for variant in variants:
            thumb = board.get("thumbnails", {}).get(variant)
            caption = self.text(f"index_{variant}")
            alt = f"{title} – {caption}"
            picture = _picture(thumb, alt)
            if thumb and variant in pngs:
                picture = f'<a href="{escape(pngs[variant])}">{picture}</a>'
            shape = " portrait" if thumb and thumb["pixels"][1] > thumb["pixels"][0] else ""
            figures.append(f'<figure class="board{shape}">{picture}'
                           f'<figcaption>{escape(caption)}</figcaption></figure>')
        facts = [(self.text("index_type"), self.labels.get(board.get("type", ""), board.get("type", "")))]
        return (f'<section id="board-{escape(name)}" class="group" aria-labelledby="board-{escape(name)}-title">'
                f'<h3 id="board-{escape(name)}-title">{escape(title)}</h3>{_facts(facts, "facts inline")}'
                f'<div class="boards">{"".join(figures)}</div>'
                f'<h4>{escape(self.text("index_files"))}</h4>{self.file_list(files)}</section>')

    # --- files and how to print them ---------------------------------------------

    def file_list(self, files: list[dict]) -> str:
        return f'<ul class="files">{"".join(self.file_item(f) for f in files)}</ul>'

    def file_item(self, entry: dict) -> str:
        path = entry["path"]
        kind = entry.get("kind", "")
        key = "index_kind_" + kind.replace("-", "_") + (f"_{entry['mode']}" if kind == "card-deck" else "")
        title = self.text(key, paper=paper_name(entry.get("paper", "")))
        if title == key:  # a kind of file this page has no words for
            title = path.rsplit("/", 1)[-1]
        badge = FILE_TYPES.get(path[path.rfind("."):].lower(), "")
        filled = (f'<span class="tag">{escape(self.text("index_filled"))}</span>'
                  if entry.get("variant") == "filled" else "")
        return (f'<li class="file"><a href="{escape(path)}"><span class="type">{escape(badge)}</span>'
                f'<span class="what">{escape(title)}{filled}</span>'
                f'<span class="path">{escape(path)}</span></a>{_facts(self.how_to_print(entry), "facts")}</li>')

    def how_to_print(self, entry: dict) -> list[tuple[str, str]]:
        """(term, text) pairs that tell how to print this file."""
        kind, t = entry.get("kind"), self.text
        pages = entry.get("pages")
        if kind == "card-deck" and entry.get("mode") == "shop":
            size = self._card_size(entry["deck"])
            bleed = self.number(self.kit.get("bleed_mm", 3))
            return [(t("index_shop"), t("index_shop_send")),
                    (t("index_size"), t("index_card_size", size=size, bleed=bleed)),
                    (t("index_pages"), str(pages)),
                    (t("index_cut"), t("index_trim_bleed", size=size, bleed=bleed))]
        if kind == "board-svg":
            return [(t("index_use"), t("index_use_svg"))]
        if kind == "board-png":
            width, height = entry.get("pixels", ("?", "?"))
            return [(t("index_use"), t("index_use_png", width=width, height=height))]
        if pages is None:
            return []
        duplex = printed_duplex(entry)
        sides = (t("index_duplex_" + self.kit.get("duplex", "long-edge").replace("-", "_"))
                 if duplex else t("index_single_sided"))
        facts = [(t("index_paper"), self.paper(entry)), (t("index_printing"), sides),
                 (t("index_scale"), t("index_actual_size"))]
        if duplex:
            facts.append((t("index_pages"), str(pages)))
        facts.append((t("index_sheets"), str(sheets_of(pages, duplex))))
        office = entry.get("paper") in OFFICE_PAPERS
        facts.append((t("index_printer"), t("index_office_printer") if office
                      else t("index_large_printer", paper=paper_name(entry.get("paper", "")))))
        if kind == "card-deck":
            key, values = cutting_label(entry)
            cut = t(key, **values)
        elif kind == "board-tiles":
            cut = t("index_cut_tiles", pages=pages, rows=entry.get("rows"), columns=entry.get("columns"),
                    overlap=self.number(entry.get("overlap_mm", 0)))
        elif kind == "token-sheet":
            cut = t("index_cut_tokens", tokens=entry.get("tokens"))
        else:
            cut = t("index_cut_none")
        facts.append((t("index_cut"), cut))
        return facts

    def paper(self, entry: dict) -> str:
        name = paper_name(entry.get("paper", ""))
        size = entry.get("page_size_mm") or (entry.get("size_mm") if entry.get("kind") == "board-poster" else None)
        if not size:
            return name
        width, height = size
        orientation = self.text("index_landscape" if width > height else "index_portrait")
        return f"{name}, {orientation} ({self.size(width, height)})"

    def _card_size(self, deck: str) -> str:
        size = self.deck_of.get(deck, {}).get("size_mm")
        size = size or next((c["size_mm"] for c in self.cards if c["deck"] == deck), None)
        return self.size(*size) if size else ""


def _kind_rank(entry: dict) -> int:
    kind = entry.get("kind")
    return KIND_ORDER.index(kind) if kind in KIND_ORDER else len(KIND_ORDER)


def _picture(thumb: dict | None, alt: str, missing_style: str = "") -> str:
    """A thumbnail, or its alt text in a box where the picture is missing."""
    if not thumb:
        return _missing(alt, missing_style)
    width, height = thumb["pixels"]
    return f'<img src="{escape(thumb["path"])}" alt="{escape(alt)}" width="{width}" height="{height}">'


def _face_picture(thumb: dict | None, alt: str, missing_style: str = "") -> str:
    """A card face: its rectangle of the deck's contact sheet (one picture
    for many faces), shown by an SVG whose view box is that rectangle; or
    its alt text in a box where the picture is missing."""
    if not thumb:
        return _missing(alt, missing_style)
    (width, height), (left, top), (sheet_w, sheet_h) = thumb["pixels"], thumb["at"], thumb["sheet_pixels"]
    return (f'<svg class="face" viewBox="{left} {top} {width} {height}" width="{width}" height="{height}" '
            f'role="img" aria-label="{escape(alt)}"><image href="{escape(thumb["path"])}" '
            f'width="{sheet_w}" height="{sheet_h}"/></svg>')


def _missing(alt: str, style: str) -> str:
    """The alt text of a picture that is missing, in a box of its place."""
    return f'<span class="missing"{style}>{escape(alt)}</span>'


def _link(href: str, text: str) -> str:
    return f'<a href="{escape(href)}">{escape(text)}</a>'


def _list(items: Iterable[str], css: str = "") -> str:
    """A <ul> of items that are already HTML."""
    cls = f' class="{css}"' if css else ""
    return f"<ul{cls}>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>"


def _facts(facts: list[tuple[str, str]], css: str) -> str:
    if not facts:
        return ""
    rows = "".join(f"<div><dt>{escape(term)}</dt><dd>{escape(text)}</dd></div>" for term, text in facts)
    return f'<dl class="{css}">{rows}</dl>'


STYLE = """
:root {
  --ink: #1d2430; --muted: #596273; --paper: #ffffff; --page: #f4f2ee; --line: #d9d5cc;
  --accent: #1f5c99; --accent-ink: #ffffff; --tag: #fbe7c6; --tag-ink: #5a3b00;
  --radius: 10px; --shadow: 0 1px 2px rgb(0 0 0 / 8%), 0 4px 12px rgb(0 0 0 / 6%);
  color-scheme: light dark;
}
@media (prefers-color-scheme: dark) {
  :root { --ink: #e8e6e1; --muted: #a9afba; --paper: #20252d; --page: #161a20; --line: #363c47;
          --accent: #8ab8ea; --accent-ink: #10151c; --tag: #5a4314; --tag-ink: #fbe7c6;
          --shadow: 0 1px 2px rgb(0 0 0 / 40%); }
}
*, *::before, *::after { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body { margin: 0; background: var(--page); color: var(--ink);
       font: 100%/1.5 "Atkinson Hyperlegible", system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; }
.wrap { width: min(100% - 2rem, 72rem); margin-inline: auto; }
a { color: var(--accent); }
a:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; border-radius: 4px; }
.skip { position: absolute; left: 1rem; top: -4rem; background: var(--accent); color: var(--accent-ink);
        padding: .5rem 1rem; border-radius: 0 0 6px 6px; z-index: 1; }
.skip:focus { top: 0; }
h1, h2, h3, h4 { line-height: 1.2; margin: 0; }
h1 { font-size: clamp(1.75rem, 1.2rem + 2.5vw, 2.75rem); }
h2 { font-size: 1.6rem; margin: 2.5rem 0 1rem; }
h3 { font-size: 1.3rem; }
h4 { font-size: .85rem; text-transform: uppercase; letter-spacing: .06em; color: var(--muted);
     margin: 1.5rem 0 .75rem; }
.masthead { background: var(--accent); color: var(--accent-ink); padding: 2.5rem 0 2rem; }
.masthead .org, .masthead .kicker { margin: 0 0 .35rem; opacity: .85; }
.masthead .kicker { margin-top: .5rem; font-weight: 700; opacity: 1; }
.masthead .lead { margin: .25rem 0 0; max-width: 44rem; font-size: 1.1rem; }
.toc { background: var(--paper); border-radius: var(--radius); box-shadow: var(--shadow);
       padding: 1rem 1.25rem; margin-top: -1rem; position: relative; }
.toc h2 { font-size: 1rem; margin: 0 0 .5rem; }
.toc ul { margin: 0; padding: 0; list-style: none; display: flex; flex-wrap: wrap; gap: .25rem 1.25rem; }
.toc > ul { flex-direction: column; }
.toc > ul > li > a { font-weight: 700; }
.toc ul ul { font-size: .95rem; }
.before .tips { background: var(--paper); border-left: 4px solid var(--accent); border-radius: var(--radius);
                box-shadow: var(--shadow); padding: 1rem 1.25rem 1rem 2.5rem; margin: 0; max-width: 52rem; }
.before .tips li + li { margin-top: .5rem; }
.group { background: var(--paper); border-radius: var(--radius); box-shadow: var(--shadow);
         padding: 1.25rem; margin-bottom: 1.5rem; }
.facts { margin: 0; display: grid; grid-template-columns: max-content 1fr; gap: .2rem .75rem; }
.facts div { display: contents; }
.facts dt { font-weight: 700; color: var(--muted); }
.facts dd { margin: 0; }
.facts.inline { display: flex; flex-wrap: wrap; gap: .25rem 1.25rem; margin-top: .35rem; }
.facts.inline div { display: flex; gap: .35rem; }
.files { list-style: none; margin: 0; padding: 0; display: grid; gap: .75rem; align-items: start;
         grid-template-columns: repeat(auto-fill, minmax(min(100%, 21rem), 1fr)); }
.file { border: 1px solid var(--line); border-radius: var(--radius); padding: .85rem 1rem; }
.file > a { display: grid; grid-template-columns: auto 1fr; gap: 0 .6rem; align-items: baseline;
            text-decoration: none; margin-bottom: .6rem; }
.file > a .type { grid-row: span 2; background: var(--accent); color: var(--accent-ink); font-size: .75rem;
                  font-weight: 700; padding: .1rem .4rem; border-radius: 4px; }
.file > a .what { font-weight: 700; text-decoration: underline; text-underline-offset: 2px; }
.file > a .path { color: var(--muted); font-size: .85rem; font-family: ui-monospace, Menlo, Consolas, monospace;
                  overflow-wrap: anywhere; }
.file .facts { font-size: .95rem; }
.tag { display: inline-block; margin-left: .4rem; background: var(--tag); color: var(--tag-ink); font-size: .75rem;
       font-weight: 700; padding: .05rem .4rem; border-radius: 999px; white-space: nowrap; }
.cards { list-style: none; margin: 0; padding: 0; display: grid; gap: 1rem;
         grid-template-columns: repeat(auto-fill, minmax(min(100%, 14rem), 1fr)); counter-reset: card; }
.cards li { counter-increment: card; }
figure { margin: 0; }
.faces { display: grid; grid-template-columns: 1fr 1fr; gap: .4rem; }
.faces svg, .faces .missing { width: 100%; height: auto; overflow: hidden; display: block; border-radius: 4px;
                              box-shadow: var(--shadow); background: #fff; }
.card figcaption { margin-top: .4rem; font-size: .95rem; }
.card figcaption::before { content: counter(card) ". "; color: var(--muted); }
.boards { display: flex; flex-wrap: wrap; gap: 1rem; margin-top: 1rem; }
.board { flex: 1 1 22rem; max-width: 34rem; }
.board.portrait { flex-basis: 16rem; max-width: 22rem; }
.board img, .board .missing { width: 100%; height: auto; display: block; border: 1px solid var(--line);
                              border-radius: 6px; background: #fff; }
.board figcaption { margin-top: .35rem; color: var(--muted); font-weight: 700; }
.missing { display: flex; align-items: center; justify-content: center; padding: .5rem; font-size: .8rem;
           color: #596273; min-height: 6rem; text-align: center; }
footer { color: var(--muted); font-size: .9rem; padding: 1rem 0 3rem; }
@media (max-width: 30rem) {
  .group { padding: 1rem .85rem; }
  .file { padding: .75rem; }
}
@media print {
  @page { margin: 14mm; }
  :root { --ink: #000; --muted: #333; --paper: #fff; --page: #fff; --line: #999; --accent: #000;
          --accent-ink: #fff; --shadow: none; }
  body { font-size: 10pt; }
  .skip, .toc { display: none; }
  .masthead { background: none; color: #000; padding: 0 0 1rem; border-bottom: 2px solid #000; }
  .wrap { width: auto; }
  .group { box-shadow: none; border: 1px solid #999; break-inside: auto; }
  .file, .cards li, .board { break-inside: avoid; }
  h2, h3, h4 { break-after: avoid; }
  .files { grid-template-columns: 1fr 1fr; }
  .cards { grid-template-columns: repeat(4, 1fr); gap: .5rem; }
  .faces svg { box-shadow: none; border: .5pt solid #999; }
  .file > a .type, .tag { background: none; color: #000; border: .5pt solid #000; }
  a { color: #000; }
}
"""
