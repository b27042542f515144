"""The loop closes: related knowledge for an organisation, and similar support for a need,
on a hand-built fixture whose expected order and reasons are written by hand."""

from __future__ import annotations

from datetime import date

import pytest

from capdev.core.models import ConstituentGroup, Organisation, OrganisationKind
from capdev.core.tests.test_scope_matrix import page_client
from capdev.deliver.models import Activity
from capdev.diagnose.models import Need
from capdev.learn import loop
from capdev.learn.models import (
    Evaluation,
    FollowUpAction,
    Lesson,
    ManagementResponse,
    Recommendation,
)
from capdev.learn.tests.test_lessons_services import make_lesson
from capdev.plan.models import Action, Plan

pytestmark = pytest.mark.django_db
P = Lesson.Status.PUBLISHED
OSH = "Occupational safety and health"


def need(org: Organisation, title: str, theme: str, level: str, type_: str) -> Need:
    return Need.objects.create(organisation=org, title=title, theme=theme, level=level, type=type_)


@pytest.fixture
def lessons(world):
    ke_wrk = world.organisations["KE-wrk"]
    need(ke_wrk, "Safety committees", "osh", "organisational", "functional")
    return {
        "L1": make_lesson(
            world,
            "L1",
            P,
            ["KE"],
            themes=["osh"],
            levels=["organisational"],
            types=["functional"],
            groups=["workers"],
        ),
        "L2": make_lesson(
            world, "L2", P, ["UG"], themes=["osh"], levels=["organisational"], types=["technical"]
        ),
        "L3": make_lesson(world, "L3", P, ["FR"], themes=["social_dialogue"], groups=["workers"]),
        "L4": make_lesson(world, "L4", P, ["TH"], themes=["osh"], groups=["employers"]),
        "L5": make_lesson(world, "L5", P, ["FR"], themes=["gender_equality"]),
        "L6": make_lesson(world, "L6", Lesson.Status.DRAFT, ["KE"], themes=["osh"]),
    }


def _ranked(related) -> list[tuple[str, int, str]]:
    return [(r.lesson.title.removeprefix("Lesson "), r.score, r.reason) for r in related.lessons]


def test_related_lessons_from_the_organisations_needs(world, lessons):
    related = loop.related_knowledge(world.users["office_a"], world.organisations["KE-wrk"])
    assert _ranked(related) == [
        (
            "L1",
            10,
            f"same theme: {OSH}; same grid cell: Organisational · Functional; "
            "same group: Workers; same country: Kenya",
        ),
        ("L2", 5, f"same theme: {OSH}; same level: Organisational; same region: Africa"),
        ("L4", 3, f"same theme: {OSH}"),
        ("L3", 2, "same group: Workers"),
    ]
    assert [r.lesson.title for r in related.good_practices] == []
    assert len(related.learned) == 4


def test_related_lessons_for_given_themes(world, lessons):
    related = loop.related_knowledge(
        world.users["hq"], world.organisations["KE-wrk"], themes=["social_dialogue"]
    )
    assert _ranked(related) == [
        (
            "L1",
            7,
            "same grid cell: Organisational · Functional; same group: Workers; same country: Kenya",
        ),
        ("L3", 5, "same theme: Social dialogue and collective bargaining; same group: Workers"),
        ("L2", 2, "same level: Organisational; same region: Africa"),
    ]


def _evaluation(title: str, start: date, countries=(), organisations=()) -> Evaluation:
    evaluation = Evaluation.objects.create(
        title=title, kind=Evaluation.Kind.PROJECT, evaluator="Team (test)", start=start
    )
    evaluation.countries.set(countries)
    evaluation.organisations.set(organisations)
    return evaluation


def test_open_recommendations(world):
    ke, ug = world.countries["KE"], world.countries["UG"]
    org = world.organisations["KE-wrk"]
    e1 = _evaluation("E1", date(2023, 1, 1), [ke], [org])
    e2 = _evaluation("E2", date(2024, 1, 1), [ug])
    e3 = _evaluation("E3", date(2022, 1, 1), [ke])
    e4 = _evaluation("E4 strategic", date(2024, 1, 1))
    H, M = Recommendation.Priority.HIGH, Recommendation.Priority.MEDIUM
    r11 = Recommendation.objects.create(evaluation=e1, number=1, text="E1 no response", priority=M)
    r12 = Recommendation.objects.create(evaluation=e1, number=2, text="E1 acted", priority=H)
    r13 = Recommendation.objects.create(evaluation=e1, number=3, text="E1 done", priority=H)
    r14 = Recommendation.objects.create(evaluation=e1, number=4, text="E1 refused", priority=H)
    Recommendation.objects.create(evaluation=e2, number=1, text="E2 Uganda", priority=H)
    Recommendation.objects.create(evaluation=e3, number=1, text="E3 Kenya", priority=H)
    Recommendation.objects.create(evaluation=e4, number=1, text="E4 everyone", priority=H)
    A = ManagementResponse.Decision
    for rec, decision in ((r12, A.ACCEPTED), (r13, A.ACCEPTED), (r14, A.NOT_ACCEPTED)):
        ManagementResponse.objects.create(recommendation=rec, decision=decision)
    unit = world.offices["actrav"]
    for rec, status in ((r12, "planned"), (r12, "done"), (r13, "done")):
        FollowUpAction.objects.create(
            recommendation=rec, description="x", unit=unit, due=date(2024, 1, 1), status=status
        )
    related = loop.related_knowledge(world.users["office_a"], org)
    assert [(r.recommendation.text, r.state, r.reason) for r in related.recommendations] == [
        (
            "E1 acted",
            "Accepted; 1 follow-up action not done",
            "the evaluation covers Trade Union Centre KE",
        ),
        (
            "E1 no response",
            "no management response yet",
            "the evaluation covers Trade Union Centre KE",
        ),
        ("E3 Kenya", "no management response yet", "the evaluation covers Kenya"),
    ]
    assert r11.pk  # (used)
    # office_b does not see Kenya's evaluations
    assert loop.related_knowledge(world.users["office_b"], org).recommendations == []


