"""A deck file from a spreadsheet: read, check as cards, write decks/NAME.yaml,
and check the kit with the new deck in it.

The deck file is written atomically. If the kit check then finds a problem
(a link to a card that does not exist, text that does not fit), the deck
file is put back as it was, or removed if it is new, and the problems in
the new deck are reported at their spreadsheet row and column.
"""

from __future__ import annotations

import itertools
import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from workshop_kit.build import Checked, UsageError, check, lay_out, select
from workshop_kit.builtin import builtin
from workshop_kit.content.card_type import load_card_types, type_labels
from workshop_kit.content.model import is_slug
from workshop_kit.content.schema import MODELINE_START, SCHEMA_FOLDER, deck_kind, modeline, schema_file
from workshop_kit.content.spreadsheet import (
    SPREADSHEET_SUFFIXES,
    SheetCards,
    SheetProblems,
    cards_from_table,
    header_labels,
    header_names,
    read_table,
)
from workshop_kit.output.files import Staging
from workshop_kit.problems import ContentError, Problem, did_you_mean

KEPT_FIELDS = ("description", "card_size", "colour", "qr", "form")  # kept from a deck file replaced
CARD_FIELD = re.compile(r"^cards\[(?P<index>\d+)\](?: \(id: [^)]*\))?\.?(?P<rest>.*)$")


class KitProblems(SheetProblems):
    """The kit with the new deck in it did not pass the kit check."""


@dataclass
class Imported:
    deck_file: str
    cards: int
    checked: Checked
    notes: list[str] = field(default_factory=list)
    sheet_warnings: list[str] = field(default_factory=list)

    @property
    def warnings(self) -> list[str]:
        """The sheet's warnings (columns left out), then the kit check's."""
        return self.sheet_warnings + list(self.checked.warnings)


def import_deck(sheet: Path, kit: Path, deck: str, card_type: str, name: str | None = None,
                force: bool = False, sheet_name: str | None = None) -> Imported:
    """Write kit/decks/<deck>.yaml from the sheet (the workbook's sheet
    `sheet_name`, or its first); UsageError or ContentError if it cannot."""
    card_types = load_card_types(kit, [])  # a template's problems: the kit check after the import says them
    if card_type not in card_types:
        raise UsageError(f"unknown card type '{card_type}'{did_you_mean(card_type, card_types)}"
                         f" (types: {', '.join(card_types)})")
    if not is_slug(deck):
        raise UsageError(f"the deck name '{deck}' must be lowercase a-z, digits and hyphens "
                         "(it is the file name and is used in URLs)")
    if sheet.suffix.lower() not in SPREADSHEET_SUFFIXES:
        hint = "; save it as .xlsx" if sheet.suffix.lower() in (".xls", ".ods", ".numbers") else ""
        raise UsageError(f"{sheet.name}: give an .xlsx or a .csv file{hint}")
    if not (kit / "kit.yaml").is_file():
        raise UsageError(f"no kit.yaml in '{kit}'; give the kit's folder with --kit")
    target = kit / "decks" / f"{deck}.yaml"
    shown = f"decks/{deck}.yaml"
    if target.exists() and not force:
        raise UsageError(f"{shown} exists; give --force to replace it")

    model = card_types[card_type].model
    language, labels = kit_labels(kit)
    labels.update(card_types[card_type].labels(language))
    names = header_names(model, header_labels(language, type_labels(labels, card_type)))
    sheet_cards = cards_from_table(read_table(sheet, sheet.name, sheet_name), model, card_type, names)
    old = target.read_bytes() if target.exists() else None
    head, kept = _head(card_type, name, deck, old)
    text = deck_yaml(card_type, head, sheet_cards.cards, sheet.name, _comments(old))
    _write(target, text.encode("utf-8"))
    try:
        checked = check(kit)
        lay_out(checked, *select(checked.content, (deck,)))
    except BaseException as error:  # a kit that does not validate, or Ctrl-C: the deck file as it was
        _restore(target, old)
        if not isinstance(error, ContentError):
            raise
        raise KitProblems([_at_row(p, shown, sheet_cards) for p in error.problems],
                          sheet_cards.warnings) from None
    notes = list(sheet_cards.notes)
    if kept:
        notes.append(f"kept {', '.join(kept)} of the deck file it replaced")
    if name is None and "name" not in kept:
        notes.append(f"deck name: {head['name']} (give --name to choose another)")
    schema = f"{SCHEMA_FOLDER}/{schema_file(deck_kind(card_type))}"
    if not (kit / schema).is_file():
        notes.append(f"run `workshop-kit schema` in the kit so that editors find {schema}")
    return Imported(shown, len(sheet_cards.cards), checked, notes, sheet_cards.warnings)


