"""The QR codes of the last build, kept in the output folder for the next.

`.workshop-kit/qr-cache` holds the symbol of every follow-up URL of the
kit as the last build printed it, by URL and error-correction level: the
next build (a --force one too) reads them instead of encoding them again.
The file is staged and committed with the rest of the output. It holds
only the URLs the kit still has, so it never grows beyond the kit.

Like every file in the output folder it may be damaged, cut short, or
put there by someone else: it is read only when it is a regular file of
sensible size whose header and checksum are right and whose every entry
is well formed, and otherwise ignored as if it were not there (the codes
are encoded again and the file written anew).

The format: MAGIC, then entries, then the SHA-256 of everything before
it. An entry: the URL's length in UTF-8 bytes (2 bytes, big-endian), the
URL, the level (one ASCII letter), the version (1 byte), and the modules
as `QRMatrix.packed`.
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

from workshop_kit.qr import LARGEST_VERSION, LEVELS, MASK, Packed

STATE = ".workshop-kit"  # the build's own state in the output folder
NAME = f"{STATE}/qr-cache"
MAGIC = b"workshop-kit qr-cache 1 mask %d\n" % MASK
LARGEST_FILE = 64 * 1024 * 1024  # bytes; a bigger file is not one this writes (64 MB is ~200 000 symbols)
DIGEST = hashlib.sha256().digest_size


def _packed_size(version: int) -> int:
    modules = 17 + 4 * version
    return modules * ((modules + 7) // 8)


def read(out: Path) -> dict[tuple[str, str], Packed]:
    """The symbols kept by the last build in `out`; empty when there is no
    such file or it is not one that this version wrote intact."""
    path = Path(out) / NAME
    try:
        if not stat.S_ISDIR(os.lstat(path.parent).st_mode):
            return {}  # a link to a folder elsewhere: not ours
        info = os.lstat(path)
        if not stat.S_ISREG(info.st_mode) or info.st_size > LARGEST_FILE:
            return {}  # a folder, a symbolic link, a pipe or a device: not ours
        with open(path, "rb") as fh:
            data = fh.read(LARGEST_FILE + 1)
    except (OSError, ValueError):
        return {}
    try:
        return parse(data)
    except ValueError:
        return {}


def parse(data: bytes) -> dict[tuple[str, str], Packed]:
    """The entries of a cache file; ValueError unless it is whole and well formed."""
    if len(data) < len(MAGIC) + DIGEST or len(data) > LARGEST_FILE or not data.startswith(MAGIC):
        raise ValueError("not a QR cache of this version")
    body, digest = data[:-DIGEST], data[-DIGEST:]
    if hashlib.sha256(body).digest() != digest:
        raise ValueError("damaged")
    entries: dict[tuple[str, str], Packed] = {}
    at, end = len(MAGIC), len(body)
    view = memoryview(body)
    while at < end:
        if at + 2 > end:
            raise ValueError("cut short")
        length = int.from_bytes(view[at:at + 2], "big")
        at += 2
        if at + length + 2 > end:
            raise ValueError("cut short")
        url = bytes(view[at:at + length]).decode("utf-8")  # UnicodeDecodeError is a ValueError
        at += length
        level, version = chr(body[at]), body[at + 1]
        at += 2
        if level not in LEVELS or not 1 <= version <= LARGEST_VERSION:
            raise ValueError("not a QR symbol")
        size = _packed_size(version)
        if at + size > end:
            raise ValueError("cut short")
        if (url, level) in entries:
            raise ValueError("twice the same symbol")
        entries[(url, level)] = (version, bytes(view[at:at + size]))
        at += size
    return entries


def dump(entries: dict[tuple[str, str], Packed]) -> bytes:
    """The cache file of these symbols (in a stable order: the same symbols, the same bytes)."""
    parts = [MAGIC]
    for (url, level), (version, packed) in sorted(entries.items()):
        encoded = url.encode("utf-8")
        if len(encoded) > 0xFFFF or len(packed) != _packed_size(version):
            continue  # (no QR code holds such a URL; an entry that cannot be read back is left out)
        parts += [len(encoded).to_bytes(2, "big"), encoded, level.encode("ascii"), bytes([version]), packed]
    body = b"".join(parts)
    return body + hashlib.sha256(body).digest()


def writable(out: Path) -> bool:
    """Whether the cache has a place in `out`: nothing but a folder (not a
    link to one) at .workshop-kit, and no folder where the file goes. (Where it has not,
    the build goes on without it.)"""
    state, path = Path(out) / STATE, Path(out) / NAME
    if state.is_symlink() or (state.exists() and not state.is_dir()):
        return False
    return path.is_symlink() or not path.is_dir()  # (a link itself is replaced, not followed)
