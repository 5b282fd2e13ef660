"""Benchmark: how many follow-up answers `workshop-kit serve` takes.

    python bench/serve.py [--answers 1000] [--clients 20] [--db URL] [--workers 1]

Starts the real server on a loopback port with the shipped kit (a copy, its
base URL set to the server), then `--clients` threads each open a form (GET,
for the token and cookie) and send it (POST), as a phone does, until
`--answers` answers are acknowledged. Prints answers per second and the
latency of sending one answer (median and 95th percentile), then checks that
the database holds exactly the acknowledged answers, and times
`workshop-kit report` over them. Without --db, a new SQLite file is used.
"""

from __future__ import annotations

import argparse
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
TOKEN = re.compile(r'name="token" value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def kit_copy(base: Path, port: int) -> Path:
    kit = base / "kit"
    kit.mkdir()
    for name in ("kit.yaml", "guide.yaml"):
        shutil.copy(ROOT / name, kit / name)
    for name in ("decks", "boards", "templates"):
        shutil.copytree(ROOT / name, kit / name)
    text = (kit / "kit.yaml").read_text(encoding="utf-8")
    (kit / "kit.yaml").write_text(text.replace("base_url: https://example.org",
                                               f"base_url: http://127.0.0.1:{port}"), encoding="utf-8")
    return kit


def wait_ready(url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"serve stopped: {process.stderr.read()}")
        try:
            if httpx.get(url + "/_health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.1)
    sys.exit("serve did not start within 60 s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--db", default=None, help="database URL (default: a new SQLite file)")
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        kit = kit_copy(Path(tmp), port)
        db = args.db or str(Path(tmp) / "responses.db")
        server = subprocess.Popen(
            [sys.executable, "-m", "workshop_kit", "serve", str(kit), "--port", str(port), "--db", db,
             "--workers", str(args.workers), "--rate-limit", "100000/minute"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        base = f"http://127.0.0.1:{port}"
        try:
            wait_ready(base, server)
            kit_id, found = cards(kit)
            paths = [f"/f/{kit_id}/{deck}/{card}" for deck, card in found]
            latencies: list[float] = []
            acknowledged = 0
            lock = threading.Lock()
            budget = iter(range(args.answers))

            def client(n: int) -> None:
                nonlocal acknowledged
                with httpx.Client(base_url=base, timeout=30) as http:
                    for i in budget:
                        path = paths[i % len(paths)]
                        started = time.perf_counter()
                        page = http.get(path)
                        token = TOKEN.search(page.text).group(1)
                        sent = http.post(path, data={"token": token, "q-vigtighed": str(1 + i % 5),
                                                     "q-hvem": ["Borgere", "Frivillige"],
                                                     "q-pointe": f"svar {i} fra klient {n}"})
                        took = time.perf_counter() - started
                        with lock:
                            latencies.append(took)
                            acknowledged += sent.status_code == 200

            started = time.perf_counter()
            threads = [threading.Thread(target=client, args=(n,)) for n in range(args.clients)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            wall = time.perf_counter() - started
        finally:
            server.terminate()
            server.wait(30)

        from workshop_kit.store.database import database_url, open_database
        database = open_database(database_url(db, kit), migrate=False)
        stored = len(database.responses(kit_id))
        database.dispose()
        latencies.sort()
        print(f"answers acknowledged: {acknowledged} of {args.answers}, stored: {stored}"
              f"{'' if stored == acknowledged else '  MISMATCH'}")
        print(f"{args.clients} clients, {args.workers} worker(s), {'SQLite' if not args.db else args.db.split(':')[0]}: "
              f"{acknowledged / wall:.0f} answers/s; open form + send: median "
              f"{statistics.median(latencies) * 1000:.0f} ms, 95th percentile "
              f"{latencies[int(len(latencies) * 0.95) - 1] * 1000:.0f} ms")
        out = Path(tmp) / "report.pdf"
        started = time.perf_counter()
        run = subprocess.run([sys.executable, "-m", "workshop_kit", "report", str(kit), "--db", db, "-o", str(out)],
                             capture_output=True, text=True)
        if run.returncode == 0:
            print(f"report over {stored} answers: {time.perf_counter() - started:.2f} s, "
                  f"{out.stat().st_size // 1024} KB")
        else:
            print(f"report failed: {run.stderr.strip()}")


def cards(kit: Path) -> tuple[str, list[tuple[str, str]]]:
    """The kit's id and the (deck, card) of every card."""
    from workshop_kit.content.kit import load_kit
    content = load_kit(kit)
    return content.kit.id, [(deck.slug, card.id) for deck in content.decks for card in deck.cards]


if __name__ == "__main__":
    main()
