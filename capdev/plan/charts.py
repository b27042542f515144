"""The theory of change drawn as a diagram (Vega-Lite, built with Altair).

Three bands, one per level (individual, organisational, enabling environment); outcomes on
the upper row, outputs on the lower; a line from each output to each outcome it contributes
to. The same content is listed as text on the page, for screen readers and print.
"""

from __future__ import annotations

from typing import Any

import altair as alt
from django.utils.translation import gettext as _

from capdev.plan.selectors import LevelOfChange

ROW = {"outcome": 1.0, "output": 0.0}
LABEL_LENGTH = 48


def _short(text: str) -> str:
    return text if len(text) <= LABEL_LENGTH else f"{text[: LABEL_LENGTH - 1]}…"


def theory_of_change(levels: list[LevelOfChange]) -> dict[str, Any] | None:
    """The diagram's spec, or None while the plan has no results (nothing to draw: an empty
    legend would make Vega draw a path of infinite length)."""
    nodes: list[dict[str, Any]] = []
    where: dict[int, tuple[float, float]] = {}
    for band, level in enumerate(levels):
        for row in (level.outcomes, level.outputs):
            for index, result in enumerate(row):
                x = band + (index + 1) / (len(row) + 1)
                y = ROW[result.kind]
                where[result.pk] = (x, y)
                nodes.append(
                    {
                        "x": x,
                        "y": y,
                        "label": _short(result.statement),
                        "statement": result.statement,
                        "kind": result.get_kind_display(),
                        "level": str(level.level.label),
                    }
                )
    if not nodes:
        return None
    links = [
        {"x": where[output.pk][0], "y": 0.0, "x2": where[target.pk][0], "y2": 1.0}
        for level in levels
        for output in level.outputs
        for target in output.contributes_to.all()
        if target.pk in where
    ]
    bands = [
        {"x": band + 0.5, "y": 1.35, "label": str(level.level.label)}
        for band, level in enumerate(levels)
    ]
    x = alt.X("x:Q", scale=alt.Scale(domain=[0, max(len(levels), 1)]), axis=None)
    y = alt.Y("y:Q", scale=alt.Scale(domain=[-0.35, 1.5]), axis=None)
    layers = [
        alt.Chart(alt.Data(values=links))
        .mark_rule(color="#8c959f", strokeWidth=1.5)
        .encode(x=x, y=y, x2="x2:Q", y2="y2:Q"),
        alt.Chart(alt.Data(values=nodes))
        .mark_circle(size=260)
        .encode(
            x=x,
            y=y,
            color=alt.Color("kind:N", title=None, scale=alt.Scale(range=["#1f5f99", "#c2410c"])),
            tooltip=[alt.Tooltip("level:N", title=_("Level")), "kind:N", "statement:N"],
        ),
        alt.Chart(alt.Data(values=nodes))
        .mark_text(dy=-16, fontSize=11, limit=180)
        .encode(x=x, y=y, text="label:N"),
        alt.Chart(alt.Data(values=bands))
        .mark_text(fontWeight="bold", fontSize=12)
        .encode(x=x, y=y, text="label:N"),
    ]
    chart = alt.layer(*layers).properties(width="container", height=260)
    return chart.configure_view(stroke=None).to_dict()
