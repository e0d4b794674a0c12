"""The organiser's batch: a supporters' sheet in, a letter per supporter and recipient out.

Built on the letter pipeline (`letters`): `engine` runs the batch (today's `letters batch`),
`supporters` reads and maps the sheet, `packs` binds print packs, `reports` writes the manifest and
errors, `storage` keeps a batch folder (local or a URL) resumable, and `cluster` farms the
rendering out to Dask workers (`--cluster`), and `mailing` emails a finished batch's letters
(`letters send`). It also uses the directory's postal-code lookup and the sending package's
signature images and mail. Used by `letters batch` (letters/cli/batch.py), `letters send`
(letters/cli/send.py) and the benchmarks.
"""

from ..exports import lazy_exports

_EXPORTS = {
    "Summary": "engine",
    "run_batch": "engine",
    "parse_mapping": "supporters",
    "cluster_executor": "cluster",
    "plan_mailing": "mailing",
    "run_mailing": "mailing",
}
__all__ = sorted(_EXPORTS)


# Exports load their module on first use, so importing the package costs nothing: the engine brings in WeasyPrint and pikepdf, the cluster Dask.
__getattr__ = lazy_exports(__name__, _EXPORTS)
