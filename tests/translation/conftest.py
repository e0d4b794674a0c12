"""Fixtures of the translation tests: copies of the catalogs a test may change."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from letters.translation import catalog

from ..conftest import ROOT


@pytest.fixture
def locales_copy(tmp_path, monkeypatch) -> Path:
    """A copy of locales/ that the commands work on (LETTERS_LOCALES), and of the shipped
    campaigns (with their own catalogs), so the repo stays clean."""
    locales = tmp_path / "locales"
    shutil.copytree(ROOT / "locales", locales)
    monkeypatch.setenv("LETTERS_LOCALES", str(locales))
    shutil.copytree(ROOT / "campaigns", tmp_path / "campaigns")
    monkeypatch.setattr(catalog, "campaigns_dir", lambda: tmp_path / "campaigns")
    return locales


@pytest.fixture
def campaign_copy(tmp_path, locales_copy) -> catalog.Catalogs:
    """The copy of the shipped campaign's folder, as a set of catalogs."""
    return catalog.campaign_catalogs(tmp_path / "campaigns" / "end-ice-contracts")
