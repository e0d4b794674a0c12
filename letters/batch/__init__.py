"""The organiser's batch: a supporters' sheet in, a letter per supporter and recipient out.

Built on the letter pipeline (`letters`): `engine` runs the batch (today's `letters batch`),
`supporters` reads and maps the sheet, `packs` binds print packs, `reports` writes the manifest and
errors, `storage` keeps a batch folder (local or a URL) resumable, and `cluster` farms the
rendering out to Dask workers (`--cluster`). It also uses the directory's postal-code lookup and
the sending package's signature images. Used by `letters batch` (letters/cli/batch.py) and the
benchmarks.
"""

_EXPORTS = {
    "Summary": "engine",
    "run_batch": "engine",
    "parse_mapping": "supporters",
    "cluster_executor": "cluster",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    # Exports load their module on first use, so importing the package costs nothing: the engine brings in WeasyPrint and pikepdf, the cluster Dask.
    if name in _EXPORTS:
        from importlib import import_module

        return getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
