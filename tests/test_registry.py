"""One registry of element kinds and board types, and imports that follow
the pipeline: the template schema, the checks and the errors derive from
the registry, and no module imports from a stage after its own."""

from __future__ import annotations

import ast
import json
import shutil
from pathlib import Path

from kit_helpers import REPO, line_col, replace_once, run_cli
from workshop_kit.content.boards import board_types
from workshop_kit.file_kind import FileKind
from workshop_kit.layout.elements.registry import kinds, kinds_on

PACKAGE = REPO / "src" / "workshop_kit"

# content < layout < impose < draw < output < the commands on top. "shared"
# sits below content: what every stage may use (problems, fonts, QR codes).
ORDER = ("shared", "content", "layout", "impose", "draw", "output", "top")
STAGE = {
    "__init__": "shared", "builtin": "shared", "problems": "shared", "fonts": "shared",
    "qr": "shared", "qr_codewords": "shared", "stop": "shared", "terminal": "shared",
    "workers": "shared", "collector": "shared", "file_kind": "shared", "printing": "shared",
    "content": "content",
    "fingerprints": "content",   # digests of content files and models
    "layout": "layout",
    "tally": "layout",           # content and answers -> what the report draws
    "impose": "impose",
    "draw": "draw",
    "output": "output",
    "store": "output",           # answers written and read back
    "build": "top", "cli": "top", "__main__": "top", "report": "top", "serve": "top",
    "watch": "top", "scaffold": "top", "schemas": "top", "deck_import": "top", "deck_export": "top",
    "capture": "top",            # photos of a used board -> its YAML
}


# Commands on the same stage that stand beside each other, not on top of
# each other: the report shares the kit's font with the build, it does not
# run through the build.
BESIDE = {("report", "build"), ("serve", "build"), ("watch", "build"), ("capture", "build")}


def _top(module: str) -> str:
    return module.split(".")[1] if "." in module else "__init__"


def _is_module(name: str) -> bool:
    return (PACKAGE / f"{name}.py").is_file() or (PACKAGE / name / "__init__.py").is_file()


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every workshop_kit import, at any depth of the file."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "workshop_kit":
                found += [(node.lineno, f"workshop_kit.{alias.name}" if _is_module(alias.name) else "workshop_kit")
                          for alias in node.names]
            elif node.module.startswith("workshop_kit."):
                found.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names if alias.name.startswith("workshop_kit.")]
    return found


def test_every_top_level_module_has_a_stage():
    names = {p.stem if p.is_file() else p.name for p in PACKAGE.iterdir()
             if (p.suffix == ".py" or (p.is_dir() and (p / "__init__.py").is_file()))}
    assert names - STAGE.keys() == set(), "give these modules a stage in STAGE"


def test_no_module_imports_from_a_later_stage():
    backward = []
    for path in sorted(PACKAGE.rglob("*.py")):
        own = path.relative_to(PACKAGE).parts
        own_top = own[0].removesuffix(".py")
        stage = ORDER.index(STAGE[own_top])
        for line, module in _imports(path):
            other = _top(module)
            if other == own_top:
                continue
            if ORDER.index(STAGE[other]) > stage or (own_top, other) in BESIDE:
                backward.append(f"{path.relative_to(REPO)}:{line}: {own_top} ({STAGE[own_top]}) imports "
                                f"{module} ({STAGE[other]})")
    assert backward == []


def test_the_walk_sees_a_backward_import(tmp_path):
    """The check above reads imports inside functions too."""
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    from workshop_kit.impose.poster import LABEL_BAND\n", encoding="utf-8")
    assert _imports(sample) == [(2, "workshop_kit.impose.poster")]


# --- the registry of element kinds ----------------------------------------------------

def _kinds_in_schema(schema: dict) -> set[str]:
    """The `kind` of every element the schema's faces take."""
    found = set()
    for model in schema["$defs"].values():
        items = model.get("properties", {}).get("elements", {}).get("items")
        if items is None:
            continue
        for member in items.get("oneOf", [items]):
            spec = schema["$defs"][member["$ref"].rsplit("/", 1)[1]]
            found.add(spec["properties"]["kind"]["const"])
    return found


def test_the_template_schemas_list_exactly_the_registered_kinds(tmp_path):
    run = run_cli("schema", tmp_path, "--out", tmp_path / "schemas")
    assert run.code == 0, run.output
    card = json.loads((tmp_path / "schemas" / "template-card.schema.json").read_text(encoding="utf-8"))
    board = json.loads((tmp_path / "schemas" / "template-board.schema.json").read_text(encoding="utf-8"))
    assert _kinds_in_schema(card) == set(kinds_on("cards")) == {"fill", "image", "qr", "text"}
    assert _kinds_in_schema(board) == set(kinds_on("boards")) == set(kinds())
    assert set(kinds()) >= {"fill", "text", "qr", "rings", "matrix", "table", "checklist", "lines"}


