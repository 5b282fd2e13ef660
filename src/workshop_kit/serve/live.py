"""The live screen for the projector: what the answers say so far, sent to
every open screen as server-sent events when it changes.

One `LiveFeed` per server process watches the database for all the
screens it serves: while at least one is open it asks for a cheap mark of
what changed (`Database.changes`) about once a second, or at once when
this process stored an answer or an approval, and makes the screen's HTML
once per change. A screen that leaves is let go; with none left, the
database is not asked at all.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import anyio
from starlette.concurrency import run_in_threadpool

from workshop_kit.content.follow_up import Target
from workshop_kit.content.forms import value_label
from workshop_kit.tally import ALL, NOT_GIVEN, OTHER, Breakdown, Tally, decimal, summarise

log = logging.getLogger("workshop_kit.serve")

POLL = 1.0          # seconds between two looks at the database while a screen is open
SOONEST = 0.2       # seconds between two looks however often answers come in
KEEP_ALIVE = 15     # seconds between two comments on a quiet stream, so that proxies keep it open
RETRY_MS = 1000     # how soon a browser connects again after losing the stream
TEXTS = 6           # approved free-text answers on the screen, newest first
CHARTED = ("scale", "single", "multiple")


@dataclass
class Bar:
    label: str
    count: int
    percent: int  # of those who answered the question, 0..100


@dataclass
class Chart:
    text: str
    answered: int
    bars: list[Bar]
    hidden: bool  # fewer answers than the privacy threshold: no bars, only "fewer than N"


@dataclass
class DeckCount:
    name: str
    responses: int
    cards: list[tuple[str, int]]  # (title, responses) of each card answered


@dataclass
class Group:
    """A row of a breakdown: the people who gave one answer to a background
    question, e.g. 60-69 år. None: fewer than the privacy threshold, not shown."""

    label: str
    responses: int | None
    means: list[str | None]  # the mean of each scale question, "–" when no one of them rated it


@dataclass
class Split:
    """The answers split by one background question (age, gender, area, time, topics, formats)."""

    by: str               # the question as the form asks it
    scales: list[str]     # the scale questions whose means the rows show
    groups: list[Group]


@dataclass
class Screen:
    """What the live screen shows."""

    responses: int
    decks: list[DeckCount]
    charts: list[Chart]
    texts: list[tuple[str, str]]  # (answer as written, card title), newest first
    threshold: int
    splits: list[Split] = field(default_factory=list)


def screen(content, every: list[Target], responses, approved, labels: dict[str, str], threshold: int) -> Screen:
    """The screen of these stored responses and approved free-text answers."""
    summary = summarise(content, responses)
    decks = [DeckCount(name, sum(c.responses for c in cards), [(c.title, c.responses) for c in cards if c.responses])
             for name, cards in summary.groups()]
    decks = [d for d in decks if d.responses]
    charts = [_chart(tally, labels, threshold) for tally in _pooled(summary.cards)]
    titles = {t.key: t.title for t in every}
    texts = [(a.value.strip(), titles.get((a.deck, a.card), f"{a.deck}/{a.card}")) for a in approved
             if a.value.strip()][:TEXTS]
    splits = [_split(b, labels, threshold, content.kit.language) for b in summary.breakdowns]
    return Screen(summary.responses, decks, [c for c in charts if c.answered], texts, threshold, splits)


def _split(breakdown: Breakdown, labels: dict[str, str], threshold: int, language: str) -> Split:
    """A breakdown as the screen shows it: a row per group, with no count,
    share or mean of a group smaller than the threshold."""
    names = {OTHER: labels["report_other"], NOT_GIVEN: labels["report_not_given"]}
    scales = breakdown.scales[:2]
    groups = []
    for i, column in enumerate(breakdown.columns):
        if column.kind == ALL:
            continue
        label = names.get(column.kind) or value_label(breakdown.by, column.value, labels)
        if 0 < column.responses < threshold:
            groups.append(Group(label, None, [None] * len(scales)))
            continue
        means = []
        for scale in scales:
            mean, n = scale.rows[-1].cells[i]
            means.append(None if 0 < n < threshold else "–" if mean is None else decimal(mean, language))
        groups.append(Group(label, column.responses, means))
    return Split(labels[f"form_{breakdown.by}"], [t.text for t in scales], groups)


def text_questions(every: list[Target]) -> set[str]:
    """The ids of the free-text questions of the kit's forms."""
    return {q.id for t in every for q in t.form.questions if q.type == "text"}


