"""Every persona × every deliver model, page and endpoint: each sees and changes its scope.

The deliver world stands on the plan world of capdev/plan/tests/test_scope_matrix.py (itself
on `capdev.test.make_world()`), with Kenya's and France's plans agreed, and adds:

- a regional office for Asia and the Pacific (covering Thailand), beside offices A and B;
- five activities: one for the Kenyan ministry (delivering Kenya's plan action), one for the
  Kenyan trade-union centre, an East African one in Kenya and Uganda for both employers'
  organisations, one for the French employers (delivering France's plan action), and an
  online one in Thailand for no organisation in particular; each costs something but the
  online one;
- six people (one each of KE-gov, KE-wrk, UG-emp, FR-emp, FR-wrk, and a Thai one of no
  organisation) taking part in them, some across borders (a French unionist in the Kenyan
  union's course, a French employer in the Thai online course);
- a participant import into the Kenyan ministry's activity and one into the French one;
- the staff curriculum: two courses, two rollout waves, completions by staff of offices A, B,
  the Asian office and ACTRAV (an HQ department, covering no country).

As in the core and diagnose matrices, the expected scopes are written down from the facts of
this world (docs/access.md) and never computed with `scoped()`.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Model
from django.test import Client, override_settings
from django.urls import reverse

from capdev.core.models import Office, Region
from capdev.core.scoping import Action as Do
from capdev.core.scoping import scoped
from capdev.core.tests.test_scope_matrix import (
    PERSONAS,
    SEES_ORGANISATIONS,
    api_client,
    orgs,
    page_client,
)
from capdev.deliver import services
from capdev.deliver.models import (
    Activity,
    ParticipantImport,
    Participation,
    Person,
    RolloutWave,
    StaffCompletion,
    StaffCourse,
)
from capdev.diagnose.models import Need
from capdev.plan.models import Action, FundingSource, Plan
from capdev.plan.tests.test_scope_matrix import (
    BUDGET,
    SEES_PLANS,
    PlanWorld,
    attempt,
    build_plans,
)
from capdev.test import make_world

# --- the facts of the deliver world -------------------------------------------------------

# Activity key → (countries, beneficiaries, organising office, cost, the plan whose action it
# delivers).
ACTIVITIES = {
    "ke-gov": (("KE",), ("KE-gov",), "a", "52525.00", "KE"),
    "ke-wrk": (("KE",), ("KE-wrk",), "a", "31313.00", None),
    "east-africa": (("KE", "UG"), ("KE-emp", "UG-emp"), "a", "73737.00", None),
    "fr-emp": (("FR",), ("FR-emp",), "b", "98765.43", "FR"),
    "th-online": (("TH",), (), "asia", None, None),
}
# Person key → (country, organisation, sex).
PEOPLE = {
    "ke-gov-p": ("KE", "KE-gov", "female"),
    "ke-wrk-p": ("KE", "KE-wrk", "male"),
    "ug-emp-p": ("UG", "UG-emp", "female"),
    "fr-emp-p": ("FR", "FR-emp", "female"),
    "fr-wrk-p": ("FR", "FR-wrk", "male"),
    "th-p": ("TH", None, "other"),
}
PARTICIPATIONS = {
    "ke-gov/ke-gov-p",
    "ke-wrk/ke-wrk-p",
    "ke-wrk/fr-wrk-p",
    "east-africa/ug-emp-p",
    "east-africa/ke-wrk-p",
    "fr-emp/fr-emp-p",
    "th-online/th-p",
    "th-online/fr-emp-p",
}
# The activities provided by a civil-society partner (and held); the Thai one is co-organised
# by the Thai partner.
PROVIDERS = {"ke-gov": "KE-ngo", "fr-emp": "FR-ngo"}
IMPORTS = ("ke-gov", "fr-emp")  # the activities a participant list was imported into
STAFF_COURSES = {"SC1", "SC2"}
ROLLOUT_WAVES = {"1", "2"}
# Completion key "office/course"; offices as make_world() names them, and "asia".
STAFF_COMPLETIONS = {"a/SC1", "b/SC1", "asia/SC2", "actrav/SC1"}

ALL_ACTIVITIES = set(ACTIVITIES)
# An activity is seen where it takes place (the office covering one of its countries, a
# viewer of their region) and by the organisations whose capacity it builds (their focal
# point; a specialist of their group, in the region if the grant names one).
SEES_ACTIVITIES = {
    **dict.fromkeys(("hq", "evaluator", "admin"), ALL_ACTIVITIES),
    "office_a": {"ke-gov", "ke-wrk", "east-africa"},
    "office_b": {"fr-emp"},
    "workers": {"ke-wrk"},
    "employers_af": {"east-africa"},  # employers, in Africa: not the French one
    "focal": {"ke-gov"},  # not the Kenyan union's, although it takes place in Kenya
    "viewer": {"th-online"},
    "outsider": set(),
}
# A person is seen through their country and their organisation.
SEES_PEOPLE = {
    **dict.fromkeys(("hq", "evaluator", "admin"), set(PEOPLE)),
    "office_a": {"ke-gov-p", "ke-wrk-p", "ug-emp-p"},
    "office_b": {"fr-emp-p", "fr-wrk-p"},
    "workers": {"ke-wrk-p", "fr-wrk-p"},
    "employers_af": {"ug-emp-p"},
    "focal": {"ke-gov-p"},
    "viewer": {"th-p"},
    "outsider": set(),
}
# A participation is seen through the activity's countries (office, region) and the person's
# organisation (focal point, group): the office organising an activity sees everyone in it,
# wherever they come from; a focal point sees their own organisation's people only.
SEES_PARTICIPATIONS = {
    **dict.fromkeys(("hq", "evaluator", "admin"), PARTICIPATIONS),
    "office_a": {
        "ke-gov/ke-gov-p",
        "ke-wrk/ke-wrk-p",
        "ke-wrk/fr-wrk-p",
        "east-africa/ug-emp-p",
        "east-africa/ke-wrk-p",
    },
    "office_b": {"fr-emp/fr-emp-p"},  # not the French employer in the Thai course
    "workers": {"ke-wrk/ke-wrk-p", "ke-wrk/fr-wrk-p", "east-africa/ke-wrk-p"},
    "employers_af": {"east-africa/ug-emp-p"},
    "focal": {"ke-gov/ke-gov-p"},
    "viewer": {"th-online/th-p", "th-online/fr-emp-p"},
    "outsider": set(),
}
# The Office organises activities and records participants: not the focal point.
ORGANISERS = {"hq", "admin", "office_a", "office_b", "workers", "employers_af"}
# The staff curriculum is the Office's own: every grant but a constituent's reaches it.
SEES_CURRICULUM = set(PERSONAS) - {"focal", "outsider"}
CURRICULUM_WRITERS = {"hq", "admin"}
# Completions are seen through the completing office's countries or region; a specialist's
# group does not apply to them (a workers' specialist without a region sees all).
SEES_COMPLETIONS = {
    **dict.fromkeys(("hq", "evaluator", "admin", "workers"), STAFF_COMPLETIONS),
    "office_a": {"a/SC1"},
    "office_b": {"b/SC1"},
    "employers_af": set(),  # no office of the world has Africa as its region
    "viewer": {"asia/SC2"},
    "focal": set(),
    "outsider": set(),
}
CHANGES_COMPLETIONS = {
    "hq": STAFF_COMPLETIONS,
    "admin": STAFF_COMPLETIONS,
    "office_a": {"a/SC1"},
    "office_b": {"b/SC1"},
}


def expected(persona: str, model: str, action: Do) -> set[str]:
    """The keys (see `key_of`) of the rows of `model` the persona may see or act on."""
    if model in ("StaffCourse", "RolloutWave"):
        allowed = SEES_CURRICULUM if action is Do.VIEW else CURRICULUM_WRITERS
        rows = STAFF_COURSES if model == "StaffCourse" else ROLLOUT_WAVES
        return set(rows) if persona in allowed else set()
    if model == "StaffCompletion":
        table = SEES_COMPLETIONS if action is Do.VIEW else CHANGES_COMPLETIONS
        return set(table.get(persona, set()))
    if action is not Do.VIEW and persona not in ORGANISERS:
        return set()
    if model == "Activity":
        return set(SEES_ACTIVITIES[persona])
    if model == "ParticipantImport":
        # An import's record quotes the list's cells: the Office's, not a focal point's.
        return set() if persona == "focal" else SEES_ACTIVITIES[persona] & set(IMPORTS)
    if model == "Person":
        return set(SEES_PEOPLE[persona])
    return set(SEES_PARTICIPATIONS[persona])


# --- the world ----------------------------------------------------------------------------


@dataclass
class DeliverWorld:
    plan: PlanWorld
    rows: dict[str, dict[str, int]]  # model name → key → pk

    @property
    def world(self):  # type: ignore[no-untyped-def]
        return self.plan.world

    def key(self, model: str, pk: int) -> str:
        return {pk: key for key, pk in self.rows[model].items()}[pk]

    def user(self, persona: str) -> Any:
        return self.world.users[persona]

    def activity(self, key: str) -> Activity:
        return Activity.objects.get(pk=self.rows["Activity"][key])


def _build(plans: PlanWorld) -> DeliverWorld:
    world = plans.world
    asia = Office.objects.create(
        name="Regional Office for Asia and the Pacific",
        kind=Office.Kind.REGIONAL_OFFICE,
        region=Region.objects.get(code="ASIA_PACIFIC"),
    )
    asia.countries.set([world.countries["TH"]])
    offices = {**world.offices, "asia": asia}
    # Activities deliver actions of agreed plans.
    Plan.objects.filter(pk__in=[plans.plans["KE"], plans.plans["FR"]]).update(status="agreed")
    funding = FundingSource.objects.get(name="Regular budget")
    rows: dict[str, dict[str, int]] = {name: {} for name in MODEL_NAMES}
    for key, (countries, beneficiaries, office, cost, plan) in ACTIVITIES.items():
        online = key == "th-online"
        activity = services.activity_create(
            user=None,
            data={
                "title": f"Activity {key}",
                "kind": "e_learning" if online else "course",
                "start": datetime.date(2025, 5, 5),
                "end": datetime.date(2025, 5, 9),
                "online": online,
                "place": "" if online else "Nairobi",
                "office": offices[office],
                "funding_source": funding if cost else None,
                "cost": Decimal(cost) if cost else None,
                "currency": "USD" if cost else "",
                "target_groups": [] if online else ["government"],
                "countries": [world.countries[iso] for iso in countries],
                "beneficiaries": [world.organisations[o] for o in beneficiaries],
                "actions": (
                    [Action.objects.get(pk=plans.rows["Action"][f"{plan}/action"])] if plan else []
                ),
            },
        )
        rows["Activity"][key] = activity.pk
        provider = PROVIDERS.get(key)
        if provider:  # a training institution or partner of the activity's country
            Activity.objects.filter(pk=activity.pk).update(
                provider=world.organisations[provider], status=Activity.Status.HELD
            )
    activity_ids = rows["Activity"]
    Activity.objects.get(pk=activity_ids["th-online"]).co_organisers.set(
        [world.organisations["TH-ngo"]]
    )
    for key, (iso, organisation, sex) in PEOPLE.items():
        person = Person.objects.create(
            key=f"{key}@example.org",
            name=f"Person {key}",
            sex=sex,
            country=world.countries[iso],
            organisation=world.organisations[organisation] if organisation else None,
            email=f"{key}@example.org",
        )
        rows["Person"][key] = person.pk
    for key in sorted(PARTICIPATIONS):
        activity, person = key.split("/")
        participation = Participation.objects.create(
            activity_id=rows["Activity"][activity],
            person_id=rows["Person"][person],
            pre_test=Decimal("40"),
            post_test=Decimal("70"),
        )
        rows["Participation"][key] = participation.pk
    for key in IMPORTS:
        upload = ParticipantImport.objects.create(
            activity_id=rows["Activity"][key], file_name=f"{key}.csv", status="done"
        )
        rows["ParticipantImport"][key] = upload.pk
    courses = {}
    for code in sorted(STAFF_COURSES):
        courses[code] = StaffCourse.objects.create(code=code, title=f"Course {code}")
        rows["StaffCourse"][code] = courses[code].pk
    for number in sorted(ROLLOUT_WAVES):
        wave = RolloutWave.objects.create(
            number=int(number), pilot=number == "1", start=datetime.date(2026, int(number), 1)
        )
        wave.regions.set([Region.objects.get(code="AFRICA" if number == "1" else "EUROPE_CA")])
        wave.courses.set(courses.values())
        rows["RolloutWave"][number] = wave.pk
    for key in sorted(STAFF_COMPLETIONS):
        office, course = key.split("/")
        completion = StaffCompletion.objects.create(
            course=courses[course],
            office=offices[office],
            name=f"Staff member of {office}",
            sex="female",
            completed_on=datetime.date(2026, 6, 1),
        )
        rows["StaffCompletion"][key] = completion.pk
    return DeliverWorld(plan=plans, rows=rows)


DELIVER_MODELS: list[type[Model]] = [
    Activity,
    Person,
    Participation,
    ParticipantImport,
    StaffCourse,
    RolloutWave,
    StaffCompletion,
]
MODEL_NAMES = [model.__name__ for model in DELIVER_MODELS]
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def _matrix(django_db_setup, django_db_blocker) -> Iterator[DeliverWorld]:
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=FAST_HASHER),
        transaction.atomic(),
    ):
        yield _build(build_plans(make_world()))
        transaction.set_rollback(True)


@pytest.fixture
def m(_matrix: DeliverWorld, db) -> DeliverWorld:
    for user in _matrix.world.users.values():  # grants are cached on the user objects
        user.__dict__.pop("_capdev_grants", None)
    return _matrix


def key_of(m: DeliverWorld, row: Model) -> str:
    return m.key(type(row).__name__, row.pk)


# Writes may reach beyond deliver: a held activity starts its plan, delivery addresses needs.
WATCHED: list[type[Model]] = [*DELIVER_MODELS, Plan, Action, Need]


def snapshot() -> dict[str, tuple[list[dict], int | None]]:
    """Every row of the models a deliver write may touch, and the number of its history rows."""
    state = {}
    for model in WATCHED:
        history = getattr(model, "history", None)
        rows = list(model.objects.order_by("pk").values())
        state[model.__name__] = (rows, history.count() if history is not None else None)
    return state


# --- scoped() -----------------------------------------------------------------------------


@pytest.mark.parametrize("model", DELIVER_MODELS, ids=lambda model: model.__name__)
@pytest.mark.parametrize("persona", PERSONAS)
def test_scoped_gives_each_persona_exactly_its_deliver_rows(m, persona, model):
    user = m.user(persona)
    for action in Do:
        rows = list(scoped(user, model.objects.all(), action))
        assert len(rows) == len({row.pk for row in rows}), f"{action}: a row comes twice"
        got = {key_of(m, row) for row in rows}
        assert got == expected(persona, model.__name__, action), action


# --- list pages ---------------------------------------------------------------------------


def _link(name: str) -> str:
    """A pattern matching links to the detail page `name`, capturing the id."""
    return 'href="' + reverse(name, args=[0]).replace("/0/", r"/(\d+)/") + '"'


def _page_through(client: Any, url: str, link: str) -> list[str]:
    """The ids linked from the results of a list page, following its "Next" links."""
    seen: list[str] = []
    query = ""
    while True:
        response = client.get(f"{url}?{query}")
        assert response.status_code == 200, url
        html = response.content.decode()
        results = html[html.index('id="results"') : html.index("</main>")]
        seen += re.findall(link, results)
        following = re.search(r'href="\?([^"]*)" rel="next"', results)
        if not following:
            return seen
        query = following.group(1).replace("&amp;", "&")


ACTIVITY_LINK = _link("deliver:activity-detail")
PARTNER_LINK = _link("deliver:partner-detail")
PARTNERS = orgs(kinds="ngo")  # the world's only organisations of a partner kind


def _organisation_keys(m: DeliverWorld, pks: list[str]) -> list[str]:
    names = {str(o.pk): key for key, o in m.world.organisations.items()}
    return [names[pk] for pk in pks]


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_activity_list_page_shows_exactly_the_personas_activities(m, persona):
    pks = _page_through(
        page_client(m.world, persona), reverse("deliver:activity-list"), ACTIVITY_LINK
    )
    seen = [m.key("Activity", int(pk)) for pk in pks]
    assert len(seen) == len(set(seen)), "an activity is listed twice"
    assert set(seen) == expected(persona, "Activity", Do.VIEW)


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_partner_list_page_shows_exactly_the_partners_in_scope(m, persona):
    pks = _page_through(
        page_client(m.world, persona), reverse("deliver:partner-list"), PARTNER_LINK
    )
    seen = _organisation_keys(m, pks)
    assert len(seen) == len(set(seen)), "a partner is listed twice"
    assert set(seen) == SEES_ORGANISATIONS[persona] & PARTNERS


def _completion_keys(html: str) -> set[str]:
    """The completions a staff-curriculum page lists, by office and course."""
    names = {
        "Country Office for Kenya and Uganda": "a",
        "Country Office for France and Germany": "b",
        "Regional Office for Asia and the Pacific": "asia",
        "Bureau for Workers' Activities": "actrav",
    }
    found = re.findall(r"Staff member of ([a-z]+)", html)
    assert set(found) <= set(names.values())
    return {f"{office}/{course}" for office, course in _completion_rows(html)}


def _completion_rows(html: str) -> set[tuple[str, str]]:
    rows = set()
    for row in re.findall(r"<tr>(.*?)</tr>", html, flags=re.S):
        person = re.search(r"Staff member of ([a-z]+)", row)
        course = re.search(r"\b(SC[12])\b", row)
        if person and course:
            rows.add((person.group(1), course.group(1)))
    return rows


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_staff_curriculum_page_lists_exactly_the_completions_in_scope(m, persona):
    response = page_client(m.world, persona).get(reverse("deliver:staff-curriculum"))
    assert response.status_code == 200
    html = response.content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    assert _completion_keys(main) == expected(persona, "StaffCompletion", Do.VIEW)
    courses = set(re.findall(r"\b(SC[12])\b", main))
    if persona in SEES_CURRICULUM:
        assert courses == STAFF_COURSES
    else:  # a constituent sees nothing of the Office's own curriculum
        assert courses == set()


# --- detail pages -------------------------------------------------------------------------


def _participants_shown(html: str) -> set[str]:
    main = html[html.index("<main") : html.index("</main>")]
    return set(re.findall(r"Person ([a-z-]+-p)\b", main))


@pytest.mark.parametrize("persona", PERSONAS)
def test_an_activity_page_is_found_inside_the_scope_and_lists_only_participants_in_it(m, persona):
    client = page_client(m.world, persona)
    for key, pk in m.rows["Activity"].items():
        response = client.get(reverse("deliver:activity-detail", args=[pk]))
        visible = key in expected(persona, "Activity", Do.VIEW)
        assert response.status_code == (200 if visible else 404), key
        if visible:
            shown = _participants_shown(response.content.decode())
            wanted = {
                p.split("/")[1]
                for p in expected(persona, "Participation", Do.VIEW)
                if p.split("/")[0] == key
            }
            assert shown == wanted, key


@pytest.mark.parametrize("persona", PERSONAS)
def test_an_import_page_is_found_inside_the_scope_and_not_found_outside(m, persona):
    client = page_client(m.world, persona)
    for key, pk in m.rows["ParticipantImport"].items():
        visible = key in expected(persona, "ParticipantImport", Do.VIEW)
        assert client.get(reverse("deliver:import-detail", args=[pk])).status_code == (
            200 if visible else 404
        )


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_partner_page_is_found_inside_the_scope_and_not_found_outside(m, persona):
    client = page_client(m.world, persona)
    for key in sorted(PARTNERS):
        pk = m.world.organisations[key].pk
        response = client.get(reverse("deliver:partner-detail", args=[pk]))
        visible = key in SEES_ORGANISATIONS[persona]
        assert response.status_code == (200 if visible else 404), key
        if visible:  # only the activities it delivered that the persona sees
            html = response.content.decode()
            main = html[html.index("<main") : html.index("</main>")]
            linked = {m.key("Activity", int(a)) for a in re.findall(ACTIVITY_LINK, main)}
            assert linked <= expected(persona, "Activity", Do.VIEW), key


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_plans_delivery_is_found_with_the_plan_and_links_only_activities_in_scope(m, persona):
    client = page_client(m.world, persona)
    for key, pk in m.plan.plans.items():
        response = client.get(reverse("deliver:plan-delivery", args=[pk]))
        visible = key in SEES_PLANS[persona]
        assert response.status_code == (200 if visible else 404), key
        if visible:
            html = response.content.decode()
            linked = {m.key("Activity", int(a)) for a in re.findall(ACTIVITY_LINK, html)}
            delivering = {a for a, spec in ACTIVITIES.items() if spec[4] == key}
            assert linked == delivering & expected(persona, "Activity", Do.VIEW), key


@pytest.mark.parametrize("persona", PERSONAS)
def test_past_activities_are_those_in_scope(m, persona):
    ids = "&".join(f"organisation={o.pk}" for o in m.world.organisations.values())
    response = page_client(m.world, persona).get(f"{reverse('deliver:past-activities')}?{ids}")
    assert response.status_code == 200
    linked = {
        m.key("Activity", int(a)) for a in re.findall(ACTIVITY_LINK, response.content.decode())
    }
    # Every activity of the world has ended; the online one is for no organisation.
    delivered = {key for key, spec in ACTIVITIES.items() if spec[1]}
    assert linked == delivered & expected(persona, "Activity", Do.VIEW)


# --- refused writes on the pages ------------------------------------------------------------
#
# A write by a persona who does not see the row answers 404, by one who sees it but may not
# change it 403; either way no row and no history row changes. Allowed writes belong to the
# pages' own tests; here they only must not be refused.


def _refusal(persona: str, visible: set[str], key: str, allowed: set[str]) -> int | None:
    if key not in visible:
        return 404
    return None if persona in allowed else 403


def _check_refusals(m: DeliverWorld, persona: str, model: str, writes: dict) -> None:
    visible = expected(persona, model, Do.VIEW)
    for key in m.rows[model]:
        for name, send in writes.items():
            status, unchanged = attempt(lambda: send(key), snapshot)  # noqa: B023
            refusal = _refusal(persona, visible, key, ORGANISERS)
            if refusal is None:
                assert status not in (403, 404), (key, name)
            else:
                assert (status, unchanged) == (refusal, True), (key, name)


def _csv(text: str) -> Any:
    return SimpleUploadedFile("list.csv", text.encode(), content_type="text/csv")


@pytest.mark.parametrize("persona", PERSONAS)
def test_activity_page_writes_are_refused_outside_the_scope_and_change_nothing(m, persona):
    client = page_client(m.world, persona)

    def url(key: str, name: str) -> str:
        return reverse(f"deliver:{name}", args=[m.rows["Activity"][key]])

    writes = {
        "edit form": lambda key: client.get(url(key, "activity-edit")),
        "edit": lambda key: client.post(url(key, "activity-edit"), {"title": "X"}),
        "delete form": lambda key: client.get(url(key, "activity-delete")),
        "delete": lambda key: client.post(url(key, "activity-delete")),
        "import form": lambda key: client.get(url(key, "import-upload")),
        "import": lambda key: client.post(
            url(key, "import-upload"), {"file": _csv("name,sex\nRefused Person,female\n")}
        ),
    }
    _check_refusals(m, persona, "Activity", writes)


@pytest.mark.parametrize("persona", PERSONAS)
def test_participant_page_writes_are_refused_outside_the_scope_and_change_nothing(m, persona):
    client = page_client(m.world, persona)

    def url(key: str, name: str) -> str:
        return reverse(f"deliver:{name}", args=[m.rows["Participation"][key]])

    writes = {
        "edit form": lambda key: client.get(url(key, "participant-edit")),
        "edit": lambda key: client.post(url(key, "participant-edit"), {"attendance": "100"}),
        "delete form": lambda key: client.get(url(key, "participant-delete")),
        "delete": lambda key: client.post(url(key, "participant-delete")),
    }
    _check_refusals(m, persona, "Participation", writes)


# A French activity for the French employers: office B, HQ and administrators record it; the
# other organisers are not offered France (400); the other roles organise nothing (403).
FR_ORGANISERS = {"hq", "admin", "office_b"}


def _french_activity(m: DeliverWorld, persona: str) -> dict[str, Any]:
    return {
        "title": f"French activity by {persona}",
        "kind": "workshop",
        "status": "planned",
        "start": "2026-09-01",
        "end": "2026-09-02",
        "place": "Paris",
        "countries": [m.world.countries["FR"].pk],
        "office": m.world.offices["b"].pk,
        "beneficiaries": [m.world.organisations["FR-emp"].pk],
        "target_groups": ["employers"],
        "cost": "1200.00",
        "currency": "EUR",
    }


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_activity_form_records_activities_only_inside_the_personas_scope(m, persona):
    client = page_client(m.world, persona)
    form = client.get(reverse("deliver:activity-create")).status_code
    assert form == (200 if persona in ORGANISERS else 403)
    before = snapshot()
    response = client.post(reverse("deliver:activity-create"), _french_activity(m, persona))
    if persona in FR_ORGANISERS:
        assert response.status_code == 302, response.content.decode()[-2000:]
        created = Activity.objects.get(title=f"French activity by {persona}")
        assert created.history.first().history_user == m.user(persona)
        return
    refusal = 400 if persona in ORGANISERS else 403
    assert (response.status_code, snapshot() == before) == (refusal, True)


FUNDING_KEEPERS = {"hq", "admin"}


@pytest.mark.parametrize("persona", PERSONAS)
def test_funding_sources_are_kept_on_the_pages_by_hq_and_administrators_only(m, persona):
    if persona in FUNDING_KEEPERS:
        return  # their writes are the pages' own tests' business
    client = page_client(m.world, persona)
    source = FundingSource.objects.get(name="Regular budget")
    edit_url = reverse("deliver:funding-source-edit", args=[source.pk])
    before = snapshot()
    body = {"name": "Refused", "kind": "pooled", "earmarking": "unearmarked"}
    answers = [
        client.get(reverse("deliver:funding-source-create")).status_code,
        client.post(reverse("deliver:funding-source-create"), body).status_code,
        client.get(edit_url).status_code,
        client.post(edit_url, body).status_code,
    ]
    edit = 403 if persona != "outsider" else 404  # outside every grant, no source exists
    assert answers == [403, 403, edit, edit]
    assert snapshot() == before


# Recording that a member of office B's staff completed a course: HQ, administrators and
# office B; office A is not offered office B (400); the other roles record none (403).
COMPLETION_RECORDERS = {"hq", "admin", "office_b"}


@pytest.mark.parametrize("persona", PERSONAS)
def test_staff_completions_are_recorded_only_for_offices_in_scope(m, persona):
    client = page_client(m.world, persona)
    before = snapshot()
    response = client.post(
        reverse("deliver:staff-completion-create"),
        {
            "course": m.rows["StaffCourse"]["SC2"],
            "office": m.world.offices["b"].pk,
            "name": f"Recorded by {persona}",
            "sex": "male",
            "completed_on": "2026-07-01",
        },
    )
    if persona in COMPLETION_RECORDERS:
        assert response.status_code == 302
        created = StaffCompletion.objects.get(name=f"Recorded by {persona}")
        assert created.history.get().history_user == m.user(persona)
        return
    refusal = 400 if persona == "office_a" else 403
    assert (response.status_code, snapshot() == before) == (refusal, True)


# --- the API: lists and details -------------------------------------------------------------


def _api_through(client: Any, url: str) -> tuple[list[dict], int]:
    """Every item of a paginated API list, and its count."""
    items: list[dict] = []
    count = None
    while url:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.json()
        assert set(body) == {"count", "next", "previous", "results"}
        count = body["count"] if count is None else count
        items += body["results"]
        url = body["next"]
    return items, count or 0


def _participation_key(m: DeliverWorld, item: dict) -> str:
    return m.key("Participation", item["id"])


API_LISTS = {
    "activities": ("/api/activities/?page_size=2", "Activity"),
    "participants": ("/api/participants/?page_size=3", "Participation"),
    "partners": ("/api/partners/?page_size=1", "Partner"),
}


@pytest.mark.parametrize("endpoint", API_LISTS)
@pytest.mark.parametrize("persona", PERSONAS)
def test_each_deliver_api_list_returns_exactly_the_personas_scope_on_all_its_pages(
    m, persona, endpoint
):
    url, model = API_LISTS[endpoint]
    items, count = _api_through(api_client(persona), url)
    if model == "Partner":
        seen = _organisation_keys(m, [str(item["id"]) for item in items])
        wanted = SEES_ORGANISATIONS[persona] & PARTNERS
    else:
        seen = [m.key(model, item["id"]) for item in items]
        wanted = expected(persona, model, Do.VIEW)
    assert len(seen) == len(set(seen)) == count
    assert set(seen) == wanted


def _participants_of(persona: str, activities: set[str]) -> int:
    """How many participants of these activities the persona sees."""
    return sum(
        1 for key in expected(persona, "Participation", Do.VIEW) if key.split("/")[0] in activities
    )


@pytest.mark.parametrize("persona", PERSONAS)
def test_an_activity_api_detail_is_found_inside_the_scope_and_counts_only_participants_in_it(
    m, persona
):
    client = api_client(persona)
    for key, pk in m.rows["Activity"].items():
        response = client.get(f"/api/activities/{pk}/")
        visible = key in expected(persona, "Activity", Do.VIEW)
        assert response.status_code == (200 if visible else 404), key
        if visible:
            total = response.json()["participants"]["total"]
            assert total == _participants_of(persona, {key}), key


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_participant_api_detail_is_found_inside_the_scope_and_not_found_outside(m, persona):
    client = api_client(persona)
    for key, pk in m.rows["Participation"].items():
        visible = key in expected(persona, "Participation", Do.VIEW)
        status = client.get(f"/api/participants/{pk}/").status_code
        assert status == (200 if visible else 404), key


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_partner_api_detail_is_found_inside_the_scope_and_counts_only_what_is_in_it(m, persona):
    client = api_client(persona)
    for key in sorted(PARTNERS):
        response = client.get(f"/api/partners/{m.world.organisations[key].pk}/")
        visible = key in SEES_ORGANISATIONS[persona]
        assert response.status_code == (200 if visible else 404), key
        if visible:
            body = response.json()
            provided = {a for a, org in PROVIDERS.items() if org == key}
            seen = provided & expected(persona, "Activity", Do.VIEW)
            assert body["activities_provided"] == len(seen), key
            assert body["participants"]["total"] == _participants_of(persona, seen), key


# --- the API: refused writes ----------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_activity_api_writes_are_refused_outside_the_scope_and_change_nothing(m, persona):
    client = api_client(persona)

    def url(key: str) -> str:
        return f"/api/activities/{m.rows['Activity'][key]}/"

    writes = {
        "patch": lambda key: client.patch(url(key), {"title": "Refused"}, format="json"),
        "delete": lambda key: client.delete(url(key)),
        "import": lambda key: client.post(
            f"{url(key)}participants/import/",
            {"file": _csv("name,sex\nRefused Person,female\n")},
            format="multipart",
        ),
    }
    _check_refusals(m, persona, "Activity", writes)


@pytest.mark.parametrize("persona", PERSONAS)
def test_participant_api_writes_are_refused_outside_the_scope_and_change_nothing(m, persona):
    client = api_client(persona)

    def url(key: str) -> str:
        return f"/api/participants/{m.rows['Participation'][key]}/"

    writes = {
        "patch": lambda key: client.patch(url(key), {"attendance": 100}, format="json"),
        "delete": lambda key: client.delete(url(key)),
    }
    _check_refusals(m, persona, "Participation", writes)


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_api_records_activities_only_inside_the_personas_scope(m, persona):
    client = api_client(persona)
    body = {
        **_french_activity(m, persona),
        "countries": ["FR"],
        "start": "2026-09-01",
        "end": "2026-09-02",
    }
    before = snapshot()
    response = client.post("/api/activities/", body, format="json")
    if persona in FR_ORGANISERS:
        assert response.status_code == 201, response.content
        created = Activity.objects.get(pk=response.json()["id"])
        assert created.history.first().history_user == m.user(persona)
        return
    # Other organisers do not see office B or the French employers (400); the other roles
    # organise nothing (403).
    refusal = 400 if persona in ORGANISERS else 403
    assert (response.status_code, snapshot() == before) == (refusal, True), response.content


# --- the case the issue names ---------------------------------------------------------------


def _amount(digits: str) -> re.Pattern[str]:
    """An amount as any page or locale may write it: 98765, 98,765, 98 765, 98.765…"""
    head, tail = digits[:-3], digits[-3:]
    return re.compile(rf"(?<!\d){head}[\s,.'\u00a0\u202f]?{tail}(?!\d)")


# What the Kenyan ministry's focal point must find nowhere: the French plan, its action and
# budget, the French participants, the French activity and its cost, and the costs of the
# Kenyan activities that are not for the ministry.
HIDDEN_FROM_FOCAL = {
    "the French plan": re.compile("Capacity plan FR"),
    "its action": re.compile("Action of FR"),
    "its budget": _amount("47311"),
    "the French activity": re.compile("Activity fr-emp"),
    "its cost": _amount("98765"),
    "a French participant": re.compile(r"fr-(?:emp|wrk)-p"),
    "the union's activity cost": _amount("31313"),
    "the employers' activity cost": _amount("73737"),
}


def _main(html: str) -> str:
    return html[html.index("<main") : html.index("</main>")]


def test_a_kenyan_focal_point_finds_no_french_plan_participant_cost_or_budget_anywhere(m):
    page, api = page_client(m.world, "focal"), api_client("focal")
    activity, plan = m.rows["Activity"]["ke-gov"], m.plan.plans["KE"]
    french = {
        "activity": m.rows["Activity"]["fr-emp"],
        "plan": m.plan.plans["FR"],
        "participant": m.rows["Participation"]["fr-emp/fr-emp-p"],
        "partner": m.world.organisations["FR-ngo"].pk,
    }
    pages = [
        reverse("deliver:activity-list"),
        reverse("deliver:activity-detail", args=[activity]),
        reverse("deliver:plan-delivery", args=[plan]),
        reverse("deliver:partner-list"),
        reverse("deliver:funding"),
        reverse("deliver:staff-curriculum"),
        "/plan/",
        f"/plan/{plan}/",
    ]
    shown = {url: _main(page.get(url).content.decode()) for url in pages}
    apis = [
        "/api/activities/",
        f"/api/activities/{activity}/",
        "/api/participants/",
        "/api/partners/",
        "/api/plans/",
        f"/api/plans/{plan}/",
        f"/api/plans/{plan}/delivery/",
        "/api/funding-sources/",
    ]
    shown |= {url: api.get(url).content.decode() for url in apis}
    for url, text in shown.items():
        for what, pattern in HIDDEN_FROM_FOCAL.items():
            assert not pattern.search(text), (url, what)
    # The test can fail: the ministry's own activity, its cost and participant are there.
    assert _amount("52525").search(shown[f"/api/activities/{activity}/"])
    assert "ke-gov-p" in shown["/api/participants/"]
    assert "Person ke-gov-p" in shown[reverse("deliver:activity-detail", args=[activity])]
    assert _amount("12500").search(shown[f"/api/plans/{plan}/"])  # the Kenyan plan's budget
    not_found = [
        page.get(reverse("deliver:activity-detail", args=[french["activity"]])),
        page.get(reverse("deliver:plan-delivery", args=[french["plan"]])),
        page.get(reverse("deliver:participant-edit", args=[french["participant"]])),
        page.get(reverse("deliver:partner-detail", args=[french["partner"]])),
        page.get(f"/plan/{french['plan']}/"),
        api.get(f"/api/activities/{french['activity']}/"),
        api.get(f"/api/participants/{french['participant']}/"),
        api.get(f"/api/partners/{french['partner']}/"),
        api.get(f"/api/plans/{french['plan']}/"),
        api.get(f"/api/plans/{french['plan']}/delivery/"),
    ]
    assert [r.status_code for r in not_found] == [404] * len(not_found)


def _hidden_from(persona: str) -> dict[str, re.Pattern[str]]:
    """What the persona must find nowhere: the costs of activities and the budgets of plan
    actions outside its scope, and the people it sees neither directly nor as participants."""
    hidden: dict[str, re.Pattern[str]] = {}
    for key, spec in ACTIVITIES.items():
        if spec[3] and key not in SEES_ACTIVITIES[persona]:
            hidden[f"the cost of {key}"] = _amount(spec[3].split(".")[0])
    for plan, budget in BUDGET.items():
        if plan not in SEES_PLANS[persona]:
            hidden[f"the budget of {plan}"] = _amount(budget.split(".")[0])
    met = {key.split("/")[1] for key in SEES_PARTICIPATIONS[persona]}
    for person in set(PEOPLE) - SEES_PEOPLE[persona] - met:
        hidden[person] = re.compile(rf"\b{person}\b")
    return hidden


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_page_or_api_shows_a_cost_budget_or_person_outside_the_personas_scope(m, persona):
    page, api = page_client(m.world, persona), api_client(persona)
    pages = [
        reverse("deliver:activity-list"),
        reverse("deliver:partner-list"),
        reverse("deliver:funding"),
        reverse("deliver:staff-curriculum"),
        "/plan/",
    ]
    pages += [
        reverse("deliver:activity-detail", args=[m.rows["Activity"][key]])
        for key in SEES_ACTIVITIES[persona]
    ]
    for plan in SEES_PLANS[persona]:
        pk = m.plan.plans[plan]
        pages += [f"/plan/{pk}/", reverse("deliver:plan-delivery", args=[pk])]
    apis = ["/api/activities/", "/api/participants/", "/api/partners/", "/api/plans/"]
    apis += [f"/api/plans/{m.plan.plans[plan]}/" for plan in SEES_PLANS[persona]]
    apis += [f"/api/plans/{m.plan.plans[plan]}/delivery/" for plan in SEES_PLANS[persona]]
    apis += [f"/api/activities/{m.rows['Activity'][key]}/" for key in SEES_ACTIVITIES[persona]]
    shown = {url: _main(page.get(url).content.decode()) for url in pages}
    shown |= {url: api.get(url).content.decode() for url in apis}
    hidden = _hidden_from(persona)
    for url, text in shown.items():
        for what, pattern in hidden.items():
            assert not pattern.search(text), (url, what)


def _totals(html: str) -> dict[str, tuple[Decimal | None, Decimal | None]]:
    """The funding page's totals per currency: (planned, spent), None for "—"."""
    table = html[html.index("Totals per currency") :]
    table = table[: table.index("</table>")]
    totals = {}
    for currency, planned, spent in re.findall(
        r'<th scope="row">([A-Z]{3})</th><td[^>]*>([^<]*)</td><td[^>]*>([^<]*)</td>', table
    ):
        amounts = [re.sub(r"[^\d.]", "", value) or None for value in (planned, spent)]
        totals[currency] = tuple(Decimal(a) if a else None for a in amounts)
    return totals


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_funding_mix_adds_up_only_the_budgets_and_costs_in_scope(m, persona):
    html = _main(page_client(m.world, persona).get(reverse("deliver:funding")).content.decode())
    planned = sum(Decimal(BUDGET[plan]) for plan in SEES_PLANS[persona])  # all in EUR
    spent = sum(
        Decimal(spec[3])
        for key, spec in ACTIVITIES.items()
        if spec[3] and key in SEES_ACTIVITIES[persona]
    )  # all in USD
    wanted = {}
    if planned:
        wanted["EUR"] = (planned, None)
    if spent:
        wanted["USD"] = (None, spent)
    assert (_totals(html) if wanted else {}) == wanted
    if not wanted:
        assert "Totals per currency" not in html


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_column_mapping_of_an_import_is_not_found_outside_the_scope(m, persona):
    """An upload in progress is named by a token; outside the activity's scope, or with a
    token the persona never got, there is nothing to map."""
    client = page_client(m.world, persona)
    for key, pk in m.rows["Activity"].items():
        url = reverse("deliver:import-mapping", args=[pk, "not-a-token"])
        before = snapshot()
        answers = [client.get(url).status_code, client.post(url, {"name": "Name"}).status_code]
        visible = key in expected(persona, "Activity", Do.VIEW)
        wanted = 404 if not visible or persona in ORGANISERS else 403
        assert (answers, snapshot() == before) == ([wanted, wanted], True), key


