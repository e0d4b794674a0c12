"""What several commands parse the same way: input files, dates, the default campaign."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from ..campaign import default_campaign_id
from ..directory import REPRESENT
from ..errors import InputError

# Where `--lookup represent` (write, batch) and `directory riding` ask a postal code's riding.
lookup_url_option = click.option(
    "--lookup-url",
    default=REPRESENT,
    show_default=True,
    help="Base URL of the Represent API (for a mirror or a test server).",
)


def read_input(path: str, field: str, limit: int) -> bytes:
    """A file the user named, refused in one line when missing or larger than `limit` bytes."""
    file = Path(path)
    if not file.is_file():
        raise InputError(
            f"{path}: no such file", field=field, fix="give the path of an existing file"
        )
    if file.stat().st_size > limit:
        raise InputError(
            f"{path} is {file.stat().st_size / 1048576:.1f} MB",
            field=field,
            fix=f"use a file of at most {limit // 1048576} MB",
        )
    return file.read_bytes()


def parse_date(value: str | None) -> date:
    """`--date YYYY-MM-DD`; today when not given."""
    if not value:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise InputError(
            f"invalid date {value!r}", field="date", fix="write it as YYYY-MM-DD"
        ) from exc


# `--campaign` as `letters write` and `letters batch` take it: optional while one is installed.
campaign_option = click.option(
    "--campaign",
    "campaign_id",
    default=default_campaign_id,
    show_default="the current folder's, your only one, or end-ice-contracts",
    help="Campaign: an id (see `letters campaigns`) or a campaign folder.",
)


# `--passphrase-file` / `--passphrase-env`, for the commands that open or create an identity.
def passphrase_options(command):
    command = click.option(
        "--passphrase-env",
        metavar="VAR",
        help="Read the identity's passphrase from this environment variable (for scripts).",
    )(command)
    return click.option(
        "--passphrase-file",
        type=click.Path(dir_okay=False),
        help="Read the identity's passphrase from the first line of this file (for scripts); "
        "otherwise you are asked, twice for a new identity.",
    )(command)


_warned: set[str] = set()


def warn_if_stale(directory, today: date | None = None) -> None:
    """One line on stderr, once per process, when the directory's data is over 120 days old."""
    from ..recipients import stale_warning

    message = stale_warning(directory, today or date.today())
    if message and message not in _warned:
        _warned.add(message)
        click.echo(f"warning: {message}", err=True)
