"""Accounts: registration, authentication, password changes, coordinator creation, and
deactivation that never leaves the programme without an active coordinator."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from mentormatch.extensions import db
from mentormatch.models import Programme, Role, User
from mentormatch.models.user import new_session_token
from mentormatch.services import sessions
from mentormatch.services.errors import NotFound, ValidationError
from mentormatch.services.passwords import hash_password, needs_rehash, verify_password
from mentormatch.services.profiles import new_profile_for
from mentormatch.services.programmes import access, catalogue, membership

SELF_REGISTRATION_ROLES = (Role.MENTEE, Role.MENTOR)
PASSWORD_MAX_LENGTH = 128
NAME_MAX_LENGTH = 200


@dataclass(frozen=True)
class NewAccount:
    email: str
    password: str
    full_name: str
    role: str


def normalise_email(raw: str) -> str:
    """Return the canonical, lower-cased address or raise ValidationError on 'email'."""
    try:
        checked = validate_email((raw or "").strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise ValidationError.single("email", f"Enter a valid email address ({exc}).") from exc
    return checked.normalized.lower()


def password_problems(password: str, field: str = "password") -> list[tuple[str, str]]:
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password or "") < minimum:
        return [(field, f"Use at least {minimum} characters for the password.")]
    if len(password) > PASSWORD_MAX_LENGTH:
        return [(field, f"Use at most {PASSWORD_MAX_LENGTH} characters for the password.")]
    return []


def find_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email.strip().lower()))


def _validated(account: NewAccount, allowed_roles: tuple[Role, ...]) -> tuple[str, str]:
    errors: list[tuple[str, str]] = []
    email = ""
    try:
        email = normalise_email(account.email)
    except ValidationError as exc:
        errors.extend(exc.errors)
    full_name = " ".join((account.full_name or "").split())
    if not full_name:
        errors.append(("full_name", "Enter your full name."))
    elif len(full_name) > NAME_MAX_LENGTH:
        errors.append(("full_name", f"Use at most {NAME_MAX_LENGTH} characters for the name."))
    errors.extend(password_problems(account.password))
    if account.role not in {role.value for role in allowed_roles}:
        choices = " or ".join(role.value for role in allowed_roles)
        errors.append(("role", f"Choose {choices}."))
    if email and find_by_email(email) is not None:
        errors.append(("email", "An account with this email already exists; log in instead."))
    if errors:
        raise ValidationError(errors)
    return email, full_name


def _create(
    account: NewAccount,
    allowed_roles: tuple[Role, ...],
    join: Callable[[User], None] | None = None,
    organisation_wide: bool = False,
) -> User:
    email, full_name = _validated(account, allowed_roles)
    user = User(
        email=email,
        full_name=full_name,
        password_hash=hash_password(account.password),
        role=account.role,
        organisation_wide=organisation_wide,
    )
    db.session.add(user)
    profile = new_profile_for(user)
    if profile is not None:
        db.session.add(profile)
    try:
        db.session.flush()
        if join is not None:
            join(user)  # a ValidationError here saves nothing
        db.session.commit()
    except IntegrityError as exc:  # a concurrent registration with the same email won
        db.session.rollback()
        raise ValidationError.single(
            "email", "An account with this email already exists; log in instead."
        ) from exc
    except ValidationError:
        db.session.rollback()
        raise
    return user


def register(
    account: NewAccount,
    programme: Programme | None = None,
    invitation_key: str | None = None,
    answers: dict | None = None,
) -> User:
    """Self-registration of a mentee or a mentor, into ``programme`` (or, when none is named,
    the one programme open for sign-up, if there is exactly one). The account, its profile
    (with the sign-up ``answers`` the programme asks for) and the membership are saved
    together, or nothing is (an ineligible applicant gets the reason, and no account)."""
    if programme is None:
        open_ones = catalogue.open_for_signup()
        programme = open_ones[0] if len(open_ones) == 1 else None

    def join(user: User) -> None:
        if programme is None:
            return
        membership.apply_signup_answers(user, answers or {})
        membership.join(programme, user, membership.Via.PUBLIC, invitation_key)

    return _create(account, SELF_REGISTRATION_ROLES, join)


def create_coordinator(
    account: NewAccount, programme_ids: Iterable[int] = (), organisation_wide: bool | None = None
) -> User:
    """Coordinators come only from the command line or from another coordinator. Without
    programmes they coordinate the whole organisation; with them, only those programmes."""
    programme_ids = tuple(programme_ids)
    whole = not programme_ids if organisation_wide is None else organisation_wide

    def assign(user: User) -> None:
        for programme_id in programme_ids:
            catalogue.get(programme_id)
            access.assign(user.id, programme_id)

    return _create(
        NewAccount(account.email, account.password, account.full_name, Role.COORDINATOR.value),
        (Role.COORDINATOR,),
        assign,
        organisation_wide=whole,
    )


def authenticate(email: str, password: str) -> User | None:
    """The user for these credentials, or None; unknown email and wrong password look alike."""
    user = find_by_email(email or "")
    if not verify_password(user.password_hash if user else None, password or ""):
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        db.session.commit()
    return user


def change_password(user_id: int, current_password: str, new_password: str) -> User:
    """Change the password and end every session of the user (the caller signs this browser
    in again); emailed links made before stop working too."""
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(f"No user with id {user_id}.")
    if not verify_password(user.password_hash, current_password or ""):
        raise ValidationError.single("current_password", "The current password is not right.")
    problems = password_problems(new_password, field="new_password")
    if problems:
        raise ValidationError(problems)
    user.password_hash = hash_password(new_password)
    user.session_token = new_session_token()
    sessions.end_every_session(user.id)
    db.session.commit()
    return user


def load_user_from_session(session_key: str) -> User | None:
    """Flask-Login's loader: the login cookie holds a session key (services.sessions)."""
    return sessions.user_for(session_key)


def deactivate_unless_last_coordinator(user_id: int) -> bool:
    """In the caller's transaction: make the account inactive and end all its sessions,
    unless it is the last active coordinator (False then; nothing changed).

    One conditional UPDATE decides, counting the other active coordinators as it runs, after
    the active coordinators' rows are locked in id order (PostgreSQL: a second transaction
    waits, then counts what the first committed; SQLite runs one writer at a time). So two
    coordinators deactivating each other at once leave one of them active.
    """
    coordinator = Role.COORDINATOR.value
    db.session.execute(
        select(User.id)
        .where(User.role == coordinator, User.active.is_(True))
        .order_by(User.id)
        .with_for_update()
    ).all()
    other = aliased(User)
    others_active = (
        select(func.count())
        .select_from(other)
        .where(other.role == coordinator, other.active.is_(True), other.id != user_id)
        .scalar_subquery()
    )
    result = db.session.execute(
        update(User)
        .where(User.id == user_id, or_(User.role != coordinator, others_active > 0))
        .values(active=False)
        .execution_options(synchronize_session=False)
    )
    loaded = db.session.identity_map.get(db.session.identity_key(User, user_id))
    if loaded is not None:  # the UPDATE went around the ORM: read the flag afresh
        db.session.expire(loaded, ["active"])
    if result.rowcount != 1:
        return False
    sessions.end_every_session(user_id)
    return True
