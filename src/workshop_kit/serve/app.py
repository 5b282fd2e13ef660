"""The web app of `workshop-kit serve`: each card's, board's and the guide's
follow-up form at the path its QR code carries, and the facilitator's view."""

from __future__ import annotations

import json
import logging
import os
import secrets
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from workshop_kit.content.follow_up import Target, background_choices, base_url, same_origin, served_path, targets
from workshop_kit.content.forms import MANY, SCALE
from workshop_kit.content.kit import KitContent, load_kit
from workshop_kit.content.pictures import MIME
from workshop_kit.layout.colours import contrast, hex_colour
from workshop_kit.serve import export, live
from workshop_kit.serve.answers import AREA_MAX, CONTACT_MAX, TOKEN_FIELD, Page, Refused, read
from workshop_kit.serve.defaults import DEFAULT_RATE
from workshop_kit.serve.group_commit import GroupCommit
from workshop_kit.serve.security import (
    COOKIE,
    TOKEN_AGE,
    FormTokens,
    RateLimits,
    SecurityHeaders,
    content_policy,
    security_headers,
)
from workshop_kit.store.database import check_response, open_database
from workshop_kit.store.records import Contact, Response as Answer

TEMPLATES = Path(__file__).parent / "templates"
CSS = (TEMPLATES / "page.css").read_text(encoding="utf-8")
# The live screen's style: the bars' widths are classes (w-0 to w-100), as
# the policy allows no style attribute.
LIVE_CSS = (TEMPLATES / "live.css").read_text(encoding="utf-8") + "".join(
    f".w-{n}{{width:{n}%}}" for n in range(101))
LIVE_SCRIPT = (Path(__file__).parent / "static" / "live.js").read_bytes()
MAX_BODY = 64 * 1024       # bytes of one submitted form
MAX_FIELDS = 400
ENVIRONMENT = "WORKSHOP_KIT_SERVE"  # the settings, for worker processes
ADMIN = "/_admin/"
LOGO = "/_logo"  # the kit's logo, shown in the head of every form
LIVE = "/_live/"
SCRIPT = "/_static/live.js"

log = logging.getLogger("workshop_kit.serve")


@dataclass(frozen=True)
class Settings:
    kit: str                 # the kit folder
    db: str                  # database URL
    base_url: str | None = None
    rate: str = DEFAULT_RATE  # answers one client (address) may send


@dataclass(frozen=True)
class Served:
    """A form at its path."""

    target: Target
    page: Page
    accent_css: str
    names: dict[str, str]  # field name -> what the error summary calls it


def routes_of(every: list[Target], base: str) -> dict[str, Target]:
    """Path (and query) -> target, for every QR code that leads under `base`.
    The path is taken both with and without the base URL's own path, so the
    app answers behind a proxy that keeps or strips that prefix."""
    prefix = urlsplit(base).path.rstrip("/")
    out: dict[str, Target] = {}
    for target in every:
        for url in target.urls:
            path = served_path(url, base, any_host=True)
            if path is not None:
                out.setdefault(path, target)
                if prefix:
                    out.setdefault(prefix + path, target)
    return out


def sent_on(target: Target) -> str | None:
    """Where a request for a target's form is sent instead of to the form
    served here: its form elsewhere (form_url), or the URL a short link
    stands for when that leads to another host than the short link;
    None to serve the form."""
    if target.form_url:
        return target.form_url
    if target.full_url and not same_origin(target.full_url, target.url):
        return target.full_url
    return None


def _accent_css(colour) -> str:
    accent = hex_colour(colour)
    on = "#FFFFFF" if contrast(accent, "#FFFFFF") >= contrast(accent, "#1D2330") else "#1D2330"
    return f":root{{--accent:{accent};--on-accent:{on}}}"


def server_secrets(db) -> tuple[str, str, str]:
    """The key that signs the form tokens, the admin token and the live
    screen's token: made once, kept in the database, so that every worker
    and every restart share them."""
    return (db.setting("form_secret", lambda: secrets.token_urlsafe(32)),
            db.setting("admin_token", lambda: secrets.token_urlsafe(18)),
            db.setting("live_token", lambda: secrets.token_urlsafe(18)))


