"""Benchmark: how fast workshop-kit builds.

    python bench/run.py [--cards 1000] [--cold 3] [--repeat 7] [--no-reference]

Builds the shipped kit cold (a new process, as a consultant runs it) and a
generated deck with a unique QR URL per card, and prints wall time, CPU
time (user + sys, workers included), cards per second, peak memory and PDF
bytes per card. Each build runs in its own process so that imports and
font loading are counted and memory is that build's alone; each cold
build is run --cold times, and the row shows the median (wall and CPU)
and the highest peak, as one run on a shared machine varies by 20 %.

The generated deck is built in home mode (office sheets, with the
thumbnails of index.html) and in both modes; then the same cards through
the HTML/CSS route (bench/html_route.py: Jinja2, WeasyPrint, segno), as a
reference measured in the same run, and how many times faster
workshop-kit is. The reference needs the optional extra: pip install
".[bench]"; without it, its row says so.

Then the rebuilds a consultant makes all day: the shipped kit built again
with nothing changed, and again after one deck was edited (each a new
process), and the latency of `workshop-kit watch`: from saving an edited
deck to its new PDF in place in the output folder.

Rows with a target say whether it was met: "pass" or "FAIL".
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SCENARIO = ("Et lokalråd foreslår, at borgerne selv prioriterer en pulje til byens små "
            "projekter. Forvaltningen frygter, at de stærkeste stemmer tager pengene.")


# Targets on the 2-core reference machine.
TARGET_SHIPPED_COLD = 1.5      # s, the shipped kit, everything
TARGET_HOME_WALL = 2.0         # s, 1000 cards in home mode with their thumbnails
TARGET_HOME_PEAK = 250         # MB
TARGET_RATIO = 10              # times faster than the HTML/CSS route
TARGET_UNCHANGED = 0.15        # s, rebuild with nothing changed
TARGET_WATCH = 0.3             # s, median from save to new PDF

REFERENCE = "HTML/CSS route (WeasyPrint + segno)"
REFERENCE_NEEDS = ("weasyprint", "segno", "jinja2", "pypdfium2")

# Runs a command in the measured process and prints its peak resident
# memory: its own plus the largest of its worker processes (an upper bound).
MEASURED = (
    "import resource, runpy, sys\n"
    "try:\n"
    "    {call}\n"
    "finally:\n"
    "    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
    "    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
    "    print('PEAK', own + workers, file=sys.stderr)\n"
)
CLI = "from workshop_kit.cli import main; main(sys.argv[1:])"


class Failed(Exception):
    pass


@dataclass
class Measured:
    wall: float  # s
    cpu: float   # s, user + sys of the process and the workers it waited for
    peak: float  # MB


def timed(call: str, *args: str) -> Measured:
    """Wall and CPU seconds and peak memory of one new process that runs `call`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", MEASURED.format(call=call), *args],
                          capture_output=True, text=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0 or "PEAK" not in proc.stderr:
        raise Failed(proc.stderr.strip())
    peak_kb = int(proc.stderr.rsplit("PEAK", 1)[1].split()[0])
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Measured(wall, cpu, peak_kb / 1024)


def timed_build(kit: Path, out: Path, *extra: str) -> Measured:
    """One `workshop-kit build` in a new process."""
    try:
        return timed(CLI, "build", str(kit), "--out", str(out), *extra)
    except Failed as exc:
        sys.exit(f"build failed:\n{exc}")


def timed_cold(kit: Path, out: Path, runs: int, *extra: str) -> Measured:
    """`runs` cold builds, each into a new folder (out-1, out-2, ...; the
    last is renamed `out`): the median wall and CPU time, the highest peak."""
    found = [timed_build(kit, out.with_name(f"{out.name}-{i}"), *extra) for i in range(1, runs + 1)]
    out.with_name(f"{out.name}-{runs}").rename(out)
    return Measured(statistics.median(m.wall for m in found), statistics.median(m.cpu for m in found),
                    max(m.peak for m in found))


def timed_reference(kit: Path, out: Path) -> Measured:
    """The same deck through the HTML/CSS route, in a new process."""
    script = Path(__file__).resolve().with_name("html_route.py")
    return timed(f"runpy.run_path({str(script)!r}, run_name='__main__')", str(kit), str(out))


def reference_missing() -> list[str]:
    return [name for name in REFERENCE_NEEDS if importlib.util.find_spec(name) is None]


def verdict(value: float, limit: float, unit: str, at_least: bool = False) -> str:
    met = value >= limit if at_least else value <= limit
    return f"target {'>=' if at_least else '<='} {limit}{unit}: {'pass' if met else 'FAIL'}"


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
TITLES = ("Følger byrådet borgerne?", "Følger byrådet anbefalingen?")


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
    # poker cards, 9 to an A4 sheet, as the HTML/CSS route draws them (the
    # shipped kit's own size may differ)
    settings = (ROOT / "kit.yaml").read_text(encoding="utf-8")
    (kit / "kit.yaml").write_text(re.sub(r"(?m)^card_size:.*$", "card_size: poker", settings), encoding="utf-8")
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


