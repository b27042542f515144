"""The synthetic demo data of the learn stage: evaluations with their ratings, documents,
recommendations, management responses and follow-up actions; lessons learned and good
practices.

- One strategic evaluation modelled on §6 of the source: the 2018 independent high-level
  evaluation of capacity development (2010–2017), which made nine practical recommendations.
  The source does not give their wording, so the nine recommendations here are illustrative
  placeholders ("Illustrative recommendation N (demo): …") and must not be taken for the real
  ones. They are addressed to demo HQ units (ACTRAV, ACT/EMP, PARDEV, PROGRAM, EVAL), with
  management responses and follow-up actions, some overdue and some done.
- Six project and country evaluations in demo countries, with OECD-DAC and capacity-
  development ratings and a small synthetic PDF report each (WeasyPrint, ~0.1 s a report).
- About forty published lessons and good practices across themes, groups and countries, and
  a few drafts and lessons in review. All text is synthetic and says so.

Follow-up due dates are set from the day the demo is seeded, so that some are overdue then.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape

from capdev.core.models import ConstituentGroup, Office, Organisation
from capdev.diagnose.models import CapacityType, Level, Theme
from capdev.learn.models import (
    Criterion,
    CriterionRating,
    Evaluation,
    EvaluationDocument,
    FollowUpAction,
    Lesson,
    ManagementResponse,
    Recommendation,
)

SYNTHETIC = "Synthetic demo record."
STRATEGIC_TITLE = "High-level evaluation of capacity development (illustrative, demo)"
HQ_UNITS = ("ACTRAV", "ACT/EMP", "PARDEV", "PROGRAM", "EVAL")
G = ConstituentGroup
D = ManagementResponse.Decision
S = FollowUpAction.Status

# Topics only: the real recommendations' wording is not in the source (§6).
ILLUSTRATIVE_TOPICS = [
    ("a shared approach to capacity development across the Office", ("PROGRAM",), 1),
    (
        "building the capacity of constituents for effective social dialogue",
        ("ACTRAV", "ACT/EMP"),
        1,
    ),
    ("gender equality in every capacity-development activity", ("PROGRAM", "PARDEV"), 1),
    (
        "moving beyond project-specific training towards lasting institutional capacity",
        ("PARDEV",),
        2,
    ),
    ("joint diagnosis of needs with the constituents before planning", ("ACTRAV", "ACT/EMP"), 2),
    (
        "measuring results at the individual, organisational and enabling-environment levels",
        ("EVAL", "PROGRAM"),
        2,
    ),
    ("sharing lessons and good practices across regions", ("EVAL",), 3),
    ("coordinating training offers with the training centre and partners", ("PARDEV",), 3),
    ("funding capacity development beyond the life of projects", ("PROGRAM", "PARDEV"), 3),
]
# (decision, [(action status, due offset in days from today, done)]) per recommendation.
RESPONSES = [
    (D.ACCEPTED, [(S.DONE, -400), (S.IN_PROGRESS, -60)]),
    (D.ACCEPTED, [(S.PLANNED, -30), (S.DONE, -200)]),
    (D.ACCEPTED, [(S.IN_PROGRESS, 120)]),
    (D.PARTIALLY, [(S.DONE, -300)]),
    (D.ACCEPTED, [(S.PLANNED, -10), (S.PLANNED, 200)]),
    (D.PARTIALLY, [(S.IN_PROGRESS, 90)]),
    (D.ACCEPTED, [(S.DONE, -500), (S.DONE, -250)]),
    (D.NOT_ACCEPTED, []),
    (None, []),
]

PROJECT_EVALUATIONS = [
    # (kind, theme, group of the organisations evaluated, start year)
    (Evaluation.Kind.PROJECT, Theme.OSH, G.WORKERS, 2021),
    (Evaluation.Kind.PROJECT, Theme.SOCIAL_DIALOGUE, G.EMPLOYERS, 2022),
    (Evaluation.Kind.COUNTRY_PROGRAMME, Theme.EMPLOYMENT, G.GOVERNMENT, 2020),
    (Evaluation.Kind.CLUSTER, Theme.LABOUR_MIGRATION, G.GOVERNMENT, 2023),
    (Evaluation.Kind.EX_POST, Theme.MEMBERSHIP_SERVICES, G.WORKERS, 2019),
    (Evaluation.Kind.PROJECT, Theme.GENDER_EQUALITY, G.EMPLOYERS, 2024),
]
PROJECT_CRITERIA = list(Criterion)

LESSON_PATTERNS = [
    (
        "Peer learning between organisations of the same group",
        "Exchanges between peers kept participants engaged after the training ended.",
        "Participants struggled to apply new skills without support from their organisation.",
        "Pair each participant with a peer from another organisation for six months.",
        "Requires leadership support and a small budget for follow-up meetings.",
    ),
    (
        "Joint needs diagnosis before planning",
        "The organisation and the office diagnosed needs together before planning support.",
        "Earlier plans mirrored project objectives rather than the organisation's priorities.",
        "A facilitated self-assessment, validated by the office, set the plan's priorities.",
        "Works when the organisation names a focal point with time for the exercise.",
    ),
    (
        "Training of trainers with follow-up coaching",
        "A pool of national trainers was built to reach members in the provinces.",
        "One-off workshops reached few people and left no local capacity.",
        "Trainers were coached while delivering their first two courses.",
        "Needs trainers who stay with the organisation; agree retention in advance.",
    ),
    (
        "Digital tools for member services",
        "A simple digital register of members and services was introduced.",
        "Membership records were on paper and out of date.",
        "Starting with one service and a short guide made adoption quick.",
        "Requires basic connectivity and one staff member trained as administrator.",
    ),
    (
        "Gender-responsive planning of capacity support",
        "Women's participation in training was low and not monitored.",
        "Selection of participants was left to leadership alone.",
        "Setting a target for women's participation and reporting on it each quarter.",
        "Works with commitment from leadership and data on participants by sex.",
    ),
    (
        "Tripartite validation workshops",
        "Policy proposals were validated with government, workers and employers together.",
        "Proposals drafted by one party were rejected by the others.",
        "A neutral facilitator and an agreed agenda built trust between the parties.",
        "Needs the three parties to agree the rules of the workshop beforehand.",
    ),
    (
        "Embedding training in the organisation's own plan",
        "Training was linked to the organisation's strategic plan and budget.",
        "Training had no link to the organisation's priorities and was soon forgotten.",
        "Each course ended with an action plan reviewed by the organisation's board.",
        "Requires a strategic plan, even a short one, to link to.",
    ),
    (
        "South-South exchange between labour administrations",
        "Labour inspectors visited a peer administration in another region.",
        "Inspection methods were outdated and inspectors lacked practical examples.",
        "Seeing tools in use abroad convinced managers to adopt them at home.",
        "Works when the host administration faced similar constraints.",
    ),
]
THEMES_FOR_LESSONS = [
    Theme.OSH,
    Theme.SOCIAL_DIALOGUE,
    Theme.EMPLOYMENT,
    Theme.GENDER_EQUALITY,
    Theme.MEMBERSHIP_SERVICES,
    Theme.LABOUR_MIGRATION,
    Theme.LEADERSHIP,
    Theme.STRATEGIC_PLANNING,
    Theme.LABOUR_LAW,
    Theme.INFORMAL_ECONOMY,
]
PUBLISHED_LESSONS = 40
UNPUBLISHED_LESSONS = 4


def _pdf(title: str, paragraphs: list[str]) -> bytes:
    """A small report, rendered from HTML; its text is synthetic."""
    import weasyprint  # imported here: only seeding needs it (≈0.4 s to import)

    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    html = f"<html><body><h1>{escape(title)}</h1>{body}</body></html>"
    return weasyprint.HTML(string=html).write_pdf()


def _strategic(units: dict[str, Office], today: date) -> Evaluation:
    evaluation = Evaluation.objects.create(
        title=STRATEGIC_TITLE,
        kind=Evaluation.Kind.STRATEGIC,
        summary=(
            f"{SYNTHETIC} Modelled on §6 of the source: in 2018 an independent high-level "
            "evaluation of the Office's capacity development work (2010–2017) found that "
            "constituents benefit from it and that support is broadly relevant to their "
            "priorities, and found shortcomings (a focus on project-specific activities, "
            "limited attention to capacity for social dialogue, gender equality unevenly "
            "applied). It made nine practical recommendations. The source does not give "
            "their wording: the nine below are illustrative placeholders written for the demo, "
            "not the evaluation's recommendations."
        ),
        evaluator="Independent evaluation team (demo)",
        managed_by=units.get("EVAL"),
        start=date(2018, 1, 15),
        end=date(2018, 10, 31),
        themes=[Theme.SOCIAL_DIALOGUE.value, Theme.GENDER_EQUALITY.value],
    )
    for number, ((topic, to, priority), (decision, actions)) in enumerate(
        zip(ILLUSTRATIVE_TOPICS, RESPONSES, strict=True), start=1
    ):
        rec = Recommendation.objects.create(
            evaluation=evaluation,
            number=number,
            text=(
                f"Illustrative recommendation {number} (demo): about {topic}. "
                "Placeholder text, not the wording of the 2018 evaluation."
            ),
            priority=priority,
        )
        addressed = [units[code] for code in to if code in units]
        rec.addressed_to.set(addressed)
        if decision is None:
            continue
        ManagementResponse.objects.create(
            recommendation=rec,
            decision=decision,
            reasons=(
                f"{SYNTHETIC} Illustrative management response."
                if decision != D.NOT_ACCEPTED
                else f"{SYNTHETIC} Illustrative reason: covered by another recommendation."
            ),
        )
        for index, (status, offset) in enumerate(actions, start=1):
            due = today + timedelta(days=offset)
            FollowUpAction.objects.create(
                recommendation=rec,
                description=f"Illustrative follow-up action {number}.{index} (demo).",
                unit=addressed[(index - 1) % len(addressed)]
                if addressed
                else next(iter(units.values())),
                due=due,
                status=status,
                completed_at=due - timedelta(days=15) if status == S.DONE else None,
                note=SYNTHETIC,
            )
    return evaluation


def _project_evaluations(
    rng: random.Random,
    organisations: list[Organisation],
    units: dict[str, Office],
    today: date,
) -> list[Evaluation]:
    by_country: dict[int, list[Organisation]] = {}
    for org in organisations:
        by_country.setdefault(org.country_id, []).append(org)
    countries = sorted(by_country, key=lambda pk: by_country[pk][0].country.name)
    chosen = rng.sample(countries, k=min(len(PROJECT_EVALUATIONS), len(countries)))
    chosen += chosen[: len(PROJECT_EVALUATIONS) - len(chosen)]  # a small world repeats some
    evaluations = []
    for (kind, theme, group, year), country_id in zip(PROJECT_EVALUATIONS, chosen, strict=True):
        orgs = [o for o in by_country[country_id] if o.group == group] or by_country[country_id]
        country = orgs[0].country
        theme_label = Theme(theme).label
        title = f"Evaluation of {theme_label.lower()} support in {country.name} (demo)"
        evaluation = Evaluation.objects.create(
            title=title,
            kind=kind,
            summary=f"{SYNTHETIC} An invented evaluation of support on {theme_label.lower()}.",
            evaluator="Evaluation consultants (demo)",
            managed_by=units.get("EVAL"),
            start=date(year, 3, 1),
            end=date(year, 6, 30),
            themes=[theme.value],
        )
        evaluation.organisations.set(orgs[:2])
        evaluation.countries.set([country])
        CriterionRating.objects.bulk_create(
            CriterionRating(
                evaluation=evaluation,
                criterion=criterion,
                rating=rng.randint(2, 6),
                comment=SYNTHETIC,
            )
            for criterion in PROJECT_CRITERIA
        )
        paragraphs = [
            SYNTHETIC,
            f"This report evaluates support on {theme_label.lower()} to "
            f"{', '.join(o.name for o in orgs[:2])} in {country.name} ({year}).",
            f"Findings: the {theme_label.lower()} training reached its participants; "
            "follow-up coaching and peer exchanges made the difference in applying skills.",
            "Recommendation: plan follow-up with the organisation from the start.",
        ]
        content = _pdf(title, paragraphs)
        document = EvaluationDocument(
            evaluation=evaluation,
            title=f"Evaluation report (demo) — {country.name}",
            media_type="application/pdf",
            size=len(content),
            text="\n".join([title, *paragraphs]),
        )
        document.file.save(f"demo-evaluation-{evaluation.pk}.pdf", ContentFile(content), save=False)
        document.save()
        for number in (1, 2):
            rec = Recommendation.objects.create(
                evaluation=evaluation,
                number=number,
                text=(
                    f"{SYNTHETIC} Invented recommendation {number}: "
                    + (
                        "plan follow-up coaching with the organisation."
                        if number == 1
                        else f"share the {theme_label.lower()} materials with peer organisations."
                    )
                ),
                priority=number,
            )
            if "PARDEV" in units:
                rec.addressed_to.set([units["PARDEV"]])
            if number == 1 and len(evaluations) % 2 == 0:
                ManagementResponse.objects.create(
                    recommendation=rec, decision=D.ACCEPTED, reasons=SYNTHETIC
                )
                FollowUpAction.objects.create(
                    recommendation=rec,
                    description="Invented follow-up action (demo).",
                    unit=units.get("PARDEV") or next(iter(units.values())),
                    due=today + timedelta(days=rng.choice([-45, 60])),
                    status=S.PLANNED,
                    note=SYNTHETIC,
                )
        evaluations.append(evaluation)
    return evaluations


def _lessons(
    rng: random.Random,
    organisations: list[Organisation],
    evaluations: list[Evaluation],
) -> int:
    User = get_user_model()
    users = {
        u.username: u for u in User.objects.filter(username__in=["office", "specialist", "hq"])
    }
    writer = users.get("office") or users.get("specialist")
    reviewer = users.get("hq")
    levels, types = list(Level.values), list(CapacityType.values)
    groups = list(G.values)
    count = 0
    for index in range(PUBLISHED_LESSONS + UNPUBLISHED_LESSONS):
        title, context, challenge, worked, conditions = LESSON_PATTERNS[
            index % len(LESSON_PATTERNS)
        ]
        theme = THEMES_FOR_LESSONS[index % len(THEMES_FOR_LESSONS)]
        org = rng.choice(organisations)
        published = index < PUBLISHED_LESSONS
        status = (
            Lesson.Status.PUBLISHED
            if published
            else (Lesson.Status.DRAFT if index % 2 else Lesson.Status.IN_REVIEW)
        )
        kind = Lesson.Kind.GOOD_PRACTICE if index % 3 == 0 else Lesson.Kind.LESSON
        lesson = Lesson.objects.create(
            kind=kind,
            title=f"{title}: {Theme(theme).label.lower()} in {org.country.name} (demo)",
            context=f"{SYNTHETIC} {context}",
            challenge=challenge,
            what_worked=worked,
            conditions=conditions,
            levels=sorted(set(rng.sample(levels, k=rng.randint(1, 2))), key=levels.index),
            types=[rng.choice(types)],
            themes=[theme.value]
            + (
                [Theme.GENDER_EQUALITY.value]
                if index % 5 == 0 and theme != Theme.GENDER_EQUALITY
                else []
            ),
            groups=[org.group] if org.group in groups else [],
            evaluation=evaluations[index % len(evaluations)]
            if evaluations and index % 4 == 0
            else None,
            status=status,
            written_by=writer,
            reviewed_by=reviewer if published else None,
            published_at=(
                timezone.make_aware(datetime(2019 + index % 7, 1 + index % 12, 10))
                if published
                else None
            ),
        )
        lesson.countries.set([org.country])
        count += 1
    return count


@transaction.atomic
def seed(*, rng: random.Random, organisations: list[Organisation], offices: list[Office]) -> int:
    """Write the learn demo data; the number of evaluations and lessons written."""
    units = {office.acronym: office for office in offices if office.acronym in HQ_UNITS}
    if not units:
        units = {o.acronym: o for o in Office.objects.filter(acronym__in=HQ_UNITS)}
    today = timezone.localdate()
    strategic = _strategic(units, today) if units else None
    projects = _project_evaluations(rng, organisations, units, today) if units else []
    lessons = _lessons(rng, organisations, projects) if organisations else 0
    return (1 if strategic else 0) + len(projects) + lessons


def reset() -> None:
    """Remove every evaluation, recommendation, response, action, lesson, their history and
    the stored document files."""
    with transaction.atomic():
        files = [d.file for d in EvaluationDocument.objects.all()]
        models = (
            Lesson,
            FollowUpAction,
            ManagementResponse,
            Recommendation,
            CriterionRating,
            EvaluationDocument,
            Evaluation,
        )
        for model in models:
            model.objects.all().delete()
        for model in models:
            model.history.model.objects.all().delete()

    def delete_files() -> None:
        for file in files:
            if file.name:
                file.storage.delete(file.name)

    # Only once the rows are gone for good: a reset rolled back keeps its documents.
    transaction.on_commit(delete_files)
