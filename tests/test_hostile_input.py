"""Hostile and broken input, each through the real `validate` and `build`:
no traceback, both commands give the same answer, the error is short and
says where, nothing of a file outside the kit is quoted, and the previous
build stays exactly as it was."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from kit_helpers import ALL_DECKS, copy_kit, run_cli

DECK = "decks/politikerroller.yaml"
SECRET = "TOP-SECRET-OUTSIDE-THE-KIT"


def edit(relative: str, old: str, new: str):
    def apply(kit: Path, outside: Path) -> None:
        path = kit / relative
        text = path.read_text(encoding="utf-8")
        assert old in text, (relative, old)
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return apply


def write_bytes(relative: str, data: bytes):
    def apply(kit: Path, outside: Path) -> None:
        (kit / relative).write_bytes(data)
    return apply


def deck_bytes(transform):
    def apply(kit: Path, outside: Path) -> None:
        path = kit / DECK
        path.write_bytes(transform(path.read_bytes()))
    return apply


def alias_bomb(kit: Path, outside: Path) -> None:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, 10):
        refs = ",".join([f"*a{level - 1}"] * 9)
        lines.append(f"a{level}: &a{level} [{refs}]")
    (kit / DECK).write_text("\n".join(lines) + "\n", encoding="utf-8")


def deep_nesting(kit: Path, outside: Path) -> None:
    (kit / DECK).write_text("type: politician-role\nname: x\ncards: " + "[" * 20000 + "]" * 20000 + "\n",
                            encoding="utf-8")


def huge_file(kit: Path, outside: Path) -> None:
    text = (kit / DECK).read_text(encoding="utf-8")
    (kit / DECK).write_text(text + "# " + "x" * (64 * 1024 * 1024) + "\n", encoding="utf-8")


def folder_named_yaml(kit: Path, outside: Path) -> None:
    (kit / "decks" / "x.yaml").mkdir()


def template_outside(kit: Path, outside: Path) -> None:
    secret = outside / "secret.yaml"
    secret.write_text(f"password: {SECRET}\n  bad: [indent\n", encoding="utf-8")
    template = kit / "templates" / "politician-role.yaml"
    template.unlink()
    template.symlink_to(secret)


def deck_outside(kit: Path, outside: Path) -> None:
    secret = outside / "secret.yaml"
    secret.write_text(f"{SECRET}: [\n", encoding="utf-8")
    (kit / "decks" / "hemmelig.yaml").symlink_to(secret)


def long_qr_url(kit: Path, outside: Path) -> None:
    edit(DECK, "    title: Sikkerhedsvagten\n",
         "    title: Sikkerhedsvagten\n    qr_url: https://example.org/" + "x" * 3000 + "\n")(kit, outside)


CASES = {
    "tab indent": edit(DECK, "    title: Sikkerhedsvagten", "\ttitle: Sikkerhedsvagten"),
    "bad indent": edit(DECK, "    title: Sikkerhedsvagten", "      title: Sikkerhedsvagten"),
    "unquoted colon": edit(DECK, "tagline: Bestiller lige en ekstra analyse",
                           "tagline: Husk: en ekstra analyse"),
    "duplicate key": edit(DECK, "    title: Sikkerhedsvagten\n", "    title: Sikkerhedsvagten\n    title: Igen\n"),
    "invalid utf-8": deck_bytes(lambda b: b.replace("Sikkerhedsvagten".encode(), b"Sikkerheds\xffvagten", 1)),
    "cp1252 file": deck_bytes(lambda b: b.decode("utf-8").encode("cp1252", errors="replace")),
    "nul byte": deck_bytes(lambda b: b.replace(b"Sikkerhedsvagten", b"Sikker\x00hedsvagten", 1)),
    "binary garbage": write_bytes(DECK, bytes(range(256)) * 64),
    "empty file": write_bytes(DECK, b""),
    "a list, not a mapping": write_bytes(DECK, b"- a\n- b\n"),
    "alias bomb": alias_bomb,
    "deep nesting": deep_nesting,
    "huge file": huge_file,
    "unquoted colour": edit("kit.yaml", 'dilemma: "#A3361F"', "dilemma: #A3361F"),
    "no as a title": edit(DECK, "    title: Sikkerhedsvagten", "    title: no"),
    "id with Danish letters": edit(DECK, "  - id: sikkerhedsvagten", "  - id: Sikkerhedsvagten på vagt"),
    "folder named x.yaml": folder_named_yaml,
    "template links outside the kit": template_outside,
    "deck links outside the kit": deck_outside,
    "QR URL too long": long_qr_url,
    "kit.yaml missing": lambda kit, outside: (kit / "kit.yaml").unlink(),
}


def flood(apply):
    """A case on the kit with all five decks, whose cards link to each other."""
    apply.full = True
    return apply


CASES.update({
    "tab in a deck others link to": flood(edit("decks/dilemmaer.yaml", "    title: ", "\ttitle: ")),
    "long base_url": flood(edit("kit.yaml", "  base_url: https://example.org",
                                "  base_url: https://www.example.org/borgerinddragelse/temadag/"
                                "opfoelgning/spoergeskema/kommunalbestyrelsen/2026/"
                                "byraadets-temadag-om-borgerinddragelse" + "/i-byraadssalen-paa-raadhuset" * 12)),
    "low-contrast theme colour": flood(edit("kit.yaml", 'dilemma: "#A3361F"', 'dilemma: "#F0B0A0"')),
})


def digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def built_kits(tmp_path_factory):
    """A kit with one deck and one with all four, each built once: (kit, output) by 'small' and 'full'."""
    base = tmp_path_factory.mktemp("hostile")
    kits = {}
    for name, decks in (("small", ("politikerroller",)), ("full", ALL_DECKS)):
        kit = copy_kit(base / name, decks)
        out = base / f"{name}-out"
        first = run_cli("build", kit, "--out", out, "--mode", "home")
        assert first.code == 0, first.output
        kits[name] = (kit, out)
    return kits


@pytest.mark.parametrize("case", list(CASES))
def test_broken_input_is_a_short_clear_error_and_the_previous_build_stays(case, built_kits, tmp_path):
    apply = CASES[case]
    base_kit, base_out = built_kits["full" if getattr(apply, "full", False) else "small"]
    kit, out = tmp_path / "kit", tmp_path / "out"
    shutil.copytree(base_kit, kit)
    shutil.copytree(base_out, out)
    before = digest(out)
    outside = tmp_path / "outside"
    outside.mkdir()

    apply(kit, outside)
    validate = run_cli("validate", kit)
    build = run_cli("build", kit, "--out", out, "--mode", "home")

    for run in (validate, build):
        assert "Traceback" not in run.output, run.output[-3000:]
        assert SECRET not in run.output
        assert len(run.stderr) < 4000, run.stderr[:4000]  # a few lines, not a flood
        assert len([line for line in run.stderr.splitlines() if line.startswith("  ")]) <= 3, run.stderr
    assert validate.code == build.code, (validate.output, build.output)
    assert build.code in (1, 2), build.output  # a content error, or a usage error for a kit that is not one
    assert digest(out) == before, "the previous build was changed by a failed one"
    assert not [p for p in out.iterdir() if p.name.startswith(".staging")]
