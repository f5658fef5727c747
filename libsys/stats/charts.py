"""Charts drawn on the server as SVG (no script): a month-by-month chart of this year beside
last year, and bars of this year so far beside the same days last year.

Each chart is an image with a title and a description (role="img"); the page puts the same
numbers in a table for screen readers. Colours come from classes (stats.css), not from
inline styles, so a strict Content-Security-Policy leaves them alone.
"""

from itertools import count

from markupsafe import Markup, escape

_ids = count(1)


def format_figure(value) -> str:
    """A figure the Vietnamese way: dots between thousands, a comma before decimals."""
    if value is None:
        return "–"
    if isinstance(value, float) and not value.is_integer():
        # Two decimals, four under 0.1 (0.003 copies per inhabitant is not 0).
        digits = 2 if abs(value) >= 0.1 else 4
        whole, _, decimals = f"{value:,.{digits}f}".rstrip("0").partition(".")
        return whole.replace(",", ".") + ("," + decimals if decimals else "")
    return f"{int(value):,}".replace(",", ".")


def _nice_top(value) -> float:
    """A round axis top at or above the value (1, 2 or 5 times a power of ten)."""
    if not value or value <= 0:
        return 1
    power = 1
    while power * 10 <= value:
        power *= 10
    for step in (1, 2, 5, 10):
        if step * power >= value:
            return step * power
    return 10 * power


def _head(title: str, desc: str, width: int, height: int, css: str) -> tuple[str, list[str]]:
    ident = f"chart-{next(_ids)}"
    parts = [
        f'<svg class="chart {css}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{ident}-t {ident}-d" preserveAspectRatio="xMinYMin meet">',
        f'<title id="{ident}-t">{escape(title)}</title>',
        f'<desc id="{ident}-d">{escape(desc)}</desc>',
    ]
    return ident, parts


def monthly_chart(title, desc, month_labels, this_year, last_year, legend) -> Markup:
    """Bars per month: this year's (dark) beside last year's (light), with a y axis.

    `month_labels` name the months drawn; `this_year` and `last_year` are lists of values in
    the same order; `legend` is (this year's name, last year's name).
    """
    values = [v or 0 for v in list(this_year) + list(last_year)]
    axis_top = _nice_top(max(values, default=0))
    # The y axis's labels end 6 units left of the plot: room for the widest, the top one
    # ("10.000" is 46 units wide in the 13 px axis font: 8.3 a digit, 4.2 a dot).
    top_label = format_figure(axis_top)
    label_width = sum(8.3 if c.isdigit() else 4.2 for c in top_label)
    width, height, bottom, top = 400, 230, 34, 30
    left = max(48, round(label_width) + 12)
    plot_w, plot_h = width - left - 8, height - top - bottom
    _ident, parts = _head(title, desc, width, height, "chart-months")
    # Legend along the top.
    parts.append(f'<rect class="bar-now" x="{left}" y="6" width="12" height="12"/>')
    parts.append(f'<text x="{left + 18}" y="17">{escape(legend[0])}</text>')
    parts.append(f'<rect class="bar-before" x="{left + 110}" y="6" width="12" height="12"/>')
    parts.append(f'<text x="{left + 128}" y="17">{escape(legend[1])}</text>')
    # Grid lines at 0, half and the top.
    for share in (0, 0.5, 1):
        y = top + plot_h - share * plot_h
        parts.append(f'<line class="grid" x1="{left}" x2="{width - 8}" y1="{y:.1f}" y2="{y:.1f}"/>')
        parts.append(
            f'<text class="axis" x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">'
            f"{escape(format_figure(axis_top * share))}</text>"
        )
    slot = plot_w / max(len(month_labels), 1)
    bar = min(slot * 0.4, 22)
    for index, label in enumerate(month_labels):
        x = left + index * slot + slot / 2
        for offset, value, css in ((-bar, this_year[index], "bar-now"),
                                   (0, last_year[index], "bar-before")):  # fmt: skip
            h = (value or 0) / axis_top * plot_h
            parts.append(
                f'<rect class="{css}" x="{x + offset:.1f}" y="{top + plot_h - h:.1f}" '
                f'width="{bar:.1f}" height="{h:.1f}"/>'
            )
        parts.append(
            f'<text class="axis" x="{x:.1f}" y="{height - bottom + 20}" '
            f'text-anchor="middle">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def comparison_chart(title, desc, rows, legend) -> Markup:
    """Two bars per indicator, this year so far and the same days last year, each pair on its
    own scale (the figures have different units); the numbers are written beside the bars.

    `rows` are (label, this year's value, last year's value).
    """
    width, row_h, bar_h = 420, 66, 16
    height = 28 + row_h * len(rows)
    _ident, parts = _head(title, desc, width, height, "chart-compare")
    parts.append('<rect class="bar-now" x="0" y="6" width="12" height="12"/>')
    parts.append(f'<text x="18" y="17">{escape(legend[0])}</text>')
    parts.append('<rect class="bar-before" x="200" y="6" width="12" height="12"/>')
    parts.append(f'<text x="218" y="17">{escape(legend[1])}</text>')
    room = width - 80
    for index, (label, now, before) in enumerate(rows):
        y = 28 + index * row_h
        top = max(now or 0, before or 0) or 1
        parts.append(f'<text class="row-label" x="0" y="{y + 16}">{escape(label)}</text>')
        for line, value, css in ((0, now, "bar-now"), (1, before, "bar-before")):
            bar_y = y + 22 + line * (bar_h + 4)
            w = (value or 0) / top * room
            parts.append(
                f'<rect class="{css}" x="0" y="{bar_y}" width="{w:.1f}" height="{bar_h}"/>'
            )
            parts.append(
                f'<text class="value" x="{w + 6:.1f}" y="{bar_y + bar_h - 3}">'
                f"{escape(format_figure(value))}</text>"
            )
    parts.append("</svg>")
    return Markup("".join(parts))
