"""Vega-Lite charts of the monitor stage, drawn by vega-embed (and rendered to SVG for PDF
reports): the capacity dashboards and an indicator against its targets. Each chart has a
table with the same figures beside it.

The dashboards' charts are written as Vega-Lite dictionaries: Altair took 10 ms to build each
one, most of a dashboard page's time (docs/decisions.md §12). The others use Altair."""

from __future__ import annotations

from typing import Any

import altair as alt
from django.utils.translation import gettext as _

from capdev.core.models import ConstituentGroup
from capdev.monitor.dashboards import CapacityDashboard, Comparison, OrganisationDashboard
from capdev.monitor.forms_dashboards import grid_cell_labels
from capdev.monitor.models import Indicator
from capdev.monitor.selectors import IndicatorReport

BASELINE, LATEST = "#9ca3af", "#1f5f99"


def _spec(chart: alt.TopLevelMixin) -> dict[str, Any]:
    # The specs are built from our own figures: skipping the JSON-schema validation keeps a
    # dashboard's response time in milliseconds.
    return chart.to_dict(validate=False)


def _top(layer: dict[str, Any], values: list[dict[str, Any]], height: int) -> dict[str, Any]:
    """A whole Vega-Lite spec around one view or a layer of views."""
    return {
        "$schema": alt.SCHEMA_URL,
        "config": {"view": {"continuousWidth": 300, "continuousHeight": 300}},
        "data": {"values": values},
        "width": "container",
        "height": height,
        **layer,
    }


def baseline_latest(rows: list[Comparison], *, axis_title: str) -> dict[str, Any]:
    """Dumbbells: each row's cohort mean at baseline (grey) and latest (blue), in %."""
    name, score, when = axis_title, _("Score (%)"), _("Assessment")
    baseline, latest = _("Baseline"), _("Latest")
    values = []
    for row in rows:
        if row.cohort_baseline_mean is None:
            continue
        values += [
            {name: row.label, when: baseline, score: float(row.cohort_baseline_mean)},
            {name: row.label, when: latest, score: float(row.cohort_latest_mean or 0)},
        ]
    y = {
        "field": name,
        "type": "nominal",
        "sort": [row.label for row in rows],
        "title": None,
        "axis": {"labelLimit": 260},
    }
    rule = {
        "mark": {"type": "rule", "color": "#6b7280"},
        "encoding": {
            "x": {
                "field": score,
                "aggregate": "min",
                "type": "quantitative",
                "scale": {"domain": [0, 100]},
                "title": score,
            },
            "x2": {"field": score, "aggregate": "max"},
            "y": y,
        },
    }
    points = {
        "mark": {"type": "circle", "size": 110, "opacity": 1},
        "encoding": {
            "x": {"field": score, "type": "quantitative"},
            "y": y,
            "color": {
                "field": when,
                "type": "nominal",
                "scale": {"domain": [baseline, latest], "range": [BASELINE, LATEST]},
                "legend": {"orient": "bottom", "title": None},
            },
            "tooltip": [
                {"field": name, "type": "nominal"},
                {"field": when, "type": "nominal"},
                {"field": score, "type": "quantitative"},
            ],
        },
    }
    return _top({"layer": [rule, points]}, values, max(80, 30 * len(rows)))


def trend(dashboard: CapacityDashboard) -> dict[str, Any]:
    """The mean score of the assessments held each year, with how many there were."""
    year, score, count = _("Year"), _("Mean score (%)"), _("Assessments")
    values = [
        {year: str(point.year), score: float(point.mean), count: point.assessments}
        for point in dashboard.trend
        if point.mean is not None
    ]
    line = {
        "mark": {"type": "line", "point": True, "color": LATEST},
        "encoding": {
            "x": {"field": year, "type": "ordinal", "axis": {"labelAngle": 0}},
            "y": {"field": score, "type": "quantitative", "scale": {"domain": [0, 100]}},
            "tooltip": [
                {"field": year, "type": "ordinal"},
                {"field": score, "type": "quantitative"},
                {"field": count, "type": "quantitative"},
            ],
        },
    }
    return _top(line, values, 220)


