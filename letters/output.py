"""Output: safe file names inside the output folder, and atomic writes (no partial files)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .errors import InputError
from .people import slug

NAME_LIMIT = 60


def safe_name(text: str, limit: int = NAME_LIMIT) -> str:
    """A file-name part from anything a person typed: ASCII, no separators, no dots, bounded."""
    return slug(text)[:limit].strip("-") or "letter"


def default_path(
    root: Path, campaign_id: str, recipient_id: str, lang: str, sender: str, fmt: str
) -> Path:
    """`output/<campaign>/<recipient>-<lang>-<sender>.<fmt>`, always inside `root`."""
    name = f"{safe_name(recipient_id)}-{lang}-{safe_name(sender)}.{fmt}"
    return inside(root, Path(safe_name(campaign_id)) / name)


def inside(root: Path, relative: Path) -> Path:
    """Resolve `relative` under `root`; refuse anything that would land outside it."""
    base = root.resolve()
    path = (base / relative).resolve()
    if path != base and base not in path.parents:
        raise InputError(
            f"{relative} is outside the output folder",
            field="output",
            fix=f"choose a path inside {root}",
        )
    return path


def write_atomic(path: Path, content: bytes) -> Path:
    """Write to a temporary file beside `path`, then rename: readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        # mkstemp makes the file private (0600); a letter is an ordinary document (0644), which
        # a print shop's account or a shared drive must be able to read.
        os.fchmod(fd, 0o644)
        with os.fdopen(fd, "wb") as out:
            out.write(content)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
