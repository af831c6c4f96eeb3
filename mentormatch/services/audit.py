"""The audit log: record an action in the caller's transaction; list it for coordinators.

``record`` only adds a row to the session: the service that makes the change commits it with
the change, so the log holds an entry exactly when the change happened. Calling it is one line:

    audit.record(actor_id, audit.ROUND_PUBLISHED, matching_round, proposals=sent)

Targets are stored as (type, id), never as names or emails: pages show the person's current
name, so an account deleted later reads "Deleted user" everywhere, the log included.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from mentormatch.extensions import db
from mentormatch.models import AuditEntry, MatchingRound, Mentorship, PairRule, Role, User
from mentormatch.services.pagination import PER_PAGE, Page, paginate

ROUND_STARTED = "round.started"
ROUND_PUBLISHED = "round.published"
ROUND_CLOSED = "round.closed"
PAIR_LOCKED = "pair.locked"
PAIR_FORBIDDEN = "pair.forbidden"
PAIR_RULE_REMOVED = "pair.rule-removed"
PROFILES_IMPORTED = "profiles.imported"
ACCOUNT_DEACTIVATED = "account.deactivated"
ACCOUNT_REACTIVATED = "account.reactivated"
ACCOUNT_DELETED = "account.deleted"
PROPOSAL_ACCEPTED = "proposal.accepted"
PROPOSAL_DECLINED = "proposal.declined"
MENTORSHIP_ENDED = "mentorship.ended"
MENTORSHIP_COMPLETED = "mentorship.completed"
MENTORSHIP_EXTENDED = "mentorship.extended"
PROBLEM_REPORTED = "mentorship.problem-reported"
PROPOSALS_EXTENDED = "proposals.extended"
PROPOSALS_REMINDED = "proposals.reminded"
PROGRAMME_CREATED = "programme.created"
PROGRAMME_CHANGED = "programme.changed"
PROGRAMME_ARCHIVED = "programme.archived"
MEMBER_JOINED = "member.joined"
MEMBER_APPLIED = "member.applied"
MEMBER_APPROVED = "member.approved"
MEMBER_DECLINED = "member.declined"
MEMBER_REMOVED = "member.removed"
MEMBER_SEATS = "member.seats"
COORDINATOR_ASSIGNED = "coordinator.assigned"
PREFERENCE_WINDOW_SET = "preferences.window-set"
PREFERENCES_IMPORTED = "preferences.imported"
MENTEE_DECLINED_PROPOSAL = "proposal.declined-by-mentee"
MENTORSHIP_NUDGED = "mentorship.nudged"
PAIR_NOTE_ADDED = "mentorship.note-added"
REPAIR_PROPOSED = "mentorship.re-pair-proposed"
OUTCOME_RECORDED = "outcome.recorded"
OUTCOME_VERIFIED = "outcome.verified"
OUTCOME_REMOVED = "outcome.removed"
OUTCOME_EDITED = "outcome.edited"

ACTIONS = {
    ROUND_STARTED: "Ran a round",
    ROUND_PUBLISHED: "Published a round",
    ROUND_CLOSED: "Closed a round",
    PAIR_LOCKED: "Locked a pair",
    PAIR_FORBIDDEN: "Forbade a pair",
    PAIR_RULE_REMOVED: "Removed a pair rule",
    PROFILES_IMPORTED: "Imported profiles",
    ACCOUNT_DEACTIVATED: "Deactivated an account",
    ACCOUNT_REACTIVATED: "Reactivated an account",
    ACCOUNT_DELETED: "Deleted an account",
    PROPOSAL_ACCEPTED: "Accepted a proposal",
    PROPOSAL_DECLINED: "Declined a proposal",
    MENTORSHIP_ENDED: "Ended a mentorship",
    MENTORSHIP_COMPLETED: "Completed a mentorship at its end date",
    MENTORSHIP_EXTENDED: "Extended a mentorship",
    PROBLEM_REPORTED: "Reported a problem in a mentorship",
    PROPOSALS_EXTENDED: "Extended the deadline of proposals",
    PROPOSALS_REMINDED: "Reminded mentors of proposals",
    PROGRAMME_CREATED: "Created a programme",
    PROGRAMME_CHANGED: "Changed a programme",
    PROGRAMME_ARCHIVED: "Archived a programme",
    MEMBER_JOINED: "Joined a programme",
    MEMBER_APPLIED: "Applied to a programme",
    MEMBER_APPROVED: "Approved an application",
    MEMBER_DECLINED: "Declined an application",
    MEMBER_REMOVED: "Removed someone from a programme",
    MEMBER_SEATS: "Set a mentor's seats in a programme",
    COORDINATOR_ASSIGNED: "Made someone a programme coordinator",
    PREFERENCE_WINDOW_SET: "Set a round's preference window",
    PREFERENCES_IMPORTED: "Imported rank lists",
    MENTEE_DECLINED_PROPOSAL: "Declined a proposal (as the mentee)",
    MENTORSHIP_NUDGED: "Nudged a pair about meeting",
    PAIR_NOTE_ADDED: "Wrote a note on a pair",
    REPAIR_PROPOSED: "Proposed a new mentor to a mentee",
    OUTCOME_RECORDED: "Recorded a mentee's outcome",
    OUTCOME_VERIFIED: "Verified a mentee's outcome",
    OUTCOME_REMOVED: "Removed a mentee's outcome",
    OUTCOME_EDITED: "Edited an outcome",
}

# The label of entries made without a person: the command line, scheduled jobs.
SYSTEM_ACTOR = "system (command line or scheduled job)"

_TARGET_TYPES: dict[type, str] = {
    User: "user",
    MatchingRound: "round",
    Mentorship: "mentorship",
    PairRule: "pair-rule",
}
# details keys that hold a user's id: shown with the person's current name
PERSON_KEYS = ("user_id", "mentee_id", "mentor_id")

Actor = User | int | None
Target = Any  # a model instance, a ("type", id) pair, or None


def actor_label(user: User) -> str:
    return f"{user.full_name} <{user.email}> ({user.role})"


def _target(target: Target) -> tuple[str | None, int | None]:
    if target is None:
        return None, None
    if isinstance(target, tuple):
        kind, target_id = target
        return str(kind), int(target_id)
    for model, kind in _TARGET_TYPES.items():
        if isinstance(target, model):
            if target.id is None:
                db.session.flush()  # a row added in this transaction: it needs its id
            return kind, target.id
    raise TypeError(f"audit.record cannot name a {type(target).__name__} as its target")


def _programme_of(target: Target) -> int | None:
    """The programme a round, mentorship or pair rule (instance or ("type", id)) belongs to."""
    if isinstance(target, MatchingRound | Mentorship | PairRule):
        return target.programme_id
    if isinstance(target, tuple) and target[0] in ("round", "mentorship", "pair-rule"):
        models = {"round": MatchingRound, "mentorship": Mentorship, "pair-rule": PairRule}
        model = models[target[0]]
        return db.session.scalar(select(model.programme_id).where(model.id == target[1]))
    if isinstance(target, tuple) and target[0] == "programme":
        return int(target[1])
    return None


def record(
    actor: Actor,
    action: str,
    target: Target = None,
    *,
    programme_id: int | None = None,
    **details: Any,
) -> AuditEntry:
    """Add an entry to the current transaction (the caller commits with its change).

    ``actor`` is the User or its id, or None for the command line; ``target`` a model
    instance (User, MatchingRound, Mentorship, PairRule) or a ``("type", id)`` pair;
    ``details`` plain JSON values (counts, codes, ids), never personal data.
    """
    if action not in ACTIONS:
        raise ValueError(f"Unknown audit action {action!r}; add it to services.audit.ACTIONS.")
    user = db.session.get(User, actor) if isinstance(actor, int) else actor
    target_type, target_id = _target(target)
    entry = AuditEntry(
        actor_id=user.id if user is not None else None,
        actor_label=actor_label(user) if user is not None else SYSTEM_ACTOR,
        action=action,
        target_type=target_type,
        target_id=target_id,
        details=details,
        programme_id=programme_id if programme_id is not None else _programme_of(target),
    )
    db.session.add(entry)
    return entry


# --- reading the log ------------------------------------------------------------------------


@dataclass(frozen=True)
class EntryView:
    """An entry in words, for the coordinators' page."""

    id: int
    at: datetime
    actor: str
    action: str
    action_label: str
    target: str
    target_url: tuple[str, dict[str, int]] | None  # (endpoint, values) when there is a page
    details: list[tuple[str, str]]


