"""The captures of boards that `workshop-kit capture` left in the output
folder (captures/<board>.json, beside the straightened photos): what
index.html and the report show of each captured board."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

FOLDER = "captures"


def captures_in(out: Path, boards: list[str]) -> dict[str, dict[str, Any]]:
    """The capture record of each of `boards` that has one in `out`, with
    the straightened photos that are there; a record that cannot be read
    is passed over."""
    found = {}
    for board in boards:
        path = Path(out) / FOLDER / f"{board}.json"
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if not isinstance(record, dict):
            continue
        photos = [p for p in record.get("rectified", []) if isinstance(p, str) and p.startswith(f"{FOLDER}/")
                  and ".." not in p and (Path(out) / p).is_file()]
        found[board] = {"photos": photos, "pixels": record.get("pixels"),
                        "placements": [p for p in record.get("placements", []) if isinstance(p, dict)],
                        "not_found": [p for p in record.get("not_found", []) if isinstance(p, dict)]}
    return found


def where(placement: dict[str, Any], labels: dict[str, str]) -> str:
    """Where a token was placed, in words: its ring, or its scores."""
    from workshop_kit.printing import fill_label

    if isinstance(placement.get("score"), dict):
        return fill_label(labels, "capture_score", **placement["score"])
    return str(placement.get("ring") or fill_label(labels, "capture_off_board"))
