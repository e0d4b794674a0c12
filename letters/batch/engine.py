"""Batch: a supporters' spreadsheet in, one letter per supporter per recipient out.

Three steps, each usable on its own:

1. `plan_letters` validates and routes every row (no rendering): each row becomes letters, errors
   or a duplicate, so that rows read = letter rows + error rows + duplicate rows. A row is not all
   or nothing: when one recipient cannot be reached (the MP's riding is unknown, the seat is
   vacant) its other letters are still written, and every row × recipient is either a letter or
   a line of errors.csv that names the recipient.
2. `render_chunk` lays out and writes a chunk of letters. It is a self-contained, top-level
   function of picklable plain data (no shared state; its only effect is the files it writes),
   so a process pool, or later a cluster, can run it anywhere.
3. `run_batch` ties them together: resumes from the journal (a letter whose inputs and file hash
   are unchanged is not redone), renders the rest on `jobs` processes, writes the print packs,
   `manifest.csv` and `errors.csv`.
"""

from __future__ import annotations

import gc
import hashlib
import multiprocessing
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date
from itertools import chain, zip_longest
from pathlib import Path

from ..compose import Letter
from ..directory import riding_unknown
from ..errors import InputError, LettersError
from ..i18n import SOURCE_LANGUAGE, languages
from ..output import safe_name
from ..pipeline import Setting, letter_for
from ..recipients import Recipient, directory_dates
from ..render import render_envelope, render_html
from ..senders import Sender, make_sender
from ..sending import signature_from_folder
from ..variants import Wording, choose_wording, supporter_identity
from ..version import __version__
from .packs import PackLetter, Volume, pack_volumes, write_volume
from .reports import Done, Journal, ManifestEntry, RowError, report_bytes, shorten
from .storage import SegmentJournal, Store, is_ours, open_store, store_at
from .supporters import (
    SupporterRow,
    open_supporters,
    parse_mp_gender,
    supporter_to_sender_fields,
)

# Letters per task: small enough that a killed run loses little (a chunk is journalled when it
# returns), large enough that handing out tasks costs nothing next to layout.
CHUNK_LETTERS = 4
# A worker process is replaced after this many chunks (1,000 letters): WeasyPrint keeps about
# 15 KB a letter in each worker, so without it a 10,000-row batch grows by ~150 MB a worker.
WORKER_TASKS = 250
LETTERS_DIR = "letters"
PACKS_DIR = "packs"
JOURNAL = ".journal.csv"
MANIFEST = "manifest.csv"
ERRORS = "errors.csv"
# Every file a batch has written (or is about to write) in its folder, one name a line: the
# only files a later run may replace or remove.
WRITTEN = ".written"

# `riding(postal_code, row=None) -> str`, e.g. `letters.directory.represent_lookup()`; raises a
# row-level LettersError when no riding can be found for the code.
RidingLookup = Callable[..., str]
Progress = Callable[[int, int], None]  # (letters finished, letters to render)


# --- 1. Plan ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Planned:
    """One letter to write: who, to whom, in which file; composed again when rendered."""

    row: int
    sender: Sender
    recipient: Recipient
    wording: Wording
    file: str  # relative to the batch folder: letters/<row>-<recipient>-<lang>.pdf
    digest: str  # of the composed letter: a changed row or campaign means a changed letter
    # The row's `signature` cell: the image is read again when the letter is composed for
    # rendering, so a plan of 10,000 rows does not hold 10,000 images (its digest covers them).
    signature: str | None = None


