"""The filled-in board as YAML the build reads: the photographed board's
own file with each token's place (ring, scores) as the photos show it,
and no place for a token that was not found."""

from __future__ import annotations

from pathlib import Path

import yaml

MADE_BY = "# Filled in by workshop-kit capture"
HEADER = ("# yaml-language-server: $schema=../schemas/board-{type}.schema.json\n"
          f"{MADE_BY} from the photo(s) {{photos}}.\n"
          "# Tokens not found on them have no place; add it by hand if you know it.\n")


def filled_yaml(source: Path, list_field: str, place_field: str, places: dict[int, object],
                board_type: str, photos: list[str]) -> str:
    """The board file at `source` with `place_field` of item i of `list_field`
    set to places[i], and taken away from the items not in `places`."""
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    for index, item in enumerate(data.get(list_field) or []):
        if index in places and places[index] is not None:
            item[place_field] = places[index]
        else:
            item.pop(place_field, None)
    body = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=110)
    return HEADER.format(type=board_type, photos=", ".join(photos)) + body
