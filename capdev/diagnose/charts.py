"""Vega-Lite specifications of diagnosis results, built with Altair, drawn by vega-embed."""

from __future__ import annotations

from typing import Any

import altair as alt
from django.utils.translation import gettext as _

from capdev.diagnose.selectors import AreaResult


def area_profile(areas: list[AreaResult], *, previous_label: str | None) -> dict[str, Any]:
    """Horizontal bars: each area's score in %, with the previous assessment as a tick."""
    score, area, kind = _("Score (%)"), _("Area"), _("Assessment")
    current = _("This assessment")
    values = [
        {area: str(a.area), score: float(a.percent), kind: current}
        for a in areas
        if a.percent is not None
    ]
    order = [str(a.area) for a in areas]
    bars = (
        alt.Chart(alt.Data(values=values))
        .mark_bar(color="#1f5f99")
        .encode(
            x=alt.X(f"{score}:Q", scale=alt.Scale(domain=[0, 100])),
            y=alt.Y(f"{area}:N", sort=order, title=None, axis=alt.Axis(labelLimit=320)),
            tooltip=[f"{area}:N", f"{score}:Q"],
        )
    )
    layers = [bars]
    if previous_label:
        earlier = [
            {area: str(a.area), score: float(a.previous), kind: previous_label}
            for a in areas
            if a.previous is not None
        ]
        layers.append(
            alt.Chart(alt.Data(values=earlier))
            .mark_tick(color="#c2410c", thickness=3, size=18)
            .encode(
                x=f"{score}:Q",
                y=alt.Y(f"{area}:N", sort=order, title=None, axis=alt.Axis(labelLimit=320)),
                tooltip=[f"{kind}:N", f"{area}:N", f"{score}:Q"],
            )
        )
    chart = alt.layer(*layers).properties(width="container", height=max(120, 28 * len(order)))
    return chart.to_dict()
