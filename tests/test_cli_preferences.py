"""import-preferences, export-preferences and `preferences mail` on the command line."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from mentormatch.extensions import db
from mentormatch.models import MenteeRanking, OutboxMessage
from mentormatch.services.preferences import windows
from mentormatch.services.rounds import transitions
from mentormatch.services.rounds.settings import parse_settings
from tests.helpers import add_mentee, add_mentor


@pytest.fixture
def draft(app) -> int:
    with app.app_context():
        for name in ("ana", "ben"):
            add_mentee(name)
        for name in ("dr_a", "dr_b", "dr_c"):
            add_mentor(name)
        db.session.commit()
        created = transitions.create_round(parse_settings({"name": "Spring"}), None)
        now = datetime.now(UTC)
        windows.set_window(created.id, None, now - timedelta(hours=1), now + timedelta(days=5))
        return created.id


def rankings(app) -> list[tuple]:
    with app.app_context():
        return db.session.execute(
            select(MenteeRanking.mentee_id, MenteeRanking.mentor_id, MenteeRanking.rank).order_by(
                MenteeRanking.mentee_id, MenteeRanking.rank
            )
        ).all()


def test_an_import_replaces_the_lists_and_the_export_gives_them_back(app, runner, draft, tmp_path):
    text = (
        "mentee_email,mentor_email,rank\r\n"
        "ana@mentee.example.org,dr_b@mentor.example.org,1\r\n"
        "ana@mentee.example.org,dr_a@mentor.example.org,2\r\n"
        "ben@mentee.example.org,dr_c@mentor.example.org,1\r\n"
    )
    path = tmp_path / "ranks.csv"
    path.write_text(text)
    result = runner.invoke(args=["import-preferences", str(path), "--round", str(draft)])
    assert result.exit_code == 0, result.output
    assert "Imported 3 ranks for 2 mentees" in result.output
    assert len(rankings(app)) == 3
    exported = runner.invoke(args=["export-preferences", "--round", str(draft)])
    assert exported.output.replace("\r\n", "\n") == text.replace("\r\n", "\n")


def test_a_bad_file_saves_nothing_and_names_each_problem(app, runner, draft, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(
        "mentee_email,mentor_email,rank\n"
        "ana@mentee.example.org,dr_b@mentor.example.org,1\n"
        "ana@mentee.example.org,dr_b@mentor.example.org,2\n"
        "nobody@example.org,dr_a@mentor.example.org,1\n"
        "ben@mentee.example.org,ana@mentee.example.org,1\n"
        "ben@mentee.example.org,dr_c@mentor.example.org,11\n"
        "ben@mentee.example.org,dr_a@mentor.example.org,3\n"
    )
    result = runner.invoke(args=["import-preferences", str(path), "--round", str(draft)])
    assert result.exit_code == 1
    out = result.output
    assert "row 3, column mentor_email" in out and "each mentor once" in out
    assert "row 4, column mentee_email, value 'nobody@example.org'" in out
    assert "row 5, column mentor_email, value 'ana@mentee.example.org'" in out
    assert "row 6, column rank, value '11': a rank from 1 to 10" in out
    assert "without a gap" in out  # ben's only valid rank is 3
    assert "Nothing was saved" in out
    assert rankings(app) == []


def test_the_window_mails_command_sends_each_mail_once(app, runner, draft):
    first = runner.invoke(args=["preferences", "mail"])
    assert "2 opening" in first.output, first.output
    again = runner.invoke(args=["preferences", "mail"])
    assert "0 opening" in again.output
    with app.app_context():
        assert db.session.scalar(select(func.count(OutboxMessage.id))) == 2


def test_a_dry_run_says_what_an_import_would_replace_and_saves_nothing(
    app, runner, draft, tmp_path
):
    path = tmp_path / "ranks.csv"
    path.write_text(
        "mentee_email,mentor_email,rank\nana@mentee.example.org,dr_a@mentor.example.org,1\n"
    )
    args = ["import-preferences", str(path), "--round", str(draft), "--dry-run"]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert "Check passed: 1 rank for 1 mentee; nothing was saved." in result.output
    assert "None of these mentees has a rank list in this round yet." in result.output
    assert rankings(app) == []
    workbook = tmp_path / "ranks.xlsx"
    workbook.write_bytes(b"PK\x03\x04 a workbook")
    refused = runner.invoke(args=["import-preferences", str(workbook), "--round", str(draft)])
    assert refused.exit_code == 1 and "file: This is an Excel workbook" in refused.output


def test_a_round_id_beyond_the_database_is_refused_in_words(app):
    # found in review: --round 999...9 ended in an OverflowError with a traceback
    result = app.test_cli_runner().invoke(args=["export-preferences", "--round", "9" * 30])
    assert result.exit_code == 2
    assert "Invalid value for '--round'" in result.output
