"""SQLAlchemy models. Importing this package registers every table on ``db.metadata``."""

from mentormatch.models.audit import AuditEntry
from mentormatch.models.login_session import LoginSession
from mentormatch.models.mail import OutboxMessage
from mentormatch.models.mentorship import Mentorship
from mentormatch.models.profiles import MenteeProfile, MentorProfile
from mentormatch.models.rounds import MatchingRound, PairRule, RoundPair, RoundUnmatched
from mentormatch.models.statuses import (
    OPEN_MENTORSHIP_STATUSES,
    ROUND_IN_PROGRESS,
    MentorshipStatus,
    OutboxStatus,
    PairRuleKind,
    PairRuleSource,
    ProgressStage,
    RoundStatus,
)
from mentormatch.models.user import Role, User

__all__ = [
    "OPEN_MENTORSHIP_STATUSES",
    "ROUND_IN_PROGRESS",
    "MentorshipStatus",
    "OutboxStatus",
    "PairRuleKind",
    "PairRuleSource",
    "ProgressStage",
    "RoundStatus",
    "AuditEntry",
    "LoginSession",
    "MatchingRound",
    "MenteeProfile",
    "MentorProfile",
    "Mentorship",
    "OutboxMessage",
    "PairRule",
    "Role",
    "RoundPair",
    "RoundUnmatched",
    "User",
]
