"""The mentorship page (/mentorships/<id>): who, since when, until when, the agreement, the
plan, meetings, messages and close-out. Only its mentee and mentor: anyone else, coordinators
included, is answered 404 (the services decide). Each POST calls one service and comes back
to the page at its section; a refused form is shown again with its messages and nothing saved.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from mentormatch.services import meetings
from mentormatch.services.errors import NotFound, ValidationError
from mentormatch.services.mentorships import (
    agreement,
    checkins,
    closeout,
    messages,
    page,
    plan,
    plan_templates,
)
from mentormatch.services.mentorships.pair import Closed
from mentormatch.web.errors import render_error
from mentormatch.web.forms import EmptyForm, apply_errors
from mentormatch.web.guards import require_sign_in
from mentormatch.web.mentorships.forms import (
    AgreementForm,
    CheckInForm,
    CommentForm,
    CreatePlanForm,
    EndForm,
    GoalForm,
    MessageForm,
    RateForm,
    ReportForm,
)

bp = Blueprint("mentorships", __name__, url_prefix="/mentorships")
require_sign_in(bp)


@bp.errorhandler(NotFound)
def _not_found(error: NotFound):
    return render_error(404, "There is no such mentorship among yours.")


@bp.errorhandler(Closed)
def _closed(error: Closed):
    flash(str(error), "warning")
    return redirect(url_for("mentorships.show", mentorship_id=request.view_args["mentorship_id"]))


def _agreement_form(summary: page.Summary) -> AgreementForm:
    found = summary.agreement
    terms = agreement.terms_of(found) if found else agreement.proposed_terms(summary.mentorship)
    return AgreementForm(
        formdata=None,
        cadence=terms.cadence,
        channel=terms.channel,
        focus=list(terms.focus),
        expectations=terms.expectations,
        confidentiality=terms.confidentiality,
    )


def _render(summary: page.Summary, status: int = 200, **forms):
    mentorship = summary.mentorship
    thread = messages.thread(mentorship.id)
    report_form = forms.pop("report_form", None) or ReportForm(formdata=None)
    report_form.messages.choices = [(str(m.id), "") for m in thread if m.removed_at is None]
    defaults = {
        "agreement_form": _agreement_form(summary),
        "plan_form": CreatePlanForm(
            formdata=None,
            goal=plan_templates.goal_for_profile(
                mentorship.mentee.mentee_profile.goals
                if mentorship.mentee.mentee_profile
                else None
            ),
            match_year=str(plan.default_match_year(mentorship)),
        ),
        "new_goal_form": GoalForm(formdata=None, prefix="new"),
        "message_form": MessageForm(formdata=None),
        "end_form": EndForm(formdata=None),
        "rate_form": RateForm(formdata=None),
        "report_form": report_form,
        "button_form": EmptyForm(),
    }
    goal_forms = {
        goal.id: GoalForm(
            formdata=None,
            prefix=f"g{goal.id}",
            title=goal.title,
            due_on=goal.due_on.isoformat() if goal.due_on else "",
            status=goal.status,
            note=goal.mentee_note or "",
        )
        for goal in summary.goals
    }
    comment_forms = {
        goal.id: CommentForm(formdata=None, prefix=f"c{goal.id}", comment=goal.mentor_comment)
        for goal in summary.goals
    }
    goal_forms.update(forms.pop("goal_forms", {}))
    comment_forms.update(forms.pop("comment_forms", {}))
    defaults.update(forms)
    return render_template(
        "mentorships/show.html",
        s=summary,
        mentorship=mentorship,
        thread=thread,
        goal_forms=goal_forms,
        comment_forms=comment_forms,
        status_labels=plan.STATUS_LABELS,
        reason_labels=closeout.REASON_LABELS,
        cadence_labels=agreement.CADENCE_LABELS,
        channel_labels=agreement.CHANNEL_LABELS,
        confidentiality=agreement.CONFIDENTIALITY,
        goal_labels=plan_templates.GOALS,
        message_max=current_app.config["MESSAGE_MAX_CHARS"],
        check_ins=checkins.waiting_for(current_user.id, mentorship.id),
        check_in_titles=checkins.TITLES,
        next_meeting=meetings.next_meeting(mentorship.id),
        **defaults,
    ), status


def _refused(mentorship_id: int, form_name: str, form, error: ValidationError):
    """The page again, with the refused form and its messages (HTTP 400)."""
    apply_errors(form, error)
    summary = page.for_page(mentorship_id, current_user.id)
    if form_name in ("goal_forms", "comment_forms"):
        return _render(summary, 400, **{form_name: {int(form._prefix[1:-1]): form}})
    return _render(summary, 400, **{form_name: form})


def _back(mentorship_id: int, anchor: str, message: str | None = None):
    if message:
        flash(message, "success")
    return redirect(url_for("mentorships.show", mentorship_id=mentorship_id, _anchor=anchor))


def _checked(form) -> None:
    """Only the CSRF token is checked here: the service checks the values."""
    form.validate_on_submit()
    if "csrf_token" in form.errors:
        abort(400)


@bp.route("/<int:mentorship_id>")
def show(mentorship_id: int):
    return _render(page.for_page(mentorship_id, current_user.id))


@bp.route("/<int:mentorship_id>/agreement", methods=["POST"])
def confirm_agreement(mentorship_id: int):
    form = AgreementForm()
    _checked(form)
    try:
        found = agreement.confirm(
            mentorship_id,
            current_user.id,
            {
                "cadence": form.cadence.data,
                "channel": form.channel.data,
                "focus": form.focus.data,
                "expectations": form.expectations.data,
                "confidentiality": form.confidentiality.data,
            },
        )
    except ValidationError as error:
        return _refused(mentorship_id, "agreement_form", form, error)
    done = (
        "You have both confirmed the agreement."
        if found.confirmed
        else ("You confirmed the agreement; we are waiting for the other side.")
    )
    return _back(mentorship_id, "agreement", done)


@bp.route("/<int:mentorship_id>/plan", methods=["POST"])
def create_plan(mentorship_id: int):
    form = CreatePlanForm()
    _checked(form)
    try:
        count = plan.create(mentorship_id, current_user.id, form.goal.data, form.match_year.data)
    except plan.NotYourPart as error:
        return _back(mentorship_id, "plan", str(error))
    except ValidationError as error:
        return _refused(mentorship_id, "plan_form", form, error)
    return _back(mentorship_id, "plan", f"Your plan has {count} goals, dated from the calendar.")


def _goal_values(form: GoalForm) -> dict:
    return {
        "title": form.title.data,
        "due_on": form.due_on.data,
        "status": form.status.data,
        "note": form.note.data,
    }


@bp.route("/<int:mentorship_id>/plan/goals", methods=["POST"])
def add_goal(mentorship_id: int):
    form = GoalForm(prefix="new")
    _checked(form)
    try:
        goal = plan.add_goal(mentorship_id, current_user.id, _goal_values(form))
    except plan.NotYourPart as error:
        return _back(mentorship_id, "plan", str(error))
    except ValidationError as error:
        return _refused(mentorship_id, "new_goal_form", form, error)
    return _back(mentorship_id, f"goal-{goal.id}", f"Goal added: {goal.title}.")


@bp.route("/<int:mentorship_id>/plan/goals/<int:goal_id>", methods=["POST"])
def update_goal(mentorship_id: int, goal_id: int):
    mentor_side = page.for_page(mentorship_id, current_user.id).side == "mentor"
    form = CommentForm(prefix=f"c{goal_id}") if mentor_side else GoalForm(prefix=f"g{goal_id}")
    _checked(form)
    values = {"comment": form.comment.data} if mentor_side else _goal_values(form)
    try:
        goal = plan.update_goal(mentorship_id, goal_id, current_user.id, values)
    except ValidationError as error:
        name = "comment_forms" if mentor_side else "goal_forms"
        return _refused(mentorship_id, name, form, error)
    done = "Comment saved." if mentor_side else f"Goal saved: {goal.title}."
    return _back(mentorship_id, f"goal-{goal.id}", done)


@bp.route("/<int:mentorship_id>/plan/goals/<int:goal_id>/remove", methods=["POST"])
def remove_goal(mentorship_id: int, goal_id: int):
    _checked(EmptyForm())
    try:
        title = plan.remove_goal(mentorship_id, goal_id, current_user.id)
    except plan.NotYourPart as error:
        return _back(mentorship_id, "plan", str(error))
    return _back(mentorship_id, "plan", f"Goal removed: {title}.")


@bp.route("/<int:mentorship_id>/messages", methods=["POST"])
def send_message(mentorship_id: int):
    form = MessageForm()
    _checked(form)
    try:
        messages.send(mentorship_id, current_user.id, form.body.data)
    except ValidationError as error:
        return _refused(mentorship_id, "message_form", form, error)
    return _back(mentorship_id, "messages", "Message sent.")


@bp.route("/<int:mentorship_id>/messages/read", methods=["POST"])
def mark_read(mentorship_id: int):
    _checked(EmptyForm())
    count = messages.mark_read(mentorship_id, current_user.id)
    return _back(mentorship_id, "messages", f"{count} marked as read." if count else None)


@bp.route("/<int:mentorship_id>/report", methods=["POST"])
def report_problem(mentorship_id: int):
    form = ReportForm()
    _checked(form)
    try:
        included = messages.report_problem(
            mentorship_id, current_user.id, form.messages.data or [], form.description.data
        )
    except ValidationError as error:
        return _refused(mentorship_id, "report_form", form, error)
    with_messages = f" with {included} of your messages" if included else ""
    return _back(
        mentorship_id,
        "messages",
        f"Your report went to the programme's coordinators{with_messages}.",
    )


@bp.route("/<int:mentorship_id>/end", methods=["POST"])
def end(mentorship_id: int):
    form = EndForm()
    _checked(form)
    try:
        mentorship = closeout.end(
            mentorship_id, current_user.id, form.reason.data, form.rating.data
        )
    except ValidationError as error:
        return _refused(mentorship_id, "end_form", form, error)
    except closeout.AlreadyDone as error:
        return _back(mentorship_id, "close", str(error))
    other = mentorship.other(current_user.id)
    return _back(mentorship_id, "close", f"Your mentorship with {other.full_name} has ended.")


@bp.route("/<int:mentorship_id>/rate", methods=["POST"])
def rate(mentorship_id: int):
    form = RateForm()
    _checked(form)
    try:
        closeout.rate(mentorship_id, current_user.id, form.rating.data)
    except ValidationError as error:
        return _refused(mentorship_id, "rate_form", form, error)
    except closeout.AlreadyDone as error:
        return _back(mentorship_id, "close", str(error))
    return _back(mentorship_id, "close", "Thank you for your rating.")


@bp.route("/<int:mentorship_id>/extend", methods=["POST"])
def extend(mentorship_id: int):
    _checked(EmptyForm())
    try:
        mentorship = closeout.extend(mentorship_id, current_user.id)
    except closeout.AlreadyDone as error:
        return _back(mentorship_id, "close", str(error))
    if mentorship.mentee_extends or mentorship.mentor_extends:
        done = "You asked to extend; it is extended once the other side asks too."
    else:
        done = f"Extended: the mentorship now runs until {mentorship.ends_on:%d %B %Y}."
    return _back(mentorship_id, "close", done)


@bp.route("/<int:mentorship_id>/check-ins/<int:check_in_id>", methods=["GET", "POST"])
def check_in(mentorship_id: int, check_in_id: int):
    """The person's own check-in (fit, pulse or close-out): a score and a comment that only
    coordinators read. Anyone else, the other side included, gets 404."""
    item = checkins.get_for(check_in_id, mentorship_id, current_user.id)
    form = CheckInForm()
    status = 200
    if request.method == "POST":
        _checked(form)
        try:
            checkins.answer(
                check_in_id, mentorship_id, current_user.id, form.score.data, form.comment.data
            )
        except ValidationError as error:
            apply_errors(form, error)
            status = 400
        except checkins.AlreadyAnswered as error:
            flash(str(error), "info")
            return redirect(url_for("mentorships.show", mentorship_id=mentorship_id))
        else:
            flash("Thank you: your answer went to the programme's coordinators.", "success")
            return redirect(url_for("mentorships.show", mentorship_id=mentorship_id))
    return render_template(
        "mentorships/check_in.html",
        form=form,
        check_in=item,
        title=checkins.TITLES[item.kind],
        question=checkins.question(item),
    ), status
