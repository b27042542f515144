"""Delegation lists brought into a meeting from CSV or XLSX (§10).

One row per accredited person: the member State (ISO 3166 alpha-3 or alpha-2 code, or its
name in English, French, Spanish or Chinese), the group (government, employers, workers),
the role (delegate, substitute delegate, adviser, observer), the sex and, optionally, the
name. Column headers are recognised in English, French and Spanish (case, accents and
punctuation aside); other columns are left unread, and the import says which.

All or nothing: every row is checked first, and if any has a problem nothing is written and
`DelegationsInvalid` lists every problem with its row in the file (the header is row 1) and
its column. For a session of the International Labour Conference each State's delegation
has at most two government delegates, one employers' and one workers' delegate (ILO
Constitution, art. 3); more is refused, fewer is imported with a note (an incomplete
delegation is a fact to record, not an error).

The file **replaces** the meeting's delegation: afterwards the meeting's members are exactly
the file's rows. People already recorded identically (State, group, role, sex, name) are
kept as they are, so importing the same file twice changes nothing and duplicates no one;
those no longer listed are removed, new ones added, each with its history row.

Lists are small (a Conference has a few thousand accredited people), so the file is read
whole, within MAX_BYTES; a workbook is checked by `check_xlsx` (zip bombs, XML entities)
before openpyxl opens it.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import islice
from pathlib import Path
from typing import IO, Any, NamedTuple

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from simple_history.utils import bulk_create_with_history

from capdev.core.models import Country
from capdev.core.scoping import Action, ensure_in_scope, scoped
from capdev.deliver.participants_import import SEXES, Problem
from capdev.lib.safe_files import UnsafeFile, check_xlsx
from capdev.parity.models import (
    CONFERENCE_DELEGATES,
    DelegationGroup,
    DelegationImport,
    DelegationMember,
    DelegationRole,
    Meeting,
)

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 50_000
MAX_PROBLEMS = 500
NAME_LENGTH = 200
FileLike = IO[bytes] | str | Path
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old binary .xls


class Field(NamedTuple):
    name: str
    label: Promise
    required: bool


FIELDS: tuple[Field, ...] = (
    Field("country", gettext_lazy("member State"), True),
    Field("group", gettext_lazy("group"), True),
    Field("role", gettext_lazy("role"), True),
    Field("sex", gettext_lazy("sex"), True),
    Field("name", gettext_lazy("name"), False),
)
FIELD_NAMES = tuple(f.name for f in FIELDS)

# Column headers recognised, compared after _words() (case, accents and punctuation aside).
ALIASES: dict[str, tuple[str, ...]] = {
    "country": (
        "country", "member state", "state", "country code", "iso", "iso3", "iso code",
        "iso 3166", "delegation", "pays", "etat", "etat membre", "code pays",
        "pais", "estado", "estado miembro", "codigo de pais",
    ),
    "group": (
        "group", "constituent group", "delegation group", "groupe", "mandant", "grupo",
        "sector", "college",
    ),
    "role": (
        "role", "capacity", "accreditation", "status", "function", "qualite", "fonction",
        "statut", "calidad", "funcion", "cargo", "condicion",
    ),
    "sex": ("sex", "gender", "sexe", "genre", "sexo", "genero"),
    "name": (
        "name", "full name", "delegate", "person", "nom", "nom complet", "nom et prenom",
        "nombre", "nombre completo", "nombre y apellido", "nombres y apellidos",
    ),
}  # fmt: skip

GROUPS = {
    **dict.fromkeys(
        ("government", "governments", "gov", "govt", "g", "gouvernement", "gouvernemental",
         "gobierno", "gubernamental", "政府"),
        DelegationGroup.GOVERNMENT.value,
    ),
    **dict.fromkeys(
        ("employers", "employer", "employers'", "emp", "e", "employeurs", "employeur",
         "empleadores", "empleador", "雇主"),
        DelegationGroup.EMPLOYERS.value,
    ),
    **dict.fromkeys(
        ("workers", "worker", "workers'", "wrk", "w", "travailleurs", "travailleur",
         "trabajadores", "trabajador", "工人"),
        DelegationGroup.WORKERS.value,
    ),
}  # fmt: skip

ROLES = {
    **dict.fromkeys(
        ("delegate", "delegates", "titular delegate", "full delegate", "d", "delegue",
         "deleguee", "delegue titulaire", "deleguee titulaire", "titulaire", "delegado",
         "delegada", "delegado titular", "delegada titular", "titular", "代表"),
        DelegationRole.DELEGATE.value,
    ),
    **dict.fromkeys(
        ("substitute", "substitute delegate", "alternate", "alternate delegate",
         "substitute delegate and adviser", "adviser and substitute delegate",
         "advisor and substitute delegate", "substitute delegate and advisor", "suppleant",
         "suppleante", "delegue suppleant", "deleguee suppleante",
         "conseiller technique et delegue suppleant",
         "conseillere technique et deleguee suppleante",
         "delegue suppleant et conseiller technique", "suplente", "delegado suplente",
         "delegada suplente", "consejero tecnico y delegado suplente",
         "consejera tecnica y delegada suplente", "副代表"),
        DelegationRole.SUBSTITUTE.value,
    ),
    **dict.fromkeys(
        ("adviser", "advisor", "advisers", "technical adviser", "technical advisor",
         "conseiller", "conseillere", "conseiller technique", "conseillere technique",
         "consejero", "consejera", "consejero tecnico", "consejera tecnica", "asesor",
         "asesora", "顾问"),
        DelegationRole.ADVISER.value,
    ),
    **dict.fromkeys(
        ("observer", "observers", "observateur", "observatrice", "observador", "observadora",
         "观察员"),
        DelegationRole.OBSERVER.value,
    ),
}  # fmt: skip

# The sexes of participant lists, and the courtesy titles of the Conference's lists.
TITLES = {
    **dict.fromkeys(("ms", "mrs", "miss", "mme", "mlle", "sra", "srta", "dona"), "female"),
    **dict.fromkeys(("mr", "m", "sr", "don"), "male"),
}


def _words(text: str) -> str:
    """Text compared with the aliases: accents, case and punctuation aside."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w']+", " ", plain).replace("'", "").split())


