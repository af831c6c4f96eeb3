"""The dashboard's SVG charts: a suppressed figure draws no bar (only "fewer than 5"), values
are escaped, and the description carries every figure for a screen reader."""

from __future__ import annotations

import re

from mentormatch.web.coordinator import charts


def test_a_suppressed_figure_draws_no_bar_and_every_label_is_escaped():
    svg = str(charts.figure_bars("Match rate", [
        ("Joined in 2025", 0.5, "50% of 12"),
        ("<script>alert(1)</script>", None, "fewer than 5"),
    ]))  # fmt: skip
    assert svg.count('class="chart-fill"') == 1  # one bar: the shown figure
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert "Joined in 2025: 50% of 12" in svg and "fewer than 5" in svg
    [width] = re.findall(r'class="chart-fill" x="150" y="4" width="([\d.]+)"', svg)
    assert float(width) == 59.0  # half of the 118 px track


def test_month_columns_draw_shown_months_and_a_dash_for_hidden_ones():
    svg = str(charts.month_columns("Meetings per pair per month", [
        ("Jan 2026", None, "fewer than 5"), ("Feb 2026", 2.0, "2.0 per pair"),
        ("Mar 2026", 1.0, "1.0 per pair"),
    ]))  # fmt: skip
    heights = [float(h) for h in re.findall(r'class="chart-bar"[^>]*height="([\d.]+)"', svg)]
    assert heights == [114.0, 57.0]  # scaled to the largest month
    assert "–" in svg and "Jan 2026: fewer than 5" in svg


def test_stacked_columns_stack_each_month_to_its_whole_and_hide_small_ones():
    series = (("on-track", "On track"), ("overdue", "Overdue"), ("at-risk", "At <risk>"))
    svg = str(charts.stacked_columns("Pair health", series, [
        ("Jan 2026", [("on-track", None, "fewer than 5"), ("overdue", None, "fewer than 5"),
                      ("at-risk", None, "fewer than 5")]),
        ("Feb 2026", [("on-track", 0.75, "75% of 8"), ("overdue", 0.25, "25% of 8"),
                      ("at-risk", 0.0, "0% of 8")]),
    ]))  # fmt: skip
    parts = re.findall(r'class="chart-series series-([a-z-]+)" x="[\d.]+" y="([\d.]+)" '
                       r'width="[\d.]+" height="([\d.]+)"><title>', svg)  # fmt: skip
    # February only (January is hidden): three quarters on track at the bottom, a quarter
    # overdue on top, no rectangle for a zero share; the plot is 122 px high
    assert [(name, float(y), float(h)) for name, y, h in parts] == [
        ("on-track", 38.5, 91.5), ("overdue", 8.0, 30.5),
    ]  # fmt: skip
    assert "–" in svg and "Jan 2026: fewer than 5" in svg
    assert "Feb 2026: On track 75% of 8, Overdue 25% of 8, At &lt;risk&gt; 0% of 8" in svg
    assert svg.count("series-at-risk") == 1  # its legend swatch only
