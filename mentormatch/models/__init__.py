"""SQLAlchemy models. Importing this package registers every table on ``db.metadata``."""

from mentormatch.models.user import Role, User

__all__ = ["Role", "User"]
