"""Stored times are UTC. PostgreSQL returns them aware; SQLite returns them naive."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """A stored time as an aware UTC datetime, whichever database it came from."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
