"""Files the app writes in the instance folder are private: 0600 files in a 0700 folder.

The umask is set for the whole server process (and every `flask` command) so the SQLite database,
its -wal/-shm files, a restored database and every key file are created owner-only; the daily
check reports anything looser that found its way in (a file copied in by hand, an old install).
"""
import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path

UMASK = 0o077


def secure_umask() -> None:
    os.umask(UMASK)


def private_folder(path: str) -> None:
    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True)
    if stat.S_IMODE(folder.stat().st_mode) & 0o077:
        folder.chmod(0o700)


def read_or_create(path: Path, make: Callable[[], str]) -> str:
    """Read a private instance file, creating it once with make() when it is not there yet.

    Several processes may start at once on a new instance (two `flask mailbox poll` runs, the
    server's workers): each writes its value under a temporary name and links it into place.
    os.link fails when another process got there first, and then that process's file is read, so
    every process ends with the same value and nobody ever reads a half-written file.
    """
    path = Path(path)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")  # 0600
        try:
            with os.fdopen(fd, "w") as fh:
                fh.write(make())
                fh.flush()
                os.fsync(fh.fileno())
            try:
                os.link(temporary, path)
            except FileExistsError:
                pass                                # another process's file won; it is read below
        finally:
            os.unlink(temporary)
    return path.read_text().strip()


def loose_modes(path: str) -> list[str]:
    """Paths in the instance folder that group or others may read, write or enter."""
    folder = Path(path)
    found = []
    if folder.exists() and stat.S_IMODE(folder.stat().st_mode) & 0o077:
        found.append(f"{folder} ({oct(stat.S_IMODE(folder.stat().st_mode))}, seharusnya 0o700)")
    for item in sorted(folder.rglob("*")) if folder.exists() else []:
        mode = stat.S_IMODE(item.lstat().st_mode)
        if item.is_symlink():
            continue
        if mode & 0o077:
            want = "0o700" if item.is_dir() else "0o600"
            found.append(f"{item.relative_to(folder)} ({oct(mode)}, seharusnya {want})")
    return found
