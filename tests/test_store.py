"""The response store: what is saved is read back, a submission is stored
once however often and however concurrently it is sent, deleting takes the
answers along, the migrations make exactly the tables of tables.py, and
`workshop-kit responses delete` does what it says.

Every test that touches a database runs on a SQLite file and on the
PostgreSQL server of WORKSHOP_KIT_TEST_POSTGRES (see the postgres_url
fixture). The tests look at the rows with plain SQL where it matters, not
only through the store's own reading methods.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import sqlalchemy
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Column, MetaData, String, text

from workshop_kit.store import Contact, DatabaseError, Response, StoredResponse, database_url, open_database
from workshop_kit.store.migrate import head_revision
from workshop_kit.store.tables import metadata

TESTS = Path(__file__).resolve().parent
UTC = timezone.utc
CET = timezone(timedelta(hours=1))


@pytest.fixture(params=["sqlite", "postgresql"])
def db_arg(request, tmp_path) -> str:
    """What a user gives as --db: a SQLite file path, or a postgresql:// URL."""
    if request.param == "sqlite":
        return str(tmp_path / "responses.db")
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def url(db_arg, tmp_path) -> str:
    return database_url(db_arg, tmp_path)


@pytest.fixture
def db(url):
    database = open_database(url)
    yield database
    database.dispose()


def response(submission: str, kit: str = "temadag", deck: str = "dilemmaer", card: str = "frivillige-i-sfo",
             answers=(("enig", "ja"),), **more) -> Response:
    return Response(submission=submission, kit=kit, deck=deck, card=card, lang="da", answers=answers, **more)


def scalar(db, sql: str, **params):
    with db.engine.connect() as connection:
        return connection.execute(text(sql), params).scalar()


# --- saving and reading back -----------------------------------------------------

def test_a_response_is_read_back_as_it_was_saved(db):
    long_value = "Æbler, øl og ål. " * 300  # 5100 characters
    answers = (("background.formats", "borgermoede"), ("enig", "delvis"), ("background.formats", "borgerraad"),
               ("kommentar", long_value), ("background.age", "40-49"), ("background.area", "Nord"))
    contact = Contact(consent="Jeg giver samtykke til at blive kontaktet (v2).", name="Åse Ørsted",
                      email="aase@example.org", phone="+45 12 34 56 78")
    at = datetime(2025, 3, 4, 10, 30, 15, 123456, tzinfo=CET)
    assert db.save(response("c0ffee", answers=answers, contact=contact, received_at=at)) is True
    before = datetime.now(UTC)
    assert db.save(response("beef", deck="boards", card="partnermatrix", answers=())) is True
    after = datetime.now(UTC)
    assert db.save(response("abc", deck="guide", card="temadag",
                            received_at=datetime(2025, 3, 4, 9, 0, tzinfo=UTC))) is True
    assert db.save(response("def", kit="anden-kit")) is True

    first, second, third = stored = db.responses("temadag")
    assert [s.submission for s in stored] == ["abc", "c0ffee", "beef"]  # by received_at
    assert all(isinstance(s, StoredResponse) for s in stored)
    assert second.answers == answers
    assert second.contact == contact
    assert second.received_at == at and second.received_at.tzinfo == UTC
    assert second.received_at.hour == 9  # 10:30 at +01:00 is 09:30 UTC
    assert (second.kit, second.deck, second.card, second.lang) == ("temadag", "dilemmaer", "frivillige-i-sfo", "da")
    assert third.answers == () and third.contact is None and (third.deck, third.card) == ("boards", "partnermatrix")
    assert before <= third.received_at <= after and third.received_at.tzinfo == UTC
    assert first.contact is None and first.answers == (("enig", "ja"),)
    assert len({s.id for s in stored}) == 3
    assert db.counts("temadag") == {("dilemmaer", "frivillige-i-sfo"): 1, ("boards", "partnermatrix"): 1,
                                    ("guide", "temadag"): 1}
    assert db.counts("anden-kit") == {("dilemmaer", "frivillige-i-sfo"): 1}
    assert db.counts("ingen") == {} and db.responses("ingen") == []
    # the rows themselves: the long value whole, the answers numbered in order
    assert scalar(db, "SELECT value FROM answers WHERE question = 'kommentar'") == long_value
    assert scalar(db, "SELECT count(*) FROM answers a JOIN responses r ON r.id = a.response_id "
                      "WHERE r.submission = 'c0ffee'") == 6
    assert scalar(db, "SELECT position FROM answers WHERE value = 'borgerraad'") == 2


