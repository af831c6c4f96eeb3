"""Where to send a person after logging in, without an open redirect."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import url_for

from mentormatch.models import Role

ROLE_HOME = {
    Role.MENTEE.value: "mentee.home",
    Role.MENTOR.value: "mentor.home",
    Role.COORDINATOR.value: "coordinator.home",
}


def is_safe_next(target: str | None) -> bool:
    """Only a path on this site: no scheme, no host, no '//' or backslash tricks."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return False
    if "\\" in target or any(ord(ch) < 32 for ch in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def home_url(role: str) -> str:
    return url_for(ROLE_HOME.get(role, "main.index"))
