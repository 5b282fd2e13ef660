"""The command line's manners on a terminal and in a pipe: colours only
where wanted (NO_COLOR, TERM=dumb), a progress line only on a terminal,
--json for tools, exit codes (2: usage, 1: content), a port in use, and
the same count of files in "Built" and "Up to date"."""

from __future__ import annotations

import json
import os
import re
import select
import socket
import subprocess
import sys
from pathlib import Path

from kit_helpers import line_col, replace_once, run_cli

BUILT = re.compile(r"^Built \d+ cards and \d+ boards into (\d+) files in ", re.MULTILINE)
UP_TO_DATE = re.compile(r"^Up to date: nothing changed since the last build of .* \((\d+) files\)\.$", re.MULTILINE)
PROGRESS = re.compile(r"\r  (\d+)/(\d+) files(, (\d+ min )?\d+ s left)?")
PLACEHOLDER_WARNING = "warning: the follow-up URL points at a placeholder host (example.org)"


def run_in_terminal(*args, cwd: Path, **env: str) -> tuple[int, str, str]:
    """`python -m workshop_kit ARGS` with stderr on a pseudo-terminal (so
    that isatty() is true there) and stdout in a pipe; the environment
    without NO_COLOR, TERM=xterm, then `env`. (exit code, stdout, what the
    terminal received)."""
    environment = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "TERM")}
    environment.update({"TERM": "xterm", "PYTHONIOENCODING": "utf-8", **env})
    controller, terminal = os.openpty()
    try:
        proc = subprocess.Popen([sys.executable, "-m", "workshop_kit", *map(str, args)], cwd=cwd,
                                env=environment, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=terminal)
    finally:
        os.close(terminal)
    received, stdout = b"", b""
    streams = {controller, proc.stdout.fileno()}
    while streams:
        for fd in select.select(list(streams), [], [], 120)[0]:
            try:
                chunk = os.read(fd, 65536)
            except OSError:  # EIO: the terminal's other side is closed
                chunk = b""
            if not chunk:
                streams.discard(fd)
            elif fd == controller:
                received += chunk
            else:
                stdout += chunk
    os.close(controller)
    code = proc.wait(60)
    return code, stdout.decode("utf-8"), received.decode("utf-8").replace("\r\n", "\n")


def listed(out: Path) -> list[str]:
    """The paths manifest.json lists under "files"."""
    return [f["path"] for f in json.loads((out / "manifest.json").read_text(encoding="utf-8"))["files"]]


# --- colours -----------------------------------------------------------------

def test_colours_on_a_terminal_unless_no_color_or_a_dumb_terminal(make_kit, tmp_path):
    kit = make_kit(("politikerroller",))
    code, _, coloured = run_in_terminal("validate", kit, cwd=tmp_path)
    assert code == 0, coloured
    assert f"\x1b[33m{PLACEHOLDER_WARNING}" in coloured, coloured
    for env in ({"NO_COLOR": "1"}, {"TERM": "dumb"}):
        code, _, plain = run_in_terminal("validate", kit, cwd=tmp_path, **env)
        assert code == 0, plain
        assert PLACEHOLDER_WARNING in plain and "\x1b" not in plain, (env, plain)
    # NO_COLOR set but empty does not count (no-color.org)
    assert "\x1b[33m" in run_in_terminal("validate", kit, cwd=tmp_path, NO_COLOR="")[2]


def test_a_content_error_is_red_on_a_terminal_and_plain_with_no_color(make_kit, tmp_path):
    kit = make_kit(("politikerroller",))
    replace_once(kit / "decks" / "politikerroller.yaml", "    title: Sikkerhedsvagten", "    title: 3")
    code, _, coloured = run_in_terminal("validate", kit, cwd=tmp_path)
    assert code == 1 and "\x1b[31m1 problem in the content:" in coloured, coloured
    code, _, plain = run_in_terminal("validate", kit, cwd=tmp_path, NO_COLOR="1")
    assert code == 1 and "1 problem in the content:" in plain and "\x1b" not in plain, plain


# --- the progress line --------------------------------------------------------

