"""A person's own data: export it (JSON) and delete the account.

Deletion keeps the ``users`` row as an anonymised tombstone (no name, no email, no password,
inactive) so that the rows pointing at it — round pairs, unmatched reasons, ended mentorships —
keep their ids and every round's counts stay what they were; everything that describes the
person goes: the profile, pair rules, decline reasons, the mail sent to them. Open proposals
and mentorships end, their seats are freed, and the other side is told. One transaction.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import selectinload

from mentormatch.extensions import db
from mentormatch.models import (
    OPEN_MENTORSHIP_STATUSES,
    Agreement,
    CheckIn,
    MatchingRound,
    MenteeRanking,
    MentorMark,
    Mentorship,
    MentorshipStatus,
    Message,
    OutboxMessage,
    Outcome,
    OutcomeSurvey,
    PairRule,
    PairRuleSource,
    PlanGoal,
    ProgrammeMember,
    Role,
    RoundUnmatched,
    User,
)
from mentormatch.models.times import utcnow
from mentormatch.models.user import new_session_token
from mentormatch.services import (
    accounts,
    audiences,
    audit,
    mail,
    mail_messages,
    meetings,
    seats,
    sessions,
)
from mentormatch.services.errors import NotFound, ValidationError
from mentormatch.services.mentorships import checkins
from mentormatch.services.outcomes import records as outcomes
from mentormatch.services.passwords import verify_password

DELETED_NAME = "Deleted user"
EXPORT_FORMAT = "mentormatch-personal-data/1"


def deleted_email(user_id: int) -> str:
    """A unique address that can never receive mail (RFC 6761 reserves .invalid)."""
    return f"deleted-{user_id}@invalid"


def _plain(value: Any) -> Any:
    """JSON-ready: dates as ISO 8601 text, lists and dicts copied."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value


def _columns(row: Any, leave_out: tuple[str, ...] = ()) -> dict[str, Any]:
    return {
        column.key: _plain(getattr(row, column.key))
        for column in row.__table__.columns
        if column.key not in leave_out
    }


def _get_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(f"No user with id {user_id}.")
    return user


# --- export ---------------------------------------------------------------------------------


def export_personal_data(user_id: int) -> dict[str, Any]:
    """Everything the service holds about the person, as JSON-ready values.

    What it says of anyone else follows services.audiences, as the pages do: other people
    appear by name only where the person was proposed to or with them, with their email
    where the mentorship is accepted; nothing of another person's profile, no decline reason
    the person did not write, no coordinator's note, and no pair rule with someone they were
    never proposed to.
    """
    user = _get_user(user_id)
    profile = user.mentee_profile or user.mentor_profile
    mentorships = db.session.scalars(
        select(Mentorship)
        .where(or_(Mentorship.mentee_id == user_id, Mentorship.mentor_id == user_id))
        .options(selectinload(Mentorship.mentee), selectinload(Mentorship.mentor))
        .order_by(Mentorship.id)
    )
    partners = audiences.mentorship_statuses(user_id)
    mails = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.to_address == user.email).order_by(
            OutboxMessage.id)
    )  # fmt: skip
    return {
        "format": EXPORT_FORMAT,
        "exported_at": utcnow().isoformat(),
        "account": _columns(user, leave_out=("password_hash", "session_token")),
        "sign_ins": [
            {
                "started_at": _plain(info.created_at),
                "last_seen_at": _plain(info.last_seen_at),
                "ends_at": _plain(info.expires_at),
            }
            for info in sessions.sessions_of(user_id)
        ],
        "profile": _columns(profile, leave_out=("id", "user_id", "seats_taken"))
        if profile is not None
        else None,
        "programmes": [
            {
                "programme": member.programme.name,
                "status": member.status,
                "joined_via": member.joined_via,
                "seats": member.seats,
                "applied_at": _plain(member.applied_at),
                "decided_at": _plain(member.decided_at),
            }
            for member in db.session.scalars(
                select(ProgrammeMember)
                .where(ProgrammeMember.user_id == user.id)
                .order_by(ProgrammeMember.id)
            )
        ],
        "mentorships": [_mentorship(m, user, partners) for m in mentorships],
        "meetings": meetings.export_for(user_id),
        "check_ins": checkins.export_for(user_id),  # their own answers only
        # her own milestones (audiences.Item.OUTCOMES: she is their subject)
        "outcomes": outcomes.export_for(user_id) if user.role == Role.MENTEE.value else [],
        "pair_rules": _pair_rules(user, partners),
        "choices": _choices(user_id),
        "mails": [
            _columns(message, leave_out=("id", "attempts", "last_error", "next_attempt_at"))
            for message in mails
        ],
        "actions": [
            {
                "at": _plain(entry.at),
                "action": entry.action,
                "target": entry.target_type,
                "target_id": entry.target_id,
                "details": entry.details,
            }
            for entry in audit.entries_about(user_id)
        ],
    }


