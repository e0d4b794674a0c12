"""The `letters` command: a thin click layer that parses, calls the library and prints.

Each command family lives in its own module here and registers itself on `main`.
"""

from __future__ import annotations

import click

from ..errors import LettersError, visible
from ..version import __version__


class UserError(click.ClickException):
    """A LettersError as the CLI shows it: one line, exit status 2."""

    exit_code = 2

    def format_message(self) -> str:
        # An argument's bytes that are not UTF-8 come in as lone surrogates: print them as �.
        text = self.message.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        return visible(text, backslashes=False)  # one line, whatever a value quoted in it holds


class LettersGroup(click.Group):
    """Turns every LettersError raised below into a one-line message and exit status 2."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except LettersError as error:
            raise UserError(str(error)) from error


@click.group(cls=LettersGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="letters")
def main() -> None:
    """Personalised, bilingual letters from Canadian constituents, as print-ready PDFs.

    \b
    Examples:
      letters campaigns
      letters recipients --role minister
      letters write --campaign end-ice-contracts --to pm --lang fr \\
        --name "Jeanne Tremblay" --street "123, rue Principale" --city Gatineau \\
        --province QC --postal-code "J8X 1A1"
    """


from . import batch, campaign, directory, i18n, send, serve, signing, write  # noqa: E402  (commands register on `main`)

__all__ = [
    "main",
    "batch",
    "campaign",
    "directory",
    "i18n",
    "send",
    "serve",
    "signing",
    "write",
    "UserError",
]
