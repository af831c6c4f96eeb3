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
