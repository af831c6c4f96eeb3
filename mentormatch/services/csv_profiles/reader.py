"""Turning the bytes of an uploaded or given file into a header and rows of trimmed cells.

Spreadsheets save CSV in several ways; the ones we accept are UTF-8 with or without a byte
order mark, separated by commas (or by semicolons or tabs, as some locales save them). Any
other input gets a message that says how to save the file properly.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Collection
from dataclasses import dataclass

from mentormatch.services.errors import ServiceError

DELIMITERS = (",", ";", "\t")
SAVE_AS_HINT = "In your spreadsheet choose Save as (or Download) > 'CSV UTF-8' and try again."


class UnreadableFile(ServiceError):
    """The file is not UTF-8 CSV text; the message says what to do."""


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]  # normalised column names, '' where a header cell is empty
    header_row: int
    rows: tuple[tuple[int, tuple[str, ...]], ...]  # (row number as a spreadsheet shows it, cells)


def column_key(name: str) -> str:
    """'Full name', 'full-name' and ' FULL_NAME ' all name the column full_name."""
    return "_".join(name.strip().lower().replace("-", " ").split())


def decode(data: bytes) -> str:
    if data.startswith(b"PK\x03\x04"):
        raise UnreadableFile(
            f"This is an Excel workbook (or another zip file), not CSV. {SAVE_AS_HINT}"
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UnreadableFile(f"This file is UTF-16 ('Unicode text'), not UTF-8. {SAVE_AS_HINT}")
    if b"\x00" in data:
        raise UnreadableFile(f"This is not a text file (it contains binary data). {SAVE_AS_HINT}")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise UnreadableFile(
            f"This file is not UTF-8 text: line {line} has a character saved in another "
            f"encoding (byte 0x{data[exc.start]:02x}). {SAVE_AS_HINT}"
        ) from None


def _pick_delimiter(first_line: str, known_columns: Collection[str]) -> str:
    """The separator that makes the most known column names out of the header line."""

    def known_count(delimiter: str) -> int:
        cells = next(csv.reader([first_line], delimiter=delimiter), [])
        return sum(column_key(cell) in known_columns for cell in cells)

    return max(DELIMITERS, key=known_count)  # ties go to the comma, listed first


def read_table(data: bytes, known_columns: Collection[str]) -> Table:
    text = decode(data)
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
    )
