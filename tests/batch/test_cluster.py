"""The batch on a real Dask LocalCluster, writing to a real S3-compatible server on 127.0.0.1.

A worker is killed mid-run and the run still accounts for every row, with outputs byte-identical
to a local run; a client killed mid-run against S3 resumes from the journal kept in the bucket.
"""

from __future__ import annotations

import csv
import io
import os
import signal
import socket
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

pytest.importorskip("distributed")
pytest.importorskip("s3fs")

from letters.batch import run_batch  # noqa: E402
from letters.batch.cluster import DaskExecutor, connect  # noqa: E402
from letters.batch.report import RUN_REPORT  # noqa: E402
from letters.batch.storage import open_store  # noqa: E402
from letters.cli import main  # noqa: E402
from letters.errors import LettersError  # noqa: E402

from ..conftest import province_of  # noqa: E402

pytestmark = pytest.mark.cluster

DAY = date(2026, 2, 1)
NAMES = [
    ("Ann Lee", "K1A 0B1", "en"),
    ("Luc Roy", "H2X 1Y4", "fr"),
    ("Mia Chan", "B3H 4R2", "en"),
    ("Zoé Dubé", "A1A 1A1", "fr"),
    ("Raj Patel", "T6E 1Z8", "en"),
    ("Léa Roy", "G1R 4P5", "fr"),
    ("Tom Ng", "V5K 0A1", "en"),
    ("Ève Gagnon", "J8X 1A1", "fr"),
    ("Sam Cole", "R3C 0V8", "en"),
    ("Noé Caron", "J9H 5V8", "fr"),
    ("Ian Ross", "S4P 3Y2", "en"),
    ("Maëlle Roy", "G8T 7Z2", "fr"),
    ("Ben Kaur", "L5B 1M2", "en"),
    ("Anaïs Côté", "J1H 5N4", "fr"),
    ("Liam Wong", "V6B 1A1", "en"),
    ("Chloé Paré", "G5L 3A1", "fr"),
]
ROWS = len(NAMES) + 2  # and one bad row and one duplicate
LETTERS = len(NAMES) * 2
BUCKET = "letters-test"


def write_supporters(path: Path) -> Path:
    lines = ["name,street,city,province,postal code,language,riding"]
    for name, postal_code, lang in NAMES:
        province = province_of(postal_code)
        lines.append(
            f"{name},1 Main St,Edmonton,{province},{postal_code},{lang},Edmonton Strathcona"
        )
    lines.append("No Address,,Edmonton,AB,T6E 1Z8,en,Edmonton Strathcona")
    lines.append("Ann Lee,1 Main St,Edmonton,ON,K1A 0B1,en,Edmonton Strathcona")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def local_outputs(out: Path) -> dict[str, bytes]:
    """Everything an organiser gets (the hidden journal is the run's own bookkeeping), but the
    report, which tells this run's own time and what it kept."""
    return {
        str(p.relative_to(out)): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and not p.name.startswith(".") and p.name not in RUN_REPORT
    }


def s3_outputs(fs, prefix: str) -> dict[str, bytes]:
    fs.invalidate_cache()
    names = [key[len(prefix) + 1 :] for key in fs.find(prefix)]
    return {
        name: fs.cat_file(f"{prefix}/{name}")
        for name in names
        if not name.startswith(".") and name not in RUN_REPORT
    }


def manifest_files(content: bytes) -> list[str]:
    rows = csv.DictReader(io.StringIO(content.decode("utf-8-sig")))
    return [row["file"] for row in rows if row["status"] == "written"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def s3():
    """moto's S3 server on 127.0.0.1; the environment points every process (the workers too,
    which inherit it) at it, as AWS_ENDPOINT_URL would at a real S3-compatible store."""
    from moto.server import ThreadedMotoServer
    from s3fs import S3FileSystem

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    settings = {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}",
    }
    saved = {key: os.environ.get(key) for key in settings}
    os.environ.update(settings)
    fs = S3FileSystem(skip_instance_cache=True)
    fs.mkdir(BUCKET)
    yield fs
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    server.stop()


