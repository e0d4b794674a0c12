"""Where a batch's files go: a local folder, or any fsspec URL (`s3://bucket/prefix`, `gs://…`).

A `Store` is opened from a string, so a chunk of work carries only that string and each worker
(a local process or a Dask worker on another machine) opens the destination itself, with its own
credentials (the usual `AWS_*` environment, instance roles…); no secret travels with a task.

Writes are atomic wherever the store allows it, so a reader (or a resumed run) never sees half a
letter:

- a local folder: write a temporary file beside the target, then rename (`output.write_atomic`);
- an object store (S3, GCS, Azure): one PUT of the whole object. An object store makes an object
  visible only once its upload has completed, so a single PUT is already atomic per object. A
  temporary key then a copy would add a CopyObject and a DeleteObject per letter (three requests
  instead of one, and a window where the temporary key lingers after a crash) for no gain;
- any other fsspec filesystem (SFTP, HDFS, …): a temporary name beside the target, then a move.

fsspec is imported only when a URL is given: a local batch needs nothing more than before.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import time
from collections.abc import Iterable
from functools import cache
from pathlib import Path, PurePosixPath

from ..errors import InputError
from ..output import inside, part_prefix, write_atomic
from .reports import Done, Journal, read_journal

OBJECT_STORES = frozenset({"s3", "s3a", "gs", "gcs", "az", "abfs", "abfss", "oss"})
PART_SUFFIX = ".part"
EXTRAS_FIX = "install the extra: pip install 'letters[s3]' (or the fsspec package for that store)"


class Store:
    """A batch's destination; names given to it are relative (`letters/00002-pm-en.pdf`)."""

    url: str

    def write(self, name: str, content: bytes) -> None:
        raise NotImplementedError

    def read(self, name: str) -> bytes:
        raise NotImplementedError

    def check(self) -> None:
        """Fail now, in one line, if the destination cannot be written."""

    def read_many(self, names: list[str]) -> list[bytes]:
        """The files' contents in the order given."""
        return [self.read(name) for name in names]

    def names(self, folder: str) -> list[str]:
        """The files directly in `folder` (relative names), or none if it does not exist."""
        raise NotImplementedError

    def remove(self, names: Iterable[str]) -> None:
        raise NotImplementedError

    def still_there(self, expected: dict[str, str]) -> set[str]:
        """Which of `{name: sha256}` are in the store as they were written."""
        raise NotImplementedError

    def journal(self, name: str) -> Journal | SegmentJournal:
        """The resume journal kept in this store: `.journal.csv` becomes segments in `.journal/`."""
        return SegmentJournal(self, name.removesuffix(".csv"))

    def location(self, name: str = "") -> Path | str:
        """Where `name` is, to show a person: a path, or a URL."""
        return f"{self.url}/{name}" if name else self.url

    def tidy(self, folder: str, keep: set[str], suffix: str, owned: set[str]) -> None:
        """Remove from `folder` what a killed or older run left: its temporary files, and files
        ending in `suffix` that this run did not plan. Only names in `owned` (what a batch
        recorded writing here) are ever removed: anyone else's file stays."""
        stale = [
            name
            for name in self.names(folder)
            if is_ours(name, owned)
            and (
                name.endswith(PART_SUFFIX)
                or (name.endswith(suffix) and PurePosixPath(name).name not in keep)
            )
        ]
        self.remove(stale)


def is_ours(name: str, owned: set[str]) -> bool:
    """Whether `name` is one of `owned`, or the temporary file of one (`.NAME.xxxx.part`)."""
    if name in owned:
        return True
    folder, _, base = name.rpartition("/")
    if not (base.startswith(".") and base.endswith(PART_SUFFIX)):
        return False
    return any(
        o.rpartition("/")[0] == folder and base.startswith(part_prefix(o.rpartition("/")[2]))
        for o in owned
    )


