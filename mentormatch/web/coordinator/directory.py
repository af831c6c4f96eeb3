"""The directory of mentees and of mentors, with filters, and (de)activating an account."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from mentormatch.services import directory
from mentormatch.services.errors import NotFound, ValidationError
from mentormatch.services.programmes import access, catalogue
from mentormatch.services.rounds.lookup import persons_by_id
from mentormatch.web.coordinator.blueprint import bp
from mentormatch.web.coordinator.confirm import Confirmation, confirmed, render_confirmation
from mentormatch.web.coordinator.forms import DirectoryFilterForm
from mentormatch.web.forms import EmptyForm, apply_errors

SEARCHES = {"mentees": directory.search_mentees, "mentors": directory.search_mentors}


@bp.route("/<any(mentees, mentors):kind>", endpoint="directory")
def directory_page(kind: str):
    role = kind.removesuffix("s")
    ids = access.programme_ids_for(current_user)
    form = DirectoryFilterForm(
        role, catalogue.listed(include_archived=True, ids=ids), request.args
    )
    filters = directory.DirectoryFilter(
        **{name: field.data or "" for name, field in form._fields.items()},
        page=request.args.get("page", 1, type=int),
    )
    try:
        page = SEARCHES[kind](filters, ids)
    except ValidationError as exc:
        apply_errors(form, exc)
        return render_template("coordinator/directory.html", kind=kind, form=form, page=None), 400
    return render_template("coordinator/directory.html", kind=kind, form=form, page=page)


@bp.route("/users/<int:user_id>/active", methods=["POST"])
def set_account_active(user_id: int):
    if not access.can_see_person(current_user, user_id):
        abort(404)
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    activate = request.form.get("active") == "yes"
    if not activate and not confirmed():
        return _confirm_deactivation(user_id)
    try:
        user = directory.set_account_active(user_id, activate, current_user.id)
    except NotFound:
        abort(404)
    except ValidationError as exc:
        flash(str(exc.errors[0][1]), "error")
    else:
        state = "reactivated" if user.active else "deactivated"
        flash(f"{user.full_name}'s account is {state}.", "success")
    return redirect(url_for("profiles.show", user_id=user_id))


def _confirm_deactivation(user_id: int):
    people = persons_by_id({user_id})
    if user_id not in people:
        abort(404)
    person = people[user_id]
    back = url_for("profiles.show", user_id=user_id)
    return render_confirmation(
        Confirmation(
            title=f"Deactivate {person.name}'s account?",
            lines=[
                f"{person.name} ({person.email}) can no longer sign in, and anyone signed "
                "in to this account is signed out. Later rounds leave them out.",
                "Their profile, proposals and mentorships stay as they are. You can reactivate "
                "the account at any time from their profile.",
            ],
            action=url_for("coordinator.set_account_active", user_id=user_id),
            button="Deactivate account",
            back_url=back,
            back_text=person.name,
            danger=True,
            fields={"active": "no"},
        )
    )
