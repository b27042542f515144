"""The report pages: the list of reports with its pickers, the progress report and the
country profile on screen, each in its reader's scope."""

from __future__ import annotations

import pytest
from django.test import Client


def client_for(world, persona: str) -> Client:
    client = Client()
    client.force_login(world.users[persona])
    return client


def test_the_reports_page_offers_the_bienniums_and_the_countries_in_scope(reported):
    html = client_for(reported, "office_a").get("/reports/").content.decode()
    assert '<option value="2020-21"' in html
    assert '<option value="2022-23"' in html
    assert '<option value="KEN">' in html and '<option value="UGA">' in html
    assert '<option value="FRA">' not in html
    assert 'href="/reports/progress/"' in html or 'action="/reports/progress/"' in html


def test_the_country_picker_opens_the_profile_of_a_country_in_scope(reported):
    client = client_for(reported, "office_a")
    response = client.get("/reports/", {"country": "KEN"})
    assert (response.status_code, response["Location"]) == (302, "/reports/countries/KEN/")
    refused = client.get("/reports/", {"country": "FRA"})
    assert refused.status_code == 400
    assert "that one is not in your scope" in refused.content.decode()


def test_the_progress_page_shows_every_section_with_its_figures(reported):
    response = client_for(reported, "hq").get("/reports/progress/", {"biennium": "2020-21"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Progress report 2020-21</h1>" in html
    for section in ("deliverables", "indicators", "capacity", "parity", "delivery", "funding"):
        assert f'<section id="{section}"' in html
    assert "3 deliverables of the strategy are due in 2020-21; 1 done." in html
    assert "2 activities held in 2020-21." in html
    assert "5 participants, 3 of them women (60.0 %)." in html
    assert "P-UG Plan indicator" in html
    assert 'id="report-chart-deliverables"' in html  # the chart's spec, drawn in the browser
    assert 'href="/reports/progress.pdf?biennium=2020-21"' in html
    assert 'value="progress_pdf"' in html and 'value="progress_xlsx"' in html


def test_a_focal_points_progress_page_leaves_out_what_they_do_not_see(reported):
    html = client_for(reported, "focal").get("/reports/progress/?biennium=2020-21").content.decode()
    assert "P-UG" not in html
    assert "1 activity held in 2020-21." in html
    assert "2 participants, 1 of them women (50.0 %)." in html


def test_a_biennium_written_wrongly_gets_400_and_the_reason_on_the_page(reported):
    response = client_for(reported, "hq").get("/reports/progress/", {"biennium": "2020-2021"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "“2020-2021” is not a biennium: write it as 2020-21 (YYYY-YY)." in html
    assert 'aria-invalid="true"' in html
    assert '<section id="deliverables"' not in html


def test_signed_out_visitors_are_sent_to_log_in(reported):
    for url in ("/reports/", "/reports/progress/", "/reports/countries/KEN/"):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")


def test_the_country_profile_shows_constituents_needs_plans_activities_and_delegations(
    reported,
):
    profile = client_for(reported, "hq").get("/reports/countries/KEN/")
    assert profile.status_code == 200
    html = profile.content.decode()
    assert "Country profile: Kenya" in html
    for organisation in (
        "Ministry of Labour KE",
        "Trade Union Centre KE",
        "Employers Federation KE",
    ):
        assert organisation in html
    assert "+100.0" in html  # the ministry's grid cells, 0 % → 100 %
    assert "Inspection planning" in html and "Ugandan need" not in html
    assert "Kenyan ministry plan" in html and "Ugandan ministry plan" not in html
    assert "4 activities in the country." in html
    assert "5 participants, 3 of them women (60.0 %)." in html
    assert "2 / 3 (66.7 %)" in html  # the 2021 delegation


def test_a_focal_point_sees_their_organisation_in_the_country_profile(reported):
    html = client_for(reported, "focal").get("/reports/countries/KEN/").content.decode()
    assert "Ministry of Labour KE" in html
    assert "Trade Union Centre KE" not in html
    assert "4 participants, 2 of them women (50.0 %)." in html


@pytest.mark.parametrize(("persona", "status"), [("office_b", 404), ("outsider", 404)])
def test_a_country_outside_the_scope_has_no_profile(reported, persona, status):
    assert client_for(reported, persona).get("/reports/countries/KEN/").status_code == status


def test_the_progress_page_takes_a_bounded_number_of_queries(
    many_indicators, django_assert_max_num_queries
):
    client = client_for(many_indicators, "hq")
    # 28 indicators: a status read per indicator would take 56 more queries.
    with django_assert_max_num_queries(55):
        response = client.get("/reports/progress/?biennium=2020-21")
    assert response.content.decode().count("BULK-") == 25


# Which personas open the profile of Kenya and of Thailand (capdev.test's world).
OPENS = {
    "hq": {"KEN", "THA"},
    "evaluator": {"KEN", "THA"},
    "admin": {"KEN", "THA"},
    "office_a": {"KEN"},
    "office_b": set(),
    "workers": {"KEN", "THA"},
    "employers_af": {"KEN"},
    "focal": {"KEN"},
    "viewer": {"THA"},
    "outsider": set(),
}


@pytest.mark.parametrize("persona", sorted(OPENS))
def test_each_persona_opens_the_profiles_of_the_countries_in_its_scope(reported, persona):
    client = client_for(reported, persona)
    opened = {
        iso3
        for iso3 in ("KEN", "THA")
        if client.get(f"/reports/countries/{iso3}/").status_code == 200
    }
    assert opened == OPENS[persona]