def _choices(user_id: int) -> dict[str, list]:
    """The person's own rank lists (a mentee) and marks (a mentor): a mark names the mentee
    only where the programme shows mentors who ranked them by name."""
    ranks = db.session.execute(
        select(MatchingRound.name, MenteeRanking.rank, User.full_name)
        .join(MatchingRound, MatchingRound.id == MenteeRanking.round_id)
        .join(User, User.id == MenteeRanking.mentor_id)
        .where(MenteeRanking.mentee_id == user_id)
        .order_by(MenteeRanking.round_id, MenteeRanking.rank)
    ).all()
    marks = db.session.scalars(
        select(MentorMark).where(MentorMark.mentor_id == user_id).order_by(MentorMark.id)
    )
    return {
        "rankings": [{"round": r, "rank": k, "mentor": name} for r, k, name in ranks],
        "marks": [
            {
                "round_id": mark.round_id,
                "kind": mark.kind,
                "reason": mark.reason,
                "mentee": mark.mentee.full_name
                if db.session.get(MatchingRound, mark.round_id).programme.preference_rankers_named
                else None,
            }
            for mark in marks
        ],
    }


def _mentorship(
    mentorship: Mentorship, user: User, partners: dict[int, set[str]]
) -> dict[str, Any]:
    as_mentee = mentorship.mentee_id == user.id
    other = mentorship.mentor if as_mentee else mentorship.mentee
    # A reason on it was written by its mentor, or by its mentee when she declined the
    # proposal herself (services.proposals.decline_as_mentee): the author may read it.
    author_id = (
        mentorship.mentee_id
        if mentorship.status == MentorshipStatus.DECLINED
        and mentorship.ended_by_id == mentorship.mentee_id
        else mentorship.mentor_id
    )
    held = audiences.from_relation(user, other.id, partners.get(other.id, ()), author_id=author_id)
    item = {
        "id": mentorship.id,
        "as": Role.MENTEE.value if as_mentee else Role.MENTOR.value,
        "with": other.full_name,
        "status": mentorship.status,
        "programme": mentorship.programme.name,
        "round_id": mentorship.round_id,
        "created_at": _plain(mentorship.created_at),
        "expires_at": _plain(mentorship.expires_at),
        "responded_at": _plain(mentorship.responded_at),
        "ended_at": _plain(mentorship.ended_at),
    }
    if audiences.may_see(held, audiences.Item.DECLINE_REASON):
        item["response_reason"] = mentorship.response_reason
    if mentorship.status == MentorshipStatus.ACCEPTED and audiences.may_see(
        held, audiences.Item.CONTACT
    ):
        item["with_email"] = other.email
    if mentorship.ends_on is not None:  # accepted once: the pair's workspace
        item.update(_workspace(mentorship, user))
    return item


def _workspace(mentorship: Mentorship, user: User) -> dict[str, Any]:
    """The agreement, plan and messages of an accepted mentorship: the pair's own data, which
    both of them hold (audiences.Item.MENTORSHIP_WORK), and the close-out."""
    agreement = db.session.scalar(
        select(Agreement).where(Agreement.mentorship_id == mentorship.id)
    )
    goals = db.session.scalars(
        select(PlanGoal).where(PlanGoal.mentorship_id == mentorship.id).order_by(
            PlanGoal.position, PlanGoal.id)
    )  # fmt: skip
    thread = db.session.scalars(
        select(Message).where(Message.mentorship_id == mentorship.id).order_by(
            Message.created_at, Message.id)
    )  # fmt: skip
    return {
        "ends_on": _plain(mentorship.ends_on),
        "end_reason": mentorship.end_reason,
        "ended_by_you": mentorship.ended_by_id == user.id if mentorship.ended_by_id else None,
        "mentee_rating": mentorship.mentee_rating,
        "mentor_rating": mentorship.mentor_rating,
        "agreement": _columns(agreement, leave_out=("id", "mentorship_id"))
        if agreement is not None
        else None,
        "plan": {
            "goal": mentorship.plan_goal,
            "match_year": mentorship.plan_match_year,
            "goals": [_columns(goal, leave_out=("id", "mentorship_id")) for goal in goals],
        },
        "messages": [
            {
                "from": "you" if message.author_id == user.id else message.author.full_name,
                "sent_at": _plain(message.created_at),
                "read_at": _plain(message.read_at),
                "text": None if message.removed_at else message.body,
                "removed_at": _plain(message.removed_at),
            }
            for message in thread
        ],
    }