def test_responses_at_the_same_moment_come_in_the_order_they_were_saved(db):
    at = datetime(2025, 5, 1, 12, 0, tzinfo=UTC)
    for submission in ("0c", "0a", "0b"):
        db.save(response(submission, received_at=at))
    assert [s.submission for s in db.responses("temadag")] == ["0c", "0a", "0b"]


def test_the_same_submission_twice_is_stored_once(db):
    assert db.save(response("5ab", answers=(("enig", "ja"),))) is True
    assert db.save(response("5ab", card="anden", answers=(("enig", "nej"), ("x", "y")),
                            contact=Contact(consent="ja"))) is False
    [stored] = db.responses("temadag")
    assert stored.card == "frivillige-i-sfo" and stored.answers == (("enig", "ja"),) and stored.contact is None
    assert scalar(db, "SELECT count(*) FROM responses") == 1
    assert scalar(db, "SELECT count(*) FROM answers") == 1


def test_200_saves_from_20_threads_are_all_stored(db):
    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(
            lambda i: db.save(response(f"{i:04x}", card=f"kort-{i % 7}", answers=(("n", str(i)), ("m", "x")))),
            range(200)))
    assert results == [True] * 200
    assert scalar(db, "SELECT count(*) FROM responses") == 200
    assert scalar(db, "SELECT count(*) FROM answers") == 400
    assert sum(db.counts("temadag").values()) == 200
    assert sorted(int(s.answers[0][1]) for s in db.responses("temadag")) == list(range(200))


def test_a_submission_sent_by_20_threads_at_once_is_stored_once(db):
    start = threading.Barrier(20)

    def send(i: int) -> bool:
        start.wait()
        return db.save(response("feed", answers=(("n", str(i)),)))

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(send, range(20)))
    assert results.count(True) == 1, results
    assert scalar(db, "SELECT count(*) FROM responses") == 1
    assert scalar(db, "SELECT count(*) FROM answers") == 1


