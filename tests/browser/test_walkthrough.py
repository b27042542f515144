"""A country-office user's walk through capdev in a real browser, in Chinese.

office_a works for the Country Office for Kenya and Uganda. They log in, switch the page
to Chinese, find Kenya's organisations, look at Kenya's tripartite constituents side by
side, correct an organisation's acronym and see the change recorded. Screenshots of every
step go to /tmp/capdev-shots/ for a person to look at.
"""

from __future__ import annotations

import re

import pytest
from django.utils.translation import gettext, override
from playwright.sync_api import Page, expect

from capdev.core.models import Organisation
from capdev.test import World

from .conftest import DUPLICATE_IDS, UNLABELLED_CONTROLS, Visit

pytestmark = pytest.mark.browser

CHINESE = "zh-hans"


def chinese(message: str) -> str:
    """The Chinese of a UI string; fails when the catalogue has no translation for it."""
    with override(CHINESE):
        translated = gettext(message)
    assert translated != message, f"no Chinese translation of {message!r} (capdev/locale?)"
    return translated


def switch_language(page: Page, code: str) -> None:
    page.select_option("#language-select", code)
    with page.expect_navigation():
        page.locator("form.language button[type=submit]").click()


def test_office_user_works_through_kenya_in_chinese(visit: Visit, world: World) -> None:
    page = visit.page
    organisations_label = chinese("Organisations")

    visit.goto("/login/")
    visit.shot("00-login-en")
    visit.log_in("office_a")
    expect(page).to_have_url(visit.base_url + "/")
    visit.shot("01-home-en")

    switch_language(page, CHINESE)
    expect(page.locator("html")).to_have_attribute("lang", CHINESE)
    expect(page.locator("nav.ref-nav a[href='/organisations/']")).to_have_text(organisations_label)
    expect(page.locator("#language-select")).to_have_value(CHINESE)
    visit.shot("02-home-zh")

    # Find Kenya's organisations with the live search (HTMX swaps the results in place).
    page.locator("nav.ref-nav a[href='/organisations/']").click()
    expect(page.locator("h1")).to_have_text(organisations_label)
    page.wait_for_load_state("load")  # htmx (a deferred script) must be listening first
    with page.expect_response(lambda response: "q=Kenya" in response.url):
        page.fill("#id_q", "Kenya")
    results = page.locator("#results tbody tr td:first-child a")
    expect(results).to_have_text(
        [
            "Employers Federation KE",
            "Ministry of Labour KE",
            "Trade Union Centre KE",
            "Women's Rights Group KE",
        ]
    )
    table = page.locator("#results table")
    expect(table).not_to_contain_text("FR")
    expect(table).not_to_contain_text("UG")
    expect(table.locator("a[href='/countries/FR/'], a[href='/countries/UG/']")).to_have_count(0)
    expect(page).to_have_url(re.compile(r"/organisations/\?.*q=Kenya"))
    visit.shot("03-organisations-search-kenya-zh")

    # Kenya's tripartite view: government, employers and workers side by side.
    page.locator("#results a[href='/countries/KE/']").first.click()
    expect(page).to_have_url(visit.base_url + "/countries/KE/")
    columns = page.locator(".tripartite > section.group")
    expect(columns.locator("h3")).to_have_text(
        [chinese("Government"), chinese("Employers"), chinese("Workers")]
    )
    expect(columns.nth(0).locator("li a")).to_have_text(["Ministry of Labour KE"])
    expect(columns.nth(1).locator("li a")).to_have_text(["Employers Federation KE"])
    expect(columns.nth(2).locator("li a")).to_have_text(["Trade Union Centre KE"])
    expect(page.locator("#others-heading + ul a")).to_have_text(["Women's Rights Group KE"])
    visit.shot("04-kenya-tripartite-zh")
    page.set_viewport_size({"width": 390, "height": 844})
    visit.shot("04b-kenya-tripartite-zh-phone")
    page.set_viewport_size({"width": 1280, "height": 900})

    # Correct the workers' centre's acronym.
    union = world.organisations["KE-wrk"]
    columns.nth(2).locator("li a").click()
    expect(page).to_have_url(f"{visit.base_url}/organisations/{union.pk}/")
    page.locator(f"a[href='/organisations/{union.pk}/edit/']").click()
    expect(page.locator("#id_name")).to_have_value("Trade Union Centre KE")
    page.fill("#id_acronym", "COTU-K")
    visit.shot("05-organisation-edit-zh")
    with page.expect_navigation():
        page.locator("main form.stacked button[type=submit]").click()

    expect(page).to_have_url(f"{visit.base_url}/organisations/{union.pk}/")
    expect(page.locator("h1")).to_have_text("Trade Union Centre KE (COTU-K)")
    expect(page.locator(".messages")).to_have_text(chinese("Organisation saved."))
    latest = page.locator("section.history tbody tr").first
    expect(latest).to_contain_text("office_a")
    expect(latest.locator("ins")).to_have_text(["COTU-K"])
    visit.shot("06-organisation-saved-zh")

    union.refresh_from_db()
    assert union.acronym == "COTU-K"
    assert union.name == "Trade Union Centre KE"
    assert visit.console_errors == []


