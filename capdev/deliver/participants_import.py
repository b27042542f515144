"""Participant lists brought into an activity in bulk, from CSV or XLSX (§19–21).

A list can hold a million rows at global scale, so the import never goes row by row through
the ORM. It runs in two passes over the file:

1. **Checking** streams the rows (the csv module, or openpyxl in read-only mode) CHUNK at a
   time, validates them column by column in plain Python against lookups loaded once
   (organisations the user may see, countries; each distinct cell is parsed once), and
   spools the checked rows to a temporary file (marshal). Nothing is written to the
   database, so `progress(done, total)` is reported after every chunk and a task can
   commit it for a progress bar to read. Memory holds one chunk and the keys of the people
   met so far (to find someone listed twice), never the whole list.
2. **Writing** happens only when no row has a problem, inside one transaction: per chunk,
   existing people are looked up by their key in one query, new people are inserted with
   one raw `executemany` on the models' tables, and the participations are upserted with
   another (one row per person and activity, so importing the same list again updates
   them; columns the list lacks are left as they were). The number of queries grows with
   the number of chunks, not of rows. SQLite lets one writer in at a time, so no progress
   is written during this pass: `total` rows done out of `total` means "checked, writing".
   On SQLite the connection's page cache is raised for the pass (SQLITE_CACHE_KIB).

A workbook is read whole into memory to be checked by check_xlsx (zip bombs, entities),
which caps what it may expand to: very long lists are best sent as CSV.

All or nothing: one bad row and nothing is written, and `ParticipantsInvalid` lists every
problem (up to MAX_PROBLEMS) with its row number in the file (the header is row 1) and the
column it is in. People are recognised across activities by `person_key()`; someone already
known is reused as recorded, not overwritten. Bulk rows carry no history of their own: the
ParticipantImport row written in the same transaction is the audit record.
"""

from __future__ import annotations

import csv
import io
import json
import marshal
import re
import struct
import tempfile
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from itertools import chain, islice
from operator import itemgetter
from pathlib import Path
from typing import IO, Any, NamedTuple

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import connection, models, transaction
from django.db.backends.utils import CursorWrapper
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from capdev.core.models import Country, Organisation
from capdev.core.scoping import Action as Do
from capdev.core.scoping import ensure_in_scope, scoped
from capdev.deliver.models import Activity, ParticipantImport, Participation, Person, Sex
from capdev.deliver.services import record_delivery
from capdev.lib.safe_files import UnsafeFile, check_xlsx

CHUNK = 10_000  # rows checked, then written, at a time; progress is reported per chunk
MAX_PROBLEMS = 1_000
Progress = Callable[[int, int], None]
FileLike = IO[bytes] | str | Path


class Field(NamedTuple):
    name: str
    label: Promise
    required: bool


# In the order of the column-mapping form. The organisation or the country is needed on
# each row (a person's country defaults to their organisation's), so neither is required.
FIELDS: tuple[Field, ...] = (
    Field("name", gettext_lazy("name"), True),
    Field("sex", gettext_lazy("sex"), True),
    Field("organisation", gettext_lazy("organisation"), False),
    Field("country", gettext_lazy("country"), False),
    Field("position", gettext_lazy("position"), False),
    Field("email", gettext_lazy("e-mail"), False),
    Field("phone", gettext_lazy("phone"), False),
    Field("attendance", gettext_lazy("attendance (%)"), False),
    Field("pre_test", gettext_lazy("pre-test score"), False),
    Field("post_test", gettext_lazy("post-test score"), False),
    Field("satisfaction", gettext_lazy("satisfaction (1–5)"), False),
    Field("applied_3_months", gettext_lazy("skills applied after 3 months"), False),
    Field("applied_6_months", gettext_lazy("skills applied after 6 months"), False),
)
FIELD_NAMES = tuple(field.name for field in FIELDS)

# Column headers recognised without a mapping, in English, French and Spanish; compared
# after _header_words() (case, accents and punctuation aside).
ALIASES: dict[str, tuple[str, ...]] = {
    "name": (
        "name", "full name", "participant", "participant name", "names",
        "nom", "nom complet", "nom et prenom", "prenom et nom", "participant e",
        "nombre", "nombre completo", "nombre y apellido", "nombres y apellidos", "participante",
    ),
    "sex": ("sex", "gender", "sexe", "genre", "sexo", "genero"),
    "organisation": (
        "organisation", "organization", "org", "institution", "employer", "organisation name",
        "organisme", "structure", "organizacion", "institucion", "entidad",
    ),
    "country": ("country", "pays", "pais"),
    "position": (
        "position", "job title", "title", "function", "role",
        "poste", "fonction", "titre", "cargo", "puesto", "funcion",
    ),
    "email": (
        "email", "e mail", "mail", "email address", "e mail address",
        "courriel", "adresse electronique", "adresse e mail", "correo", "correo electronico",
    ),
    "phone": (
        "phone", "telephone", "telephone number", "phone number", "mobile", "tel",
        "portable", "telefono", "celular", "movil",
    ),
    "attendance": (
        "attendance", "attendance %", "attendance percent", "attendance rate",
        "presence", "taux de presence", "assiduite", "asistencia", "porcentaje de asistencia",
    ),
    "pre_test": (
        "pre test", "pretest", "pre test score", "pre course test", "test initial",
        "pre test %", "evaluation initiale", "prueba inicial", "pre prueba", "evaluacion inicial",
    ),
    "post_test": (
        "post test", "posttest", "post test score", "post course test", "test final",
        "post test %", "evaluation finale", "prueba final", "post prueba", "evaluacion final",
    ),
    "satisfaction": ("satisfaction", "satisfaction 1 5", "satisfaccion", "satisfaccion 1 5"),
    "applied_3_months": (
        "applied 3 months", "applied after 3 months", "skills applied after 3 months",
        "application 3 months", "3 months", "3 month follow up",
        "applique apres 3 mois", "application 3 mois", "3 mois",
        "aplicado a los 3 meses", "aplicacion 3 meses", "3 meses",
    ),
    "applied_6_months": (
        "applied 6 months", "applied after 6 months", "skills applied after 6 months",
        "application 6 months", "6 months", "6 month follow up",
        "applique apres 6 mois", "application 6 mois", "6 mois",
        "aplicado a los 6 meses", "aplicacion 6 meses", "6 meses",
    ),
}  # fmt: skip

