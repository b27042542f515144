"""Every persona × every diagnose model, page and endpoint: each sees and changes its scope.

The diagnose world is built on the shared personas of `capdev.test.make_world()`: one
published instrument open to every group, and for every organisation of the world an earlier
assessment (2024, nothing scored) and a current one (2025: a participant and the two required
items scored), each with its area and grid-cell summaries, one need marked from the current
assessment and one need recorded on its own.

As in capdev/core/tests/test_scope_matrix.py, the expected scopes are written down from the
facts of the world (who sees which organisation, which roles write, validate or maintain
instruments; see docs/access.md) and never computed with `scoped()`.

The world is built once per module inside an outer transaction; every test runs in its own
savepoint on top of it and is rolled back (what Django's `setUpTestData` does), so each test
starts from the same freshly built world without paying for it ~100 times.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Model
from django.test import Client, override_settings

from capdev.core.scoping import Action, scoped
from capdev.core.tests.test_scope_matrix import (
    PERSONAS,
    SEES_ORGANISATIONS,
    WRITE_TARGETS,
    WRITERS,
    api_client,
    orgs,
    page_client,
    sees_countries,
)
from capdev.diagnose import services
from capdev.diagnose.models import (
    Area,
    AreaScore,
    Assessment,
    CapacityType,
    CellScore,
    Instrument,
    InstrumentVersion,
    Item,
    ItemScore,
    Level,
    Need,
    Participant,
    Sex,
    Theme,
)
from capdev.diagnose.tests.workbooks import published_version, workbook
from capdev.test import World, make_world

# --- the facts of the diagnose world ------------------------------------------------------

ORGANISATIONS = sorted(orgs())  # every organisation of make_world() is assessed
EARLIER, CURRENT = "2024", "2025"  # the years of each organisation's two assessments
YEARS = (EARLIER, CURRENT)
INSTRUMENT = "test_instrument"  # workbooks.workbook(): no group restriction
AREAS = ("leadership", "dialogue")
ITEMS = ("lead_vision", "lead_skills", "sd_bargaining", "sd_osh")
SCORED = ("lead_vision", "sd_bargaining")  # the required items: every assessment can be submitted
UNSCORED = "lead_skills"  # scored by the write tests
MARKED = "sd_osh"  # the item each assessment's need is marked from
# The grid cells of the four items (level.type): every item counts in its cell's total.
CELLS = (
    "organisational.functional",
    "individual.functional",
    "enabling_environment.technical",
    "organisational.technical",
)
INSTRUMENT_ROWS = {
    "Instrument": {INSTRUMENT},
    "InstrumentVersion": {f"{INSTRUMENT} v1"},
    "Area": set(AREAS),
    "Item": set(ITEMS),
}
# The rows each organisation has, as `key_of` names them after the organisation's key:
# "KE-gov/2025", "KE-gov/2025/lead_vision", "KE-gov/2024/leadership", "KE-gov/marked", …
# Summaries are written for every assessment, scored or not (unscored items count in totals).
PER_ORGANISATION = {
    "Assessment": YEARS,
    "Participant": (CURRENT,),
    "ItemScore": tuple(f"{CURRENT}/{item}" for item in SCORED),
    "AreaScore": tuple(f"{year}/{area}" for year in YEARS for area in AREAS),
    "CellScore": tuple(f"{year}/{cell}" for year in YEARS for cell in CELLS),
    "Need": ("marked", "recorded"),
}

# Instruments are read by everyone holding a grant and maintained by HQ and administrators.
HOLDS_A_GRANT = set(PERSONAS) - {"outsider"}
INSTRUMENT_WRITERS = {"hq", "admin"}
# Assessments are validated (and joint or external ones arranged) by the writers in scope but
# the focal point, who runs self-assessments of their own organisation.
VALIDATORS = WRITERS - {"focal"}
# Countries whose capacity profiles are asked for: the world's five and one it has no
# organisation in (Nigeria, in the Africa region the employers' specialist covers).
PROFILE_COUNTRIES = ["KE", "UG", "FR", "DE", "TH", "NG"]


def sees(persona: str) -> set[str]:
    return SEES_ORGANISATIONS[persona]


def writes(persona: str) -> set[str]:
    """Organisations whose assessments and needs the persona starts, scores, records, edits,
    submits and deletes: a focal point included, for their own organisation."""
    return SEES_ORGANISATIONS[persona] if persona in WRITERS else set()


def validates(persona: str) -> set[str]:
    return SEES_ORGANISATIONS[persona] if persona in VALIDATORS else set()


def _key(organisation: str, part: str) -> str:
    return f"{organisation}/{part}"


def expected(persona: str, model: str, action: Action) -> set[str]:
    """The keys (see `key_of`) of the rows of `model` the persona may see or act on."""
    if model in INSTRUMENT_ROWS:
        allowed = HOLDS_A_GRANT if action is Action.VIEW else INSTRUMENT_WRITERS
        return set(INSTRUMENT_ROWS[model]) if persona in allowed else set()
    if action is Action.VIEW:
        organisations = sees(persona)
    elif action is Action.VALIDATE and model == "Assessment":
        organisations = validates(persona)
    else:
        # change, administer; validating rows other than assessments is not a step of any
        # workflow and keeps the default rule (as changing them).
        organisations = writes(persona)
    return {_key(o, part) for o in organisations for part in PER_ORGANISATION[model]}


# --- the world ----------------------------------------------------------------------------


@dataclass
class Matrix:
    world: World
    instrument: int
    version: int
    items: dict[str, int]  # item name → pk
    every_assessment: dict[str, int]  # "KE-gov/2024", "KE-gov/2025" → pk
    needs: dict[str, int]  # "KE-gov/marked", "KE-gov/recorded" → pk

    @property
    def assessments(self) -> dict[str, int]:
        """Organisation key → pk of its current assessment (a draft; the one writes go to)."""
        return {key: self.every_assessment[f"{key}/{CURRENT}"] for key in ORGANISATIONS}

    @property
    def organisation_of(self) -> dict[int, str]:
        return {o.pk: key for key, o in self.world.organisations.items()}

    @property
    def assessment_key(self) -> dict[int, str]:
        return {pk: key for key, pk in self.every_assessment.items()}

    @property
    def need_key(self) -> dict[int, str]:
        return {pk: key for key, pk in self.needs.items()}

    def assessment(self, key: str) -> Assessment:
        return Assessment.objects.get(pk=self.assessments[key])

    def user(self, persona: str) -> Any:
        return self.world.users[persona]


def _build(world: World) -> Matrix:
    version = published_version()
    items = {item.name: item for item in version.items.all()}
    assessments, needs = {}, {}
    for key in ORGANISATIONS:
        organisation = world.organisations[key]
        for year in YEARS:
            assessment = services.assessment_create(
                user=None,
                data={
                    "organisation": organisation,
                    "version": version,
                    "date": datetime.date(int(year), 3, 1),
                    "mode": Assessment.Mode.SELF,
                },
            )
            assessments[f"{key}/{year}"] = assessment.pk
        # The earlier one stands as a submitted baseline (set directly: it has no scores),
        # which the country view shows, as it shows no drafts.
        Assessment.objects.filter(pk=assessments[f"{key}/{EARLIER}"]).update(
            status=Assessment.Status.SUBMITTED
        )
        services.participant_add(
            user=None,
            assessment=assessment,
            data={"name": f"Participant of {key}", "sex": Sex.FEMALE, "organisation": organisation},
        )
        for name in SCORED:
            services.score_save(user=None, assessment=assessment, item=items[name], score=3)
        marked = services.need_from_assessment(user=None, assessment=assessment, item=items[MARKED])
        recorded = services.need_create(
            user=None,
            data={
                "organisation": organisation,
                "title": f"Request of {key}",
                "level": Level.INDIVIDUAL,
                "type": CapacityType.TECHNICAL,
                "theme": Theme.SOCIAL_DIALOGUE,
                "source": Need.Source.REQUEST,
            },
        )
        needs[f"{key}/marked"], needs[f"{key}/recorded"] = marked.pk, recorded.pk
    return Matrix(
        world=world,
        instrument=version.instrument_id,
        version=version.pk,
        items={name: item.pk for name, item in items.items()},
        every_assessment=assessments,
        needs=needs,
    )


FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def _matrix(django_db_setup, django_db_blocker) -> Iterator[Matrix]:
    """The personas and the diagnose world, built once, in a transaction rolled back at the
    end of the module (every test runs in a savepoint inside it)."""
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=FAST_HASHER),
        transaction.atomic(),
    ):
        yield _build(make_world())
        transaction.set_rollback(True)


@pytest.fixture
def m(_matrix: Matrix, db) -> Matrix:
    """The diagnose world, as every test finds it (the test's writes are rolled back)."""
    for user in _matrix.world.users.values():  # grants are cached on the user objects
        user.__dict__.pop("_capdev_grants", None)
    return _matrix


def key_of(m: Matrix, row: Model) -> str:
    """A row as the test's expectations name it."""
    names = m.organisation_of
    item_names = {pk: name for name, pk in m.items.items()}
    if isinstance(row, Instrument):
        return row.code
    if isinstance(row, InstrumentVersion):
        return f"{row.instrument.code} v{row.number}"
    if isinstance(row, Area | Item):
        return row.name
    if isinstance(row, Assessment):
        return _key(names[row.organisation_id], str(row.date.year))
    if isinstance(row, Need):
        return _key(names[row.organisation_id], "marked" if row.assessment_id else "recorded")
    assessment = m.assessment_key[row.assessment_id]
    if isinstance(row, Participant):
        return assessment
    if isinstance(row, ItemScore):
        return _key(assessment, item_names[row.item_id])
    if isinstance(row, AreaScore):
        return _key(assessment, row.area.name)
    return _key(assessment, f"{row.level}.{row.type}")


DIAGNOSE_MODELS = (
    Instrument,
    InstrumentVersion,
    Area,
    Item,
    Assessment,
    Participant,
    ItemScore,
    AreaScore,
    CellScore,
    Need,
)


def snapshot() -> dict[str, tuple[list[dict], int | None]]:
    """Every row of every diagnose model, and the number of its history rows."""
    state = {}
    for model in DIAGNOSE_MODELS:
        history = getattr(model, "history", None)
        rows = list(model.objects.order_by("pk").values())
        state[model.__name__] = (rows, history.count() if history is not None else None)
    return state


def _status(persona: str, key: str, success: int, allowed: set[str]) -> int:
    """Outside the scope a record does not exist (404); seen but not allowed, 403."""
    if key not in sees(persona):
        return 404
    if key not in allowed:
        return 403
    return success


# --- scoped() ---------------------------------------------------------------------------


@pytest.mark.parametrize("model", DIAGNOSE_MODELS, ids=lambda model: model.__name__)
@pytest.mark.parametrize("persona", PERSONAS)
def test_scoped_gives_each_persona_exactly_its_diagnose_rows(m, persona, model):
    user = m.user(persona)
    for action in Action:
        rows = list(scoped(user, model.objects.all(), action))
        assert len(rows) == len({row.pk for row in rows}), f"{action}: a row comes twice"
        got = {key_of(m, row) for row in rows}
        assert got == expected(persona, model.__name__, action), action


# --- lists --------------------------------------------------------------------------------

LIST_PAGES = {
    "assessments": ("/diagnose/assessments/", r'href="/diagnose/assessments/(\d+)/"', "Assessment"),
    "needs": ("/diagnose/needs/", r'href="/diagnose/needs/(\d+)/"', "Need"),
}


def _keys(m: Matrix, model: str, pks: list[Any]) -> list[str]:
    names = m.assessment_key if model == "Assessment" else m.need_key
    return [names[int(pk)] for pk in pks]


@pytest.mark.parametrize("page", LIST_PAGES)
@pytest.mark.parametrize("persona", PERSONAS)
def test_each_list_page_shows_exactly_the_personas_scope_on_all_its_pages(m, persona, page):
    url, link, model = LIST_PAGES[page]
    client = page_client(m.world, persona)
    seen: list[str] = []
    query, pages = "", 0
    while True:  # follow the "Next" links, 25 rows a page
        response = client.get(f"{url}?{query}")
        assert response.status_code == 200
        pages += 1
        html = response.content.decode()
        results = html[html.index('id="results"') : html.index("</main>")]
        seen += _keys(m, model, re.findall(link, results))
        following = re.search(r'href="\?([^"]*)" rel="next"', results)
        if not following:
            break
        query = following.group(1).replace("&amp;", "&")
    assert len(seen) == len(set(seen)), "a row is listed on two pages"
    assert set(seen) == expected(persona, model, Action.VIEW)
    assert pages == max(1, -(-len(seen) // 25))


API_LISTS = {
    "assessments": ("/api/assessments/?page_size=7", "Assessment"),
    "needs": ("/api/needs/?page_size=7", "Need"),
    "instruments": ("/api/instruments/?page_size=7", "Instrument"),
}


@pytest.mark.parametrize("endpoint", API_LISTS)
@pytest.mark.parametrize("persona", PERSONAS)
def test_each_api_list_returns_exactly_the_personas_scope_on_all_its_pages(m, persona, endpoint):
    url, model = API_LISTS[endpoint]
    client = api_client(persona)
    seen: list[str] = []
    count = None
    while url:
        response = client.get(url)
        assert response.status_code == 200
        body = response.json()
        assert set(body) == {"count", "next", "previous", "results"}
        count = body["count"] if count is None else count
        if model == "Instrument":
            seen += [item["code"] for item in body["results"]]
        else:
            seen += _keys(m, model, [item["id"] for item in body["results"]])
        url = body["next"]
    assert len(seen) == len(set(seen)) == count
    assert set(seen) == expected(persona, model, Action.VIEW)


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_country_profile_lists_exactly_the_constituents_in_scope(m, persona):
    client = page_client(m.world, persona)
    for iso in PROFILE_COUNTRIES:
        response = client.get(f"/diagnose/countries/{iso}/")
        assert response.status_code == (200 if iso in sees_countries(persona) else 404), iso
        if response.status_code != 200:
            continue
        html = response.content.decode()
        main = html[html.index("<main") : html.index("</main>")]
        organisations = {
            m.organisation_of[int(pk)] for pk in re.findall(r'href="/organisations/(\d+)/"', main)
        }
        assessed = set(_keys(m, "Assessment", re.findall(LIST_PAGES["assessments"][1], main)))
        # The tripartite constituents (not the civil-society group), each with its latest
        # assessment that is not a draft: the earlier, submitted one.
        constituents = sees(persona) & orgs(iso, "gov wrk emp")
        assert organisations == constituents, iso
        assert assessed == {_key(key, EARLIER) for key in constituents}, iso


# --- details ------------------------------------------------------------------------------

ASSESSMENT_PAGES = ["/diagnose/assessments/{}/", "/diagnose/assessments/{}/score/"]
ASSESSMENT_API = ["/api/assessments/{}/", "/api/assessments/{}/scores/"]


def _detail_urls(m: Matrix, api: bool) -> list[tuple[str, str, str]]:
    """(model, key, url) of every diagnose detail of the world."""
    assessment_urls = ASSESSMENT_API if api else ASSESSMENT_PAGES
    need_url = "/api/needs/{}/" if api else "/diagnose/needs/{}/"
    instrument_url = "/api/instruments/{}/" if api else "/diagnose/instruments/{}/"
    urls = [("Instrument", INSTRUMENT, instrument_url.format(m.instrument))]
    for key, pk in m.every_assessment.items():
        # The scoring page of the earlier (unscored) assessments is left out, to save time.
        urls += [
            ("Assessment", key, url.format(pk))
            for url in assessment_urls
            if api or key.endswith(CURRENT) or not url.endswith("score/")
        ]
    urls += [("Need", key, need_url.format(pk)) for key, pk in m.needs.items()]
    return urls


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_detail_page_is_found_inside_the_scope_and_not_found_outside(m, persona):
    client = page_client(m.world, persona)
    for model, key, url in _detail_urls(m, api=False):
        visible = key in expected(persona, model, Action.VIEW)
        assert client.get(url).status_code == (200 if visible else 404), url


@pytest.mark.parametrize("persona", PERSONAS)
def test_an_api_detail_is_found_inside_the_scope_and_not_found_outside(m, persona):
    client = api_client(persona)
    for model, key, url in _detail_urls(m, api=True):
        visible = key in expected(persona, model, Action.VIEW)
        assert client.get(url).status_code == (200 if visible else 404), url


ANONYMOUS_PAGES = ["/diagnose/assessments/", "/diagnose/needs/", "/diagnose/countries/KE/"]
ANONYMOUS_API = ["/api/assessments/", "/api/needs/", "/api/instruments/"]


def test_an_anonymous_visitor_is_sent_to_log_in_and_an_anonymous_api_client_refused(m):
    client = Client()
    for url in ANONYMOUS_PAGES:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/login/?next="), url
    for url in ANONYMOUS_API:
        assert client.get(url).status_code == 401, url


# --- writes: scores -----------------------------------------------------------------------
#
# Each write runs against WRITE_TARGETS (organisations in and out of every writer's scope) and
# must answer success exactly where expected, 404 outside the persona's view and 403 where
# the persona sees but may not act; a refused write changes no row and no history row.


def _scored(m: Matrix, key: str, score: int, persona: str) -> bool:
    row = ItemScore.objects.get(assessment_id=m.assessments[key], item_id=m.items[UNSCORED])
    return row.score == score and row.history.first().history_user == m.user(persona)


def _check_writes(
    m: Matrix,
    persona: str,
    write: Callable[[str], int],
    success: int,
    allowed: Callable[[str], set[str]],
    done: Callable[[str], bool],
) -> None:
    """Run `write(key)` for every target: the status it must answer, then that the write took
    effect (`done`) where it is allowed and that nothing changed where it is refused."""
    for key in WRITE_TARGETS:
        before = snapshot()
        status = write(key)
        wanted = _status(persona, key, success, allowed(persona))
        if wanted == success:
            assert status == success, key
            assert done(key), key
        else:  # (status, nothing changed)
            assert (status, snapshot() == before) == (wanted, True), key


@pytest.mark.parametrize("persona", PERSONAS)
def test_scoring_an_item_on_the_page_is_allowed_exactly_in_scope(m, persona):
    client = page_client(m.world, persona)

    def write(key: str) -> int:
        url = f"/diagnose/assessments/{m.assessments[key]}/score/{m.items[UNSCORED]}/"
        return client.post(url, {"score": "2", "evidence": "Minutes"}).status_code

    _check_writes(m, persona, write, 302, writes, lambda key: _scored(m, key, 2, persona))


@pytest.mark.parametrize("persona", PERSONAS)
def test_scoring_through_the_api_is_allowed_exactly_in_scope(m, persona):
    client = api_client(persona)

    def write(key: str) -> int:
        url = f"/api/assessments/{m.assessments[key]}/scores/"
        return client.put(url, [{"item": UNSCORED, "score": 1}], format="json").status_code

    _check_writes(m, persona, write, 200, writes, lambda key: _scored(m, key, 1, persona))


# --- writes: starting an assessment ---------------------------------------------------------

MODES = ("self", "joint")


def _may_start(persona: str, key: str, mode: str) -> bool:
    """Joint (and external) assessments are arranged by those who validate."""
    return key in writes(persona) and (mode == "self" or key in validates(persona))


def _started(m: Matrix, key: str, mode: str, persona: str) -> bool:
    created = Assessment.objects.filter(
        organisation=m.world.organisations[key], mode=mode, notes=f"By {persona}"
    ).get()
    return created.history.get().history_user == m.user(persona)


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_create_page_starts_assessments_only_inside_the_personas_scope(m, persona):
    client = page_client(m.world, persona)
    starts = persona in WRITERS
    assert client.get("/diagnose/assessments/new/").status_code == (200 if starts else 403)
    for key in WRITE_TARGETS:
        for mode in MODES:
            before = snapshot()
            response = client.post(
                "/diagnose/assessments/new/",
                {
                    "organisation": m.world.organisations[key].pk,
                    "version": m.version,
                    "date": "2025-06-01",
                    "mode": mode,
                    "office": "",
                    "notes": f"By {persona}",
                },
            )
            if _may_start(persona, key, mode):
                assert response.status_code == 302, (key, mode)
                assert _started(m, key, mode, persona), (key, mode)
                continue
            # Not offered (an organisation outside the scope) or a mode the persona does not
            # arrange: the form answers 400; a role that starts no assessment, 403.
            refused = (response.status_code, snapshot() == before)
            assert refused == (400 if starts else 403, True), (key, mode)


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_api_starts_assessments_only_inside_the_personas_scope(m, persona):
    client = api_client(persona)
    for key in WRITE_TARGETS:
        for mode in MODES:
            before = snapshot()
            body = {
                "organisation": m.world.organisations[key].pk,
                "version": m.version,
                "date": "2025-06-01",
                "mode": mode,
                "notes": f"By {persona}",
            }
            response = client.post("/api/assessments/", body, format="json")
            if _may_start(persona, key, mode):
                assert response.status_code == 201, (key, mode, response.content)
                assert _started(m, key, mode, persona), (key, mode)
                continue
            if persona not in WRITERS:
                refusal, field = 403, None
            elif key not in sees(persona):
                refusal, field = 400, "organisation"  # outside the view it does not exist
            elif key not in writes(persona):
                refusal, field = 403, None
            else:
                refusal, field = 400, "mode"
            refused = (response.status_code, snapshot() == before)
            assert refused == (refusal, True), (key, mode, response.content)
            if field:
                assert set(response.json()) == {field}, (key, mode)


# --- writes: submitting and validating -----------------------------------------------------


def _submit_the_rest(m: Matrix) -> None:
    """Every target is submitted (from the command line), ready to be validated."""
    for key in WRITE_TARGETS:
        assessment = m.assessment(key)
        if assessment.status == Assessment.Status.DRAFT:
            services.assessment_submit(user=None, assessment=assessment)


def _status_is(m: Matrix, key: str, status: str, persona: str) -> bool:
    assessment = m.assessment(key)
    return (
        assessment.status == status
        and assessment.history.first().history_user == m.user(persona)
        and (status != "validated" or assessment.validated_by == m.user(persona))
    )


def _transition(client: Any, m: Matrix, step: str, api: bool) -> Callable[[str], int]:
    prefix = "/api" if api else "/diagnose"
    return lambda key: client.post(f"{prefix}/assessments/{m.assessments[key]}/{step}/").status_code


@pytest.mark.parametrize("persona", PERSONAS)
def test_submitting_on_the_page_is_allowed_exactly_in_scope(m, persona):
    write = _transition(page_client(m.world, persona), m, "submit", api=False)
    done = lambda key: _status_is(m, key, "submitted", persona)  # noqa: E731
    _check_writes(m, persona, write, 302, writes, done)


@pytest.mark.parametrize("persona", PERSONAS)
def test_submitting_through_the_api_is_allowed_exactly_in_scope(m, persona):
    write = _transition(api_client(persona), m, "submit", api=True)
    done = lambda key: _status_is(m, key, "submitted", persona)  # noqa: E731
    _check_writes(m, persona, write, 200, writes, done)


@pytest.mark.parametrize("persona", PERSONAS)
def test_validating_on_the_page_is_allowed_exactly_in_scope(m, persona):
    _submit_the_rest(m)
    write = _transition(page_client(m.world, persona), m, "validate", api=False)
    done = lambda key: _status_is(m, key, "validated", persona)  # noqa: E731
    _check_writes(m, persona, write, 302, validates, done)


@pytest.mark.parametrize("persona", PERSONAS)
def test_validating_through_the_api_is_allowed_exactly_in_scope(m, persona):
    _submit_the_rest(m)
    write = _transition(api_client(persona), m, "validate", api=True)
    done = lambda key: _status_is(m, key, "validated", persona)  # noqa: E731
    _check_writes(m, persona, write, 200, validates, done)


# --- writes: needs ------------------------------------------------------------------------

NEED_FIELDS = {
    "level": "organisational",
    "type": "functional",
    "theme": "financial_management",
    "priority": "1",
    "source": "request",
    "status": "open",
}


def _need_form(need: Need, **changes: Any) -> dict[str, Any]:
    data = {
        "organisation": need.organisation_id,
        "title": need.title,
        "description": need.description,
        "level": need.level,
        "type": need.type,
        "theme": need.theme,
        "priority": need.priority,
        "source": need.source,
        "status": need.status,
    }
    return {**data, **changes}


def _recorded(m: Matrix, key: str, persona: str) -> bool:
    need = Need.objects.get(organisation=m.world.organisations[key], title=f"Need by {persona}")
    return need.history.get().history_user == m.user(persona)


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_need_form_records_needs_only_inside_the_personas_scope(m, persona):
    client = page_client(m.world, persona)
    records = persona in WRITERS
    assert client.get("/diagnose/needs/new/").status_code == (200 if records else 403)
    for key in WRITE_TARGETS:
        before = snapshot()
        body = {
            "organisation": m.world.organisations[key].pk,
            "title": f"Need by {persona}",
            **NEED_FIELDS,
        }
        response = client.post("/diagnose/needs/new/", body)
        if key in writes(persona):
            assert response.status_code == 302, key
            assert _recorded(m, key, persona), key
        else:  # an organisation the form does not offer: 400; a role recording no need: 403
            refused = (response.status_code, snapshot() == before)
            assert refused == (400 if records else 403, True), key


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_api_records_needs_only_inside_the_personas_scope(m, persona):
    client = api_client(persona)
    for key in WRITE_TARGETS:
        before = snapshot()
        body = {
            "organisation": m.world.organisations[key].pk,
            "title": f"Need by {persona}",
            **NEED_FIELDS,
            "priority": 1,
        }
        response = client.post("/api/needs/", body, format="json")
        if key in writes(persona):
            assert response.status_code == 201, (key, response.content)
            assert _recorded(m, key, persona), key
            continue
        if persona not in WRITERS:
            refusal = 403
        elif key not in sees(persona):
            refusal = 400  # outside the view the organisation does not exist
            assert set(response.json()) == {"organisation"}, key
        else:
            refusal = 403
        refused = (response.status_code, snapshot() == before)
        assert refused == (refusal, True), (key, response.content)


def _need(m: Matrix, key: str, kind: str) -> Need:
    return Need.objects.get(pk=m.needs[f"{key}/{kind}"])


def _edited(m: Matrix, key: str, kind: str, title: str, persona: str) -> bool:
    need = _need(m, key, kind)
    return need.title == title and need.history.first().history_user == m.user(persona)


def _gone(m: Matrix, key: str, kind: str, persona: str) -> bool:
    pk = m.needs[f"{key}/{kind}"]
    last = Need.history.filter(id=pk).first()
    gone = not Need.objects.filter(pk=pk).exists()
    return gone and last.history_type == "-" and last.history_user == m.user(persona)


@pytest.mark.parametrize("persona", PERSONAS)
def test_needs_are_edited_and_deleted_on_the_pages_exactly_in_scope(m, persona):
    client = page_client(m.world, persona)

    def edit(key: str) -> list[int]:
        need = _need(m, key, "recorded")
        url = f"/diagnose/needs/{need.pk}/edit/"
        shown = client.get(url).status_code
        saved = client.post(url, _need_form(need, title="Edited on the page")).status_code
        return [shown, saved]

    def delete(key: str) -> list[int]:
        url = f"/diagnose/needs/{m.needs[f'{key}/recorded']}/delete/"
        shown = client.get(url).status_code
        deleted = client.post(url).status_code
        return [shown, deleted]

    checks = {
        edit: lambda key: _edited(m, key, "recorded", "Edited on the page", persona),
        delete: lambda key: _gone(m, key, "recorded", persona),
    }
    for write, done in checks.items():  # deleting is ADMINISTER: the same writers, focal too
        for key in WRITE_TARGETS:
            before = snapshot()
            got = write(key)
            wanted = [_status(persona, key, status, writes(persona)) for status in (200, 302)]
            if wanted == [200, 302]:
                assert got == wanted, key
                assert done(key), key
            else:
                assert (got, snapshot() == before) == (wanted, True), key


@pytest.mark.parametrize("persona", PERSONAS)
def test_needs_are_edited_and_deleted_through_the_api_exactly_in_scope(m, persona):
    client = api_client(persona)

    def edit(key: str) -> int:
        url = f"/api/needs/{m.needs[f'{key}/marked']}/"
        return client.patch(url, {"title": "Edited by API"}, format="json").status_code

    def delete(key: str) -> int:
        return client.delete(f"/api/needs/{m.needs[f'{key}/marked']}/").status_code

    def edited(key: str) -> bool:
        return _edited(m, key, "marked", "Edited by API", persona)

    _check_writes(m, persona, edit, 200, writes, edited)
    _check_writes(m, persona, delete, 204, writes, lambda key: _gone(m, key, "marked", persona))


@pytest.mark.parametrize("persona", PERSONAS)
def test_marking_a_need_from_an_assessment_on_the_page_is_allowed_exactly_in_scope(m, persona):
    client = page_client(m.world, persona)

    def write(key: str) -> int:
        url = f"/diagnose/assessments/{m.assessments[key]}/needs/"
        return client.post(url, {"item": m.items[UNSCORED]}).status_code

    def done(key: str) -> bool:
        need = Need.objects.get(assessment_id=m.assessments[key], item_id=m.items[UNSCORED])
        return need.history.get().history_user == m.user(persona)

    _check_writes(m, persona, write, 302, writes, done)


# --- writes: instruments ------------------------------------------------------------------


def _imported(code: str, persona: str, m: Matrix) -> bool:
    instrument = Instrument.objects.get(code=code)
    return instrument.history.get().history_user == m.user(persona)


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_hq_and_administrators_import_an_instrument_on_the_page(m, persona):
    client = page_client(m.world, persona)
    maintains = persona in INSTRUMENT_WRITERS
    assert client.get("/diagnose/instruments/import/").status_code == (200 if maintains else 403)
    before = snapshot()
    upload = SimpleUploadedFile("page.xlsx", workbook(code="imported_on_the_page"))
    response = client.post("/diagnose/instruments/import/", {"file": upload, "publish": "on"})
    if maintains:
        assert response.status_code == 302
        assert _imported("imported_on_the_page", persona, m)
    else:
        assert (response.status_code, snapshot() == before) == (403, True)


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_hq_and_administrators_import_an_instrument_through_the_api(m, persona):
    client = api_client(persona)
    maintains = persona in INSTRUMENT_WRITERS
    before = snapshot()
    upload = SimpleUploadedFile("api.xlsx", workbook(code="imported_by_api"))
    response = client.post("/api/instruments/", {"file": upload}, format="multipart")
    if maintains:
        assert response.status_code == 201, response.content
        assert _imported("imported_by_api", persona, m)
    else:
        assert (response.status_code, snapshot() == before) == (403, True)


def _maintained(row: Model, persona: str, m: Matrix) -> bool:
    """Whether the persona made the row's last change."""
    return row.history.first().history_user == m.user(persona)


def _draft(m: Matrix) -> InstrumentVersion | None:
    return InstrumentVersion.objects.filter(instrument_id=m.instrument, number=2).first()


def _maintenance_refusal(persona: str) -> int | None:
    """None where the persona maintains instruments; 403 where it only reads them; 404 for an
    account without a grant, which finds no instrument at all."""
    if persona in INSTRUMENT_WRITERS:
        return None
    return 403 if persona in HOLDS_A_GRANT else 404


ITEM_FORM = {"weight": "3", "required": "on", "label_en": "Edited statement"}


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_hq_and_administrators_start_edit_and_publish_a_draft_on_the_pages(m, persona):
    client = page_client(m.world, persona)
    instrument = f"/diagnose/instruments/{m.instrument}"
    refusal = _maintenance_refusal(persona)

    def check(got: list[int], success: list[int], before: dict, done: Callable[[], bool]) -> None:
        if refusal is None:
            assert got == success
            assert done()
        else:
            assert (got, snapshot() == before) == ([refusal] * len(success), True)

    # A new draft: version 2, a copy of the published version 1.
    before = snapshot()
    got = [client.post(f"{instrument}/new-draft/").status_code]
    check(got, [302], before, lambda: _maintained(_draft(m), persona, m))
    if refusal is not None:  # the draft the persona then tries to edit and publish
        assert _draft(m) is None
        assert page_client(m.world, "hq").post(f"{instrument}/new-draft/").status_code == 302
    draft = _draft(m)
    assert not draft.is_published

    # An item of the draft.
    item = Item.objects.get(version=draft, name=UNSCORED)
    url = f"/diagnose/items/{item.pk}/edit/"
    before = snapshot()
    got = [client.get(url).status_code, client.post(url, ITEM_FORM).status_code]

    def edited() -> bool:
        item.refresh_from_db()
        return item.label["en"] == "Edited statement" and _maintained(item, persona, m)

    check(got, [200, 302], before, edited)

    # An item of the published version 1 never changes, not even for a maintainer.
    before = snapshot()
    url = f"/diagnose/items/{m.items[UNSCORED]}/edit/"
    response = client.post(url, ITEM_FORM)
    assert (response.status_code, snapshot() == before) == (refusal or 302, True)

    # Publishing the draft.
    before = snapshot()
    got = [client.post(f"{instrument}/v2/publish/").status_code]

    def published() -> bool:
        draft.refresh_from_db()
        return draft.is_published and _maintained(draft, persona, m)

    check(got, [302], before, published)


# --- downloads ----------------------------------------------------------------------------

DOWNLOADS = {  # url (instrument pk), whose file is named test_instrument-v1.{extension}
    "/diagnose/instruments/{}/v1.xlsx": "xlsx",
    "/diagnose/instruments/{}/v1.xml": "xml",
    "/api/instruments/{}/xlsform": "xlsx",
    "/api/instruments/{}/xform": "xml",
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_persona_holding_a_grant_downloads_the_form_and_an_outsider_finds_none(m, persona):
    page, api = page_client(m.world, persona), api_client(persona)
    for url, extension in DOWNLOADS.items():
        client = api if url.startswith("/api/") else page
        response = client.get(url.format(m.instrument))
        if persona not in HOLDS_A_GRANT:
            assert response.status_code == 404, url
            continue
        assert response.status_code == 200, url
        disposition = f'attachment; filename="{INSTRUMENT}-v1.{extension}"'
        assert response["Content-Disposition"] == disposition, url


# --- writes: participants -----------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_removing_a_participant_on_the_page_is_allowed_exactly_in_scope(m, persona):
    client = page_client(m.world, persona)
    participants = {
        key: Participant.objects.get(assessment_id=m.assessments[key]).pk for key in WRITE_TARGETS
    }

    def url(assessment_of: str, participant_of: str) -> str:
        assessment, participant = m.assessments[assessment_of], participants[participant_of]
        return f"/diagnose/assessments/{assessment}/participants/{participant}/delete/"

    # Another assessment's participant (the next target's, in scope or not) is not found
    # through an assessment the persona writes.
    for index, key in enumerate(WRITE_TARGETS):
        if key in writes(persona):
            other = WRITE_TARGETS[(index + 1) % len(WRITE_TARGETS)]
            before = snapshot()
            response = client.post(url(key, other))
            assert (response.status_code, snapshot() == before) == (404, True), (key, other)

    def gone(key: str) -> bool:
        last = Participant.history.filter(id=participants[key]).first()
        removed = not Participant.objects.filter(pk=participants[key]).exists()
        return removed and last.history_type == "-" and last.history_user == m.user(persona)

    write = lambda key: client.post(url(key, key)).status_code  # noqa: E731
    _check_writes(m, persona, write, 302, writes, gone)


# --- writes: field submissions ------------------------------------------------------------
#
# An export of the matrix's published version, one submission per organisation, as
# KoboToolbox writes CSV (";", group paths) and ODK Central writes JSON (nested groups). A
# persona imports a file only if it may start an assessment of every submission's
# organisation, in the submission's mode (docs/access.md); one row outside that and the whole
# file is refused (400, every such row reported) and nothing is written.

SUBMITTED_ON = "2025-05-01"
CSV_COLUMNS = [
    "capdev_organisation",
    "capdev_date",
    "capdev_mode",
    "leadership/lead_vision",
    "dialogue/sd_bargaining",
    "meta/instanceID",
]


def _instance(tag: str, key: str) -> str:
    return f"uuid:{tag}-{key}"


def _kobo_csv(m: Matrix, keys: list[str], tag: str, mode: str) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for key in keys:
        pk = m.world.organisations[key].pk
        writer.writerow([pk, SUBMITTED_ON, mode, "3", "2", _instance(tag, key)])
    return buffer.getvalue().encode()


def _odk_json(m: Matrix, keys: list[str], tag: str, mode: str) -> bytes:
    submissions = [
        {
            "capdev_organisation": m.world.organisations[key].pk,
            "capdev_date": SUBMITTED_ON,
            "capdev_mode": mode,
            "leadership": {"lead_vision": "3", "lead_skills": None},
            "dialogue": {"sd_bargaining": "2"},
            "meta": {"instanceID": _instance(tag, key)},
        }
        for key in keys
    ]
    return json.dumps({"value": submissions}).encode()


def _submission_files(persona: str) -> list[tuple[str, list[str], str]]:
    """(name, organisations, mode) of the files the persona uploads: every target; the
    targets it writes (or, writing none, those it sees, or all); the same, as joint ones."""
    own = [key for key in WRITE_TARGETS if key in writes(persona)]
    own = own or [key for key in WRITE_TARGETS if key in sees(persona)] or WRITE_TARGETS
    return [("every", WRITE_TARGETS, "self"), ("own", own, "self"), ("joint", own, "joint")]


def _submissions_refusal(persona: str, keys: list[str], mode: str) -> tuple[int, set] | None:
    """How the file is refused: (status, {(organisation, field) of every row in error}), or
    None where it is imported."""
    if persona not in HOLDS_A_GRANT:
        return 404, set()  # the instrument is not in its view
    if persona not in WRITERS:
        return 403, set()  # a role that starts no assessment
    outside = {(key, "capdev_organisation") for key in keys if key not in writes(persona)}
    if outside:
        return 400, outside
    if mode != "self":  # arranged by those who validate: not the focal point
        not_arranged = {(key, "capdev_mode") for key in keys if key not in validates(persona)}
        if not_arranged:
            return 400, not_arranged
    return None


def _imported_submissions(m: Matrix, tag: str, persona: str) -> set[str]:
    """The organisations of the assessments imported from the file tagged `tag`: submitted,
    from a submission, and recorded as the persona's."""
    created = Assessment.objects.filter(instance_id__startswith=f"uuid:{tag}-")
    keys = set()
    for assessment in created:
        assert assessment.status == Assessment.Status.SUBMITTED, assessment
        assert assessment.source == Assessment.Source.SUBMISSION, assessment
        assert assessment.history.get().history_user == m.user(persona), assessment
        assert assessment.scores.filter(score__isnull=False).count() == len(SCORED), assessment
        keys.add(m.organisation_of[assessment.organisation_id])
    assert len(keys) == created.count()
    return keys


PAGE_ROW_ERROR = r'<tr><td class="number">(\d+)</td><td><code>([^<]*)</code>'


@pytest.mark.parametrize("persona", PERSONAS)
def test_field_submissions_are_imported_on_the_page_only_inside_the_personas_scope(m, persona):
    client = page_client(m.world, persona)
    url = f"/diagnose/instruments/{m.instrument}/v1/submissions/"
    for name, keys, mode in _submission_files(persona):
        tag = f"page-{name}"
        before = snapshot()
        upload = SimpleUploadedFile("export.csv", _kobo_csv(m, keys, tag, mode))
        response = client.post(url, {"file": upload})
        refusal = _submissions_refusal(persona, keys, mode)
        if refusal is None:
            assert response.status_code == 200, name
            assert _imported_submissions(m, tag, persona) == set(keys), name
            continue
        status, errors = refusal
        assert (response.status_code, snapshot() == before) == (status, True), name
        if status == 400:  # the CSV line of each row in error (the header is line 1)
            lines = {(keys.index(key) + 2, field) for key, field in errors}
            reported = re.findall(PAGE_ROW_ERROR, response.content.decode())
            assert {(int(line), field) for line, field in reported} == lines, name


@pytest.mark.parametrize("persona", PERSONAS)
def test_field_submissions_are_imported_through_the_api_only_inside_the_personas_scope(m, persona):
    client = api_client(persona)
    url = f"/api/instruments/{m.instrument}/submissions"
    for name, keys, mode in _submission_files(persona):
        tag = f"api-{name}"
        before = snapshot()
        upload = SimpleUploadedFile("export.json", _odk_json(m, keys, tag, mode))
        response = client.post(url, {"file": upload}, format="multipart")
        refusal = _submissions_refusal(persona, keys, mode)
        if refusal is None:
            assert response.status_code == 201, (name, response.content)
            assert response.json()["created"] == len(keys), name
            assert _imported_submissions(m, tag, persona) == set(keys), name
            continue
        status, errors = refusal
        assert (response.status_code, snapshot() == before) == (status, True), name
        if status == 400:  # the record number of each submission in error
            records = {(keys.index(key) + 1, field) for key, field in errors}
            reported = {(e["row"], e["field"]) for e in response.json()["errors"]}
            assert reported == records, name


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_file_imported_before_is_refused_where_its_rows_are_outside_the_scope(m, persona):
    """A submission imported before is skipped, but only where the persona may import it: an
    organisation outside the scope refuses the file as it did the first time, and answers
    nothing about the assessment imported from it (docs/access.md)."""
    export = _odk_json(m, WRITE_TARGETS, "before", "self")
    first = api_client("hq").post(
        f"/api/instruments/{m.instrument}/submissions",
        {"file": SimpleUploadedFile("export.json", export)},
        format="multipart",
    )
    assert first.status_code == 201
    client = api_client(persona)
    before = snapshot()
    upload = SimpleUploadedFile("export.json", export)
    response = client.post(
        f"/api/instruments/{m.instrument}/submissions", {"file": upload}, format="multipart"
    )
    assert snapshot() == before
    refusal = _submissions_refusal(persona, WRITE_TARGETS, "self")
    if refusal is None:
        assert response.status_code == 200, response.content
        assert response.json() == {"created": 0, "skipped": len(WRITE_TARGETS), "assessments": []}
        return
    status, errors = refusal
    assert response.status_code == status, response.content
    if status == 400:
        records = {(WRITE_TARGETS.index(key) + 1, field) for key, field in errors}
        assert {(e["row"], e["field"]) for e in response.json()["errors"]} == records


# --- the named cases ----------------------------------------------------------------------

MODE_ERROR = "joint and external assessments are arranged with the Office"


def test_a_focal_point_starts_a_self_assessment_of_their_organisation_but_not_a_joint_one(m):
    organisation = m.world.organisations["KE-gov"]
    form = {"organisation": organisation.pk, "version": m.version, "date": "2025-06-01"}
    page, api = page_client(m.world, "focal"), api_client("focal")
    before = snapshot()
    joint_page = page.post("/diagnose/assessments/new/", {**form, "mode": "joint"})
    joint_api = api.post("/api/assessments/", {**form, "mode": "joint"}, format="json")
    assert (joint_page.status_code, joint_api.status_code) == (400, 400)
    assert MODE_ERROR in joint_page.content.decode()
    assert set(joint_api.json()) == {"mode"}
    assert MODE_ERROR in joint_api.json()["mode"][0]
    assert snapshot() == before
    assert page.post("/diagnose/assessments/new/", {**form, "mode": "self"}).status_code == 302
    created = api.post("/api/assessments/", {**form, "mode": "self"}, format="json")
    assert created.status_code == 201
    assert Assessment.objects.filter(organisation=organisation, mode="self").count() == 4


def test_a_focal_point_submits_their_self_assessment_but_cannot_validate_it(m):
    url = f"/api/assessments/{m.assessments['KE-gov']}/"
    api = api_client("focal")
    assert api.post(f"{url}submit/").status_code == 200
    before = snapshot()
    refused_api = api.post(f"{url}validate/")
    page = page_client(m.world, "focal")
    refused_page = page.post(f"/diagnose/assessments/{m.assessments['KE-gov']}/validate/")
    assert snapshot() == before
    assert m.assessment("KE-gov").status == "submitted"
    assert (refused_api.status_code, refused_page.status_code) == (403, 403)


def test_office_a_cannot_start_an_assessment_of_a_french_union(m):
    organisation = m.world.organisations["FR-wrk"]
    form = {"organisation": organisation.pk, "version": m.version, "date": "2025-06-01"}
    before = snapshot()
    page = page_client(m.world, "office_a").post(
        "/diagnose/assessments/new/", {**form, "mode": "joint"}
    )
    api = api_client("office_a").post("/api/assessments/", {**form, "mode": "joint"})
    assert (page.status_code, api.status_code) == (400, 400)
    assert 'id="id_organisation_error"' in page.content.decode()
    assert set(api.json()) == {"organisation"}
    assert snapshot() == before


def test_office_b_finds_no_kenyan_assessment_anywhere(m):
    pk, item = m.assessments["KE-wrk"], m.items[UNSCORED]
    need = m.needs["KE-wrk/recorded"]
    page, api = page_client(m.world, "office_b"), api_client("office_b")
    before = snapshot()
    reads = [
        page.get(f"/diagnose/assessments/{pk}/"),
        page.get(f"/diagnose/assessments/{pk}/score/"),
        page.get(f"/diagnose/needs/{need}/"),
        api.get(f"/api/assessments/{pk}/"),
        api.get(f"/api/assessments/{pk}/scores/"),
        api.get(f"/api/needs/{need}/"),
    ]
    writes_ = [
        page.post(f"/diagnose/assessments/{pk}/score/{item}/", {"score": "2"}),
        page.post(f"/diagnose/assessments/{pk}/submit/"),
        page.post(f"/diagnose/assessments/{pk}/validate/"),
        page.post(f"/diagnose/assessments/{pk}/needs/", {"item": item}),
        page.post(f"/diagnose/assessments/{pk}/delete/"),
        page.post(f"/diagnose/needs/{need}/delete/"),
        api.put(f"/api/assessments/{pk}/scores/", [{"item": UNSCORED, "score": 2}], format="json"),
        api.post(f"/api/assessments/{pk}/submit/"),
        api.post(f"/api/assessments/{pk}/validate/"),
        api.patch(f"/api/assessments/{pk}/", {"notes": "B"}, format="json"),
        api.delete(f"/api/assessments/{pk}/"),
        api.delete(f"/api/needs/{need}/"),
    ]
    assert [r.status_code for r in reads + writes_] == [404] * (len(reads) + len(writes_))
    assert snapshot() == before
    listing = page.get("/diagnose/assessments/").content.decode()
    assert f'href="/diagnose/assessments/{pk}/"' not in listing


@pytest.mark.parametrize("persona", ["viewer", "evaluator"])
def test_viewers_and_evaluators_write_nothing(m, persona):
    key = "TH-gov"  # in the view of both
    pk, item = m.assessments[key], m.items[UNSCORED]
    need = m.needs[f"{key}/recorded"]
    org = m.world.organisations[key].pk
    url = f"/api/assessments/{pk}/"
    page, api = page_client(m.world, persona), api_client(persona)
    before = snapshot()
    answers = {
        "score page": page.post(f"/diagnose/assessments/{pk}/score/{item}/", {"score": "2"}),
        "participant page": page.post(
            f"/diagnose/assessments/{pk}/participants/", {"name": "X", "sex": "male"}
        ),
        "edit page": page.post(f"/diagnose/assessments/{pk}/edit/", {"notes": "X"}),
        "delete page": page.post(f"/diagnose/assessments/{pk}/delete/"),
        "submit page": page.post(f"/diagnose/assessments/{pk}/submit/"),
        "mark need page": page.post(f"/diagnose/assessments/{pk}/needs/", {"item": item}),
        "need edit page": page.post(f"/diagnose/needs/{need}/edit/", {"title": "X"}),
        "need delete page": page.post(f"/diagnose/needs/{need}/delete/"),
        "new assessment page": page.post("/diagnose/assessments/new/", {"organisation": org}),
        "new need page": page.post("/diagnose/needs/new/", {"organisation": org}),
        "import page": page.post("/diagnose/instruments/import/"),
        "scores api": api.put(f"{url}scores/", [{"item": UNSCORED, "score": 2}], format="json"),
        "patch api": api.patch(url, {"notes": "X"}, format="json"),
        "delete api": api.delete(url),
        "submit api": api.post(f"{url}submit/"),
        "new assessment api": api.post("/api/assessments/", {"organisation": org}, format="json"),
        "new need api": api.post("/api/needs/", {"organisation": org}, format="json"),
        "need patch api": api.patch(f"/api/needs/{need}/", {"title": "X"}, format="json"),
        "need delete api": api.delete(f"/api/needs/{need}/"),
        "import api": api.post("/api/instruments/", {}, format="multipart"),
    }
    assert snapshot() == before
    services.assessment_submit(user=None, assessment=m.assessment(key))
    submitted = snapshot()
    answers |= {
        "validate page": page.post(f"/diagnose/assessments/{pk}/validate/"),
        "reopen page": page.post(f"/diagnose/assessments/{pk}/reopen/"),
        "validate api": api.post(f"{url}validate/"),
        "reopen api": api.post(f"{url}reopen/"),
    }
    assert snapshot() == submitted
    assert {name: r.status_code for name, r in answers.items()} == dict.fromkeys(answers, 403)


def test_an_outsider_sees_nothing(m):
    page, api = page_client(m.world, "outsider"), api_client("outsider")
    for url in ("/api/assessments/", "/api/needs/", "/api/instruments/"):
        assert api.get(url).json()["count"] == 0, url
    for url in ("/diagnose/assessments/", "/diagnose/needs/"):
        html = page.get(url).content.decode()
        assert not re.findall(r'href="/diagnose/(?:assessments|needs)/\d+/"', html), url
    urls = [url for _model, _key, url in _detail_urls(m, api=False)]
    assert {page.get(url).status_code for url in urls} == {404}
    assert page.get("/diagnose/countries/KE/").status_code == 404
    user = m.user("outsider")
    assert not any(scoped(user, model.objects.all()).exists() for model in DIAGNOSE_MODELS)