def entries_page(
    action: str = "",
    page: int = 1,
    per_page: int = PER_PAGE,
    programme_ids: frozenset[int] | None = None,
) -> Page[AuditEntry]:
    """Newest first, optionally of one action; of the programmes ``programme_ids`` only when
    given (a programme coordinator's view: organisation entries, such as accounts, are not
    theirs)."""
    statement = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    if action:
        statement = statement.where(AuditEntry.action == action)
    if programme_ids is not None:
        statement = statement.where(AuditEntry.programme_id.in_(programme_ids))
    return paginate(statement, page, per_page)


def entries_about(user_id: int) -> list[AuditEntry]:
    """What ``user_id`` did, oldest first (for their data export)."""
    return list(
        db.session.scalars(
            select(AuditEntry).where(AuditEntry.actor_id == user_id).order_by(AuditEntry.id)
        )
    )


def _person_ids(entries: Iterable[AuditEntry]) -> set[int]:
    ids: set[int] = set()
    for entry in entries:
        if entry.target_type == "user" and entry.target_id is not None:
            ids.add(entry.target_id)
        for key in PERSON_KEYS:
            value = (entry.details or {}).get(key)
            if isinstance(value, int):
                ids.add(value)
    return ids


def describe(entries: Iterable[AuditEntry]) -> list[EntryView]:
    """The entries with people and rounds named as they are now (two queries in all)."""
    entries = list(entries)
    people = dict(
        db.session.execute(
            select(User.id, User.full_name).where(User.id.in_(_person_ids(entries)))
        ).all()
    )
    round_ids = {e.target_id for e in entries if e.target_type == "round" and e.target_id}
    rounds = dict(
        db.session.execute(
            select(MatchingRound.id, MatchingRound.name).where(MatchingRound.id.in_(round_ids))
        ).all()
    )

    def person(user_id: int) -> str:
        return f"{people[user_id]} (#{user_id})" if user_id in people else f"user #{user_id}"

    views = []
    for entry in entries:
        target, url = "", None
        if entry.target_type == "user" and entry.target_id is not None:
            target = person(entry.target_id)
            url = ("profiles.show", {"user_id": entry.target_id})
        elif entry.target_type == "round" and entry.target_id is not None:
            name = rounds.get(entry.target_id)
            target = (
                f"round {name!r} (#{entry.target_id})" if name else f"round #{entry.target_id}"
            )
            url = ("coordinator.round_review", {"round_id": entry.target_id}) if name else None
        elif entry.target_type:
            target = f"{entry.target_type} #{entry.target_id}"
        details = [
            (key.removesuffix("_id"), person(value))
            if key in PERSON_KEYS and isinstance(value, int)
            else (key, str(value))
            for key, value in sorted((entry.details or {}).items())
        ]
        views.append(
            EntryView(
                id=entry.id,
                at=entry.at,
                actor=entry.actor_label,
                action=entry.action,
                action_label=ACTIONS.get(entry.action, entry.action),
                target=target,
                target_url=url,
                details=details,
            )
        )
    return views


def anonymise_actor(user: User) -> None:
    """After an account's deletion: entries it made say 'Deleted user #id' (in the caller's
    transaction). Coordinators' entries keep their names: they acted for the programme, and
    the log must still say who ran, published or deleted what."""
    if user.role == Role.COORDINATOR:
        return
    for entry in db.session.scalars(select(AuditEntry).where(AuditEntry.actor_id == user.id)):
        entry.actor_label = f"Deleted user #{user.id} ({user.role})"
