"""Importing rank lists from CSV (services.preferences.rank_csv): the report a dry run gives
(what would be saved and replaced), the replacement itself, and every problem by row."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from mentormatch.extensions import db
from mentormatch.models import AuditEntry, MatchingRound, MenteeRanking, RoundStatus, User
from mentormatch.services import audit
from mentormatch.services.preferences import rank_csv
from mentormatch.services.rounds import transitions
from mentormatch.services.rounds.settings import parse_settings
from tests.helpers import add_mentee, add_mentor

HEADER = "mentee_email,mentor_email,rank\n"


def ana(mentor: str, rank: int | str) -> str:
    return f"ana@mentee.example.org,{mentor}@mentor.example.org,{rank}\n"


@pytest.fixture
def draft(app):
    """Ana, Ben and Cy (mentees) and three mentors of the general programme; a draft round
    where Cy has ranked dr_c first already."""
    with app.app_context():
        for name in ("ana", "ben", "cy"):
            add_mentee(name)
        for name in ("dr_a", "dr_b", "dr_c"):
            add_mentor(name)
        db.session.commit()
        round_id = transitions.create_round(parse_settings({"name": "Spring"}), None).id
        ids = {u.email.split("@")[0]: u.id for u in db.session.scalars(select(User))}
        db.session.add(MenteeRanking(round_id=round_id, mentee_id=ids["cy"],
                                     mentor_id=ids["dr_c"], rank=1))  # fmt: skip
        db.session.commit()
    return round_id


def lists(round_id: int) -> dict[str, list[str]]:
    """mentee -> mentors in rank order, as stored."""
    rows = db.session.execute(
        select(User.email, MenteeRanking.mentor_id, MenteeRanking.rank)
        .join(User, User.id == MenteeRanking.mentee_id)
        .where(MenteeRanking.round_id == round_id)
        .order_by(User.email, MenteeRanking.rank)
    ).all()
    names = {u.id: u.email.split("@")[0] for u in db.session.scalars(select(User))}
    found: dict[str, list[str]] = {}
    for email, mentor_id, _ in rows:
        found.setdefault(email.split("@")[0], []).append(names[mentor_id])
    return found


def test_a_dry_run_says_what_would_be_saved_and_replaced_and_saves_nothing(app, draft):
    cy = "cy@mentee.example.org,dr_a@mentor.example.org,1\n"
    data = HEADER + ana("dr_b", 1) + ana("dr_a", 2) + cy
    with app.app_context():
        report = rank_csv.import_rank_lists(draft, data.encode(), dry_run=True)
        assert report.ok and not report.saved
        assert (report.rows, report.mentees) == (3, 2)
        assert (report.replaced_mentees, report.replaced_ranks) == (1, 1)
        assert report.summary == "Check passed: 3 ranks for 2 mentees; nothing was saved."
        assert report.replaced_text.startswith("1 of these mentees has a rank list in this round")
        assert lists(draft) == {"cy": ["dr_c"]}
        assert db.session.scalar(select(AuditEntry.id)) is None


def test_an_import_replaces_only_the_lists_of_the_mentees_in_the_file_and_is_audited(app, draft):
    with app.app_context():
        coordinator = User(email="co@example.org", full_name="Co", role="coordinator")
        db.session.add(coordinator)
        db.session.commit()
        first = rank_csv.import_rank_lists(draft, (HEADER + ana("dr_b", 1)).encode())
        assert first.saved and lists(draft) == {"ana": ["dr_b"], "cy": ["dr_c"]}
        data = HEADER + "cy@mentee.example.org,dr_a@mentor.example.org,1\n"
        data += "CY@mentee.example.org,dr_b@mentor.example.org,2\n"
        report = rank_csv.import_rank_lists(draft, data.encode(), actor=coordinator)
        assert report.saved and report.replaced_mentees == 1
        assert report.summary == (
            "Imported 2 ranks for 1 mentee; the earlier lists of 1 mentee (1 rank) were replaced."
        )
        assert lists(draft) == {"ana": ["dr_b"], "cy": ["dr_a", "dr_b"]}
        entry = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert entry.action == audit.PREFERENCES_IMPORTED and entry.actor_id == coordinator.id
        assert entry.details == {"rows": 2, "mentees": 1, "replaced": 1}


def test_every_problem_of_a_row_is_reported_and_nothing_is_saved(app, draft):
    data = (
        HEADER
        + "nobody@example.org,dr_a@mentor.example.org,x\n"  # two problems in one row
        + "ana@mentee.example.org,ben@mentee.example.org,1\n"  # a mentee as the mentor
        + ana("dr_a", 2)
        + ana("dr_b", 3)  # ana's ranks 1..3 are whole: no gap is reported for her
        + "ben@mentee.example.org,dr_a@mentor.example.org,1\n"
        + "ben@mentee.example.org,dr_a@mentor.example.org,3\n"  # same mentor; a gap
    )
    with app.app_context():
        report = rank_csv.import_rank_lists(draft, data.encode())
        found = {(p.row, p.column): p for p in report.problems}
        assert set(found) == {
            (2, "mentee_email"), (2, "rank"), (3, "mentor_email"), (7, "mentor_email"),
            (6, "rank"),
        }  # fmt: skip
        # no account, or another role: the same words (nothing about non-members)
        assert "who is an active member of" in found[2, "mentee_email"].expected
        assert found[2, "rank"].expected == "a whole number from 1 to 10"
        assert found[3, "mentor_email"].expected == found[2, "mentee_email"].expected.replace(
            "mentee", "mentor"
        )
        assert "already ranked on row 6" in found[7, "mentor_email"].expected
        assert found[6, "rank"].value == "1, 3" and "without a gap" in found[6, "rank"].expected
        assert report.summary.startswith("Nothing was saved: 5 problems in 4 rows. Fix the file")
        assert lists(draft) == {"cy": ["dr_c"]}


def test_a_file_that_cannot_be_read_or_has_no_rows_is_a_problem_not_an_error(app, draft):
    with app.app_context():
        workbook = rank_csv.import_rank_lists(draft, b"PK\x03\x04 workbook")
        assert workbook.problems[0].row is None
        assert "Excel workbook" in workbook.problems[0].expected
        empty = rank_csv.import_rank_lists(draft, HEADER.encode())
        assert [p.row for p in empty.problems] == [2] and not empty.ok
        header = rank_csv.import_rank_lists(draft, b"mentee,mentor,rank\na,b,1\n")
        assert "missing: mentee_email, mentor_email" in header.problems[0].expected
        big = rank_csv.import_rank_lists(draft, (HEADER + ana("dr_a", 1)).encode(), max_bytes=20)
        assert "Files can be at most 20 bytes" in big.problems[0].expected


def test_only_a_draft_round_takes_rank_lists(app, draft):
    with app.app_context():
        db.session.get(MatchingRound, draft).status = RoundStatus.PROPOSED
        db.session.commit()
        assert "only into a draft round" in rank_csv.import_refusal(
            db.session.get(MatchingRound, draft)
        )
        report = rank_csv.import_rank_lists(draft, (HEADER + ana("dr_a", 1)).encode())
        assert not report.ok and report.problems[0].row is None
        assert lists(draft) == {"cy": ["dr_c"]}


def test_a_long_report_lists_the_first_problems_and_counts_the_rest(app, draft):
    data = HEADER + "".join(f"p{i}@example.org,dr_a@mentor.example.org,{i % 9 + 1}\n"
                            for i in range(12))  # fmt: skip
    with app.app_context():
        report = rank_csv.import_rank_lists(draft, data.encode(), max_problems=5)
        assert report.problem_count == 12 and len(report.problems) == 5
        assert report.unlisted == 7 and report.unlisted_rows == 7
        assert [p.row for p in report.problems] == [2, 3, 4, 5, 6]


def test_lists_saved_by_someone_else_during_the_import_are_told_not_a_crash(
    app, draft, monkeypatch
):
    # A double click on PostgreSQL: each import's DELETE misses the other's rows and the
    # second INSERT hits the unique rank. Here the other transaction's row lands between
    # this import's DELETE and INSERT (found in review: the IntegrityError was a 500).
    data = "mentee_email,mentor_email,rank\nana@mentee.example.org,dr_a@mentor.example.org,1\n"
    with app.app_context():
        ana = db.session.scalar(select(User.id).where(User.email == "ana@mentee.example.org"))
        dr_b = db.session.scalar(select(User.id).where(User.email == "dr_b@mentor.example.org"))
        real_flush = db.session.flush

        def flush_then_the_other_import(*args, **kwargs):
            real_flush(*args, **kwargs)
            db.session.execute(MenteeRanking.__table__.insert().values(
                round_id=draft, mentee_id=ana, mentor_id=dr_b, rank=1))  # fmt: skip

        monkeypatch.setattr(db.session, "flush", flush_then_the_other_import, raising=False)
        report = rank_csv.import_rank_lists(draft, data.encode())
        monkeypatch.undo()
        assert not report.saved and report.problems[0].row is None
        assert "came in between" in report.problems[0].expected
        assert lists(draft) == {"cy": ["dr_c"]}  # nothing of the file, nothing half-saved