def test_every_module_of_the_elements_package_registers_its_kind():
    """One module per kind, named for it: a kind registered twice or a
    module that registers none would show here."""
    folder = PACKAGE / "layout" / "elements"
    helpers = {"__init__", "base", "registry", "tokens"}
    modules = {p.stem for p in folder.glob("*.py")} - helpers
    assert modules == set(kinds())
    for name, kind in kinds().items():
        assert kind.spec.__module__ == f"workshop_kit.layout.elements.{name}"
        assert kind.lay_out.__module__ == kind.spec.__module__


def test_every_board_type_is_one_module():
    folder = PACKAGE / "content" / "boards"
    modules = {p.stem for p in folder.glob("*.py")} - {"__init__", "base", "registry"}
    assert {name.replace("-", "_") for name in board_types()} == modules
    for name, kind in board_types().items():
        assert kind.model.__module__ == f"workshop_kit.content.boards.{name.replace('-', '_')}"


def _one_problem(run, kit: Path, file: str, needle: str, at: str) -> str:
    assert run.code == 1, run.output
    assert "Traceback" not in run.output, run.output
    found = run.problems()
    assert len(found) == 1, run.stderr
    line, column = line_col(kit / file, needle, at)
    assert (found[0]["file"], int(found[0]["line"]), int(found[0]["col"])) == (file, line, column), run.stderr
    return found[0]["rest"]


def test_an_unknown_kind_is_one_problem_at_it_with_the_kind_meant(make_kit):
    kit = make_kit()
    template = "templates/dilemma.yaml"
    replace_once(kit / template, "    - kind: text", "    - kind: txet")
    rest = _one_problem(run_cli("validate", kit), kit, template, "kind: txet", "txet")
    assert "front.elements[1].kind: unknown element kind 'txet'; did you mean 'text'?" in rest
    assert "(a card template can draw: fill, image, qr, text)" in rest


def test_a_board_kind_on_a_card_is_refused_at_its_line(make_kit):
    kit = make_kit()
    template = "templates/dilemma.yaml"
    # the first text element becomes a matrix: its text's fields are not a problem of their own
    replace_once(kit / template, "    - kind: text", "    - kind: matrix")
    rest = _one_problem(run_cli("validate", kit), kit, template, "kind: matrix", "matrix")
    assert "a dilemma template cannot draw 'matrix' elements (it can: fill, image, qr, text)" in rest


def test_an_element_takes_only_the_fields_of_its_kind(make_kit):
    kit = make_kit()
    template = "templates/dilemma.yaml"
    text = (kit / template).read_text(encoding="utf-8")
    assert "    - kind: qr\n" in text
    replace_once(kit / template, "    - kind: qr\n", "    - kind: qr\n      colour: ink\n")
    rest = _one_problem(run_cli("validate", kit), kit, template, "colour: ink", "colour")
    assert "unknown field 'colour'" in rest and "allowed here: box, kind, level, max_size, when" in rest


def test_a_misspelt_kind_key_is_one_problem_with_the_key_meant(make_kit):
    kit = make_kit()
    template = "templates/dilemma.yaml"
    replace_once(kit / template, "    - kind: text", "    - knd: text")
    rest = _one_problem(run_cli("validate", kit), kit, template, "knd: text", "knd")
    assert "front.elements[1].knd: unknown field 'knd'; did you mean 'kind'?" in rest


def test_a_misspelt_key_of_a_text_element_is_one_problem_with_the_key_meant(make_kit):
    kit = make_kit()
    template = "templates/dilemma.yaml"
    replace_once(kit / template, "      colour: on-accent", "      colur: on-accent")
    rest = _one_problem(run_cli("validate", kit), kit, template, "colur: on-accent", "colur")
    assert "unknown field 'colur'; did you mean 'colour'?" in rest


def test_a_board_kind_drawn_on_a_board_without_its_content_is_refused_at_its_line(tmp_path):
    """A partner matrix has no rings: its template cannot draw them (once a traceback)."""
    kit = tmp_path / "kit"
    shutil.copytree(REPO, kit, ignore=shutil.ignore_patterns("output", ".git", "tests", "src", "kits", "docs"))
    template = "templates/boards/partner-matrix.yaml"
    text = (kit / template).read_text(encoding="utf-8")
    start = text.index("    - kind: matrix\n")
    element = text[start:text.index("    - kind:", start + 1)]
    as_rings = "".join(line + "\n" for line in element.splitlines() if not line.startswith("      fill:"))
    (kit / template).write_text(text.replace(element, as_rings.replace("kind: matrix", "kind: rings")),
                                encoding="utf-8")
    rest = _one_problem(run_cli("validate", kit), kit, template, "kind: rings", "rings")
    assert ("'rings' elements draw a board's rings and elements, which a partner-matrix board does not "
            "have (its template can draw: corners, fill, image, lines, marker, matrix, qr, text)") in rest


# --- the manifest's file kinds --------------------------------------------------------

def test_the_manifest_names_files_by_the_kinds_of_the_enumeration(built):
    kinds_written = {entry["kind"] for entry in built.files}
    # every kind but the pictures of single cards, which `build --cards` writes (tests/test_card_pictures.py)
    assert kinds_written == {kind.value for kind in FileKind} - {FileKind.CARD_PICTURE}
