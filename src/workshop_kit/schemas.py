"""`workshop-kit schema`: every JSON Schema a kit's YAML files name,
written into one folder atomically: those of the content files
(content/schema.py) and those of the card and board templates, whose
element kinds come from the layout's registry (layout/elements/). Writing
them is an output step, so it is done here, above those stages.
"""

from __future__ import annotations

from pathlib import Path

from workshop_kit.content.schema import YamlKind, modeline, schema_file, yaml_kinds
from workshop_kit.layout.template import BoardTemplate, Template
from workshop_kit.output.files import Staging

TEMPLATE_KINDS: dict[str, YamlKind] = {
    "template-card": YamlKind("templates", Template, "Card template: the layout of a card type"),
    "template-board": YamlKind("templates/boards", BoardTemplate, "Board template: the layout of a board type"),
}


def schema_texts(kit: Path | None = None) -> dict[str, str]:
    """File name -> JSON text of every schema of a kit (default: the shipped card types)."""
    return {schema_file(kind): of.text() for kind, of in {**yaml_kinds(kit), **TEMPLATE_KINDS}.items()}


def template_modeline(kind: str) -> str:
    """The first line of a template of this kind: where editors find its schema."""
    return modeline(kind, TEMPLATE_KINDS[kind].folder)


def write_schemas(out: Path, kit: Path | None = None) -> list[str]:
    """Write every schema of a kit into out (atomically); the file names written."""
    with Staging(out) as staging:
        for name, text in schema_texts(kit).items():
            staging.write(name, text.encode("utf-8"))
        staging.commit()
        return list(staging.names)
