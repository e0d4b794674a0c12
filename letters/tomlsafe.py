"""TOML under limits: every TOML `letters` reads goes through `loads`.

Python's `tomllib` parses nested arrays and inline tables by recursion, so `a = [[[[…` 100,000
deep ends in a RecursionError traceback. `loads` measures the nesting first, with a scan that
knows TOML's strings and comments, and refuses a file too large or too deep with a
`TomlLimitError`: a `tomllib.TOMLDecodeError`, so every caller's existing one-line message for a
malformed file covers it too.
"""

from __future__ import annotations

import tomllib
from typing import Any

MAX_CHARS = 4 * 1024 * 1024  # house.toml, the largest file we ship, is about 110 kB
MAX_DEPTH = 32  # arrays and inline tables inside each other; our files use at most 3


class TomlLimitError(tomllib.TOMLDecodeError):
    """A TOML file larger or more deeply nested than any file `letters` reads."""


def loads(text: str) -> dict[str, Any]:
    """`tomllib.loads`, after refusing a text over MAX_CHARS or nested over MAX_DEPTH."""
    if len(text) > MAX_CHARS:
        raise TomlLimitError(
            f"the file is {len(text):,} characters long, more than the {MAX_CHARS:,} "
            "a TOML file here may have"
        )
    depth = nesting_depth(text)
    if depth > MAX_DEPTH:
        raise TomlLimitError(
            f"arrays or inline tables are nested {depth:,} deep, more than {MAX_DEPTH}"
        )
    try:
        return tomllib.loads(text)
    except RecursionError as error:  # belt and braces: the scan should have stopped it
        raise TomlLimitError("arrays or inline tables are nested too deeply") from error


def nesting_depth(text: str) -> int:
    """The deepest `[`/`{` nesting outside strings and comments (a `[table]` header counts 1)."""
    depth = deepest = 0
    i, size = 0, len(text)
    while i < size:
        char = text[i]
        if char == "#":
            end = text.find("\n", i)
            i = size if end < 0 else end
        elif char in "\"'":
            i = _string_end(text, i)
            continue
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth = max(0, depth - 1)
        i += 1
    return deepest


def _string_end(text: str, start: int) -> int:
    """The index just past the string opening at `start` (the end of the text if unclosed)."""
    quote = text[start]
    delimiter = quote * 3 if text.startswith(quote * 3, start) else quote
    i = start + len(delimiter)
    while i < len(text):
        if quote == '"' and text[i] == "\\":
            i += 2
            continue
        if text.startswith(delimiter, i):
            # '''a''''' : a closing run may carry up to two quotes of content before it
            end = i + len(delimiter)
            while len(delimiter) == 3 and end < len(text) and text[end] == quote:
                end += 1
            return end
        if len(delimiter) == 1 and text[i] == "\n":
            return i  # a one-line string cannot span lines: tomllib will say so
        i += 1
    return len(text)
