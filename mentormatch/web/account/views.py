"""'Your data': any signed-in person downloads what we hold about them or deletes the account."""

from __future__ import annotations

import json
from datetime import date

from flask import Blueprint, Response, flash, redirect, render_template, session, url_for
from flask_login import current_user, logout_user

from mentormatch.services import privacy, time_zones
from mentormatch.services.errors import ValidationError
from mentormatch.web.account.forms import DeleteAccountForm, TimeZoneForm
from mentormatch.web.forms import apply_errors
from mentormatch.web.guards import require_sign_in

bp = Blueprint("account", __name__, url_prefix="/account")
require_sign_in(bp)


def _page(form: DeleteAccountForm, status: int = 200, zone_form: TimeZoneForm | None = None):
    zone_form = zone_form or TimeZoneForm(data={"time_zone": current_user.time_zone or ""})
    return render_template("account/data.html", form=form, zone_form=zone_form), status


@bp.route("/")
def data():
    return _page(DeleteAccountForm())


@bp.route("/time-zone", methods=["POST"])
def time_zone():
    form = TimeZoneForm()
    if not form.validate_on_submit():
        return _page(DeleteAccountForm(formdata=None), 400, zone_form=form)
    try:
        user = time_zones.set_time_zone(current_user.id, form.time_zone.data)
    except ValidationError as exc:
        apply_errors(form, exc)
        return _page(DeleteAccountForm(formdata=None), 400, zone_form=form)
    flash(
        f"Times are now shown in {user.time_zone}."
        if user.time_zone
        else "Time zone cleared: times are shown in UTC.",
        "success",
    )
    return redirect(url_for("account.data"))


@bp.route("/export.json")
def export():
    exported = privacy.export_personal_data(current_user.id)
    filename = f"mentormatch-my-data-{date.today().isoformat()}.json"
    return Response(
        json.dumps(exported, indent=2, ensure_ascii=False),
        mimetype="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


@bp.route("/delete", methods=["POST"])
def delete():
    form = DeleteAccountForm()
    if not form.validate_on_submit():
        return _page(form, 400)
    try:
        privacy.check_confirmation(current_user.id, form.confirmation.data)
        privacy.delete_account(current_user.id, current_user._get_current_object())
    except ValidationError as exc:
        apply_errors(form, exc)
        return _page(form, 400)
    logout_user()
    session.clear()
    flash(
        "Your account and your personal data have been deleted. Thank you for taking part.",
        "success",
    )
    return redirect(url_for("main.index"))
