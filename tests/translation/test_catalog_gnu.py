"""The catalogs as GNU gettext (and Poedit, which runs it) reads them: `msgfmt --check` passes on
every shipped catalog, and the `#|` lines that keep a fuzzy message's old English are lines
msgcat reads back whole. Needs GNU gettext (`make proof-deps` installs it); skips without it.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from letters.translation import catalog

from ..conftest import ROOT

pytestmark = pytest.mark.skipif(
    shutil.which("msgfmt") is None or shutil.which("msgcat") is None,
    reason="GNU gettext missing: make proof-deps (Debian gettext)",
)
# The tests that change a catalog work on a copy (LETTERS_LOCALES): tests/translation/conftest.py.
changes_a_copy = pytest.mark.usefixtures("locales_copy")
# Where shipped catalogs may be: the interface's, and each campaign's own (campaigns/<id>/locales/).
NOT_SHIPPED = {"output", "build", "dist", "node_modules", "directory"}
OLD_OPENING = "I ask the Government of Canada to ensure, without any delay, that no"
NEW_OPENING = "I ask the Government of Canada to make sure, without delay, that no"


def shipped_catalogs() -> list[Path]:
    return sorted(
        path
        for path in ROOT.rglob("*.po")
        if not any(
            part.startswith(".") or part in NOT_SHIPPED for part in path.relative_to(ROOT).parts
        )
    )


def msgfmt_check(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["msgfmt", "--check", "-o", "/dev/null", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_every_shipped_catalog_passes_msgfmt_check():
    found = shipped_catalogs()
    assert any(path.parent.parent.name == "fr" for path in found), found  # French, at least
    for path in found:
        done = msgfmt_check(path)
        assert done.returncode == 0, f"{path.relative_to(ROOT)}:\n{done.stderr}"
        assert "fatal" not in done.stderr


@changes_a_copy
def test_an_appel_that_names_the_office_is_not_a_python_format_error():
    """« Monsieur le Député, » leaves out the English's %(last_name)s on purpose (`allow:
    placeholders`): such a message is written `no-python-format`, so msgfmt passes what
    `extract` + `update` write, while every other message stays `python-format`, checked."""
    catalog.write_pot(catalog.extract())
    catalog.update("fr", catalog.extract())
    po = catalog.load_po("fr")
    appel = po.get("Dear Mr. %(last_name)s:", "salutation, man MP")
    assert appel.string == "Monsieur le Député,"
    text = catalog.po_path("fr").read_text(encoding="utf-8")
    assert '#, no-python-format\nmsgctxt "salutation, man MP"' in text
    assert '#, python-format\nmsgctxt "address line, man MP"' in text
    assert msgfmt_check(catalog.po_path("fr")).returncode == 0
    assert msgfmt_check(catalog.pot_path()).returncode == 0


@changes_a_copy
def test_msgfmt_still_refuses_a_placeholder_left_out_elsewhere():
    """The check is not weakened: a translation that drops a name where nothing allows it fails."""
    path = catalog.po_path("fr")
    text = path.read_text(encoding="utf-8")
    line = next(
        line for line in text.splitlines() if line.startswith('msgstr "') and "%(name)s" in line
    )
    path.write_text(text.replace(line, 'msgstr "Bonjour"', 1), encoding="utf-8")
    done = msgfmt_check(path)
    assert done.returncode == 1 and "argument 'name' doesn't exist in 'msgstr'" in done.stderr


def test_a_fuzzy_message_keeps_its_old_english_in_lines_gnu_gettext_reads(campaign_copy):
    """(A campaign's own catalog.) The `#|` lines are whole PO strings, as msgmerge writes them (Babel's own break inside
    the quotes, and msgcat, msgfmt and Poedit stop there: "end-of-line within string")."""
    path = campaign_copy.po_path("fr")
    text = path.read_text(encoding="utf-8")
    assert f'"{NEW_OPENING}' in text
    path.write_text(text.replace(f'"{NEW_OPENING}', f'"{OLD_OPENING}', 1), encoding="utf-8")
    updated = catalog.update("fr", campaign_copy.extract(), campaign_copy)
    [ref] = updated.fuzzy
    changed = ref.msgid
    assert changed.startswith(NEW_OPENING)
    old = changed.replace(NEW_OPENING, OLD_OPENING)
    written = path.read_bytes()

    done = subprocess.run(
        ["msgcat", "--no-wrap", str(path)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert f'#| msgid "{old}"\n' in done.stdout  # read whole, as one string
    assert msgfmt_check(path).returncode == 0
    assert catalog.load_po("fr", campaign_copy).get(changed).previous_id == [old]
    again = catalog.update("fr", campaign_copy.extract(), campaign_copy)
    assert not again.changed  # stable once written
    assert path.read_bytes() == written


def test_a_plural_message_keeps_both_old_forms(campaign_copy):
    french = catalog.load_po("fr", campaign_copy)
    message = next(m for m in french if m.id and not isinstance(m.id, str))
    old = ("An older English form for one demand, " * 3, "And one for several demands, " * 3)
    message.flags.add("fuzzy")
    message.previous_id = list(old)
    campaign_copy.po_path("fr").write_bytes(catalog._po_bytes(french, include_previous=True))
    done = subprocess.run(
        ["msgcat", "--no-wrap", str(campaign_copy.po_path("fr"))],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert f'#| msgid "{old[0]}"\n#| msgid_plural "{old[1]}"\n' in done.stdout
    assert catalog.load_po("fr", campaign_copy).get(
        message.id, message.context
    ).previous_id == list(old)
