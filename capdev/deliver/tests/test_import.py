"""Participant lists imported in bulk: all or nothing, row-level problems, de-duplication."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tasks_db.management.commands import db_worker

from capdev.deliver import participants_import as imports
from capdev.deliver.models import Activity, ParticipantImport, Participation, Person
from capdev.deliver.participants_import import (
    ParticipantsInvalid,
    Problem,
    import_participants,
    person_key,
    read_header,
    start_import,
    suggested_mapping,
)
from capdev.diagnose.models import Need
from capdev.lib.tests import archives
from capdev.plan.models import Action, Plan

User = get_user_model()
HEADER = ["Name", "Sex", "Organisation", "E-mail", "Position", "Attendance", "Satisfaction"]
ROWS = [
    ["Amina Wanjiru", "F", "Ministry of Labour KE", "amina@labour.go.ke", "Inspector", "100", "5"],
    ["John Otieno", "male", "Trade Union Centre KE", "", "Organiser", "80", "4"],
    ["Grace Achieng", "Female", "Employers Federation KE", "grace@fke.or.ke", "", "90", ""],
    ["Peter Mwangi", "M", "ministry of labour ke", "", "Clerk", "", "3"],
]


def listing(rows=ROWS, header=HEADER, *, delimiter=",", bom=False) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return (b"\xef\xbb\xbf" if bom else b"") + buffer.getvalue().encode()


def workbook_of(rows=ROWS, header=HEADER) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append([int(cell) if cell.isdigit() else cell or None for cell in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def run(world, data: bytes, *, activity, name="participants.csv", user="office_a", **kwargs):
    return import_participants(
        user=world.users[user] if isinstance(user, str) else user,
        activity=activity,
        file=io.BytesIO(data),
        file_name=name,
        **kwargs,
    )


def refusal(world, data: bytes, *, activity, **kwargs) -> list[Problem]:
    with pytest.raises(ParticipantsInvalid) as refused:
        run(world, data, activity=activity, **kwargs)
    return refused.value.problems


def counts() -> tuple[int, int, int, int]:
    return (
        Person.objects.count(),
        Participation.objects.count(),
        Person.history.count() + Participation.history.count(),
        ParticipantImport.objects.count(),
    )


def new_activity(world, title="Labour inspection course", country="KE") -> Activity:
    activity = Activity.objects.create(
        title=title,
        kind=Activity.Kind.COURSE,
        start=datetime.date(2026, 3, 2),
        end=datetime.date(2026, 3, 6),
        place="Nairobi",
        office=world.offices["a"],
    )
    activity.countries.set([world.countries[country]])
    return activity


@pytest.fixture
def activity(world):
    return new_activity(world)


# --- all or nothing ---------------------------------------------------------------------


def test_a_list_with_one_bad_row_imports_nothing_and_names_its_row_and_column(world, activity):
    rows = [*ROWS[:2], ["Grace Achieng", "Y", *ROWS[2][2:]], ROWS[3]]
    problems = refusal(world, listing(rows), activity=activity)
    assert problems == [
        Problem(4, "Sex", "“Y” is not a sex: use female, male or other."),
    ]
    assert str(problems[0]) == ("row 4, column “Sex”: “Y” is not a sex: use female, male or other.")
    assert counts() == (0, 0, 0, 0)
    assert Activity.objects.get().status == Activity.Status.PLANNED

    result = run(world, listing(), activity=activity)  # the same list, fixed
    assert result == imports.ImportResult(
        rows=4, participants_added=4, participants_updated=0, people_added=4
    )
    amina = Person.objects.get(email="amina@labour.go.ke")
    assert amina.sex == "female" and amina.country == world.countries["KE"]
    assert amina.organisation == world.organisations["KE-gov"]
    peter = Person.objects.get(name="Peter Mwangi")
    assert peter.organisation == world.organisations["KE-gov"]  # matched whatever the case
    grace = Participation.objects.get(person__name="Grace Achieng")
    assert (grace.attendance, grace.satisfaction) == (90, None)


def test_every_problem_is_listed_with_a_specific_message(world, activity):
    header = [*HEADER, "Country", "Pre-test", "Applied after 3 months"]
    rows = [
        ["", "F", "Ministry of Labour KE", "", "", "", "", "", "", ""],
        ["B", "F", "Ministry of Nowhere", "b@x", "", "101", "6", "", "-1", "maybe"],
        ["C", "", "", "", "", "50%", "4", "Atlantis", "abc", "yes"],
        ["D", "M", "", "", "", "", "", "", "", ""],
    ]
    problems = refusal(world, listing(rows, header), activity=activity)
    assert [(p.row, p.column) for p in problems] == [
        (2, "Name"),
        (3, "Organisation"),
        (3, "E-mail"),
        (3, "Attendance"),
        (3, "Satisfaction"),
        (3, "Pre-test"),
        (3, "Applied after 3 months"),
        (4, "Sex"),
        (4, "Country"),
        (4, "Pre-test"),
        (5, "Country"),
    ]
    messages = [p.message for p in problems]
    assert messages[0] == "The name is missing."
    assert "“Ministry of Nowhere” is not an organisation" in messages[1]
    assert messages[2] == "“b@x” is not an e-mail address."
    assert messages[3] == "“101” is not an attendance from 0 to 100 %."
    assert "use a whole number from 1 to 5" in messages[4]
    assert messages[5] == "“-1” is not a test score from 0 to 100."
    assert "use none, partly or fully" in messages[6]
    assert messages[7] == "The sex is missing: use female, male or other."
    assert "“Atlantis” is not a country" in messages[8]
    assert messages[10] == "Give the person's country, or an organisation."
    assert counts() == (0, 0, 0, 0)


def test_the_problems_are_capped_and_the_cap_is_said(world, activity, monkeypatch):
    monkeypatch.setattr(imports, "MAX_PROBLEMS", 5)
    rows = [[f"P{n}", "?", "Ministry of Labour KE", "", "", "", ""] for n in range(50)]
    problems = refusal(world, listing(rows), activity=activity)
    assert len(problems) == 6
    assert problems[-1].message == "Checking stopped after 5 problems."


def test_a_missing_required_column_is_a_problem_of_the_file_not_of_a_row(world, activity):
    header = ["Name", "Organisation"]
    problems = refusal(world, listing([["A", "Ministry of Labour KE"]], header), activity=activity)
    assert [(p.row, p.column) for p in problems] == [(None, None)]
    assert "no column for the sex" in problems[0].message
    problems = refusal(world, listing([["A", "F"]], ["Name", "Sex"]), activity=activity)
    assert "no column for the organisation or for the country" in problems[0].message
    assert counts() == (0, 0, 0, 0)


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        ("Name,Sex\n".encode("utf-16"), "list.csv", "not a participant list"),
        (b"Name,Sex,Country\nJos\xe9,M,KE\n", "list.csv", "not UTF-8 text"),
        (b"", "list.csv", "The file is empty"),
        (b"Name,Sex,Country\n", "list.csv", "no participants"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "photo.png", "not a participant list"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "old.xls", "old Excel .xls"),
        (b"Name,Sex\nnot really", "list.xlsx", "not an .xlsx workbook"),
        (archives.zip_bomb(), "list.xlsx", "possible zip bomb"),
        (archives.zip_bomb(), "list.xlsx", "can be sent as CSV (UTF-8) instead"),
        (archives.zip_of({"[Content_Types].xml": archives.CONTENT_TYPES}), "list.xlsx", "damaged"),
        (b"Hello,\nthis is a letter, not a list.\n", "letter.txt", "no column for the name"),
    ],
)
def test_a_file_that_is_no_participant_list_is_refused_clearly(
    world, activity, data, name, message
):
    problems = refusal(world, data, activity=activity, name=name)
    assert any(message in problem.message for problem in problems), problems
    assert counts() == (0, 0, 0, 0)


# --- de-duplication ---------------------------------------------------------------------


def test_importing_the_same_list_twice_creates_no_duplicate_people(world, activity):
    run(world, listing(), activity=activity)
    before = list(Person.objects.order_by("pk").values_list("pk", "key"))
    changed = [[*row[:5], "50", row[6]] for row in ROWS]
    result = run(world, listing(changed), activity=activity)
    assert result == imports.ImportResult(
        rows=4, participants_added=0, participants_updated=4, people_added=0
    )
    assert list(Person.objects.order_by("pk").values_list("pk", "key")) == before
    assert Participation.objects.count() == 4
    assert set(Participation.objects.values_list("attendance", flat=True)) == {50}
    assert ParticipantImport.objects.filter(status="done").count() == 2


def test_columns_a_list_does_not_have_are_left_as_they_were(world, activity):
    run(world, listing(), activity=activity)
    follow_up = [[row[0], row[1], row[2], row[3], "partly"] for row in ROWS]
    header = ["Name", "Sex", "Organisation", "E-mail", "Applied after 3 months"]
    run(world, listing(follow_up, header), activity=activity)
    amina = Participation.objects.get(person__email="amina@labour.go.ke")
    assert (amina.attendance, amina.satisfaction, amina.applied_3_months) == (100, 5, "partly")


def test_two_activities_share_the_people_they_have_in_common(world, activity):
    run(world, listing(), activity=activity)
    other = new_activity(world, "Follow-up workshop")
    # The same people, spelled differently, one with another position: they are known.
    again = [
        ["AMINA  WANJIRU", "F", "Ministry of Labour KE", "Amina@Labour.go.ke", "Director", "", ""],
        [" john   otieno ", "M", "Trade Union Centre KE", "", "", "", ""],
        ["New Person", "F", "Ministry of Labour KE", "", "", "", ""],
    ]
    result = run(world, listing(again), activity=other)
    assert (result.people_added, result.participants_added) == (1, 3)
    assert Person.objects.count() == 5
    amina = Person.objects.get(email="amina@labour.go.ke")
    assert amina.position == "Inspector"  # reused as recorded, not overwritten
    assert amina.participations.count() == 2
    assert Person.objects.get(name="John Otieno").participations.count() == 2


def test_the_same_person_twice_in_one_list_names_the_earlier_row(world, activity):
    rows = [*ROWS, ["Amina W.", "F", "Ministry of Labour KE", "AMINA@labour.go.ke", "", "", ""]]
    rows.append(ROWS[1])
    problems = refusal(world, listing(rows), activity=activity)
    assert problems == [
        Problem(6, "E-mail", "The same person as on row 2 (the same e-mail address)."),
        Problem(7, "Name", "The same person as on row 3 (the same name and organisation)."),
    ]


def test_a_person_key_sets_aside_case_spacing_and_compatibility_forms():
    assert person_key(name="x", organisation_id=3, email=" Ann@Example.org ") == "ann@example.org"
    assert person_key(name="  ＡＮＮ   Müller ", organisation_id=3) == "3 ann müller"
    assert person_key(name="Ann Müller", organisation_id=None) == "- ann müller"
    assert person_key(name="Ann", organisation_id=3) != person_key(name="Ann", organisation_id=4)


# --- formats and columns ----------------------------------------------------------------


def test_a_workbook_imports_as_a_csv_does(world, activity):
    result = run(world, workbook_of(), activity=activity, name="participants.xlsx")
    assert (result.rows, result.people_added) == (4, 4)
    assert Participation.objects.get(person__name="Amina Wanjiru").attendance == 100
    rows = [*ROWS[:3], ["Peter", "M", "Ministry of Labour KE", "", "", "", "9"]]
    problems = refusal(world, workbook_of(rows), activity=new_activity(world), name="p.xlsx")
    assert [(p.row, p.column) for p in problems] == [(5, "Satisfaction")]


def test_a_french_csv_with_a_bom_semicolons_and_decimal_commas_imports(world, activity):
    header = ["Nom", "Sexe", "Organisation", "Pays", "Courriel", "Présence", "Pré-test"]
    rows = [
        ["Aïcha Diallo", "femme", "", "Kenya", "aicha@example.org", "87,5", "62,25"],
        ["Jean Martin", "homme", "", "KEN", "", "100", "70"],
    ]
    data = listing(rows, header, delimiter=";", bom=True) + b";;;;;;\n ; ;;;;;\n"  # blank rows
    result = run(world, data, activity=activity)
    assert result.rows == 2
    aicha = Participation.objects.get(person__name="Aïcha Diallo")
    assert (aicha.attendance, aicha.pre_test) == (88, Decimal("62.25"))
    assert aicha.person.country == world.countries["KE"]
    assert aicha.person.organisation is None


def test_columns_with_other_names_are_read_through_the_mapping(world, activity):
    header = ["Participant's full name", "M/F", "Employer body", "Score before", "Score after"]
    rows = [["Amina Wanjiru", "F", "Ministry of Labour KE", "40", "75.5"]]
    data = listing(rows, header)
    problems = refusal(world, data, activity=activity)
    assert {p.row for p in problems} == {None}
    mapping = {
        "name": "Participant's full name",
        "sex": "M/F",
        "organisation": "Employer body",
        "pre_test": "Score before",
        "post_test": "Score after",
    }
    run(world, data, activity=activity, mapping=mapping)
    amina = Participation.objects.get()
    assert (amina.pre_test, amina.post_test) == (Decimal("40"), Decimal("75.5"))
    problems = refusal(world, data, activity=activity, mapping={**mapping, "email": "Mail"})
    assert [(p.row, p.column) for p in problems] == [(None, "Mail")]


def test_the_header_is_read_for_the_mapping_form_and_usual_names_are_suggested():
    upload = io.BytesIO(listing(header=["Nombre", "Sexo", "Organización", "Correo electrónico"]))
    header = read_header(upload, "lista.csv")
    assert header == ["Nombre", "Sexo", "Organización", "Correo electrónico"]
    assert upload.tell() == 0
    assert suggested_mapping(header) == {
        "name": "Nombre",
        "sex": "Sexo",
        "organisation": "Organización",
        "email": "Correo electrónico",
    }
    french = ["Nom", "Sexe", "Pays", "Poste", "Téléphone", "Appliqué après 6 mois"]
    assert set(suggested_mapping(french)) == {
        "name",
        "sex",
        "country",
        "position",
        "phone",
        "applied_6_months",
    }
    assert read_header(io.BytesIO(workbook_of()), "list.xlsx") == HEADER


def test_an_organisation_named_in_several_countries_is_told_apart_by_the_country(world, activity):
    ke, ug = world.organisations["KE-wrk"], world.organisations["UG-wrk"]
    for organisation in (ke, ug):
        organisation.acronym = "COTU"
        organisation.save()
    header = ["Name", "Sex", "Organisation", "Country"]
    problems = refusal(world, listing([["A", "F", "cotu", ""]], header), activity=activity)
    assert "names several organisations (in Kenya, Uganda)" in problems[0].message
    run(world, listing([["A", "F", "cotu", "UG"]], header), activity=activity)
    assert Person.objects.get().organisation == ug


# --- scope --------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["office_b", "focal", "viewer", "evaluator", "outsider"])
def test_a_user_who_may_not_change_the_activity_is_refused(world, activity, persona):
    with pytest.raises(PermissionDenied):
        run(world, listing(), activity=activity, user=persona)
    assert counts() == (0, 0, 0, 0)


def test_organisations_outside_the_users_scope_are_not_found(world, activity):
    rows = [["Marie Dupont", "F", "Ministry of Labour FR", "", "", "", ""]]
    problems = refusal(world, listing(rows), activity=activity)
    assert [(p.row, p.column) for p in problems] == [(2, "Organisation")]
    run(world, listing(rows), activity=activity, user=None)  # the command line: everything
    assert Person.objects.get().organisation == world.organisations["FR-gov"]


# --- speed and progress -------------------------------------------------------------------


def many(count: int, start: int = 0) -> bytes:
    organisations = ["Ministry of Labour KE", "Trade Union Centre KE", "Employers Federation KE"]
    rows = [
        [
            f"Person {n}",
            "FM"[n % 2],
            organisations[n % 3],
            f"p{n}@example.org" if n % 10 < 7 else "",
            "",
            str(n % 101),
            str(1 + n % 5),
        ]
        for n in range(start, start + count)
    ]
    return listing(rows)


def test_the_number_of_queries_does_not_grow_with_the_rows(world):
    def queries(count: int) -> int:
        activity = new_activity(world, f"Course {count}")
        user = User.objects.get(username="office_a")  # grants not yet read
        with CaptureQueriesContext(connection) as captured:
            run(world, many(count), activity=activity, user=user)
        return len(captured)

    assert queries(100) == queries(2_000)
    assert Participation.objects.count() == 2_100


def test_the_rows_are_written_in_chunks(world, activity, monkeypatch):
    monkeypatch.setattr(imports, "CHUNK", 7)
    result = run(world, many(50), activity=activity)
    assert (result.rows, result.people_added, result.participants_added) == (50, 50, 50)
    result = run(world, many(50, start=25), activity=activity)
    assert (result.people_added, result.participants_added, result.participants_updated) == (
        25,
        25,
        25,
    )


def test_progress_is_reported_while_checking(world, activity, monkeypatch):
    monkeypatch.setattr(imports, "CHUNK", 10)
    seen: list[tuple[int, int]] = []
    run(world, many(35), activity=activity, progress=lambda done, total: seen.append((done, total)))
    assert seen == [(10, 35), (20, 35), (30, 35), (35, 35)]


# --- through the task, and what delivery changes --------------------------------------------


def upload_of(data: bytes, name="participants.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="text/csv")


def test_a_queued_import_runs_as_a_task_and_leaves_its_audit_record(
    world, activity, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    with django_capture_on_commit_callbacks(execute=True):
        record = start_import(
            user=world.users["office_a"], activity=activity, upload=upload_of(listing()), mapping={}
        )
        assert record.status == ParticipantImport.Status.QUEUED  # not before the commit
    record.refresh_from_db()
    assert record.status == ParticipantImport.Status.DONE
    assert (record.rows_total, record.rows_done, record.people_added) == (4, 4, 4)
    assert (record.participants_added, record.participants_updated) == (4, 0)
    assert record.created_by == world.users["office_a"] and record.finished_at
    assert record.mapping["sex"] == "Sex"
    assert not record.upload and not list(tmp_path.rglob("*.csv"))  # personal data
    assert Participation.objects.count() == 4


def test_with_the_database_backend_the_import_waits_for_the_worker(
    world, activity, settings, tmp_path, django_capture_on_commit_callbacks, monkeypatch
):
    """The path `capdev demo` and a production install take: queued in the database, run by
    `capdev db_worker`."""
    # Between tasks the worker closes connections it finds inside a transaction, as stale;
    # here that transaction is the test's own, which PostgreSQL would lose.
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    settings.MEDIA_ROOT = tmp_path
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        record = start_import(
            user=world.users["office_a"], activity=activity, upload=upload_of(listing()), mapping={}
        )
    record.refresh_from_db()
    assert record.status == ParticipantImport.Status.QUEUED and not Participation.objects.exists()
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0", verbosity=0)
    record.refresh_from_db()
    assert record.status == ParticipantImport.Status.DONE and record.rows_done == 4
    assert Participation.objects.count() == 4


def test_a_refused_import_leaves_a_failed_record_with_its_problems(
    world, activity, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    rows = [*ROWS[:3], ["Peter Mwangi", "M", "Ministry of Labour KE", "", "", "", "six"]]
    with django_capture_on_commit_callbacks(execute=True):
        record = start_import(
            user=world.users["office_a"],
            activity=activity,
            upload=upload_of(listing(rows)),
            mapping={},
        )
    record.refresh_from_db()
    assert record.status == ParticipantImport.Status.FAILED
    assert record.errors == [
        {
            "row": 5,
            "column": "Satisfaction",
            "message": "“six” is not a satisfaction rating: use a whole number from 1 to 5.",
        }
    ]
    assert (Person.objects.count(), Participation.objects.count()) == (0, 0)


def test_only_a_user_who_may_change_the_activity_queues_an_import(world, activity):
    with pytest.raises(PermissionDenied):
        start_import(
            user=world.users["office_b"], activity=activity, upload=upload_of(b""), mapping={}
        )
    assert not ParticipantImport.objects.exists()


def test_attendance_makes_the_activity_held_its_plan_in_implementation_and_needs_addressed(
    world, activity
):
    need = Need.objects.create(
        organisation=world.organisations["KE-gov"],
        title="Inspectors lack training",
        level="organisational",
        type="functional",
        theme="strategic_planning",
        status=Need.Status.PLANNED,
    )
    plan = Plan.objects.create(
        title="Kenya plan",
        country=world.countries["KE"],
        office=world.offices["a"],
        start=datetime.date(2026, 1, 1),
        end=datetime.date(2027, 12, 31),
        status=Plan.Status.AGREED,
    )
    plan.organisations.set([world.organisations["KE-gov"]])
    action = Action.objects.create(plan=plan, title="Train inspectors")
    action.needs.set([need])
    activity.actions.set([action])

    no_attendance = [[*row[:5], "", row[6]] for row in ROWS]
    run(world, listing(no_attendance), activity=activity)
    activity.refresh_from_db()
    assert activity.status == Activity.Status.PLANNED  # nobody is known to have attended

    run(world, listing(), activity=activity)
    activity.refresh_from_db()
    plan.refresh_from_db()
    need.refresh_from_db()
    assert activity.status == Activity.Status.HELD
    assert plan.status == Plan.Status.IN_IMPLEMENTATION
    assert need.status == Need.Status.ADDRESSED


def test_an_organisation_is_found_by_its_acronym_or_as_capdev_shows_it(world, activity):
    union = world.organisations["KE-wrk"]
    union.acronym = "COTU-KE"
    union.save()
    rows = [
        ["Ann Njeri", "F", "cotu-ke", "", "", "100", ""],
        ["Ben Kip", "M", str(union), "", "", "100", ""],  # "Trade Union Centre KE (COTU-KE)"
    ]
    run(world, listing(rows), activity=activity)
    assert set(Person.objects.values_list("organisation", flat=True)) == {union.pk}


def test_a_list_without_evidence_updates_no_one_already_there(world, activity):
    names_only = [row[:3] for row in ROWS]
    first = run(world, listing(names_only, HEADER[:3]), activity=activity)
    again = run(world, listing(names_only, HEADER[:3]), activity=activity)
    assert (first.participants_added, first.participants_updated) == (4, 0)
    assert (again.rows, again.participants_added, again.participants_updated) == (4, 0, 0)
    assert Participation.objects.count() == 4
