"""The full-text search index of capdev.learn.search: a plain table of entries, and per
vendor its full-text structure (SQLite: an external-content FTS5 table kept by triggers;
PostgreSQL: a generated, weighted tsvector column with a GIN index)."""

from django.db import migrations

COLUMNS = """
    kind varchar(20) NOT NULL,
    object_id integer NOT NULL,
    title text NOT NULL,
    body text NOT NULL,
    title_idx text NOT NULL,
    body_idx text NOT NULL,
    countries text NOT NULL DEFAULT '',
    regions text NOT NULL DEFAULT '',
    groups text NOT NULL DEFAULT '',
    levels text NOT NULL DEFAULT '',
    types text NOT NULL DEFAULT '',
    themes text NOT NULL DEFAULT '',
    year integer NULL,
    UNIQUE (kind, object_id)
"""

SQLITE = [
    f"CREATE TABLE learn_searchentry (id integer PRIMARY KEY AUTOINCREMENT, {COLUMNS})",
    "CREATE VIRTUAL TABLE learn_searchentry_fts USING fts5(title_idx, body_idx,"
    " content='learn_searchentry', content_rowid='id',"
    " tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER learn_searchentry_ai AFTER INSERT ON learn_searchentry BEGIN"
    " INSERT INTO learn_searchentry_fts(rowid, title_idx, body_idx)"
    " VALUES (new.id, new.title_idx, new.body_idx); END",
    "CREATE TRIGGER learn_searchentry_ad AFTER DELETE ON learn_searchentry BEGIN"
    " INSERT INTO learn_searchentry_fts(learn_searchentry_fts, rowid, title_idx, body_idx)"
    " VALUES ('delete', old.id, old.title_idx, old.body_idx); END",
    "CREATE TRIGGER learn_searchentry_au AFTER UPDATE ON learn_searchentry BEGIN"
    " INSERT INTO learn_searchentry_fts(learn_searchentry_fts, rowid, title_idx, body_idx)"
    " VALUES ('delete', old.id, old.title_idx, old.body_idx);"
    " INSERT INTO learn_searchentry_fts(rowid, title_idx, body_idx)"
    " VALUES (new.id, new.title_idx, new.body_idx); END",
]
SQLITE_DROP = [
    "DROP TABLE IF EXISTS learn_searchentry_fts",
    "DROP TABLE IF EXISTS learn_searchentry",
]

POSTGRESQL = [
    f"CREATE TABLE learn_searchentry (id bigserial PRIMARY KEY, {COLUMNS},"
    " tsv tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('simple', title_idx), 'A') ||"
    " setweight(to_tsvector('simple', body_idx), 'B')) STORED)",
    "CREATE INDEX learn_searchentry_tsv ON learn_searchentry USING GIN (tsv)",
]
POSTGRESQL_DROP = ["DROP TABLE IF EXISTS learn_searchentry"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        statements = statements_by_vendor.get(schema_editor.connection.vendor)
        if statements is None:
            raise RuntimeError("capdev search supports SQLite and PostgreSQL only")
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("learn", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRESQL}),
            _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRESQL_DROP}),
        ),
    ]
