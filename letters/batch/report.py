"""The organiser's report: `report.json` and `report.html` beside the manifest.

A batch records in `.run.json` what the manifest does not say: when it ran and for how long, the
campaign, the directory's dates, each row's riding and province and whether it carries a
paragraph of its own, each office's holder, and how alike the letters to each office read
(`similarity`). `build_report` joins those facts to manifest.csv and errors.csv, and every count
in the report comes from those two files, so `letters report OUT` rebuilds the report of any
batch folder, even one written before reports existed (its offices are then named from today's
directory, and its ridings, provinces and paragraphs are unknown).
"""

from __future__ import annotations

import csv
import io
import json
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, date, datetime

from ..compose import compose, note_paragraphs
from ..errors import LettersError
from ..i18n import languages
from ..pipeline import Setting
from ..recipients import Directory, Recipient
from ..senders import Sender
from ..variants import MAIN_WORDING
from ..version import __version__
from .engine import ERRORS, MANIFEST
from .similarity import CONDITIONS, Signatures, body_paragraphs, office_likeness

RUN = ".run.json"
REPORT_JSON = "report.json"
REPORT_HTML = "report.html"
RUN_REPORT = (REPORT_JSON, REPORT_HTML)  # they tell the run's own time: no two runs' are alike
FORMAT = 1
KINDS = ("pm", "minister", "mp")
REPORT_LANGUAGES = ("en", "fr")  # report.html holds the report in each


def report_languages() -> tuple[str, ...]:
    """The report's languages this installation can speak: a catalog refused at run time (its
    Plural-Forms header) leaves the report in English, never stops the batch that wrote it."""
    usable = languages()
    return tuple(lang for lang in REPORT_LANGUAGES if lang in usable)


UNKNOWN = ""  # the key of letters whose riding or province was not recorded


# --- What a batch records ---------------------------------------------------------------------


def _office_facts(recipient: Recipient) -> dict:
    district = recipient.district
    return {
        "kind": recipient.role,
        "name": recipient.full_name,
        "gender": recipient.gender,
        "title_en": recipient.portfolio.title_en if recipient.portfolio else "",
        "title_fr": recipient.portfolio.title_fr if recipient.portfolio else "",
        "riding": district.code if district else UNKNOWN,
        "province": district.province if district else recipient.office.province.code,
    }


def measure_similarity(setting: Setting, letters: Iterable, day: date) -> dict[str, dict]:
    """Likeness of each office's letters under each condition (see `similarity`), from the
    planned letters: each is composed again as sent and in the campaign's main wording."""
    by_office: dict[str, list] = {}
    for planned in letters:
        by_office.setdefault(planned.recipient.id, []).append(planned)
    signatures, main_bodies = Signatures(), {}

    def body(planned, wording) -> tuple[str, ...]:
        letter = compose(
            setting.campaign,
            _reader(planned.sender),
            planned.recipient,
            day=day,
            lang=setting.language(planned.sender.lang),
            wording=wording,
            offices=setting.directory,
        )
        return body_paragraphs(letter, note=False)

    def main_body(planned) -> tuple[str, ...]:
        # Many supporters share one main-wording body (same office, language, riding and
        # demands): compose each once.
        key = (planned.recipient.id, _reader(planned.sender))
        if key not in main_bodies:
            main_bodies[key] = body(planned, MAIN_WORDING)
        return main_bodies[key]

    measured = {}
    for office, planned in by_office.items():
        found = office_likeness(
            (
                (p.sender.lang, body(p, p.wording), main_body(p), note_paragraphs(p.sender.note))
                for p in planned
            ),
            signatures,
        )
        measured[office] = {condition: asdict(found[condition]) for condition in CONDITIONS}
    return measured


def timed_similarity(setting: Setting, letters: Iterable, day: date) -> tuple[dict, float]:
    """`measure_similarity`, and the seconds it took (the report says how long it cost)."""
    clock = time.perf_counter()
    measured = measure_similarity(setting, letters, day)
    return measured, round(time.perf_counter() - clock, 3)


