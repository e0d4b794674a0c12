"""TOML files read through a cache: the House (`house.toml`, 5,600 lines) takes ~30 ms to parse
with tomllib, and a letter read it three times (directory, districts, sender's riding).

The parsed value is kept as JSON, in memory and in the user's cache (`cache_dir()`), keyed by a
hash of the file's bytes: an edited or re-imported file is parsed afresh, and every caller gets
its own copy to change as it likes. JSON has no dates: TOML's are kept as `{"\\u0000date": …}`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

from . import tomlsafe
from .resources import cached_text, keep_in_cache

_TAG = "\u0000"  # no key of ours starts with NUL
_TYPES = {"date": dt.date, "datetime": dt.datetime, "time": dt.time}
_remembered: dict[str, str] = {}  # hash of the TOML bytes -> the JSON of its value


def read_toml(path: Path) -> dict:
    """`tomlsafe.loads(path.read_text("utf-8"))`, with the same errors (OSError,
    UnicodeDecodeError, TOMLDecodeError), parsed once per version of the file: a file whose
    bytes were parsed before (and so passed tomlsafe's limits) is not scanned again."""
    source = path.read_bytes()
    text = source.decode("utf-8")
    key = hashlib.sha256(source).hexdigest()
    name = f"toml/{key}.json"
    for found in (_remembered.get(key), cached_text(name)):
        if found is not None:
            try:
                value = json.loads(found, object_hook=_untagged)
            except (ValueError, RecursionError):
                continue  # a damaged cache entry: parse again
            _remembered[key] = found
            return value
    value = tomlsafe.loads(text)
    _remembered[key] = json.dumps(value, default=_tagged, ensure_ascii=False)
    keep_in_cache(name, _remembered[key])
    return value


def _tagged(value: object) -> dict:
    # datetime before date: a datetime is a date too.
    for name in ("datetime", "date", "time"):
        if isinstance(value, _TYPES[name]):
            return {_TAG + name: value.isoformat()}
    raise TypeError(f"{type(value).__name__} is not a TOML value")


def _untagged(table: dict) -> object:
    if len(table) == 1:
        [(key, value)] = table.items()
        if key.startswith(_TAG) and key[1:] in _TYPES:
            return _TYPES[key[1:]].fromisoformat(value)
    return table
