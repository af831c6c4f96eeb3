"""import-profiles and export-profiles on the command line."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from mentormatch.extensions import db
from mentormatch.models import OutboxMessage, User

DATA = Path(__file__).resolve().parent / "data"
MENTEES = str(DATA / "mentees.csv")


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_import_profiles_saves_the_file_and_reports_the_counts(app, runner):
    result = runner.invoke(args=["import-profiles", MENTEES, "--kind", "mentee"])
    assert result.exit_code == 0, result.output
    assert "Imported 3 mentee rows: 3 created, 0 updated, 0 unchanged" in result.output
    assert count(app, User) == 3
    assert count(app, OutboxMessage) == 3


def test_a_dry_run_saves_nothing(app, runner):
    result = runner.invoke(args=["import-profiles", MENTEES, "--kind", "mentee", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "nothing was saved" in result.output and "3 created" in result.output
    assert count(app, User) == 0


def test_a_bad_file_exits_non_zero_listing_every_problem(app, runner, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "email,full_name,specialty,state,research_interests,capacity\n"
        "ok@example.org,Ok,cardiology,NY,cardiology,2\n"
        "bad@example.org,Bad,cardiology,ZZ,cardiology,35\n"
    )
    result = runner.invoke(args=["import-profiles", str(bad), "--kind", "mentor"])
    assert result.exit_code == 1
    assert "row 3, column state, value 'ZZ':" in result.output
    assert "row 3, column capacity, value '35': Must be 0 to 20" in result.output
    assert "Nothing was saved: 2 problems in 1 row." in result.output
    assert count(app, User) == 0


def test_the_kind_is_required_and_checked(runner):
    result = runner.invoke(args=["import-profiles", MENTEES])
    assert result.exit_code == 2 and "--kind" in result.output
    result = runner.invoke(args=["import-profiles", MENTEES, "--kind", "coordinator"])
    assert result.exit_code == 2


def test_export_then_import_round_trips_through_files(app, runner, tmp_path):
    runner.invoke(args=["import-profiles", MENTEES, "--kind", "mentee"])
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    result = runner.invoke(args=["export-profiles", "--kind", "mentee", "--out", str(first)])
    assert result.exit_code == 0, result.output
    assert f"Wrote 3 mentees to {first}" in result.output
    result = runner.invoke(args=["import-profiles", str(first), "--kind", "mentee"])
    assert "0 created, 0 updated, 3 unchanged" in result.output
    runner.invoke(args=["export-profiles", "--kind", "mentee", "--out", str(second)])
    assert first.read_bytes() == second.read_bytes()
    assert count(app, OutboxMessage) == 3
