"""Render: a composed Letter into HTML (for WeasyPrint) or plain text, through Jinja2 + gettext."""

from __future__ import annotations

import re
from functools import cache

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from .compose import Letter
from .i18n import translations, typography
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
    env.filters["ordinal"] = superscript_ordinals
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


def superscript_ordinals(text: str) -> Markup:
    """Set the French "1er" of a date line as 1<sup>er</sup>, as the Translation Bureau prints it.

    The text is escaped first, so only our own <sup> is markup.
    """
    return Markup("1<sup>er</sup>").join(escape(part) for part in re.split(r"\b1er\b", text))


def render_html(letter: Letter) -> str:
    return environment(letter.lang).get_template("letter.html.j2").render(letter=letter)


def render_text(letter: Letter) -> str:
    return environment(letter.lang).get_template("letter.txt.j2").render(letter=letter)
