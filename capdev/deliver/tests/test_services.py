"""Activities through their services: validation, scope, and what delivery changes in the
plans and needs it serves."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from capdev.deliver import services
from capdev.deliver.models import Activity, Participation, Person, Sex
from capdev.deliver.selectors import participations_for_user, plan_progress, sex_counts
from capdev.diagnose import services as diagnose
from capdev.diagnose.models import Need
from capdev.plan import services as plans
from capdev.plan.models import Plan

DAY = datetime.date(2026, 3, 2)


def _need(world, key: str, title: str) -> Need:
    return diagnose.need_create(
        user=None,
        data={
            "organisation": world.organisations[key],
            "title": title,
            "level": "individual",
            "type": "technical",
            "theme": "social_dialogue",
        },
    )


@pytest.fixture
def agreed(world):
    """An agreed Kenyan plan with two actions: one serves need A, both serve need B."""
    a, b = _need(world, "KE-wrk", "Need A"), _need(world, "KE-wrk", "Need B")
    plan = plans.plan_create(
        user=None,
        data={
            "title": "Trade-union centre plan",
            "country": world.countries["KE"],
            "office": world.offices["a"],
            "start": DAY,
            "end": DAY.replace(year=2027),
            "organisations": [world.organisations["KE-wrk"]],
            "needs": [a, b],
        },
    )
    office = world.offices["a"]
    first = plans.action_add(
        user=None,
        plan=plan,
        data={"title": "Course", "responsible_office": office, "needs": [a, b]},
    )
    second = plans.action_add(
        user=None, plan=plan, data={"title": "Coaching", "responsible_office": office, "needs": [b]}
    )
    plans.plan_sign(user=None, plan=plan, side="constituents")
    plans.plan_sign(user=None, plan=plan, side="office")
    return plan, first, second, a, b


def activity_data(world, **changes) -> dict:
    return {
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


def attend(activity: Activity, world, *names_and_sexes: tuple[str, str]) -> None:
    for name, sex in names_and_sexes:
        person = Person.objects.create(
            key=name.lower(),
            name=name,
            sex=sex,
            organisation=world.organisations["KE-wrk"],
            country=world.countries["KE"],
        )
        Participation.objects.create(activity=activity, person=person, attendance=100)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"end": DAY - datetime.timedelta(days=1)}, "end"),
        ({"place": ""}, "place"),
        ({"advisory_area": "portfolio"}, "advisory_area"),
        ({"kind": Activity.Kind.ADVISORY}, "advisory_area"),
        ({"cost": Decimal("100")}, "currency"),
        ({"cost": Decimal("100"), "currency": "XYZ"}, "currency"),
        ({"target_groups": ["pirates"]}, "target_groups"),
        ({"countries": []}, "countries"),
    ],
)
def test_an_activity_that_does_not_hold_together_is_refused(world, changes, field):
    with pytest.raises(ValidationError) as refused:
        services.activity_create(user=world.users["office_a"], data=activity_data(world, **changes))
    assert field in refused.value.message_dict
    assert not Activity.objects.exists()


def test_an_online_activity_needs_no_place_and_the_currency_is_upper_cased(world):
    activity = services.activity_create(
        user=world.users["office_a"],
        data=activity_data(world, place="", online=True, cost=Decimal("950"), currency="usd"),
    )
    assert activity.currency == "USD" and activity.history.exists()


def test_focal_points_organise_no_activities_and_offices_only_in_their_countries(world):
    with pytest.raises(PermissionDenied):
        services.activity_create(user=world.users["focal"], data=activity_data(world))
    with pytest.raises(PermissionDenied):
        services.activity_create(
            user=world.users["office_b"],
            data=activity_data(world, beneficiaries=[world.organisations["KE-wrk"]]),
        )
    assert not Activity.objects.exists()


def test_only_actions_of_agreed_plans_are_delivered(world, agreed):
    plan, first, *_ = agreed
    draft = plans.plan_create(
        user=None,
        data={
            "title": "Draft",
            "country": world.countries["KE"],
            "start": DAY,
            "end": DAY,
            "organisations": [world.organisations["KE-gov"]],
        },
    )
    waiting = plans.action_add(
        user=None, plan=draft, data={"title": "Later", "responsible_office": world.offices["a"]}
    )
    with pytest.raises(ValidationError) as refused:
        services.activity_create(user=None, data=activity_data(world, actions=[waiting]))
    assert "actions" in refused.value.message_dict
    activity = services.activity_create(user=None, data=activity_data(world, actions=[first]))
    assert list(activity.actions.all()) == [first]


def test_delivery_starts_the_plan_and_addresses_needs_once_every_action_is_delivered(world, agreed):
    plan, first, second, need_a, need_b = agreed
    assert plan_progress(plan).share == 0
    course = services.activity_create(user=None, data=activity_data(world, actions=[first]))
    assert course.status == Activity.Status.PLANNED  # nobody has attended yet
    attend(course, world, ("Amina", Sex.FEMALE), ("Brian", Sex.MALE))
    services.record_delivery(course, None)

    course.refresh_from_db()
    plan.refresh_from_db()
    need_a.refresh_from_db()
    need_b.refresh_from_db()
    assert course.status == Activity.Status.HELD
    assert plan.status == Plan.Status.IN_IMPLEMENTATION
    assert need_a.status == Need.Status.ADDRESSED  # its only action is delivered
    assert need_b.status == Need.Status.PLANNED  # the coaching has not happened yet
    progress = plan_progress(plan)
    assert (progress.delivered, progress.actions, progress.share) == (1, 2, 0.5)

    coaching = services.activity_create(
        user=None, data=activity_data(world, title="Coaching", actions=[second])
    )
    attend(coaching, world, ("Chen", Sex.OTHER))
    services.record_delivery(coaching, None)
    need_b.refresh_from_db()
    assert need_b.status == Need.Status.ADDRESSED
    assert plan_progress(plan).share == 1


def test_a_participant_edit_with_attendance_records_the_delivery(world, agreed):
    _, first, *_ = agreed
    course = services.activity_create(user=None, data=activity_data(world, actions=[first]))
    person = Person.objects.create(
        key="d", name="Dora", sex=Sex.FEMALE, country=world.countries["KE"]
    )
    participation = Participation.objects.create(activity=course, person=person)
    with pytest.raises(ValidationError):
        services.participation_update(
            user=world.users["office_a"], participation=participation, data={"satisfaction": 6}
        )
    participation.refresh_from_db()
    assert participation.satisfaction is None
    services.participation_update(
        user=world.users["office_a"],
        participation=participation,
        data={"attendance": 80, "pre_test": Decimal("40"), "post_test": Decimal("75")},
    )
    course.refresh_from_db()
    assert course.status == Activity.Status.HELD
    with pytest.raises(PermissionDenied):
        services.participation_update(
            user=world.users["focal"], participation=participation, data={"attendance": 10}
        )
    participation.refresh_from_db()
    assert participation.attendance == 80


def test_an_activity_with_participants_is_not_deleted(world):
    course = services.activity_create(user=None, data=activity_data(world))
    attend(course, world, ("Eve", Sex.FEMALE))
    with pytest.raises(ValidationError):
        services.activity_delete(user=world.users["office_a"], activity=course)
    assert Activity.objects.filter(pk=course.pk).exists()


def test_sex_counts_count_each_participation_once(world, django_assert_num_queries):
    """A course held in two countries the office covers: the scoped participations join the
    activity's countries twice, and each person still counts once."""
    course = services.activity_create(
        user=None,
        data=activity_data(world, countries=[world.countries["KE"], world.countries["UG"]]),
    )
    attend(course, world, ("F1", Sex.FEMALE), ("F2", Sex.FEMALE), ("M1", Sex.MALE))
    seen = participations_for_user(world.users["office_a"]).filter(activity=course)
    with django_assert_num_queries(1):
        counts = sex_counts(seen)
    assert (counts.female, counts.male, counts.other, counts.total) == (2, 1, 0, 3)
    assert counts.female_share == pytest.approx(2 / 3)