NAME = 36  # width of the first column


def report(name: str, cards: int, m: Measured, sizes: dict[str, int], *targets: str) -> None:
    per_card = ", ".join(f"{mode} {size / cards / 1024:.1f} KiB" for mode, size in sorted(sizes.items()))
    print(f"{name:<{NAME}} {cards:>5} cards  {m.wall:6.2f} s  cpu {m.cpu:6.2f} s  {cards / m.wall:6.0f} cards/s  "
          f"peak {m.peak:4.0f} MB  PDF per card: {per_card}")
    for target in targets:
        print(f"{'':<{NAME}}   {target}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=1000, help="cards in the generated deck")
    parser.add_argument("--repeat", type=int, default=7, help="runs of each rebuild measurement")
    parser.add_argument("--cold", type=int, default=3, help="runs of each cold build (the median is shown)")
    parser.add_argument("--no-reference", action="store_true", help="leave out the HTML/CSS route")
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, load average "
          + " ".join(f"{load:.1f}" for load in os.getloadavg()))
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        out = tmp / "shipped"
        m = timed_cold(ROOT, out, args.cold)
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        report("shipped kit, cold", len(manifest["cards"]), m, pdf_bytes(out),
               f"(and {len(manifest['boards'])} boards: {len(manifest['files'])} files in all)  "
               + verdict(m.wall, TARGET_SHIPPED_COLD, " s"))

        decks = [arg for d in sorted({c["deck"] for c in manifest["cards"]}) for arg in ("--only", d)]
        m = timed_cold(ROOT, tmp / "decks", args.cold, *decks)
        report("shipped decks, cold", len(manifest["cards"]), m, pdf_bytes(tmp / "decks"))

        kit = generated_kit(tmp, args.cards)
        out = tmp / "generated-home"
        home = timed_cold(kit, out, args.cold, "--mode", "home")
        thumbs = sum(len(c.get("thumbnails", {})) for c in
                     json.loads((out / "manifest.json").read_text(encoding="utf-8"))["cards"])
        report(f"generated deck, home, {thumbs} thumbs", args.cards, home, pdf_bytes(out),
               verdict(home.wall, TARGET_HOME_WALL, " s") + ", "
               + verdict(home.peak, TARGET_HOME_PEAK, " MB"))
        out = tmp / "generated-both"
        m = timed_cold(kit, out, args.cold)
        report("generated deck, both modes", args.cards, m, pdf_bytes(out))

        missing = reference_missing()
        if args.no_reference:
            print(f"{REFERENCE:<{NAME}} left out (--no-reference)")
        elif missing:
            print(f"{REFERENCE:<{NAME}} skipped: {', '.join(missing)} not installed; "
                  f'pip install ".[bench]"')
        else:
            out = tmp / "html-route"
            try:
                ref = timed_reference(kit, out)
            except Failed as exc:
                print(f"{REFERENCE:<{NAME}} failed: {(str(exc).splitlines() or ['?'])[-1]}")
            else:
                size = sum(p.stat().st_size for p in (out / "decks").glob("*.pdf"))
                thumbs = sum(1 for _ in (out / "thumbs").rglob("*.jpg"))
                report(REFERENCE, args.cards, ref, {"home": size},
                       f"(reference: the same cards, home sheets and {thumbs} thumbs, one process)")
                ratio = ref.wall / home.wall
                print(f"{'':<{NAME}}   workshop-kit is {ratio:.1f} x faster in home mode "
                      f"({ref.cpu / home.cpu:.1f} x in CPU time)  {verdict(ratio, TARGET_RATIO, 'x', True)}")

        print()
        kit = copied_kit(tmp)
        out = tmp / "rebuilds"
        timed_build(kit, out)
        walls = [timed_build(kit, out).wall for _ in range(args.repeat)]
        median = statistics.median(walls)
        print(f"{'rebuild, nothing changed':<32} {median:6.2f} s  (median of {args.repeat}, new process)  "
              + verdict(median, TARGET_UNCHANGED, " s"))
        walls = []
        for _ in range(args.repeat):
            edit(kit)
            walls.append(timed_build(kit, out).wall)
        print(f"{'rebuild, one deck edited':<32} {statistics.median(walls):6.2f} s  "
              f"(median of {args.repeat}, new process; {EDITED} and the deck that shows its titles)")
        latencies = watch_latency(kit, out, args.repeat)
        median = statistics.median(latencies)
        print(f"{'watch: save to new PDF':<32} {median:6.2f} s  "
              f"(median of {args.repeat}, max {max(latencies):.2f} s)  " + verdict(median, TARGET_WATCH, " s"))


if __name__ == "__main__":
    main()
