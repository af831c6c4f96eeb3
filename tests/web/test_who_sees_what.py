"""Who sees what (services.audiences), held on every page, in every "Your data" export and in
every mail, for each audience: the mentee, the mentor who declined her (the reason's author),
the mentor who accepted her, another mentee, another mentor, and a coordinator.

Mina Rao (failed Step 1 once, J-1 visa) was proposed to Dr Dev Patel, who declined with a
reason, then to Dr Ada Byrne, who accepted. A coordinator then forbade Mina with Dr Cara Lind
and locked Omar Haddad with Dr Patel (neither pair was ever proposed), and replaced the
Mina-Dr Patel rule with one of their own; every rule has a private note. Mina recorded a
publication among her outcomes, which Dr Byrne sees only while she shares them.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import select

from mentormatch.extensions import db
from mentormatch.models import OutboxMessage, User
from mentormatch.services import audiences, privacy, proposals
from mentormatch.services.outcomes import records
from mentormatch.services.rounds import pair_rules
from tests.helpers import TEST_PASSWORD, make_user
from tests.proposal_helpers import Person, person, proposal_id, publish, run_round

DECLINE_REASON = "Declined: weak research record, and her Step 1 failure worries me"
NOTES = ("Note A: Mina asked", "Note B: the dean asked", "Note C: keep apart")
# How the profile page and mails would show Mina's exam and visa details.
SENSITIVE = ("Passed after a failed attempt", "J-1", "Outside the US")
AUDIENCES = ("mina", "patel", "byrne", "omar", "lind", "coordinator")
# Mina's outcome: hers, the coordinators', and her mentor's only while she shares it.
OUTCOME_TITLE = "Visa barriers of IMGs: a scoping review"


@dataclass
class World:
    people: dict[str, Person]
    clients: dict

    def id(self, name: str) -> int:
        return self.people[name].id


@pytest.fixture
def world(app) -> World:
    mina = person(app, "mentee", "Mina Rao", usmle_step1="failed-then-passed",
                  usmle_step2ck="score", usmle_step2ck_score=247,
                  immigration_status="outside-us", visa_needed="j1")  # fmt: skip
    patel = person(app, "mentor", "Dev Patel")
    publish(app, run_round(app, "First", mentee_ids=[mina.id]))
    with app.app_context():
        proposals.decline(proposal_id(app, mina, patel), patel.id, DECLINE_REASON)
    byrne = person(app, "mentor", "Ada Byrne")
    publish(app, run_round(app, "Second", mentee_ids=[mina.id]))
    with app.app_context():
        proposals.accept(proposal_id(app, mina, byrne), byrne.id)
    omar = person(app, "mentee", "Omar Haddad")
    lind = person(app, "mentor", "Cara Lind")
    coordinator_id, coordinator_email = make_user(app, "coordinator")
    with app.app_context():
        pair_rules.set_pair_rule(mina.id, lind.id, "forbid", coordinator_id, NOTES[0])
        pair_rules.set_pair_rule(omar.id, patel.id, "lock", coordinator_id, NOTES[1])
        pair_rules.set_pair_rule(mina.id, patel.id, "forbid", coordinator_id, NOTES[2])
    with app.app_context():
        raw = {"kind": "publication", "achieved_on": "2026-02-02", "description": OUTCOME_TITLE,
               "pmid": "31452104"}  # fmt: skip
        mentee = db.session.get(User, mina.id)
        records.record(mina.id, mentee, records.parse(raw, date(2026, 12, 1)))
    people = {
        "mina": mina, "patel": patel, "byrne": byrne, "omar": omar, "lind": lind,
        "coordinator": Person(coordinator_id, coordinator_email, "Test Coordinator"),
    }  # fmt: skip
    clients = {}
    for name, someone in people.items():
        clients[name] = app.test_client()
        signed_in = clients[name].post(
            "/auth/login", data={"email": someone.email, "password": TEST_PASSWORD}
        )
        assert signed_in.status_code == 302
    return World(people, clients)


def export_of(world: World, name: str) -> dict:
    response = world.clients[name].get("/account/export.json")
    assert response.status_code == 200
    return json.loads(response.data)


def page(world: World, name: str, path: str):
    return world.clients[name].get(path)


def mails_to(app, email: str) -> list[str]:
    """Subjects and bodies, with links taken out (their random tokens prove nothing)."""
    with app.app_context():
        rows = db.session.scalars(select(OutboxMessage).where(OutboxMessage.to_address == email))
        return [re.sub(r"https?://\S+", "", f"{m.subject}\n{m.body_text}") for m in rows]


# --- the export -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", AUDIENCES)
def test_no_export_holds_a_note_and_only_its_author_gets_a_decline_reason(world, name):
    exported = export_of(world, name)
    text = json.dumps(exported)
    for note in NOTES:
        assert note not in text
    assert (DECLINE_REASON in text) is (name == "patel")
    if name == "patel":
        [declined] = exported["mentorships"]
        assert (declined["with"], declined["status"]) == ("Mina Rao", "declined")
        assert declined["response_reason"] == DECLINE_REASON


def test_the_mentees_export(world):
    exported = export_of(world, "mina")
    text = json.dumps(exported)
    assert exported["profile"]["usmle_step1"] == "failed-then-passed"  # her own, all of it
    assert exported["profile"]["visa_needed"] == "j1"
    declined, accepted = exported["mentorships"]
    assert declined["with"] == "Dev Patel" and declined["status"] == "declined"
    assert "response_reason" not in declined and "with_email" not in declined
    assert accepted["with"] == "Ada Byrne" and accepted["with_email"] == world.people[
        "byrne"].email  # fmt: skip
    # rules on pairs she was proposed in; not the forbid with Dr Lind, never proposed
    rules = {rule["with"]: rule for rule in exported["pair_rules"]}
    assert set(rules) == {"Dev Patel", "Ada Byrne"}
    assert rules["Dev Patel"]["kind"] == "forbid" and "note" not in rules["Dev Patel"]
    assert "Cara Lind" not in text and world.people["lind"].email not in text
    assert world.people["patel"].email not in text  # declined: never shared
    assert {rule["source"] for rule in exported["pair_rules"]} == {"accepted", "coordinator"}


def test_a_mentors_export_names_only_mentees_proposed_to_them(world):
    exported = export_of(world, "patel")
    text = json.dumps(exported)
    assert "Omar Haddad" not in text  # locked with him by a coordinator, never proposed
    assert world.people["omar"].email not in text
    [rule] = exported["pair_rules"]
    assert rule["with"] == "Mina Rao" and "note" not in rule
    assert world.people["mina"].email not in text  # never accepted
    for value in ("failed-then-passed", "outside-us", "j1"):
        assert value not in text


def test_the_accepting_mentors_export(world):
    exported = export_of(world, "byrne")
    [accepted] = exported["mentorships"]
    assert accepted["with"] == "Mina Rao" and accepted["with_email"] == world.people["mina"].email
    assert accepted["response_reason"] is None  # theirs to see; there is none
    assert "failed-then-passed" not in json.dumps(exported)  # her profile is not theirs


@pytest.mark.parametrize("name", ["omar", "lind"])
def test_other_peoples_exports_do_not_name_people_they_were_never_proposed_with(world, name):
    exported = export_of(world, name)
    text = json.dumps(exported)
    assert exported["mentorships"] == [] and exported["pair_rules"] == []
    for other in ("Mina Rao", "Dev Patel", "Ada Byrne", "Omar Haddad", "Cara Lind"):
        if other != world.people[name].name:
            assert other not in text


def test_a_coordinators_export_is_about_the_coordinator(world):
    exported = export_of(world, "coordinator")
    text = json.dumps(exported)
    assert exported["mentorships"] == [] and exported["pair_rules"] == []
    assert {entry["action"] for entry in exported["actions"]} == {
        "pair.forbidden", "pair.locked"}  # fmt: skip
    assert "Mina Rao" not in text and DECLINE_REASON not in text


# --- the pages ---------------------------------------------------------------------------------


def test_the_mentee_never_sees_the_decline_reason_or_the_notes(world):
    for path in ("/mentee/", f"/people/{world.id('byrne')}", "/account/", "/mentee/profile"):
        response = page(world, "mina", path)
        assert response.status_code == 200, path
        text = response.get_data(as_text=True)
        assert DECLINE_REASON not in text and not any(note in text for note in NOTES)
    assert page(world, "mina", f"/people/{world.id('patel')}").status_code == 404  # declined
    assert page(world, "mina", f"/people/{world.id('lind')}").status_code == 404


def test_the_declining_mentor_sees_their_own_reason_and_nothing_more(world):
    home = page(world, "patel", "/mentor/").get_data(as_text=True)
    assert DECLINE_REASON in home and "Mina Rao" in home
    assert "Omar Haddad" not in home and not any(note in home for note in NOTES)
    assert page(world, "patel", f"/people/{world.id('mina')}").status_code == 404
    assert page(world, "patel", f"/people/{world.id('omar')}").status_code == 404


def test_the_accepting_mentor_sees_the_private_details_and_contact_not_the_reason(world):
    profile = page(world, "byrne", f"/people/{world.id('mina')}").get_data(as_text=True)
    assert all(text in profile for text in SENSITIVE) and "247" in profile
    assert world.people["mina"].email in profile
    home = page(world, "byrne", "/mentor/").get_data(as_text=True)
    for text in (profile, home):
        assert DECLINE_REASON not in text and not any(note in text for note in NOTES)


@pytest.mark.parametrize("name", ["omar", "lind"])
def test_other_people_see_nothing_of_her(world, name):
    for someone in ("mina", "patel", "byrne"):
        if world.people[someone].name != world.people[name].name:
            assert page(world, name, f"/people/{world.id(someone)}").status_code == 404
    home = page(world, name, "/mentee/" if name == "omar" else "/mentor/")
    text = home.get_data(as_text=True)
    assert home.status_code == 200 and "Mina Rao" not in text and "Dev Patel" not in text


def test_the_coordinator_sees_all_of_it(world):
    profile = page(world, "coordinator", f"/people/{world.id('mina')}").get_data(as_text=True)
    assert [text for text in SENSITIVE if text not in profile] == []
    assert world.people["mina"].email in profile
    rules = page(world, "coordinator", "/coordinator/rounds/rules").get_data(as_text=True)
    assert all(note in rules for note in NOTES)


# --- the mails -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", AUDIENCES)
def test_no_mail_carries_a_reason_a_note_or_what_its_reader_may_not_see(app, world, name):
    someone = world.people[name]
    mails = mails_to(app, someone.email)
    may_see_her_details = name in ("mina", "byrne")  # byrne: accepted
    for text in mails:
        assert DECLINE_REASON not in text and not any(note in text for note in NOTES)
        if not may_see_her_details:
            assert not any(detail in text for detail in SENSITIVE)
            assert world.people["mina"].email not in text
        if name != "mina":
            assert "Cara Lind" not in text or name == "lind"
    if name in ("omar", "lind", "coordinator"):
        assert not any("Mina Rao" in text for text in mails)
    expected = {"mina": 4, "patel": 1, "byrne": 2, "omar": 0, "lind": 0, "coordinator": 0}
    assert len(mails) == expected[name], [text.splitlines()[0] for text in mails]


def test_the_accepted_mentor_gets_her_address_by_mail_and_the_declining_one_does_not(app, world):
    [accepted] = [text for text in mails_to(app, world.people["byrne"].email)
                  if "Thank you for accepting" in text]  # fmt: skip
    assert world.people["mina"].email in accepted
    assert not any(world.people["mina"].email in text
                   for text in mails_to(app, world.people["patel"].email))  # fmt: skip


# --- the table itself -------------------------------------------------------------------------


def test_the_table_gives_each_audience_what_the_pages_show(app, world):
    item = audiences.Item
    with app.app_context():

        def held(viewer: str, subject: str, author: str | None = None):
            user = db.session.get(User, world.id(viewer))
            author_id = world.id(author) if author else None
            return audiences.audiences(user, world.id(subject), author_id)

        reason = {name: audiences.may_see(held(name, "mina", "patel"), item.DECLINE_REASON)
                  for name in AUDIENCES}  # fmt: skip
        assert reason == {"mina": False, "patel": True, "byrne": False, "omar": False,
                          "lind": False, "coordinator": True}  # fmt: skip
        exams = {name: audiences.may_see(held(name, "mina"), item.EXAM_RESULTS)
                 for name in AUDIENCES}  # fmt: skip
        assert exams == {"mina": True, "patel": False, "byrne": True, "omar": False,
                         "lind": False, "coordinator": True}  # fmt: skip
        for name in AUDIENCES:
            notes = audiences.may_see(held(name, "mina"), item.RULE_NOTE)
            assert notes is (name == "coordinator")
        assert audiences.may_see(held("patel", "mina"), item.PAIR_RULE)  # proposed once
        assert not audiences.may_see(held("patel", "omar"), item.PAIR_RULE)  # never
        assert not audiences.may_see(held("patel", "mina"), item.CONTACT)
        assert audiences.may_see(held("byrne", "mina"), item.CONTACT)
        assert not audiences.may_see(held("byrne", "mina"), item.UNMATCHED_REASON)


# --- stated preferences ---------------------------------------------------------------------

AVOID_REASON = "Avoid: she reported me to the dean once"


@pytest.fixture
def choices_world(app, world):
    """Omar ranks Dr Lind first and Dr Patel second in a round collecting choices; Dr Lind
    marks him avoid with a reason, Dr Patel prefer."""
    from datetime import UTC, datetime, timedelta

    from mentormatch.services.preferences import choices, windows
    from mentormatch.services.rounds import transitions
    from mentormatch.services.rounds.settings import parse_settings

    with app.app_context():
        created = transitions.create_round(parse_settings({"name": "Choices"}), None)
        round_id = created.id
        now = datetime.now(UTC)
        windows.set_window(round_id, None, now - timedelta(hours=1), now + timedelta(days=2))
        choices.save_ranking(world.id("omar"), round_id, [world.id("lind"), world.id("patel")])
        for name, kind, reason in (("lind", "avoid", AVOID_REASON), ("patel", "prefer", "")):
            _, rankers = choices.rankers_of(world.id(name), round_id)
            choices.set_mark(world.id(name), rankers[0].ranking_id, kind, reason)
        return round_id


def test_a_ranked_mentor_sees_an_anonymous_ranker_and_nothing_of_the_rest_of_the_list(
    world, choices_world
):
    body = page(world, "lind", "/choices/ranked-me").get_data(as_text=True)
    assert "Mentee 1" in body and AVOID_REASON in body  # her own mark
    for hidden in ("Omar Haddad", "Dev Patel", "first choice", "Prefer</span>"):
        assert hidden not in body, hidden
    other = page(world, "patel", "/choices/ranked-me").get_data(as_text=True)
    assert AVOID_REASON not in other and "Cara Lind" not in other
    # and no mentor reaches a mentee's list
    for name in ("lind", "patel", "byrne"):
        assert page(world, name, f"/choices/rounds/{choices_world}").status_code == 403
        assert page(world, name, "/choices/").status_code == 403


def test_the_mentee_never_sees_a_mentors_mark(world, choices_world):
    for path in ("/choices/", f"/choices/rounds/{choices_world}", "/mentee/",
                 "/account/export.json"):  # fmt: skip
        body = page(world, "omar", path).get_data(as_text=True)
        assert AVOID_REASON not in body, path
        assert "avoid" not in body.lower(), path
        assert "Prefer" not in body, path


def test_coordinators_see_the_avoid_reason_and_the_rank_lists(world, choices_world):
    rules = page(world, "coordinator", "/coordinator/rounds/rules").get_data(as_text=True)
    assert AVOID_REASON in rules
    csv_text = page(world, "coordinator", f"/coordinator/rounds/{choices_world}/preferences.csv")
    assert world.people["omar"].email in csv_text.get_data(as_text=True)


def test_the_table_keeps_rank_lists_and_marks_from_the_other_side(app, world):
    item, a = audiences.Item, audiences.Audience
    assert audiences.WHO_SEES[item.RANK_LIST] == {a.SUBJECT, a.COORDINATORS}
    assert audiences.WHO_SEES[item.MENTOR_MARK] == {a.AUTHOR, a.COORDINATORS}


def test_the_exports_hold_ones_own_list_and_marks_and_no_anonymous_name(world, choices_world):
    omar = export_of(world, "omar")["choices"]
    assert [(r["rank"], r["mentor"]) for r in omar["rankings"]] == [(1, "Cara Lind"),
                                                                    (2, "Dev Patel")]  # fmt: skip
    assert omar["marks"] == []
    lind = export_of(world, "lind")["choices"]
    assert lind["marks"] == [{"round_id": choices_world, "kind": "avoid",
                              "reason": AVOID_REASON, "mentee": None}]  # fmt: skip
    assert lind["rankings"] == []


def test_an_avoid_mark_stays_out_of_the_mentees_export_after_a_proposal_between_them(
    app, world, choices_world
):
    """Proposed to each other later (here: a proposal she declined), she may read the rules on
    their pair, but never that he marked her "avoid"; he still reads his own."""
    from mentormatch.models import Mentorship
    from tests.helpers import general_programme_id

    with app.app_context():
        db.session.add(Mentorship(
            programme_id=general_programme_id(), mentee_id=world.id("omar"),
            mentor_id=world.id("lind"), status="declined",
        ))  # fmt: skip
        db.session.commit()
    rules = export_of(world, "omar")["pair_rules"]
    assert all(rule["source"] != "avoided" for rule in rules), rules
    assert "avoid" not in json.dumps(export_of(world, "omar")).lower()
    assert any(rule["source"] == "avoided" for rule in export_of(world, "lind")["pair_rules"])


# --- outcomes --------------------------------------------------------------------------------


def share(app, world: World, shared: bool) -> None:
    with app.app_context():
        records.set_sharing(world.id("mina"), shared)


def test_outcomes_are_hers_and_the_coordinators_and_her_mentors_only_while_shared(app, world):
    item = audiences.Item.OUTCOMES
    with app.app_context():

        def who_may() -> dict[str, bool]:
            return {
                name: audiences.may_see(
                    audiences.audiences(db.session.get(User, world.id(name)), world.id("mina")),
                    item,
                )
                for name in AUDIENCES
            }

        private = {"mina": True, "patel": False, "byrne": False, "omar": False, "lind": False,
                   "coordinator": True}  # fmt: skip
        assert who_may() == private
    share(app, world, True)
    with app.app_context():
        assert who_may() == {**private, "byrne": True}  # the accepted mentor; not Dr Patel


@pytest.mark.parametrize("shared", [False, True])
def test_the_profile_page_shows_outcomes_to_their_audience(app, world, shared):
    share(app, world, shared)
    for name in AUDIENCES:
        response = page(world, name, f"/people/{world.id('mina')}")
        text = response.get_data(as_text=True)
        expected = name in ("mina", "coordinator") or (shared and name == "byrne")
        assert (OUTCOME_TITLE in text) is expected, name
        assert ("31452104" in text) is expected, name
    # her outcomes page is hers; a mentor never reaches it
    assert OUTCOME_TITLE in page(world, "mina", "/mentee/outcomes").get_data(as_text=True)
    assert page(world, "byrne", "/mentee/outcomes").status_code == 403


@pytest.mark.parametrize("shared", [False, True])
def test_only_her_export_holds_her_outcomes(world, app, shared):
    share(app, world, shared)
    for name in AUDIENCES:
        exported = export_of(world, name)
        assert (OUTCOME_TITLE in json.dumps(exported)) is (name == "mina"), name
    [outcome] = export_of(world, "mina")["outcomes"]
    assert outcome["kind"] == "publication" and outcome["pmid"] == "31452104"
    assert outcome["recorded_by"] == "you" and outcome["verified_at"] is None


def test_deleting_her_account_deletes_her_outcomes(app, world):
    with app.app_context():
        privacy.delete_account(world.id("mina"), None)
    response = page(world, "coordinator", f"/people/{world.id('mina')}")
    assert OUTCOME_TITLE not in response.get_data(as_text=True)
    with app.app_context():
        assert records.of_mentee(world.id("mina")) == []


def test_deleting_an_account_deletes_its_rank_lists_and_the_marks_about_it(
    app, world, choices_world
):
    """Omar ranked Dr Lind and Dr Patel, who marked him avoid (with a reason) and prefer: once
    he deletes his account, neither his list nor the marks (nor the avoid's reason) remain."""
    from sqlalchemy import func

    from mentormatch.models import MenteeRanking, MentorMark

    with app.app_context():
        privacy.delete_account(world.id("omar"), None)
        for table in (MenteeRanking, MentorMark):
            assert db.session.scalar(select(func.count()).select_from(table)) == 0, table
    assert AVOID_REASON not in json.dumps(export_of(world, "lind"))
