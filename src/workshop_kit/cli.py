"""The workshop-kit command: small commands that call the pipeline."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from workshop_kit import __version__
from workshop_kit.build import MODES, UsageError, build, check, lay_out, select
from workshop_kit.problems import ContentError

KIT_DIR = click.argument("kit_dir", default=".", type=click.Path(file_okay=False, path_type=Path))


def _report(error: ContentError) -> None:
    count = len(error.problems)
    click.secho(f"{count} problem{'s' if count != 1 else ''} in the content:", fg="red", err=True)
    for problem in error.problems:
        click.echo(f"  {problem}", err=True)
    click.echo("Nothing was written; the previous output is unchanged.", err=True)


def _warn(messages: list[str]) -> None:
    for message in messages:
        click.secho(f"warning: {message}", fg="yellow", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="workshop-kit")
def main() -> None:
    """Turn YAML content into print-ready workshop material."""


@main.command("build")
@KIT_DIR
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output folder (default: KIT_DIR/output).")
@click.option("--only", multiple=True, metavar="NAME", help="Build only this deck or board (repeatable).")
@click.option("--paper", type=click.Choice(["a4", "letter", "a3"]), default=None,
              help="Paper for the office-printer sheets (default: from kit.yaml).")
@click.option("--mode", type=click.Choice(["home", "shop", "both"]), default="both", show_default=True,
              help="home: n-up duplex sheets with crop marks; shop: one card a page with bleed.")
@click.option("--poster", type=click.Choice(["a3", "a2", "a1", "a0"]), default="a3", show_default=True,
              help="Poster size of the boards.")
@click.option("--tile", "tile_paper", type=click.Choice(["a4", "letter"]), default="a4", show_default=True,
              help="Paper the boards are tiled onto for office printers.")
@click.option("--dpi", type=click.IntRange(36, 600), default=150, show_default=True,
              help="Resolution of the boards' PNG images.")
def build_command(kit_dir: Path, out: Path | None, only: tuple[str, ...], paper: str | None, mode: str,
                  poster: str, tile_paper: str, dpi: int) -> None:
    """Build PDFs and the manifest into the output folder."""
    out = out or kit_dir / "output"
    modes = MODES if mode == "both" else (mode,)
    interactive = sys.stderr.isatty()

    def progress(step: str) -> None:
        if interactive:
            click.echo(f"\r\033[K  building {step}", nl=False, err=True)

    try:
        result = build(kit_dir, out, only=only, paper=paper, modes=modes, poster=poster,
                       tile_paper=tile_paper, dpi=dpi, progress=progress)
    except ContentError as error:
        if interactive:
            click.echo("\r\033[K", nl=False, err=True)
        _report(error)
        sys.exit(1)
    except UsageError as error:
        raise click.UsageError(str(error)) from None
    if interactive:
        click.echo("\r\033[K", nl=False, err=True)
    _warn(result.warnings)
    click.echo(f"Built {result.cards} cards and {result.boards} boards into {len(result.files)} files "
               f"in {out} ({result.seconds:.2f} s).")
    click.echo(f"Open {out / 'index.html'} to see every card and board and how to print each file.")


@main.command("validate")
@KIT_DIR
def validate_command(kit_dir: Path) -> None:
    """Check the kit's content, templates and theme without writing anything."""
    try:
        checked = check(kit_dir)
        lay_out(checked, *select(checked.content, ()))
    except ContentError as error:
        _report(error)
        sys.exit(1)
    _warn(checked.warnings)
    cards = sum(len(d.cards) for d in checked.content.decks)
    click.echo(f"OK: {len(checked.content.decks)} decks, {cards} cards, {len(checked.content.boards)} boards.")


@main.command("list")
@KIT_DIR
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def list_command(kit_dir: Path, as_json: bool) -> None:
    """List the decks and cards of the kit."""
    try:
        checked = check(kit_dir)
    except ContentError as error:
        _report(error)
        sys.exit(1)
    decks, boards = select(checked.content, ())
    if as_json:
        data = [{"name": d.slug, "type": d.type, "title": d.name, "file": d.file,
                 "size_mm": [d.size.width, d.size.height],
                 "cards": [{"id": c.id, "title": c.title, "qr_url": u}
                           for c, u in zip(d.cards, d.qr_urls)]} for d in decks]
        board_data = [{"name": b.slug, "type": b.type, "title": b.model.title, "file": b.file,
                       "qr_url": b.qr_url} for b in boards]
        click.echo(json.dumps({"decks": data, "boards": board_data}, ensure_ascii=False, indent=2))
        return
    for d in decks:
        click.echo(f"{d.slug}  ({d.type}, {len(d.cards)} cards, {d.size.width:g}x{d.size.height:g} mm)  {d.name}")
        for c in d.cards:
            click.echo(f"    {c.id:<28} {c.title}")
    for b in boards:
        click.echo(f"{b.slug}  (board: {b.type})  {b.model.title}")
