"""Benchmark `letters batch` against layout alone (and the naive loop), in one run.

    .venv/bin/python benchmarks/bench_batch.py                 # issue 27's ratio, 3 rounds
    .venv/bin/python benchmarks/bench_batch.py --tree /tmp/main-src   # + another source tree
    .venv/bin/python benchmarks/bench_batch.py --alternatives  # N = 1,000 and 10,000, all rows
    .venv/bin/python benchmarks/bench_batch.py --alternatives --n 200 --sample 40   # quick

By default (issue 27) each round measures, for each source tree of letters (this one, and every
`--tree`, e.g. `git archive main | tar -x -C /tmp/main-src`, run with this interpreter), in a
fresh process each: layout alone of the
first `--sample` letters in one process, then `letters batch --jobs 2` over `--n` rows; rounds
interleave builds so that other load falls on all alike. It prints the medians and the ratio
batch wall per letter / layout wall per letter (target <= 0.75), and the same in CPU time.

With `--alternatives`:

For each N it writes N invented supporters to a CSV and runs `letters batch --to pm` in a
subprocess (per-letter PDFs, print packs and reports included), sampling the resident memory of
the whole process tree. The single-process baselines are measured on the first `--sample`
letters of the same file (their cost per letter does not depend on N):

- naive: `write_pdf` per letter (what `letters write` does), one process;
- layout: `HTML.render()` per letter, nothing written, one process: the floor;
- combined: letters rendered one by one, their pages written as ONE PDF, then cut into
  per-letter files with pypdf or with qpdf (the alternative to writing each letter's own
  Document, which `letters batch` does);
- one document per chunk: `--chunk` letters laid out as ONE WeasyPrint document (each letter a
  section on its own named page, with its own page counter and running header, see
  `chunk_document`), alone and then written letter by letter with `Document.copy(pages)`.

Figures are wall-clock on whatever else the machine is doing: compare ratios within a run.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import pikepdf
from pypdf import PdfReader, PdfWriter
from weasyprint import CSS, HTML

from letters.batch.engine import plan_letters, resolve_targets
from letters.batch.supporters import open_supporters
from letters.compose import compose
from letters.i18n import Language
from letters.pdf import SCHEME, LockedFetcher, _stylesheet, document, document_pdf, pdf_identifier
from letters.pipeline import Setting
from letters.render import render_html

DAY = date(2026, 2, 1)
FIRST = ["Ann", "Luc", "Mia", "Zoé", "Raj", "Léa", "Tom", "Ève", "Kai", "Inès", "Omar", "Jo"]
LAST = ["Lee", "Roy", "Chan", "Dubé", "Patel", "Gagnon", "Ng", "Tremblay", "Singh", "Côté"]
# (postal code, city, province): a postal code of another province than the row's is a row error.
PLACES = [
    ("K1A 0B1", "Ottawa", "ON"),
    ("H2X 1Y4", "Montréal", "QC"),
    ("B3H 4R2", "Halifax", "NS"),
    ("A1A 1A1", "St. John's", "NL"),
    ("T6E 1Z8", "Edmonton", "AB"),
    ("G1R 4P5", "Québec", "QC"),
    ("V5K 0A1", "Vancouver", "BC"),
    ("J8X 1A1", "Gatineau", "QC"),
]
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
                    PLACES[i % 8][1],
                    PLACES[i % 8][2],
                    PLACES[i % 8][0],
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
            offices=setting.directory,
        )
        for p in plan.letters
    ]


def timed(function) -> tuple[float, float, object]:
    """(wall seconds, CPU seconds of this process, result)."""
    start, cpu = time.perf_counter(), time.process_time()
    result = function()
    return time.perf_counter() - start, time.process_time() - cpu, result


def naive(letters) -> list[bytes]:
    files = []
    for letter in letters:
        html = render_html(letter)
        files.append(document_pdf(document(html, letter), html))
    return files


def layout(letters) -> int:
    return sum(len(document(render_html(x), x).pages) for x in letters)


def combined_pdf(letters) -> tuple[bytes, list[int]]:
    """The alternative: lay out each letter (its own page counter), write ONE PDF for them all."""
    htmls = [render_html(x) for x in letters]
    documents = [document(h, x) for h, x in zip(htmls, letters, strict=True)]
    pages = [page for d in documents for page in d.pages]
    identifier = pdf_identifier("".join(htmls))
    whole = (
        documents[0]
        .copy(pages)
        .write_pdf(pdf_variant="pdf/ua-1", pdf_identifier=identifier, attachments=[])
    )
    return whole, [len(d.pages) for d in documents]


def combined_qpdf(letters) -> list[bytes]:
    """... then cut into per-letter files by page range with qpdf (pikepdf)."""
    whole, counts = combined_pdf(letters)
    files, first = [], 0
    with pikepdf.open(io.BytesIO(whole)) as source:
        for count in counts:
            with pikepdf.new() as part:
                part.pages.extend(source.pages[first : first + count])
                first += count
                out = io.BytesIO()
                part.save(out, deterministic_id=True)
                files.append(out.getvalue())
    return files


def combined(letters) -> list[bytes]:
    """... then cut into per-letter files by page range with pypdf."""
    whole, counts = combined_pdf(letters)
    reader = PdfReader(io.BytesIO(whole))
    files, first = [], 0
    for count in counts:
        writer = PdfWriter()
        for number in range(first, first + count):
            writer.add_page(reader.pages[number])
        first += count
        out = io.BytesIO()
        writer.write(out)
        files.append(out.getvalue())
    return files


def chunk_document(htmls: list[str]):
    """The letters' bodies as sections of ONE document, each on its own named page `l<k>`.

    Per letter: `@page :nth(1 of l<k>)` (a page group, css-gcpm-3, which WeasyPrint 70 supports)
    resets the page counter and hides the header on its first page, and each letter's running
    header has its own running name `h<k>`: with one shared name, WeasyPrint re-lays out the
    first page of every letter after the first (a running element that appears on a page it
    has not seen before marks that page as changed), which made one document ~25 % slower to
    lay out than separate ones. `counter(pages)` stays the whole document's count here (the
    real path would print each letter's own total as text): that does not change the cost.
    """
    bodies, rules = [], ["section.letter { break-before: page; }"]
    for k, html in enumerate(htmls):
        lang = re.search(r'<html lang="([^"]+)"', html)[1]
        body = html[html.index("<body>") + len("<body>") : html.index("</body>")]
        bodies.append(f'<section class="letter" id="l{k}" lang="{lang}">{body}</section>')
        rules.append(
            f"#l{k} {{ page: l{k}; }} #l{k} .running-header {{ position: running(h{k}); }}"
            f"@page l{k} {{ @top-left {{ content: element(h{k}); }} }}"
            f"@page :nth(1 of l{k}) {{ counter-reset: page 1; @top-left {{ content: none; }} }}"
        )
    source = '<!doctype html><html><head><meta charset="utf-8"><title>chunk</title></head>'
    source += "<body>" + "".join(bodies) + "</body></html>"
    css, fonts = _stylesheet()
    return HTML(string=source, url_fetcher=LockedFetcher(), base_url=SCHEME).render(
        stylesheets=[css, CSS(string="".join(rules))],
        font_config=fonts,
        pdf_variant="pdf/ua-1",
        pdf_tags=True,
    )


def chunk_layout(letters, size: int) -> int:
    htmls = [render_html(x) for x in letters]
    return sum(len(chunk_document(htmls[i : i + size]).pages) for i in range(0, len(htmls), size))


def chunk_files(letters, size: int, counts: list[int]) -> list[bytes]:
    """One document per chunk, each letter's pages written as its own PDF with `copy`.

    `counts` are the letters' page counts from their own layout (the real path would read
    them from where each section starts); the benchmark checks they add up."""
    htmls = [render_html(x) for x in letters]
    files = []
    for i in range(0, len(htmls), size):
        laid_out = chunk_document(htmls[i : i + size])
        assert len(laid_out.pages) == sum(counts[i : i + size])
        first = 0
        for html, count in zip(htmls[i : i + size], counts[i : i + size], strict=True):
            files.append(
                laid_out.copy(laid_out.pages[first : first + count]).write_pdf(
                    pdf_variant="pdf/ua-1", pdf_identifier=pdf_identifier(html), attachments=[]
                )
            )
            first += count
    return files


TICK = os.sysconf("SC_CLK_TCK")


def tree_sample(pid: int, cpu: dict[int, float]) -> int:
    """Resident memory (kB) of a process and all its descendants, from /proc (Linux); records
    each one's CPU seconds so far in `cpu`: CPU time does not depend on what else is running."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += int(next(x for x in status.splitlines() if x.startswith("VmRSS")).split()[1])
            stat = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            cpu[current] = (int(stat[11]) + int(stat[12])) / TICK
            for task in Path(f"/proc/{current}/task").iterdir():
                stack += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, StopIteration, ValueError):
            continue
    return total


