"""A real `workshop-kit serve` for the tests of the follow-up forms: a kit
whose QR codes lead to a free port on loopback, the server in a process of
its own on that port (stopped by a signal, as a terminal or a service
manager stops it), and the two requests a phone makes: fetch a form, send
the answer.

Everything is read back as a participant or a facilitator meets it: the
HTML of the pages, the headers, the admin link serve prints, the files the
admin view exports, and the rows in the database.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from html.parser import HTMLParser
from http.cookiejar import CookieJar, DefaultCookiePolicy
from pathlib import Path
from urllib.parse import urlencode

import httpx

from kit_helpers import BASE_URL_LINE, replace_once

COOKIE = "wk_form"          # the browser's half of a form token
TOKEN_FIELD = "token"       # the hidden field with the page's half
FORM_POST = "application/x-www-form-urlencoded"
ADMIN_LINE = re.compile(r"^Facilitator view, keep it private: (\S+)$", re.MULTILINE)
KIT_PARTS = ("kit.yaml", "guide.yaml", "decks", "boards", "templates")
HIGH_RATE = "100000/minute"  # for the tests that send many answers from one address


def free_port() -> int:
    """A TCP port on loopback that nothing listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def kit_served_at(source: Path, dest: Path, base: str) -> Path:
    """A copy of the kit at `source` (kit.yaml, guide, decks, boards,
    templates) whose follow_up.base_url is `base`, so that its QR codes
    lead to the test's server."""
    dest.mkdir(parents=True)
    for part in KIT_PARTS:
        if (source / part).is_dir():
            shutil.copytree(source / part, dest / part)
        elif (source / part).is_file():
            shutil.copy2(source / part, dest / part)
    replace_once(dest / "kit.yaml", BASE_URL_LINE, f"base_url: {base}")
    return dest


class Server:
    """`workshop-kit serve KIT --port PORT --db DB OPTIONS` in a new process
    group. start() returns once /_health answers; stop() sends a signal and
    waits. It can be started again on the same port and database."""

    def __init__(self, kit: Path, port: int, db: str, *options: str):
        self.kit, self.port, self.db, self.options = kit, port, db, options
        self.base = f"http://127.0.0.1:{port}"
        self.process: subprocess.Popen | None = None
        self.stdout: list[str] = []
        self.stderr: list[str] = []
        self._readers: list[threading.Thread] = []

    @property
    def output(self) -> str:
        return "".join(self.stdout) + "".join(self.stderr)

    @property
    def admin_url(self) -> str:
        """The facilitator's link, as serve printed it on stdout."""
        found = ADMIN_LINE.findall("".join(self.stdout))
        assert found, f"serve printed no admin link:\n{self.output}"
        return found[-1]

    def start(self, timeout: float = 60) -> Server:
        assert self.process is None or self.process.poll() is not None, "already running"
        self.stdout.clear()
        self.stderr.clear()
        env = dict(os.environ, NO_COLOR="1", PYTHONIOENCODING="utf-8")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "workshop_kit", "serve", str(self.kit), "--host", "127.0.0.1",
             "--port", str(self.port), "--db", self.db, *self.options],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True,
            encoding="utf-8", env=env, start_new_session=True)
        self._readers = [threading.Thread(target=_drain, args=(stream, lines), daemon=True)
                         for stream, lines in ((self.process.stdout, self.stdout),
                                               (self.process.stderr, self.stderr))]
        for reader in self._readers:
            reader.start()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self._join()
                raise AssertionError(f"serve ended with status {self.process.returncode}:\n{self.output}")
            try:
                health = httpx.get(self.base + "/_health", timeout=2)
                if health.status_code == 200 and health.text == "ok" and ADMIN_LINE.search("".join(self.stdout)):
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        self.stop(signal.SIGKILL)
        raise AssertionError(f"serve did not answer /_health within {timeout} s:\n{self.output}")

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 30) -> int | None:
        """Send `sig` to the server process and wait for it to end; the exit
        status (None when it was not running). What is left of its process
        group afterwards (the workers of a killed parent) is killed too."""
        process = self.process
        if process is None:
            return None
        if process.poll() is None:
            process.send_signal(sig)
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                self._kill_group()
                process.wait(timeout)
        self._kill_group()
        self._join()
        return process.returncode

    def _kill_group(self) -> None:
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass

    def _join(self) -> None:
        for reader in self._readers:
            reader.join(10)

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def _drain(stream, lines: list[str]) -> None:
    for line in stream:
        lines.append(line)


