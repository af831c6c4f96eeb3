"""Where numba keeps the engine's compiled kernels: a folder the running process can write.

Imported by the engine package before any kernel is decorated, because numba picks a
function's cache folder when the function is decorated. Without this, numba writes beside
the source files, which a deployed, read-only package does not allow, and every fresh
process compiles the kernels again (about a minute on two cores).

Order: MENTORMATCH_ENGINE_CACHE_DIR, NUMBA_CACHE_DIR, $XDG_CACHE_HOME/mentormatch/engine,
~/.cache/mentormatch/engine; the first that can be written, else a folder under the system's
temporary directory.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

import numba

ENV_VAR = "MENTORMATCH_ENGINE_CACHE_DIR"


def _candidates() -> list[Path]:
    found = [os.environ.get(ENV_VAR), os.environ.get("NUMBA_CACHE_DIR")]
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg:
        found.append(str(Path(xdg) / "mentormatch" / "engine"))
    with contextlib.suppress(RuntimeError):  # no home directory (a service account)
        found.append(str(Path.home() / ".cache" / "mentormatch" / "engine"))
    found.append(str(Path(tempfile.gettempdir()) / f"mentormatch-engine-{os.getuid()}"))
    return [Path(path) for path in found if path]


def _writable(folder: Path) -> bool:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder):
            return True
    except OSError:
        return False


def choose_cache_dir() -> Path:
    for folder in _candidates():
        if _writable(folder):
            return folder
    raise RuntimeError(f"No writable folder for the engine's compiled kernels: set {ENV_VAR}.")


CACHE_DIR = choose_cache_dir()
numba.config.CACHE_DIR = str(CACHE_DIR)
