"""Publishing a release all-or-nothing.

    outputs/releases/<id>/{parquet/, review.duckdb, datapackage.json, report.html}
    outputs/current -> releases/<id>              switched by one atomic rename
    outputs/parquet -> current/parquet            stable paths for users, created once
    outputs/review.duckdb -> current/review.duckdb   (same for datapackage.json, report.html)

A release is copied in full into a hidden temporary folder, synced, renamed into place,
and only then does `current` switch to it (os.replace of a temporary symlink). A reader
therefore sees the old release or the new one, whatever happens while publishing (signal,
kill, full disk). The previous release is kept, older ones are pruned after the switch.

Kept free of heavy imports (pyarrow is imported where row counts are read).
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import re
import shutil
import signal
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path

from .errors import ReleaseRefused, TidyReviewError

RELEASES = "releases"
CURRENT = "current"
STABLE = ("parquet", "review.duckdb", "datapackage.json", "report.html")
# Temporary names: .<name>.tmp-<pid>, DuckDB's .<name>.tmp-<pid>.wal included.
TEMPORARY = re.compile(r"^\..+\.tmp-(?P<pid>\d+)(\.wal)?$")
RELEASE_ID = re.compile(r"^r(?P<n>\d{6})$")


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clean_stale_temporaries(root: str | Path) -> list[Path]:
    """Remove temporary files and folders under `root` left by processes no longer alive
    (a kill while writing); return what was removed."""
    removed = []
    root = Path(root)
    if not root.is_dir():
        return removed
    for folder, dirs, files in os.walk(root):
        for name in [*dirs, *files]:
            m = TEMPORARY.match(name)
            if m is None or _alive(int(m["pid"])):
                continue
            path = Path(folder) / name
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
            removed.append(path)
        dirs[:] = [d for d in dirs if not TEMPORARY.match(d)]
    return removed


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def copy_file(src: str | Path, dst: Path) -> None:
    """Copy `src` to `dst` and sync it to disk (the step a full disk interrupts)."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dst)
    _fsync(dst)


def parquet_rows(folder: str | Path) -> dict[str, int]:
    """Return {table: rows} of the Parquet files in `folder` (empty if there is none)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder = Path(folder)
    rows = {}
    for path in sorted(folder.glob("*.parquet")) if folder.is_dir() else []:
        try:
            rows[path.stem] = pq.read_metadata(path).num_rows
        except (OSError, pa.ArrowException):  # unreadable: nothing to compare with
            continue
    return rows


def check_shrink(
    previous: Mapping[str, int], new: Mapping[str, int], max_loss: float = 0.5
) -> None:
    """Refuse a release in which a table loses all its rows, or more than `max_loss` of
    them, against the previous release."""
    shrunk = [
        f"{t} {previous[t]} -> {n}"
        for t, n in new.items()
        if previous.get(t, 0) > 0 and (n == 0 or n < previous[t] * (1 - max_loss))
    ]
    if shrunk:
        raise ReleaseRefused(
            "release refused, tables would lose rows against the previous release "
            f"(to zero or by more than {max_loss:.0%}): {', '.join(shrunk)}; check the "
            "input, or publish anyway with --config allow_shrink=true"
        )


def release_ids(releases: Path) -> list[str]:
    if not releases.is_dir():
        return []
    return sorted(p.name for p in releases.iterdir() if RELEASE_ID.match(p.name))


def current_release(out: Path) -> str | None:
    link = out / CURRENT
    if not link.is_symlink():
        return None
    return Path(os.readlink(link)).name


def _symlink_atomically(target: str, link: Path) -> None:
    """Make `link` point to `target` by renaming a temporary symlink over it."""
    tmp = link.with_name(f".{link.name}.tmp-{os.getpid()}")
    tmp.unlink(missing_ok=True)
    os.symlink(target, tmp)
    os.replace(tmp, link)


_RENAME_EXCHANGE = 2


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux renameat2 RENAME_EXCHANGE); False if unsupported."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd = -100
    rc = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE)
    return rc == 0


def ensure_stable_links(out: Path) -> None:
    """Make outputs/parquet, review.duckdb, ... symlinks into current/ (once). A folder or
    file published by an older version of the pipeline is swapped for the link in one
    rename where the system allows it, then removed."""
    for name in STABLE:
        path, target = out / name, f"{CURRENT}/{name}"
        if path.is_symlink() and os.readlink(path) == target:
            continue
        if path.is_dir() and not path.is_symlink():
            tmp = out / f".{name}.tmp-{os.getpid()}"
            tmp.unlink(missing_ok=True)
            os.symlink(target, tmp)
            if not _exchange(tmp, path):
                os.rename(path, out / f".{name}.old.tmp-{os.getpid()}")
                os.replace(tmp, path)
                tmp = out / f".{name}.old.tmp-{os.getpid()}"
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            _symlink_atomically(target, path)


def _remove_wal(out: Path) -> None:
    """A write-ahead log beside the published database belongs to edits of an older
    release (the published database is read-only): it must not reach the new one."""
    Path(f"{out / 'review.duckdb'}.wal").unlink(missing_ok=True)


@contextlib.contextmanager
def _terminated_cleanly() -> Iterator[None]:
    """Make SIGTERM (what Snakemake sends its jobs when stopped) raise SystemExit while a
    release is copied, so that its temporary folder is removed at once (SIGKILL leaves it
    to the next run's clean-up)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum, frame):
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def publish(
    out_dir: str | Path,
    staged: Mapping[str, str | Path],
    allow_shrink: bool = False,
    max_loss: float = 0.5,
) -> tuple[str, dict[str, int]]:
    """Publish `staged` ({name relative to the release: staged file}) as a new release of
    `out_dir`; return the release id and its row counts per table."""
    import pyarrow.parquet as pq

    out = Path(out_dir)
    clean_stale_temporaries(out)
    new_rows = {
        Path(name).stem: pq.read_metadata(src).num_rows
        for name, src in staged.items()
        if name.startswith("parquet/")
    }
    if not allow_shrink:
        check_shrink(parquet_rows(out / "parquet"), new_rows, max_loss)
    releases = out / RELEASES
    releases.mkdir(parents=True, exist_ok=True)
    existing = release_ids(releases)
    number = int(RELEASE_ID.match(existing[-1])["n"]) + 1 if existing else 1
    release_id = f"r{number:06d}"
    tmp = releases / f".{release_id}.tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    with _terminated_cleanly():
        try:
            for name, src in staged.items():
                copy_file(src, tmp / name)
            leftovers = [
                p.name for p in tmp.rglob("*") if p.name.endswith(".wal") or ".tmp-" in p.name
            ]
            if leftovers:
                raise TidyReviewError(
                    f"release {release_id} would hold temporary files {leftovers}"
                )
            _fsync(tmp / "parquet")
            _fsync(tmp)
            os.rename(tmp, releases / release_id)
            _fsync(releases)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    previous = current_release(out)
    _remove_wal(out)
    _symlink_atomically(f"{RELEASES}/{release_id}", out / CURRENT)
    _fsync(out)
    ensure_stable_links(out)
    _remove_wal(out)
    keep = {release_id, previous}
    for old in release_ids(releases):
        if old not in keep:
            shutil.rmtree(releases / old, ignore_errors=True)
    return release_id, new_rows