def _pair_rules(user: User, partners: dict[int, set[str]]) -> list[dict[str, Any]]:
    """The rules on pairs the person was proposed in; a coordinator's rule with someone they
    were never proposed to is the coordinators' business, and so are the notes."""
    rules = db.session.scalars(
        select(PairRule)
        .where(or_(PairRule.mentee_id == user.id, PairRule.mentor_id == user.id))
        .order_by(PairRule.id)
    )
    shown = []
    for rule in rules:
        if rule.source == PairRuleSource.AVOIDED and rule.mentor_id != user.id:
            continue  # a mentor's avoid mark is never the mentee's to read
        other_id = rule.mentor_id if rule.mentee_id == user.id else rule.mentee_id
        held = audiences.from_relation(user, other_id, partners.get(other_id, ()))
        if not audiences.may_see(held, audiences.Item.PAIR_RULE):
            continue
        entry = {
            "with": db.session.get(User, other_id).full_name,
            "kind": rule.kind,
            "source": rule.source,
            "created_at": _plain(rule.created_at),
        }
        if audiences.may_see(held, audiences.Item.RULE_NOTE):
            entry["note"] = rule.note
        shown.append(entry)
    return shown


# --- deletion -------------------------------------------------------------------------------


def check_confirmation(user_id: int, typed: str) -> None:
    """The person typed their password; ValidationError otherwise. The email address is no
    proof: anyone holding a signed-in browser can read it off the page."""
    user = _get_user(user_id)
    if typed and verify_password(user.password_hash, typed):
        return
    raise ValidationError.single(
        "confirmation", "That is not your password, so nothing was deleted."
    )


def delete_account(user_id: int, actor: User | None) -> None:
    """Delete ``user_id``'s personal data and close the account, in one transaction; every
    session of the account ends.

    ``actor`` is the person themself or a coordinator (None: the command line). The last
    active coordinator cannot be deleted: nobody could run the programme any more.
    """
    user = _get_user(user_id)
    if actor is not None and actor.id != user.id and actor.role != Role.COORDINATOR.value:
        raise NotFound(f"No user with id {user_id}.")
    if user.email == deleted_email(user.id) and not user.active:
        raise ValidationError.single("account", "This account has already been deleted.")
    # Decided first, and atomically: two coordinators leaving at once keep one of them.
    if not accounts.deactivate_unless_last_coordinator(user.id):
        db.session.rollback()
        raise ValidationError.single(
            "account",
            "You are the last active coordinator: add another coordinator before you "
            "delete your account.",
        )
    ended = _close_open_mentorships(user)
    # Recorded before the name goes: a coordinator's entry keeps it (see anonymise_actor).
    audit.record(
        actor, audit.ACCOUNT_DELETED, user, role=user.role, mentorships_closed=ended,
        by="self" if actor is not None and actor.id == user.id else Role.COORDINATOR.value,
    )  # fmt: skip
    _forget(user, user.email, user.full_name)
    audit.anonymise_actor(user)
    db.session.commit()