def _pooled(cards) -> list[Tally]:
    """Each scale and choice question once, its answers counted over every card that asks it."""
    pooled: dict[str, Tally] = {}
    for card in cards:
        for tally in card.questions:
            if tally.kind not in CHARTED:
                continue
            into = pooled.setdefault(tally.id, Tally(tally.id, tally.text, tally.kind, low=tally.low, high=tally.high))
            into.answered += tally.answered
            counts = dict(into.counts)
            for value, n in tally.counts:
                counts[value] = counts.get(value, 0) + n
            into.counts = list(counts.items())
    return list(pooled.values())


def _chart(tally: Tally, labels: dict[str, str], threshold: int) -> Chart:
    names = {}
    if tally.kind == "scale":
        names = {"1": labels["form_scale_low"].format(text=tally.low) if tally.low else "1",
                 "5": labels["form_scale_high"].format(text=tally.high) if tally.high else "5"}
    bars = [Bar(names.get(value, value), n, round(100 * n / tally.answered) if tally.answered else 0)
            for value, n in tally.counts]
    return Chart(tally.text, tally.answered, bars, tally.answered < threshold)


class LiveFeed:
    """The live screen's HTML as it is now, for every screen this process serves."""

    def __init__(self, changes: Callable[[], object], make: Callable[[], str]):
        self._changes = changes  # the database's mark of what changed (blocking)
        self._make = make        # the screen's HTML (blocking)
        self.html: str | None = None
        self.version = 0
        self.screens = 0         # open streams
        self._mark: object = None
        self._changed = asyncio.Event()
        self._wake = asyncio.Event()
        self._task: asyncio.Task | None = None
        self._last_look = 0.0

    def nudge(self) -> None:
        """Something was stored here: look now instead of within the second."""
        self._wake.set()

    async def current(self) -> str | None:
        """The screen's HTML, up to date (for the page itself); None while
        the database could not be read yet."""
        await self._look()
        return self.html

    async def _look(self) -> None:
        self._last_look = time.monotonic()
        try:
            mark = await run_in_threadpool(self._changes)
            if mark != self._mark or self.html is None:
                html = await run_in_threadpool(self._make)
                self._mark, self.html = mark, html
                self.version += 1
                self._changed.set()
                self._changed = asyncio.Event()
        except Exception as error:  # the database is away: the screens keep what they show
            log.warning("the live screen could not read the database: %s", " ".join(str(error).split())[:300])

    async def _watch(self) -> None:
        while self.screens:
            self._wake.clear()
            try:
                await asyncio.wait_for(self._wake.wait(), POLL)
            except asyncio.TimeoutError:
                pass
            await asyncio.sleep(max(0.0, self._last_look + SOONEST - time.monotonic()))
            if self.screens:
                await self._look()
        self._task = None

    def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None

    async def stream(self, receive, send) -> None:
        """Send the screen's HTML as events until the browser leaves."""
        self.screens += 1
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._watch())
        try:
            await send({"type": "http.response.start", "status": 200, "headers": [
                (b"content-type", b"text/event-stream; charset=utf-8"), (b"x-accel-buffering", b"no")]})
            await send({"type": "http.response.body", "body": f"retry: {RETRY_MS}\n\n".encode(), "more_body": True})
            async with anyio.create_task_group() as group:
                async def leave() -> None:
                    while (await receive())["type"] != "http.disconnect":
                        pass
                    group.cancel_scope.cancel()

                group.start_soon(leave)
                await self._push(send)
        except* OSError:  # the browser left while an event was sent (a server that says so)
            pass
        finally:
            self.screens -= 1

    async def _push(self, send) -> None:
        sent = -1
        while True:
            if self.html is None:
                await self._look()
            changed = self._changed
            if self.version != sent and self.html is not None:
                sent = self.version
                data = json.dumps({"html": self.html}, ensure_ascii=False)
                await send({"type": "http.response.body", "body": f"data: {data}\n\n".encode(), "more_body": True})
                continue
            try:
                await asyncio.wait_for(changed.wait(), KEEP_ALIVE)
            except asyncio.TimeoutError:
                await send({"type": "http.response.body", "body": b": still here\n\n", "more_body": True})


class EventStream:
    """The response of a live screen's stream (an ASGI app of its own)."""

    def __init__(self, feed: LiveFeed):
        self.feed = feed

    async def __call__(self, scope, receive, send) -> None:
        await self.feed.stream(receive, send)
