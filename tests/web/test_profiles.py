"""Mentees and mentors complete and edit their profiles in the browser."""

import re

import pytest
from sqlalchemy import select

from mentormatch.extensions import db
from mentormatch.models import MenteeProfile, MentorProfile, User
from mentormatch.services import profiles, seats
from tests.helpers import add_mentor, general_programme_id

FULL_MENTEE_FORM = {
    "home_country": "IN",
    "medical_school": "Grant Medical College",
    "graduation_year": "2021",
    "degree": "mbbs",
    "specialty": "internal-medicine",
    "specialty_second": "cardiology",
    "preferred_regions": ["NY", "new-england"],
    "research_interests": ["case-report", "cardiovascular"],
    "research_tags": "heart failure, telehealth",
    "goals": ["residency-match"],
    "support_sought": ["research-guidance", "letters-of-recommendation"],
    "usmle_step1": "failed-then-passed",
    "usmle_step2ck": "score",
    "usmle_step2ck_score": "247",
    "usmle_step3": "not-taken",
    "oet": "passed",
    "ecfmg_status": "certified",
    "immigration_status": "outside-us",
    "visa_needed": "j1",
    "research_experience": "institutional-unfunded",
    "publications": "3",
    "first_author_publications": "1",
    "languages": "English; Hindi",
    "prefers_img_mentor": "y",
    "hours_per_month": "8",
    "about": "Aiming for an internal medicine residency in the northeast.",
    "usce_type_1": "observership",
    "usce_months_1": "3",
}


def mentee_profile(app, email):
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        profile = db.session.scalar(select(MenteeProfile).where(MenteeProfile.user_id == user.id))
        db.session.expunge(profile)
        return profile


def test_a_new_mentee_is_told_what_is_missing_for_matching(client, auth):
    auth.login_as("mentee")
    page = client.get("/mentee/").get_data(as_text=True)
    assert "Still needed for matching" in page
    for missing in ("specialty interest", "preferred US regions", "research interests"):
        assert missing in page


def test_a_mentee_completes_the_full_profile(client, auth, app):
    email = auth.login_as("mentee")
    assert client.get("/mentee/profile").status_code == 200
    response = client.post("/mentee/profile", data=FULL_MENTEE_FORM)
    assert response.status_code == 302, response.get_data(as_text=True)
    profile = mentee_profile(app, email)
    assert profile.specialty == "internal-medicine"
    assert profile.preferred_regions == ["NY", "new-england"]
    assert profile.research_tags == ["heart failure", "telehealth"]
    assert profile.usmle_step2ck_score == 247
    assert profile.languages == ["en", "hi"]
    assert profile.usce == [{"type": "observership", "months": 3}]
    assert profile.prefers_img_mentor is True
    home = client.get("/mentee/").get_data(as_text=True)
    assert "Ready for matching" in home
    assert "100%" in home
    # The edit page shows what was saved.
    edit = client.get("/mentee/profile").get_data(as_text=True)
    assert 'value="Grant Medical College"' in edit
    assert "heart failure; telehealth" in edit


def test_anywhere_counts_as_a_region_answer(client, auth, app):
    email = auth.login_as("mentee")
    data = {"specialty": "pediatrics", "regions_anywhere": "y", "research_interests": ["imaging"]}
    assert client.post("/mentee/profile", data=data).status_code == 302
    assert mentee_profile(app, email).regions_anywhere is True
    assert "Ready for matching" in client.get("/mentee/").get_data(as_text=True)


