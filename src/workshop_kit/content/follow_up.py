"""What each QR code leads to: the card, board or guide behind a follow-up
URL, with the form a participant answers there."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

from workshop_kit.builtin import builtin
from workshop_kit.content.forms import GENDERS, ContactOptIn, Form, band_choices
from workshop_kit.content.guide import GUIDE_DECK
from workshop_kit.content.kit import BOARDS_DECK, Deck, KitContent
from workshop_kit.content.short_links import external_url


@dataclass(frozen=True)
class Target:
    """A card, board or the guide, as its follow-up form shows it."""

    url: str
    deck: str         # the deck's slug, "boards" or "guide"
    card: str         # the card's id, the board's slug, or the kit id for the guide
    title: str        # the card's, board's or guide's title
    group: str        # the deck's name, or the label of boards or the guide
    colour: object    # hex string or CMYK: the colour of the deck or board
    form: Form
    full_url: str | None = None  # with short links (url is one): the follow-up URL it stands for
    form_url: str | None = None  # a form elsewhere that serve sends the code on to (filled in)

    @property
    def urls(self) -> tuple[str, ...]:
        """The URLs that lead to it: the one its QR code carries, and the full one behind a short link."""
        return (self.url, self.full_url) if self.full_url else (self.url,)

    @property
    def key(self) -> tuple[str, str]:
        return (self.deck, self.card)


@lru_cache(maxsize=2)
def default_form(language: str) -> Form:
    """The built-in form for a kit that sets none."""
    return Form.model_validate(builtin(f"forms/{language}"))


def kit_form(content: KitContent) -> Form:
    """The form of every QR code that has none of its own."""
    return complete(content)


def complete(content: KitContent, *own: Form | None) -> Form:
    """The form a QR code shows, from its own forms (`own`, the most
    specific first: a card's, then its deck's), the kit's and the built-in
    one. The most specific form with questions wins as a whole; a more
    specific form without questions changes only the fields it sets (e.g.
    its audience). A form that sets an audience brings that audience's
    preset (data/forms/<audience>.yaml) of background and contact, in
    place of what less specific forms set; what it sets itself wins."""
    chain = [f for f in own if f is not None] + [f for f in (content.kit.follow_up.form,) if f is not None]
    chain.append(default_form(content.kit.language))
    key = tuple(id(f) for f in chain)
    cache = content.__dict__.setdefault("_complete_forms", {})
    if key in cache:
        return cache[key][1]
    base = next(i for i, f in enumerate(chain) if f.own_questions)
    update: dict = {}
    for form in [chain[base], *reversed(chain[:base])]:  # the least specific first: the most specific wins
        if form.audience and "audience" in form.model_fields_set:
            update |= audience_preset(content, form.audience)
        update |= {name: getattr(form, name) for name in form.model_fields_set - {"questions"}}
    made = chain[base].model_copy(update=update)
    cache[key] = (chain, made)  # the chain kept, so that its ids stay its own
    return made


def deck_colour(content: KitContent, deck: Deck):
    """The deck's own colour, or its card type's in the theme."""
    return deck.colour or content.colours.get(deck.type)


def targets(content: KitContent) -> list[Target]:
    """Every card, board and guide that has a QR code, in the order of the kit."""
    kit = content.kit

    def elsewhere(deck: str, card: str, *own: str | None) -> str | None:
        template = next((t for t in own if t), kit.follow_up.form_url)
        return external_url(template, kit.id, deck, card, kit.language) if template else None

    out: list[Target] = []
    for deck in content.decks:
        colour = deck_colour(content, deck)
        full = deck.full_urls or (None,) * len(deck.cards)
        for card, url, full_url in zip(deck.cards, deck.qr_urls, full):
            if url:
                out.append(Target(url, deck.slug, card.id, card.title, deck.name, colour,
                                  complete(content, card.form, deck.form), full_url,
                                  elsewhere(deck.slug, card.id, card.form_url, deck.form_url)))
    for board in content.boards:
        if board.qr_url:
            out.append(Target(board.qr_url, BOARDS_DECK, board.slug, board.model.title,
                              content.labels["form_boards"], content.colours.get(board.type),
                              complete(content, board.model.form), board.full_url,
                              elsewhere(BOARDS_DECK, board.slug, board.model.qr.form_url)))
    guide = content.guide
    if guide and guide.qr_url:
        out.append(Target(guide.qr_url, GUIDE_DECK, kit.id, guide.model.title, content.labels["form_guide"],
                          content.colours.get("guide"), complete(content, guide.model.form), guide.full_url,
                          elsewhere(GUIDE_DECK, kit.id, guide.model.form_url)))
    return out


def url_setting(content: KitContent, *own: tuple) -> tuple:
    """(source, path) of where a follow-up URL is set: the most specific of
    `own` ((source, path) of a URL template that may be set) that is set,
    else follow_up.url or follow_up.base_url in kit.yaml; the same choice
    as Kit.follow_up_url makes."""
    for source, path in own:
        value = source.data
        for part in path:
            if isinstance(value, dict):
                value = value.get(part)
            elif isinstance(value, list) and isinstance(part, int) and part < len(value):
                value = value[part]
            else:
                value = None
        if value:
            return source, path
    return content.kit_source, ("follow_up", "url" if content.kit.follow_up.url else "base_url")


def deck_url_setting(content: KitContent, deck: Deck, index: int) -> tuple:
    """Where the follow-up URL of a deck's card is set: its qr_url, the deck's qr.url or kit.yaml."""
    return url_setting(content, (deck.source, ("cards", index, "qr_url")), (deck.source, ("qr", "url")))


def dialogue_formats(content: KitContent) -> list[str]:
    """The choices of the background question on preferred formats: the
    titles of the kit's dialogue-format cards."""
    titles = [card.title for deck in content.decks if deck.type == "dialogue-format" for card in deck.cards]
    return list(dict.fromkeys(titles))


