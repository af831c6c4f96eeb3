"""SQLAlchemy models. Importing this package registers every table on ``db.metadata``."""

from mentormatch.models.mail import OutboxMessage
from mentormatch.models.mentorship import Mentorship
from mentormatch.models.profiles import MenteeProfile, MentorProfile
from mentormatch.models.user import Role, User

__all__ = ["MenteeProfile", "Mentorship", "MentorProfile", "OutboxMessage", "Role", "User"]