def test_bad_profile_values_are_explained_and_nothing_is_saved(client, auth, app):
    email = auth.login_as("mentee")
    before = mentee_profile(app, email)
    data = dict(FULL_MENTEE_FORM, graduation_year="1950", usmle_step2ck_score="400")
    data["first_author_publications"] = "9"
    response = client.post("/mentee/profile", data=data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Must be 1960 to" in page
    assert "Step 2 CK score as a number from 180 to 300" in page
    assert "cannot exceed publications" in page
    after = mentee_profile(app, email)
    assert after.specialty == before.specialty is None


def test_a_mentee_gives_the_match_year_they_aim_for(client, auth, app):
    email = auth.login_as("mentee")
    assert 'name="target_match_year"' in client.get("/mentee/profile").get_data(as_text=True)
    refused = client.post("/mentee/profile", data=dict(FULL_MENTEE_FORM, target_match_year="1999"))
    assert refused.status_code == 400
    assert "Must be 2000 to 2100; got 1999." in refused.get_data(as_text=True)
    assert mentee_profile(app, email).target_match_year is None
    saved = client.post("/mentee/profile", data=dict(FULL_MENTEE_FORM, target_match_year="2027"))
    assert saved.status_code == 302
    assert mentee_profile(app, email).target_match_year == 2027
    assert 'value="2027"' in client.get("/mentee/profile").get_data(as_text=True)
    # optional: clearing it is fine
    cleared = client.post("/mentee/profile", data=dict(FULL_MENTEE_FORM, target_match_year=""))
    assert cleared.status_code == 302
    assert mentee_profile(app, email).target_match_year is None


def test_unknown_choices_are_refused(client, auth):
    auth.login_as("mentee")
    response = client.post("/mentee/profile", data={"specialty": "astrology"})
    assert response.status_code == 400
    assert "Not a valid choice" in response.get_data(as_text=True)


def test_a_mentor_fills_in_what_they_offer_and_can_pause(client, auth, app):
    email = auth.login_as("mentor")
    assert "state of your institution" in client.get("/mentor/").get_data(as_text=True)
    data = {
        "position": "programme-director",
        "specialty": "internal-medicine",
        "subspecialty": "cardiology",
        "institution": "Mercy Hospital",
        "city": "Buffalo",
        "state": "NY",
        "programme_type": "community",
        "research_interests": ["cardiovascular", "quality-improvement"],
        "support_offered": ["letters-of-recommendation", "visa-guidance"],
        "is_img": "y",
        "visa_sponsorship": "j1",
        "languages": "en; ur",
        "capacity": "3",
    }
    assert client.post("/mentor/profile", data=data).status_code == 302
    home = client.get("/mentor/").get_data(as_text=True)
    assert "Ready for matching" in home
    assert "up to <strong>3</strong> mentees" in home

    client.post("/mentor/availability", data={"action": "pause"})
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        profile = db.session.scalar(select(MentorProfile).where(MentorProfile.user_id == user.id))
        assert profile.capacity == 0
    assert "Paused." in client.get("/mentor/").get_data(as_text=True)
    client.post("/mentor/availability", data={"action": "resume"})
    assert "up to <strong>3</strong> mentees" in client.get("/mentor/").get_data(as_text=True)


def mentor_capacity(app, email):
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        profile = db.session.scalar(select(MentorProfile).where(MentorProfile.user_id == user.id))
        return profile.capacity, profile.capacity_before_pause


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("-1", "Must be 0 to 20 (0 pauses matching); got -1."),
        ("35", "Must be 0 to 20 (0 pauses matching); got 35."),
        ("three", "&#39;three&#39; is not a whole number; expected 0 to 20 (0 pauses matching)."),
        ("2.5", "&#39;2.5&#39; is not a whole number"),
        ("", "Required: a whole number from 0 to 20 (0 pauses matching)."),
        ("   ", "Required: a whole number from 0 to 20"),
    ],
)
def test_a_bad_or_cleared_capacity_is_explained_and_nothing_changes(
    client, auth, app, value, message
):
    email = auth.login_as("mentor")
    assert client.post("/mentor/profile", data={"capacity": "4"}).status_code == 302
    response = client.post("/mentor/profile", data={"capacity": value, "city": "Albany"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    summary = page.split("data-error-summary>")[1].split("</div>")[0]
    assert f'<a href="#capacity">How many mentees can you take at once: {message}' in summary
    field = page.split('id="capacity-error">')[1].split("</p>")[0]
    assert message in field
    assert mentor_capacity(app, email) == (4, None)


def test_resuming_after_a_pause_gives_back_the_capacity_from_before(client, auth, app):
    email = auth.login_as("mentor")
    client.post("/mentor/profile", data={"capacity": "4"})
    client.post("/mentor/availability", data={"action": "pause"})
    assert mentor_capacity(app, email) == (0, 4)
    client.post("/mentor/availability", data={"action": "pause"})  # twice: still 4 to go back to
    home = client.get("/mentor/").get_data(as_text=True)
    assert "Resuming takes you back to 4 mentees at once." in home
    response = client.post("/mentor/availability", data={"action": "resume"})
    assert "room for 4 more mentees (capacity 4)" in client.get(
        response.headers["Location"]
    ).get_data(as_text=True)
    assert mentor_capacity(app, email) == (4, None)


def test_a_capacity_chosen_while_paused_replaces_the_one_to_go_back_to(client, auth, app):
    email = auth.login_as("mentor")
    client.post("/mentor/profile", data={"capacity": "4"})
    client.post("/mentor/availability", data={"action": "pause"})
    client.post("/mentor/profile", data={"capacity": "2"})
    assert mentor_capacity(app, email) == (2, None)


def test_a_paused_mentor_with_a_mentee_stays_paused_when_a_seat_frees(app):
    """Pausing keeps the seats taken; a seat given back is not offered again until resume."""
    with app.app_context():
        mentor = add_mentor("paused", capacity=4)
        db.session.commit()
        profile = mentor.mentor_profile
        assert seats.take_seat(mentor.id, general_programme_id())
        db.session.commit()
        profiles.pause_mentor(mentor.id)
        assert (profile.capacity, profile.seats_taken, profile.capacity_before_pause) == (1, 1, 4)
        seats.release_seat(mentor.id, general_programme_id())
        db.session.commit()
        db.session.refresh(profile)
        assert (profile.capacity, profile.seats_taken) == (0, 0)
        profiles.resume_mentor(mentor.id)
        assert (profile.capacity, profile.capacity_before_pause) == (4, None)


def test_profile_pages_belong_to_their_role(client, auth):
    auth.login_as("mentor")
    assert client.get("/mentee/profile").status_code == 403
    assert client.post("/mentee/profile", data=FULL_MENTEE_FORM).status_code == 403


def error_summary(page: str) -> list[tuple[str, str]]:
    """The (link target, text) of each problem listed at the top of a refused form."""
    form_starts = page.index('<form method="post" class="profile-form"')
    assert page.index("data-error-summary") < form_starts
    summary = page.split("data-error-summary>")[1].split("</div>")[0]
    return re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary)


def test_every_problem_is_listed_at_the_top_with_a_link_to_its_field(client, auth, app):
    email = auth.login_as("mentee")
    data = dict(FULL_MENTEE_FORM, graduation_year="1950", usmle_step2ck_score="4000")
    data.update(research_interests=["case-report", "astrology"], usce_months_2="4")
    response = client.post("/mentee/profile", data=data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    listed = error_summary(page)
    # the form's checks (a choice, a row) and the profile rules, all at once, in page order
    assert [target for target, _ in listed] == [
        "graduation_year",
        "research_interests-0",  # the first box of the group
        "usmle_step2ck_score",  # 4,000 px down on a phone
        "usce_type_2",
    ]
    assert "4 problems to fix" in page
    assert listed[2][1].startswith("Step 2 CK score: Give the Step 2 CK score as a number")
    for target in ("graduation_year", "usmle_step2ck_score", "usce_type_2"):
        assert f'aria-describedby="{target}-error"' in page  # and at the field
        assert f'id="{target}-error"' in page
    assert 'id="research_interests-error"' in page
    assert page.count('class="error-summary') == 1
    assert mentee_profile(app, email).specialty is None  # nothing saved


def test_a_form_without_problems_has_no_summary(client, auth):
    auth.login_as("mentee")
    assert "data-error-summary" not in client.get("/mentee/profile").get_data(as_text=True)


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"usce_type_1": "observership", "usce_months_1": ""}, "Give the months"),
        ({"usce_type_1": "observership", "usce_months_1": "0"}, "whole number from 1 to 120"),
        ({"usce_type_1": "observership", "usce_months_1": "x"}, "whole number from 1 to 120"),
        ({"usce_type_1": "", "usce_months_1": "3"}, "Choose the kind of experience"),
    ],
)
def test_a_us_clinical_experience_row_is_checked_at_its_fields(client, auth, row, message):
    auth.login_as("mentee")
    page = client.post("/mentee/profile", data=dict(FULL_MENTEE_FORM, **row))
    assert page.status_code == 400
    assert message in page.get_data(as_text=True).split("data-error-summary>")[1]