SEXES = {
    **dict.fromkeys(
        ("f", "female", "woman", "women", "femme", "féminin", "feminin", "mujer",
         "femenino", "女", "女性"),
        Sex.FEMALE.value,
    ),
    **dict.fromkeys(
        ("m", "male", "man", "men", "homme", "masculin", "hombre", "masculino", "男", "男性"),
        Sex.MALE.value,
    ),
    **dict.fromkeys(
        ("other", "o", "x", "non-binary", "nonbinary", "not stated", "prefer not to say",
         "autre", "non précisé", "otro", "otra", "no indicado", "其他"),
        Sex.OTHER.value,
    ),
}  # fmt: skip
APPLICATION = {
    **dict.fromkeys(
        ("none", "no", "not applied", "not at all", "0", "non", "pas appliqué", "nulle",
         "ninguna", "ninguno", "no aplicado", "nada", "否"),
        Participation.Application.NOT_APPLIED.value,
    ),
    **dict.fromkeys(
        ("partly", "partially", "partial", "partly applied", "some", "en partie",
         "partiellement", "parcialmente", "en parte", "parcial", "部分"),
        Participation.Application.PARTLY.value,
    ),
    **dict.fromkeys(
        ("fully", "full", "yes", "fully applied", "completely", "entièrement", "oui",
         "totalement", "totalmente", "completamente", "sí", "si", "是", "完全"),
        Participation.Application.FULLY.value,
    ),
}  # fmt: skip

# Enough for e-mail addresses as people write them; a stricter subset of Django's
# validator, which still decides every address this does not match.
PLAIN_EMAIL = re.compile(
    r"[A-Za-z0-9_%+-]+(?:\.[A-Za-z0-9_%+-]+)*@"
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}"
)


def _max_length(name: str) -> int:
    field = Person._meta.get_field(name)
    assert isinstance(field, models.CharField) and field.max_length
    return field.max_length


NAME_LENGTH = _max_length("name")
POSITION_LENGTH = _max_length("position")
EMAIL_LENGTH = 254
PHONE_LENGTH = _max_length("phone")
KEY_LENGTH = _max_length("key")
PERSON_COLUMNS = (
    "key",
    "name",
    "sex",
    "organisation_id",
    "country_id",
    "position",
    "email",
    "phone",
)
PARTICIPATION_FIELDS = (
    "attendance",
    "pre_test",
    "post_test",
    "satisfaction",
    "applied_3_months",
    "applied_6_months",
)


@dataclass(frozen=True)
class Problem:
    row: int | None  # 1-based row of the file, the header being row 1; None: the whole file
    column: str | None  # the column's header as the file names it
    message: str

    def __str__(self) -> str:
        if self.row is not None and self.column:
            return _("row %(row)d, column “%(column)s”: %(message)s") % {
                "row": self.row,
                "column": self.column,
                "message": self.message,
            }
        if self.row is not None:
            return _("row %(row)d: %(message)s") % {"row": self.row, "message": self.message}
        if self.column:
            return _("column “%(column)s”: %(message)s") % {
                "column": self.column,
                "message": self.message,
            }
        return self.message

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


class ParticipantsInvalid(Exception):
    """The list was refused and nothing was imported; `problems` says why, row by row."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(str(problem) for problem in problems[:20]))


@dataclass(frozen=True)
class ImportResult:
    rows: int
    participants_added: int
    participants_updated: int
    people_added: int


def _refused(
    message: str, row: int | None = None, column: str | None = None
) -> ParticipantsInvalid:
    return ParticipantsInvalid([Problem(row, column, message)])


def person_key(*, name: str, organisation_id: int | None, email: str = "") -> str:
    """How a person is recognised again, in any activity (see Person).

    The lowercased e-mail address when there is one; otherwise the name, compatibility-
    normalised (NFKC), case-folded and with its spacing collapsed, after the organisation's
    id ("-" for none). An address holds no space, so the two kinds of key never meet.
    """
    if email:
        return email.strip().lower()[:KEY_LENGTH]
    words = unicodedata.normalize("NFKC", name).casefold().split()
    return f"{organisation_id or '-'} {' '.join(words)}"[:KEY_LENGTH]


# --- reading the file -----------------------------------------------------------------------


def _header_words(text: str) -> str:
    """A header compared for aliases: accents, case and punctuation aside ("E-mail" → "e mail")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w%]+", " ", plain).split())


