"""What the kit's files and messages point a user to exists for someone who
installed workshop-kit from a wheel: sections of the README (its long
description), and `workshop-kit labels` instead of a path into the source."""

from __future__ import annotations

import re

import yaml

from kit_helpers import REPO, run_cli

SHIPPED = ["kit.yaml", "guide.yaml", "decks", "boards", "templates", "kits", "src/workshop_kit"]


def readme_headings() -> set[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    return {m.group(1).strip() for m in re.finditer(r"^#{2,4} (.+)$", text, re.MULTILINE)}


def shipped_texts():
    for name in SHIPPED:
        path = REPO / name
        files = [path] if path.is_file() else sorted(p for p in path.rglob("*")
                                                     if p.suffix in (".yaml", ".py", ".html"))
        for file in files:
            yield file.relative_to(REPO).as_posix(), file.read_text(encoding="utf-8")


def test_every_pointer_to_the_readme_names_a_section_it_has():
    headings = readme_headings()
    assert "The content model" in headings
    pointers = 0
    for name, text in shipped_texts():
        for line in text.splitlines():
            if "README" not in line:
                continue
            pointers += 1
            section = re.search(r'README, section \\?"([^"\\]+)\\?"', line)
            assert section, f"{name}: a pointer to the README names its section: {line.strip()}"
            assert section.group(1) in headings, f"{name}: no README section '{section.group(1)}'"
    assert pointers >= 20  # every shipped deck, board, guide and kit.yaml says where its fields are


def test_nothing_a_user_reads_points_into_the_source_tree():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    user_part = readme.split("\n## How it is built", 1)[0]
    assert "src/workshop_kit" not in user_part
    for name, text in shipped_texts():
        if name.endswith(".yaml"):
            assert "src/workshop_kit" not in text, name


def test_labels_lists_every_label_of_the_language_as_yaml_to_copy(tmp_path):
    for language in ("da", "en"):
        run = run_cli("labels", "--lang", language, cwd=tmp_path)
        assert run.code == 0, run.output
        listed = yaml.safe_load(run.stdout)
        shipped = yaml.safe_load((REPO / "src/workshop_kit/data/labels" / f"{language}.yaml").read_text("utf-8"))
        assert listed == shipped
        assert run.stdout.startswith("# ")
    assert yaml.safe_load(run_cli("labels", cwd=tmp_path).stdout)["welfare-theme"] == "Velfærdstema"


def test_labels_of_a_kit_show_its_own_texts_and_colours(make_kit):
    kit = make_kit(("politikerroller",))
    with open(kit / "kit.yaml", "a", encoding="utf-8") as fh:
        fh.write("labels:\n  scan: Scan og svar her\n")
    run = run_cli("labels", kit)
    assert run.code == 0, run.output
    assert yaml.safe_load(run.stdout)["scan"] == "Scan og svar her"
    english = yaml.safe_load(run_cli("labels", REPO / "kits" / "en").stdout)
    assert english["welfare-theme"] == "Welfare theme"

    colours = run_cli("labels", "--colours", kit)
    assert colours.code == 0, colours.output
    listed = yaml.safe_load(colours.stdout)
    kit_colours = yaml.safe_load((kit / "kit.yaml").read_text("utf-8"))["theme"]["colours"]
    for role, colour in kit_colours.items():
        assert listed[role] == colour
    assert {"ink", "paper", "tint-guide"} <= set(listed)


def test_labels_of_a_broken_kit_is_one_clear_error(make_kit):
    kit = make_kit(("politikerroller",))
    with open(kit / "kit.yaml", "a", encoding="utf-8") as fh:
        fh.write("labels:\n  scann: Scan\n")
    run = run_cli("labels", kit)
    assert run.code == 1
    assert "Traceback" not in run.output
    assert "kit.yaml:" in run.stderr and "did you mean 'scan'" in run.stderr
    assert "--lang" in run.stderr
