"""Kept for old imports: the cohort generator now lives in `mentormatch.matching.synthetic`."""

from mentormatch.matching.synthetic import cohort

__all__ = ["cohort"]
