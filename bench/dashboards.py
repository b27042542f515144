"""How fast the dashboards, the needs search and the progress report answer over HTTP on the
large dataset, against DuckDB computing the same figures from the raw item scores.

    python bench/dashboards.py [--database-url URL] [--country KEN] [--word strategic]
                               [--runs 15] [--warmups 2] [--pdf-runs 3]

Needs a database seeded with `capdev seed --scale large` (DATABASE_URL, or the SQLite file
in $CAPDEV_HOME). It creates an HQ user for itself (a session and an API token), starts
gunicorn (one sync worker, DEBUG off) on a free port against that database, and times, as
medians of --runs requests after --warmups: the global dashboard JSON and page, a country's
dashboard JSON and page, the needs registry searched for one word, and the progress report
PDF (--pdf-runs). Then, in the same run, it copies the raw tables DuckDB needs (item scores,
items, assessments, organisations, countries, regions, membership, needs) into an in-memory
DuckDB database — outside the timing — and times DuckDB computing the same figures from the
item scores: each assessment's weighted position on the scale, each organisation's baseline
and latest, the comparisons by group and region, the trend by year, the distribution of
change and the membership trend; for the country, the same and each constituent's grid
cells. It prints the medians, their ratio to DuckDB, and every figure on which the app and
DuckDB disagree. The HQ user is removed at the end.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SECRET = "capdev-bench-secret-key-only-for-this-benchmark-0123456789"
USERNAME = "bench-dashboards"
CENT = Decimal("0.01")
GRID = [
    (level, kind)
    for level in ("individual", "organisational", "enabling_environment")
    for kind in ("technical", "functional")
]


# --- the app over HTTP ----------------------------------------------------------------------


def setup_django(database_url: str | None) -> None:
    os.environ.setdefault("SECRET_KEY", SECRET)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "capdev.settings")
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("CAPDEV_STATIC_MANIFEST", "0")
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def bench_user() -> tuple[str, str]:
    """An HQ user of the bench's own: (session cookie value, API token)."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from rest_framework.authtoken.models import Token

    from capdev.core.models import Grant, Role

    User = get_user_model()
    User.objects.filter(username=USERNAME).delete()
    user = User.objects.create_user(username=USERNAME, password=None)
    Grant.objects.create(user=user, role=Role.HQ)
    client = Client()
    client.force_login(user)
    from django.conf import settings

    return client.cookies[settings.SESSION_COOKIE_NAME].value, Token.objects.create(user=user).key


def remove_bench_user(session: str) -> None:
    from django.contrib.auth import get_user_model
    from django.contrib.sessions.models import Session

    Session.objects.filter(session_key=session).delete()
    get_user_model().objects.filter(username=USERNAME).delete()  # with its grant and token


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "CAPDEV_STATIC_MANIFEST": "0",
        "CAPDEV_TASKS": "immediate",
        "DATABASE_CONN_MAX_AGE": "3600",  # one connection, one server process to watch
    }
    gunicorn = Path(sys.executable).parent / "gunicorn"
    server = subprocess.Popen(
        [
            str(gunicorn),
            "capdev.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--timeout",
            "600",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=30).read()
            return server
        except OSError:  # not listening yet, or still starting
            time.sleep(0.5)
    server.terminate()
    raise SystemExit("gunicorn did not answer /healthz within 60 s")


def fetch(url: str, headers: dict[str, str]) -> bytes:
    """The whole body of a 200 answer (urllib raises on any error status)."""
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=600) as r:
        return r.read()


@dataclass
class Measured:
    times: list[float]  # seconds elapsed, one per run
    cpu: float  # seconds of CPU per run
    result: Any

    @property
    def median(self) -> float:
        return statistics.median(self.times)


def timed(
    run: Callable[[], Any], runs: int, warmups: int, cpu: Callable[[], float] = time.process_time
) -> Measured:
    """Run `run` `warmups` times, then `runs` times timed; `cpu()` reads the CPU seconds
    spent so far by whoever does the work."""
    for _ in range(warmups):
        run()
    times, result, before = [], None, cpu()
    for _ in range(runs):
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
    return Measured(times, (cpu() - before) / runs, result)


