"""Importing mentees and mentors from CSV: all rows or none, with a report a person can act on."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import event, func, select

from mentormatch.extensions import db
from mentormatch.models import MenteeProfile, MentorProfile, OutboxMessage, ProgrammeMember, User
from mentormatch.services.csv_profiles import import_profiles
from mentormatch.services.programmes import catalogue
from tests.helpers import make_user

DATA = Path(__file__).resolve().parent.parent / "data"
MENTEE_HEADER = "email,full_name,home_country,specialty,preferred_regions,research_interests"
MENTOR_HEADER = "email,full_name,specialty,state,research_interests,capacity"
GOOD_MENTEE = "ana@example.org,Dr Ana Lima,BR,pediatrics,NY,case-report"
GOOD_MENTOR = "max@example.org,Dr Max Roe,cardiology,NY,cardiology,2"


def csv_bytes(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


def users(role: str | None = None) -> dict[str, User]:
    query = select(User) if role is None else select(User).where(User.role == role)
    return {user.email: user for user in db.session.scalars(query)}


def invitations() -> list[str]:
    query = select(OutboxMessage.to_address).where(OutboxMessage.kind == "invitation")
    return sorted(db.session.scalars(query))


def problems_of(report) -> list[tuple]:
    return [(p.row, p.column, p.value) for p in report.problems]


def test_a_good_mentee_file_creates_invited_people_with_clean_codes(app):
    with app.app_context():
        report = import_profiles((DATA / "mentees.csv").read_bytes(), "mentee")
        assert report.ok, report.problems
        assert (report.rows, report.created, report.updated, report.unchanged) == (3, 3, 0, 0)
        people = users("mentee")
        assert sorted(people) == [
            "aisha.khan@example.org",
            "chidi.okafor@example.org",
            "maria.santos@example.org",
        ]
        aisha = people["aisha.khan@example.org"]
        assert aisha.password_hash is None and aisha.invited_at is not None
        profile = aisha.mentee_profile
        assert profile.specialty == "internal-medicine"  # given as the label
        assert profile.research_interests == ["case-report", "cardiology"]
        assert profile.preferred_regions == ["NY", "new-england"]
        assert profile.usce == [
            {"type": "observership", "months": 3},
            {"type": "externship", "months": 2},
        ]
        assert (profile.usmle_step2ck, profile.usmle_step2ck_score) == ("score", 245)
        assert profile.prefers_img_mentor is True
        chidi = people["chidi.okafor@example.org"].mentee_profile
        assert chidi.home_country == "NG"  # given as the country's name
        assert chidi.regions_anywhere is True and chidi.preferred_regions == []
        assert people["maria.santos@example.org"].full_name == "Dr María Santos"
        assert invitations() == sorted(people)


def test_a_good_mentor_file_creates_mentors(app):
    with app.app_context():
        report = import_profiles((DATA / "mentors.csv").read_bytes(), "mentor")
        assert report.ok and report.created == 2
        jane = users("mentor")["jane.doe@example.org"].mentor_profile
        assert (jane.specialty, jane.state, jane.capacity) == ("pediatrics", "CA", 0)
        assert jane.paused
        ravi = users("mentor")["ravi.menon@example.org"].mentor_profile
        assert ravi.is_img and ravi.support_offered == [
            "research-guidance",
            "letters-of-recommendation",
        ]
        assert len(invitations()) == 2


def test_reimporting_updates_the_same_people_and_invites_nobody_again(app):
    with app.app_context():
        import_profiles(
            csv_bytes(MENTEE_HEADER, GOOD_MENTEE, "bo@example.org,Bo,IN,neurology,CA,imaging"),
            "mentee",
        )
        report = import_profiles(
            csv_bytes(
                MENTEE_HEADER,
                "ANA@Example.org,Dr Ana Lima-Souza,BR,pediatrics,NY;TX,case-report",
                "bo@example.org,Bo,IN,neurology,CA,imaging",
                "cy@example.org,Cy,EG,urology,anywhere,oncology",
            ),
            "mentee",
        )
        assert (report.created, report.updated, report.unchanged) == (1, 1, 1)
        people = users("mentee")
        assert len(people) == 3
        ana = people["ana@example.org"]
        assert ana.full_name == "Dr Ana Lima-Souza"
        assert ana.mentee_profile.preferred_regions == ["NY", "TX"]
        assert invitations() == ["ana@example.org", "bo@example.org", "cy@example.org"]


def test_columns_left_out_of_a_file_keep_their_values(app):
    with app.app_context():
        import_profiles(
            csv_bytes(MENTEE_HEADER + ",languages,hours_per_month", GOOD_MENTEE + ",pt;en,12"),
            "mentee",
        )
        report = import_profiles(
            csv_bytes(MENTEE_HEADER, "ana@example.org,Dr Ana Lima,BR,urology,NY,case-report"),
            "mentee",
        )
        assert report.updated == 1
        profile = users()["ana@example.org"].mentee_profile
        assert profile.specialty == "urology"
        assert (profile.languages, profile.hours_per_month) == (["pt", "en"], 12)


def test_an_empty_optional_cell_clears_that_field(app):
    with app.app_context():
        header = MENTEE_HEADER + ",hours_per_month"
        import_profiles(csv_bytes(header, GOOD_MENTEE + ",12"), "mentee")
        assert import_profiles(csv_bytes(header, GOOD_MENTEE + ","), "mentee").updated == 1
        assert users()["ana@example.org"].mentee_profile.hours_per_month is None


@pytest.mark.parametrize(
    ("bad_row", "column", "value", "expected"),
    [
        ("x@example.org,X,BR,cardiologyy,NY,case-report", "specialty", "cardiologyy", "specialty"),
        ("x@example.org,X,BR,,NY,case-report", "specialty", "", "Required"),
        ("x@example.org,,BR,pediatrics,NY,case-report", "full_name", "", "Required"),
        ("x@example.org,X,,pediatrics,NY,case-report", "home_country", "", "Required"),
        ("x@example.org,X,BR,pediatrics,NY,", "research_interests", "", "Required"),
        ("x@example.org,X,ZZ,pediatrics,NY,case-report", "home_country", "ZZ", "country"),
        ("x@example.org,X,BR,pediatrics,NY;Atlantis,case-report", "preferred_regions",
         "NY;Atlantis", "'Atlantis'"),
        ("x@example.org,X,BR,pediatrics,NY;anywhere,case-report", "preferred_regions",
         "NY;anywhere", "not both"),
        ("x@example.org,X,BR,pediatrics,NY,knitting", "research_interests", "knitting",
         "research codes"),
        ("not-an-email,X,BR,pediatrics,NY,case-report", "email", "not-an-email", "valid email"),
        (",X,BR,pediatrics,NY,case-report", "email", "", "Required"),
    ],
)  # fmt: skip
def test_a_bad_mentee_row_is_reported_and_nothing_is_saved(app, bad_row, column, value, expected):
    with app.app_context():
        report = import_profiles(csv_bytes(MENTEE_HEADER, GOOD_MENTEE, bad_row), "mentee")
        assert not report.ok and not report.saved
        assert [(p.row, p.column, p.value) for p in report.problems] == [(3, column, value)]
        assert expected in report.problems[0].expected
        assert "Nothing was saved" in report.summary
        assert users() == {} and invitations() == []


@pytest.mark.parametrize(
    ("extra", "bad_row", "column", "value", "expected"),
    [
        ("", "m@example.org,M,cardiology,NY,cardiology,35", "capacity", "35", "0 to 20"),
        ("", "m@example.org,M,cardiology,NY,cardiology,", "capacity", "", "Required"),
        ("", "m@example.org,M,cardiology,,cardiology,2", "state", "", "Required"),
        ("", "m@example.org,M,cardiology,XX,cardiology,2", "state", "XX", "USPS"),
        (",is_img", "m@example.org,M,cardiology,NY,cardiology,2,maybe", "is_img", "maybe",
         "yes or no"),
        (",position", "m@example.org,M,cardiology,NY,cardiology,2,boss", "position", "boss",
         "attending"),
    ],
)  # fmt: skip
def test_a_bad_mentor_row_is_reported(app, extra, bad_row, column, value, expected):
    with app.app_context():
        header = MENTOR_HEADER + extra
        good = GOOD_MENTOR + ("," if extra else "")
        report = import_profiles(csv_bytes(header, good, bad_row), "mentor")
        assert [(p.row, p.column, p.value) for p in report.problems] == [(3, column, value)]
        assert expected in report.problems[0].expected
        assert users() == {}


def test_every_problem_of_every_row_is_listed_at_once(app):
    with app.app_context():
        report = import_profiles(
            csv_bytes(
                MENTEE_HEADER + ",usce,hours_per_month",
                "a@example.org,A,BR,pediatrics,NY,case-report,observership:3,10",
                "b@example.org,B,BR,dentistry,NY,case-report,tourism:2,99",
                "c@example.org,C,BR,pediatrics,NY,case-report,,",
                "d@example.org,D,XX,pediatrics,NY,,,",
            ),
            "mentee",
        )
        assert [problem.row for problem in report.problems] == [3, 3, 3, 5, 5]
        assert sorted(problems_of(report)) == [
            (3, "hours_per_month", "99"),
            (3, "specialty", "dentistry"),
            (3, "usce", "tourism:2"),
            (5, "home_country", "XX"),
            (5, "research_interests", ""),
        ]
        assert "5 problems in 2 rows" in report.summary
        assert users() == {}


def test_spreadsheet_row_numbers_count_the_header_blank_lines_and_multiline_cells(app):
    with app.app_context():
        report = import_profiles(
            csv_bytes(
                MENTEE_HEADER + ",about",
                GOOD_MENTEE + ',"two\nlines"',
                "",
                "b@example.org,B,BR,dentistry,NY,case-report,",
            ),
            "mentee",
        )
        assert problems_of(report) == [(4, "specialty", "dentistry")]


def test_the_same_person_twice_in_a_file_is_an_error(app):
    with app.app_context():
        report = import_profiles(
            csv_bytes(MENTEE_HEADER, GOOD_MENTEE, GOOD_MENTEE.replace("ana@", "ANA@")), "mentee"
        )
        assert problems_of(report) == [(3, "email", "ANA@example.org")]
        assert "already on row 2" in report.problems[0].expected


def test_an_email_of_someone_with_another_role_is_an_error(app):
    make_user(app, "mentor", email="ana@example.org")
    make_user(app, "coordinator", email="boss@example.org")
    with app.app_context():
        report = import_profiles(
            csv_bytes(MENTEE_HEADER, GOOD_MENTEE, GOOD_MENTEE.replace("ana@", "boss@")), "mentee"
        )
        assert problems_of(report) == [
            (2, "email", "ana@example.org"),
            (3, "email", "boss@example.org"),
        ]
        assert "already belongs to a mentor's account" in report.problems[0].expected
        assert users("mentee") == {}
        assert users()["ana@example.org"].mentee_profile is None


def test_a_registered_person_is_updated_not_invited(app):
    make_user(app, "mentee", email="ana@example.org")
    with app.app_context():
        report = import_profiles(csv_bytes(MENTEE_HEADER, GOOD_MENTEE), "mentee")
        assert (report.created, report.updated) == (0, 1)
        ana = users()["ana@example.org"]
        assert ana.password_hash is not None and ana.full_name == "Dr Ana Lima"
        assert ana.mentee_profile.specialty == "pediatrics"
        assert invitations() == []


def test_a_dry_run_reports_what_would_happen_and_saves_nothing(app):
    make_user(app, "mentee", email="ana@example.org")
    with app.app_context():
        before = db.session.scalar(select(MenteeProfile.specialty))
        report = import_profiles(
            csv_bytes(MENTEE_HEADER, GOOD_MENTEE, "bo@example.org,Bo,IN,neurology,CA,imaging"),
            "mentee",
            dry_run=True,
        )
        assert report.ok and not report.saved
        assert (report.created, report.updated) == (1, 1)
        assert "nothing was saved" in report.summary and "1 created, 1 updated" in report.summary
        assert sorted(users()) == ["ana@example.org"]
        assert db.session.scalar(select(MenteeProfile.specialty)) == before
        assert invitations() == []


def test_a_dry_run_of_a_bad_file_lists_the_problems(app):
    with app.app_context():
        report = import_profiles(
            csv_bytes(MENTEE_HEADER, "x@example.org,X,BR,dentistry,NY,case-report"),
            "mentee",
            dry_run=True,
        )
        assert problems_of(report) == [(2, "specialty", "dentistry")]


def test_unknown_and_missing_columns_are_named(app):
    with app.app_context():
        report = import_profiles(
            csv_bytes(
                "email,full_name,specialty,favourite_colour,research_interests", "a,b,c,d,e"
            ),
            "mentee",
        )
        assert problems_of(report) == [
            (1, "favourite_colour", "favourite_colour"),
            (1, "home_country", ""),
            (1, "preferred_regions", ""),
        ]
        assert "Unknown column" in report.problems[0].expected
        assert "Missing column" in report.problems[1].expected


def test_a_mentor_file_imported_as_mentees_says_so(app):
    with app.app_context():
        report = import_profiles((DATA / "mentors.csv").read_bytes(), "mentee")
        assert not report.ok
        assert "This looks like a mentor file" in report.problems[0].expected


def test_rows_are_checked_too_when_the_only_header_problem_is_an_unknown_column(app):
    with app.app_context():
        report = import_profiles(
            csv_bytes(MENTEE_HEADER + ",colour", "x@example.org,X,BR,dentistry,NY,imaging,red"),
            "mentee",
        )
        assert problems_of(report) == [(1, "colour", "colour"), (2, "specialty", "dentistry")]


def test_a_column_twice_is_an_error(app):
    with app.app_context():
        report = import_profiles(csv_bytes(MENTEE_HEADER + ",email", GOOD_MENTEE + ",x"), "mentee")
        assert problems_of(report) == [(1, "email", "email")]


def test_header_names_may_use_spaces_and_capitals(app):
    with app.app_context():
        header = "Email,Full Name,Home country,SPECIALTY,Preferred-Regions,research interests"
        assert import_profiles(csv_bytes(header, GOOD_MENTEE), "mentee").created == 1


def test_cells_are_trimmed_and_a_byte_order_mark_is_accepted(app):
    with app.app_context():
        data = (
            "\ufeff"
            + MENTEE_HEADER
            + "\r\n  ana@example.org , Dr Ana ,br, Pediatrics ,ny ; tx , Case-Report \r\n"
        )
        report = import_profiles(data.encode(), "mentee")
        assert report.ok, report.problems
        profile = users()["ana@example.org"].mentee_profile
        assert (profile.home_country, profile.preferred_regions) == ("BR", ["NY", "TX"])


def test_a_semicolon_separated_file_from_a_european_spreadsheet_is_read(app):
    with app.app_context():
        data = (
            MENTEE_HEADER.replace(",", ";")
            + '\nana@example.org;Ana;BR;pediatrics;"NY;TX";imaging\n'
        )
        report = import_profiles(data.encode(), "mentee")
        assert report.ok, report.problems
        assert users()["ana@example.org"].mentee_profile.preferred_regions == ["NY", "TX"]


def test_a_neutralised_formula_cell_is_read_back_without_its_apostrophe(app):
    with app.app_context():
        data = csv_bytes(MENTEE_HEADER + ",about", GOOD_MENTEE + ",'=HYPERLINK(1)")
        assert import_profiles(data, "mentee").ok
        assert users()["ana@example.org"].mentee_profile.about == "=HYPERLINK(1)"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        # 0x81 is a character neither in UTF-8 (alone) nor in Windows-1252
        (MENTEE_HEADER.encode() + b"\nana@example.org,Dr Ana Jos\x81,BR",
         "neither UTF-8 nor Windows-1252 text: line 2"),
        (b"PK\x03\x04\x14\x00\x06\x00rest-of-a-workbook", "Excel workbook"),
        (b"\xff\xfe" + "email,full_name".encode("utf-16-le") + b"\x00", "UTF-16"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "not a text file"),
        (b"", "The file is empty"),
        (b"\n \n", "The file is empty"),
        (csv_bytes(MENTEE_HEADER, 'ana@example.org,"Dr Ana,BR'), "not a valid CSV file"),
        (csv_bytes(MENTEE_HEADER), "no people below it"),
    ],
)  # fmt: skip
def test_a_file_that_is_not_utf8_csv_gets_a_clear_message(app, data, message):
    with app.app_context():
        report = import_profiles(data, "mentee")
        assert not report.ok
        assert message in report.problems[0].expected


def test_files_over_the_size_limit_are_refused_with_the_limit(app):
    with app.app_context():
        data = csv_bytes(
            MENTEE_HEADER, *[GOOD_MENTEE.replace("ana", f"ana{i}") for i in range(30)]
        )
        report = import_profiles(data, "mentee", max_bytes=len(data) - 1)
        assert not report.ok
        assert "Files can be at most" in report.problems[0].expected
        assert "Split the file" in report.problems[0].expected
        assert users() == {}
        assert import_profiles(data, "mentee", max_bytes=len(data)).created == 30


def test_empty_columns_a_spreadsheet_adds_at_the_end_are_ignored(app):
    with app.app_context():
        report = import_profiles(csv_bytes(MENTEE_HEADER + ",,", GOOD_MENTEE + ",,"), "mentee")
        assert report.ok and report.created == 1
        report = import_profiles(csv_bytes(MENTEE_HEADER + ",,", GOOD_MENTEE + ",,x"), "mentee")
        assert problems_of(report) == [(1, "column 8", "")]


def test_extra_cells_beyond_the_header_are_an_error(app):
    with app.app_context():
        report = import_profiles(csv_bytes(MENTEE_HEADER, GOOD_MENTEE + ",surprise"), "mentee")
        assert problems_of(report) == [(2, "column 7", "surprise")]


def test_a_thousand_rows_are_read_with_a_handful_of_queries(app):
    """Existing people are loaded in bulk, not one query per row."""
    rows = [f"p{i}@example.org,Dr P {i},IN,internal-medicine,NY,case-report" for i in range(1000)]
    data = csv_bytes(MENTEE_HEADER, *rows)
    with app.app_context():
        report = import_profiles(data, "mentee")
        assert (
            report.created == 1000 and "go out with the next scheduled mail run" in report.summary
        )
        assert len(invitations()) == 1000
        statuses = db.session.scalars(select(OutboxMessage.status).distinct()).all()
        assert statuses == ["pending"]  # left to the sender, not mailed inside the import
        db.session.remove()
        statements: list[str] = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            report = import_profiles(data.replace(b",NY,", b",TX,"), "mentee")
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        assert (report.updated, report.created) == (1000, 0)
        assert len(statements) < 30, statements[:40]
        assert db.session.scalar(select(func.count()).select_from(MentorProfile)) == 0
        assert db.session.scalar(select(func.count()).select_from(User)) == 1000


def test_a_mentor_capacity_below_the_seats_already_taken_is_refused(app, tmp_path):
    csv_file = tmp_path / "mentors.csv"
    csv_file.write_text(
        "email,full_name,specialty,state,research_interests,capacity\n"
        "busy@example.org,Dr Busy,cardiology,NY,case-report,3\n"
    )
    with app.app_context():
        assert import_profiles(csv_file.read_bytes(), "mentor").ok
        profile = db.session.scalar(select(MentorProfile))
        profile.seats_taken = 2
        db.session.commit()
        csv_file.write_text(csv_file.read_text().replace(",3\n", ",1\n"))
        report = import_profiles(csv_file.read_bytes(), "mentor")
        assert not report.ok
        assert "capacity cannot be lower than 2" in report.problems[0].expected
        assert db.session.scalar(select(MentorProfile.capacity)) == 3


@pytest.mark.parametrize(
    ("encoding", "delimiter", "read_as"),
    [
        ("utf-16", "\t", "UTF-16"),  # Excel's "Unicode text": tab separated, with a BOM
        ("utf-16", ",", "UTF-16"),
        ("cp1252", ",", "Windows-1252"),  # Excel's plain "CSV" on Windows
        ("latin-1", ";", "Windows-1252"),
    ],
)
def test_files_saved_as_utf16_or_windows_1252_are_read(app, encoding, delimiter, read_as):
    text = MENTOR_HEADER + "\n" + "jose@example.org,Dr José Núñez,cardiology,NY,cardiology,2\n"
    data = text.replace(",", delimiter).encode(encoding)
    with app.app_context():
        checked = import_profiles(data, "mentor", dry_run=True)
        assert checked.ok, checked.problems
        assert f"(read as {read_as} text)" in checked.summary
        assert import_profiles(data, "mentor").created == 1
        assert users()["jose@example.org"].full_name == "Dr José Núñez"


def test_a_blank_preferred_regions_cell_means_anywhere(app):
    """shared/domain.md: preferred US regions, 'none = anywhere'."""
    with app.app_context():
        report = import_profiles(
            csv_bytes(MENTEE_HEADER, "x@example.org,X,BR,pediatrics,,case-report"), "mentee"
        )
        assert report.ok, report.problems
        profile = users()["x@example.org"].mentee_profile
        assert profile.regions_anywhere is True and profile.preferred_regions == []


def test_a_blank_regions_cell_leaves_a_mentee_who_never_answered_unanswered(app):
    """Importing an export changes nothing, also for a mentee who has not chosen yet."""
    make_user(app, "mentee", email="new@example.org")
    with app.app_context():
        report = import_profiles(
            csv_bytes(MENTEE_HEADER, "new@example.org,New,BR,pediatrics,,case-report"), "mentee"
        )
        assert report.ok and report.updated == 1
        profile = users()["new@example.org"].mentee_profile
        assert profile.regions_anywhere is False and profile.preferred_regions == []


def test_languages_may_be_names_or_codes_separated_by_commas(app):
    with app.app_context():
        report = import_profiles(
            csv_bytes(
                MENTEE_HEADER + ",languages",
                GOOD_MENTEE + ',"English, Spanish"',
                "b@example.org,B,IN,pediatrics,NY,imaging,en; HI; urdu",
                "c@example.org,C,IN,pediatrics,NY,imaging,Elvish;en",
            ),
            "mentee",
        )
        assert problems_of(report) == [(4, "languages", "Elvish;en")]
        assert "'Elvish' is not a language we know" in report.problems[0].expected
        report = import_profiles(
            csv_bytes(
                MENTEE_HEADER + ",languages",
                GOOD_MENTEE + ',"English, Spanish"',
                "b@example.org,B,IN,pediatrics,NY,imaging,en; HI; urdu",
            ),
            "mentee",
        )
        assert report.created == 2
        people = users()
        assert people["ana@example.org"].mentee_profile.languages == ["en", "es"]
        assert people["b@example.org"].mentee_profile.languages == ["en", "hi", "ur"]


def test_a_blank_capacity_is_reported_once(app):
    with app.app_context():
        report = import_profiles(
            csv_bytes(MENTOR_HEADER, "m@example.org,M,cardiology,NY,cardiology,"), "mentor"
        )
        assert problems_of(report) == [(2, "capacity", "")]


def test_the_report_lists_the_first_problems_and_counts_the_rest(app):
    """A file of many bad rows: the first problems in row order, then how many more."""
    rows = [f"p{i}@example.org,P,ZZ,dentistry,NY,case-report" for i in range(300)]
    rows.append("not-an-email,P,IN,pediatrics,NY,case-report")  # the last row's email
    with app.app_context():
        report = import_profiles(csv_bytes(MENTEE_HEADER, *rows), "mentee", max_problems=200)
        assert (report.problem_count, report.problem_rows) == (601, 301)
        assert len(report.problems) == 200 and report.unlisted == 401
        assert report.unlisted_rows == 201  # rows 102-302
        assert [p.row for p in report.problems] == [row for row in range(2, 102) for _ in "ab"]
        assert "601 problems in 301 rows" in report.summary
        everything = import_profiles(csv_bytes(MENTEE_HEADER, *rows), "mentee")
        assert len(everything.problems) == everything.problem_count == 601
        assert everything.problems[-1].row == 302 and everything.problems[-1].column == "email"


def test_imported_people_become_members_of_the_programme_named_or_the_only_one(app):
    with app.app_context():
        assert import_profiles(csv_bytes(MENTEE_HEADER, GOOD_MENTEE), "mentee").ok
        general = catalogue.by_slug("general")
        ana = users()["ana@example.org"]
        joined = db.session.scalars(
            select(ProgrammeMember).where(ProgrammeMember.user_id == ana.id)
        )
        assert [(m.programme_id, m.status, m.joined_via) for m in joined] == [
            (general.id, "active", "import")
        ]
        research = catalogue.create({"slug": "research", "name": "Research"}, None)
        refused = import_profiles(csv_bytes(MENTOR_HEADER, GOOD_MENTOR), "mentor")
        assert not refused.ok and not refused.saved
        assert (
            "choose one with --programme SLUG: general, research" in refused.problems[0].expected
        )
        assert "max@example.org" not in users()
        report = import_profiles(
            csv_bytes(MENTOR_HEADER, GOOD_MENTOR), "mentor", programme_id=research.id
        )
        assert report.ok, report.problems
        max_id = users()["max@example.org"].id
        assert set(
            db.session.scalars(
                select(ProgrammeMember.programme_id).where(ProgrammeMember.user_id == max_id)
            )
        ) == {research.id}
