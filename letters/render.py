"""Render: a composed Letter into HTML (for WeasyPrint) or plain text, through Jinja2 + gettext."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from contextlib import suppress
from functools import cache

from jinja2 import (
    Environment,
    FileSystemBytecodeCache,
    FileSystemLoader,
    StrictUndefined,
    pass_eval_context,
    select_autoescape,
)
from markupsafe import Markup, escape

from .compose import Letter
from .i18n import emphasis, is_translated, plain, translations, typography
from .resources import cache_dir, templates_dir


class TemplateCache(FileSystemBytecodeCache):
    """The letter's templates compiled once per version of their source (Jinja checks it), in
    the user's cache: ~10 ms a `letters write`. One that cannot be read or written only costs
    time."""

    def load_bytecode(self, bucket) -> None:
        with suppress(OSError):
            super().load_bytecode(bucket)

    def dump_bytecode(self, bucket) -> None:
        with suppress(OSError):
            os.makedirs(self.directory, exist_ok=True)
            super().dump_bytecode(bucket)


def environment(lang: str) -> Environment:
    """One Jinja2 environment per language and catalog: autoescape on, newstyle gettext."""
    return _environment(lang, translations(lang))


@cache
def _environment(lang: str, catalog) -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(templates_dir())),
        # Only this environment's settings in this folder: compiled code depends on them.
        bytecode_cache=TemplateCache(str(cache_dir() / "jinja-letter")),
        autoescape=select_autoescape(["html", "html.j2"], default_for_string=True),
        extensions=["jinja2.ext.i18n"],
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["ordinal"] = superscript_ordinals
    env.filters["emphasis"] = emphasis  # campaign texts: *Title of an Act* in italics
    env.filters["plain"] = plain

    def finish(text: str, context: str | None, message: str) -> str:
        # Our typography applies to translations only; an English fallback stays English.
        return typography(text, lang) if is_translated(catalog, context, message) else text

    env.install_gettext_callables(
        **text_gettext(
            gettext=lambda message: finish(catalog.ugettext(message), None, message),
            ngettext=lambda one, many, n: finish(catalog.ungettext(one, many, n), None, one),
            pgettext=lambda context, message: finish(
                catalog.upgettext(context, message), context, message
            ),
            npgettext=lambda context, one, many, n: finish(
                catalog.unpgettext(context, one, many, n), context, one
            ),
        ),
        newstyle=True,
    )
    return env


# The markup a template's own message may carry: tags and character references.
SOURCE_MARKUP = re.compile(r"</?[A-Za-z][^<>]*>|&(?:[A-Za-z]+|#\d+|#x[0-9A-Fa-f]+);")
# Where the English (source) text is among each gettext function's arguments.
SOURCE_ARGS = {"gettext": (0,), "ngettext": (0, 1), "pgettext": (1,), "npgettext": (1, 2)}


def translated_markup(sources: tuple[str, ...], translation: str) -> Markup:
    """A translation as HTML: escaped like any text, except the tags and entities the template's
    own message (`sources`) has. A translator can move the template's markup, never add any."""
    html = str(escape(translation))
    for piece in sorted({m for s in sources for m in SOURCE_MARKUP.findall(s)}, key=len)[::-1]:
        html = html.replace(str(escape(piece)), piece)
    return Markup(html)  # noqa: S704 (escaped above; only the source's own markup is restored)


def text_gettext(**callables: Callable[..., str]) -> dict[str, Callable[..., str]]:
    """Wrap gettext callables for `install_gettext_callables(newstyle=True)` so that in an
    autoescaped template their output is text (`translated_markup`), not trusted markup.

    Jinja marks whatever gettext returns as safe markup in an HTML template, `{% trans %}`
    blocks included; a French `msgstr` could then add links, attachments or styles to every
    letter. In a text template the translation is returned as it is.
    """

    def wrap(name: str, translate: Callable[..., str]) -> Callable[..., str]:
        @pass_eval_context
        def call(eval_ctx, *args):
            text = translate(*args)
            if not eval_ctx.autoescape:
                return text
            return translated_markup(tuple(args[i] for i in SOURCE_ARGS[name]), text)

        return call

    return {name: wrap(name, translate) for name, translate in callables.items()}


def superscript_ordinals(text: str) -> Markup:
    """Set the French "1er" of a date line as 1<sup>er</sup>, as the Translation Bureau prints it.

    The text is escaped first, so only our own <sup> is markup.
    """
    return Markup("1<sup>er</sup>").join(escape(part) for part in re.split(r"\b1er\b", text))


def render_html(letter: Letter) -> str:
    return environment(letter.lang).get_template("letter.html.j2").render(letter=letter)


def render_envelope(letter: Letter) -> str:
    """The #10 envelope page (HTML); the letter must have been composed with `envelope=True`."""
    return environment(letter.lang).get_template("envelope.html.j2").render(letter=letter)


def render_text(letter: Letter) -> str:
    return environment(letter.lang).get_template("letter.txt.j2").render(letter=letter)
