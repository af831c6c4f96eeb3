"""Locks (must pair) and forbids (never pair) that later rounds of the same programme respect.

A coordinator sets them here; a mentor's answer sets them too (see ``services.proposals``).
A rule belongs to one programme: ``programme_id`` None means the only live programme (an
error asks which when there are several).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select

from mentormatch.extensions import db
from mentormatch.models import PairRule, PairRuleKind, PairRuleSource, Role, User
from mentormatch.services import audit
from mentormatch.services.errors import ValidationError
from mentormatch.services.programmes import catalogue
from mentormatch.services.rounds.lookup import Person, persons_by_id

AUDIT_ACTIONS = {PairRuleKind.LOCK: audit.PAIR_LOCKED, PairRuleKind.FORBID: audit.PAIR_FORBIDDEN}


def _user_with_role(user_id: int, role: Role) -> User:
    user = db.session.get(User, user_id)
    if user is None or user.role != role:
        raise ValidationError.single(role.value, f"No {role} with id {user_id}.")
    return user


def _programme_id(programme_id: int | None) -> int:
    if programme_id is None:
        return catalogue.resolve(None).id
    return catalogue.get(programme_id).id


def set_pair_rule(
    mentee_id: int,
    mentor_id: int,
    kind: str,
    created_by_id: int | None,
    note: str = "",
    programme_id: int | None = None,
) -> PairRule:
    """Lock (must pair) or forbid (never pair) a mentee and a mentor in later rounds of the
    programme."""
    try:
        kind = PairRuleKind(kind)
    except ValueError:
        raise ValidationError.single("kind", "Choose lock or forbid.") from None
    _user_with_role(mentee_id, Role.MENTEE)
    _user_with_role(mentor_id, Role.MENTOR)
    programme_id = _programme_id(programme_id)
    here = PairRule.programme_id == programme_id
    if kind == PairRuleKind.LOCK:
        # one lock per mentee and programme: a new lock replaces the old one
        db.session.execute(
            delete(PairRule).where(
                here,
                PairRule.mentee_id == mentee_id,
                PairRule.kind == PairRuleKind.LOCK,
                PairRule.mentor_id != mentor_id,
            )
        )
    rule = db.session.scalar(
        select(PairRule).where(
            here, PairRule.mentee_id == mentee_id, PairRule.mentor_id == mentor_id
        )
    )
    if rule is None:
        rule = PairRule(mentee_id=mentee_id, mentor_id=mentor_id, programme_id=programme_id)
        db.session.add(rule)
    rule.kind, rule.source, rule.note, rule.created_by_id = (
        kind, PairRuleSource.COORDINATOR, note or None, created_by_id,
    )  # fmt: skip
    audit.record(created_by_id, AUDIT_ACTIONS[kind], ("user", mentee_id), mentor_id=mentor_id,
                 programme_id=programme_id)  # fmt: skip
    db.session.commit()
    return rule


def remove_pair_rule(
    mentee_id: int, mentor_id: int, actor_id: int | None = None, programme_id: int | None = None
) -> None:
    programme_id = _programme_id(programme_id)
    result = db.session.execute(
        delete(PairRule).where(
            PairRule.programme_id == programme_id,
            PairRule.mentee_id == mentee_id,
            PairRule.mentor_id == mentor_id,
        )
    )
    if result.rowcount:
        audit.record(actor_id, audit.PAIR_RULE_REMOVED, ("user", mentee_id), mentor_id=mentor_id,
                     programme_id=programme_id)  # fmt: skip
    db.session.commit()


def user_id_by_email(email: str, role: Role, field_name: str) -> int:
    """The id of the mentee or mentor with this email (for rules typed in by email)."""
    address = (email or "").strip().lower()
    user_id = db.session.scalar(select(User.id).where(User.email == address, User.role == role))
    if user_id is None:
        raise ValidationError.single(field_name, f"No {role} has the email '{address}'.")
    return user_id


# --- reading them ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleRow:
    mentee: Person
    mentor: Person
    kind: str
    source: str
    note: str | None
    created_at: datetime
    programme_id: int | None = None


def list_pair_rules(programme_ids: frozenset[int] | None = None) -> list[RuleRow]:
    """Every rule (of ``programme_ids`` when given), by kind, oldest first."""
    query = select(PairRule).order_by(PairRule.kind, PairRule.id)
    if programme_ids is not None:
        query = query.where(PairRule.programme_id.in_(programme_ids))
    rules = list(db.session.scalars(query))
    names = persons_by_id({r.mentee_id for r in rules} | {r.mentor_id for r in rules})
    return [
        RuleRow(
            names[r.mentee_id],
            names[r.mentor_id],
            r.kind,
            r.source,
            r.note,
            r.created_at,
            r.programme_id,
        )  # fmt: skip
        for r in rules
    ]


def rules_by_pair(pairs: list[tuple[int, int]], programme_id: int) -> dict[tuple[int, int], str]:
    """The kind of rule (if any) on each (mentee id, mentor id) pair in the programme."""
    if not pairs:
        return {}
    mentee_ids = {mentee for mentee, _ in pairs}
    rows = db.session.execute(
        select(PairRule.mentee_id, PairRule.mentor_id, PairRule.kind).where(
            PairRule.mentee_id.in_(mentee_ids), PairRule.programme_id == programme_id
        )
    ).all()
    return {(row.mentee_id, row.mentor_id): row.kind for row in rows}
