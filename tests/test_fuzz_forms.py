"""Fuzzing the forms people fill in: registration, sign-in, the mentee's and the mentor's
profile, and a round's settings. Random and hostile strings, huge values, several values where
one is expected, raw bytes in other encodings. Whatever comes in: never a server error, and a
refused form changes nothing (rows and profiles are compared before and after)."""

from __future__ import annotations

import io
from urllib.parse import quote_from_bytes

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from mentormatch import codes
from mentormatch.app import create_app
from mentormatch.extensions import db
from mentormatch.models import MatchingRound, MenteeProfile, MentorProfile, User
from mentormatch.services.profile_fields import MENTEE_FIELD_NAMES, MENTOR_FIELD_NAMES
from tests.helpers import TEST_PASSWORD, make_user

FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
OK_OR_REFUSED = {200, 302, 400, 413}

HOSTILE = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\r\n\t",
    "' OR '1'='1' --",
    '"; DROP TABLE users; --',
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "{{ 7 * 7 }}",
    "{% raw %}",
    "%s%s%s%n",
    '=HYPERLINK("http://evil.example")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)",
    "../../../etc/passwd",
    "\u202eevil\u202c",
    "\ufeff",
    "😀" * 50,
    "Ñandú Çé ß 中文 عربى",
    "NaN",
    "Infinity",
    "-1",
    "0",
    "1e309",
    "-0.0",
    "99999999999999999999999999",
    "0x10",
    "null",
    "true",
    "[]",
    "{}",
    "a" * 300,
    "x" * 5000,
]
# Text without lone surrogates, which no browser can send.
TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=80)
HOSTILE_TEXT = st.one_of(st.sampled_from(HOSTILE), TEXT)


def value_for(choices=()) -> st.SearchStrategy:
    """A field's value: a valid choice, something hostile, or several values at once."""
    options = [HOSTILE_TEXT, st.lists(HOSTILE_TEXT, max_size=3)]
    if choices:
        options.insert(0, st.sampled_from(list(choices)))
        options.append(st.lists(st.sampled_from(list(choices)), max_size=4))
    return st.one_of(*options)


def form_data(fields: dict[str, st.SearchStrategy]) -> st.SearchStrategy:
    """Some of the fields (a browser may leave any out), each with a fuzzed value."""
    return st.fixed_dictionaries({}, optional=fields)


@pytest.fixture
def app(app_config):
    # Dozens of registrations from one address: the rate limits are tested elsewhere.
    app = create_app({**app_config, "RATELIMIT_ENABLED": False})
    yield app
    with app.app_context():
        db.engine.dispose()


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def snapshot(app, model, user_id: int, names) -> dict:
    with app.app_context():
        profile = db.session.scalar(select(model).where(model.user_id == user_id))
        return {name: getattr(profile, name) for name in names}


def assert_no_server_error(response) -> None:
    assert response.status_code in OK_OR_REFUSED, (
        response.status_code,
        response.get_data(as_text=True)[-2000:],
    )


# --- registration and sign-in ---------------------------------------------------------------

REGISTER_FIELDS = {
    "full_name": value_for(["Amina Okafor"]),
    "email": value_for(["amina@example.org", "AMINA@EXAMPLE.ORG"]),
    "password": value_for(["long-enough-password"]),
    "confirm": value_for(["long-enough-password"]),
    "role": value_for(["mentee", "mentor", "coordinator"]),
}


@FUZZ
@given(data=form_data(REGISTER_FIELDS))
def test_registration_never_fails_and_saves_all_or_nothing(app, data):
    client = app.test_client()
    users_before = count(app, User)
    response = client.post("/auth/register", data=data)
    assert_no_server_error(response)
    if response.status_code == 302:
        assert count(app, User) == users_before + 1
        with app.app_context():
            user = db.session.scalar(select(User).order_by(User.id.desc()).limit(1))
            assert user.role in ("mentee", "mentor")  # never a coordinator
            db.session.delete(user.mentee_profile or user.mentor_profile)
            db.session.delete(user)
            db.session.commit()
    else:
        assert count(app, User) == users_before


@pytest.fixture
def target(app) -> str:
    return make_user(app, "mentee", email="fuzz-target@example.org")[1]


@FUZZ
@given(data=form_data({"email": value_for(["fuzz-target@example.org"]), "password": value_for()}))
def test_sign_in_never_fails_and_lets_nobody_in_without_the_password(app, target, data):
    client = app.test_client()
    response = client.post("/auth/login", data=data)
    assert_no_server_error(response)
    assert response.status_code != 302
    assert client.get("/mentee/").status_code == 302


