"""The workshop-kit command: small commands that call the pipeline."""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import click

from workshop_kit import __version__, collector
from workshop_kit.output.files import OutputError
from workshop_kit.problems import ContentError
from workshop_kit.serve.defaults import DEFAULT_RATE
from workshop_kit.stop import Stopped, stopping
from workshop_kit.terminal import ProgressLine, colour

KIT_DIR = click.argument("kit_dir", default=".", type=click.Path(file_okay=False, path_type=Path))


def _report(error: ContentError, closing: str = "Nothing was written; the previous output is unchanged.",
            where: str = "the content") -> None:
    count = len(error.problems)
    click.secho(f"{count} problem{'s' if count != 1 else ''} in {where}:", fg="red", err=True)
    for problem in error.problems:
        click.echo(f"  {problem}", err=True)
    if error.held_back:
        several = error.held_back != 1
        click.echo(f"{error.held_back} problem{'s' if several else ''} that follow{'' if several else 's'} "
                   f"from this {'were' if several else 'was'} held back; "
                   f"{'they are' if several else 'it is'} checked again once it is fixed.", err=True)
    click.echo(closing, err=True)


def _warn(messages: list[str]) -> None:
    for message in messages:
        click.secho(f"warning: {message}", fg="yellow", err=True)


JSON_OPTION = click.option("--json", "as_json", is_flag=True,
                           help="Print the problems, warnings and files as JSON on stdout, and nothing else.")


def _json_result(ok: bool, error: ContentError | None = None, warnings: Sequence[str] = (),
                 files: Sequence[str] = (), kept: Sequence[str] = ()) -> None:
    """The outcome of validate or build for tools: the problems (and how many
    that follow from them were held back), files written, and files left as
    they were, by their paths in the output folder."""
    problems = [{"file": p.file, "line": p.line, "column": p.column, "field": p.field, "message": p.message}
                for p in (error.problems if error else ())]
    click.echo(json.dumps({"ok": ok, "problems": problems, "held_back": error.held_back if error else 0,
                           "warnings": list(warnings), "files": list(files), "kept": list(kept)},
                          ensure_ascii=False, indent=2))


def _problems(error: ContentError, as_json: bool) -> None:
    """The content's problems, as JSON on stdout or as text on stderr."""
    if as_json:
        _json_result(False, error)
    else:
        _report(error)


def _kit_folder(kit_dir: Path) -> None:
    """A usage error (exit 2) when KIT_DIR is not a kit's folder."""
    if not kit_dir.is_dir():
        raise click.UsageError(f"no folder '{kit_dir}'")
    if not (kit_dir / "kit.yaml").is_file():
        raise click.UsageError(f"no kit.yaml in {kit_dir}; is this a workshop-kit folder?")


DB_OPTION = click.option(
    "--db", default=None, metavar="URL",
    help="The database of the answers: a file path (SQLite) or postgresql://user:password@host/database "
         "(default: KIT_DIR/responses.db).")


def _database_url(db: str | None, kit_dir: Path) -> str:
    """The database URL of a --db value; a value the store cannot use is a usage error."""
    from workshop_kit.store import database_url

    try:
        return database_url(db, kit_dir)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="'--db'") from None


def _database_failed(error: Exception, closing: str | None = None) -> None:
    """Say, on one line, that the database cannot be used, and exit 1."""
    click.secho(f"Error: {error}", fg="red", err=True)
    if closing:
        click.echo(closing, err=True)
    sys.exit(1)


def _output_failed(error: OutputError) -> None:
    click.secho(f"Error: {error}; nothing was changed.", fg="red", err=True)


