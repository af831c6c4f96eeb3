"""One page of a long list (the directory, the audit log, a round's pairs), and how to get it.

A page number past the end shows the last page, and one below 1 the first, so a link that
outlived a shorter list still lands somewhere useful.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, select

from mentormatch.extensions import db

PER_PAGE = 50

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    items: Sequence[T]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int | None:
        return self.page - 1 if self.has_prev else None

    @property
    def next_num(self) -> int | None:
        return self.page + 1 if self.has_next else None


def _count_and_clamp(statement: Select, page: int, per_page: int) -> tuple[int, int, Select]:
    total = db.session.scalar(
        select(func.count()).select_from(statement.order_by(None).subquery())
    )
    total = total or 0
    page = max(1, min(page, max(1, math.ceil(total / per_page))))
    return total, page, statement.limit(per_page).offset((page - 1) * per_page)


def paginate(statement: Select, page: int, per_page: int = PER_PAGE) -> Page[Any]:
    """A page of a query that selects one model: its instances, in the query's order."""
    total, page, limited = _count_and_clamp(statement, page, per_page)
    return Page(db.session.scalars(limited).unique().all(), total, page, per_page)


def paginate_rows(statement: Select, page: int, per_page: int = PER_PAGE) -> Page[Any]:
    """A page of a query that selects several things: its rows (tuples), in the query's order."""
    total, page, limited = _count_and_clamp(statement, page, per_page)
    return Page(db.session.execute(limited).all(), total, page, per_page)
