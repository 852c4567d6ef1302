r"""Reading the cells of a file: CSV and TSV text, Excel and OpenDocument workbooks.

Files are read within limits (:mod:`winset.limits`): a file over the size limit, a device, a
folder or a binary file is refused with one line before anything is parsed.

Text files are decoded as UTF-8 (with or without a byte order mark); failing that, as
Windows-1252, the code page Excel uses in Western Europe, with a notice. The separator is the one
of ``,``, ``;``, tab and ``|`` that splits the first lines into the same number of cells; in a
``;``-separated file, numbers with a decimal comma (``1,5`` or ``1.234,5``) are read as such,
with a notice. Old Mac line ends (``\\r``) are read too.

Workbooks: ``.xlsx``/``.xlsm`` (openpyxl) and ``.ods`` (needs the ``ods`` extra); percent-formatted
cells are read as percentages; an Excel 97-2003 ``.xls`` file is refused with the fix (save it
as ``.xlsx``).
"""

from __future__ import annotations

import csv
import io
import os
import stat
from collections import Counter
from pathlib import Path

from winset.errors import InputError, Problem
from winset.limits import limit, over_limit
from winset.scenario.tables import Cell, Grid, Numbers

__all__ = ["Workbook", "csv_grid", "read_bytes", "read_text", "read_workbook"]

MAX_COLUMNS = 1_000
EMPTY_ROWS_STOP = 1_000  # a workbook is read until this many empty rows in a row


def read_bytes(path: Path) -> bytes:
    """A file's bytes, refusing what is not a regular file or is over the size limit."""
    source = str(path)
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise InputError(Problem(source, "", "no such file")) from None
    except OSError as exc:
        raise InputError(Problem(source, "", f"cannot be read ({exc.strerror})")) from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError(Problem(source, "", "is a folder, not a scenario file"))
    if not stat.S_ISREG(info.st_mode):
        raise InputError(Problem(source, "", "is not a regular file (a device or a pipe?)"))
    most = limit("WINSET_MAX_FILE_MB") * 1_000_000
    if info.st_size > most:
        raise over_limit(source, "", f"the file has {info.st_size:,} bytes", "WINSET_MAX_FILE_MB")
    try:
        with open(path, "rb") as handle:
            raw = handle.read(most + 1)
    except OSError as exc:
        raise InputError(Problem(source, "", f"cannot be read ({exc.strerror})")) from None
    if len(raw) > most:
        raise over_limit(source, "", "the file is larger than allowed", "WINSET_MAX_FILE_MB")
    return raw


def read_text(raw: bytes, source: str, notices: list[str]) -> str:
    """Decode a text file: UTF-8, else Windows-1252 (with a notice); refuse binary files."""
    if b"\x00" in raw[:4096]:
        raise InputError(Problem(source, "", "is a binary file, not a scenario or a table"))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("cp1252")
            notices.append("read as Windows-1252 text (it is not UTF-8)")
        except UnicodeDecodeError:
            text = raw.decode("latin-1")
            notices.append("read as Latin-1 text (it is not UTF-8)")
    if not text.strip():
        raise InputError(Problem(source, "", "the file is empty"))
    return text


def _split(lines: list[str], delimiter: str) -> list[list[str]]:
    try:
        return list(csv.reader(lines, delimiter=delimiter))
    except csv.Error:
        return []


def _delimiter(text: str) -> str:
    """The separator that splits the first lines into the same number (> 1) of cells."""
    sample = [line for line in text.splitlines()[:40] if line.strip()][:20]
    best, score = ",", -1
    for delimiter in ("\t", ";", ",", "|"):
        counts = Counter(len(row) for row in _split(sample, delimiter))
        counts.pop(1, None)
        if not counts:
            continue
        width, rows = counts.most_common(1)[0]
        if rows * 100 + width > score:
            best, score = delimiter, rows * 100 + width
    return best