@pytest.fixture(scope="module")
def client(s3):
    with connect("local:2") as client:
        yield client


@pytest.fixture(scope="module")
def source(tmp_path_factory) -> Path:
    return write_supporters(tmp_path_factory.mktemp("input") / "supporters.csv")


@pytest.fixture(scope="module")
def local_run(tmp_path_factory, source, setting) -> dict[str, bytes]:
    out = tmp_path_factory.mktemp("local") / "out"
    run_batch("end-ice-contracts", source, ["pm", "mp"], day=DAY, out=out, jobs=1, setting=setting)
    return local_outputs(out)


def test_workers_load_templates_catalogs_and_fonts_when_they_join(client):
    """Before any task: the plugin has loaded, from the installed package, the stylesheet with
    its fonts and a Jinja environment (templates and catalog) per language."""

    def loaded() -> tuple[int, int]:
        from letters.pdf import _stylesheet
        from letters.render import _environment

        return _stylesheet.cache_info().currsize, _environment.cache_info().currsize

    assert set(client.run(loaded).values()) == {(1, 2)}


def kill_a_busy_worker(client) -> int:
    """SIGKILL the process of a worker that holds a chunk; returns its pid."""
    busy = [address for address, keys in client.processing().items() if keys]
    assert busy, "a worker should be holding a chunk"
    pid = client.run(os.getpid)[busy[0]]
    os.kill(pid, signal.SIGKILL)
    return pid


def test_killed_worker_chunk_is_redone_and_outputs_match_a_local_run(
    tmp_path, client, source, local_run, setting
):
    executor = DaskExecutor(client)
    killed: list[int] = []

    def kill_after_first_chunk(function, tasks, on_done):
        def done(results):
            if not killed:
                killed.append(kill_a_busy_worker(client))
            on_done(results)

        executor(function, tasks, done)

    out = tmp_path / "out"
    summary = run_batch(
        "end-ice-contracts",
        source,
        ["pm", "mp"],
        day=DAY,
        out=out,
        setting=setting,
        chunk_letters=2,
        executor=kill_after_first_chunk,
    )

    assert killed and killed[0] not in client.run(os.getpid).values(), "a worker died"
    assert (summary.rows_read, summary.letter_rows, summary.error_rows) == (ROWS, len(NAMES), 1)
    assert summary.duplicate_rows == 1 and summary.accounted
    assert summary.written == LETTERS
    outputs = local_outputs(out)
    letters = sorted(name for name in outputs if name.startswith("letters/"))
    assert letters == sorted(manifest_files(outputs["manifest.csv"]))  # each once, no extras
    assert not list(out.rglob("*.part"))
    assert outputs == local_run


def test_a_task_that_keeps_killing_workers_stops_the_run_in_one_line(tmp_path, source, setting):
    import dask

    with (
        dask.config.set({"distributed.scheduler.allowed-failures": 0}),
        connect("local:1") as client,
    ):
        executor = DaskExecutor(client)
        killed: list[int] = []

        def kill_after_first_chunk(function, tasks, on_done):
            def done(results):
                on_done(results)
                if not killed:
                    killed.append(kill_a_busy_worker(client))

            executor(function, tasks, done)

        with pytest.raises(LettersError) as stopped:
            run_batch(
                "end-ice-contracts",
                source,
                ["pm"],
                day=DAY,
                out=tmp_path / "out",
                setting=setting,
                chunk_letters=2,
                executor=kill_after_first_chunk,
            )
    assert stopped.value.field == "cluster"
    assert "run the same command again" in stopped.value.fix
    assert (tmp_path / "out" / ".journal.csv").read_text().count("letters/") >= 2  # kept


