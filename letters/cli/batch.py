"""`letters batch`: a supporters' spreadsheet in, every supporter's letters out."""

from __future__ import annotations

import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..batch import parse_mapping
from ..directory import represent_lookup
from ..errors import InputError
from ..i18n import SOURCE_LANGUAGE
from ..recipients import load_directory
from . import main
from .options import campaign_option, lookup_url_option, parse_date, warn_if_stale

if TYPE_CHECKING:
    from ..batch import Summary


def _progress_bar():
    """A progress bar (count, rate, time left) on a terminal; nothing otherwise."""
    if not sys.stdout.isatty():
        return None, lambda: None
    state: dict = {}

    def update(finished: int, total: int) -> None:
        if "bar" not in state:
            state["bar"] = click.progressbar(
                length=total,
                label="Letters",
                show_pos=True,
                show_eta=True,
                show_percent=False,
                item_show_func=lambda rate: rate,
            )
            state["bar"].__enter__()
            state["seen"], state["start"] = 0, time.monotonic()
        elapsed = max(time.monotonic() - state["start"], 1e-6)
        state["bar"].update(finished - state["seen"], f"{finished / elapsed:.1f}/s")
        state["seen"] = finished

    def close() -> None:
        if "bar" in state:
            state["bar"].__exit__(None, None, None)

    return update, close


def summary_lines(summary: Summary) -> list[str]:
    lines = [
        f"Rows read: {summary.rows_read} = {summary.letter_rows} with letters"
        f" + {summary.error_rows} with errors + {summary.duplicate_rows} duplicates",
    ]
    if summary.dry_run:
        lines.append(f"Letters planned: {summary.letters} (dry run: nothing rendered)")
    else:
        lines.append(
            f"Letters: {summary.letters} ({summary.written} written,"
            f" {summary.kept} already done and kept)"
        )
        lines.append(f"Print packs: {len(summary.packs)} in {summary.out}/packs")
    if summary.unwritten:
        some = f", {summary.partial_rows} of them from rows with letters" * bool(
            summary.partial_rows
        )
        lines.append(
            f"Not written: {summary.unwritten} letter(s){some}; errors.csv names each"
            " recipient and the fix"
        )
    if summary.directory:
        lines.append(summary.directory)
    if summary.ignored_columns:
        lines.append("Ignored columns: " + ", ".join(summary.ignored_columns))
    lines.append(f"Manifest: {summary.out}/manifest.csv")
    errors = f"Errors: {summary.out}/errors.csv"
    lines.append(errors if summary.error_rows else errors + " (none)")
    lines.append(f"Report: {summary.out}/report.html")
    lines += cause_lines(summary.error_causes)
    return lines


SHOWN_CAUSES = 3


def cause_lines(causes: tuple[tuple[str, int], ...]) -> list[str]:
    """The error rows counted by cause, the commonest first: a run whose lookups all failed
    says so here, not only in errors.csv."""
    lines = [f"  {rows} {'row' if rows == 1 else 'rows'}: {cause}" for cause, rows in causes]
    rest = causes[SHOWN_CAUSES:]
    if rest:
        rows = sum(count for _, count in rest)
        lines[SHOWN_CAUSES:] = [
            f"  {rows} more {'row' if rows == 1 else 'rows'} with {len(rest)} other "
            f"{'cause' if len(rest) == 1 else 'causes'} (see errors.csv)"
        ]
    return lines


