"""Files of the user: where they live, and atomic writes (a temporary file beside the target, renamed into place)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

_UMASK = os.umask(0o022)
os.umask(_UMASK)
_CHUNK_BYTES = 1 << 20


def user_data_dir() -> Path:
    """borderline's folder of the user's own data: $BORDERLINE_HOME, else $XDG_DATA_HOME/borderline
    (by default ~/.local/share/borderline)."""
    home = os.environ.get("BORDERLINE_HOME")
    if home:
        return Path(home)
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "borderline"


def _write_chunks(f, data: bytes) -> None:
    # In chunks, so a full disk shows up part-way through a large file as it would on a real disk.
    view = memoryview(data)
    for start in range(0, len(view), _CHUNK_BYTES):
        f.write(view[start:start + _CHUNK_BYTES])


def write_atomic(path: str | Path, data: bytes | str) -> Path:
    """Write ``data`` (bytes, or text as UTF-8) to ``path`` atomically and return the path.

    A crash or interruption leaves either the old file or the new one, never a
    half-written file; the temporary file is removed on any error (OSError is re-raised).
    """
    path = Path(path)
    blob = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            _write_chunks(f, blob)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes files private; these are ordinary files
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
