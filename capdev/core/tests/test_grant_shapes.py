import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from capdev.core.models import ConstituentGroup, Grant, Region, Role


@pytest.fixture
def user(db):
    return get_user_model().objects.create_user(username="someone")


@pytest.mark.parametrize(
    ("role", "missing"),
    [(Role.OFFICE, "office"), (Role.SPECIALIST, "group"), (Role.FOCAL_POINT, "organisation")],
)
def test_a_role_without_its_scope_field_is_refused(user, role, missing):
    with pytest.raises(ValidationError) as error:
        Grant(user=user, role=role).full_clean()
    assert missing in error.value.message_dict


def test_a_global_role_takes_no_scope(user):
    grant = Grant(user=user, role=Role.HQ, group=ConstituentGroup.WORKERS)
    with pytest.raises(ValidationError) as error:
        grant.full_clean()
    assert "group" in error.value.message_dict


def test_a_specialist_may_be_limited_to_a_region(user):
    grant = Grant(
        user=user,
        role=Role.SPECIALIST,
        group=ConstituentGroup.EMPLOYERS,
        region=Region.objects.get(code="AFRICA"),
    )
    grant.full_clean()


def test_a_viewer_has_one_scope_at_most(user, world):
    grant = Grant(
        user=user,
        role=Role.VIEWER,
        region=Region.objects.get(code="AFRICA"),
        office=world.offices["a"],
    )
    with pytest.raises(ValidationError) as error:
        grant.full_clean()
    assert "role" in error.value.message_dict
