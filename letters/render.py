"""Render: a composed Letter into HTML (for WeasyPrint) or plain text, through Jinja2 + gettext."""

from __future__ import annotations

from functools import cache

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from .compose import Letter
from .i18n import Language, is_translated, translations, typography
from .resources import templates_dir


def environment(lang: str) -> Environment:
    """One Jinja2 environment per language and catalog: autoescape on, newstyle gettext."""
    return _environment(lang, translations(lang))


@cache
def _environment(lang: str, catalog) -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(templates_dir())),
        autoescape=select_autoescape(["html", "html.j2"], default_for_string=True),
        extensions=["jinja2.ext.i18n"],
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )

    def finish(text: str, context: str | None, message: str) -> str:
        # Our typography applies to translations only; an English fallback stays English.
        return typography(text, lang) if is_translated(catalog, context, message) else text

    env.install_gettext_callables(
        gettext=lambda message: finish(catalog.ugettext(message), None, message),
        ngettext=lambda one, many, n: finish(catalog.ungettext(one, many, n), None, one),
        pgettext=lambda context, message: finish(
            catalog.upgettext(context, message), context, message
        ),
        npgettext=lambda context, one, many, n: finish(
            catalog.unpgettext(context, one, many, n), context, one
        ),
        newstyle=True,
    )
    return env


def render_html(letter: Letter) -> str:
    return environment(letter.lang).get_template("letter.html.j2").render(letter=letter)


def render_text(letter: Letter) -> str:
    return environment(letter.lang).get_template("letter.txt.j2").render(letter=letter)


def language_of(letter: Letter) -> Language:
    return Language(letter.lang)
