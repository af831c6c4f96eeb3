"""The roll-up's figures on a small cohort of two programmes, counted by hand."""

from __future__ import annotations

from sqlalchemy import event

from mentormatch.extensions import db
from mentormatch.models import Mentorship, ProgrammeMember
from mentormatch.services.programmes import catalogue, rollup
from tests.helpers import add_mentee, add_mentor, general_programme_id


def _mentorship(programme_id, mentee, mentor, status):
    db.session.add(Mentorship(programme_id=programme_id, mentee_id=mentee.id,
                              mentor_id=mentor.id, status=status))  # fmt: skip


def test_figures_per_programme(app):
    with app.app_context():
        general = general_programme_id()
        other = catalogue.create({"slug": "research", "name": "Research"}, None).id
        # general: 5 mentees (one not ready, one whose account is off), 2 mentors
        mentees = [add_mentee(f"mentee{i}") for i in range(5)]
        mentees[3].mentee_profile.research_interests = []  # not ready
        mentees[4].active = False
        mentors = [add_mentor(f"mentor{i}", capacity=3) for i in range(2)]
        db.session.flush()
        _mentorship(general, mentees[0], mentors[0], "accepted")
        _mentorship(general, mentees[1], mentors[0], "proposed")
        _mentorship(general, mentees[2], mentors[1], "declined")  # ready again
        _mentorship(general, mentees[2], mentors[0], "ended")  # once matched
        _mentorship(general, mentees[2], mentors[1], "expired")
        # research: mentee0 (also in general) and a pending applicant; mentor1; one
        # declined proposal and one waiting for an answer
        applicant = add_mentee("applicant")
        db.session.flush()
        db.session.add_all([
            ProgrammeMember(programme_id=other, user_id=mentees[0].id, status="active"),
            ProgrammeMember(programme_id=other, user_id=mentees[1].id, status="left"),
            ProgrammeMember(programme_id=other, user_id=mentors[1].id, status="active"),
            ProgrammeMember(programme_id=other, user_id=applicant.id, status="pending"),
        ])  # fmt: skip
        _mentorship(other, mentees[0], mentors[1], "declined")
        _mentorship(other, mentees[0], mentors[1], "proposed")
        db.session.commit()

        statements = []

        def count(*args):
            statements.append(args[2])

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            figures = rollup.rollup()
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        assert len(statements) <= 5, "a few grouped queries, not one per person or programme"

        rows = {row.programme.slug: row for row in figures.rows}
        g, r = rows["general"], rows["research"]
        # applicant is also an active member of general (add_mentee) : 6 mentees there
        assert (g.mentees, g.mentors, g.pending) == (6, 2, 0)
        # ready: mentee2 (declined, ended, expired: nothing open), applicant; not mentee0
        # (accepted), mentee1 (proposed), mentee3 (not ready), mentee4 (account off)
        assert g.ready == 2
        assert (g.matched, g.waiting, g.active, g.declined, g.expired) == (2, 1, 1, 1, 1)
        assert (r.mentees, r.mentors, r.pending, r.members) == (1, 1, 1, 2)
        assert r.ready == 0  # mentee0 waits for an answer there
        assert (r.matched, r.waiting, r.active, r.declined, r.expired) == (0, 1, 0, 1, 0)
        assert figures.totals["waiting"] == 2 and figures.totals["mentees"] == 7

        # a programme coordinator's roll-up: theirs only
        assert [row.programme.id for row in rollup.rollup(frozenset({other})).rows] == [other]
        assert general not in [row.programme.id for row in rollup.rollup(frozenset({other})).rows]
