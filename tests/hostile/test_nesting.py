"""Deeply nested input (TOML, a PDF's trailer, a lookup's JSON) is a one-line error, never a
RecursionError traceback."""

from __future__ import annotations

import shutil

from click.testing import CliRunner

from letters.cli import main
from letters.resources import locales_dir
from letters.tomlsafe import MAX_DEPTH, TomlLimitError, loads, nesting_depth

from ..test_cli import BASE

DEEP_TOML = "title = " + "[" * 100_000 + "]" * 100_000 + "\n"


def test_nesting_depth_skips_strings_and_comments():
    text = "a = \"[[[[\" # [[[[\nb = '''{{{{\n]]'''\nc = [[1], {x = [2]}]\n[t]\n"
    assert nesting_depth(text) == 3
    assert loads(text)["c"] == [[1], {"x": [2]}]


def test_deep_toml_is_refused_before_parsing():
    try:
        loads(DEEP_TOML)
    except TomlLimitError as error:
        assert "100,000 deep" in str(error) and str(MAX_DEPTH) in str(error)
    else:
        raise AssertionError("not refused")


def test_deep_campaign_toml_is_one_line_in_write_and_campaigns(tmp_path, monkeypatch):
    import letters.campaign as campaign_module

    bad = tmp_path / "campaigns" / "bad"
    bad.mkdir(parents=True)
    (bad / "campaign.toml").write_text(DEEP_TOML)
    args = [*BASE, "--to", "pm", "--lang", "en"]
    args[args.index("end-ice-contracts")] = str(bad / "campaign.toml")
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    assert result.output.count("\n") == 1 and "nested 100,000 deep" in result.output

    monkeypatch.setattr(campaign_module, "campaigns_dir", lambda: tmp_path / "campaigns")
    listed = CliRunner().invoke(main, ["campaigns"])
    assert listed.exit_code == 2 and listed.output.count("\n") == 1, listed.output
    assert "nested 100,000 deep" in listed.output


def test_deep_campaign_toml_is_one_line_in_i18n(tmp_path, monkeypatch):
    import letters.translation.catalog as catalog_module

    root = tmp_path / "root"
    (root / "campaigns" / "bad").mkdir(parents=True)
    (root / "campaigns" / "bad" / "campaign.toml").write_text(DEEP_TOML)
    (root / "babel.cfg").write_text("[letters_campaign: campaigns/**/campaign.toml]\n")
    shutil.copytree(locales_dir(), tmp_path / "locales")
    monkeypatch.setenv("LETTERS_LOCALES", str(tmp_path / "locales"))
    monkeypatch.setattr(catalog_module, "data_root", lambda: root)
    for command in (["extract"], ["stats"]):
        result = CliRunner().invoke(main, ["i18n", *command])
        assert result.exit_code == 2, (command, result.output)
        assert result.output.count("\n") == 1 and "bad/campaign.toml" in result.output
        assert "nested 100,000 deep" in result.output