def distribution(dashboard: CapacityDashboard) -> dict[str, Any]:
    """How many organisations of the cohort changed by how many points."""
    change, count = _("Change (points)"), _("Organisations")
    values = [
        {change: f"{b.low} – {b.high}", "low": b.low, count: b.organisations}
        for b in dashboard.distribution
    ]
    bars = {
        "mark": {"type": "bar"},
        "encoding": {
            "x": {
                "field": change,
                "type": "nominal",
                "sort": {"field": "low"},
                "axis": {"labelAngle": 0},
            },
            "y": {"field": count, "type": "quantitative"},
            "color": {
                "condition": {"test": "datum.low < 0", "value": "#c2410c"},
                "value": LATEST,
            },
            "tooltip": [
                {"field": change, "type": "nominal"},
                {"field": count, "type": "quantitative"},
            ],
        },
    }
    return _top(bars, values, 220)


def membership(dashboard: CapacityDashboard) -> dict[str, Any]:
    """Members of workers' and employers' organisations by year (§12)."""
    year, members, group = _("Year"), _("Members"), _("Group")
    values = [
        {year: str(p.year), members: p.members, group: str(ConstituentGroup(p.group).label)}
        for p in dashboard.membership
    ]
    lines = {
        "mark": {"type": "line", "point": True},
        "encoding": {
            "x": {"field": year, "type": "ordinal", "axis": {"labelAngle": 0}},
            "y": {"field": members, "type": "quantitative"},
            "color": {"field": group, "type": "nominal", "legend": {"orient": "bottom"}},
            "tooltip": [
                {"field": year, "type": "ordinal"},
                {"field": group, "type": "nominal"},
                {"field": members, "type": "quantitative"},
            ],
        },
    }
    return _top(lines, values, 220)


def organisation_series(dashboard: OrganisationDashboard) -> dict[str, Any]:
    """One organisation's overall and grid-cell scores at each assessment."""
    labels = dict(grid_cell_labels())
    day, score, figure = _("Assessment date"), _("Score (%)"), _("Figure")
    overall = _("Overall score")
    values = [
        {
            day: point["date"].isoformat(),
            score: float(point["percent"]),
            figure: overall if not point["dimension"] else labels[point["dimension"]],
        }
        for point in dashboard.series
        if not point["dimension"] or point["dimension"] in labels
    ]
    lines = (
        alt.Chart(alt.Data(values=values))
        .mark_line(point=True)
        .encode(
            x=alt.X(f"{day}:T"),
            y=alt.Y(f"{score}:Q", scale=alt.Scale(domain=[0, 100])),
            color=alt.Color(f"{figure}:N", legend=alt.Legend(orient="bottom", columns=2)),
            strokeWidth=alt.condition(alt.datum[figure] == overall, alt.value(3), alt.value(1.5)),
            tooltip=[f"{day}:T", f"{figure}:N", f"{score}:Q"],
        )
    )
    return _spec(lines.properties(width="container", height=260))


def capacity_charts(dashboard: CapacityDashboard) -> dict[str, dict[str, Any]]:
    """Every chart of a capacity dashboard, by the name the page and reports use."""
    charts = {
        "by_group": baseline_latest(dashboard.by_group, axis_title=_("Constituent group")),
        "by_place": baseline_latest(dashboard.by_place, axis_title=_("Place")),
        "trend": trend(dashboard),
        "distribution": distribution(dashboard),
    }
    if dashboard.membership:
        charts["membership"] = membership(dashboard)
    return charts


def indicator_chart(report: IndicatorReport) -> dict[str, Any] | None:
    """Actual against target by period (Vega-Lite, built with Altair); None with nothing to
    draw. The page shows the same figures in a table."""
    indicator = report.indicator
    if indicator.measure == Indicator.Measure.TEXT:
        return None
    values = []
    for row in report.periods:
        for series, figure in ((_("Target"), row.target), (_("Actual"), row.measurement)):
            if figure is not None and figure.figure is not None:
                values.append(
                    {"period": row.period, "series": series, "value": float(figure.figure)}
                )
    if not values:
        return None
    unit = "%" if indicator.measure == Indicator.Measure.PERCENTAGE else indicator.unit
    order = [row.period for row in report.periods]
    chart = (
        alt.Chart(alt.Data(values=values))
        .mark_line(point=alt.OverlayMarkDef(size=80))
        .encode(
            x=alt.X("period:O", title=_("Period"), sort=order),
            y=alt.Y("value:Q", title=unit or _("Value")),
            color=alt.Color("series:N", title=None, scale=alt.Scale(range=["#8c959f", "#1f5f99"])),
            strokeDash=alt.StrokeDash("series:N", legend=None),
            tooltip=[
                alt.Tooltip("period:O", title=_("Period")),
                alt.Tooltip("series:N", title=_("Series")),
                alt.Tooltip("value:Q", title=unit or _("Value"), format=",.1f"),
            ],
        )
        .properties(width="container", height=240)
    )
    return chart.to_dict()
