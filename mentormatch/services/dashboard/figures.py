"""The figures a dashboard shows, and the one rule they all follow: a figure about a group of
fewer than ``MIN_GROUP`` people (or pairs) is suppressed, shown as "fewer than 5" and never as
the number, on pages, charts and in the CSV.

Each figure knows the size of its group (``group``): a rate's denominator, a mean's or median's
count. ``suppress_complement`` adds the second suppression a breakdown needs: when a breakdown
hides exactly one group and its total is shown elsewhere, the hidden group could be worked out
by subtraction, so the next smallest group is hidden too.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

MIN_GROUP = 5
SUPPRESSED_TEXT = f"fewer than {MIN_GROUP}"


@dataclass(frozen=True)
class Figure:
    """A number about a group: a rate (``count`` of ``group``) or a value (a mean, a median)."""

    group: int  # people or pairs the figure is about
    count: int | None = None  # a rate's numerator
    value: float | None = None  # a mean or median (None for a rate)
    unit: str = ""  # "months", "meetings per pair"
    hidden: bool = False  # hidden by the second suppression

    @property
    def suppressed(self) -> bool:
        return self.hidden or self.group < MIN_GROUP

    @property
    def fraction(self) -> float | None:
        """The shown number: a rate in [0, 1] or the value; None when suppressed or empty."""
        if self.suppressed or self.group == 0:
            return None
        if self.count is not None:
            return self.count / self.group
        return self.value

    @property
    def text(self) -> str:
        if self.suppressed:
            return SUPPRESSED_TEXT
        number = self.fraction
        if number is None:
            return "none"
        if self.count is not None:
            return f"{number * 100:.0f}% of {self.group}"
        if isinstance(number, int):
            return f"{number} {self.unit}".strip()
        return f"{number:.1f} {self.unit}".strip()

    @property
    def csv_value(self) -> str:
        """The number alone for the CSV (a rate as a percentage, one decimal)."""
        if self.suppressed:
            return SUPPRESSED_TEXT
        number = self.fraction
        if number is None:
            return ""
        if self.count is not None:
            return f"{number * 100:.1f}"
        return str(number) if isinstance(number, int) else f"{number:.1f}"

    @property
    def csv_group(self) -> str:
        return SUPPRESSED_TEXT if self.suppressed else str(self.group)


def rate(count: int, group: int) -> Figure:
    return Figure(group=group, count=count)


def headcount(people: int) -> Figure:
    """How many people a group holds (itself suppressed below five)."""
    return Figure(group=people, value=people)


@dataclass(frozen=True)
class Row:
    label: str
    figure: Figure
    series: str = ""  # in a stacked table: which part of the group (a key of Table.series)


@dataclass(frozen=True)
class Table:
    """One breakdown: a figure per group (``measure`` names what the figure is)."""

    key: str  # stable, for the CSV
    title: str
    measure: str
    rows: list[Row]
    # "rates" (bars in [0, 1]), "values" (bars scaled to the largest), "scores" (bars from 0
    # to 5), "months" (columns), "stacked" (a column per group, its parts stacked: rows of
    # one label share a group and differ in ``series``)
    chart: str = "rates"
    note: str = ""
    series: tuple[tuple[str, str], ...] = ()  # a stacked table's parts: (key, label), in order
    counted: str = "mentees"  # what its groups count, for "no group has 5 or more ..."

    def series_label(self, key: str) -> str:
        return dict(self.series).get(key, key)

    def row_label(self, row: Row) -> str:
        """The row's label with its part, for one line of the CSV."""
        return f"{row.label}: {self.series_label(row.series)}" if row.series else row.label

    def stacks(self) -> list[tuple[str, list[Row]]]:
        """A stacked table's groups in order, each with its rows in ``series`` order."""
        groups: dict[str, dict[str, Row]] = {}
        for row in self.rows:
            groups.setdefault(row.label, {})[row.series] = row
        order = [key for key, _ in self.series]
        return [
            (label, [parts[key] for key in order if key in parts])
            for label, parts in groups.items()
        ]


@dataclass(frozen=True)
class Section:
    """A part of the dashboard: its tables, headline figures and words."""

    key: str
    title: str
    explanation: str
    tables: list[Table] = field(default_factory=list)
    headlines: list[Row] = field(default_factory=list)
    # what the section cannot show yet, in words (never a made-up figure)
    missing: str = ""


def suppress_complement(rows: list[Row]) -> list[Row]:
    """Hide the next smallest group when exactly one group of a breakdown is suppressed."""
    hidden = [row for row in rows if row.figure.suppressed]
    shown = [row for row in rows if not row.figure.suppressed]
    if len(hidden) != 1 or not shown:
        return rows
    smallest = min(shown, key=lambda row: (row.figure.group, row.label))
    return [
        Row(row.label, replace(row.figure, hidden=True)) if row is smallest else row
        for row in rows
    ]
