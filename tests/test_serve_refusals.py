"""What a server answers to what no honest form page sends, or to a
stranger at the admin view: a clear refusal with the right status, the
security headers, and nothing stored.

After every test of this module the database is checked to be empty.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from kit_helpers import REPO, ask_who_answers
from serve_helpers import (
    COOKIE,
    HIGH_RATE,
    Server,
    answer,
    client,
    free_port,
    inputs,
    kit_served_at,
    open_form,
    question_of,
    send,
    stored,
)
from workshop_kit.content.kit import KitContent, load_kit
from workshop_kit.store.database import database_url

CARD = "/f/temadag/velfaerdstemaer/aeldre"
OTHER_CARD = "/f/temadag/dilemmaer/frivillige-i-sfo"
MAX_BODY = 64 * 1024


@dataclass
class Site:
    server: Server
    db: str
    content: KitContent

    @property
    def labels(self) -> dict[str, str]:
        return self.content.labels

    def url(self, path: str) -> str:
        return self.server.base + path


def serve(root: Path, *options: str) -> Site:
    port = free_port()
    kit = kit_served_at(REPO, root / "kit", f"http://127.0.0.1:{port}")
    ask_who_answers(kit)  # area and contact details, to send too much of
    server = Server(kit, port, str(root / "responses.db"), *options).start()
    return Site(server, database_url(str(root / "responses.db"), kit), load_kit(kit))


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    site = serve(tmp_path_factory.mktemp("refusals"), "--rate-limit", HIGH_RATE)
    yield site
    site.server.stop()


@pytest.fixture(scope="module")
def strict(tmp_path_factory):
    """A server that takes three answers a minute from one address."""
    site = serve(tmp_path_factory.mktemp("strict"), "--rate-limit", "3/minute")
    yield site
    site.server.stop()


@pytest.fixture(autouse=True)
def nothing_stored(request):
    """Every test here ends with an empty database."""
    yield
    for name in ("site", "strict"):
        if name in request.fixturenames:
            served = request.getfixturevalue(name)
            assert stored(served.db, served.content.kit.id) == [], f"{name}: something was stored"


@pytest.fixture
def http():
    with client() as http:
        yield http


def text_field(site: Site) -> str:
    return f"q-{question_of(site.content.kit.follow_up.form, 'text').id}"


def refused_with(response, status: int, message: str) -> None:
    assert response.status_code == status, (response.status_code, response.text[:300])
    assert response.headers["content-type"].startswith("text/html")
    assert message in response.text, response.text[:1000]
    assert "Traceback" not in response.text


def shows_the_form_again(response) -> None:
    tokens = [i for i in inputs(response.text) if i.get("name") == "token"]
    assert len(tokens) == 1 and tokens[0]["value"]


# --- the answers ---------------------------------------------------------------------------

@pytest.mark.parametrize("field, longest", [("text", 1500), ("b-area", 100), ("c-name", 200)])
def test_an_over_long_answer_is_refused_with_the_limit_and_the_form_comes_back(site, http, field, longest):
    name = text_field(site) if field == "text" else field
    too_long = "<script>x</script>" + "æ" * longest
    fields = [(name, too_long)] + ([("c-consent", "yes")] if name.startswith("c-") else [])
    response = answer(http, site.url(CARD), fields)
    refused_with(response, 422, site.labels["form_error_too_long"].format(max=longest))
    assert site.labels["form_errors"] in response.text
    shows_the_form_again(response)
    assert "<script>x" not in response.text and "&lt;script&gt;x" in response.text  # shown again, escaped


def test_an_unknown_card_has_no_form(site, http):
    for path in ("/f/temadag/velfaerdstemaer/findes-ikke", "/f/andet-kit/velfaerdstemaer/aeldre", "/"):
        refused_with(http.get(site.url(path)), 404, site.labels["form_not_found"])
    opened = open_form(http, site.url(CARD))
    response = send(http, site.url("/f/temadag/velfaerdstemaer/findes-ikke"), [(text_field(site), "Hej")],
                    token=opened.token, cookie=opened.cookie)
    refused_with(response, 404, site.labels["form_not_found"])


def test_an_answer_without_a_token_or_with_a_wrong_one_is_refused_and_the_form_fetched_again(site, http):
    opened = open_form(http, site.url(CARD))
    other = open_form(http, site.url(OTHER_CARD))
    assert opened.token and other.token and opened.cookie != other.cookie
    tampered = opened.token[:-3] + ("AAA" if not opened.token.endswith("AAA") else "BBB")
    cases = {
        "no token": dict(token=None, cookie=opened.cookie),
        "empty token": dict(token="", cookie=opened.cookie),
        "tampered token": dict(token=tampered, cookie=opened.cookie),
        "another card's token": dict(token=other.token, cookie=other.cookie),
        "no cookie": dict(token=opened.token, cookie=None),
        "another page's cookie": dict(token=opened.token, cookie=other.cookie),
    }
    for case, given in cases.items():
        response = send(http, site.url(CARD), [(text_field(site), f"Svar med {case}")], **given)
        assert response.status_code == 403, case
        refused_with(response, 403, site.labels["form_expired"])
        shows_the_form_again(response)
    # the token sent twice in one answer is no token either
    response = http.post(site.url(CARD), content=f"token={opened.token}&token={opened.token}",
                         headers={"content-type": "application/x-www-form-urlencoded",
                                  "cookie": f"{COOKIE}={opened.cookie}"})
    refused_with(response, 403, site.labels["form_expired"])


def test_an_unknown_field_is_refused(site, http):
    response = answer(http, site.url(CARD), [(text_field(site), "Hej"), ("q-findes-ikke", "1")])
    refused_with(response, 400, site.labels["form_refused"])


@pytest.mark.parametrize("content_type", ["multipart/form-data; boundary=x", "application/json", "text/plain", ""])
def test_an_answer_that_is_not_a_form_post_is_refused(site, http, content_type):
    opened = open_form(http, site.url(CARD))
    response = send(http, site.url(CARD), [(text_field(site), "Hej")], token=opened.token, cookie=opened.cookie,
                    content_type=content_type)
    refused_with(response, 415, site.labels["form_refused"])


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_a_body_over_64_kib_is_refused(site, http, chunked):
    opened = open_form(http, site.url(CARD))
    body = f"token={opened.token}&{text_field(site)}=".encode() + b"a" * MAX_BODY
    headers = {"content-type": "application/x-www-form-urlencoded", "cookie": f"{COOKIE}={opened.cookie}"}
    content = iter([body[i:i + 4096] for i in range(0, len(body), 4096)]) if chunked else body
    response = http.post(site.url(CARD), content=content, headers=headers)
    if chunked:
        assert "content-length" not in response.request.headers
    refused_with(response, 413, site.labels["form_error_too_long"].format(max=MAX_BODY))


# --- the admin view ------------------------------------------------------------------------

def test_a_wrong_admin_token_gets_the_answer_of_an_unknown_address(site, http):
    right = site.server.admin_url
    token = right.rsplit("/", 1)[1]
    nowhere = http.get(site.url("/f/temadag/velfaerdstemaer/findes-ikke"))
    for wrong in (token[:-1], token + "x"):  # six misses: fewer than the ten that shut an address out
        for path in (f"/_admin/{wrong}", f"/_admin/{wrong}/responses.csv", f"/_admin/{wrong}/responses.xlsx"):
            response = http.get(site.url(path))
            refused_with(response, 404, site.labels["form_not_found"])
            assert response.text == nowhere.text, path  # nothing tells it apart from any unknown address
            assert "content-disposition" not in response.headers
    assert http.get(right).status_code == 200


def test_guessing_admin_tokens_is_stopped_after_ten_misses_a_minute_but_the_right_one_works(strict, http):
    right = strict.server.admin_url
    assert http.get(right).status_code == 200
    for n in range(10):
        refused_with(http.get(strict.url(f"/_admin/gaet-{n}")), 404, strict.labels["form_not_found"])
    refused_with(http.get(strict.url("/_admin/gaet-10")), 429, strict.labels["form_too_many"])
    refused_with(http.get(strict.url("/_admin/gaet-11")), 429, strict.labels["form_too_many"])
    assert http.get(right).status_code == 200  # the right token still works from this address
    assert http.get(right + "/responses.csv").status_code == 200


# --- how often --------------------------------------------------------------------------------

def test_answers_from_one_address_are_limited(strict, http):
    """Three answers a minute: the fourth is refused, even a valid one; the
    form itself can still be fetched."""
    for _ in range(3):
        refused_with(send(http, strict.url(CARD), [], token=None, cookie=None), 403, strict.labels["form_expired"])
    opened = open_form(http, strict.url(CARD))
    assert opened.page.status_code == 200
    response = send(http, strict.url(CARD), [(text_field(strict), "Hej")], token=opened.token, cookie=opened.cookie)
    refused_with(response, 429, strict.labels["form_too_many"])
    assert response.headers["retry-after"] == "60"


# --- headers -----------------------------------------------------------------------------------

def test_every_answer_has_the_security_headers_and_the_cookie_is_guarded(site, http):
    opened = open_form(http, site.url(CARD))
    answers = {
        "form": opened.page,
        "unknown": http.get(site.url("/f/temadag/x/y")),
        "refused": send(http, site.url(CARD), [], token=None, cookie=opened.cookie),
        "not a form": send(http, site.url(CARD), [], token=opened.token, cookie=opened.cookie,
                           content_type="application/json"),
        "admin": http.get(site.server.admin_url),
        "stranger at admin": http.get(site.url("/_admin/nej")),
        "export": http.get(site.server.admin_url + "/responses.csv"),
        "health": http.get(site.url("/_health")),
    }
    for name, response in answers.items():
        headers = response.headers
        policy = dict(part.strip().split(" ", 1) for part in headers["content-security-policy"].split(";"))
        assert policy["default-src"] == "'none'", name
        assert "script-src" not in policy and "unsafe" not in headers["content-security-policy"], name
        assert policy["frame-ancestors"] == "'none'" and policy["form-action"] == "'self'", name
        assert all(re.fullmatch(r"'sha256-[A-Za-z0-9+/]+=*'", s) for s in policy["style-src"].split()), name
        assert headers["x-frame-options"] == "DENY", name
        assert headers["x-content-type-options"] == "nosniff", name
        assert headers["referrer-policy"] == "no-referrer", name
        assert headers["cache-control"] == "no-store", name
        assert "server" not in headers, name
    cookie = opened.page.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "path=/" in cookie

