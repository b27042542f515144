"""The deliver registry pages: providers and partners, the funding mix, the staff curriculum."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from capdev.core.models import ConstituentGroup, Organisation, OrganisationKind, Region
from capdev.deliver.models import (
    Activity,
    Participation,
    Person,
    RolloutWave,
    Sex,
    StaffCompletion,
    StaffCourse,
)
from capdev.plan.models import Action, FundingSource, Plan

D = datetime.date


def _as(client, world, name):
    client.force_login(world.users[name])
    return client


def _partner(world, name, country="KE", kind=OrganisationKind.TRAINING_INSTITUTION):
    return Organisation.objects.create(
        name=name, country=world.countries[country], group=ConstituentGroup.OTHER, kind=kind
    )


def _activity(world, title, *, country="KE", office="a", **fields):
    defaults = {
        "kind": Activity.Kind.COURSE,
        "start": D(2025, 3, 1),
        "end": D(2025, 3, 5),
        "place": "Nairobi",
        "office": world.offices[office],
    }
    activity = Activity.objects.create(title=title, **{**defaults, **fields})
    activity.countries.set([world.countries[country]])
    return activity


def _participants(activity, world, sexes, *, organisation="KE-gov", prefix=""):
    for index, sex in enumerate(sexes):
        person = Person.objects.create(
            key=f"{prefix}{activity.pk}-{index}",
            name=f"Participant {prefix}{activity.pk}-{index}",
            sex=sex,
            organisation=world.organisations[organisation],
            country=world.countries["KE"],
        )
        Participation.objects.create(activity=activity, person=person)


@pytest.fixture
def partners(world):
    """A Kenyan training institution that provided two courses (3 women, 1 man, 1 other) and
    received an advisory service; a UN agency that co-organised one course; a French
    institution office A does not see."""
    institute = _partner(world, "Kenya Labour Institute")
    agency = _partner(world, "UN Women Kenya", kind=OrganisationKind.UN_AGENCY)
    french = _partner(world, "Institut du travail", country="FR")
    regular = FundingSource.objects.create(
        name="Regular budget", kind=FundingSource.Kind.REGULAR_BUDGET
    )
    course = _activity(
        world,
        "Labour inspection course",
        provider=institute,
        funding_source=regular,
        cost=Decimal("1200.00"),
        currency="USD",
    )
    course.co_organisers.set([agency])
    second = _activity(world, "Social dialogue course", provider=institute)
    _participants(course, world, [Sex.FEMALE, Sex.FEMALE, Sex.MALE])
    _participants(second, world, [Sex.FEMALE, Sex.OTHER])
    advisory = _activity(
        world,
        "Advice on the training portfolio",
        kind=Activity.Kind.ADVISORY,
        advisory_area=Activity.AdvisoryArea.PORTFOLIO,
    )
    advisory.beneficiaries.set([institute])
    _activity(world, "Stage à Paris", country="FR", office="b", provider=french)
    return {"institute": institute, "agency": agency, "french": french}


def test_every_registry_page_renders_for_office_staff_and_hq(client, world, partners):
    for name in ("office_a", "hq"):
        c = _as(client, world, name)
        for url in (
            reverse("deliver:partner-list"),
            reverse("deliver:partner-detail", args=[partners["institute"].pk]),
            reverse("deliver:funding"),
            reverse("deliver:staff-curriculum"),
        ):
            assert c.get(url).status_code == 200, (name, url)
    assert _as(client, world, "hq").get(reverse("deliver:funding-source-create")).status_code == 200
    c = _as(client, world, "office_a")
    assert c.get(reverse("deliver:staff-completion-create")).status_code == 200


def test_the_partner_list_counts_what_each_partner_did_in_scope(client, world, partners):
    html = _as(client, world, "office_a").get(reverse("deliver:partner-list")).content.decode()
    assert "Institut du travail" not in html  # France is office B's
    row = re.search(r"Kenya Labour Institute</a></td>(.*?)</tr>", html, re.S).group(1)
    numbers = re.findall(r'<td class="number">(\d+)</td>', row)
    # provided, co-organised, advisory received, women, men, other
    assert numbers == ["2", "0", "1", "3", "1", "1"]
    row = re.search(r"UN Women Kenya</a></td>(.*?)</tr>", html, re.S).group(1)
    assert re.findall(r'<td class="number">(\d+)</td>', row) == ["0", "1", "0", "0", "0", "0"]


def test_the_partner_list_filters_by_kind_and_delivery(client, world, partners):
    c = _as(client, world, "office_a")
    html = c.get(reverse("deliver:partner-list"), {"kind": "un_agency"}).content.decode()
    assert "UN Women Kenya" in html and "Kenya Labour Institute" not in html
    # the constituents are not partners, and the women's-rights group delivered nothing
    html = c.get(reverse("deliver:partner-list"), {"delivered": "on"}).content.decode()
    assert "Kenya Labour Institute" in html and "UN Women Kenya" in html
    assert "Women's Rights Group KE" not in html and "Ministry of Labour KE" not in html


def test_a_partner_page_shows_sex_counts_activities_advisory_and_funding(client, world, partners):
    url = reverse("deliver:partner-detail", args=[partners["institute"].pk])
    response = _as(client, world, "office_a").get(url)
    html = response.content.decode()
    counts = response.context["counts"]
    assert (counts.female, counts.male, counts.other, counts.total) == (3, 1, 1, 5)
    assert "Labour inspection course" in html and "Social dialogue course" in html
    assert "Advice on the training portfolio" in html and "Training portfolio" in html
    assert "1,200.00" in html and "Regular budget" in html
    # the counts are printed, whichever include renders them
    section = html[html.index('id="participants-heading"') : html.index('id="delivered-heading"')]
    for figure in ("3", "1", "5"):
        assert re.search(rf">\s*{figure}\s*<", section), figure


def test_the_sex_counts_of_a_partner_count_only_the_participants_in_scope(world, partners):
    """The workers' specialist counts the trade unionists, not the ministry's people."""
    from capdev.deliver import registry

    institute = partners["institute"]
    course = institute.provided_activities.get(title="Labour inspection course")
    _participants(course, world, [Sex.MALE, Sex.MALE], organisation="KE-wrk", prefix="w")
    assert registry.partner_sex_counts(world.users["office_a"], institute).total == 7
    workers = registry.partner_sex_counts(world.users["workers"], institute)
    assert (workers.female, workers.male, workers.other) == (0, 2, 0)
    assert registry.partner_sex_counts(world.users["office_b"], institute).total == 0


def test_a_partner_outside_scope_or_not_a_partner_is_not_found(client, world, partners):
    c = _as(client, world, "office_a")
    assert c.get(reverse("deliver:partner-detail", args=[partners["french"].pk])).status_code == 404
    ministry = world.organisations["KE-gov"]
    assert c.get(reverse("deliver:partner-detail", args=[ministry.pk])).status_code == 404
    outsider = _as(client, world, "outsider")
    url = reverse("deliver:partner-detail", args=[partners["institute"].pk])
    assert outsider.get(url).status_code == 404


def _rows_and_queries(c, url, link):
    c.get(url)  # warm caches (content types, translations)
    with CaptureQueriesContext(connection) as queries:
        response = c.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    return len(re.findall(link, html[html.index('id="results"') :])), len(queries)


def test_the_partner_list_runs_as_many_queries_for_many_partners_as_for_few(
    client, world, partners
):
    c = _as(client, world, "office_a")
    url = reverse("deliver:partner-list")
    link = r'href="/deliver/partners/\d+/"'
    rows, before = _rows_and_queries(c, url, link)
    for i in range(6):
        partner = _partner(world, f"Institute {i}", country="UG")
        activity = _activity(world, f"Course {i}", country="UG", provider=partner)
        activity.co_organisers.set([partners["agency"]])
        _participants(activity, world, [Sex.FEMALE, Sex.MALE], prefix=f"n{i}")
    more, after = _rows_and_queries(c, url, link)
    assert (rows, more) == (4, 10)  # institute, agency, two women's-rights groups; + 6
    assert before == after


# --- funding ---------------------------------------------------------------------------------


@pytest.fixture
def money(world):
    """Plans of the Kenyan ministry (USD 1000 regular budget, EUR 500 earmarked) and of the
    Kenyan trade unions (USD 5000 RBSA); an activity for the ministry costing USD 300."""
    donor = _partner(
        world, "A donor agency", country="DE", kind=OrganisationKind.DEVELOPMENT_PARTNER
    )
    regular = FundingSource.objects.create(
        name="Regular budget", kind=FundingSource.Kind.REGULAR_BUDGET
    )
    rbsa = FundingSource.objects.create(name="RBSA", kind=FundingSource.Kind.RBSA)
    earmarked = FundingSource.objects.create(
        name="Donor project",
        kind=FundingSource.Kind.VOLUNTARY_EARMARKED,
        earmarking=FundingSource.Earmarking.TIGHTLY,
        donor=donor,
    )
    ministry_plan = Plan.objects.create(
        title="Ministry plan",
        country=world.countries["KE"],
        start=D(2025, 1, 1),
        end=D(2026, 12, 31),
    )
    ministry_plan.organisations.set([world.organisations["KE-gov"]])
    union_plan = Plan.objects.create(
        title="Union plan", country=world.countries["KE"], start=D(2025, 1, 1), end=D(2026, 12, 31)
    )
    union_plan.organisations.set([world.organisations["KE-wrk"]])
    office = world.offices["a"]
    for plan, budget, currency, source in (
        (ministry_plan, "1000.00", "USD", regular),
        (ministry_plan, "500.00", "EUR", earmarked),
        (union_plan, "5000.00", "USD", rbsa),
    ):
        Action.objects.create(
            plan=plan,
            title=f"{plan.title} {currency}",
            responsible_office=office,
            budget=Decimal(budget),
            currency=currency,
            funding_source=source,
            start=D(2025, 6, 1),
        )
    activity = _activity(
        world, "Ministry course", funding_source=regular, cost=Decimal("300.00"), currency="USD"
    )
    activity.countries.add(world.countries["UG"])  # two countries: counted once all the same
    activity.beneficiaries.set([world.organisations["KE-gov"]])
    return {"regular": regular, "rbsa": rbsa, "earmarked": earmarked, "donor": donor}


def _amounts(mix):
    return {
        (kind, row.kind, row.currency): row.amount
        for kind, rows in (("plans", mix.plans), ("activities", mix.activities))
        for row in rows
    }


def test_the_funding_mix_keeps_currencies_apart_and_counts_each_activity_once(client, world, money):
    response = _as(client, world, "office_a").get(reverse("deliver:funding"))
    mix = response.context["mix"]
    assert _amounts(mix) == {
        ("plans", "regular_budget", "USD"): Decimal("1000.00"),
        ("plans", "rbsa", "USD"): Decimal("5000.00"),
        ("plans", "voluntary_earmarked", "EUR"): Decimal("500.00"),
        ("activities", "regular_budget", "USD"): Decimal("300.00"),
    }
    assert {t["currency"]: t["planned"] for t in mix.totals()} == {
        "EUR": Decimal("500.00"),
        "USD": Decimal("6000.00"),
    }
    html = response.content.decode()
    assert "6,000.00" in html and "funding-mix-chart" in html
    assert "Donor project" in html and "A donor agency" in html  # the sources, with donors


def test_a_focal_point_sees_only_the_amounts_of_their_own_organisation(client, world, money):
    response = _as(client, world, "focal").get(reverse("deliver:funding"))
    assert _amounts(response.context["mix"]) == {
        ("plans", "regular_budget", "USD"): Decimal("1000.00"),
        ("plans", "voluntary_earmarked", "EUR"): Decimal("500.00"),
        ("activities", "regular_budget", "USD"): Decimal("300.00"),
    }
    html = response.content.decode()
    assert "1,000.00" in html
    assert "5,000.00" not in html and "6,000.00" not in html and "Union plan" not in html


def test_the_funding_mix_filters_by_year_and_country(client, world, money):
    c = _as(client, world, "hq")
    assert not c.get(reverse("deliver:funding"), {"year": 2031}).context["mix"].currencies
    assert c.get(reverse("deliver:funding"), {"year": 2025}).context["mix"].currencies == [
        "EUR",
        "USD",
    ]
    mix = c.get(reverse("deliver:funding"), {"country": "ug"}).context["mix"]
    assert _amounts(mix) == {("activities", "regular_budget", "USD"): Decimal("300.00")}
    assert not c.get(reverse("deliver:funding"), {"country": "FR"}).context["mix"].currencies


def test_hq_adds_a_funding_source_and_an_earmarked_one_needs_a_donor(client, world, money):
    c = _as(client, world, "hq")
    url = reverse("deliver:funding-source-create")
    data = {"name": "Norway project", "kind": "voluntary_earmarked", "earmarking": "softly"}
    refused = c.post(url, data)
    assert refused.status_code == 400
    assert "An earmarked voluntary contribution has a donor." in refused.content.decode()
    assert not FundingSource.objects.filter(name="Norway project").exists()
    assert c.post(url, {**data, "donor": money["donor"].pk}).status_code == 302
    source = FundingSource.objects.get(name="Norway project")
    assert source.history.get().history_user == world.users["hq"]


def test_hq_edits_a_funding_source(client, world, money):
    c = _as(client, world, "hq")
    url = reverse("deliver:funding-source-edit", args=[money["rbsa"].pk])
    assert c.get(url).status_code == 200
    response = c.post(url, {"name": "RBSA 2026", "kind": "rbsa", "earmarking": "softly"})
    assert response.status_code == 302
    money["rbsa"].refresh_from_db()
    assert (money["rbsa"].name, money["rbsa"].earmarking) == ("RBSA 2026", "softly")


@pytest.mark.parametrize("name", ["office_a", "focal", "evaluator"])
def test_other_roles_may_not_add_or_edit_funding_sources(client, world, money, name):
    c = _as(client, world, name)
    data = {"name": "Changed", "kind": "pooled", "earmarking": "unearmarked"}
    assert c.get(reverse("deliver:funding-source-create")).status_code == 403
    assert c.post(reverse("deliver:funding-source-create"), data).status_code == 403
    url = reverse("deliver:funding-source-edit", args=[money["rbsa"].pk])
    assert c.post(url, data).status_code == 403
    assert not FundingSource.objects.filter(name="Changed").exists()
    money["rbsa"].refresh_from_db()
    assert money["rbsa"].name == "RBSA"
    assert "funding/sources/new/" not in c.get(reverse("deliver:funding")).content.decode()


def test_an_account_without_grant_sees_no_funding_source(client, world, money):
    c = _as(client, world, "outsider")
    url = reverse("deliver:funding-source-edit", args=[money["rbsa"].pk])
    assert c.get(url).status_code == 404
    html = c.get(reverse("deliver:funding")).content.decode()
    assert "Donor project" not in html and "1,000.00" not in html


# --- the staff curriculum --------------------------------------------------------------------


@pytest.fixture
def curriculum(world):
    africa = Region.objects.get(code="AFRICA")
    europe = Region.objects.get(code="EUROPE_CA")
    world.offices["a"].region = africa
    world.offices["a"].save()
    world.offices["b"].region = europe
    world.offices["b"].save()
    course = StaffCourse.objects.create(code="CD-101", title="Capacity development basics")
    other = StaffCourse.objects.create(code="CD-102", title="Facilitation", mandatory=True)
    pilot = RolloutWave.objects.create(number=1, pilot=True, start=D(2025, 1, 1))
    pilot.regions.set([africa])
    pilot.courses.set([course, other])
    second = RolloutWave.objects.create(number=2, start=D(2026, 1, 1))
    second.regions.set([europe])
    second.courses.set([course])
    for name, sex, office in (
        ("Amina Otieno", Sex.FEMALE, "a"),
        ("Grace Wanjiru", Sex.FEMALE, "a"),
        ("Peter Okello", Sex.MALE, "a"),
        ("Claire Martin", Sex.FEMALE, "b"),
    ):
        StaffCompletion.objects.create(
            course=course,
            office=world.offices[office],
            name=name,
            sex=sex,
            completed_on=D(2025, 5, 1),
        )
    return {"course": course, "other": other}


def test_the_curriculum_shows_waves_and_completions_by_office_and_region(client, world, curriculum):
    response = _as(client, world, "hq").get(reverse("deliver:staff-curriculum"))
    html = response.content.decode()
    assert "Wave 1" in html and "pilot" in html and "Wave 2" in html
    by_office = {row.label: row.counts for row in response.context["by_office"]}
    kenya_uganda = by_office["Country Office for Kenya and Uganda"]
    assert (kenya_uganda.female, kenya_uganda.male, kenya_uganda.total) == (2, 1, 3)
    by_region = {row.label: row.counts.total for row in response.context["by_region"]}
    assert by_region == {"Africa": 3, "Europe and Central Asia": 1}
    courses = {c.code: (c.completion_count, c.female_count) for c in response.context["courses"]}
    assert courses == {"CD-101": (4, 3), "CD-102": (0, 0)}


def test_office_staff_see_the_completions_of_their_own_offices(client, world, curriculum):
    response = _as(client, world, "office_a").get(reverse("deliver:staff-curriculum"))
    html = response.content.decode()
    assert "Amina Otieno" in html and "Claire Martin" not in html
    filtered = _as(client, world, "office_a").get(
        reverse("deliver:staff-curriculum"), {"sex": "male"}
    )
    assert [c.name for c in filtered.context["page"]] == ["Peter Okello"]


def test_a_focal_point_sees_nothing_of_the_staff_curriculum(client, world, curriculum):
    response = _as(client, world, "focal").get(reverse("deliver:staff-curriculum"))
    assert response.status_code == 200
    html = response.content.decode()
    for private in ("Amina Otieno", "Capacity development basics", "CD-101", "Wave 1"):
        assert private not in html
    assert response.context["by_office"] == [] and response.context["by_region"] == []
    assert "staff/completions/new/" not in html


def test_office_staff_record_a_completion_for_their_office(client, world, curriculum):
    c = _as(client, world, "office_a")
    data = {
        "course": curriculum["other"].pk,
        "office": world.offices["a"].pk,
        "name": "Joseph Kamau",
        "sex": "male",
        "completed_on": "2025-06-01",
    }
    assert c.post(reverse("deliver:staff-completion-create"), data).status_code == 302
    completion = StaffCompletion.objects.get(name="Joseph Kamau")
    assert completion.history.get().history_user == world.users["office_a"]
    # twice the same person, course and office: refused next to the form
    again = c.post(reverse("deliver:staff-completion-create"), data)
    assert again.status_code == 400
    assert StaffCompletion.objects.filter(name="Joseph Kamau").count() == 1


def test_office_staff_may_not_record_a_completion_for_another_office(client, world, curriculum):
    c = _as(client, world, "office_a")
    data = {
        "course": curriculum["course"].pk,
        "office": world.offices["b"].pk,
        "name": "Someone in Paris",
        "sex": "female",
        "completed_on": "2025-06-01",
    }
    response = c.post(reverse("deliver:staff-completion-create"), data)
    assert response.status_code == 400
    assert "office" in response.context["form"].errors
    assert not StaffCompletion.objects.filter(name="Someone in Paris").exists()


@pytest.mark.parametrize("name", ["focal", "evaluator", "workers", "outsider"])
def test_other_roles_may_not_record_completions(client, world, curriculum, name):
    c = _as(client, world, name)
    data = {
        "course": curriculum["course"].pk,
        "office": world.offices["a"].pk,
        "name": "Not allowed",
        "sex": "female",
        "completed_on": "2025-06-01",
    }
    assert c.get(reverse("deliver:staff-completion-create")).status_code == 403
    assert c.post(reverse("deliver:staff-completion-create"), data).status_code == 403
    assert not StaffCompletion.objects.filter(name="Not allowed").exists()


def test_the_curriculum_page_runs_as_many_queries_for_many_completions_as_for_few(
    client, world, curriculum
):
    c = _as(client, world, "hq")
    url = reverse("deliver:staff-curriculum")
    link = r"<td>\d{4}-\d{2}-\d{2}|<time datetime=\"\d{4}-\d{2}-\d{2}\">\d{4}"
    _rows, before = _rows_and_queries(c, url, link)
    extra = StaffCourse.objects.create(code="CD-201", title="Monitoring")
    wave = RolloutWave.objects.create(number=3, start=D(2027, 1, 1))
    wave.regions.set(Region.objects.all())
    wave.courses.set([extra])
    for i in range(8):
        StaffCompletion.objects.create(
            course=extra,
            office=world.offices["actrav" if i % 2 else "b"],
            name=f"Staff {i}",
            sex=Sex.OTHER,
            completed_on=D(2026, 1, i + 1),
        )
    _rows, after = _rows_and_queries(c, url, link)
    assert before == after


@pytest.mark.parametrize(
    "name", ["deliver:partner-list", "deliver:funding", "deliver:staff-curriculum"]
)
def test_a_live_search_renders_only_the_results(client, world, partners, curriculum, name):
    c = _as(client, world, "hq")
    response = c.get(reverse(name), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>" not in html and "<table" in html


def test_the_funding_chart_keeps_its_field_names_in_every_language(client, world, money):
    from django.utils import translation

    from capdev.deliver import charts

    mix = _as(client, world, "office_a").get(reverse("deliver:funding")).context["mix"]
    with translation.override("fr"):
        spec = charts.funding_mix(mix)
    encoding = spec["encoding"]
    assert (encoding["x"]["field"], encoding["y"]["field"]) == ("amount", "bar")
    assert encoding["color"]["title"] == "Financement"  # the words shown are translated
    bars = {value["bar"] for value in spec["data"]["values"]}
    assert bars == {
        "Budgets des plans (USD)",
        "Budgets des plans (EUR)",
        "Coûts des activités (USD)",
    }
