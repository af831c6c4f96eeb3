"""Time zones: each person's (an IANA name such as America/New_York, checked with zoneinfo),
and every stored UTC moment shown in the viewer's zone.

A person without a time zone sees times in UTC, and is told so.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from mentormatch.extensions import db
from mentormatch.models import User
from mentormatch.models.times import as_utc
from mentormatch.services.errors import NotFound, ValidationError

FIELD = "time_zone"
DEFAULT_ZONE = "UTC"
NAME_MAX = 64


@cache
def names() -> tuple[str, ...]:
    """Every IANA zone name this system knows, UTC first, then alphabetically (the old
    'posix/' and 'right/' copies and bare abbreviations left out)."""
    zones = {
        name
        for name in available_timezones()
        if "/" in name and not name.startswith(("posix/", "right/", "Etc/", "SystemV/"))
    }
    return (DEFAULT_ZONE, *sorted(zones))


def label(name: str, now: datetime | None = None) -> str:
    """'America/New York (UTC−05:00)': the name as people read it and its offset now."""
    offset = (now or datetime.now(UTC)).astimezone(ZoneInfo(name)).utcoffset() or timedelta()
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "−"
    hours, rest = divmod(abs(minutes), 60)
    return f"{name.replace('_', ' ')} (UTC{sign}{hours:02d}:{rest:02d})"


# Labelling ~600 zones costs ~25 ms of CPU, and every page with a time-zone field asked for
# them (the load test's account and meeting pages): the labels are made once per quarter hour
# (clocks change on a quarter hour in every zone) and shared.
LABELS_FOR_MINUTES = 15


@cache
def _labelled(bucket: datetime) -> tuple[tuple[str, str], ...]:
    return tuple((name, label(name, bucket)) for name in names())


def choices(blank: str | None = None, now: datetime | None = None) -> list[tuple[str, str]]:
    """Every zone with its label, offsets as of the current quarter hour."""
    now = (now or datetime.now(UTC)).astimezone(UTC)
    bucket = now.replace(minute=now.minute - now.minute % LABELS_FOR_MINUTES, second=0,
                         microsecond=0)  # fmt: skip
    if _labelled.cache_info().currsize > 4:  # only the current quarter's labels are needed
        _labelled.cache_clear()
    options = list(_labelled(bucket))
    return ([("", blank)] if blank is not None else []) + options


def problem(name: str | None, *, required: bool) -> str | None:
    """What is wrong with ``name`` as a time zone, or None."""
    name = (name or "").strip()
    if not name:
        return "Choose a time zone." if required else None
    if len(name) > NAME_MAX or name not in names():
        return (
            f"'{name[:NAME_MAX]}' is not a time zone we know; choose one from the list "
            "(a region and city, such as America/New_York or Asia/Kolkata)."
        )
    return None


def parse(name: str | None, *, required: bool = True, field: str = FIELD) -> str | None:
    """The IANA name (None for an optional one left empty); ValidationError on ``field``."""
    message = problem(name, required=required)
    if message:
        raise ValidationError.single(field, message)
    return (name or "").strip() or None


def zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or DEFAULT_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_ZONE)


def zone_name_of(user: User | None) -> str:
    """The zone a person sees times in (UTC when they have not chosen one)."""
    return getattr(user, "time_zone", None) or DEFAULT_ZONE


def in_zone(moment: datetime, name: str | None) -> datetime:
    """A stored moment (aware, or naive UTC from SQLite) in the zone ``name``."""
    return as_utc(moment).astimezone(zone(name))


def _abbreviation(local: datetime) -> str:
    """'EST', or 'UTC+04' where the zone has no letters for itself."""
    text = local.strftime("%Z")
    if not text or text[0] in "+-":
        offset = local.utcoffset() or timedelta()
        minutes = int(offset.total_seconds() // 60)
        hours, rest = divmod(abs(minutes), 60)
        sign = "+" if minutes >= 0 else "−"
        text = f"UTC{sign}{hours:02d}" + (f":{rest:02d}" if rest else "")
    return text


def format_local(moment: datetime | None, zone_name: str | None, style: str = "long") -> str:
    """How a moment reads in a zone: 'Thu 14 Jan 2027, 09:30 EST' (long), '14 Jan 2027'
    (date), '09:30' (time), '09:30 EST' (time_zone)."""
    if moment is None:
        return "—"
    local = in_zone(moment, zone_name)
    day = f"{local.strftime('%a')} {local.day} {local.strftime('%b %Y')}"
    clock = local.strftime("%H:%M")
    if style == "date":
        return f"{local.day} {local.strftime('%b %Y')}"
    if style == "time":
        return clock
    if style == "time_zone":
        return f"{clock} {_abbreviation(local)}"
    return f"{day}, {clock} {_abbreviation(local)}"


def local(moment: datetime | None, viewer: User | None, style: str = "long") -> str:
    """The Jinja filter ``local``: ``{{ meeting.starts_at | local(current_user) }}``."""
    return format_local(moment, zone_name_of(viewer), style)


def set_time_zone(user_id: int, name: str | None) -> User:
    """Save a person's time zone (empty: back to UTC)."""
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(f"No user {user_id}.")
    user.time_zone = parse(name, required=False)
    db.session.commit()
    return user