@pytest.mark.parametrize(
    ("typed", "stored", "shown"),
    [
        ("English, Spanish", ["en", "es"], "English, Spanish"),
        ("en; es", ["en", "es"], "English, Spanish"),
        ("english", ["en"], "English"),
        ("ENGLISH;  Yoruba ,fr", ["en", "yo", "fr"], "English, Yoruba, French"),
        ("Farsi, Tagalog, Greek", ["fa", "tl", "el"], "Persian, Tagalog, Greek"),
        ("eng, spa", ["en", "es"], "English, Spanish"),
        ("English, english, en", ["en"], "English"),
    ],
)
def test_languages_are_read_as_names_or_codes_and_shown_as_names(
    client, auth, app, typed, stored, shown
):
    email = auth.login_as("mentee")
    response = client.post("/mentee/profile", data=dict(FULL_MENTEE_FORM, languages=typed))
    assert response.status_code == 302, response.get_data(as_text=True)
    profile = mentee_profile(app, email)
    assert profile.languages == stored
    assert f'name="languages" type="text" value="{shown}"' in client.get(
        "/mentee/profile"
    ).get_data(as_text=True)
    page = client.get(f"/people/{profile.user_id}").get_data(as_text=True)
    assert f"<dt>Languages</dt><dd>{shown}</dd>" in page


