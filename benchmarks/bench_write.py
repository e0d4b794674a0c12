"""What one `letters write` costs end to end, and how much of it is WeasyPrint.

Run: .venv/bin/python benchmarks/bench_write.py [--runs 5]
Prints the median of N runs of the real command (a new process each time: imports, fonts, layout,
PDF) and, in one warm process, of compose + render + PDF alone, with their ratio.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from letters import Setting, letter_bytes, make_letter, make_sender

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


def median_ms(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    letters = str(Path(sys.executable).with_name("letters"))
    with tempfile.TemporaryDirectory() as tmp:

        def command() -> None:
            subprocess.run([letters, *ARGS, "-o", f"{tmp}/x.pdf"], check=True, capture_output=True)

        cold = median_ms(command, runs)
    setting = Setting.load("end-ice-contracts")
    sender = make_sender(
        name="Heather Lim",
        street=["10234 82 Avenue NW"],
        city="Edmonton",
        province="AB",
        postal_code="T6E 1Z8",
        lang="fr",
    )

    def in_process() -> None:
        letter_bytes(make_letter(setting, sender, "pm", date(2026, 2, 1)))

    in_process()  # warm: fonts and stylesheet parsed once per process
    warm = median_ms(in_process, runs)
    print(f"letters write (new process, end to end): median of {runs}: {cold:.0f} ms")
    print(f"one letter in a warm process (compose+render+PDF): median of {runs}: {warm:.0f} ms")
    print(f"start-up and first-use share: {(cold - warm) / cold:.0%}")


if __name__ == "__main__":
    main()