def _close_open_mentorships(user: User) -> int:
    """End every proposal and mentorship still open, free its seat, tell the other side."""
    open_ones = list(
        db.session.scalars(
            select(Mentorship)
            .where(
                or_(Mentorship.mentee_id == user.id, Mentorship.mentor_id == user.id),
                Mentorship.status.in_(OPEN_MENTORSHIP_STATUSES),
            )
            .options(selectinload(Mentorship.mentee), selectinload(Mentorship.mentor))
            .order_by(Mentorship.id)
        )
    )
    now = utcnow()
    for mentorship in open_ones:
        closed = db.session.execute(
            update(Mentorship)
            .where(Mentorship.id == mentorship.id, Mentorship.status == mentorship.status)
            .values(
                status=MentorshipStatus.ENDED,
                ended_at=now,
                ended_by_id=user.id,
                responded_at=mentorship.responded_at or now,
            )
            .execution_options(synchronize_session=False)
        )
        if closed.rowcount != 1:
            continue  # answered or expired a moment ago; its own transition freed the seat
        seats.release_seat(mentorship.mentor_id, mentorship.programme_id)
        other = mentorship.mentor if mentorship.mentee_id == user.id else mentorship.mentee
        # the other side's calendar drops the meetings that will not happen now
        meetings.cancel_upcoming(mentorship, None, tell=(other,), now=now)
        mail_messages.queue(
            other.email,
            "left_programme",
            "account-deleted",
            person=other,
            gone=user,
            gone_is_mentee=mentorship.mentee_id == user.id,
            was_proposal=mentorship.status == MentorshipStatus.PROPOSED,
            link=mail.absolute_url("main.index"),
        )
    return len(open_ones)


def _forget_workspace_text(user: User) -> None:
    """The text the person wrote in their mentorships goes: their messages' text (the other
    side reads "removed") and their notes on plan goals; the other person's own notes and
    comments, and the dates and counts, stay."""
    now = utcnow()
    db.session.execute(
        update(Message)
        .where(Message.author_id == user.id, Message.removed_at.is_(None))
        .values(body="", removed_at=now)
        .execution_options(synchronize_session=False)
    )
    own_notes = (("mentee_id", PlanGoal.mentee_note), ("mentor_id", PlanGoal.mentor_comment))
    for side, column in own_notes:
        theirs = select(Mentorship.id).where(getattr(Mentorship, side) == user.id)
        db.session.execute(
            update(PlanGoal)
            .where(PlanGoal.mentorship_id.in_(theirs))
            .values({column: None})
            .execution_options(synchronize_session=False)
        )


def _forget(user: User, old_email: str, old_name: str) -> None:
    """Remove what describes the person; keep the row (and its id) as a tombstone."""
    for profile in (user.mentee_profile, user.mentor_profile):
        if profile is not None:
            db.session.delete(profile)
    db.session.execute(
        delete(PairRule).where(or_(PairRule.mentee_id == user.id, PairRule.mentor_id == user.id))
    )
    # Decline and end reasons are written about the pair; they go with either side.
    db.session.execute(
        update(Mentorship)
        .where(or_(Mentorship.mentee_id == user.id, Mentorship.mentor_id == user.id))
        .values(response_reason=None)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(delete(OutboxMessage).where(OutboxMessage.to_address == old_email))
    # her outcomes and survey rounds describe her: they go (the programme reports count
    # the people who are still here)
    db.session.execute(delete(Outcome).where(Outcome.mentee_id == user.id))
    db.session.execute(delete(OutcomeSurvey).where(OutcomeSurvey.mentee_id == user.id))
    # stated preferences name both people (and an avoid mark carries the mentor's reason)
    for table in (MenteeRanking, MentorMark):
        db.session.execute(
            delete(table).where(or_(table.mentee_id == user.id, table.mentor_id == user.id))
        )
    # their check-in comments go; the scores stay in the programme's figures
    db.session.execute(
        update(CheckIn)
        .where(CheckIn.user_id == user.id)
        .values(comment=None)
        .execution_options(synchronize_session=False)
    )
    _forget_workspace_text(user)
    # Unmatched reasons name the mentors who were full; the counts and codes stay.
    if user.role == Role.MENTOR.value and old_name:
        db.session.execute(
            update(RoundUnmatched)
            .where(RoundUnmatched.message.contains(old_name, autoescape=True))
            .values(message=func.replace(RoundUnmatched.message, old_name, DELETED_NAME))
            .execution_options(synchronize_session=False)
        )
    user.email = deleted_email(user.id)
    user.full_name = DELETED_NAME
    user.password_hash = None
    user.active = False
    user.invited_at = None
    user.session_token = new_session_token()  # emailed links stop working