def test_office_a_cannot_move_a_kenyan_activity_to_france(m):
    activity = m.activity("ke-wrk")
    page, api = page_client(m.world, "office_a"), api_client("office_a")
    before = snapshot()
    moved = api.patch(f"/api/activities/{activity.pk}/", {"countries": ["FR"]}, format="json")
    edit = reverse("deliver:activity-edit", args=[activity.pk])
    form = {
        **_french_activity(m, "office_a"),
        "title": activity.title,
        "office": m.world.offices["a"].pk,
        "beneficiaries": [m.world.organisations["KE-wrk"].pk],
    }
    page_moved = page.post(edit, form)
    assert (moved.status_code, page_moved.status_code) == (400, 400), moved.content
    assert set(moved.json()) == {"countries"}  # France is not in office A's view
    assert snapshot() == before
    assert set(activity.countries.values_list("iso_alpha2", flat=True)) == {"KE"}


def test_a_focal_point_cannot_add_participants_or_activities_for_their_ministry(m):
    """The focal point sees the ministry's activity and participant, and changes neither."""
    activity, participation = m.activity("ke-gov"), m.rows["Participation"]["ke-gov/ke-gov-p"]
    page, api = page_client(m.world, "focal"), api_client("focal")
    before = snapshot()
    answers = [
        api.patch(f"/api/activities/{activity.pk}/", {"title": "Mine"}, format="json"),
        api.patch(f"/api/participants/{participation}/", {"attendance": 90}, format="json"),
        api.delete(f"/api/participants/{participation}/"),
        page.post(reverse("deliver:activity-edit", args=[activity.pk]), {"title": "Mine"}),
        page.post(reverse("deliver:participant-edit", args=[participation]), {"attendance": 90}),
    ]
    assert [r.status_code for r in answers] == [403] * len(answers)
    assert snapshot() == before


