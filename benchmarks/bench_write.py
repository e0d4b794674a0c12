"""What one `letters write` costs end to end, against a bare WeasyPrint process, in one run.

Run: .venv/bin/python benchmarks/bench_write.py [--runs 15] [--tree /tmp/main-src]

Each round runs, one after the other in a fresh process each: a bare Python that imports
WeasyPrint and writes one paragraph to PDF (the floor: interpreter, WeasyPrint's import, fonts,
one layout), then `letters write` (one French letter to the PM), then the same command from any
`--tree` (another source tree of letters run with this interpreter, e.g. `git archive main |
tar -x -C /tmp/main-src`, to show before and after side by side). Rounds interleave so that the
machine's other load falls on every command alike; the figures are medians over rounds, in wall
time and in CPU time (user + system of the child, which other processes disturb less). The
target of issue 27 is `letters write` <= 1.3x the bare process.

`letters write` remembers the answers of WeasyPrint's native-library look-ups (letters.native),
which the bare process pays for on every import (about 240 ms here). So that the ratio does not
hide what letters itself adds, one more command runs the bare process with the same answers
given in advance ("bare, libs known"), and the ratio against it is printed too.

Each tree's `letters` package is compiled to bytecode first (`compileall`), as installing a
wheel does: WeasyPrint and the other installed packages come with theirs, and where
PYTHONDONTWRITEBYTECODE is set (as on the project's shared machine) a source tree would
otherwise be compiled again by every run (27 modules, 30 to 40 ms).
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

# The bare process, with ctypes.util.find_library answering from a table given in $BENCH_LIBS
# (as letters.native does from the user's cache).
BARE_LIBS_KNOWN = (
    "import ctypes.util, json, os; known = json.loads(os.environ['BENCH_LIBS']); "
    "real = ctypes.util.find_library; "
    "ctypes.util.find_library = lambda n: known[n] if n in known else real(n); " + BARE
)

# The same look-ups, made once by this process.
LOOKUPS = (
    "import ctypes.util, json, sys; real = ctypes.util.find_library; known = {}; "
    "ctypes.util.find_library = lambda n: known.setdefault(n, real(n)); "
    "import weasyprint; print(json.dumps(known))"
)

TARGET = 1.3


def timed(command: list[str], env: dict | None = None) -> tuple[float, float]:
    """(wall ms, CPU ms) of one child process, run in an empty folder: `python -m` puts the
    current folder first on sys.path, and a checkout there would shadow PYTHONPATH's tree."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bench-write-cwd-") as cwd:
        subprocess.run(command, check=True, capture_output=True, env=env, cwd=cwd)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall * 1000, cpu * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="rounds (default 15)")
    parser.add_argument(
        "--tree", action="append", default=[], help="another source tree of letters to time"
    )
    args = parser.parse_args()
    trees = {"letters write": Path(__file__).resolve().parent.parent}
    trees.update({f"tree {k + 1}": Path(tree).resolve() for k, tree in enumerate(args.tree)})
    with tempfile.TemporaryDirectory(prefix="bench-write-") as tmp:
        libs = subprocess.run(
            [sys.executable, "-c", LOOKUPS], check=True, capture_output=True, text=True
        ).stdout.splitlines()[-1]
        commands = {
            "bare WeasyPrint": ([sys.executable, "-c", BARE, f"{tmp}/bare.pdf"], None),
            "bare, libs known": (
                [sys.executable, "-c", BARE_LIBS_KNOWN, f"{tmp}/bare2.pdf"],
                {**os.environ, "BENCH_LIBS": libs},
            ),
        }
        for name, tree in trees.items():
            out = f"{tmp}/{len(commands)}.pdf"
            command = [sys.executable, "-m", "letters", *ARGS, "-o", out]
            commands[name] = (command, {**os.environ, "PYTHONPATH": str(tree)})
        for tree in trees.values():
            subprocess.run(
                [sys.executable, "-m", "compileall", "-q", str(tree / "letters")], check=True
            )
        for command, env in commands.values():
            timed(command, env)  # once each, untimed: caches on disk (fonts, template messages)
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
        load = [os.getloadavg()[0]]
        for _ in range(args.runs):
            for name, (command, env) in commands.items():
                times[name].append(timed(command, env))
        load.append(os.getloadavg()[0])
    print(
        f"{args.runs} interleaved rounds, {os.cpu_count()} cores, "
        f"load average {load[0]:.1f} at the start, {load[1]:.1f} at the end"
    )
    floor_wall = statistics.median(w for w, _ in times["bare WeasyPrint"])
    floor_cpu = statistics.median(c for _, c in times["bare WeasyPrint"])
    for name in commands:
        wall = statistics.median(w for w, _ in times[name])
        cpu = statistics.median(c for _, c in times[name])
        print(
            f"  {name:<16} median {wall:6.0f} ms wall ({wall / floor_wall:4.2f}x bare), "
            f"{cpu:6.0f} ms CPU ({cpu / floor_cpu:4.2f}x)"
            + (f"  [{trees[name]}]" if name in trees else "")
        )
    ratio = statistics.median(w for w, _ in times["letters write"]) / floor_wall
    print(f"letters write / bare WeasyPrint: {ratio:.2f}x wall (target <= {TARGET})")
    known = statistics.median(w for w, _ in times["bare, libs known"])
    ratio = statistics.median(w for w, _ in times["letters write"]) / known
    print(f"letters write / bare WeasyPrint with its libraries known: {ratio:.2f}x wall")


if __name__ == "__main__":
    main()
