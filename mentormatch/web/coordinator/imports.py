"""Coordinators import mentees and mentors from a CSV file and export them to one."""

from __future__ import annotations

from datetime import date

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from mentormatch.services import csv_profiles
from mentormatch.services.programmes import access, catalogue
from mentormatch.web.converters import database_id
from mentormatch.web.coordinator.blueprint import bp
from mentormatch.web.coordinator.forms import ImportForm
from mentormatch.web.errors import too_large

FORM_OVERHEAD_BYTES = 64 * 1024  # the multipart envelope and the other fields
UPLOAD_ENDPOINT = "coordinator.import_csv"
# A round's rank lists: the file is uploaded, then carried back as base64 text in the
# confirming form; after a refusal the coordinator is sent back to the page.
RANKS_ENDPOINT = "coordinator.import_preferences"
BACK_TO = {UPLOAD_ENDPOINT: UPLOAD_ENDPOINT, RANKS_ENDPOINT: "coordinator.round_preferences"}


def _max_upload_bytes() -> int:
    return int(current_app.config["CSV_UPLOAD_MAX_BYTES"])


def rank_upload_max_bytes() -> int:
    """The rank-list file's limit: the profile import's, but no more than its confirming POST
    can carry back. That POST is read under the site's request limit (MAX_CONTENT_LENGTH: the
    CSRF check reads every form before any view or hook of the blueprint), as base64 (4/3 of
    the file) and url-encoded ('+', '/' and '=' become 3 bytes: a fifth is kept spare)."""
    room = int(current_app.config["MAX_CONTENT_LENGTH"]) - FORM_OVERHEAD_BYTES
    return max(1, min(_max_upload_bytes(), room * 3 // 4 * 4 // 5))


def _render(form: ImportForm, report=None, status: int = 200):
    ids = access.programme_ids_for(current_user)
    return render_template(
        "coordinator/imports.html",
        form=form,
        report=report,
        export_programmes=catalogue.listed(include_archived=True, ids=ids),
        organisation=ids is None,
        max_size=csv_profiles.size_text(_max_upload_bytes()),
        encodings=csv_profiles.ENCODINGS,
    ), status


@bp.before_request
def _limit_request_size() -> None:
    # Refuse a huge body before it is read, not after it has filled a temporary file.
    if request.endpoint == UPLOAD_ENDPOINT:
        request.max_content_length = _max_upload_bytes() + FORM_OVERHEAD_BYTES


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(error: RequestEntityTooLarge):
    if request.endpoint not in BACK_TO:
        return too_large(error)  # the site's page, as anywhere else
    # The page cannot be rendered from this request (its forms would read the body), so go
    # back to the empty page with the message.
    limit = rank_upload_max_bytes() if request.endpoint == RANKS_ENDPOINT else _max_upload_bytes()
    flash(
        f"The file is larger than {csv_profiles.size_text(limit)}. Split it into "
        "smaller files (keep the header row in each) and import them one after another.",
        "error",
    )
    return redirect(url_for(BACK_TO[request.endpoint], **(request.view_args or {})))


@bp.route("/import", methods=["GET", "POST"])
def import_csv():
    form = ImportForm(catalogue.listed(ids=access.programme_ids_for(current_user)))
    if form.validate_on_submit():
        limit = _max_upload_bytes()
        data = form.csv_file.data.stream.read(limit + 1)  # one byte over is enough to refuse
        report = csv_profiles.import_profiles(
            data,
            form.kind.data,
            dry_run=form.dry_run.data,
            max_bytes=limit,
            max_problems=int(current_app.config["CSV_PROBLEMS_LISTED_MAX"]),
            actor_id=current_user.id,
            programme_id=form.programme(),
        )
        if report.saved:
            flash(report.summary, "success")
            return redirect(url_for(UPLOAD_ENDPOINT))
        return _render(form, report)
    if not form.is_submitted():
        form.dry_run.data = True  # checking first is the safe default
    return _render(form, status=400 if form.errors else 200)


@bp.route("/import/template/<kind>.csv")
def import_template(kind: str):
    """A file to fill in: every column, and one example row."""
    if kind not in csv_profiles.KINDS:
        abort(404)
    return Response(
        csv_profiles.template_text(kind),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="mentormatch-{kind}s-template.csv"'
        },
    )


@bp.route("/export/<kind>.csv")
def export_csv(kind: str):
    """Everyone of a kind (a programme coordinator: the members of their programmes), or the
    members of one programme (``?programme=<id>``)."""
    if kind not in csv_profiles.KINDS:
        abort(404)
    ids = access.programme_ids_for(current_user)
    one = request.args.get("programme", type=database_id)
    suffix = ""
    if one is not None:
        access.require(current_user, one)
        ids, suffix = frozenset({one}), f"-{catalogue.get(one).slug}"
    filename = f"mentormatch-{kind}s{suffix}-{date.today().isoformat()}.csv"
    return Response(
        stream_with_context(csv_profiles.iter_export(kind, ids)),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
