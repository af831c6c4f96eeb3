"""Record, verify and remove a mentee's outcomes, and her switch that shares them with her
mentor.

The mentee records her own; a coordinator of one of her programmes may record one for her and
verifies them (a verified outcome is one a coordinator checked, e.g. against the Match letter).
Either of them may edit one (``edit``): a changed outcome is no longer verified, unless the
coordinator who changes it verifies it again as they save it. Who may read them is
services.audiences (Item.OUTCOMES): the mentee, the coordinators of her programmes, and her
mentor while she shares them.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from mentormatch import codes
from mentormatch.extensions import db
from mentormatch.models import (
    MatchResult,
    MembershipStatus,
    MenteeProfile,
    Outcome,
    OutcomeKind,
    Role,
    User,
)
from mentormatch.models.outcomes import OUTCOME_EXAMS
from mentormatch.models.times import utcnow
from mentormatch.services import audiences, audit
from mentormatch.services.errors import NotFound, ValidationError
from mentormatch.services.programmes import access

KIND_LABELS = {
    OutcomeKind.EXAM_PASSED: "Exam passed",
    OutcomeKind.ECFMG_CERTIFIED: "ECFMG certified",
    OutcomeKind.USCE: "US clinical experience gained",
    OutcomeKind.US_LETTER: "US letter of recommendation received",
    OutcomeKind.ABSTRACT: "Abstract accepted or presented",
    OutcomeKind.PUBLICATION: "Publication",
    OutcomeKind.RESEARCH_POSITION: "Research position",
    OutcomeKind.APPLICATIONS: "Residency applications submitted",
    OutcomeKind.INTERVIEWS: "Interviews",
    OutcomeKind.MATCH_RESULT: "Match result",
    OutcomeKind.VISA_OBTAINED: "Visa obtained",
}
EXAM_LABELS = {
    "usmle-step1": "USMLE Step 1",
    "usmle-step2ck": "USMLE Step 2 CK",
    "usmle-step3": "USMLE Step 3",
    "oet": "OET",
}
RESULT_LABELS = {
    MatchResult.MATCHED: "Matched in the Main Residency Match",
    MatchResult.SOAP: "Matched through SOAP",
    MatchResult.NOT_MATCHED: "Not matched",
}
# A DOI is "10.", a registrant code of 4-9 digits (dot-separated parts allowed), "/", a suffix;
# a PMID is a PubMed number (1-8 digits).
DOI_PATTERN = re.compile(r"10\.\d{4,9}(\.\d+)*/\S+")
PMID_PATTERN = re.compile(r"[1-9]\d{0,7}")
EARLIEST = date(1960, 1, 1)
NUMBER_RANGE = (1, 999)
# what each kind asks for besides its date (the form shows these, the rules check them)
NEEDS: dict[str, tuple[str, ...]] = {
    OutcomeKind.EXAM_PASSED: ("exam",),
    OutcomeKind.APPLICATIONS: ("specialty", "number"),
    OutcomeKind.INTERVIEWS: ("number",),
    OutcomeKind.MATCH_RESULT: ("match_result", "match_year"),
}
USES: dict[str, tuple[str, ...]] = {
    OutcomeKind.EXAM_PASSED: ("exam",),
    OutcomeKind.ECFMG_CERTIFIED: (),
    OutcomeKind.USCE: ("description",),
    OutcomeKind.US_LETTER: ("number", "description"),
    OutcomeKind.ABSTRACT: ("description", "doi", "pmid"),
    OutcomeKind.PUBLICATION: ("description", "doi", "pmid"),
    OutcomeKind.RESEARCH_POSITION: ("description",),
    OutcomeKind.APPLICATIONS: ("specialty", "number"),
    OutcomeKind.INTERVIEWS: ("specialty", "number"),
    OutcomeKind.MATCH_RESULT: ("match_result", "match_year", "specialty"),
    OutcomeKind.VISA_OBTAINED: ("description",),
}


# an outcome's own fields, in the form's order: what ``parse`` gives and ``edit`` may change
FIELDS = ("kind", "achieved_on", "exam", "match_result", "match_year", "specialty", "number",
          "description", "doi", "pmid")  # fmt: skip
# each field in words, for saying what an edit changed ("date, Match year")
FIELD_WORDS = {
    "kind": "what was achieved",
    "achieved_on": "date",
    "exam": "exam",
    "match_result": "Match result",
    "match_year": "Match year",
    "specialty": "specialty",
    "number": "number",
    "description": "title or description",
    "doi": "DOI",
    "pmid": "PMID",
}


@dataclass(frozen=True)
class OutcomeValues:
    """A validated outcome, ready to save."""

    kind: str
    achieved_on: date
    exam: str | None = None
    specialty: str | None = None
    number: int | None = None
    match_result: str | None = None
    match_year: int | None = None
    doi: str | None = None
    pmid: str | None = None
    description: str | None = None


def _text(raw: Mapping[str, object], name: str) -> str:
    value = raw.get(name)
    return "" if value is None else str(value).strip()


def _whole(text: str, field: str, low: int, high: int, what: str, errors: list) -> int | None:
    try:
        value = int(text)
    except ValueError:
        errors.append((field, f"{what} must be a whole number from {low} to {high}."))
        return None
    if not low <= value <= high:
        errors.append((field, f"{what} must be from {low} to {high}; {value} is not."))
        return None
    return value


def parse(raw: Mapping[str, object], today: date) -> OutcomeValues:
    """An outcome from form values (text), or ValidationError naming each field to fix."""
    errors: list[tuple[str, str]] = []
    kind = _text(raw, "kind")
    if kind not in KIND_LABELS:
        raise ValidationError.single("kind", "Choose what you achieved.")
    achieved_on = None
    day = _text(raw, "achieved_on")
    if not day:
        errors.append(("achieved_on", "Give the date (the day you passed, received, matched...)."))
    else:
        try:
            achieved_on = date.fromisoformat(day)
        except ValueError:
            errors.append(("achieved_on", "Give the date as YYYY-MM-DD."))
        else:
            if achieved_on > today:
                errors.append(("achieved_on", "The date cannot be in the future."))
            elif achieved_on < EARLIEST:
                errors.append(("achieved_on", "The date cannot be before 1960."))
    used = USES[kind]
    values: dict[str, object] = {}
    for name in used:
        text = _text(raw, name)
        if not text:
            if name in NEEDS.get(kind, ()):
                errors.append((name, _missing(kind, name)))
            continue
        if name == "exam":
            if text not in OUTCOME_EXAMS:
                errors.append(("exam", "Choose the exam you passed."))
            values[name] = text
        elif name == "specialty":
            if text not in codes.SPECIALTY_CODES:
                errors.append(("specialty", "Choose a specialty from the list."))
            values[name] = text
        elif name == "number":
            values[name] = _whole(text, "number", *NUMBER_RANGE, _number_word(kind), errors)
        elif name == "match_result":
            if text not in RESULT_LABELS:
                errors.append(
                    ("match_result", "Choose matched, matched through SOAP or not matched.")
                )
            values[name] = text
        elif name == "match_year":
            values[name] = _whole(text, "match_year", *codes.MATCH_YEAR_RANGE, "The Match year",
                                  errors)  # fmt: skip
        elif name == "doi":
            text = re.sub(r"^(https?://(dx\.)?doi\.org/|doi:\s*)", "", text, flags=re.I)
            if not DOI_PATTERN.fullmatch(text):
                errors.append(("doi", "A DOI looks like 10.1000/xyz123 (leave it empty if none)."))
            values[name] = text
        elif name == "pmid":
            if not PMID_PATTERN.fullmatch(text):
                errors.append(("pmid", "A PMID is a number of up to 8 digits, like 31452104."))
            values[name] = text
        elif name == "description":
            if len(text) > 300:
                errors.append(("description", "Keep the description under 300 characters."))
            values[name] = text
    if (
        kind == OutcomeKind.MATCH_RESULT
        and values.get("match_result") in (MatchResult.MATCHED, MatchResult.SOAP)
        and not values.get("specialty")
    ):
        errors.append(("specialty", "Give the specialty you matched into."))
    if kind in (OutcomeKind.PUBLICATION, OutcomeKind.ABSTRACT) and not values.get("description"):
        errors.append(("description", "Give the title."))
    if errors:
        raise ValidationError(errors)
    return OutcomeValues(kind=kind, achieved_on=achieved_on, **values)  # type: ignore[arg-type]


def _missing(kind: str, name: str) -> str:
    return {
        "exam": "Choose the exam you passed.",
        "specialty": "Choose the specialty.",
        "number": f"Give the {_number_word(kind).lower()}.",
        "match_result": "Choose matched, matched through SOAP or not matched.",
        "match_year": "Give the year of the Match (e.g. 2027).",
    }[name]


def _number_word(kind: str) -> str:
    return {
        OutcomeKind.APPLICATIONS: "Number of programmes applied to",
        OutcomeKind.INTERVIEWS: "Number of interviews",
        OutcomeKind.US_LETTER: "Number of letters",
    }.get(kind, "The number")


def _mentee(mentee_id: int) -> User:
    mentee = db.session.get(User, mentee_id)
    if mentee is None or mentee.role != Role.MENTEE:
        raise NotFound("There is no such mentee.")
    return mentee


def _coordinator_of(actor: User, mentee_id: int) -> None:
    if actor.role != Role.COORDINATOR or not access.can_see_person(actor, mentee_id):
        raise NotFound("There is no such mentee among your programmes.")


def record(mentee_id: int, actor: User, values: OutcomeValues) -> Outcome:
    """Save an outcome of ``mentee_id``, recorded by the mentee herself or by a coordinator
    of one of her programmes (audited). One Match result per Match year."""
    _mentee(mentee_id)
    if actor.id != mentee_id:
        _coordinator_of(actor, mentee_id)
    outcome = Outcome(mentee_id=mentee_id, recorded_by_id=actor.id, **values.__dict__)
    db.session.add(outcome)
    try:
        db.session.flush()
    except IntegrityError as exc:  # the partial unique index: a result for that year exists
        db.session.rollback()
        raise ValidationError.single(
            "match_year",
            f"A Match result for {values.match_year} is already recorded; remove it first to "
            "record another.",
        ) from exc
    if actor.id != mentee_id:
        audit.record(actor, audit.OUTCOME_RECORDED, ("user", mentee_id), outcome_id=outcome.id,
                     kind=outcome.kind)  # fmt: skip
    db.session.commit()
    return outcome


def _outcome(outcome_id: int) -> Outcome:
    outcome = db.session.get(Outcome, outcome_id)
    if outcome is None:
        raise NotFound("There is no such outcome.")
    return outcome


def verify(outcome_id: int, actor: User, seen: str | None = None) -> Outcome:
    """A coordinator of one of the mentee's programmes checked the outcome. Verifying twice
    keeps the first verification.

    ``seen``: the ``version`` of the outcome on the page whose Verify button was pressed. An
    outcome edited since (she corrected it) is not verified unseen: refused on ``seen`` with
    what it now says; the UPDATE is conditional on the fields as read, for the same reason."""
    outcome = _outcome(outcome_id)
    _coordinator_of(actor, outcome.mentee_id)
    if seen is not None and seen != version(outcome):
        raise _changed_meanwhile(outcome)
    as_read = [getattr(Outcome, name).is_not_distinct_from(getattr(outcome, name))
               for name in FIELDS]  # fmt: skip
    done = db.session.execute(
        update(Outcome)
        .where(Outcome.id == outcome_id, Outcome.verified_at.is_(None), *as_read)
        .values(verified_at=utcnow(), verified_by_id=actor.id)
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1 and not outcome.verified:  # edited between the read and the write
        db.session.rollback()
        raise _changed_meanwhile(_outcome(outcome_id))
    if done.rowcount == 1:
        audit.record(actor, audit.OUTCOME_VERIFIED, ("user", outcome.mentee_id),
                     outcome_id=outcome.id, kind=outcome.kind)  # fmt: skip
    db.session.commit()
    db.session.refresh(outcome)
    return outcome


def remove(outcome_id: int, actor: User) -> None:
    """The mentee removes one of hers; a coordinator of her programmes may remove one too
    (audited)."""
    outcome = _outcome(outcome_id)
    if actor.id != outcome.mentee_id:
        _coordinator_of(actor, outcome.mentee_id)
        audit.record(actor, audit.OUTCOME_REMOVED, ("user", outcome.mentee_id),
                     outcome_id=outcome.id, kind=outcome.kind)  # fmt: skip
    db.session.delete(outcome)
    db.session.commit()


class Verification(StrEnum):
    """What an edit did to the outcome's verification."""

    UNCHANGED = "unchanged"
    CLEARED = "cleared"  # it was verified; changed, it is not any more
    RENEWED = "renewed"  # it was verified; changed, the coordinator verified it again
    ADDED = "added"  # it was not verified; the coordinator verified it as they saved it