def cpu_seconds(pids: list[int]) -> float:
    """CPU time (user + system) the processes have used, from /proc (Linux)."""
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def server_pids(server: subprocess.Popen[bytes]) -> list[int]:
    """The gunicorn worker, and on PostgreSQL the server processes serving its connections:
    the work of a request is theirs."""
    from django.db import connection

    children = Path(f"/proc/{server.pid}/task/{server.pid}/children")
    pids = [int(pid) for pid in children.read_text().split()] if children.exists() else []
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
            )
            pids += [pid for (pid,) in cursor.fetchall()]
    return pids


# --- DuckDB over the raw rows ---------------------------------------------------------------

EXPORTS = {
    # table: (SQL on the app's database, DuckDB column types)
    "score": (
        "SELECT assessment_id, item_id, score FROM diagnose_itemscore",
        {"assessment_id": "BIGINT", "item_id": "BIGINT", "score": "INTEGER"},
    ),
    "item": (
        "SELECT id, weight, level, type, scale, groups FROM diagnose_item",
        {
            "id": "BIGINT",
            "weight": "DECIMAL(6,2)",
            "level": "VARCHAR",
            "type": "VARCHAR",
            "scale": "VARCHAR",
            "groups": "VARCHAR",
        },
    ),
    "assessment": (
        "SELECT id, organisation_id, date, status FROM diagnose_assessment",
        {"id": "BIGINT", "organisation_id": "BIGINT", "date": "DATE", "status": "VARCHAR"},
    ),
    "organisation": (
        'SELECT id, "group", country_id FROM core_organisation',
        {"id": "BIGINT", "group": "VARCHAR", "country_id": "BIGINT"},
    ),
    "country": (
        "SELECT id, iso_alpha3, region_id FROM core_country",
        {"id": "BIGINT", "iso_alpha3": "VARCHAR", "region_id": "BIGINT"},
    ),
    "region": ("SELECT id, code FROM core_region", {"id": "BIGINT", "code": "VARCHAR"}),
    "membership": (
        "SELECT organisation_id, year, members, women_members FROM core_membership",
        {
            "organisation_id": "BIGINT",
            "year": "INTEGER",
            "members": "BIGINT",
            "women_members": "BIGINT",
        },
    ),
    "need": (
        "SELECT n.id, n.title, n.description, n.priority, n.created_at, o.name, o.acronym, "
        "c.name FROM diagnose_need n JOIN core_organisation o ON o.id = n.organisation_id "
        "JOIN core_country c ON c.id = o.country_id",
        {
            "id": "BIGINT",
            "title": "VARCHAR",
            "description": "VARCHAR",
            "priority": "INTEGER",
            "created_at": "VARCHAR",
            "organisation": "VARCHAR",
            "acronym": "VARCHAR",
            "country": "VARCHAR",
        },
    ),
}


def load_duckdb(folder: Path):  # type: ignore[no-untyped-def]
    """Copy the raw tables into an in-memory DuckDB database (CSV files in between)."""
    import duckdb
    from django.db import connection

    duck = duckdb.connect()
    rows = {}
    for table, (sql, types) in EXPORTS.items():
        path = folder / f"{table}.csv"
        with path.open("w", newline="", encoding="utf-8") as out, connection.cursor() as cursor:
            writer = csv.writer(out)
            cursor.execute(sql)
            count = 0
            while batch := cursor.fetchmany(50_000):
                writer.writerows(batch)
                count += len(batch)
        rows[table] = count
        duck.read_csv(
            str(path), header=False, names=list(types), dtype=types, quotechar='"', escapechar='"'
        ).create(table)
        path.unlink()
    spans = duck.execute(
        "SELECT DISTINCT json_extract(scale, '$[#-1].value')::INTEGER"
        " - json_extract(scale, '$[0].value')::INTEGER FROM item"
    ).fetchall()
    if any(SPANS % span for (span,) in spans):
        raise SystemExit(f"A scale's span does not divide {SPANS}: {spans}")
    return duck, rows


