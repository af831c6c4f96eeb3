"""The coordinator's home: the people of their programmes, and the roll-up of how matching
goes in each programme (organisation coordinators: every programme)."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from mentormatch.services import directory
from mentormatch.services.programmes import access, rollup
from mentormatch.web.coordinator import charts
from mentormatch.web.coordinator.blueprint import bp

# The figures the chart draws for each programme: (label, series class, attribute).
CHART_FIGURES = (
    ("Members", "series-members", "members"),
    ("Ready for matching", "series-ready", "ready"),
    ("Waiting for answer", "series-waiting", "waiting"),
    ("Active mentorships", "series-active", "active"),
    ("Declines", "series-declined", "declined"),
)


@bp.route("/")
def home():
    ids = access.programme_ids_for(current_user)
    figures = rollup.rollup(ids)
    chart = charts.grouped_counts(
        "Programmes at a glance",
        [
            (row.programme.name, [(label, css, getattr(row, name)) for label, css, name in
                                  CHART_FIGURES])
            for row in figures.rows
        ],
    ) if figures.rows else None  # fmt: skip
    return render_template(
        "coordinator/home.html",
        counts=directory.count_by_role(ids),
        rollup=figures,
        chart=chart,
        organisation=ids is None,
    )
