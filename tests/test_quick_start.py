"""The README's Quick start: CI runs its two lines word for word, then the
linters, and the second line passes on a machine without Chromium or PostgreSQL, where the tests
that need them are skipped, each saying what to install, unless the
..._REQUIRED variable of CI asks for them."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from kit_helpers import REPO


def quick_start_lines() -> list[str]:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, re.DOTALL)
    assert block, "the Quick start has a sh block"
    return [line for line in block.group(1).splitlines() if line.strip()]


def test_the_quick_start_is_two_lines_that_work_beside_an_externally_managed_python():
    lines = quick_start_lines()
    assert len(lines) == 2
    for line in lines:  # a bare pip install is refused by Debian's and Ubuntu's own python3
        assert line.startswith("python3 -m venv .venv && . .venv/bin/activate && pip install ")
    assert lines[0].endswith("&& workshop-kit build")
    assert lines[1].endswith("&& pytest")


def ci_lines() -> list[str]:
    return (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()


def test_ci_runs_both_quick_start_lines_word_for_word():
    ci = ci_lines()
    for line in quick_start_lines():
        # a failing command inside an && list does not stop a `set -e` script: the line's failure exits
        assert f"{{ {line}; }} || exit 1" in ci, f"{line!r} is in .ci/run, a failure ending it"


def test_ci_runs_the_linters_after_the_tests_in_their_environment():
    ci = ci_lines()
    tests_at = ci.index(f"{{ {quick_start_lines()[1]}; }} || exit 1")
    after = ci[tests_at + 1:]
    assert "set -euo pipefail" in ci[:tests_at]  # a finding is the script's exit status
    assert "ruff check src tests bench" in after and "mypy" in after
    assert ci[-1] in ("ruff check src tests bench", "mypy")


def run_pytest(node: str, **env: str) -> subprocess.CompletedProcess:
    """Run one test of this suite in a new pytest, with `env` on top of ours."""
    environment = {k: v for k, v in os.environ.items()
                   if not k.startswith("WORKSHOP_KIT_TEST_") and k != "PYTEST_ADDOPTS"}
    environment.update(env)
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", node],
                          cwd=REPO, env=environment, capture_output=True, text=True, timeout=300)


BROWSER_TEST = "tests/test_index_page.py::test_print_stylesheet_hides_the_navigation"
POSTGRES_TEST = "tests/test_store.py::test_a_wrong_password_is_one_line_without_the_password"


@pytest.mark.parametrize("node, env, reason", [
    (BROWSER_TEST, {"WORKSHOP_KIT_TEST_CHROMIUM": "/nonexistent/chromium"},
     "no Chromium at /nonexistent/chromium: these tests drive the system browser; apt-get install chromium"),
    (POSTGRES_TEST, {}, "no PostgreSQL server: set WORKSHOP_KIT_TEST_POSTGRES (`source .ci/postgres`"),
], ids=["chromium", "postgresql"])
def test_a_missing_service_skips_with_what_to_install(node, env, reason):
    run = run_pytest(node, **env)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "1 skipped" in run.stdout
    assert re.search(r"^SKIPPED \[1\] .*" + re.escape(reason), run.stdout, re.MULTILINE), run.stdout


@pytest.mark.parametrize("node, env", [
    (BROWSER_TEST, {"WORKSHOP_KIT_TEST_CHROMIUM": "/nonexistent/chromium",
                    "WORKSHOP_KIT_TEST_BROWSER_REQUIRED": "1"}),
    (POSTGRES_TEST, {"WORKSHOP_KIT_TEST_POSTGRES_REQUIRED": "1"}),
], ids=["chromium", "postgresql"])
def test_a_required_service_that_is_missing_fails(node, env):
    run = run_pytest(node, **env)
    assert run.returncode == 1, run.stdout + run.stderr
    assert re.search(r"\b1 (failed|error)", run.stdout), run.stdout
    assert "REQUIRED=1" in run.stdout