def test_an_edit_keeps_the_links_the_editor_cannot_see(world):
    """HQ records a Franco-Kenyan course; the Kenyan office edits it, seeing neither France
    nor the French union, and saving must not unlink them."""
    both = services.activity_create(
        user=world.users["hq"],
        data=activity_data(
            world,
            countries=[world.countries["KE"], world.countries["FR"]],
            beneficiaries=[world.organisations["KE-wrk"], world.organisations["FR-wrk"]],
        ),
    )
    services.activity_update(
        user=world.users["office_a"],
        activity=both,
        data={
            "place": "Mombasa",
            "countries": [world.countries["KE"]],
            "beneficiaries": [world.organisations["KE-wrk"]],
        },
    )
    both.refresh_from_db()
    assert both.place == "Mombasa"
    assert {c.iso_alpha2 for c in both.countries.all()} == {"KE", "FR"}
    assert set(both.beneficiaries.all()) == {
        world.organisations["KE-wrk"],
        world.organisations["FR-wrk"],
    }
    services.activity_update(
        user=world.users["hq"], activity=both, data={"countries": [world.countries["KE"]]}
    )
    assert list(both.countries.all()) == [world.countries["KE"]]  # HQ sees, HQ unlinks


def test_only_writers_of_the_plan_link_its_actions(world, agreed):
    _, first, *_ = agreed
    with pytest.raises(PermissionDenied):
        services.activity_create(
            user=world.users["office_b"],
            data=activity_data(
                world,
                office=world.offices["b"],
                countries=[world.countries["FR"]],
                beneficiaries=[world.organisations["FR-wrk"]],
                actions=[first],
            ),
        )
    assert not Activity.objects.exists()


