"""The live screen for the projector, against a real `workshop-kit serve`
in its own process, opened in headless Chromium as a facilitator opens
it on the laptop at the projector, while answers come in by HTTP POST as
phones send them (each with the token and cookie of its own form page).

What the screen must say is worked out from the kit's YAML and the labels
files; the report is read back from the PDF `workshop-kit report` writes.
"""

from __future__ import annotations

import io
import re
import threading
from dataclasses import dataclass
from pathlib import Path

import httpx
import pypdf
import pytest

from kit_helpers import REPO, ask_who_answers, load_yaml, normalise, run_cli
from serve_helpers import HIGH_RATE, Server, answer, client, free_port, kit_served_at, send, thanked
from workshop_kit.content.follow_up import targets
from workshop_kit.content.kit import load_kit
from workshop_kit.store.database import database_url

LIVE_LINE = re.compile(r"^Live screen for the projector: (\S+)$", re.MULTILINE)
DA = load_yaml(REPO / "src" / "workshop_kit" / "data" / "labels" / "da.yaml")
SCREEN = {"width": 1920, "height": 1080}
SOON = 2000  # ms: how soon an answer must be on the screen
EVENT_STREAM = {"accept": "text/event-stream"}


@dataclass
class Site:
    kit: Path
    server: Server
    db: str
    targets: list

    @property
    def live_url(self) -> str:
        found = LIVE_LINE.findall("".join(self.server.stdout))
        assert found, f"serve printed no live screen link:\n{self.server.output}"
        return found[-1]

    @property
    def admin_url(self) -> str:
        return self.server.admin_url

    def target(self, deck: str, index: int = 0):
        return [t for t in self.targets if t.deck == deck][index]


@pytest.fixture
def site(tmp_path):
    """The shipped (Danish) kit, its form asking age, area and contact
    details, served on a free port with a database of its own."""
    port = free_port()
    kit = kit_served_at(REPO, tmp_path / "kit", f"http://127.0.0.1:{port}")
    ask_who_answers(kit)
    db_file = tmp_path / "responses.db"
    server = Server(kit, port, str(db_file), "--rate-limit", HIGH_RATE).start()
    yield Site(kit, server, database_url(str(db_file), kit), targets(load_kit(kit)))
    server.stop()


@pytest.fixture
def screen(browser):
    """screen(url) -> the page of a new browser context at a projector's size;
    page.console holds what the browser logs, page.navigations every page load."""
    contexts = []

    def open_(url: str):
        contexts.append(browser.new_context(viewport=SCREEN))
        page = contexts[-1].new_page()
        page.console, page.navigations = [], []
        page.on("console", lambda message: page.console.append(f"{message.type}: {message.text}"))
        page.on("pageerror", lambda error: page.console.append(f"pageerror: {error}"))
        page.on("framenavigated",
                lambda frame: page.navigations.append(frame.url) if frame == page.main_frame else None)
        response = page.goto(url, wait_until="load")
        assert response.status == 200, response.status
        return page

    yield open_
    for context in contexts:
        context.close()


def question(target, kind: str):
    return next(q for q in target.form.questions if q.type == kind)


def post(site: Site, target, fields: list[tuple[str, str]]) -> None:
    """Send an answer as a phone does: fetch the form, post it with its token and cookie."""
    with client() as http:
        response = answer(http, target.url, fields)
    assert thanked(response, load_kit(site.kit).labels), response.text[:500]


def card_count(page, title: str):
    return page.locator(f'#board li[data-card="{title}"] .n')


def expect():
    from playwright.sync_api import expect as playwright_expect
    return playwright_expect


# --- an answer on the screen ---------------------------------------------------------

def test_an_answer_appears_on_the_screen_within_two_seconds_without_a_reload(site, screen):
    page = screen(site.live_url)
    target = site.target("dilemmaer", 2)
    assert card_count(page, target.title).count() == 0
    page.evaluate("document.documentElement.dataset.mark = 'the page as opened'")
    expect()(page.locator("#board .total")).to_have_text(DA["live_total"].format(n=0))

    post(site, target, [(f"q-{question(target, 'scale').id}", "4")])

    expect()(card_count(page, target.title)).to_have_text("1", timeout=SOON)
    expect()(page.locator("#board .total")).to_have_text(DA["live_total"].format(n=1), timeout=SOON)
    deck = page.locator("#board .deck", has=page.locator(f'li[data-card="{target.title}"]'))
    expect()(deck.locator("h3")).to_have_text(f"{target.group} 1")
    # The same page, changed in place: no reload, no second navigation.
    assert page.evaluate("document.documentElement.dataset.mark") == "the page as opened"
    assert page.navigations == [site.live_url]

    second = site.target("velfaerdstemaer", 4)
    post(site, second, [(f"q-{question(second, 'scale').id}", "2")])
    expect()(card_count(page, second.title)).to_have_text("1", timeout=SOON)
    expect()(page.locator("#board .total")).to_have_text(DA["live_total"].format(n=2))
    assert not [line for line in page.console if "error" in line.lower()], page.console
    assert "Traceback" not in site.server.output and "ERROR" not in site.server.output, site.server.output


