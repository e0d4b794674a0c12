"""What the organiser's report and the similarity measure add to a batch, in one run.

    .venv/bin/python benchmarks/bench_report.py                 # N = 10,000 (about 3 minutes)
    .venv/bin/python benchmarks/bench_report.py --n 2000 --sample 20 --real 0

For N invented supporters (120 ridings, one in three French, one in four with a paragraph of
their own) written to `--to pm --to mp`, i.e. 2N letters:

1. plan: `letters batch --dry-run` without the report's similarity (validate, route, compose,
   manifest): what every batch does before rendering;
2. similarity: `report.measure_similarity` over those letters (each composed again as sent and
   in the main wording, MinHash signatures, LSH Forest per office);
3. report: `report.write_report` (read manifest.csv and errors.csv, report.json, report.html
   with its charts);
4. render: the per-letter cost of `render_chunk` on `--sample` letters in this process, which
   with `--jobs 2` gives the batch's rendering time for 2N letters (rendering all 2N here would
   take about 20 minutes of both cores on this shared machine);
5. with `--real M`: a real rendered batch of M rows, with and without `--similarity-report`,
   to check the estimate.

Figures are wall-clock on whatever else the machine is doing: compare ratios within a run.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from letters.batch.engine import (
    ChunkTask,
    LetterOptions,
    LetterTask,
    compose_letter,
    plan_letters,
    render_chunk,
    resolve_targets,
    run_batch,
)
from letters.batch.report import measure_similarity, similarity_totals, write_report
from letters.batch.storage import open_store
from letters.batch.supporters import open_supporters
from letters.pipeline import Setting
from letters.senders import POSTAL_PROVINCES

DAY = date(2026, 2, 1)


def write_supporters(path: Path, setting: Setting, count: int) -> Path:
    draw = random.Random(26)
    mps = sorted(
        (r for r in setting.directory.search("mp") if r.district), key=lambda r: r.district.code
    )[:120]
    first_letter = {code: letter for letter, codes in POSTAL_PROVINCES.items() for code in codes}
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(
            ["name", "street", "city", "province", "postal code", "language", "riding", "note"]
        )
        for n in range(count):
            mp = draw.choice(mps)
            province = mp.district.province
            writer.writerow(
                [
                    f"Supporter {n} {draw.choice(['Roy', 'Lee', 'Côté', 'Singh', 'Tremblay'])}",
                    f"{n} Main Street",
                    "Town",
                    province,
                    f"{first_letter[province]}{n % 10}A {n // 10 % 10}B{n // 100 % 10}",
                    "fr" if n % 3 == 0 else "en",
                    mp.district.name_en,
                    f"I live at number {n}; my family has followed this for years."
                    if n % 4 == 0
                    else "",
                ]
            )
    return path


def timed(function):
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def plan(setting: Setting, source: Path, out: Path):
    """The dry run's time, and the plan itself (built again: `run_batch` does not return it)."""
    seconds, summary = timed(
        lambda: run_batch(
            "end-ice-contracts",
            source,
            ["pm", "mp"],
            day=DAY,
            out=out,
            dry_run=True,
            setting=setting,
            similarity_report=False,
        )
    )
    targets = resolve_targets(setting, ["pm", "mp"])
    return seconds, summary, plan_letters(setting, open_supporters(source), targets, DAY)


def render_cost(setting: Setting, planned, sample: int, folder: Path) -> float:
    """Seconds a letter to lay out and write, in one process."""
    options = LetterOptions()
    letters = [
        LetterTask(p.file, compose_letter(setting, p.sender, p.recipient, DAY, p.wording, options))
        for p in planned[:sample]
    ]
    render_chunk(ChunkTask(str(folder), tuple(letters[:1])))  # warm up fonts and caches
    seconds, _ = timed(lambda: render_chunk(ChunkTask(str(folder), tuple(letters))))
    return seconds / len(letters)


def real_batch(setting: Setting, source: Path, rows: int, folder: Path) -> tuple[float, float]:
    lines = source.read_text(encoding="utf-8").splitlines()[: rows + 1]
    small = folder / "small.csv"
    small.write_text("\n".join(lines) + "\n", encoding="utf-8")
    figures = []
    for similarity in (False, True):
        seconds, _ = timed(
            lambda similarity=similarity: run_batch(
                "end-ice-contracts",
                small,
                ["pm", "mp"],
                day=DAY,
                out=folder / f"real-{similarity}",
                jobs=2,
                setting=setting,
                similarity_report=similarity,
            )
        )
        figures.append(seconds)
    return figures[0], figures[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=10_000, help="supporters (letters: twice as many)")
    parser.add_argument("--sample", type=int, default=40, help="letters rendered for the cost")
    parser.add_argument("--real", type=int, default=200, help="rows of a real batch (0: none)")
    arguments = parser.parse_args()
    setting = Setting.load("end-ice-contracts")
    with tempfile.TemporaryDirectory(prefix="bench-report-") as folder:
        folder = Path(folder)
        source = write_supporters(folder / "supporters.csv", setting, arguments.n)
        plan_seconds, summary, built = plan(setting, source, folder / "out")
        letters = len(built.letters)
        similarity_seconds, measured = timed(
            lambda: measure_similarity(setting, built.letters, DAY)
        )
        report_seconds, report = timed(
            lambda: write_report(open_store(folder / "out"), setting.directory)
        )
        per_letter = render_cost(setting, built.letters, arguments.sample, folder / "render")
        render_seconds = per_letter * letters / 2  # --jobs 2 on two cores, at best
        batch_seconds = plan_seconds + render_seconds
        print(f"N = {arguments.n:,} rows, {letters:,} letters to {len(measured):,} offices")
        print(f"plan (dry run, no similarity): {plan_seconds:8.1f} s")
        print(
            f"similarity:                    {similarity_seconds:8.1f} s"
            f"  ({similarity_seconds / letters * 1000:.2f} ms a letter)"
        )
        print(f"report.json + report.html:     {report_seconds:8.1f} s")
        print(
            f"render, estimated for --jobs 2: {render_seconds:7.1f} s"
            f"  ({per_letter * 1000:.1f} ms a letter in one process, {arguments.sample} sampled)"
        )
        print(
            f"=> the report adds {(similarity_seconds + report_seconds) / batch_seconds:.1%}"
            f" to a {letters:,}-letter batch (similarity {similarity_seconds / batch_seconds:.1%},"
            f" page and data {report_seconds / batch_seconds:.1%})"
        )
        totals = similarity_totals(measured)
        for condition in ("neither", "without_notes", "without_variants", "as_sent"):
            figures = totals[condition]
            print(
                f"{condition:>16}: {figures['above_line']:,} of {figures['letters']:,} letters"
                f" above 0.5, median {figures['median']}"
            )
        print(f"report.html: {(folder / 'out' / 'report.html').stat().st_size:,} bytes")
        if arguments.real:
            without, with_similarity = real_batch(setting, source, arguments.real, folder)
            print(
                f"real batch of {arguments.real} rows, --jobs 2: {without:.1f} s without the"
                f" similarity, {with_similarity:.1f} s with it ({with_similarity / without - 1:+.1%})"
            )
        sys.stdout.flush()


if __name__ == "__main__":
    main()
