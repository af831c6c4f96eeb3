"""'Your data': any signed-in person downloads what we hold about them or deletes the account."""

from __future__ import annotations

import json
from datetime import date

from flask import Blueprint, Response, flash, redirect, render_template, session, url_for
from flask_login import current_user, logout_user

from mentormatch.services import privacy
from mentormatch.services.errors import ValidationError
from mentormatch.web.account.forms import DeleteAccountForm
from mentormatch.web.forms import apply_errors
from mentormatch.web.guards import require_sign_in

bp = Blueprint("account", __name__, url_prefix="/account")
require_sign_in(bp)


def _page(form: DeleteAccountForm, status: int = 200):
    return render_template("account/data.html", form=form), status


@bp.route("/")
def data():
    return _page(DeleteAccountForm())


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
