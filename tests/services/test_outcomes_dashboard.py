"""Outcomes entered through the service show on the dashboard with the figures this test
computes by itself, plainly, from the cohort it made; groups under five are suppressed.

The cohort: 28 mentees of the general programme; mentees 0-23 record a Match result for 2026,
24-27 none; 0-11 have a mentor and held some meetings; three mentees are the only ones with an
undecided visa (a group of three). A research programme holds four more mentees, all matched.
"""

from __future__ import annotations

import statistics
from datetime import UTC, date, datetime, timedelta

from mentormatch import codes
from mentormatch.countries import WORLD_REGION_LABELS, world_region
from mentormatch.extensions import db
from mentormatch.models import Meeting, Mentorship, ProgrammeMember, User
from mentormatch.services import accounts
from mentormatch.services.dashboard import export, report
from mentormatch.services.dashboard.figures import SUPPRESSED_TEXT
from mentormatch.services.mentorships.calendar import match_day
from mentormatch.services.outcomes import records
from mentormatch.services.programmes import catalogue
from tests.helpers import add_mentee, add_mentor, general_programme_id

TODAY = date(2026, 6, 30)
COUNTRIES = ("IN", "NG", "PH", "EG")
RESULTS = ("matched", "matched", "not-matched", "soap")


def spec(i: int) -> dict:
    """What mentee ``i`` is and achieved: the test's own record of the cohort."""
    return {
        "joined": datetime(2025, 2, 1, tzinfo=UTC) if i < 14 else datetime(2026, 1, 15,
                                                                            tzinfo=UTC),
        "country": COUNTRIES[i % 4],
        "visa": "undecided" if i >= 25 or i == 3 else ("j1", "none", "h1b")[i % 3],
        "specialty": ("internal-medicine", "pediatrics")[i % 2],
        "result": RESULTS[i % 4] if i < 24 else None,
        "meetings": i % 9 if i < 12 else 0,
    }  # fmt: skip


def matched_specialty(i: int) -> str:
    return "family-medicine" if i % 5 == 0 else spec(i)["specialty"]


def build(app) -> dict:
    """The cohort, through the services where a person would act (results recorded by the
    mentee); memberships, mentorships and meetings as rows."""
    with app.app_context():
        general = general_programme_id()
        research = catalogue.create({"slug": "research", "name": "Research"}, None).id
        mentor = add_mentor("mentor", capacity=20)
        ids = []
        for i in range(28):
            s = spec(i)
            mentee = add_mentee(f"mentee{i}", country=s["country"], visa_needed=s["visa"],
                                specialty=s["specialty"])  # fmt: skip
            db.session.flush()
            member = db.session.query(ProgrammeMember).filter_by(user_id=mentee.id).one()
            member.applied_at = s["joined"]
            ids.append(mentee.id)
        extra = []
        for i in range(4):  # research only: all matched
            mentee = add_mentee(f"research{i}", country="BR", visa_needed="j1")
            db.session.flush()
            member = db.session.query(ProgrammeMember).filter_by(user_id=mentee.id).one()
            member.programme_id = research
            extra.append(mentee.id)
        db.session.flush()
        for i, mentee_id in enumerate(ids[:12]):
            mentorship = Mentorship(
                programme_id=general, mentee_id=mentee_id, mentor_id=mentor.id,
                status="accepted", responded_at=datetime(2026, 1, 10, tzinfo=UTC),
                ends_on=date(2027, 1, 10),
            )  # fmt: skip
            db.session.add(mentorship)
            db.session.flush()
            for k in range(spec(i)["meetings"]):
                db.session.add(Meeting(
                    mentorship_id=mentorship.id, starts_at=datetime(2026, 1, 20, 15, tzinfo=UTC)
                    + timedelta(days=18 * k), duration_minutes=60, time_zone="UTC",
                    channel="video", agenda="Plan", status="held", uid=f"m{i}-{k}@test",
                ))  # fmt: skip
        db.session.commit()
        for i, mentee_id in enumerate(ids):
            result = spec(i)["result"]
            if result is None:
                continue
            mentee = db.session.get(User, mentee_id)
            raw = {
                "kind": "match-result",
                "achieved_on": "2026-03-20",
                "match_result": result,
                "match_year": "2026",
                "specialty": matched_specialty(i) if result != "not-matched" else "",
            }
            records.record(mentee_id, mentee, records.parse(raw, TODAY))  # fmt: skip
        for mentee_id in extra:
            mentee = db.session.get(User, mentee_id)
            raw = {
                "kind": "match-result",
                "achieved_on": "2026-03-20",
                "match_result": "matched",
                "match_year": "2026",
                "specialty": "internal-medicine",
            }
            records.record(mentee_id, mentee, records.parse(raw, TODAY))  # fmt: skip
        return {"general": general, "research": research, "ids": ids}