def measure_beside(setting: Setting, letters: list, day: date) -> Future:
    """`timed_similarity` in a thread, started now: it needs only the plan, so a batch measures
    while its workers lay the letters out."""
    future: Future = Future()

    def measure() -> None:
        try:
            future.set_result(timed_similarity(setting, letters, day))
        except BaseException as error:  # noqa: BLE001 (given to whoever waits for it)
            future.set_exception(error)

    threading.Thread(target=measure, name="letters-similarity", daemon=True).start()
    return future


def _reader(sender: Sender) -> Sender:
    """The sender as the body of the letter sees them: what only the letterhead, the envelope
    and the signature print (name, address, contact, paragraph, signature) left out."""
    return replace(
        sender,
        name="",
        street=(),
        city="",
        postal_code="",
        email=None,
        phone=None,
        note=None,
        signature_png=None,
        typed_signature=False,
    )


def run_facts(
    setting: Setting,
    letters: list,
    *,
    rows_read: int,
    day: date,
    started: float,
    written: int,
    kept: int,
    dry_run: bool,
    similarity: dict | None,
    similarity_seconds: float | None,
) -> dict:
    """The facts of a run that manifest.csv and errors.csv do not carry (see the module)."""
    finished = time.time()
    rows, offices, districts = {}, {}, {}
    for planned in letters:
        sender, recipient = planned.sender, planned.recipient
        for district in (sender.district, recipient.district):
            if district:
                districts[district.code] = [district.name_en, district.name_fr, district.province]
        rows[str(planned.row)] = [
            sender.district.code if sender.district else UNKNOWN,
            sender.province.code,
            bool((sender.note or "").strip()),
        ]
        offices[recipient.id] = _office_facts(recipient)
    return {
        "format": FORMAT,
        "letters_version": __version__,
        "campaign": {
            "id": setting.campaign.id,
            # In each language the page speaks, from the campaign's own catalog.
            "title": {
                lang: setting.language(lang).gettext(setting.campaign.title)
                for lang in report_languages()
            },
        },
        "day": day.isoformat(),
        "started": datetime.fromtimestamp(started, UTC).isoformat(timespec="seconds"),
        "seconds": round(finished - started - (similarity_seconds or 0), 3),
        "similarity_seconds": similarity_seconds,
        "rows_read": rows_read,
        "written": written,
        "kept": kept,
        "dry_run": dry_run,
        "directory": {
            "as_of": setting.directory.as_of.isoformat(),
            "house_as_of": (
                setting.directory.house_as_of.isoformat() if setting.directory.house_as_of else None
            ),
        },
        "rows": rows,
        "offices": offices,
        "districts": districts,
        "similarity": similarity,
    }


def record_run(
    store,
    setting: Setting,
    plan,
    *,
    day: date,
    started: float,
    written: int,
    kept: int,
    dry_run: bool,
    similarity: bool | Future = True,
    claim: Callable[[list[str]], None] | None = None,
) -> Report:
    """The batch's last step: record the run's facts, then write report.json and report.html.

    `similarity` is whether to measure how alike the letters read, or that measure already
    under way (`measure_beside`). `claim` records the names as the batch's own before they are
    written (`engine.Ownership`).
    """
    measured, seconds = None, None
    if isinstance(similarity, Future):
        measured, seconds = similarity.result()
    elif similarity:
        measured, seconds = timed_similarity(setting, plan.letters, day)
    facts = run_facts(
        setting,
        plan.letters,
        rows_read=plan.rows_read,
        day=day,
        started=started,
        written=written,
        kept=kept,
        dry_run=dry_run,
        similarity=measured,
        similarity_seconds=seconds,
    )
    if claim:
        claim([RUN, REPORT_JSON, REPORT_HTML])
    store.write(RUN, json.dumps(facts, ensure_ascii=False, sort_keys=True).encode("utf-8"))
    return write_report(store, setting.directory)


# --- The report, from the folder ---------------------------------------------------------------


@dataclass(frozen=True)
class Tally:
    """Letters under one heading (an office, a riding, a province), by language and kind."""

    key: str
    letters: int = 0
    languages: dict[str, int] = field(default_factory=dict)
    kinds: dict[str, int] = field(default_factory=dict)
    notes: int | None = 0  # letters with the supporter's own paragraph (None: not recorded)


