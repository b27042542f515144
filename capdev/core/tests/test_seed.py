import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.test import override_settings

from capdev.core import demo
from capdev.core.models import (
    ConstituentGroup,
    Country,
    DemoDataset,
    Grant,
    Office,
    Organisation,
    OrganisationKind,
)
from capdev.core.scoping import scoped

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """Seeded once for the module (it takes seconds); tests that reseed do so inside their own
    transaction, which is rolled back, and the data is reset after the module."""
    fast_hashing = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # as conftest.py sets
    with (
        django_db_blocker.unblock(),
        override_settings(DEBUG=True, PASSWORD_HASHERS=fast_hashing),
    ):
        try:
            call_command("seed", "--scale", "small", verbosity=0)
            yield
        finally:
            demo.reset()


def test_every_member_state_gets_its_tripartite_constituents(seeded):
    for kind in (
        OrganisationKind.MINISTRY_OF_LABOUR,
        OrganisationKind.NATIONAL_TRADE_UNION_CENTRE,
        OrganisationKind.EMPLOYERS_ORGANISATION,
    ):
        covered = Organisation.objects.filter(kind=kind).values("country").distinct().count()
        assert covered == Country.objects.count(), kind


def test_every_country_is_covered_by_a_country_office_and_its_regional_office(seeded):
    uncovered = Country.objects.exclude(offices__kind=Office.Kind.COUNTRY_OFFICE)
    assert list(uncovered) == []
    for office in Office.objects.filter(kind=Office.Kind.REGIONAL_OFFICE):
        assert office.countries.exclude(region=office.region).count() == 0
        assert office.countries.count() == office.region.countries.count()


def test_the_dataset_is_labelled_synthetic_and_reproducible(seeded):
    assert DemoDataset.objects.get().scale == "small"
    assert set(Organisation.objects.values_list("notes", flat=True)) == {"Synthetic demo record."}
    first = list(Organisation.objects.order_by("name").values_list("name", "kind")[:50])
    call_command("seed", "--scale", "small", "--reset", verbosity=0)
    again = list(Organisation.objects.order_by("name").values_list("name", "kind")[:50])
    assert first == again


def test_it_creates_one_demo_user_per_role_with_the_scope_the_issue_names(seeded):
    grants = {g.user.username: g for g in Grant.objects.select_related("user", "office")}
    assert set(grants) == {"admin", "hq", "office", "specialist", "focal", "evaluator", "viewer"}
    assert grants["office"].office.kind == Office.Kind.COUNTRY_OFFICE
    assert grants["office"].office.countries.count() >= 3
    assert grants["specialist"].group == ConstituentGroup.WORKERS
    assert grants["specialist"].region is None
    assert grants["focal"].organisation is not None
    # the focal point's organisation lies in the office user's countries, so the two can meet
    focal_org = grants["focal"].organisation
    assert scoped(grants["office"].user, Organisation.objects.filter(pk=focal_org.pk)).exists()
    assert get_user_model().objects.get(username="office").check_password("demo")


def test_it_refuses_a_database_that_already_has_data(seeded):
    with pytest.raises(CommandError, match="--reset"):
        call_command("seed", "--scale", "small", verbosity=0)


def test_no_demo_users_when_debug_is_off_unless_asked_with_the_password_of_the_setting(settings):
    settings.DEBUG = False
    settings.CAPDEV_DEMO_PASSWORD = "another-pass"
    call_command("seed", "--scale", "small", "--reset", verbosity=0)
    assert not get_user_model().objects.exists()
    call_command("seed", "--scale", "small", "--reset", "--with-demo-users", verbosity=0)
    assert get_user_model().objects.filter(username="viewer").exists()
    assert get_user_model().objects.get(username="hq").check_password("another-pass")


def test_membership_figures_span_several_years_for_workers_and_employers(seeded):
    years = (
        Organisation.objects.filter(
            group__in=[ConstituentGroup.WORKERS, ConstituentGroup.EMPLOYERS]
        )
        .annotate(n=Count("memberships"))
        .values_list("n", flat=True)
    )
    assert min(years) == len(demo.MEMBERSHIP_YEARS)


def test_seeded_rows_have_a_creation_in_their_history(seeded):
    organisation = Organisation.objects.first()
    assert organisation.history.filter(history_type="+").count() == 1
