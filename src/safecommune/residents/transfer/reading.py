"""Rows of an uploaded CSV or XLSX file with their line numbers (the header is line 1).

CSV must be UTF-8 (a byte-order mark is allowed). Another encoding is refused with the line
where it shows: a legacy Windows code page (Windows-1258 or Windows-1252) or UTF-16.
"""

from __future__ import annotations

import csv
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

from django.utils.translation import gettext as _

from safecommune.core.errors import DomainError

FORMATS = ("csv", "xlsx")
# Progress is reported every this many rows.
PROGRESS_EVERY = 2000


class FileRefused(DomainError):
    """The file cannot be read at all (wrong encoding, not a spreadsheet)."""

    status_code = 422

    def __init__(self, message: str, *, line: int | None = None, rule: str = "encoding"):
        super().__init__(message, field="file", rule=rule)
        self.line = line


def file_format(name: str) -> str:
    suffix = Path(name or "").suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise DomainError(_("Upload a .csv or .xlsx file."), field="file", rule="format")
    return suffix


def _utf16_refusal(line: int) -> FileRefused:
    return FileRefused(_("The file is in UTF-16, not UTF-8 (line %(line)d). Save it as “CSV "
                         "UTF-8” and upload it again.") % {"line": line}, line=line)


def _decoded_lines(path: Path, progress: Callable[[int], None] | None) -> Iterator[str]:
    """Physical lines as text, each decoded on its own so a wrong byte names its line."""
    with open(path, "rb") as handle:
        head = handle.read(4)
        if head.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise _utf16_refusal(1)
        handle.seek(3 if head.startswith(b"\xef\xbb\xbf") else 0)
        done = handle.tell()
        for number, raw in enumerate(handle, start=1):
            done += len(raw)
            if b"\x00" in raw:
                raise _utf16_refusal(number)
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise FileRefused(_(
                    "Line %(line)d is not UTF-8 text (byte 0x%(byte)02X at position "
                    "%(column)d): the file looks saved in a legacy Windows encoding such as "
                    "Windows-1258 or Windows-1252. Save it as “CSV UTF-8” and upload it again.")
                    % {"line": number, "byte": raw[exc.start], "column": exc.start + 1},
                    line=number) from None
            if progress is not None and number % PROGRESS_EVERY == 0:
                progress(done)
            yield text
        if progress is not None:
            progress(done)


def csv_rows(path: Path, *, progress: Callable[[int], None] | None = None
             ) -> Iterator[tuple[int, list[str]]]:
    """(line number where the record starts, cells); commas or semicolons."""
    lines = _decoded_lines(path, progress)
    first = next(lines, None)
    if first is None:
        return
    delimiter = ";" if first.count(";") > first.count(",") else ","

    def all_lines():
        yield first
        yield from lines

    reader = csv.reader(all_lines(), delimiter=delimiter)
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise FileRefused(_("Line %(line)d cannot be read as CSV: %(error)s.")
                              % {"line": start, "error": exc}, line=start, rule="csv") from None
        if any(cell.strip() for cell in cells):
            yield start, cells


def xlsx_rows(path: Path, *, progress: Callable[[int], None] | None = None
              ) -> Iterator[tuple[int, tuple]]:
    """(row number, cell values) of the first sheet, read in read-only mode."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError):
        raise FileRefused(_("The file is not a readable XLSX workbook."), line=None,
                          rule="xlsx") from None
    try:
        sheet = workbook.worksheets[0]
        for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            if progress is not None and number % PROGRESS_EVERY == 0:
                progress(number)
            if any(cell not in (None, "") for cell in cells):
                yield number, cells
    except (zipfile.BadZipFile, KeyError, ValueError):
        raise FileRefused(_("The file is not a readable XLSX workbook."), line=None,
                          rule="xlsx") from None
    finally:
        workbook.close()


def xlsx_row_count(path: Path) -> int | None:
    """The sheet's declared number of rows, when the file gives it."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True)
        try:
            return workbook.worksheets[0].max_row
        finally:
            workbook.close()
    except Exception:  # noqa: BLE001 — only a hint for the progress bar
        return None


def rows_of(path: Path, fmt: str, *, progress: Callable[[int], None] | None = None):
    return (csv_rows if fmt == "csv" else xlsx_rows)(path, progress=progress)


def progress_total(path: Path, fmt: str) -> int | None:
    """What ``progress`` counts up to: bytes of a CSV, rows of an XLSX."""
    return path.stat().st_size if fmt == "csv" else xlsx_row_count(path)
