"""Headless Chromium against pytest-django's live server: one browser per session."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.models import Model
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    expect,
    sync_playwright,
)

from capdev.core.models import Country
from capdev.core.reference import load_reference_data
from capdev.test import PASSWORD, World, make_world

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SHOTS = Path("/tmp/capdev-shots")
TIMEOUT_MS = 5_000


@pytest.fixture(scope="package", autouse=True)
def _allow_orm_beside_playwright() -> Iterator[None]:
    """Playwright's sync API runs an event loop in the test thread, so Django's async-safety
    check would refuse the ORM calls these tests make (make_world(), the database flush
    between tests, reading back what a form saved). Nothing here is async.

    Set for this package's tests only, not at import: subprocesses that other tests start
    (`capdev check --deploy`) would inherit it and fail with async.E001. Package scope so
    that it is set before pytest-django's own fixtures set up and flush the database.
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture(scope="session")
def browser(django_db_setup: None) -> Iterator[Browser]:
    """Started after the test database exists: its creation must not meet Playwright's loop."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@functools.cache
def _migrated_models() -> tuple[type[Model], type[Model]]:
    """Region and Country as the data migration sees them (no history rows on loading)."""
    apps = MigrationLoader(connection).project_state().apps
    return apps.get_model("core", "Region"), apps.get_model("core", "Country")


@pytest.fixture
def world(live_server: object, transactional_db: None) -> World:
    """The shared personas, on a live server.

    The live server needs a transactional database, which is flushed after each test,
    taking the reference data (regions and countries, from a data migration) with it; it is
    loaded again here. (serialized_rollback is not enough: once other database tests have
    run first, the connection the browser tests see carries no serialized copy, and nothing
    is restored.)
    """
    if not Country.objects.exists():
        load_reference_data(*_migrated_models())
    return make_world()


@dataclass
class Visit:
    """One user's tab, with what the browser console complained about along the way."""

    page: Page
    base_url: str
    console_errors: list[str] = field(default_factory=list)

    def goto(self, path: str) -> None:
        self.page.goto(self.base_url + path)

    def shot(self, name: str) -> Path:
        SHOTS.mkdir(parents=True, exist_ok=True)
        path = SHOTS / f"{name}.png"
        self.page.screenshot(path=path, full_page=True)
        return path

    def log_in(self, username: str, password: str = PASSWORD) -> None:
        self.goto("/login/")
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", password)
        with self.page.expect_navigation():
            self.page.locator("main form button[type=submit]").click()


def _open_visit(browser: Browser, base_url: str) -> tuple[BrowserContext, Visit]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    visit = Visit(page=page, base_url=base_url)

    def on_console(message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        url = message.location.get("url", "")
        # A page answered with 400 (a refused form) is logged as a failed load of the page
        # itself: the status is the point, not an error. The missing favicon has its own test.
        if message.text.startswith("Failed to load resource") and (
            url == page.url or url.endswith("/favicon.ico")
        ):
            return
        visit.console_errors.append(f"{message.text} @ {url}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: visit.console_errors.append(f"uncaught: {error}"))
    return context, visit


@pytest.fixture
def visit(browser: Browser, live_server: object, world: World) -> Iterator[Visit]:
    context, visit = _open_visit(browser, live_server.url)
    yield visit
    context.close()


@pytest.fixture
def another_visit(
    browser: Browser, live_server: object, world: World
) -> Iterator[Callable[[], Visit]]:
    """Opens more tabs, each in a fresh browser context (its own cookies): another user."""
    contexts: list[BrowserContext] = []

    def open_visit() -> Visit:
        context, visit = _open_visit(browser, live_server.url)
        contexts.append(context)
        return visit

    yield open_visit
    for context in contexts:
        context.close()


UNLABELLED_CONTROLS = """() => [...document.querySelectorAll('input, select, textarea')]
  .filter(el => !['hidden', 'submit', 'button', 'reset', 'image'].includes(el.type))
  .filter(el => !(el.labels && el.labels.length)
             && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby'))
  .map(el => el.outerHTML)"""

DUPLICATE_IDS = """() => {
  const ids = [...document.querySelectorAll('[id]')].map(el => el.id);
  return [...new Set(ids.filter((id, i) => ids.indexOf(id) !== i))];
}"""


def basics_problems(visit: Visit) -> list[str]:
    """What the loaded page gets wrong: skip link, labels, ids, headings, console."""
    page, problems = visit.page, []
    page.keyboard.press("Tab")
    first = page.evaluate(
        """() => { const el = document.activeElement; const r = el.getBoundingClientRect();
                   return [el.className, el.getAttribute('href'),
                           r.top >= 0 && r.bottom <= innerHeight && r.height > 0]; }"""
    )
    if first != ["skip-link", "#main", True]:
        problems.append(f"first Tab stop is not a visible skip link to #main: {first}")
    page.keyboard.press("Enter")
    try:
        expect(page.locator("main#main")).to_be_focused(timeout=1_000)
    except AssertionError:
        problems.append("the skip link does not move focus to main#main")
    if unlabelled := page.evaluate(UNLABELLED_CONTROLS):
        problems.append(f"controls without a label: {unlabelled}")
    if duplicates := page.evaluate(DUPLICATE_IDS):
        problems.append(f"duplicate ids: {duplicates}")
    if (headings := page.locator("h1").count()) != 1:
        problems.append(f"{headings} h1 elements")
    if visit.console_errors:
        problems.append(f"console errors: {visit.console_errors}")
    return problems
