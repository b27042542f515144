"""Charts of the deliver stage (Vega-Lite, built with Altair)."""

from __future__ import annotations

from typing import Any

import altair as alt
from django.utils.translation import gettext as _

from capdev.deliver.registry import FundingMix


def funding_mix(mix: FundingMix) -> dict[str, Any]:
    """One bar per currency for plans and one for activities, split by funding kind, as
    shares of that bar: a bar only ever adds amounts of one currency.

    Field names are fixed and the words shown are titles: a translation holding ":" or "."
    would otherwise be read as Vega-Lite syntax.
    """
    values = [
        {
            "bar": label % {"currency": row.currency},
            "kind": row.kind_label,
            "amount": float(row.amount),
        }
        for rows, label in (
            (mix.plans, _("Plan budgets (%(currency)s)")),
            (mix.activities, _("Activity costs (%(currency)s)")),
        )
        for row in rows
    ]
    what, kind, amount = _("Plans and activities"), _("Funding"), _("Amount")
    chart = (
        alt.Chart(alt.Data(values=values))
        .mark_bar()
        .encode(
            x=alt.X("amount:Q", stack="normalize", title=_("Share"), axis=alt.Axis(format="%")),
            y=alt.Y("bar:N", title=None, axis=alt.Axis(labelLimit=320)),
            color=alt.Color("kind:N", title=kind, legend=alt.Legend(orient="bottom", columns=2)),
            tooltip=[
                alt.Tooltip("bar:N", title=what),
                alt.Tooltip("kind:N", title=kind),
                alt.Tooltip("amount:Q", title=amount, format=",.2f"),
            ],
        )
        .properties(width="container", height=max(80, 36 * len({v["bar"] for v in values})))
    )
    return chart.to_dict()
