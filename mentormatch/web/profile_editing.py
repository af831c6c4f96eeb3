"""The one edit-profile flow behind the mentee's and the mentor's profile pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import flash, redirect, render_template, url_for

from mentormatch.services.errors import ValidationError
from mentormatch.web.forms import apply_errors


def edit_profile(
    *,
    profile: Any,
    form_class: type,
    form_data: Callable[[Any], dict],
    raw_values: Callable[[Any], dict],
    parse: Callable[[dict], Any],
    save: Callable[[Any], Any],
    template: str,
    done_endpoint: str,
):
    form = form_class(data=form_data(profile))
    if form.validate_on_submit():
        try:
            save(parse(raw_values(form)))
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            flash("Profile saved.", "success")
            return redirect(url_for(done_endpoint))
    status = 400 if form.is_submitted() else 200
    return render_template(template, form=form, profile=profile), status
