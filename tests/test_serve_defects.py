"""Defects of `workshop-kit serve` and `workshop-kit report` met in use,
each reproduced against a real server on loopback (HTTP, as a phone or a
facilitator's browser talks to it) or the real command and file.

The tests are named for the numbered defects they reproduce.
"""

from __future__ import annotations

import io
import select
import socket
import sqlite3
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import httpx
import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from openpyxl import load_workbook

from kit_helpers import REPO, ask_who_answers, normalise, pdf_text, run_cli
from serve_helpers import (
    COOKIE,
    FORM_POST,
    HIGH_RATE,
    Server,
    answer,
    client,
    free_port,
    free_texts,
    inputs,
    kit_served_at,
    open_form,
    question_of,
    send,
    stored,
    thanked,
)
from workshop_kit.content.follow_up import targets
from workshop_kit.content.kit import KitContent, load_kit
from workshop_kit.store.database import database_url, open_database
from workshop_kit.store.records import Response

CARD = "/f/temadag/velfaerdstemaer/aeldre"


@dataclass
class Site:
    server: Server
    db: str
    content: KitContent
    kit: Path

    @property
    def labels(self) -> dict[str, str]:
        return self.content.labels

    @property
    def form(self):
        return self.content.kit.follow_up.form

    def url(self, path: str) -> str:
        return self.server.base + path

    def field(self, kind: str) -> str:
        """The field name of the form's first question of a kind."""
        return f"q-{question_of(self.form, kind).id}"

    def stored(self) -> list:
        return stored(self.db, self.content.kit.id)


def serve(root: Path, *options: str, base: str | None = None) -> Site:
    port = free_port()
    kit = kit_served_at(REPO, root / "kit", base or f"http://127.0.0.1:{port}")
    ask_who_answers(kit)  # age, area and contact details, as typed answers have them
    server = Server(kit, port, str(root / "responses.db"), *options).start()
    return Site(server, database_url(str(root / "responses.db"), kit), load_kit(kit), kit)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    site = serve(tmp_path_factory.mktemp("defects"), "--rate-limit", HIGH_RATE)
    yield site
    site.server.stop()


@pytest.fixture
def http():
    with client() as http:
        yield http


def fresh(tmp_path, *options, **kw) -> Site:
    """A server of the test's own (stopped by the caller)."""
    return serve(tmp_path, *options, **kw)


# --- 2. HEAD ------------------------------------------------------------------------------

def test_2_head_on_a_form_is_answered_like_get_and_spends_no_rate_limit(tmp_path, http):
    strict = fresh(tmp_path, "--rate-limit", "3/minute")
    try:
        for _ in range(5):  # a link checker or a messenger's preview looks at the page
            head = http.head(strict.url(CARD))
            assert head.status_code == 200, head.status_code
            assert head.headers["content-type"].startswith("text/html") and head.content == b""
        response = answer(http, strict.url(CARD), [(strict.field("text"), "Svar efter HEAD")])
        assert thanked(response, strict.labels), (response.status_code, response.text[:300])
        assert free_texts(strict.stored(), question_of(strict.form, "text").id) == ["Svar efter HEAD"]
    finally:
        strict.server.stop()


# --- 4. the admin link ---------------------------------------------------------------------

def test_4_the_right_admin_token_works_after_ten_wrong_ones_from_the_same_address(site, http):
    right = site.server.admin_url
    for n in range(12):
        assert http.get(site.url(f"/_admin/gaet-{n}")).status_code in (404, 429)
    assert http.get(site.url("/_admin/gaet-igen")).status_code == 429  # the guessing is stopped
    page = http.get(right)
    assert page.status_code == 200 and site.labels["admin_title"] in page.text
    export = http.get(right + "/responses.csv")
    assert export.status_code == 200 and "attachment" in export.headers["content-disposition"]


# --- 6. a cookie with other characters -------------------------------------------------------