@FUZZ
@given(
    body=st.one_of(
        st.binary(max_size=300),
        st.lists(
            st.tuples(
                st.sampled_from(["email", "password", "full_name", "role", "confirm", "x"]),
                st.binary(max_size=40),
            ),
            max_size=6,
        ).map(
            lambda pairs: "&".join(
                f"{name}={quote_from_bytes(value)}" for name, value in pairs
            ).encode()
        ),
        st.sampled_from(
            [
                b"email=%ff%fe%00&password=%c3%28",
                "Amina Çelik".encode("latin-1"),
                "full_name=Ωμέγα".encode("utf-16"),
                b"email=\xe9t\xe9@example.org&password=x",
            ]
        ),
    ),
    path=st.sampled_from(["/auth/login", "/auth/register", "/auth/forgot-password"]),
    content_type=st.sampled_from(
        [
            "application/x-www-form-urlencoded",
            "application/x-www-form-urlencoded; charset=latin-1",
            "multipart/form-data; boundary=xyz",
            "text/plain",
            "application/json",
        ]
    ),
)
def test_raw_bytes_in_any_encoding_get_an_answer_not_a_crash(app, body, path, content_type):
    users_before = count(app, User)
    response = app.test_client().post(path, data=body, content_type=content_type)
    assert_no_server_error(response)
    assert count(app, User) == users_before


def test_a_huge_form_gets_the_too_large_page_even_when_signed_in(app, auth):
    auth.login_as("mentee")
    response = auth._client.post("/mentee/profile", data={"about": "x" * (7 * 1024 * 1024)})
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "too large" in page and "6 MB" in page and "Sign out" in page


def test_a_long_text_field_is_explained_or_refused_as_too_large(app, auth):
    auth.login_as("mentor")
    client = auth._client
    typed = client.post("/mentor/profile", data={"about": "x" * 1_000_000})
    assert typed.status_code == 400
    assert b"cannot be longer than 2000 characters" in typed.data
    # the same text in a multipart form is past the limit on form text held in memory
    uploaded = client.post(
        "/mentor/profile",
        data={"about": "x" * 1_000_000, "attachment": (io.BytesIO(b"x"), "a.txt")},
        content_type="multipart/form-data",
    )
    assert uploaded.status_code == 413
    assert b"shorten the text" in uploaded.data
    with app.app_context():
        assert db.session.scalar(select(MentorProfile.about)) is None


@pytest.mark.parametrize("multipart", [False, True], ids=["urlencoded", "multipart"])
def test_a_nul_character_is_refused_with_a_way_forward(app, auth, multipart):
    auth.login_as("mentor")
    data = {"city": "New\x00York", "capacity": "2"}
    kwargs = {"content_type": "multipart/form-data"} if multipart else {}
    before = count(app, User)
    response = auth._client.post("/mentor/profile", data=data, **kwargs)
    assert response.status_code == 400
    assert b"null character" in response.data
    assert count(app, User) == before
    with app.app_context():
        assert db.session.scalar(select(MentorProfile.city)) is None


def test_a_nul_character_in_the_address_is_refused(app, auth):
    auth.login_as("coordinator")
    response = auth._client.get("/coordinator/mentees?q=%00")
    assert response.status_code == 400
    assert b"null character" in response.data


# --- profiles ---------------------------------------------------------------------------------

