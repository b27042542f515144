"""How fast a participant list is imported, against raw executemany into the same table.

    python bench/import_participants.py [--rows 1000000] [--organisations 300]
                                        [--database-url postgresql://...]

Sets up a throwaway database (SQLite in a temporary CAPDEV_HOME unless --database-url
names another), writes a synthetic CSV of --rows participants (70 % with an e-mail
address, the others recognised by name within their organisation) and times
`import_participants` on it: checking every row, then writing people and participations.
Then it times a raw `executemany` of as many ready-made participation tuples into the same
table, for a fresh activity, in the same run, and prints both rates, their ratio and the
peak resident memory of the import.
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

FIRST = (  # noqa: SIM905 — names to read, not a list to scan
    "Amina Grace John Peter Fatima Aisha Mohamed Ali Maria Jose Ana Luis Wei Li Mei Chen Nadia "
    "Omar Sara David Esther Joseph Mary James Ruth Samuel Leila Karim Sofia Pablo Lucia Diego "
    "Ines Jorge Elena Carlos Rosa Miguel Carmen Juan Akosua Kwame Ama Kofi Abena Yaw Efua Kojo "
    "Nia Jabari Zuri Baraka Imani Juma Halima Hamisi Wanjiru Otieno Achieng Mwangi Njeri "
    "Kamau Chebet Kiprop Anjali Ravi Priya Arjun Deepa Vikram Sunita Rahul Kavya Nguyen Linh "
    "Minh Thao Somchai Suda Niran Ploy Marie Jean Claire Pierre Julie Louis Camille Hugo Anna "
    "Lukas Lena Jonas Mia Felix Emma Paul"
).split()
LAST = (  # noqa: SIM905
    "Wanjiru Otieno Achieng Mwangi Kamau Njoroge Ouma Kiptoo Mutua Wambui Diallo Traore Keita "
    "Coulibaly Toure Sow Ba Ndiaye Fall Diop Mensah Owusu Boateng Asante Appiah Okafor Eze "
    "Okeke Adeyemi Bello Garcia Rodriguez Martinez Lopez Gonzalez Perez Sanchez Ramirez Torres "
    "Flores Rivera Gomez Diaz Cruz Morales Reyes Gutierrez Ortiz Chavez Ruiz Wang Zhang Liu "
    "Chen Yang Huang Zhao Wu Zhou Xu Sharma Patel Singh Kumar Gupta Das Rao Reddy Nair Iyer "
    "Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Muller Schmidt "
    "Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Tran Le Pham Hoang Phan Vu "
    "Srisuk Wongsa Chaiyaporn Boonmee"
).split()
APPLIED = ("none", "partly", "fully", "")


def setup_django(database_url: str | None) -> Path:
    home = Path(tempfile.mkdtemp(prefix="capdev-bench-"))
    os.environ["CAPDEV_HOME"] = str(home)
    os.environ.setdefault(
        "SECRET_KEY", "capdev-bench-secret-key-only-for-this-benchmark-0123456789"
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "capdev.settings")
    os.environ["CAPDEV_TASKS"] = "immediate"
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if database_url:
        # A database of its own beside the one named (test_<name>), dropped at the end: a
        # second run must not meet the first one's rows.
        connection.creation.create_test_db(verbosity=0, autoclobber=True)
    else:
        call_command("migrate", verbosity=0)
    return home


def make_world(organisation_count: int):
    import datetime

    from capdev.core.models import (
        ConstituentGroup,
        Country,
        Office,
        Organisation,
        OrganisationKind,
    )
    from capdev.deliver.models import Activity

    countries = list(Country.objects.order_by("iso_alpha2")[:60])
    kinds = [
        (ConstituentGroup.GOVERNMENT, OrganisationKind.MINISTRY_OF_LABOUR, "Ministry of Labour"),
        (ConstituentGroup.WORKERS, OrganisationKind.NATIONAL_TRADE_UNION_CENTRE, "Trade Unions"),
        (ConstituentGroup.EMPLOYERS, OrganisationKind.EMPLOYERS_ORGANISATION, "Employers"),
    ]
    organisations = Organisation.objects.bulk_create(
        Organisation(
            name=f"{kinds[n % 3][2]} {n // 3 + 1} {countries[n % len(countries)].iso_alpha2}",
            country=countries[n % len(countries)],
            group=kinds[n % 3][0],
            kind=kinds[n % 3][1],
        )
        for n in range(organisation_count)
    )
    office = Office.objects.create(name="Bench office", kind=Office.Kind.COUNTRY_OFFICE)

    def activity(title: str) -> Activity:
        created = Activity.objects.create(
            title=title,
            kind=Activity.Kind.COURSE,
            start=datetime.date(2026, 1, 5),
            end=datetime.date(2026, 1, 9),
            online=True,
            office=office,
        )
        created.countries.set(countries[:3])
        return created

    return [o.name for o in organisations], activity


def write_csv(path: Path, rows: int, organisations: list[str]) -> None:
    header = [
        "Name",
        "Sex",
        "Organisation",
        "E-mail",
        "Position",
        "Phone",
        "Attendance",
        "Pre-test",
        "Post-test",
        "Satisfaction",
        "Applied after 3 months",
        "Applied after 6 months",
    ]
    f, m, last = len(FIRST), len(FIRST), len(LAST)
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        for n in range(rows):
            # n spelled in three name parts: every name in the file is different.
            first, middle, surname = FIRST[n % f], FIRST[(n // f) % m], LAST[(n // (f * m)) % last]
            suffix = "" if n < f * m * last else f" {n // (f * m * last)}"
            name = f"{first} {middle[0]}. {surname}{suffix}"
            email = f"{first}.{surname}.{n}@example.org".lower() if n % 10 < 7 else ""
            writer.writerow(
                (
                    name,
                    "FM"[n % 2] if n % 50 else "other",
                    organisations[(n * 7919) % len(organisations)],
                    email,
                    "Inspector" if n % 3 == 0 else "",
                    f"+254 7{n % 100_000_000:08d}" if n % 4 == 0 else "",
                    str(50 + n % 51),
                    f"{(n * 37) % 10_000 / 100:.2f}",
                    f"{(n * 53) % 10_000 / 100:.2f}",
                    str(1 + n % 5),
                    APPLIED[n % 4],
                    APPLIED[(n + 1) % 4],
                )
            )


def peak_rss_mb() -> float:
    # Linux reports kilobytes, macOS bytes.
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 if sys.platform != "darwin" else peak / (1024 * 1024)


def raw_executemany(activity_id: int, person_ids: list[int]) -> tuple[float, float]:
    """Seconds (elapsed, of CPU) to insert one participation per person with a bare executemany."""
    from django.db import connection, transaction

    from capdev.deliver.models import Participation

    columns = (
        "activity_id",
        "person_id",
        "attendance",
        "pre_test",
        "post_test",
        "satisfaction",
        "applied_3_months",
        "applied_6_months",
    )
    rows = [
        (activity_id, pk, 50 + n % 51, 40.5, 70.25, 1 + n % 5, APPLIED[n % 3], "")
        for n, pk in enumerate(person_ids)
    ]
    table = Participation._meta.db_table
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        raw = connection.connection
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * 8)})"
        start, cpu = time.perf_counter(), time.process_time()
        raw.execute("BEGIN")
        raw.executemany(sql, rows)
        raw.execute("COMMIT")
        return time.perf_counter() - start, time.process_time() - cpu
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * 8)})"
    start, cpu = time.perf_counter(), time.process_time()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(sql, rows)
    return time.perf_counter() - start, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--organisations", type=int, default=300)
    parser.add_argument("--database-url", help="another database (PostgreSQL) instead of SQLite")
    args = parser.parse_args()

    home = setup_django(args.database_url)
    try:
        run(args, home)
    finally:
        shutil.rmtree(home, ignore_errors=True)
        if args.database_url:
            from django.db import connection

            connection.creation.destroy_test_db(
                connection.settings_dict["NAME"].removeprefix("test_"), verbosity=0
            )


def run(args: argparse.Namespace, home: Path) -> None:
    from django.db import connection

    from capdev.deliver.models import Person
    from capdev.deliver.participants_import import import_participants

    organisations, new_activity = make_world(args.organisations)
    path = home / "participants.csv"
    start = time.perf_counter()
    write_csv(path, args.rows, organisations)
    print(
        f"database: {connection.vendor}; file: {args.rows:,} rows, "
        f"{path.stat().st_size / 1e6:.0f} MB, {args.organisations} organisations "
        f"(written in {time.perf_counter() - start:.1f} s)"
    )

    activity = new_activity("Bench course")
    checked_at: list[float] = []

    def progress(done: int, total: int) -> None:
        if done == total:
            checked_at.append(time.perf_counter())

    start, cpu = time.perf_counter(), time.process_time()
    result = import_participants(
        user=None, activity=activity, file=path, file_name=path.name, progress=progress
    )
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    peak = peak_rss_mb()
    assert result.rows == args.rows == result.participants_added == result.people_added
    checking = checked_at[-1] - start
    import_rate = args.rows / elapsed
    print(
        f"import_participants: {elapsed:.1f} s, {import_rate:,.0f} rows/s "
        f"(checking {checking:.1f} s, writing {elapsed - checking:.1f} s; "
        f"{cpu:.1f} s of CPU, {args.rows / cpu:,.0f} rows per CPU second); "
        f"peak memory {peak:,.0f} MB"
    )

    person_ids = list(Person.objects.order_by("pk").values_list("pk", flat=True))
    raw_seconds, raw_cpu = raw_executemany(new_activity("Bench baseline").pk, person_ids)
    raw_rate = len(person_ids) / raw_seconds
    print(
        f"raw executemany into the participation table: {raw_seconds:.1f} s, "
        f"{raw_rate:,.0f} rows/s ({len(person_ids) / raw_cpu:,.0f} rows per CPU second)"
    )
    print(
        f"ratio import / raw executemany: {import_rate / raw_rate:.2f} elapsed, "
        f"{raw_cpu / cpu:.2f} in CPU time"
    )
    print(f"load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
