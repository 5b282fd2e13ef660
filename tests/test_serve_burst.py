"""A room that presses "send" at once, on loopback with SQLite and one
server process: the answers that arrive together are committed together,
and still each thanks page comes only after its answer is on disk.

The server is killed (SIGKILL) while such a burst is answered: every answer
that got its thanks page is in the database. The phones whose answer got
no answer send the same page again to the restarted server, and each
answer is then stored once. A page sent twice at the same moment is
stored once too.

Bounded by timeouts; nothing here measures time.
"""

from __future__ import annotations

import os
import signal
import threading
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx

from kit_helpers import REPO
from serve_helpers import (
    HIGH_RATE,
    Server,
    client,
    free_port,
    free_texts,
    kit_served_at,
    open_form,
    question_of,
    send,
    stored,
    thanked,
)
from workshop_kit.content.follow_up import targets
from workshop_kit.content.kit import load_kit
from workshop_kit.store.database import database_url

SENDERS = 200
KILL_AFTER = 10  # thanks pages, then the server is killed
TWICE = 40       # pages sent twice at the same moment


@dataclass(frozen=True)
class Form:
    """A form page as a phone holds it, and the answer to send with it."""

    url: str
    token: str
    cookie: str
    text: str


def open_forms(kit: Path, n: int) -> tuple[list[Form], str, dict[str, str]]:
    """n form pages spread over the kit's cards and boards, each with a
    free text of its own: (the forms, the free-text question's id, the
    kit's labels)."""
    content = load_kit(kit)
    question = question_of(content.kit.follow_up.form, "text").id
    urls = [t.url for t in targets(content)]
    run = uuid.uuid4().hex[:8]

    def one(i: int) -> Form:
        url = urls[i % len(urls)]
        opened = open_form(http, url)
        assert opened.page.status_code == 200 and opened.token and opened.cookie
        return Form(url, opened.token, opened.cookie, f"Svar {i} af {n} ({run})")

    limits = httpx.Limits(max_connections=50, max_keepalive_connections=50)
    with client(limits=limits, timeout=120) as http, ThreadPoolExecutor(max_workers=50) as pool:
        return list(pool.map(one, range(n), timeout=300)), question, content.labels


def send_at_once(forms: list[Form], question: str, labels: dict[str, str], after=None) -> list[str]:
    """Send every form at the same moment, each on a new connection (a
    participant takes a while to fill in a form); what each got: "thanks",
    "dropped" (the connection failed) or the status. after(i, outcome) is
    called as each comes back."""
    ready = threading.Barrier(len(forms), timeout=120)

    def one(i: int) -> str:
        form = forms[i]
        ready.wait()
        try:
            response = send(http, form.url, [(f"q-{question}", form.text)], token=form.token, cookie=form.cookie)
            outcome = "thanks" if thanked(response, labels) else str(response.status_code)
        except httpx.TransportError:
            outcome = "dropped"
        if after is not None:
            after(i, outcome)
        return outcome

    limits = httpx.Limits(max_connections=len(forms) + 10, max_keepalive_connections=len(forms) + 10)
    with client(limits=limits, timeout=120) as http, ThreadPoolExecutor(max_workers=len(forms)) as pool:
        return list(pool.map(one, range(len(forms)), timeout=300))


def test_answers_acknowledged_in_a_burst_survive_a_kill_and_the_rest_are_stored_once_when_sent_again(tmp_path):
    port = free_port()
    kit = kit_served_at(REPO, tmp_path / "kit", f"http://127.0.0.1:{port}")
    db = str(tmp_path / "responses.db")
    server = Server(kit, port, db, "--rate-limit", HIGH_RATE).start()
    try:
        forms, question, labels = open_forms(kit, SENDERS)
        thanks = 0
        lock = threading.Lock()

        def kill_after_some(i: int, outcome: str) -> None:
            nonlocal thanks
            with lock:
                thanks += outcome == "thanks"
                if thanks == KILL_AFTER:
                    os.kill(server.process.pid, signal.SIGKILL)

        outcomes = send_at_once(forms, question, labels, after=kill_after_some)
        assert server.stop(signal.SIGKILL) == -signal.SIGKILL
        kit_id = load_kit(kit).kit.id
        after_kill = free_texts(stored(database_url(db, kit), kit_id), question)

        counted = Counter(outcomes)
        assert set(counted) <= {"thanks", "dropped"}, counted
        assert counted["thanks"] >= KILL_AFTER and counted["dropped"] > 0, counted
        acknowledged = {f.text for f, o in zip(forms, outcomes) if o == "thanks"}
        assert acknowledged <= set(after_kill), sorted(acknowledged - set(after_kill))[:5]
        assert set(after_kill) <= {f.text for f in forms}

        # The phones that got no answer send the same page again.
        server.start()
        again = [f for f, o in zip(forms, outcomes) if o != "thanks"]
        assert send_at_once(again, question, labels) == ["thanks"] * len(again)
    finally:
        server.stop()
    texts = free_texts(stored(database_url(db, kit), kit_id), question)
    assert sorted(texts) == sorted(f.text for f in forms)


def test_a_page_sent_twice_at_the_same_moment_is_stored_once(tmp_path):
    port = free_port()
    kit = kit_served_at(REPO, tmp_path / "kit", f"http://127.0.0.1:{port}")
    db = str(tmp_path / "responses.db")
    with Server(kit, port, db, "--rate-limit", HIGH_RATE):
        forms, question, labels = open_forms(kit, SENDERS)
        outcomes = send_at_once(forms + forms[:TWICE], question, labels)
    assert outcomes == ["thanks"] * (SENDERS + TWICE)
    texts = free_texts(stored(database_url(db, kit), load_kit(kit).kit.id), question)
    assert sorted(texts) == sorted(f.text for f in forms)
