"""Fuzzing the CSV import: random bytes, files in other encodings and separators, hostile and
huge cells, unknown columns, a bad row hidden among good ones. The import never raises, and a
file with any problem (or a dry run) leaves every table exactly as it was. The export is safe
to open in a spreadsheet: no cell starts a formula, and importing it back changes nothing."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from mentormatch import codes
from mentormatch.extensions import db
from mentormatch.models import MenteeProfile, MentorProfile, OutboxMessage, User
from mentormatch.services.csv_profiles import import_profiles, iter_export
from mentormatch.services.csv_profiles.columns import LAYOUTS

FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

HOSTILE_CELLS = [
    "",
    " ",
    '"',
    '""',
    "'",
    "a,b",
    "a;b",
    "line\nbreak",
    "\r",
    "=1+1",
    '=HYPERLINK("http://evil.example","click")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A2)",
    "'=already quoted",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "\u202e\u202d",
    "\ufeff",
    "😀" * 20,
    "Ñandú Çé ß 中文 عربى",
    "anywhere",
    "anywhere;NY",
    "observership:3;externship:x",
    "observership:99999999999999999999",
    "yes",
    "maybe",
    "-1",
    "21",
    "1e309",
    "NaN",
    "x" * 1000,
]
CELL = st.one_of(
    st.sampled_from(HOSTILE_CELLS),
    st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), max_size=30),
)
VALID = {
    "mentee": {
        "full_name": ["Dr Ana Lima"],
        "home_country": ["IN", "Nigeria", "ZZ"],
        "specialty": ["pediatrics", "Internal medicine", "astrology"],
        "preferred_regions": ["NY", "NY;new-england", "anywhere"],
        "research_interests": ["case-report", "case-report;cardiology"],
        "degree": list(codes.DEGREES),
        "usce": ["observership:3", "externship:2;observership:1"],
        "hours_per_month": ["10", "0", "41"],
        "usmle_step2ck": ["score", "not-taken"],
        "usmle_step2ck_score": ["245", "999"],
        "graduation_year": ["2019", "1900"],
    },
    "mentor": {
        "full_name": ["Dr Max Roe"],
        "specialty": ["cardiology", "Pediatrics"],
        "state": ["NY", "ca", "XX"],
        "research_interests": ["cardiology", "clinical-trial;case-report"],
        "capacity": ["2", "0", "20", "21", "-1"],
        "is_img": ["yes", "no"],
        "visa_sponsorship": list(codes.VISA_SPONSORSHIP),
    },
}
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "latin-1", "cp1252", "utf-32"]


@pytest.fixture
def app_context(app):
    with app.app_context():
        yield app


def state() -> dict:
    """Everything an import may touch, as plain values."""
    db.session.rollback()  # nothing left over from the previous import in this session
    tables = (User.__table__, MenteeProfile.__table__, MentorProfile.__table__)
    snapshot = {table.name: db.session.execute(select(table)).all() for table in tables}
    snapshot["outbox"] = db.session.execute(select(OutboxMessage.__table__)).all()
    return snapshot


def encode(text: str, encoding: str) -> bytes:
    return text.encode(encoding, errors="replace")


def write_csv(header: list[str], rows: list[list[str]], delimiter: str = ",") -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def unique_email(draw) -> str:
    return f"p{draw(st.integers(0, 10**9))}@example.org"


@st.composite
def profile_files(draw):
    """A file whose columns are mostly the right ones, its cells valid or hostile. About half
    are "clean": required cells valid, UTF-8, no stray columns, so that some import."""
    kind = draw(st.sampled_from(["mentee", "mentor"]))
    clean = draw(st.booleans())
    layout = LAYOUTS[kind]
    optional = [name for name in layout.columns if name not in layout.required]
    columns = list(layout.required)
    columns += draw(st.lists(st.sampled_from(optional), max_size=4, unique=True))
    if draw(st.booleans()):
        columns = draw(st.permutations(columns))
    if not clean and draw(st.integers(0, 4)) == 0:
        columns.append(draw(st.sampled_from(["", "Favourite colour", "=evil()", "email"])))
    rows = []
    for _ in range(draw(st.integers(0 if not clean else 1, 5))):
        row = []
        for name in columns:
            choices = VALID[kind].get(name)
            if name == "email":
                hostile = not clean and draw(st.integers(0, 4)) == 0
                row.append(draw(CELL) if hostile else unique_email(draw))
            elif clean and name in layout.required:
                row.append(choices[0])
            elif choices and (clean or draw(st.integers(0, 2))):
                row.append(draw(st.sampled_from(choices)))
            else:
                row.append(draw(CELL))
        if not clean and draw(st.integers(0, 9)) == 0:
            row.append(draw(CELL))  # one cell more than the header names
        rows.append(row)
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig"] if clean else ENCODINGS))
    return kind, encode(write_csv(columns, rows, delimiter), encoding)


def assert_all_or_nothing(before: dict, report) -> None:
    after = state()
    if report.saved:
        assert len(after["users"]) == len(before["users"]) + report.created
    else:
        assert after == before, report.problems[:3]


@FUZZ
@given(data=st.binary(max_size=2000), kind=st.sampled_from(["mentee", "mentor"]))
def test_random_bytes_never_crash_the_import_and_save_nothing(app_context, data, kind):
    before = state()
    report = import_profiles(data, kind)
    assert_all_or_nothing(before, report)
    if not report.saved:
        assert report.problems and all(problem.expected for problem in report.problems)


@FUZZ
@given(file=profile_files(), dry_run=st.booleans())
def test_any_profile_file_is_imported_whole_or_not_at_all(app_context, file, dry_run):
    kind, data = file
    before = state()
    report = import_profiles(data, kind, dry_run=dry_run)
    event("accepted" if report.ok else "refused")
    if dry_run:
        assert state() == before
    else:
        assert_all_or_nothing(before, report)
    assert report.ok == (not report.problems)


GOOD_ROWS = {
    "mentee": "{email},Dr Ana Lima,IN,pediatrics,NY,case-report",
    "mentor": "{email},Dr Max Roe,cardiology,NY,cardiology,2",
}


@FUZZ
@given(
    kind=st.sampled_from(["mentee", "mentor"]),
    good=st.integers(1, 30),
    bad_cell=st.sampled_from(["ZZZ", "=1+1", "x" * 500, "-5", "astrology", "a" * 201]),
    data=st.data(),
)
def test_one_bad_row_among_good_ones_saves_nothing_and_is_named(
    app_context, kind, good, bad_cell, data
):
    layout = LAYOUTS[kind]
    lines = [GOOD_ROWS[kind].format(email=f"good{n}@example.org") for n in range(good)]
    position = data.draw(st.integers(0, good), label="position")
    column = data.draw(st.sampled_from(layout.required[1:]), label="column")
    cells = GOOD_ROWS[kind].format(email="bad@example.org").split(",")
    cells[layout.required.index(column)] = bad_cell
    lines.insert(position, write_csv(cells, []).strip())
    text = ",".join(layout.required) + "\n" + "\n".join(lines) + "\n"
    before = state()
    report = import_profiles(text.encode(), kind)
    if report.saved:  # the "bad" value happens to be valid for that column
        assume(False)
    assert state() == before
    assert (position + 2) in {problem.row for problem in report.problems}


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "latin-1", "cp1252"])
def test_a_file_in_a_spreadsheets_encoding_is_read_the_same(app_context, encoding):
    text = "email,full_name,specialty,state,research_interests,capacity\n"
    text += "jose@example.org,Dr José Núñez,cardiology,NY,cardiology,2\n"
    report = import_profiles(text.encode(encoding), "mentor")
    assert report.saved, report.problems
    assert db.session.scalars(select(User.full_name)).all() == ["Dr José Núñez"]


def test_a_file_in_an_encoding_we_cannot_read_gets_a_way_to_fix_it(app_context):
    text = "email,full_name,specialty,state,research_interests,capacity\n"
    data = text.encode() + "jose@example.org,Dr José".encode("cp1252") + b"\x81,x,NY,x,2\n"
    before = state()
    report = import_profiles(data, "mentor")
    assert not report.saved and state() == before
    assert any("CSV UTF-8" in problem.expected for problem in report.problems)


def test_a_huge_file_is_refused_with_a_size_and_a_way_forward(app_context):
    row = GOOD_ROWS["mentee"].format(email="a@example.org")
    data = ("email,full_name,home_country,specialty,preferred_regions,research_interests\n"
            + (row + "\n") * 100_000).encode()  # fmt: skip
    before = state()
    report = import_profiles(data, "mentee", max_bytes=5 * 1024 * 1024)
    assert not report.saved and state() == before
    assert "Split the file" in report.problems[0].expected


# --- the web upload ---------------------------------------------------------------------------


@FUZZ
@given(
    data=st.one_of(st.binary(max_size=500), profile_files().map(lambda file: file[1])),
    kind=st.one_of(
        st.sampled_from(["mentee", "mentor"]), st.sampled_from(["", "admin", "x" * 99])
    ),
    filename=st.sampled_from(["people.csv", "people.xlsx", "../../etc/passwd", "ñ.csv", ""]),
)
def test_any_upload_gets_a_page_not_a_crash(app, auth_coordinator, data, kind, filename):
    with app.app_context():
        before = state()
    response = auth_coordinator.post(
        "/coordinator/import",
        data={"kind": kind, "dry_run": "y", "csv_file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )
    assert response.status_code in (200, 400), response.get_data(as_text=True)[-1500:]
    with app.app_context():
        assert state() == before  # a dry run saves nothing, whatever the file


@pytest.fixture
def auth_coordinator(app, auth):
    auth.login_as("coordinator")
    return auth._client


def test_an_upload_over_the_limit_is_refused_with_a_message(app, auth_coordinator):
    data = b"email,full_name\n" + b"x" * (7 * 1024 * 1024)
    response = auth_coordinator.post(
        "/coordinator/import",
        data={"kind": "mentee", "csv_file": (io.BytesIO(data), "big.csv")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert b"The file is larger than 5 MB" in response.data


# --- the export -------------------------------------------------------------------------------

FREE_TEXT = st.one_of(
    st.sampled_from([cell for cell in HOSTILE_CELLS if cell.strip() and len(cell) < 200]),
    st.text(st.characters(exclude_categories=["Cs", "Cc"]), min_size=1, max_size=30).filter(
        str.strip
    ),
)


@FUZZ
@given(name=FREE_TEXT, tag=FREE_TEXT, about=FREE_TEXT)
def test_the_export_starts_no_formula_and_reads_back_unchanged(app_context, name, tag, about):
    header = ["email", "full_name", "specialty", "state", "research_interests", "capacity"]
    header += ["research_tags", "about"]
    row = ["formula@example.org", name, "cardiology", "NY", "cardiology", "2", tag, about]
    report = import_profiles(write_csv(header, [row]).encode(), "mentor")
    assume(report.saved)  # values the import refuses never reach an export

    exported = "".join(iter_export("mentor"))
    for cells in csv.reader(io.StringIO(exported.removeprefix("\ufeff"))):
        for cell in cells:
            assert not cell.startswith(FORMULA_START), cell
    before = state()
    again = import_profiles(exported.encode(), "mentor")
    assert again.ok, again.problems
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    assert state() == before
