"""Insert many rows without the ORM: a model instance per row costs more than the insert."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import connection


def insert_rows(table: str, columns: Iterable[str], rows: Iterable[tuple[Any, ...]]) -> None:
    """INSERT `rows` (tuples in `columns` order) into `table`, in the current transaction:
    one executemany on SQLite, which runs in-process; COPY on PostgreSQL, where executemany
    would cost a round trip per row."""
    connection.ensure_connection()
    quote = connection.ops.quote_name
    columns = list(columns)
    names = ", ".join(quote(column) for column in columns)
    raw = connection.connection
    if connection.vendor == "postgresql":
        with (
            raw.cursor() as cursor,
            cursor.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join("?" * len(columns))
    raw.executemany(f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})", rows)
