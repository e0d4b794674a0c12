"""Package exports that load their module on first use (PEP 562 module `__getattr__`)."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module


def lazy_exports(package: str, exports: dict[str, str]) -> Callable[[str], object]:
    """A `__getattr__` for `package` that imports `exports[name]` (a submodule) when `name` is
    first used, so that importing an audience package costs nothing until a caller needs it
    (the batch engine brings in WeasyPrint, the cluster Dask, signing pyHanko)."""

    def __getattr__(name: str) -> object:
        if name in exports:
            return getattr(import_module(f".{exports[name]}", package), name)
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    return __getattr__