MENTEE_FIELDS = {
    "home_country": value_for(["IN", "EG", "NG", "ZZ"]),
    "medical_school": value_for(["University of Lagos"]),
    "graduation_year": value_for(["2019", "1959", "2100"]),
    "degree": value_for(codes.DEGREES),
    "specialty": value_for(codes.SPECIALTY_CODES[:6]),
    "specialty_second": value_for(codes.SPECIALTY_CODES[:6]),
    "regions_anywhere": value_for(["y", "on"]),
    "preferred_regions": value_for(["NY", "new-england", "CA"]),
    "research_interests": value_for(codes.RESEARCH_CODES[:6]),
    "research_tags": value_for(["cardio; onco"]),
    "goals": value_for(codes.GOALS),
    "support_sought": value_for(codes.SUPPORT_CODES[:5]),
    "usmle_step1": value_for(codes.USMLE_STEP1),
    "usmle_step2ck": value_for(codes.USMLE_STEP2CK),
    "usmle_step2ck_score": value_for(["250", "179", "301"]),
    "immigration_status": value_for(codes.IMMIGRATION_STATUSES),
    "visa_needed": value_for(codes.VISA_NEEDED),
    "languages": value_for(["English; Hindi", "xx"]),
    "hours_per_month": value_for(["10", "0", "41"]),
    "usce_type_1": value_for(codes.USCE_TYPES),
    "usce_months_1": value_for(["3", "0", "121"]),
    "about": value_for(["I want to match in IM."]),
}
MENTOR_FIELDS = {
    "position": value_for(codes.MENTOR_ROLES),
    "specialty": value_for(codes.SPECIALTY_CODES[:6]),
    "subspecialty": value_for(codes.SPECIALTY_CODES[-6:]),
    "institution": value_for(["Mount Sinai"]),
    "city": value_for(["New York"]),
    "state": value_for(["NY", "PR", "XX"]),
    "programme_type": value_for(codes.PROGRAMME_TYPES),
    "research_interests": value_for(codes.RESEARCH_CODES[:6]),
    "support_offered": value_for(codes.SUPPORT_CODES[:5]),
    "is_img": value_for(["y"]),
    "visa_sponsorship": value_for(codes.VISA_SPONSORSHIP),
    "languages": value_for(["English; Spanish"]),
    "capacity": value_for(["0", "3", "20", "21"]),
    "about": value_for(["Happy to help."]),
}


@pytest.fixture
def signed_in(app):
    """A client signed in as a new person of the given role, and that person's id."""

    def sign_in(role: str):
        user_id, email = make_user(app, role)
        client = app.test_client()
        response = client.post("/auth/login", data={"email": email, "password": TEST_PASSWORD})
        assert response.status_code == 302
        return client, user_id

    return sign_in


@pytest.mark.parametrize(
    ("role", "model", "names", "fields"),
    [
        ("mentee", MenteeProfile, MENTEE_FIELD_NAMES, MENTEE_FIELDS),
        ("mentor", MentorProfile, MENTOR_FIELD_NAMES, MENTOR_FIELDS),
    ],
)
def test_a_profile_form_never_fails_and_a_refused_one_changes_nothing(
    app, signed_in, role, model, names, fields
):
    client, user_id = signed_in(role)
    path = f"/{role}/profile"

    @FUZZ
    @given(data=form_data(fields))
    def submit(data):
        before = snapshot(app, model, user_id, names)
        response = client.post(path, data=data)
        assert_no_server_error(response)
        if response.status_code == 302:
            assert client.get(path).status_code == 200  # the saved profile shows again
        else:
            assert snapshot(app, model, user_id, names) == before

    submit()


# --- round settings ---------------------------------------------------------------------------

ROUND_FIELDS = {
    "name": value_for(["Spring main round"]),
    "weight_specialty": value_for(["0.5", "0", "100", "101"]),
    "weight_region": value_for(["0.2", "1e-9"]),
    "weight_research": value_for(["0.3", "-0.1"]),
    "objective": value_for(["coverage", "score"]),
    "min_score": value_for(["", "0.4", "1.5"]),
}


def test_round_settings_never_fail_and_a_refused_form_creates_no_round(app, signed_in):
    client, _ = signed_in("coordinator")

    @FUZZ
    @given(data=form_data(ROUND_FIELDS))
    def submit(data):
        rounds_before = count(app, MatchingRound)
        response = client.post("/coordinator/rounds/new", data=data)
        assert_no_server_error(response)
        expected = rounds_before + (1 if response.status_code == 302 else 0)
        assert count(app, MatchingRound) == expected

    submit()


@pytest.mark.parametrize("months", ["²", "¹²", "٣"])
def test_digits_that_are_not_plain_numbers_are_refused_or_read_not_a_crash(app, auth, months):
    # str.isdigit() says yes to "²" but int() cannot read it (found by the fuzzing above):
    # numbers are checked with isdecimal(), which says yes exactly to what int() reads
    auth.login_as("mentee")
    response = auth._client.post(
        "/mentee/profile",
        data={"home_country": "IN", "usce_type_1": codes.USCE_TYPES[0], "usce_months_1": months},
    )
    assert_no_server_error(response)
    assert response.status_code in OK_OR_REFUSED
    if months != "٣":  # an Arabic-Indic three is a decimal digit: int() reads it as 3
        assert b"Months must be a whole number" in response.data