def test_an_anonymous_visitor_is_sent_to_log_in_and_an_anonymous_api_client_refused(m):
    client = Client()
    activity, participation = (
        m.rows["Activity"]["ke-gov"],
        m.rows["Participation"]["ke-gov/ke-gov-p"],
    )
    pages = [
        reverse("deliver:activity-list"),
        reverse("deliver:activity-create"),
        reverse("deliver:activity-detail", args=[activity]),
        reverse("deliver:import-detail", args=[m.rows["ParticipantImport"]["ke-gov"]]),
        reverse("deliver:participant-edit", args=[participation]),
        reverse("deliver:partner-list"),
        reverse("deliver:funding"),
        reverse("deliver:staff-curriculum"),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/login/?next="), url
    before = snapshot()
    apis = [
        "/api/activities/",
        f"/api/activities/{activity}/",
        "/api/participants/",
        "/api/partners/",
    ]
    assert [client.get(url).status_code for url in apis] == [401] * len(apis)
    assert client.delete(f"/api/participants/{participation}/").status_code == 401
    assert (
        client.post(reverse("deliver:participant-delete", args=[participation])).status_code == 302
    )
    assert snapshot() == before


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_staff_completion_form_is_offered_to_hq_administrators_and_offices(m, persona):
    status = (
        page_client(m.world, persona).get(reverse("deliver:staff-completion-create")).status_code
    )
    assert status == (200 if persona in {"hq", "admin", "office_a", "office_b"} else 403)


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_plans_delivery_through_the_api_holds_only_what_is_in_scope(m, persona):
    client = api_client(persona)
    for key, pk in m.plan.plans.items():
        response = client.get(f"/api/plans/{pk}/delivery/")
        visible = key in SEES_PLANS[persona]
        assert response.status_code == (200 if visible else 404), key
        if not visible:
            continue
        body = response.json()
        delivering = {a for a, spec in ACTIVITIES.items() if spec[4] == key}
        listed = {m.key("Activity", a) for action in body["actions"] for a in action["activities"]}
        assert listed == delivering & expected(persona, "Activity", Do.VIEW), key
        assert body["participants"]["total"] == _participants_of(persona, delivering), key