@dataclass(frozen=True)
class Edited:
    """What ``edit`` did: the fields it changed (none when the form came back unchanged) and
    what became of the verification."""

    outcome: Outcome
    changed: tuple[str, ...]
    verification: Verification

    @property
    def changed_words(self) -> str:
        return ", ".join(FIELD_WORDS[name] for name in self.changed)


def version(outcome: Outcome) -> str:
    """A short digest of the outcome as it reads now (its fields and its verification): the
    edit form carries the one its page showed, so a save from a page older than the last
    change is told instead of undoing that change."""
    state = [getattr(outcome, name) for name in (*FIELDS, "verified_at", "verified_by_id")]
    return hashlib.sha256(repr(state).encode()).hexdigest()[:16]


def _changed_meanwhile(outcome: Outcome) -> ValidationError:
    what = f"{KIND_LABELS[outcome.kind]} of {outcome.achieved_on.strftime('%d %b %Y')}"
    details = summary(outcome)
    now = f"{what}{': ' + details if details else ''}" + (", verified" if outcome.verified else "")
    return ValidationError.single(
        "seen",
        f"This outcome was changed since you opened this page (someone else saved it, or you "
        f"did in another tab). It now reads: {now}. Check the form and save again.",
    )


def edit(
    outcome_id: int,
    actor: User,
    raw: Mapping[str, object],
    today: date,
    *,
    verified: bool = False,
    seen: str | None = None,
) -> Edited:
    """Change an outcome: by the mentee herself, or by a coordinator of one of her programmes
    (anyone else: NotFound, before anything is checked). ``raw`` is the whole form, checked by
    ``parse`` as a new outcome is; the kind may change too, and fields the new kind does not
    use are emptied. One Match result per mentee and year holds: a result edited into a year
    that has one is refused on ``match_year``. Nothing is saved on any error.

    ``seen``: the ``version`` the edit form was made from. When the outcome changed since
    (the other person saved it, a coordinator verified it, another tab), the save is refused
    on ``seen`` with the outcome as it now reads, rather than overwriting that change; the
    UPDATE is also conditional on the outcome being as this call read it, for the same reason.

    Verification: an outcome whose fields change is no longer verified, whoever changes it,
    since what a coordinator checked is not what it says now. A coordinator may verify it
    again in the same save by ticking "verified" on the form (``verified=True``: they have
    seen proof of it as it now reads); it is then verified by them, now. Ticked on an
    unverified outcome, changed or not, it verifies it. The mentee cannot verify (refused on
    ``verified``). A form sent back unchanged (and not ticked) changes nothing, not even the
    verification, and writes no audit entry.

    Every change writes one audit entry on the mentee: ``outcome.edited`` naming the fields
    changed and what became of the verification (``verify``'s own entry when the coordinator
    only ticked "verified"), never the fields' values: the audit log is read by the
    organisation's coordinators and kept after the outcome and her account are deleted, wider
    than the outcome's audience (services.audiences, Item.OUTCOMES)."""
    outcome = _outcome(outcome_id)
    if actor.id != outcome.mentee_id:
        _coordinator_of(actor, outcome.mentee_id)
    elif verified:
        raise ValidationError.single("verified", "Only a coordinator can verify an outcome.")
    if seen is not None and seen != version(outcome):
        raise _changed_meanwhile(outcome)
    values = parse(raw, today)
    changed = tuple(name for name in FIELDS if getattr(outcome, name) != getattr(values, name))
    was_verified = outcome.verified
    if not changed:
        if verified and not was_verified:  # only ticked "verified": the Verify button
            return Edited(verify(outcome.id, actor, seen=seen), (), Verification.ADDED)
        return Edited(outcome, (), Verification.UNCHANGED)
    if verified:
        stamp = {"verified_at": utcnow(), "verified_by_id": actor.id}
        verification = Verification.RENEWED if was_verified else Verification.ADDED
    else:
        stamp = {"verified_at": None, "verified_by_id": None}
        verification = Verification.CLEARED if was_verified else Verification.UNCHANGED
    # as read: the fields, and whether (and by whom) it was verified
    as_read = [getattr(Outcome, name).is_not_distinct_from(getattr(outcome, name))
               for name in (*FIELDS, "verified_by_id")]  # fmt: skip
    as_read.append(Outcome.verified_at.is_not(None) if was_verified else
                   Outcome.verified_at.is_(None))  # fmt: skip
    try:
        done = db.session.execute(
            update(Outcome)
            .where(Outcome.id == outcome.id, *as_read)
            .values(**{name: getattr(values, name) for name in FIELDS}, **stamp)
            .execution_options(synchronize_session=False)
        )
    except IntegrityError as exc:  # the partial unique index: a result for that year exists
        db.session.rollback()
        raise ValidationError.single(
            "match_year",
            f"A Match result for {values.match_year} is already recorded; edit that one "
            "instead, or remove it first.",
        ) from exc
    if done.rowcount != 1:  # changed or removed since it was read (another request)
        db.session.rollback()
        if db.session.scalar(select(Outcome.id).where(Outcome.id == outcome_id)) is None:
            raise NotFound("There is no such outcome.")
        raise _changed_meanwhile(_outcome(outcome_id))
    details = {"verification": verification.value} if verification != "unchanged" else {}
    audit.record(actor, audit.OUTCOME_EDITED, ("user", outcome.mentee_id), outcome_id=outcome.id,
                 kind=values.kind, changed=", ".join(changed), **details)  # fmt: skip
    db.session.commit()
    db.session.refresh(outcome)
    return Edited(outcome, changed, verification)


