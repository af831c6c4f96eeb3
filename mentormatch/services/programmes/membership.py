"""Belonging to a programme: joining (open), applying (approval), invitations, approval and
decline with emails both ways, a mentor's seats per programme, leaving.

A membership row is never deleted: a person who leaves is ``left``, an application turned
down is ``declined``; the history stays for the roll-up and the audit log.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from mentormatch import codes
from mentormatch.extensions import db
from mentormatch.models import (
    OPEN_MENTORSHIP_STATUSES,
    MembershipStatus,
    MenteeProfile,
    Mentorship,
    Programme,
    ProgrammeMember,
    Role,
    SignupMode,
    User,
)
from mentormatch.models.times import utcnow
from mentormatch.services import audit, mail, mail_messages
from mentormatch.services.errors import NotFound, ValidationError
from mentormatch.services.programmes import access
from mentormatch.services.programmes.catalogue import Eligibility

MEMBER_ROLES = (Role.MENTEE.value, Role.MENTOR.value)


class Via:
    """How a person came into a programme (``ProgrammeMember.joined_via``)."""

    PUBLIC = "public"
    INVITATION = "invitation"
    IMPORT = "import"
    COORDINATOR = "coordinator"
    EXISTING = "existing"


@dataclass(frozen=True)
class Applicant:
    """What a programme's eligibility looks at (a mentee's specialty and target Match year)."""

    specialty: str | None = None
    target_match_year: int | None = None

    @classmethod
    def of(cls, user: User) -> Applicant:
        profile = user.mentee_profile
        if profile is None:
            return cls()
        return cls(profile.specialty, profile.target_match_year)


def eligibility_problems(
    programme: Programme, role: str, applicant: Applicant
) -> list[tuple[str, str]]:
    """Why a mentee may not join ``programme`` (empty: eligible; mentors are not limited)."""
    if role != Role.MENTEE.value:
        return []
    rules = Eligibility.of(programme)
    problems = []
    if rules.specialties and applicant.specialty not in rules.specialties:
        wanted = ", ".join(codes.label(code) for code in rules.specialties)
        problems.append(("specialty", f"{programme.name} is for mentees aiming for one of: "
                                      f"{wanted}."))  # fmt: skip
    if rules.match_years and applicant.target_match_year not in rules.match_years:
        years = ", ".join(str(y) for y in rules.match_years)
        problems.append(("target_match_year", f"{programme.name} is for mentees applying to "
                                              f"the Match in {years}."))  # fmt: skip
    return problems


def invitation_matches(programme: Programme, key: str | None) -> bool:
    return bool(key) and hmac.compare_digest(programme.invitation_key, str(key))


def member(programme_id: int, user_id: int) -> ProgrammeMember | None:
    return db.session.scalar(
        select(ProgrammeMember).where(
            ProgrammeMember.programme_id == programme_id, ProgrammeMember.user_id == user_id
        )
    )


def join(
    programme: Programme,
    user: User,
    via: str = Via.PUBLIC,
    invitation_key: str | None = None,
    actor_id: int | None = None,
) -> ProgrammeMember:
    """Add ``user`` to ``programme`` in the caller's transaction (the caller commits): active
    at once, or pending where the programme approves applications. Coordinators (``via``
    coordinator or import) add people directly, eligibility aside."""
    if programme.archived:
        raise ValidationError.single("programme", f"{programme.name} is archived and takes no "
                                                  "new members.")  # fmt: skip
    if user.role not in MEMBER_ROLES:
        raise ValidationError.single("role", "Only mentees and mentors join programmes.")
    by_coordinator = via in (Via.COORDINATOR, Via.IMPORT, Via.EXISTING)
    invited = invitation_matches(programme, invitation_key)
    if not by_coordinator:
        if programme.signup_mode == SignupMode.INVITATION and not invited:
            raise ValidationError.single(
                "programme",
                f"{programme.name} takes members by invitation only: use the link its "
                "coordinators sent you.",
            )
        problems = eligibility_problems(programme, user.role, Applicant.of(user))
        if problems:
            raise ValidationError(problems)
    existing = member(programme.id, user.id)
    if existing is not None and existing.status in (
        MembershipStatus.ACTIVE,
        MembershipStatus.PENDING,
    ):
        return existing
    if (
        existing is not None
        and existing.status == MembershipStatus.DECLINED
        and not by_coordinator
    ):
        raise ValidationError.single(
            "programme",
            f"Your application to {programme.name} was declined; write to its coordinators "
            "if something has changed.",
        )
    needs_approval = (
        programme.signup_mode == SignupMode.APPROVAL and not by_coordinator and not invited
    )
    status = MembershipStatus.PENDING if needs_approval else MembershipStatus.ACTIVE
    row = existing or ProgrammeMember(programme_id=programme.id, user_id=user.id)
    row.status = status.value
    row.joined_via = Via.INVITATION if invited and not by_coordinator else via
    row.applied_at = utcnow()
    if not needs_approval:
        row.decided_at = utcnow()
        row.decided_by_id = actor_id
    db.session.add(row)
    db.session.flush()
    audit.record(
        actor_id if actor_id is not None else user.id,
        audit.MEMBER_APPLIED if needs_approval else audit.MEMBER_JOINED,
        ("user", user.id),
        programme_id=programme.id,
        via=row.joined_via,
    )
    if needs_approval:
        _application_mails(programme, user)
    return row


def _application_mails(programme: Programme, user: User) -> None:
    context = {"programme": programme, "person": user, "role": user.role}
    mail_messages.queue(user.email, "application_received", "programme",
                        link=mail.absolute_url("main.index"), **context)  # fmt: skip
    review = mail.absolute_url("coordinator.programme_members", programme_id=programme.id)
    for email in access.coordinator_emails(programme.id):
        mail_messages.queue(email, "application_to_coordinators", "programme", link=review,
                            **context)  # fmt: skip


def apply(
    programme_id: int,
    user_id: int,
    invitation_key: str | None = None,
    answers: Mapping[str, Any] | None = None,
) -> ProgrammeMember:
    """A signed-in mentee or mentor joins ``programme_id`` from its page (or applies, where a
    coordinator approves): their ``answers`` to its eligibility questions are saved on their
    profile, then they join. One transaction: refused (not eligible, invitation only,
    declined before), nothing changes."""
    programme = db.session.get(Programme, programme_id)
    user = db.session.get(User, user_id)
    if programme is None or user is None:
        raise NotFound("There is no such programme.")
    try:
        apply_signup_answers(user, dict(answers or {}))
        row = join(programme, user, Via.PUBLIC, invitation_key)
        db.session.commit()
    except ValidationError:
        db.session.rollback()
        raise
    return row


def signup_answers(programme: Programme, role: str, raw: Mapping[str, Any]) -> dict[str, Any]:
    """A mentee's answers to the questions ``programme`` asks at sign-up (its eligibility:
    specialty interest, target Match year), checked; mentors are asked nothing."""
    if role != Role.MENTEE.value:
        return {}
    needs = needs_for_signup(programme)
    problems: list[tuple[str, str]] = []
    answers: dict[str, Any] = {}
    if "specialty" in needs:
        specialty = str(raw.get("specialty") or "").strip().lower()
        if not specialty:
            problems.append(("specialty", f"Choose one: {programme.name} asks for it."))
        elif specialty not in codes.SPECIALTY_CODES:
            problems.append(("specialty", f"'{specialty}' is not a specialty we know."))
        else:
            answers["specialty"] = specialty
    if "target_match_year" in needs:
        text = str(raw.get("target_match_year") or "").strip()
        low, high = codes.MATCH_YEAR_RANGE
        if not text:
            problems.append(("target_match_year", f"Choose a year: {programme.name} asks for it."))
        elif not text.isdecimal() or not low <= int(text) <= high:
            problems.append(("target_match_year", f"Give a year from {low} to {high}."))
        else:
            answers["target_match_year"] = int(text)
    if problems:
        # with what was answered, already say whether it fits, so one try shows everything
        applicant = Applicant(answers.get("specialty"), answers.get("target_match_year"))
        problems += [
            (name, message)
            for name, message in eligibility_problems(programme, role, applicant)
            if name in answers
        ]
        raise ValidationError(problems)
    return answers


def _pending(member_id: int, programme_ids: frozenset[int] | None) -> ProgrammeMember:
    row = db.session.get(ProgrammeMember, member_id)
    if row is None or (programme_ids is not None and row.programme_id not in programme_ids):
        raise NotFound("There is no such application among your programmes.")
    if row.status != MembershipStatus.PENDING:
        raise ValidationError.single("member", f"{row.user.full_name}'s application was already "
                                               f"answered ({row.status}).")  # fmt: skip
    return row


def decide(
    member_id: int,
    approve: bool,
    actor: User,
    reason: str = "",
) -> ProgrammeMember:
    """Approve or decline an application; the applicant is told by email. One transaction."""
    row = _pending(member_id, access.programme_ids_for(actor))
    row.status = (MembershipStatus.ACTIVE if approve else MembershipStatus.DECLINED).value
    row.decided_at = utcnow()
    row.decided_by_id = actor.id
    audit.record(actor, audit.MEMBER_APPROVED if approve else audit.MEMBER_DECLINED,
                 ("user", row.user_id), programme_id=row.programme_id)  # fmt: skip
    mail_messages.queue(
        row.user.email,
        "application_approved" if approve else "application_declined",
        "programme",
        programme=row.programme,
        person=row.user,
        reason=" ".join((reason or "").split())[:1000],
        link=mail.absolute_url("auth.login"),
    )
    db.session.commit()
    return row


def set_seats(
    programme_id: int, mentor_id: int, seats: int | None, actor_id: int | None
) -> ProgrammeMember:
    """A mentor's seats in one programme: at most their overall capacity, at least the seats
    they already fill there; None offers up to the overall capacity. One transaction."""
    row = member(programme_id, mentor_id)
    if row is None or row.status != MembershipStatus.ACTIVE or row.user.role != Role.MENTOR:
        raise NotFound("This mentor is not an active member of the programme.")
    capacity = row.user.mentor_profile.capacity if row.user.mentor_profile else 0
    if seats is not None:
        if seats < 0:
            raise ValidationError.single("seats", "Seats cannot be negative.")
        if seats > capacity:
            raise ValidationError.single(
                "seats",
                f"{seats} seats is above {row.user.full_name}'s overall capacity of {capacity}; "
                "raise the capacity on the profile first, or offer fewer seats here.",
            )
        if seats < row.seats_taken:
            raise ValidationError.single(
                "seats",
                f"{row.user.full_name} already has {row.seats_taken} mentee(s) proposed or "
                f"matched in this programme; offer at least {row.seats_taken}.",
            )
    row.seats = seats
    audit.record(actor_id, audit.MEMBER_SEATS, ("user", mentor_id), programme_id=programme_id,
                 seats=seats)  # fmt: skip
    db.session.commit()
    return row


def remove(programme_id: int, user_id: int, actor_id: int | None) -> ProgrammeMember:
    """Take someone out of a programme (they stay in the others). Refused while they hold an
    open proposal or mentorship there: end it first."""
    row = member(programme_id, user_id)
    if row is None or row.status == MembershipStatus.LEFT:
        raise NotFound("This person is not a member of the programme.")
    person_column = Mentorship.mentee_id if row.user.role == Role.MENTEE else Mentorship.mentor_id
    open_here = db.session.scalar(
        select(Mentorship.id).where(
            person_column == user_id,
            Mentorship.programme_id == programme_id,
            Mentorship.status.in_(OPEN_MENTORSHIP_STATUSES),
        )
    )
    if open_here is not None:
        raise ValidationError.single(
            "member",
            f"{row.user.full_name} has an open proposal or mentorship in this programme; end it "
            "before removing them.",
        )
    row.status = MembershipStatus.LEFT.value
    row.decided_at = utcnow()
    audit.record(actor_id, audit.MEMBER_REMOVED, ("user", user_id), programme_id=programme_id)
    db.session.commit()
    return row


def memberships_of(user_id: int) -> list[ProgrammeMember]:
    return list(
        db.session.scalars(
            select(ProgrammeMember)
            .where(ProgrammeMember.user_id == user_id)
            .order_by(ProgrammeMember.applied_at)
        )
    )


def active_member_counts() -> dict[int, int]:
    """Programme id -> how many active members (mentees and mentors) it has."""
    return dict(
        db.session.execute(
            select(ProgrammeMember.programme_id, func.count())
            .where(ProgrammeMember.status == MembershipStatus.ACTIVE.value)
            .group_by(ProgrammeMember.programme_id)
        ).all()
    )


def needs_for_signup(programme: Programme) -> tuple[str, ...]:
    """The profile fields a mentee's sign-up to ``programme`` asks for (its eligibility)."""
    rules = Eligibility.of(programme)
    return tuple(
        name
        for name, wanted in (
            ("specialty", rules.specialties),
            ("target_match_year", rules.match_years),
        )
        if wanted
    )


def apply_signup_answers(user: User, answers: dict) -> None:
    """Store a mentee's sign-up answers (specialty, target Match year) on their profile."""
    profile: MenteeProfile | None = user.mentee_profile
    if profile is None:
        return
    if answers.get("specialty"):
        profile.specialty = answers["specialty"]
    if answers.get("target_match_year"):
        profile.target_match_year = int(answers["target_match_year"])