@pytest.mark.parametrize("cookie", ["æøå-æøå-æøå-æøå-æøå", "ĀĀĀĀĀĀĀĀĀĀĀĀĀĀĀĀĀĀ", "a b;c"])
def test_6_a_valid_token_with_a_non_ascii_cookie_is_refused_with_403_and_no_traceback(site, http, cookie):
    opened = open_form(http, site.url(CARD))
    body = f"token={opened.token}&{site.field('text')}=Hej".encode()
    before = len(site.server.output)
    response = http.post(site.url(CARD), content=body, headers=[
        (b"content-type", FORM_POST.encode()), (b"cookie", f"{COOKIE}={cookie}".encode("utf-8"))])
    assert response.status_code == 403, (response.status_code, response.text[:300])
    assert site.labels["form_expired"] in response.text
    # the page sent with it works with the cookie the server sets
    new_cookie = response.cookies.get(COOKIE)
    assert new_cookie and new_cookie.isascii()
    assert "Traceback" not in site.server.output[before:] and "Error" not in site.server.output[before:]


# --- 8. query strings and a trailing slash ----------------------------------------------------

@pytest.mark.parametrize("suffix", ["?fbclid=IwAR0abc", "?utm_source=qr&utm_medium=print", "/", "/?fbclid=x"])
def test_8_a_form_address_with_a_query_string_or_trailing_slash_has_its_form(site, http, suffix):
    url = site.url(CARD + suffix)
    opened = open_form(http, url)
    assert opened.page.status_code == 200, (opened.page.status_code, opened.page.text[:200])
    action = [i for i in inputs(opened.page.text) if i.get("name") == "token"]
    assert action and opened.cookie
    text = f"Svar via {suffix}"
    response = send(http, url, [(site.field("text"), text)], token=opened.token, cookie=opened.cookie)
    assert thanked(response, site.labels), (response.status_code, response.text[:300])
    assert text in free_texts(site.stored(), question_of(site.form, "text").id)
    assert http.get(site.url("/f/temadag/velfaerdstemaer/findes-ikke?fbclid=x")).status_code == 404


# --- 1. control characters -----------------------------------------------------------------------

def exported_sheet(site: Site, http: httpx.Client):
    response = http.get(site.server.admin_url + "/responses.xlsx")
    assert response.status_code == 200, (response.status_code, response.text[:300])
    return load_workbook(io.BytesIO(response.content)).active


def save_directly(site: Site, answers, *, received_at=None, card: str = "aeldre") -> None:
    """A response written to the database as an older server stored it."""
    database = open_database(site.db, migrate=False)
    try:
        database.save(Response(uuid.uuid4().hex, site.content.kit.id, "velfaerdstemaer", card, "da",
                               tuple(answers), received_at=received_at))
    finally:
        database.dispose()


def test_1_control_characters_are_taken_out_of_an_answer_and_never_break_the_excel_export(site, http):
    qid = question_of(site.form, "text").id
    typed = "Før\x01 og\x1b[31m efter\x0b\r\nny linje\tmed tab"
    response = answer(http, site.url(CARD), [(site.field("text"), typed)])
    assert thanked(response, site.labels), (response.status_code, response.text[:300])
    kept = "Før og[31m efter\nny linje\tmed tab"
    assert kept in free_texts(site.stored(), qid)
    # a response stored before (by a server that kept them) does not break the export either
    save_directly(site, [(qid, "Gammelt\x02 svar\x1f med\x08 styretegn")])
    sheet = exported_sheet(site, http)
    header = [c.value for c in sheet[1]]
    column = header.index(question_of(site.form, "text").text)
    texts = [row[column].value for row in sheet.iter_rows(min_row=2)]
    assert kept in texts and "Gammelt svar med styretegn" in texts
    assert http.get(site.server.admin_url + "/responses.csv").status_code == 200


# --- 12. a typed Excel export ------------------------------------------------------------------