@dataclass
class Plan:
    """What every row became. Built row by row, so it is the one mutable class here."""

    rows_read: int = 0
    letter_rows: int = 0  # rows with at least one letter
    partial_rows: int = 0  # of those, rows with some letters not written (in errors)
    recipients: int = 0  # letters a row asks for: one per --to
    letters: list[Planned] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    duplicates: list[ManifestEntry] = field(default_factory=list)
    unwritten: int = 0  # row × recipient reported in errors instead of written
    causes: dict[str, set[int]] = field(default_factory=dict)  # cause -> the rows it stopped

    @property
    def error_rows(self) -> int:
        """Rows with no letter at all."""
        return len({e.row for e in self.errors}) - self.partial_rows

    def add_error(self, supporter: SupporterRow, error: LettersError, recipients: str) -> None:
        """errors.csv's line for the row, and its cause counted for the summary."""
        self.errors.append(row_error(supporter, error, recipients))
        self.count_cause(supporter, error)

    def add_unwritten(self, supporter: SupporterRow, unwritten: list[Unwritten]) -> None:
        """errors.csv's lines for the letters of a row that could not be written."""
        self.errors += recipient_errors(supporter, unwritten)
        for item in unwritten:
            self.count_cause(supporter, item.error)

    def count_cause(self, supporter: SupporterRow, error: LettersError) -> None:
        self.causes.setdefault(error.cause, set()).add(supporter.row)

    def error_causes(self) -> tuple[tuple[str, int], ...]:
        """(cause, rows), the most rows first: what the summary names."""
        counted = [(cause, len(rows)) for cause, rows in self.causes.items()]
        return tuple(sorted(counted, key=lambda c: -c[1]))


def resolve_targets(setting: Setting, to: Iterable[str]) -> tuple[str | Recipient, ...]:
    """`mp` stays "mp" (each supporter's own MP); every other `--to` is found now, once."""
    targets: dict[str, str | Recipient] = {}
    for spec in to:
        if spec.strip().lower() == "mp":
            targets["mp"] = "mp"
        else:
            recipient = setting.directory.find(spec)
            targets[recipient.id] = recipient
    if not targets:
        raise InputError("is required", field="to", fix="pass --to pm and/or --to mp")
    return tuple(targets.values())


def letter_file(row: int, recipient_id: str, lang: str) -> str:
    """`letters/00012-mp-edmonton-strathcona-fr.pdf`: nothing a supporter typed reaches it."""
    return f"{LETTERS_DIR}/{row:05d}-{safe_name(recipient_id)}-{safe_name(lang)}.pdf"


def letter_digest(letter: Letter) -> str:
    return hashlib.sha256(f"{__version__}\0{letter!r}".encode()).hexdigest()


def own_mp(
    setting: Setting, sender: Sender, lookup: RidingLookup | None, row: int
) -> tuple[Recipient, Sender]:
    """The supporter's MP, by the riding column or else by postal code (when a lookup is given)."""
    riding = sender.riding
    if not riding and lookup is not None:
        riding = lookup(sender.postal_code, row=row)
        district = setting.directory.district(riding)
        sender = replace(sender, riding=district.name_en if district else riding, district=district)
    if not riding:
        raise riding_unknown(None, row)
    return setting.directory.mp_for(riding, row=row), sender


@dataclass(frozen=True)
class LetterOptions:
    """What the organiser chose for every letter of the run."""

    # Print the English of untranslated (missing or fuzzy) messages instead of refusing the row.
    allow_incomplete: bool = False
    # The folder the `signature` column names images in; a row's signature never leaves it.
    signatures: Path | None = None
    # A #10 envelope page after each letter, so the print packs carry their envelopes.
    envelopes: bool = False
    # The language of a row whose language cell is empty (or that has no language column).
    lang: str = SOURCE_LANGUAGE


def row_signature(options: LetterOptions, name: str | None, row: int) -> bytes | None:
    """The row's prepared (re-encoded) signature image, read only from inside --signatures."""
    if not name:
        return None
    if options.signatures is None:
        raise InputError(
            "names a signature image, but no signatures folder was given",
            field="signature",
            row=row,
            fix="pass --signatures DIR, the folder that holds the signature images",
        )
    return signature_from_folder(options.signatures, name, row=row)


def compose_letter(
    setting: Setting,
    sender: Sender,
    recipient: Recipient,
    day: date,
    wording: Wording,
    options: LetterOptions,
) -> Letter:
    """The letter as `letters write` would compose it, through the same translation gate: a
    letter is never printed with a missing or fuzzy translation unless allowed."""
    return letter_for(
        setting,
        sender,
        recipient,
        day,
        allow_incomplete=options.allow_incomplete,
        envelope=options.envelopes,
        wording=wording,
    )