class Command(click.Command):
    """A command whose unwritable output, Ctrl-C or SIGTERM ends it with one
    line and exit code 1, 130 or 143, never a traceback. `own_signals`: the
    command handles Ctrl-C and SIGTERM itself (serve)."""

    def __init__(self, *args, own_signals: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.own_signals = own_signals

    def invoke(self, ctx: click.Context):
        try:
            if self.own_signals:
                return super().invoke(ctx)
            with stopping():
                return super().invoke(ctx)
        except OutputError as error:
            _output_failed(error)
            ctx.exit(1)
        except Stopped as stop:
            click.echo(stop.message, err=True)
            ctx.exit(stop.exit_code)


class Group(click.Group):
    command_class = Command
    group_class = type  # groups in it make Commands too


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="workshop-kit")
def main() -> None:
    """Turn YAML content into print-ready workshop material."""
    click.get_current_context().color = colour()  # NO_COLOR and TERM=dumb


BUILD_OPTIONS = [
    click.option("--out", type=click.Path(path_type=Path), default=None, metavar="DIRECTORY",
                 help="Output folder (default: KIT_DIR/output)."),
    click.option("--only", multiple=True, metavar="NAME", help="Build only this deck or board (repeatable)."),
    click.option("--paper", type=click.Choice(["a4", "letter", "a3"]), default=None,
                 help="Paper for the office-printer sheets (default: from kit.yaml)."),
    click.option("--mode", type=click.Choice(["home", "shop", "both"]), default="both", show_default=True,
                 help="home: n-up duplex sheets with crop marks; shop: one card a page with bleed."),
    click.option("--poster", type=click.Choice(["a3", "a2", "a1", "a0"]), default="a3", show_default=True,
                 help="Poster size of the boards."),
    click.option("--tile", "tile_paper", type=click.Choice(["a4", "letter"]), default=None,
                 help="Paper the boards are tiled onto for office printers (default: the office paper)."),
    click.option("--dpi", type=click.IntRange(36, 600), default=150, show_default=True,
                 help="Resolution of the boards' PNG images (and the cards' with --cards png)."),
    click.option("--cards", "card_pictures", type=click.Choice(["png", "svg"]), default=None,
                 help="Also write a picture of every card face, cards/<deck>/<card>-front.png (or .svg), "
                      "for slides and digital whiteboards."),
    click.option("--pdfx", type=click.Choice(["x-4", "x-1a"]), default=None,
                 help="Make the print-shop files PDF/X-4 (or PDF/X-1a where the print shop asks for it): "
                      "CMYK for coated paper (FOGRA39), with the output intent embedded."),
    click.option("--force", is_flag=True, help="Rebuild every file, even those that are up to date."),
]


def with_build_options(command):
    for option in reversed(BUILD_OPTIONS):
        command = option(command)
    return command


def _settings(kit_dir: Path, out: Path | None, only, paper, mode, poster, tile_paper, dpi,
              card_pictures=None, pdfx=None) -> dict:
    modes = ("home", "shop") if mode == "both" else (mode,)
    return dict(out=out or kit_dir / "output", only=only, paper=paper, modes=modes, poster=poster,
                tile_paper=tile_paper, dpi=dpi, card_pictures=card_pictures, pdfx=pdfx)


def _build(kit_dir: Path, settings: dict, force: bool, quiet_if_current: bool = False,
           as_json: bool = False) -> bool:
    """Build and tell what happened; False when the content has problems.
    "N files" counts the files manifest.json lists under "files"."""
    out = settings["out"]
    if not force:
        from workshop_kit.output.previous import unchanged
        previous = unchanged(kit_dir, out, {k: v for k, v in settings.items() if k != "out"})
        if previous is not None:  # nothing to do: answer before the pipeline is even imported
            if as_json:
                _json_result(True, warnings=previous.build.get("warnings", []),
                             kept=[f["path"] for f in previous.files])
            elif not quiet_if_current:
                _warn(previous.build.get("warnings", []))
                click.echo(f"Up to date: nothing changed since the last build of {out} "
                           f"({len(previous.files)} files).")
            return True
    with collector.paused():
        return _build_anew(kit_dir, settings, force, quiet_if_current, as_json)


