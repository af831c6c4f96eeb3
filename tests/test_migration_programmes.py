"""Migration 0010 on a populated database: everything moves into programme "general" with
nothing lost, a round runs and publishes there afterwards, and the downgrade keeps the rows.

The population is written with plain SQL against the tables as they are at the revision
before (0007_optional_components), reflected from the database, not through the models
(which describe the schema after). Runs on SQLite, and on PostgreSQL when
MENTORMATCH_TEST_DATABASE_URL is set.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import MetaData, select, text

from mentormatch.app import create_app
from mentormatch.extensions import db
from mentormatch.models import MatchingRound, Mentorship, ProgrammeMember, User
from mentormatch.services.rounds import publishing, transitions
from mentormatch.services.rounds.settings import parse_settings
from tests.proposal_helpers import assert_capacity_invariants

BEFORE = "0007_optional_components"
NOW = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
# every table that holds rows before the migration, in an order that respects foreign keys
TABLES = (
    "users",
    "mentee_profiles",
    "mentor_profiles",
    "matching_rounds",
    "round_pairs",
    "round_unmatched",
    "mentorships",
    "pair_rules",
    "audit_entries",
    "outbox_messages",
    "login_sessions",
)


class Population:
    """Inserts rows into the tables as reflected at revision ``BEFORE``; keeps the ids."""

    def __init__(self, connection) -> None:
        self.connection = connection
        self.tables = MetaData()
        self.tables.reflect(connection)
        self.ids: dict[str, int] = {}

    def add(self, table: str, key: str | None = None, **values) -> int:
        reflected = self.tables.tables[table]
        new_id = self.connection.execute(
            reflected.insert().values(**values).returning(reflected.c.id)
        ).scalar_one()
        if key:
            self.ids[key] = new_id
        return new_id


def _user(rows: Population, key: str, role: str, active: bool = True, password: bool = True):
    return rows.add(
        "users", key, email=f"{key}@example.org", full_name=key.title(), role=role,
        password_hash="argon2-hash" if password else None, active=active,
        session_token=f"token-{key}", created_at=NOW - timedelta(days=30),
        invited_at=None if password else NOW,
    )  # fmt: skip


def _mentee(rows: Population, key: str, **profile):
    user_id = _user(rows, key, "mentee", password=profile.pop("password", True))
    rows.add(
        "mentee_profiles", user_id=user_id, home_country="IN", specialty="internal-medicine",
        preferred_regions=["NY"], regions_anywhere=False, research_interests=["case-report"],
        research_tags=[], goals=["residency-match"], support_sought=[], usce=[],
        publications=0, first_author_publications=0, languages=["en"], prefers_img_mentor=False,
        updated_at=NOW, **profile,
    )  # fmt: skip
    return user_id


def _mentor(rows: Population, key: str, capacity: int, seats_taken: int):
    user_id = _user(rows, key, "mentor")
    rows.add(
        "mentor_profiles", user_id=user_id, specialty="internal-medicine", state="NY",
        research_interests=["case-report"], research_tags=[], support_offered=[], is_img=True,
        languages=["en"], capacity=capacity, seats_taken=seats_taken, updated_at=NOW,
    )  # fmt: skip
    return user_id


def _round(rows: Population, key: str, status: str, **values) -> int:
    return rows.add(
        "matching_rounds", key, name=key.title(), status=status, settings={"name": key.title()},
        created_by_id=rows.ids["dana"], created_at=NOW, started_at=NOW, finished_at=NOW,
        progress_stage="done", progress_percent=100, progress_at=NOW, engine_version="1",
        summary={"matched": 4, "mentees": 5}, **values,
    )  # fmt: skip


def _pair(rows: Population, round_key: str, mentee: str, mentor: str, score: float) -> int:
    return rows.add(
        "round_pairs", round_id=rows.ids[round_key], mentee_id=rows.ids[mentee],
        mentor_id=rows.ids[mentor], score=score, specialty_score=1.0, region_score=1.0,
        research_score=0.5, locked=False, support_score=0.0, language_score=None,
        img_mentor_score=None, visa_score=None,
    )  # fmt: skip


def _mentorship(rows: Population, key: str, mentee: str, mentor: str, status: str, **values):
    return rows.add(
        "mentorships", key, mentee_id=rows.ids[mentee], mentor_id=rows.ids[mentor],
        status=status, created_at=NOW, **values,
    )  # fmt: skip


def populate(connection) -> dict[str, int]:
    """Coordinators (one deactivated), mentees (one invited, without a password), mentors
    with seats taken; a published round with its pairs and an unmatched mentee, its
    proposals proposed, accepted, declined and expired; a proposed top-up round; an ended
    mentorship from before rounds; pair rules; audit entries; mail and a sign-in session."""
    rows = Population(connection)
    _user(rows, "dana", "coordinator")
    _user(rows, "olga", "coordinator", active=False)
    for key in ("ana", "ben", "cho", "dev", "eli", "fay"):
        _mentee(rows, key)
    _mentee(rows, "gil", password=False, about="Invited from a CSV file.")
    _mentor(rows, "dr_one", capacity=2, seats_taken=1)  # ana accepted
    _mentor(rows, "dr_two", capacity=1, seats_taken=1)  # cho proposed
    _mentor(rows, "dr_three", capacity=3, seats_taken=0)

    autumn = _round(rows, "autumn", "published", published_at=NOW)
    for mentee, mentor in (("ana", "dr_one"), ("ben", "dr_one"), ("cho", "dr_two"),
                           ("dev", "dr_three")):  # fmt: skip
        _pair(rows, "autumn", mentee, mentor, 0.8)
    rows.add(
        "round_unmatched", round_id=autumn, mentee_id=rows.ids["eli"], reason="no_free_mentor",
        message="Every compatible mentor was full.", details={"options": [rows.ids["dr_two"]]},
    )  # fmt: skip
    _round(rows, "top_up", "proposed", top_up_of_id=autumn)
    _pair(rows, "top_up", "eli", "dr_three", 0.6)

    _mentorship(rows, "accepted", "ana", "dr_one", "accepted", round_id=autumn,
                responded_at=NOW)  # fmt: skip
    _mentorship(rows, "declined", "ben", "dr_one", "declined", round_id=autumn,
                responded_at=NOW, response_reason="On leave until spring.")  # fmt: skip
    _mentorship(rows, "proposed", "cho", "dr_two", "proposed", round_id=autumn,
                expires_at=NOW + timedelta(days=14))  # fmt: skip
    _mentorship(rows, "expired", "dev", "dr_three", "expired", round_id=autumn,
                expires_at=NOW - timedelta(days=1))  # fmt: skip
    _mentorship(rows, "ended", "fay", "dr_three", "ended", ended_at=NOW)

    lock = rows.add(
        "pair_rules", "lock", mentee_id=rows.ids["eli"], mentor_id=rows.ids["dr_three"],
        kind="lock", source="coordinator", note="Same hospital.",
        created_by_id=rows.ids["dana"], created_at=NOW,
    )  # fmt: skip
    rows.add(
        "pair_rules", "forbid", mentee_id=rows.ids["ben"], mentor_id=rows.ids["dr_one"],
        kind="forbid", source="declined", created_at=NOW,
    )  # fmt: skip
    for key, action, target_type, target_id in (
        ("audit_round", "round.published", "round", autumn),
        ("audit_pair", "pair.locked", "pair", lock),
        ("audit_user", "user.deactivated", "user", rows.ids["olga"]),
        ("audit_login", "login.failed", None, None),
    ):
        rows.add(
            "audit_entries", key, at=NOW, actor_id=rows.ids["dana"], actor_label="Dana",
            action=action, target_type=target_type, target_id=target_id, details={"n": 1},
        )  # fmt: skip
    rows.add(
        "outbox_messages", to_address="dr_two@example.org", subject="A mentee proposal",
        body_text="Hello", kind="proposal", status="pending", attempts=0, created_at=NOW,
        next_attempt_at=NOW,
    )  # fmt: skip
    rows.add(
        "login_sessions", key_hash="a" * 64, user_id=rows.ids["dana"], created_at=NOW,
        last_seen_at=NOW, expires_at=NOW + timedelta(days=14),
    )  # fmt: skip
    return rows.ids


def snapshot(columns: dict[str, list[str]] | None = None) -> dict[str, list[tuple]]:
    """Every row of TABLES, ordered by id, in the columns the tables had at ``BEFORE`` (or
    in ``columns``); returns them with the columns read."""
    tables = MetaData()
    with db.engine.connect() as connection:
        tables.reflect(connection)
        rows = {}
        for name in TABLES:
            table = tables.tables[name]
            wanted = columns[name] if columns else [c.name for c in table.columns]
            query = select(*(table.c[c] for c in wanted)).order_by(table.c.id)
            rows[name] = [tuple(row) for row in connection.execute(query)]
    return rows


def columns_now() -> dict[str, list[str]]:
    tables = MetaData()
    with db.engine.connect() as connection:
        tables.reflect(connection)
    return {name: [c.name for c in tables.tables[name].columns] for name in TABLES}


def scalar_set(sql: str) -> set:
    with db.engine.connect() as connection:
        return set(connection.execute(text(sql)).scalars())


@pytest.fixture
def migrating_app(empty_database_url):
    app = create_app({"ENV": "testing", "DATABASE_URL": empty_database_url})
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_a_populated_database_moves_into_general_with_nothing_lost(migrating_app):
    app = migrating_app
    with app.app_context():
        upgrade(revision=BEFORE)
        with db.engine.begin() as connection:
            ids = populate(connection)
        old_columns = columns_now()
        before = snapshot()

        upgrade()

        # every row still there, unchanged, in the columns it had
        assert snapshot(old_columns) == before
        assert len(before["mentorships"]) == 5 and len(before["round_pairs"]) == 5
        # one programme, "general", holding every round, mentorship and pair rule
        with db.engine.connect() as connection:
            programmes = connection.execute(text("SELECT id, slug FROM programmes")).all()
        assert [slug for _, slug in programmes] == ["general"]
        general = programmes[0][0]
        for table in ("matching_rounds", "mentorships", "pair_rules"):
            assert scalar_set(f"SELECT programme_id FROM {table}") == {general}, table  # noqa: S608
        assert scalar_set("SELECT programme_id FROM audit_entries WHERE target_type IN "
                          "('round', 'pair')") == {general}  # fmt: skip
        # every mentee and mentor an active member, mentors with the seats taken overall
        members = {row.user_id: row for row in db.session.scalars(select(ProgrammeMember))}
        mentees_and_mentors = scalar_set("SELECT id FROM users WHERE role IN ('mentee', 'mentor')")
        assert set(members) == mentees_and_mentors and len(mentees_and_mentors) == 10
        assert {(m.programme_id, m.status, m.joined_via, m.seats) for m in members.values()} == {
            (general, "active", "existing", None)
        }
        seats_taken = {
            user_id: taken
            for user_id, taken in db.session.execute(
                text("SELECT user_id, seats_taken FROM mentor_profiles")
            )
        }
        assert {user_id: members[user_id].seats_taken for user_id in seats_taken} == seats_taken
        assert seats_taken == {ids["dr_one"]: 1, ids["dr_two"]: 1, ids["dr_three"]: 0}
        # coordinators, the deactivated one too, see every programme
        coordinators = db.session.scalars(select(User).where(User.role == "coordinator")).all()
        assert len(coordinators) == 2 and all(c.organisation_wide for c in coordinators)
        # the published round keeps its pairs and proposals, now in general
        autumn = db.session.get(MatchingRound, ids["autumn"])
        assert autumn.programme.slug == "general" and len(autumn.pairs) == 4
        assert {m.status for m in db.session.scalars(
            select(Mentorship).where(Mentorship.round_id == autumn.id))} == {
            "accepted", "declined", "proposed", "expired"}  # fmt: skip
        assert_capacity_invariants(app)
        db.session.remove()

        # a round runs and publishes in the migrated programme
        created = transitions.create_round(parse_settings({"name": "After the move"}), None)
        ran = transitions.start_round(created.id)
        assert ran.status == "proposed", ran.error
        assert ran.programme_id == general
        paired = {(pair.mentee_id, pair.mentor_id) for pair in ran.pairs}
        assert (ids["eli"], ids["dr_three"]) in paired  # the lock holds
        assert (ids["ben"], ids["dr_one"]) not in paired  # the forbid holds
        assert ids["ana"] not in {mentee for mentee, _ in paired}  # she has a mentor
        assert publishing.publish_round(ran.id) == len(paired) > 0
        assert_capacity_invariants(app)
        db.session.remove()

        at_head = snapshot(old_columns)
        assert len(at_head["mentorships"]) == 5 + len(paired)
        db.engine.dispose()

        downgrade(revision=BEFORE)

        assert columns_now() == old_columns
        assert snapshot() == at_head
