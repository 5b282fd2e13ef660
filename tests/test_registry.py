"""One registry of element kinds and board types, and imports that follow
the pipeline: the template schema, the checks and the errors derive from
the registry, and no module imports from a stage after its own."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from kit_helpers import REPO

PACKAGE = REPO / "src" / "workshop_kit"

# content < layout < impose < draw < output < the commands on top. "shared"
# sits below content: what every stage may use (problems, fonts, QR codes).
ORDER = ("shared", "content", "layout", "impose", "draw", "output", "top")
STAGE = {
    "__init__": "shared", "builtin": "shared", "problems": "shared", "fonts": "shared",
    "qr": "shared", "qr_codewords": "shared", "stop": "shared", "terminal": "shared",
    "workers": "shared", "file_kind": "shared", "printing": "shared",
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
}


# Commands on the same stage that stand beside each other, not on top of
# each other: the report shares the kit's font with the build, it does not
# run through the build.
BESIDE = {("report", "build"), ("serve", "build"), ("watch", "build")}


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
