"""Every persona × every parity model, page and endpoint: each sees and changes its scope.

The expected sets are written down from the facts of `capdev.test.make_world()` and of the
delegation list in fixtures.py (Kenya, Uganda, France, Thailand), never computed with
`scoped()`. Meetings are public reference records; delegation members follow their State
(and a specialist's group); only HQ and administrators write.
"""

from __future__ import annotations

import datetime
import io

import pytest

from capdev.core.scoping import Action, scoped
from capdev.core.tests.test_scope_matrix import PERSONAS, api_client, page_client
from capdev.parity.models import DelegationImport, DelegationMember, Meeting, ParityTarget
from capdev.parity.tests.fixtures import ROWS, imported, listing

KE = {"KE:Amina", "KE:Peter", "KE:Grace", "KE:Kofi", "KE:Rosa", "KE:Juan"}
UG = {"UG:Omar", "UG:Samuel", "UG:Daniel", "UG:Ivan"}
FR = {"FR:Chloé", "FR:Jean", "FR:", "FR:Hana", "FR:Luca"}
TH = {"TH:Mei", "TH:Minh", "TH:Arjun", "TH:Yuki"}
EVERYONE = KE | UG | FR | TH
WRITERS = {"hq", "admin"}
WITH_GRANT = set(PERSONAS) - {"outsider"}

SEES_MEMBERS = {
    "hq": EVERYONE,
    "evaluator": EVERYONE,
    "admin": EVERYONE,
    "office_a": KE | UG,
    "office_b": FR,
    # A specialist sees their group's members: workers worldwide, employers in Africa.
    "workers": {"KE:Rosa", "KE:Juan", "UG:Ivan", "FR:Luca", "TH:Yuki"},
    "employers_af": {"KE:Kofi", "UG:Daniel"},
    "focal": KE,  # the focal point's country's delegation, all three groups
    "viewer": TH,  # Asia and the Pacific
    "outsider": set(),
}
# (women, people) of the delegation members each persona sees, counted from the sets above.
FIGURES = {
    "hq": (7, 19),
    "evaluator": (7, 19),
    "admin": (7, 19),
    "office_a": (3, 10),
    "office_b": (2, 5),
    "workers": (2, 5),
    "employers_af": (0, 2),
    "focal": (3, 6),
    "viewer": (2, 4),
    "outsider": (0, 0),
}
DELEGATIONS = {
    "hq": {"FR", "KE", "TH", "UG"},
    "evaluator": {"FR", "KE", "TH", "UG"},
    "admin": {"FR", "KE", "TH", "UG"},
    "office_a": {"KE", "UG"},
    "office_b": {"FR"},
    "workers": {"FR", "KE", "TH", "UG"},
    "employers_af": {"KE", "UG"},
    "focal": {"KE"},
    "viewer": {"TH"},
    "outsider": set(),
}
# State × group under 30% over the session, as each persona sees it.
NEEDING_HELP = {
    "hq": {"FR workers", "KE employers", "TH employers", "UG employers", "UG government",
           "UG workers"},
    "office_a": {"KE employers", "UG employers", "UG government", "UG workers"},
    "office_b": {"FR workers"},
    "workers": {"FR workers", "UG workers"},
    "employers_af": {"KE employers", "UG employers"},
    "focal": {"KE employers"},
    "viewer": {"TH employers"},
    "outsider": set(),
}  # fmt: skip
NEEDING_HELP["evaluator"] = NEEDING_HELP["admin"] = NEEDING_HELP["hq"]


def expected(persona: str, model: str, action: Action) -> set[str]:
    if action is not Action.VIEW:
        return expected(persona, model, Action.VIEW) if persona in WRITERS else set()
    if model == "DelegationMember":
        return SEES_MEMBERS[persona]
    if model == "DelegationImport":  # the Office's record: no constituent's grant
        return {"ilc.csv"} if persona in WITH_GRANT - {"focal"} else set()
    if model == "Meeting":
        return {"ILC", "Regional"} if persona in WITH_GRANT else set()
    return {"target"} if persona in WITH_GRANT else set()  # ParityTarget


def key_of(row) -> str:
    if isinstance(row, DelegationMember):
        return f"{row.country.iso_alpha2}:{row.name.removesuffix(' Example')}"
    if isinstance(row, Meeting):
        return "ILC" if row.kind == Meeting.Kind.CONFERENCE else "Regional"
    if isinstance(row, DelegationImport):
        return row.file_name
    return "target"


@pytest.fixture
def meetings(world):
    conference = imported()
    regional = Meeting.objects.create(
        kind=Meeting.Kind.REGIONAL,
        name="Regional Meeting for Africa",
        year=2023,
        start=datetime.date(2023, 12, 5),
        region=world.countries["KE"].region,
    )
    ParityTarget.objects.create()
    return {"ilc": conference, "regional": regional}


def snapshot() -> dict[str, object]:
    return {
        model.__name__: (list(model.objects.order_by("pk").values()), model.history.count())
        for model in (Meeting, DelegationMember, ParityTarget)
    } | {"imports": DelegationImport.objects.count()}


# --- scoped() ---------------------------------------------------------------------------


@pytest.mark.parametrize("model", [Meeting, DelegationMember, DelegationImport, ParityTarget])
@pytest.mark.parametrize("persona", PERSONAS)
def test_scoped_gives_each_persona_exactly_its_parity_rows(world, meetings, persona, model):
    user = world.users[persona]
    for action in Action:
        rows = scoped(user, model.objects.all(), action)
        assert len(rows) == len({row.pk for row in rows}), f"{action}: a row comes twice"
        assert {key_of(row) for row in rows} == expected(persona, model.__name__, action), action


