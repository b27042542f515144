"""The report files: PDF (WeasyPrint, charts as server-drawn SVG) and XLSX (openpyxl).

Each function takes a report assembled by capdev.reports.selectors (already in its reader's
scope) and returns bytes; `progress`, when given, is told how far along it is (percent and
the step in words), for the background jobs' status page.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from capdev.core.models import Country, DemoDataset
from capdev.deliver.registry import AmountRow
from capdev.lib.shares import percent, reaches
from capdev.lib.spreadsheets import safe_sheet_title, set_text_cell
from capdev.monitor.dashboards import CapacityDashboard, Comparison
from capdev.parity.selectors import ParitySummary
from capdev.reports import charts as report_charts
from capdev.reports.selectors import Biennium, CountryProfile, ProgressReport

Progress = Callable[[int, str], None]

# WeasyPrint logs every layout step at INFO, one line per page, into every worker's log
# (set before WeasyPrint is imported: it parses its own stylesheets on import).
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


def _silent(percent: int, step: str) -> None:
    return None


@dataclass(frozen=True)
class Chart:
    id: str
    spec: dict[str, Any]
    description: str
    uri: str = ""


def _descriptions() -> dict[str, str]:
    """What each chart shows, for screen readers and as its caption; every chart has a
    table with the same figures next to it."""
    return {
        "deliverables": _("Deliverables of the biennium by status"),
        "indicators": _("Indicators by status against their targets"),
        "capacity_by_group": _(
            "Mean capacity score of the organisations assessed twice or more, first and latest "
            "assessment, by constituent group"
        ),
        "capacity_by_place": _(
            "Mean capacity score of the organisations assessed twice or more, first and latest "
            "assessment, by region"
        ),
        "capacity_trend": _("Mean score of the assessments held each year"),
        "capacity_distribution": _(
            "Organisations assessed twice or more by change of their score, in points"
        ),
        "capacity_membership": _("Members of workers' and employers' organisations by year"),
        "parity_groups": _("Share of women in delegations by group, against the thresholds"),
        "parity_sessions": _("Share of women in delegations at each meeting"),
        "participants": _("Participants of the activities held, by type of activity and sex"),
        "funding": _(
            "Plan budgets and activity costs by funding, as shares of each currency's total"
        ),
    }


def progress_charts(report: ProgressReport, *, print: bool = False) -> dict[str, Chart]:
    """The report's charts by name, each with its description; in print, each also drawn
    as SVG on the server."""
    descriptions = _descriptions()
    return {
        name: Chart(
            f"report-chart-{name.replace('_', '-')}",
            spec,
            descriptions.get(name, ""),
            report_charts.svg_data_uri(spec) if print else "",
        )
        for name, spec in report_charts.progress_charts(report).items()
    }


def funding_tables(report: ProgressReport) -> list[tuple[list[AmountRow], str, str]]:
    return [
        (report.funding.plans, _("Budgets of plan actions"), _("Budget")),
        (report.funding.activities, _("Costs of activities"), _("Cost")),
    ]


def progress_context(report: ProgressReport, *, print: bool = False) -> dict[str, Any]:
    charts = progress_charts(report, print=print)
    return {
        "report": report,
        "charts": charts,
        "funding_tables": funding_tables(report),
        "print": print,
        "demo_dataset": DemoDataset.objects.first(),
    }


def progress_file_name(biennium: Biennium, extension: str) -> str:
    return f"capdev-progress-report-{biennium.label}.{extension}"


def country_file_name(country: Country) -> str:
    return f"capdev-country-profile-{country.iso_alpha3}.pdf"


def _pdf(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, base_url=None).write_pdf()


def progress_pdf(report: ProgressReport, *, progress: Progress = _silent) -> bytes:
    progress(30, _("Drawing the charts"))
    html = render_to_string("reports/progress_print.html", progress_context(report, print=True))
    progress(50, _("Laying out the pages"))
    return _pdf(html)


def country_pdf(profile: CountryProfile, *, progress: Progress = _silent) -> bytes:
    progress(40, _("Laying out the pages"))
    context = {"profile": profile, "print": True, "demo_dataset": DemoDataset.objects.first()}
    return _pdf(render_to_string("reports/country_print.html", context))


# --- XLSX ------------------------------------------------------------------------------------


def _sheet(book: Any, title: str, header: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """A sheet of `header` (bold, frozen) and `rows`; text is written as text, never run as
    a formula (capdev.lib.spreadsheets.set_text_cell)."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    sheet = book.create_sheet(title=safe_sheet_title(title))
    bold = Font(bold=True)
    for column, value in enumerate(header, start=1):
        set_text_cell(sheet.cell(row=1, column=column), value).font = bold
    for number, row in enumerate(rows, start=2):
        for column, value in enumerate(row, start=1):
            set_text_cell(sheet.cell(row=number, column=column), value)
    sheet.freeze_panes = "A2"
    for index, name in enumerate(header, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(12, min(60, len(name) + 4))


def _percent(part: int | Decimal, whole: int | Decimal) -> float | None:
    """A share in percent, to two decimals, for a column headed "(%)"."""
    return percent(part, whole, digits=2)


def _decimal(value: Any) -> float | None:
    return None if value is None else float(value)


Sheet = tuple[str, Sequence[str], Sequence[Sequence[object]]]


def _comparison_row(breakdown: str, row: Comparison) -> list[object]:
    return [
        breakdown,
        row.label or _("All organisations"),
        row.assessed,
        row.cohort,
        _decimal(row.latest_mean),
        _decimal(row.cohort_baseline_mean),
        _decimal(row.cohort_latest_mean),
        _decimal(row.mean_change),
        row.improved,
        row.declined,
    ]


def capacity_sheets(dashboard: CapacityDashboard) -> list[Sheet]:
    quality = dashboard.quality
    return [
        (
            _("Capacity"),
            [
                _("Breakdown"),
                _("Organisations of"),
                _("Assessed (organisations)"),
                _("Assessed twice or more (organisations)"),
                _("Latest mean, all assessed (%)"),
                _("Baseline mean, assessed twice or more (%)"),
                _("Latest mean, assessed twice or more (%)"),
                _("Mean change (points)"),
                _("Improved (organisations)"),
                _("Declined (organisations)"),
            ],
            [_comparison_row(_("Overall"), dashboard.overall)]
            + [_comparison_row(_("Constituent group"), row) for row in dashboard.by_group]
            + [_comparison_row(_("Region"), row) for row in dashboard.by_place],
        ),
        (
            _("Capacity trend"),
            [
                _("Year"),
                _("Assessments (number)"),
                _("Organisations (number)"),
                _("Mean score (%)"),
            ],
            [[p.year, p.assessments, p.organisations, _decimal(p.mean)] for p in dashboard.trend],
        ),
        (
            _("Capacity change"),
            [_("Change from (points)"), _("Change to, not included (points)"), _("Organisations")],
            [[b.low, b.high, b.organisations] for b in dashboard.distribution],
        ),
        (
            _("Data quality"),
            [_("Flag"), _("Organisations")],
            [
                [_("Tripartite organisations in view"), quality.organisations],
                [_("Never assessed"), quality.missing],
                [_("Latest assessment older than three years"), quality.stale],
                [_("Latest assessment with items not scored"), quality.incomplete],
                [_("Change far from the others' (outlier)"), quality.outliers],
            ],
        ),
        (
            _("Membership"),
            [
                _("Year"),
                _("Constituent group"),
                _("Organisations reporting (number)"),
                _("Members (persons)"),
                _("Women members (persons)"),
                _("Members of organisations reporting women (persons)"),
                _("Share of women (%)"),
            ],
            [
                [
                    p.year,
                    p.group_label,
                    p.organisations,
                    p.members,
                    p.women_members,
                    p.members_reporting_women,
                    _decimal(p.women_share),
                ]
                for p in dashboard.membership
            ],
        ),
    ]


def _yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


def parity_sheets(summary: ParitySummary) -> list[Sheet]:
    target = summary.target
    header = [
        _("Breakdown"),
        _("Of"),
        _("Women (persons)"),
        _("Delegation members (persons)"),
        _("Share of women (%)"),
        _("Reaches the minimum of %(percent)s %%") % {"percent": target.minimum_percent},
        _("Reaches the goal of %(percent)s %%") % {"percent": target.goal_percent},
    ]

    def row(breakdown: str, label: str, women: int, total: int) -> list[object]:
        return [
            breakdown,
            label,
            women,
            total,
            _percent(women, total),
            _yes_no(reaches(women, total, target.minimum_percent)),
            _yes_no(reaches(women, total, target.goal_percent)),
        ]

    counts = summary.delegations
    return [
        (
            _("Parity"),
            header,
            [row(_("Overall"), _("All delegations"), summary.women, summary.total)]
            + [row(_("Group"), s.label, s.women, s.total) for s in summary.groups]
            + [row(_("Region"), s.label, s.women, s.total) for s in summary.regions]
            + [
                row(_("Meeting"), f"{s.name} ({s.year})", s.women, s.total)
                for s in summary.sessions
            ],
        ),
        (
            _("Delegations"),
            [_("Delegations (member State × meeting)"), header[5], header[6]],
            [[counts.delegations, counts.reaching_minimum, counts.reaching_goal]],
        ),
        (
            _("Groups needing help"),
            [
                _("Member State"),
                _("Group"),
                _("Women (persons)"),
                _("Delegation members (persons)"),
                _("Share of women (%)"),
                _("Sessions counted (number)"),
                _("Parity workshops offered"),
            ],
            [
                [
                    str(g.country),
                    g.group_label,
                    g.women,
                    g.total,
                    _percent(g.women, g.total),
                    g.sessions,
                    "; ".join(activity.title for activity in g.workshops),
                ]
                for g in summary.groups_needing_help
            ],
        ),
    ]


def progress_xlsx(report: ProgressReport, *, progress: Progress = _silent) -> bytes:
    """The report as a workbook: a sheet about the report, then one sheet per section with
    a header row that names each column's unit."""
    from openpyxl import Workbook

    progress(40, _("Writing the sheets"))
    book = Workbook()
    book.remove(book.active)
    _sheet(
        book,
        _("About"),
        [_("Report"), _("Value")],
        [
            [_("Report"), _("Progress report %(biennium)s") % {"biennium": report.biennium.label}],
            [_("Biennium"), report.biennium.label],
            [_("Prepared for"), report.reader],
            [_("Prepared on (UTC)"), report.generated_at.strftime("%Y-%m-%d %H:%M")],
            [_("Scope"), "; ".join(report.scope) or _("No role")],
        ],
    )
    _sheet(
        book,
        _("Deliverables"),
        [
            _("Outcome area"),
            _("Deliverable"),
            _("Phase"),
            _("Responsible unit"),
            _("Status"),
            _("Evidence"),
        ],
        [
            [
                str(group.outcome),
                str(d),
                d.phase,
                d.responsible_unit.acronym or d.responsible_unit.name,
                d.get_status_display(),
                d.evidence,
            ]
            for group in report.deliverables.outcomes
            for d in group.deliverables
        ],
    )
    _sheet(
        book,
        _("Indicators"),
        [
            _("Code"),
            _("Indicator"),
            _("Unit"),
            _("Period"),
            _("Baseline (unit)"),
            _("Target (unit)"),
            _("Measured (unit)"),
            _("Status"),
            _("Explanation"),
        ],
        [
            [
                row.indicator.code,
                row.indicator.name,
                "%" if row.indicator.measure == "percentage" else row.indicator.unit,
                row.period,
                _decimal(row.baseline),
                _decimal(row.target),
                _decimal(row.actual),
                row.status_label,
                row.explanation,
            ]
            for row in report.indicators.rows
        ],
    )
    for title, header, rows in capacity_sheets(report.capacity):
        _sheet(book, title, header, rows)
    for title, header, rows in parity_sheets(report.parity):
        _sheet(book, title, header, rows)
    delivery = report.delivery
    _sheet(
        book,
        _("Delivery"),
        [
            _("Type of activity"),
            _("Activities held (number)"),
            _("Women (persons)"),
            _("Men (persons)"),
            _("Other or not stated (persons)"),
            _("Participants (persons)"),
            _("Share of women (%)"),
        ],
        [
            [
                row.label,
                row.activities,
                row.participants.female,
                row.participants.male,
                row.participants.other,
                row.participants.total,
                _percent(row.participants.female, row.participants.total),
            ]
            for row in delivery.by_kind
        ]
        + [
            [
                _("Total"),
                delivery.activities,
                delivery.participants.female,
                delivery.participants.male,
                delivery.participants.other,
                delivery.participants.total,
                _percent(delivery.participants.female, delivery.participants.total),
            ]
        ],
    )
    _sheet(
        book,
        _("Funding"),
        [
            _("What"),
            _("Currency"),
            _("Funding"),
            _("Earmarking"),
            _("Amount (currency)"),
            _("Records (number)"),
            _("Share of the currency's total (%)"),
        ],
        [
            [
                what,
                row.currency,
                row.kind_label,
                row.earmarking_label,
                float(row.amount),
                row.count,
                None if row.share is None else round(100 * row.share, 2),
            ]
            for rows, what, _label in funding_tables(report)
            for row in rows
        ],
    )
    progress(80, _("Saving the workbook"))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
