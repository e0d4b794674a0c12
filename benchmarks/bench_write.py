"""What one `letters write` costs end to end, against a bare WeasyPrint process, in one run.

Run: .venv/bin/python benchmarks/bench_write.py [--runs 15] [--compare other/.venv/bin/letters]

Each round runs, one after the other in a fresh process each: a bare Python that imports
WeasyPrint and writes one paragraph to PDF (the floor: interpreter, WeasyPrint's import, fonts,
one layout), then `letters write` (one French letter to the PM), then any `--compare` build of
`letters` (e.g. main's, to show before and after side by side). Rounds interleave so that the
machine's other load falls on every command alike; the figures are medians over rounds, in wall
time and in CPU time (user + system of the child, which other processes disturb less). The
target of issue 27 is `letters write` <= 1.3x the bare process.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ARGS = [
    "write",
    "--campaign",
    "end-ice-contracts",
    "--to",
    "pm",
    "--lang",
    "fr",
    "--name",
    "Heather Lim",
    "--street",
    "10234 82 Avenue NW",
    "--city",
    "Edmonton",
    "--province",
    "AB",
    "--postal-code",
    "T6E 1Z8",
    "--date",
    "2026-02-01",
]

BARE = (
    "import sys; from weasyprint import HTML; "
    "HTML(string='<p>One paragraph, to see what WeasyPrint costs on its own.</p>')"
    ".write_pdf(sys.argv[1])"
)

TARGET = 1.3


def timed(command: list[str]) -> tuple[float, float]:
    """(wall ms, CPU ms) of one child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall * 1000, cpu * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="rounds (default 15)")
    parser.add_argument(
        "--compare", action="append", default=[], help="another `letters` executable to time"
    )
    args = parser.parse_args()
    ours = str(Path(sys.executable).with_name("letters"))
    with tempfile.TemporaryDirectory(prefix="bench-write-") as tmp:
        commands = {"bare WeasyPrint": [sys.executable, "-c", BARE, f"{tmp}/bare.pdf"]}
        commands["letters write"] = [ours, *ARGS, "-o", f"{tmp}/ours.pdf"]
        for k, other in enumerate(args.compare):
            commands[f"compare {k + 1}"] = [other, *ARGS, "-o", f"{tmp}/other{k}.pdf"]
        for command in commands.values():
            timed(command)  # once each, untimed: caches on disk (fonts, template messages)
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
        load = [os.getloadavg()[0]]
        for _ in range(args.runs):
            for name, command in commands.items():
                times[name].append(timed(command))
        load.append(os.getloadavg()[0])
    print(
        f"{args.runs} interleaved rounds, {os.cpu_count()} cores, "
        f"load average {load[0]:.1f} at the start, {load[1]:.1f} at the end"
    )
    floor_wall = statistics.median(w for w, _ in times["bare WeasyPrint"])
    floor_cpu = statistics.median(c for _, c in times["bare WeasyPrint"])
    for name, command in commands.items():
        wall = statistics.median(w for w, _ in times[name])
        cpu = statistics.median(c for _, c in times[name])
        print(
            f"  {name:<16} median {wall:6.0f} ms wall ({wall / floor_wall:4.2f}x bare), "
            f"{cpu:6.0f} ms CPU ({cpu / floor_cpu:4.2f}x)"
            + (f"  [{command[0]}]" if name.startswith("compare") else "")
        )
    ratio = statistics.median(w for w, _ in times["letters write"]) / floor_wall
    print(f"letters write / bare WeasyPrint: {ratio:.2f}x wall (target <= {TARGET})")


if __name__ == "__main__":
    main()
