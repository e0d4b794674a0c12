"""The messages a letter's templates print are extracted once per version of the templates, and
kept in the user's cache: a letter does not run Babel's extractor, an edited template is seen."""

from __future__ import annotations

import shutil

import pytest

import letters.i18n
from letters import make_letter
from letters.i18n import LETTER_TEMPLATES, template_messages
from letters.render import _environment, render_html
from letters.resources import templates_dir

from .conftest import DAY, sender


def page_line(found) -> bool:
    """Whether the running header's "Page 2" is among the messages found."""
    return any(message.startswith("Page <span") for _, message in found)


@pytest.fixture
def templates(tmp_path, monkeypatch):
    """A copy of the shipped templates, which the test may edit, and an empty cache."""
    copy = tmp_path / "templates"
    shutil.copytree(templates_dir(), copy)
    monkeypatch.setattr(letters.i18n, "templates_dir", lambda: copy)
    monkeypatch.setenv("LETTERS_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(letters.i18n, "_remembered", {})
    return copy


def cached_files(templates):
    return sorted((templates.parent / "cache" / "template-messages").glob("*.json"))


def test_the_letters_messages_are_found_and_kept_in_the_cache(templates):
    found = template_messages()
    assert page_line(found)
    assert (None, "Envelope") not in found  # the envelope's, not the letter's
    assert len(cached_files(templates)) == 1
    letters.i18n._remembered.clear()  # as a new process would start
    assert template_messages() == found


def test_an_edited_template_is_extracted_again(templates):
    before = template_messages()
    partial = templates / "partials" / "signature.html.j2"
    partial.write_text(
        partial.read_text(encoding="utf-8") + "{% trans %}A new line{% endtrans %}\n",
        encoding="utf-8",
    )
    after = template_messages()
    assert (None, "A new line") in after and (None, "A new line") not in before
    assert len(cached_files(templates)) == 2
    partial.write_text(partial.read_text(encoding="utf-8").replace("A new line", "Another"))
    assert (None, "Another") in template_messages()


def test_a_web_template_edit_does_not_touch_the_letters_entry(templates):
    template_messages()
    (templates / "web" / "page.html.j2").write_text("{% trans %}Elsewhere{% endtrans %}")
    assert (None, "Elsewhere") not in template_messages(LETTER_TEMPLATES)
    assert len(cached_files(templates)) == 1


def test_an_unreadable_or_unwritable_cache_only_costs_time(templates, tmp_path, monkeypatch):
    found = template_messages()
    cached_files(templates)[0].write_text("{not json")
    letters.i18n._remembered.clear()
    assert template_messages() == found
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("LETTERS_CACHE", str(blocker))  # a cache "folder" that is a file
    letters.i18n._remembered.clear()
    assert template_messages() == found


def test_a_letter_renders_with_a_cache_that_cannot_be_written(tmp_path, monkeypatch, setting):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("LETTERS_CACHE", str(blocker))
    _environment.cache_clear()
    try:
        html = render_html(make_letter(setting, sender("fr"), "pm", DAY))
    finally:
        _environment.cache_clear()
    assert "Objet" in html
