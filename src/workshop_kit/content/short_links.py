"""Short links: each QR code carries base_url/q/<code>, a code of a few
characters that `serve` answers with the card's form, or redirects to a
form elsewhere (form_url), so that what a printed code leads to can
change after printing.

A code is derived from the kit's id, the deck and the card's id (the
first characters of a base32 digest), so it stays the same from build to
build; codes that clash within a kit are made longer until they differ,
and a card, board or the guide can set its own `code`.
"""

from __future__ import annotations

import base64
import hashlib
from collections import Counter
from urllib.parse import quote

SHORT_PATH = "/q/"   # where the short links are, under base_url
CODE_LENGTH = 4      # characters of a derived code, unless it clashes


def derived_code(kit: str, deck: str, card: str) -> str:
    """The whole digest a derived code is the start of: lowercase base32."""
    digest = hashlib.sha256(f"{kit}/{deck}/{card}".encode("utf-8")).digest()
    return base64.b32encode(digest).decode("ascii").rstrip("=").lower()


def short_codes(kit: str, keys: list[tuple[str, str]], own: dict[tuple[str, str], str]) -> dict[tuple[str, str], str]:
    """(deck, card) -> its code: its own where `own` gives one (these are
    unique already), else the shortest start of its digest, at least
    CODE_LENGTH characters, that no other code of the kit has."""
    taken = set(own.values())
    digests = {key: derived_code(kit, *key) for key in keys if key not in own}
    length = dict.fromkeys(digests, CODE_LENGTH)
    while True:
        codes = {key: digest[:length[key]] for key, digest in digests.items()}
        counts = Counter(codes.values())
        clashing = [key for key, code in codes.items() if counts[code] > 1 or code in taken]
        if not clashing:
            return {**own, **codes}
        for key in clashing:
            length[key] += 1


def short_url(base: str, code: str) -> str:
    """The URL a short link's QR code carries."""
    return base.rstrip("/") + SHORT_PATH + code


def external_url(template: str, kit: str, deck: str, card: str, lang: str) -> str:
    """A form_url template filled in, each value URL-encoded."""
    return template.format(kit=quote(kit, safe=""), deck=quote(deck, safe=""),
                           card=quote(card, safe=""), lang=quote(lang, safe=""))