@dataclass(frozen=True)
class Office:
    id: str
    kind: str  # pm, minister, mp
    name: str
    gender: str  # f, m, u: the French words for the office agree
    title_en: str
    title_fr: str
    riding: str  # district code, or UNKNOWN
    province: str
    tally: Tally
    likeness: dict[str, dict] | None  # condition -> Likeness as a dict; None: not measured


@dataclass(frozen=True)
class Cause:
    """One kind of problem in errors.csv: the field it names."""

    field: str
    rows: int  # rows with this problem
    lines: int  # lines of errors.csv


@dataclass(frozen=True)
class Report:
    campaign_id: str
    campaign_title: dict[str, str]  # language -> the campaign's title in it
    day: str
    started: str | None
    seconds: float | None
    similarity_seconds: float | None
    letters_per_second: float | None
    dry_run: bool
    rows_read: int | None
    written: int | None
    kept: int | None
    directory_as_of: str | None
    house_as_of: str | None
    letters: int
    letter_rows: int  # rows with at least one letter
    partial_rows: int  # of those, rows with a letter not written (in errors.csv)
    duplicate_rows: int
    error_rows: int  # rows with a problem and no letter
    rows_not_used: int  # rows with no letter: duplicates and rows with a problem
    notes: int | None
    languages: dict[str, int]
    kinds: dict[str, int]
    offices: tuple[Office, ...]
    ridings: tuple[Tally, ...]
    provinces: tuple[Tally, ...]
    causes: tuple[Cause, ...]
    districts: dict[str, list[str]]  # code -> [English name, French name, province]
    similarity: dict[str, dict] | None  # condition -> {letters, above_line}
    recorded: bool  # False: a folder without .run.json (ridings and paragraphs unknown)