def test_cluster_writes_to_s3_and_a_killed_client_resumes_from_the_bucket(
    tmp_path, s3, client, source, local_run, setting
):
    url = f"s3://{BUCKET}/end-ice-contracts/run"
    prefix = url[len("s3://") :]
    journal = f"{prefix}/.journal"
    # The client (here the local process pool) is killed once its journal is in the bucket.
    crashed = subprocess.Popen(
        [sys.executable, "-m", "letters", "batch", "--campaign", "end-ice-contracts"]
        + ["--input", str(source), "--to", "pm", "--to", "mp", "--date", DAY.isoformat()]
        + ["--out", url, "--jobs", "1"],
        cwd=tmp_path,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and crashed.poll() is None:
        s3.invalidate_cache()
        if s3.exists(journal) and len(s3.find(journal)) >= 2:  # two flushes: several letters
            break
        time.sleep(0.05)
    os.killpg(crashed.pid, signal.SIGKILL)
    crashed.wait()
    s3.invalidate_cache()
    assert not s3.exists(f"{prefix}/manifest.csv"), "killed before the end"

    summary = run_batch(
        "end-ice-contracts",
        source,
        ["pm", "mp"],
        day=DAY,
        out=url,
        setting=setting,
        chunk_letters=2,
        executor=DaskExecutor(client),
    )

    assert summary.out == url and summary.accounted
    assert 0 < summary.kept < LETTERS, "resumed: letters journaled before the crash are kept"
    assert summary.kept + summary.written == LETTERS
    assert s3_outputs(s3, prefix) == local_run


def test_store_reads_back_what_it_wrote_and_refuses_names_outside_it(s3):
    store = open_store(f"s3://{BUCKET}/store-check")
    store.write("letters/a.pdf", b"%PDF-1.7 a")
    store.write("letters/b.pdf", b"%PDF-1.7 b")
    assert store.read("letters/a.pdf") == b"%PDF-1.7 a"
    assert store.names("letters") == ["letters/a.pdf", "letters/b.pdf"]
    store.write("letters/theirs.pdf", b"%PDF-1.7 not the batch's")
    store.tidy("letters", {"a.pdf"}, ".pdf", owned={"letters/a.pdf", "letters/b.pdf"})
    assert store.names("letters") == ["letters/a.pdf", "letters/theirs.pdf"]
    with pytest.raises(Exception, match="outside"):
        store.write("../escape.pdf", b"x")


def test_a_missing_bucket_is_one_line_naming_out_and_the_fix(s3, source, tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "letters", "batch", "--input", str(source), "--to", "pm"]
        + ["--out", "s3://no-such-bucket/run"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "Error: out: s3://no-such-bucket/run: there is no bucket 'no-such-bucket';"
        " fix: create the bucket first, or correct the URL"
    ]


def test_rename_stores_write_a_temporary_name_then_move(tmp_path):
    store = open_store("memory://letters-test/run")
    assert not store.single_put
    store.write("letters/a.pdf", b"%PDF-1.7 a")
    assert store.names("letters") == ["letters/a.pdf"]  # no temporary file left behind


def test_file_url_is_the_local_folder(tmp_path):
    open_store(f"file://{tmp_path}/out").write("letters/a.pdf", b"%PDF-1.7 a")
    assert [p.name for p in (tmp_path / "out" / "letters").iterdir()] == ["a.pdf"]


def test_cli_cluster_local_gives_the_local_runs_files(tmp_path, source, local_run):
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main,
        ["batch", "--input", str(source), "--to", "pm", "--to", "mp", "--date", DAY.isoformat()]
        + ["--cluster", "local:1", "--out", str(out)],
    )
    assert result.exit_code == 0, result.output
    assert f"Letters: {LETTERS} ({LETTERS} written, 0 already done and kept)" in result.output
    assert local_outputs(out) == local_run


def test_bad_cluster_is_one_line_naming_the_option_and_the_fix(tmp_path, source, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(
        main, ["batch", "--input", str(source), "--to", "pm", "--cluster", "banana"]
    )
    assert not (tmp_path / "output").exists()
    assert result.exit_code == 2
    assert "cluster: 'banana' is not a cluster; fix: use --cluster local:N" in result.output


def test_a_local_batch_imports_neither_dask_nor_fsspec(tmp_path, source):
    code = (
        "import sys, letters.cli, letters.batch.engine, letters.batch.storage;"
        "letters.batch.storage.open_store('out').write('x.txt', b'x');"
        "print(sorted(m for m in ('dask', 'distributed', 'fsspec') if m in sys.modules))"
    )
    found = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    assert found.stdout.strip() == "[]"