@dataclass(frozen=True)
class Unwritten:
    """A letter of a row that cannot be written, and why: its recipient as the organiser knows
    it (`pm`, `minister:<id>`, `mp:<riding>`, or `mp` when the supporter's MP is not known)."""

    recipient: str
    error: LettersError


def target_id(target: str | Recipient) -> str:
    return target if isinstance(target, str) else target.id


def plan_row(
    setting: Setting,
    supporter: SupporterRow,
    targets: tuple[str | Recipient, ...],
    day: date,
    lookup: RidingLookup | None = None,
    options: LetterOptions = LetterOptions(),
) -> tuple[list[Planned], list[Unwritten]]:
    """The row's letters, and those that cannot be written. A problem with the row itself (a
    bad postal code, an unknown language) stops all its letters: it raises. A problem with one
    recipient (the MP's riding unknown, a vacant seat, a minister without a chosen demand, a
    missing translation) stops that letter only."""
    row = supporter.row
    sender = make_sender(**supporter_to_sender_fields(supporter, options.lang))
    signature = (supporter.fields.get("signature") or "").strip() or None
    signature_png = row_signature(options, signature, row)
    wording = choose_wording(setting.campaign, sender)
    planned, unwritten = [], []
    mp_gender = parse_mp_gender(supporter.fields.get("mp_gender") or "", row)
    for target in targets:
        recipient = None
        try:
            recipient, writer = (
                own_mp(setting, sender, lookup, row) if target == "mp" else (target, sender)
            )
            if target == "mp" and mp_gender:  # the organiser's word wins over the directory's
                recipient = replace(recipient, gender=mp_gender)
            signed = replace(writer, signature_png=signature_png)
            letter = compose_letter(setting, signed, recipient, day, wording, options)
        except LettersError as error:
            if error.row is None:
                error.row = row
            unwritten.append(Unwritten(recipient.id if recipient else target_id(target), error))
            continue
        planned.append(
            Planned(
                row=row,
                sender=writer,
                recipient=recipient,
                wording=wording,
                file=letter_file(row, recipient.id, writer.lang),
                digest=letter_digest(letter),
                signature=signature,
            )
        )
    return planned, unwritten


def row_error(supporter: SupporterRow, error: LettersError, recipients: str = "") -> RowError:
    name = error.field or ""
    column = {"lang": "language"}.get(name, name)
    value = supporter.fields.get(column) or supporter.fields.get(f"{name}s") or ""
    if name == "name" and not value:
        value = " ".join(
            filter(None, (supporter.fields.get(k) for k in ("first_name", "last_name")))
        )
    return RowError(
        row=supporter.row,
        recipient=recipients,
        field=name,
        value=shorten(value),
        problem=error.message,
        fix=error.fix or "",
    )


def recipient_errors(supporter: SupporterRow, unwritten: list[Unwritten]) -> list[RowError]:
    """One errors.csv line per problem, naming every recipient it stops: the same missing
    translation in the letters to the PM and to the MP is one line, `pm; mp:…`."""
    lines: dict[tuple, tuple[RowError, list[str]]] = {}
    for item in unwritten:
        error = row_error(supporter, item.error)
        key = (error.field, error.value, error.problem, error.fix)
        lines.setdefault(key, (error, []))[1].append(item.recipient)
    return [replace(error, recipient="; ".join(names)) for error, names in lines.values()]


