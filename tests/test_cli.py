"""The commands as a user runs them: list, validate, build and its options,
and the manifest that a build leaves."""

from __future__ import annotations

import json
import shutil

from kit_helpers import ALL_DECKS, STANDALONE, load_yaml, replace_once, tree_digest

PLACEHOLDER_WARNING = "example.org"


def _warning_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if "warning" in line.lower() and PLACEHOLDER_WARNING in line]


def _yaml_decks(kit) -> dict[str, dict]:
    return {p.stem: load_yaml(p) for p in sorted((kit / "decks").glob("*.yaml"))}


def test_version(invoke):
    run = invoke("--version")
    assert run.code == 0 and "0.1.0" in run.stdout


def test_list_json_has_the_decks_and_cards_of_the_yaml(invoke, shipped_kit):
    run = invoke("list", shipped_kit, "--json")
    assert run.code == 0, run.output
    data = json.loads(run.stdout)
    decks = {d["name"]: d for d in data["decks"]}
    yaml_decks = _yaml_decks(shipped_kit)
    assert set(decks) == set(yaml_decks) == set(ALL_DECKS)
    for name, deck in decks.items():
        source = yaml_decks[name]
        assert deck["type"] == source["type"]
        assert len(deck["cards"]) == len(source["cards"]), name
        assert [c["id"] for c in deck["cards"]] == [c["id"] for c in source["cards"]]
        assert [c["title"] for c in deck["cards"]] == [c["title"] for c in source["cards"]]
    assert sum(len(d["cards"]) for d in decks.values()) == 68


def test_list_as_text_names_every_deck(invoke, shipped_kit):
    run = invoke("list", shipped_kit)
    assert run.code == 0, run.output
    for name in ALL_DECKS:
        assert name in run.stdout


def test_validate_the_shipped_kit_warns_once_about_the_placeholder(cli, shipped_kit):
    run = cli("validate", shipped_kit)
    assert run.code == 0, run.output
    assert "Traceback" not in run.output
    assert "5 decks" in run.stdout and "68 cards" in run.stdout
    assert len(_warning_lines(run.output)) == 1, run.output


def test_build_warns_once_about_the_placeholder(built):
    assert len(_warning_lines(built.run.output)) == 1, built.run.output
    assert "68 cards" in built.run.stdout


def test_no_placeholder_warning_with_a_real_url(invoke, make_kit):
    kit = make_kit(STANDALONE)
    replace_once(kit / "kit.yaml", "https://example.org", "https://kommune.dk/opfoelgning")
    run = invoke("validate", kit)  # (the council's form asks formats where a kit has them; this one has none)
    assert run.code == 0, run.output
    assert not _warning_lines(run.output) and "warning" not in run.output.lower()


def test_a_form_that_asks_formats_in_a_kit_without_them_warns_once(invoke, make_kit):
    kit = make_kit(STANDALONE)
    replace_once(kit / "kit.yaml", "https://example.org", "https://kommune.dk/opfoelgning")
    replace_once(kit / "kit.yaml", "    audience: council\n",
                 "    audience: council\n    background: [topics, formats]\n")
    run = invoke("validate", kit)
    assert run.code == 0, run.output
    assert [line for line in run.output.splitlines() if line.startswith("warning:")] == [
        "warning: a follow-up form asks for preferred dialogue formats (background: formats), and the kit "
        "has no dialogue-format cards to offer; the question is left out"], run.output


def test_mode_home_writes_only_duplex_sheets(make_kit, build, tmp_path):
    kit = make_kit(STANDALONE)
    result = build(kit, tmp_path / "out", "--mode", "home")
    assert {f["mode"] for f in result.deck_files} == {"home"}
    assert sorted(f["path"] for f in result.deck_files) == [
        f"decks/{d}-a4-duplex.pdf" for d in sorted(STANDALONE)]
    pdfs = sorted(p.relative_to(result.out).as_posix() for p in result.out.rglob("*.pdf"))
    assert pdfs == sorted(f["path"] for f in result.files)
    for card in result.cards:
        assert {p["file"] for p in card["placements"]} == {f"decks/{card['deck']}-a4-duplex.pdf"}


def test_mode_shop_writes_only_print_shop_files(make_kit, build, tmp_path):
    kit = make_kit(("politikerroller",))
    result = build(kit, tmp_path / "out", "--mode", "shop")
    assert [f["path"] for f in result.deck_files] == ["decks/politikerroller-print-shop.pdf"]
    assert not list(result.out.rglob("*duplex*"))


