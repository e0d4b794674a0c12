"""`letters directory import|show`: the whole House of Commons, imported from public files."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import InputError
from ..house import import_house, read_house
from ..lookup import REPRESENT, RidingLookup, RidingNotFound, default_cache
from ..people import load_directory
from ..resources import imported_directory_path
from . import main
from .options import parse_date


@main.group(
    epilog="""\b
Examples:
  letters directory import house-of-commons-members-44th.xml \\
    house-of-commons-legislators-44th.json \\
    --districts ca_federal_electoral_districts-2023.csv
  letters directory import my-mps.csv
  letters directory show
  letters directory riding "T6E 1Z8"
"""
)
def directory() -> None:
    """The directory of MPs that `--to mp` and the batch's riding column use.

    Imports are merged into directory/house.toml in the current folder (or the file named by
    $LETTERS_DIRECTORY); the directory shipped with letters stays as it is and wins for the few
    ridings it lists.
    """


@directory.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--districts",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Districts CSV with English and French names (id,name,name_fr), so French names match.",
)
@click.option("--date", "day", help="Date the directory is as of, YYYY-MM-DD (default: today).")
@click.option("--replace", is_flag=True, help="Start from an empty directory instead of merging.")
def import_(files, districts, day, replace) -> None:
    """Merge MPs from the House's Members XML, the legislators JSON or a CSV.

    \b
    XML: ourcommons.ca > Members > Export (names, ridings, honorifics).
    JSON: the legislators file (adds emails).
    CSV: riding, name (or first name, last name), gender (f/m, empty if unknown), email.
    A later file completes the same person (email, gender) and replaces a different one.
    """
    target = imported_directory_path()
    house = import_house(
        files,
        target,
        districts=districts,
        day=parse_date(day) if day else None,
        replace_all=replace,
    )
    _summary(house, target)


@directory.command()
def show() -> None:
    """Where the imported directory is, its date, and what it knows."""
    target = imported_directory_path()
    if not target.is_file():
        click.echo(f"No imported directory at {target}: run `letters directory import`.")
        return
    _summary(read_house(target), target)


@directory.command()
@click.argument("postal_code")
@click.option("--lookup-url", default=REPRESENT, show_default=True, help="Represent's base URL.")
@click.option("--timeout", default=10.0, show_default=True, help="Seconds to wait for an answer.")
def riding(postal_code, lookup_url, timeout) -> None:
    """Find a postal code's riding with Open North's Represent, and its MP in the directory.

    Answers are cached in directory/represent.sqlite: no code is asked twice.
    """
    with RidingLookup(default_cache(), base_url=lookup_url, timeout=timeout) as lookup:
        try:
            name = lookup.riding(postal_code)
        except RidingNotFound as error:  # the batch's fix (a riding column) is not this command's
            fix = (
                "try again later, or with --timeout longer"
                if error.transient
                else "check the postal code; elections.ca also finds a riding by postal code"
            )
            raise InputError(error.template, field="postal_code", fix=fix) from error
    mp = load_directory().mp_for(name)
    click.echo(f"{name}: {mp.id} ({mp.full_name})")


def _summary(house, target: Path) -> None:
    members = house.members
    click.echo(f"{target}: {len(members)} MPs as of {house.as_of.isoformat()}")
    click.echo(
        f"  with email: {sum(1 for m in members if m.email)}, "
        f"gender known: {sum(1 for m in members if m.gender != 'u')}, "
        f"other riding names: {len(house.riding_aliases)}"
    )
    for source in house.sources:
        click.echo(f"  from {source}")
