"""`workshop-kit new`: a starter kit in Danish or English that builds at once."""

from __future__ import annotations

import json

import pytest

from kit_helpers import REPO, load_yaml, pdf_text, tree_digest


@pytest.mark.parametrize("language", ["da", "en"])
def test_a_new_kit_builds_at_once_in_its_language(cli, tmp_path, language):
    kit = tmp_path / f"roskilde-{language}"
    made = cli("new", kit, "--lang", language)
    assert made.code == 0, made.output
    assert "Traceback" not in made.output
    ignored = (kit / ".gitignore").read_text().splitlines()
    assert (kit / "kit.yaml").is_file() and "output/" in ignored and "responses.db*" in ignored
    assert {p.name for p in (kit / "templates").glob("*.yaml")} == {p.name for p in (REPO / "templates").glob("*.yaml")}
    # every YAML file names its schema, which is there, for the editor
    for path in [kit / "kit.yaml", *kit.glob("decks/*.yaml"), *kit.glob("boards/*.yaml")]:
        first = path.read_text(encoding="utf-8").split("\n", 1)[0]
        assert first.startswith("# yaml-language-server: $schema="), path
        assert (path.parent / first.split("=", 1)[1]).is_file(), first
    settings = load_yaml(kit / "kit.yaml")
    assert settings["language"] == language
    assert settings["id"] == kit.name  # the folder names the kit in its QR URLs

    built = cli("build", kit)
    assert built.code == 0, built.output
    manifest = json.loads((kit / "output" / "manifest.json").read_text(encoding="utf-8"))
    decks = {f["deck"] for f in manifest["files"] if f.get("kind") == "card-deck"}
    assert len(decks) == 5
    assert {b["type"] for b in manifest["boards"]} == {
        "influence-circle", "partner-matrix", "partner-list", "checklist", "decision-sheet"}
    assert all(f"/{kit.name}/" in card["qr_url"] for card in manifest["cards"])

    labels = load_yaml(REPO / "src" / "workshop_kit" / "data" / "labels" / f"{language}.yaml")
    other = load_yaml(REPO / "src" / "workshop_kit" / "data" / "labels" / f"{'en' if language == 'da' else 'da'}.yaml")
    text = "\n".join(pdf_text(kit / "output" / f["path"]) for f in manifest["files"]
                     if f.get("mode") == "shop")
    for key in ("scan", "welfare-theme", "dialogue-format", "dilemma", "politician-role"):
        assert labels[key] in text, key
    assert other["scan"] not in text


def test_new_refuses_a_folder_with_files_and_changes_nothing(cli, tmp_path):
    kit = tmp_path / "kit"
    kit.mkdir()
    (kit / "notes.txt").write_text("mine", encoding="utf-8")
    before = tree_digest(tmp_path)
    run = cli("new", kit)
    assert run.code == 2
    assert "not empty" in run.stderr and "Traceback" not in run.output
    assert tree_digest(tmp_path) == before


def test_new_fills_an_empty_folder(cli, tmp_path):
    kit = tmp_path / "empty"
    kit.mkdir()
    run = cli("new", kit, "--lang", "en")
    assert run.code == 0, run.output
    assert (kit / "decks").is_dir() and (kit / "boards").is_dir()
    assert not list(tmp_path.glob(".new-kit-*"))


def test_a_kit_overrides_the_card_number_label(cli, make_kit, tmp_path):
    kit = make_kit(("politikerroller",))
    with open(kit / "kit.yaml", "a", encoding="utf-8") as fh:
        fh.write('labels:\n  number: "kort {n} af {total}"\n  scan: "Scan og svar"\n')
    run = cli("build", kit, "--out", tmp_path / "out", "--mode", "shop")
    assert run.code == 0, run.output
    text = pdf_text(tmp_path / "out" / "decks" / "politikerroller-print-shop.pdf")
    assert "kort 1 af 12" in text and "kort 12 af 12" in text
    assert "Scan og svar" in text and "Scan for at følge op" not in text
