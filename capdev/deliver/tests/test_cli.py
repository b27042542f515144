"""`capdev import-participants`, run on real files."""

from __future__ import annotations

from functools import partial

import pytest

from capdev.deliver.models import ParticipantImport, Participation, Person
from capdev.deliver.tests.test_import import HEADER, ROWS, listing, new_activity
from capdev.test import failing_command, run_command

COMMAND = "import-participants"


run = partial(run_command, COMMAND)  # (out, err)
failing = partial(failing_command, COMMAND)  # (the error, err)


@pytest.fixture
def activity(world):
    return new_activity(world)


def test_it_imports_a_list_and_says_what_it_did(tmp_path, activity):
    path = tmp_path / "participants.csv"
    path.write_bytes(listing())
    out, err = run(str(activity.pk), str(path))
    assert out == (
        "Labour inspection course: 4 rows imported; 4 participants added, 0 updated; "
        "4 people added\n"
    )
    assert err == "[##############################] 100%\n"  # not a terminal: one line
    record = ParticipantImport.objects.get()
    assert (record.status, record.created_by, record.file_name) == ("done", None, path.name)

    out, _err = run(str(activity.pk), str(path))
    assert "0 participants added, 4 updated; 0 people added" in out
    assert Person.objects.count() == 4


def test_it_prints_every_problem_with_row_and_column_exits_1_and_imports_nothing(
    tmp_path, activity
):
    rows = [*ROWS[:2], ["Grace Achieng", "Y", *ROWS[2][2:]], [*ROWS[3][:6], "ten"]]
    path = tmp_path / "participants.csv"
    path.write_bytes(listing(rows))
    message, err = failing(str(activity.pk), str(path))
    assert message == "participants.csv: nothing was imported."
    assert err.splitlines() == [
        "row 4, column “Sex”: “Y” is not a sex: use female, male or other.",
        "row 5, column “Satisfaction”: “ten” is not a satisfaction rating: use a whole number "
        "from 1 to 5.",
    ]
    assert (Person.objects.count(), Participation.objects.count()) == (0, 0)
    assert not ParticipantImport.objects.exists()


def test_columns_are_mapped_on_the_command_line(tmp_path, activity):
    header = ["Who", "Gender identity", *HEADER[2:]]
    path = tmp_path / "participants.csv"
    path.write_bytes(listing(header=header))
    _message, err = failing(str(activity.pk), str(path))
    assert "There is no column for the name" in err
    out, _err = run(
        str(activity.pk), str(path), "--map", "name=Who", "--map", "sex=Gender identity"
    )
    assert "4 rows imported" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["999999", "participants.csv"], "No activity with the id 999999."),
        (["{activity}", "missing.csv"], "no such file"),
        (["{activity}", "participants.csv", "--map", "name"], "write it as FIELD=COLUMN"),
        (["{activity}", "participants.csv", "--map", "age=Age"], "'age' is not a field"),
    ],
)
def test_it_refuses_a_wrong_command_line_clearly(tmp_path, activity, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "participants.csv").write_bytes(listing())
    error, _err = failing(*(arg.format(activity=activity.pk) for arg in args))
    assert message in error
    assert not Participation.objects.exists()
