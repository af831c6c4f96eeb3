"""The people-facing side of programmes: the list of those open for sign-up, each programme's
page with a sign-up that asks only what the programme needs and leads into the profile, the
invitation link, joining or applying when signed in, and "Your programmes" on the home pages
(with a mentor's seats per programme)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from mentormatch.app import create_app
from mentormatch.extensions import db
from mentormatch.models import Mentorship, OutboxMessage, Programme, ProgrammeMember, User
from mentormatch.models.times import utcnow
from mentormatch.services import accounts
from mentormatch.services.passwords import hash_password
from mentormatch.services.programmes import catalogue, membership
from tests.helpers import (
    TEST_PASSWORD,
    add_mentor,
    csrf_token_from,
    general_programme_id,
    make_user,
)

BASE_URL = "https://mentormatch.example.org"


def _stand_in_members_page(app) -> None:
    """The coordinators' application mail links to their members page
    (``coordinator.programme_members``), which the coordinator pages add; where they are not
    in yet, a stand-in address lets the mail be built."""
    if "coordinator.programme_members" not in app.view_functions:
        app.add_url_rule(
            "/coordinator/programmes/<int:programme_id>/members",
            "coordinator.programme_members",
            lambda programme_id: "",
        )


@pytest.fixture
def app_config(app_config):
    return {**app_config, "BASE_URL": BASE_URL}


@pytest.fixture
def app(app):
    _stand_in_members_page(app)
    return app


def create_programme(app, slug, name, **raw) -> int:
    with app.app_context():
        return catalogue.create({"slug": slug, "name": name, **raw}, None).id


@pytest.fixture
def programmes(app) -> dict[str, int]:
    """Beside 'general' (open, anyone): an open residency cohort for internal medicine and the
    2027 Match, a research track that approves each application, an invitation-only society
    programme, and an archived one."""
    ids = {
        "cohort": create_programme(
            app, "im-2027", "IM Match 2027 cohort", kind="residency", signup_mode="open",
            description="For IMGs applying to internal medicine in the 2027 Match.",
            eligible_specialties="internal-medicine", eligible_match_years="2027",
            starts_on="2026-09-01", ends_on="2027-03-31", mentorship_months="6",
            meeting_cadence="fortnightly",
        ),
        "research": create_programme(
            app, "research", "Research mentorship track", kind="research",
            signup_mode="approval", description="Six-month research projects.",
        ),
        "society": create_programme(
            app, "society", "Society programme", signup_mode="invitation",
        ),
        "old": create_programme(app, "old-cohort", "Old cohort"),
    }  # fmt: skip
    with app.app_context():
        catalogue.archive(ids["old"], None)
    return ids


def sign_up(client, path, role="mentee", email="leila@example.org", **answers):
    return client.post(
        path,
        data={
            "role": role,
            "full_name": "Dr Leila Haddad",
            "email": email,
            "password": TEST_PASSWORD,
            "confirm": TEST_PASSWORD,
            **answers,
        },
    )


def member_row(app, email, programme_id):
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            return None
        row = membership.member(programme_id, user.id)
        return None if row is None else (row.status, row.joined_via)


def user_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(User))


def mails(app) -> list[OutboxMessage]:
    with app.app_context():
        rows = list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
        db.session.expunge_all()
        return rows


def invitation_key(app, programme_id) -> str:
    with app.app_context():
        return db.session.get(Programme, programme_id).invitation_key


# --- the list and the pages --------------------------------------------------------------------


def test_the_list_shows_the_programmes_open_for_sign_up_only(client, programmes):
    response = client.get("/programmes")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for shown in ("Mentorship programme", "IM Match 2027 cohort", "Research mentorship track"):
        assert shown in page
    assert "Society programme" not in page and "Old cohort" not in page
    # what a card tells: kind, dates, who it is for, length and cadence, how to join
    assert "Residency application" in page
    assert "1 September 2026 to 31 March 2027" in page
    assert "Mentees aiming for Internal medicine." in page
    assert "Mentees applying to the Match in 2027." in page
    assert "6 months, meeting every two weeks" in page
    assert "Open with approval: a coordinator approves each application" in page
    assert 'href="/programmes/im-2027"' in page


def test_invitation_only_archived_and_unknown_programmes_have_no_page(client, programmes):
    for slug in ("society", "old-cohort", "no-such-thing"):
        response = client.get(f"/programmes/{slug}")
        assert response.status_code == 404, slug
        page = response.get_data(as_text=True)
        assert "no programme open for sign-up at this address" in page
        assert "Society programme" not in page


def test_everyone_finds_the_programmes_in_the_navigation(client, auth):
    assert 'href="/programmes">Programmes</a>' in client.get("/").get_data(as_text=True)
    auth.login_as("mentee")
    home = client.get("/mentee/").get_data(as_text=True)
    assert 'href="/programmes">Programmes</a>' in home


def test_the_sign_up_asks_only_what_the_programme_needs(client, programmes):
    cohort = client.get("/programmes/im-2027").get_data(as_text=True)
    assert 'name="specialty"' in cohort and 'name="target_match_year"' in cohort
    assert '<option value="2027">2027</option>' in cohort
    research = client.get("/programmes/research").get_data(as_text=True)
    assert 'name="email"' in research
    assert 'name="specialty"' not in research and 'name="target_match_year"' not in research
    assert "Apply and create my account" in research


def test_register_sends_people_to_choose_a_programme_when_several_are_open(client, programmes):
    response = client.get("/auth/register")
    assert response.status_code == 302
    assert response.headers["Location"] == "/programmes"
    follow = client.get("/programmes").get_data(as_text=True)
    assert "MentorMatch runs several mentoring programmes" in follow
    before = user_count(client.application)
    sign_up(client, "/auth/register")
    assert user_count(client.application) == before


def test_register_keeps_its_form_while_one_programme_is_open(client):
    page = client.get("/auth/register")
    assert page.status_code == 200
    assert "Create my account" in page.get_data(as_text=True)


# --- signing up ----------------------------------------------------------------------------------


def test_sign_up_into_an_open_programme_makes_an_active_member_and_opens_the_profile(
    app, client, programmes
):
    response = sign_up(
        client, "/programmes/im-2027", specialty="internal-medicine", target_match_year="2027"
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/mentee/profile"
    assert member_row(app, "leila@example.org", programmes["cohort"]) == ("active", "public")
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "leila@example.org"))
        assert (user.mentee_profile.specialty, user.mentee_profile.target_match_year) == (
            "internal-medicine",
            2027,
        )
        # only the programme chosen: not the general one too
        assert membership.member(general_programme_id(), user.id) is None
    profile = client.get("/mentee/profile").get_data(as_text=True)
    assert "You are a member of IM Match 2027 cohort." in profile
    assert "Your IMG profile" in profile
    assert mails(app) == []


def test_a_mentor_signs_up_without_the_mentees_questions(app, client, programmes):
    response = sign_up(client, "/programmes/im-2027", role="mentor", email="ravi@example.org")
    assert response.headers["Location"] == "/mentor/profile"
    assert member_row(app, "ravi@example.org", programmes["cohort"]) == ("active", "public")


def test_sign_up_into_an_approval_programme_waits_and_mails_both_ways(app, client, programmes):
    coordinator_id, coordinator_email = make_user(app, "coordinator")
    response = sign_up(client, "/programmes/research")
    assert response.headers["Location"] == "/mentee/profile"
    assert member_row(app, "leila@example.org", programmes["research"]) == ("pending", "public")
    flash_text = client.get("/mentee/profile").get_data(as_text=True)
    assert "Your application to Research mentorship track is with its coordinators" in flash_text
    to_applicant, to_coordinator = mails(app)
    assert to_applicant.to_address == "leila@example.org"
    assert to_applicant.subject == "Your application to Research mentorship track has arrived"
    assert "Thank you for applying to Research mentorship track as a mentee." in (
        " ".join(to_applicant.body_text.split())
    )
    assert to_coordinator.to_address == coordinator_email
    assert to_coordinator.subject == (
        "New application to Research mentorship track: Dr Leila Haddad (mentee)"
    )
    assert f"{BASE_URL}/coordinator/programmes/{programmes['research']}/members" in (
        to_coordinator.body_text
    )


def test_an_ineligible_applicant_is_told_why_and_nothing_is_saved(app, client, programmes):
    before = user_count(app)
    response = sign_up(
        client, "/programmes/im-2027", specialty="pediatrics", target_match_year="2028"
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "IM Match 2027 cohort is for mentees aiming for one of: Internal medicine." in page
    assert "IM Match 2027 cohort is for mentees applying to the Match in 2027." in page
    assert user_count(app) == before
    assert mails(app) == []
    # an unanswered question is asked again (beside what the answered one says), and saves
    # nothing either
    response = sign_up(client, "/programmes/im-2027", specialty="pediatrics")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Choose a year: IM Match 2027 cohort asks for it." in page
    assert "IM Match 2027 cohort is for mentees aiming for one of: Internal medicine." in page
    assert user_count(app) == before


# --- the invitation link -------------------------------------------------------------------------


def test_the_invitation_link_opens_an_invitation_only_programme(app, client, programmes):
    key = invitation_key(app, programmes["society"])
    page = client.get(f"/programmes/society/join/{key}")
    assert page.status_code == 200
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert "You have been invited to Society programme" in page.get_data(as_text=True)
    response = sign_up(client, f"/programmes/society/join/{key}")
    assert response.status_code == 302
    assert member_row(app, "leila@example.org", programmes["society"]) == (
        "active",
        "invitation",
    )
    # a member finds the page again from their home, without the link
    assert client.get("/programmes/society").status_code == 200


def test_a_wrong_invitation_key_says_so_and_saves_nothing(app, client, programmes):
    before = user_count(app)
    response = client.get("/programmes/society/join/not-the-key")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "This invitation link does not work" in page and "Society programme" not in page
    assert sign_up(client, "/programmes/society/join/not-the-key").status_code == 404
    assert user_count(app) == before


def test_an_invitation_skips_the_approval_and_a_stale_one_does_not(app, client, programmes):
    key = invitation_key(app, programmes["research"])
    sign_up(client, f"/programmes/research/join/{key}", email="invited@example.org")
    assert member_row(app, "invited@example.org", programmes["research"]) == (
        "active",
        "invitation",
    )
    other = app.test_client()
    stale = other.get("/programmes/research/join/an-old-key")
    assert stale.status_code == 200
    assert "This invitation link is out of date" in stale.get_data(as_text=True)
    sign_up(other, "/programmes/research/join/an-old-key", email="late@example.org")
    assert member_row(app, "late@example.org", programmes["research"]) == ("pending", "public")


# --- signed in: join or apply ------------------------------------------------------------------


def test_a_signed_in_mentee_joins_with_the_programmes_questions(app, client, auth, programmes):
    email = auth.login_as("mentee")
    page = client.get("/programmes/im-2027").get_data(as_text=True)
    assert "Join IM Match 2027 cohort" in page and 'name="email"' not in page
    refused = client.post(
        "/programmes/im-2027/apply", data={"specialty": "psychiatry", "target_match_year": "2027"}
    )
    assert refused.status_code == 400
    assert "is for mentees aiming for one of: Internal medicine" in refused.get_data(as_text=True)
    assert member_row(app, email, programmes["cohort"]) is None
    with app.app_context():  # the refused answer was not saved on the profile either
        user = db.session.scalar(select(User).where(User.email == email))
        assert user.mentee_profile.specialty is None

    joined = client.post(
        "/programmes/im-2027/apply",
        data={"specialty": "internal-medicine", "target_match_year": "2027"},
    )
    assert joined.status_code == 302
    assert member_row(app, email, programmes["cohort"]) == ("active", "public")
    page = client.get(joined.headers["Location"]).get_data(as_text=True)
    assert "You are a member of IM Match 2027 cohort." in page
    assert "Join IM Match 2027 cohort</button>" not in page


def test_a_signed_in_mentor_applies_and_sees_the_application_waiting(
    app, client, auth, programmes
):
    make_user(app, "coordinator")
    email = auth.login_as("mentor")
    assert "Apply to Research mentorship track" in client.get("/programmes/research").get_data(
        as_text=True
    )
    response = client.post("/programmes/research/apply")
    assert response.status_code == 302
    assert member_row(app, email, programmes["research"]) == ("pending", "public")
    page = client.get("/programmes/research").get_data(as_text=True)
    assert "Awaiting approval" in page
    assert "Apply to Research mentorship track</button>" not in page
    assert [m.to_address for m in mails(app)][0] == email
    home = client.get("/mentor/").get_data(as_text=True)
    assert "Research mentorship track" in home and "Awaiting approval" in home


def test_apply_is_for_mentees_and_mentors_signed_in(app, client, auth, programmes):
    response = client.post("/programmes/im-2027/apply")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")
    auth.login_as("coordinator")
    assert client.post("/programmes/im-2027/apply").status_code == 403
    page = client.get("/programmes/im-2027").get_data(as_text=True)
    assert "signed in as a coordinator" in page


# --- the home pages ------------------------------------------------------------------------------


def test_the_mentee_home_lists_the_programmes_and_places(app, client, auth, programmes):
    email = auth.login_as("mentee")
    home = client.get("/mentee/").get_data(as_text=True)
    assert "You are not in a programme yet." in home  # several are open: none chosen yet
    client.post("/programmes/research/apply")
    client.post(
        "/programmes/im-2027/apply",
        data={"specialty": "internal-medicine", "target_match_year": "2027"},
    )
    home = client.get("/mentee/").get_data(as_text=True)
    assert "Your programmes" in home
    assert 'href="/programmes/research"' in home and 'href="/programmes/im-2027"' in home
    assert "Member" in home and "Awaiting approval" in home
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        coordinator = accounts.create_coordinator(
            accounts.NewAccount("boss@example.org", TEST_PASSWORD, "Boss", "coordinator")
        )
        application = membership.member(programmes["research"], user.id)
        membership.decide(application.id, False, coordinator)
    assert "Declined" in client.get("/mentee/").get_data(as_text=True)


def test_a_mentor_sets_seats_per_programme_within_the_overall_capacity(app, client, auth):
    email = auth.login_as("mentor")
    general = None
    with app.app_context():
        general = general_programme_id()
        user = db.session.scalar(select(User).where(User.email == email))
        user.mentor_profile.capacity = 2
        db.session.commit()
    home = client.get("/mentor/").get_data(as_text=True)
    assert "You offer up to your overall capacity (2 mentees)" in home
    assert f'action="/mentor/programmes/{general}/seats"' in home

    too_many = client.post(f"/mentor/programmes/{general}/seats", data={f"s{general}-seats": "5"})
    assert too_many.status_code == 400
    assert "5 seats is above Test Mentor&#39;s overall capacity of 2" in too_many.get_data(
        as_text=True
    )
    not_a_number = client.post(
        f"/mentor/programmes/{general}/seats", data={f"s{general}-seats": "two"}
    )
    assert not_a_number.status_code == 400
    assert "Write a whole number" in not_a_number.get_data(as_text=True)

    saved = client.post(f"/mentor/programmes/{general}/seats", data={f"s{general}-seats": "1"})
    assert saved.status_code == 302
    assert "You offer 1 seat" in client.get("/mentor/").get_data(as_text=True)
    with app.app_context():
        assert (
            db.session.scalar(
                select(ProgrammeMember.seats).where(ProgrammeMember.programme_id == general)
            )
            == 1
        )
    client.post(f"/mentor/programmes/{general}/seats", data={f"s{general}-seats": ""})
    with app.app_context():
        assert (
            db.session.scalar(
                select(ProgrammeMember.seats).where(ProgrammeMember.programme_id == general)
            )
            is None
        )


def test_seats_of_a_programme_the_mentor_is_not_in_are_not_found(app, client, auth, programmes):
    auth.login_as("mentor")
    response = client.post(
        f"/mentor/programmes/{programmes['research']}/seats",
        data={f"s{programmes['research']}-seats": "1"},
    )
    assert response.status_code == 404
    assert "You are not a member of this programme" in response.get_data(as_text=True)


# --- CSRF ----------------------------------------------------------------------------------------


@pytest.fixture
def csrf_client(app_config):
    app = create_app({**app_config, "WTF_CSRF_ENABLED": True})
    _stand_in_members_page(app)
    yield app.test_client()
    with app.app_context():
        db.engine.dispose()


def test_the_forms_carry_a_csrf_token_and_a_post_without_one_saves_nothing(csrf_client):
    client = csrf_client
    app = client.application
    page = client.get("/programmes/general").get_data(as_text=True)
    token = csrf_token_from(page)
    before = user_count(app)
    assert sign_up(client, "/programmes/general").status_code == 400
    assert user_count(app) == before
    signed_up = client.post(
        "/programmes/general",
        data={"role": "mentee", "full_name": "Dr Ana", "email": "ana@example.org",
              "password": TEST_PASSWORD, "confirm": TEST_PASSWORD, "csrf_token": token},
    )  # fmt: skip
    assert signed_up.status_code == 302
    create_programme(app, "second", "Second programme")
    page = client.get("/programmes/second").get_data(as_text=True)
    assert 'action="/programmes/second/apply"' in page
    token = csrf_token_from(page)
    assert client.post("/programmes/second/apply").status_code == 400
    assert member_row(app, "ana@example.org", _id_of(app, "second")) is None
    assert client.post("/programmes/second/apply", data={"csrf_token": token}).status_code == 302
    assert member_row(app, "ana@example.org", _id_of(app, "second")) == ("active", "public")


def _id_of(app, slug) -> int:
    with app.app_context():
        return catalogue.by_slug(slug).id


def test_an_unknown_answer_is_refused_on_the_form(app, client, auth, programmes):
    email = auth.login_as("mentee")
    response = client.post(
        "/programmes/im-2027/apply", data={"specialty": "astrology", "target_match_year": "2027"}
    )
    assert response.status_code == 400
    assert "Not a valid choice" in response.get_data(as_text=True)
    assert member_row(app, email, programmes["cohort"]) is None


def test_a_person_in_two_programmes_sees_each_proposal_with_its_programme(
    app, client, auth, programmes
):
    """One open proposal or mentorship per programme: a mentee in two sees both, each
    named by its programme; so does their mentor, who is in both."""
    mentee_email = auth.login_as("mentee")
    with app.app_context():
        mentee = db.session.scalar(select(User).where(User.email == mentee_email))
        mentor = add_mentor("irene", capacity=2)
        other = add_mentor("paul")
        general = general_programme_id()
        db.session.add_all(
            [
                ProgrammeMember(programme_id=general, user_id=mentee.id, status="active"),
                ProgrammeMember(programme_id=programmes["cohort"], user=mentee, status="active"),
                ProgrammeMember(programme_id=programmes["cohort"], user=mentor, status="active"),
            ]
        )
        db.session.flush()
        db.session.add_all(
            [
                Mentorship(programme_id=general, mentee=mentee, mentor=other,
                           status="proposed"),
                Mentorship(programme_id=programmes["cohort"], mentee=mentee, mentor=mentor,
                           status="accepted", responded_at=utcnow()),
            ]
        )  # fmt: skip
        db.session.commit()
    home = client.get("/mentee/").get_data(as_text=True)
    assert "Your proposed mentor" in home and "Paul" in home
    assert "Your mentor" in home and "Irene" in home
    assert '<p class="muted programme-of">Mentorship programme</p>' in home
    assert '<p class="muted programme-of">IM Match 2027 cohort</p>' in home

    client.post("/auth/logout")
    mentor_client = app.test_client()
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "irene@mentor.example.org"))
        user.password_hash = hash_password(TEST_PASSWORD)
        db.session.commit()
    mentor_client.post(
        "/auth/login", data={"email": "irene@mentor.example.org", "password": TEST_PASSWORD}
    )
    page = mentor_client.get("/mentor/").get_data(as_text=True)
    assert '<p class="muted programme-of">IM Match 2027 cohort</p>' in page
    assert page.count('action="/mentor/programmes/') == 2  # seats in each of her programmes


def test_the_applicant_hears_the_answer_by_mail(app, client, programmes):
    sign_up(client, "/programmes/research", email="amina@example.org")
    sign_up(app.test_client(), "/programmes/research", role="mentor", email="ravi@example.org")
    with app.app_context():
        coordinator = accounts.create_coordinator(
            accounts.NewAccount("boss@example.org", TEST_PASSWORD, "Boss", "coordinator")
        )
        for email, approve in (("amina@example.org", True), ("ravi@example.org", False)):
            user = db.session.scalar(select(User).where(User.email == email))
            row = membership.member(programmes["research"], user.id)
            membership.decide(row.id, approve, coordinator, "The spring intake opens in March.")
    approved, declined = mails(app)[-2:]
    assert (approved.to_address, approved.subject) == (
        "amina@example.org",
        "You are in: Research mentorship track",
    )
    text = " ".join(approved.body_text.split())
    assert "have approved your application, and you are now a member." in text
    assert "once your profile is ready for matching" in text
    assert f"{BASE_URL}/auth/login" in text
    assert (declined.to_address, declined.subject) == (
        "ravi@example.org",
        "Your application to Research mentorship track",
    )
    text = " ".join(declined.body_text.split())
    assert "could not take your application this time." in text
    assert "Their note: The spring intake opens in March." in text
