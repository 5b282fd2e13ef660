"""Fixtures: the shipped kit built once per session, small temporary kits
for the error cases, and the real command line.

Everything is written under pytest's temporary folders: nothing is built
into the repository's output/, and nothing depends on the current directory.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from kit_helpers import (  # noqa: E402
    ALL_DECKS,
    REPO,
    STANDALONE,
    Built,
    Earlier,
    Run,
    build_into,
    chromium,
    copy_kit,
    missing,
    run_cli,
    run_in_process,
    tree_digest,
)
from postgres_schema import fresh_schema  # noqa: E402


@pytest.fixture(scope="session")
def shipped_kit() -> Path:
    """The repository root: kit.yaml, decks/ and templates/ as shipped."""
    root = Path(__file__).parents[1]
    assert root == REPO and (root / "kit.yaml").is_file()
    return root


@pytest.fixture(scope="session")
def cli() -> Callable[..., Run]:
    """cli(*args) -> Run(code, stdout, stderr) of `python -m workshop_kit ARGS`."""
    return run_cli


@pytest.fixture(scope="session")
def invoke() -> Callable[..., Run]:
    """invoke(*args) -> Run: the command in this process (click's CliRunner)."""
    return run_in_process


@pytest.fixture(scope="session")
def build() -> Callable[..., Built]:
    """build(kit, out, *options) -> Built, in this process; it must succeed.
    (The session's `built` and every check of exit codes and tracebacks
    run the real command in a new interpreter instead.)"""
    return lambda kit, out, *options: build_into(kit, out, *options, in_process=True)


@pytest.fixture(scope="session")
def built(tmp_path_factory, shipped_kit) -> Built:
    """The shipped kit, built once for the whole session (both modes, A4)."""
    out = tmp_path_factory.mktemp("shipped") / "out"
    return build_into(shipped_kit, out)


@pytest.fixture(scope="session")
def english(tmp_path_factory) -> Built:
    """The English kit of kits/en, built once for the whole session."""
    return build_into(REPO / "kits" / "en", tmp_path_factory.mktemp("english") / "out", in_process=True)


@pytest.fixture
def earlier(built, tmp_path) -> Earlier:
    """A copy of the session's build of the shipped kit, to build into: a
    build that fails must leave it as it was."""
    out = tmp_path / "out"
    shutil.copytree(built.out, out)
    digest = tree_digest(out)
    assert "manifest.json" in digest and sum(v != "<dir>" for v in digest.values()) >= 9
    return Earlier(out, digest)


@pytest.fixture
def make_kit(tmp_path) -> Callable[..., Path]:
    """make_kit(decks=ALL_DECKS, name=None) -> a fresh copy of the shipped
    kit.yaml, templates/ and the chosen decks under tmp_path."""
    names = iter(range(1000))

    def make(decks=ALL_DECKS, name: str | None = None) -> Path:
        return copy_kit(tmp_path / (name or f"kit{next(names)}"), decks)

    return make


@pytest.fixture
def small(make_kit, tmp_path):
    """A kit of one deck, built once into tmp_path/out."""
    kit = make_kit((STANDALONE[0],))
    out = tmp_path / "out"
    build_into(kit, out)
    return kit, out


@pytest.fixture
def postgres_url():
    """postgresql://... of an empty schema of its own on the server that
    WORKSHOP_KIT_TEST_POSTGRES names (.ci/postgres starts one). Without
    that variable the test is skipped, or fails when
    WORKSHOP_KIT_TEST_POSTGRES_REQUIRED=1 (as in CI)."""
    server = os.environ.get("WORKSHOP_KIT_TEST_POSTGRES")
    if not server:
        missing("no PostgreSQL server: set WORKSHOP_KIT_TEST_POSTGRES (`source .ci/postgres` installs "
                "and starts one on Debian, Ubuntu)", "WORKSHOP_KIT_TEST_POSTGRES_REQUIRED")
    with fresh_schema(server) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    """The system Chromium, started once for every test that drives a page."""
    with chromium() as browser:
        yield browser