# --- what a phone sends -----------------------------------------------------------

class _Inputs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.inputs: list[dict[str, str | None]] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("input", "textarea", "select"):
            self.inputs.append({"tag": tag, **dict(attrs)})


def inputs(html: str) -> list[dict[str, str | None]]:
    """The attributes of every input, textarea and select of a page."""
    parser = _Inputs()
    parser.feed(html)
    return parser.inputs


def field_values(html: str) -> dict[str, list[str]]:
    """A page's field names, with the values of each (the choices of a question)."""
    out: dict[str, list[str]] = {}
    for field in inputs(html):
        if field.get("name"):
            out.setdefault(field["name"], []).append(field.get("value") or "")
    return out


class _TextsIn(HTMLParser):
    """The texts of the elements that `wanted(tag, attrs)` picks, spaces made single."""

    def __init__(self, wanted):
        super().__init__()
        self.wanted = wanted
        self.texts: list[str] = []
        self._open: tuple[str, list[str]] | None = None

    def handle_starttag(self, tag, attrs):
        if self.wanted(tag, dict(attrs)):
            self._open = (tag, [])

    def handle_data(self, data):
        if self._open is not None:
            self._open[1].append(data)

    def handle_endtag(self, tag):
        if self._open is not None and tag == self._open[0]:
            self.texts.append(" ".join("".join(self._open[1]).split()))
            self._open = None


def texts_in(html: str, wanted) -> list[str]:
    """The texts of a page's elements that `wanted(tag, attributes)` picks."""
    parser = _TextsIn(wanted)
    parser.feed(html)
    return parser.texts


@dataclass(frozen=True)
class Opened:
    """A form page as fetched: its hidden token and the cookie that came with it."""

    url: str
    page: httpx.Response
    token: str | None
    cookie: str | None


def client(**options) -> httpx.Client:
    """An HTTP client that keeps no cookies: each answer carries the cookie
    of its own form page, as if every answer came from another phone."""
    never = CookieJar(policy=DefaultCookiePolicy(allowed_domains=[]))
    return httpx.Client(cookies=never, timeout=options.pop("timeout", 30), **options)


def open_form(http: httpx.Client, url: str) -> Opened:
    page = http.get(url)
    tokens = [i.get("value") for i in inputs(page.text) if i.get("name") == TOKEN_FIELD]
    return Opened(url, page, tokens[0] if len(tokens) == 1 else None, page.cookies.get(COOKIE))


def send(http: httpx.Client, url: str, fields: list[tuple[str, str]], *, token: str | None,
         cookie: str | None, content_type: str = FORM_POST) -> httpx.Response:
    """POST the fields (and the token, when given) as a browser sends a form."""
    data = ([(TOKEN_FIELD, token)] if token is not None else []) + list(fields)
    headers = {"content-type": content_type}
    if cookie is not None:
        headers["cookie"] = f"{COOKIE}={cookie}"
    return http.post(url, content=urlencode(data).encode("ascii"), headers=headers)


def answer(http: httpx.Client, url: str, fields: list[tuple[str, str]]) -> httpx.Response:
    """Fetch the form at `url` and send `fields` with its token and cookie."""
    opened = open_form(http, url)
    assert opened.page.status_code == 200 and opened.token and opened.cookie, opened.page.text[:500]
    return send(http, url, fields, token=opened.token, cookie=opened.cookie)


def thanked(response: httpx.Response, labels: dict[str, str]) -> bool:
    """True when the answer was acknowledged: the thanks page came back."""
    return response.status_code == 200 and labels["form_thanks"] in response.text


def stored(db_url: str, kit: str) -> list:
    """Every response of the kit in the database, read in this process."""
    from workshop_kit.store.database import open_database

    database = open_database(db_url, migrate=False)
    try:
        return database.responses(kit)
    finally:
        database.dispose()


def question_of(form, kind: str):
    """The first question of a kind (text, scale, single, multiple) of a form."""
    return next(q for q in form.questions if q.type == kind)


def free_texts(responses: list, question: str) -> list[str]:
    """The answers to one free-text question, one per response that gave it."""
    return [value for r in responses for q, value in r.answers if q == question]
