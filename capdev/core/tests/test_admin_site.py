from django.contrib.auth import get_user_model

from capdev.test import PASSWORD


def test_staff_who_are_not_administrators_cannot_enter_the_unscoped_admin_site(client, world):
    user = world.users["office_a"]
    user.is_staff = True
    user.save()
    client.login(username="office_a", password=PASSWORD)
    response = client.get("/admin/core/organisation/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_administrators_manage_grants_in_the_admin_site(client, world):
    client.login(username="admin", password=PASSWORD)
    response = client.get("/admin/core/grant/")
    assert response.status_code == 200
    assert b"office_a" in response.content
    assert get_user_model().objects.get(username="admin").is_superuser
