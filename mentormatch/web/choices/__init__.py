"""Stated preferences: mentees browse and rank mentors, mentors see who ranked them."""

from mentormatch.web.choices.views import bp

__all__ = ["bp"]