def run_batch(
    source: Path, out: Path, jobs: int, tree: Path | None = None
) -> tuple[float, float, int, str]:
    """(wall seconds, CPU seconds of the whole process tree, peak RSS kB, output)."""
    env = {**os.environ, "PYTHONPATH": str(tree)} if tree else None
    args = [
        sys.executable,
        "-m",
        "letters",
        "batch",
        "--input",
        str(source),
        "--to",
        "pm",
        "--date",
        "2026-02-01",
    ]
    args += ["--out", str(out), "--jobs", str(jobs), "--campaign", "end-ice-contracts"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    # In the batch's folder: `python -m` puts the current folder first on sys.path.
    process = subprocess.Popen(args, stdout=subprocess.PIPE, text=True, env=env, cwd=source.parent)
    peak, cpu = 0, {}
    while process.poll() is None:
        peak = max(peak, tree_sample(process.pid, cpu))
        time.sleep(0.05)
    elapsed = time.perf_counter() - start
    output = process.stdout.read()
    if process.returncode != 0:
        raise SystemExit(f"letters batch failed ({process.returncode}): {output}")
    # The samples miss what a process used after the last one; the rusage of our waited-for
    # children misses a descendant its parent did not wait for: take the larger.
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    waited = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, max(sum(cpu.values()), waited), peak, output


def alternatives(args) -> None:
    """Every baseline and alternative once, then `letters batch` for each N."""
    sizes = args.n or [1000, 10000]
    setting = Setting.load("end-ice-contracts")
    with tempfile.TemporaryDirectory(prefix="bench-batch-") as tmp:
        root = Path(tmp)
        source = write_supporters(root / "sample.csv", args.sample)
        letters = sample_letters(setting, source, args.sample)
        naive(letters[:2])  # warm caches (fonts, catalogs, templates) out of the timings
        t_naive, c_naive, naive_files = timed(lambda: naive(letters))
        t_layout, c_layout, pages = timed(lambda: layout(letters))
        t_combined, c_combined, combined_files = timed(lambda: combined(letters))
        t_qpdf, c_qpdf, qpdf_files = timed(lambda: combined_qpdf(letters))
        counts = [len(PdfReader(io.BytesIO(f)).pages) for f in naive_files]
        t_chunk, c_chunk, _ = timed(lambda: chunk_layout(letters, args.chunk))
        t_copy, c_copy, copy_files = timed(lambda: chunk_files(letters, args.chunk, counts))
        n = len(letters)
        naive_bytes = sum(map(len, naive_files)) / n

        def line(label: str, wall: float, cpu: float, files=None) -> str:
            size = f"  {sum(map(len, files)) / n:8.0f} B/letter" if files else ""
            return f"  {label:<21}{wall / n * 1000:7.1f} ms/letter wall {cpu / n * 1000:7.1f} CPU{size}"

        print(f"machine: {os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}; jobs={args.jobs}")
        print(f"baselines on {n} letters ({pages / n:.2f} pages a letter), one process:")
        print(line("naive write_pdf", t_naive, c_naive, naive_files))
        print(line("layout alone", t_layout, c_layout))
        print(line("combined + pypdf cut", t_combined, c_combined, combined_files))
        print(line("combined + qpdf cut", t_qpdf, c_qpdf, qpdf_files))
        print(line(f"1 doc/{args.chunk}: layout", t_chunk, c_chunk))
        print(line(f"1 doc/{args.chunk}: + copy", t_copy, c_copy, copy_files))
        for size in sizes:
            source = write_supporters(root / f"s{size}.csv", size)
            wall, cpu, peak_kb, output = run_batch(source, root / f"out{size}", args.jobs)
            files = list((root / f"out{size}" / "letters").glob("*.pdf"))
            size_bytes = sum(f.stat().st_size for f in files) / len(files)
            per, per_cpu = wall / size, cpu / size
            print(
                f"letters batch, N={size:,} ({len(files):,} letters), load {os.getloadavg()[0]:.2f}:"
            )
            print(
                f"  {per * 1000:7.1f} ms/letter wall {per_cpu * 1000:7.1f} CPU (whole tree), "
                f"{size_bytes:8.0f} B/letter, peak RSS {peak_kb / 1024:.0f} MB"
            )
            print(
                f"  wall: batch/layout {per / (t_layout / n):.2f}x (target <= {TARGET}), "
                f"naive/batch {(t_naive / n) / per:.2f}x (target >= 2.5); "
                f"bytes batch/naive {size_bytes / naive_bytes:.2f}x (target <= 1.3)"
            )
            print(
                f"  CPU: batch/layout {per_cpu / (c_layout / n):.2f}x "
                f"(2 idle cores would give {per_cpu / 2 / (c_layout / n):.2f}x wall)"
            )
            print("  " + output.strip().splitlines()[0])


TARGET = 0.75  # issue 27: batch wall per letter / layout alone per letter, 2 cores


def layout_only(sample: int) -> None:
    """In this process: layout alone of the first `sample` letters; prints wall and CPU ms."""
    setting = Setting.load("end-ice-contracts")
    with tempfile.TemporaryDirectory(prefix="bench-layout-") as tmp:
        letters = sample_letters(setting, write_supporters(Path(tmp) / "s.csv", sample), sample)
    layout(letters[:2])  # warm: stylesheet, fonts, templates
    wall, cpu, pages = timed(lambda: layout(letters))
    print(f"{wall / len(letters) * 1000} {cpu / len(letters) * 1000} {pages / len(letters)}")


def ratios(args) -> None:
    """Issue 27's ratio, rounds interleaved over builds, medians."""
    here = str(Path(__file__).resolve())
    builds = [str(Path(here).parent.parent), *(str(Path(t).resolve()) for t in args.tree)]
    size = (args.n or [1000])[0]  # an organiser's batch is thousands of rows
    found = {b: {"layout": [], "layout_cpu": [], "batch": [], "batch_cpu": []} for b in builds}
    load = [os.getloadavg()[0]]
    with tempfile.TemporaryDirectory(prefix="bench-batch-") as tmp:
        source = write_supporters(Path(tmp) / "rows.csv", size)
        for round_ in range(args.rounds):
            for build in builds:
                measured = subprocess.run(
                    [sys.executable, here, "--layout-only", "--sample", str(args.sample)],
                    check=True,
                    capture_output=True,
                    text=True,
                    env={**os.environ, "PYTHONPATH": build},
                ).stdout.split()
                wall, cpu = float(measured[0]), float(measured[1])
                found[build]["layout"].append(wall)
                found[build]["layout_cpu"].append(cpu)
                out = Path(tmp) / f"out-{builds.index(build)}-{round_}"
                b_wall, b_cpu, _, _ = run_batch(source, out, args.jobs, Path(build))
                written = len(list((out / "letters").glob("*.pdf")))
                if written != size:
                    raise SystemExit(f"{build}: {written} letters for {size} rows")
                found[build]["batch"].append(b_wall / size * 1000)
                found[build]["batch_cpu"].append(b_cpu / size * 1000)
                print(
                    f"round {round_ + 1}, {build}: layout {wall:.1f} ms/letter, batch "
                    f"{b_wall / size * 1000:.1f} ms/letter ({b_wall / size * 1000 / wall:.2f}x)",
                    flush=True,
                )
    load.append(os.getloadavg()[0])
    print(
        f"{args.rounds} interleaved rounds, {os.cpu_count()} cores, --jobs {args.jobs}, "
        f"N = {size}, layout on {args.sample} letters; "
        f"load average {load[0]:.1f} at the start, {load[1]:.1f} at the end"
    )
    for build in builds:
        m = {key: statistics.median(values) for key, values in found[build].items()}
        print(
            f"  {build}\n    layout alone {m['layout']:.1f} ms/letter wall, "
            f"{m['layout_cpu']:.1f} CPU; letters batch {m['batch']:.1f} ms/letter wall, "
            f"{m['batch_cpu']:.1f} CPU (tree)\n"
            f"    batch/layout {m['batch'] / m['layout']:.2f}x wall (target <= {TARGET}), "
            f"{m['batch_cpu'] / m['layout_cpu']:.2f}x CPU "
            f"(2 idle cores: {m['batch_cpu'] / 2 / m['layout_cpu']:.2f}x)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, action="append", help="rows (repeatable)")
    parser.add_argument("--sample", type=int, default=None, help="letters for the baselines")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--chunk", type=int, default=20, help="letters per combined document")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--tree", action="append", default=[], help="another source tree")
    parser.add_argument("--alternatives", action="store_true")
    parser.add_argument("--layout-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.layout_only:
        layout_only(args.sample)
    elif args.alternatives:
        args.sample = args.sample or 100
        alternatives(args)
    else:
        args.sample = args.sample or 40
        ratios(args)


if __name__ == "__main__":
    main()
