"""The evaluation world the evaluation tests share (no tests here).

On `capdev.test.make_world()`:

- "ke": a project evaluation of the Kenyan ministry (organisation KE-gov; so country KE),
  recommendation 1 addressed to office A, accepted, with an overdue action of office A
  (due 2026-01-10, planned) and a done one of office A (due 2025-12-01);
- "fr": a country programme evaluation of France (country FR), recommendation 1 addressed
  to office B, no response, an overdue action of office B (due 2026-02-01, in progress);
- "th": a project evaluation in Thailand, recommendation 1 addressed to no one, partially
  accepted, an action of office A due 2099-12-31 (never overdue);
- "strat": a strategic evaluation of no country (everyone's), recommendation 1 addressed to
  ACTRAV and office A, not accepted, an overdue action of ACTRAV (due 2026-03-01) and an
  overdue action of office A (due 2026-03-15, planned).

Each evaluation has a relevance rating and a document (a small DOCX).
TODAY is 2026-06-01.
"""

from __future__ import annotations

import datetime
import io
import zipfile
from dataclasses import dataclass

from django.core.files.base import ContentFile

from capdev.learn.models import (
    CriterionRating,
    Evaluation,
    EvaluationDocument,
    FollowUpAction,
    ManagementResponse,
    Recommendation,
)

TODAY = datetime.date(2026, 6, 1)
D = datetime.date


def docx_bytes(body: str = "<w:p><w:r><w:t>Hello</w:t></w:r></w:p>", prolog: str = "") -> bytes:
    """A minimal Word document whose body is `body` (WordprocessingML paragraphs)."""
    document = (
        f'<?xml version="1.0" encoding="UTF-8"?>{prolog}'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body>{body}</w:body></w:document>"
    )
    types = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.wordprocessingml.document.main+xml"/></Types>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", types)
        archive.writestr("word/document.xml", document)
    return buffer.getvalue()


def paragraphs(*texts: str) -> str:
    return "".join(f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>" for text in texts)


def pdf_bytes(text: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=f"<html><body><p>{text}</p></body></html>").write_pdf()


@dataclass
class EvaluationWorld:
    evaluations: dict[str, Evaluation]
    recommendations: dict[str, Recommendation]
    actions: dict[str, FollowUpAction]
    responses: dict[str, ManagementResponse]


def make_evaluations(world) -> EvaluationWorld:
    o = world.offices
    ke = Evaluation.objects.create(
        title="Kenya ministry project evaluation (test)",
        kind=Evaluation.Kind.PROJECT,
        evaluator="Evaluator K",
        start=D(2025, 3, 1),
        end=D(2025, 6, 30),
    )
    ke.organisations.set([world.organisations["KE-gov"]])
    ke.countries.set([world.countries["KE"]])
    fr = Evaluation.objects.create(
        title="France country programme evaluation (test)",
        kind=Evaluation.Kind.COUNTRY_PROGRAMME,
        evaluator="Evaluator F",
        start=D(2024, 1, 1),
        end=D(2024, 12, 31),
    )
    fr.countries.set([world.countries["FR"]])
    th = Evaluation.objects.create(
        title="Thailand project evaluation (test)",
        kind=Evaluation.Kind.PROJECT,
        evaluator="Evaluator T",
        start=D(2023, 5, 1),
    )
    th.countries.set([world.countries["TH"]])
    strat = Evaluation.objects.create(
        title="Strategic evaluation of capacity development (test)",
        kind=Evaluation.Kind.STRATEGIC,
        evaluator="Independent team",
        start=D(2018, 1, 1),
        end=D(2018, 10, 1),
    )
    evaluations = {"ke": ke, "fr": fr, "th": th, "strat": strat}
    recommendations = {}
    for key, evaluation in evaluations.items():
        CriterionRating.objects.create(evaluation=evaluation, criterion="relevance", rating=5)
        document = EvaluationDocument(
            evaluation=evaluation,
            title=f"Report {key}",
            media_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            text=f"report {key}",
        )
        document.file.save(f"{key}.docx", ContentFile(docx_bytes()), save=False)
        document.save()
        recommendations[key] = Recommendation.objects.create(
            evaluation=evaluation, number=1, text=f"Recommendation of {key} (test)"
        )
    recommendations["ke"].addressed_to.set([o["a"]])
    recommendations["fr"].addressed_to.set([o["b"]])
    recommendations["strat"].addressed_to.set([o["actrav"], o["a"]])
    responses = {
        "ke": ManagementResponse.objects.create(
            recommendation=recommendations["ke"], decision="accepted"
        ),
        "th": ManagementResponse.objects.create(
            recommendation=recommendations["th"], decision="partially", reasons="Budget."
        ),
        "strat": ManagementResponse.objects.create(
            recommendation=recommendations["strat"], decision="not_accepted", reasons="No."
        ),
    }
    S = FollowUpAction.Status
    specs = {
        "ke-late": ("ke", "a", D(2026, 1, 10), S.PLANNED),
        "ke-done": ("ke", "a", D(2025, 12, 1), S.DONE),
        "fr-late": ("fr", "b", D(2026, 2, 1), S.IN_PROGRESS),
        "th-open": ("th", "a", D(2099, 12, 31), S.PLANNED),
        "strat-actrav": ("strat", "actrav", D(2026, 3, 1), S.PLANNED),
        "strat-a": ("strat", "a", D(2026, 3, 15), S.PLANNED),
    }
    actions = {
        key: FollowUpAction.objects.create(
            recommendation=recommendations[rec],
            description=f"Action {key} (test)",
            unit=o[unit],
            due=due,
            status=status,
        )
        for key, (rec, unit, due, status) in specs.items()
    }
    return EvaluationWorld(evaluations, recommendations, actions, responses)