# Each assessment's position on the scale in cents of a percent, as capdev.diagnose.summaries
# computes it: the weighted mean of (score − lowest) / (highest − lowest) over the scored
# items that apply to the organisation's group, rounded half up; drafts do not count. The
# sums are exact integers: weights in cents, and each item's share of a common multiple of
# every scale's span (SPANS) instead of a division by its span. {where} narrows the
# organisations; {dimension} and {grouping} add the grid cells for a country.
SPANS = 27_720  # divisible by every span from 1 to 12 points
PERCENTS = """
CREATE OR REPLACE TEMP TABLE figure AS
WITH items AS (
    SELECT id, round(weight * 100)::BIGINT AS w, level, type, groups,
           json_extract(scale, '$[0].value')::INTEGER AS low,
           json_extract(scale, '$[#-1].value')::INTEGER AS high
    FROM item
), applies AS (
    SELECT id, w, level, type, low, {spans} // (high - low) AS k, g.grp
    FROM items, (VALUES ('government'), ('workers'), ('employers'), ('other')) g(grp)
    WHERE json_array_length(groups) = 0
       OR list_contains(from_json(groups, '["VARCHAR"]'), g.grp)
)
SELECT a.id AS aid, a.organisation_id AS org, a.date, o."group" AS grp, o.country_id,
       c.region_id, {dimension} AS dimension,
       (20000 * sum(ap.w * (s.score - ap.low) * ap.k) + {spans} * sum(ap.w))
           // (2 * {spans} * sum(ap.w)) AS cents
FROM score s
JOIN assessment a ON a.id = s.assessment_id
JOIN organisation o ON o.id = a.organisation_id
JOIN country c ON c.id = o.country_id
JOIN applies ap ON ap.id = s.item_id AND ap.grp = o."group"
WHERE a.status <> 'draft' AND s.score IS NOT NULL {where}
GROUP BY {grouping};

CREATE OR REPLACE TEMP TABLE pair AS
WITH ranked AS (
    SELECT *, row_number() OVER (PARTITION BY org, dimension ORDER BY date, aid) AS seq,
           count(*) OVER (PARTITION BY org, dimension) AS n
    FROM figure
)
SELECT org, dimension, any_value(grp) AS grp, any_value(region_id) AS region_id,
       max(cents) FILTER (WHERE seq = 1) AS baseline,
       max(cents) FILTER (WHERE seq = n) AS latest, max(n) AS n
FROM ranked GROUP BY org, dimension;
"""
PLACE = 'a.id, a.organisation_id, a.date, o."group", o.country_id, c.region_id'
CELL_DIMENSION = (
    "CASE WHEN GROUPING(ap.level) = 1 THEN '' ELSE 'cell:' || ap.level || ':' || ap.type END"
)
CELL_GROUPING = f"GROUPING SETS (({PLACE}), ({PLACE}, ap.level, ap.type))"


def half_up(cents_sum: str, count: str) -> str:
    """The mean in cents, rounded half up, in integers (as Decimal.quantize does)."""
    return f"(2 * {cents_sum} + {count}) // NULLIF(2 * {count}, 0)"


