"""The coordinator's page for importing people from CSV and exporting them."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from mentormatch.app import create_app
from mentormatch.extensions import db
from mentormatch.models import OutboxMessage, User
from tests.helpers import TEST_PASSWORD, AuthActions, csrf_token_from

DATA = Path(__file__).resolve().parent.parent / "data"
UPLOAD = "/coordinator/import"


def upload(client, data: bytes, kind: str = "mentee", dry_run: bool = False, **extra):
    form = {"csv_file": (io.BytesIO(data), "people.csv"), "kind": kind, **extra}
    if dry_run:
        form["dry_run"] = "y"
    return client.post(UPLOAD, data=form, content_type="multipart/form-data")


def count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.mark.parametrize("path", [UPLOAD, "/coordinator/export/mentee.csv"])
def test_only_coordinators_may_import_or_export(client, auth, path):
    assert client.get(path).headers["Location"].startswith("/auth/login")
    for role in ("mentee", "mentor"):
        auth.login_as(role)
        assert client.get(path).status_code == 403
        assert upload(client, (DATA / "mentees.csv").read_bytes()).status_code == 403
        auth.logout()
    assert count(client.application, User, User.role == "mentee") == 1  # the test's own


def test_the_page_offers_a_checked_dry_run_and_the_export_links(client, auth):
    auth.login_as("coordinator")
    page = client.get(UPLOAD).get_data(as_text=True)
    assert '<input checked id="dry_run" name="dry_run" type="checkbox"' in page
    assert 'enctype="multipart/form-data"' in page
    assert "/coordinator/export/mentee.csv" in page
    assert "/coordinator/export/mentor.csv" in page


def test_a_dry_run_shows_what_would_happen_and_saves_nothing(app, client, auth):
    auth.login_as("coordinator")
    response = upload(client, (DATA / "mentees.csv").read_bytes(), dry_run=True)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Check passed for 3 mentee rows; nothing was saved." in page
    assert "3 created, 0 updated, 0 unchanged" in page
    assert count(app, User, User.role == "mentee") == 0


def test_an_import_saves_people_invites_them_and_says_so(app, client, auth):
    auth.login_as("coordinator")
    response = upload(client, (DATA / "mentors.csv").read_bytes(), kind="mentor")
    assert response.status_code == 302 and response.headers["Location"] == UPLOAD
    page = client.get(UPLOAD).get_data(as_text=True)
    assert "Imported 2 mentor rows: 2 created, 0 updated, 0 unchanged" in page
    assert count(app, User, User.role == "mentor") == 2
    assert count(app, OutboxMessage, OutboxMessage.kind == "invitation") == 2
    upload(client, (DATA / "mentors.csv").read_bytes(), kind="mentor")
    assert "0 created, 0 updated, 2 unchanged" in client.get(UPLOAD).get_data(as_text=True)
    assert count(app, OutboxMessage, OutboxMessage.kind == "invitation") == 2


def test_problems_are_shown_as_a_table_and_nothing_is_saved(app, client, auth):
    auth.login_as("coordinator")
    data = (
        b"email,full_name,home_country,specialty,preferred_regions,research_interests\n"
        b"ok@example.org,Ok,IN,pediatrics,NY,imaging\n"
        b"bad@example.org,Bad,IN,dentistry,NY,<b>imaging</b>\n"
    )
    response = upload(client, data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Nothing was saved: 2 problems in 1 row." in page
    assert re.search(r"<td[^>]*>3</td>\s*<td[^>]*>specialty</td>\s*<td[^>]*>dentistry</td>", page)
    assert "&lt;b&gt;imaging&lt;/b&gt;" in page and "<b>imaging" not in page
    assert count(app, User, User.role == "mentee") == 0


def test_a_file_that_is_not_csv_gets_a_message_to_save_it_as_csv(client, auth):
    auth.login_as("coordinator")
    page = upload(client, b"PK\x03\x04 workbook").get_data(as_text=True)
    assert "Excel workbook" in page and "CSV UTF-8" in page
    assert "whole file" in page


def test_a_file_over_the_limit_is_refused(app, client, auth):
    app.config["CSV_UPLOAD_MAX_BYTES"] = 200
    auth.login_as("coordinator")
    data = (DATA / "mentees.csv").read_bytes()
    assert len(data) > 200
    page = upload(client, data).get_data(as_text=True)
    assert "Files can be at most 200 bytes. Split the file" in page
    assert count(app, User, User.role == "mentee") == 0


def test_a_request_far_over_the_limit_is_refused_before_it_is_read(app, client, auth):
    app.config["CSV_UPLOAD_MAX_BYTES"] = 1024 * 1024
    auth.login_as("coordinator")
    response = upload(client, b"x" * (1024 * 1024 + 100 * 1024))
    assert response.status_code == 302 and response.headers["Location"] == UPLOAD
    assert "The file is larger than 1 MB. Split it" in client.get(UPLOAD).get_data(as_text=True)


def test_submitting_without_a_file_asks_for_one(client, auth):
    auth.login_as("coordinator")
    response = client.post(UPLOAD, data={"kind": "mentee"}, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "Choose the CSV file to import." in response.get_data(as_text=True)


def test_export_downloads_a_csv_the_import_reads(app, client, auth):
    auth.login_as("coordinator")
    upload(client, (DATA / "mentees.csv").read_bytes())
    response = client.get("/coordinator/export/mentee.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith(
        'attachment; filename="mentormatch-mentees-'
    )
    body = response.get_data()
    assert body.startswith("\ufeffemail,full_name,".encode())
    assert b"aisha.khan@example.org,Dr Aisha Khan,PK,internal-medicine" in body
    again = upload(client, body, dry_run=True).get_data(as_text=True)
    assert "0 created, 0 updated, 3 unchanged" in again
    assert client.get("/coordinator/export/coordinator.csv").status_code == 404


def test_an_upload_needs_the_csrf_token(app_config):
    app = create_app({**app_config, "WTF_CSRF_ENABLED": True})
    client = app.test_client()
    auth = AuthActions(app, client)
    email = auth.create("coordinator")
    token = csrf_token_from(client.get("/auth/login").get_data(as_text=True))
    client.post(
        "/auth/login", data={"email": email, "password": TEST_PASSWORD, "csrf_token": token}
    )
    data = (DATA / "mentees.csv").read_bytes()
    assert upload(client, data).status_code == 400
    assert count(app, User, User.role == "mentee") == 0
    token = csrf_token_from(client.get(UPLOAD).get_data(as_text=True))
    assert upload(client, data, csrf_token=token).status_code == 302
    assert count(app, User, User.role == "mentee") == 3


def test_the_page_states_the_accepted_files_and_offers_templates(client, auth):
    auth.login_as("coordinator")
    page = client.get(UPLOAD).get_data(as_text=True)
    assert "UTF-8, UTF-16, Windows-1252" in page
    assert "comma, semicolon or tab" in page
    assert "up to 5 MB" in page
    for kind in ("mentee", "mentor"):
        assert f'href="/coordinator/import/template/{kind}.csv" download' in page


@pytest.mark.parametrize("kind", ["mentee", "mentor"])
def test_a_template_has_every_column_and_an_example_row_that_imports(app, client, auth, kind):
    auth.login_as("coordinator")
    response = client.get(f"/coordinator/import/template/{kind}.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="mentormatch-{kind}s-template.csv"'
    )
    body = response.get_data()
    header, example = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    export_header = client.get(f"/coordinator/export/{kind}.csv").get_data().decode("utf-8-sig")
    assert header == export_header.splitlines()[0].split(",")
    assert len(example) == len(header) and example[0].endswith("@example.org")
    checked = upload(client, body, kind=kind, dry_run=True).get_data(as_text=True)
    assert f"Check passed for 1 {kind} row;" in checked
    assert count(app, User, User.role == kind) == 0


def test_templates_are_for_coordinators_and_known_kinds(client, auth):
    assert client.get("/coordinator/import/template/mentee.csv").status_code == 302
    auth.login_as("mentor")
    assert client.get("/coordinator/import/template/mentee.csv").status_code == 403
    auth.logout()
    auth.login_as("coordinator")
    assert client.get("/coordinator/import/template/coordinator.csv").status_code == 404


def test_a_report_of_many_problems_lists_the_first_and_counts_the_rest(app, client, auth):
    app.config["CSV_PROBLEMS_LISTED_MAX"] = 5
    auth.login_as("coordinator")
    rows = "".join(f"p{i}@example.org,P,ZZ,dentistry,NY,imaging\n" for i in range(20))
    data = b"email,full_name,home_country,specialty,preferred_regions,research_interests\n"
    page = upload(client, data + rows.encode()).get_data(as_text=True)
    assert "Nothing was saved: 40 problems in 20 rows." in page
    problems = page.split('<table class="problems">')[1].split("</table>")[0]
    assert problems.count("<tr>") == 1 + 5  # the header and five problems
    assert "The first 5 problems are listed below" in page
    assert "35 more problems in 18 rows</strong> are not" in page
    assert count(app, User, User.role == "mentee") == 0
