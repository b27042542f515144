"""Charts of survey results (Vega-Lite, built with Altair).

`options_by_group` draws a choice question as Figure 1 of the source does: for each option
(an approach), a group of bars, one per constituent group (government, workers, employers),
each the option's share on the stated base — the axis title names the base. `likert_by_group`
draws an agreement question as one stacked bar per group.

Field names are fixed and every word shown is a title or a value: a translation holding ":"
or "." would otherwise be read as Vega-Lite shorthand.
"""

from __future__ import annotations

import textwrap
from typing import Any

import altair as alt
from django.utils.translation import gettext as _

from capdev.surveys.selectors import COLUMN_LABELS, GROUPS, QuestionResult, figure_values

# The constituent colours of the stylesheet (--gov, --wrk, --emp).
GROUP_COLOURS = {"government": "#0b5cad", "workers": "#bf3989", "employers": "#8250df"}
LIKERT_COLOURS = ["#b42318", "#f0a59b", "#c9cdd2", "#8ec5a0", "#1a7f37"]
WRAP = 38


def _wrapped(label: str) -> str:
    """A long option on several lines (the axis splits it at "\\n")."""
    width = WRAP // 2 if any(ord(char) > 0x2E80 for char in label) else WRAP
    return "\n".join(textwrap.wrap(label, width)) or label


def options_by_group(result: QuestionResult) -> dict[str, Any]:
    """Grouped horizontal bars: one group of bars per option, one bar per constituent group,
    the share in percent on the result's base (named in the axis title)."""
    values = figure_values(result)
    for value in values:
        value["line"] = _wrapped(value["option"])
    options = list(dict.fromkeys(value["line"] for value in values))
    groups = [str(COLUMN_LABELS[key]) for key in GROUPS]
    option_title, group_title = _("Option"), _("Constituent group")
    count_title = _("Selections") if result.base == "selections" else _("Respondents who chose it")
    base_title = (
        _("All selections in the group")
        if result.base == "selections"
        else _("Respondents who answered")
    )
    lines = max((line.count("\n") + 1 for line in options), default=1)
    chart = (
        alt.Chart(alt.Data(values=values))
        .mark_bar()
        .encode(
            y=alt.Y(
                "line:N",
                sort=options,
                title=None,
                axis=alt.Axis(labelExpr="split(datum.label, '\\n')", labelLimit=300),
            ),
            yOffset=alt.YOffset("group:N", sort=groups),
            x=alt.X(
                "percent:Q", title=result.base_label, axis=alt.Axis(tickCount=10, tickMinStep=1)
            ),
            color=alt.Color(
                "group:N",
                title=group_title,
                sort=groups,
                scale=alt.Scale(domain=groups, range=[GROUP_COLOURS[k] for k in GROUPS]),
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=[
                alt.Tooltip("option:N", title=option_title),
                alt.Tooltip("group:N", title=group_title),
                alt.Tooltip("percent:Q", title=result.base_label, format=".1f"),
                alt.Tooltip("count:Q", title=count_title),
                alt.Tooltip("base:Q", title=base_title),
            ],
        )
        .properties(
            width="container",
            height=alt.Step(max(10, 5 * lines)),
        )
    )
    return chart.to_dict()


def likert_by_group(result: QuestionResult) -> dict[str, Any]:
    """One bar per respondent group, split by agreement, as shares of those who answered."""
    keys = [column.key for column in result.columns]
    values = [
        {
            "group": column.label,
            "point": row.label,
            "order": row.key,
            "percent": None if share.percent is None else round(share.percent, 1),
            "count": share.count,
            "base": share.base,
        }
        for column in result.columns
        for row in result.rows
        for share in [row.shares[keys.index(column.key)]]
        if column.respondents
    ]
    points = [row.label for row in result.rows]
    group_title, point_title = _("Respondent group"), _("Agreement")
    chart = (
        alt.Chart(alt.Data(values=values))
        .mark_bar()
        .encode(
            y=alt.Y(
                "group:N",
                sort=[c.label for c in result.columns],
                title=None,
                axis=alt.Axis(labelLimit=200),
            ),
            x=alt.X(
                "percent:Q",
                title=result.base_label,
                stack="zero",
                axis=alt.Axis(tickCount=10),
                scale=alt.Scale(domain=[0, 100]),
            ),
            color=alt.Color(
                "point:N",
                title=point_title,
                sort=points,
                scale=alt.Scale(domain=points, range=LIKERT_COLOURS),
                legend=alt.Legend(orient="bottom", columns=3),
            ),
            order=alt.Order("order:Q"),
            tooltip=[
                alt.Tooltip("group:N", title=group_title),
                alt.Tooltip("point:N", title=point_title),
                alt.Tooltip("percent:Q", title=result.base_label, format=".1f"),
                alt.Tooltip("count:Q", title=_("Respondents")),
                alt.Tooltip("base:Q", title=_("Respondents who answered")),
            ],
        )
        .properties(width="container", height=alt.Step(28))
    )
    return chart.to_dict()
