"""`workshop-kit new`: a complete kit to start from, in Danish or English.

The starter kits are the kits this project ships (the Danish one is the
repository itself, the English one `kits/en/`), with the card and board
templates, so that a new kit builds at once and every layout can be
changed, and with the JSON Schemas its files name in their first line, so
that an editor completes and checks fields as the consultant types. The
folder is filled beside its final place and renamed into it, so a failed
`new` leaves nothing half made.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

from workshop_kit.builtin import DATA, default_templates_dir, starter_kit
from workshop_kit.content.model import is_slug, slug_from
from workshop_kit.content.schema import SCHEMA_FOLDER
from workshop_kit.output.files import OutputError, output_error
from workshop_kit.problems import did_you_mean
from workshop_kit.schemas import write_schemas

KIT_FILES = ("kit.yaml", "guide.yaml")
KIT_FOLDERS = ("decks", "boards")
IGNORE = ("# What workshop-kit builds; make it again with `workshop-kit build`.\noutput/\n"
          "# The participants' answers (`workshop-kit serve`): never commit them.\n"
          "responses.db*\n")


class FolderInUse(Exception):
    """The target folder exists and has files in it."""


def new_kit(target: Path, language: str) -> list[str]:
    """Write a starter kit into `target` (new or empty); the files written."""
    target = Path(target)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise FolderInUse(f"{target} already exists and is not empty; choose a new folder")
    source = starter_kit(language)
    try:
        return _fill(source, target)
    except OSError as error:
        raise output_error(error, target) from None
    except OutputError as error:  # (named after the folder it was made in)
        raise OutputError(target, error.reason) from None


def _fill(source: Path, target: Path) -> list[str]:
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".new-kit-", dir=target.parent))
    try:
        for name in KIT_FILES:
            if (source / name).is_file():
                shutil.copyfile(source / name, staging / name)
        for folder in KIT_FOLDERS:
            (staging / folder).mkdir()
            for path in sorted((source / folder).glob("*.yaml")):
                shutil.copyfile(path, staging / folder / path.name)
        shutil.copytree(default_templates_dir(), staging / "templates",
                        ignore=shutil.ignore_patterns("__pycache__"))
        write_schemas(staging / SCHEMA_FOLDER, staging)  # the files' first lines point here
        _name_kit(staging / "kit.yaml", target)
        (staging / ".gitignore").write_text(IGNORE, encoding="utf-8")
        written = sorted(p.relative_to(staging).as_posix() for p in staging.rglob("*") if p.is_file())
        staging.chmod(0o777 & ~_umask())  # mkdtemp made it private to its owner
        if target.exists():
            target.rmdir()  # empty, as checked above
        staging.rename(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return written


def kit_id_for(folder: Path) -> str | None:
    """The kit's id made from its folder's name as `import` makes card ids
    ('Ærø Kommune' -> 'aeroe-kommune'); None when nothing of it is left."""
    slug = slug_from(Path(folder).resolve().name)
    return slug if is_slug(slug) else None


def _name_kit(kit_yaml: Path, folder: Path) -> None:
    """Use the folder's name as the kit's id (it appears in the QR URLs)."""
    slug = kit_id_for(folder)
    if slug is None:
        return
    text = kit_yaml.read_text(encoding="utf-8")
    kit_yaml.write_text(re.sub(r"(?m)^id: *\S+", f"id: {slug}", text, count=1), encoding="utf-8")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# --- `workshop-kit new-type`: a card type of the kit's own --------------------

MINIMAL_TYPE = DATA / "card_type" / "minimal.yaml"
_OWN_KEYS = re.compile(r"^(name|colour|tint):.*\n", re.MULTILINE)  # the copied type's own, replaced


class TypeExists(Exception):
    """The kit has a card type of that name already, or none to copy."""


def new_type(kit: Path, name: str, source: str | None = None) -> Path:
    """Write kit/templates/<name>.yaml: a copy of the template of the type
    `source` under the new name, or a minimal one (a title and one text
    field); the path written. Never replaces a file."""
    from workshop_kit.content.card_type import load_card_types, type_files
    from workshop_kit.content.kit import kit_colours_and_labels
    from workshop_kit.layout.colours import hex_colour

    if not is_slug(name):
        made = slug_from(name)
        raise TypeExists(f"'{name}' cannot name a card type: use lowercase a-z, digits and hyphens"
                         + (f", e.g. '{made}'" if made else ""))
    files = type_files(kit)
    target = Path(kit) / "templates" / f"{name}.yaml"
    if name in files or target.exists():
        where = files[name] if name in files else target
        shown = where.relative_to(kit).as_posix() if where.is_relative_to(kit) else f"templates/{name}.yaml (shipped)"
        raise TypeExists(f"the kit has a card type '{name}' already ({shown}); choose another name")
    title = name.replace("-", " ").capitalize()
    if source is None:
        text = MINIMAL_TYPE.read_text(encoding="utf-8").replace("{name}", name).replace("{title}", title)
    else:
        if source not in files:
            raise TypeExists(f"no card type '{source}' to copy{did_you_mean(source, files)} "
                             f"(types: {', '.join(files)})")
        colours, labels = kit_colours_and_labels(load_card_types(kit, []), "en")
        text = files[source].read_text(encoding="utf-8")
        own = (f'name: {{en: "{title}", da: "{title}"}}\n'
               f'colour: "{hex_colour(colours[source])}"\n'
               f'tint: "{hex_colour(colours.get(f"tint-{source}", colours["paper"]))}"\n')
        text = _OWN_KEYS.sub("", text)
        body = text.find("\nfields:") if "\nfields:" in text else text.find("\nfront:")
        text = text[:body + 1] + f"# The card type '{name}', made from '{source}'.\n" + own + text[body + 1:]
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "x", encoding="utf-8") as fh:  # "x": never over a file made meanwhile
        fh.write(text)
    return target