def _keyed(table: dict[str, str]) -> dict[str, str]:
    return {_words(key): value for key, value in table.items()}


_HEADERS = {_words(alias): name for name in FIELD_NAMES for alias in (*ALIASES[name], name)}
_GROUPS = _keyed(GROUPS)
_ROLES = _keyed(ROLES)
_SEXES = {**_keyed(SEXES), **_keyed(TITLES)}


@dataclass(frozen=True)
class ImportResult:
    rows: int
    added: int
    removed: int
    unchanged: int
    notes: list[str] = field(default_factory=list)
    record: DelegationImport | None = None

    def summary(self) -> str:
        """What the import did, in one sentence for a message."""
        return _(
            "The meeting's delegation was replaced by the file's %(rows)d rows: "
            "%(added)d people added, %(removed)d removed, %(unchanged)d unchanged."
        ) % {
            "rows": self.rows,
            "added": self.added,
            "removed": self.removed,
            "unchanged": self.unchanged,
        }


class DelegationsInvalid(Exception):
    """The list was refused and nothing was imported; `problems` says why, row by row."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(str(problem) for problem in problems[:20]))


def _refused(message: str, row: int | None = None, column: str | None = None) -> Exception:
    return DelegationsInvalid([Problem(row, column, message)])


# --- reading the file -----------------------------------------------------------------------


def _bytes(file: FileLike) -> bytes:
    if isinstance(file, str | Path):
        with open(file, "rb") as stream:
            data = stream.read(MAX_BYTES + 1)
    else:
        if hasattr(file, "seek"):
            file.seek(0)
        data = file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise _refused(
            _("The file is larger than %(size)d MB: a delegation list is far smaller.")
            % {"size": MAX_BYTES // (1024 * 1024)}
        )
    return data


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def read_table(file: FileLike, file_name: str) -> list[list[str]]:
    """The rows of a CSV file (UTF-8) or of a workbook's first sheet, as text, header first."""
    data = _bytes(file)
    suffix = Path(file_name).suffix.lower()
    if data.startswith(OLE_SIGNATURE) or suffix == ".xls":
        raise _refused(_("This is an old Excel .xls workbook: save it as .xlsx or as CSV (UTF-8)."))
    if data.startswith(b"PK") or suffix in (".xlsx", ".xlsm"):
        rows = _xlsx_rows(data)
    else:
        rows = _csv_rows(data)
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise _refused(_("The file is empty: the first row should name the columns."))
    if len(rows) - 1 > MAX_ROWS:
        raise _refused(
            _("The file has more than %(count)d rows: a delegation list is far shorter.")
            % {"count": MAX_ROWS}
        )
    return rows