def plan_letters(
    setting: Setting,
    supporters: Iterable[SupporterRow],
    targets: tuple[str | Recipient, ...],
    day: date,
    *,
    lookup: RidingLookup | None = None,
    strict: bool = False,
    plan: Plan | None = None,
    options: LetterOptions = LetterOptions(),
) -> Plan:
    """Validate and route every row into `plan` (a new one by default); `strict` raises the
    first row error, after adding it to the plan's errors."""
    plan = plan if plan is not None else Plan()
    plan.recipients = len(targets)
    everyone = "; ".join(target_id(t) for t in targets)
    first_row: dict[str, int] = {}
    for supporter in supporters:
        plan.rows_read += 1
        try:
            letters, unwritten = plan_row(setting, supporter, targets, day, lookup, options)
        except LettersError as error:  # the row itself: none of its letters can be written
            if error.row is None:
                error.row = supporter.row
            plan.add_error(supporter, error, everyone)
            plan.unwritten += len(targets)
            if strict:
                raise
            continue
        if unwritten and (strict or not letters):
            plan.add_unwritten(supporter, unwritten)
            plan.unwritten += len(targets)
            if strict:
                raise unwritten[0].error
            continue
        sender = letters[0].sender
        identity = supporter_identity(sender.name, sender.postal_code)
        if identity in first_row:
            plan.duplicates.append(
                ManifestEntry(
                    supporter.row,
                    sender.name,
                    "",
                    sender.lang,
                    "",
                    "",
                    "",
                    f"duplicate of row {first_row[identity]}",
                )
            )
            continue
        first_row[identity] = supporter.row
        plan.letter_rows += 1
        plan.letters.extend(letters)
        if unwritten:
            plan.partial_rows += 1
            plan.add_unwritten(supporter, unwritten)
            plan.unwritten += len(unwritten)
    return plan


# --- 2. Render -------------------------------------------------------------------------------


@dataclass(frozen=True)
class LetterTask:
    file: str
    letter: Letter


@dataclass(frozen=True)
class ChunkTask:
    """Plain, picklable data: the batch folder or URL (see `storage`) and the composed letters
    to lay out and write."""

    root: str
    letters: tuple[LetterTask, ...]


@dataclass(frozen=True)
class Rendered:
    file: str
    pages: int
    sha256: str
    size: int


def render_chunk(task: ChunkTask) -> tuple[Rendered, ...]:
    """Lay out each letter as its own WeasyPrint document (then its envelope page, if the
    letter has one) and write it atomically.

    Each letter keeps its own page counter ("Page 2 of 2"), its exact font subset, its PDF/UA
    tags and metadata: the same bytes as `letter_bytes` for that letter. docs/performance.md
    explains why this beats one combined document cut by page range.
    """
    # WeasyPrint: the workers' (the fork server preloads it), never the planning process's.
    from ..pdf import document, document_pdf

    results = []
    store = store_at(task.root)
    for item in task.letters:
        html = render_html(item.letter)
        envelope = render_envelope(item.letter) if item.letter.envelope else None
        laid_out = document(html, item.letter, envelope)
        content = document_pdf(laid_out, html + (envelope or ""))
        store.write(item.file, content)
        results.append(
            Rendered(
                item.file, len(laid_out.pages), hashlib.sha256(content).hexdigest(), len(content)
            )
        )
    return tuple(results)


def _chunks(
    setting: Setting,
    root: str,
    todo: list[Planned],
    day: date,
    size: int,
    options: LetterOptions,
) -> Iterator[ChunkTask]:
    """Compose letters only as their chunk is handed out, so memory stays flat."""
    for start in range(0, len(todo), size):
        yield ChunkTask(
            root,
            tuple(
                LetterTask(
                    p.file,
                    compose_letter(
                        setting,
                        replace(p.sender, signature_png=row_signature(options, p.signature, p.row)),
                        p.recipient,
                        day,
                        p.wording,
                        options,
                    ),
                )
                for p in todo[start : start + size]
            ),
        )


# A worker's garbage collector, once its stylesheet and fonts are loaded: what the worker holds
# then (modules, WeasyPrint's and Pango's caches, the stylesheet: some 70,000 objects) is frozen
# out of every later collection (`gc.freeze`). A letter allocates some 300,000 objects, so each
# letter set off collections that re-examined the worker's whole heap: 3 to 8 % of a letter's
# CPU (docs/performance.md). Raising the thresholds as well gained nothing more, and let
# uncollected cycles grow a worker by 60 MB more.
def start_worker() -> None:
    """Run once in each worker process, as it starts: load what every letter needs, then set it
    aside from the garbage collector (see above)."""
    from ..pdf import preload

    preload()
    gc.collect()
    gc.freeze()


def _pool_context():
    # forkserver: workers fork from a clean server that imported letters once, never from a
    # parent holding open files, threads or Pango state.
    methods = multiprocessing.get_all_start_methods()
    if "forkserver" in methods:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["letters.batch.engine", "letters.pdf"])
        return context
    return multiprocessing.get_context()