def _build_anew(kit_dir: Path, settings: dict, force: bool, quiet_if_current: bool, as_json: bool) -> bool:
    """Build with the pipeline, and report what it made (see _build)."""
    out = settings["out"]
    from workshop_kit.build import UsageError, build

    try:
        with ProgressLine("files") as progress:  # on a terminal only
            result = build(kit_dir, progress=progress, force=force, **settings)
    except ContentError as error:
        _problems(error, as_json)
        return False
    except UsageError as error:
        raise click.UsageError(str(error)) from None
    if as_json:
        _json_result(True, warnings=result.warnings, files=result.written,
                     kept=[name for name in result.files if name not in result.written])
        return True
    _warn(result.warnings)
    done = f"Built {result.cards} cards and {result.boards} boards into {len(result.files)} files in {out}"
    if result.kept:
        done += f"; {len(result.written)} written, the files of {len(result.kept)} unchanged decks and boards kept"
    click.echo(f"{done} ({result.seconds:.2f} s).")
    if not quiet_if_current:
        click.echo(f"Open {out / 'index.html'} to see every card and board and how to print each file.")
    return True


@main.command("build")
@KIT_DIR
@with_build_options
@JSON_OPTION
def build_command(kit_dir: Path, out: Path | None, only: tuple[str, ...], paper: str | None, mode: str,
                  poster: str, tile_paper: str | None, dpi: int, card_pictures: str | None, pdfx: str | None,
                  force: bool, as_json: bool) -> None:
    """Build PDFs and the manifest into the output folder.

    Decks and boards that have not changed since the last build keep their
    files; --force builds everything anew."""
    _kit_folder(kit_dir)
    settings = _settings(kit_dir, out, only, paper, mode, poster, tile_paper, dpi, card_pictures, pdfx)
    with collector.paused():  # (on again once what the build made is left to the exit)
        built = _build(kit_dir, settings, force, as_json=as_json)
        collector.leave_to_exit()
    if not built:
        sys.exit(1)


@main.command("watch")
@KIT_DIR
@with_build_options
def watch_command(kit_dir: Path, out: Path | None, only: tuple[str, ...], paper: str | None, mode: str,
                  poster: str, tile_paper: str | None, dpi: int, card_pictures: str | None,
                  pdfx: str | None, force: bool) -> None:
    """Build, then rebuild whatever a saved change affects, until Ctrl-C.

    Problems in the content are shown as `validate` shows them, and the
    watch goes on; the last good output stays in place until they are
    fixed."""
    from workshop_kit.watch import KitChanges

    settings = _settings(kit_dir, out, only, paper, mode, poster, tile_paper, dpi, card_pictures, pdfx)
    _kit_folder(kit_dir)
    try:
        changes = KitChanges(kit_dir, settings["out"])
        _build(kit_dir, settings, force)
        from workshop_kit.build import prime
        prime(kit_dir)
        click.echo(f"Watching {kit_dir} for changes to its YAML files; Ctrl-C stops.")
        for names in changes:
            click.echo(f"{time.strftime('%H:%M:%S')} changed: {', '.join(names)}")
            try:
                _build(kit_dir, settings, force=False, quiet_if_current=True)
            except OutputError as error:  # the watch goes on: free the disk, save again
                _output_failed(error)
    except KeyboardInterrupt:
        pass
    click.echo("Stopped watching.")


@main.command("new")
@click.argument("target", type=click.Path(file_okay=False, path_type=Path))
@click.option("--lang", "language", type=click.Choice(["da", "en"]), default="da", show_default=True,
              help="Language of the content and of the printed labels.")
def new_command(target: Path, language: str) -> None:
    """Start a new kit in TARGET: decks, boards, guide and templates that build at once."""
    from workshop_kit.scaffold import FolderInUse, kit_id_for, new_kit

    try:
        written = new_kit(target, language)
    except FolderInUse as error:
        raise click.UsageError(str(error)) from None
    decks = sum(1 for name in written if name.startswith("decks/"))
    boards = sum(1 for name in written if name.startswith("boards/"))
    click.echo(f"Made a new kit in {target}: {decks} decks, {boards} boards, templates and kit.yaml.")
    kit_id = kit_id_for(target)
    if kit_id and kit_id != target.resolve().name:
        click.echo(f"Its id is '{kit_id}', made from the folder's name (it is part of the QR codes' "
                   "addresses; change it in kit.yaml).")
    click.echo("Next:")
    click.echo(f"  cd {target}")
    click.echo("  workshop-kit watch       # builds into output/ and rebuilds as you save")
    click.echo("Before you print, set follow_up.base_url in kit.yaml to the address where "
               "`workshop-kit serve` answers; "
               "output/index.html says what to print and how.")