_ALIAS_FIELDS = {
    _header_words(alias): name
    for name in FIELD_NAMES
    for alias in (*ALIASES[name], name.replace("_", " "))
}


def suggested_mapping(header: list[str]) -> dict[str, str]:
    """field → column header, for the columns whose names are known aliases of a field."""
    mapping: dict[str, str] = {}
    for column in header:
        name = _ALIAS_FIELDS.get(_header_words(column))
        if name and name not in mapping:
            mapping[name] = column
    return mapping


@contextmanager
def _binary(file: FileLike) -> Iterator[IO[bytes]]:
    """The file as a seekable binary stream, positioned at its start; left open if given open."""
    with ExitStack() as stack:
        if isinstance(file, str | Path):
            stream: IO[bytes] = stack.enter_context(open(file, "rb"))  # noqa: SIM115
        else:
            stream = file
            if not stream.seekable():
                spooled = stack.enter_context(tempfile.TemporaryFile())
                while block := stream.read(1 << 20):
                    spooled.write(block)
                stream = spooled
        stream.seek(0)
        yield stream


OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old binary .xls (and .doc)


class _Table(NamedTuple):
    header: list[str]
    batches: Iterator[list[list[str]]]  # the rows after the header, up to CHUNK at a time
    estimated_rows: int  # data rows, for the progress bar before the end is reached


@contextmanager
def _table(file: FileLike, file_name: str) -> Iterator[_Table]:
    with _binary(file) as stream:
        head = stream.read(8)
        stream.seek(0)
        suffix = Path(file_name).suffix.lower()
        if head.startswith(OLE_SIGNATURE) or suffix == ".xls":
            raise _refused(
                _("This is an old Excel .xls workbook: save it as .xlsx or as CSV (UTF-8).")
            )
        if head.startswith(b"PK") or suffix in (".xlsx", ".xlsm"):
            yield _xlsx_table(stream)
        else:
            with _csv_table(stream) as table:
                yield table


NOT_A_TABLE = gettext_lazy(
    "This file is not a participant list: send a CSV file (UTF-8) or an .xlsx workbook."
)


def _count_lines(stream: IO[bytes]) -> int:
    lines, last = 0, b"\n"
    while block := stream.read(1 << 20):
        lines += block.count(b"\n")
        last = block[-1:]
    stream.seek(0)
    return lines + (last != b"\n")


@contextmanager
def _csv_table(stream: IO[bytes]) -> Iterator[_Table]:
    head = stream.read(4096)
    stream.seek(0)
    if b"\x00" in head:
        raise _refused(str(NOT_A_TABLE))
    estimated = max(_count_lines(stream) - 1, 0)
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    try:
        try:
            first = text.readline()
        except UnicodeDecodeError:
            raise _refused(
                _("The file is not UTF-8 text: save it as “CSV UTF-8” or as .xlsx.")
            ) from None
        if not first.strip():
            raise _refused(_("The file is empty: the first row should name the columns."))
        # Spreadsheets save CSV with "," or, where the comma is the decimal mark, ";".
        delimiter = max((",", ";", "\t"), key=first.count)
        reader = csv.reader(chain([first], text), delimiter=delimiter)
        header = [cell.strip() for cell in next(reader)]
        yield _Table(header, _csv_batches(reader), estimated)
    finally:
        text.detach()  # the caller's stream stays open


def _csv_batches(reader: Any) -> Iterator[list[list[str]]]:
    # Read a batch at a time, in C, with no Python step per row. A row that fails is located
    # by its line, which is its row unless a quoted cell spans lines.
    while True:
        try:
            batch = list(islice(reader, CHUNK))
        except UnicodeDecodeError:
            raise _refused(
                _("The file is not UTF-8 text from this row on: save it as “CSV UTF-8”."),
                reader.line_num + 1,
            ) from None
        except csv.Error as error:
            raise _refused(
                _("This row cannot be read as CSV: %(error)s") % {"error": error},
                reader.line_num,
            ) from None
        if not batch:
            return
        yield batch


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _xlsx_table(stream: IO[bytes]) -> _Table:
    import openpyxl  # type: ignore[import-untyped]  # noqa: PLC0415 — workbooks only

    data = stream.read()
    try:
        check_xlsx(data)
    except UnsafeFile as error:
        # A long list packs well and may pass the expansion cap: CSV has none.
        hint = _("A very long list can be sent as CSV (UTF-8) instead.")
        raise _refused(f"{error} {hint}") from None
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        first = next(rows, None)
    except Exception:  # openpyxl raises many kinds for a damaged workbook
        raise _refused(_("This .xlsx workbook is damaged: it cannot be read.")) from None
    if not first or not any(cell is not None for cell in first):
        raise _refused(_("The file is empty: the first row should name the columns."))
    header = [_cell_text(cell).strip() for cell in first]
    estimated = max((sheet.max_row or 1) - 1, 0)

    def batches() -> Iterator[list[list[str]]]:
        row, batch = 1, []
        try:
            for row, values in enumerate(rows, start=2):  # noqa: B007
                batch.append([_cell_text(value) for value in values])
                if len(batch) == CHUNK:
                    yield batch
                    batch = []
        except Exception:
            raise _refused(_("This .xlsx workbook is damaged from this row on."), row + 1) from None
        finally:
            workbook.close()
        if batch:
            yield batch

    return _Table(header, batches(), estimated)