def test_the_policy_forbids_inline_script_and_the_page_works_under_it(site, screen):
    live = httpx.get(site.live_url)
    policy = {part.split()[0]: part.split()[1:] for part in live.headers["content-security-policy"].split("; ")}
    assert policy["default-src"] == ["'none'"]
    assert policy["script-src"] == ["'self'"] and policy["connect-src"] == ["'self'"]
    assert not [v for values in policy.values() for v in values if "unsafe" in v], policy
    script = re.findall(r"<script\b[^>]*>(.*?)</script>", live.text, re.S)
    assert script == [""], "one script, a file of the server, and nothing inside a script element"
    src = re.search(r'<script src="([^"]+)"', live.text).group(1)
    assert src.startswith("/")
    assert httpx.get(site.server.base + src).headers["content-type"].startswith("text/javascript")
    assert " style=" not in live.text

    page = screen(site.live_url)
    target = site.target("dialogformater", 1)
    post(site, target, [(f"q-{question(target, 'single').id}", question(target, "single").options[0])])
    expect()(card_count(page, target.title)).to_have_text("1", timeout=SOON)
    assert not [line for line in page.console if "Content Security Policy" in line or "error" in line], page.console

    # The policy is enforced: a script put into the page does not run.
    try:
        page.add_script_tag(content="document.documentElement.dataset.inline = 'ran'")
    except Exception:
        pass
    assert page.evaluate("document.documentElement.dataset.inline") is None
    assert any("Content Security Policy" in line for line in page.console), page.console


# --- free text only once the facilitator shows it ---------------------------------------------

def test_free_text_appears_only_after_the_facilitator_approves_it(site, screen):
    live = screen(site.live_url)
    target = site.target("politikerroller", 1)
    text_q = question(target, "text")
    written = "Mere tid til dialog med borgerne <b>før</b> beslutningen"
    secret_name, secret_email = "Ulla Hemmelig", "ulla.hemmelig@example.org"
    post(site, target, [(f"q-{text_q.id}", written), ("c-consent", "yes"), ("c-name", secret_name),
                        ("c-email", secret_email)])
    expect()(card_count(live, target.title)).to_have_text("1", timeout=SOON)  # the screen has the answer now
    assert written not in live.locator("#board").inner_text()
    assert live.locator("#board blockquote").count() == 0

    admin = live.context.new_page()
    admin.goto(site.admin_url)
    item = admin.locator("form.text-answer", has_text=written)
    expect()(item).to_have_count(1)
    expect()(item.locator(".state")).to_have_text(DA["admin_hidden"])
    item.get_by_role("button", name=DA["admin_show"]).click()
    admin.wait_for_load_state()
    expect()(admin.locator("form.text-answer", has_text=written).locator(".state")).to_have_text(DA["admin_shown"])

    quote = live.locator("#board blockquote", has_text=written)
    expect()(quote).to_have_count(1, timeout=SOON)
    expect()(quote.locator("p")).to_have_text(written)            # as written: the markup is text
    expect()(quote.locator("footer")).to_have_text(target.title)
    shown = live.locator("#board").inner_text()
    assert secret_name not in shown and secret_email not in shown
    assert secret_name not in live.content() and secret_email not in live.content()

    admin.locator("form.text-answer", has_text=written).get_by_role("button", name=DA["admin_hide"]).click()
    admin.wait_for_load_state()
    expect()(live.locator("#board blockquote")).to_have_count(0, timeout=SOON)
    assert live.navigations == [site.live_url]


def test_approving_needs_the_admin_token_and_the_admin_pages_token(site):
    target = site.target("politikerroller", 2)
    post(site, target, [(f"q-{question(target, 'text').id}", "Et svar")])
    with client() as http:
        page = http.get(site.admin_url)
        action = re.search(r'<form class="text-answer" method="post" action="([^"]+)"', page.text).group(1)
        answer_id = re.search(r'name="answer" value="(\d+)"', page.text).group(1)
        cookie = page.cookies.get("wk_form")
        token = re.search(r'name="token" value="([^"]+)"', page.text).group(1)
        fields = [("answer", answer_id), ("show", "1")]
        live_token = site.live_url.rsplit("/", 1)[1]
        admin_token = site.admin_url.rsplit("/", 1)[1]
        # Without the page's token (a request from another site), or with the live screen's token: refused.
        assert send(http, site.server.base + action, fields, token=None, cookie=cookie).status_code == 403
        assert send(http, site.server.base + action, fields, token=token, cookie=None).status_code == 403
        wrong = action.replace(admin_token, live_token)
        assert send(http, site.server.base + wrong, fields, token=token, cookie=cookie).status_code == 404
        assert "Et svar" not in httpx.get(site.live_url).text
        done = send(http, site.server.base + action, fields, token=token, cookie=cookie)
        assert done.status_code == 303 and done.headers["location"].startswith(action.rsplit("/", 1)[0])
    assert "Et svar" in httpx.get(site.live_url).text


# --- tokens -----------------------------------------------------------------------------

