"""Benchmark: how fast workshop-kit builds.

    python bench/run.py [--cards 1000]

Builds the shipped kit cold (a new process, as a consultant runs it) and a
generated deck with a unique QR URL per card, and prints wall time, cards
per second, peak memory and PDF bytes per card. Each build runs in its own
process so that imports and font loading are counted and memory is that
build's alone.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SCENARIO = ("Et lokalråd foreslår, at borgerne selv prioriterer en pulje til byens små "
            "projekter. Forvaltningen frygter, at de stærkeste stemmer tager pengene.")


def timed_build(kit: Path, out: Path, *extra: str) -> tuple[float, float]:
    """Wall seconds and peak resident memory (MB) of one build process:
    its own peak plus the largest of its worker processes (an upper bound)."""
    code = (
        "import resource, sys\n"
        "from workshop_kit.cli import main\n"
        "try:\n"
        "    main(sys.argv[1:])\n"
        "finally:\n"
        "    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
        "    print('PEAK', own + workers, file=sys.stderr)\n"
    )
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", code, "build", str(kit), "--out", str(out), *extra],
                          capture_output=True, text=True)
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        sys.exit(f"build failed:\n{proc.stderr}")
    peak_kb = int(proc.stderr.rsplit("PEAK", 1)[1].split()[0])
    return wall, peak_kb / 1024


def generated_kit(base: Path, cards: int) -> Path:
    kit = base / "kit"
    (kit / "decks").mkdir(parents=True)
    shutil.copy(ROOT / "kit.yaml", kit / "kit.yaml")
    lines = ["type: dilemma", "name: Dilemmaer", "cards:"]
    for i in range(cards):
        lines += [f"  - id: dilemma-{i:05d}",
                  f"    title: Puljen til de små projekter {i + 1}",
                  f"    scenario: {SCENARIO}",
                  "    question: Hvordan sikrer I, at også de stille stemmer bliver hørt?"]
    (kit / "decks" / "dilemmaer.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return kit


def pdf_bytes(out: Path) -> dict[str, int]:
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return {f["mode"]: (out / f["path"]).stat().st_size for f in manifest["files"]
            if f["kind"] == "card-deck"}


def report(name: str, cards: int, wall: float, peak: float, sizes: dict[str, int]) -> None:
    per_card = ", ".join(f"{mode} {size / cards / 1024:.1f} KiB" for mode, size in sorted(sizes.items()))
    print(f"{name:<24} {cards:>5} cards  {wall:6.2f} s  {cards / wall:7.0f} cards/s  "
          f"peak {peak:5.0f} MB  PDF per card: {per_card}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=1000, help="cards in the generated deck")
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        out = tmp / "shipped"
        wall, peak = timed_build(ROOT, out)
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        sizes: dict[str, int] = {}
        for f in manifest["files"]:
            if f["kind"] == "card-deck":
                sizes[f["mode"]] = sizes.get(f["mode"], 0) + (out / f["path"]).stat().st_size
        report("shipped kit, cold", len(manifest["cards"]), wall, peak, sizes)
        print(f"{'':<24} (and {len(manifest['boards'])} boards: {len(manifest['files'])} files in all)")

        decks = [arg for d in sorted({c["deck"] for c in manifest["cards"]}) for arg in ("--only", d)]
        wall, peak = timed_build(ROOT, tmp / "decks", *decks)
        report("shipped decks, cold", len(manifest["cards"]), wall, peak, sizes)

        kit = generated_kit(tmp, args.cards)
        out = tmp / "generated"
        wall, peak = timed_build(kit, out)
        report("generated deck", args.cards, wall, peak, pdf_bytes(out))


if __name__ == "__main__":
    main()
