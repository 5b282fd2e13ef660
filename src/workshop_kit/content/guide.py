"""The facilitator guide of a kit: guide.yaml, the programme of the theme day.

The guide names the kit's decks and boards as its tools; the kit loader
checks those names (content/kit.py), as it checks the links between cards.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator

from workshop_kit.content.forms import Form
from workshop_kit.content.model import Kit, Slug, Strict, Text, UrlTemplate
from workshop_kit.content.sources import Citation, sources_field
from workshop_kit.content.validate import validate
from workshop_kit.content.yaml_source import Source, read_yaml
from workshop_kit.problems import Problem

GUIDE_FILE = "guide.yaml"
GUIDE_DECK = "guide"  # what {deck} stands for in the guide's follow-up URL; {card} is the kit's id

_CLOCK = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")
PROGRAMMES = ("three_hours", "full_day")
THREE_HOURS = 3 * 60  # minutes: the most the three_hours programme may take

Minutes = Annotated[int, Field(strict=True, gt=0, le=24 * 60,
                               description="How long the step takes, in whole minutes.")]
Count = Annotated[int, Field(strict=True, gt=0, le=10000)]
PerParticipant = Annotated[int, Field(strict=True, ge=0, le=100)]


class PlanStep(Strict):
    title: Text = Field(description="What the step is called in the programme.")
    minutes: Minutes
    tool: str | None = Field(None, description="The deck or board used in the step (its file name).")
    what: Text | list[Text] | None = Field(None, description="What happens: a sentence or a short list.")
    who: Text | None = Field(None, description="Who leads or takes part, e.g. facilitator, council, groups.")


def _clock(value: Any) -> str:
    """'9.00' or '09:00' in quotes -> '09:00'; a ValueError that says how to write it."""
    if not isinstance(value, str):
        raise ValueError(f'write the time as "HH:MM" in quotes, e.g. "09:00" (got {value!r}; '
                         "YAML reads 9:00 without quotes as a number)")
    match = _CLOCK.match(value.strip())
    if not match:
        raise ValueError(f"'{value}' is not a time of day; write it as \"HH:MM\", e.g. \"09:00\"")
    return f"{int(match.group(1)):02d}:{match.group(2)}"


class Programme(Strict):
    """One programme of the day: its steps and, if it differs from the guide's, its start."""

    start: str | None = Field(None, description='Start of this programme, "HH:MM" in quotes; '
                                                'the guide\'s start by default.')
    steps: list[PlanStep] = Field(min_length=1, description="The programme, in order.")

    @field_validator("start", mode="before")
    @classmethod
    def _start(cls, value: Any) -> str | None:
        return None if value is None else _clock(value)


class ToolGuide(Strict):
    steps: list[Text] | None = Field(
        None, description="How to run the tool, step by step; a board's own steps by default.")
    tips: list[Text] = Field(default_factory=list, description="Advice for the facilitator.")
    print: Literal["per-group", "filled", "both"] = Field(
        "per-group", description="per-group: one copy for each group; filled: one copy of the board "
                                 "filled in, to show; both: one for each group and the filled one.")


class Materials(Strict):
    """Post-its, pens and anything else to bring."""

    post_its_per_participant: PerParticipant = Field(10, description="Post-its for each participant.")
    pens_per_participant: PerParticipant = Field(1, description="Pens or markers for each participant.")
    extra: list[Text] = Field(default_factory=list, description="Anything else to bring, as free text.")