COMPARISONS = f"""
SELECT coalesce(grp, ''), coalesce(r.code, ''), GROUPING(grp), GROUPING(r.code),
       count(*) AS assessed, count(*) FILTER (WHERE n > 1) AS cohort,
       {half_up("sum(latest)", "count(*)")} AS latest_mean,
       {half_up("sum(baseline) FILTER (WHERE n > 1)", "count(*) FILTER (WHERE n > 1)")},
       {half_up("sum(latest) FILTER (WHERE n > 1)", "count(*) FILTER (WHERE n > 1)")},
       count(*) FILTER (WHERE n > 1 AND latest > baseline) AS improved,
       count(*) FILTER (WHERE n > 1 AND latest < baseline) AS declined
FROM pair LEFT JOIN region r ON r.id = pair.region_id
WHERE dimension = ''
GROUP BY GROUPING SETS ((), (grp), (r.code))
"""
TREND = f"""
SELECT year(date) AS year, count(*), count(DISTINCT org), {half_up("sum(cents)", "count(*)")}
FROM figure WHERE dimension = '' GROUP BY year ORDER BY year
"""
DISTRIBUTION = """
SELECT floor((latest - baseline) / 500)::INTEGER * 5 AS low, count(*)
FROM pair WHERE dimension = '' AND n > 1 GROUP BY low ORDER BY low
"""
MEMBERSHIP = """
SELECT m.year, o."group", count(*), sum(m.members),
       coalesce(sum(m.women_members), 0),
       coalesce(sum(m.members) FILTER (WHERE m.women_members IS NOT NULL), 0)
FROM membership m JOIN organisation o ON o.id = m.organisation_id
WHERE o."group" IN ('workers', 'employers') {where}
GROUP BY ALL ORDER BY m.year, o."group"
"""
MOVEMENTS = """
SELECT org, dimension, baseline, latest, n FROM pair
"""


def _decimal(value: Any) -> Decimal | None:
    """A figure of the app's JSON (a string) as a Decimal to the cent."""
    return None if value is None else Decimal(str(value)).quantize(CENT, ROUND_HALF_UP)


def _cents(value: Any) -> Decimal | None:
    """A DuckDB figure in cents as a Decimal."""
    return None if value is None else Decimal(int(value)) / 100


def duck_capacity(duck, country_id: int | None = None) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """The dashboard's figures from the raw item scores, the whole world or one country."""
    where = f"AND o.country_id = {int(country_id)}" if country_id else ""
    duck.execute(
        PERCENTS.format(
            spans=SPANS,
            where=where,
            dimension=CELL_DIMENSION if country_id else "''",
            grouping=CELL_GROUPING if country_id else PLACE,
        )
    )
    comparisons = {}
    for grp, region, by_grp, by_region, *figures in duck.execute(COMPARISONS).fetchall():
        key = "overall" if by_grp and by_region else f"group:{grp}" if not by_grp else region
        assessed, cohort, latest, baseline_c, latest_c, improved, declined = figures
        comparisons[key] = {
            "assessed": assessed,
            "cohort": cohort,
            "latest_mean": _cents(latest),
            "cohort_baseline_mean": _cents(baseline_c),
            "cohort_latest_mean": _cents(latest_c),
            "improved": improved,
            "declined": declined,
        }
    figures = {
        "comparisons": comparisons,
        "trend": [
            (year, n, organisations, _cents(mean))
            for year, n, organisations, mean in duck.execute(TREND).fetchall()
        ],
        "distribution": duck.execute(DISTRIBUTION).fetchall(),
        "membership": [tuple(r) for r in duck.execute(MEMBERSHIP.format(where=where)).fetchall()],
    }
    if country_id:
        figures["movements"] = {
            (org, dimension): (_cents(baseline), _cents(latest), n)
            for org, dimension, baseline, latest, n in duck.execute(MOVEMENTS).fetchall()
        }
    return figures


def duck_needs(duck, word: str) -> tuple[int, list[int]]:  # type: ignore[no-untyped-def]
    """How many needs match the word as the registry's search does, and the first page."""
    like = f"%{word}%"
    match = (
        "(title ILIKE $1 OR description ILIKE $1 OR organisation ILIKE $1 "
        "OR lower(acronym) = lower($2) OR country ILIKE $1)"
    )
    (count,) = duck.execute(f"SELECT count(*) FROM need WHERE {match}", [like, word]).fetchone()
    page = duck.execute(
        f"SELECT id FROM need WHERE {match} ORDER BY priority, created_at DESC, id DESC LIMIT 50",
        [like, word],
    ).fetchall()
    return count, [row[0] for row in page]


# --- comparing ------------------------------------------------------------------------------


