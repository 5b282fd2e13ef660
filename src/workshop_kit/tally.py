"""What came out of it: the stored answers to the follow-up forms, counted
against the kit's cards, boards and guide, for the report to the council.

Pure: records in, tallies out; nothing is read or drawn here. It sits at
layout's stage (content and answers in, what the report draws out), below
the store: it counts any records with the fields of a stored response
(AnsweredForm), so the store is not imported. Every answer is kept
somewhere: an answer to a question the form no longer asks is tallied
under its id, and the answers to a card that left the kit under that
card. Contact details are never carried over, only the number of people
who agreed to be contacted.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Iterable, Protocol

from workshop_kit.content.follow_up import Target, background_choices, complete, deck_colour, targets
from workshop_kit.content.forms import BACKGROUND, BACKGROUND_ID, MANY, SCALE, Form
from workshop_kit.content.kit import KitContent


class ContactGiven(Protocol):
    """What is counted of a contact: which person it is, never who (read
    only, as the store's frozen records are)."""

    @property
    def name(self) -> str: ...
    @property
    def email(self) -> str: ...
    @property
    def phone(self) -> str: ...


class AnsweredForm(Protocol):
    """A response as the store reads it back (store.records.StoredResponse)."""

    @property
    def id(self) -> int: ...
    @property
    def deck(self) -> str: ...
    @property
    def card(self) -> str: ...
    @property
    def answers(self) -> tuple[tuple[str, str], ...]: ...
    @property
    def contact(self) -> ContactGiven | None: ...
    @property
    def received_at(self) -> datetime: ...


DECIMAL_MARK = {"da": ","}       # "3,8" in Danish; a point otherwise
MAX_COLUMNS = 6                      # values of a breakdown shown side by side; the rest are pooled

# The kinds of column of a breakdown
ALL, VALUE, OTHER, NOT_GIVEN = "all", "value", "other", "not-given"


@dataclass
class Tally:
    """The answers to one question."""

    id: str
    text: str            # the question as the form asks it; its id when the form no longer has it
    kind: str            # single, multiple, scale, text, or former (no longer in the form)
    answered: int = 0    # responses with an answer to it
    counts: list[tuple[str, int]] = field(default_factory=list)  # every option in order, then other values
    texts: list[str] = field(default_factory=list)  # free text, oldest first
    low: str | None = None                          # scale: what 1 and 5 mean
    high: str | None = None


@dataclass
class CardAnswers:
    """The answers given to one card, board or the guide."""

    deck: str
    card: str
    title: str
    group: str
    colour: object
    responses: int
    questions: list[Tally]
    in_kit: bool = True


@dataclass
class Column:
    kind: str            # ALL, VALUE, OTHER or NOT_GIVEN
    value: str = ""      # the stored value of a VALUE column
    responses: int = 0


@dataclass
class ScaleRow:
    card: CardAnswers | None    # None: every card together
    cells: list[tuple[float | None, int]]  # (mean, answers) per column


@dataclass
class ScaleTable:
    id: str
    text: str
    rows: list[ScaleRow]


@dataclass
class ChoiceTable:
    id: str
    text: str
    answered: list[int]                     # per column: responses that answered the question
    rows: list[tuple[str, list[int]]]       # option, responses that chose it per column


@dataclass
class Breakdown:
    """The answers split by one background question, e.g. by age band."""

    by: str                                    # age or area
    columns: list[Column]
    groups: list[tuple[str, list[int]]]        # deck (or boards, guide): responses per column
    scales: list[ScaleTable]
    choices: list[ChoiceTable]


@dataclass
class Summary:
    responses: int
    first: datetime | None
    last: datetime | None
    contacts: int                 # people who agreed to be contacted
    cards: list[CardAnswers]      # every card, board and guide of the kit, in the kit's order
    former: list[CardAnswers]     # cards no longer in the kit that have answers
    background: list[Tally]       # who answered: age, gender, area, time, topics, formats (and any other)
    breakdowns: list[Breakdown]

    @property
    def answered_cards(self) -> list[CardAnswers]:
        return [c for c in self.cards if c.responses]

    def groups(self) -> list[tuple[str, list[CardAnswers]]]:
        """The kit's cards by deck (then boards, then the guide), in order,
        each with the deck's name."""
        out: dict[str, list[CardAnswers]] = {}
        for card in self.cards:
            out.setdefault(card.deck, []).append(card)
        return [(cards[0].group, cards) for cards in out.values()]


def summarise(content: KitContent, responses: Iterable[AnsweredForm]) -> Summary:
    """Every response counted against the kit's targets."""
    records = sorted(responses, key=lambda r: (r.received_at, r.id))
    kit_targets = targets(content)
    by_key: dict[tuple[str, str], list[AnsweredForm]] = {}
    for record in records:
        by_key.setdefault((record.deck, record.card), []).append(record)
    known = {t.key for t in kit_targets}
    cards = [_card(t, by_key.get(t.key, [])) for t in kit_targets]
    former = [_former_card(content, deck, card, found) for (deck, card), found in sorted(by_key.items())
              if (deck, card) not in known]
    target_of = {t.key: t for t in kit_targets}
    answered_by = {t.key: c for t, c in zip(kit_targets, cards)}
    background = _background(content, kit_targets, records)
    breakdowns = [b for b in (_breakdown(by, content, kit_targets, target_of, answered_by, records)
                              for by in BACKGROUND) if b]
    return Summary(len(records), records[0].received_at if records else None,
                   records[-1].received_at if records else None, _contacts(records), cards, former,
                   background, breakdowns)


# --- one card's answers -------------------------------------------------------

def _card(target: Target, records: list[AnsweredForm], in_kit: bool = True) -> CardAnswers:
    return CardAnswers(target.deck, target.card, target.title, target.group, target.colour, len(records),
                       _tallies(target.form, records), in_kit)


def _tallies(form: Form, records: list[AnsweredForm]) -> list[Tally]:
    """A tally of each question of the form, then of each question answered
    that the form no longer asks."""
    tallies = [_tally(q.id, q.text, q.type, getattr(q, "options", None), records,
                      getattr(q, "low", None), getattr(q, "high", None))
               for q in form.questions]
    asked = {q.id for q in form.questions}
    return tallies + [_tally(qid, qid, "former", None, records) for qid in _ids(records) if qid not in asked]


def _former_card(content: KitContent, deck_slug: str, card: str, records: list[AnsweredForm]) -> CardAnswers:
    """The answers to a card that left the kit, counted against the form
    its deck (or else the kit) asks now."""
    deck = content.deck(deck_slug)
    form = complete(content, deck.form if deck else None)
    colour = deck_colour(content, deck) if deck else None
    target = Target("", deck_slug, card, f"{deck_slug}/{card}", deck.name if deck else deck_slug, colour, form)
    return _card(target, records, in_kit=False)


def _ids(records: list[AnsweredForm]) -> list[str]:
    """The question ids answered, in the order first seen; background ids apart."""
    return list(dict.fromkeys(qid for r in records for qid, _ in r.answers if not qid.startswith(BACKGROUND_ID)))


def _values(record: AnsweredForm, qid: str) -> list[str]:
    """The answers of one response to one question: one per chosen option, each once."""
    return list(dict.fromkeys(value for key, value in record.answers if key == qid and value.strip()))


def _tally(qid: str, text: str, kind: str, options: list[str] | None, records: list[AnsweredForm],
           low: str | None = None, high: str | None = None) -> Tally:
    tally = Tally(qid, text, kind, low=low, high=high)
    counted: Counter[str] = Counter()
    for record in records:
        values = _values(record, qid)
        if not values:
            continue
        tally.answered += 1
        if kind == "text":
            tally.texts += [v.strip() for v in values]
        else:
            counted.update(values)
    expected = list(SCALE) if kind == "scale" else list(options or [])
    tally.counts = _in_order(counted, expected)
    return tally


def scale_mean(counts: Iterable[tuple[str, int]]) -> tuple[float | None, int]:
    """The mean of the answers 1 to 5 among (value, count) pairs, and how
    many answers it is made of; values outside the scale are left out."""
    total = given = 0
    for value, count in counts:
        if value in SCALE:
            total += int(value) * count
            given += count
    return (total / given if given else None), given


def decimal(value: float, language: str) -> str:
    """A mean with one decimal, with the decimal mark of the kit's language."""
    return f"{value:.1f}".replace(".", DECIMAL_MARK.get(language, "."))


def _in_order(counted: Counter[str], expected: list[str]) -> list[tuple[str, int]]:
    """The expected values in their order (zeros too), then any other value
    given, most often first."""
    others = sorted((v for v in counted if v not in expected), key=lambda v: (-counted[v], v))
    return [(v, counted[v]) for v in expected] + [(v, counted[v]) for v in others]


# --- who answered ---------------------------------------------------------------

def _background_options(content: KitContent, kit_targets: list[Target]) -> dict[str, list[str]]:
    """The choices of each background question, as the forms offer them
    (every form's bands and areas, in the order first offered)."""
    out: dict[str, list[str]] = {kind: [] for kind in BACKGROUND}
    for form in {id(t.form): t.form for t in kit_targets}.values():
        for kind, choices in background_choices(content, form).items():
            out[kind] += [value for value, _ in choices]
    return {kind: list(dict.fromkeys(values)) for kind, values in out.items()}


def _background(content: KitContent, kit_targets: list[Target], records: list[AnsweredForm]) -> list[Tally]:
    """A tally of every background question asked by a form or answered."""
    options = _background_options(content, kit_targets)
    asked = [b for b in BACKGROUND if any(b in t.form.background for t in kit_targets)]
    given = [qid[len(BACKGROUND_ID):] for r in records for qid, _ in r.answers if qid.startswith(BACKGROUND_ID)]
    out = []
    for name in dict.fromkeys(asked + given):
        kind = "multiple" if name in MANY else "single" if name in BACKGROUND else "former"
        out.append(_tally(BACKGROUND_ID + name, name, kind, options.get(name), records))
    return out


def _contacts(records: list[AnsweredForm]) -> int:
    """How many people agreed to be contacted: the same email, phone or name
    given on several cards counts once."""
    seen: set[str] = set()
    anonymous = 0
    for record in records:
        contact = record.contact
        if contact is None:
            continue
        key = _person(contact)
        if key is None:
            anonymous += 1
        else:
            seen.add(key)
    return len(seen) + anonymous


def _person(contact: ContactGiven) -> str | None:
    if contact.email.strip():
        return "email:" + contact.email.strip().casefold()
    digits = "".join(c for c in contact.phone if c.isdigit())
    if digits:
        return "phone:" + digits
    if contact.name.strip():
        return "name:" + " ".join(contact.name.casefold().split())
    return None


# --- answers by age band, gender, area, time, topic or format ---------------------------

def _breakdown(by: str, content: KitContent, kit_targets: list[Target], target_of: dict,
               answered_by: dict, records: list[AnsweredForm]) -> Breakdown | None:
    """The answers split by the background question `by`; None when nobody
    answered it. A response to topics or formats counts in the column of
    each it chose."""
    qid = BACKGROUND_ID + by
    taken = None if by in MANY else 1  # the answers of a response that count

    def chosen(record: AnsweredForm) -> list[str]:
        return _values(record, qid)[:taken]

    given = Counter(v for r in records for v in chosen(r))
    if not given:
        return None
    expected = _background_options(content, kit_targets)[by]
    if by in ("age", "time"):
        shown = expected + [v for v, _ in given.most_common() if v not in expected]
    else:
        ranked = [v for v in expected if v in given] + [v for v, _ in given.most_common() if v not in expected]
        if by in MANY:  # often many to choose from: the most chosen get the columns
            ranked.sort(key=lambda v: -given[v])
        shown = ranked[:MAX_COLUMNS]
    columns = [Column(ALL, responses=len(records))] + [Column(VALUE, v, given[v]) for v in shown]
    pooled = sum(1 for r in records if any(v not in shown for v in chosen(r)))
    if pooled:
        columns.append(Column(OTHER, responses=pooled))
    silent = sum(1 for r in records if not chosen(r))
    if silent:
        columns.append(Column(NOT_GIVEN, responses=silent))

    def columns_of(record: AnsweredForm) -> tuple[int, ...]:
        values = chosen(record)
        if not values:
            return (len(columns) - 1,)
        found = [shown.index(v) + 1 if v in shown else len(columns) - 1 - bool(silent) for v in values]
        return tuple(dict.fromkeys(found))

    in_columns = [(r, (0,) + columns_of(r)) for r in records]
    group_rows: dict[str, list[int]] = {}
    for record, cols in in_columns:
        target = target_of.get((record.deck, record.card))
        if target is None:
            continue
        row = group_rows.setdefault(target.deck, [0] * len(columns))
        for c in cols:
            row[c] += 1
    names = {t.deck: t.group for t in kit_targets}
    groups = [(names[deck], group_rows[deck]) for deck in names if deck in group_rows]
    return Breakdown(by, columns, groups, _scale_tables(kit_targets, target_of, answered_by, in_columns, len(columns)),
                     _choice_tables(content, kit_targets, target_of, in_columns, len(columns), by))


def _questions(kit_targets: list[Target], kinds: tuple[str, ...]) -> dict[str, str]:
    """The ids and texts of the questions of these kinds, across the kit's forms."""
    found: dict[str, str] = {}
    for target in kit_targets:
        for question in target.form.questions:
            if question.type in kinds:
                found.setdefault(question.id, question.text)
    return found


def _asks(target: Target | None, qid: str, kinds: tuple[str, ...]) -> bool:
    return target is not None and any(q.id == qid and q.type in kinds for q in target.form.questions)


def _scale_tables(kit_targets, target_of, answered_by, in_columns, width: int) -> list[ScaleTable]:
    tables = []
    for qid, text in _questions(kit_targets, ("scale",)).items():
        sums: dict[tuple[str, str] | None, list[list[int]]] = {}
        for record, cols in in_columns:
            key = (record.deck, record.card)
            if not _asks(target_of.get(key), qid, ("scale",)):
                continue
            scores = [int(v) for v in _values(record, qid) if v in SCALE]
            if not scores:
                continue
            for row in (key, None):
                cells = sums.setdefault(row, [[0, 0] for _ in range(width)])
                for c in cols:
                    cells[c][0] += scores[0]
                    cells[c][1] += 1
        if not sums:
            continue
        rows = [ScaleRow(answered_by[t.key], _means(sums[t.key])) for t in kit_targets if t.key in sums]
        rows.append(ScaleRow(None, _means(sums[None])))
        tables.append(ScaleTable(qid, text, rows))
    return tables


def _means(cells: list[list[int]]) -> list[tuple[float | None, int]]:
    return [(total / n if n else None, n) for total, n in cells]


def _choice_tables(content, kit_targets, target_of, in_columns, width: int, by: str) -> list[ChoiceTable]:
    questions = _questions(kit_targets, ("single", "multiple"))
    options: dict[str, list[str]] = {}
    for target in kit_targets:
        for question in target.form.questions:
            if question.id in questions and question.type in ("single", "multiple"):
                options.setdefault(question.id, []).extend(question.options)
    wanted: list[tuple[str, str, list[str], tuple[str, ...]]] = [
        (qid, text, list(dict.fromkeys(options[qid])), ("single", "multiple")) for qid, text in questions.items()]
    # what people would give, beside who they are: time, topics and formats
    # by each other background question (not by itself)
    offered = _background_options(content, kit_targets)
    for kind in ("time", "topics", "formats"):
        if kind != by and any(kind in t.form.background for t in kit_targets):
            wanted.append((BACKGROUND_ID + kind, kind, offered[kind], ()))
    tables = []
    for qid, text, expected, kinds in wanted:
        answered = [0] * width
        counted: dict[str, list[int]] = {}
        for record, cols in in_columns:
            if kinds and not _asks(target_of.get((record.deck, record.card)), qid, kinds):
                continue
            values = _values(record, qid)
            if not values:
                continue
            for c in cols:
                answered[c] += 1
            for value in values:
                row = counted.setdefault(value, [0] * width)
                for c in cols:
                    row[c] += 1
        if not any(answered):
            continue
        order = _in_order(Counter({v: row[0] for v, row in counted.items()}), expected)
        tables.append(ChoiceTable(qid, text, answered, [(v, counted.get(v, [0] * width)) for v, _ in order]))
    return tables
