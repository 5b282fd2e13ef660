"""Sheet layouts: how a deck's cards are laid out on the office sheets, as data.

The shipped layouts are data/layouts/*.yaml; office.yaml is the default
and the base of every other. A kit may bring its own as
layouts/<name>.yaml, chosen by `sheet_layout: <name>` in kit.yaml: it gives
only what it changes, and is read and checked like any file of the kit
(inside the kit folder, problems at their line)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field

from workshop_kit.builtin import DATA, builtin
from workshop_kit.content.basics import Strict
from workshop_kit.content.validate import validate
from workshop_kit.content.yaml_source import Source, read_yaml
from workshop_kit.problems import Problem, did_you_mean

DEFAULT = "office"
FOLDER = "layouts"  # in the kit, and in the package's data


class SheetLayout(Strict):
    """layouts/<name>.yaml: how the cards stand on the office sheets."""

    gap: float = Field(0, ge=0, le=20, description="Millimetres between neighbouring cards (0: butted, "
                                                   "one cut serves two cards).")
    marks: Literal["crop", "cut-lines", "none"] = Field(
        "crop", description="crop: short marks in the margin; cut-lines: lines across the whole sheet "
                            "on every cut; none: no marks.")
    sides: Literal["duplex", "fronts", "fold"] = Field(
        "duplex", description="duplex: a page of backs after each page of fronts, for a printer that "
                              "prints both sides; fronts: the fronts only, no backs; fold: front and back "
                              "side by side with a fold line, printed single-sided and folded.")
    rotate: Literal["auto", "one-up", "never"] = Field(
        "never", description="auto: the cards are turned 90 degrees when more of them fit on a sheet "
                             "that way; one-up: turned only when a sheet holds one card upright and "
                             "more turned (A6 on A4 or letter: two instead of one); never: always upright.")


def shipped() -> list[str]:
    """The names of the layouts that ship with workshop-kit."""
    return sorted(p.stem for p in (DATA / FOLDER).glob("*.yaml"))


def default_layout() -> SheetLayout:
    return SheetLayout.model_validate(builtin(f"{FOLDER}/{DEFAULT}"))


def kit_layout_names(root: Path) -> list[str]:
    folder = Path(root) / FOLDER
    return sorted(p.stem for p in folder.glob("*.yaml")) if folder.is_dir() else []


def load_sheet_layout(root: Path, name: str, chosen_at: Source, path: tuple,
                      problems: list[Problem]) -> SheetLayout | None:
    """The layout called `name`: the kit's layouts/<name>.yaml over the
    shipped default, or a shipped layout; None (and a problem) if there is
    none or it is wrong. `chosen_at` and `path` are where it is named."""
    own = Path(root) / FOLDER / f"{name}.yaml"
    base = builtin(f"{FOLDER}/{DEFAULT}")
    if own.exists() or own.is_symlink():
        source = read_yaml(own, f"{FOLDER}/{name}.yaml", problems, root=Path(root))
        if source is None:
            return None
        if not isinstance(source.data, dict):
            problems.append(source.problem((), "a sheet layout is a mapping of settings: gap, marks, sides, "
                                               "rotate"))
            return None
        return validate(source, SheetLayout, problems, data={**base, **source.data})
    if name in shipped():
        return SheetLayout.model_validate({**base, **builtin(f"{FOLDER}/{name}")})
    known = sorted(set(shipped()) | set(kit_layout_names(root)))
    problems.append(chosen_at.problem(path, f"unknown sheet layout '{name}'{did_you_mean(name, known)} "
                                            f"(layouts: {', '.join(known)}; or write your own in "
                                            f"{FOLDER}/{name}.yaml)"))
    return None
