"""The last build in the output folder, as its manifest.json tells it.

A rebuild asks it two things: is the whole output up to date (the same
inputs digest, every file intact), and which decks and boards ("parts")
can keep their files because their key has not changed. Everything of the
manifest that a rebuild does not replace is carried over from here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from workshop_kit.fingerprints import build_options, files_intact, inputs_digest
from workshop_kit.output.files import remove_stale

INDEX = "index.html"


@dataclass
class PreviousBuild:
    out: Path
    data: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def read(cls, out: Path, kit_id: str | None = None) -> "PreviousBuild":
        """The last build's manifest; empty when there is none, it is
        unreadable, or it belongs to another kit."""
        try:
            data = json.loads((Path(out) / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls(Path(out))
        if not isinstance(data, dict) or (kit_id and data.get("kit", {}).get("id") != kit_id):
            return cls(Path(out))
        return cls(Path(out), data)

    @property
    def build(self) -> dict[str, Any]:
        return self.data.get("build", {})

    @property
    def files(self) -> list[dict[str, Any]]:
        return self.data.get("files", [])

    def up_to_date(self, inputs: str) -> bool:
        """Nothing changed since the last build, and its files are all
        there: the listed files intact, index.html and every thumbnail whole
        (a thumbnail is not synced to the disk, and a crash may cut it short)."""
        return (bool(self.data) and self.build.get("inputs") == inputs and files_intact(self.out, self.files)
                and (self.out / INDEX).is_file() and self._thumbnails_present(self._pictured()))

    @cached_property
    def _files_of(self) -> dict[str | None, list[dict[str, Any]]]:
        by_part: dict[str | None, list[dict[str, Any]]] = {}
        for entry in self.files:
            by_part.setdefault(_part(entry), []).append(entry)
        return by_part

    @cached_property
    def _cards(self) -> dict[tuple[str, str], dict[str, Any]]:
        return {(c.get("deck"), c.get("id")): c for c in self.data.get("cards", [])}

    def fresh(self, part: str, key: str) -> bool:
        """The deck or board was built from the same inputs, and its files
        and thumbnails are intact."""
        files = self._files_of.get(part, [])
        return (self.build.get("parts", {}).get(part) == key and bool(files)
                and files_intact(self.out, files) and self._thumbnails_present(self._pictured(part)))

    def _pictured(self, part: str | None = None) -> list[dict[str, Any]]:
        """The manifest's cards and boards (of one deck or board), each with its thumbnails."""
        entries = [*self.data.get("cards", []), *self.data.get("boards", [])]
        return [e for e in entries if part is None or _part(e) == part]

    def _thumbnails_present(self, entries: list[dict[str, Any]]) -> bool:
        return files_intact(self.out, (t for e in entries for t in e.get("thumbnails", {}).values()))

    def carried_over(self, rebuilt: set[str]) -> dict[str, Any]:
        """The manifest's entries of every part that is not rebuilt now
        (without thumbnails that are no longer there)."""
        kept = {
            "files": [f for f in self.files if _part(f) is not None and _part(f) not in rebuilt
                      and files_intact(self.out, [f])],
            "cards": [c for c in self.data.get("cards", []) if c.get("deck") not in rebuilt],
            "boards": [b for b in self.data.get("boards", []) if b.get("board") not in rebuilt],
            "decks": [d for d in self.data.get("decks", []) if d.get("deck") not in rebuilt],
            "parts": {k: v for k, v in self.build.get("parts", {}).items() if k not in rebuilt},
        }
        for entry in [*kept["cards"], *kept["boards"]]:
            entry["thumbnails"] = self._present(entry.get("thumbnails", {}))
        return kept

    def card_thumbnails(self, deck: str, card_id: str, faces: str) -> dict[str, Any] | None:
        """The thumbnails of a card whose faces have not changed, if they are all there."""
        card = self._cards.get((deck, card_id))
        if card is None or card.get("faces") != faces or not card.get("thumbnails"):
            return None
        present = self._present(card["thumbnails"])
        return present if present == card["thumbnails"] else None

    def _present(self, thumbnails: dict[str, Any]) -> dict[str, Any]:
        """The thumbnails whose files are still there, whole."""
        return {side: t for side, t in thumbnails.items() if files_intact(self.out, [t])}

    def whole_build_file(self, kind: str, key: str) -> dict[str, Any] | None:
        """The entry of a file made from the whole build (such as the guide),
        if it was made from the same inputs and is intact."""
        for entry in self.files:
            if entry.get("kind") == kind and entry.get("inputs") == key and files_intact(self.out, [entry]):
                return entry
        return None

    def stale(self, listed: set[str]) -> list[str]:
        """Files of the last build that the new manifest no longer lists:
        decks and boards that left the kit, modes or papers no longer asked for."""
        return [f["path"] for f in self.files if f["path"] not in listed]


def _part(entry: dict[str, Any]) -> str | None:
    return entry.get("deck", entry.get("board"))


def unchanged(root: Path, out: Path, options: dict[str, Any]) -> PreviousBuild | None:
    """The last build, if nothing it was made from has changed since and its
    files are all there; None otherwise. Reads files only (and removes the
    staging folder a killed build left): it is the quick answer of a
    rebuild with nothing to do."""
    previous = PreviousBuild.read(out)
    inputs = inputs_digest(Path(root), build_options(**options))
    if not previous.up_to_date(inputs):
        return None
    remove_stale(Path(out))
    return previous