class FormsApp:
    def __init__(self, settings: Settings, content: KitContent | None = None):
        self.settings = settings
        self.content = content or load_kit(Path(settings.kit))
        self.kit = self.content.kit
        self.labels = self.content.labels
        self.base = base_url(self.content, settings.base_url)
        self.https = self.base.lower().startswith("https://")
        # served under the base URL's path too, as the forms are, behind a proxy that keeps it
        self.logo_paths = list(dict.fromkeys([urlsplit(self.base).path.rstrip("/") + LOGO, LOGO]))
        self.db = open_database(settings.db, migrate=False)
        self.writer = GroupCommit(self.db.save_many)
        form_secret, self.admin_token, self.live_token = server_secrets(self.db)
        self.tokens = FormTokens(form_secret)
        self.limits = RateLimits(self.db, form_secret, settings.rate)
        self.targets = targets(self.content)
        pages = {id(t.form): Page(t.form, background_choices(self.content, t.form)) for t in self.targets}
        self.forms = {path: Served(t, pages[id(t.form)], _accent_css(t.colour), self._names(t.form))
                      for path, t in routes_of(self.targets, self.base).items()}
        # The templates are the package's own files: each is read once, not
        # looked at on disk again for every page.
        self.jinja = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]),
                                 trim_blocks=True, lstrip_blocks=True, auto_reload=False)
        self.jinja.filters["pair"] = lambda value: (value, value)
        self.default_css = _accent_css(self.content.colours["guide"])
        self._thanks: dict[str, tuple[bytes | memoryview, str]] = {}  # path -> its thanks page and content policy
        self.texts = live.text_questions(self.targets)
        self.threshold = self.kit.follow_up.privacy_threshold
        self.live = live.LiveFeed(lambda: self.db.changes(self.kit.id), self._live_board)

    def _names(self, form) -> dict[str, str]:
        """What the error summary calls each field of a form."""
        names = {f"q-{q.id}": q.text for q in form.questions}
        names |= {f"b-{k}": self.labels[f"form_{k}"] for k in form.background}
        names |= {f"c-{f}": self.labels[f"form_contact_{f}"] for f in CONTACT_MAX}
        names["c-consent"] = self.labels["form_contact"]
        names["token"] = self.labels["form_refused"]
        return names

    # --- pages ---------------------------------------------------------------

    def render(self, name: str, status: int = 200, accent_css: str | None = None, css: str = CSS,
               script: bool = False, **context) -> HTMLResponse:
        accent_css = accent_css or self.default_css
        html = self.jinja.get_template(name).render(
            lang=self.kit.language, kit_title=self.kit.title, labels=self.labels, css=css,
            accent_css=accent_css, logo=self.logo_paths[0] if self.content.logo else None,
            organisation=self.kit.organisation, **context)
        response = HTMLResponse(html, status_code=status)
        response.headers["content-security-policy"] = content_policy(css, accent_css, script=script)
        return response

    def thanks(self, served: Served, path: str) -> HTMLResponse:
        """The thanks page of a form: the same for every answer to it, so
        it is made once."""
        if path not in self._thanks:
            page = self.render("thanks.html", 200, served.accent_css, target=served.target,
                               form=served.page.form, action=path)
            self._thanks[path] = (page.body, page.headers["content-security-policy"])
        body, policy = self._thanks[path]
        response = HTMLResponse(body)
        response.headers["content-security-policy"] = policy
        return response

    def message(self, status: int, heading: str, text: str, served: Served | None = None,
                again: str | None = None) -> HTMLResponse:
        return self.render("message.html", status, served.accent_css if served else None,
                           heading=heading, text=text, target=served.target if served else None, again=again)

    def form_page(self, request: Request, served: Served, path: str, status: int = 200,
                  errors: dict | None = None, values: dict | None = None) -> HTMLResponse:
        issued = self.tokens.issue(path, request.cookies.get(COOKIE))
        page = served.page
        response = self.render(
            "form.html", status, served.accent_css, target=served.target, form=page.form,
            background=page.background, choices_of=page.choices, many=MANY,
            scale=[(v, v) for v in SCALE], action=path,
            token=issued.token, errors=errors or {}, values=values or {}, names=served.names,
            area_max=AREA_MAX, contact_max=CONTACT_MAX)
        response.set_cookie(COOKIE, issued.cookie, max_age=TOKEN_AGE, httponly=True, samesite="lax",
                            secure=self.https, path="/")
        return response

    def form_again(self, request: Request, served: Served, path: str, status: int, why: str,
                   typed: list[tuple[str, str]]) -> HTMLResponse:
        """The form with a new token and what the participant typed, when
        the answer is not taken now (the page was too old, too many answers
        from this address), so that nothing they wrote is lost."""
        try:
            values = read(served.page, typed, self.labels).values
        except Refused:  # not sent by a page of ours: nothing to show again
            values = {}
        return self.form_page(request, served, path, status, errors={"token": self.labels[why]}, values=values)

    def lookup(self, request: Request) -> tuple[str, Served | None]:
        """The form at a request's address, and the path it is served
        under (where its page sends the answer). A query string the QR code
        does not carry (?fbclid=..., ?utm_source=... added by an app that
        shared the link) and a trailing slash are left out."""
        path, query = request.url.path, request.url.query
        bare = path.rstrip("/") or "/"
        tried = ([f"{path}?{query}", f"{bare}?{query}"] if query else []) + [path, bare]
        for candidate in tried:
            if candidate in self.forms:
                return candidate, self.forms[candidate]
        return path, None

    # --- endpoints -----------------------------------------------------------

    async def form(self, request: Request) -> Response:
        path, served = self.lookup(request)
        if served is None:
            return self.message(404, self.labels["form_refused"], self.labels["form_not_found"])
        elsewhere = sent_on(served.target)
        if elsewhere:  # read from the kit at start: a restart repoints the printed codes
            return RedirectResponse(elsewhere, status_code=303, headers={"cache-control": "no-store"})
        if request.method in ("GET", "HEAD"):  # HEAD: the page's headers, no answer
            return self.form_page(request, served, path)
        return await self.answer(request, served, path)

    async def answer(self, request: Request, served: Served, path: str) -> Response:
        refused = self.labels["form_refused"]
        client = request.client.host if request.client else "unknown"
        allowed = await self.limits.answer(client)
        kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if kind != "application/x-www-form-urlencoded":
            return self.message(415, refused, refused, served, again=path)
        try:
            body = await _body(request)
        except ClientDisconnect:  # gone, or cut off for sending too slowly: no one to answer
            return Response(status_code=400)
        if body is None:
            return self.message(413, refused, self.labels["form_error_too_long"].format(max=MAX_BODY), served,
                                again=path)
        try:
            fields = parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False,
                               max_num_fields=MAX_FIELDS)
        except (UnicodeDecodeError, ValueError):
            return self.message(400, refused, self.labels["form_refused"], served, again=path)
        tokens = [v for k, v in fields if k == TOKEN_FIELD]
        typed = [(k, v) for k, v in fields if k != TOKEN_FIELD]
        if not allowed:
            response = self.form_again(request, served, path, 429, "form_too_many", typed)
            response.headers["retry-after"] = "60"
            return response
        submission = self.tokens.check(tokens[0] if len(tokens) == 1 else None, path, request.cookies.get(COOKIE))
        if submission is None:
            return self.form_again(request, served, path, 403, "form_expired", typed)
        try:
            sent = read(served.page, typed, self.labels)
        except Refused:
            return self.message(400, refused, self.labels["form_refused"], served, again=path)
        if sent.errors:
            return self.form_page(request, served, path, 422, sent.errors, sent.values)
        target = served.target
        contact = Contact(**sent.contact) if sent.contact else None
        answer = Answer(submission, self.kit.id, target.deck, target.card, self.kit.language,
                        tuple(sent.answers), contact)
        try:
            check_response(answer)
            await self.writer.save(answer)  # committed, with the answers that came with it
            self.live.nudge()
        except ValueError:  # what the store refuses to keep
            return self.message(400, refused, self.labels["form_refused"], served, again=path)
        except Exception:  # the database is away: say so, and do not acknowledge
            log.exception("an answer to %s/%s could not be stored", target.deck, target.card)
            response = self.message(503, refused, self.labels["form_not_stored"], served, again=path)
            response.headers["retry-after"] = "10"
            return response
        return self.thanks(served, path)

    async def _admin_allowed(self, request: Request, token: str | None = None) -> Response | None:
        """None when the token is right (the admin token, unless another is
        given); else the answer a stranger gets."""
        client = request.client.host if request.client else "unknown"
        given = request.path_params.get("token", "")
        # The right token always works: strangers guessing from the same
        # address (one network) do not shut the facilitator out.
        if secrets.compare_digest(given.encode(), (token or self.admin_token).encode()):
            return None
        if await run_in_threadpool(self.limits.admin_blocked, client):
            return self.message(429, self.labels["form_refused"], self.labels["form_too_many"])
        await run_in_threadpool(self.limits.admin_miss, client)
        return self.message(404, self.labels["form_refused"], self.labels["form_not_found"])

    async def admin(self, request: Request) -> Response:
        refused = await self._admin_allowed(request)
        if refused:
            return refused
        counts = await run_in_threadpool(self.db.counts, self.kit.id)
        groups: dict[str, list] = {}
        for target in self.targets:
            groups.setdefault(target.group, []).append(
                (target.title, "/".join(target.key), counts.get(target.key, 0)))
        known = {target.key for target in self.targets}
        for key, n in counts.items():
            if key not in known:  # answers to a card no longer in the kit
                groups.setdefault(self.labels["admin_other"], []).append(("/".join(key), "/".join(key), n))
        here = request.url.path.rstrip("/")
        titles = {target.key: target.title for target in self.targets}
        stored = await run_in_threadpool(self.db.stored_answers, self.kit.id, self.texts)
        texts = [(a, titles.get((a.deck, a.card), f"{a.deck}/{a.card}")) for a in stored]
        approve = f"{here}/approve"
        issued = self.tokens.issue(approve, request.cookies.get(COOKIE))
        response = self.render("admin.html", groups=list(groups.items()), total=sum(counts.values()),
                               export=f"{here}/responses", texts=texts, approve=approve, token=issued.token,
                               live_screen=f"{LIVE}{self.live_token}")
        response.set_cookie(COOKIE, issued.cookie, max_age=TOKEN_AGE, httponly=True, samesite="lax",
                            secure=self.https, path="/")
        return response

    async def approve(self, request: Request) -> Response:
        """Show a free-text answer on the live screen, or hide it again:
        the admin token in the path and the token of the admin page."""
        refused = await self._admin_allowed(request)
        if refused:
            return refused
        wrong = self.message(400, self.labels["form_refused"], self.labels["form_refused"])
        if request.headers.get("content-type", "").split(";")[0].strip().lower() != \
                "application/x-www-form-urlencoded":
            return wrong
        try:
            body = await _body(request)
        except ClientDisconnect:
            return Response(status_code=400)
        try:
            fields = dict(parse_qsl((body or b"").decode("utf-8"), max_num_fields=10))
        except (UnicodeDecodeError, ValueError):
            return wrong
        path = request.url.path
        if self.tokens.check(fields.get(TOKEN_FIELD), path, request.cookies.get(COOKIE)) is None:
            return self.message(403, self.labels["form_refused"], self.labels["form_refused"])
        answer = fields.get("answer", "")
        if not answer.isdigit() or fields.get("show") not in ("1", "0"):
            return wrong
        found = await run_in_threadpool(self.db.approve, self.kit.id, int(answer), fields["show"] == "1")
        if not found:
            return self.message(404, self.labels["form_refused"], self.labels["form_not_found"])
        self.live.nudge()
        return RedirectResponse(path[:-len("/approve")] + "#texts", status_code=303)

    def _live_board(self) -> str:
        """The live screen's board as it is now (blocking: it reads the database)."""
        responses = self.db.responses(self.kit.id)
        approved = self.db.stored_answers(self.kit.id, self.texts, approved_only=True)
        board = live.screen(self.content, self.targets, responses, approved, self.labels, self.threshold)
        return self.jinja.get_template("live_board.html").render(
            kit_title=self.kit.title, labels=self.labels, screen=board)

    async def live_screen(self, request: Request) -> Response:
        """The read-only screen for the projector, behind a token of its own."""
        refused = await self._admin_allowed(request, self.live_token)
        if refused:
            return refused
        board = await self.live.current()
        if board is None:
            return self.message(503, self.labels["form_refused"], self.labels["form_not_stored"])
        return self.render("live.html", css=LIVE_CSS, script=True, board=board, script_src=SCRIPT,
                           stream=f"{request.url.path.rstrip('/')}/stream")

    async def live_stream(self, request: Request):
        refused = await self._admin_allowed(request, self.live_token)
        if refused:
            return refused
        if request.method == "HEAD":  # the headers of a stream that never ends
            return Response(media_type="text/event-stream")
        return live.EventStream(self.live)

    async def script(self, request: Request) -> Response:
        return Response(LIVE_SCRIPT, media_type="text/javascript; charset=utf-8")

    async def download(self, request: Request) -> Response:
        refused = await self._admin_allowed(request)
        if refused:
            return refused
        kind = request.path_params["kind"]
        if kind not in ("csv", "xlsx"):
            return self.message(404, self.labels["form_refused"], self.labels["form_not_found"])
        responses = await run_in_threadpool(self.db.responses, self.kit.id)
        rows = export.table(self.targets, responses, self.labels)
        if kind == "csv":
            body, media = export.to_csv(rows, self.kit.language), "text/csv; charset=utf-8"
        else:
            body = await run_in_threadpool(export.to_xlsx, rows, self.kit.id)
            media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        return Response(body, media_type=media, headers={
            "content-disposition": f'attachment; filename="{self.kit.id}-responses.{kind}"'})

    async def logo(self, request: Request) -> Response:
        """The kit's logo file, as checked when the kit was loaded."""
        picture = self.content.logo
        if picture is None:
            return Response(status_code=404)
        return Response(picture.data, media_type=MIME[picture.kind],
                        headers={"cache-control": "public, max-age=3600"})

    async def health(self, request: Request) -> Response:
        """200 when the database takes a write as an answer needs, else 503
        (a full disk, a database gone read-only or away)."""
        try:
            await run_in_threadpool(self.db.check_writable)
        except Exception as error:
            log.warning("health check: the database does not take writes: %s",
                        " ".join(str(error).split())[:300])
            return PlainTextResponse("the database does not take writes", status_code=503)
        return PlainTextResponse("ok")

    @asynccontextmanager
    async def lifespan(self, app):
        yield
        self.live.close()
        await self.writer.close()
        await self.limits.close()
        self.db.dispose()

    def asgi(self):
        app = Starlette(routes=[
            Route("/_health", self.health),
            Route("/favicon.ico", lambda request: Response(status_code=204)),
            *(Route(path, self.logo) for path in self.logo_paths),
            Route(ADMIN + "{token}", self.admin),
            Route(ADMIN + "{token}/responses.{kind:str}", self.download),
            Route(ADMIN + "{token}/approve", self.approve, methods=["POST"]),
            Route(LIVE + "{token}", self.live_screen),
            Route(LIVE + "{token}/stream", self.live_stream),
            Route(SCRIPT, self.script),
            Route("/{path:path}", self.form, methods=["GET", "POST"]),
        ], lifespan=self.lifespan)
        return SecurityHeaders(app, security_headers(CSS, self.https))


async def _body(request: Request) -> bytes | None:
    """The request body, or None when it is longer than MAX_BODY."""
    length = request.headers.get("content-length")
    if length and (not length.isdigit() or int(length) > MAX_BODY):
        return None
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def create_app(settings: Settings, content: KitContent | None = None):
    """The app; `content`: the kit when it is loaded already."""
    return FormsApp(settings, content).asgi()


def app_from_environment():
    """The app of a worker process; the settings come from the parent."""
    return create_app(Settings(**json.loads(os.environ[ENVIRONMENT])))


def settings_environment(settings: Settings) -> str:
    return json.dumps(asdict(settings))
