"""Benchmark `letters batch` against the naive loop and against layout alone, in one run.

    .venv/bin/python benchmarks/bench_batch.py                 # N = 1,000 and 10,000
    .venv/bin/python benchmarks/bench_batch.py --n 200 --sample 40   # a quick run

For each N it writes N invented supporters to a CSV and runs `letters batch --to pm` in a
subprocess (per-letter PDFs, print packs and reports included), sampling the resident memory of
the whole process tree. The single-process baselines are measured on the first `--sample`
letters of the same file (their cost per letter does not depend on N):

- naive: `write_pdf` per letter (what `letters write` does), one process;
- layout: `HTML.render()` per letter, nothing written, one process: the floor;
- combined: letters rendered one by one, their pages written as ONE PDF, then cut into
  per-letter files with pypdf (the alternative to writing each letter's own Document).

Figures are wall-clock on whatever else the machine is doing: compare ratios within a run.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import os
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from pypdf import PdfReader, PdfWriter

from letters.batch import plan_letters, resolve_targets
from letters.compose import compose
from letters.i18n import Language
from letters.pdf import document, document_pdf, pdf_identifier
from letters.pipeline import Setting
from letters.render import render_html
from letters.supporters import open_supporters

DAY = date(2026, 2, 1)
FIRST = ["Ann", "Luc", "Mia", "Zoé", "Raj", "Léa", "Tom", "Ève", "Kai", "Inès", "Omar", "Jo"]
LAST = ["Lee", "Roy", "Chan", "Dubé", "Patel", "Gagnon", "Ng", "Tremblay", "Singh", "Côté"]
POSTAL = ["K1A 0B1", "H2X 1Y4", "B3H 4R2", "A1A 1A1", "T6E 1Z8", "G1R 4P5", "V5K 0A1", "J8X 1A1"]
NOTE = "I have followed this closely and want my own words on the record. " * 6


def write_supporters(path: Path, n: int) -> Path:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["name", "street", "city", "province", "postal code", "language", "note"])
        for i in range(n):
            name = f"{FIRST[i % 12]} {LAST[(i // 12) % 10]} {i}"
            writer.writerow(
                [
                    name,
                    f"{i} Main St",
                    "Ottawa",
                    "ON",
                    POSTAL[i % 8],
                    "fr" if i % 3 == 0 else "en",
                    NOTE if i % 5 == 0 else "",
                ]
            )
    return path


def sample_letters(setting: Setting, source: Path, count: int) -> list:
    rows = []
    for row in open_supporters(source):
        rows.append(row)
        if len(rows) == count:
            break
    plan = plan_letters(setting, rows, resolve_targets(setting, ["pm"]), DAY)
    return [
        compose(
            setting.campaign,
            p.sender,
            p.recipient,
            day=DAY,
            lang=Language(p.sender.lang),
            wording=p.wording,
        )
        for p in plan.letters
    ]


def timed(function) -> tuple[float, object]:
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def naive(letters) -> list[bytes]:
    files = []
    for letter in letters:
        html = render_html(letter)
        files.append(document_pdf(document(html, letter), html))
    return files


def layout(letters) -> int:
    return sum(len(document(render_html(x), x).pages) for x in letters)


def combined(letters) -> list[bytes]:
    """The alternative: one PDF for the chunk, cut into letters by page range with pypdf."""
    htmls = [render_html(x) for x in letters]
    documents = [document(h, x) for h, x in zip(htmls, letters, strict=True)]
    pages = [page for d in documents for page in d.pages]
    whole = (
        documents[0]
        .copy(pages)
        .write_pdf(
            pdf_variant="pdf/ua-1", pdf_identifier=pdf_identifier("".join(htmls)), attachments=[]
        )
    )
    reader = PdfReader(io.BytesIO(whole))
    files, first = [], 0
    for d in documents:
        writer = PdfWriter()
        for number in range(first, first + len(d.pages)):
            writer.add_page(reader.pages[number])
        first += len(d.pages)
        out = io.BytesIO()
        writer.write(out)
        files.append(out.getvalue())
    return files


def tree_rss_kb(pid: int) -> int:
    """Resident memory of a process and all its descendants, from /proc (Linux)."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += int(next(x for x in status.splitlines() if x.startswith("VmRSS")).split()[1])
            for task in Path(f"/proc/{current}/task").iterdir():
                stack += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, StopIteration, ValueError):
            continue
    return total


def run_batch(source: Path, out: Path, jobs: int) -> tuple[float, int, str]:
    letters = Path(sys.executable).with_name("letters")
    args = [str(letters), "batch", "--input", str(source), "--to", "pm", "--date", "2026-02-01"]
    args += ["--out", str(out), "--jobs", str(jobs), "--campaign", "end-ice-contracts"]
    start = time.perf_counter()
    process = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
    peak = 0
    while process.poll() is None:
        peak = max(peak, tree_rss_kb(process.pid))
        time.sleep(0.05)
    elapsed = time.perf_counter() - start
    output = process.stdout.read()
    if process.returncode != 0:
        raise SystemExit(f"letters batch failed ({process.returncode}): {output}")
    return elapsed, peak, output


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, action="append", help="rows (repeatable)")
    parser.add_argument("--sample", type=int, default=100, help="letters for the baselines")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    sizes = args.n or [1000, 10000]
    setting = Setting.load("end-ice-contracts")
    with tempfile.TemporaryDirectory(prefix="bench-batch-") as tmp:
        root = Path(tmp)
        source = write_supporters(root / "sample.csv", args.sample)
        letters = sample_letters(setting, source, args.sample)
        naive(letters[:2])  # warm caches (fonts, catalogs, templates) out of the timings
        t_naive, naive_files = timed(lambda: naive(letters))
        t_layout, pages = timed(lambda: layout(letters))
        t_combined, combined_files = timed(lambda: combined(letters))
        n = len(letters)
        naive_bytes = sum(map(len, naive_files)) / n
        print(f"machine: {os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}; jobs={args.jobs}")
        print(f"baselines on {n} letters ({pages / n:.2f} pages a letter), one process:")
        print(f"  naive write_pdf      {t_naive / n * 1000:7.1f} ms/letter  {naive_bytes:8.0f} B")
        print(f"  layout alone         {t_layout / n * 1000:7.1f} ms/letter")
        print(
            f"  combined + pypdf cut {t_combined / n * 1000:7.1f} ms/letter"
            f"  {sum(map(len, combined_files)) / n:8.0f} B"
        )
        for size in sizes:
            source = write_supporters(root / f"s{size}.csv", size)
            elapsed, peak_kb, output = run_batch(source, root / f"out{size}", args.jobs)
            files = list((root / f"out{size}" / "letters").glob("*.pdf"))
            size_bytes = sum(f.stat().st_size for f in files) / len(files)
            per = elapsed / size
            digest = hashlib.sha256((root / f"out{size}" / "manifest.csv").read_bytes())
            print(
                f"letters batch, N={size:,} ({len(files):,} letters, manifest {digest.hexdigest()[:8]}):"
            )
            print(
                f"  {per * 1000:7.1f} ms/letter wall, {size_bytes:8.0f} B/letter, peak RSS {peak_kb / 1024:.0f} MB"
            )
            print(
                f"  batch/layout {per / (t_layout / n):.2f}x (target <= 0.65), "
                f"naive/batch {(t_naive / n) / per:.2f}x (target >= 2.5), "
                f"bytes batch/naive {size_bytes / naive_bytes:.2f}x (target <= 1.3)"
            )
            print("  " + output.strip().splitlines()[0])


if __name__ == "__main__":
    main()