def read_csv(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def _cell(value: str) -> str:
    """A report cell as written: the apostrophe that guards against formulas comes off."""
    return value[1:] if value.startswith("'") else value


def _tally(key: str, letters: list[dict], notes: dict[int, bool] | None) -> Tally:
    return Tally(
        key=key,
        letters=len(letters),
        languages=dict(sorted(Counter(e["language"] for e in letters).items())),
        kinds=dict(Counter(kind_of(e["recipient"]) for e in letters)),
        notes=(
            sum(notes.get(int(e["row"]), False) for e in letters) if notes is not None else None
        ),
    )


def kind_of(recipient_id: str) -> str:
    return recipient_id.split(":", 1)[0]


def _grouped(letters: list[dict], key: Callable[[dict], str]) -> dict[str, list[dict]]:
    groups: dict[str, list[dict]] = {}
    for entry in letters:
        groups.setdefault(key(entry), []).append(entry)
    return groups


def _by_count(tallies: Iterable[Tally]) -> tuple[Tally, ...]:
    return tuple(sorted(tallies, key=lambda t: (-t.letters, t.key == UNKNOWN, t.key)))


def _office_from_directory(recipient_id: str, directory: Directory | None) -> dict:
    """An office of a folder with no recorded facts, as today's directory knows it."""
    try:
        return _office_facts(directory.find(recipient_id)) if directory else {}
    except LettersError:  # an office gone from the directory is shown by its id
        return {}


def build_report(
    manifest: list[dict], errors: list[dict], facts: dict | None, directory: Directory | None = None
) -> Report:
    """The report's figures: counts from the manifest and errors, names from the facts."""
    facts = facts or {}
    letters = [e for e in manifest if e["status"] in ("written", "planned")]
    duplicates = {int(e["row"]) for e in manifest if e["status"].startswith("duplicate")}
    letter_rows = {int(e["row"]) for e in letters}
    error_rows = {int(e["row"]) for e in errors}
    rows = {int(row): cells for row, cells in facts.get("rows", {}).items()}
    notes = {row: cells[2] for row, cells in rows.items()} if rows else None
    riding = lambda e: rows.get(int(e["row"]), [UNKNOWN])[0]  # noqa: E731
    province = lambda e: rows.get(int(e["row"]), [UNKNOWN, UNKNOWN])[1]  # noqa: E731
    similarity = facts.get("similarity")
    offices = []
    for office_id, entries in _grouped(letters, lambda e: e["recipient"]).items():
        known = facts.get("offices", {}).get(office_id) or _office_from_directory(
            office_id, directory
        )
        offices.append(
            Office(
                id=office_id,
                kind=known.get("kind", kind_of(office_id)),
                name=known.get("name", office_id),
                gender=known.get("gender", "u"),
                title_en=known.get("title_en", ""),
                title_fr=known.get("title_fr", ""),
                riding=known.get("riding", UNKNOWN),
                province=known.get("province", UNKNOWN),
                tally=_tally(office_id, entries, notes),
                likeness=similarity.get(office_id) if similarity else None,
            )
        )
    causes = [
        Cause(
            field=_cell(name),
            rows=len({int(e["row"]) for e in found}),
            lines=len(found),
        )
        for name, found in _grouped(errors, lambda e: e["field"]).items()
    ]
    run = facts
    seconds = run.get("seconds")
    written = run.get("written")
    return Report(
        campaign_id=run.get("campaign", {}).get("id", ""),
        campaign_title=run.get("campaign", {}).get("title", {}),
        day=run.get("day", ""),
        started=run.get("started"),
        seconds=seconds,
        similarity_seconds=run.get("similarity_seconds"),
        letters_per_second=(
            round(written / seconds, 2) if written and seconds and not run.get("dry_run") else None
        ),
        dry_run=bool(run.get("dry_run")) or any(e["status"] == "planned" for e in letters),
        rows_read=run.get("rows_read"),
        written=written,
        kept=run.get("kept"),
        directory_as_of=run.get("directory", {}).get("as_of"),
        house_as_of=run.get("directory", {}).get("house_as_of"),
        letters=len(letters),
        letter_rows=len(letter_rows),
        partial_rows=len(error_rows & letter_rows),
        duplicate_rows=len(duplicates),
        error_rows=len(error_rows - letter_rows),
        rows_not_used=len((error_rows | duplicates) - letter_rows),
        notes=(
            sum(notes.get(int(e["row"]), False) for e in letters) if notes is not None else None
        ),
        languages=dict(sorted(Counter(e["language"] for e in letters).items())),
        kinds={k: n for k in KINDS if (n := sum(kind_of(e["recipient"]) == k for e in letters))},
        offices=tuple(sorted(offices, key=lambda o: (-o.tally.letters, o.id))),
        ridings=_by_count(_tally(k, v, notes) for k, v in _grouped(letters, riding).items()),
        provinces=_by_count(_tally(k, v, notes) for k, v in _grouped(letters, province).items()),
        causes=tuple(sorted(causes, key=lambda c: (-c.rows, c.field))),
        districts=run.get("districts", {}),
        similarity=similarity_totals(similarity) if similarity is not None else None,
        recorded=bool(facts),
    )


def similarity_totals(similarity: dict[str, dict]) -> dict[str, dict]:
    """Over every office, under each condition: letters above the line, and the median
    similarity of the typical letter's office (offices' medians weighted by their letters)."""
    totals = {}
    for condition in CONDITIONS:
        offices = [office[condition] for office in similarity.values()]
        measured = sorted((o["median"], o["letters"]) for o in offices if o["median"] is not None)
        half, seen, median = sum(n for _, n in measured) / 2, 0, None
        for value, letters in measured:
            seen += letters
            if seen >= half:
                median = value
                break
        totals[condition] = {
            "letters": sum(o["letters"] for o in offices),
            "above_line": sum(o["above_line"] for o in offices),
            "median": median,
        }
    return totals


def read_report(store, directory: Directory | None = None) -> Report:
    """The report of the batch folder (or URL) `store`, from its files."""
    try:
        facts = json.loads(store.read(RUN).decode("utf-8"))
    except (OSError, ValueError):
        facts = None
    if facts is not None and facts.get("format") != FORMAT:
        facts = None
    manifest = read_csv(store.read(MANIFEST))
    try:
        errors = read_csv(store.read(ERRORS))
    except OSError:
        errors = []
    return build_report(manifest, errors, facts, directory)


def report_json(report: Report) -> bytes:
    return (json.dumps(asdict(report), ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def write_report(store, directory: Directory | None = None) -> Report:
    """Read the folder, write report.json and report.html into it (the caller owns them)."""
    from .report_page import report_html  # the page brings Jinja2 and pygal

    report = read_report(store, directory)
    store.write(REPORT_JSON, report_json(report))
    store.write(REPORT_HTML, report_html(report))
    return report
