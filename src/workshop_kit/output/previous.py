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
from pathlib import Path, PurePosixPath
from typing import Any

from workshop_kit.fingerprints import build_options, files_intact, inputs_digest
from workshop_kit.output.files import remove_stale
from workshop_kit.output.manifest import pictures_of

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
                and (self.out / INDEX).is_file() and files_intact(self.out, self._thumbnails()))

    @cached_property
    def _files_of(self) -> dict[str | None, list[dict[str, Any]]]:
        by_part: dict[str | None, list[dict[str, Any]]] = {}
        for entry in self.files:
            by_part.setdefault(_part(entry), []).append(entry)
        return by_part

    def fresh(self, part: str, key: str) -> bool:
        """The deck or board was built from the same inputs, and its files
        and thumbnails are intact."""
        files = self._files_of.get(part, [])
        return (self.build.get("parts", {}).get(part) == key and bool(files)
                and files_intact(self.out, files) and files_intact(self.out, self._thumbnails(part)))

    def _thumbnails(self, part: str | None = None) -> list[dict[str, Any]]:
        """The picture files of the thumbnails (of one deck or board): the
        decks' contact sheets and the boards' pictures, with their bytes."""
        return pictures_of(e for e in [*self.data.get("decks", []), *self.data.get("boards", [])]
                           if part is None or _part(e) == part)

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
        for deck in kept["decks"]:
            deck["thumbnail_sheets"] = [t for t in deck.get("thumbnail_sheets", []) if files_intact(self.out, [t])]
        whole = {t["path"] for deck in kept["decks"] for t in deck["thumbnail_sheets"]}
        for card in kept["cards"]:
            card["thumbnails"] = {side: t for side, t in card.get("thumbnails", {}).items() if t["path"] in whole}
        for board in kept["boards"]:
            board["thumbnails"] = {v: t for v, t in board.get("thumbnails", {}).items()
                                   if files_intact(self.out, [t])}
        return kept

    def thumbnail_sheets(self, deck: str) -> dict[str, dict[str, Any]]:
        """The deck's contact sheets that are still there, whole, by path."""
        return {t["path"]: t for entry in self.data.get("decks", []) if entry.get("deck") == deck
                for t in entry.get("thumbnail_sheets", []) if files_intact(self.out, [t])}

    def whole_build_file(self, kind: str, key: str) -> dict[str, Any] | None:
        """The entry of a file made from the whole build (such as the guide),
        if it was made from the same inputs and is intact."""
        for entry in self.files:
            if entry.get("kind") == kind and entry.get("inputs") == key and files_intact(self.out, [entry]):
                return entry
        return None

    def stale(self, listed: set[str]) -> list[str]:
        """Files of the last build that the new manifest no longer lists:
        decks and boards that left the kit, modes or papers no longer asked
        for, and pictures no longer shown."""
        pictures = [t for entry in [*self.data.get("cards", []), *self.data.get("boards", [])]
                    for t in entry.get("thumbnails", {}).values()]
        paths = dict.fromkeys(f.get("path") for f in [*self.files, *self._thumbnails(), *pictures])
        return [p for p in paths if isinstance(p, str) and p not in listed and _inside(p)]


def _inside(path: str) -> bool:
    """Whether a path of the manifest names a file inside the output folder
    (a manifest edited by hand must not have a build remove other files)."""
    parts = PurePosixPath(path).parts
    return bool(parts) and not PurePosixPath(path).is_absolute() and ".." not in parts and not set(path) & set("\\:")


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