# --- pages ------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_parity_pages_show_each_persona_its_scope(world, meetings, persona):
    client = page_client(world, persona)
    ilc = meetings["ilc"]

    home = client.get("/parity/")
    assert home.status_code == 200
    groups = home.context["groups"]
    assert (sum(g.women for g in groups), sum(g.total for g in groups)) == FIGURES[persona]

    listed = client.get("/parity/meetings/")
    assert listed.status_code == 200
    rows = {m.name: (m.women, m.people) for m in listed.context["page"]}
    if persona == "outsider":
        assert rows == {}
    else:
        assert rows == {ilc.name: FIGURES[persona], "Regional Meeting for Africa": (0, 0)}

    detail = client.get(f"/parity/meetings/{ilc.pk}/")
    if persona == "outsider":
        assert detail.status_code == 404
    else:
        assert detail.status_code == 200
        countries = {row.country.iso_alpha2 for row in detail.context["rows"]}
        assert countries == DELEGATIONS[persona]
        assert detail.context["can_change"] is (persona in WRITERS)

    needing = client.get("/parity/help/")
    assert needing.status_code == 200
    assert {
        f"{g.country.iso_alpha2} {g.group}" for g in needing.context["needing"]
    } == NEEDING_HELP[persona]

    assert client.get("/parity/target/").status_code == 200


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_hq_and_administrators_reach_the_parity_write_pages(world, meetings, persona):
    client = page_client(world, persona)
    ilc = meetings["ilc"]
    refused = 404 if persona == "outsider" else 403
    allowed = persona in WRITERS
    assert client.get("/parity/meetings/new/").status_code == (200 if allowed else 403)
    for page in ("edit", "import", "delete"):
        response = client.get(f"/parity/meetings/{ilc.pk}/{page}/")
        assert response.status_code == (200 if allowed else refused), page


@pytest.mark.parametrize("persona", sorted(set(PERSONAS) - WRITERS))
def test_refused_page_writes_change_nothing(world, meetings, persona):
    client = page_client(world, persona)
    ilc = meetings["ilc"]
    before = snapshot()
    refused = 404 if persona == "outsider" else 403
    upload = io.BytesIO(listing(ROWS[:4]))
    upload.name = "short.csv"
    attempts = [
        ("/parity/meetings/new/", {"kind": "other", "name": "X", "year": 2024,
                                   "start": "2024-01-01"}, 403),
        (f"/parity/meetings/{ilc.pk}/edit/", {"kind": "ilc", "name": "Renamed", "year": 2024,
                                              "start": "2024-06-03"}, refused),
        (f"/parity/meetings/{ilc.pk}/import/", {"file": upload}, refused),
        (f"/parity/meetings/{ilc.pk}/delete/", {}, refused),
        ("/parity/target/", {"minimum_percent": 10, "goal_percent": 20}, 403),
    ]  # fmt: skip
    for url, data, status in attempts:
        assert client.post(url, data).status_code == status, url
    assert snapshot() == before


# --- API --------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_parity_api_gives_each_persona_its_scope(world, meetings, persona):
    client = api_client(persona)
    ilc = meetings["ilc"]

    listed = client.get("/api/meetings/")
    assert listed.status_code == 200
    rows = {m["name"]: (m["women"], m["people"]) for m in listed.json()["results"]}
    if persona == "outsider":
        assert rows == {}
    else:
        assert rows[ilc.name] == FIGURES[persona]

    detail = client.get(f"/api/meetings/{ilc.pk}/")
    delegates = client.get(f"/api/meetings/{ilc.pk}/delegates/", {"page_size": 100})
    if persona == "outsider":
        assert (detail.status_code, delegates.status_code) == (404, 404)
    else:
        counts = detail.json()["counts"]
        women = sum(c["count"] for c in counts if c["sex"] == "female")
        assert (women, sum(c["count"] for c in counts)) == FIGURES[persona]
        names = {
            f"{d['country'][:2]}:{d['name'].removesuffix(' Example')}"
            for d in delegates.json()["results"]
        }
        # ISO3 codes start with the ISO2 code for these four States (KEN, UGA, FRA, THA).
        assert names == SEES_MEMBERS[persona]

    summary = client.get("/api/parity/summary/")
    assert summary.status_code == 200
    groups = summary.json()["groups"]
    assert (sum(g["women"] for g in groups), sum(g["total"] for g in groups)) == FIGURES[persona]


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_hq_and_administrators_write_through_the_api(world, meetings, persona):
    client = api_client(persona)
    ilc = meetings["ilc"]
    before = snapshot()
    upload = io.BytesIO(listing(ROWS[:4]))
    upload.name = "short.csv"
    imported_ = client.post(f"/api/meetings/{ilc.pk}/delegates/import/", {"file": upload})
    created = client.post(
        "/api/meetings/",
        {"kind": "other", "name": "Tripartite meeting", "year": 2025, "start": "2025-02-03"},
        format="json",
    )
    if persona in WRITERS:
        assert (imported_.status_code, created.status_code) == (201, 201), imported_.content
        assert DelegationMember.objects.filter(meeting=ilc).count() == 4
    else:
        assert imported_.status_code == (404 if persona == "outsider" else 403)
        assert created.status_code == 403
        assert snapshot() == before
