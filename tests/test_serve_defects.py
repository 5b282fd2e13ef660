"""Defects of `workshop-kit serve` and `workshop-kit report` met in use,
each reproduced against a real server on loopback (HTTP, as a phone or a
facilitator's browser talks to it) or the real command and file.

The tests are named for the numbered defects they reproduce.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from kit_helpers import REPO
from serve_helpers import (
    COOKIE, FORM_POST, HIGH_RATE, Server, answer, client, free_port, free_texts, inputs, kit_served_at, open_form,
    question_of, send, stored, thanked,
)
from workshop_kit.content.kit import KitContent, load_kit
from workshop_kit.store.database import database_url

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