def _xlsx_rows(data: bytes) -> list[list[str]]:
    import openpyxl  # type: ignore[import-untyped]  # noqa: PLC0415 — workbooks only

    try:
        check_xlsx(data)
    except UnsafeFile as error:
        raise _refused(str(error)) from None
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            rows = [
                [_cell_text(value) for value in row]
                for row in islice(sheet.iter_rows(values_only=True), MAX_ROWS + 2)
            ]
        finally:
            workbook.close()
    except Exception:  # openpyxl raises many kinds for a damaged workbook
        raise _refused(_("This .xlsx workbook is damaged: it cannot be read.")) from None
    return rows


def _csv_rows(data: bytes) -> list[list[str]]:
    if b"\x00" in data[:4096]:
        raise _refused(
            _("This file is not a delegation list: send a CSV file or an .xlsx workbook.")
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _refused(
            _("The file is not UTF-8 text: save it as “CSV UTF-8” or as .xlsx.")
        ) from None
    first = text.split("\n", 1)[0]
    # Spreadsheets save CSV with "," or, where the comma is the decimal mark, ";".
    delimiter = max((",", ";", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return list(islice(reader, MAX_ROWS + 2))
    except csv.Error as error:
        raise _refused(
            _("This row cannot be read as CSV: %(error)s") % {"error": error}, reader.line_num
        ) from None


# --- checking ---------------------------------------------------------------------------------


class Row(NamedTuple):
    number: int  # in the file, the header being row 1
    country_id: int
    group: str
    role: str
    sex: str
    name: str


def _countries() -> tuple[dict[str, int], dict[int, str]]:
    """Every way a country is written (codes and names in four languages) → its id."""
    lookup: dict[str, int] = {}
    names: dict[int, str] = {}
    for pk, *spellings in Country.objects.values_list(
        "pk", "iso_alpha3", "iso_alpha2", "name", "name_fr", "name_es", "name_zh"
    ):
        names[pk] = spellings[2]
        for text in spellings:
            if text:
                lookup.setdefault(_words(text), pk)
    return lookup, names


def _columns(header: list[str]) -> tuple[dict[str, int], list[Problem], list[str]]:
    """field → column index; the problems of a header without a required field; the notes
    naming the columns left unread."""
    columns: dict[str, int] = {}
    unread: list[str] = []
    for index, text in enumerate(header):
        name = _HEADERS.get(_words(text))
        if name and name not in columns:
            columns[name] = index
        elif text.strip():
            unread.append(text.strip())
    problems = [
        Problem(
            1,
            None,
            _("There is no column for the %(field)s: name a column “%(aliases)s”.")
            % {
                "field": f.label,
                "aliases": "”, “".join([ALIASES[f.name][0], *_translated(f.name)]),
            },
        )
        for f in FIELDS
        if f.required and f.name not in columns
    ]
    notes = (
        [
            _("These columns were not read: %(columns)s.")
            % {"columns": ", ".join(f"“{c}”" for c in unread)}
        ]
        if unread
        else []
    )
    return columns, problems, notes


def _translated(name: str) -> list[str]:
    """The French and Spanish column names shown in a message, e.g. pays, país."""
    return {
        "country": ["pays", "país"],
        "group": ["groupe", "grupo"],
        "role": ["qualité", "calidad"],
        "sex": ["sexe", "sexo"],
        "name": ["nom", "nombre"],
    }[name]


def _check(rows: list[list[str]], meeting: Meeting) -> tuple[list[Row], list[Problem], list[str]]:
    header = [cell.strip() for cell in rows[0]]
    columns, problems, notes = _columns(header)
    if problems:
        return [], problems, notes
    countries, country_names = _countries()
    checked: list[Row] = []
    named: dict[tuple[int, str], int] = {}

    def cell(values: list[str], name: str) -> str:
        index = columns.get(name)
        return values[index].strip() if index is not None and index < len(values) else ""

    def report(number: int, name: str, message: str) -> None:
        if len(problems) < MAX_PROBLEMS:
            problems.append(Problem(number, header[columns[name]], message))

    for number, values in enumerate(rows[1:], start=2):
        if not any(v.strip() for v in values):
            continue  # a blank line between delegations
        parsed: dict[str, Any] = {}
        for name, table, message in (
            (
                "country",
                countries,
                _("“%(value)s” is not a member State: use its ISO code (KEN, KE) or its name."),
            ),
            (
                "group",
                _GROUPS,
                _("“%(value)s” is not a group: use government, employers or workers."),
            ),
            (
                "role",
                _ROLES,
                _("“%(value)s” is not a role: use delegate, substitute, adviser or observer."),
            ),
            ("sex", _SEXES, _("“%(value)s” is not a sex: use female, male or other.")),
        ):
            text = cell(values, name)
            if not text:
                report(number, name, _("This is empty: every row needs it."))
                continue
            value = table.get(_words(text))
            if value is None:
                report(number, name, message % {"value": text})
            parsed[name] = value
        person = cell(values, "name")
        if len(person) > NAME_LENGTH:
            report(
                number,
                "name",
                _("This is longer than %(length)d characters.") % {"length": NAME_LENGTH},
            )
        if None in parsed.values() or len(parsed) < 4:
            continue
        if person:
            key = (parsed["country"], _words(person))
            if key in named:
                report(
                    number,
                    "name",
                    _("“%(name)s” is listed twice in this delegation (row %(row)d too).")
                    % {"name": person, "row": named[key]},
                )
            named.setdefault(key, number)
        checked.append(
            Row(number, parsed["country"], parsed["group"], parsed["role"], parsed["sex"], person)
        )
    if meeting.is_conference and checked:
        problems += _conference_problems(checked, header[columns["role"]], country_names)
        notes += _incomplete_notes(checked, country_names)
    problems.sort(key=lambda p: (p.row or 0, header.index(p.column) if p.column in header else -1))
    return checked, problems, notes


GROUP_ADJECTIVES = {
    DelegationGroup.GOVERNMENT.value: gettext_lazy("government"),
    DelegationGroup.EMPLOYERS.value: gettext_lazy("employers'"),
    DelegationGroup.WORKERS.value: gettext_lazy("workers'"),
}


def _group_name(group: str) -> str:
    return str(GROUP_ADJECTIVES[group])


def _conference_problems(rows: list[Row], column: str, names: dict[int, str]) -> list[Problem]:
    """A Conference delegation: at most 2 government, 1 employers' and 1 workers' delegate."""
    problems = []
    seen: Counter[tuple[int, str]] = Counter()
    for row in rows:
        if row.role != DelegationRole.DELEGATE:
            continue
        seen[(row.country_id, row.group)] += 1
        allowed = CONFERENCE_DELEGATES[row.group]
        if seen[(row.country_id, row.group)] == allowed + 1:
            count = sum(
                1
                for r in rows
                if (r.country_id, r.group, r.role) == (row.country_id, row.group, row.role)
            )
            problems.append(
                Problem(
                    row.number,
                    column,
                    _(
                        "%(country)s has %(count)d %(group)s delegates: a Conference delegation "
                        "has %(allowed)d (two government delegates, one employers' and one "
                        "workers' delegate). List the others as substitute delegates or advisers."
                    )
                    % {
                        "country": names[row.country_id],
                        "count": count,
                        "group": _group_name(row.group),
                        "allowed": allowed,
                    },
                )
            )
    return problems


def _incomplete_notes(rows: list[Row], names: dict[int, str]) -> list[str]:
    delegates: dict[int, Counter[str]] = defaultdict(Counter)
    for row in rows:
        delegates[row.country_id]  # every State listed, even without a delegate
        if row.role == DelegationRole.DELEGATE:
            delegates[row.country_id][row.group] += 1
    notes = []
    for country_id, counts in sorted(delegates.items(), key=lambda item: names[item[0]]):
        missing = [
            ngettext(
                "%(count)d %(group)s delegate missing",
                "%(count)d %(group)s delegates missing",
                expected - counts[group],
            )
            % {"count": expected - counts[group], "group": _group_name(group)}
            for group, expected in CONFERENCE_DELEGATES.items()
            if counts[group] < expected
        ]
        if missing:
            notes.append(
                _("%(country)s: an incomplete delegation (%(missing)s).")
                % {"country": names[country_id], "missing": ", ".join(missing)}
            )
    return notes


# --- writing ----------------------------------------------------------------------------------


def _key(country_id: int, group: str, role: str, sex: str, name: str) -> tuple[Any, ...]:
    return (country_id, group, role, sex, name)


def _replace(
    meeting: Meeting, rows: list[Row], user: AbstractBaseUser | None
) -> tuple[int, int, int]:
    """Make the meeting's members exactly `rows`; (added, removed, unchanged)."""
    existing: dict[tuple[Any, ...], list[int]] = defaultdict(list)
    for pk, *values in (
        DelegationMember.objects.filter(meeting=meeting)
        .values_list("pk", "country_id", "group", "role", "sex", "name")
        .order_by("pk")
    ):
        existing[_key(*values)].append(pk)
    new: list[DelegationMember] = []
    unchanged = 0
    for row in rows:
        kept = existing.get(_key(*row[1:]))
        if kept:
            kept.pop(0)
            unchanged += 1
        else:
            new.append(
                DelegationMember(
                    meeting=meeting,
                    country_id=row.country_id,
                    group=row.group,
                    role=row.role,
                    sex=row.sex,
                    name=row.name,
                )
            )
    doomed = [pk for pks in existing.values() for pk in pks]
    _delete_with_history(doomed, user)
    actor = user if user is not None and user.is_authenticated else None
    bulk_create_with_history(new, DelegationMember, batch_size=500, default_user=actor)
    return len(new), len(doomed), unchanged


def _delete_with_history(pks: list[int], user: AbstractBaseUser | None) -> None:
    """Delete these members, writing their "deleted" history rows in bulk.

    QuerySet.delete() would write one history row per member through simple-history's
    signal, without the importer's name; here the rows are written in one statement per
    batch with it, and the members deleted without the per-row signals.
    """
    if not pks:
        return
    history = DelegationMember.history.model  # type: ignore[attr-defined]
    actor = user if user is not None and user.is_authenticated else None
    now = timezone.now()
    names = [f.attname for f in DelegationMember._meta.concrete_fields]
    for start in range(0, len(pks), 500):
        batch = list(DelegationMember.objects.filter(pk__in=pks[start : start + 500]))
        history.objects.bulk_create(
            [
                history(
                    history_type="-",
                    history_date=now,
                    history_user=actor,
                    **{name: getattr(member, name) for name in names},
                )
                for member in batch
            ]
        )
        doomed = DelegationMember.objects.filter(pk__in=[m.pk for m in batch])
        doomed._raw_delete(doomed.db)  # the history rows are written above


def import_delegations(
    *,
    user: AbstractBaseUser | None,
    meeting: Meeting,
    file: FileLike,
    file_name: str,
) -> ImportResult:
    """Replace the meeting's delegation by the file's, all or nothing (see the module
    docstring). `user=None` is the command line. Raises PermissionDenied when the user may
    not change the meeting's delegation, and DelegationsInvalid, having written nothing,
    when the file or any row has a problem."""
    if user is not None:
        ensure_in_scope(user, meeting, Action.CHANGE)
    rows = read_table(file, file_name)
    checked, problems, notes = _check(rows, meeting)
    if problems:
        if len(problems) >= MAX_PROBLEMS:
            problems.append(
                Problem(
                    None,
                    None,
                    _("Checking stopped after %(count)d problems.") % {"count": MAX_PROBLEMS},
                )
            )
        raise DelegationsInvalid(problems)
    if not checked:
        raise _refused(_("The file has no delegation members: only its header row."))
    with transaction.atomic():
        added, removed, unchanged = _replace(meeting, checked, user)
        record = DelegationImport.objects.create(
            meeting=meeting,
            file_name=Path(file_name).name[:255],
            rows=len(checked),
            added=added,
            removed=removed,
            unchanged=unchanged,
            notes=notes,
            created_by=user if user is not None and user.is_authenticated else None,
        )
        if user is not None:  # every member written must lie in the writer's scope too
            members = DelegationMember.objects.filter(meeting=meeting)
            if scoped(user, members, Action.CHANGE).count() != members.count():
                raise PermissionDenied(_("This delegation list reaches outside your scope."))
    return ImportResult(len(checked), added, removed, unchanged, notes, record)
