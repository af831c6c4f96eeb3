"""Ids too large for the database (above 2^63 - 1) are "not found", never a server error: on
every route with an id in its address (found in the URL map, so a new one is covered), and for
ids in query strings and forms."""

from __future__ import annotations

import re

import pytest

from mentormatch.app import create_app
from mentormatch.web.converters import DATABASE_ID_MAX
from tests.helpers import AuthActions
from tests.proposal_helpers import run_round

TOO_LARGE = (DATABASE_ID_MAX + 1, 2**64, 10**30)
# The role whose blueprint lets the request reach the view (others are refused before it).
ROLE_OF_BLUEPRINT = {"mentee": "mentee", "mentor": "mentor"}
# Blueprints shared by two roles: the role of each view.
ROLE_OF_ENDPOINT = {"choices.browse": "mentee", "choices.decline": "mentee",
                    "choices.mark": "mentor"}  # fmt: skip
INT_ARGUMENT = re.compile(r"<int(?:\([^)]*\))?:\w+>")


@pytest.fixture
def app(app_config):
    # A server error is answered as one (500), as in production, instead of raised in the test.
    app = create_app({**app_config, "PROPAGATE_EXCEPTIONS": False, "RATELIMIT_ENABLED": False})
    yield app


def id_routes(app):
    """Every rule with an integer in its address, and the method to ask it with."""
    return [
        (rule, "GET" if "GET" in rule.methods else "POST")
        for rule in app.url_map.iter_rules()
        if INT_ARGUMENT.search(rule.rule)
    ]


def signed_in_client(app, role):
    client = app.test_client()
    AuthActions(app, client).login_as(role)
    return client


def test_every_id_route_answers_not_found_for_ids_beyond_the_database(app):
    routes = id_routes(app)
    assert len(routes) >= 10, [str(rule) for rule, _ in routes]
    clients = {role: signed_in_client(app, role) for role in ("mentee", "mentor", "coordinator")}
    answers = {}
    for rule, method in routes:
        blueprint = rule.endpoint.split(".")[0]
        role = ROLE_OF_ENDPOINT.get(rule.endpoint) or ROLE_OF_BLUEPRINT.get(blueprint)
        client = clients[role or "coordinator"]
        for number in (DATABASE_ID_MAX, *TOO_LARGE):  # the largest is looked up, and absent
            path = INT_ARGUMENT.sub(str(number), rule.rule)
            response = client.open(path, method=method)
            answers[f"{method} {path}"] = response.status_code
    assert {path: status for path, status in answers.items() if status != 404} == {}


def test_ids_too_large_in_a_query_or_a_form_are_not_server_errors(app):
    round_id = run_round(app, "Spring")
    client = signed_in_client(app, "coordinator")
    huge = str(2**64)
    compared = client.get(f"/coordinator/rounds/{round_id}?against={huge}")
    assert compared.status_code == 200  # the review, without a comparison
    for form in (
        {"mentee_id": huge, "mentor_id": "1", "kind": "forbid", "round_id": str(round_id)},
        {"mentee_id": "1", "mentor_id": huge, "kind": "lock"},
    ):
        for path in ("/coordinator/rounds/rules/pair", "/coordinator/rounds/rules/remove"):
            assert client.post(path, data=form).status_code == 400, (path, form)
