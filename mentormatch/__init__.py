"""MentorMatch: mentorship matching for international medical graduates."""

__version__ = "0.1.0"