@pytest.fixture
def support(world):
    """Needs of the same theme elsewhere, met by activities through plan actions."""
    o = world.organisations
    target = need(o["KE-wrk"], "Safety committees", "osh", "organisational", "functional")
    na = need(o["UG-wrk"], "NA", "osh", "organisational", "functional")
    nb = need(o["FR-emp"], "NB", "osh", "individual", "technical")
    nc = need(o["DE-wrk"], "NC", "osh", "individual", "functional")
    nd = need(o["KE-gov"], "ND", "osh", "organisational", "functional")  # same country
    ne = need(o["FR-wrk"], "NE", "social_dialogue", "organisational", "functional")
    ke = world.countries["KE"]

    def action(n: Need) -> Action:
        plan = Plan.objects.create(
            title=f"Plan {n.title}",
            country=n.organisation.country,
            start=date(2024, 1, 1),
            end=date(2025, 1, 1),
            status=Plan.Status.AGREED,
        )
        plan.organisations.set([n.organisation])
        act = Action.objects.create(
            plan=plan, title=f"Act {n.title}", responsible_office=world.offices["a"]
        )
        act.needs.set([n])
        return act

    def partner(name: str) -> Organisation:
        return Organisation.objects.create(
            name=name,
            country=ke,
            group=ConstituentGroup.OTHER,
            kind=OrganisationKind.TRAINING_INSTITUTION,
        )

    p1, q1 = partner("P1 institute"), partner("Q1 institute")

    def activity(title, n, country, provider=None, partners=(), status="held") -> Activity:
        a = Activity.objects.create(
            title=title,
            kind="course",
            status=status,
            start=date(2024, 3, 1),
            end=date(2024, 3, 5),
            office=world.offices["a"],
            provider=provider,
        )
        a.countries.set([world.countries[country]])
        a.co_organisers.set(partners)
        a.actions.set([action(n)])
        return a

    activity("A1", na, "UG", p1, [q1])
    activity("A2", nb, "FR", p1)
    activity("A3", nc, "DE", None, [q1])
    activity("A4 cancelled", na, "UG", status="cancelled")
    activity("A5 same country", nd, "KE")
    activity("A6 other theme", ne, "FR")
    return target


CELL = "same grid cell: Organisational · Functional"
A1_REASON = f"same theme: {OSH}; {CELL}; same group: Workers; in Uganda"


def test_similar_support_ranked_with_reasons(world, support):
    matches = loop.similar_support(world.users["hq"], support)
    assert [
        (
            m.kind,
            str(m.obj) if m.kind != "activity" else m.obj.title,
            m.score,
            m.activities,
            m.reason,
        )
        for m in matches
    ] == [
        ("provider", "P1 institute", 7, 2, f"{A1_REASON}; through: A1"),
        ("partner", "Q1 institute", 7, 2, f"{A1_REASON}; through: A1"),
        ("activity", "A1", 7, 1, A1_REASON),
        (
            "activity",
            "A3",
            6,
            1,
            f"same theme: {OSH}; same type: Functional; same group: Workers; in Germany",
        ),
        ("activity", "A2", 3, 1, f"same theme: {OSH}; in France"),
    ]


def test_similar_support_is_scoped(world, support):
    matches = loop.similar_support(world.users["office_a"], support)  # Kenya and Uganda
    assert [(m.kind, m.score, m.activities) for m in matches] == [
        ("activity", 7, 1),
        ("provider", 7, 1),
        ("partner", 7, 1),
    ]
    assert loop.similar_support(world.users["viewer"], support) == []


def test_loop_partials(world, lessons, support):
    client = page_client(world, "hq")
    org = world.organisations["KE-wrk"]
    partial = client.get(f"/learn/related/organisations/{org.pk}/", HTTP_HX_REQUEST="true")
    body = partial.content.decode()
    assert partial.status_code == 200 and "<h1>" not in body
    assert body.index("Lesson L1<") < body.index("Lesson L2<")
    assert "same group: Workers" in body
    page = client.get(f"/learn/related/organisations/{org.pk}/?theme=social_dialogue&theme=bogus")
    assert page.status_code == 200 and "<h1>" in page.content.decode()
    matches = client.get(f"/learn/related/needs/{support.pk}/", HTTP_HX_REQUEST="true")
    assert "P1 institute" in matches.content.decode() and "in Uganda" in matches.content.decode()
    # outside the scope: 404
    office_b = page_client(world, "office_b")
    assert office_b.get(f"/learn/related/organisations/{org.pk}/").status_code == 404
    assert office_b.get(f"/learn/related/needs/{support.pk}/").status_code == 404
    empty = page_client(world, "viewer").get(
        f"/learn/related/organisations/{world.organisations['TH-gov'].pk}/"
    )
    assert empty.status_code == 200
