"""What keeps the forms safe: form tokens against cross-site requests,
security headers, and a limit on how often one client may send."""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import re
import secrets
import time
from dataclasses import dataclass
from functools import lru_cache

from itsdangerous import BadSignature, URLSafeTimedSerializer
from limits import parse as parse_limit

from workshop_kit.serve.group_commit import GroupCommit
from workshop_kit.store.database import Hit

log = logging.getLogger("workshop_kit.serve")

COOKIE = "wk_form"
TOKEN_AGE = 24 * 3600  # a form may stay open on a phone for a day
COOKIE_VALUE = re.compile(r"[A-Za-z0-9_-]{16,64}")  # what issue() makes


@dataclass(frozen=True)
class Issued:
    token: str       # the hidden field of the form
    submission: str  # the id the answer is stored under
    cookie: str      # the browser's own value, bound to the token


class FormTokens:
    """Double-submit form tokens: the hidden field is signed by the server and
    names the browser's cookie, the form's path and the submission id. A page
    sent again with the same token stores one answer, not two."""

    def __init__(self, secret: str):
        self._signer = URLSafeTimedSerializer(secret, salt="workshop-kit form")

    def issue(self, path: str, cookie: str | None) -> Issued:
        cookie = cookie if cookie and COOKIE_VALUE.fullmatch(cookie) else secrets.token_urlsafe(24)
        submission = secrets.token_hex(16)
        token = self._signer.dumps({"c": cookie, "p": path, "s": submission})
        return Issued(token, submission, cookie)

    def check(self, token: str | None, path: str, cookie: str | None) -> str | None:
        """The submission id of a valid token for this path and browser, else None."""
        if not token or not cookie or len(token) > 1000 or not COOKIE_VALUE.fullmatch(cookie):
            return None  # a cookie this server did not make (compare_digest takes no other text)
        try:
            data = self._signer.loads(token, max_age=TOKEN_AGE)
        except BadSignature:
            return None
        if not isinstance(data, dict) or data.get("p") != path \
                or not secrets.compare_digest(str(data.get("c")), cookie):
            return None
        return data.get("s")


@lru_cache(maxsize=256)  # the page's style and each form's accent colour
def style_hash(css: str) -> str:
    digest = hashlib.sha256(css.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def content_policy(*styles: str, script: bool = False) -> str:
    """No scripts, nothing fetched, forms sent only here, and only the page's
    own style elements. script=True: script files of this server (never
    one in the page) and their requests to it, for the live screen."""
    scripts = "; script-src 'self'; connect-src 'self'" if script else ""
    return ("default-src 'none'; style-src " + " ".join(style_hash(css) for css in styles) + scripts
            + "; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")


def security_headers(css: str, https: bool) -> list[tuple[bytes, bytes]]:
    """Headers for every answer: no scripts, no framing, no referrer."""
    headers = {
        "content-security-policy": content_policy(css),
        "x-content-type-options": "nosniff",
        "x-frame-options": "DENY",
        "referrer-policy": "no-referrer",
        "permissions-policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
        "cross-origin-opener-policy": "same-origin",
        "cross-origin-resource-policy": "same-origin",
        "cache-control": "no-store",
        "x-robots-tag": "noindex, nofollow",
    }
    if https:
        headers["strict-transport-security"] = "max-age=31536000"
    return [(k.encode(), v.encode()) for k, v in headers.items()]


class SecurityHeaders:
    """ASGI middleware adding `security_headers` to every answer."""

    def __init__(self, app, headers: list[tuple[bytes, bytes]]):
        self.app = app
        self.headers = headers

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [
                    (k, v) for k, v in self.headers if k not in names]
            await send(message)

        await self.app(scope, receive, send_with_headers)


class RateLimits:
    """How often one client may send an answer, and may try a wrong admin
    link. The hits are counted in the database (`Database.hit_many`), so
    that every worker process of the server counts the same ones; the hits
    of answers that arrive together are counted in one transaction (a group
    commit, as the answers are stored), so that a room that presses "send"
    at once does not queue for the database's write lock one by one. When
    the database cannot count, the request is let through: the answer is
    then refused, if at all, by the database itself. No address is stored:
    a hit is kept under a keyed hash of it, for the length of its window."""

    def __init__(self, database, secret: str, answers: str, admin: str = "10/minute"):
        self._database = database
        self._secret = secret.encode()
        self._answers = tuple(windows(answers))
        self._admin = tuple(windows(admin))
        self._together = GroupCommit(database.hit_many)

    def _key(self, key: str) -> str:
        return hmac.new(self._secret, key.encode("utf-8", "replace"), hashlib.sha256).hexdigest()

    def _hit(self, key: str, rate: tuple[tuple[int, float], ...], count: bool = True) -> bool:
        try:
            return self._database.hit(self._key(key), rate, time.time(), count)
        except Exception as error:  # the database is away or refuses writes
            _not_counted(error)
            return True

    async def answer(self, client: str) -> bool:
        """Count an answer; False when the client has sent too many."""
        try:
            return await self._together.save(Hit(self._key(f"answer {client}"), self._answers, time.time()))
        except Exception as error:  # the database is away or refuses writes
            _not_counted(error)
            return True

    async def close(self) -> None:
        await self._together.close()

    def admin_miss(self, client: str) -> bool:
        """Count a wrong admin token; False once a client has tried too often."""
        return self._hit(f"admin {client}", self._admin)

    def admin_blocked(self, client: str) -> bool:
        return not self._hit(f"admin {client}", self._admin, count=False)


def _not_counted(error: Exception) -> None:
    log.warning("the rate limit could not be counted: %s", " ".join(str(error).split())[:300])


def windows(rate: str) -> list[tuple[int, float]]:
    """(amount, seconds) of a rate such as '30/minute' or '500/10 minutes'."""
    item = parse_limit(rate)
    return [(item.amount, float(item.get_expiry()))]


def check_rate(text: str) -> str:
    """A rate such as '30/minute' (ValueError otherwise)."""
    parse_limit(text)
    return text
