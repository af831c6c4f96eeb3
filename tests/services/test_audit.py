"""The audit log: entries ride on the caller's transaction, name people as they are now, and
coordinators (only) read them, filtered and paged."""

import pytest
from sqlalchemy import func, select

from mentormatch.extensions import db
from mentormatch.models import AuditEntry, MatchingRound, User
from mentormatch.services import audit, privacy
from tests.helpers import general_programme_id, make_user


def count_entries() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEntry))


def test_an_entry_is_saved_only_with_the_change_it_records(app):
    coordinator_id, email = make_user(app, "coordinator")
    with app.app_context():
        matching_round = MatchingRound(
            programme_id=general_programme_id(), name="Spring", status="proposed"
        )
        db.session.add(matching_round)
        db.session.flush()
        audit.record(coordinator_id, audit.ROUND_PUBLISHED, matching_round, proposals=12)
        db.session.rollback()  # the change failed: no entry either
        assert count_entries() == 0

        matching_round = MatchingRound(
            programme_id=general_programme_id(), name="Spring", status="proposed"
        )
        db.session.add(matching_round)  # not flushed yet: record() needs its id all the same
        audit.record(coordinator_id, audit.ROUND_PUBLISHED, matching_round, proposals=12)
        db.session.commit()
        entry = db.session.scalar(select(AuditEntry))
        assert entry.actor_id == coordinator_id and email in entry.actor_label
        assert (entry.target_type, entry.target_id) == ("round", matching_round.id)
        assert entry.details == {"proposals": 12} and entry.at is not None


def test_the_command_line_and_pairs_without_a_row_can_be_recorded(app):
    with app.app_context():
        audit.record(None, audit.PAIR_RULE_REMOVED, None, mentee_id=3, mentor_id=4)
        audit.record(None, audit.PROFILES_IMPORTED, None, kind="mentee", created=5, updated=1)
        db.session.commit()
        labels = set(db.session.scalars(select(AuditEntry.actor_label)))
        assert labels == {audit.SYSTEM_ACTOR}


def test_unknown_actions_and_targets_are_refused(app):
    with app.app_context():
        with pytest.raises(ValueError, match="Unknown audit action"):
            audit.record(None, "round.exploded")
        with pytest.raises(TypeError):
            audit.record(None, audit.ROUND_CLOSED, object())


def test_people_are_named_as_they_are_now_so_deleted_ones_are_not_named(app):
    coordinator_id, _ = make_user(app, "coordinator")
    mentee_id, mentee_email = make_user(app, "mentee")
    with app.app_context():
        mentee = db.session.get(User, mentee_id)
        mentee.full_name = "Ana Sharma"
        audit.record(coordinator_id, audit.ACCOUNT_DEACTIVATED, mentee)
        audit.record(coordinator_id, audit.PAIR_FORBIDDEN, None, mentee_id=mentee_id)
        db.session.commit()
        named = audit.describe(audit.entries_page().items)
        assert all("Ana Sharma" in " ".join([v.target, str(v.details)]) for v in named)
        privacy.delete_account(mentee_id, db.session.get(User, coordinator_id))
        views = audit.describe(audit.entries_page().items)
        text = " ".join(f"{v.actor} {v.target} {v.details}" for v in views)
        assert "Ana Sharma" not in text and mentee_email not in text
        assert "Deleted user" in text


@pytest.fixture
def coordinator_client(app, client, auth):
    auth.login_as("coordinator")
    return client


def rows(response) -> str:
    html = response.get_data(as_text=True)
    return html[html.index("<tbody>") : html.index("</tbody>")]


def test_coordinators_read_the_log_newest_first_filtered_and_paged(app, coordinator_client):
    with app.app_context():
        for number in range(audit.PER_PAGE + 5):
            audit.record(None, audit.PROFILES_IMPORTED, None, created=number)
        audit.record(None, audit.ROUND_CLOSED, ("round", 99))
        db.session.commit()
    response = coordinator_client.get("/coordinator/audit/")
    first = rows(response)
    assert "Page 1 of 2" in response.get_data(as_text=True)
    assert first.index("Closed a round") < first.index("created: 54<")  # newest first
    assert "created: 3<" not in first
    second = rows(coordinator_client.get("/coordinator/audit/?page=2"))
    assert "created: 3<" in second and "Closed a round" not in second
    only = coordinator_client.get("/coordinator/audit/?action=round.closed")
    assert only.status_code == 200 and "Page 1 of 1" in only.get_data(as_text=True)
    assert "round #99" in rows(only) and "created:" not in rows(only)
    assert coordinator_client.get("/coordinator/audit/?action=nonsense").status_code == 404


def test_a_deletion_shows_up_in_the_log(app, client, auth):
    auth.login_as("coordinator")
    mentee_id, _ = make_user(app, "mentee")
    with app.app_context():
        privacy.delete_account(mentee_id, db.session.get(User, mentee_id))
    html = rows(client.get("/coordinator/audit/"))
    assert "Deleted an account" in html
    assert f"Deleted user #{mentee_id}" in html
    assert f'href="/people/{mentee_id}"' in html


@pytest.mark.parametrize("role", ["mentee", "mentor"])
def test_only_coordinators_read_the_log(app, client, auth, role):
    with app.app_context():
        audit.record(None, audit.ROUND_CLOSED, ("round", 7))
        db.session.commit()
    assert client.get("/coordinator/audit/").headers["Location"].startswith("/auth/login")
    auth.login_as(role)
    response = client.get("/coordinator/audit/")
    assert response.status_code == 403 and b"round #7" not in response.data
    assert b"Audit log" not in client.get("/account/").data  # no link in the menu either
