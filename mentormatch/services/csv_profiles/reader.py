"""Turning the bytes of an uploaded or given file into a header and rows of trimmed cells.

Spreadsheets save CSV in several ways. We read UTF-8 (with or without a byte order mark),
UTF-16 with its byte order mark (Excel's "Unicode text"), and Windows-1252 (Excel's plain
"CSV" on Windows in Western Europe and the Americas, which Latin-1 files also read as);
separated by commas, or by semicolons or tabs as some locales and "Unicode text" save them.
Any other input gets a message that says how to save the file properly.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Collection
from dataclasses import dataclass

from mentormatch.services.errors import ServiceError

DELIMITERS = (",", ";", "\t")
SAVE_AS_HINT = "In your spreadsheet choose Save as (or Download) > 'CSV UTF-8' and try again."
UTF8, UTF16, WINDOWS_1252 = "UTF-8", "UTF-16", "Windows-1252"
ENCODINGS = (UTF8, UTF16, WINDOWS_1252)  # what the import page says it reads


class UnreadableFile(ServiceError):
    """The file is not UTF-8 CSV text; the message says what to do."""


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]  # normalised column names, '' where a header cell is empty
    header_row: int
    rows: tuple[tuple[int, tuple[str, ...]], ...]  # (row number as a spreadsheet shows it, cells)
    encoding: str = UTF8


def column_key(name: str) -> str:
    """'Full name', 'full-name' and ' FULL_NAME ' all name the column full_name."""
    return "_".join(name.strip().lower().replace("-", " ").split())


def decode(data: bytes) -> tuple[str, str]:
    """The file's text and the name of the encoding it was read in."""
    if data.startswith(b"PK\x03\x04"):
        raise UnreadableFile(
            f"This is an Excel workbook (or another zip file), not CSV. {SAVE_AS_HINT}"
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), UTF16
        except UnicodeDecodeError:
            raise UnreadableFile(
                f"This file starts as UTF-16 ('Unicode text') but is not. {SAVE_AS_HINT}"
            ) from None
    if b"\x00" in data:
        raise UnreadableFile(f"This is not a text file (it contains binary data). {SAVE_AS_HINT}")
    try:
        return data.decode("utf-8-sig"), UTF8
    except UnicodeDecodeError as exc:
        utf8_error = exc
    try:
        return data.decode("cp1252"), WINDOWS_1252
    except UnicodeDecodeError:
        line = data[: utf8_error.start].count(b"\n") + 1
        raise UnreadableFile(
            f"This file is neither UTF-8 nor Windows-1252 text: line {line} has a character "
            f"saved in another encoding (byte 0x{data[utf8_error.start]:02x}). {SAVE_AS_HINT}"
        ) from None


def _pick_delimiter(first_line: str, known_columns: Collection[str]) -> str:
    """The separator that makes the most known column names out of the header line."""

    def known_count(delimiter: str) -> int:
        cells = next(csv.reader([first_line], delimiter=delimiter), [])
        return sum(column_key(cell) in known_columns for cell in cells)

    return max(DELIMITERS, key=known_count)  # ties go to the comma, listed first


def read_table(data: bytes, known_columns: Collection[str]) -> Table:
    text, encoding = decode(data)
    if not text.strip():
        raise UnreadableFile("The file is empty. The first row must name the columns.")
    first_line = text.lstrip("\r\n").splitlines()[0]
    reader = csv.reader(
        io.StringIO(text, newline=""),
        delimiter=_pick_delimiter(first_line, known_columns),
        strict=True,
    )
    records: list[tuple[int, tuple[str, ...]]] = []
    try:
        for number, record in enumerate(reader, start=1):
            records.append((number, tuple(cell.strip() for cell in record)))
    except csv.Error as exc:
        raise UnreadableFile(
            f"This is not a valid CSV file: row {len(records) + 1} cannot be read ({exc}). "
            'Check for a quote (") that is opened but never closed. ' + SAVE_AS_HINT
        ) from None
    while records and not any(records[0][1]):  # blank lines above the header
        records.pop(0)
    if not records:
        raise UnreadableFile("The file is empty. The first row must name the columns.")
    (header_row, header), *rows = records
    return Table(
        header=tuple(column_key(name) for name in header),
        header_row=header_row,
        rows=tuple((number, cells) for number, cells in rows if any(cells)),
        encoding=encoding,
    )
