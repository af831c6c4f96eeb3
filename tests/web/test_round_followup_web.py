"""The coordinator's round pages after the run: confirmations before what cannot be taken
back, a round that can no longer be published, re-runs kept as new rounds, staying in place
after lock/forbid/compare, and following up the mentors' answers (rounds run inline)."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select

from mentormatch.extensions import db
from mentormatch.models import MatchingRound, Mentorship, OutboxMessage, User
from tests.proposal_helpers import person, publish, run_round
from tests.round_followup_helpers import DECLINE_REASON, build_programme, deadline_of

BASE = "/coordinator/rounds"
CONFIRM = {"confirm": "yes"}


@pytest.fixture
def coordinator(auth):
    return auth.login_as("coordinator")


def page(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.get_data(as_text=True)


def count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def new_round_id(response) -> int:
    assert response.status_code == 302, response.status_code
    return int(urlsplit(response.headers["Location"]).path.rsplit("/", 1)[1])


def small_cohort(app) -> dict:
    return {
        "ana": person(app, "mentee", "Ana Sharma"),
        "ben": person(app, "mentee", "Ben Okafor", specialty="pediatrics",
                      preferred_regions=["TX"]),
        "irene": person(app, "mentor", "Irene Mehta"),
        "paul": person(app, "mentor", "Paul Reyes", specialty="pediatrics", state="TX"),
    }  # fmt: skip


# --- item 5: confirmations -------------------------------------------------------------------


def test_publish_asks_first_and_says_how_many_people_are_emailed(app, client, coordinator):
    small_cohort(app)
    round_id = run_round(app)
    review = page(client, f"{BASE}/{round_id}")
    assert "Publish 2 proposals…" in review and "Publishing emails 4 people" in review

    confirm = client.post(f"{BASE}/{round_id}/publish")  # the button on the round's page
    assert confirm.status_code == 200
    html = confirm.get_data(as_text=True)
    assert "Publish “Spring”?" in html and "emails <strong>4 people</strong> now" in html
    assert "each of the 2 mentees" in html and "the 2 mentors" in html
    assert "Publish and email 4 people" in html and 'name="confirm" value="yes"' in html
    assert 'data-busy="Publishing… emailing 4 people"' in html and "/static/rounds.js" in html
    assert count(app, Mentorship) == 0 and count(app, OutboxMessage) == 0

    done = client.post(f"{BASE}/{round_id}/publish", data=CONFIRM, follow_redirects=True)
    assert "Published: 2 proposals sent to mentors." in done.get_data(as_text=True)
    assert count(app, Mentorship) == 2


def test_close_without_publishing_asks_first(app, client, coordinator):
    small_cohort(app)
    round_id = run_round(app)
    html = client.post(f"{BASE}/{round_id}/close").get_data(as_text=True)
    assert "Close “Spring” without publishing?" in html and "Nobody is emailed" in html
    assert "Its 2 pairs stay here" in html
    assert count(app, MatchingRound, MatchingRound.status == "closed") == 0
    client.post(f"{BASE}/{round_id}/close", data=CONFIRM)
    assert count(app, MatchingRound, MatchingRound.status == "closed") == 1


def test_deactivating_an_account_asks_first(app, client, coordinator):
    ana = person(app, "mentee", "Ana Sharma")
    profile = page(client, f"/people/{ana.id}")
    assert "Deactivate account" in profile
    html = client.post(f"/coordinator/users/{ana.id}/active", data={"active": "no"})
    html = html.get_data(as_text=True)
    assert "Deactivate Ana Sharma&#39;s account?" in html and ana.email in html
    assert "can no longer sign in" in html and 'name="active" value="no"' in html
    with app.app_context():
        assert db.session.get(User, ana.id).active is True
    response = client.post(f"/coordinator/users/{ana.id}/active", data={"active": "no", **CONFIRM})
    assert response.headers["Location"] == f"/people/{ana.id}"
    with app.app_context():
        assert db.session.get(User, ana.id).active is False
    # reactivating needs no confirmation
    client.post(f"/coordinator/users/{ana.id}/active", data={"active": "yes"})
    with app.app_context():
        assert db.session.get(User, ana.id).active is True
    assert (
        client.post("/coordinator/users/999999/active", data={"active": "no"}).status_code == 404
    )


def test_a_round_overtaken_by_another_says_so_instead_of_offering_publish(
    app, client, coordinator
):
    people = small_cohort(app)
    stale = run_round(app, "Stale")
    fresh = run_round(app, "Fresh")
    publish(app, fresh)
    html = page(client, f"{BASE}/{stale}")
    actions = html[html.index('aria-label="Actions"') : html.index('id="headline-title"')]
    assert "This round can no longer be published" in actions
    assert f"round #{fresh} “Fresh”</a>\n      was published after this one was run" in actions
    assert f'action="{BASE}/{stale}/publish"' not in actions  # no button that cannot work
    rows = re.findall(
        r"<tr>\s*<td><a [^>]*>([^<]+)</a></td>\s*<td><a [^>]*>([^<]+)</a></td>\s*<td>([^<]+)</td>",
        actions,
    )
    reason = f"The mentee already has a pending proposal from round #{fresh} “Fresh”."
    assert rows == [("Ana Sharma", "Irene Mehta", reason), ("Ben Okafor", "Paul Reyes", reason)]
    assert people["ana"].email not in actions.replace(f"/people/{people['ana'].id}", "")
    assert "Run again as a new round" in actions
    # the confirmation page says the same, and a forced POST publishes nothing
    confirm = client.post(f"{BASE}/{stale}/publish").get_data(as_text=True)
    assert (
        "This round can no longer be published" in confirm and "Publish and email" not in confirm
    )
    forced = client.post(f"{BASE}/{stale}/publish", data=CONFIRM, follow_redirects=True)
    forced = forced.get_data(as_text=True)
    assert "Nothing was published: 2 pairs can no longer be proposed" in forced
    assert "-&gt;" not in forced and "->" not in forced
    assert count(app, Mentorship) == 2


# --- item 6: re-runs and staying in place ----------------------------------------------------


def test_run_again_makes_a_new_round_whose_page_shows_the_diff(app, client, coordinator):
    people = small_cohort(app)
    first = run_round(app, "Spring")
    client.post(
        f"{BASE}/rules/pair",
        data={"mentee_id": people["ana"].id, "mentor_id": people["irene"].id, "kind": "forbid",
              "round_id": first},
    )  # fmt: skip
    response = client.post(f"{BASE}/{first}/start")
    second = new_round_id(response)
    assert second != first
    html = page(client, f"{BASE}/{second}")
    assert "Spring (re-run 2)" in html
    assert re.search(rf'A re-run of\s*<a href="{BASE}/{first}">#{first} “Spring”</a>', html)
    # the diff against the earlier run, without asking
    assert f"#{first} Spring → #{second} Spring (re-run 2)" in html
    # (Ana may not have Irene: coverage gives her Paul, and Ben Irene)
    assert "2 changed mentor" in html and re.search(r"Ana Sharma</td>\s*<td>changed mentor", html)
    assert f'<option value="{first}" selected>' in html
    # asking for no comparison hides it; the first round still has its pairs
    assert "changed mentor</td>" not in page(client, f"{BASE}/{second}?against=")
    first_page = page(client, f"{BASE}/{first}")
    pairs = first_page[first_page.index('id="pairs-title"') :]
    assert "Ana Sharma" in pairs and "status-proposed" in first_page
    assert "re-run of #1" in page(client, f"{BASE}/")


def many_pairs(app, n: int = 60) -> int:
    """A round of ``n`` pairs (two pages): every mentee with Irene or one of her colleagues."""
    for k in range(n):
        person(app, "mentee", f"Mentee {k:02d}")
    person(app, "mentor", "Irene Mehta", capacity=20)
    for k in range(n // 20):
        person(app, "mentor", f"Colleague {k}", capacity=20, state="NJ")
    return run_round(app, "Big")


def test_lock_forbid_and_compare_keep_the_page_filter_and_row(app, client, coordinator):
    round_id = many_pairs(app)
    earlier = run_round(app, "Earlier")
    html = page(client, f"{BASE}/{round_id}?q=mentee&page=2&against={earlier}")
    assert "Page 2 of 2" in html
    row = re.search(r'<tr id="pair-(\d+)">', html)
    mentee_id = int(row.group(1))
    form = html[row.start() : html.index("</tr>", row.start())]
    mentor_id = int(re.search(r'name="mentor_id" value="(\d+)"', form).group(1))
    for hidden in ('name="q" value="mentee"', 'name="page" value="2"',
                   f'name="against" value="{earlier}"'):  # fmt: skip
        assert hidden in form
    response = client.post(
        f"{BASE}/rules/pair",
        data={"mentee_id": mentee_id, "mentor_id": mentor_id, "kind": "lock",
              "round_id": round_id, "q": "mentee", "page": "2", "against": str(earlier)},
    )  # fmt: skip
    location = urlsplit(response.headers["Location"])
    assert location.path == f"{BASE}/{round_id}" and location.fragment == f"pair-{mentee_id}"
    assert parse_qs(location.query) == {"q": ["mentee"], "page": ["2"], "against": [str(earlier)]}
    back = page(client, f"{location.path}?{location.query}")
    locked_row = back[back.index(f'<tr id="pair-{mentee_id}">') :]
    assert "Remove lock" in locked_row[: locked_row.index("</tr>")]
    response = client.post(
        f"{BASE}/rules/remove",
        data={"mentee_id": mentee_id, "mentor_id": mentor_id, "round_id": round_id,
              "q": "mentee", "page": "2"},
    )  # fmt: skip
    assert response.headers["Location"] == f"{BASE}/{round_id}?q=mentee&page=2#pair-{mentee_id}"
    # the compare form keeps the filter and page, and lands on the comparison
    whatif = html[html.index('id="whatif"') : html.index('id="pairs"')]
    assert f'action="{BASE}/{round_id}#whatif"' in whatif
    assert 'name="q" value="mentee"' in whatif and 'name="page" value="2"' in whatif
    # nothing else of the request comes back: no scheme, host or unknown parameter
    response = client.post(
        f"{BASE}/rules/pair",
        data={"mentee_id": mentee_id, "mentor_id": mentor_id, "kind": "forbid",
              "round_id": round_id, "page": "//evil.example", "state": "bogus",
              "next": "https://evil.example"},
    )  # fmt: skip
    assert response.headers["Location"] == f"{BASE}/{round_id}#pair-{mentee_id}"


# --- item 2: following up the answers --------------------------------------------------------


@pytest.fixture
def programme(app):
    return build_programme(app)


def test_a_published_round_shows_each_answer_totals_and_filters(
    app, client, auth, coordinator, programme
):
    html = page(client, f"{BASE}/{programme.round_id}")
    answers = html[html.index('id="answers-title"') : html.index('id="headline-title"')]
    totals = dict(
        (label, int(number))
        for number, label in re.findall(r'answer-count">(\d+)</span> (\w+)</a>', answers)
    )
    assert totals == {"pending": 1, "accepted": 1, "declined": 1, "expired": 1, "ended": 0}
    pairs = html[html.index('id="pairs-title"') :]
    ben = pairs[pairs.index(f'<tr id="pair-{programme["ben"].id}">') :]
    ben = ben[: ben.index("</tr>")]
    assert "answer-declined" in ben and DECLINE_REASON in ben
    dev = pairs[pairs.index(f'<tr id="pair-{programme["dev"].id}">') :]
    dev = dev[: dev.index("</tr>")]
    assert "answer by" in dev and "Extend" in dev and "Remind now" in dev
    assert "Re-match 2 mentees" in answers and "Extend 1 deadline" in answers

    declined = page(client, f"{BASE}/{programme.round_id}?state=declined")
    listed = declined[declined.index('id="pairs-title"') :]
    assert "1 pair declined" in listed and "Ben Okafor" in listed and "Dev Patel" not in listed

    export = client.get(f"{BASE}/{programme.round_id}/export.csv")
    rows = list(csv.DictReader(io.StringIO(export.get_data(as_text=True))))
    by_mentee = {row["mentee_email"]: row for row in rows}
    assert by_mentee[programme["ben"].email]["answer"] == "declined"
    assert by_mentee[programme["ben"].email]["decline_reason"] == DECLINE_REASON
    assert by_mentee[programme["dev"].email]["answer"] == "pending"
    assert by_mentee[programme["dev"].email]["deadline"]
    only = client.get(f"{BASE}/{programme.round_id}/export.csv?state=expired")
    assert only.get_data(as_text=True).count("\n") == 2  # the header and Cho

    # the reason is for coordinators: Ben's own page does not show it
    auth.logout()
    auth.login(programme["ben"].email)
    assert DECLINE_REASON not in page(client, "/mentee/")


def test_extend_and_remind_from_the_page_come_back_to_the_row(app, client, coordinator, programme):
    dev_proposal = programme.proposals["dev"]
    before = deadline_of(app, dev_proposal)
    response = client.post(
        f"{BASE}/{programme.round_id}/proposals/extend",
        data={"mentorship_id": dev_proposal, "mentee_id": programme["dev"].id, "days": "4",
              "state": "proposed"},
    )  # fmt: skip
    assert response.headers["Location"] == (
        f"{BASE}/{programme.round_id}?state=proposed#pair-{programme['dev'].id}"
    )
    assert deadline_of(app, dev_proposal) - before == timedelta(days=4)
    flashed = page(client, f"{BASE}/{programme.round_id}")
    assert "1 deadline extended by 4 days; the mentor was told by email." in flashed
    with app.app_context():
        mails = db.session.scalars(select(OutboxMessage).where(
            OutboxMessage.kind == "deadline-extended")).all()  # fmt: skip
        assert [m.to_address for m in mails] == [programme["nia"].email]

    for days in ("31", "0", "soon"):
        client.post(f"{BASE}/{programme.round_id}/proposals/extend", data={"days": days})
        assert "1 to 30" in page(client, f"{BASE}/{programme.round_id}")
    assert deadline_of(app, dev_proposal) - before == timedelta(days=4)

    client.post(f"{BASE}/{programme.round_id}/proposals/remind")
    assert "1 mentor reminded by email now." in page(client, f"{BASE}/{programme.round_id}")
    client.post(f"{BASE}/{programme.round_id}/proposals/remind")
    assert "had a reminder today already" in page(client, f"{BASE}/{programme.round_id}")
    assert count(app, OutboxMessage, OutboxMessage.kind == "reminder") == 1
    # a proposal of another round is not found here
    other = run_round(app, "Other")
    response = client.post(
        f"{BASE}/{other}/proposals/remind", data={"mentorship_id": dev_proposal}
    )
    assert response.status_code == 404


def test_rematch_starts_a_top_up_of_the_declined_and_expired(app, client, coordinator, programme):
    response = client.post(f"{BASE}/{programme.round_id}/rematch")
    top_up = new_round_id(response)
    html = page(client, f"{BASE}/{top_up}")
    assert "A top-up round for 2 mentees is running" in html
    assert re.search(rf'A top-up of\s*<a href="{BASE}/{programme.round_id}">', html)
    pairs = html[html.index('id="pairs-title"') :]
    made = re.findall(
        r'<tr id="pair-\d+">\s*<td><a [^>]*>([^<]+)</a></td>\s*<td><a [^>]*>([^<]+)<', pairs
    )
    assert sorted(made) == [("Ben Okafor", "Rosa Diaz"), ("Cho Lim", "Paul Reyes")]
    source = page(client, f"{BASE}/{programme.round_id}")
    assert f"#{top_up} Spring (top-up)" in source
