"""A round's stated preferences for coordinators: the window, the programme's settings for
preferences, and the rank lists as CSV: download, and upload (checked first, then imported
after a confirmation that says whose lists it replaces; the rules are in
services.preferences.rank_csv)."""

from __future__ import annotations

import base64
from datetime import datetime

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy import func, select

from mentormatch.extensions import db
from mentormatch.models import MenteeRanking, MentorMark, RoundStatus
from mentormatch.services import csv_profiles, time_zones
from mentormatch.services.errors import ValidationError
from mentormatch.services.preferences import rank_csv, windows
from mentormatch.services.programmes import access
from mentormatch.services.rounds import lookup
from mentormatch.web.coordinator.blueprint import bp
from mentormatch.web.coordinator.confirm import CONFIRM_FIELD, confirmed
from mentormatch.web.coordinator.imports import rank_upload_max_bytes
from mentormatch.web.coordinator.round_forms import RankListsForm
from mentormatch.web.forms import EmptyForm

LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


def _round(round_id: int):
    matching_round = lookup.get_round(round_id)
    access.require(current_user, matching_round.programme_id)
    return matching_round


def _local(moment) -> str:
    zone = time_zones.zone_name_of(current_user)
    return time_zones.in_zone(moment, zone).strftime(LOCAL_FORMAT) if moment else ""


def _parse_local(text: str, field: str, problems: list) -> datetime | None:
    try:
        naive = datetime.strptime((text or "").strip(), LOCAL_FORMAT)
    except ValueError:
        problems.append((field, "Give a date and time, for example 2027-03-01 09:00."))
        return None
    return naive.replace(tzinfo=time_zones.zone(time_zones.zone_name_of(current_user)))


def _page(matching_round, errors=(), status=200, upload=None, report=None, checked=None):
    window = windows.window_of(matching_round.id)
    counts = db.session.execute(
        select(
            func.count(func.distinct(MenteeRanking.mentee_id)), func.count(MenteeRanking.id)
        ).where(MenteeRanking.round_id == matching_round.id)
    ).one()
    marks = dict(
        db.session.execute(
            select(MentorMark.kind, func.count(MentorMark.id))
            .where(MentorMark.round_id == matching_round.id)
            .group_by(MentorMark.kind)
        ).all()
    )
    return render_template(
        "coordinator/rounds/preferences.html",
        matching_round=matching_round,
        programme=matching_round.programme,
        window=window,
        state=windows.state(window) if window else None,
        opens=request.form.get("opens_at") or _local(window.opens_at if window else None),
        closes=request.form.get("closes_at") or _local(window.closes_at if window else None),
        zone=time_zones.zone_name_of(current_user),
        rankers=counts[0],
        ranks=counts[1],
        marks=marks,
        errors=dict(errors),
        draft=matching_round.status == RoundStatus.DRAFT,
        upload=upload or RankListsForm(formdata=None),
        import_refusal=rank_csv.import_refusal(matching_round),
        report=report,
        checked=checked,
        confirm_field=CONFIRM_FIELD,
        max_size=csv_profiles.size_text(rank_upload_max_bytes()),
        encodings=csv_profiles.ENCODINGS,
    ), status


@bp.route("/rounds/<int:round_id>/preferences")
def round_preferences(round_id: int):
    return _page(_round(round_id))


@bp.route("/rounds/<int:round_id>/preferences/window", methods=["POST"])
def set_preference_window(round_id: int):
    matching_round = _round(round_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    problems: list = []
    opens = _parse_local(request.form.get("opens_at"), "opens_at", problems)
    closes = _parse_local(request.form.get("closes_at"), "closes_at", problems)
    try:
        if problems:
            raise ValidationError(problems)
        windows.set_window(round_id, current_user, opens, closes)
    except ValidationError as exc:
        return _page(matching_round, exc.errors, 400)
    flash(
        "The window is set. Mentees are emailed when it opens, two days before it closes "
        "(those who ranked nobody) and when it closes.",
        "success",
    )
    return redirect(url_for("coordinator.round_preferences", round_id=round_id))


@bp.route("/rounds/<int:round_id>/preferences/settings", methods=["POST"])
def set_preference_settings(round_id: int):
    matching_round = _round(round_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        windows.update_programme_settings(
            matching_round.programme_id, current_user, request.form.get("max_ranks", ""),
            bool(request.form.get("rankers_named")), bool(request.form.get("unranked_pairs")),
            request.form.get("mode", ""),
        )  # fmt: skip
    except ValidationError as exc:
        return _page(matching_round, exc.errors, 400)
    flash(f"Preference settings of {matching_round.programme.name} saved.", "success")
    return redirect(url_for("coordinator.round_preferences", round_id=round_id))


@bp.route("/rounds/<int:round_id>/preferences.csv")
def export_preferences(round_id: int):
    matching_round = _round(round_id)
    return Response(
        rank_csv.export_rank_lists(matching_round.id),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="rank-lists-round-{round_id}.csv"'},
    )


@bp.route("/rounds/<int:round_id>/preferences/import", methods=["POST"])
def import_preferences(round_id: int):
    """Without ``confirm``: check the uploaded file and show what importing would save and
    replace; with it: import the checked file that the confirmation carried back."""
    matching_round = _round(round_id)
    form = RankListsForm()
    if not form.validate_on_submit():
        return _page(matching_round, upload=form, status=400)
    limit = rank_upload_max_bytes()
    data = form.contents(limit)
    if data is None:
        abort(400)
    report = rank_csv.import_rank_lists(
        matching_round.id,
        data,
        actor=current_user,
        dry_run=not confirmed(),
        max_bytes=limit,
        max_problems=int(current_app.config["CSV_PROBLEMS_LISTED_MAX"]),
        seen_lists=(request.form.get("seen_lists") or None) if confirmed() else None,
    )
    if report.saved:
        flash(report.summary, "success")
        return redirect(url_for("coordinator.round_preferences", round_id=round_id))
    checked = None
    if report.ok:
        checked = {"data": base64.b64encode(data).decode("ascii"), "name": form.name()}
    return _page(matching_round, upload=form, report=report, checked=checked)
