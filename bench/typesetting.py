"""How the shipped kits' text is set: the share of lines that end in a hyphen.

    python bench/typesetting.py [KIT ...]

Lays out every card and board of each kit (the Danish kit at the
repository root and the English one in kits/en by default) as a build
does, walks the laid-out faces, and counts the lines of text, the lines
ending in a hyphen, and of those the breaks at a compound's joint, at a
hyphen of the word's own and between syllables. The target: at most 5 %
of the lines hyphenated, most of them at joints or the word's own hyphens.
"""

from __future__ import annotations

import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_SHARE = 0.05


@dataclass
class Setting:
    """The lines of a kit's laid-out faces and how the hyphenated ones break."""

    kit: str
    lines: int = 0
    hyphenated: int = 0
    kinds: Counter = field(default_factory=Counter)  # joint, own (hyphen of the word), syllable
    breaks: list[tuple[str, str]] = field(default_factory=list)  # (head with its hyphen, the rest)

    @property
    def share(self) -> float:
        return self.hyphenated / self.lines if self.lines else 0.0


def text_lines(face) -> list[list]:
    """The lines of a face's text elements, each a column of lines top to
    bottom: runs on one baseline at one size joined left to right, grouped
    by where the line starts."""
    from workshop_kit.layout.boxes import TextRun
    from workshop_kit.layout.text import BULLET

    runs: list[TextRun] = []

    def walk(items):
        for item in items:
            if isinstance(item, TextRun):
                runs.append(item)
            elif hasattr(item, "items"):
                walk(item.items)

    walk(face.items)
    by_line: dict[tuple, list[TextRun]] = defaultdict(list)
    for run in runs:
        if run.angle == 0:
            by_line[(round(run.baseline, 2), run.size_pt)].append(run)
    columns: dict[tuple, list] = defaultdict(list)
    for (baseline, size), line in by_line.items():
        line.sort(key=lambda r: r.x)
        text = " ".join(r.text for r in line if r.text != BULLET)
        start = next((r.x for r in line if r.text != BULLET), line[0].x)
        columns[(round(start, 1), size)].append((baseline, text))
    out = []
    for (_, size), column in columns.items():
        column.sort(reverse=True)
        # a new paragraph (or another text element) where the lines are further apart than the leading
        pieces: list[list[str]] = [[]]
        for n, (baseline, text) in enumerate(column):
            if n and column[n - 1][0] - baseline > size * 1.5 * 25.4 / 72:
                pieces.append([])
            pieces[-1].append(text)
        out.extend(pieces)
    return out


def measure(kit: Path) -> Setting:
    """Lay out a kit's cards and boards as a build does and count its lines."""
    from workshop_kit import build
    from workshop_kit.layout.text import DASHES, compound_joints

    checked = build.check(kit)
    decks, boards = build.select(checked.content, ())
    laid_out, boards_out, _ = build.lay_out(checked, decks, boards)
    faces = [face for deck in laid_out for card in deck.cards for face in (card.front, card.back)]
    for _, board_faces in boards_out:
        faces.extend(f for f in (board_faces if isinstance(board_faces, (list, tuple)) else [board_faces])
                     if hasattr(f, "items"))
    language = checked.content.kit.language
    written = " ".join(path.read_text(encoding="utf-8") for path in sorted(Path(kit).rglob("*.yaml")))
    setting = Setting(str(kit))
    for face in faces:
        for column in text_lines(face):
            for n, text in enumerate(column):
                setting.lines += 1
                text = text.rstrip()
                if not text.endswith(tuple(DASHES)) or text[-2:-1] == " ":  # not a dash between words
                    continue
                setting.hyphenated += 1
                head = text.split(" ")[-1]
                rest = column[n + 1].split(" ")[0] if n + 1 < len(column) else ""
                setting.breaks.append((head, rest))
                word = head[:-1] + rest.rstrip(".,;:!?)»”\"'")
                if not head[:-1].isalpha() or head + rest.rstrip(".,;:!?)»”\"'") in written:
                    setting.kinds["own"] += 1
                elif len(head) - 1 in compound_joints(word, language):
                    setting.kinds["joint"] += 1
                else:
                    setting.kinds["syllable"] += 1
    return setting


def main(argv: list[str]) -> int:
    kits = [Path(a) for a in argv] or [ROOT, ROOT / "kits" / "en"]
    failed = False
    for kit in kits:
        s = measure(kit)
        met = "pass" if s.share <= TARGET_SHARE else "FAIL"
        failed |= met == "FAIL"
        kinds = ", ".join(f"{k} {v}" for k, v in s.kinds.most_common())
        print(f"{kit}: {s.hyphenated} of {s.lines} lines end in a hyphen ({s.share:.1%}, "
              f"target <= {TARGET_SHARE:.0%}: {met}); breaks: {kinds or 'none'}")
        print("   " + ", ".join(f"{h}{r}" for h, r in s.breaks))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
