"""Stated preferences: a round's preference window, mentees' rank lists, mentors' marks, the
figures a round keeps about them, and their CSV import and export (models.preferences)."""
