"""The programmes: their list, settings, invitation link, archiving, and their members
(applications to approve or decline, adding someone, removing, a mentor's seats).

Organisation coordinators create and archive programmes; a programme's own coordinators change
its settings and manage its members. Another programme's pages answer 404.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.routing import BuildError

from mentormatch import codes
from mentormatch.models import MembershipStatus, Programme, SignupMode
from mentormatch.services.errors import ValidationError
from mentormatch.services.programmes import access, catalogue, membership, roster
from mentormatch.web.coordinator.blueprint import bp
from mentormatch.web.coordinator.confirm import Confirmation, confirmed, render_confirmation
from mentormatch.web.coordinator.programme_forms import (
    STATUS_LABELS,
    AddMemberForm,
    DeclineForm,
    MemberFilterForm,
    ProgrammeForm,
    SeatsForm,
)
from mentormatch.web.forms import EmptyForm, apply_errors

# the specialties a programme is for, folded under one heading (open once one is chosen)
SPECIALTY_GROUPS = (codes.CodeGroup("specialties", "Specialties", codes.SPECIALTY_CODES),)
# The public page a programme's invitation link opens (the public blueprint's,
# /programmes/<slug>/join/<key>).
INVITATION_ENDPOINT = "programmes.invitation"


def _require_button() -> None:
    if not EmptyForm().validate_on_submit():
        abort(400)


def _require_organisation() -> None:
    """Creating and archiving programmes is for organisation coordinators."""
    if not current_user.organisation_wide:
        abort(403)


def _programme(programme_id: int) -> Programme:
    """The programme, if the coordinator runs it (else NotFound: a 404 page)."""
    access.require(current_user, programme_id)
    return catalogue.get(programme_id)


def invitation_url(programme: Programme) -> str:
    """The link that lets someone join an invitation-only programme (or skip approval)."""
    try:
        return url_for(
            INVITATION_ENDPOINT, slug=programme.slug, key=programme.invitation_key, _external=True
        )
    except BuildError:  # an app without the public pages: the same address, by hand
        return f"{request.url_root}programmes/{programme.slug}/join/{programme.invitation_key}"


def _to_members(programme_id: int):
    return redirect(url_for("coordinator.programme_members", programme_id=programme_id))


@bp.route("/programmes/")
def programmes():
    ids = access.programme_ids_for(current_user)
    return render_template(
        "coordinator/programmes/index.html",
        programmes=catalogue.listed(include_archived=True, ids=ids),
        kinds=catalogue.KIND_LABELS,
        signups=catalogue.SIGNUP_LABELS,
        pending=roster.pending_counts(ids),
    )


@bp.route("/programmes/new", methods=["GET", "POST"])
def new_programme():
    _require_organisation()
    form = ProgrammeForm()
    if form.validate_on_submit():
        try:
            programme = catalogue.create(form.raw(), current_user.id)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            flash(f"{programme.name} is created. Add its people, or share its page.", "success")
            return _to_members(programme.id)
    elif not form.is_submitted():
        form.kind.data = form.kind.choices[-1][0]  # general
        form.signup_mode.data = form.signup_mode.choices[0][0]
        form.meeting_cadence.data = "monthly"
        form.mentorship_months.data, form.answer_days.data = "12", "14"
        form.objective.data = form.objective.choices[0][0]
    return render_template(
        "coordinator/programmes/edit.html",
        form=form,
        programme=None,
        SignupMode=SignupMode,
        specialty_groups=SPECIALTY_GROUPS,
    ), 400 if form.is_submitted() else 200


@bp.route("/programmes/<int:programme_id>", methods=["GET", "POST"])
def edit_programme(programme_id: int):
    programme = _programme(programme_id)
    form = ProgrammeForm()
    if form.validate_on_submit():
        try:
            catalogue.update(programme_id, form.raw(), current_user.id)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            flash(f"{programme.name}: changes saved.", "success")
            return redirect(url_for("coordinator.edit_programme", programme_id=programme_id))
    elif not form.is_submitted():
        form.fill_from(programme)
    return render_template(
        "coordinator/programmes/edit.html",
        form=form,
        programme=programme,
        invitation=invitation_url(programme),
        button=EmptyForm(),
        SignupMode=SignupMode,
        specialty_groups=SPECIALTY_GROUPS,
    ), 400 if form.is_submitted() else 200


@bp.route("/programmes/<int:programme_id>/invitation", methods=["POST"])
def new_invitation(programme_id: int):
    _programme(programme_id)
    _require_button()
    catalogue.new_invitation_key(programme_id, current_user.id)
    flash("A new invitation link is ready; the old one no longer works.", "success")
    return redirect(
        url_for("coordinator.edit_programme", programme_id=programme_id, _anchor="invitation")
    )


@bp.route("/programmes/<int:programme_id>/archive", methods=["POST"])
def archive_programme(programme_id: int):
    _require_organisation()
    programme = _programme(programme_id)
    _require_button()
    if programme.archived:
        flash(f"{programme.name} is already archived.", "warning")
        return redirect(url_for("coordinator.programmes"))
    if not confirmed():
        back = url_for("coordinator.edit_programme", programme_id=programme_id)
        return render_confirmation(
            Confirmation(
                title=f"Archive {programme.name}?",
                lines=[
                    "Its page stops taking sign-ups and applications, nobody can be added to "
                    "it, and it runs no new rounds.",
                    "Nothing is deleted: its people, rounds, proposals and mentorships stay, "
                    "and proposals already sent run on to their answer. An archived programme "
                    "cannot be reopened.",
                ],
                action=url_for("coordinator.archive_programme", programme_id=programme_id),
                button="Archive programme",
                back_url=back,
                back_text=programme.name,
                danger=True,
            )
        )
    catalogue.archive(programme_id, current_user.id)
    flash(f"{programme.name} is archived.", "success")
    return redirect(url_for("coordinator.programmes"))


# --- members -----------------------------------------------------------------------------------


@bp.route("/programmes/<int:programme_id>/members")
def programme_members(programme_id: int):
    programme = _programme(programme_id)
    return _members_page(programme, AddMemberForm())


def _members_page(programme: Programme, add_form: AddMemberForm, status: int = 200):
    filters_form = MemberFilterForm(request.args)
    filters = roster.MemberFilter(
        role=filters_form.role.data or "",
        status=filters_form.status.data or "",
        page=request.args.get("page", 1, type=int),
    )
    try:
        page = roster.members_page(programme.id, filters)
    except ValidationError as exc:
        apply_errors(filters_form, exc)
        page, status = None, 400
    applications = roster.pending(programme.id)
    return render_template(
        "coordinator/programmes/members.html",
        programme=programme,
        applications=applications,
        decline_forms={row.id: DeclineForm(prefix=f"m{row.id}") for row in applications},
        page=page,
        filters_form=filters_form,
        add_form=add_form,
        button=EmptyForm(),
        status_labels=STATUS_LABELS,
        MembershipStatus=MembershipStatus,
        invitation=invitation_url(programme),
    ), status


@bp.route("/programmes/<int:programme_id>/members/add", methods=["POST"])
def add_member(programme_id: int):
    programme = _programme(programme_id)
    form = AddMemberForm()
    if form.validate_on_submit():
        try:
            row = roster.add_by_email(programme_id, form.email.data or "", current_user.id)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            flash(f"{row.user.full_name} is now a member of {programme.name}.", "success")
            return _to_members(programme_id)
    return _members_page(programme, form, status=400)


@bp.route("/programmes/<int:programme_id>/applications/<int:member_id>/approve", methods=["POST"])
def approve_application(programme_id: int, member_id: int):
    _programme(programme_id)
    _require_button()
    roster.application(programme_id, member_id)
    try:
        row = membership.decide(member_id, True, current_user)
    except ValidationError as exc:
        flash(exc.errors[0][1], "error")
    else:
        flash(f"{row.user.full_name} is approved and told by email.", "success")
    return _to_members(programme_id)


@bp.route("/programmes/<int:programme_id>/applications/<int:member_id>/decline", methods=["POST"])
def decline_application(programme_id: int, member_id: int):
    _programme(programme_id)
    roster.application(programme_id, member_id)
    form = DeclineForm(prefix=f"m{member_id}")
    if not form.validate_on_submit():
        abort(400)
    try:
        row = membership.decide(member_id, False, current_user, form.reason.data or "")
    except ValidationError as exc:
        flash(exc.errors[0][1], "error")
    else:
        flash(f"{row.user.full_name}'s application is declined; they are told by email.",
              "success")  # fmt: skip
    return _to_members(programme_id)


@bp.route("/programmes/<int:programme_id>/members/<int:user_id>/remove", methods=["POST"])
def remove_member(programme_id: int, user_id: int):
    programme = _programme(programme_id)
    _require_button()
    try:
        row = membership.remove(programme_id, user_id, current_user.id)
    except ValidationError as exc:
        flash(exc.errors[0][1], "error")
    else:
        flash(f"{row.user.full_name} is no longer a member of {programme.name}; their other "
              "programmes are unchanged.", "success")  # fmt: skip
    return _to_members(programme_id)


@bp.route("/programmes/<int:programme_id>/members/<int:user_id>/seats", methods=["POST"])
def set_seats(programme_id: int, user_id: int):
    _programme(programme_id)
    form = SeatsForm()
    if not form.validate_on_submit():
        abort(400)
    text = (form.seats.data or "").strip()
    if text and not text.isdecimal():
        flash(f"Seats are a whole number, or empty for up to the overall capacity; got "
              f"'{text}'.", "error")  # fmt: skip
        return _to_members(programme_id)
    try:
        row = membership.set_seats(
            programme_id, user_id, int(text) if text else None, current_user.id
        )
    except ValidationError as exc:
        flash(exc.errors[0][1], "error")
    else:
        offered = "up to their overall capacity" if row.seats is None else f"{row.seats}"
        flash(f"{row.user.full_name} offers {offered} seat(s) here.", "success")
    return _to_members(programme_id)
