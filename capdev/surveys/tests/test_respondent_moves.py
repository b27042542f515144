"""A response follows its organisation: when the organisation moves country or constituent
group, the offices and specialists who see the response (and count it in results) change with
it. Offices: "a" covers KE and UG, "b" covers FR and DE; "employers_af" is the employers'
specialist for Africa, "workers" the workers' specialist worldwide."""

from __future__ import annotations

import pytest

from capdev.core import services as core_services
from capdev.core.scoping import scoped
from capdev.surveys import selectors, services
from capdev.surveys.models import Answer, Response

from .conftest import Fixture


@pytest.fixture
def answered(fixture: Fixture, world) -> Fixture:
    for key, text in (("KE-gov", "Follow-up"), ("UG-gov", ""), ("KE-wrk", "More courses")):
        services.response_submit(
            user=None,
            survey=fixture.survey,
            organisation=world.organisations[key],
            answers=fixture.answers(text=text),
        )
    return fixture


def seen(world, persona: str) -> set[str]:
    rows = scoped(world.users[persona], Response.objects.select_related("organisation"))
    return {row.organisation.name for row in rows}


def texts_seen(world, persona: str) -> set[str]:
    answers = scoped(world.users[persona], Answer.objects.exclude(text=""))
    return set(answers.values_list("text", flat=True))


def respondents(world, persona: str, fixture: Fixture) -> dict[str, int]:
    """Respondents per column of the first question's results, as `persona` sees them."""
    results = selectors.survey_results(world.users[persona], fixture.survey)
    return {str(column.key): column.respondents for column in results.questions[0].columns}


def move(world, key: str, **data) -> None:
    core_services.organisation_update(
        user=world.users["hq"], organisation=world.organisations[key], data=data
    )


def test_a_response_moves_to_the_office_of_its_organisations_new_country(answered, world):
    union = world.organisations["KE-wrk"].name
    assert union in seen(world, "office_a") and union not in seen(world, "office_b")
    assert respondents(world, "office_a", answered)["workers"] == 1
    assert respondents(world, "office_b", answered)["all"] == 0

    move(world, "KE-wrk", country=world.countries["FR"])

    assert seen(world, "office_a") == {
        world.organisations["KE-gov"].name,
        world.organisations["UG-gov"].name,
    }
    assert seen(world, "office_b") == {union}
    assert texts_seen(world, "office_a") == {"Follow-up"}
    assert texts_seen(world, "office_b") == {"More courses"}
    assert respondents(world, "office_a", answered) == {
        "government": 2,
        "workers": 0,
        "employers": 0,
        "other": 0,
        "all": 2,
    }
    assert respondents(world, "office_b", answered) == {
        "government": 0,
        "workers": 1,
        "employers": 0,
        "other": 0,
        "all": 1,
    }
    # HQ still counts all three; the move is in the response's change history, by HQ.
    assert respondents(world, "hq", answered)["all"] == 3
    response = Response.objects.get(organisation=world.organisations["KE-wrk"])
    assert response.country == world.countries["FR"]
    last = response.history.first()
    assert last.country_id == world.countries["FR"].pk
    assert last.history_user == world.users["hq"]


def test_a_response_moves_to_the_specialist_of_its_organisations_new_group(answered, world):
    ministry = world.organisations["UG-gov"]
    assert ministry.name not in seen(world, "employers_af")
    assert respondents(world, "employers_af", answered)["all"] == 0

    move(world, "UG-gov", group="employers", kind="employers_organisation")

    assert seen(world, "employers_af") == {ministry.name}
    assert respondents(world, "employers_af", answered) == {
        "government": 0,
        "workers": 0,
        "employers": 1,
        "other": 0,
        "all": 1,
    }
    assert respondents(world, "hq", answered) == {
        "government": 1,
        "workers": 1,
        "employers": 1,
        "other": 0,
        "all": 3,
    }
    assert ministry.name not in seen(world, "workers")


def test_an_unchanged_organisation_leaves_its_responses_alone(answered, world):
    before = Response.history.count()
    move(world, "KE-wrk", name="Trade Union Centre KE (renamed)")
    assert Response.history.count() == before
    assert respondents(world, "office_a", answered)["workers"] == 1