def form_values(outcome: Outcome) -> dict[str, str]:
    """The outcome as the form's text, to edit it (``parse`` reads it back unchanged)."""
    return {
        name: "" if getattr(outcome, name) is None else str(getattr(outcome, name))
        for name in FIELDS
    }


def of_mentee(mentee_id: int) -> list[Outcome]:
    """Her outcomes, newest first."""
    return list(
        db.session.scalars(
            select(Outcome)
            .where(Outcome.mentee_id == mentee_id)
            .order_by(Outcome.achieved_on.desc(), Outcome.id.desc())
        )
    )


def of_mentee_one_any(outcome_id: int) -> Outcome:
    """An outcome by id (the caller checks who may act on it)."""
    return _outcome(outcome_id)


def of_mentee_one(mentee_id: int, outcome_id: int) -> Outcome:
    """One of her outcomes; NotFound for anyone else's."""
    outcome = db.session.get(Outcome, outcome_id)
    if outcome is None or outcome.mentee_id != mentee_id:
        raise NotFound("There is no such outcome among yours.")
    return outcome


def visible_to(viewer: User, mentee_id: int) -> list[Outcome] | None:
    """Her outcomes if ``viewer`` may see them (services.audiences), else None. Coordinators
    only see the people of their programmes."""
    if viewer.role == Role.COORDINATOR and not access.can_see_person(viewer, mentee_id):
        return None
    held = audiences.audiences(viewer, mentee_id)
    if not audiences.may_see(held, audiences.Item.OUTCOMES):
        return None
    return of_mentee(mentee_id)


