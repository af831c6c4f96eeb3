"""Exporting profiles to CSV: the import's columns, spreadsheet-safe, a clean round trip."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from mentormatch.services.csv_profiles import import_profiles, iter_export, write_export
from tests.helpers import make_user

DATA = Path(__file__).resolve().parent.parent / "data"
MENTEE_HEADER = "email,full_name,home_country,specialty,preferred_regions,research_interests"


def export_text(kind: str) -> str:
    return "".join(iter_export(kind))


def export_rows(kind: str) -> list[dict[str, str]]:
    text = export_text(kind)
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:], newline="")))


def import_ok(data: bytes, kind: str):
    report = import_profiles(data, kind)
    assert report.ok, report.problems
    return report


def test_export_then_import_changes_nothing_and_exports_the_same_bytes(app):
    tricky = (
        MENTEE_HEADER + ",about,research_tags,graduation_year,publications,"
        "first_author_publications,immigration_status\n"
        'zed@example.org,=cmd|calc,IN,neurology,anywhere,imaging,"Line one\r\nline two",'
        "stroke;ai,2015,4,2,h1b\n"
        "'quoted@example.org,'Ali,EG,urology,TX,oncology,''=already quoted,,,,,\n"
    ).encode()
    with app.app_context():
        import_ok((DATA / "mentees.csv").read_bytes(), "mentee")
        import_ok(tricky, "mentee")
        import_ok((DATA / "mentors.csv").read_bytes(), "mentor")
        for kind, people in (("mentee", 5), ("mentor", 2)):
            first = export_text(kind)
            report = import_ok(first.encode(), kind)
            assert (report.created, report.updated, report.unchanged) == (0, 0, people)
            assert export_text(kind) == first


def test_the_target_match_year_goes_out_and_comes_back(app):
    data = (MENTEE_HEADER + ",target_match_year\n"
            "ana@example.org,Ana,IN,neurology,NY,imaging,2027\n").encode()  # fmt: skip
    with app.app_context():
        import_ok(data, "mentee")
        [row] = export_rows("mentee")
        assert row["target_match_year"] == "2027"
        first = export_text("mentee")
        report = import_ok(first.encode(), "mentee")
        assert report.unchanged == 1
        wrong = import_profiles(data.replace(b",2027", b",1999"), "mentee")
        assert not wrong.ok


def test_cells_a_spreadsheet_would_run_as_formulas_are_neutralised(app):
    data = (
        MENTEE_HEADER + ",about\n"
        'a@example.org,=HYPERLINK("http://x"),IN,neurology,NY,imaging,+1 555\n'
        "b@example.org,@SUM(A1),IN,neurology,NY,imaging,-3\n"
        "c@example.org,'Ali,IN,neurology,NY,imaging,''=x\n"
        "d@example.org,Dr Dee,IN,neurology,NY,imaging,a = b\n"
    ).encode()
    with app.app_context():
        import_ok(data, "mentee")
        rows = {row["email"]: row for row in export_rows("mentee")}
        assert rows["a@example.org"]["full_name"] == '\'=HYPERLINK("http://x")'
        assert rows["a@example.org"]["about"] == "'+1 555"
        assert rows["b@example.org"]["full_name"] == "'@SUM(A1)"
        assert rows["b@example.org"]["about"] == "'-3"
        assert rows["c@example.org"]["full_name"] == "'Ali"  # no formula: left alone
        assert rows["c@example.org"]["about"] == "''=x"  # the value '=x, neutralised
        assert rows["d@example.org"]["about"] == "a = b"


def test_multi_values_usce_and_booleans_are_written_as_the_import_reads_them(app):
    with app.app_context():
        import_ok((DATA / "mentees.csv").read_bytes(), "mentee")
        import_ok((DATA / "mentors.csv").read_bytes(), "mentor")
        aisha = export_rows("mentee")[0]
        assert aisha["email"] == "aisha.khan@example.org"
        assert aisha["specialty"] == "internal-medicine"
        assert aisha["preferred_regions"] == "NY;new-england"
        assert aisha["research_interests"] == "case-report;cardiology"
        assert aisha["usce"] == "observership:3;externship:2"
        assert aisha["goals"] == "residency-match;research-position"
        assert (aisha["usmle_step2ck"], aisha["usmle_step2ck_score"]) == ("score", "245")
        assert (aisha["prefers_img_mentor"], aisha["regions_anywhere"]) == ("yes", "no")
        chidi = export_rows("mentee")[1]
        assert (chidi["preferred_regions"], chidi["home_country"]) == ("anywhere", "NG")
        jane, ravi = export_rows("mentor")
        assert (jane["capacity"], jane["state"], jane["is_img"]) == ("0", "CA", "no")
        assert ravi["support_offered"] == "research-guidance;letters-of-recommendation"


def test_the_header_has_required_columns_first_then_every_field(app):
    with app.app_context():
        mentee_header = export_text("mentee").splitlines()[0]
        mentor_header = export_text("mentor").splitlines()[0]
    assert mentee_header.startswith("\ufeff" + MENTEE_HEADER + ",medical_school,")
    assert {"usce", "languages", "about", "immigration_status"} <= set(mentee_header.split(","))
    assert mentor_header == (
        "\ufeffemail,full_name,specialty,state,research_interests,capacity,position,"
        "subspecialty,institution,city,programme_type,research_tags,support_offered,is_img,"
        "visa_sponsorship,languages,about"
    )


def test_export_holds_each_person_of_the_kind_once_ordered_by_email(app):
    make_user(app, "mentee", email="zoe@example.org")  # registered, profile still empty
    make_user(app, "mentor", email="mo@example.org")
    make_user(app, "coordinator", email="boss@example.org")
    with app.app_context():
        import_ok((DATA / "mentees.csv").read_bytes(), "mentee")
        rows = export_rows("mentee")
        assert [row["email"] for row in rows] == [
            "aisha.khan@example.org",
            "chidi.okafor@example.org",
            "maria.santos@example.org",
            "zoe@example.org",
        ]
        assert rows[-1]["specialty"] == "" and rows[-1]["usce"] == ""
        assert [row["email"] for row in export_rows("mentor")] == ["mo@example.org"]


def test_write_export_writes_the_same_file_and_counts_people(app, tmp_path):
    with app.app_context():
        import_ok((DATA / "mentors.csv").read_bytes(), "mentor")
        path = tmp_path / "mentors.csv"
        with path.open("w", encoding="utf-8", newline="") as out:
            assert write_export("mentor", out) == 2
        assert path.read_bytes() == export_text("mentor").encode()
        assert path.read_bytes().count(b"\r\n") == 3
