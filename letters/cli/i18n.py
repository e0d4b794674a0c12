"""`letters i18n …`: the translators' catalog workflow (extract, update, compile)."""

from __future__ import annotations

import click

from .. import catalog
from ..i18n import languages
from . import main


@main.group("i18n")
def i18n_group() -> None:
    """Keep the translations in locales/ in step with the English."""


@i18n_group.command()
def extract() -> None:
    """Write locales/messages.pot from the templates, the code and the campaigns."""
    click.echo(str(catalog.write_pot(catalog.extract())))


@i18n_group.command()
@click.option("--locale", "locales", multiple=True, help="Only this language (default: all).")
def update(locales) -> None:
    """Merge new English messages into each PO file; changed ones become fuzzy."""
    template = catalog.extract()
    for lang in locales or languages()[1:]:
        catalog.update(lang, template)
        click.echo(str(catalog.po_path(lang)))


@i18n_group.command("compile")
@click.option("--locale", "locales", multiple=True, help="Only this language (default: all).")
def compile_(locales) -> None:
    """Compile each PO file to the .mo that letters read."""
    for lang in locales or languages()[1:]:
        click.echo(str(catalog.compile_catalog(lang)))
