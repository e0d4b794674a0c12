"""Render: a composed Letter into HTML (for WeasyPrint) or plain text, through Jinja2 + gettext."""

from __future__ import annotations

from functools import cache

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from .compose import Letter
from .i18n import Language, translations, typography
from .resources import templates_dir


@cache
def environment(lang: str) -> Environment:
    """One Jinja2 environment per language: autoescape on, newstyle gettext from our catalogs."""
    env = Environment(
        loader=FileSystemLoader(str(templates_dir())),
        autoescape=select_autoescape(["html", "html.j2"], default_for_string=True),
        extensions=["jinja2.ext.i18n"],
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    catalog = translations(lang)
    env.install_gettext_callables(
        gettext=lambda message: typography(catalog.ugettext(message), lang),
        ngettext=lambda one, many, n: typography(catalog.ungettext(one, many, n), lang),
        pgettext=lambda context, message: typography(catalog.upgettext(context, message), lang),
        npgettext=lambda context, one, many, n: typography(
            catalog.unpgettext(context, one, many, n), lang
        ),
        newstyle=True,
    )
    return env


def render_html(letter: Letter) -> str:
    return environment(letter.lang).get_template("letter.html.j2").render(letter=letter)


def render_envelope(letter: Letter) -> str:
    """The #10 envelope page (HTML); the letter must have been composed with `envelope=True`."""
    return environment(letter.lang).get_template("envelope.html.j2").render(letter=letter)


def render_text(letter: Letter) -> str:
    return environment(letter.lang).get_template("letter.txt.j2").render(letter=letter)


def language_of(letter: Letter) -> Language:
    return Language(letter.lang)