def test_12_the_excel_export_has_numbers_as_numbers_and_local_times_as_dates(tmp_path, http, monkeypatch):
    monkeypatch.setenv("TZ", "Europe/Copenhagen")
    typed = fresh(tmp_path, "--rate-limit", HIGH_RATE)
    try:
        scale = question_of(typed.form, "scale")
        text = question_of(typed.form, "text")
        # 3 March 2025 11:30 UTC is 12:30 in Copenhagen (winter time), 3 July 10:00 UTC is 12:00 (summer time)
        save_directly(typed, [(scale.id, "4"), (text.id, "Om vinteren")],
                      received_at=datetime(2025, 3, 3, 11, 30, tzinfo=timezone.utc))
        save_directly(typed, [(scale.id, "2"), (text.id, "Om sommeren")],
                      received_at=datetime(2025, 7, 3, 10, 0, tzinfo=timezone.utc))
        response = answer(http, typed.url(CARD), [(typed.field("scale"), "5"), (typed.field("text"), "Nu")])
        assert thanked(response, typed.labels)
        sheet = exported_sheet(typed, http)
        header = [c.value for c in sheet[1]]
        received = next(h for h in header if h.startswith(typed.labels["export_received"]))
        assert "Europe/Copenhagen" in received, header
        rows = {row[header.index(text.text)].value: row for row in sheet.iter_rows(min_row=2)}
        assert set(rows) == {"Om vinteren", "Om sommeren", "Nu"}
        ids = [r.id for r in typed.stored()]
        for row in rows.values():
            number = row[header.index(typed.labels["export_id"])]
            assert number.data_type == "n" and isinstance(number.value, int) and number.value in ids
            answer_cell = row[header.index(scale.text)]
            assert answer_cell.data_type == "n" and isinstance(answer_cell.value, int)
            when = row[header.index(received)]
            assert when.is_date and isinstance(when.value, datetime), (when.value, when.data_type)
        assert rows["Om vinteren"][header.index(received)].value == datetime(2025, 3, 3, 12, 30)
        assert rows["Om sommeren"][header.index(received)].value == datetime(2025, 7, 3, 12, 0)
        assert [rows[v][header.index(scale.text)].value for v in ("Om vinteren", "Om sommeren", "Nu")] == [4, 2, 5]
        assert rows["Om vinteren"][header.index(received)].number_format == "yyyy-mm-dd hh:mm:ss"
    finally:
        typed.server.stop()


# --- 3. what was typed survives a refused token and the rate limit -------------------------------

def field_values(html: str) -> dict[str, list[str]]:
    """What the page shows as filled in: text fields' values, the textarea's
    text, the ticked choices."""
    from html.parser import HTMLParser

    class Filled(HTMLParser):
        def __init__(self):
            super().__init__()
            self.values: dict[str, list[str]] = {}
            self.textarea: str | None = None

        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            if tag == "textarea":
                self.textarea = a["name"]
                self.values.setdefault(self.textarea, [""])
            elif tag == "input" and a.get("type") in ("radio", "checkbox") and "checked" in a:
                self.values.setdefault(a["name"], []).append(a["value"])
            elif tag == "input" and a.get("type") in ("text", "email", "tel") and a.get("value"):
                self.values.setdefault(a["name"], []).append(a["value"])

        def handle_data(self, data):
            if self.textarea:
                self.values[self.textarea][-1] += data

        def handle_endtag(self, tag):
            if tag == "textarea":
                self.textarea = None

    parser = Filled()
    parser.feed(html)
    return parser.values


def typed_answer(site: Site, text: str) -> list[tuple[str, str]]:
    form = site.form
    multiple = question_of(form, "multiple")
    return [(site.field("text"), text), (site.field("scale"), "4"),
            (site.field("multiple"), multiple.options[0]), (site.field("multiple"), multiple.options[-1]),
            ("b-area", "Nordby"), ("c-consent", "yes"), ("c-name", "Anna Æbelø"), ("c-email", "anna@example.org")]


