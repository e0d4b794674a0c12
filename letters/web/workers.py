"""PDF rendering in worker processes with a time limit, so one letter cannot stall the server."""

from __future__ import annotations

import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool

from ..compose import Letter
from ..pipeline import letter_bytes


class RenderTimeout(Exception):
    """A PDF took longer than the limit (or its worker died); the page asks to try again."""


def _warm() -> None:
    """Import WeasyPrint and parse the stylesheet once per worker, not on its first letter."""
    from ..pdf import _stylesheet

    _stylesheet()


def _render(letter: Letter) -> bytes:
    return letter_bytes(letter, "pdf")


class PdfWorkers:
    """A small pool of long-lived worker processes (spawned, so no threads or locks are copied).

    A letter that overruns its time limit gets the whole pool replaced and its workers killed:
    `concurrent.futures` cannot cancel a running task, so killing is the only way to get the CPU
    back. Workers are recycled every `tasks_per_worker` letters to keep memory flat.
    """

    def __init__(
        self, processes: int = 2, timeout: float = 20.0, tasks_per_worker: int = 200
    ) -> None:
        self.processes = processes
        self.timeout = timeout
        self.tasks_per_worker = tasks_per_worker
        self._lock = threading.Lock()
        self._pool = self._new_pool()

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=self.processes,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_warm,
            max_tasks_per_child=self.tasks_per_worker,
        )

    def render(self, letter: Letter, timeout: float | None = None) -> bytes:
        pool = self._pool
        try:
            future = pool.submit(_render, letter)
            return future.result(timeout=self.timeout if timeout is None else timeout)
        except (FutureTimeout, BrokenProcessPool, RuntimeError) as exc:
            self._replace(pool)
            raise RenderTimeout from exc

    def _replace(self, pool: ProcessPoolExecutor) -> None:
        with self._lock:
            if self._pool is not pool:
                return
            self._pool = self._new_pool()
        # No public API kills a busy worker; the executor's own process table is the only handle.
        for process in list((getattr(pool, "_processes", None) or {}).values()):
            process.kill()
        pool.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