def awaiting_verification(coordinator: User, limit: int = 200) -> list[Outcome]:
    """Outcomes not verified yet of the mentees of ``coordinator``'s programmes (members now,
    or who applied or left), the most recently recorded first."""
    ids = access.programme_ids_for(coordinator)
    query = (
        select(Outcome)
        .join(User, User.id == Outcome.mentee_id)
        .where(Outcome.verified_at.is_(None), User.active.is_(True))
        .options(selectinload(Outcome.mentee))
        .order_by(Outcome.recorded_at.desc(), Outcome.id.desc())
        .limit(limit)
    )
    clause = access.member_clause(Outcome.mentee_id, ids, statuses=tuple(MembershipStatus))
    if clause is not None:
        query = query.where(clause)
    return list(db.session.scalars(query))


def set_sharing(mentee_id: int, shared: bool) -> None:
    """The mentee's switch: share her outcomes with her mentor, or stop sharing them."""
    profile = db.session.scalar(select(MenteeProfile).where(MenteeProfile.user_id == mentee_id))
    if profile is None:
        raise NotFound("There is no such mentee.")
    profile.outcomes_shared = bool(shared)
    db.session.commit()


def export_for(mentee_id: int) -> list[dict]:
    """Her outcomes for her "Your data" export (who recorded and verified them: "you" or
    "a coordinator", never a coordinator's name)."""
    return [
        {
            "kind": outcome.kind,
            "achieved_on": outcome.achieved_on.isoformat(),
            "exam": outcome.exam,
            "specialty": outcome.specialty,
            "number": outcome.number,
            "match_result": outcome.match_result,
            "match_year": outcome.match_year,
            "doi": outcome.doi,
            "pmid": outcome.pmid,
            "description": outcome.description,
            "recorded_at": outcome.recorded_at.isoformat(),
            "recorded_by": "you" if outcome.recorded_by_id == mentee_id else "a coordinator",
            "verified_at": outcome.verified_at.isoformat() if outcome.verified_at else None,
        }
        for outcome in reversed(of_mentee(mentee_id))
    ]


def summary(outcome: Outcome) -> str:
    """One line in words: "USMLE Step 1", "Matched through SOAP: pediatrics (2027)"."""
    parts = []
    if outcome.exam:
        parts.append(EXAM_LABELS.get(outcome.exam, outcome.exam))
    if outcome.match_result:
        result = RESULT_LABELS.get(outcome.match_result, outcome.match_result)
        parts.append(f"{result} ({outcome.match_year})")
    if outcome.specialty:
        parts.append(codes.label(outcome.specialty))
    if outcome.number is not None:
        parts.append(str(outcome.number))
    if outcome.description:
        parts.append(outcome.description)
    if outcome.doi:
        parts.append(f"DOI {outcome.doi}")
    if outcome.pmid:
        parts.append(f"PMID {outcome.pmid}")
    return " · ".join(parts)
