"""`letters directory import|show`: the whole House of Commons, imported from public files."""

from __future__ import annotations

from pathlib import Path

import click

from ..directory import (
    RidingLookup,
    RidingNotFound,
    default_cache,
    import_house,
    read_house,
)
from ..districts import shipped_house_path
from ..errors import DirectoryError, InputError
from ..recipients import VacantSeat, load_directory, no_gender_on_record
from ..resources import imported_directory_path
from ..senders import normalise_postal_code
from . import main
from .options import lookup_url_option, parse_date, warn_if_stale


@main.group(
    epilog="""\b
Examples:
  letters directory import house-of-commons-members-45th-2026-09-27.csv \\
    house-of-commons-45th-emails-2026-01-22.json \\
    --districts ca_federal_electoral_districts-2023.csv
  letters directory import Members.xml --as-of 2026-12-01
  letters directory show
  letters directory riding "T6E 1Z8"
"""
)
def directory() -> None:
    """The directory of MPs that `--to mp` and the batch's riding column use.

    letters ships the House as it stood on a date (`letters directory show` says which). An
    import is merged into directory/house.toml in the current folder (or the file named by
    $LETTERS_DIRECTORY), which then replaces the shipped House; the shipped PM and ministers
    stay, and win for the few ridings they list.
    """


@directory.command(
    "import",
    epilog="""\b
Examples:
  letters directory import ../shared/data/house-of-commons-members-45th-2026-09-27.csv \\
    --districts ../shared/data/ca_federal_electoral_districts-2023.csv
  letters directory import Members.xml --as-of 2026-12-01
""",
)
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--districts",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Districts CSV with English and French names (id,name,name_fr): the official names.",
)
@click.option(
    "--as-of",
    "--date",
    "day",
    help="Date the data is as of, YYYY-MM-DD, for a source that does not say (its file name "
    "has no date). Never the day of the import.",
)
@click.option("--replace", is_flag=True, help="Start from an empty directory instead of merging.")
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write this file instead of directory/house.toml (maintainers: letters/data/house.toml).",
)
def import_(files, districts, day, replace, output) -> None:
    """Merge MPs from the House's roster CSV or Members XML, emails, and the districts.

    \b
    Each file's format is told by its content:
    CSV: the House's roster (name, honorific, riding, province…), or any CSV with riding,
      name (or first name, last name), gender (f/m, empty if unknown), email.
    XML: ourcommons.ca > Members > Export (names, ridings, honorifics).
    CSV with mp_id and gender only (house-of-commons-45th-gender-2025.csv): the Library of
      Parliament's record of each member's gender, joined by mp_id; a gender already in the
      directory (given by the organiser) wins.
    JSON: Represent's members (emails only, joined by person and riding) or the legislators
      file (members with emails).
    A later file completes the same person (email, gender) and replaces a different one.
    An import adds to the House in use (directory/house.toml, else the one shipped with
    letters) unless it brings a whole-House roster or --replace; the House's date is its
    roster's, and every other file is listed with its own date.
    Districts renamed since the election are found from the data (the same member under both
    names); seats with no member in a whole-House roster are recorded as vacant.
    """
    target = output or imported_directory_path()
    house = import_house(
        files,
        target,
        districts=districts,
        day=parse_date(day) if day else None,
        replace_all=replace,
    )
    _summary(house, target)


@directory.command(epilog="\b\nExample:\n  letters directory show")
def show() -> None:
    """Which House is in use, the date of its data, and what it knows."""
    target = imported_directory_path()
    if not target.is_file():
        click.echo(f"No imported directory at {target}: using the House shipped with letters.")
        target = shipped_house_path()
    _summary(read_house(target), target)
    warn_if_stale(load_directory())


@directory.command(
    epilog="""\b
Examples:
  letters directory riding "T6E 1Z8"
  letters directory riding K0A1K0 --timeout 30
"""
)
@click.argument("postal_code")
@lookup_url_option
@click.option("--timeout", default=10.0, show_default=True, help="Seconds to wait for an answer.")
def riding(postal_code, lookup_url, timeout) -> None:
    """Find a postal code's riding with Open North's Represent, and its MP in the directory.

    A code whose area touches several ridings lists each with its MP: the letter goes to the
    one the address is in. Answers are cached in directory/represent.sqlite: no code is asked
    twice.
    """
    with RidingLookup(default_cache(), base_url=lookup_url, timeout=timeout) as lookup:
        try:
            names = lookup.ridings(postal_code)
        except RidingNotFound as error:  # the batch's fix (a riding column) is not this command's
            raise InputError(error.template, field="postal_code", fix=_riding_fix(error)) from error
    directory = load_directory()
    if len(names) > 1:
        click.echo(
            f"{normalise_postal_code(postal_code)} touches {len(names)} ridings; "
            "a letter goes to the MP of the one the address is in:"
        )
    for name in names:
        try:
            mp = directory.mp_for(name)
        except VacantSeat as vacancy:
            if len(names) == 1:
                raise
            click.echo(f"{vacancy.district.name_en}: the seat is vacant")
            continue
        except DirectoryError:
            if len(names) == 1:
                raise
            click.echo(
                f"{name}: no MP in the directory (import the House with `letters directory import`)"
            )
            continue
        click.echo(f"{mp.riding or name}: {mp.id} ({mp.full_name})")


def _riding_fix(error: RidingNotFound) -> str:
    """What would work after this failure, for one postal code typed at a terminal."""
    why = error.why
    if "--lookup-url" in (error.fix or ""):
        return error.fix
    if "does not resolve" in why or "network is unreachable" in why:
        return (
            "check this computer's connection to the internet (or give --lookup-url a "
            "reachable mirror), then run it again; elections.ca also finds a riding by postal code"
        )
    if "timed out" in why:
        return "try again later, or give it longer with --timeout 30"
    if "rate limit" in why:
        return "wait a minute, then run it again"
    if error.transient:
        return "try again later; elections.ca also finds a riding by postal code"
    return "check the postal code; elections.ca also finds a riding by postal code"


def _summary(house, target: Path) -> None:
    members = house.members
    click.echo(f"{target}: {len(members)} MPs as of {house.as_of.isoformat()}")
    click.echo(
        f"  with email: {sum(1 for m in members if m.email)}, "
        f"gender known: {sum(1 for m in members if m.gender != 'u')}, "
        f"districts: {len(house.districts)}, vacant seats: {len(house.vacant)}, "
        f"renamed: {len(house.renamed)}"
    )
    unknown = [f"{m.full_name} ({m.riding})" for m in members if m.gender == "u"]
    note = no_gender_on_record(unknown, len(members))
    if note:
        click.echo(f"  {note}")
    by_code = {d.code: d for d in house.districts}
    for code in house.vacant:
        if code in by_code:
            click.echo(f"  vacant: {by_code[code].name_en}")
    for source in house.sources:
        click.echo(f"  from {source}")