@contextmanager
def local_workers(jobs: int) -> Iterator[ProcessPoolExecutor | None]:
    """`jobs` worker processes, started now: each imports WeasyPrint and loads the stylesheet and
    fonts (`start_worker`) while the caller goes on planning. None for one job (this process)."""
    if jobs <= 1:
        yield None
        return
    with ProcessPoolExecutor(
        jobs,
        mp_context=_pool_context(),
        max_tasks_per_child=WORKER_TASKS,
        initializer=start_worker,
    ) as pool:
        # A process starts for each task that finds none idle. Starting one waits for the fork
        # server to import WeasyPrint: a thread waits, not the planning.
        starting = threading.Thread(
            target=lambda: [pool.submit(int) for _ in range(jobs)], name="letters-workers"
        )
        starting.start()
        try:
            yield pool
        finally:
            starting.join()


@dataclass(frozen=True)
class Work:
    """A top-level function, its plain-data argument, and what to do with its result: which may
    be more work (the print-pack volumes a chunk's letters complete)."""

    function: Callable
    argument: object
    done: Callable[[object], Iterable[Work]]


def run_work(work: Iterable[Work], pool: ProcessPoolExecutor | None, jobs: int) -> None:
    """Run the work on the pool (in this process without one), at most 2 × jobs items in
    flight, so the parent holds a few chunks of composed letters at a time: memory stays flat.
    Work an item's result makes ready goes first."""
    source, ready = iter(work), deque()

    def following() -> Work | None:
        return ready.popleft() if ready else next(source, None)

    if pool is None:
        while (item := following()) is not None:
            ready.extend(item.done(item.function(item.argument)))
        return
    pending: dict = {}
    while True:
        while len(pending) < 2 * jobs and (item := following()) is not None:
            pending[pool.submit(item.function, item.argument)] = item
        if not pending:
            return
        finished, _ = wait(pending, return_when=FIRST_COMPLETED)
        for future in finished:
            item = pending.pop(future)
            ready.extend(item.done(future.result()))


# Runs a top-level function (`render_chunk`, `packs.write_volume`) over plain-data tasks
# elsewhere, calling back with each result as it comes: `cluster.DaskExecutor` on a Dask cluster.
# Without one, chunks and pack volumes go to `run_work` on local processes.
Executor = Callable[[Callable, Iterable, Callable], None]


# --- 3. Run ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Summary:
    out: Path | str  # a local folder, or the destination's URL
    rows_read: int
    letter_rows: int  # rows with at least one letter
    error_rows: int  # rows with none
    duplicate_rows: int
    letters: int
    written: int
    kept: int
    packs: tuple[Path | str, ...]
    ignored_columns: tuple[str, ...]
    dry_run: bool
    directory: str = ""  # "Directory as of …": the date of the data the letters went to
    recipients: int = 1  # letters a row asks for: one per --to
    partial_rows: int = 0  # rows with letters that also have letters not written
    unwritten: int = 0  # row × recipient reported in errors.csv instead of written
    error_causes: tuple[tuple[str, int], ...] = ()  # (cause, rows), the most rows first

    @property
    def accounted(self) -> bool:
        """Nothing lost: every row is a letter row, an error row or a duplicate, and every row ×
        recipient (duplicates aside) is a letter or a line of errors.csv."""
        rows = self.rows_read == self.letter_rows + self.error_rows + self.duplicate_rows
        asked = (self.rows_read - self.duplicate_rows) * self.recipients
        return rows and asked == self.letters + self.unwritten


def default_out(root: Path, campaign_id: str, input_path: Path, day: date) -> Path:
    """`output/<campaign>/<input name>-<date>/`: the same command resumes the same batch."""
    return root / safe_name(campaign_id) / f"{safe_name(input_path.stem)}-{day.isoformat()}"


def _still_done(store: Store, letters: list[Planned], done: dict[str, Done]) -> list[Planned]:
    """The planned letters whose inputs are unchanged and whose file is there as written."""
    unchanged = {
        p.file: done[p.file].sha256
        for p in letters
        if p.file in done and done[p.file].digest == p.digest
    }
    there = store.still_there(unchanged)
    return [p for p in letters if p.file in there]


