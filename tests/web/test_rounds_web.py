"""The coordinator's rounds pages: run, follow, review, steer, publish (rounds run inline)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select, update

from mentormatch.app import create_app
from mentormatch.extensions import db
from mentormatch.models import MatchingRound, Mentorship
from mentormatch.services.rounds import transitions
from mentormatch.services.rounds.settings import parse_settings
from tests.helpers import TEST_PASSWORD, add_mentee, add_mentor, csrf_token_from, make_user

BASE = "/coordinator/rounds"
SETTINGS = {
    "name": "Spring main round",
    "weight_specialty": "0.5",
    "weight_region": "0.2",
    "weight_research": "0.3",
    "objective": "coverage",
    "min_score": "",
}


@pytest.fixture
def cohort(app):
    """Two seats for three ready mentees (Cho cannot be placed) and one unready mentee."""
    with app.app_context():
        people = {
            "ana": add_mentee("ana", country="IN"),
            "ben": add_mentee("ben", specialty="pediatrics", regions=("TX",), country="NG"),
            "cho": add_mentee("cho", specialty="psychiatry", regions=("CA",), country="PH"),
            "dora": add_mentee("dora", specialty=None, country="EG"),
            "dr_im": add_mentor("dr_im"),
            "dr_peds": add_mentor("dr_peds", specialty="pediatrics", state="TX"),
        }
        db.session.commit()
        return {name: user.id for name, user in people.items()}


@pytest.fixture
def coordinator(auth):
    return auth.login_as("coordinator")


def create_round(client, **changes) -> int:
    response = client.post(f"{BASE}/new", data={**SETTINGS, **changes})
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rsplit("/", 1)[1])


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def pairs_table(html: str) -> str:
    return html[html.index('id="pairs-title"') : html.index('id="unmatched-title"')]


def unmatched_section(html: str) -> str:
    return html[html.index('id="unmatched-title"') : html.index('id="excluded-title"')]


def test_a_round_is_created_run_and_reviewed(client, coordinator, cohort):
    round_id = create_round(client)
    html = page(client, f"{BASE}/{round_id}")
    assert "Spring main round" in html and "status-proposed" in html
    pairs = pairs_table(html)
    assert "Ana" in pairs and "Dr_Im" in pairs and "Ben" in pairs and "Dr_Peds" in pairs
    assert "Cho" not in pairs
    # the unmatched mentee, with the engine's reason; the unready one, left out with why
    unmatched = unmatched_section(html)
    assert "Cho" in unmatched and "taken by mentees who have no other option" in unmatched
    assert "Dora" in html and "profile not ready for matching" in html
    # headline figures, charts, explanation of a pair
    assert re.search(r'stat-value">3<.*?mentees took part', html)
    assert "67%" in html and "certified exact" in html
    assert html.count('role="img"') == 3 and "<title" in html and "Score distribution" in html
    # why a pair: each part's value and what it adds (Ana and her mentor agree on everything)
    assert "weight 0.50" in pairs and "weight 0.20" in pairs and "weight 0.30" in pairs
    ana = pairs[pairs.index(">Ana<") : pairs.index("</tr>", pairs.index(">Ana<"))]
    assert "<strong>1.00</strong>" in ana
    assert "adds 0.500" in ana and "adds 0.200" in ana and "adds 0.300" in ana
    assert "South Asia" in html and "Internal medicine" in html and "No preference" in html
    assert flagged_groups(html) == []  # Cho's 0% is one mentee: too few to judge
    assert "blocking pair" in html
    # the list shows the round with its counts
    listing = page(client, f"{BASE}/")
    assert "Spring main round" in listing and "67%" in listing


def flagged_groups(html: str) -> list[str]:
    fairness = html[html.index('id="fairness-title"') : html.index('id="stability-title"')]
    return re.findall(r'<tr class="below">\s*<th scope="row">([^<]+)', fairness)


def test_groups_matched_well_below_the_rest_are_flagged(app, client, coordinator, cohort):
    with app.app_context():
        for k in range(4):  # five psychiatry mentees from the Philippines, no psychiatrist
            add_mentee(f"psy{k}", specialty="psychiatry", regions=("CA",), country="PH")
        db.session.commit()
    html = page(client, f"{BASE}/{create_round(client)}")
    assert [group.strip() for group in flagged_groups(html)] == [
        "East Asia and Pacific", "Psychiatry",
    ]  # fmt: skip
    assert "1 group well below" in html


def test_the_settings_form_explains_bad_values(client, coordinator, cohort):
    response = client.post(
        f"{BASE}/new",
        data={**SETTINGS, "name": "", "weight_region": "lots", "min_score": "2"},
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Give the round a name" in html
    assert "&#39;lots&#39; is not a number" in html or "'lots' is not a number" in html
    assert "Must be between 0 and 1" in html
    assert page(client, f"{BASE}/").count("status-") == 0


def test_locks_and_forbids_steer_a_rerun_and_the_diff_shows_it(client, coordinator, cohort):
    first = create_round(client, name="First")
    # forbid Ana with her mentor from the review page, and lock Cho to that mentor by email
    response = client.post(
        f"{BASE}/rules/pair",
        data={"mentee_id": cohort["ana"], "mentor_id": cohort["dr_im"], "kind": "forbid",
              "round_id": first},
    )  # fmt: skip
    assert response.headers["Location"] == f"{BASE}/{first}#pair-{cohort['ana']}"
    response = client.post(
        f"{BASE}/rules",
        data={"mentee_email": "cho@mentee.example.org", "mentor_email": "DR_IM@mentor.example.org",
              "kind": "lock", "note": "asked for each other"},
    )  # fmt: skip
    assert response.status_code == 302
    rules = page(client, f"{BASE}/rules")
    assert "forbid" in rules and "lock" in rules and "asked for each other" in rules

    second = create_round(client, name="Second")
    html = page(client, f"{BASE}/{second}")
    pairs = pairs_table(html)
    assert "Cho" in pairs and "locked" in pairs and "Ana" not in pairs
    assert "Ana" in unmatched_section(html)

    diff = page(client, f"{BASE}/{second}?against={first}")
    assert "1 same pair" in diff and "1 newly matched" in diff and "1 newly unmatched" in diff
    changes = diff[diff.index("Mentees whose outcome changed") : diff.index('id="pairs-title"')]
    assert re.search(r"Cho</td>\s*<td>newly matched", changes)
    assert re.search(r"Ana</td>\s*<td>newly unmatched", changes)

    # re-running the first round with the rules in place gives the second's outcome, as a new
    # round: the first keeps its result
    response = client.post(f"{BASE}/{first}/start")
    third = int(response.headers["Location"].rsplit("/", 1)[1])
    assert third not in (first, second)
    assert "Every mentee has the same outcome" in page(client, f"{BASE}/{third}?against={second}")
    assert "1 newly unmatched" in page(client, f"{BASE}/{second}?against={first}")

    # rules can be removed again
    for mentee in ("ana", "cho"):
        data = {"mentee_id": cohort[mentee], "mentor_id": cohort["dr_im"]}
        client.post(f"{BASE}/rules/remove", data=data)
    assert "No locks or forbids yet" in page(client, f"{BASE}/rules")


def test_settings_can_be_changed_and_the_round_run_again(client, coordinator, cohort):
    round_id = create_round(client)
    form = page(client, f"{BASE}/{round_id}/settings")
    # the re-run's name is offered; the weights are the round's
    assert 'value="Spring main round (re-run 2)"' in form and 'value="0.5"' in form
    response = client.post(
        f"{BASE}/{round_id}/settings",
        data={**SETTINGS, "name": "Spring, research first", "weight_research": "3",
              "objective": "score"},
    )  # fmt: skip
    rerun = int(response.headers["Location"].rsplit("/", 1)[1])
    assert rerun != round_id
    html = page(client, f"{BASE}/{rerun}")
    assert "Spring, research first" in html and "objective score" in html
    assert "weight 0.81" in html  # research: 3 / (0.5 + 0.2 + 3)
    # the earlier run is untouched
    earlier = page(client, f"{BASE}/{round_id}")
    assert "Spring main round" in earlier and "objective coverage" in earlier
    assert "weight 0.30" in earlier and "status-proposed" in earlier


def test_the_optional_extras_are_set_on_the_form_and_shown_only_when_on(
    client, coordinator, cohort
):
    form = page(client, f"{BASE}/new")
    extras = form[form.index("Optional extras for IMGs") :]
    for name, label in (("support", "Support"), ("language", "Language"),
                        ("img_mentor", "IMG mentor"), ("visa", "Visa")):  # fmt: skip
        assert f'name="weight_{name}"' in extras and f"{label} weight" in extras
        assert re.search(rf'<input[^>]*name="weight_{name}"[^>]*value="0"', extras)
    plain = pairs_table(page(client, f"{BASE}/{create_round(client)}"))
    assert "Visa" not in plain and "IMG mentor" not in plain
    round_id = create_round(client, name="With extras", weight_visa="1", weight_img_mentor="0.5")
    html = page(client, f"{BASE}/{round_id}")
    assert "IMG mentor 0.20, Visa 0.40" in html  # 0.5 / 2.5 and 1 / 2.5
    pairs = pairs_table(html)
    assert ">Visa<br>" in pairs and ">IMG mentor<br>" in pairs and ">Support<br>" not in pairs
    charts = html[html.index('id="charts-title"') : html.index('id="fairness-title"')]
    assert "Visa 0.50" in charts and "IMG mentor 0.50" in charts  # neutral: nobody stated any


def test_publish_once_and_a_stale_round_is_refused_with_the_reason(
    app, client, coordinator, cohort
):
    stale, fresh = create_round(client, name="Stale"), create_round(client, name="Fresh")
    confirm = {"confirm": "yes"}
    response = client.post(f"{BASE}/{fresh}/publish", data=confirm, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Published: 2 proposals sent to mentors." in html and "status-published" in html
    again = client.post(f"{BASE}/{fresh}/publish", data=confirm, follow_redirects=True)
    assert "only a proposed round can be published" in again.get_data(as_text=True)
    refused = client.post(f"{BASE}/{stale}/publish", data=confirm, follow_redirects=True)
    refused = refused.get_data(as_text=True)
    assert "Nothing was published: 2 pairs can no longer be proposed" in refused
    assert "already has a pending proposal from round" in refused
    assert "status-proposed" in refused and "@mentee.example.org -&gt;" not in refused
    with app.app_context():
        assert len(db.session.scalars(select(Mentorship)).all()) == 2

    closed = client.post(f"{BASE}/{fresh}/close", data=confirm, follow_redirects=True)
    closed = closed.get_data(as_text=True)
    assert "The round is closed" in closed and "status-closed" in closed


def test_progress_json_and_the_page_while_running(app, client, coordinator, cohort):
    round_id = create_round(client)
    data = client.get(f"{BASE}/{round_id}/progress").get_json()
    assert data == {
        "id": round_id, "status": "proposed", "stage": "done", "stage_label": "Done",
        "percent": 100, "done": True, "error": None, "url": f"{BASE}/{round_id}",
    }  # fmt: skip
    with app.app_context():
        db.session.execute(
            update(MatchingRound)
            .where(MatchingRound.id == round_id)
            .values(status="running", progress_stage="solving", progress_percent=35)
        )
        db.session.commit()
    data = client.get(f"{BASE}/{round_id}/progress").get_json()
    assert data["done"] is False and data["stage_label"] == "Finding the best matching"
    html = page(client, f"{BASE}/{round_id}")
    assert "Finding the best matching" in html and 'value="35"' in html
    assert f'data-progress-url="{BASE}/{round_id}/progress"' in html
    assert "/static/rounds.js" in html and '<meta http-equiv="refresh"' in html
    assert "<script>" not in html and "style=" not in html
    assert client.get(f"{BASE}/999/progress").status_code == 404


def test_a_failed_round_shows_its_error_and_can_run_again(
    client, coordinator, cohort, monkeypatch
):
    from mentormatch.services.rounds import run as run_module

    real_solve = run_module.solve
    monkeypatch.setattr(
        run_module, "solve", lambda problem: (_ for _ in ()).throw(MemoryError("out of memory"))
    )
    round_id = create_round(client)
    html = page(client, f"{BASE}/{round_id}")
    assert "This round failed" in html and "MemoryError: out of memory" in html
    assert f'action="{BASE}/{round_id}/start"' in html
    monkeypatch.setattr(run_module, "solve", real_solve)
    client.post(f"{BASE}/{round_id}/start")
    assert "status-proposed" in page(client, f"{BASE}/{round_id}")


def test_pairs_are_paged_and_filtered(client, coordinator, cohort):
    round_id = create_round(client)
    html = page(client, f"{BASE}/{round_id}?q=peds")
    pairs = pairs_table(html)
    assert "Dr_Peds" in pairs and "Dr_Im" not in pairs and "1 pair match" in pairs
    assert "No pairs match this filter" in pairs_table(page(client, f"{BASE}/{round_id}?q=zzz"))


def test_the_stable_comparison_is_a_switch(client, coordinator, cohort):
    round_id = create_round(client)
    assert "Stable solution" not in page(client, f"{BASE}/{round_id}")
    html = page(client, f"{BASE}/{round_id}?compare=stable")
    assert "Stable solution" in html and "This proposal (optimal)" in html
    assert "Hide the comparison" in html


def test_the_web_export_is_a_csv(client, coordinator, cohort):
    round_id = create_round(client)
    response = client.get(f"{BASE}/{round_id}/export.csv")
    assert response.mimetype == "text/csv"
    lines = response.get_data(as_text=True).splitlines()
    assert lines[0].startswith("mentee_email,mentor_email,score") and len(lines) == 3
    assert client.get(f"{BASE}/999/export.csv").status_code == 404


def round_urls(round_id: int) -> list[tuple[str, str]]:
    return [
        ("GET", f"{BASE}/"),
        ("GET", f"{BASE}/new"),
        ("POST", f"{BASE}/new"),
        ("GET", f"{BASE}/{round_id}"),
        ("GET", f"{BASE}/{round_id}/progress"),
        ("GET", f"{BASE}/{round_id}/settings"),
        ("POST", f"{BASE}/{round_id}/settings"),
        ("POST", f"{BASE}/{round_id}/start"),
        ("POST", f"{BASE}/{round_id}/publish"),
        ("POST", f"{BASE}/{round_id}/close"),
        ("GET", f"{BASE}/{round_id}/export.csv"),
        ("GET", f"{BASE}/rules"),
        ("POST", f"{BASE}/rules"),
        ("POST", f"{BASE}/rules/pair"),
        ("POST", f"{BASE}/rules/remove"),
    ]


@pytest.mark.parametrize("role", ["mentee", "mentor"])
def test_mentees_and_mentors_get_403_on_every_rounds_url(app, client, auth, cohort, role):
    with app.app_context():
        round_id = transitions.create_round(parse_settings({"name": "Guarded"}), None).id
    auth.login_as(role)
    data = {**SETTINGS, "mentee_id": cohort["ana"], "mentor_id": cohort["dr_im"], "kind": "lock"}
    for method, url in round_urls(round_id):
        response = client.open(url, method=method, data=data if method == "POST" else None)
        assert response.status_code == 403, (method, url)
    with app.app_context():
        assert db.session.get(MatchingRound, round_id).status == "draft"
        assert db.session.scalar(select(MatchingRound).where(MatchingRound.id != round_id)) is None


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(f"{BASE}/")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_state_changes_need_the_csrf_token(app_config, cohort):
    app = create_app({**app_config, "WTF_CSRF_ENABLED": True})
    _, email = make_user(app, "coordinator")
    client = app.test_client()
    token = csrf_token_from(client.get("/auth/login").get_data(as_text=True))
    client.post(
        "/auth/login", data={"email": email, "password": TEST_PASSWORD, "csrf_token": token}
    )
    with app.app_context():
        round_id = transitions.create_round(parse_settings({"name": "Guarded"}), None).id
    assert client.post(f"{BASE}/{round_id}/start").status_code == 400
    html = page(client, f"{BASE}/{round_id}")
    response = client.post(f"{BASE}/{round_id}/start", data={"csrf_token": csrf_token_from(html)})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(MatchingRound, round_id).status == "proposed"
