"""SQLAlchemy models. Importing this package registers every table on ``db.metadata``."""

from mentormatch.models.audit import AuditEntry
from mentormatch.models.health import CheckIn, PairNote
from mentormatch.models.login_session import LoginSession
from mentormatch.models.mail import OutboxMessage
from mentormatch.models.meetings import Meeting
from mentormatch.models.mentorship import Mentorship
from mentormatch.models.outcomes import Outcome, OutcomeSurvey
from mentormatch.models.preferences import (
    MarkKind,
    MatchingMode,
    MenteeRanking,
    MentorMark,
    PreferenceWindow,
)
from mentormatch.models.profiles import MenteeProfile, MentorProfile
from mentormatch.models.programmes import Programme, ProgrammeCoordinator, ProgrammeMember
from mentormatch.models.rounds import MatchingRound, PairRule, RoundPair, RoundUnmatched
from mentormatch.models.statuses import (
    ENDINGS_TOLD_TO_COORDINATORS,
    LIVE_MEETING_STATUSES,
    MATCHED_RESULTS,
    OPEN_MENTORSHIP_STATUSES,
    ROUND_IN_PROGRESS,
    AgreementChannel,
    CheckInKind,
    EndReason,
    GoalStatus,
    MatchResult,
    MeetingCadence,
    MeetingChannel,
    MeetingStatus,
    MembershipStatus,
    MentorshipStatus,
    OutboxStatus,
    OutcomeKind,
    PairRuleKind,
    PairRuleSource,
    ProgrammeKind,
    ProgressStage,
    RoundStatus,
    SignupMode,
)
from mentormatch.models.user import Role, User
from mentormatch.models.workspace import Agreement, Message, PlanGoal

__all__ = [
    "ENDINGS_TOLD_TO_COORDINATORS",
    "LIVE_MEETING_STATUSES",
    "MATCHED_RESULTS",
    "OPEN_MENTORSHIP_STATUSES",
    "ROUND_IN_PROGRESS",
    "AgreementChannel",
    "CheckIn",
    "CheckInKind",
    "EndReason",
    "GoalStatus",
    "MatchResult",
    "MeetingCadence",
    "MeetingChannel",
    "MeetingStatus",
    "MembershipStatus",
    "MentorshipStatus",
    "OutboxStatus",
    "OutcomeKind",
    "PairRuleKind",
    "PairRuleSource",
    "ProgrammeKind",
    "ProgressStage",
    "RoundStatus",
    "SignupMode",
    "Agreement",
    "AuditEntry",
    "LoginSession",
    "MarkKind",
    "MatchingMode",
    "MatchingRound",
    "MenteeRanking",
    "MentorMark",
    "PreferenceWindow",
    "Meeting",
    "PairNote",
    "MenteeProfile",
    "MentorProfile",
    "Mentorship",
    "Message",
    "OutboxMessage",
    "Outcome",
    "OutcomeSurvey",
    "PairRule",
    "PlanGoal",
    "Programme",
    "ProgrammeCoordinator",
    "ProgrammeMember",
    "Role",
    "RoundPair",
    "RoundUnmatched",
    "User",
]