def _app_comparison(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "assessed": row["assessed"],
        "cohort": row["cohort"],
        "latest_mean": _decimal(row["latest_mean"]),
        "cohort_baseline_mean": _decimal(row["cohort_baseline_mean"]),
        "cohort_latest_mean": _decimal(row["cohort_latest_mean"]),
        "improved": row["improved"],
        "declined": row["declined"],
    }


def disagreements(app: dict[str, Any], duck: dict[str, Any], country_iso3: str = "") -> list[str]:
    """Every figure of the app's JSON that DuckDB does not reproduce, as readable lines."""
    problems = []

    def check(label: str, ours: Any, theirs: Any) -> None:
        if ours != theirs:
            problems.append(f"{label}: app {ours!r}, DuckDB {theirs!r}")

    expected = duck["comparisons"]
    check("overall", _app_comparison(app["overall"]), expected["overall"])
    for row in app["by_group"]:
        check(f"group {row['key']}", _app_comparison(row), expected.get(f"group:{row['key']}"))
    if not country_iso3:
        for row in app["by_place"]:
            check(f"region {row['key']}", _app_comparison(row), expected.get(row["key"]))
    check(
        "trend",
        [
            (p["year"], p["assessments"], p["organisations"], _decimal(p["mean"]))
            for p in app["trend"]
        ],
        duck["trend"],
    )
    ours = [(b["low"], b["organisations"]) for b in app["distribution"] if b["organisations"]]
    check("distribution (non-empty bins)", ours, [tuple(b) for b in duck["distribution"]])
    check(
        "membership",
        [
            (
                m["year"],
                m["group"],
                m["organisations"],
                m["members"],
                m["women_members"],
                m["members_reporting_women"],
            )
            for m in app["membership"]
        ],
        duck["membership"],
    )
    return problems


def constituent_disagreements(app: dict[str, Any], duck: dict[str, Any]) -> list[str]:
    problems = []
    moves = duck["movements"]
    for row in app["constituents"]:
        organisation = row["organisation"]
        dimensions = [("", row["overall"])] + [
            (f"cell:{level}:{kind}", cell)
            for (level, kind), cell in zip(GRID, row["cells"], strict=True)
        ]
        for dimension, move in dimensions:
            theirs = moves.get((organisation, dimension))
            ours = (
                None
                if move is None
                else (_decimal(move["baseline"]), _decimal(move["latest"]), move["assessments"])
            )
            if ours != theirs:
                problems.append(
                    f"organisation {organisation} {dimension or 'overall'}: "
                    f"app {ours!r}, DuckDB {theirs!r}"
                )
    return problems