def test_an_unknown_language_is_named_in_the_message(client, auth):
    auth.login_as("mentor")
    data = {"capacity": "2", "languages": "English, Elvish"}
    response = client.post("/mentor/profile", data=data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "&#39;Elvish&#39; is not a language we know" in page
    assert "English, Spanish (or en, es)" in page
    assert "ISO 639" not in page


@pytest.mark.parametrize("path", ["/mentee/profile", "/mentor/profile"])
def test_research_interests_are_grouped_in_collapsible_sections(client, auth, path):
    auth.login_as(path.split("/")[1])
    page = client.get(path).get_data(as_text=True)
    groups = re.findall(r'<details class="choice-group"( open)?>\s*<summary>([^<]+)<', page)
    assert [(bool(opened), title.strip()) for opened, title in groups] == [
        (False, "Study types"),
        (False, "Topics"),
        (False, "Specialties as research topics"),
    ]
    assert page.count('name="research_interests"') == 56


def test_a_group_with_a_chosen_interest_is_open(client, auth):
    auth.login_as("mentee")
    client.post("/mentee/profile", data=FULL_MENTEE_FORM)  # case-report and cardiovascular
    page = client.get("/mentee/profile").get_data(as_text=True)
    groups = re.findall(r'<details class="choice-group"( open)?>\s*<summary>([^<]+)<', page)
    assert [bool(opened) for opened, _ in groups] == [True, True, False]
    assert "(1 chosen)" in page