def read_header(file: FileLike, file_name: str) -> list[str]:
    """The column headers of a list (its first row), for the column-mapping form.

    Raises ParticipantsInvalid when the file is no readable table. A file object is left
    at its start, for it to be saved or imported next.
    """
    with _table(file, file_name) as table:
        header = table.header
    if not isinstance(file, str | Path) and file.seekable():
        file.seek(0)
    return header


# --- checking rows --------------------------------------------------------------------------


class _Checker:
    """Validates rows in plain Python against lookups loaded once."""

    def __init__(
        self, user: AbstractBaseUser | None, header: list[str], mapping: dict[str, str] | None
    ):
        self.problems: list[Problem] = []
        self.columns = self._columns(header, mapping)
        organisations = Organisation.objects.all()
        if user is not None:
            organisations = scoped(user, organisations)
        self.organisations: dict[str, list[tuple[int, int]]] = {}
        for pk, name, acronym, country_id in organisations.values_list(
            "pk", "name", "acronym", "country_id"
        ):
            # By name, by acronym, or as capdev shows it: "Name (ACRONYM)".
            shown = f"{name} ({acronym})" if acronym else ""
            for label in {_casefold(name), _casefold(acronym), _casefold(shown)} - {""}:
                self.organisations.setdefault(label, []).append((pk, country_id))
        self.countries: dict[str, int] = {}
        self.country_names: dict[int, str] = {}
        for country in Country.objects.all():
            self.country_names[country.pk] = str(country)
            for label in (country.iso_alpha2, country.iso_alpha3, country.name):
                self.countries[_casefold(label)] = country.pk
            for label in (country.name_fr, country.name_es, country.name_zh):
                if label:
                    self.countries.setdefault(_casefold(label), country.pk)
        self.seen: dict[str, int] = {}  # person key → the row it was first on
        self.ambiguous = False  # whether a cell named several organisations
        # Per column: the parsed value of each distinct cell seen, and the refused cells.
        self.parsed: dict[str, dict[str, Any]] = {name: {} for name in FIELD_NAMES}
        self.refused: dict[str, dict[str, str]] = {name: {} for name in FIELD_NAMES}

    def problem(self, row: int | None, column: str | None, message: str) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(Problem(row, column, message))

    @property
    def full(self) -> bool:
        return len(self.problems) >= MAX_PROBLEMS

    def _columns(self, header: list[str], mapping: dict[str, str] | None) -> dict[str, int]:
        """field → index of its column in the header; problems for what cannot be mapped."""
        wanted = suggested_mapping(header)
        if mapping:
            unknown = sorted(set(mapping) - set(FIELD_NAMES))
            for name in unknown:
                self.problem(
                    None, None, _("“%(field)s” is not a field to import.") % {"field": name}
                )
            wanted.update(mapping)
        index = {column: position for position, column in reversed(list(enumerate(header)))}
        columns: dict[str, int] = {}
        for name in FIELD_NAMES:
            column = wanted.get(name)
            if not column:
                continue
            if column not in index:
                self.problem(
                    None,
                    column,
                    _("There is no column “%(column)s” in the file (for the %(field)s).")
                    % {"column": column, "field": _label(name)},
                )
                continue
            columns[name] = index[column]
        for field in FIELDS:
            if field.required and field.name not in columns and field.name not in wanted:
                self.problem(None, None, _missing_column(field.name))
        if "organisation" not in wanted and "country" not in wanted:
            self.problem(
                None,
                None,
                _(
                    "There is no column for the organisation or for the country: a person "
                    "needs at least one of them."
                ),
            )
        return columns

    def chunks(self, table: _Table, progress: Progress | None) -> Iterator[list[tuple[Any, ...]]]:
        """The checked rows in chunks of CHUNK, as database values: the person's
        (PERSON_COLUMNS), then the participation's (PARTICIPATION_FIELDS).

        Rows are checked a column at a time over each chunk: every cell goes through a dict
        of the values already seen in its column, and only new values are parsed, so the
        work per row stays a handful of C-level list operations.
        """
        width = max(self.columns.values(), default=0) + 1
        padding = [""] * width
        count, row = 0, 1  # rows checked; the last row read (the header is row 1)
        reported = (0, 0)
        for batch in table.batches:
            numbers = list(range(row + 1, row + 1 + len(batch)))
            row += len(batch)
            if min(map(len, batch)) < width:
                batch = [v if len(v) >= width else v + padding[len(v) :] for v in batch]
            if not all(map(any, batch)):  # empty rows (of blank cells only: see _check)
                kept = [i for i, values in enumerate(batch) if any(values)]
                batch, numbers = [batch[i] for i in kept], [numbers[i] for i in kept]
            if not batch:
                continue
            count += len(batch)
            checked = self._check(numbers, batch, table.header)
            if progress is not None:
                reported = (count, max(table.estimated_rows, count))
                progress(*reported)
            if self.full:
                return
            if not self.problems:
                yield checked
        if progress is not None and reported != (count, count):
            progress(count, count)

    def _check(
        self, numbers: list[int], rows: list[list[str]], header: list[str]
    ) -> list[tuple[Any, ...]]:
        columns = self.columns
        size = len(rows)
        bad: set[int] = set()  # indexes in the chunk of the rows with a problem

        def report(index: int, name: str, message: str) -> None:
            bad.add(index)
            self.problem(
                numbers[index], header[columns[name]] if name in columns else None, message
            )

        def cells(name: str) -> list[str]:
            index = columns.get(name)
            return list(map(itemgetter(index), rows)) if index is not None else [""] * size

        def parsed(name: str, parse: Callable[[str], Any]) -> list[Any]:
            """The column's values, each distinct cell parsed once; None for blank cells,
            REFUSED (and a problem reported) for cells that do not parse."""
            seen, refused = self.parsed[name], self.refused[name]
            raws = cells(name)
            distinct = set(raws)
            missing = distinct.difference(seen)
            if not missing:
                return list(map(seen.__getitem__, raws))
            fresh: dict[str, Any] = {}
            messages: dict[str, str] = {}
            for raw in missing:
                text = raw.strip()
                message = refused.get(raw)
                value = None if message or not text else parse(text)
                if isinstance(value, _Bad):
                    message = value.message
                    if len(refused) < CACHE_SIZE:
                        refused[raw] = message
                if message:
                    messages[raw] = message
                    value = REFUSED
                elif len(seen) < CACHE_SIZE:
                    seen[raw] = value
                fresh[raw] = value
            if messages:
                for index, raw in enumerate(raws):
                    if raw in messages:
                        report(index, name, messages[raw])
            fresh.update((raw, seen[raw]) for raw in distinct.difference(fresh))
            return list(map(fresh.__getitem__, raws))

        names = [" ".join(raw.split()) for raw in cells("name")]
        if "" in names:  # rows of blank cells only are no rows (spreadsheets leave them)
            kept = [i for i, name in enumerate(names) if name or "".join(rows[i]).strip()]
            if len(kept) < size:
                rows, numbers = [rows[i] for i in kept], [numbers[i] for i in kept]
                names, size = [names[i] for i in kept], len(kept)
        if "" in names or max(map(len, names), default=0) > NAME_LENGTH:
            for index, name in enumerate(names):
                if not name:
                    report(index, "name", _("The name is missing."))
                elif len(name) > NAME_LENGTH:
                    report(index, "name", _too_long(NAME_LENGTH))
        sexes = parsed("sex", _sex)
        if None in sexes:
            for index in [i for i, sex in enumerate(sexes) if sex is None]:
                report(index, "sex", _("The sex is missing: use female, male or other."))
        countries = parsed("country", self._country)
        # (id, country id) of the organisation; None, REFUSED, or a list when ambiguous.
        found = parsed("organisation", self._organisation)
        organisation_ids = [match[0] if type(match) is tuple else None for match in found]
        # A person's country defaults to their organisation's.
        country_ids = [
            country if country is not None else (match[1] if type(match) is tuple else match)
            for country, match in zip(countries, found, strict=True)
        ]
        ambiguous = self.ambiguous and [i for i, match in enumerate(found) if type(match) is list]
        for index in ambiguous or ():
            text = rows[index][columns["organisation"]]
            choice = self._among(text, found[index], countries[index])
            if isinstance(choice, _Bad):
                report(index, "organisation", choice.message)
            else:
                organisation_ids[index] = choice[0]
                if countries[index] is None:
                    country_ids[index] = choice[1]
        unplaced = None in country_ids and [i for i, c in enumerate(country_ids) if c is None]
        for index in unplaced or ():
            report(
                index,
                "country" if "country" in columns else "organisation",
                _("Give the person's country, or an organisation."),
            )
        positions = list(map(str.strip, cells("position")))
        if max(map(len, positions), default=0) > POSITION_LENGTH:
            for index in [i for i, text in enumerate(positions) if len(text) > POSITION_LENGTH]:
                report(index, "position", _too_long(POSITION_LENGTH))
        emails = list(map(str.strip, cells("email")))
        plain = PLAIN_EMAIL.fullmatch
        for index in [i for i, text in enumerate(emails) if text and not plain(text)]:
            if error := _email_error(emails[index]):
                report(index, "email", error)
        phones = list(map(str.strip, cells("phone")))
        if max(map(len, phones), default=0) > PHONE_LENGTH:
            for index in [i for i, text in enumerate(phones) if len(text) > PHONE_LENGTH]:
                report(index, "phone", _too_long(PHONE_LENGTH))
        evidence = [
            parsed("attendance", _attendance),
            parsed("pre_test", _score),
            parsed("post_test", _score),
            parsed("satisfaction", _satisfaction),
            [value or "" for value in parsed("applied_3_months", _application)],
            [value or "" for value in parsed("applied_6_months", _application)],
        ]
        keys = [
            email.lower()[:KEY_LENGTH]
            if email
            else person_key(name=name, organisation_id=organisation_id)
            for name, organisation_id, email in zip(names, organisation_ids, emails, strict=True)
        ]
        self._duplicates(keys, numbers, bad, emails, report)
        if self.problems:
            return []
        return list(
            zip(
                keys,
                names,
                sexes,
                organisation_ids,
                country_ids,
                positions,
                emails,
                phones,
                *evidence,
                strict=True,
            )
        )

    def _duplicates(
        self,
        keys: list[str],
        numbers: list[int],
        bad: set[int],
        emails: list[str],
        report: Callable[[int, str, str], None],
    ) -> None:
        """Report each person already met on an earlier row; remember the others."""
        seen = self.seen
        if not bad and len(set(keys)) == len(keys) and seen.keys().isdisjoint(keys):
            seen.update(zip(keys, numbers, strict=True))
            return
        for index, key in enumerate(keys):
            if index in bad:
                continue
            earlier = seen.setdefault(key, numbers[index])
            if earlier == numbers[index]:
                continue
            if emails[index]:
                message = _("The same person as on row %(row)d (the same e-mail address).")
            else:
                message = _("The same person as on row %(row)d (the same name and organisation).")
            report(index, "email" if emails[index] else "name", message % {"row": earlier})

    def _country(self, text: str) -> int | _Bad:
        country = self.countries.get(text.casefold())
        if country is None:
            return _Bad(
                _("“%(value)s” is not a country: use its name or ISO code (KE, KEN).")
                % {"value": text}
            )
        return country

    def _organisation(self, text: str) -> tuple[int, int] | list[tuple[int, int]] | _Bad:
        """(id, country id) of the organisation named; a list when several have the name."""
        found = self.organisations.get(_casefold(text), [])
        if len(found) == 1:
            return found[0]
        if found:
            self.ambiguous = True
            return found
        return _Bad(
            _(
                "“%(value)s” is not an organisation you may record participants of: give its "
                "name or acronym as capdev has it."
            )
            % {"value": text}
        )

    def _among(
        self, text: str, found: list[tuple[int, int]], country_id: int | None
    ) -> tuple[int, int] | _Bad:
        matches = [match for match in found if match[1] == country_id]
        if len(matches) == 1:
            return matches[0]
        places = sorted(self.country_names.get(c, "?") for _pk, c in found)
        return _Bad(
            _("“%(value)s” names several organisations (in %(places)s): give the country.")
            % {"value": text.strip(), "places": ", ".join(places)}
        )


