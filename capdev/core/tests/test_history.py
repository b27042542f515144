from capdev.core import services
from capdev.core.history import history_of
from capdev.test import PASSWORD


def test_the_detail_page_shows_who_changed_what_and_when(client, world):
    organisation = world.organisations["KE-wrk"]
    services.organisation_update(
        user=world.users["office_a"], organisation=organisation, data={"acronym": "KWC"}
    )
    client.login(username="hq", password=PASSWORD)
    page = client.get(f"/organisations/{organisation.pk}/").content.decode()
    history = page[page.index('id="history-heading"') :]
    assert "office_a" in history
    assert "KWC" in history
    assert "changed" in history


def test_a_deleted_organisation_keeps_its_history(world):
    organisation = world.organisations["KE-ngo"]
    pk = organisation.pk
    services.organisation_delete(user=world.users["hq"], organisation=organisation)
    records = organisation.history.model.objects.filter(id=pk)
    assert [r.history_type for r in records.order_by("history_date")] == ["+", "-"]
    assert records.get(history_type="-").history_user == world.users["hq"]


def test_office_coverage_changes_are_audited(world):
    office = world.offices["a"]
    office.countries.remove(world.countries["UG"])
    latest = history_of(office)[0]
    assert [(c.field, c.old, c.new) for c in latest.changes] == [
        ("countries covered", "Uganda", "")
    ]