def run_workers(url: str, folder: Path, names: tuple[str, ...], count: int, shared: int) -> list[dict]:
    """Start one store_worker.py per name and let them go at the same moment."""
    folder.mkdir()
    workers = [subprocess.Popen([sys.executable, str(TESTS / "store_worker.py"), url, str(folder), name,
                                 str(count), str(shared)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True) for name in names]
    deadline = time.monotonic() + 60
    while not all((folder / f"ready-{name}").exists() for name in names):
        assert time.monotonic() < deadline and all(w.poll() is None for w in workers), \
            [w.communicate() for w in workers if w.poll() is not None]
        time.sleep(0.01)
    (folder / "go").touch()
    outputs = [w.communicate(timeout=120) for w in workers]
    for worker, (_out, err) in zip(workers, outputs):
        assert worker.returncode == 0, err
    return [json.loads(out) for out, _ in outputs]


def test_two_processes_saving_at_once_store_everything(url, tmp_path):
    """Both processes open a new database (both migrating it), get the same
    setting and save at the same moment, partly the same submissions."""
    first, second = run_workers(url, tmp_path / "workers", ("a", "b"), count=100, shared=30)
    assert first["own"] == [True] * 100 and second["own"] == [True] * 100
    # each shared submission was stored by exactly one of them
    assert [a + b for a, b in zip(first["shared"], second["shared"])] == [1] * 30
    assert first["secret"] == second["secret"] and len(first["secret"]) == 32
    database = open_database(url, migrate=False)
    try:
        assert scalar(database, "SELECT count(*) FROM responses") == 230
        assert scalar(database, "SELECT count(*) FROM answers") == 230
        assert database.counts("kit")[("deck", "shared")] == 30
        assert database.setting("secret", lambda: "another") == first["secret"]
    finally:
        database.dispose()


def test_a_setting_is_made_once_and_kept(db, url):
    made = []

    def make() -> str:
        made.append(1)
        return f"value-{len(made)}"

    assert db.setting("form_secret", make) == "value-1"
    assert db.setting("form_secret", make) == "value-1"
    assert db.setting("other", make) == "value-2"
    assert len(made) == 2
    again = open_database(url)
    try:
        assert again.setting("form_secret", lambda: "late") == "value-1"
    finally:
        again.dispose()


def test_a_setting_made_by_20_threads_at_once_has_one_value(db):
    start = threading.Barrier(20)

    def get(i: int) -> str:
        start.wait()
        return db.setting("secret", lambda: f"made-by-{i}")

    with ThreadPoolExecutor(max_workers=20) as pool:
        values = set(pool.map(get, range(20)))
    assert len(values) == 1 and values.pop().startswith("made-by-")
    assert scalar(db, "SELECT count(*) FROM settings") == 1


# --- deleting -----------------------------------------------------------------

def save_kits(db) -> None:
    for day, submission in ((1, "a1"), (2, "a2"), (3, "a3")):
        db.save(response(submission, answers=(("q", "1"), ("q", "2")),
                         received_at=datetime(2025, 6, day, 23, 59, tzinfo=UTC)))
    db.save(response("b1", kit="anden", answers=(("q", "3"),), received_at=datetime(2025, 6, 1, tzinfo=UTC)))


def test_delete_before_a_time_takes_the_older_responses_and_their_answers(db):
    save_kits(db)
    assert db.delete("temadag", before=datetime(2025, 6, 3, tzinfo=UTC)) == 2
    assert [s.submission for s in db.responses("temadag")] == ["a3"]
    assert scalar(db, "SELECT count(*) FROM answers") == 3  # a3's two and anden's one
    assert [s.submission for s in db.responses("anden")] == ["b1"]
    # the boundary: a response received at the very moment is kept
    assert db.delete("temadag", before=datetime(2025, 6, 3, 23, 59, tzinfo=UTC)) == 0
    # an aware time in another zone means the same moment
    assert db.delete("temadag", before=datetime(2025, 6, 4, 1, 0, tzinfo=CET)) == 1


def test_delete_without_a_time_takes_every_response_of_the_kit(db):
    save_kits(db)
    assert db.delete("temadag") == 3
    assert db.responses("temadag") == [] and db.counts("temadag") == {}
    assert scalar(db, "SELECT count(*) FROM answers") == 1
    assert db.responses("anden")[0].answers == (("q", "3"),)
    assert db.delete("temadag") == 0


# --- what save refuses --------------------------------------------------------

@pytest.mark.parametrize("wrong, message", [
    (dict(submission="not-hex"), "not hexadecimal"),
    (dict(submission="a" * 65), "at most 64"),
    (dict(card=""), "responses.card is empty"),
    (dict(deck="d" * 201), "at most 200"),
    (dict(answers=(("", "x"),)), "answers.question is empty"),
    (dict(answers=(("q", "nul\x00"),)), "NUL"),
    (dict(answers=(("q", 3),)), "must be text"),
    (dict(contact=Contact(consent="")), "contact_consent is empty"),
    (dict(received_at=datetime(2025, 1, 1)), "no time zone"),
])
def test_save_refuses_what_the_database_would_refuse_or_garble(db, wrong, message):
    fields = dict(submission="abc", kit="temadag", deck="d", card="c", lang="da", answers=())
    with pytest.raises(ValueError, match=message):
        db.save(Response(**{**fields, **wrong}))
    assert scalar(db, "SELECT count(*) FROM responses") == 0


# --- migrations -------------------------------------------------------------------

def table_names(db) -> set[str]:
    return set(sqlalchemy.inspect(db.engine).get_table_names())


def test_migrations_make_the_tables_and_a_second_run_changes_nothing(url):
    first = open_database(url)
    try:
        assert table_names(first) == {"responses", "answers", "settings", "rate_hits", "approved_answers",
                                      "alembic_version"}
        assert scalar(first, "SELECT version_num FROM alembic_version") == head_revision() == "0003"
        first.save(response("abc"))
    finally:
        first.dispose()
    second = open_database(url)
    try:
        assert scalar(second, "SELECT count(*) FROM alembic_version") == 1
        assert [s.submission for s in second.responses("temadag")] == ["abc"]
    finally:
        second.dispose()


def test_the_migrated_schema_is_exactly_tables_py(db):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, metadata) == []
        # and the comparison does see a difference when there is one
        changed = MetaData()
        for table in metadata.tables.values():
            table.to_metadata(changed)
        changed.tables["answers"].append_column(Column("note", String(10)))
        changed.tables["settings"].c.value.type = String(20)
        diffs = compare_metadata(context, changed)
        assert [d[0] for d in diffs if isinstance(d, tuple)] == ["add_column"]
        assert any(isinstance(d, list) and d[0][0] == "modify_type" for d in diffs), diffs