def audience_preset(content: KitContent, audience: str) -> dict:
    """The background questions and the contact question of an audience
    (data/forms/<audience>.yaml), as fields of a form; the consent text
    is the label form_contact_consent unless the preset gives one."""
    preset = builtin(f"forms/{audience}")
    contact = preset.get("contact")
    return {"background": list(preset.get("background") or []),
            "contact": ContactOptIn(consent=contact.get("consent") or content.labels["form_contact_consent"],
                                    fields=contact.get("fields") or ["name", "email"]) if contact else None}


def welfare_themes(content: KitContent) -> list[str]:
    """The choices of the background question on topics: the titles of the
    kit's welfare-theme cards."""
    titles = [card.title for deck in content.decks if deck.type == "welfare-theme" for card in deck.cards]
    return list(dict.fromkeys(titles))


def background_choices(content: KitContent, form: Form) -> dict[str, list[tuple[str, str]]]:
    """(stored value, shown text) of each choice of the form's background
    questions, in the kit's language; an empty list: area written freely,
    or topics or formats in a kit without such cards (then not asked)."""
    labels = content.labels
    out: dict[str, list[tuple[str, str]]] = {}
    for kind in form.background:
        if kind in ("age", "time"):
            bands = form.age_bands if kind == "age" else form.time_bands
            out[kind] = band_choices(kind, bands, labels)
        elif kind == "gender":
            out[kind] = [(value, labels[f"form_gender_{value}"]) for value in GENDERS]
        else:
            found = {"area": form.areas, "topics": welfare_themes(content),
                     "formats": dialogue_formats(content)}[kind]
            out[kind] = [(value, value) for value in found]
    return out


def formats_without_choices(content: KitContent, found: list[Target]) -> list[str]:
    """The background questions (topics, formats) that a form of `found`
    (the kit's targets) asks, written in its `background`, in a kit with no
    welfare-theme or dialogue-format cards to offer (the question is then
    left out). An audience's preset asks them where the kit has the cards,
    and is not told of it where it has none."""
    offered = {"topics": welfare_themes(content), "formats": dialogue_formats(content)}
    written = {kind for form in _written_forms(content) if "background" in form.model_fields_set
               for kind in form.background}
    return [kind for kind, values in offered.items()
            if not values and kind in written and any(kind in t.form.background for t in found)]


def _written_forms(content: KitContent) -> list[Form]:
    """Every form the kit's files write: the kit's, each deck's, card's and board's, the guide's."""
    forms = [content.kit.follow_up.form]
    for deck in content.decks:
        forms += [deck.form, *(card.form for card in deck.cards)]
    forms += [board.model.form for board in content.boards]
    if content.guide:
        forms.append(content.guide.model.form)
    return [form for form in forms if form is not None]


def base_url(content: KitContent, given: str | None = None) -> str:
    """Where the forms are served: the given address, kit.yaml's
    follow_up.base_url, or the scheme and host of follow_up.url."""
    chosen = given or content.kit.follow_up.base_url
    if chosen:
        return chosen.rstrip("/")
    parts = urlsplit(content.kit.follow_up.template)
    return f"{parts.scheme}://{parts.netloc}"


def same_origin(url: str, base: str) -> bool:
    """True when `url` leads to the scheme, host and port of `base`."""
    target, root = urlsplit(url), urlsplit(base)
    return (target.scheme.lower(), target.netloc.lower()) == (root.scheme.lower(), root.netloc.lower())


def served_path(url: str, base: str, any_host: bool = False) -> str | None:
    """The path (and query) a server at `base` answers `url` at; None when
    `url` leads somewhere else. With `any_host`, only the path counts: the
    server answers whatever name or address led the phone to it."""
    target, root = urlsplit(url), urlsplit(base)
    if not any_host and not same_origin(url, base):
        return None
    prefix = root.path.rstrip("/")
    if prefix and not (target.path == prefix or target.path.startswith(prefix + "/")):
        return None
    path = target.path[len(prefix):] or "/"
    return path + (f"?{target.query}" if target.query else "")


def outside_base(content: KitContent, found: list[Target]) -> list[Target]:
    """The QR codes of `found` (the kit's targets) that do not lead under
    follow_up.base_url (when it is set)."""
    base = content.kit.follow_up.base_url
    if not base:
        return []
    return [t for t in found if served_path(t.url, base) is None]
