"""What keeps the forms safe: form tokens against cross-site requests,
security headers, and a limit on how often one client may send."""

from __future__ import annotations

import hashlib
import base64
import secrets
import time
from collections import deque
from dataclasses import dataclass
from functools import lru_cache

from itsdangerous import BadSignature, URLSafeTimedSerializer
from limits import parse as parse_limit

COOKIE = "wk_form"
TOKEN_AGE = 24 * 3600  # a form may stay open on a phone for a day


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
        cookie = cookie if cookie and 16 <= len(cookie) <= 64 else secrets.token_urlsafe(24)
        submission = secrets.token_hex(16)
        token = self._signer.dumps({"c": cookie, "p": path, "s": submission})
        return Issued(token, submission, cookie)

    def check(self, token: str | None, path: str, cookie: str | None) -> str | None:
        """The submission id of a valid token for this path and browser, else None."""
        if not token or not cookie or len(token) > 1000:
            return None
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


def content_policy(*styles: str) -> str:
    """No scripts, nothing fetched, forms sent only here, and only the page's
    own style elements."""
    return ("default-src 'none'; style-src " + " ".join(style_hash(css) for css in styles)
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


class MovingWindow:
    """At most so many hits per key in any window of the rate's length
    (e.g. 30 in any 60 seconds), counted in this process.

    The `limits` package's own in-memory storage starts a timer thread
    every 10 ms while it is used, and the server waits for each thread to
    start: with many answers at once that came to a tenth of a second."""

    def __init__(self, rate: str):
        item = parse_limit(rate)
        self.amount, self.seconds = item.amount, item.get_expiry()
        self._hits: dict[str, deque[float]] = {}
        self._swept = time.monotonic()

    def _recent(self, key: str, now: float) -> deque[float]:
        hits = self._hits.get(key) or deque()
        while hits and hits[0] <= now - self.seconds:
            hits.popleft()
        return hits

    def test(self, key: str) -> bool:
        """True when one more hit would be allowed now."""
        return len(self._recent(key, time.monotonic())) < self.amount

    def hit(self, key: str) -> bool:
        """Count a hit, when it is allowed (True); False when it is not."""
        now = time.monotonic()
        if now - self._swept > self.seconds:  # forget the keys not seen for a window
            self._hits = {k: h for k, h in self._hits.items() if h and h[-1] > now - self.seconds}
            self._swept = now
        hits = self._recent(key, now)
        if len(hits) >= self.amount:
            return False
        hits.append(now)
        self._hits[key] = hits
        return True


class RateLimits:
    """How often one client may send an answer, and may try an admin link."""

    def __init__(self, answers: str, admin: str = "10/minute"):
        self._answers = MovingWindow(answers)
        self._admin = MovingWindow(admin)

    def answer(self, client: str) -> bool:
        return self._answers.hit(client)

    def admin_miss(self, client: str) -> bool:
        """Count a wrong admin token; False once a client has tried too often."""
        return self._admin.hit(client)

    def admin_blocked(self, client: str) -> bool:
        return not self._admin.test(client)


def check_rate(text: str) -> str:
    """A rate such as '30/minute' (ValueError otherwise)."""
    parse_limit(text)
    return text