@main.command("new-type")
@click.argument("name")
@click.option("--from", "source", default=None, metavar="TYPE",
              help="Start from a copy of this card type's template (default: a title and one text field).")
@click.option("--kit", "kit_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              help="The kit's folder (default: the current folder).")
def new_type_command(name: str, source: str | None, kit_dir: Path) -> None:
    """Add a card type NAME to the kit: templates/NAME.yaml, its fields and layout."""
    from workshop_kit.scaffold import TypeExists, new_type

    _kit_folder(kit_dir)
    try:
        path = new_type(kit_dir, name, source)
    except TypeExists as error:
        raise click.UsageError(str(error)) from None
    shown = f"templates/{name}.yaml"
    made = f"a copy of '{source}'" if source else "a title and one text field"
    click.echo(f"Wrote {path}: the card type '{name}', {made}.")
    click.echo("Next:")
    click.echo(f"  1. In {shown}, declare its cards' fields under fields: (name, kind, required, "
               "max_length, description) and place them on the front and back (field: <name>).")
    click.echo(f"  2. Make a deck of it: decks/<deck>.yaml with type: {name}, name and cards "
               f"(or `workshop-kit import SHEET --deck <deck> --type {name}`).")
    click.echo("  3. workshop-kit schema      # so that your editor completes its cards")
    click.echo("  4. workshop-kit validate    # then build")


@main.command("validate")
@KIT_DIR
@JSON_OPTION
def validate_command(kit_dir: Path, as_json: bool) -> None:
    """Check the kit's content, templates and theme without writing anything."""
    from workshop_kit.build import check, lay_out, select

    _kit_folder(kit_dir)
    try:
        checked = check(kit_dir)
        lay_out(checked, *select(checked.content, ()))
    except ContentError as error:
        _problems(error, as_json)
        sys.exit(1)
    if as_json:
        _json_result(True, warnings=checked.warnings)
        return
    _warn(checked.warnings)
    cards = sum(len(d.cards) for d in checked.content.decks)
    click.echo(f"OK: {len(checked.content.decks)} decks, {cards} cards, {len(checked.content.boards)} boards.")


@main.command("list")
@KIT_DIR
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def list_command(kit_dir: Path, as_json: bool) -> None:
    """List the decks and cards of the kit."""
    from workshop_kit.build import check, select

    _kit_folder(kit_dir)
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


@main.command("schema")
@KIT_DIR
@click.option("--out", type=click.Path(path_type=Path), default=None, metavar="DIRECTORY",
              help="Folder for the schemas (default: KIT_DIR/schemas).")
def schema_command(kit_dir: Path, out: Path | None) -> None:
    """Write a JSON Schema for each kind of YAML file, for editors that check as you type."""
    from workshop_kit.content.schema import SCHEMA_FOLDER
    from workshop_kit.schemas import write_schemas

    if not kit_dir.is_dir():
        raise click.UsageError(f"no folder '{kit_dir}'")
    out = out or kit_dir / SCHEMA_FOLDER
    names = write_schemas(out, kit_dir)
    click.echo(f"Wrote {len(names)} schemas to {out}.")


@main.command("report")
@KIT_DIR
@DB_OPTION
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The PDF to write (default: KIT_DIR/output/report.pdf, which a build leaves alone).")
def report_command(kit_dir: Path, db: str | None, output: Path | None) -> None:
    """Write the report for the council: the responses to the follow-up forms, as a PDF."""
    _kit_folder(kit_dir)
    from workshop_kit.report import captured_boards, default_output, load, stored_responses, write_report
    from workshop_kit.store import DatabaseError

    try:
        kit = load(kit_dir)
    except ContentError as error:
        _report(error, "No report was written.")
        sys.exit(1)
    url = _database_url(db, kit_dir)
    try:
        responses = stored_responses(kit, url)
    except DatabaseError as error:
        if db is not None or (kit_dir / "responses.db").exists() or not captured_boards(kit.content):
            _database_failed(error, "No report was written.")
        # no forms were answered, and capture read boards: the report shows those
        click.echo("No database of answers (responses.db) yet: the report shows the captured boards.")
        responses = []
    report = write_report(kit, responses, output or default_output(kit_dir))
    summary = report.summary
    pages = f"{report.pages} page{'s' if report.pages != 1 else ''}"
    if not summary.responses:
        click.echo(f"Wrote {report.path} ({pages}): no responses yet.")
        return
    assert summary.first is not None and summary.last is not None  # there are responses
    done = (f"Wrote {report.path} ({pages}): {summary.responses} responses from "
            f"{summary.first.astimezone():%Y-%m-%d} to {summary.last.astimezone():%Y-%m-%d}, "
            f"to {len(summary.answered_cards)} of {len(summary.cards)} cards and boards")
    if summary.former:
        done += f", and {sum(c.responses for c in summary.former)} to {len(summary.former)} no longer in the kit"
    click.echo(f"{done}; {summary.contacts} people agreed to be contacted.")


@main.command("capture")
@click.argument("board", metavar="BOARD")
@click.argument("photos", nargs=-1, required=True, metavar="PHOTO...",
                type=click.Path(dir_okay=False, path_type=Path))
@click.option("--kit", "kit_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              show_default=True, help="The kit's folder.")
@click.option("--poster", type=click.Choice(["a3", "a2", "a1", "a0"]), default="a3", show_default=True,
              help="The poster size the board and its tokens were printed at.")
@click.option("--as", "name", default=None, metavar="NAME",
              help="The captured board's file name: boards/NAME.yaml (default: BOARD-captured).")
@click.option("--out", type=click.Path(path_type=Path), default=None, metavar="DIRECTORY",
              help="Output folder (default: KIT_DIR/output).")
@click.option("--no-build", is_flag=True, help="Write the YAML and the straightened photos only.")
@click.option("--json", "as_json", is_flag=True, help="Print the placements as JSON on stdout, and nothing else.")
def capture_command(board: str, photos: tuple[Path, ...], kit_dir: Path, poster: str, name: str | None,
                    out: Path | None, no_build: bool, as_json: bool) -> None:
    """Read phone photos of a used board: write the filled-in board as
    boards/BOARD-captured.yaml and build it.

    The photos (JPEG or PNG, any orientation) show the printed board with
    its tokens; each needs the board's four corner markers in view. Tokens
    seen on several photos are merged; a token on none is listed, never guessed."""
    _kit_folder(kit_dir)
    from workshop_kit.build import check
    from workshop_kit.capture import CaptureError, capture, described

    try:
        checked = check(kit_dir)
        result = capture(checked, board, list(photos), poster=poster, name=name,
                         out=out or kit_dir / "output")
    except ContentError as error:
        _problems(error, as_json)
        sys.exit(1)
    except CaptureError as error:
        click.secho(f"Error: {error}", fg="red", err=True)
        sys.exit(1)
    if as_json:
        click.echo(json.dumps(result.as_json(), ensure_ascii=False, indent=2))
    else:
        _warn(result.warnings)
        for p in result.placements:
            click.echo(f"  {p['name']}: {described(p[result.place_field])}")
        for missing in result.not_found:
            click.echo(f"  {missing['name']}: not found on any photo")
        click.echo(f"Wrote {result.yaml_file} ({len(result.placements)} tokens placed, "
                   f"{len(result.not_found)} not found) and {len(result.rectified)} straightened "
                   f"photo{'s' if len(result.rectified) != 1 else ''} into {out or kit_dir / 'output'}.")
    if not no_build:
        settings = _settings(kit_dir, out, (), None, "both", poster, None, 150)
        if as_json:
            with open(os.devnull, "w") as quiet, contextlib.redirect_stdout(quiet):
                built = _build(kit_dir, settings, False)
        else:
            built = _build(kit_dir, settings, False)
        if not built:
            sys.exit(1)


@main.command("import")
@click.argument("sheet", metavar="FILE.xlsx|FILE.csv",
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--deck", required=True, metavar="NAME", help="The deck's file name: decks/NAME.yaml.")
@click.option("--type", "card_type", required=True, metavar="TYPE",
              help="The kind of cards in the sheet: the name of a card template, e.g. dilemma "
                   "(templates/dilemma.yaml).")
@click.option("--kit", "kit_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              help="The kit's folder (default: the current folder).")
@click.option("--name", default=None, help="Deck name printed on every card.")
@click.option("--force", is_flag=True, help="Replace decks/NAME.yaml if it exists.")
@click.option("--sheet", "sheet_name", default=None, metavar="SHEET",
              help="The workbook's sheet to read (default: its first).")
def import_command(sheet: Path, deck: str, card_type: str, kit_dir: Path, name: str | None,
                   force: bool, sheet_name: str | None) -> None:
    """Make a deck file from a spreadsheet: one row per card, the first row names the fields."""
    from workshop_kit.build import UsageError
    from workshop_kit.deck_import import KitProblems, import_deck

    try:
        result = import_deck(sheet, kit_dir, deck, card_type, name, force, sheet_name)
    except ContentError as error:
        _warn(getattr(error, "warnings", []))
        where = f"the kit with the cards of {sheet.name}" if isinstance(error, KitProblems) else sheet.name
        _report(error, f"Nothing was written; decks/{deck}.yaml is as it was.", where)
        sys.exit(1)
    except UsageError as error:
        raise click.UsageError(str(error)) from None
    for note in result.notes:
        click.echo(f"note: {note}", err=True)
    _warn(result.warnings)
    click.echo(f"Imported {result.cards} cards from {sheet.name} into {result.deck_file}; the kit validates.")


@main.command("export")
@click.argument("deck", metavar="DECK")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The .xlsx or .csv file to write (default: DECK.xlsx in the current folder).")
@click.option("--kit", "kit_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              help="The kit's folder (default: the current folder).")
def export_command(deck: str, output: Path | None, kit_dir: Path) -> None:
    """Write the deck decks/DECK.yaml to a spreadsheet that `import` reads back."""
    from workshop_kit.build import UsageError
    from workshop_kit.deck_export import export_deck

    try:
        result = export_deck(kit_dir, deck, output or Path(f"{deck}.xlsx"))
    except ContentError as error:
        _report(error, "Nothing was written.")
        sys.exit(1)
    except UsageError as error:
        raise click.UsageError(str(error)) from None
    cards = len(result.rows) - 1
    click.echo(f"Exported {cards} cards of {result.deck.file} to {result.path}; "
               f"`workshop-kit import {result.path.name} --deck {deck} --type {result.deck.type} --force` "
               "reads it back.")


@main.command("serve", own_signals=True)
@KIT_DIR
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; 0.0.0.0 to be reachable from phones on the network.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@DB_OPTION
@click.option("--base-url", default=None, metavar="URL",
              help="The address the QR codes lead to (default: follow_up.base_url in kit.yaml).")
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Worker processes (several need a database that takes them, such as PostgreSQL).")
@click.option("--rate-limit", default=DEFAULT_RATE, show_default=True, metavar="N/PERIOD",
              help="Answers one address may send, e.g. '30/minute'. Phones on one network often share one "
                   "address: the default lets a room of 100 answer five forms each within ten minutes.")
def serve_command(kit_dir: Path, host: str, port: int, db: str | None, base_url: str | None,
                  workers: int, rate_limit: str) -> None:
    """Serve the follow-up forms at the addresses the QR codes carry, and
    store the answers."""
    _kit_folder(kit_dir)
    from workshop_kit.content.model import check_base_url
    from workshop_kit.serve.app import Settings
    from workshop_kit.serve.security import check_rate
    from workshop_kit.serve.server import CannotListen, announce, run
    from workshop_kit.store import DatabaseError

    try:
        base = check_base_url(base_url) if base_url else None
        check_rate(rate_limit)
    except ValueError as error:
        raise click.UsageError(str(error)) from None
    settings = Settings(kit=str(kit_dir), db=_database_url(db, kit_dir), base_url=base, rate=rate_limit)
    try:
        content = announce(settings, host, port, click.echo, lambda m: _warn([m]))
    except CannotListen as error:  # before anything says it listens
        click.secho(f"Error: {error}", fg="red", err=True)
        sys.exit(2)
    except ContentError as error:
        _report(error, closing="The forms are not served until the content is right.")
        sys.exit(1)
    except DatabaseError as error:
        _database_failed(error)
    run(settings, host, port, workers, content)


@main.group("responses")
def responses_group() -> None:
    """The answers participants gave in the follow-up forms."""


@responses_group.command("delete")
@KIT_DIR
@DB_OPTION
@click.option("--before", type=click.DateTime(formats=["%Y-%m-%d"]), metavar="YYYY-MM-DD", default=None,
              help="Delete only the responses received before the start of this day (UTC).")
@click.option("--yes", is_flag=True, help="Delete without asking first.")
def responses_delete_command(kit_dir: Path, db: str | None, before, yes: bool) -> None:
    """Delete the kit's responses and their answers, all of them or those
    received before a day."""
    _kit_folder(kit_dir)
    from datetime import timezone

    from workshop_kit.content.kit import load_kit
    from workshop_kit.store import DatabaseError, open_database

    try:
        kit = load_kit(kit_dir).kit.id
    except ContentError as error:
        _report(error, "Nothing was deleted.")
        sys.exit(1)
    url = _database_url(db, kit_dir)
    since = f" received before {before:%Y-%m-%d} (UTC)" if before else ""
    try:
        with open_database(url, create=False) as database:
            if not yes:
                click.confirm(f"Delete {'the responses' if before else 'every response'} of kit '{kit}'{since} "
                              f"from {database.display_url}?", abort=True)
            deleted = database.delete(kit, before.replace(tzinfo=timezone.utc) if before else None)
    except DatabaseError as error:
        _database_failed(error)
    click.echo(f"Deleted {deleted} response{'s' if deleted != 1 else ''} of kit '{kit}'{since}.")


@main.command("labels")
@KIT_DIR
@click.option("--lang", "language", type=click.Choice(["da", "en"]), default=None,
              help="The built-in labels of this language (default: the kit's language).")
@click.option("--colours", is_flag=True, help="List the theme's colour roles instead.")
def labels_command(kit_dir: Path, language: str | None, colours: bool) -> None:
    """List the fixed texts workshop-kit prints (or the theme's colours), as
    YAML to copy under `labels:` (or `theme: colours:`) in kit.yaml.

    Inside a kit folder, its own overrides from kit.yaml are shown; outside
    one, or with --lang, the built-in ones."""
    import yaml

    from workshop_kit.builtin import builtin

    kit = None
    if language is None and (kit_dir / "kit.yaml").is_file():
        from workshop_kit.content.kit import load_kit

        try:
            kit = load_kit(kit_dir)
        except ContentError as error:
            _report(error, "Fix these, or give --lang to list the built-in labels.")
            sys.exit(1)
    language = kit.kit.language if kit else language or "da"
    if colours:
        heading = "Colour roles of the theme; give any of them under theme: colours: in kit.yaml."
        values = kit.colours if kit else builtin("theme")["colours"]
    else:
        heading = f"Labels in '{language}'; give any of them under labels: in kit.yaml to print another text."
        values = kit.labels if kit else builtin(f"labels/{language}")
    click.echo(f"# {heading}")
    plain = {k: v if isinstance(v, str) else {"cmyk": list(v.cmyk)} for k, v in values.items()}
    click.echo(yaml.safe_dump(plain, allow_unicode=True, sort_keys=False, width=1000), nl=False)
