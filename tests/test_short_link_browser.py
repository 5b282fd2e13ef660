"""A printed short link in a real browser: the QR code decoded from the
built card's PDF page (zxing-cpp) is opened in headless Chromium against a
running `workshop-kit serve`, which answers with its own form; then the
card gets a form elsewhere in the YAML (a small HTTP server of the test's
own), the kit is not built again, serve restarts as it does in practice,
and the same printed code now takes the browser to that page.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from kit_helpers import REPO, build_into, load_yaml, replace_once, tree_digest
from serve_helpers import Server, free_port, kit_served_at
from test_short_links import blurred_codes

DECK = "dilemmaer"
CARD = "frivillige-i-sfo"   # a dilemma card of the shipped kit
DA = load_yaml(REPO / "src" / "workshop_kit" / "data" / "labels" / "da.yaml")
ELSEWHERE_TITLE = "Kommunens spørgeskema"


class Elsewhere(BaseHTTPRequestHandler):
    """A form somewhere else: one page for every path, each path it was asked for kept."""

    asked: list[str] = []

    def do_GET(self):  # noqa: N802 (the name http.server calls)
        type(self).asked.append(self.path)
        body = f"<!doctype html><html lang=da><title>{ELSEWHERE_TITLE}</title><h1>{ELSEWHERE_TITLE}</h1>".encode()
        self.send_response(200)
        self.send_header("content-type", "text/html; charset=utf-8")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):  # quiet
        pass


def test_a_printed_short_link_opens_the_form_then_the_form_elsewhere_after_a_restart(browser, tmp_path):
    port = free_port()
    kit = kit_served_at(REPO, tmp_path / "kit", f"http://127.0.0.1:{port}")
    replace_once(kit / "kit.yaml", "follow_up:\n", "follow_up:\n  links: short\n")
    out = tmp_path / "out"
    built = build_into(kit, out, "--only", DECK, "--mode", "home")
    [printed] = blurred_codes(built, built.file(DECK, "home"))[CARD]
    assert printed.startswith(f"http://127.0.0.1:{port}/q/"), printed
    title = next(c for c in built.cards if c["deck"] == DECK and c["id"] == CARD)["title"]
    question = load_yaml(kit / "kit.yaml")["follow_up"]["form"]["questions"][0]["text"]
    printed_files = tree_digest(out)

    elsewhere = ThreadingHTTPServer(("127.0.0.1", 0), Elsewhere)
    Elsewhere.asked = []
    threading.Thread(target=elsewhere.serve_forever, daemon=True).start()
    db = str(tmp_path / "responses.db")
    context = browser.new_context()
    try:
        page = context.new_page()
        with Server(kit, port, db):
            response = page.goto(printed, wait_until="load")
            assert response.status == 200, response.status
            assert page.url == printed                          # served here, not sent on
            assert title in page.inner_text("body") and question in page.inner_text("body")
            assert page.locator("form button[type=submit]").inner_text() == DA["form_submit"]

        # After printing: a form elsewhere for this card, and a restart.
        form_url = f"http://127.0.0.1:{elsewhere.server_port}/svar/{{card}}?kit={{kit}}"
        replace_once(kit / "decks" / f"{DECK}.yaml", f"  - id: {CARD}\n",
                     f'  - id: {CARD}\n    form_url: "{form_url}"\n')
        with Server(kit, port, db):
            response = page.goto(printed, wait_until="load")
            assert response.status == 200, response.status
            assert page.url == f"http://127.0.0.1:{elsewhere.server_port}/svar/{CARD}?kit=temadag", page.url
            assert page.title() == ELSEWHERE_TITLE
            assert Elsewhere.asked[0] == f"/svar/{CARD}?kit=temadag"   # then the browser's /favicon.ico
        assert tree_digest(out) == printed_files                # nothing was built again
    finally:
        context.close()
        elsewhere.shutdown()
        elsewhere.server_close()
