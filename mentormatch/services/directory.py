"""Read-only views of the people in the programme."""

from __future__ import annotations

from sqlalchemy import func, select

from mentormatch.extensions import db
from mentormatch.models import Role, User


def count_by_role() -> dict[str, int]:
    rows = db.session.execute(select(User.role, func.count()).group_by(User.role)).all()
    counts = {role.value: 0 for role in Role}
    counts.update({role: count for role, count in rows})
    return counts


def list_by_role(role: str) -> list[User]:
    return list(db.session.scalars(select(User).where(User.role == role).order_by(User.email)))