def run_batch(
    campaign: str,
    input_path: Path,
    to: Iterable[str],
    *,
    day: date,
    out: Path | str | None = None,
    jobs: int | None = None,
    encoding: str = "utf-8",
    mapping: dict[str, str] | None = None,
    dry_run: bool = False,
    strict: bool = False,
    force: bool = False,
    lookup: RidingLookup | None = None,
    setting: Setting | None = None,
    chunk_letters: int = CHUNK_LETTERS,
    progress: Progress | None = None,
    executor: Executor | None = None,
    allow_incomplete: bool = False,
    signatures: Path | str | None = None,
    envelopes: bool = False,
    lang: str = SOURCE_LANGUAGE,
    similarity_report: bool = True,
) -> Summary:
    """Write every supporter's letters; see the module docstring. File-level problems raise.

    `out` is a folder or any fsspec URL (`s3://bucket/prefix`); `executor` runs the chunks
    somewhere else (a Dask cluster) instead of on `jobs` local processes. A letter with a
    missing or fuzzy translation is reported (field `lang`) unless `allow_incomplete`. A row's
    `signature` cell names an image inside `signatures`; `envelopes` adds an envelope page after
    each letter. `lang` is the language of rows whose language cell is empty. Batch never signs
    digitally: that is each constituent's own act. The run ends with report.json and report.html
    (`report`); `similarity_report` measures how alike the letters to each office read.
    """
    started = time.time()
    if lang not in languages():
        raise InputError(
            f"unknown language {lang!r}", field="lang", fix=f"use one of: {', '.join(languages())}"
        )
    options = LetterOptions(
        allow_incomplete=allow_incomplete,
        signatures=Path(signatures) if signatures is not None else None,
        envelopes=envelopes,
        lang=lang,
    )
    setting = setting or Setting.load(campaign)
    targets = resolve_targets(setting, to)
    supporters = open_supporters(Path(input_path), encoding=encoding, mapping=mapping)
    store = open_store(
        out or default_out(Path("output"), setting.campaign.id, Path(input_path), day)
    )
    owned = Ownership.read(store, force)
    owned.claim([MANIFEST, ERRORS])
    jobs = jobs or os.cpu_count() or 1
    # The workers start now, and import WeasyPrint and load the fonts while the rows are planned.
    with local_workers(1 if dry_run or executor is not None else jobs) as pool:
        plan = Plan()
        try:
            plan_letters(
                setting,
                supporters,
                targets,
                day,
                lookup=lookup,
                strict=strict,
                plan=plan,
                options=options,
            )
        except LettersError:  # strict: report the row that stopped the run, then stop
            store.write(ERRORS, report_bytes(RowError, plan.errors))
            raise
        from .report import measure_beside, record_run  # numpy and datasketch: not the workers'

        # How alike the letters read needs only the plan: measured while they are laid out.
        measured = measure_beside(setting, plan.letters, day) if similarity_report else None
        journal = store.journal(JOURNAL)
        owned.claim([p.file for p in plan.letters])
        done = {} if force or dry_run else journal.read()
        kept = _still_done(store, plan.letters, done)
        kept_files = {p.file for p in kept}
        todo = [p for p in plan.letters if p.file not in kept_files]
        finished: dict[str, Done] = {p.file: done[p.file] for p in kept}
        packs: list[str] = []
        if not dry_run:
            store.tidy(LETTERS_DIR, {Path(p.file).name for p in plan.letters}, ".pdf", owned.names)
            volumes = _pack_volumes(setting, store, plan, day, owned)
            order = render_order(volumes, jobs)
            todo.sort(key=lambda p: order[p.file])
            tasks = _chunks(setting, store.url, todo, day, chunk_letters, options)
            _render(tasks, todo, finished, journal, volumes, jobs, progress, executor, pool)
            packs = [volume.name for volume in volumes]
            store.tidy(PACKS_DIR, {Path(name).name for name in packs}, ".pdf", owned.names)
    store.write(MANIFEST, report_bytes(ManifestEntry, _manifest(plan, finished, dry_run)))
    store.write(ERRORS, report_bytes(RowError, plan.errors))
    record_run(
        store,
        setting,
        plan,
        day=day,
        started=started,
        written=0 if dry_run else len(todo),
        kept=len(kept),
        dry_run=dry_run,
        similarity=measured,
        claim=owned.claim,
    )
    return Summary(
        out=store.location(),
        rows_read=plan.rows_read,
        letter_rows=plan.letter_rows,
        error_rows=plan.error_rows,
        duplicate_rows=len(plan.duplicates),
        letters=len(plan.letters),
        written=0 if dry_run else len(todo),
        kept=len(kept),
        packs=tuple(store.location(name) for name in packs),
        ignored_columns=supporters.ignored,
        dry_run=dry_run,
        directory=directory_dates(setting.directory),
        recipients=plan.recipients,
        partial_rows=plan.partial_rows,
        unwritten=plan.unwritten,
        error_causes=plan.error_causes(),
    )


