from capdev.core.models import Organisation
from capdev.core.scoping import scoped


def test_office_staff_see_the_organisations_of_their_countries_only(world):
    visible = scoped(world.users["office_a"], Organisation.objects.all())
    assert {o.country.iso_alpha2 for o in visible} == {"KE", "UG"}
    assert visible.count() == 8