def csv_grid(text: str, source: str, how: Numbers, notices: list[str]) -> Grid:
    """The cells of CSV/TSV text (as strings), with the separator and number style found."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    delimiter = _delimiter(text)
    try:
        rows: Grid = [list(r) for r in csv.reader(io.StringIO(text), delimiter=delimiter)]
    except csv.Error as exc:
        why = str(exc)
        if "field larger" in why:
            why = f"a cell is longer than {csv.field_size_limit():,} characters"
        raise InputError(Problem(source, "", f"cannot be read as a table ({why})")) from None
    cells = sum(len(r) for r in rows)
    if cells > limit("WINSET_MAX_TABLE_CELLS"):
        raise over_limit(source, "", f"the table has {cells:,} cells", "WINSET_MAX_TABLE_CELLS")
    if delimiter == ";":
        decimals = sum(
            1 for row in rows for c in row if isinstance(c, str) and _decimal_comma(c.strip())
        )
        if decimals:
            how.decimal_comma = True
            notices.append("read as ';'-separated with decimal commas (as European Excel saves)")
    elif delimiter != ",":
        names = {"\t": "tab", "|": "'|'"}
        notices.append(f"read as {names[delimiter]}-separated")
    return rows


def _decimal_comma(text: str) -> bool:
    if "," not in text:
        return False
    body = text.lstrip("+-").rstrip("%")
    whole, _, frac = body.rpartition(",")
    return bool(frac.isdigit() and whole.replace(".", "").isdigit())


class Workbook:
    """The sheets of a workbook by name, as grids."""

    def __init__(self, sheets: dict[str, Grid]) -> None:
        self.sheets = sheets

    def find(self, name: str) -> tuple[str, Grid] | None:
        """The sheet called ``name`` (any case), or None."""
        for title, grid in self.sheets.items():
            if title.strip().lower() == name.strip().lower():
                return title, grid
        return None


def _cell(value: object, number_format: str | None) -> Cell:
    if value is None:
        return None
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        if number_format and "%" in number_format:
            return f"{round(float(value) * 100, 10):g}%"
        return float(value)
    text = str(value)
    return text if len(text) <= 100_000 else text[:100_000]


def read_workbook(path: Path, notices: list[str]) -> Workbook:
    """Every sheet of an ``.xlsx``/``.xlsm`` or ``.ods`` workbook, within the limits."""
    source = str(path)
    suffix = path.suffix.lower()
    raw = io.BytesIO(read_bytes(path))  # size and kind checks; what is checked is what is read
    if suffix == ".ods":
        return _read_ods(raw, source)
    from openpyxl import load_workbook

    try:
        book = load_workbook(raw, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many unrelated types for broken files
        raise InputError(Problem(source, "", "is not a readable .xlsx workbook")) from None
    sheets: dict[str, Grid] = {}
    budget = limit("WINSET_MAX_TABLE_CELLS")
    try:
        for ws in book.worksheets:
            grid: Grid = []
            empty = 0
            max_col = min(ws.max_column or 1, MAX_COLUMNS)
            if (ws.max_column or 0) > MAX_COLUMNS:
                notices.append(
                    f"sheet {ws.title!r}: only the first {MAX_COLUMNS:,} columns were read"
                )
            for row in ws.iter_rows(max_col=max_col):
                cells = [_cell(c.value, getattr(c, "number_format", None)) for c in row]
                while cells and cells[-1] in (None, ""):
                    cells.pop()
                if not cells:
                    empty += 1
                    if empty >= EMPTY_ROWS_STOP:
                        notices.append(
                            f"sheet {ws.title!r}: stopped at row {len(grid) + 1:,} after "
                            f"{EMPTY_ROWS_STOP:,} empty rows"
                        )
                        break
                    grid.append([])
                    continue
                empty = 0
                grid.append(cells)
                budget -= len(cells)
                if budget < 0:
                    raise over_limit(
                        source, "", "the workbook has too many cells", "WINSET_MAX_TABLE_CELLS"
                    )
            while grid and not grid[-1]:
                grid.pop()
            sheets[str(ws.title)] = grid
    finally:
        book.close()
    return Workbook(sheets)


def _read_ods(raw: io.BytesIO, source: str) -> Workbook:
    try:
        import odf  # noqa: F401
    except ImportError:
        raise InputError(
            Problem(
                source,
                "",
                "reading .ods needs the ods extra (pip install 'winset[ods]'); or save the "
                "file as .xlsx",
            )
        ) from None
    import pandas as pd

    try:
        frames = pd.read_excel(raw, sheet_name=None, header=None, engine="odf", dtype=object)
    except Exception:  # odfpy and pandas raise many types for broken files
        raise InputError(Problem(source, "", "is not a readable .ods workbook")) from None
    sheets: dict[str, Grid] = {}
    for name, frame in frames.items():
        grid: Grid = []
        for row in frame.itertuples(index=False):
            cells: list[Cell] = [
                None if (isinstance(v, float) and v != v) else _cell(v, None) for v in row
            ]
            while cells and cells[-1] in (None, ""):
                cells.pop()
            grid.append(cells)
        sheets[str(name)] = grid
    return Workbook(sheets)
