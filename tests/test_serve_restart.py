"""A server stopped and started again while answers keep coming: every
answer that got its thanks page is stored, and none is stored twice.

Senders in threads answer forms without pause, each answer with a free
text of its own. They do what a phone does when the connection drops:
send the same page again (the same token, so the same submission id) until
an answer comes. Meanwhile the server is stopped with SIGTERM, started
again on the same port and database, then killed with SIGKILL and started
again.
"""

from __future__ import annotations

import signal
import threading
import time
import uuid
from collections import Counter

import httpx

from kit_helpers import REPO
from serve_helpers import (
    HIGH_RATE,
    Opened,
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

SENDERS = 6
EACH_PHASE = 25     # answers acknowledged between two stops
DOWN = 0.5          # seconds the server stays away
PATIENCE = 60       # seconds a sender keeps trying one answer


class Senders:
    """Threads that answer forms until told to stop."""

    def __init__(self, urls: list[str], question: str, labels: dict[str, str]):
        self.urls, self.question, self.labels = urls, question, labels
        self.attempted: list[str] = []
        self.acknowledged: list[str] = []
        self.refused: list[str] = []     # answers that got something other than thanks
        self.dropped = 0                 # requests that failed on the way (the server was away)
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self._run, args=(n,), daemon=True) for n in range(SENDERS)]

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def stop(self) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join(PATIENCE + 30)
        assert not any(t.is_alive() for t in self.threads)

    def wait_for(self, acknowledged: int, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while len(self.acknowledged) < acknowledged:
            assert time.monotonic() < deadline, f"only {len(self.acknowledged)} answers acknowledged"
            assert not self.refused, self.refused[:3]
            time.sleep(0.02)

    def _run(self, n: int) -> None:
        run = uuid.uuid4().hex[:6]
        with client(timeout=10) as http:
            i = 0
            while not self.stopping.is_set():
                text = f"Sender {n}, svar {i} ({run})"
                self.attempted.append(text)
                self._deliver(http, self.urls[(n + i) % len(self.urls)], text)
                i += 1

    def _retry(self, request, deadline: float):
        """request() again until it gets an answer that is not a server
        error, or the deadline passes (then None)."""
        while time.monotonic() < deadline:
            try:
                result = request()
            except httpx.TransportError:
                result = None
            page = result.page if isinstance(result, Opened) else result
            if page is not None and page.status_code < 500:
                return result
            self.dropped += 1
            time.sleep(0.05)
        return None

    def _deliver(self, http: httpx.Client, url: str, text: str) -> None:
        deadline = time.monotonic() + PATIENCE
        opened = self._retry(lambda: open_form(http, url), deadline)
        if opened is None or opened.token is None or opened.cookie is None:
            self.refused.append(f"{text}: no form")
            return
        response = self._retry(lambda: send(http, url, [(self.question, text)], token=opened.token,
                                            cookie=opened.cookie), deadline)
        if response is not None and thanked(response, self.labels):
            self.acknowledged.append(text)
        else:
            self.refused.append(f"{text}: {response.status_code if response is not None else 'no answer'}")


def test_answers_sent_while_the_server_is_stopped_and_killed_are_stored_once_when_acknowledged(tmp_path):
    port = free_port()
    kit = kit_served_at(REPO, tmp_path / "kit", f"http://127.0.0.1:{port}")
    content = load_kit(kit)
    question = question_of(content.kit.follow_up.form, "text")
    db_file = tmp_path / "responses.db"
    server = Server(kit, port, str(db_file), "--rate-limit", HIGH_RATE)
    senders = Senders([t.url for t in targets(content)], f"q-{question.id}", content.labels)
    server.start()
    try:
        senders.start()
        senders.wait_for(EACH_PHASE)
        # uvicorn finishes the answers under way, then ends by the signal it got
        assert server.stop(signal.SIGTERM) in (0, -signal.SIGTERM), server.output
        time.sleep(DOWN)
        server.start()
        senders.wait_for(len(senders.acknowledged) + EACH_PHASE)
        assert server.stop(signal.SIGKILL) == -signal.SIGKILL
        time.sleep(DOWN)
        server.start()
        senders.wait_for(len(senders.acknowledged) + EACH_PHASE)
        senders.stop()
    finally:
        senders.stopping.set()
        server.stop()

    texts = free_texts(stored(database_url(str(db_file), kit), content.kit.id), question.id)
    twice = [t for t, n in Counter(texts).items() if n > 1]
    assert not senders.refused, senders.refused[:5]
    assert senders.dropped > 0, "no request met a stopped server"
    assert len(senders.acknowledged) == len(set(senders.acknowledged)) >= 3 * EACH_PHASE
    assert not twice, twice[:5]
    assert set(senders.acknowledged) <= set(texts)
    assert set(texts) <= set(senders.attempted)