class _Bad(NamedTuple):
    """What a cell's parser returns for a value it refuses."""

    message: str


class _Refused:
    """The value of a refused cell: falsy, and reported already."""

    def __bool__(self) -> bool:
        return False


REFUSED = _Refused()
CACHE_SIZE = 100_000  # distinct values remembered per column
SQLITE_CACHE_KIB = 256 * 1024


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        try:  # a decimal comma, a percent sign
            value = float(text.replace(",", ".").rstrip("%").strip())
        except ValueError:
            return None
    return value if value == value else None  # NaN is no number


def _sex(text: str) -> str | _Bad:
    sex = SEXES.get(text.casefold())
    if sex is None:
        return _Bad(_("“%(value)s” is not a sex: use female, male or other.") % {"value": text})
    return sex


def _attendance(text: str) -> int | _Bad:
    value = _number(text)
    if value is None or not 0 <= value <= 100:
        return _Bad(_("“%(value)s” is not an attendance from 0 to 100 %%.") % {"value": text})
    return round(value)


def _score(text: str) -> float | _Bad:
    value = _number(text)
    if value is None or not 0 <= value <= 100:
        return _Bad(_("“%(value)s” is not a test score from 0 to 100.") % {"value": text})
    return round(value, 2)


def _satisfaction(text: str) -> int | _Bad:
    value = _number(text)
    if value is None or not value.is_integer() or not 1 <= value <= 5:
        return _Bad(
            _("“%(value)s” is not a satisfaction rating: use a whole number from 1 to 5.")
            % {"value": text}
        )
    return int(value)


