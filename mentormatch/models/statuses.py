"""Every status a row can be in, named once. Stored values are the enum values (plain text)."""

from __future__ import annotations

import enum


class RoundStatus(enum.StrEnum):
    DRAFT = "draft"
    RUNNING = "running"
    PROPOSED = "proposed"
    PUBLISHED = "published"
    CLOSED = "closed"
    FAILED = "failed"


class ProgressStage(enum.StrEnum):
    QUEUED = "queued"
    LOADING = "loading"
    # the engine compiles its kernels (once per install; then loaded from its cache)
    PREPARING = "preparing"
    SCORING = "scoring"
    SOLVING = "solving"
    SAVING = "saving"
    DONE = "done"


class MentorshipStatus(enum.StrEnum):
    """A mentorship from the mentor's proposal to its end (a proposal is a mentorship that is
    still ``PROPOSED``)."""

    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"
    ENDED = "ended"


# A mentee holds at most one open mentorship (a partial unique index on these statuses).
OPEN_MENTORSHIP_STATUSES = (MentorshipStatus.PROPOSED, MentorshipStatus.ACCEPTED)
# A round still being prepared or solved: not yet a proposal a coordinator can act on.
ROUND_IN_PROGRESS = (RoundStatus.DRAFT, RoundStatus.RUNNING)


class PairRuleKind(enum.StrEnum):
    LOCK = "lock"
    FORBID = "forbid"


class PairRuleSource(enum.StrEnum):
    """Who made a pair rule: a coordinator, or a mentorship's outcome."""

    COORDINATOR = "coordinator"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"
    ENDED = "ended"
    AVOIDED = "avoided"  # a mentor's "avoid" mark on a mentee who ranked them
    MENTEE_DECLINED = "mentee-no"  # the mentee declined the proposal


class OutboxStatus(enum.StrEnum):
    """A mail in the outbox: waiting (or retrying), delivered, or given up on."""

    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class ProgrammeKind(enum.StrEnum):
    RESIDENCY = "residency"
    RESEARCH = "research"
    FELLOWSHIP = "fellowship"
    LICENSURE = "licensure"
    GENERAL = "general"


class SignupMode(enum.StrEnum):
    """How people join a programme."""

    OPEN = "open"  # anyone eligible joins at once
    APPROVAL = "approval"  # anyone eligible applies; a coordinator approves
    INVITATION = "invitation"  # only with the programme's invitation link (or a coordinator)


class MembershipStatus(enum.StrEnum):
    """A person's place in a programme."""

    PENDING = "pending"  # applied, awaiting a coordinator's approval
    ACTIVE = "active"
    DECLINED = "declined"  # the application was turned down
    LEFT = "left"  # left the programme, or was removed by a coordinator


class MeetingCadence(enum.StrEnum):
    WEEKLY = "weekly"
    FORTNIGHTLY = "fortnightly"
    MONTHLY = "monthly"


class AgreementChannel(enum.StrEnum):
    """How a pair mainly meets, as their agreement says."""

    VIDEO = "video"
    PHONE = "phone"
    IN_PERSON = "in-person"
    MESSAGES = "messages"


class GoalStatus(enum.StrEnum):
    """A goal of a mentee's pathway plan."""

    NOT_STARTED = "not-started"
    IN_PROGRESS = "in-progress"
    DONE = "done"
    BLOCKED = "blocked"
    NOT_NEEDED = "not-needed"


class EndReason(enum.StrEnum):
    """Why a mentorship ended (None on mentorships ended before reasons were asked)."""

    COMPLETED = "completed"  # goals met, or it reached its end date
    NOT_A_GOOD_FIT = "not-a-good-fit"
    NO_TIME = "no-time"
    NO_RESPONSE = "no-response"  # no response from the other side
    OTHER = "other"


# Endings the programme's coordinators are told about: the mentee needs another mentor.
ENDINGS_TOLD_TO_COORDINATORS = (EndReason.NOT_A_GOOD_FIT, EndReason.NO_RESPONSE)


class MeetingStatus(enum.StrEnum):
    """A meeting of a mentorship: proposed (one side waits for the other to accept), accepted,
    cancelled, or held (logged after it took place)."""

    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    CANCELLED = "cancelled"
    HELD = "held"


# A meeting still ahead of the pair (the next meeting is one of these).
LIVE_MEETING_STATUSES = (MeetingStatus.PROPOSED, MeetingStatus.ACCEPTED)


class MeetingChannel(enum.StrEnum):
    VIDEO = "video"
    PHONE = "phone"
    IN_PERSON = "in-person"


class CheckInKind(enum.StrEnum):
    """A short survey of one side of a mentorship, private to coordinators: the fit check
    after the first logged meeting, a pulse every CHECK_IN_PULSE_DAYS, the close-out survey
    after it ended."""

    FIT = "fit"
    PULSE = "pulse"
    CLOSEOUT = "closeout"


class OutcomeKind(enum.StrEnum):
    """A milestone on a mentee's way to US training (services.outcomes)."""

    EXAM_PASSED = "exam-passed"
    ECFMG_CERTIFIED = "ecfmg-certified"
    USCE = "usce"  # US clinical experience gained
    US_LETTER = "us-letter"  # a US letter of recommendation received
    ABSTRACT = "abstract"
    PUBLICATION = "publication"
    RESEARCH_POSITION = "research-position"
    APPLICATIONS = "applications"  # applications submitted (specialty, number of programmes)
    INTERVIEWS = "interviews"
    MATCH_RESULT = "match-result"
    VISA_OBTAINED = "visa-obtained"


class MatchResult(enum.StrEnum):
    """The Match result an outcome records: matched in the Main Residency Match, matched
    through SOAP (the week's Supplemental Offer and Acceptance Program), or not matched."""

    MATCHED = "matched"
    SOAP = "soap"
    NOT_MATCHED = "not-matched"


# Results that are a residency position.
MATCHED_RESULTS = (MatchResult.MATCHED, MatchResult.SOAP)


def sql_in(values, column: str = "status") -> str:
    """``status IN ('a', 'b')`` for CHECK constraints and partial indexes."""
    return f"{column} IN (" + ", ".join(f"'{v.value}'" for v in values) + ")"