class GuideModel(Strict):
    title: Text = Field(description="Title of the guide.")
    intro: Text = Field(description="A few sentences on the purpose of the theme day.")
    mandate: Text | None = Field(None, description="The mandate of the day: what the council may decide "
                                                   "and how the results will be used; printed at the start.")
    before: list[Text] = Field(default_factory=list,
                               description="What to prepare before the day, e.g. the executive board "
                                           "fills in its own influence circle.")
    participants: Count = Field(description="How many take part.")
    groups: Count = Field(description="How many tables or groups; one set of material each.")
    date: Text | None = Field(None, description="The date of the day, as it should be printed, e.g. 12. marts 2027.")
    place: Text | None = Field(None, description="Where the day takes place, e.g. Byrådssalen.")
    start: str = Field(description='Start of the day, "HH:MM" in quotes, e.g. "09:00".')
    steps: list[PlanStep] | None = Field(None, min_length=1,
                                         description="The programme, in order (or `programmes`).")
    programme: Literal["three_hours", "full_day"] | None = Field(
        None, description="Which of `programmes` the guide prints: three_hours or full_day.")
    programmes: dict[Literal["three_hours", "full_day"], Programme] = Field(
        default_factory=dict, description="A three-hour and a full-day programme; `programme` chooses one.")
    tools: dict[str, ToolGuide] = Field(default_factory=dict,
                                        description="How to run each deck or board, by its file name.")
    materials: Materials = Field(default_factory=Materials,
                                 description="What to bring besides the printed files.")
    follow_up_url: UrlTemplate | None = Field(None, description="The guide's own follow-up URL template.")
    form: Form | None = Field(None, description="The guide's own follow-up form, instead of the kit's.")
    form_url: UrlTemplate | None = Field(None, description="A form elsewhere for the guide only, instead of "
                                                           "follow_up.form_url.")
    code: Slug | None = Field(None, description="The guide's own short-link code (follow_up.links: short).")
    sources: list[Citation] = sources_field("What the guide's own texts rest on; the guide lists them with "
                                            "the sources of every card and board, numbered.")

    @field_validator("start", mode="before")
    @classmethod
    def _start(cls, value: Any) -> str:
        return _clock(value)

    def chosen(self) -> Programme:
        """The programme the guide prints: `programmes[programme]`, or `steps`
        (read_guide has checked that there is exactly one)."""
        if self.programme and self.programme in self.programmes:
            return self.programmes[self.programme]
        return Programme.model_construct(start=None, steps=self.steps or [])

    def day_start(self) -> str:
        return self.chosen().start or self.start

    def day_steps(self) -> list[PlanStep]:
        return self.chosen().steps

    def used_tools(self) -> list[str]:
        """The tools named in the chosen programme, in the order of their first use."""
        return list(dict.fromkeys(step.tool for step in self.day_steps() if step.tool))

    def printed(self, how: str) -> set[str]:
        """The tools printed one per group (`per-group`) or once filled in (`filled`)."""
        default = ToolGuide()
        return {name for name in self.used_tools()
                if self.tools.get(name, default).print in (how, "both")}


@dataclass(frozen=True)
class Guide:
    file: str
    model: GuideModel
    qr_url: str
    source: Source = field(repr=False, compare=False)
    full_url: str | None = None  # with short links: the follow-up URL its short link stands for


def read_guide(root: Path, problems: list[Problem]) -> tuple[Source, GuideModel | None] | None:
    """guide.yaml of a kit and its model: None when the kit has no guide or
    the file cannot be read; a None model when it has problems (added to
    `problems`). The source is kept either way, so that the names of its
    tools can be checked in the same run."""
    path = Path(root) / GUIDE_FILE
    if not path.is_file():
        return None
    source = read_yaml(path, GUIDE_FILE, problems, root=root)
    if source is None:
        return None
    if not isinstance(source.data, dict):
        problems.append(source.problem((), "guide.yaml must be a mapping with title, intro, start and steps"))
        return None
    model = validate(source, GuideModel, problems)
    if model is not None and model.groups > model.participants:
        problems.append(source.problem(("groups",), f"{model.groups} groups for {model.participants} "
                                                    "participants: a group needs at least one participant"))
    if model is not None:
        found = _programme_problems(source, model)
        problems += found
        if found:
            model = None
    return source, model


def _programme_problems(source: Source, model: GuideModel) -> list[Problem]:
    """The guide has its steps or its programmes with one chosen, and the
    three-hour programme fits in three hours."""
    if model.steps and model.programmes:
        return [source.problem(("steps",), "give either steps or programmes, not both")]
    if model.programmes:
        names = ", ".join(model.programmes)
        if model.programme is None:
            return [source.problem(("programmes",), f"choose one with programme: ({names})")]
        if model.programme not in model.programmes:
            return [source.problem(("programme",), f"no programme '{model.programme}' under programmes "
                                                   f"(there: {names})")]
    elif model.programme is not None:
        return [source.problem(("programme",), f"no programmes to choose '{model.programme}' from")]
    elif not model.steps:
        return [source.problem((), "guide.yaml needs steps, or programmes and a programme to print")]
    short = model.programmes.get("three_hours")
    if short is not None:
        minutes = sum(step.minutes for step in short.steps)
        if minutes > THREE_HOURS:
            return [source.problem(("programmes", "three_hours", "steps"),
                                   f"the steps take {minutes // 60} h {minutes % 60} min, "
                                   "more than three hours")]
    return []


def guide_url(kit: Kit, model: GuideModel) -> str:
    return kit.follow_up_url(GUIDE_DECK, kit.id, model.follow_up_url)
