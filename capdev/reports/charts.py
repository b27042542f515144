"""Charts of the reports (Vega-Lite, built with Altair), and their SVG for print.

The page draws the specs in the browser; the PDF carries each one as SVG converted on the
server with vl-convert (no browser needed). Field names are fixed and the words shown are
titles: a translation holding ":" or "." would otherwise be read as Vega-Lite syntax.
"""

from __future__ import annotations

import base64
import copy
from typing import Any

import altair as alt
from django.utils.translation import gettext as _

from capdev.deliver.charts import funding_mix as funding_mix_chart
from capdev.monitor.charts import capacity_charts
from capdev.parity import charts as parity_charts
from capdev.parity.selectors import SexRow
from capdev.reports.selectors import (
    DeliverableSection,
    DeliverySection,
    IndicatorSection,
    ProgressReport,
)

Spec = dict[str, Any]
# Width of a chart drawn for print: an A4 page less its margins, in CSS pixels.
PRINT_WIDTH = 600
STATUS_COLOURS = {
    "not_started": "#9e9e9e",
    "in_progress": "#1f77b4",
    "delayed": "#d62728",
    "done": "#2ca02c",
    "on_track": "#2ca02c",
    "at_risk": "#ff7f0e",
    "off_track": "#d62728",
    "": "#9e9e9e",
}


def _status_bars(rows: list[tuple[str, str, int]], title: str) -> Spec:
    values = [{"status": key, "label": label, "count": count} for key, label, count in rows]
    chart = (
        alt.Chart(alt.Data(values=values))
        .mark_bar()
        .encode(
            x=alt.X("count:Q", title=title, axis=alt.Axis(tickMinStep=1, format="d")),
            y=alt.Y("label:N", title=None, sort=None, axis=alt.Axis(labelLimit=240)),
            color=alt.Color(
                "status:N",
                scale=alt.Scale(
                    domain=[key for key, _label, _count in rows],
                    range=[STATUS_COLOURS.get(key, "#9e9e9e") for key, _label, _count in rows],
                ),
                legend=None,
            ),
            tooltip=[
                alt.Tooltip("label:N", title=_("Status")),
                alt.Tooltip("count:Q", title=title),
            ],
        )
        .properties(width="container", height=max(60, 28 * len(values)))
    )
    # Built from our own figures: skipping the JSON-schema validation spares every request
    # the slow check (as capdev.monitor.charts does).
    return chart.to_dict(validate=False)


def deliverables_chart(section: DeliverableSection) -> Spec:
    rows = [(row.status, row.label, row.count) for row in section.by_status]
    return _status_bars(rows, _("Deliverables"))


def indicators_chart(section: IndicatorSection) -> Spec:
    rows = [(row.status, row.label, row.count) for row in section.by_status]
    return _status_bars(rows, _("Indicators"))


def participants_chart(section: DeliverySection) -> Spec:
    """Participants of each type of activity, stacked by sex (parity's chart, lying down)."""
    rows = [SexRow(row.kind, row.label, row.participants) for row in section.by_kind]
    return parity_charts.participation_bars(rows, _("Type"), horizontal=True)


def progress_charts(report: ProgressReport) -> dict[str, Spec]:
    """Every chart of the progress report by name; a section without figures has none."""
    charts: dict[str, Spec] = {}
    if report.deliverables.total:
        charts["deliverables"] = deliverables_chart(report.deliverables)
    if report.indicators.rows:
        charts["indicators"] = indicators_chart(report.indicators)
    if report.capacity.overall.assessed:
        for name, spec in capacity_charts(report.capacity).items():
            charts[f"capacity_{name}"] = spec
    parity = report.parity
    if parity.total:
        charts["parity_groups"] = parity_charts.share_bars(parity.groups, parity.target, _("Group"))
        charts["parity_sessions"] = parity_charts.session_bars(parity.sessions, parity.target)
    if report.delivery.participants.total:
        charts["participants"] = participants_chart(report.delivery)
    if report.funding.currencies:
        charts["funding"] = funding_mix_chart(report.funding)
    return charts


def _fixed_width(spec: Any, width: int) -> Any:
    """`spec` with every `"width": "container"` replaced by `width` pixels (a converter
    has no container to fill)."""
    if isinstance(spec, dict):
        return {
            key: (width if key == "width" and value == "container" else _fixed_width(value, width))
            for key, value in spec.items()
        }
    if isinstance(spec, list):
        return [_fixed_width(value, width) for value in spec]
    return spec


def svg(spec: Spec, *, width: int = PRINT_WIDTH) -> str:
    """The chart as SVG, drawn on the server."""
    import vl_convert

    printable = _fixed_width(copy.deepcopy(spec), width)
    config = printable.setdefault("config", {})
    config.setdefault("font", "Liberation Sans, DejaVu Sans, Noto Sans CJK SC, sans-serif")
    # Paper has no tooltip to read a cut label in full.
    config.setdefault("legend", {}).setdefault("labelLimit", 0)
    return vl_convert.vegalite_to_svg(printable)


def svg_data_uri(spec: Spec, *, width: int = PRINT_WIDTH) -> str:
    """The chart as a data: URI, for an <img> in a document rendered to PDF."""
    encoded = base64.b64encode(svg(spec, width=width).encode()).decode("ascii")
    return f"data:image/svg+xml;base64,{encoded}"
