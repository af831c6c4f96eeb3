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
    if form.is_submitted():
        form_valid = form.validate()
        csrf_field = getattr(form, "csrf_token", None)
        if csrf_field is None or not csrf_field.errors:
            # The profile rules run even when the form found problems, so that the page lists
            # every problem at once; a field the form already refused (or, for a rule's field
            # the form splits up, such as usce into usce_type_1..., one of its parts) keeps
            # the form's message.
            try:
                values = parse(raw_values(form))
            except ValidationError as exc:
                refused = [name for name, field in form._fields.items() if field.errors]
                apply_errors(
                    form,
                    ValidationError(
                        [
                            (name, message)
                            for name, message in exc.errors
                            if not any(r == name or r.startswith(name + "_") for r in refused)
                        ]
                    ),
                )
            else:
                if form_valid:
                    try:
                        save(values, time_zone=form.time_zone.data or "")
                    except ValidationError as exc:
                        apply_errors(form, exc)
                    else:
                        flash("Profile saved.", "success")
                        return redirect(url_for(done_endpoint))
    status = 400 if form.is_submitted() else 200
    return render_template(template, form=form, profile=profile), status