# --- the run ----------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="the large dataset (default: $CAPDEV_HOME's)")
    parser.add_argument("--country", default="KEN", help="ISO3 code of the country dashboard")
    parser.add_argument("--word", default="strategic", help="searched in the needs registry")
    parser.add_argument("--biennium", default="2022-23")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--warmups", type=int, default=2)
    parser.add_argument("--pdf-runs", type=int, default=3)
    args = parser.parse_args()

    setup_django(args.database_url)
    from django.db import connection, transaction

    from capdev.core.models import Country, DemoDataset

    if not DemoDataset.objects.filter(scale="large").exists():
        raise SystemExit("This database was not seeded with `capdev seed --scale large`.")
    with transaction.atomic():
        session, token = bench_user()
    country = Country.objects.get(iso_alpha3=args.country.upper())
    port = free_port()
    server = start_server(port)
    base = f"http://127.0.0.1:{port}"
    page = {"Cookie": f"sessionid={session}"}
    api = {"Authorization": f"Token {token}", "Accept": "application/json"}
    results: list[tuple[str, Measured, str]] = []  # name, measured, baseline's name
    try:
        print(
            f"database: {connection.vendor}; HTTP: gunicorn, 1 sync worker, DEBUG off; "
            f"{args.runs} runs after {args.warmups} warm-ups ({args.pdf_runs} for the PDF)",
            flush=True,
        )
        endpoints = [
            ("global dashboard JSON", "/api/dashboards/global/", api, "global"),
            ("global dashboard page", "/monitor/", page, "global"),
            (
                f"country dashboard JSON ({country.iso_alpha3})",
                f"/api/dashboards/countries/{country.iso_alpha3}/",
                api,
                "country",
            ),
            (
                f"country dashboard page ({country.iso_alpha3})",
                f"/monitor/countries/{country.iso_alpha3}/",
                page,
                "country",
            ),
            (f"needs search “{args.word}”", f"/diagnose/needs/?q={args.word}", page, "needs"),
            (
                f"progress report PDF ({args.biennium})",
                f"/reports/progress.pdf?biennium={args.biennium}",
                api,
                "",
            ),
        ]
        for name, path, headers, baseline in endpoints:
            pdf = path.startswith("/reports/")
            measured = timed(
                lambda path=path, headers=headers: fetch(base + path, headers),
                args.pdf_runs if pdf else args.runs,
                1 if pdf else args.warmups,
                cpu=lambda: cpu_seconds(server_pids(server)),
            )
            results.append((name, measured, baseline))
            print(
                f"  {name}: median {measured.median * 1000:,.0f} ms, "
                f"server CPU {measured.cpu * 1000:,.0f} ms per request",
                flush=True,
            )
    finally:
        server.terminate()
        server.wait()

    with tempfile.TemporaryDirectory(prefix="capdev-bench-") as folder:
        start = time.perf_counter()
        duck, rows = load_duckdb(Path(folder))
        print(
            f"DuckDB {__import__('duckdb').__version__}: {rows['score']:,} item scores, "
            f"{rows['assessment']:,} assessments, {rows['need']:,} needs copied in "
            f"{time.perf_counter() - start:.1f} s (not timed)",
            flush=True,
        )
        baselines = {
            "global": timed(lambda: duck_capacity(duck), args.runs, args.warmups),
            "country": timed(lambda: duck_capacity(duck, country.pk), args.runs, args.warmups),
            "needs": timed(lambda: duck_needs(duck, args.word), args.runs, args.warmups),
        }

    print()
    print("| | median | server CPU | DuckDB median | DuckDB CPU | ratio | ratio in CPU |")
    print("|---|---|---|---|---|---|---|")
    for name, measured, baseline in results:
        ms = f"{measured.median * 1000:,.0f} ms | {measured.cpu * 1000:,.0f} ms"
        if not baseline:
            print(f"| {name} | {ms} | | | | |")
            continue
        duck_measured = baselines[baseline]
        print(
            f"| {name} | {ms} | {duck_measured.median * 1000:,.0f} ms "
            f"| {duck_measured.cpu * 1000:,.0f} ms "
            f"| {measured.median / duck_measured.median:.1f}× "
            f"| {measured.cpu / duck_measured.cpu:.1f}× |"
        )
    print()

    bodies = {name: measured.result for name, measured, _ in results}
    global_json = json.loads(bodies["global dashboard JSON"])
    problems = disagreements(global_json, baselines["global"].result)
    country_json = json.loads(bodies[f"country dashboard JSON ({country.iso_alpha3})"])
    problems += [
        f"{country.iso_alpha3}: {p}"
        for p in disagreements(
            country_json["capacity"], baselines["country"].result, country.iso_alpha3
        )
        + constituent_disagreements(country_json, baselines["country"].result)
    ]
    matched, _ = baselines["needs"].result
    print(
        f"figures: global {global_json['overall']['assessed']:,} organisations assessed, "
        f"{sum(p['assessments'] for p in global_json['trend']):,} assessments; "
        f"{country.iso_alpha3} {len(country_json['constituents'])} constituents; "
        f"needs matching “{args.word}”: {matched:,} (DuckDB)"
    )
    if problems:
        print(f"{len(problems)} figures disagree:")
        for problem in problems:
            print(f"  {problem}")
    else:
        print("every figure compared agrees with DuckDB")
    print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    with transaction.atomic():
        remove_bench_user(session)


if __name__ == "__main__":
    main()