def _application(text: str) -> str | _Bad:
    value = APPLICATION.get(text.casefold())
    if value is None:
        return _Bad(
            _("“%(value)s” does not say how far skills were applied: use none, partly or fully.")
            % {"value": text}
        )
    return value


def _casefold(text: str) -> str:
    return " ".join(text.casefold().split())


def _label(name: str) -> str:
    return str(next(field.label for field in FIELDS if field.name == name))


def _missing_column(name: str) -> str:
    return _("There is no column for the %(field)s: name a column “%(alias)s”, or map one.") % {
        "field": _label(name),
        "alias": name,
    }


def _too_long(length: int) -> str:
    return _("This is longer than %(length)d characters.") % {"length": length}


def _email_error(email: str) -> str:
    if len(email) > EMAIL_LENGTH:
        return _too_long(EMAIL_LENGTH)
    if PLAIN_EMAIL.fullmatch(email):
        return ""
    try:
        validate_email(email)
    except ValidationError:
        return _("“%(value)s” is not an e-mail address.") % {"value": email}
    return ""


# --- writing ----------------------------------------------------------------------------------


SIZE = struct.Struct("<Q")


def _spool(chunks: Iterator[list[tuple[Any, ...]]], spool: IO[bytes]) -> int:
    """Write the checked chunks to `spool` (each marshalled, after its length); the rows."""
    count = 0
    for chunk in chunks:
        data = marshal.dumps(chunk)
        spool.write(SIZE.pack(len(data)))
        spool.write(data)
        count += len(chunk)
    return count


