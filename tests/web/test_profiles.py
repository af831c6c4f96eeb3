"""Mentees and mentors complete and edit their profiles in the browser."""

from sqlalchemy import select

from mentormatch.extensions import db
from mentormatch.models import MenteeProfile, MentorProfile, User

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
    assert "up to <strong>1</strong> mentee" in client.get("/mentor/").get_data(as_text=True)


def test_mentor_capacity_out_of_range_is_refused(client, auth):
    auth.login_as("mentor")
    response = client.post("/mentor/profile", data={"capacity": "35"})
    assert response.status_code == 400
    assert "Must be 0 to 20; got 35." in response.get_data(as_text=True)


def test_profile_pages_belong_to_their_role(client, auth):
    auth.login_as("mentor")
    assert client.get("/mentee/profile").status_code == 403
    assert client.post("/mentee/profile", data=FULL_MENTEE_FORM).status_code == 403
