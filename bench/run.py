"""Benchmark: how fast workshop-kit builds.

    python bench/run.py [--cards 1000]

Builds the shipped kit cold (a new process, as a consultant runs it) and a
generated deck with a unique QR URL per card, and prints wall time, cards
per second, peak memory and PDF bytes per card. Each build runs in its own
process so that imports and font loading are counted and memory is that
build's alone.

Then the rebuilds a consultant makes all day: the shipped kit built again
with nothing changed, and again after one deck was edited (each a new
process), and the latency of `workshop-kit watch`: from saving an edited
deck to its new PDF in place in the output folder.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
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


def copied_kit(base: Path) -> Path:
    kit = base / "kit-copy"
    kit.mkdir()
    shutil.copy(ROOT / "kit.yaml", kit / "kit.yaml")
    for folder in ("decks", "boards", "templates"):
        shutil.copytree(ROOT / folder, kit / folder)
    for name in ("guide.yaml",):
        if (ROOT / name).is_file():
            shutil.copy(ROOT / name, kit / name)
    return kit


EDITED = "decks/dilemmaer.yaml"
TITLES = ("Når flertallet siger nej", "Når byrådet siger nej")


def edit(kit: Path) -> None:
    """Save the deck with one card title changed (back and forth)."""
    path = kit / EDITED
    text = path.read_text(encoding="utf-8")
    old, new = TITLES if TITLES[0] in text else TITLES[::-1]
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def watch_latency(kit: Path, out: Path, saves: int) -> list[float]:
    """Seconds from each save to the new PDF in place (a new file: os.replace)."""
    pdf = out / "decks" / "dilemmaer-print-shop.pdf"
    proc = subprocess.Popen([sys.executable, "-m", "workshop_kit", "watch", str(kit), "--out", str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        for line in proc.stdout:
            if line.startswith("Watching"):
                break
        latencies = []
        for _ in range(saves):
            before = os.stat(pdf).st_ino
            time.sleep(0.3)
            edit(kit)
            saved = time.perf_counter()
            while os.stat(pdf).st_ino == before:
                if time.perf_counter() - saved > 10:
                    sys.exit("watch did not rebuild within 10 s")
                time.sleep(0.002)
            latencies.append(time.perf_counter() - saved)
            time.sleep(0.3)  # let the build finish writing the manifest
        return latencies
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=30)


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
    """Bytes of the card-deck PDFs of a build, summed by mode."""
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    sizes: dict[str, int] = {}
    for f in manifest["files"]:
        if f["kind"] == "card-deck":
            sizes[f["mode"]] = sizes.get(f["mode"], 0) + (out / f["path"]).stat().st_size
    return sizes


def report(name: str, cards: int, wall: float, peak: float, sizes: dict[str, int]) -> None:
    per_card = ", ".join(f"{mode} {size / cards / 1024:.1f} KiB" for mode, size in sorted(sizes.items()))
    print(f"{name:<24} {cards:>5} cards  {wall:6.2f} s  {cards / wall:7.0f} cards/s  "
          f"peak {peak:5.0f} MB  PDF per card: {per_card}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=1000, help="cards in the generated deck")
    parser.add_argument("--repeat", type=int, default=7, help="runs of each rebuild measurement")
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        out = tmp / "shipped"
        wall, peak = timed_build(ROOT, out)
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        report("shipped kit, cold", len(manifest["cards"]), wall, peak, pdf_bytes(out))
        print(f"{'':<24} (and {len(manifest['boards'])} boards: {len(manifest['files'])} files in all)")

        decks = [arg for d in sorted({c["deck"] for c in manifest["cards"]}) for arg in ("--only", d)]
        wall, peak = timed_build(ROOT, tmp / "decks", *decks)
        report("shipped decks, cold", len(manifest["cards"]), wall, peak, pdf_bytes(tmp / "decks"))

        kit = generated_kit(tmp, args.cards)
        out = tmp / "generated"
        wall, peak = timed_build(kit, out)
        report("generated deck", args.cards, wall, peak, pdf_bytes(out))

        print()
        kit = copied_kit(tmp)
        out = tmp / "rebuilds"
        timed_build(kit, out)
        walls = [timed_build(kit, out)[0] for _ in range(args.repeat)]
        print(f"{'rebuild, nothing changed':<32} {statistics.median(walls):6.2f} s  (median of {args.repeat}, new process)")
        walls = []
        for _ in range(args.repeat):
            edit(kit)
            walls.append(timed_build(kit, out)[0])
        print(f"{'rebuild, one deck edited':<32} {statistics.median(walls):6.2f} s  (median of {args.repeat}, new process; "
              f"{EDITED} and the deck that shows its titles)")
        latencies = watch_latency(kit, out, args.repeat)
        print(f"{'watch: save to new PDF':<32} {statistics.median(latencies):6.2f} s  "
              f"(median of {args.repeat}, max {max(latencies):.2f} s)")


if __name__ == "__main__":
    main()