def shows_what_was_typed(site: Site, page: httpx.Response, fields: list[tuple[str, str]]) -> str:
    """The page's new token, after checking that the form shows every field as sent."""
    filled = field_values(page.text)
    wanted: dict[str, list[str]] = {}
    for name, value in fields:
        wanted.setdefault(name, []).append(value)
    assert filled == wanted, (filled, wanted)
    tokens = [i["value"] for i in inputs(page.text) if i.get("name") == "token"]
    assert len(tokens) == 1 and tokens[0]
    return tokens[0]


def token_issued_hours_ago(site: Site, hours: float, cookie: str) -> str:
    """A form token as the server signed it `hours` ago, for this form and cookie."""
    database = open_database(site.db, migrate=False)
    try:
        secret = database.setting("form_secret", lambda: pytest.fail("the server has no form secret"))
    finally:
        database.dispose()

    class Then(URLSafeTimedSerializer):
        default_signer = type("Signer", (TimestampSigner,),
                              {"get_timestamp": lambda self: int(time.time() - hours * 3600)})

    return Then(secret, salt="workshop-kit form").dumps({"c": cookie, "p": CARD, "s": uuid.uuid4().hex})


def test_3_a_refused_token_shows_the_form_again_with_everything_typed_and_a_new_token(site, http):
    text = "Et langt svar, skrevet i går aftes,\nmed to linjer & <tegn>"
    fields = typed_answer(site, text)
    opened = open_form(http, site.url(CARD))
    cookies_blocked = (opened.token, None)
    left_open = (token_issued_hours_ago(site, 25, opened.cookie), opened.cookie)
    for token, cookie in (cookies_blocked, left_open):
        page = send(http, site.url(CARD), fields, token=token, cookie=cookie)
        assert page.status_code == 403 and site.labels["form_expired"] in page.text
        new_token = shows_what_was_typed(site, page, fields)
        assert new_token != opened.token
    # sent again from the page it got back, the answer is taken
    response = send(http, site.url(CARD), fields, token=new_token, cookie=page.cookies.get(COOKIE))
    assert thanked(response, site.labels), (response.status_code, response.text[:300])
    assert text in free_texts(site.stored(), question_of(site.form, "text").id)
    # (a page open for less than a day is taken as it is)
    response = send(http, site.url(CARD), fields, token=token_issued_hours_ago(site, 23, opened.cookie),
                    cookie=opened.cookie)
    assert thanked(response, site.labels), (response.status_code, response.text[:300])


def test_3_a_rate_limited_answer_shows_the_form_again_with_everything_typed(tmp_path, http):
    strict = fresh(tmp_path, "--rate-limit", "2/minute")
    try:
        for n in range(2):
            assert thanked(answer(http, strict.url(CARD), [(strict.field("text"), f"Svar {n}")]), strict.labels)
        fields = typed_answer(strict, "Det tredje svar fra samme netværk")
        page = answer(http, strict.url(CARD), fields)
        assert page.status_code == 429 and page.headers["retry-after"] == "60"
        assert strict.labels["form_too_many"] in page.text
        shows_what_was_typed(strict, page, fields)
        assert len(strict.stored()) == 2
    finally:
        strict.server.stop()


# --- 10. an empty form -------------------------------------------------------------------------

@pytest.mark.parametrize("given", [[], [("b-age", "")], [("b-area", "Nordby")]], ids=["nothing", "blank", "about-me"])
def test_10_an_empty_answer_is_refused_with_a_message_on_the_form_and_not_stored(site, http, given):
    before = len(site.stored())
    page = answer(http, site.url(CARD), given)
    assert page.status_code == 422, (page.status_code, page.text[:300])
    assert site.labels["form_error_empty"] in page.text and site.labels["form_errors"] in page.text
    assert [i for i in inputs(page.text) if i.get("name") == "token"]
    assert len(site.stored()) == before
    counts = http.get(site.server.admin_url).text
    assert site.labels["admin_total"].format(n=before) in counts


