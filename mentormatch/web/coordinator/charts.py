"""Small charts for the review page, as inline SVG markup built on the server.

No scripts and no style attributes (the page runs under a strict CSP): shapes carry classes
that the stylesheet colours, and sizes are SVG presentation attributes. Each chart is an
image with a title and a description, so a screen reader gets the figures too. Every value
goes through ``Markup.format``, which escapes it.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence

from markupsafe import Markup

WIDTH = 400


def _svg(
    title: str, desc: str, height: float, body: list[Markup], css: str, width: int = WIDTH
) -> Markup:
    ident = f"chart-{zlib.crc32(f'{title}|{desc}'.encode()):08x}"
    return Markup(
        '<svg class="chart {css}" viewBox="0 0 {width} {height}" role="img" '
        'aria-labelledby="{ident}-t {ident}-d" preserveAspectRatio="xMinYMin meet">'
        '<title id="{ident}-t">{title}</title><desc id="{ident}-d">{desc}</desc>{body}</svg>'
    ).format(
        css=css,
        width=width,
        height=height,
        ident=ident,
        title=title,
        desc=desc,
        body=Markup("").join(body),
    )


def _percent(value: float) -> str:
    return f"{value * 100:.0f}%"


def coverage_bar(matched: int, mentees: int) -> Markup:
    """One bar: the share of taking-part mentees who got a mentor."""
    share = matched / mentees if mentees else 0.0
    body = [
        Markup('<rect class="chart-track" x="0" y="0" width="{}" height="28" rx="6"/>').format(
            WIDTH
        ),
        Markup('<rect class="chart-fill" x="0" y="0" width="{}" height="28" rx="6"/>').format(
            round(WIDTH * share, 1)
        ),
        Markup('<text class="chart-label chart-on-fill" x="8" y="19">{} matched</text>').format(
            _percent(share)
        ),
    ]
    desc = f"{matched} of {mentees} mentees matched ({_percent(share)})."
    return _svg("Coverage", desc, 28, body, "chart-coverage")


def score_histogram(counts: Sequence[int]) -> Markup:
    """Bars of how many pairs fall in each score bin over [0, 1]."""
    bins = len(counts) or 1
    top = max(counts, default=0) or 1
    plot_top, plot_bottom, left = 18, 150, 4
    slot = (WIDTH - left) / bins
    body = [
        Markup('<line class="chart-axis" x1="{}" y1="{}" x2="{}" y2="{}"/>').format(
            left, plot_bottom, WIDTH, plot_bottom
        )
    ]
    parts = []
    for k, count in enumerate(counts):
        height = round((plot_bottom - plot_top) * count / top, 1)
        x, y = round(left + k * slot + 2, 1), round(plot_bottom - height, 1)
        label = f"{k / bins:.1f}-{(k + 1) / bins:.1f}: {count} pair{'' if count == 1 else 's'}"
        parts.append(label)
        body.append(
            Markup(
                '<rect class="chart-bar" x="{}" y="{}" width="{}" height="{}">'
                "<title>{}</title></rect>"
            ).format(x, y, round(slot - 4, 1), height, label)
        )
        if count:
            body.append(
                Markup(
                    '<text class="chart-value" x="{}" y="{}" text-anchor="middle">{}</text>'
                ).format(round(x + (slot - 4) / 2, 1), round(y - 4, 1), count)
            )
    for tick, anchor in ((0.0, "start"), (0.5, "middle"), (1.0, "end")):
        body.append(
            Markup('<text class="chart-label" x="{}" y="{}" text-anchor="{}">{}</text>').format(
                round(left + tick * (WIDTH - left), 1), plot_bottom + 18, anchor, f"{tick:.1f}"
            )
        )
    body.append(
        Markup(
            '<text class="chart-label" x="{}" y="{}" text-anchor="middle">'
            "total score of the pair</text>"
        ).format(WIDTH / 2, plot_bottom + 36)
    )
    desc = "Pairs by total score. " + "; ".join(parts) + "."
    return _svg("Score distribution", desc, plot_bottom + 42, body, "chart-histogram")


def value_bars(title: str, values: Sequence[tuple[str, float | None]]) -> Markup:
    """Labelled horizontal bars of values in [0, 1] (component means, match rates)."""
    row, label_width = 26, 120
    span = WIDTH - label_width - 48
    body, parts = [], []
    for k, (name, value) in enumerate(values):
        y = k * row
        shown = "-" if value is None else f"{value:.2f}"
        parts.append(f"{name} {shown}")
        body.append(
            Markup('<text class="chart-label" x="0" y="{}">{}</text>').format(y + 17, name)
        )
        body.append(
            Markup(
                '<rect class="chart-track" x="{}" y="{}" width="{}" height="16" rx="4"/>'
            ).format(label_width, y + 4, span)
        )
        if value is not None:
            body.append(
                Markup(
                    '<rect class="chart-fill" x="{}" y="{}" width="{}" height="16" rx="4"/>'
                ).format(label_width, y + 4, round(span * max(0.0, min(1.0, value)), 1))
            )
        body.append(
            Markup('<text class="chart-value" x="{}" y="{}" text-anchor="end">{}</text>').format(
                WIDTH, y + 17, shown
            )
        )
    return _svg(title, "; ".join(parts) + ".", max(row, row * len(values)), body, "chart-bars")


def grouped_counts(
    title: str, groups: Sequence[tuple[str, Sequence[tuple[str, str, int]]]]
) -> Markup:
    """Per group (a programme) a heading and one labelled bar per figure: (label, series
    class, count), all on one scale so that programmes compare."""
    # narrower than the other charts: on a phone it is drawn at about its own size, so the
    # labels stay readable
    width, row, heading, gap, label_width = 330, 20, 22, 10, 130
    span = width - label_width - 36
    top = max((count for _, bars in groups for _, _, count in bars), default=0) or 1
    body, parts, y = [], [], 0
    for name, bars in groups:
        shown = name if len(name) <= 40 else name[:39] + "…"  # the full name is in the desc
        body.append(
            Markup('<text class="chart-heading" x="0" y="{}">{}</text>').format(y + 15, shown)
        )
        y += heading
        figures = []
        for label, series, count in bars:
            figures.append(f"{label} {count}")
            body.append(
                Markup('<text class="chart-label" x="0" y="{}">{}</text>').format(y + 14, label)
            )
            body.append(
                Markup(
                    '<rect class="chart-track" x="{}" y="{}" width="{}" height="14" rx="3"/>'
                ).format(label_width, y + 3, span)
            )
            if count:
                body.append(
                    Markup(
                        '<rect class="chart-series {}" x="{}" y="{}" width="{}" height="14" '
                        'rx="3"/>'
                    ).format(series, label_width, y + 3, max(2.0, round(span * count / top, 1)))
                )
            body.append(
                Markup(
                    '<text class="chart-value" x="{}" y="{}" text-anchor="end">{}</text>'
                ).format(width, y + 14, count)
            )
            y += row
        parts.append(f"{name}: " + ", ".join(figures))
        y += gap
    desc = "; ".join(parts) + "."
    return _svg(title, desc, max(row, y - gap), body, "chart-grouped", width)


def figure_bars(
    title: str, rows: Sequence[tuple[str, float | None, str]], scale: float = 1.0
) -> Markup:
    """Labelled horizontal bars of dashboard figures: (label, value or None, text). A
    suppressed figure (None) has no bar, only its text ("fewer than 5"). Bars run from 0 to
    ``scale`` (1 for rates)."""
    width, row, label_width = 360, 24, 150
    span = width - label_width - 92
    body, parts = [], []
    for k, (name, value, shown) in enumerate(rows):
        y = k * row
        parts.append(f"{name}: {shown}")
        short = name if len(name) <= 21 else name[:20] + "…"  # the table has it whole
        body.append(
            Markup('<text class="chart-label" x="0" y="{}">{}</text>').format(y + 16, short)
        )
        body.append(
            Markup(
                '<rect class="chart-track" x="{}" y="{}" width="{}" height="14" rx="3"/>'
            ).format(label_width, y + 4, span)
        )
        if value is not None and scale:
            body.append(
                Markup(
                    '<rect class="chart-fill" x="{}" y="{}" width="{}" height="14" rx="3"/>'
                ).format(label_width, y + 4, round(span * max(0.0, min(1.0, value / scale)), 1))
            )
        body.append(
            Markup('<text class="chart-value" x="{}" y="{}" text-anchor="end">{}</text>').format(
                width, y + 16, shown
            )
        )
    desc = "; ".join(parts) + "." if parts else "No figures."
    return _svg(title, desc, max(row, row * len(rows)), body, "chart-figures", width)


def month_columns(title: str, rows: Sequence[tuple[str, float | None, str]]) -> Markup:
    """A column per month of a dashboard figure (meetings per pair); a suppressed month has no
    column and a dash above its label."""
    width, left, plot_top, plot_bottom = 360, 4, 16, 130
    slot = (width - left) / (len(rows) or 1)
    top = max((value for _, value, _ in rows if value is not None), default=0) or 1
    body = [
        Markup('<line class="chart-axis" x1="{}" y1="{}" x2="{}" y2="{}"/>').format(
            left, plot_bottom, width, plot_bottom
        )
    ]
    parts = []
    for k, (name, value, shown) in enumerate(rows):
        parts.append(f"{name}: {shown}")
        x = round(left + k * slot + 2, 1)
        middle = round(x + (slot - 4) / 2, 1)
        if value is not None:
            height = round((plot_bottom - plot_top) * value / top, 1)
            body.append(
                Markup(
                    '<rect class="chart-bar" x="{}" y="{}" width="{}" height="{}">'
                    "<title>{}</title></rect>"
                ).format(
                    x,
                    round(plot_bottom - height, 1),
                    round(slot - 4, 1),
                    height,
                    f"{name}: {shown}",
                )
            )
            body.append(
                Markup(
                    '<text class="chart-value" x="{}" y="{}" text-anchor="middle">{}</text>'
                ).format(middle, round(plot_bottom - height - 3, 1), f"{value:.1f}")
            )
        else:
            body.append(
                Markup(
                    '<text class="chart-value" x="{}" y="{}" text-anchor="middle">–</text>'
                ).format(middle, plot_bottom - 4)
            )
        body.append(
            Markup(
                '<text class="chart-label chart-small" x="{}" y="{}" text-anchor="middle">'
                "{}</text>"
            ).format(middle, plot_bottom + 14, name.split(" ")[0])
        )
    desc = "; ".join(parts) + "."
    return _svg(title, desc, plot_bottom + 20, body, "chart-months", width)


def stacked_columns(
    title: str,
    series: Sequence[tuple[str, str]],
    columns: Sequence[tuple[str, Sequence[tuple[str, float | None, str]]]],
) -> Markup:
    """A column per group (a month end) whose parts (``series``: key, label) stack to 100%:
    (group label, [(series key, share or None, text)]). A suppressed group has no column,
    only a dash. A legend of the parts sits under the axis."""
    width, left, plot_top, plot_bottom = 360, 4, 8, 130
    slot = (width - left) / (len(columns) or 1)
    labels = dict(series)
    body = [
        Markup('<line class="chart-axis" x1="{}" y1="{}" x2="{}" y2="{}"/>').format(
            left, plot_bottom, width, plot_bottom
        )
    ]
    parts = []
    for k, (name, shares) in enumerate(columns):
        x = round(left + k * slot + 2, 1)
        middle = round(x + (slot - 4) / 2, 1)
        if all(share is None for _, share, _ in shares):
            parts.append(f"{name}: {shares[0][2] if shares else 'none'}")
            body.append(
                Markup(
                    '<text class="chart-value" x="{}" y="{}" text-anchor="middle">–</text>'
                ).format(middle, plot_bottom - 4)
            )
        else:
            parts.append(
                f"{name}: "
                + ", ".join(f"{labels.get(key, key)} {text}" for key, _, text in shares)
            )
            y = float(plot_bottom)
            for key, share, text in shares:
                if not share:
                    continue
                height = (plot_bottom - plot_top) * share
                y -= height
                body.append(
                    Markup(
                        '<rect class="chart-series series-{}" x="{}" y="{}" width="{}" '
                        'height="{}"><title>{}</title></rect>'
                    ).format(
                        key,
                        x,
                        round(y, 1),
                        round(slot - 4, 1),
                        round(height, 1),
                        f"{name}: {labels.get(key, key)} {text}",
                    )
                )
        body.append(
            Markup(
                '<text class="chart-label chart-small" x="{}" y="{}" text-anchor="middle">'
                "{}</text>"
            ).format(middle, plot_bottom + 14, name.split(" ")[0])
        )
    per_line = 3
    legend_top = plot_bottom + 26
    for k, (key, label) in enumerate(series):
        lx = left + (k % per_line) * 120
        ly = legend_top + (k // per_line) * 18
        body.append(
            Markup(
                '<rect class="chart-series series-{}" x="{}" y="{}" width="12" height="12" '
                'rx="2"/>'
            ).format(key, lx, ly)
        )
        body.append(
            Markup('<text class="chart-label" x="{}" y="{}">{}</text>').format(
                lx + 16, ly + 11, label
            )
        )
    rows_of_legend = -(-len(series) // per_line)
    desc = "; ".join(parts) + "." if parts else "No figures."
    return _svg(title, desc, legend_top + 18 * rows_of_legend, body, "chart-stacked", width)
