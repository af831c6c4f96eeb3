"""Ids in addresses: only numbers the database can hold.

Every table's id is an ``Integer`` column: a signed 32-bit integer on PostgreSQL (SQLite's
INTEGER holds more, but the same limit keeps both databases alike).
Werkzeug's ``int`` converter takes any number of digits, and a larger one reached the database
driver, which refused it with an error page (500) instead of "not found". The app registers
``DatabaseIdConverter`` as its ``int`` converter, so every ``<int:...>`` route answers 404 for
such an address without its view running; ``database_id`` does the same for an id read from a
query string or a form.
"""

from __future__ import annotations

from typing import Any

from werkzeug.routing import IntegerConverter, Map

DATABASE_ID_MAX = 2**31 - 1


class DatabaseIdConverter(IntegerConverter):
    """``<int:...>`` limited to 0..DATABASE_ID_MAX; a larger number matches no route (404)."""

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:  # noqa: A002 - werkzeug's name
        kwargs.setdefault("max", DATABASE_ID_MAX)
        super().__init__(map, *args, **kwargs)


def database_id(value: str) -> int:
    """An id from a query string or form (``request.args.get(name, type=database_id)``):
    ValueError, so the default, for anything that is not a number the database can hold."""
    number = int(value)
    if not 0 <= number <= DATABASE_ID_MAX:
        raise ValueError(f"{value!r} is not a database id")
    return number
