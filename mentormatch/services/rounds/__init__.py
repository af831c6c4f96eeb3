"""Matching rounds: settings, inputs, running, publishing, review.

The one place where database ids become matrix indices and back (ids sorted, so the same data
always gives the same round).
"""
