"""The mentorship page and its parts, for its mentee and mentor only."""