def test_a_build_on_a_terminal_shows_files_done_of_total_and_time_left(make_kit, tmp_path):
    kit, out = make_kit(("politikerroller",)), tmp_path / "out"
    code, stdout, terminal = run_in_terminal("build", kit, "--out", out, cwd=tmp_path, NO_COLOR="1")
    assert code == 0, terminal
    steps = [(int(m[1]), int(m[2])) for m in PROGRESS.finditer(terminal)]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    # every file the build draws: the listed files and the decks' contact sheets
    drawn = len(manifest["files"]) + sum(len(d.get("thumbnail_sheets", [])) for d in manifest["decks"])
    assert steps and steps[0] == (0, drawn) and steps[-1] == (drawn, drawn), terminal
    assert [done for done, _ in steps] == sorted(done for done, _ in steps)
    assert len(steps) > 2 and any(m[3] for m in PROGRESS.finditer(terminal)), terminal  # "3 s left"
    assert "\x1b" not in terminal  # redrawn with carriage returns and spaces, no cursor codes
    # the line is wiped with spaces before the warning is written over it
    *_, wiped, last = terminal.rstrip("\n").split("\r")
    assert wiped.strip() == "" and len(wiped) >= len("  0/1 files"), terminal[-300:]
    assert last.startswith(PLACEHOLDER_WARNING), terminal[-300:]
    assert BUILT.search(stdout), stdout


def test_no_progress_line_in_a_pipe_or_on_a_dumb_terminal(make_kit, tmp_path):
    kit = make_kit(("politikerroller",))
    run = run_cli("build", kit, "--out", tmp_path / "piped")
    assert run.code == 0, run.output
    assert "\r" not in run.stderr and " files" not in run.stderr, run.stderr
    assert run.stderr.startswith(PLACEHOLDER_WARNING), run.stderr
    code, _, terminal = run_in_terminal("build", kit, "--out", tmp_path / "dumb", cwd=tmp_path, TERM="dumb")
    assert code == 0, terminal
    assert "\r" not in terminal and not PROGRESS.search(terminal) and "\x1b" not in terminal, terminal


# --- --json ---------------------------------------------------------------------

def test_build_json_lists_the_files_written_and_kept(make_kit, tmp_path):
    kit, out = make_kit(("politikerroller", "velfaerdstemaer")), tmp_path / "out"
    first = run_cli("build", kit, "--out", out, "--json")
    assert first.code == 0 and first.stderr == "", first.output
    result = json.loads(first.stdout)  # nothing else on stdout
    files = listed(out)
    assert result == {"ok": True, "problems": [], "held_back": 0, "warnings": result["warnings"], "files": files,
                      "kept": []}
    assert result["warnings"] == json.loads((out / "manifest.json").read_text(encoding="utf-8"))["build"]["warnings"]
    assert any(PLACEHOLDER_WARNING[len("warning: "):] in warning for warning in result["warnings"])
    assert all((out / name).is_file() for name in files) and len(files) == 4

    again = run_cli("build", kit, "--out", out, "--json")
    assert again.code == 0 and again.stderr == "", again.output
    assert json.loads(again.stdout) == {**result, "files": [], "kept": files}

    replace_once(kit / "decks" / "politikerroller.yaml", "    title: Sikkerhedsvagten", "    title: Vagten")
    edited = run_cli("build", kit, "--out", out, "--json")
    assert edited.code == 0, edited.output
    changed = json.loads(edited.stdout)
    assert changed["files"] == [name for name in listed(out) if "politikerroller" in name]
    assert changed["kept"] == [name for name in listed(out) if "velfaerdstemaer" in name]
    assert len(changed["files"]) == len(changed["kept"]) == 2


def test_validate_and_build_json_give_the_problems_with_exit_1(make_kit, tmp_path):
    kit = make_kit(("politikerroller",))
    deck = kit / "decks" / "politikerroller.yaml"
    replace_once(deck, "    title: Sikkerhedsvagten", "    title: 3")
    line, column = line_col(deck, "    title: 3", "3")
    for command in (("validate", kit, "--json"), ("build", kit, "--out", tmp_path / "out", "--json")):
        run = run_cli(*command)
        assert run.code == 1 and run.stderr == "", run.output
        result = json.loads(run.stdout)
        assert result["ok"] is False and result["files"] == result["kept"] == result["warnings"] == []
        [problem] = result["problems"]
        assert problem["file"] == "decks/politikerroller.yaml"
        assert (problem["line"], problem["column"]) == (line, column)
        assert set(problem) == {"file", "line", "column", "field", "message"}
        assert problem["field"] and problem["message"]
        assert result["held_back"] == 0
    assert not (tmp_path / "out").exists()


