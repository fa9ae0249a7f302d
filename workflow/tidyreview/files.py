"""Atomic file writes: a published file is either the old one or the new one, never half.

Kept free of heavy imports so the publishing rule starts fast.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path


def atomic_path(path: str | Path) -> Path:
    """Return the temporary sibling a file is written to before its rename."""
    path = Path(path)
    return path.with_name(f".{path.name}.tmp-{os.getpid()}")


def replace_atomically(tmp: Path, final: str | Path) -> None:
    Path(final).parent.mkdir(parents=True, exist_ok=True)
    os.replace(tmp, final)


def write_text_atomically(path: str | Path, text: str) -> None:
    tmp = atomic_path(path)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    tmp.write_text(text, encoding="utf-8")
    replace_atomically(tmp, path)


def write_text_if_changed(path: str | Path, text: str) -> bool:
    """Write `text` to `path` (atomically) unless it already holds it: its modification
    time then says when the content last changed. Return whether it was written."""
    path = Path(path)
    try:
        if path.read_text(encoding="utf-8") == text:
            return False
    except (FileNotFoundError, UnicodeDecodeError):
        pass
    write_text_atomically(path, text)
    return True


def copy_atomically(src: str | Path, dst: str | Path) -> None:
    """Copy a file so that `dst` is either the old or the new file, never half of one."""
    tmp = atomic_path(dst)
    Path(dst).parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, tmp)
    replace_atomically(tmp, dst)