class Ownership:
    """Which files in the batch folder are the batch's own (`WRITTEN`), and the guard that no
    other file is ever replaced or removed.

    A folder holding files no batch wrote is refused before any work; with `force` the run
    goes on beside them, but still refuses to write over one of them. Names are recorded
    before their files are written, so a killed run's files are still known as ours.
    """

    def __init__(self, store: Store, names: set[str], foreign: set[str]) -> None:
        self.store, self.names, self.foreign = store, names, foreign

    @classmethod
    def read(cls, store: Store, force: bool) -> Ownership:
        try:
            names = set(store.read(WRITTEN).decode("utf-8").splitlines())
        except (OSError, UnicodeDecodeError):
            names = set()
        if not names:  # a folder from before WRITTEN: its journal's letters and the reports
            names = set(store.journal(JOURNAL).read())
            if names:
                names |= {MANIFEST, ERRORS, *store.names(PACKS_DIR)}
        names |= {JOURNAL, WRITTEN}  # and their temporary files, if a kill left one
        present = [n for f in ("", LETTERS_DIR, PACKS_DIR) for n in store.names(f)]
        foreign = {n for n in present if not is_ours(n, names)}
        if foreign and not force:
            raise InputError(
                "%(folder)s holds %(count)s file(s) no batch wrote, such as %(name)s",
                field="out",
                fix="choose a new or empty folder, or pass --force to write beside them "
                "(they are never replaced or removed)",
                values={
                    "folder": str(store.location()),
                    "count": len(foreign),
                    "name": sorted(foreign)[0],
                },
            )
        return cls(store, names, foreign)

    def claim(self, names: Iterable[str]) -> None:
        """Record `names` as ours before writing them; refuse any that is someone else's."""
        names = set(names)
        taken = sorted(names & self.foreign)
        if taken:
            raise InputError(
                "%(name)s is in the way: this batch would write over a file it did not write",
                field="out",
                fix="move that file away, or choose another --out folder",
                values={"name": taken[0]},
            )
        if names <= self.names:
            return
        self.names |= names
        self.store.write(WRITTEN, "\n".join(sorted(self.names)).encode("utf-8") + b"\n")


def render_order(volumes: list[Volume], jobs: int) -> dict[str, int]:
    """Each letter's place in the rendering, so that the print packs cost no waiting.

    Volume by volume, the largest first: each volume is merged as soon as its last letter is
    in place, beside the letters still being laid out. The letters of the last `jobs` volumes
    alternate, so that they are all complete at the end and merged side by side: before, the
    last volume was merged alone while the other workers waited (docs/performance.md).
    """
    ordered = sorted(volumes, key=lambda volume: -len(volume.files))  # stable: pack order
    split = max(len(ordered) - jobs, 0) if jobs > 1 else len(ordered)
    names = [name for volume in ordered[:split] for name in volume.files]
    together = zip_longest(*(volume.files for volume in ordered[split:]))
    names += [name for names_ in together for name in names_ if name is not None]
    return {name: n for n, name in enumerate(names)}


