"""What the parity tests share: a Conference session with the delegations of the world's
four States, imported from a real-shaped list (delegations_ilc.csv).

The figures every test checks against, counted by hand from the file:

| State    | government | employers | workers | delegation      |
|----------|------------|-----------|---------|-----------------|
| Kenya    | 2 of 3     | 0 of 1    | 1 of 2  | 3 of 6 = 50%    |
| Uganda   | 0 of 2     | 0 of 1    | 0 of 1  | 0 of 4 = 0%     |
| France   | 1 of 3     | 1 of 1    | 0 of 1  | 2 of 5 = 40%    |
| Thailand | 1 of 2     | 0 of 1    | 1 of 1  | 2 of 4 = 50%    |
| all      | 4 of 10    | 1 of 4    | 2 of 5  | 7 of 19         |

(women of people). Regions: Africa 3 of 10 (exactly 30%), Europe and Central Asia 2 of 5,
Asia and the Pacific 2 of 4.
"""

from __future__ import annotations

import csv
import datetime
import io
from pathlib import Path

from capdev.parity.delegations_import import import_delegations
from capdev.parity.models import Meeting

FILE = Path(__file__).with_name("delegations_ilc.csv")
HEADER, *ROWS = list(csv.reader(io.StringIO(FILE.read_text(encoding="utf-8"))))


def listing(
    rows: list[list[str]] = ROWS, header: list[str] = HEADER, delimiter: str = ","
) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def conference(session: int = 112, year: int = 2024) -> Meeting:
    return Meeting.objects.create(
        kind=Meeting.Kind.CONFERENCE,
        name=f"{session}th Session of the International Labour Conference",
        session=session,
        year=year,
        start=datetime.date(year, 6, 3),
        place="Geneva",
    )


def imported(meeting: Meeting | None = None, data: bytes | None = None) -> Meeting:
    """The meeting (a new Conference session by default) with the file imported into it."""
    meeting = meeting or conference()
    import_delegations(
        user=None, meeting=meeting, file=io.BytesIO(data or FILE.read_bytes()), file_name="ilc.csv"
    )
    return meeting
