"""PDF rendering in worker processes with a time limit, so one letter cannot stall the server."""

from __future__ import annotations

import multiprocessing
import queue
import threading
import time
from multiprocessing.connection import Connection

from ..compose import Letter
from ..pipeline import letter_bytes


class RenderTimeout(Exception):
    """A PDF took longer than the limit (or its worker died); the page asks to try again."""


def _serve(conn: Connection) -> None:
    """A worker's life: warm up once, then render letters sent down the pipe until it closes."""
    from ..pdf import _stylesheet

    _stylesheet()  # import WeasyPrint and parse the stylesheet before the first letter
    while True:
        try:
            letter = conn.recv()
        except (EOFError, OSError):
            return
        try:
            conn.send((True, letter_bytes(letter, "pdf")))
        except Exception as error:  # noqa: BLE001 - the parent raises it as a failed render
            conn.send((False, type(error).__name__))


class _Worker:
    """One spawned process and its end of the pipe; `tasks` counts letters it rendered."""

    def __init__(self, context) -> None:
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child,), daemon=True)
        self.process.start()
        child.close()
        self.tasks = 0

    def kill(self) -> None:
        self.process.kill()
        self.process.join(5)
        self.conn.close()


class PdfWorkers:
    """A small pool of long-lived worker processes (spawned, so no threads or locks are copied).

    Each render has a worker to itself: a letter that overruns its time limit gets only its own
    worker killed and replaced (killing is the only way to get the CPU back), so the letters
    other people are waiting for carry on. A request waits at most `timeout` for a free worker,
    then has `timeout` for its own letter. Workers are recycled every `tasks_per_worker` letters
    to keep memory flat.
    """

    def __init__(
        self, processes: int = 2, timeout: float = 20.0, tasks_per_worker: int = 200
    ) -> None:
        self.processes = processes
        self.timeout = timeout
        self.tasks_per_worker = tasks_per_worker
        self._context = multiprocessing.get_context("spawn")
        self._idle: queue.Queue[_Worker | None] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        for _ in range(processes):
            self._idle.put(None)  # a free slot: its worker starts with the first letter

    def _start(self) -> _Worker:
        worker = _Worker(self._context)
        with self._lock:
            self._all.add(worker)
        return worker

    def _retire(self, worker: _Worker) -> _Worker | None:
        """Kill a worker and start its replacement at once (none once the pool is closed)."""
        with self._lock:
            self._all.discard(worker)
        worker.kill()
        return None if self._closed else self._start()

    def render(self, letter: Letter, timeout: float | None = None) -> bytes:
        limit = self.timeout if timeout is None else timeout
        try:
            worker = self._idle.get(timeout=max(limit, self.timeout))
        except queue.Empty as exc:
            raise RenderTimeout("no worker was free in time") from exc
        if worker is None:
            try:
                worker = self._start()
            except BaseException:
                self._idle.put(None)
                raise
        keep: _Worker | None = worker
        try:
            worker.conn.send(letter)
            deadline = time.monotonic() + limit
            if not worker.conn.poll(max(0.0, deadline - time.monotonic())):
                keep = self._retire(worker)
                raise RenderTimeout(f"over {limit:g} s")
            done, payload = worker.conn.recv()
        except (EOFError, OSError) as exc:  # the worker died (out of memory, killed)
            keep = self._retire(worker)
            raise RenderTimeout("the worker stopped") from exc
        finally:
            if keep is worker:
                worker.tasks += 1
                if worker.tasks >= self.tasks_per_worker:
                    keep = self._retire(worker)
            self._idle.put(keep)  # a worker, or its free slot
        if not done:
            raise RuntimeError(f"the PDF could not be rendered ({payload})")
        return payload

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers = list(self._all)
            self._all.clear()
        for worker in workers:
            worker.conn.close()  # the worker's recv ends: it returns and exits
        for worker in workers:
            worker.process.join(5)
            if worker.process.is_alive():
                worker.process.kill()
