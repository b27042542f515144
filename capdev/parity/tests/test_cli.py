"""`capdev import-delegations`, run on real files."""

from __future__ import annotations

from functools import partial

from capdev.parity.models import DelegationImport, DelegationMember
from capdev.parity.tests.fixtures import FILE, ROWS, conference, listing
from capdev.test import failing_command, run_command

COMMAND = "import-delegations"


run = partial(run_command, COMMAND)  # (out, err)
failing = partial(failing_command, COMMAND)  # (the error, err)


def test_it_replaces_a_meetings_delegation_and_says_what_it_did(world):
    meeting = conference()
    out, err = run(str(meeting.pk), str(FILE))
    assert out == (
        f"{meeting}: The meeting's delegation was replaced by the file's 19 rows: "
        "19 people added, 0 removed, 0 unchanged.\n"
    )
    assert err == ""
    out, _err = run(str(meeting.pk), str(FILE))
    assert "0 people added, 0 removed, 19 unchanged." in out
    assert DelegationMember.objects.count() == 19
    assert DelegationImport.objects.filter(created_by=None).count() == 2


def test_it_prints_every_problem_and_notes_and_exits_1_having_imported_nothing(world, tmp_path):
    meeting = conference()
    path = tmp_path / "delegations.csv"
    path.write_bytes(listing([*ROWS[:3], ["KEN", "Government", "Delegate", "?", ""]]))
    message, err = failing(str(meeting.pk), str(path))
    assert message == "delegations.csv: nothing was imported."
    # The row whose sex cannot be read is left out of the delegate count: one problem.
    assert err.splitlines() == ["row 5, column “Sex”: “?” is not a sex: use female, male or other."]
    assert not DelegationMember.objects.exists()

    path.write_bytes(listing(ROWS[:3]))
    _out, err = run(str(meeting.pk), str(path))
    assert err == (
        "note: Kenya: an incomplete delegation (1 employers' delegate missing, "
        "1 workers' delegate missing).\n"
    )


def test_it_refuses_an_unknown_meeting_or_file(world, tmp_path):
    assert failing("99999", str(FILE))[0] == "No meeting with the id 99999."
    meeting = conference()
    missing = tmp_path / "missing.csv"
    assert failing(str(meeting.pk), str(missing))[0] == f"Cannot read {missing}: no such file."
