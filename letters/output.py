"""Output: safe file names inside the output folder, and atomic writes (no partial files)."""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path

from .errors import InputError
from .recipients import slug

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


def shown(path: Path) -> Path:
    """A path as the user would type it: relative to the current folder when inside it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return path


def write_atomic(path: Path, content: bytes) -> Path:
    """Write to a temporary file beside `path`, then rename: readers never see half a file.

    Only a regular file is ever replaced (a device, a pipe or a folder, even behind a symlink, is
    refused), and it keeps its mode; a new file gets the mode the umask allows (0644 under the
    usual 022, 0600 under 077: a letter holds a home address).
    """
    mode = _target_mode(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=part_prefix(path.name), suffix=".part")
    except OSError as error:
        raise _unwritable(path, error) from error
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as out:
            out.write(content)
        os.replace(tmp, path)
    except BaseException as error:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise _unwritable(path, error) from error
        raise
    return path


# A file name is at most 255 bytes: the temporary name (a dot, the name, a random part and
# ".part") must fit even when the name itself is that long.
PART_NAME_BYTES = 100


def part_prefix(name: str) -> str:
    """`.NAME.` cut to fit: how a temporary file beside `name` begins."""
    name = name.encode("utf-8", "surrogateescape")[:PART_NAME_BYTES]
    return "." + name.decode("utf-8", "ignore") + "."


def _target_mode(path: Path) -> int:
    """The mode to give the new file; refuses a target that is not a regular file."""
    try:
        found = path.stat()  # follows a symlink: what would be replaced is what it points to
    except FileNotFoundError:
        return 0o666 & ~current_umask()
    except OSError as error:
        raise _unwritable(path, error) from error
    if not stat.S_ISREG(found.st_mode):
        raise InputError(
            f"{path} exists and is not a regular file",
            field="output",
            fix="give the path of a new or ordinary file",
        )
    return stat.S_IMODE(found.st_mode)


def current_umask() -> int:
    """The process's umask, read without changing it (other threads may be creating files)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _unwritable(path: Path, error: OSError) -> InputError:
    reason = error.strerror or type(error).__name__
    too_long = error.errno == errno.ENAMETOOLONG
    return InputError(
        f"cannot write {path} ({reason})",
        field="output",
        fix="choose a shorter file name" if too_long else "choose a folder you can write to",
    )