# --- 5. rate limits shared by the worker processes -------------------------------------------------

def test_5_the_rate_limit_holds_across_two_worker_processes(tmp_path):
    limit, sent = 30, 80
    workers = fresh(tmp_path, "--workers", "2", "--rate-limit", f"{limit}/minute")
    try:
        def one(n: int) -> int:
            # a new connection each time, so that both workers take answers
            with client(headers={"connection": "close"}) as http:
                opened = open_form(http, workers.url(CARD))
                assert opened.token, opened.page.status_code
                return send(http, workers.url(CARD), [(workers.field("text"), f"Svar {n}")], token=opened.token,
                            cookie=opened.cookie).status_code

        with ThreadPoolExecutor(max_workers=8) as pool:
            statuses = Counter(pool.map(one, range(sent), timeout=300))
        assert statuses[200] == limit and statuses[429] == sent - limit, statuses
        assert len(workers.stored()) == limit
    finally:
        workers.server.stop()
    # the hits are counted in the database without the address they came from
    files = list(tmp_path.glob("responses.db*"))
    assert files and not [f.name for f in files if b"127.0.0.1" in f.read_bytes()]


# --- 13. the default rate limit and a room behind one address ----------------------------------------

def test_13_a_room_of_100_behind_one_address_passes_the_default_limit_and_a_flood_is_stopped(tmp_path):
    room = fresh(tmp_path)  # the default rate limit
    people, forms_each, flood = 100, 3, 400
    cards = [t.url.replace(room.server.base, "") for t in targets(room.content)][:forms_each]

    def person(n: int) -> list[bool]:
        with client() as http:
            return [thanked(answer(http, room.url(card), [(room.field("text"), f"Person {n} om {card}")]),
                            room.labels) for card in cards]

    try:
        with ThreadPoolExecutor(max_workers=10) as pool:
            outcomes = [ok for answers in pool.map(person, range(people), timeout=600) for ok in answers]
        assert len(outcomes) == people * forms_each and all(outcomes), Counter(outcomes)
        # then a script posts as fast as it can
        with client() as http:
            statuses = [send(http, room.url(CARD), [(room.field("text"), "spam")], token=None,
                             cookie=None).status_code for _ in range(flood)]
        assert set(statuses) <= {403, 429} and statuses[-1] == 429, Counter(statuses)
        assert statuses.count(429) > flood / 4, Counter(statuses)
        assert len(room.stored()) == people * forms_each
    finally:
        room.server.stop()


# --- 9. slow clients and the health check ---------------------------------------------------------------

def trickle(site: Site, start: bytes, limit: float) -> tuple[float, bytes]:
    """Send `start`, then one byte a second, as a slow client does: how long
    until the server answered or closed the connection, and what it sent."""
    with socket.create_connection(("127.0.0.1", site.server.port), timeout=5) as sock:
        began = time.monotonic()
        sock.sendall(start)
        got = b""
        while time.monotonic() - began < limit:
            try:
                sock.sendall(b"x")
            except OSError:  # closed by the server
                break
            ready, _, _ = select.select([sock], [], [], 1)
            if ready:
                try:
                    chunk = sock.recv(4096)
                except OSError:
                    break
                if not chunk:
                    break
                got += chunk
        return time.monotonic() - began, got


def test_9_a_client_sending_a_byte_a_second_is_cut_off(site, http):
    from workshop_kit.serve.protocol import REQUEST_TIMEOUT

    opened = open_form(http, site.url(CARD))
    head = b"GET /_health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "
    body = (f"POST {CARD} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {FORM_POST}\r\nContent-Length: 10000\r\n"
            f"Cookie: {COOKIE}={opened.cookie}\r\n\r\ntoken={opened.token}&{site.field('text')}=").encode()
    limit = 2 * REQUEST_TIMEOUT + 10
    with ThreadPoolExecutor(max_workers=2) as pool:
        (head_took, head_got), (body_took, body_got) = pool.map(lambda start: trickle(site, start, limit),
                                                               (head, body))
    assert head_took < limit and body_took < limit, (head_took, body_took)
    assert head_got.startswith(b"HTTP/1.1 408"), head_got[:100]
    assert b"Traceback" not in body_got and "Traceback" not in site.server.output
    assert http.get(site.url("/_health")).status_code == 200  # the server goes on


