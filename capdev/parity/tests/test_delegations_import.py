"""Delegation lists imported into a meeting: all or nothing, row by row, never twice."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied

from capdev.deliver.participants_import import Problem
from capdev.lib.tests import archives
from capdev.parity.delegations_import import (
    DelegationsInvalid,
    ImportResult,
    import_delegations,
)
from capdev.parity.models import DelegationImport, DelegationMember, Meeting
from capdev.parity.tests.fixtures import FILE, HEADER, ROWS, conference, listing


def run(data: bytes, meeting: Meeting, *, name: str = "ilc.csv", user=None) -> ImportResult:
    return import_delegations(user=user, meeting=meeting, file=io.BytesIO(data), file_name=name)


def refusal(data: bytes, meeting: Meeting, **kwargs) -> list[Problem]:
    with pytest.raises(DelegationsInvalid) as refused:
        run(data, meeting, **kwargs)
    return refused.value.problems


def members(meeting: Meeting) -> list[tuple[str, str, str, str, str]]:
    return sorted(
        DelegationMember.objects.filter(meeting=meeting).values_list(
            "country__iso_alpha2", "group", "role", "sex", "name"
        )
    )


def workbook_of(rows: list[list[str]] = ROWS, header: list[str] = HEADER) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def meeting(world):
    return conference()


KENYA = [
    ("KE", "employers", "delegate", "male", "Kofi Example"),
    ("KE", "government", "adviser", "female", "Grace Example"),
    ("KE", "government", "delegate", "female", "Amina Example"),
    ("KE", "government", "delegate", "male", "Peter Example"),
    ("KE", "workers", "delegate", "female", "Rosa Example"),
    ("KE", "workers", "substitute", "male", "Juan Example"),
]


def test_a_real_shaped_list_imports_every_person_with_group_role_and_sex(meeting):
    result = run(FILE.read_bytes(), meeting)
    assert (result.rows, result.added, result.removed, result.unchanged) == (19, 19, 0, 0)
    assert result.notes == []
    rows = members(meeting)
    assert len(rows) == 19
    assert [r for r in rows if r[0] == "KE"] == KENYA
    # ISO3, ISO2 and names all found; "Ms"/"Mr" and "Female"/"Male" read as sexes; the
    # observer without a name is kept.
    assert {r[0] for r in rows} == {"KE", "UG", "FR", "TH"}
    assert ("FR", "government", "observer", "male", "") in rows
    assert ("FR", "employers", "delegate", "female", "Hana Example") in rows
    assert ("TH", "workers", "delegate", "female", "Yuki Example") in rows
    record = DelegationImport.objects.get()
    assert (record.meeting, record.file_name, record.rows, record.added) == (
        meeting,
        "ilc.csv",
        19,
        19,
    )
    assert DelegationMember.history.filter(history_type="+").count() == 19
    assert result.summary() == (
        "The meeting's delegation was replaced by the file's 19 rows: "
        "19 people added, 0 removed, 0 unchanged."
    )


def test_a_bad_row_names_its_row_and_column_and_nothing_is_imported(meeting):
    rows = [list(row) for row in ROWS]
    rows[4][1] = "Workerz"  # Kenya's workers' delegate, row 6 of the file
    rows[9][3] = "?"  # Uganda's workers' delegate, row 11
    rows[12][0] = "Atlantis"  # France's observer, row 14
    problems = refusal(listing(rows), meeting)
    assert problems == [
        Problem(6, "Group", "“Workerz” is not a group: use government, employers or workers."),
        Problem(11, "Sex", "“?” is not a sex: use female, male or other."),
        Problem(
            14,
            "Member State",
            "“Atlantis” is not a member State: use its ISO code (KEN, KE) or its name.",
        ),
    ]
    assert str(problems[0]) == (
        "row 6, column “Group”: “Workerz” is not a group: use government, employers or workers."
    )
    assert not DelegationMember.objects.exists()
    assert not DelegationMember.history.exists()
    assert not DelegationImport.objects.exists()


def test_a_refused_file_leaves_the_delegation_already_there_as_it_was(meeting):
    run(FILE.read_bytes(), meeting)
    before = members(meeting)
    rows = [*ROWS[:3], ["KEN", "Government", "Delegate", "", "No Sex"]]
    problems = refusal(listing(rows), meeting)
    assert problems == [Problem(5, "Sex", "This is empty: every row needs it.")]
    assert members(meeting) == before
    assert DelegationImport.objects.count() == 1


def test_importing_the_same_file_twice_duplicates_no_one_and_says_so(meeting):
    run(FILE.read_bytes(), meeting)
    pks = sorted(DelegationMember.objects.values_list("pk", flat=True))
    again = run(FILE.read_bytes(), meeting)
    assert (again.rows, again.added, again.removed, again.unchanged) == (19, 0, 0, 19)
    assert sorted(DelegationMember.objects.values_list("pk", flat=True)) == pks
    assert DelegationMember.history.count() == 19  # nothing changed, nothing recorded
    assert DelegationImport.objects.count() == 2


def test_a_new_file_replaces_the_meetings_delegation(meeting):
    run(FILE.read_bytes(), meeting)
    # Uganda's delegation is corrected: a woman replaces one government delegate.
    rows = [row for row in ROWS if row[4] != "Samuel Example"]
    rows.append(["UGA", "Government", "Delegate", "F", "Nadia Example"])
    result = run(listing(rows), meeting, user=None)
    assert (result.added, result.removed, result.unchanged) == (1, 1, 18)
    names = set(DelegationMember.objects.values_list("name", flat=True))
    assert "Samuel Example" not in names and "Nadia Example" in names
    deleted = DelegationMember.history.get(history_type="-")
    assert deleted.name == "Samuel Example"


def test_other_meetings_are_left_alone(meeting):
    other = conference(111, 2023)
    run(FILE.read_bytes(), other)
    run(listing(ROWS[:4]), meeting)
    assert DelegationMember.objects.filter(meeting=other).count() == 19
    assert DelegationMember.objects.filter(meeting=meeting).count() == 4


def test_a_conference_delegation_with_three_government_delegates_is_refused(meeting):
    rows = [*ROWS[:6], ["KEN", "Government", "Delegate", "F", "Extra Example"], *ROWS[6:]]
    problems = refusal(listing(rows), meeting)
    assert problems == [
        Problem(
            8,
            "Capacity",
            "Kenya has 3 government delegates: a Conference delegation has 2 (two government "
            "delegates, one employers' and one workers' delegate). List the others as "
            "substitute delegates or advisers.",
        )
    ]
    assert not DelegationMember.objects.exists()


def test_two_workers_delegates_are_refused_and_one_missing_is_a_note(meeting):
    rows = [list(row) for row in ROWS]
    rows[5][2] = "Delegate"  # Juan, Kenya's substitute, listed as a second workers' delegate
    problems = refusal(listing(rows), meeting)
    assert [(p.row, p.column) for p in problems] == [(7, "Capacity")]
    assert problems[0].message.startswith("Kenya has 2 workers' delegates: a Conference ")

    without_employers = [row for row in ROWS if row[4] != "Daniel Example"]
    result = run(listing(without_employers), meeting)
    assert result.rows == 18
    assert result.notes == ["Uganda: an incomplete delegation (1 employers' delegate missing)."]
    assert DelegationImport.objects.get().notes == result.notes


def test_a_regional_meeting_is_not_held_to_the_conference_rule(world):
    meeting = conference()
    meeting.kind = Meeting.Kind.REGIONAL
    meeting.session = None
    meeting.save()
    rows = [*ROWS, ["KEN", "Government", "Delegate", "F", "Extra Example"]]
    assert run(listing(rows), meeting).rows == 20


def test_a_person_named_twice_in_a_delegation_names_the_earlier_row(meeting):
    rows = [*ROWS, ["KE", "Government", "Adviser", "F", "grace  example"]]
    problems = refusal(listing(rows), meeting)
    assert problems == [
        Problem(21, "Name", "“grace  example” is listed twice in this delegation (row 4 too).")
    ]


def test_french_and_spanish_headers_and_values_are_recognised(meeting):
    french = [
        ["Kenya", "Gouvernement", "Délégué", "Femme", "Amina Example"],
        ["KEN", "Gouvernement", "Délégué", "Homme", "Peter Example"],
        ["KEN", "Employeurs", "Délégué titulaire", "Mme", "Hana Example"],
        ["KEN", "Travailleurs", "Délégué", "M.", "Luca Example"],
        ["KEN", "Travailleurs", "Conseiller technique et délégué suppléant", "F", ""],
    ]
    result = run(listing(french, ["Pays", "Groupe", "Qualité", "Sexe", "Nom"], ";"), meeting)
    assert result.rows == 5
    assert members(meeting)[-1] == ("KE", "workers", "substitute", "female", "")

    spanish = [
        ["Kenia", "Gobierno", "Delegada", "Mujer", "Amina Example"],
        ["KE", "Gobierno", "Delegado", "Hombre", "Peter Example"],
        ["KE", "Empleadores", "Delegado", "Sr.", "Kofi Example"],
        ["KE", "Trabajadores", "Delegada", "Sra.", "Rosa Example"],
        ["KE", "Trabajadores", "Consejero técnico", "Hombre", "Juan Example"],
    ]
    result = run(listing(spanish, ["País", "Grupo", "Calidad", "Sexo", "Nombre"]), meeting)
    # Amina and Peter are kept; Kofi, Rosa and Juan come in for Hana, Luca and the unnamed one.
    assert (result.added, result.removed, result.unchanged) == (3, 3, 2)
    assert ("KE", "workers", "adviser", "male", "Juan Example") in members(meeting)


def test_a_missing_column_is_named_and_unread_columns_are_noted(meeting):
    problems = refusal(listing([["KEN", "Delegate", "F"]], ["Country", "Role", "Sex"]), meeting)
    assert problems == [
        Problem(
            1, None, "There is no column for the group: name a column “group”, “groupe”, “grupo”."
        )
    ]
    rows = [[*row, "Minister"] for row in ROWS]
    result = run(listing(rows, [*HEADER, "Position"]), meeting)
    assert result.notes == ["These columns were not read: “Position”."]


def test_a_workbook_imports_as_the_csv_does(meeting):
    result = run(workbook_of(), meeting, name="ilc.xlsx")
    assert (result.rows, result.added) == (19, 19)
    assert [r for r in members(meeting) if r[0] == "KE"] == KENYA


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (archives.zip_bomb(), "ilc.xlsx", "possible zip bomb"),
        (
            archives.with_member(
                workbook_of(),
                "xl/worksheets/sheet1.xml",
                archives.with_entity(
                    archives.members_of(workbook_of())["xl/worksheets/sheet1.xml"].replace(
                        b"<v>", b"<is><t>", 1
                    ),
                    archives.XXE_DOCTYPE,
                    archives.XXE_REFERENCE,
                ),
            ),
            "ilc.xlsx",
            "declares a DTD or entities",
        ),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "ilc.xls", "old Excel .xls"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "photo.png", "not a delegation list"),
        ("Pays,Groupe\nCôte d'Ivoire,x\n".encode("latin-1"), "ilc.csv", "not UTF-8"),
        (b"", "ilc.csv", "The file is empty"),
        (listing([]), "ilc.csv", "no delegation members"),
    ],
)
def test_a_malicious_or_wrong_file_is_refused_clearly(meeting, data, name, message):
    problems = refusal(data, meeting, name=name)
    assert any(message in problem.message for problem in problems), problems
    assert not DelegationMember.objects.exists()


def test_only_hq_and_administrators_import(world, meeting):
    for persona in ("office_a", "workers", "focal", "evaluator", "viewer", "outsider"):
        with pytest.raises(PermissionDenied):
            run(FILE.read_bytes(), meeting, user=world.users[persona])
    assert not DelegationMember.objects.exists()
    result = run(FILE.read_bytes(), meeting, user=world.users["hq"])
    assert result.added == 19
    assert set(DelegationMember.history.values_list("history_user__username", flat=True)) == {"hq"}
