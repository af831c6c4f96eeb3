"""`mentormatch round run | publish | export` on the command line (rounds run in-process)."""

from __future__ import annotations

import csv

import pytest
from sqlalchemy import func, select

from mentormatch.extensions import db
from mentormatch.models import MatchingRound, Mentorship
from tests.helpers import add_mentee, add_mentor


@pytest.fixture
def cohort(app):
    with app.app_context():
        people = {
            "ana": add_mentee("+ana"),  # a spreadsheet would run "+ana@..." as a formula
            "ben": add_mentee("ben", specialty="pediatrics", regions=("TX",), country="NG"),
            "cho": add_mentee("cho", specialty="psychiatry", regions=("CA",), country="PH"),
            "dr_im": add_mentor("dr_im"),
            "dr_peds": add_mentor("dr_peds", specialty="pediatrics", state="TX"),
        }
        db.session.commit()
        return {name: user.id for name, user in people.items()}


def run_round(runner, *options: str) -> int:
    result = runner.invoke(args=["round", "run", *options])
    assert result.exit_code == 0, result.output
    return int(result.output.split()[1])


def test_round_run_prints_the_id_and_a_summary(app, runner, cohort):
    result = runner.invoke(
        args=["round", "run", "--name", "Nightly", "--weights", "specialty=1,region=0",
              "--objective", "score", "--min-score", "0.1"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Round 1 proposed: 2 of 3 mentees matched (66.7% coverage)")
    assert "1 unmatched" in result.output
    with app.app_context():
        settings = db.session.get(MatchingRound, 1).settings
    assert settings["name"] == "Nightly" and settings["objective"] == "score"
    assert settings["weights"] == {
        "specialty": 1.0, "region": 0.0, "research": 0.3,
        "support": 0.0, "language": 0.0, "img_mentor": 0.0, "visa": 0.0,
    }  # fmt: skip
    assert settings["min_score"] == 0.1


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--weights", "colour=1"], "name=value"),
        (["--min-score", "3"], "Must be between 0 and 1"),
        (["--weights", "specialty=0,region=0,research=0"], "At least one weight"),
    ],
)
def test_round_run_refuses_bad_settings(app, runner, cohort, options, message):
    result = runner.invoke(args=["round", "run", *options])
    assert result.exit_code == 1 and message in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(MatchingRound)) == 0


def test_a_failed_run_exits_1_with_the_reason(runner, cohort, monkeypatch):
    from mentormatch.services.rounds import run as run_module

    def broken(problem):
        raise MemoryError("out of memory while solving")

    monkeypatch.setattr(run_module, "solve", broken)
    result = runner.invoke(args=["round", "run"])
    assert result.exit_code == 1
    assert "round 1 failed: MemoryError: out of memory while solving" in result.output


def test_round_publish_once(app, runner, cohort):
    round_id = run_round(runner)
    result = runner.invoke(args=["round", "publish", str(round_id)])
    assert result.exit_code == 0, result.output
    assert f"Round {round_id} published: 2 proposals sent." in result.output
    again = runner.invoke(args=["round", "publish", str(round_id)])
    assert again.exit_code == 1 and "only a proposed round can be published" in again.output
    missing = runner.invoke(args=["round", "publish", "99"])
    assert missing.exit_code == 1 and "No round 99" in missing.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Mentorship)) == 2


def test_round_export_writes_a_formula_safe_csv(runner, cohort, tmp_path):
    round_id = run_round(runner)
    out = tmp_path / "pairs.csv"
    result = runner.invoke(args=["round", "export", str(round_id), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert f"Wrote 2 pairs of round {round_id}" in result.output
    with out.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == [
        "mentee_email", "mentor_email", "score", "specialty_score", "region_score",
        "research_score", "support_score", "language_score", "img_mentor_score", "visa_score",
        "locked", "answer", "deadline", "answered_at", "decline_reason",
    ]  # fmt: skip
    by_mentee = {row["mentee_email"]: row for row in rows}
    ana = by_mentee["'+ana@mentee.example.org"]
    assert ana["mentor_email"] == "dr_im@mentor.example.org"
    assert float(ana["score"]) == pytest.approx(1.0) and ana["locked"] == "no"
    assert ana["answer"] == ana["decline_reason"] == ""  # not published: nobody answered yet
    assert float(by_mentee["ben@mentee.example.org"]["specialty_score"]) == 1.0
    missing = runner.invoke(args=["round", "export", "99", "--out", str(tmp_path / "x.csv")])
    assert missing.exit_code == 1 and "No round 99" in missing.output
    assert not (tmp_path / "x.csv").exists()


def test_round_run_takes_the_optional_extras_and_the_export_has_their_columns(
    app, runner, tmp_path
):
    """--weights names the extras; the J-1 mentee gets the mentor whose institution sponsors
    J-1, and the export carries every pair's extras."""
    with app.app_context():
        add_mentee("raj", visa_needed="j1", languages=["hi", "en"],
                   support_sought=["visa-guidance", "interview-prep"])  # fmt: skip
        add_mentee("sam", visa_needed="none")
        add_mentor("dr_sponsor", visa_sponsorship="j1", languages=["en"],
                   support_offered=["visa-guidance"])  # fmt: skip
        add_mentor("dr_none", visa_sponsorship="none", languages=["hi"])
        db.session.commit()
    round_id = run_round(runner, "--weights", "visa=0.5,support=0.25,language=0.25")
    with app.app_context():
        settings = db.session.get(MatchingRound, round_id).settings
    assert settings["weights"]["visa"] == 0.5 and settings["weights"]["language"] == 0.25
    out = tmp_path / "pairs.csv"
    assert runner.invoke(args=["round", "export", str(round_id), "--out", str(out)]).exit_code == 0
    with out.open(newline="", encoding="utf-8") as fh:
        by_mentee = {row["mentee_email"]: row for row in csv.DictReader(fh)}
    raj = by_mentee["raj@mentee.example.org"]
    assert raj["mentor_email"] == "dr_sponsor@mentor.example.org"
    assert float(raj["visa_score"]) == 1.0 and float(raj["support_score"]) == 0.5
    assert float(raj["language_score"]) == 0.0  # English alone is not counted
    sam = by_mentee["sam@mentee.example.org"]
    assert float(sam["visa_score"]) == 0.5 and float(sam["language_score"]) == 0.5
    refused = runner.invoke(args=["round", "run", "--weights", "visas=1"])
    assert refused.exit_code == 1 and "img_mentor" in refused.output
