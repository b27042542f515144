"""The deliver pages for activities, participants and participant imports, and the delivery
view the plan pages load, driven through the test client."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from capdev.core.models import Organisation, OrganisationKind
from capdev.deliver import services
from capdev.deliver.models import Activity, ParticipantImport, Participation, Person, Sex
from capdev.diagnose import services as diagnose
from capdev.diagnose.models import Need
from capdev.plan import services as plans
from capdev.plan.models import FundingSource, Plan
from capdev.test import PASSWORD

DAY = datetime.date(2026, 3, 2)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _client(client, world, name):
    client.login(username=world.users[name].username, password=PASSWORD)
    return client


def _need(world, key: str, title: str) -> Need:
    return diagnose.need_create(
        user=None,
        data={
            "organisation": world.organisations[key],
            "title": title,
            "level": "organisational",
            "type": "functional",
            "theme": "strategic_planning",
        },
    )


@pytest.fixture
def plan(world):
    """An agreed plan of the Kenyan trade-union centre with one action serving one need."""
    need = _need(world, "KE-wrk", "Negotiators trained")
    plan = plans.plan_create(
        user=None,
        data={
            "title": "Trade-union centre plan",
            "country": world.countries["KE"],
            "office": world.offices["a"],
            "start": DAY,
            "end": DAY.replace(year=2027),
            "organisations": [world.organisations["KE-wrk"]],
            "needs": [need],
        },
    )
    plans.action_add(
        user=None,
        plan=plan,
        data={
            "title": "Bargaining course",
            "responsible_office": world.offices["a"],
            "needs": [need],
        },
    )
    plans.plan_sign(user=None, plan=plan, side="constituents")
    plans.plan_sign(user=None, plan=plan, side="office")
    return plan


def _activity(world, **changes) -> Activity:
    data = {
        "title": "Collective bargaining course",
        "kind": Activity.Kind.COURSE,
        "start": DAY,
        "end": DAY + datetime.timedelta(days=4),
        "place": "Nairobi",
        "office": world.offices["a"],
        "countries": [world.countries["KE"]],
        "beneficiaries": [world.organisations["KE-wrk"]],
        **changes,
    }
    return services.activity_create(user=None, data=data)


def _attend(activity: Activity, organisation: Organisation, *people: tuple[str, str], **evidence):
    for name, sex in people:
        person, _created = Person.objects.get_or_create(
            key=f"{organisation.pk} {name.lower()}",
            defaults={
                "name": name,
                "sex": sex,
                "organisation": organisation,
                "country": organisation.country,
            },
        )
        Participation.objects.create(activity=activity, person=person, **evidence)


@pytest.fixture
def activity(world, plan):
    """A held course in Kenya delivering the plan's action, with 2 women and 1 man of the
    trade-union centre, costing 950 USD."""
    held = _activity(
        world,
        actions=[plan.actions.get()],
        cost=Decimal("950"),
        currency="USD",
        south_south=True,
    )
    _attend(
        held,
        world.organisations["KE-wrk"],
        ("Achieng Otieno", Sex.FEMALE),
        ("Wanjiru Kamau", Sex.FEMALE),
        ("Brian Mwangi", Sex.MALE),
        attendance=100,
        satisfaction=4,
    )
    services.record_delivery(held, None)
    held.refresh_from_db()
    return held


@pytest.fixture
def abroad(world):
    """A workshop in France, far from office A and the Kenyan focal point."""
    return _activity(
        world,
        title="Social dialogue workshop",
        kind=Activity.Kind.WORKSHOP,
        place="Paris",
        office=world.offices["b"],
        countries=[world.countries["FR"]],
        beneficiaries=[world.organisations["FR-wrk"]],
        cost=Decimal("12000"),
        currency="EUR",
    )


def _html(response) -> str:
    return response.content.decode()


# --- every page, and scope ----------------------------------------------------------------


def test_every_page_renders_for_office_staff(client, world, plan, activity):
    c = _client(client, world, "office_a")
    participation = activity.participations.first()
    record = ParticipantImport.objects.create(activity=activity, file_name="list.csv")
    urls = [
        reverse("deliver:activity-list"),
        reverse("deliver:activity-create"),
        reverse("deliver:activity-detail", args=[activity.pk]),
        reverse("deliver:activity-edit", args=[activity.pk]),
        reverse("deliver:activity-delete", args=[activity.pk]),
        reverse("deliver:import-upload", args=[activity.pk]),
        reverse("deliver:import-detail", args=[record.pk]),
        reverse("deliver:participant-edit", args=[participation.pk]),
        reverse("deliver:participant-delete", args=[participation.pk]),
        reverse("deliver:plan-delivery", args=[plan.pk]),
        reverse("deliver:past-activities") + f"?organisation={world.organisations['KE-wrk'].pk}",
        reverse("plan:plan-detail", args=[plan.pk]),
    ]
    for url in urls:
        response = c.get(url)
        assert response.status_code == 200, url
        assert _html(response).count("<h1") == 1, url


def test_the_pages_of_an_activity_outside_ones_scope_do_not_exist(client, world, plan, activity):
    c = _client(client, world, "office_b")
    participation = activity.participations.first()
    record = ParticipantImport.objects.create(activity=activity, file_name="list.csv")
    urls = [
        reverse("deliver:activity-detail", args=[activity.pk]),
        reverse("deliver:activity-edit", args=[activity.pk]),
        reverse("deliver:activity-delete", args=[activity.pk]),
        reverse("deliver:import-upload", args=[activity.pk]),
        reverse("deliver:import-detail", args=[record.pk]),
        reverse("deliver:participant-edit", args=[participation.pk]),
        reverse("deliver:participant-delete", args=[participation.pk]),
        reverse("deliver:plan-delivery", args=[plan.pk]),
    ]
    for url in urls:
        assert c.get(url).status_code == 404, url
    assert c.post(reverse("deliver:activity-delete", args=[activity.pk])).status_code == 404
    assert Activity.objects.filter(pk=activity.pk).exists()
    listed = _html(c.get(reverse("deliver:activity-list")))
    assert activity.title not in listed and "0 activities" in listed


def test_a_focal_point_sees_only_their_own_organisations_participants(
    client, world, activity, abroad
):
    ministry, union = world.organisations["KE-gov"], world.organisations["KE-wrk"]
    joint = _activity(
        world,
        title="Tripartite OSH workshop",
        beneficiaries=[ministry, union],
        cost=Decimal("4000"),
        currency="USD",
    )
    _attend(joint, ministry, ("Grace Njeri", Sex.FEMALE))
    _attend(joint, union, ("Peter Ochieng", Sex.MALE), ("Mary Atieno", Sex.FEMALE))
    c = _client(client, world, "focal")

    page = _html(c.get(reverse("deliver:activity-detail", args=[joint.pk])))
    assert "Grace Njeri" in page
    assert "Peter Ochieng" not in page and "Mary Atieno" not in page
    assert '<td class="number" data-sex="female">1</td>' in page
    assert '<td class="number" data-sex="male">0</td>' in page
    assert reverse("deliver:activity-edit", args=[joint.pk]) not in page  # theirs to read

    # Another organisation's activity, its people and its budget are not theirs to see.
    for other in (activity, abroad):
        assert c.get(reverse("deliver:activity-detail", args=[other.pk])).status_code == 404
    union_record = joint.participations.get(person__name="Peter Ochieng")
    assert c.get(reverse("deliver:participant-edit", args=[union_record.pk])).status_code == 404
    own = joint.participations.get(person__name="Grace Njeri")
    assert c.get(reverse("deliver:participant-edit", args=[own.pk])).status_code == 403
    listed = _html(c.get(reverse("deliver:activity-list")))
    assert joint.title in listed and activity.title not in listed and "12000" not in listed
    assert c.get(reverse("deliver:activity-create")).status_code == 403


def test_an_account_without_grants_sees_no_activity(client, world, activity):
    c = _client(client, world, "outsider")
    assert activity.title not in _html(c.get(reverse("deliver:activity-list")))
    assert c.get(reverse("deliver:activity-detail", args=[activity.pk])).status_code == 404


# --- the list -----------------------------------------------------------------------------


def test_the_list_shows_participants_by_sex_and_filters(client, world, activity, abroad):
    c = _client(client, world, "hq")
    url = reverse("deliver:activity-list")
    html = _html(c.get(url))
    assert activity.title in html and abroad.title in html
    row = html[html.index(activity.title) :]
    row = row[: row.index("</tr>")]
    assert [cell for cell in ("2", "1", "0", "3") if f'<td class="number">{cell}</td>' in row] == [
        "2",
        "1",
        "0",
        "3",
    ]

    def titles(**query) -> set[str]:
        page = _html(c.get(url, query, HTTP_HX_REQUEST="true"))
        return {a.title for a in (activity, abroad) if a.title in page}

    assert titles(q="paris") == {abroad.title}
    assert titles(q="bargaining nairobi") == {activity.title}
    assert titles(country="ke") == {activity.title}
    assert titles(kind="workshop") == {abroad.title}
    assert titles(status="held") == {activity.title}
    assert titles(year="2026") == {activity.title, abroad.title}
    assert titles(year="2025") == set()
    assert titles(office=world.offices["b"].pk) == {abroad.title}
    assert titles(cooperation="south_south") == {activity.title}
    source = FundingSource.objects.create(name="RBTC 2026", kind=FundingSource.Kind.RBTC)
    services.activity_update(user=None, activity=abroad, data={"funding_source": source})
    assert titles(funding_kind="rbtc") == {abroad.title}
    # A mistyped filter is shown with its error and the others still apply.
    page = _html(c.get(url, {"year": "soon", "kind": "workshop"}))
    assert "Enter a whole number." in page and activity.title not in page
    sorted_page = _html(c.get(url, {"sort": "-participants"}))
    assert sorted_page.index(activity.title) < sorted_page.index(abroad.title)


def test_a_multi_country_activity_counts_each_participant_once(client, world, activity):
    services.activity_update(
        user=None,
        activity=activity,
        data={"countries": [world.countries["KE"], world.countries["UG"]]},
    )
    c = _client(client, world, "office_a")  # its office covers both countries
    html = _html(c.get(reverse("deliver:activity-list")))
    assert "3 participants" not in html  # (no such text) the total column says 3, not 6
    row = html[html.index(activity.title) :]
    assert '<td class="number">3</td>' in row[: row.index("</tr>")]
    detail = _html(c.get(reverse("deliver:activity-detail", args=[activity.pk])))
    assert '<td class="number" data-sex="female">2</td>' in detail


def test_the_list_takes_as_many_queries_for_many_activities_as_for_one(client, world, activity):
    c = _client(client, world, "office_a")
    url = reverse("deliver:activity-list")
    c.get(url)  # the session and the grants are warm
    with CaptureQueriesContext(connection) as one:
        assert c.get(url).status_code == 200
    for number in range(12):
        more = _activity(world, title=f"Course {number}", countries=[world.countries["UG"]])
        _attend(more, world.organisations["UG-wrk"], (f"Person {number}", Sex.OTHER))
    with CaptureQueriesContext(connection) as many:
        html = _html(c.get(url))
    assert "13 activities" in html
    assert len(many) == len(one), [q["sql"] for q in many.captured_queries]


# --- create, edit, delete -----------------------------------------------------------------


def test_an_activity_is_recorded_for_an_agreed_plans_action(client, world, plan):
    c = _client(client, world, "office_a")
    draft = plans.plan_create(
        user=None,
        data={
            "title": "Draft plan",
            "country": world.countries["KE"],
            "start": DAY,
            "end": DAY.replace(year=2027),
            "organisations": [world.organisations["KE-emp"]],
        },
    )
    plans.action_add(
        user=None,
        plan=draft,
        data={"title": "Not agreed", "responsible_office": world.offices["a"]},
    )
    action = plan.actions.get()
    form_page = _html(c.get(reverse("deliver:activity-create"), {"action": action.pk}))
    assert "Bargaining course" in form_page and "Not agreed" not in form_page
    assert f'value="{action.pk}" selected' in form_page
    institute = Organisation.objects.create(
        name="Kenya Labour Institute",
        country=world.countries["KE"],
        group="other",
        kind=OrganisationKind.TRAINING_INSTITUTION,
    )
    response = c.post(
        reverse("deliver:activity-create"),
        {
            "title": "Advisory service on the training portfolio",
            "kind": "advisory",
            "status": "planned",
            "start": "2026-04-01",
            "end": "2026-04-03",
            "online": "on",
            "countries": [world.countries["KE"].pk],
            "office": world.offices["a"].pk,
            "provider": institute.pk,
            "beneficiaries": [world.organisations["KE-wrk"].pk],
            "target_groups": ["workers"],
            "drivers": ["social_dialogue"],
            "actions": [action.pk],
            "cost": "1500",
            "currency": "usd",
            "advisory_area": "portfolio",
        },
    )
    created = Activity.objects.get(title="Advisory service on the training portfolio")
    assert response.status_code == 302
    assert response["Location"] == reverse("deliver:activity-detail", args=[created.pk])
    assert list(created.actions.all()) == [action] and created.currency == "USD"
    assert created.target_groups == ["workers"] and created.provider == institute
    detail = _html(c.get(response["Location"]))
    for text in ("Training portfolio", "Kenya Labour Institute", "Trade-union centre plan",
                 "1500.00 USD", "Social dialogue", "Online"):  # fmt: skip
        assert text in detail, text


def test_a_form_that_does_not_hold_together_says_why_and_saves_nothing(client, world):
    c = _client(client, world, "office_a")
    response = c.post(
        reverse("deliver:activity-create"),
        {
            "title": "Broken",
            "kind": "course",
            "status": "planned",
            "start": "2026-04-03",
            "end": "2026-04-01",
            "countries": [world.countries["KE"].pk],
            "office": world.offices["a"].pk,
            "cost": "100",
        },
    )
    html = _html(response)
    assert response.status_code == 400
    assert "The activity ends before it starts." in html
    assert "Give the place, or mark the activity as online." in html
    assert "A cost needs its currency." in html
    assert not Activity.objects.exists()
    # A country outside the office's scope is not even offered.
    response = c.post(
        reverse("deliver:activity-create"),
        {
            "title": "Elsewhere",
            "kind": "course",
            "status": "planned",
            "start": "2026-04-01",
            "end": "2026-04-01",
            "place": "Paris",
            "countries": [world.countries["FR"].pk],
            "office": world.offices["a"].pk,
        },
    )
    assert response.status_code == 400 and "Select a valid choice" in _html(response)
    assert not Activity.objects.exists()


def test_editing_an_activity_records_its_history(client, world, activity):
    c = _client(client, world, "office_a")
    url = reverse("deliver:activity-edit", args=[activity.pk])
    form = _html(c.get(url))
    assert 'value="Collective bargaining course"' in form
    data = {
        "title": "Collective bargaining course (Mombasa)",
        "kind": "course",
        "status": "held",
        "start": "2026-03-02",
        "end": "2026-03-06",
        "place": "Mombasa",
        "countries": [world.countries["KE"].pk],
        "office": world.offices["a"].pk,
        "beneficiaries": [world.organisations["KE-wrk"].pk],
        "actions": [a.pk for a in activity.actions.all()],
    }
    assert c.post(url, data).status_code == 302
    activity.refresh_from_db()
    assert activity.place == "Mombasa"
    detail = _html(c.get(reverse("deliver:activity-detail", args=[activity.pk])))
    assert "Change history" in detail and "Nairobi" in detail  # the old place, in the history


def test_deleting_an_activity_asks_first_and_refuses_one_with_participants(client, world, activity):
    c = _client(client, world, "office_a")
    url = reverse("deliver:activity-delete", args=[activity.pk])
    assert "remove them before deleting the activity" in _html(c.get(url))
    response = c.post(url, follow=True)
    assert "remove them before deleting it" in _html(response)
    assert Activity.objects.filter(pk=activity.pk).exists()

    empty = _activity(world, title="Cancelled workshop")
    url = reverse("deliver:activity-delete", args=[empty.pk])
    confirm = _html(c.get(url))
    assert "Yes, delete it" in confirm and Activity.objects.filter(pk=empty.pk).exists()
    response = c.post(url)
    assert response.status_code == 302 and response["Location"] == reverse("deliver:activity-list")
    assert not Activity.objects.filter(pk=empty.pk).exists()


# --- one participant ----------------------------------------------------------------------


def test_a_participants_tests_and_follow_up_are_recorded(client, world, activity):
    c = _client(client, world, "office_a")
    achieng = activity.participations.get(person__name="Achieng Otieno")
    url = reverse("deliver:participant-edit", args=[achieng.pk])
    refused = c.post(url, {"attendance": "100", "satisfaction": "9"})
    assert refused.status_code == 400
    assert "Ensure this value is less than or equal to 5." in _html(refused)
    data = {
        "attendance": "90",
        "pre_test": "40",
        "post_test": "75.5",
        "satisfaction": "5",
        "applied_3_months": "partly",
        "applied_6_months": "fully",
    }
    assert c.post(url, data).status_code == 302
    achieng.refresh_from_db()
    assert (achieng.post_test, achieng.applied_6_months) == (Decimal("75.5"), "fully")
    detail = _html(c.get(reverse("deliver:activity-detail", args=[activity.pk])))
    kirkpatrick = detail[detail.index("Kirkpatrick") :]
    assert "4.3" in kirkpatrick  # satisfaction (5 + 4 + 4) / 3
    assert "35.5" in kirkpatrick  # the gain of the one who sat both tests
    assert "100 %" in kirkpatrick and "1 of 1 followed up" in kirkpatrick


def test_removing_a_participant_asks_first(client, world, activity):
    c = _client(client, world, "office_a")
    brian = activity.participations.get(person__name="Brian Mwangi")
    url = reverse("deliver:participant-delete", args=[brian.pk])
    assert "Yes, remove" in _html(c.get(url))
    assert Participation.objects.filter(pk=brian.pk).exists()
    response = c.post(url)
    assert response["Location"] == reverse("deliver:activity-detail", args=[activity.pk])
    assert not Participation.objects.filter(pk=brian.pk).exists()
    assert Person.objects.filter(name="Brian Mwangi").exists()  # known for other activities


def test_the_participant_table_is_searched_live(client, world, activity):
    c = _client(client, world, "office_a")
    url = reverse("deliver:activity-detail", args=[activity.pk])
    partial = _html(c.get(url, {"q": "wanjiru"}, HTTP_HX_REQUEST="true"))
    assert "Wanjiru Kamau" in partial and "Brian Mwangi" not in partial
    assert "<h1" not in partial and "1 participant" in partial


# --- importing a participant list ---------------------------------------------------------

GOOD_LIST = (
    "Full name,Sex,Organisation,E-mail,Attendance\n"
    "Halima Yusuf,F,Trade Union Centre KE,halima@example.org,100\n"
    "Otieno Odhiambo,M,Trade Union Centre KE,,80\n"
    "Njoki Wambui,female,Trade Union Centre KE,,100\n"
)


def _upload(c, activity, name: str, text: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile(name, text.encode(), content_type="text/csv")
    return c.post(reverse("deliver:import-upload", args=[activity.pk]), {"file": upload})


def test_a_participant_list_is_uploaded_mapped_and_imported(
    client, world, activity, django_capture_on_commit_callbacks
):
    c = _client(client, world, "office_a")
    response = _upload(c, activity, "list.csv", GOOD_LIST.replace("Full name", "Participant"))
    assert response.status_code == 302
    assert not ParticipantImport.objects.exists()  # nothing queued before the mapping
    mapping_page = _html(c.get(response["Location"]))
    assert '<option value="Participant" selected>' in mapping_page  # suggested: the name
    assert '<option value="Sex" selected>' in mapping_page
    form = {
        "name": "Participant",
        "sex": "Sex",
        "organisation": "Organisation",
        "email": "E-mail",
        "attendance": "Attendance",
    }
    with django_capture_on_commit_callbacks(execute=True):  # the task runs once committed
        done = c.post(response["Location"], form)
    record = ParticipantImport.objects.get()
    assert done["Location"] == reverse("deliver:import-detail", args=[record.pk])
    status = _html(c.get(done["Location"]))
    assert record.status == ParticipantImport.Status.DONE
    assert "3 rows imported." in status and 'hx-trigger="every 1s"' not in status
    assert activity.participations.count() == 6
    detail = _html(c.get(reverse("deliver:activity-detail", args=[activity.pk])))
    assert '<td class="number" data-sex="female">4</td>' in detail
    assert "list.csv" in detail  # among the lists imported
    # The uploaded file does not outlive the import, and its token is spent.
    assert c.get(response["Location"]).status_code == 404


def test_a_list_with_a_bad_row_imports_nothing_and_names_the_row_and_column(
    client, world, activity, django_capture_on_commit_callbacks
):
    c = _client(client, world, "office_a")
    bad = GOOD_LIST.replace("Otieno Odhiambo,M,", "Otieno Odhiambo,robot,")
    response = _upload(c, activity, "bad.csv", bad)
    with django_capture_on_commit_callbacks(execute=True):
        done = c.post(response["Location"], {"name": "Full name", "sex": "Sex"})
    status = _html(c.get(done["Location"]))
    assert "Nothing was imported" in status
    row = status[status.index("<tbody>", status.index("problems")) :]
    assert '<td class="number">3</td><td>Sex</td>' in row and "robot" in row
    assert activity.participations.count() == 3
    assert not Person.objects.filter(name="Halima Yusuf").exists()


def test_a_file_that_is_no_table_is_refused_at_the_upload(client, world, activity):
    c = _client(client, world, "office_a")
    response = _upload(c, activity, "list.csv", "")
    assert response.status_code == 400 and "The submitted file is empty." in _html(response)
    response = _upload(c, activity, "list.csv", "\x00\x01\x02 not text")
    assert response.status_code == 400 and "is not a participant list" in _html(response)
    response = _upload(c, activity, "list.pdf", "%PDF-1.4")
    assert response.status_code == 400 and "Send a .csv file or an .xlsx workbook." in _html(
        response
    )
    assert not ParticipantImport.objects.exists()


def test_another_users_pending_list_cannot_be_imported(client, world, activity):
    c = _client(client, world, "office_a")
    mapping_url = _upload(c, activity, "list.csv", GOOD_LIST)["Location"]
    c.logout()
    c = _client(client, world, "hq")
    assert c.get(mapping_url).status_code == 404


def test_the_status_page_polls_itself_while_the_import_runs(client, world, activity):
    record = ParticipantImport.objects.create(
        activity=activity,
        file_name="big.csv",
        status=ParticipantImport.Status.RUNNING,
        rows_total=1000,
        rows_done=250,
    )
    c = _client(client, world, "office_a")
    url = reverse("deliver:import-detail", args=[record.pk])
    page = _html(c.get(url))
    assert 'aria-live="polite"' in page
    partial = _html(c.get(url, HTTP_HX_REQUEST="true"))
    assert 'hx-trigger="every 1s"' in partial and 'max="1000" value="250"' in partial
    assert "250 of 1000 rows checked." in partial and "<h1" not in partial


# --- the plan pages ------------------------------------------------------------------------


def test_the_plan_page_loads_its_delivery_with_progress_and_participants(
    client, world, plan, activity
):
    c = _client(client, world, "office_a")
    plan_page = _html(c.get(reverse("plan:plan-detail", args=[plan.pk])))
    delivery_url = reverse("deliver:plan-delivery", args=[plan.pk])
    assert f'hx-get="{delivery_url}"' in plan_page and 'hx-trigger="load"' in plan_page
    assert "Addressed" in plan_page  # the need, now that its only action is delivered
    partial = _html(c.get(delivery_url, HTTP_HX_REQUEST="true"))
    assert '<progress id="plan-progress' in partial and 'max="1" value="1"' in partial
    assert "1 of 1 actions delivered" in partial and activity.title in partial
    assert '<td class="number" data-sex="female">2</td>' in partial
    assert '<td class="number" data-sex="male">1</td>' in partial
    plan.refresh_from_db()
    assert plan.status == Plan.Status.IN_IMPLEMENTATION


def test_planning_shows_what_was_delivered_to_the_organisations(client, world, plan, activity):
    c = _client(client, world, "office_a")
    union = world.organisations["KE-wrk"]
    plan_page = _html(c.get(reverse("plan:plan-detail", args=[plan.pk])))
    past_url = f"{reverse('deliver:past-activities')}?organisation={union.pk}"
    assert past_url in plan_page
    new_plan_page = _html(c.get(reverse("plan:plan-create"), {"organisation": union.pk}))
    assert past_url in new_plan_page
    partial = _html(c.get(past_url, HTTP_HX_REQUEST="true"))
    assert activity.title in partial and "3 participants: 2 women, 1 men, 0 other" in partial
    ministry = world.organisations["KE-gov"].pk
    elsewhere = c.get(reverse("deliver:past-activities"), {"organisation": ministry})
    assert activity.title not in _html(elsewhere)
    c.logout()
    c = _client(client, world, "office_b")
    assert activity.title not in _html(c.get(past_url, HTTP_HX_REQUEST="true"))


def test_lists_uploaded_but_never_mapped_are_dropped_after_a_day(client, world, activity, settings):
    import os
    import time

    pending = settings.MEDIA_ROOT / "participant-imports" / "pending"
    pending.mkdir(parents=True)
    old, recent = pending / "abandoned.csv", pending / "recent.csv"
    for path in (old, recent):
        path.write_text(GOOD_LIST)
    two_days_ago = time.time() - 2 * 86400
    os.utime(old, (two_days_ago, two_days_ago))
    c = _client(client, world, "office_a")
    assert _upload(c, activity, "list.csv", GOOD_LIST).status_code == 302
    assert not old.exists() and recent.exists()
    assert len(list(pending.iterdir())) == 2  # the recent one and the one just uploaded