def _submit_an_edit_without_a_name(visit: Visit, organisation: Organisation) -> int:
    """As office_a, empty the name, change the acronym to MOL, submit; the answer's status."""
    page = visit.page
    visit.log_in("office_a")
    visit.goto(f"/organisations/{organisation.pk}/edit/")
    page.fill("#id_name", "")
    page.fill("#id_acronym", "MOL")
    with page.expect_navigation() as navigation:
        page.locator("main form.stacked button[type=submit]").click()
    return navigation.value.status


def test_an_edit_with_no_name_is_refused_on_screen_and_saves_nothing(
    visit: Visit, world: World
) -> None:
    page = visit.page
    ministry = world.organisations["KE-gov"]
    status = _submit_an_edit_without_a_name(visit, ministry)

    assert status == 400
    expect(page.locator("#form-errors")).to_be_visible()
    name = page.locator("#id_name")
    expect(name).to_have_attribute("aria-invalid", "true")
    # Django ties the error list to the input with aria-describedby.
    expect(page.locator("#id_name_error")).to_have_text("This field is required.")
    expect(name).to_have_attribute("aria-describedby", re.compile(r"\bid_name_error\b"))
    expect(page.locator("#id_acronym")).to_have_value("MOL")
    visit.shot("07-organisation-edit-invalid-en")

    ministry.refresh_from_db()
    assert (ministry.name, ministry.acronym) == ("Ministry of Labour KE", "")
    assert ministry.history.count() == 1
    assert visit.console_errors == []


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/organisations/",
        "/organisations/{pk}/",
        "/organisations/{pk}/edit/",
        "/countries/",
        "/countries/KE/",
        "/offices/",
    ],
)
def test_keyboard_and_screen_reader_basics(visit: Visit, world: World, path: str) -> None:
    page = visit.page
    visit.log_in("office_a")
    visit.goto(path.format(pk=world.organisations["KE-wrk"].pk))

    page.keyboard.press("Tab")
    focused = page.locator(":focus")
    expect(focused).to_have_class("skip-link")
    expect(focused).to_have_attribute("href", "#main")
    expect(focused).to_be_in_viewport()
    if path == "/organisations/{pk}/edit/":
        visit.shot("08-skip-link-focused")
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()

    assert page.evaluate(UNLABELLED_CONTROLS) == []
    assert page.evaluate(DUPLICATE_IDS) == []
    expect(page.locator("h1")).to_have_count(1)
    assert visit.console_errors == []


# Known faults in the pages, each checked on its own so the walkthrough above stays readable.
# They fail until the page is fixed; see the browser test report for the suggested fixes.
# Plain asserts (no auto-wait): the page has loaded, a fault should fail fast.

SETTLED = """() => !document.querySelector(
  '.htmx-request, .htmx-swapping, .htmx-settling, .htmx-added')"""


@pytest.mark.parametrize(
    ("path", "search"),
    [("/organisations/", "#id_q"), ("/countries/", "#country-q"), ("/offices/", "#office-q")],
)
def test_live_search_replaces_the_results_instead_of_nesting_them(
    visit: Visit, world: World, path: str, search: str
) -> None:
    page = visit.page
    visit.log_in("office_a")
    visit.goto(path)
    with page.expect_response(lambda response: "q=K" in response.url):
        page.fill(search, "K")
    page.wait_for_function(SETTLED)
    # hx-target="#results" swaps innerHTML with a partial that is itself <div id="results">:
    # every search nests one more live region with the same id inside the last one.
    assert page.locator("[id=results]").count() == 1, "nested #results after a live search"


def test_a_refused_edit_keeps_the_saved_name_in_the_heading(visit: Visit, world: World) -> None:
    page = visit.page
    _submit_an_edit_without_a_name(visit, world.organisations["KE-gov"])
    # Nothing was saved, so the heading names the organisation as it is, not as typed.
    assert page.locator("h1").inner_text() == "Edit Ministry of Labour KE"


def test_membership_figures_not_recorded_show_a_dash(visit: Visit, world: World) -> None:
    page = visit.page
    union = world.organisations["KE-wrk"]  # 2024: members and women members, no potential
    visit.log_in("office_a")
    visit.goto(f"/organisations/{union.pk}/")
    row = page.locator("#memberships tbody tr").first
    assert row.locator("td").nth(0).inner_text() == "2024"
    assert row.locator("td").nth(4).inner_text() == "—", "potential members not recorded"


def test_pages_name_an_icon_so_browsers_do_not_fetch_a_missing_favicon(
    visit: Visit, world: World
) -> None:
    page = visit.page
    visit.goto("/login/")
    declared = page.locator("link[rel~=icon]").count() > 0
    fallback = page.request.get(visit.base_url + "/favicon.ico").status
    # Without either, Chromium fetches /favicon.ico, gets 404 and logs a console error.
    assert declared or fallback == 200, f"no <link rel=icon>, /favicon.ico is {fallback}"
