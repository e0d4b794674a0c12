"""Letters per second on a Dask LocalCluster of 1 and 2 workers against the local process pool.

    .venv/bin/python benchmarks/bench_cluster.py            # 400 letters
    .venv/bin/python benchmarks/bench_cluster.py --n 100    # a quick run

All runs lay out the same letters (N invented supporters, `--to pm`, the same chunks) in one
process tree on this machine, one after the other:

- pool 1, pool 2: `run_batch(jobs=…)`, the local process pool;
- dask local:1, dask local:2: `run_batch(executor=…)` on `--cluster local:N` (the cluster is
  started, and its workers warmed up, before the clock starts; its start-up is shown apart).

"render" is the rendering phase alone (first chunk handed out to last chunk back), what a
cluster changes; "plan" (read, validate, route) and "after" (print packs, reports) stay on the
client whatever the number of workers. It also measures the CPU cost of one letter in one
process (`render_chunk` on the first 40 letters), the bytes per letter, and the client's memory
per planned letter, which docs/scale.md scales to 1,000,000 letters.

Figures are wall-clock on whatever else the machine is doing: compare ratios within a run.
"""

from __future__ import annotations

import argparse
import pickle
import tempfile
import time
import tracemalloc
from pathlib import Path

from bench_batch import DAY, sample_letters, write_supporters

from letters.batch.cluster import DaskExecutor, connect
from letters.batch.engine import (
    ChunkTask,
    LetterTask,
    plan_letters,
    render_chunk,
    resolve_targets,
    run_batch,
)
from letters.batch.supporters import open_supporters
from letters.compose import compose
from letters.i18n import Language
from letters.pipeline import Setting

SAMPLE = 40


def timed_batch(
    setting: Setting, source: Path, out: Path, **how
) -> tuple[float, float, float, int]:
    """(plan, render, after seconds, letters) of one run_batch."""
    marks: list[float] = []

    def progress(done: int, total: int) -> None:
        marks.append(time.perf_counter())

    start = time.perf_counter()
    summary = run_batch(
        "end-ice-contracts",
        source,
        ["pm"],
        day=DAY,
        out=out,
        setting=setting,
        progress=progress,
        force=True,
        **how,
    )
    end = time.perf_counter()
    return marks[0] - start, marks[-1] - marks[0], end - marks[-1], summary.letters


def cpu_per_letter(setting: Setting, source: Path, folder: Path) -> tuple[float, float]:
    """(CPU ms, bytes) per letter, laid out and written in this one process."""
    letters = sample_letters(setting, source, SAMPLE)
    task = ChunkTask(str(folder), tuple(LetterTask(f"l{n}.pdf", x) for n, x in enumerate(letters)))
    render_chunk(ChunkTask(str(folder), task.letters[:2]))  # warm: stylesheet, fonts, templates
    start = time.process_time()
    results = render_chunk(task)
    cpu = time.process_time() - start
    return 1000 * cpu / len(results), sum(r.size for r in results) / len(results)


def client_per_letter(setting: Setting, source: Path) -> tuple[float, float, float]:
    """The client's own work per letter, whatever the number of workers: (plan ms, compose and
    pickle ms for its chunk, bytes held per planned letter, measured by tracemalloc)."""
    targets = resolve_targets(setting, ["pm"])
    start = time.perf_counter()
    plan = plan_letters(setting, open_supporters(source), targets, DAY)
    planned = time.perf_counter() - start
    start = time.perf_counter()
    for p in plan.letters:
        lang = Language(p.sender.lang)
        letter = compose(
            setting.campaign, p.sender, p.recipient, day=DAY, lang=lang, wording=p.wording
        )
        pickle.dumps(LetterTask(p.file, letter))
    fed = time.perf_counter() - start
    count = len(plan.letters)
    del plan
    tracemalloc.start()
    again = plan_letters(setting, open_supporters(source), targets, DAY)
    held = tracemalloc.get_traced_memory()[0] / len(again.letters)
    tracemalloc.stop()
    return 1000 * planned / count, 1000 * fed / count, held


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=400, help="supporters (one letter each)")
    args = parser.parse_args()
    setting = Setting.load("end-ice-contracts")
    rows: list[tuple] = []  # name, start, plan, render, after, letters
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source = write_supporters(folder / "supporters.csv", args.n)
        cpu_ms, size = cpu_per_letter(setting, source, folder / "sample")
        plan_ms, feed_ms, held = client_per_letter(setting, source)
        for jobs in (1, 2):
            rows.append(
                (f"pool {jobs}", 0.0, *timed_batch(setting, source, folder / "out", jobs=jobs))
            )
        for workers in (1, 2):
            begin = time.perf_counter()
            with connect(f"local:{workers}") as client:
                start = time.perf_counter() - begin
                executor = DaskExecutor(client)
                timing = timed_batch(setting, source, folder / "out", executor=executor)
                rows.append((f"dask local:{workers}", start, *timing))
    base = rows[1][5] / rows[1][3]  # pool 2: letters / render seconds
    print(f"N = {args.n} letters (--to pm)")
    print(f"CPU per letter, laid out and written in one process: {cpu_ms:.1f} ms")
    print(f"PDF per letter: {size / 1024:.1f} KiB")
    print(
        f"Client per letter: plan {plan_ms:.2f} ms, compose and pickle"
        f" its task {feed_ms:.2f} ms, memory {held:.0f} B"
    )
    head = ("run", "start s", "plan s", "render s", "after s", "letters/s", "vs pool 2")
    print(f"{head[0]:<14}" + "".join(f"{h:>10}" for h in head[1:]))
    for name, start, plan, render, after, letters in rows:
        rate = letters / render
        cells = (start, plan, render, after, rate)
        print(f"{name:<14}" + "".join(f"{c:>10.2f}" for c in cells) + f"{rate / base:>9.2f}x")
    print("start: cluster spawned and warmed (the pool starts inside its render phase)")
    print("plan: read, validate, route (client); render: first chunk out to last chunk back;")
    print("after: print packs and reports (client); letters/s: over the render phase")


if __name__ == "__main__":
    main()
