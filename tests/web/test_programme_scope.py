"""A programme coordinator's pages show their programmes' people, rounds, rules, audit entries
and exports, and nothing of another programme; an organisation coordinator's show all."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from mentormatch.extensions import db
from mentormatch.models import MatchingRound, User
from mentormatch.services.rounds import pair_rules
from tests.helpers import make_user
from tests.programme_helpers import (
    add_member,
    general_id,
    membership_of,
    new_programme,
    programme_coordinator,
    sign_in,
)
from tests.proposal_helpers import person, publish, run_round


@pytest.fixture
def two_programmes(app):
    """Programme A ("general") and B, each with a mentee, a mentor and a published round."""
    people = {
        "mentee_a": person(app, "mentee", "Alice Anand"),
        "mentor_a": person(app, "mentor", "Arjun Adeyemi"),
    }
    a = general_id(app)
    round_a = run_round(app, "Alpha spring round")
    publish(app, round_a)
    b = new_programme(app, "research-b", "Research B")
    people["mentee_b"] = person(app, "mentee", "Bruno Bakare")
    people["mentor_b"] = person(app, "mentor", "Beatriz Bose")
    for name in ("mentee_b", "mentor_b"):
        add_member(app, b, people[name].id)
    round_b = run_round(app, "Beta spring round", programme_id=b)
    publish(app, round_b)
    with app.app_context():
        pair_rules.set_pair_rule(people["mentee_b"].id, people["mentor_b"].id, "forbid", None,
                                 "B's note", programme_id=b)  # fmt: skip
    programme_coordinator(app, "alma@example.org", a)
    return {"a": a, "b": b, "round_a": round_a, "round_b": round_b, **people}


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


def test_a_programme_coordinator_sees_nothing_of_another_programme(app, client, two_programmes):
    w = two_programmes
    sign_in(client, "alma@example.org")
    a_side = (w["mentee_a"], w["mentor_a"])
    b_side = (w["mentee_b"], w["mentor_b"])
    listings = {
        "mentees": page(client, "/coordinator/mentees"),
        "mentors": page(client, "/coordinator/mentors"),
        "rules": page(client, "/coordinator/rounds/rules"),
        "home": page(client, "/coordinator/"),
    }
    assert "Alice Anand" in listings["mentees"] and "Arjun Adeyemi" in listings["mentors"]
    for name, text in listings.items():
        for someone in b_side:
            assert someone.name not in text and someone.email not in text, (name, someone)
    assert "B&#39;s note" not in listings["rules"] and "Research B" not in listings["home"]

    rounds = page(client, "/coordinator/rounds/")
    assert "Alpha spring round" in rounds and "Beta spring round" not in rounds
    log = page(client, "/coordinator/audit/")
    assert f"/coordinator/rounds/{w['round_a']}" in log
    assert f"/coordinator/rounds/{w['round_b']}" not in log

    for kind in ("mentee", "mentor"):
        export = page(client, f"/coordinator/export/{kind}.csv")
        assert any(someone.email in export for someone in a_side)
        assert not any(someone.email in export for someone in b_side)
    assert client.get(f"/coordinator/export/mentee.csv?programme={w['b']}").status_code == 404
    assert client.get(f"/coordinator/rounds/{w['round_b']}/export.csv").status_code == 404
    assert client.get(f"/people/{w['mentee_b'].id}").status_code == 404
    # a what-if diff against another programme's round shows none of its pairs
    diff = page(client, f"/coordinator/rounds/{w['round_a']}?against={w['round_b']}")
    assert "Bruno Bakare" not in diff and "another programme" in diff


def test_posts_into_another_programme_are_refused_and_save_nothing(app, client, two_programmes):
    w = two_programmes
    sign_in(client, "alma@example.org")
    with app.app_context():
        rounds_before = db.session.scalar(select(func.count()).select_from(MatchingRound))
    new_round = client.post(
        "/coordinator/rounds/new",
        data={"programme_id": str(w["b"]), "name": "Sneaky", "weight_specialty": "0.5",
              "weight_region": "0.2", "weight_research": "0.3", "objective": "coverage"},
    )  # fmt: skip
    assert new_round.status_code == 400
    assert "Choose one of your programmes." in new_round.get_data(as_text=True)
    rule = client.post(
        "/coordinator/rounds/rules/pair",
        data={"mentee_id": w["mentee_b"].id, "mentor_id": w["mentor_b"].id, "kind": "lock",
              "round_id": w["round_b"]},
    )  # fmt: skip
    assert rule.status_code == 404
    removal = client.post(
        "/coordinator/rounds/rules/remove",
        data={"mentee_id": w["mentee_b"].id, "mentor_id": w["mentor_b"].id,
              "programme_id": w["b"]},
    )  # fmt: skip
    assert removal.status_code == 404
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(MatchingRound)) == rounds_before
        assert len(pair_rules.list_pair_rules(frozenset({w["b"]}))) == 1


def test_an_organisation_coordinator_sees_both_and_chooses_their_programme(
    app, client, two_programmes
):
    w = two_programmes
    _, email = make_user(app, "coordinator")
    sign_in(client, email)
    mentees = page(client, "/coordinator/mentees")
    assert "Alice Anand" in mentees and "Bruno Bakare" in mentees
    only_b = page(client, f"/coordinator/mentees?programme={w['b']}")
    assert "Bruno Bakare" in only_b and "Alice Anand" not in only_b
    rounds = page(client, "/coordinator/rounds/")
    assert "Alpha spring round" in rounds and "Beta spring round" in rounds
    home = page(client, "/coordinator/")
    assert "Research B" in home and "<svg" in home
    chooser = page(client, "/coordinator/rounds/new")
    assert (
        "Which programme?" in chooser and f"/coordinator/rounds/new?programme={w['b']}" in chooser
    )
    new = page(client, f"/coordinator/rounds/new?programme={w['b']}")
    assert f'<option selected value="{w["b"]}">Research B</option>' in new
    export = page(client, f"/coordinator/export/mentee.csv?programme={w['b']}")
    assert w["mentee_b"].email in export and w["mentee_a"].email not in export


def test_an_import_makes_everyone_in_the_file_a_member_of_the_chosen_programme(
    app, client, two_programmes
):
    w = two_programmes
    data = (
        "email,full_name,home_country,specialty,preferred_regions,research_interests\n"
        f"{w['mentee_a'].email},Alice Anand,IN,internal-medicine,NY,case-report\n"
        "new.person@example.org,Dr New Person,NG,pediatrics,TX,case-report\n"
    ).encode()

    def upload(programme_id):
        return client.post(
            "/coordinator/import",
            data={"csv_file": (io.BytesIO(data), "people.csv"), "kind": "mentee",
                  "programme_id": str(programme_id)},
            content_type="multipart/form-data",
        )  # fmt: skip

    sign_in(client, "alma@example.org")  # programme A's coordinator: B is not hers
    refused = upload(w["b"])
    assert refused.status_code == 400
    assert "Choose one of your programmes." in refused.get_data(as_text=True)
    assert membership_of(app, w["b"], w["mentee_a"].id) is None
    client.post("/auth/logout")

    _, email = make_user(app, "coordinator")
    sign_in(client, email)
    assert upload(w["b"]).status_code == 302
    with app.app_context():
        new_id = db.session.scalar(select(User.id).where(User.email == "new.person@example.org"))
    for user_id in (w["mentee_a"].id, new_id):
        row = membership_of(app, w["b"], user_id)
        assert (row.status, row.joined_via) == ("active", "import")
    assert membership_of(app, w["a"], w["mentee_a"].id).status == "active"  # stays in A
    assert membership_of(app, w["a"], new_id) is None


def test_a_rule_typed_in_by_email_is_for_the_programmes_own_people(app, client, two_programmes):
    w = two_programmes
    sign_in(client, "alma@example.org")
    refused = client.post(
        "/coordinator/rounds/rules",
        data={"mentee_email": w["mentee_b"].email, "mentor_email": w["mentor_a"].email,
              "kind": "lock"},
    )  # fmt: skip
    assert refused.status_code == 400
    assert "This person is not a member of Mentorship programme" in refused.get_data(as_text=True)
    saved = client.post(
        "/coordinator/rounds/rules",
        data={"mentee_email": w["mentee_a"].email, "mentor_email": w["mentor_a"].email,
              "kind": "lock"},
    )  # fmt: skip
    assert saved.status_code == 302
    with app.app_context():
        rules = pair_rules.list_pair_rules(frozenset({w["a"]}))
        assert [(r.mentee.id, r.kind) for r in rules] == [(w["mentee_a"].id, "lock")]
