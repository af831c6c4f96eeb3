"""Demo accounts for the Quick start: one of each role, with known passwords."""

from __future__ import annotations

from dataclasses import dataclass

from mentormatch.extensions import db
from mentormatch.models import User
from mentormatch.services.accounts import find_by_email
from mentormatch.services.passwords import hash_password

DEMO_PASSWORD = "mentormatch-demo"  # noqa: S105 - published demo login, development only


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    full_name: str
    password: str = DEMO_PASSWORD


DEMO_LOGINS = (
    DemoLogin("coordinator", "coordinator@demo.mentormatch.org", "Dana Coordinator"),
    DemoLogin("mentor", "mentor@demo.mentormatch.org", "Dr. Maya Mentor"),
    DemoLogin("mentee", "mentee@demo.mentormatch.org", "Dr. Arjun Mentee"),
)


def ensure_demo_accounts() -> tuple[DemoLogin, ...]:
    """Create the demo accounts that are missing; leave existing ones alone."""
    for login in DEMO_LOGINS:
        if find_by_email(login.email) is None:
            db.session.add(
                User(
                    email=login.email,
                    full_name=login.full_name,
                    password_hash=hash_password(login.password),
                    role=login.role,
                )
            )
    db.session.commit()
    return DEMO_LOGINS
