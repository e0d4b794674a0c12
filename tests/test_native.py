"""WeasyPrint's native libraries are looked up once per machine, and found the same way."""

from __future__ import annotations

import ctypes.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import letters.native
from letters.native import remembered_library_lookups

ROOT = Path(__file__).resolve().parent.parent

# A fresh process imports letters.pdf (so WeasyPrint) and says how many times the real
# find_library ran, and which libraries WeasyPrint opened.
PROBE = """
import ctypes.util, json
calls = []
real = ctypes.util.find_library
ctypes.util.find_library = lambda name: calls.append(name) or real(name)
import letters.pdf
from weasyprint.text import ffi
print(json.dumps({"calls": len(calls), "harfbuzz_subset": ffi.harfbuzz_subset is not None}))
"""


def probe(cache: Path, **env: str) -> dict:
    environ = {**os.environ, "LETTERS_CACHE": str(cache), "PYTHONPATH": str(ROOT), **env}
    done = subprocess.run(
        [sys.executable, "-c", PROBE], env=environ, capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout.splitlines()[-1])


def test_a_second_process_finds_weasyprints_libraries_without_looking_them_up(tmp_path):
    first = probe(tmp_path / "cache")
    assert first["calls"] > 0  # WeasyPrint's names that do not open as given
    [entry] = (tmp_path / "cache").glob("native-libraries-*.json")
    assert "libpango-1.0-0" in json.loads(entry.read_text())
    second = probe(tmp_path / "cache")
    assert second == {**first, "calls": 0}
    # Another library path is another machine as far as the look-up knows: looked up again.
    assert probe(tmp_path / "cache", LD_LIBRARY_PATH=str(tmp_path))["calls"] == first["calls"]


@pytest.mark.parametrize("damage", ["{not json", "[1, 2]", '{"m": 3}', '{"m": "/tmp/evil.so"}'])
def test_a_damaged_cache_only_costs_the_look_ups(tmp_path, monkeypatch, damage):
    monkeypatch.setenv("LETTERS_CACHE", str(tmp_path))
    entry = tmp_path / f"native-libraries-{letters.native._key()}.json"
    entry.write_text(damage)
    with remembered_library_lookups():
        found = ctypes.util.find_library("m")
    assert ctypes.util.find_library is not None and found
    assert json.loads(entry.read_text())["m"] == found  # and repaired
    assert ctypes.util.find_library.__module__ == "ctypes.util"  # restored


def test_an_unwritable_cache_only_costs_the_look_ups(tmp_path, monkeypatch):
    (tmp_path / "file").write_text("")
    monkeypatch.setenv("LETTERS_CACHE", str(tmp_path / "file" / "cache"))
    with remembered_library_lookups():
        assert ctypes.util.find_library("m")
