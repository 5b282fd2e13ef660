"""Data files that ship with workshop-kit: sizes, papers, sheets, theme, labels."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data"


@cache
def builtin(name: str) -> Any:
    """The parsed content of data/<name>.yaml."""
    import yaml  # here: a rebuild with nothing to do needs the paths of this module, not YAML

    with open(DATA / f"{name}.yaml", encoding="utf-8") as fh:
        return yaml.load(fh, Loader=yaml_loader())


def yaml_loader() -> Any:
    """PyYAML's safe loader, the one in C where libyaml is present: it reads
    several times faster than the one in Python (the data files took
    0.04 s of every build)."""
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def paper_size(paper: str, orientation: str = "portrait") -> tuple[float, float]:
    """Width and height in mm of a paper from data/papers.yaml."""
    size = builtin("papers")[paper]
    width, height = size["width"], size["height"]
    return (height, width) if orientation == "landscape" else (width, height)


def default_templates_dir() -> Path:
    """The card templates used by a kit that has no templates/ of its own."""
    packaged = Path(__file__).resolve().parent / "defaults" / "templates"
    if packaged.is_dir():
        return packaged
    # Running from a source checkout: the repository's own kit templates.
    return Path(__file__).resolve().parents[2] / "templates"


def starter_kit(language: str) -> Path:
    """The kit `workshop-kit new` copies: the shipped kit of that language."""
    packaged = Path(__file__).resolve().parent / "defaults" / "kits" / language
    if packaged.is_dir():
        return packaged
    # Running from a source checkout: the repository is the Danish kit.
    repo = Path(__file__).resolve().parents[2]
    return repo if language == "da" else repo / "kits" / language
