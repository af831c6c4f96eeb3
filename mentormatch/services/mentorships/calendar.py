"""The Match calendar (shared/domain.md, "The calendar"): residency applications open in June
and are sent by the end of September, the rank list opens mid-January, Match Day falls in the
third week of March (on its Friday), training starts in July.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

# Applications for Match year Y go out by the end of September of Y - 1: after that the next
# cycle one can still apply in is Y + 1.
APPLICATIONS_CLOSE = (9, 30)


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (the month's last day when it is shorter)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def match_day(year: int) -> date:
    """Match Day: the Friday of the third week of March."""
    first = date(year, 3, 1)
    first_friday = first + timedelta(days=(4 - first.weekday()) % 7)
    return first_friday + timedelta(weeks=2)


def next_match_year(today: date) -> int:
    """The Match one can still apply for: next year's until applications close at the end
    of September, the one after from October."""
    if (today.month, today.day) <= APPLICATIONS_CLOSE:
        return today.year + 1
    return today.year + 2
