"""The dashboard as CSV: one line per figure, suppressed figures as "fewer than 5" (never the
number, nor the size of their group)."""

from __future__ import annotations

import csv
import io

from mentormatch.services.dashboard.report import Dashboard

HEADER = ("section", "table", "group", "measure", "value", "people or pairs")


def as_csv(board: Dashboard) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(("programmes", "; ".join(p.name for p in board.programmes)))
    writer.writerow(("as of", board.scope.today.isoformat()))
    writer.writerow(("only verified results", "yes" if board.scope.only_verified else "no"))
    writer.writerow(())
    writer.writerow(HEADER)
    for section in board.sections:
        for row in section.headlines:
            writer.writerow((section.title, "headline", row.label, _measure(row.figure),
                             row.figure.csv_value, row.figure.csv_group))  # fmt: skip
        for table in section.tables:
            for row in table.rows:
                writer.writerow((section.title, table.title, row.label, table.measure,
                                 row.figure.csv_value, row.figure.csv_group))  # fmt: skip
    return out.getvalue()


def _measure(figure) -> str:
    return "percent" if figure.count is not None else figure.unit or "count"