class LocalStore(Store):
    """A folder on this machine (or a shared drive mounted at the same path on every worker)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        # Absolute: a task may run in another process (or, on a shared drive, another machine).
        self.url = str(self.root.resolve())

    def path(self, name: str) -> Path:
        return inside(self.root, Path(name))

    def location(self, name: str = "") -> Path:
        return self.root / name if name else self.root

    def check(self) -> None:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise InputError(
                f"cannot create the batch folder {self.root} ({error.strerror})",
                field="out",
                fix="give --out a folder you can write to",
            ) from error

    def write(self, name: str, content: bytes) -> None:
        write_atomic(self.path(name), content)

    def read(self, name: str) -> bytes:
        return self.path(name).read_bytes()

    def names(self, folder: str) -> list[str]:
        where = self.path(folder) if folder else self.root
        if not where.is_dir():
            return []
        prefix = f"{folder}/" if folder else ""
        return [f"{prefix}{p.name}" for p in sorted(where.iterdir()) if p.is_file()]

    def remove(self, names: Iterable[str]) -> None:
        for name in names:
            self.path(name).unlink(missing_ok=True)

    def still_there(self, expected: dict[str, str]) -> set[str]:
        return {name for name, sha in expected.items() if _sha256(self.path(name)) == sha}

    def journal(self, name: str) -> Journal:
        """A local folder appends to one journal file (`reports.Journal`)."""
        return Journal(self.path(name))


def _sha256(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


class RemoteStore(Store):
    """A prefix in any fsspec filesystem: `s3://bucket/prefix`, `gs://…`, `sftp://…`."""

    def __init__(self, url: str) -> None:
        try:
            from fsspec.core import url_to_fs

            self.fs, root = url_to_fs(url)
        except ImportError as error:
            raise InputError(
                f"cannot write to {url}: {error}", field="out", fix=EXTRAS_FIX
            ) from error
        except ValueError as error:  # unknown protocol
            raise InputError(str(error), field="out", fix="use a local folder or s3://…") from error
        self.url = url
        self.root = root.rstrip("/")
        protocols = self.fs.protocol if isinstance(self.fs.protocol, tuple) else (self.fs.protocol,)
        self.single_put = bool(OBJECT_STORES.intersection(protocols))

    def check(self) -> None:
        """The bucket must exist and be reachable with this process's credentials and endpoint:
        one line now rather than a failure in every worker."""
        if not self.single_put:
            return  # folders are made as files are written
        bucket = self.root.lstrip("/").split("/", 1)[0]
        try:
            found = self.fs.exists(bucket)
        except Exception as error:  # credentials, endpoint, permission: whatever the store says
            raise InputError(
                f"cannot reach {self.url}: {error}",
                field="out",
                fix="check the credentials (AWS_ACCESS_KEY_ID…) and AWS_ENDPOINT_URL",
            ) from error
        if not found:
            raise InputError(
                f"{self.url}: there is no bucket {bucket!r}",
                field="out",
                fix="create the bucket first, or correct the URL",
            )

    def key(self, name: str) -> str:
        if not name:
            return self.root
        parts = PurePosixPath(name).parts
        if not parts or name.startswith("/") or ".." in parts:
            raise InputError(
                f"{name} is outside {self.url}", field="out", fix="use a relative name"
            )
        return f"{self.root}/{name}"

    def write(self, name: str, content: bytes) -> None:
        key = self.key(name)
        if self.single_put:
            self.fs.pipe_file(key, content)
            return
        parent, _, base = key.rpartition("/")
        temporary = f"{parent}/.{base}.{os.getpid()}.{time.time_ns()}{PART_SUFFIX}"
        self.fs.makedirs(parent, exist_ok=True)
        self.fs.pipe_file(temporary, content)
        try:
            self.fs.mv(temporary, key)
        except BaseException:
            self.fs.rm(temporary)
            raise

    def read(self, name: str) -> bytes:
        return self.fs.cat_file(self.key(name))

    def read_many(self, names: list[str]) -> list[bytes]:
        """Fetched concurrently (s3fs, gcsfs… batch the requests): a pack volume reads 500
        letters, and one GET after another would wait 500 round trips."""
        keys = [self.key(name) for name in names]
        found = self.fs.cat(keys, on_error="raise") if keys else {}
        return [found[key] for key in keys]

    def names(self, folder: str) -> list[str]:
        # Listed afresh and not kept: workers elsewhere add files, and a cached listing would
        # then hide them from `read` in this process.
        self.fs.invalidate_cache()
        try:
            found = self.fs.ls(self.key(folder), detail=True)
        except FileNotFoundError:
            return []
        finally:
            self.fs.invalidate_cache()
        start = len(self.root) + 1
        return sorted(
            entry["name"].rstrip("/")[start:] for entry in found if entry["type"] == "file"
        )

    def remove(self, names: Iterable[str]) -> None:
        keys = [self.key(name) for name in names]
        if keys:
            self.fs.rm(keys)

    def still_there(self, expected: dict[str, str]) -> set[str]:
        """Present in one listing per folder, without reading a million letters back.

        Every object was written whole (one PUT, or rename) and only then journaled, so one that
        is there is the one the journal's hash describes unless someone replaced it by hand.
        """
        folders = {name.rpartition("/")[0] for name in expected}
        present = {name for folder in folders for name in self.names(folder)}
        return set(expected).intersection(present)


def open_store(target: str | Path) -> Store:
    """A local folder for a path or `file://` URL, a `RemoteStore` for any other URL; checked
    (`Store.check`) so that an unusable destination stops the run before any work."""
    text = str(target)
    if isinstance(target, Path) or "://" not in text:
        store: Store = LocalStore(Path(text))
    elif text.startswith("file://"):
        store = LocalStore(Path(text[len("file://") :]))
    else:
        store = RemoteStore(text)
    store.check()
    return store


@cache
def store_at(url: str) -> Store:
    """The store for a task's URL, opened once per worker process."""
    return open_store(url)