def test_a_status_set_by_hand_stands_against_attendance(world, agreed):
    _, first, *_ = agreed
    course = services.activity_create(user=None, data=activity_data(world, actions=[first]))
    attend(course, world, ("Ida", Sex.FEMALE))
    services.record_delivery(course, None)
    course.refresh_from_db()
    assert course.status == Activity.Status.HELD
    services.activity_update(
        user=world.users["office_a"], activity=course, data={"status": Activity.Status.PLANNED}
    )
    course.refresh_from_db()
    assert course.status == Activity.Status.PLANNED
    services.activity_update(user=world.users["office_a"], activity=course, data={"place": "X"})
    course.refresh_from_db()
    assert course.status == Activity.Status.HELD  # no status given: attendance decides


def test_the_activity_page_names_only_plans_the_reader_sees(client, world):
    """The Kenyan ministry's focal point reads a course for the ministry that also delivers
    an action of the trade-union centre's plan, which they may not see."""
    from capdev.test import PASSWORD

    union_plan = plans.plan_create(
        user=None,
        data={
            "title": "Union centre plan, confidential",
            "country": world.countries["KE"],
            "start": DAY,
            "end": DAY,
            "organisations": [world.organisations["KE-wrk"]],
        },
    )
    action = plans.action_add(
        user=None, plan=union_plan, data={"title": "X", "responsible_office": world.offices["a"]}
    )
    plans.plan_sign(user=None, plan=union_plan, side="constituents")
    plans.plan_sign(user=None, plan=union_plan, side="office")
    course = services.activity_create(
        user=None,
        data=activity_data(
            world,
            beneficiaries=[world.organisations["KE-gov"], world.organisations["KE-wrk"]],
            actions=[action],
        ),
    )
    url = f"/deliver/activities/{course.pk}/"
    client.login(username=world.users["focal"].username, password=PASSWORD)
    page = client.get(url).content.decode()
    assert course.title in page and "Union centre plan, confidential" not in page
    client.logout()
    client.login(username=world.users["office_a"].username, password=PASSWORD)
    assert "Union centre plan, confidential" in client.get(url).content.decode()
