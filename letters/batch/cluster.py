"""The batch's chunks on a Dask cluster: `--cluster tcp://scheduler:8786` or `--cluster local:N`.

The client plans every row, composes the letters and hands out the same `ChunkTask`s as the
local process pool; a worker lays them out and writes them straight to the destination (see
`storage`), and returns only each letter's name, page count and hash, from which the client
builds the journal, `manifest.csv` and `errors.csv` in row order.

What a worker needs travels with the task (the composed letters: campaign wording, sender and
recipient already decided) or comes from the installed package (templates, catalogs, fonts),
which `LettersWorker` loads once when a worker joins. Nothing is read from the client's disk.

A worker that dies (killed, out of memory, its machine gone) loses the chunk it was laying out;
the scheduler gives that chunk to another worker. Letters have fixed names and deterministic
bytes, so a chunk done twice writes the same files again: no duplicates, no difference.

This module imports Dask; only `letters batch --cluster` imports this module.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

from distributed import Client, KilledWorker, LocalCluster, as_completed
from distributed.diagnostics.plugin import WorkerPlugin

from ..errors import InputError, LettersError
from ..version import __version__

# Chunks a worker thread holds ahead (one running, one queued): enough to stay busy, few enough
# that a lost worker costs little and the client's memory stays flat in the number of rows.
AHEAD_PER_THREAD = 2
# A chunk that raises (a store's hiccup) is tried again this often; a chunk whose worker dies is
# rescheduled by the scheduler (up to `distributed.scheduler.allowed-failures` deaths, 3 by default).
RETRIES = 3
WORKERS_TIMEOUT = 60.0
CLUSTER_FIX = (
    "use --cluster local:N (N worker processes here) or tcp://HOST:PORT (a dask scheduler)"
)


@dataclass(frozen=True)
class ClusterSpec:
    """Where to run: a scheduler's address, or a number of local worker processes."""

    address: str | None = None
    local_workers: int | None = None


def parse_cluster(text: str) -> ClusterSpec:
    text = text.strip()
    local = re.fullmatch(r"local:(\d+)", text)
    if local and int(local.group(1)) >= 1:
        return ClusterSpec(local_workers=int(local.group(1)))
    if re.fullmatch(r"(tcp|tls|ws|wss|inproc)://[^\s/]+(:\d+)?/?", text):
        return ClusterSpec(address=text)
    raise InputError(f"{text!r} is not a cluster", field="cluster", fix=CLUSTER_FIX)


def warm_up() -> None:
    """Load what every letter needs, once: templates and catalogs per language, the stylesheet
    and its fonts. All come from the installed package (`letters.resources`)."""
    from ..i18n import languages
    from ..pdf import _stylesheet
    from ..render import environment

    for lang in languages():
        environment(lang).get_template("letter.html.j2")
    _stylesheet()


class LettersWorker(WorkerPlugin):
    """Prepares each worker as it joins (and again if the nanny restarts it after a crash)."""

    name = "letters"

    def __init__(self, version: str) -> None:
        self.version = version

    def setup(self, worker) -> None:
        if __version__ != self.version:  # raised again by the client's register_plugin
            raise InputError(
                f"worker {worker.address} has letters {__version__}, this client {self.version}",
                field="cluster",
                fix="install the same version of letters on every worker",
            )
        warm_up()


class DaskExecutor:
    """Runs `render_chunk` (or `packs.write_volume`) over the tasks on the cluster, a bounded
    number in flight; a `batch.Executor`."""

    def __init__(self, client: Client, retries: int = RETRIES) -> None:
        self.client = client
        self.retries = retries
        self._checked: set[str] = set()

    def __call__(self, function: Callable, tasks: Iterable, on_done: Callable) -> None:
        """`function(task)` for each task (a `ChunkTask`, a pack `Volume`: plain data with the
        store's `root`), `on_done(result)` in the order they finish."""
        threads = sum(self.client.nthreads().values()) or 1
        tasks = iter(tasks)
        ahead = islice(tasks, AHEAD_PER_THREAD * threads)
        running = as_completed([self._submit(function, task) for task in ahead])
        for future in running:
            try:
                results = future.result()
            except KilledWorker as error:
                raise LettersError(
                    "workers died running the same task more often than"
                    " distributed.scheduler.allowed-failures allows",
                    field="cluster",
                    fix="look at the workers' logs (memory?), then run the same command again:"
                    " the letters already written are kept",
                ) from error
            future.release()
            on_done(results)
            following = next(tasks, None)
            if following is not None:
                running.add(self._submit(function, following))

    def _submit(self, function: Callable, task):
        if task.root not in self._checked:
            self._check_destination(task.root)
            self._checked.add(task.root)
        return self.client.submit(function, task, retries=self.retries, pure=False)

    def _check_destination(self, root: str) -> None:
        """A folder must be one every worker sees (a shared drive), or letters would scatter
        over the workers' own disks."""
        if "://" in root:
            return
        Path(root).mkdir(parents=True, exist_ok=True)
        blind = [where for where, seen in self.client.run(os.path.isdir, root).items() if not seen]
        if blind:
            raise InputError(
                f"workers {', '.join(blind)} cannot see {root}",
                field="out",
                fix="write to a URL every worker can reach (s3://bucket/prefix) or a shared drive"
                " mounted at the same path",
            )


def start_workers(client: Client) -> None:
    """Wait for a worker, then register the plugin (it runs on current and future workers)."""
    try:
        client.wait_for_workers(1, timeout=WORKERS_TIMEOUT)
    except TimeoutError as error:
        raise InputError(
            f"no worker joined {client.scheduler.address} in {WORKERS_TIMEOUT:.0f} s",
            field="cluster",
            fix=f"start workers: dask worker {client.scheduler.address}",
        ) from error
    client.register_plugin(LettersWorker(__version__))


@contextmanager
def connect(text: str) -> Iterator[Client]:
    """A ready client for `--cluster`: a scheduler's address, or `local:N` started here."""
    spec = parse_cluster(text)
    if spec.local_workers:
        cluster = LocalCluster(
            n_workers=spec.local_workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",  # nothing listens beyond this machine
            dashboard_address="127.0.0.1:0",  # any free port: two batches may run at once
            silence_logs=logging.ERROR,
        )
        with cluster, Client(cluster) as client:
            start_workers(client)
            yield client
        return
    try:
        client = Client(spec.address, timeout="10s")
    except OSError as error:
        raise InputError(
            f"cannot reach the scheduler at {spec.address}: {error}",
            field="cluster",
            fix="start one with `dask scheduler` (port 8786) or " + CLUSTER_FIX,
        ) from error
    with client:
        start_workers(client)
        yield client


@contextmanager
def cluster_executor(text: str) -> Iterator[DaskExecutor]:
    """What `letters batch --cluster TEXT` passes to `run_batch(executor=…)`."""
    with connect(text) as client:
        yield DaskExecutor(client)
