"""JSON Schemas for editors: `workshop-kit schema` writes one per kind of
YAML file, templates included; every shipped file validates against its
own, broken files do not, and every shipped file names its schema in its
first line.

The schemas are read back with the `jsonschema` library, not with pydantic
that wrote them.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from pydantic import ValidationError

from kit_helpers import REPO, load_yaml
from workshop_kit.content.schema import yaml_kinds

KINDS = yaml_kinds(REPO)

EXPECTED = {
    "kit.schema.json", "guide.schema.json",
    "deck-welfare-theme.schema.json", "deck-dialogue-format.schema.json",
    "deck-dilemma.schema.json", "deck-politician-role.schema.json", "deck-political-lever.schema.json",
    "board-influence-circle.schema.json", "board-partner-matrix.schema.json",
    "board-partner-list.schema.json", "board-checklist.schema.json", "board-decision-sheet.schema.json",
    "template-card.schema.json", "template-board.schema.json",
}
MODELINE = re.compile(r"^# yaml-language-server: \$schema=(?P<path>\S+)$")


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> Path:
    """The schemas, written by the real command into a fresh folder."""
    from kit_helpers import run_cli

    out = tmp_path_factory.mktemp("schemas") / "out"
    run = run_cli("schema", REPO, "--out", out)
    assert run.code == 0, run.output
    assert "Traceback" not in run.output
    return out


def load_schema(folder: Path, name: str) -> dict:
    return json.loads((folder / name).read_text(encoding="utf-8"))


KITS = (REPO, REPO / "kits" / "en")  # the shipped Danish and English kits


def shipped_files() -> list[tuple[Path, str]]:
    """Every shipped YAML file of the kits and the schema it must follow."""
    files = []
    for kit in KITS:
        files.append((kit / "kit.yaml", "kit.schema.json"))
        files.append((kit / "guide.yaml", "guide.schema.json"))
        for folder, prefix in (("decks", "deck"), ("boards", "board")):
            for path in sorted((kit / folder).glob("*.yaml")):
                files.append((path, f"{prefix}-{load_yaml(path)['type']}.schema.json"))
        for folder, kind in (("templates", "card"), ("templates/boards", "board")):
            files += [(path, f"template-{kind}.schema.json") for path in sorted((kit / folder).glob("*.yaml"))]
    return files


def kit_of(path: Path) -> Path:
    return next(kit for kit in reversed(KITS) if kit in path.parents)


SHIPPED = shipped_files()


def test_the_command_writes_one_valid_schema_per_kind(written):
    assert {p.name for p in written.iterdir()} == EXPECTED
    for name in EXPECTED:
        schema = load_schema(written, name)
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        Draft202012Validator.check_schema(schema)
        assert schema["title"] and schema["type"] == "object"
        assert schema["additionalProperties"] is False, name


def test_default_out_is_the_kits_schemas_folder(cli, tmp_path):
    kit = tmp_path / "kit"
    kit.mkdir()
    run = cli("schema", kit)
    assert run.code == 0, run.output
    assert {p.name for p in (kit / "schemas").iterdir()} == EXPECTED


@pytest.mark.parametrize("kit", KITS, ids=["da", "en"])
def test_the_committed_schemas_are_the_generated_ones(kit, tmp_path):
    from kit_helpers import run_cli

    written = tmp_path / "out"
    assert run_cli("schema", kit, "--out", written).code == 0  # each kit's own: its card ids as choices
    committed = kit / "schemas"
    assert {p.name for p in committed.iterdir()} == EXPECTED
    for name in EXPECTED:
        assert (committed / name).read_bytes() == (written / name).read_bytes(), (
            f"{committed / name} is stale: run `workshop-kit schema {kit.relative_to(REPO)}` and commit the result")


@pytest.mark.parametrize("path, schema_name", SHIPPED, ids=[p.relative_to(REPO).as_posix() for p, _ in SHIPPED])
def test_every_shipped_file_follows_its_schema(path, schema_name):
    # its own kit's schemas (those the file names), which the test above keeps fresh
    validator = Draft202012Validator(load_schema(kit_of(path) / "schemas", schema_name))
    errors = [f"{e.json_path}: {e.message}" for e in validator.iter_errors(load_yaml(path))]
    assert errors == []


def test_every_shipped_kind_of_file_is_covered():
    assert {name for _, name in SHIPPED} == EXPECTED


@pytest.mark.parametrize("path, schema_name", SHIPPED, ids=[p.relative_to(REPO).as_posix() for p, _ in SHIPPED])
def test_the_modeline_is_the_first_line_and_names_the_schema(path, schema_name):
    first = path.read_text(encoding="utf-8").split("\n", 1)[0]
    match = MODELINE.match(first)
    assert match, f"{path.name} starts with {first!r}"
    target = (path.parent / match["path"]).resolve()
    assert target == (kit_of(path) / "schemas" / schema_name).resolve()
    assert target.is_file()


def _descriptions_missing(node, where="#") -> list[str]:
    missing = []
    if isinstance(node, dict):
        for name, prop in node.get("properties", {}).items():
            if not (isinstance(prop, dict) and prop.get("description", "").strip()):
                missing.append(f"{where}/properties/{name}")
        for key, value in node.items():
            missing += _descriptions_missing(value, f"{where}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            missing += _descriptions_missing(value, f"{where}/{i}")
    return missing


def test_every_property_has_a_description(written):
    properties = 0
    for name in EXPECTED:
        schema = load_schema(written, name)
        assert _descriptions_missing(schema) == [], name
        properties += json.dumps(schema).count('"properties"')
    assert properties > 40  # the walk did find the nested models


def test_choices_are_enums(written):
    kit = load_schema(written, "kit.schema.json")["properties"]
    assert kit["paper"]["enum"] == ["a4", "letter", "a3"]
    assert kit["duplex"]["enum"] == ["long-edge", "short-edge"]
    assert kit["language"]["enum"] == ["da", "en"]
    presets = [branch for branch in kit["card_size"]["anyOf"] if "enum" in branch]
    assert presets[0]["enum"] == ["poker", "bridge", "tarot", "a6", "a7", "square"]
    assert "scan" in kit["labels"]["properties"]
    deck = load_schema(written, "deck-dilemma.schema.json")["properties"]
    assert deck["type"]["const"] == "dilemma"


# --- broken files are rejected -----------------------------------------------------

def _set(data, path, value):
    *parents, last = path
    for part in parents:
        data = data[part]
    if value is DELETE:
        del data[last]
    else:
        data[last] = value


DELETE = object()
# (file, where, new value, checked by the pydantic model too)
BROKEN = {
    "kit unknown field": ("kit.yaml", ("titel",), "Temadag", True),
    "kit wrong type": ("kit.yaml", ("bleed",), "three", True),
    "kit paper not a choice": ("kit.yaml", ("paper",), "a5", True),
    "kit language not a choice": ("kit.yaml", ("language",), "de", True),
    "kit card size not a preset": ("kit.yaml", ("card_size",), "huge", False),
    "kit label that does not exist": ("kit.yaml", ("labels",), {"scann": "Scan"}, False),
    "kit missing follow-up": ("kit.yaml", ("follow_up",), DELETE, True),
    "kit url not http": ("kit.yaml", ("follow_up", "url"), "ftp://example.org/{card}", True),
    "kit colour not hex": ("kit.yaml", ("theme", "colours", "dilemma"), "red", False),
    "kit cmyk above 100": ("kit.yaml", ("theme", "colours", "dilemma"), {"cmyk": [0, 0, 120, 0]}, True),
    "deck wrong type name": ("decks/dilemmaer.yaml", ("type",), "dilema", True),
    "deck of another type": ("decks/dilemmaer.yaml", ("type",), "welfare-theme", True),
    "card unknown field": ("decks/dilemmaer.yaml", ("cards", 0, "scenarie"), "Tekst", True),
    "card missing required": ("decks/dilemmaer.yaml", ("cards", 0, "question"), DELETE, True),
    "card wrong type": ("decks/dilemmaer.yaml", ("cards", 0, "scenario"), 42, True),
    "card links not a list": ("decks/dilemmaer.yaml", ("cards", 0, "formats"), {"a": 1}, True),
    "card id not an id": ("decks/dilemmaer.yaml", ("cards", 0, "id"), "Frivillige i SFO", True),
    "card empty text": ("decks/politikerroller.yaml", ("cards", 0, "tagline"), "", True),
    "card empty list": ("decks/velfaerdstemaer.yaml", ("cards", 0, "opportunities"), [], True),
    "card nested unknown": ("decks/velfaerdstemaer.yaml", ("cards", 0, "barriers", "lov"), "x", True),
    "card nested missing": ("decks/dialogformater.yaml", ("cards", 0, "effort", "time"), DELETE, True),
    "deck without cards": ("decks/dilemmaer.yaml", ("cards",), [], True),
    "deck card size not a preset": ("decks/dilemmaer.yaml", ("card_size",), "jumbo", False),
    "board unknown field": ("boards/tjekliste.yaml", ("titel",), "x", True),
    "board score out of range": ("boards/partnermatrix.yaml", ("partners", 0, "score", "importance"), 6, True),
    "board one ring": ("boards/indflydelsescirkel.yaml", ("rings",), [{"name": "Kontrol"}], True),
    "board missing required": ("boards/partnermatrix.yaml", ("axes",), DELETE, True),
    "board qr not a flag": ("boards/tjekliste.yaml", ("qr",), {"enabled": "maybe"}, True),
}


def _with_context(errors):
    """The errors and, inside anyOf, the errors of each branch."""
    for error in errors:
        yield error
        yield from _with_context(error.context or [])


@pytest.mark.parametrize("case", list(BROKEN))
def test_broken_files_are_rejected(written, case):
    file, path, value, by_model = BROKEN[case]
    schema_name = dict((p.relative_to(REPO).as_posix(), n) for p, n in SHIPPED)[file]
    data = copy.deepcopy(load_yaml(REPO / file))
    _set(data, path, value)
    validator = Draft202012Validator(load_schema(written, schema_name))
    errors = list(validator.iter_errors(data))
    assert errors, f"{case}: the schema accepts it"
    # The error is at the broken value (or inside it), or at its mapping naming
    # the key that is unknown or missing.
    def at_the_break(error) -> bool:
        at = tuple(error.absolute_path)
        return at[:len(path)] == path or (at == path[:-1] and repr(path[-1]) in error.message)

    assert any(at_the_break(e) for e in _with_context(errors)), \
        [(list(e.absolute_path), e.message) for e in errors]
    if by_model:  # the schema says what the kit check says
        kind = schema_name.removesuffix(".schema.json")
        with pytest.raises(ValidationError):
            KINDS[kind].model.model_validate(data)


def test_a_board_of_one_type_is_rejected_by_the_schema_of_another(written):
    data = load_yaml(REPO / "boards/tjekliste.yaml")
    validator = Draft202012Validator(load_schema(written, "board-partner-matrix.schema.json"))
    assert not validator.is_valid(data)
