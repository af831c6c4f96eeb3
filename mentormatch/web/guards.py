"""Blueprint-wide access checks, so that no route can forget one."""

from __future__ import annotations

from flask import Blueprint, abort
from flask_login import current_user

from mentormatch.extensions import login_manager


def require_sign_in(blueprint: Blueprint) -> None:
    """Before each request of ``blueprint``: anonymous -> log in."""

    @blueprint.before_request
    def _check_signed_in():
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        return None


def require_role(blueprint: Blueprint, *roles: str) -> None:
    """Before each request of ``blueprint``: anonymous -> log in; other roles -> 403."""
    require_sign_in(blueprint)  # runs first, and its answer ends the request

    @blueprint.before_request
    def _check_role() -> None:
        if current_user.role not in roles:
            abort(403)
