"""`workshop-kit schema`: every JSON Schema a kit's YAML files name,
written into one folder atomically.

The schemas of the content files come from content/schema.py; writing
them is an output step, so it is done here, above both stages.
"""

from __future__ import annotations

from pathlib import Path

from workshop_kit.content.schema import KINDS, schema_file, schema_text
from workshop_kit.output.files import Staging


def schema_texts() -> dict[str, str]:
    """File name -> JSON text of every schema."""
    return {schema_file(kind): schema_text(kind) for kind in KINDS}


def write_schemas(out: Path) -> list[str]:
    """Write every schema into out (atomically); the file names written."""
    with Staging(out) as staging:
        for name, text in schema_texts().items():
            staging.write(name, text.encode("utf-8"))
        staging.commit()
        return list(staging.names)
