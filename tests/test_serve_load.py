"""Many answers at once, on loopback: 200 phones fetch a form each, then all
send their answers at the same moment. Every answer that got its thanks
page is in the database, and nothing else is: once with SQLite and one
server process, once with PostgreSQL and two worker processes.

Bounded by timeouts; nothing here measures time.
"""

from __future__ import annotations

import re
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

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


def send_all_at_once(server: Server, kit: Path, n: int) -> tuple[list[str], list[str]]:
    """n answers, each from its own form page (token and cookie), spread over
    the kit's cards and boards; every form is fetched first, then all are
    sent at once. (the free texts of the acknowledged answers, of all sent)."""
    content = load_kit(kit)
    form = content.kit.follow_up.form
    text, scale = (f"q-{question_of(form, kind).id}" for kind in ("text", "scale"))
    urls = [t.url for t in targets(content)]
    run = uuid.uuid4().hex[:8]
    ready = threading.Barrier(n, timeout=120)

    def one(i: int) -> tuple[str, bool]:
        mine = f"Svar {i} af {n} ({run})"
        url = urls[i % len(urls)]
        opened = open_form(http, url)
        assert opened.page.status_code == 200 and opened.token and opened.cookie
        ready.wait()
        response = send(sender, url, [(scale, str(i % 5 + 1)), (text, mine)], token=opened.token,
                        cookie=opened.cookie)
        return mine, thanked(response, content.labels)

    # The answers go on new connections, as from phones whose participants
    # took a while: a connection idle since its form was fetched may be
    # closed by the server (keep-alive ends) just as the answer is sent.
    limits = httpx.Limits(max_connections=n + 10, max_keepalive_connections=n + 10)
    with client(limits=limits, timeout=120) as http, client(limits=limits, timeout=120) as sender, \
            ThreadPoolExecutor(max_workers=n) as pool:
        results = list(pool.map(one, range(n), timeout=300))
    return [t for t, ok in results if ok], [t for t, _ in results]


def admin_total(server: Server) -> str:
    with client() as http:
        page = http.get(server.admin_url)
    assert page.status_code == 200
    return re.search(r"<p><strong>([^<]*)</strong></p>", page.text)[1]


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_200_answers_sent_at_once_are_all_stored_and_acknowledged(tmp_path, request, database):
    port = free_port()
    kit = kit_served_at(REPO, tmp_path / "kit", f"http://127.0.0.1:{port}")
    if database == "sqlite":
        db, options = str(tmp_path / "responses.db"), ()
    else:
        db, options = request.getfixturevalue("postgres_url"), ("--workers", "2")
    with Server(kit, port, db, "--rate-limit", HIGH_RATE, *options) as server:
        acknowledged, sent = send_all_at_once(server, kit, SENDERS)
        total = admin_total(server)
    content = load_kit(kit)
    question = question_of(content.kit.follow_up.form, "text").id
    texts = free_texts(stored(database_url(db, kit), content.kit.id), question)
    assert len(sent) == len(set(sent)) == SENDERS
    assert len(acknowledged) == SENDERS
    assert sorted(texts) == sorted(acknowledged)
    assert total == content.labels["admin_total"].format(n=SENDERS)
