"""SQLAlchemy models. Importing this package registers every table on ``db.metadata``."""

from mentormatch.models.audit import AuditEntry
from mentormatch.models.login_session import LoginSession
from mentormatch.models.mail import OutboxMessage
from mentormatch.models.meetings import Meeting
from mentormatch.models.mentorship import Mentorship
from mentormatch.models.profiles import MenteeProfile, MentorProfile
from mentormatch.models.programmes import Programme, ProgrammeCoordinator, ProgrammeMember
from mentormatch.models.rounds import MatchingRound, PairRule, RoundPair, RoundUnmatched
from mentormatch.models.statuses import (
    LIVE_MEETING_STATUSES,
    OPEN_MENTORSHIP_STATUSES,
    ROUND_IN_PROGRESS,
    MeetingCadence,
    MeetingChannel,
    MeetingStatus,
    MembershipStatus,
    MentorshipStatus,
    OutboxStatus,
    PairRuleKind,
    PairRuleSource,
    ProgrammeKind,
    ProgressStage,
    RoundStatus,
    SignupMode,
)
from mentormatch.models.user import Role, User

__all__ = [
    "LIVE_MEETING_STATUSES",
    "OPEN_MENTORSHIP_STATUSES",
    "ROUND_IN_PROGRESS",
    "MeetingCadence",
    "MeetingChannel",
    "MeetingStatus",
    "MembershipStatus",
    "MentorshipStatus",
    "OutboxStatus",
    "PairRuleKind",
    "PairRuleSource",
    "ProgrammeKind",
    "ProgressStage",
    "RoundStatus",
    "SignupMode",
    "AuditEntry",
    "LoginSession",
    "MatchingRound",
    "Meeting",
    "MenteeProfile",
    "MentorProfile",
    "Mentorship",
    "OutboxMessage",
    "PairRule",
    "Programme",
    "ProgrammeCoordinator",
    "ProgrammeMember",
    "Role",
    "RoundPair",
    "RoundUnmatched",
    "User",
]
