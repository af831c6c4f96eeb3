"""The public side of programmes: the list of those open for sign-up, each programme's page
with its sign-up (straight into the profile), its invitation link, and, for a signed-in
mentee or mentor, a button to join or apply.

Anyone may read these pages; an invitation-only programme shows only to someone with its
link, and archived ones to no one.
"""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, flash, make_response, redirect, render_template, url_for
from flask_login import current_user

from mentormatch.extensions import limiter
from mentormatch.models import MembershipStatus, Programme, Role, SignupMode
from mentormatch.services import accounts
from mentormatch.services.errors import NotFound, ValidationError
from mentormatch.services.programmes import catalogue, membership
from mentormatch.web.auth.views import start_session
from mentormatch.web.errors import render_error
from mentormatch.web.forms import apply_errors
from mentormatch.web.programmes.forms import JoinForm, SignupForm
from mentormatch.web.security import client_address, configured_limit

bp = Blueprint("programmes", __name__, url_prefix="/programmes")

MEMBER_ROLES = (Role.MENTEE.value, Role.MENTOR.value)
PROFILE_PAGES = {Role.MENTEE.value: "mentee.profile", Role.MENTOR.value: "mentor.profile"}
NO_SUCH_PROGRAMME = (
    "There is no programme open for sign-up at this address. The programmes page lists the "
    "ones you can join."
)
BAD_INVITATION = (
    "This invitation link does not work: it may be cut short, or the programme's coordinators "
    "may have replaced it with a new one. Ask them for the current link."
)


@bp.route("")
def index():
    return render_template(
        "programmes/index.html",
        programmes=catalogue.open_for_signup(),
        rules_of=catalogue.Eligibility.of,
        labels=catalogue,
    )


def _ended(programme: Programme) -> bool:
    return programme.ends_on is not None and programme.ends_on < dt.date.today()


def _find(slug: str) -> Programme | None:
    try:
        return catalogue.by_slug(slug)
    except NotFound:
        return None


@bp.route("/<slug>", methods=["GET", "POST"])
@limiter.limit(
    configured_limit("REGISTER_LIMIT_PER_ADDRESS"), key_func=client_address, methods=["POST"]
)
def show(slug: str):
    programme = _find(slug)
    if programme is None or (
        programme.signup_mode == SignupMode.INVITATION and not _belongs(programme)
    ):
        return render_error(404, NO_SUCH_PROGRAMME)
    return _page(programme, key=None)


def _belongs(programme: Programme) -> bool:
    """A signed-in person who has a place (or an application) in ``programme``: they see its
    page, invitation only or not."""
    return (
        current_user.is_authenticated
        and membership.member(programme.id, current_user.id) is not None
    )


@bp.route("/<slug>/join/<key>", methods=["GET", "POST"])
@limiter.limit(
    configured_limit("REGISTER_LIMIT_PER_ADDRESS"), key_func=client_address, methods=["POST"]
)
def invitation(slug: str, key: str):
    programme = _find(slug)
    invited = programme is not None and membership.invitation_matches(programme, key)
    if programme is None or (programme.signup_mode == SignupMode.INVITATION and not invited):
        response = make_response(render_error(404, BAD_INVITATION))
    else:
        response = make_response(_page(programme, key=key if invited else None, stale=not invited))
    # The key is in the address: keep it out of the Referer of anything the page loads.
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _context(programme: Programme, key: str | None, stale: bool = False) -> dict:
    return {
        "programme": programme,
        "key": key,
        "stale_invitation": stale,
        "ended": _ended(programme),
        "needs_approval": programme.signup_mode == SignupMode.APPROVAL and key is None,
        "rules": catalogue.Eligibility.of(programme),
        "labels": catalogue,
    }


def _page(programme: Programme, key: str | None, stale: bool = False):
    """The programme's page; a POST is a sign-up (new account) into it."""
    context = _context(programme, key, stale)
    if current_user.is_authenticated:
        return _signed_in_page(programme, key, context)
    form = SignupForm.for_programme(programme)
    if form.validate_on_submit() and not context["ended"]:
        try:
            answers = membership.signup_answers(programme, form.role.data, form.answers())
            user = accounts.register(
                accounts.NewAccount(
                    email=form.email.data,
                    password=form.password.data,
                    full_name=form.full_name.data,
                    role=form.role.data,
                ),
                programme=programme,
                invitation_key=key,
                answers=answers,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            start_session(user)
            row = membership.member(programme.id, user.id)
            flash(_welcome(programme, row.status if row else None, new_account=True), "success")
            return redirect(url_for(PROFILE_PAGES[user.role]))
    status = 400 if form.is_submitted() else 200
    return render_template("programmes/show.html", form=form, **context), status


def _signed_in_page(programme: Programme, key: str | None, context: dict, form=None, status=200):
    row = None
    if current_user.role in MEMBER_ROLES:
        row = membership.member(programme.id, current_user.id)
        if form is None:
            form = JoinForm.for_programme(programme, key, data=_profile_answers())
    return render_template("programmes/show.html", form=form, membership=row, **context), status


def _profile_answers() -> dict:
    profile = current_user.mentee_profile
    if profile is None:
        return {}
    year = profile.target_match_year
    return {"specialty": profile.specialty or "", "target_match_year": str(year) if year else ""}


@bp.route("/<slug>/apply", methods=["POST"])
def apply(slug: str):
    """A signed-in mentee or mentor joins (open programme, or with its invitation) or applies
    (where a coordinator approves)."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login", next=url_for("programmes.show", slug=slug)))
    if current_user.role not in MEMBER_ROLES:
        abort(403)
    programme = _find(slug)
    form = JoinForm.for_programme(programme) if programme else None
    key = form.invitation_key.data if form else None
    invited = programme is not None and membership.invitation_matches(programme, key)
    if programme is None or (programme.signup_mode == SignupMode.INVITATION and not invited):
        return render_error(404, NO_SUCH_PROGRAMME)
    key = key if invited else None
    context = _context(programme, key)
    if not form.validate_on_submit():
        if "csrf_token" in form and form.csrf_token.errors:
            abort(400)
        return _signed_in_page(programme, key, context, form=form, status=400)
    try:
        if context["ended"]:
            raise ValidationError.single(
                "programme", f"{programme.name} has ended and takes no new members."
            )
        answers = membership.signup_answers(programme, current_user.role, form.answers())
        row = membership.apply(programme.id, current_user.id, key, answers)
    except ValidationError as exc:
        apply_errors(form, exc)
        return _signed_in_page(programme, context["key"], context, form=form, status=400)
    flash(_welcome(programme, row.status, new_account=False), "success")
    return redirect(url_for("programmes.show", slug=programme.slug))


def _welcome(programme: Programme, status: str | None, new_account: bool) -> str:
    """What the flash says after a sign-up (``new_account``) or a join: in, or waiting."""
    if status == MembershipStatus.PENDING:
        said = (
            f"Your application to {programme.name} is with its coordinators: we have emailed "
            "you, and will email you again when they decide."
        )
    elif status == MembershipStatus.ACTIVE:
        said = f"You are a member of {programme.name}."
    else:
        said = ""
    if not new_account:
        return said
    parts = ("Welcome to MentorMatch: your account is ready.", said,
             "Now complete your profile: matching reads it.")  # fmt: skip
    return " ".join(part for part in parts if part)
