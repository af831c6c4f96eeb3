"""Blueprint-wide role checks, so that no route can forget one."""

from __future__ import annotations

from flask import Blueprint, abort
from flask_login import current_user

from mentormatch.extensions import login_manager


def require_role(blueprint: Blueprint, *roles: str) -> None:
    """Before each request of ``blueprint``: anonymous -> log in; other roles -> 403."""

    @blueprint.before_request
    def _check_role():
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if current_user.role not in roles:
            abort(403)
        return None
