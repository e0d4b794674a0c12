"""The `letters` command: a thin click layer that parses, calls the library and prints.

Each command family lives in its own module here and registers itself on `main`. `main`
imports a module only when one of its commands runs (or `--help` lists them all): a letter
should not wait for what signing, the batch or the web page need (x509, openpyxl, urllib…).
"""

from __future__ import annotations

from importlib import import_module

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


# Every command `main` has, and the module here that defines it. A new command module adds its
# commands here (tests/test_cli_imports.py checks that this list and the modules agree).
COMMANDS = {
    "batch": "batch",
    "campaign": "campaign",
    "campaigns": "write",
    "directory": "directory",
    "email-draft": "signing",
    "i18n": "i18n",
    "identity": "signing",
    "recipients": "write",
    "report": "batch",
    "send": "send",
    "serve": "serve",
    "sign": "signing",
    "signature": "signing",
    "verify": "signing",
    "write": "write",
}


class LettersGroup(click.Group):
    """Loads a command's module when the command is asked for; turns every LettersError raised
    below into a one-line message and exit status 2."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(COMMANDS) | set(self.commands))

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in self.commands and name in COMMANDS:
            import_module(f".{COMMANDS[name]}", __name__)  # registers its commands on `main`
        return self.commands.get(name)

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


__all__ = ["COMMANDS", "UserError", "main"]
