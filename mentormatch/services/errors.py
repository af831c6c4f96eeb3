"""Domain errors that views turn into messages on the right form field."""

from __future__ import annotations


class ServiceError(Exception):
    """Base class of the errors a service raises for a person to act on."""


class ValidationError(ServiceError):
    """Input that breaks a rule; ``errors`` holds (field, message) pairs."""

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors))

    @classmethod
    def single(cls, field: str, message: str) -> ValidationError:
        return cls([(field, message)])


class NotFound(ServiceError):
    """The record asked for does not exist (or is not visible to the caller)."""
