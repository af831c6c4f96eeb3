"""Meetings of a mentorship, for its two people: list and propose, accept, move, cancel, log."""
