"""The meeting pages of a mentorship: its meetings and a form to propose one; a meeting with
accept, propose another time, cancel (after a confirmation) and, once it has started, its log.

Only the mentee and the mentor of the (accepted) mentorship see these pages; for anyone else,
coordinators included, the mentorship does not exist (404).
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from mentormatch.models import MeetingStatus, MentorshipStatus, Role
from mentormatch.services import meetings, time_zones
from mentormatch.services.errors import NotFound, ValidationError
from mentormatch.web.errors import render_error
from mentormatch.web.forms import apply_errors
from mentormatch.web.guards import require_sign_in
from mentormatch.web.meetings.forms import (
    AnswerForm,
    LogForm,
    MoveForm,
    ProposeForm,
    seen_sequence,
)

bp = Blueprint("meetings", __name__, url_prefix="/mentorships/<int:mentorship_id>/meetings")
require_sign_in(bp)

NOT_FOUND = "There is no such mentorship or meeting among yours."


@bp.errorhandler(NotFound)
def _not_found(error: NotFound):
    return render_error(404, NOT_FOUND)


def _home_url() -> str:
    return url_for("mentee.home" if current_user.role == Role.MENTEE else "mentor.home")


def _other(mentorship):
    return mentorship.mentor if current_user.id == mentorship.mentee_id else mentorship.mentee


def _index(mentorship_id: int, form: ProposeForm | None = None, status: int = 200):
    mentorship = meetings.mentorship_for(current_user.id, mentorship_id)
    if form is None:
        form = ProposeForm(data={"time_zone": current_user.time_zone or ""})
    all_meetings = meetings.for_mentorship(mentorship_id)
    upcoming = [m for m in all_meetings if m.status in (MeetingStatus.PROPOSED,
                MeetingStatus.ACCEPTED) and not meetings.has_started(m)]  # fmt: skip
    earlier = [m for m in reversed(all_meetings) if m not in upcoming]
    return render_template(
        "meetings/index.html",
        mentorship=mentorship,
        other=_other(mentorship),
        active=mentorship.status == MentorshipStatus.ACCEPTED,
        upcoming=upcoming,
        earlier=earlier,
        form=form,
        waiting_for=meetings.waiting_for,
        has_started=meetings.has_started,
        home_url=_home_url(),
    ), status


@bp.route("", methods=["GET", "POST"])
def index(mentorship_id: int):
    form = ProposeForm()
    if not form.is_submitted():
        return _index(mentorship_id)
    meetings.mentorship_for(current_user.id, mentorship_id)  # 404 before anything else
    if not form.validate():
        return _index(mentorship_id, form, 400)
    try:
        meeting = meetings.propose(mentorship_id, current_user.id, form.raw())
    except ValidationError as exc:
        apply_errors(form, exc)
        return _index(mentorship_id, form, 400)
    except meetings.MeetingError as exc:
        flash(str(exc), "error")
        return redirect(url_for("meetings.index", mentorship_id=mentorship_id))
    flash(
        f"Meeting proposed. {_other(meeting.mentorship).full_name} can accept it or propose "
        "another time; you both have the invitation by email.",
        "success",
    )
    return redirect(url_for("meetings.show", mentorship_id=mentorship_id, meeting_id=meeting.id))


def _show(
    mentorship_id: int,
    meeting_id: int,
    move_form: MoveForm | None = None,
    log_form: LogForm | None = None,
    status: int = 200,
):
    meeting = meetings.get(current_user.id, mentorship_id, meeting_id)
    mentorship = meeting.mentorship
    if move_form is None:
        # the time it has now, in the zone of the person moving it: the usual change is small
        zone = current_user.time_zone or meeting.time_zone
        local = time_zones.in_zone(meeting.starts_at, zone)
        move_form = MoveForm(
            data={"date": local.date().isoformat(), "time": local.strftime("%H:%M"),
                  "time_zone": zone, "duration_minutes": str(meeting.duration_minutes),
                  "sequence": str(meeting.sequence)}
        )  # fmt: skip
    if log_form is None:
        log_form = LogForm(
            data={"notes": meeting.notes or "", "next_steps": meeting.next_steps or "",
                  "goals_touched": meeting.goals_touched or ""}
        )  # fmt: skip
    return render_template(
        "meetings/show.html",
        meeting=meeting,
        mentorship=mentorship,
        other=_other(mentorship),
        active=mentorship.status == MentorshipStatus.ACCEPTED,
        waiting_for=meetings.waiting_for(meeting),
        started=meetings.has_started(meeting),
        live=meeting.status in (MeetingStatus.PROPOSED, MeetingStatus.ACCEPTED),
        answer_form=AnswerForm(data={"sequence": str(meeting.sequence)}),
        move_form=move_form,
        log_form=log_form,
        channel=meetings.CHANNEL_LABELS.get(meeting.channel, meeting.channel),
        meeting_local=time_zones.format_local(meeting.starts_at, meeting.time_zone),
        home_url=_home_url(),
    ), status


def _back_to(mentorship_id: int, meeting_id: int):
    return redirect(url_for("meetings.show", mentorship_id=mentorship_id, meeting_id=meeting_id))


def _refused(mentorship_id: int, meeting_id: int, error: meetings.MeetingError):
    flash(str(error), "error")
    return _back_to(mentorship_id, meeting_id)


@bp.route("/<int:meeting_id>")
def show(mentorship_id: int, meeting_id: int):
    return _show(mentorship_id, meeting_id)


@bp.route("/<int:meeting_id>/accept", methods=["POST"])
def accept(mentorship_id: int, meeting_id: int):
    form = AnswerForm()
    meetings.get(current_user.id, mentorship_id, meeting_id)
    if not form.validate_on_submit():
        abort(400)
    try:
        meeting = meetings.accept(mentorship_id, meeting_id, current_user.id, seen_sequence(form))
    except meetings.MeetingError as exc:
        return _refused(mentorship_id, meeting_id, exc)
    flash(
        f"Meeting accepted. You and {_other(meeting.mentorship).full_name} have the "
        "confirmed invitation by email.",
        "success",
    )
    return _back_to(mentorship_id, meeting_id)


@bp.route("/<int:meeting_id>/move", methods=["POST"])
def move(mentorship_id: int, meeting_id: int):
    form = MoveForm()
    meetings.get(current_user.id, mentorship_id, meeting_id)
    if not form.validate_on_submit():
        return _show(mentorship_id, meeting_id, move_form=form, status=400)
    try:
        meeting = meetings.move(
            mentorship_id, meeting_id, current_user.id, form.raw(), seen_sequence(form)
        )
    except ValidationError as exc:
        apply_errors(form, exc)
        return _show(mentorship_id, meeting_id, move_form=form, status=400)
    except meetings.MeetingError as exc:
        return _refused(mentorship_id, meeting_id, exc)
    flash(
        f"New time proposed. {_other(meeting.mentorship).full_name} can accept it or propose "
        "another; your calendars have the updated invitation.",
        "success",
    )
    return _back_to(mentorship_id, meeting_id)


@bp.route("/<int:meeting_id>/cancel", methods=["GET", "POST"])
def cancel(mentorship_id: int, meeting_id: int):
    """GET: what cancelling does, and the button; POST: cancel."""
    meeting = meetings.get(current_user.id, mentorship_id, meeting_id)
    form = AnswerForm(data={"sequence": str(meeting.sequence)})
    if not form.is_submitted():
        if meeting.status not in (MeetingStatus.PROPOSED, MeetingStatus.ACCEPTED):
            return _back_to(mentorship_id, meeting_id)
        return render_template(
            "meetings/cancel.html", meeting=meeting, other=_other(meeting.mentorship), form=form
        )
    if not form.validate():
        abort(400)
    try:
        meetings.cancel(mentorship_id, meeting_id, current_user.id, seen_sequence(form))
    except meetings.MeetingError as exc:
        return _refused(mentorship_id, meeting_id, exc)
    flash("Meeting cancelled. You both have the cancellation by email.", "success")
    return redirect(url_for("meetings.index", mentorship_id=mentorship_id))


@bp.route("/<int:meeting_id>/log", methods=["POST"])
def log(mentorship_id: int, meeting_id: int):
    form = LogForm()
    meetings.get(current_user.id, mentorship_id, meeting_id)
    if not form.validate_on_submit():
        return _show(mentorship_id, meeting_id, log_form=form, status=400)
    try:
        meetings.log(mentorship_id, meeting_id, current_user.id, form.raw())
    except ValidationError as exc:
        apply_errors(form, exc)
        return _show(mentorship_id, meeting_id, log_form=form, status=400)
    except meetings.MeetingError as exc:
        return _refused(mentorship_id, meeting_id, exc)
    flash("Meeting logged. Only the two of you can read the notes.", "success")
    return _back_to(mentorship_id, meeting_id)


@bp.route("/<int:meeting_id>/invitation.ics")
def invitation(mentorship_id: int, meeting_id: int):
    """The meeting's calendar invitation as it stands, to add it by hand."""
    invite = meetings.invitation(current_user.id, mentorship_id, meeting_id)
    return Response(
        invite.text,
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="{invite.filename}"'},
    )