def by_key(board, section_key, table_key=None):
    [section] = [s for s in board.sections if s.key == section_key]
    if table_key is None:
        return {row.label: row.figure for row in section.headlines}
    [table] = [t for t in section.tables if t.key == table_key]
    return {row.label: row.figure for row in table.rows}


def test_match_rates_equal_those_counted_by_hand(app):
    cohort = build(app)
    answered = [i for i in range(28) if spec(i)["result"] is not None]
    matched = [i for i in answered if spec(i)["result"] in ("matched", "soap")]
    with app.app_context():
        board = report.dashboard(frozenset({cohort["general"]}), TODAY)
        headlines = by_key(board, "outcomes")
        assert headlines["Mentees counted"].text == "28"
        assert headlines["Mentees with a Match result"].text == "24"
        match_rate = headlines["Match rate"]
        assert (match_rate.count, match_rate.group) == (len(matched), len(answered)) == (18, 24)
        assert match_rate.text == f"{round(100 * 18 / 24)}% of 24"

        # matched in the first-choice specialty: of the matched, those whose matched
        # specialty is the profile's first choice
        first = [i for i in matched if matched_specialty(i) == spec(i)["specialty"]]
        figure = headlines["Matched in their first-choice specialty"]
        assert (figure.count, figure.group) == (len(first), len(matched))

        # the median months from joining to Match Day 2026, over the matched
        waits = [(match_day(2026) - spec(i)["joined"].date()).days / (365.25 / 12)
                 for i in matched]  # fmt: skip
        wait = headlines["Time from joining to the Match (median)"]
        assert wait.group == len(matched)
        assert abs(wait.value - statistics.median(waits)) < 1e-9

        # by cohort: the year each joined
        cohorts = by_key(board, "outcomes", "by-cohort")
        for year in (2025, 2026):
            members = [i for i in answered if spec(i)["joined"].year == year]
            won = [i for i in members if i in matched]
            assert (cohorts[f"Joined in {year}"].count, cohorts[f"Joined in {year}"].group) == (
                len(won), len(members))  # fmt: skip

        # by home region
        regions = by_key(board, "outcomes", "by-home-region")
        for country in COUNTRIES:
            name = WORLD_REGION_LABELS[world_region(country)]
            members = [i for i in answered if spec(i)["country"] == country]
            won = [i for i in members if i in matched]
            assert (regions[name].count, regions[name].group) == (len(won), len(members))
            assert not regions[name].suppressed

        # by first-choice specialty
        specialties = by_key(board, "outcomes", "by-specialty")
        for code in ("internal-medicine", "pediatrics"):
            members = [i for i in answered if spec(i)["specialty"] == code]
            won = [i for i in members if i in matched]
            got = specialties[codes.label(code)]
            assert (got.count, got.group) == (len(won), len(members))

        # engagement against outcome: six or more logged meetings against fewer
        engaged = by_key(board, "engagement-outcome", "by-meetings")
        many = [i for i in answered if spec(i)["meetings"] >= 6]
        few = [i for i in answered if spec(i)["meetings"] < 6]
        got_many, got_few = engaged["Met 6 or more times"], engaged["Met fewer than 6 times"]
        assert (got_many.count, got_many.group) == (len([i for i in many if i in matched]),
                                                    len(many))  # fmt: skip
        assert (got_few.count, got_few.group) == (len([i for i in few if i in matched]),
                                                  len(few))  # fmt: skip