class PackSchedule:
    """When each print-pack volume can be written: once the last of its letters is in place."""

    def __init__(self, volumes: list[Volume], finished: Iterable[str]) -> None:
        done = set(finished)
        self.volumes = volumes
        self.waiting = {n: set(volume.files) - done for n, volume in enumerate(volumes)}
        self.volume_of = {name: n for n, volume in enumerate(volumes) for name in volume.files}

    def ready(self) -> list[Volume]:
        """The volumes whose letters are all in place already (each given once)."""
        return self._take([n for n, waiting in self.waiting.items() if not waiting])

    def written(self, names: Iterable[str]) -> list[Volume]:
        """The volumes these letters complete."""
        touched = []
        for name in names:
            n = self.volume_of[name]
            self.waiting[n].discard(name)
            touched.append(n)
        return self._take([n for n in dict.fromkeys(touched) if not self.waiting[n]])

    def _take(self, numbers: list[int]) -> list[Volume]:
        for n in numbers:
            del self.waiting[n]
        return [self.volumes[n] for n in numbers]


def _render(
    tasks: Iterable[ChunkTask],
    todo: list[Planned],
    finished: dict[str, Done],
    journal: Journal | SegmentJournal,
    volumes: list[Volume],
    jobs: int,
    progress: Progress | None,
    executor: Executor | None = None,
    pool: ProcessPoolExecutor | None = None,
) -> None:
    """Render the letters still to do, journalling each one as soon as its file is in place,
    and write the print packs: locally each volume as soon as its letters are done."""
    digests = {p.file: p.digest for p in todo}
    already = len(finished)
    journal.start(finished.values())
    schedule = PackSchedule(volumes, finished)

    def record(results: tuple[Rendered, ...]) -> list[Work]:
        for result in results:
            entry = Done(result.file, digests[result.file], result.pages, result.sha256)
            finished[result.file] = entry
            journal.add(entry)
        if progress:
            progress(len(finished) - already, len(todo))
        return _pack_work(schedule.written(result.file for result in results))

    try:
        if progress:
            progress(0, len(todo))
        if executor is None:
            work = (Work(render_chunk, task, record) for task in tasks)
            run_work(chain(_pack_work(schedule.ready()), work), pool, jobs)
        else:  # a worker beside the store reads the letters and writes the packs, not this client
            executor(render_chunk, tasks, record)
            executor(write_volume, volumes, lambda name: None)
    finally:
        journal.close()


def _pack_work(volumes: list[Volume]) -> list[Work]:
    return [Work(write_volume, volume, lambda name: ()) for volume in volumes]


def _manifest(plan: Plan, finished: dict[str, Done], dry_run: bool) -> list[ManifestEntry]:
    entries = [
        ManifestEntry(
            p.row,
            p.sender.name,
            p.recipient.id,
            p.sender.lang,
            p.file,
            "" if dry_run else finished[p.file].pages,
            "" if dry_run else finished[p.file].sha256,
            "planned" if dry_run else "written",
        )
        for p in plan.letters
    ]
    order = {id(e): n for n, e in enumerate(entries)}
    return sorted([*entries, *plan.duplicates], key=lambda e: (e.row, order.get(id(e), 0)))


def _pack_volumes(
    setting: Setting, store: Store, plan: Plan, day: date, owned: Ownership
) -> list[Volume]:
    """Every recipient's print-pack volumes, their names recorded as the batch's own."""
    by_recipient: dict[str, tuple[Recipient, list[PackLetter]]] = {}
    for p in plan.letters:
        recipient, letters = by_recipient.setdefault(p.recipient.id, (p.recipient, []))
        letters.append(PackLetter(p.file, p.sender.postal_code, p.row, p.sender.lang))
    volumes = [
        volume
        for recipient, letters in by_recipient.values()
        for volume in pack_volumes(store.url, PACKS_DIR, setting.campaign, recipient, letters, day)
    ]
    owned.claim([volume.name for volume in volumes])
    return volumes


__all__ = [
    "ChunkTask",
    "LetterOptions",
    "LetterTask",
    "Plan",
    "Planned",
    "Rendered",
    "Summary",
    "plan_letters",
    "render_chunk",
    "run_batch",
]
