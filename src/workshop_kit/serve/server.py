"""Start the forms server: migrate the database once, say where everything
is, then run uvicorn with one or several worker processes."""

from __future__ import annotations

import errno
import os
import socket
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlsplit

import uvicorn

from workshop_kit.content.follow_up import base_url, same_origin, served_path, targets
from workshop_kit.content.kit import KitContent, is_placeholder, load_kit
from workshop_kit.serve.app import (
    ADMIN,
    ENVIRONMENT,
    LIVE,
    Settings,
    create_app,
    sent_on,
    server_secrets,
    settings_environment,
)
from workshop_kit.serve.protocol import TimedH11Protocol
from workshop_kit.store.database import open_database

GRACE = 15  # seconds a stopping server gives the answers being sent
KEEP_ALIVE = 5  # seconds an idle connection stays open after an answer


class CannotListen(Exception):
    """The server cannot listen on the address and port it was given."""


def check_port(host: str, port: int) -> None:
    """Listen on the address as the server will, and let go again;
    CannotListen says why that is not possible (the port is in use)."""
    try:
        addresses = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as error:
        raise CannotListen(f"cannot listen on {host}:{port}: {error.strerror}") from None
    for family, kind, proto, _, address in addresses:
        with socket.socket(family, kind, proto) as sock:
            # As uvicorn (asyncio) does: a port left in TIME_WAIT by a stopped server is free.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == socket.AF_INET6:
                sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            try:
                sock.bind(address)
                sock.listen()
            except OSError as error:
                reason = ("the port is in use; choose another with --port" if error.errno == errno.EADDRINUSE
                          else error.strerror)
                raise CannotListen(f"cannot listen on {host}:{port}: {reason}") from None


def listening_url(host: str, port: int) -> str:
    """The address of the server on this machine: on loopback when it
    listens on every address."""
    host = {"": "127.0.0.1", "0.0.0.0": "127.0.0.1", "::": "::1"}.get(host, host)
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def announce(settings: Settings, host: str, port: int, say: Callable[[str], None],
             warn: Callable[[str], None]) -> KitContent:
    """Check that the port is free, migrate the database and print the
    forms' and the admin view's addresses; the kit's content, checked."""
    check_port(host, port)
    content = load_kit(Path(settings.kit))
    base = base_url(content, settings.base_url)
    database = open_database(settings.db, migrate=True)
    try:
        _, admin, screen = server_secrets(database)
        shown_db = database.display_url
    finally:
        database.dispose()
    every = targets(content)
    served = [t for t in every if served_path(t.url, base, any_host=True) is not None]
    elsewhere = {urlsplit(t.url).netloc for t in served if not same_origin(t.url, base)}
    say(f"Serving {len(served)} follow-up forms of '{content.kit.title}' for {base}")
    if served:
        say(f"  e.g. {base}{served_path(served[0].url, base, any_host=True)}")
    sent = sum(1 for t in served if sent_on(t))
    if sent:
        say(f"  {sent} of them send the phone on to a form elsewhere (form_url)")
    say(f"Listening on http://{host}:{port} (database: {shown_db})")
    # The admin link carries its token: never on a placeholder host (a
    # click would send it to that third party), but on this server itself.
    admin_base = listening_url(host, port) if is_placeholder(base) else base
    say(f"Facilitator view, keep it private: {admin_base}{ADMIN}{admin}")
    say(f"Live screen for the projector: {admin_base}{LIVE}{screen}")
    if len(served) < len(every):
        warn(f"{len(every) - len(served)} QR code(s) lead to other paths than {base}/... and are not "
             "answered here")
    if elsewhere:
        warn(f"the printed QR codes lead to {', '.join(sorted(elsewhere))}, not to {base}: phones reach "
             "this server only if that address leads here; else set follow_up.base_url in kit.yaml "
             "to this server's address, build and print again")
    if is_placeholder(base):
        warn(f"the base URL {base} is a placeholder: phones cannot reach it. Set follow_up.base_url "
             "in kit.yaml to this machine's address, build and print again")
    return content


def run(settings: Settings, host: str, port: int, workers: int, content: KitContent | None = None) -> None:
    """Serve until stopped; `content`: the kit as `announce` loaded it (one
    worker uses it, several load it each)."""
    common: dict[str, Any] = dict(host=host, port=port, access_log=False, log_level="warning", http=TimedH11Protocol,
                  timeout_keep_alive=KEEP_ALIVE, timeout_graceful_shutdown=GRACE, proxy_headers=True,
                  server_header=False)
    if workers == 1:
        uvicorn.run(create_app(settings, content), **common)
        return
    os.environ[ENVIRONMENT] = settings_environment(settings)
    uvicorn.run("workshop_kit.serve.app:app_from_environment", factory=True, workers=workers, **common)