class SegmentJournal:
    """The resume journal on a store that cannot append: a small object per flush.

    Same contract as `reports.Journal` (read, start, add, close). Entries are buffered and written
    as `.journal/<run>-<n>.csv` every `FLUSH_ENTRIES` letters or `FLUSH_SECONDS`; a client
    killed between two flushes loses only the last few entries, and those letters are rendered
    again (to the same bytes, under the same names) by the next run.
    """

    FLUSH_ENTRIES = 500
    FLUSH_SECONDS = 0.5
    FIELDS = 4

    def __init__(self, store: Store, folder: str) -> None:
        self.store = store
        self.folder = folder
        self._buffer: list[Done] = []
        self._old: list[str] = []

    def read(self) -> dict[str, Done]:
        done: dict[str, Done] = {}
        self._old = [n for n in self.store.names(self.folder) if n.endswith(".csv")]
        # Names sort by run, then by flush: later entries win.
        for content in self.store.read_many(self._old):
            done.update(read_journal(io.BytesIO(content)))
        return done

    def start(self, kept: Iterable[Done]) -> None:
        """Begin a run: one segment with the letters still valid, then drop the old segments."""
        if not self._old:
            self._old = [n for n in self.store.names(self.folder) if n.endswith(".csv")]
        self._run = f"{time.time_ns():020d}"
        self._count = 0
        self._buffer = list(kept)
        self._last = time.monotonic()
        if self._buffer:
            self._flush()
        self.store.remove(self._old)
        self._old = []

    def add(self, done: Done) -> None:
        self._buffer.append(done)
        if (
            len(self._buffer) >= self.FLUSH_ENTRIES
            or time.monotonic() - self._last >= self.FLUSH_SECONDS
        ):
            self._flush()

    def close(self) -> None:
        if self._buffer:
            self._flush()

    def _flush(self) -> None:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerows((d.file, d.digest, d.pages, d.sha256) for d in self._buffer)
        self.store.write(
            f"{self.folder}/{self._run}-{self._count:06d}.csv", out.getvalue().encode()
        )
        self._count += 1
        self._buffer = []
        self._last = time.monotonic()
