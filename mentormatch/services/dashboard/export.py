"""The dashboard as CSV: one line per figure, suppressed figures as "fewer than 5" (never the
number, nor the size of their group). A cell a spreadsheet would run as a formula (a programme
named "=..." by a coordinator) gets a leading apostrophe, as in the profiles' export."""

from __future__ import annotations

import csv
import io

from mentormatch.services.csv_profiles.columns import neutralise
from mentormatch.services.dashboard.report import Dashboard

HEADER = ("section", "table", "group", "measure", "value", "people or pairs")


def rows(board: Dashboard) -> list[tuple[object, ...]]:
    """The CSV's lines: what it covers, then one line per figure."""
    lines: list[tuple[object, ...]] = [
        ("programmes", "; ".join(p.name for p in board.programmes)),
        ("as of", board.scope.today.isoformat()),
        ("only verified results", "yes" if board.scope.only_verified else "no"),
        (),
        HEADER,
    ]
    for section in board.sections:
        for row in section.headlines:
            lines.append((section.title, "headline", row.label, _measure(row.figure),
                          row.figure.csv_value, row.figure.csv_group))  # fmt: skip
        for table in section.tables:
            for row in table.rows:
                lines.append((section.title, table.title, table.row_label(row), table.measure,
                              row.figure.csv_value, row.figure.csv_group))  # fmt: skip
    return lines


def as_csv(board: Dashboard) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    for line in rows(board):
        writer.writerow([neutralise(str(cell)) for cell in line])
    return out.getvalue()


def _measure(figure) -> str:
    return "percent" if figure.count is not None else figure.unit or "count"
