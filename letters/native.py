"""WeasyPrint's native libraries, looked up once per machine instead of once per process.

WeasyPrint opens GObject, Pango, HarfBuzz, fontconfig and PangoFT2 by trying several names
each (`weasyprint/text/ffi.py`). cffi hands every name that does not open as given to
`ctypes.util.find_library`, which on Linux runs `ldconfig -p`, then gcc and ld, as child
processes: 22 look-ups and about 240 ms of a 550 ms `import weasyprint` (issue 27). Their
answers depend only on the machine's libraries, so they are kept in the user's cache, keyed
by what they depend on: the platform, the dynamic loader's cache (`/etc/ld.so.cache`, which a
package manager rewrites whenever it installs or removes a library) and the variables that
steer the look-up. The answers are names, not files: cffi still opens each one, so a library
that has gone since fails as it would have, and a damaged or unwritable cache only costs the
look-ups.
"""

from __future__ import annotations

import contextlib
import ctypes.util
import hashlib
import json
import os
import platform
import sys
from collections.abc import Iterator

from .resources import cached_text, keep_in_cache

LOADER_CACHE = "/etc/ld.so.cache"
STEERING = (
    "LD_LIBRARY_PATH",
    "LIBRARY_PATH",
    "PATH",
    "DYLD_LIBRARY_PATH",
    "DYLD_FALLBACK_LIBRARY_PATH",
)


def _key() -> str:
    try:
        stat = os.stat(LOADER_CACHE)
        loader = [stat.st_mtime_ns, stat.st_size, stat.st_ino]
    except OSError:
        loader = None
    facts = [sys.platform, platform.machine(), loader, [os.environ.get(k) for k in STEERING]]
    return hashlib.sha256(json.dumps(facts).encode()).hexdigest()[:32]


def _plausible(answer: object) -> bool:
    """None or a bare library name (`libpango-1.0.so.0`), which the loader looks for in the
    system's own folders: a cache entry naming a file (`/tmp/x.so`) is looked up afresh, so
    the cache cannot point WeasyPrint at a library elsewhere (macOS answers with paths: there
    nothing is saved)."""
    return answer is None or (
        isinstance(answer, str) and "/" not in answer and os.sep not in answer
    )


@contextlib.contextmanager
def remembered_library_lookups() -> Iterator[None]:
    """Within the block, `ctypes.util.find_library` answers from the user's cache when it can;
    new answers are kept for the next process. Restored on the way out."""
    name = f"native-libraries-{_key()}.json"
    try:
        known = json.loads(cached_text(name) or "{}")
        if not isinstance(known, dict):
            known = {}
    except ValueError:
        known = {}
    learned = False
    original = ctypes.util.find_library

    def find_library(library: str) -> str | None:
        nonlocal learned
        if library in known and _plausible(known[library]):
            return known[library]
        known[library] = original(library)
        learned = True
        return known[library]

    ctypes.util.find_library = find_library
    try:
        yield
    finally:
        ctypes.util.find_library = original
        if learned:
            keep_in_cache(name, json.dumps(known, sort_keys=True))