def kit_labels(kit: Path) -> tuple[str, dict[str, str]]:
    """The kit's language, and its labels with those kit.yaml replaces, as far
    as kit.yaml can be read (the kit check after the import says what is wrong with it)."""
    try:
        raw = yaml.safe_load((kit / "kit.yaml").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        raw = None
    raw = raw if isinstance(raw, dict) else {}
    language: str = raw["language"] if raw.get("language") in ("da", "en") else "da"
    labels = dict(builtin(f"labels/{language}"))
    own = raw.get("labels")
    if isinstance(own, dict):
        labels.update({k: v for k, v in own.items() if isinstance(k, str) and isinstance(v, str)})
    return language, labels


def _head(card_type: str, name: str | None, deck: str, old: bytes | None) -> tuple[dict, list[str]]:
    """type and name, with what the replaced deck file said of itself; and
    the fields kept from that file."""
    previous: dict = {}
    if old is not None:
        try:
            loaded = yaml.safe_load(old.decode("utf-8"))
        except (yaml.YAMLError, UnicodeDecodeError):
            loaded = None
        previous = loaded if isinstance(loaded, dict) else {}
    kept = [key for key in KEPT_FIELDS if key in previous]
    if name is None and isinstance(previous.get("name"), str):
        name = previous["name"]
        kept.insert(0, "name")
    head = {"type": card_type, "name": name or deck.replace("-", " ").capitalize()}
    head.update({key: previous[key] for key in KEPT_FIELDS if key in previous})
    return head, kept


class _Dumper(yaml.SafeDumper):
    """Lists indented under their key, as in the shipped decks; text with
    line breaks as a literal block."""

    def increase_indent(self, flow=False, indentless=False):
        return super().increase_indent(flow, False)


def _text(dumper: yaml.SafeDumper, value: str):
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)


_Dumper.add_representer(str, _text)


def _dump(data) -> str:
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1 << 16)


IMPORTED = ("# Imported from {source} with `workshop-kit import`. "
            'Every field is described in the README, section "The content model".')


def _comments(old: bytes | None) -> list[str]:
    """The comment lines at the top of a deck file replaced, after its
    modeline, except the line an earlier import wrote."""
    lines = old.decode("utf-8", errors="replace").splitlines() if old is not None else []
    if lines and lines[0].startswith(MODELINE_START):
        lines = lines[1:]
    comments = list(itertools.takewhile(lambda line: line.startswith("#"), lines))
    return [line for line in comments if not line.startswith(IMPORTED.partition("{")[0])]


def deck_yaml(card_type: str, head: dict, cards: list[dict], source: str, comments: Sequence[str] = ()) -> str:
    """The deck file: modeline, comments (those of the file it replaces, or
    where it came from), head, and the cards with a blank line between them."""
    lines = [modeline(deck_kind(card_type)),
             *(comments or [IMPORTED.format(source=source)]),
             _dump(head).rstrip("\n"),
             "cards:"]
    body = "\n".join(textwrap.indent(_dump([card]), "  ") for card in cards)
    return "\n".join(lines) + "\n" + body


def _write(target: Path, data: bytes) -> None:
    with Staging(target.parent) as staging:
        staging.write(target.name, data)
        staging.commit()


def _restore(target: Path, old: bytes | None) -> None:
    if old is None:
        target.unlink(missing_ok=True)
    else:
        _write(target, old)


def _at_row(problem: Problem, deck_file: str, sheet: SheetCards) -> Problem:
    """A problem in the written deck, moved to the card's row and column of the sheet."""
    match = CARD_FIELD.match(problem.field) if problem.file == deck_file else None
    if match is None or int(match["index"]) >= len(sheet.rows):
        return problem
    message = problem.message
    prefix = f"deck '{Path(deck_file).stem}': "
    message = message[len(prefix):] if message.startswith(prefix) else message
    return sheet.cell(int(match["index"]), match["rest"], message)