def test_the_live_screen_has_a_token_of_its_own(site):
    base = site.server.base
    live_token = site.live_url.rsplit("/", 1)[1]
    admin_token = site.admin_url.rsplit("/", 1)[1]
    assert site.live_url.startswith(base + "/_live/") and live_token != admin_token
    assert httpx.get(site.live_url).status_code == 200
    assert httpx.get(site.admin_url).status_code == 200
    assert httpx.head(site.live_url + "/stream", timeout=10).status_code == 200  # headers only, at once
    for url in (f"{base}/_live/{admin_token}", f"{base}/_live/{live_token}x", f"{base}/_live/",
                f"{base}/_live/{admin_token}/stream", f"{base}/_admin/{live_token}",
                f"{base}/_admin/{live_token}/responses.csv"):
        refused = httpx.get(url, headers=EVENT_STREAM, timeout=10)
        assert refused.status_code in (403, 404), url
        assert DA["live_title"] not in refused.text and "text/event-stream" not in refused.headers["content-type"]
    # The admin page links to the live screen; the live screen never to the admin page.
    assert f"/_live/{live_token}" in httpx.get(site.admin_url).text
    assert admin_token not in httpx.get(site.live_url).text


# --- privacy -----------------------------------------------------------------------------------

def test_groups_of_fewer_than_five_say_so_on_the_screen_and_in_the_report(site, screen, tmp_path):
    fewer = DA["fewer_than"].format(n=5)
    page = screen(site.live_url)
    target = site.target("velfaerdstemaer", 2)
    scale = question(target, "scale")
    chart = page.locator("#board figure.chart", has_text=scale.text)
    for n, (value, age) in enumerate([("4", "18-29")] * 4, start=1):
        post(site, target, [(f"q-{scale.id}", value), ("b-age", age)])
        expect()(card_count(page, target.title)).to_have_text(str(n), timeout=SOON)
        expect()(chart.locator(".answered")).to_have_text(fewer)
        assert chart.locator("table").count() == 0 and chart.locator(".bar").count() == 0

    post(site, target, [(f"q-{scale.id}", "2"), ("b-age", "18-29")])
    post(site, target, [(f"q-{scale.id}", "5"), ("b-age", "65+")])
    expect()(chart.locator(".answered")).to_have_text(DA["live_answered"].format(n=6), timeout=SOON)
    rows = chart.locator("tr")
    expect()(rows).to_have_count(5)                                   # the scale 1 to 5
    assert [rows.nth(n).locator("td.n").inner_text() for n in range(5)] == \
        ["0 · 0 %", "1 · 17 %", "0 · 0 %", "4 · 67 %", "1 · 17 %"]
    assert fewer not in page.locator("#board .charts").inner_text()

    out = tmp_path / "report.pdf"
    run = run_cli("report", str(site.kit), "--db", site.db, "-o", str(out))
    assert run.code == 0, run.output
    text = normalise(" ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(out.read_bytes())).pages))
    by_age = text[text.rindex(DA["report_by_age"]):]
    assert DA["report_privacy"].format(n=5) in by_age
    # The deck's responses by age band: all 6, five aged 18-29, and one aged 65+ only as "fewer than 5".
    assert f"{target.group} 6 0 5 0 0 {fewer}" in by_age, by_age[:800]
    # The mean of the five aged 18-29 is shown, that of the one aged 65+ is not.
    assert f"{target.title} 3,8 (6) – 3,6 (5) – – {fewer}" in by_age, by_age[:1500]


# --- the stream ------------------------------------------------------------------------------

def test_the_stream_ends_cleanly_when_the_screen_leaves_and_when_the_server_stops(site):
    stream_url = site.live_url + "/stream"
    with httpx.Client(timeout=10) as http:
        for _ in range(3):  # a screen that opens the stream and leaves at once, thrice
            with http.stream("GET", stream_url, headers=EVENT_STREAM) as events:
                assert events.status_code == 200
                assert events.headers["content-type"].startswith("text/event-stream")
                lines = events.iter_lines()
                first = [next(lines) for _ in range(3)]
                assert first[0].startswith("retry:") and first[2].startswith("data: ")
    target = site.target("dilemmaer", 0)
    post(site, target, [(f"q-{question(target, 'scale').id}", "3")])
    assert 'data-total="1"' in httpx.get(site.live_url).text

    # A screen still open while the server stops: the server ends the stream and stops.
    received: list[str] = []
    opened = threading.Event()

    def watch() -> None:
        try:
            with httpx.stream("GET", stream_url, headers=EVENT_STREAM, timeout=60) as events:
                for line in events.iter_lines():
                    received.append(line)
                    opened.set()
        except httpx.HTTPError as error:
            received.append(f"ended: {type(error).__name__}")

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    assert opened.wait(10)
    site.server.stop()
    watcher.join(10)
    assert not watcher.is_alive()
    log = site.server.output
    assert "Traceback" not in log and "ERROR" not in log and "timeout graceful shutdown" not in log, log
    assert "ASGI callable returned without" not in log and "Exception" not in log, log
