"""Charts of gender parity (Vega-Lite, built with Altair): shares of women with the
threshold lines of the parity target drawn on them.

Field names are fixed and the words shown are titles: a translation holding ":" or "."
would otherwise be read as Vega-Lite syntax. Every chart has a table with the same figures
next to it on the page.
"""

from __future__ import annotations

from typing import Any

import altair as alt
from django.utils.translation import gettext as _

from capdev.parity.selectors import SessionShare, SexRow, Share, Target, TrendPoint

MINIMUM_COLOUR = "#c2410c"
GOAL_COLOUR = "#15803d"
BAR_COLOUR = "#1f5f99"


def _spec(chart: alt.TopLevelMixin) -> dict[str, Any]:
    # Built from our own figures: skipping the JSON-schema validation spares every request
    # the slow check (as capdev.monitor.charts does).
    return chart.to_dict(validate=False)


def _thresholds(target: Target, axis: str) -> list[alt.Chart]:
    """The minimum and the goal as rules across the chart, labelled."""
    values = [
        {"line": _("Minimum %(percent)s%%") % {"percent": target.minimum_percent},
         "value": target.minimum, "colour": MINIMUM_COLOUR},
        {"line": _("Goal %(percent)s%%") % {"percent": target.goal_percent},
         "value": target.goal, "colour": GOAL_COLOUR},
    ]  # fmt: skip
    data = alt.Data(values=values)
    position = alt.X if axis == "x" else alt.Y
    encoding = {axis: position("value:Q")}
    rules = (
        alt.Chart(data)
        .mark_rule(strokeDash=[6, 4], strokeWidth=2)
        .encode(
            color=alt.Color("colour:N", scale=None),
            tooltip=[alt.Tooltip("line:N", title=_("Threshold"))],
            **encoding,
        )
    )
    labels = (
        alt.Chart(data)
        .mark_text(align="left", dx=4, dy=-6, fontSize=11)
        .encode(text="line:N", color=alt.Color("colour:N", scale=None), **encoding)
    )
    # The label sits at the top (vertical rule) or the left end (horizontal rule).
    labels = labels.encode(**{"y" if axis == "x" else "x": alt.value(0)})
    return [rules, labels]


def _share_axis(title: str) -> dict[str, Any]:
    return {
        "scale": alt.Scale(domain=[0, 1]),
        "axis": alt.Axis(format="%"),
        "title": title,
    }


def share_bars(shares: list[Share], target: Target, what: str) -> dict[str, Any]:
    """One horizontal bar per key (group, region, State; `what` names it): the share of women."""
    values = [
        {"label": s.label, "share": s.share, "women": s.women, "total": s.total}
        for s in shares
        if s.total
    ]
    order = [v["label"] for v in values]
    bars = (
        alt.Chart(alt.Data(values=values))
        .mark_bar(color=BAR_COLOUR)
        .encode(
            x=alt.X("share:Q", **_share_axis(_("Share of women"))),
            y=alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=320)),
            tooltip=[
                alt.Tooltip("label:N", title=what),
                alt.Tooltip("women:Q", title=_("Women")),
                alt.Tooltip("total:Q", title=_("People")),
                alt.Tooltip("share:Q", title=_("Share of women"), format=".1%"),
            ],
        )
    )
    chart = alt.layer(bars, *_thresholds(target, "x")).properties(
        width="container", height=max(90, 30 * len(values) + 20)
    )
    return _spec(chart)


def session_bars(sessions: list[SessionShare], target: Target) -> dict[str, Any]:
    """One vertical bar per meeting, oldest first."""
    values = [
        {
            "meeting": f"{s.name} ({s.year})",
            "share": s.share,
            "women": s.women,
            "total": s.total,
        }
        for s in sessions
        if s.total
    ]
    order = [v["meeting"] for v in values]
    bars = (
        alt.Chart(alt.Data(values=values))
        .mark_bar(color=BAR_COLOUR)
        .encode(
            x=alt.X(
                "meeting:N", sort=order, title=None, axis=alt.Axis(labelAngle=-40, labelLimit=220)
            ),
            y=alt.Y("share:Q", **_share_axis(_("Share of women"))),
            tooltip=[
                alt.Tooltip("meeting:N", title=_("Meeting")),
                alt.Tooltip("women:Q", title=_("Women")),
                alt.Tooltip("total:Q", title=_("People")),
                alt.Tooltip("share:Q", title=_("Share of women"), format=".1%"),
            ],
        )
    )
    chart = alt.layer(bars, *_thresholds(target, "y")).properties(width="container", height=260)
    return _spec(chart)


def trend_lines(points: list[TrendPoint], target: Target) -> dict[str, Any]:
    """The share of women year by year, one line per group and one for all groups."""
    values = [
        {"year": p.year, "group": p.label, "share": p.share, "women": p.women, "total": p.total}
        for p in points
        if p.total
    ]
    group = _("Group")
    lines = (
        alt.Chart(alt.Data(values=values))
        .mark_line(point=True)
        .encode(
            x=alt.X("year:O", title=_("Year")),
            y=alt.Y("share:Q", **_share_axis(_("Share of women"))),
            color=alt.Color("group:N", title=group, legend=alt.Legend(orient="bottom")),
            tooltip=[
                alt.Tooltip("year:O", title=_("Year")),
                alt.Tooltip("group:N", title=group),
                alt.Tooltip("women:Q", title=_("Women")),
                alt.Tooltip("total:Q", title=_("People")),
                alt.Tooltip("share:Q", title=_("Share of women"), format=".1%"),
            ],
        )
    )
    chart = alt.layer(lines, *_thresholds(target, "y")).properties(width="container", height=260)
    return _spec(chart)


SEX_COLOURS = ("#7b3294", "#008837", "#9e9e9e")  # women, men, other or not stated


def participation_bars(
    rows: list[SexRow], what: str, *, horizontal: bool = False
) -> dict[str, Any]:
    """Participants by sex per key (a year, region or group; a type of activity), stacked:
    one bar per key, upright, or `horizontal` (one line per key, for long labels)."""
    sexes = [("female", _("Women")), ("male", _("Men")), ("other", _("Other or not stated"))]
    values = [
        {"key": row.label, "sex": label, "order": index, "count": getattr(row, sex)}
        for row in rows
        for index, (sex, label) in enumerate(sexes)
    ]
    labels = [label for _sex, label in sexes]
    people, sex_title = _("Participants"), _("Sex")
    key = alt.Y if horizontal else alt.X
    count = alt.X if horizontal else alt.Y
    axes = {
        "y" if horizontal else "x": key(
            "key:N", sort=[row.label for row in rows], title=None, axis=alt.Axis(labelLimit=240)
        ),
        "x" if horizontal else "y": count("count:Q", title=people, axis=alt.Axis(format="d")),
    }
    chart = (
        alt.Chart(alt.Data(values=values))
        .mark_bar()
        .encode(
            color=alt.Color(
                "sex:N",
                title=sex_title,
                sort=labels,
                scale=alt.Scale(domain=labels, range=list(SEX_COLOURS)),
                legend=alt.Legend(orient="bottom"),
            ),
            order=alt.Order("order:Q"),
            tooltip=[
                alt.Tooltip("key:N", title=what),
                alt.Tooltip("sex:N", title=sex_title),
                alt.Tooltip("count:Q", title=people),
            ],
            **axes,
        )
        .properties(width="container", height=max(60, 28 * len(rows)) if horizontal else 240)
    )
    return _spec(chart)