def test_only_rebuilds_one_deck_and_keeps_the_rest_in_the_manifest(built, build, shipped_kit, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(built.out, out)
    before = tree_digest(out)
    stamps = {p: p.stat().st_mtime_ns for p in (out / "decks").rglob("*.pdf")}
    result = build(shipped_kit, out, "--only", "politikerroller", "--force")
    assert "12 cards" in result.run.stdout
    # the manifest still lists every file and every card of the earlier build
    assert sorted(f["path"] for f in result.files) == sorted(f["path"] for f in built.files)
    assert sorted((c["deck"], c["id"]) for c in result.cards) == \
        sorted((c["deck"], c["id"]) for c in built.cards)
    for card in result.cards:
        assert len(card["placements"]) == 4, card["id"]
    # the other decks' files were not touched; the rebuilt deck's files were written again
    after = tree_digest(out)
    for path, stamp in stamps.items():
        name = path.relative_to(out).as_posix()
        if "politikerroller" in name:
            assert path.stat().st_mtime_ns != stamp, name
        else:
            assert path.stat().st_mtime_ns == stamp, name
            assert after[name] == before[name]


def test_only_with_another_paper_lists_the_new_sheets(built, build, shipped_kit, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(built.out, out)
    result = build(shipped_kit, out, "--only", "velfaerdstemaer", "--paper", "letter", "--mode", "home")
    paths = {f["path"] for f in result.files}
    assert "decks/velfaerdstemaer-letter-duplex.pdf" in paths
    assert "decks/velfaerdstemaer-a4-duplex.pdf" not in paths
    for deck in set(ALL_DECKS) - {"velfaerdstemaer"}:
        assert {f"decks/{deck}-a4-duplex.pdf", f"decks/{deck}-print-shop.pdf"} <= paths
    for card in result.cards:
        files = {p["file"] for p in card["placements"]}
        assert all(f in paths for f in files), (card["id"], files)


def test_the_manifest_describes_every_card(built, shipped_kit):
    yaml_decks = _yaml_decks(shipped_kit)
    assert built.manifest["kit"]["id"] == load_yaml(shipped_kit / "kit.yaml")["id"]
    assert len(built.cards) == sum(len(d["cards"]) for d in yaml_decks.values())
    files_of = {}
    assert len(built.deck_files) == 10
    for entry in built.deck_files:
        assert {"path", "kind", "deck", "mode", "paper", "pages", "page_size_mm"} <= set(entry)
        files_of.setdefault(entry["deck"], []).append(entry["path"])
    for card in built.cards:
        assert {"deck", "id", "title", "qr_url", "size_mm", "placements"} <= set(card)
        source = next(c for c in yaml_decks[card["deck"]]["cards"] if c["id"] == card["id"])
        assert card["title"] == source["title"]
        assert card["size_mm"] == [70, 120]  # the shipped kit's tarot cards
        assert len(files_of[card["deck"]]) == 2
        for path in files_of[card["deck"]]:
            sides = sorted(p["side"] for p in card["placements"] if p["file"] == path)
            assert sides == ["back", "front"], (card["id"], path)
        for p in card["placements"]:
            assert len(p["trim_mm"]) == 4 and p["trim_mm"][2:] == [70, 120]


def test_build_defaults_to_the_kit_output_folder_whatever_the_current_directory(cli, make_kit, tmp_path):
    kit = make_kit(("politikerroller",))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    run = cli("build", kit, "--mode", "home", cwd=elsewhere)
    assert run.code == 0, run.output
    assert (kit / "output" / "manifest.json").is_file()
    assert (kit / "output" / "decks" / "politikerroller-a4-duplex.pdf").is_file()
    assert not any(elsewhere.iterdir())


def test_a_failed_build_creates_no_output_folder(cli, make_kit):
    kit = make_kit(("politikerroller",))
    replace_once(kit / "decks" / "politikerroller.yaml", "    title: Sikkerhedsvagten", "    title: 3")
    run = cli("build", kit)
    assert run.code == 1 and "Traceback" not in run.output
    assert not (kit / "output").exists()


def test_repeating_only_builds_the_deck_once(cli, built, shipped_kit, tmp_path):
    """`--only X --only X` must not fail half-way through moving files into place."""
    out = tmp_path / "out"
    shutil.copytree(built.out, out)
    before = tree_digest(out)
    run = cli("build", shipped_kit, "--out", out, "--only", "politikerroller", "--only", "politikerroller")
    assert "Traceback" not in run.output, run.output[-800:]
    if run.code != 0:  # refusing the repeat is fine, but then nothing may change
        assert run.code == 2, run.output
        assert tree_digest(out) == before
        return
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    paths = [f["path"] for f in manifest["files"]]
    assert len(paths) == len(set(paths)), paths
    for card in manifest["cards"]:
        assert len(card["placements"]) == 4, (card["id"], card["placements"])