def test_meetings_per_pair_per_month_equal_those_counted_by_hand(app):
    cohort = build(app)
    meetings_in: dict[tuple[int, int], int] = {}
    for i in range(12):
        for k in range(spec(i)["meetings"]):
            day = datetime(2026, 1, 20, 15, tzinfo=UTC) + timedelta(days=18 * k)
            meetings_in[(day.year, day.month)] = meetings_in.get((day.year, day.month), 0) + 1
    with app.app_context():
        board = report.dashboard(frozenset({cohort["general"]}), TODAY)
        months = by_key(board, "engagement", "meetings-per-pair")
        assert len(months) == 12
        # Jul 2025 - Dec 2025: no mentorship ran yet: a group of 0, suppressed
        for label in ("Jul 2025", "Dec 2025"):
            assert months[label].suppressed and months[label].text == SUPPRESSED_TEXT
        for month in range(1, 7):  # the 12 pairs ran from 10 January 2026
            label = date(2026, month, 1).strftime("%b %Y")
            got = months[label + (" (so far)" if month == TODAY.month else "")]  # its last day
            assert got.group == 12
            assert abs(got.value - meetings_in.get((2026, month), 0) / 12) < 1e-9
        overall = by_key(board, "engagement")["Meetings per pair per month (12 months)"]
        assert abs(overall.value - sum(meetings_in.values()) / (12 * 6)) < 1e-9


def test_groups_under_five_are_suppressed_everywhere(app):
    cohort = build(app)
    with app.app_context():
        board = report.dashboard(frozenset({cohort["general"]}), TODAY)
        visas = by_key(board, "outcomes", "by-visa-need")
        # undecided: mentees 3 and 25-27 have it, of whom only 3 recorded a result: a group
        # of one; hidden, and so the next smallest group too (else the total would tell)
        answered_undecided = [i for i in range(24) if spec(i)["visa"] == "undecided"]
        assert answered_undecided == [3]
        assert visas["Undecided"].suppressed and visas["Undecided"].text == SUPPRESSED_TEXT
        sizes = {name: figure.group for name, figure in visas.items() if name != "Undecided"}
        smallest = min(sizes, key=lambda name: (sizes[name], name))
        assert visas[smallest].suppressed and visas[smallest].group >= 5
        assert [name for name, f in visas.items() if f.suppressed] == sorted(
            ["Undecided", smallest], key=list(visas).index)  # fmt: skip

        text = export.as_csv(board)
        lines = [line for line in text.splitlines() if "visa" in line.lower()]
        hidden = [line for line in lines if "Undecided" in line or smallest in line]
        assert hidden and all(line.endswith(f"{SUPPRESSED_TEXT},{SUPPRESSED_TEXT}")
                              for line in hidden)  # fmt: skip

        # the research programme alone: four mentees, every figure of its outcomes hidden
        small = report.dashboard(frozenset({cohort["research"]}), TODAY)
        outcome_figures = by_key(small, "outcomes")
        assert all(f.suppressed for f in outcome_figures.values())
        assert "4" not in [f.text for f in outcome_figures.values()]
        assert SUPPRESSED_TEXT in export.as_csv(small)
        assert ",4," not in export.as_csv(small)


def test_the_roll_up_counts_both_programmes_and_compares_them(app):
    cohort = build(app)
    with app.app_context():
        board = report.dashboard(None, TODAY)
        headlines = by_key(board, "outcomes")
        # 24 of general with a result (18 matched) and 4 of research (all matched)
        assert (headlines["Match rate"].count, headlines["Match rate"].group) == (22, 28)
        programmes = by_key(board, "programmes", "by-programme")
        assert programmes["Research"].suppressed
        general = programmes[catalogue.get(cohort["general"]).name]
        assert (general.count, general.group) == (18, 24)  # counted right, and yet hidden:
        # shown beside the headline's 22 of 28, it would give research's 4 of 4 away
        assert general.suppressed


def test_only_verified_results_count_when_asked(app):
    cohort = build(app)
    with app.app_context():
        coordinator = accounts.create_coordinator(
            accounts.NewAccount("c@example.org", "correct-horse-battery", "C", "coordinator")
        )
        for mentee_id in cohort["ids"][:6]:  # 0-5: matched, matched, not, soap, matched, matched
            [outcome] = records.of_mentee(mentee_id)
            records.verify(outcome.id, coordinator)
        board = report.dashboard(frozenset({cohort["general"]}), TODAY, only_verified=True)
        rate = by_key(board, "outcomes")["Match rate"]
        assert (rate.count, rate.group) == (5, 6)