def _chunks(spool: IO[bytes]) -> Iterator[list[tuple[Any, ...]]]:
    spool.seek(0)
    while header := spool.read(SIZE.size):
        (size,) = SIZE.unpack(header)
        yield marshal.loads(spool.read(size))


def _ids_by_key(cursor: CursorWrapper, keys: list[str]) -> dict[str, int]:
    """The ids of the people with these keys, in one query."""
    table = Person._meta.db_table
    if connection.vendor == "postgresql":
        cursor.execute(f"SELECT key, id FROM {table} WHERE key = ANY(%s)", [keys])
    else:
        cursor.execute(
            f"SELECT key, id FROM {table} WHERE key IN (SELECT value FROM json_each(%s))",
            [json.dumps(keys)],
        )
    return dict(cursor.fetchall())


def _new_ids(cursor: CursorWrapper, keys: list[str]) -> dict[str, int]:
    """The ids of the people just inserted with these keys, in that order.

    On SQLite the import's transaction holds the one write lock from its first insert, so
    the rows just inserted took the ids up to last_insert_rowid() one after the other
    (AUTOINCREMENT never reuses an id). Elsewhere they are looked up.
    """
    if connection.vendor != "sqlite":
        return _ids_by_key(cursor, keys)
    cursor.execute("SELECT last_insert_rowid()")
    (last,) = cursor.fetchone()
    return dict(zip(keys, range(last - len(keys) + 1, last + 1), strict=True))


@contextmanager
def _large_cache(cursor: CursorWrapper) -> Iterator[None]:
    """On SQLite, a page cache large enough for the indexes a long list inserts into.

    With the default 2 MB, inserting keys in random order into the people's unique index
    evicts and rereads pages all the time; memory the cache does not use is not taken.
    """
    if connection.vendor != "sqlite":
        yield
        return
    cursor.execute("PRAGMA cache_size")
    (previous,) = cursor.fetchone()
    cursor.execute(f"PRAGMA cache_size = {-SQLITE_CACHE_KIB}")
    try:
        yield
    finally:
        cursor.execute(f"PRAGMA cache_size = {int(previous)}")


