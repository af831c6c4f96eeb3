"""Register, log in, log out, change password; reset it or accept an invitation by email.

Signing in starts a session on the server (services.sessions) whose key is all the login
cookie holds; signing out ends it, so a copy of the cookie stops working too.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user

from mentormatch.extensions import limiter
from mentormatch.services import accounts, invitations, password_reset, sessions
from mentormatch.services.errors import ValidationError
from mentormatch.services.programmes import catalogue
from mentormatch.services.tokens import TokenError
from mentormatch.web.auth.forms import (
    ChangePasswordForm,
    ForgotPasswordForm,
    LoginForm,
    RegisterForm,
    SetPasswordForm,
)
from mentormatch.web.forms import EmptyForm, apply_errors
from mentormatch.web.security import (
    client_address,
    configured_limit,
    email_bucket,
    email_key,
    failed_attempt,
    forget_attempts,
    no_email_submitted,
    signed_in_user_key,
    user_bucket,
)
from mentormatch.web.urls import home_url, is_safe_next

bp = Blueprint("auth", __name__, url_prefix="/auth")


@bp.before_app_request
def _load_signed_in_user() -> None:
    """Look the login session up before any view runs: its bookkeeping commit (last seen,
    services.sessions) then never carries a view's unfinished changes along."""
    if request.endpoint != "static":
        current_user.is_authenticated  # noqa: B018 - the lookup is the point


def start_session(user) -> None:
    session.clear()  # a fresh session on login: nothing carried over from before (fixation)
    sessions.start(user)
    login_user(user)


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(
    configured_limit("REGISTER_LIMIT_PER_ADDRESS"), key_func=client_address, methods=["POST"]
)
def register():
    if current_user.is_authenticated:
        return redirect(home_url(current_user.role))
    if len(catalogue.open_for_signup()) > 1:
        # Which programme to join is the first choice: each has its own page and questions.
        flash(
            "MentorMatch runs several mentoring programmes. Choose the one that fits you and "
            "sign up on its page.",
            "info",
        )
        return redirect(url_for("programmes.index"))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = accounts.register(
                accounts.NewAccount(
                    email=form.email.data,
                    password=form.password.data,
                    full_name=form.full_name.data,
                    role=form.role.data,
                )
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            start_session(user)
            flash("Welcome to MentorMatch. Your account is ready.", "success")
            return redirect(home_url(user.role))
    status = 400 if form.is_submitted() else 200
    return render_template("auth/register.html", form=form), status


# Failed attempts only, per account and per address: signing in never counts, so only
# someone who keeps getting it wrong waits (whether or not the account exists).
@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    configured_limit("LOGIN_LIMIT_PER_ADDRESS"),
    key_func=client_address,
    methods=["POST"],
    deduct_when=failed_attempt,
)
@limiter.limit(
    configured_limit("LOGIN_LIMIT_PER_EMAIL"),
    key_func=email_key,
    methods=["POST"],
    deduct_when=failed_attempt,
    exempt_when=no_email_submitted,
)
def login():
    next_url = request.args.get("next")
    if current_user.is_authenticated:
        return redirect(home_url(current_user.role))
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data, form.password.data)
        if user is None:
            form.form_errors.append("Email or password is incorrect.")
        elif not user.is_active:
            form.form_errors.append(
                "This account is deactivated. Please contact your programme coordinator."
            )
        else:
            start_session(user)
            flash(f"Signed in as {user.full_name}.", "success")
            return redirect(next_url if is_safe_next(next_url) else home_url(user.role))
    status = 400 if form.is_submitted() else 200
    return render_template("auth/login.html", form=form, next_url=next_url), status


@bp.route("/logout", methods=["POST"])
def logout():
    form = EmptyForm()
    response = redirect(url_for("main.index"))
    if form.validate_on_submit():
        if current_user.is_authenticated:
            sessions.end(current_user.get_id())  # every copy of the cookie is signed out
        logout_user()
        session.clear()
        # Flask-Login would drop its remember cookie only while "_remember" is in the session
        # cleared above; it names the ended session anyway, so remove it here.
        response.delete_cookie(
            current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token"),
            domain=current_app.config.get("REMEMBER_COOKIE_DOMAIN"),
            path=current_app.config.get("REMEMBER_COOKIE_PATH", "/"),
        )
        flash("You are signed out.", "info")
    return response


@bp.route("/password", methods=["GET", "POST"])
@login_required
@limiter.limit(
    configured_limit("LOGIN_LIMIT_PER_EMAIL"),
    key_func=signed_in_user_key,
    methods=["POST"],
    deduct_when=failed_attempt,
)
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            user = accounts.change_password(
                current_user.id, form.current_password.data, form.new_password.data
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            start_session(user)  # this browser stays signed in with the new token
            flash("Password changed. Other devices have been signed out.", "success")
            return redirect(home_url(user.role))
    status = 400 if form.is_submitted() else 200
    return render_template("auth/change_password.html", form=form), status


@bp.route("/forgot-password", methods=["GET", "POST"])
@limiter.limit(
    configured_limit("PASSWORD_RESET_LIMIT_PER_ADDRESS"), key_func=client_address, methods=["POST"]
)
@limiter.limit(
    configured_limit("PASSWORD_RESET_LIMIT_PER_EMAIL"),
    key_func=email_key,
    methods=["POST"],
    exempt_when=no_email_submitted,
)
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        try:
            password_reset.request_reset(form.email.data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            lifetime = password_reset.describe_duration(password_reset.max_age())
            flash(
                "If an account exists for that address, we have sent it a link to choose a new "
                f"password. The link works for {lifetime}; check your spam folder if it does "
                "not arrive within a few minutes.",
                "info",
            )
            return redirect(url_for("auth.login"))
    status = 400 if form.is_submitted() else 200
    return render_template("auth/forgot_password.html", form=form), status


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    return _set_password_from_link(
        token,
        check=password_reset.user_for_reset_token,
        apply=password_reset.reset_password,
        template="auth/reset_password.html",
        done="Your password is changed and you are signed in. Other devices have been signed out.",
    )


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    return _set_password_from_link(
        token,
        check=invitations.user_for_invitation_token,
        apply=invitations.accept_invitation,
        template="auth/accept_invitation.html",
        done="Welcome to MentorMatch. Your password is set and you are signed in.",
    )


def _end_sign_in_pause(user) -> None:
    """Whoever set the password from an emailed link owns the address: failed sign-ins (and
    password-change attempts) counted against the account start afresh. Per-address limits
    stay: a reset proves the account, not the network it came from."""
    forget_attempts("LOGIN_LIMIT_PER_EMAIL", email_bucket(user.email), "auth.login")
    forget_attempts("LOGIN_LIMIT_PER_EMAIL", user_bucket(user.id), "auth.change_password")


def _set_password_from_link(token: str, *, check, apply, template: str, done: str):
    """The page behind an emailed link: the link is checked first, then the new password."""
    form = SetPasswordForm()
    try:
        user = check(token)
        if form.validate_on_submit():
            try:
                user = apply(token, form.password.data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                start_session(user)
                _end_sign_in_pause(user)
                flash(done, "success")
                return redirect(home_url(user.role))
    except TokenError as exc:
        response = make_response(render_template(template, form=None, problem=str(exc)), 400)
    else:
        status = 400 if form.is_submitted() else 200
        response = make_response(render_template(template, form=form, user=user), status)
    # The token is in the URL: keep it out of the Referer header of anything the page loads.
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