def test_a_worker_without_migrations_refuses_a_database_that_is_not_migrated(db_arg, tmp_path):
    url = database_url(db_arg, tmp_path)
    with pytest.raises(DatabaseError, match="has no tables yet"):
        open_database(url, migrate=False)
    open_database(url).dispose()
    open_database(url, migrate=False).dispose()


def test_a_database_from_a_newer_version_is_refused_in_one_line(db, url):
    with db.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0099'"))
    assert "(was it made by a newer workshop-kit?)" in one_line_error(url)
    assert "is at schema revision 0099, this workshop-kit expects 0003" in one_line_error(url, migrate=False)


# --- database URLs and errors ------------------------------------------------------

def test_database_url(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    kit = tmp_path / "kit"
    assert database_url(None, kit) == f"sqlite:///{kit}/responses.db"
    assert database_url(None, Path(".")) == f"sqlite:///{tmp_path}/responses.db"
    assert database_url("svar/svar.db", kit) == f"sqlite:///{tmp_path}/svar/svar.db"
    assert database_url("/srv/svar.db", kit) == "sqlite:////srv/svar.db"
    assert database_url("sqlite:////srv/svar.db", kit) == "sqlite:////srv/svar.db"
    assert database_url("postgresql://u:p@db.example.org:5433/svar", kit) == \
        "postgresql+psycopg://u:p@db.example.org:5433/svar"
    assert database_url("postgres://u:p@localhost/svar?sslmode=require", kit) == \
        "postgresql+psycopg://u:p@localhost/svar?sslmode=require"
    assert database_url("postgresql+psycopg://u@h/svar", kit) == "postgresql+psycopg://u@h/svar"
    with pytest.raises(ValueError, match="'mysql://' is not a database workshop-kit can use"):
        database_url("mysql://u:secret@h/svar", kit)
    with pytest.raises(ValueError) as error:
        database_url("https://u:secret@h/svar", kit)
    assert "secret" not in str(error.value)
    with pytest.raises(ValueError, match="in memory"):
        database_url("sqlite://", kit)
    with pytest.raises(ValueError, match="cannot be read") as error:
        database_url("postgresql://u:secret@h:port/svar", kit)
    assert "secret" not in str(error.value)


def one_line_error(url: str, **options) -> str:
    with pytest.raises(DatabaseError) as error:
        open_database(url, **options)
    message = str(error.value)
    assert "\n" not in message and "Traceback" not in message
    return message


def test_a_database_that_cannot_be_opened_is_one_clear_line(tmp_path):
    missing = tmp_path / "no-such-folder" / "responses.db"
    message = one_line_error(database_url(str(missing), tmp_path))
    assert f"the folder {missing.parent} does not exist" in message
    assert not missing.parent.exists()
    assert "is a folder" in one_line_error(database_url(str(tmp_path), tmp_path))
    assert "no database at" in one_line_error(database_url(None, tmp_path), create=False)
    assert not (tmp_path / "responses.db").exists()
    # nothing listens on port 1
    message = one_line_error(database_url("postgresql://svar:hemmeligt@127.0.0.1:1/svar", tmp_path))
    assert message.startswith("cannot use the database postgresql+psycopg://svar:***@127.0.0.1:1/svar: ")
    assert "hemmeligt" not in message


def test_a_wrong_password_is_one_line_without_the_password(postgres_url, tmp_path):
    wrong = sqlalchemy.make_url(database_url(postgres_url, tmp_path)).set(password="forkert-kodeord")
    message = one_line_error(wrong.render_as_string(hide_password=False))
    assert "password authentication failed" in message and "***" in message
    assert "forkert-kodeord" not in message


# --- `workshop-kit responses delete` --------------------------------------------------

@pytest.fixture
def kit_with_responses(make_kit, db_arg):
    """A kit (id: temadag) and a database holding save_kits()'s responses."""
    kit = make_kit(("politikerroller",))
    database = open_database(database_url(db_arg, kit))
    save_kits(database)
    yield kit, database
    database.dispose()


def test_delete_asks_first_and_deletes_nothing_when_told_no(kit_with_responses, db_arg, invoke):
    kit, database = kit_with_responses
    result = invoke("responses", "delete", kit, "--db", db_arg, input="n\n")
    assert result.code == 1
    assert "Delete every response of kit 'temadag' from " in result.stdout
    assert len(database.responses("temadag")) == 3


def test_delete_when_told_yes_deletes_every_response_of_the_kit(kit_with_responses, db_arg, invoke):
    kit, database = kit_with_responses
    result = invoke("responses", "delete", kit, "--db", db_arg, input="y\n")
    assert result.code == 0, result.output
    assert "Deleted 3 responses of kit 'temadag'." in result.stdout
    assert database.responses("temadag") == [] and len(database.responses("anden")) == 1
    assert scalar(database, "SELECT count(*) FROM answers") == 1


def test_delete_before_a_day_with_yes_asks_nothing(kit_with_responses, db_arg, invoke):
    kit, database = kit_with_responses
    result = invoke("responses", "delete", kit, "--db", db_arg, "--before", "2025-06-03", "--yes")
    assert result.code == 0, result.output
    assert "?" not in result.stdout  # no question
    assert "Deleted 2 responses of kit 'temadag' received before 2025-06-03 (UTC)." in result.stdout
    assert [s.submission for s in database.responses("temadag")] == ["a3"]


def test_delete_uses_the_database_beside_the_kit_by_default(make_kit, monkeypatch, invoke):
    kit = make_kit(("politikerroller",))
    with open_database(database_url(None, kit)) as database:
        save_kits(database)
        monkeypatch.chdir(kit)
        result = invoke("responses", "delete", "--yes")
        assert result.code == 0, result.output
        assert "Deleted 3 responses" in result.stdout
        assert database.responses("temadag") == []


def test_delete_with_a_bad_date_or_url_is_a_usage_error(make_kit, invoke):
    kit = make_kit(("politikerroller",))
    result = invoke("responses", "delete", kit, "--before", "3.6.2025", "--yes")
    assert result.code == 2 and "'3.6.2025' does not match the format '%Y-%m-%d'" in result.stderr
    result = invoke("responses", "delete", kit, "--db", "mysql://u:p@h/svar", "--yes")
    assert result.code == 2 and "'mysql://' is not a database" in result.stderr


def test_delete_from_a_database_that_cannot_be_opened_is_one_line_and_exit_1(make_kit, cli, tmp_path):
    kit = make_kit(("politikerroller",))
    missing = tmp_path / "gone" / "responses.db"
    code, _, stderr = cli("responses", "delete", kit, "--db", missing, "--yes")
    assert code == 1 and "Traceback" not in stderr
    assert stderr.strip().splitlines() == [
        f"Error: cannot open the database sqlite:///{missing}: the folder {missing.parent} does not exist"]
    code, _, stderr = cli("responses", "delete", kit, "--yes")  # no responses.db in the kit
    assert code == 1 and stderr.strip() == f"Error: no database at {kit / 'responses.db'}"
    assert not (kit / "responses.db").exists()


def test_delete_in_a_folder_that_is_no_kit_reports_it(tmp_path, cli):
    code, _, stderr = cli("responses", "delete", tmp_path, "--yes")
    assert code == 2 and "Traceback" not in stderr
    assert f"no kit.yaml in {tmp_path}; is this a workshop-kit folder?" in stderr
