"""Alembic migrations; installed as ``mentormatch.migrations`` so that a non-editable install can
run ``mentormatch db upgrade`` (see pyproject.toml)."""
