"""Programmes on the command line: `programme create | list | archive`, and `--programme SLUG`
on import-profiles, export-profiles, `round run | publish | export` and create-coordinator."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from mentormatch.extensions import db
from mentormatch.models import (
    AuditEntry,
    MatchingRound,
    Mentorship,
    Programme,
    ProgrammeCoordinator,
    ProgrammeMember,
    User,
)
from mentormatch.services.programmes import catalogue
from tests.helpers import TEST_PASSWORD, add_mentee, add_mentor

DATA = Path(__file__).resolve().parent / "data"
MENTEES = str(DATA / "mentees.csv")
CHOICES = "choose one with --programme SLUG: general, research"


def count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def members(app, slug: str) -> set[str]:
    """Emails of the active members of programme ``slug``."""
    with app.app_context():
        return set(
            db.session.scalars(
                select(User.email)
                .join(ProgrammeMember, ProgrammeMember.user_id == User.id)
                .join(Programme, Programme.id == ProgrammeMember.programme_id)
                .where(Programme.slug == slug, ProgrammeMember.status == "active")
            )
        )


def make_research(runner) -> None:
    result = runner.invoke(
        args=["programme", "create", "--slug", "research", "--name", "Research mentorship",
              "--kind", "research", "--signup-mode", "approval", "--months", "6"]
    )  # fmt: skip
    assert result.exit_code == 0, result.output


@pytest.fixture
def two_programmes(app, runner):
    """'general' and 'research', each with two mentees and a mentor of its own, and a mentor
    in both."""
    make_research(runner)
    with app.app_context():
        research = catalogue.by_slug("research").id
        general = [add_mentee("gina"), add_mentee("gus"), add_mentor("dr_gen")]
        both = add_mentor("dr_both", capacity=2)
        own = [add_mentee("rita"), add_mentee("rob"), add_mentor("dr_res")]
        db.session.flush()
        db.session.execute(  # add_mentee and add_mentor make members of general: move them
            update(ProgrammeMember)
            .where(ProgrammeMember.user_id.in_([user.id for user in own]))
            .values(programme_id=research)
        )
        db.session.add(ProgrammeMember(programme_id=research, user_id=both.id))
        db.session.commit()
        return {user.full_name.lower(): user.id for user in (*general, both, *own)}


# --- programme create | list | archive -------------------------------------------------------


def test_programme_create_saves_every_setting(app, runner):
    result = runner.invoke(
        args=["programme", "create", "--slug", "Residency-2027", "--name", "Residency  Match 2027",
              "--kind", "residency", "--signup-mode", "invitation", "--description",
              "For IMGs applying in 2027.", "--starts-on", "2026-06-01", "--ends-on",
              "2027-03-31", "--months", "9", "--cadence", "fortnightly", "--answer-days", "7",
              "--eligible-specialties", "internal-medicine,pediatrics",
              "--eligible-match-years", "2027,2028"]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Created programme 'residency-2027': Residency Match 2027" in result.output
    with app.app_context():
        programme = catalogue.by_slug("residency-2027")
        assert (programme.name, programme.kind, programme.signup_mode) == (
            "Residency Match 2027", "residency", "invitation",
        )  # fmt: skip
        assert programme.description == "For IMGs applying in 2027."
        assert (programme.starts_on, programme.ends_on) == (date(2026, 6, 1), date(2027, 3, 31))
        assert (programme.mentorship_months, programme.meeting_cadence) == (9, "fortnightly")
        assert programme.answer_days == 7
        assert programme.eligibility == {
            "specialties": ["internal-medicine", "pediatrics"], "match_years": [2027, 2028],
        }  # fmt: skip
        assert db.session.scalar(
            select(AuditEntry.action).where(AuditEntry.programme_id == programme.id)
        ) == "programme.created"  # fmt: skip


def test_programme_create_names_every_problem_and_saves_nothing(app, runner):
    before = count(app, Programme)
    result = runner.invoke(
        args=["programme", "create", "--slug", "General", "--name", " ", "--starts-on",
              "2027-05-01", "--ends-on", "2027-01-01", "--months", "99", "--answer-days", "x",
              "--eligible-specialties", "dentistry", "--eligible-match-years", "1999"]
    )  # fmt: skip
    assert result.exit_code == 1
    for expected in (
        "Error (slug): Another programme already uses 'general'.",
        "Error (name): Give the programme a name.",
        "Error (ends_on): The end date comes before the start date.",
        "Error (mentorship_months): Must be between 1 and 60; got 99.",
        "Error (answer_days): 'x' is not a whole number.",
        "Error (eligible_specialties): 'dentistry' is not a specialty code.",
        "Error (eligible_match_years): '1999' is not a year",
    ):
        assert expected in result.output, result.output
    assert count(app, Programme) == before
    bad_kind = runner.invoke(args=["programme", "create", "--slug", "x", "--name", "X",
                                   "--kind", "hobby"])  # fmt: skip
    assert bad_kind.exit_code == 2 and "--kind" in bad_kind.output
    assert count(app, Programme) == before


def test_programme_list_shows_each_programme_with_its_members(app, runner, two_programmes):
    runner.invoke(args=["programme", "create", "--slug", "old", "--name", "Old cohort"])
    assert runner.invoke(args=["programme", "archive", "old", "--yes"]).exit_code == 0
    result = runner.invoke(args=["programme", "list"])
    assert result.exit_code == 0, result.output
    header, *lines = result.output.splitlines()
    assert header.split() == ["SLUG", "NAME", "KIND", "SIGN-UP", "MEMBERS", "ARCHIVED"]
    rows = {line.split()[0]: line for line in lines}
    assert list(rows) == ["general", "research", "old"]  # by name, archived last
    assert rows["general"].split()[-4:] == ["general", "open", "4", "-"]
    assert "Research mentorship" in rows["research"]
    assert rows["research"].split()[-4:] == ["research", "approval", "4", "-"]
    assert rows["old"].split()[-1] == date.today().isoformat()


def test_programme_archive_asks_first_unless_yes(app, runner):
    make_research(runner)
    declined = runner.invoke(args=["programme", "archive", "research"], input="n\n")
    assert declined.exit_code == 1 and "Aborted" in declined.output
    assert "It will take no new members and run no new rounds" in declined.output
    with app.app_context():
        assert not catalogue.by_slug("research").archived
    confirmed = runner.invoke(args=["programme", "archive", "research"], input="y\n")
    assert confirmed.exit_code == 0 and "Archived programme 'research'." in confirmed.output
    with app.app_context():
        assert catalogue.by_slug("research", allow_archived=True).archived
    again = runner.invoke(args=["programme", "archive", "research", "--yes"])
    assert again.exit_code == 0 and "already archived" in again.output
    missing = runner.invoke(args=["programme", "archive", "nope", "--yes"])
    assert missing.exit_code == 1
    assert "Programme 'nope' does not exist. Programmes: general." in missing.output


# --- import-profiles and export-profiles -----------------------------------------------------


def test_import_into_a_programme_makes_everyone_a_member_of_it(app, runner):
    make_research(runner)
    result = runner.invoke(
        args=["import-profiles", MENTEES, "--kind", "mentee", "--programme", "research"]
    )
    assert result.exit_code == 0, result.output
    assert "Everyone in the file is a member of 'research'" in result.output
    imported = {"aisha.khan@example.org", "chidi.okafor@example.org", "maria.santos@example.org"}
    assert members(app, "research") == imported
    assert members(app, "general") == set()
    with app.app_context():  # joined by import, although research approves applications
        assert set(db.session.scalars(select(ProgrammeMember.joined_via))) == {"import"}
    # importing the same people into general adds them there too; research keeps them
    again = runner.invoke(
        args=["import-profiles", MENTEES, "--kind", "mentee", "--programme", "general"]
    )
    assert again.exit_code == 0, again.output
    assert members(app, "general") == members(app, "research") == imported
    assert count(app, ProgrammeMember) == 6


def test_import_needs_the_programme_when_there_are_several(app, runner):
    make_research(runner)
    result = runner.invoke(args=["import-profiles", MENTEES, "--kind", "mentee"])
    assert result.exit_code == 1
    assert f"There are 2 programmes; {CHOICES}." in result.output
    unknown = runner.invoke(
        args=["import-profiles", MENTEES, "--kind", "mentee", "--programme", "reserch"]
    )
    assert unknown.exit_code == 1
    assert "Programme 'reserch' does not exist. Programmes: general, research." in unknown.output
    assert count(app, User) == 0


def test_import_into_the_only_programme_needs_no_option(app, runner):
    result = runner.invoke(args=["import-profiles", MENTEES, "--kind", "mentee"])
    assert result.exit_code == 0, result.output
    assert len(members(app, "general")) == 3


def test_import_into_an_archived_programme_is_refused(app, runner):
    make_research(runner)
    runner.invoke(args=["programme", "archive", "research", "--yes"])
    result = runner.invoke(
        args=["import-profiles", MENTEES, "--kind", "mentee", "--programme", "research"]
    )
    assert result.exit_code == 1 and "'research' is archived" in result.output
    assert count(app, User) == 0


def test_export_writes_only_the_programmes_members(app, runner, two_programmes, tmp_path):
    out = tmp_path / "research.csv"
    result = runner.invoke(
        args=["export-profiles", "--kind", "mentee", "--out", str(out), "--programme", "research"]
    )
    assert result.exit_code == 0, result.output
    assert f"Wrote 2 mentees to {out} (the members of 'research')." in result.output
    with out.open(encoding="utf-8-sig", newline="") as fh:
        emails = [row["email"] for row in csv.DictReader(fh)]
    assert emails == ["rita@mentee.example.org", "rob@mentee.example.org"]
    mentors = tmp_path / "mentors.csv"
    runner.invoke(args=["export-profiles", "--kind", "mentor", "--out", str(mentors),
                        "--programme", "general"])  # fmt: skip
    with mentors.open(encoding="utf-8-sig", newline="") as fh:
        emails = [row["email"] for row in csv.DictReader(fh)]
    assert emails == ["dr_both@mentor.example.org", "dr_gen@mentor.example.org"]
    refused = runner.invoke(args=["export-profiles", "--kind", "mentee", "--out",
                                  str(tmp_path / "all.csv")])  # fmt: skip
    assert refused.exit_code == 1 and CHOICES in refused.output
    assert not (tmp_path / "all.csv").exists()


# --- round run | publish | export ------------------------------------------------------------


def run_in(runner, slug: str) -> int:
    result = runner.invoke(args=["round", "run", "--programme", slug])
    assert result.exit_code == 0, result.output
    return int(result.output.split()[1])


def test_round_run_takes_the_programmes_members_only(app, runner, two_programmes):
    refused = runner.invoke(args=["round", "run"])
    assert refused.exit_code == 1 and CHOICES in refused.output
    unknown = runner.invoke(args=["round", "run", "--programme", "nope"])
    assert unknown.exit_code == 1
    assert "Programme 'nope' does not exist. Programmes: general, research." in unknown.output
    assert count(app, MatchingRound) == 0

    research = run_in(runner, "research")
    with app.app_context():
        matching_round = db.session.get(MatchingRound, research)
        assert matching_round.programme.slug == "research"
        assert matching_round.settings["programme_id"] == matching_round.programme_id
        paired = {(pair.mentee_id, pair.mentor_id) for pair in matching_round.pairs}
    people = two_programmes
    assert {mentee for mentee, _ in paired} == {people["rita"], people["rob"]}
    assert {mentor for _, mentor in paired} <= {people["dr_res"], people["dr_both"]}


def test_round_run_in_an_archived_programme_is_refused(app, runner, two_programmes):
    runner.invoke(args=["programme", "archive", "research", "--yes"])
    result = runner.invoke(args=["round", "run", "--programme", "research"])
    assert result.exit_code == 1 and "'research' is archived" in result.output
    # with research archived, general is the only live programme: no option needed
    assert runner.invoke(args=["round", "run"]).exit_code == 0


def test_round_publish_and_export_check_the_programme(app, runner, two_programmes, tmp_path):
    research, general = run_in(runner, "research"), run_in(runner, "general")
    out = tmp_path / "pairs.csv"
    for args in (["publish", str(research)], ["export", str(research), "--out", str(out)]):
        omitted = runner.invoke(args=["round", *args])
        assert omitted.exit_code == 1 and CHOICES in omitted.output
        wrong = runner.invoke(args=["round", *args, "--programme", "general"])
        assert wrong.exit_code == 1
        assert f"Round {research} belongs to programme 'research', not 'general'." in (
            wrong.output
        )
    assert count(app, Mentorship) == 0 and not out.exists()

    published = runner.invoke(args=["round", "publish", str(research), "--programme", "research"])
    assert published.exit_code == 0, published.output
    assert f"Round {research} published: 2 proposals sent." in published.output
    with app.app_context():
        assert set(db.session.scalars(select(Mentorship.programme_id))) == {
            catalogue.by_slug("research").id
        }
    exported = runner.invoke(
        args=["round", "export", str(general), "--out", str(out), "--programme", "general"]
    )
    assert exported.exit_code == 0, exported.output
    with out.open(encoding="utf-8", newline="") as fh:
        mentees = {row["mentee_email"] for row in csv.DictReader(fh)}
    assert mentees == {"gina@mentee.example.org", "gus@mentee.example.org"}
    missing = runner.invoke(args=["round", "publish", "99", "--programme", "general"])
    assert missing.exit_code == 1 and "No round 99" in missing.output


# --- create-coordinator --programme ----------------------------------------------------------


def test_create_coordinator_of_some_programmes_or_of_all(app, runner, auth, monkeypatch):
    make_research(runner)
    runner.invoke(args=["programme", "create", "--slug", "licensure", "--name", "Licensure"])
    monkeypatch.setenv("MENTORMATCH_PASSWORD", TEST_PASSWORD)
    result = runner.invoke(
        args=["create-coordinator", "res@example.org", "--programme", "research",
              "--programme", "licensure"]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Created coordinator res@example.org: coordinator of licensure, research." in (
        result.output
    )
    whole = runner.invoke(args=["create-coordinator", "org@example.org"])
    assert whole.exit_code == 0
    assert "organisation coordinator (every programme)" in whole.output
    with app.app_context():
        res = db.session.scalar(select(User).where(User.email == "res@example.org"))
        org = db.session.scalar(select(User).where(User.email == "org@example.org"))
        assert not res.organisation_wide and org.organisation_wide
        runs = set(
            db.session.scalars(
                select(Programme.slug)
                .join(ProgrammeCoordinator, ProgrammeCoordinator.programme_id == Programme.id)
                .where(ProgrammeCoordinator.user_id == res.id)
            )
        )
        assert runs == {"research", "licensure"}
    assert auth.login("res@example.org").headers["Location"] == "/coordinator/"


def test_create_coordinator_of_an_unknown_programme_saves_nothing(app, runner, monkeypatch):
    monkeypatch.setenv("MENTORMATCH_PASSWORD", TEST_PASSWORD)
    result = runner.invoke(
        args=["create-coordinator", "res@example.org", "--programme", "research"]
    )
    assert result.exit_code == 1
    assert "Programme 'research' does not exist. Programmes: general." in result.output
    assert count(app, User) == 0


def test_a_programmes_default_round_settings_apply_to_its_rounds(app, runner, two_programmes):
    result = runner.invoke(
        args=["programme", "create", "--slug", "visa-track", "--name", "Visa track",
              "--weights", "visa=0.4,region=0", "--objective", "score", "--min-score", "0.2"]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    with app.app_context():
        defaults = catalogue.by_slug("visa-track").round_defaults
    assert defaults["weights"]["visa"] == 0.4 and defaults["weights"]["region"] == 0.0
    assert (defaults["objective"], defaults["min_score"]) == ("score", 0.2)
    bad = runner.invoke(args=["programme", "create", "--slug", "x", "--name", "X",
                              "--weights", "colour=1"])  # fmt: skip
    assert bad.exit_code == 1 and "Error (weights)" in bad.output

    with app.app_context():
        research = catalogue.by_slug("research")
        research.round_defaults = {"weights": {**defaults["weights"], "research": 0.9},
                                   "objective": "score", "min_score": 0.1}  # fmt: skip
        db.session.commit()
    # left out: the programme's; given: that option, the other weights still the programme's
    round_id = run_in(runner, "research")
    again = runner.invoke(args=["round", "run", "--programme", "research", "--weights",
                                "visa=0", "--objective", "coverage"])  # fmt: skip
    assert again.exit_code == 0, again.output
    with app.app_context():
        first = db.session.get(MatchingRound, round_id).settings
        second = db.session.get(MatchingRound, int(again.output.split()[1])).settings
        general = db.session.get(MatchingRound, run_in(runner, "general")).settings
    assert (first["weights"]["research"], first["weights"]["visa"]) == (0.9, 0.4)
    assert (first["objective"], first["min_score"]) == ("score", 0.1)
    assert (second["weights"]["research"], second["weights"]["visa"]) == (0.9, 0.0)
    assert (second["objective"], second["min_score"]) == ("coverage", 0.1)
    assert general["weights"]["visa"] == 0.0 and general["objective"] == "coverage"