def _insert(
    cursor: CursorWrapper,
    table: str,
    columns: list[str],
    rows: list[tuple[Any, ...]],
    conflict: str = "",
) -> None:
    """INSERT `rows` into `table` (with an ON CONFLICT clause).

    On SQLite one executemany, which runs in-process. On PostgreSQL executemany costs a
    round trip per row, so the rows are COPYed into a temporary table and inserted from it
    in one statement.
    """
    names = ", ".join(columns)
    if connection.vendor != "postgresql":
        placeholders = ", ".join(["%s"] * len(columns))
        cursor.executemany(
            f"INSERT INTO {table} ({names}) VALUES ({placeholders}) {conflict}", rows
        )
        return
    staging = f"staging_{table}"
    cursor.execute(
        f"CREATE TEMPORARY TABLE IF NOT EXISTS {staging} AS "
        f"SELECT {names} FROM {table} WITH NO DATA"
    )
    cursor.execute(f"TRUNCATE {staging}")
    with cursor.cursor.copy(f"COPY {staging} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
    cursor.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM {staging} {conflict}")


def _write(spool: IO[bytes], activity: Activity, evidence_fields: list[str]) -> tuple[int, int]:
    """Insert the spooled rows; (people added, participations written)."""
    person_table = Person._meta.db_table
    participation_table = Participation._meta.db_table
    # Someone added meanwhile by another import is found by the lookup after the insert on
    # PostgreSQL; on SQLite no one else writes meanwhile, and a conflict must fail loudly
    # rather than shift the ids _new_ids() counts.
    person_conflict = "ON CONFLICT (key) DO NOTHING" if connection.vendor == "postgresql" else ""
    columns = ["activity_id", "person_id", *PARTICIPATION_FIELDS]
    # Columns the file does not have are left as they were for people already in the activity.
    update = (
        "DO UPDATE SET " + ", ".join(f"{name} = excluded.{name}" for name in evidence_fields)
        if evidence_fields
        else "DO NOTHING"
    )
    participation_conflict = f"ON CONFLICT (activity_id, person_id) {update}"
    people_added = written = 0
    activity_id = activity.pk
    width = len(PERSON_COLUMNS)
    with connection.cursor() as cursor, _large_cache(cursor):
        for chunk in _chunks(spool):
            ids = _ids_by_key(cursor, [row[0] for row in chunk])
            new = [row[:width] for row in chunk if row[0] not in ids]
            if new:
                new.sort()  # in key order, the unique index is filled page by page
                _insert(cursor, person_table, list(PERSON_COLUMNS), new, person_conflict)
                ids.update(_new_ids(cursor, [row[0] for row in new]))
                people_added += len(new)
            participations = [(activity_id, ids[row[0]], *row[width:]) for row in chunk]
            participations.sort(key=itemgetter(1))
            _insert(cursor, participation_table, columns, participations, participation_conflict)
            written += len(chunk)
    return people_added, written


# --- the import -------------------------------------------------------------------------------


def _check_scope(user: AbstractBaseUser | None, activity: Activity) -> None:
    if user is not None:
        ensure_in_scope(user, activity, Do.CHANGE)


def import_participants(
    *,
    user: AbstractBaseUser | None,
    activity: Activity,
    file: FileLike,
    file_name: str,
    mapping: dict[str, str] | None = None,
    progress: Progress | None = None,
    record: ParticipantImport | None = None,
) -> ImportResult:
    """Import a participant list into `activity`, all or nothing (see the module docstring).

    `mapping` names the column of each field (field → header); fields it leaves out are
    found by their usual names. `record` is the ParticipantImport that start_import queued;
    without one, a new ParticipantImport is written as the audit record. `user=None` is the
    command line. Raises PermissionDenied when the user may not change the activity and
    ParticipantsInvalid, having written nothing, when any row has a problem.
    """
    _check_scope(user, activity)
    with _table(file, file_name) as table, tempfile.TemporaryFile() as spool:
        checker = _Checker(user, table.header, mapping)
        if checker.problems:
            raise ParticipantsInvalid(checker.problems)
        evidence_fields = [name for name in PARTICIPATION_FIELDS if name in checker.columns]
        rows = _spool(checker.chunks(table, progress), spool)
        if checker.problems:
            # In the order of the file: by row, then by column.
            position = {column: index for index, column in enumerate(table.header)}
            checker.problems.sort(key=lambda p: (p.row or 0, position.get(p.column or "", -1)))
            if checker.full:
                message = _("Checking stopped after %(count)d problems.") % {"count": MAX_PROBLEMS}
                checker.problems.append(Problem(None, None, message))
            raise ParticipantsInvalid(checker.problems)
        if not rows:
            raise _refused(_("The file has no participants: only its header row."))
        effective = {name: table.header[index] for name, index in checker.columns.items()}
        with transaction.atomic():
            before = Participation.objects.filter(activity=activity).count()
            people_added, _written = _write(spool, activity, evidence_fields)
            added = Participation.objects.filter(activity=activity).count() - before
            result = ImportResult(
                rows=rows,
                participants_added=added,
                # Without evidence columns the people already there are left as they were.
                participants_updated=rows - added if evidence_fields else 0,
                people_added=people_added,
            )
            record_delivery(activity, user)
            _record_done(record, activity, user, file_name, effective, result)
    return result


def _record_done(
    record: ParticipantImport | None,
    activity: Activity,
    user: AbstractBaseUser | None,
    file_name: str,
    mapping: dict[str, str],
    result: ImportResult,
) -> ParticipantImport:
    if record is None:
        record = ParticipantImport(
            activity=activity,
            file_name=file_name[:255],
            created_by=user if user is not None and user.is_authenticated else None,
        )
    record.mapping = mapping
    record.status = ParticipantImport.Status.DONE
    record.rows_total = record.rows_done = result.rows
    record.participants_added = result.participants_added
    record.participants_updated = result.participants_updated
    record.people_added = result.people_added
    record.errors = []
    record.finished_at = timezone.now()
    record.save()
    return record


def start_import(
    *,
    user: AbstractBaseUser | None,
    activity: Activity,
    upload: UploadedFile,
    mapping: dict[str, str] | None,
) -> ParticipantImport:
    """Keep the upload on a queued ParticipantImport and import it in the background.

    The task starts once this transaction commits (with the immediate backend, at once);
    follow it on the ParticipantImport's status, rows_done and rows_total.
    """
    _check_scope(user, activity)
    if mapping:
        unknown = sorted(set(mapping) - set(FIELD_NAMES))
        if unknown:
            raise ValidationError(
                _("These are not fields to import: %(names)s.") % {"names": ", ".join(unknown)}
            )
    from capdev.deliver.tasks import run_participant_import  # noqa: PLC0415 — tasks import this

    file_name = Path(upload.name or "participants").name
    record = ParticipantImport(
        activity=activity,
        file_name=file_name[:255],
        mapping=mapping or {},
        created_by=user if user is not None and user.is_authenticated else None,
    )
    record.upload.save(file_name, upload, save=False)
    record.save()
    transaction.on_commit(lambda: run_participant_import.enqueue(record.pk))
    return record
