"""Small SVG charts drawn on the server for the insights page: no script, no style from
elsewhere, colours from the site's own stylesheet (classes), the numbers also in a table."""

from __future__ import annotations

from markupsafe import Markup, escape

BAR_GAP = 2
LABEL_WIDTH = 220  # room for a query or a page's address on the left of a bar
LABEL_CHARS = 32  # what fits in LABEL_WIDTH; longer labels are cut (the full one is the tooltip)


def _short(label: str) -> str:
    """`label` cut to LABEL_CHARS characters, ending with "…" when cut."""
    return label if len(label) <= LABEL_CHARS else label[:LABEL_CHARS - 1] + "…"


def _svg(width: int, height: int, title: str, body: list[str]) -> Markup:
    return Markup(
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(title)}</title>{''.join(body)}</svg>")


def columns(values: list[tuple[str, int]], title: str, *, width: int = 640,
            height: int = 160) -> Markup:
    """One column per value (e.g. searches per day), labelled at the first and last."""
    peak = max((v for _, v in values), default=0) or 1
    step = width / max(1, len(values))
    chart_height = height - 20
    body = []
    for index, (label, value) in enumerate(values):
        bar = round(chart_height * value / peak)
        x = index * step
        body.append(f'<rect class="bar" x="{x + BAR_GAP / 2:.1f}" y="{chart_height - bar}" '
                    f'width="{max(1.0, step - BAR_GAP):.1f}" height="{bar}">'
                    f"<title>{escape(label)}: {value}</title></rect>")
    if values:
        body.append(f'<text class="axis" x="0" y="{height - 4}">{escape(values[0][0])}</text>')
        body.append(f'<text class="axis" x="{width}" y="{height - 4}" text-anchor="end">'
                    f"{escape(values[-1][0])}</text>")
    body.append(f'<text class="axis" x="0" y="12">most in a day: {peak}</text>')
    return _svg(width, height, title, body)


def bars(values: list[tuple[str, int]], title: str, *, width: int = 640,
         row: int = 22) -> Markup:
    """One horizontal bar per value, its label on the left and its number on the right."""
    peak = max((v for _, v in values), default=0) or 1
    room = width - LABEL_WIDTH - 50
    body = []
    for index, (label, value) in enumerate(values):
        y = index * row
        length = max(1, round(room * value / peak))
        body.append(f'<text class="label" x="{LABEL_WIDTH - 6}" y="{y + row - 7}" '
                    f'text-anchor="end">{escape(_short(label))}</text>')
        body.append(f'<rect class="bar" x="{LABEL_WIDTH}" y="{y + 3}" width="{length}" '
                    f'height="{row - 6}"><title>{escape(label)}: {value}</title></rect>')
        body.append(f'<text class="value" x="{LABEL_WIDTH + length + 4}" y="{y + row - 7}">'
                    f"{value}</text>")
    return _svg(width, max(row, row * len(values)), title, body)


def split_bars(values: list[tuple[str, int, int]], title: str, *, width: int = 640,
               row: int = 22) -> Markup:
    """Two numbers per row, side by side (a page's "No" then "Yes")."""
    peak = max((a + b for _, a, b in values), default=0) or 1
    room = width - LABEL_WIDTH - 70
    body = []
    for index, (label, first, second) in enumerate(values):
        y = index * row
        a = round(room * first / peak)
        b = round(room * second / peak)
        body.append(f'<text class="label" x="{LABEL_WIDTH - 6}" y="{y + row - 7}" '
                    f'text-anchor="end">{escape(_short(label))}</text>')
        body.append(f'<rect class="bar no" x="{LABEL_WIDTH}" y="{y + 3}" width="{a}" '
                    f'height="{row - 6}"><title>{escape(label)}: No {first}</title></rect>')
        body.append(f'<rect class="bar yes" x="{LABEL_WIDTH + a}" y="{y + 3}" width="{b}" '
                    f'height="{row - 6}"><title>{escape(label)}: Yes {second}</title></rect>')
        body.append(f'<text class="value" x="{LABEL_WIDTH + a + b + 4}" y="{y + row - 7}">'
                    f"{first} / {second}</text>")
    return _svg(width, max(row, row * len(values)), title, body)
