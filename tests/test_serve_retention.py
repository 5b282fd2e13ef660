"""Retention: `workshop-kit responses delete --before DAY` removes answers
that participants sent to a running server, with everything they said, and
the facilitator's view and export show it at once."""

from __future__ import annotations

import sqlite3
from datetime import timedelta, timezone

from kit_helpers import REPO, ask_who_answers
from serve_helpers import HIGH_RATE, Server, answer, client, free_port, kit_served_at, question_of, stored, thanked
from workshop_kit.content.follow_up import targets
from workshop_kit.content.kit import load_kit
from workshop_kit.store.database import database_url, open_database


def test_responses_delete_before_a_day_removes_the_answers_sent_before_it(tmp_path, cli):
    port = free_port()
    kit = kit_served_at(REPO, tmp_path / "kit", f"http://127.0.0.1:{port}")
    ask_who_answers(kit)  # the answers carry an area and contact details
    content = load_kit(kit)
    form = content.kit.follow_up.form
    db_file = tmp_path / "responses.db"
    db = database_url(str(db_file), kit)
    urls = [t.url for t in targets(content)][:3]
    fields = [(f"q-{question_of(form, 'text').id}", "Mere tid til snak"), ("b-area", "Vestbyen"),
              ("c-consent", "yes"), ("c-email", "deltager@example.org")]
    with Server(kit, port, str(db_file), "--rate-limit", HIGH_RATE) as server, client() as http:
        assert all(thanked(answer(http, url, fields), content.labels) for url in urls)
        responses = stored(db, content.kit.id)
        assert len(responses) == 3 and all(r.contact and r.contact.email for r in responses)
        day = responses[0].received_at.astimezone(timezone.utc).date()

        # answers received on that day are not before it
        same_day = cli("responses", "delete", kit, "--db", db_file, "--before", day.isoformat(), "--yes")
        assert same_day.code == 0, same_day.output
        assert "Deleted 0 responses" in same_day.stdout
        assert len(stored(db, content.kit.id)) == 3

        next_day = cli("responses", "delete", kit, "--db", db_file, "--before", (day + timedelta(days=1)).isoformat(),
                       "--yes")
        assert next_day.code == 0, next_day.output
        assert "Deleted 3 responses" in next_day.stdout
        assert stored(db, content.kit.id) == []

        admin = http.get(server.admin_url)
        assert content.labels["admin_total"].format(n=0) in admin.text
        export = http.get(server.admin_url + "/responses.csv").content.decode("utf-8-sig")
        assert len(export.splitlines()) == 1  # the header, no answers
        # while the server still has the database open, neither the file nor its log holds them
        log = db_file.with_name(db_file.name + "-wal")
        for value in ("Mere tid til snak", "Vestbyen", "deltager@example.org"):
            assert value.encode() not in db_file.read_bytes()
            assert not log.exists() or value.encode() not in log.read_bytes()

    with open_database(db, migrate=False) as database, database.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA secure_delete").scalar() == 1  # not left to how SQLite was built
    with sqlite3.connect(db_file) as connection:  # what they said went with them, and who they are
        assert connection.execute("SELECT count(*) FROM answers").fetchone() == (0,)
        assert connection.execute("SELECT count(*) FROM responses").fetchone() == (0,)
        for value in ("Mere tid til snak", "Vestbyen", "deltager@example.org"):
            assert value.encode() not in db_file.read_bytes()
