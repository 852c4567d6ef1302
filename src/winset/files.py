"""Writing files safely: completely or not at all, never through a link, only regular files.

Every file winset writes (reports, exports, converted scenarios) goes through
:func:`write_atomic`: the text is written to a temporary file made by ``mkstemp`` in the target's
folder, then renamed over the target. A target that exists and is not a regular file (a folder,
a device, a link) is refused, and every operating-system error becomes one clear line.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from winset.errors import InputError, Problem

__all__ = [
    "FORMULA_START",
    "check_target",
    "defuse",
    "defused",
    "write_atomic",
    "write_table",
]


def _refuse(path: Path, message: str) -> InputError:
    return InputError(Problem(str(path), "", message))


def check_target(path: str | Path) -> Path:
    """Refuse, before any work, a file that :func:`write_atomic` could not write.

    Its folder must exist and be writable, and the target, if it exists, a regular file.
    """
    path = Path(path)
    folder = path.parent
    if not folder.is_dir():
        raise _refuse(path, "its folder does not exist")
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise _refuse(path, f"cannot be written ({exc.strerror})") from None
    if info is not None and not stat.S_ISREG(info.st_mode):
        what = "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file"
        if stat.S_ISLNK(info.st_mode):
            what = "a symbolic link"
        raise _refuse(path, f"is {what}; give the name of a file to write")
    if not os.access(folder, os.W_OK):
        raise _refuse(path, "its folder cannot be written to")
    return path


def write_atomic(path: str | Path, data: str | bytes) -> None:
    """Write ``data`` (text as UTF-8, or bytes) to ``path`` completely or not at all.

    Parameters
    ----------
    path
        The file to write; its folder must exist.
    data
        The whole content.

    Raises
    ------
    InputError
        When the folder does not exist, the target is not a regular file, or the file cannot be
        written (permissions, a full disk); nothing is left behind.
    """
    path = check_target(path)
    folder = path.parent
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.name[:80]}.", suffix=".tmp")
    except OSError as exc:
        raise _refuse(path, f"cannot be written ({exc.strerror})") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise _refuse(path, f"cannot be written ({exc.strerror or exc})") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def check_table_target(path: str | Path) -> Path:
    """:func:`check_target`, and the name must end in ``.csv`` or ``.xlsx``."""
    path = Path(path)
    if path.suffix.lower() not in (".csv", ".xlsx"):
        raise _refuse(path, "write a .csv or an .xlsx file (give one of those names)")
    return check_target(path)


# what a spreadsheet reads as the start of a formula (OWASP's list for CSV injection)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def defuse(value: Any) -> Any:
    """Text a spreadsheet would run as a formula, with a leading apostrophe (shown as text)."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def defused(frame: Any) -> Any:
    """A copy of a pandas DataFrame with :func:`defuse` applied to its text columns."""
    frame = frame.copy()
    for col in frame.columns:
        if frame[col].dtype == object or str(frame[col].dtype).startswith(("string", "str")):
            frame[col] = frame[col].map(defuse)
    return frame


def write_table(path: str | Path, sheets: Mapping[str, Any]) -> None:
    """Write tables (pandas DataFrames by name): ``.csv`` the first, ``.xlsx`` a sheet each.

    Text that starts like a formula (:data:`FORMULA_START`) is written as text (:func:`defuse`).
    """
    path = check_table_target(path)
    frames = [(name, defused(frame)) for name, frame in sheets.items()]
    if path.suffix.lower() == ".csv":
        write_atomic(path, frames[0][1].to_csv(index=False))
        return
    import io

    import pandas as pd

    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        for name, frame in frames:
            frame.to_excel(writer, sheet_name=name[:31], index=False)
    write_atomic(path, buf.getvalue())
