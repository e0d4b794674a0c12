"""How a batch uses its processes (issue 27): the workers start while the rows are planned and
set what they loaded aside from the garbage collector; each print-pack volume is written by a
worker as soon as its last letter is in place; the planning process never loads WeasyPrint or
qpdf. Each check runs real processes."""

from __future__ import annotations

import csv
import gc
import json
import subprocess
import sys

from letters.batch.engine import PackSchedule, local_workers, render_order
from letters.batch.packs import Cover, Volume

SUPPORTERS = """name,street,city,province,postal code,language
Ann Lee,1 Main St,Ottawa,ON,K1A 0B1,en
Luc Roy,"12, rue Saint-Denis",Montréal,QC,H2X 1Y4,fr
Mia Chan,5 Spring Garden Rd,Halifax,NS,B3H 4R2,en
"""


def test_a_worker_sets_what_it_loaded_aside_from_the_garbage_collector():
    with local_workers(2) as pool:
        frozen = pool.submit(gc.get_freeze_count).result()
    assert frozen > 50_000  # WeasyPrint, the stylesheet and the fonts, loaded and set aside


def test_one_job_is_this_process():
    frozen = gc.get_freeze_count()
    with local_workers(1) as pool:
        assert pool is None
    assert gc.get_freeze_count() == frozen


def test_a_pack_volume_is_ready_once_its_last_letter_is_in_place():
    sheet = Cover("Letters", ())
    pm = Volume("out", "packs/pm.pdf", sheet, ("letters/1.pdf", "letters/2.pdf"))
    mp = Volume("out", "packs/mp.pdf", sheet, ("letters/3.pdf",))
    schedule = PackSchedule([pm, mp], finished=["letters/3.pdf"])  # kept from an earlier run
    assert schedule.ready() == [mp]
    assert schedule.written(["letters/1.pdf"]) == []
    assert schedule.written(["letters/2.pdf"]) == [pm]
    assert schedule.ready() == []  # each volume is given once


def test_letters_are_laid_out_largest_volume_first_and_the_last_ones_together():
    sheet = Cover("Letters", ())

    def volume(name: str, count: int) -> Volume:
        return Volume("out", f"packs/{name}.pdf", sheet, tuple(f"{name}{n}" for n in range(count)))

    def laid_out(volumes: list[Volume], jobs: int) -> list[str]:
        order = render_order(volumes, jobs)
        return sorted(order, key=order.get)

    volumes = [volume("a", 3), volume("b", 5), volume("c", 2)]
    # b is merged while a and c are laid out; a and c are complete at the end, side by side.
    two = laid_out(volumes, jobs=2)
    assert two == ["b0", "b1", "b2", "b3", "b4", "a0", "c0", "a1", "c1", "a2"]
    one = laid_out(volumes, jobs=1)
    assert one == [*volumes[1].files, *volumes[0].files, *volumes[2].files]


def test_the_planning_process_never_loads_weasyprint_or_qpdf(tmp_path):
    source = tmp_path / "supporters.csv"
    source.write_text(SUPPORTERS, encoding="utf-8")
    code = (
        "import sys, json\n"
        "from datetime import date\n"
        "from letters.batch import run_batch\n"
        "done = run_batch('end-ice-contracts', sys.argv[1], ['pm'], day=date(2026, 2, 1),"
        " out=sys.argv[2], jobs=2)\n"
        "heavy = sorted(m for m in sys.modules if m == 'letters.pdf' or m.split('.')[0] in"
        " ('weasyprint', 'pikepdf', 'pydyf'))\n"
        "print(json.dumps([done.written, [str(p) for p in done.packs], heavy]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(source), str(tmp_path / "out")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    written, packs, heavy = json.loads(done.stdout.strip().splitlines()[-1])
    assert heavy == []
    assert written == 3
    assert packs == [str(tmp_path / "out" / "packs" / "pm.pdf")]
    manifest = (tmp_path / "out" / "manifest.csv").read_text("utf-8-sig").splitlines()
    assert [row["status"] for row in csv.DictReader(manifest)] == ["written"] * 3