def test_json_counts_the_problems_held_back_behind_an_unreadable_file(make_kit):
    kit = make_kit()  # dialogue-format cards link to the dilemmas
    replace_once(kit / "decks" / "dilemmaer.yaml", "    title: ", "\ttitle: ")
    run = run_cli("validate", kit, "--json")
    assert run.code == 1 and run.stderr == "", run.output
    result = json.loads(run.stdout)
    [problem] = result["problems"]
    assert problem["file"] == "decks/dilemmaer.yaml" and "tabs" in problem["message"]
    assert result["held_back"] > 0
    printed = run_cli("validate", kit)
    assert f"{result['held_back']} problems that follow from this were held back" in printed.stderr


def test_validate_json_of_a_good_kit_has_the_warnings_validate_prints(make_kit):
    kit = make_kit(("politikerroller",))
    # two warnings: the placeholder host, and formats asked where the kit has none to offer
    replace_once(kit / "kit.yaml", "    audience: council\n", "    audience: council\n    background: [formats]\n")
    run = run_cli("validate", kit, "--json")
    assert run.code == 0 and run.stderr == "", run.output
    result = json.loads(run.stdout)
    assert result["ok"] is True and result["problems"] == result["files"] == result["kept"] == []
    printed = run_cli("validate", kit)
    assert printed.code == 0 and printed.stdout.startswith("OK: 1 decks, 12 cards"), printed.output
    assert [f"warning: {w}" for w in result["warnings"]] == printed.stderr.splitlines()
    assert len(result["warnings"]) == 2


# --- exit codes ---------------------------------------------------------------------

def test_a_missing_kit_folder_is_a_usage_error(tmp_path):
    missing = tmp_path / "no-such-kit"
    commands = {"build": ["--json"], "validate": ["--json"], "list": [], "report": [],
                "serve": ["--port", "1"], "responses": ["--yes"]}
    for command, options in commands.items():
        for folder in (missing, tmp_path):  # no folder; a folder without kit.yaml
            words = ["responses", "delete"] if command == "responses" else [command]
            run = run_cli(*words, folder, *options)
            assert run.code == 2 and run.stdout == "", (command, folder, run.output)
            assert "Traceback" not in run.stderr
            assert f"no folder '{missing}'" in run.stderr if folder == missing else \
                f"no kit.yaml in {tmp_path}" in run.stderr, run.stderr
    assert not missing.exists() and not (tmp_path / "output").exists()


def test_an_unknown_deck_in_only_is_a_usage_error_also_with_json(make_kit, tmp_path):
    kit = make_kit(("politikerroller",))
    run = run_cli("build", kit, "--out", tmp_path / "out", "--only", "politikerrolle", "--json")
    assert run.code == 2 and run.stdout == "", run.output
    assert "no deck or board named 'politikerrolle'; did you mean 'politikerroller'?" in run.stderr
    assert not (tmp_path / "out").exists()


def test_a_content_error_exits_1(make_kit, tmp_path):
    kit = make_kit(("politikerroller",))
    replace_once(kit / "decks" / "politikerroller.yaml", "    title: Sikkerhedsvagten", "    title: 3")
    run = run_cli("build", kit, "--out", tmp_path / "out")
    assert run.code == 1 and "1 problem in the content:" in run.stderr, run.output


# --- serve on a port in use ------------------------------------------------------------

def test_serve_on_a_port_in_use_says_so_in_one_line_and_exits_2(make_kit, tmp_path):
    kit = make_kit(("politikerroller",))
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        port = held.getsockname()[1]
        run = run_cli("serve", kit, "--port", port, "--db", tmp_path / "answers.db", timeout=60)
    assert run.code == 2, run.output
    assert run.stdout == "", run.stdout  # nothing says it is listening
    assert run.stderr.splitlines() == [
        f"Error: cannot listen on 127.0.0.1:{port}: the port is in use; choose another with --port"], run.stderr
    assert not (tmp_path / "answers.db").exists()  # checked before the database is made


# --- the count of files ------------------------------------------------------------------

def test_built_and_up_to_date_count_the_files_the_manifest_lists(make_kit, tmp_path):
    """N in "Built ... N files" and "Up to date ... N files" is the number of
    files manifest.json lists (not index.html, manifest.json, thumbnails)."""
    kit, out = make_kit(("politikerroller", "velfaerdstemaer")), tmp_path / "out"
    built = run_cli("build", kit, "--out", out)
    assert built.code == 0, built.output
    again = run_cli("build", kit, "--out", out)
    assert again.code == 0, again.output
    count = int(BUILT.search(built.stdout)[1])
    assert int(UP_TO_DATE.search(again.stdout)[1]) == count == len(listed(out)) == 4
