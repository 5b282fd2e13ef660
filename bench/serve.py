"""Benchmark: how many follow-up answers `workshop-kit serve` takes.

    python bench/serve.py [--answers 1000] [--clients 20] [--db URL] [--workers 1]
    python bench/serve.py --burst 200 [--db URL] [--workers 1]

Starts the real server on a loopback port with the shipped kit (a copy, its
base URL set to the server), then `--clients` threads each open a form (GET,
for the token and cookie) and send it (POST), as a phone does, until
`--answers` answers are acknowledged. Prints answers per second and the
latency of sending one answer (median and 95th percentile), then checks that
the database holds exactly the acknowledged answers, and times
`workshop-kit report` over them. Without --db, a new SQLite file is used.

--burst N: N clients each open a form, wait until all have one, then all
send at the same moment (a room that presses "send" together), each on a
new connection, as a phone whose participant took a while. Prints the
median, 95th percentile and longest time of the send alone, the answers
refused or failed, and checks stored = acknowledged.
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
    parser.add_argument("--burst", type=int, default=0, metavar="N",
                        help="N clients open a form each, then all send at once")
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
            if args.burst:
                latencies, acknowledged, failed, wall = burst(base, paths, args.burst)
            else:
                latencies, acknowledged, failed, wall = steady(base, paths, args.answers, args.clients)
        finally:
            server.terminate()
            server.wait(30)

        from workshop_kit.store.database import database_url, open_database
        database = open_database(database_url(db, kit), migrate=False)
        stored = len(database.responses(kit_id))
        database.dispose()
        latencies.sort()
        sent = args.burst or args.answers
        kind = "SQLite" if not args.db else args.db.split(":")[0]
        print(f"answers acknowledged: {acknowledged} of {sent}, stored: {stored}"
              f"{'' if stored == acknowledged else '  MISMATCH'}, refused or failed: {failed}")
        p50, p95 = statistics.median(latencies) * 1000, latencies[int(len(latencies) * 0.95) - 1] * 1000
        if args.burst:
            print(f"{args.burst} clients sending at once, {args.workers} worker(s), {kind}: send: median "
                  f"{p50:.0f} ms, 95th percentile {p95:.0f} ms, longest {latencies[-1] * 1000:.0f} ms; "
                  f"all answered in {wall * 1000:.0f} ms")
            return
        print(f"{args.clients} clients, {args.workers} worker(s), {kind}: "
              f"{acknowledged / wall:.0f} answers/s; open form + send: median "
              f"{p50:.0f} ms, 95th percentile {p95:.0f} ms")
        out = Path(tmp) / "report.pdf"
        started = time.perf_counter()
        run = subprocess.run([sys.executable, "-m", "workshop_kit", "report", str(kit), "--db", db, "-o", str(out)],
                             capture_output=True, text=True)
        if run.returncode == 0:
            print(f"report over {stored} answers: {time.perf_counter() - started:.2f} s, "
                  f"{out.stat().st_size // 1024} KB")
        else:
            print(f"report failed: {run.stderr.strip()}")


def fields(i: int, n: int) -> dict:
    return {"q-vigtighed": str(1 + i % 5), "q-hvem": ["Borgere", "Frivillige"], "q-pointe": f"svar {i} fra klient {n}"}


def steady(base: str, paths: list[str], answers: int, clients: int) -> tuple[list[float], int, int, float]:
    """`clients` threads open a form and send it, again and again, until
    `answers` are sent: (latency of each open + send, acknowledged,
    refused or failed, wall time)."""
    latencies: list[float] = []
    acknowledged = failed = 0
    lock = threading.Lock()
    budget = iter(range(answers))

    def client(n: int) -> None:
        nonlocal acknowledged, failed
        with httpx.Client(base_url=base, timeout=30) as http:
            for i in budget:
                path = paths[i % len(paths)]
                started = time.perf_counter()
                page = http.get(path)
                token = TOKEN.search(page.text).group(1)
                sent = http.post(path, data={"token": token, **fields(i, n)})
                took = time.perf_counter() - started
                with lock:
                    latencies.append(took)
                    acknowledged += sent.status_code == 200
                    failed += sent.status_code != 200

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, acknowledged, failed, time.perf_counter() - started


def burst(base: str, paths: list[str], n: int) -> tuple[list[float], int, int, float]:
    """n threads open a form each, then all send at once: (latency of each
    send, acknowledged, refused or failed, time from the start of the
    burst to the last answer)."""
    latencies: list[float] = []
    acknowledged = failed = 0
    lock = threading.Lock()
    begun: list[float] = []
    ended: list[float] = []
    ready = threading.Barrier(n, action=lambda: begun.append(time.perf_counter()), timeout=120)

    def client(i: int) -> None:
        nonlocal acknowledged, failed
        path = paths[i % len(paths)]
        with httpx.Client(base_url=base, timeout=60) as http:
            # A participant takes a while to fill in the form: the answer
            # comes on a new connection, as from a phone.
            token = TOKEN.search(http.get(path, headers={"connection": "close"}).text).group(1)
            data = {"token": token, **fields(i, 0)}
            ready.wait()
            started = time.perf_counter()
            try:
                status = http.post(path, data=data).status_code
            except httpx.HTTPError as error:
                status = type(error).__name__
            ok = status == 200
            done = time.perf_counter()
        with lock:
            latencies.append(done - started)
            ended.append(done)
            acknowledged += ok
            failed += not ok
            if not ok:
                print(f"answer {i}: {status}", file=sys.stderr)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, acknowledged, failed, max(ended) - begun[0]


def cards(kit: Path) -> tuple[str, list[tuple[str, str]]]:
    """The kit's id and the (deck, card) of every card."""
    from workshop_kit.content.kit import load_kit
    content = load_kit(kit)
    return content.kit.id, [(deck.slug, card.id) for deck in content.decks for card in deck.cards]


if __name__ == "__main__":
    main()