def refuse_writes(db_url: str, refuse: bool) -> None:
    """Make the database refuse every write to its tables (as a full disk
    does), or take them again."""
    path = db_url.split("///", 1)[1]
    with sqlite3.connect(path) as connection:
        for table in ("settings", "responses", "rate_hits"):
            for event in ("INSERT", "UPDATE"):
                name = f"full_{table}_{event.lower()}"
                connection.execute(f"DROP TRIGGER IF EXISTS {name}")
                if refuse:
                    connection.execute(f"CREATE TRIGGER {name} BEFORE {event} ON {table} "
                                       "BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END")


def test_9_the_health_check_says_503_while_the_database_refuses_writes(tmp_path, http):
    sick = fresh(tmp_path, "--rate-limit", HIGH_RATE)
    try:
        assert http.get(sick.url("/_health")).status_code == 200
        refuse_writes(sick.db, True)
        health = http.get(sick.url("/_health"))
        assert health.status_code == 503, (health.status_code, health.text)
        response = answer(http, sick.url(CARD), [(sick.field("text"), "Kan ikke gemmes")])
        assert response.status_code == 503 and sick.labels["form_not_stored"] in response.text
        refuse_writes(sick.db, False)
        assert http.get(sick.url("/_health")).status_code == 200
        assert thanked(answer(http, sick.url(CARD), [(sick.field("text"), "Gemt igen")]), sick.labels)
    finally:
        sick.server.stop()


# --- 11. the admin link with the placeholder base URL ------------------------------------------------------

def test_11_with_the_placeholder_base_url_the_admin_link_leads_to_this_server_not_example_org(tmp_path, http):
    placeholder = fresh(tmp_path, base="https://example.org")
    try:
        link = placeholder.server.admin_url
        assert link.startswith(f"http://127.0.0.1:{placeholder.server.port}/_admin/"), link
        assert "example.org" not in link
        page = http.get(link)
        assert page.status_code == 200 and placeholder.labels["admin_title"] in page.text
        assert "placeholder" in placeholder.server.output  # the warning about the QR codes stays
    finally:
        placeholder.server.stop()


# --- 7. areas as participants wrote them, in the report's table headers ------------------------------------

def test_7_the_report_prints_areas_in_the_by_area_headers_as_written_and_emoji_as_a_mark(make_kit, tmp_path):
    kit = make_kit()
    ask_who_answers(kit)  # the area written freely
    content = load_kit(kit)
    db_file = tmp_path / "responses.db"
    database = open_database(database_url(str(db_file), kit))
    scale = question_of(content.kit.follow_up.form, "scale").id
    areas = ["**Nord**", "Syd 🌲", "<b>Øst</b> & *Vest*"]
    try:
        for n, area in enumerate(areas * 2):
            database.save(Response(uuid.uuid4().hex, content.kit.id, "velfaerdstemaer", "aeldre", "da",
                                   ((scale, str(n % 5 + 1)), ("background.area", area))))
    finally:
        database.dispose()
    out = tmp_path / "report.pdf"
    run = run_cli("report", str(kit), "--db", str(db_file), "-o", str(out))
    assert run.code == 0, run.output
    assert "Traceback" not in run.stderr
    text = normalise(pdf_text(out))
    labels = content.labels
    by_area = text[text.rindex(labels["report_by_area"]):text.rindex(labels["report_cards"])]
    assert "**Nord**" in by_area, by_area[:400]
    assert "<b>Øst</b> & *Vest*" in by_area, by_area[:400]
    assert "Syd [?]" in by_area and "🌲" not in by_area, by_area[:400]