@main.command(
    epilog="""\b
Examples:
  letters batch --input examples/supporters.csv --to pm --to mp --date 2026-02-01
  letters batch --input supporters.xlsx --to pm --to minister:foreign-affairs --dry-run
  letters batch --input export.csv --encoding cp1252 --map "Adresse postale=street" --to mp
  letters batch --input supporters.csv --to mp --lookup represent   # MP by postal code
  letters batch --input supporters.csv --to pm --lang fr   # French where the language cell is empty
  letters batch --input supporters.csv --to pm --signatures signatures/ --envelopes
  letters batch --input supporters.csv --to pm --cluster local:2     # Dask, 2 processes
  letters batch --input supporters.csv --to pm --cluster tcp://scheduler:8786 \\
    --out s3://bucket/letters/2026-02-01                             # see docs/scale.md
"""
)
@campaign_option
@click.option(
    "--input",
    "input_path",
    required=True,
    type=click.Path(dir_okay=False),
    help="Supporters' CSV or XLSX file.",
)
@click.option(
    "--to",
    multiple=True,
    required=True,
    help="pm, mp (each supporter's own MP) or minister:<portfolio>; repeat for several.",
)
@click.option("--date", "day", help="Date of the letters, YYYY-MM-DD (default: today).")
@click.option(
    "--lang",
    default=SOURCE_LANGUAGE,
    show_default=True,
    help="Language of the letters of a row whose language cell is empty (or of every row"
    " when the file has no language column).",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False),
    help="Batch folder, or a URL such as s3://bucket/prefix"
    " (default: output/<campaign>/<input name>-<date>/).",
)
@click.option("--jobs", type=click.IntRange(min=1), help="Processes (default: all cores).")
@click.option(
    "--cluster",
    help="Run on Dask instead of local processes: tcp://SCHEDULER:8786, or local:N"
    " for N worker processes on this machine (needs letters[cluster]).",
)
@click.option("--encoding", default="utf-8", show_default=True, help="CSV encoding, e.g. cp1252.")
@click.option(
    "--map",
    "mappings",
    multiple=True,
    help='Read a column as a field: --map "Adresse postale=street" (repeatable).',
)
@click.option("--dry-run", is_flag=True, help="Validate and route every row; render nothing.")
@click.option("--strict", is_flag=True, help="Stop at the first row with a problem.")
@click.option("--force", is_flag=True, help="Redo every letter, even those already done.")
@click.option(
    "--allow-incomplete",
    is_flag=True,
    help="Print the English of messages not yet translated (missing or fuzzy) instead of"
    " reporting those letters as errors.",
)
@click.option(
    "--lookup",
    type=click.Choice(["represent"]),
    help="Find the riding from the postal code when a row has none (Open North's Represent).",
)
@lookup_url_option
@click.option(
    "--signatures",
    type=click.Path(file_okay=False, exists=True),
    help="Folder of signature images that the `signature` column names (never read outside it).",
)
@click.option(
    "--envelopes",
    is_flag=True,
    help="Add a #10 envelope page after each letter (print packs then carry the envelopes).",
)
@click.option(
    "--similarity-report/--no-similarity-report",
    default=True,
    show_default=True,
    help="Measure in report.html how alike the letters to each office read"
    " (adds about 1.5% to a batch).",
)
def batch(
    campaign_id,
    input_path,
    to,
    day,
    out,
    jobs,
    cluster,
    encoding,
    mappings,
    lookup,
    lookup_url,
    **flags,
) -> None:
    """Write one letter per supporter per recipient, with print packs and reports.

    Every row and recipient is accounted for: each letter is written, or a line of errors.csv
    names its recipient and says what to fix, or the row is reported as a duplicate (same name
    and postal code as an earlier row). A problem with one recipient stops only that letter: a
    riding that cannot be found or a vacant seat leaves the letters to the PM and ministers
    written. Run the same command again after an interruption: letters already done are kept,
    the rest written.
    """
    # Imported here: the batch engine brings WeasyPrint and pikepdf (~0.6 s), which the other
    # commands' start-up should not pay.
    from ..batch import run_batch

    warn_if_stale(load_directory())
    update, close = _progress_bar()
    try:
        with _executor(cluster) as executor:
            summary = run_batch(
                campaign_id,
                Path(input_path),
                to,
                day=parse_date(day),
                out=out,
                jobs=jobs,
                encoding=encoding,
                mapping=parse_mapping(mappings),
                lookup=represent_lookup(base_url=lookup_url) if lookup else None,
                progress=update,
                executor=executor,
                **flags,
            )
    finally:
        close()
    for line in summary_lines(summary):
        click.echo(line)


@contextmanager
def _executor(cluster: str | None):
    """Dask is imported only for --cluster, and only then needs to be installed."""
    if cluster is None:
        yield None
        return
    try:
        from ..batch import cluster_executor
    except ImportError as error:
        raise InputError(
            f"--cluster needs Dask ({error})",
            field="cluster",
            fix="pip install 'letters[cluster]'",
        ) from error
    with cluster_executor(cluster) as executor:
        yield executor


@main.command(
    epilog="""\b
Examples:
  letters report output/end-ice-contracts/supporters-2026-02-01
  letters report s3://bucket/letters/2026-02-01
"""
)
@click.argument("out")
def report(out: str) -> None:
    """Write report.html and report.json again for a batch folder OUT (or URL).

    The counts come from OUT's manifest.csv and errors.csv; when it ran, the ridings, the
    personal paragraphs and how alike the letters read come from what the batch recorded.
    """
    from ..batch.engine import MANIFEST, Ownership
    from ..batch.report import REPORT_HTML, REPORT_JSON, write_report
    from ..batch.storage import open_store

    local = "://" not in out or out.startswith("file://")
    folder = Path(out.removeprefix("file://"))
    # Checked before opening: opening a local store would create a missing folder.
    if (local and not (folder / MANIFEST).is_file()) or (
        not local and MANIFEST not in (store := open_store(out)).names("")
    ):
        raise InputError(
            f"{out} holds no manifest.csv: it is not a batch folder",
            field="out",
            fix="give the folder a batch wrote (its --out, by default "
            "output/<campaign>/<input name>-<date>/)",
        )
    store = open_store(folder if local else out)
    Ownership.read(store, force=True).claim([REPORT_JSON, REPORT_HTML])
    summary = write_report(store, load_directory())
    click.echo(
        f"Letters: {summary.letters} to {len(summary.offices)} offices;"
        f" rows not used: {summary.rows_not_used}"
    )
    click.echo(f"Report: {store.location(REPORT_HTML)}")
    click.echo(f"Data: {store.location(REPORT_JSON)}")
