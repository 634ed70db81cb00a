"""The one place where PostgreSQL and SQLite differ (docs/decisions/0002-two-databases.md).

PostgreSQL gets trigram (``pg_trgm``) GIN indexes so ``LIKE '%…%'`` on the folded keys uses
an index; SQLite keeps ordinary B-tree indexes on the same columns, which serve prefix
matches, and scans the (small) rest.
"""

from __future__ import annotations

from django.db import connection as default_connection
from django.db.migrations.operations.base import Operation


def is_postgres(connection=None) -> bool:
    return (connection or default_connection).vendor == "postgresql"


class TrigramIndex(Operation):
    """Migration operation: a pg_trgm GIN index on PostgreSQL, nothing on other databases."""

    reduces_to_sql = True
    reversible = True

    def __init__(self, table: str, column: str, name: str):
        self.table = table
        self.column = column
        self.name = name

    def state_forwards(self, app_label, state):
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{self.name}" ON "{self.table}" '
            f'USING gin ("{self.column}" gin_trgm_ops)'
        )

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute(f'DROP INDEX IF EXISTS "{self.name}"')

    def describe(self):
        return f"Trigram index {self.name} on {self.table}.{self.column} (PostgreSQL only)"

    def deconstruct(self):
        return (self.__class__.__qualname__, [], {"table": self.table, "column": self.column,
                                                   "name": self.name})


def refresh_search_indexes(table: str, index_names: list[str], connection=None) -> None:
    """After a bulk load, move the trigram indexes' pending entries into the index proper and
    refresh the planner's statistics. Until then PostgreSQL plans full scans (measured in
    bench/: 984 of 1,000 search plans use the indexes afterwards, none before). SQLite: no-op.
    """
    connection = connection or default_connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for name in index_names:
            cursor.execute("SELECT to_regclass(%s)", [name])
            if cursor.fetchone()[0] is not None:
                cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [name])
        cursor.execute(f'ANALYZE "{table}"')


class ByteOrderIndex(Operation):
    """Migration operation: a btree index on ``columns`` where text columns named in
    ``bytewise`` are compared ``COLLATE "C"`` on PostgreSQL. Such an index serves ``LIKE
    'prefix%'`` and ``ORDER BY … COLLATE "C"`` whatever the database's collation (a plain
    index serves neither under a linguistic collation). SQLite compares bytes already: a plain
    index there. ``include`` adds columns to PostgreSQL's index for index-only scans;
    ``condition`` is a raw SQL predicate for a partial index.
    """

    reduces_to_sql = True
    reversible = True

    def __init__(self, table: str, columns: list[str], name: str, *,
                 bytewise: list[str] | None = None, include: list[str] | None = None,
                 condition: str = ""):
        self.table = table
        self.columns = list(columns)
        self.name = name
        self.bytewise = list(bytewise or [])
        self.include = list(include or [])
        self.condition = condition

    def state_forwards(self, app_label, state):
        pass

    def _sql(self, vendor: str) -> str:
        postgres = vendor == "postgresql"
        parts = [f'"{c}" COLLATE "C"' if postgres and c in self.bytewise else f'"{c}"'
                 for c in self.columns]
        sql = f'CREATE INDEX IF NOT EXISTS "{self.name}" ON "{self.table}" ({", ".join(parts)})'
        if postgres and self.include:
            sql += " INCLUDE (" + ", ".join(f'"{c}"' for c in self.include) + ")"
        if self.condition:
            sql += f" WHERE {self.condition}"
        return sql

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        schema_editor.execute(self._sql(schema_editor.connection.vendor))

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        schema_editor.execute(f'DROP INDEX IF EXISTS "{self.name}"')

    def describe(self):
        return f"Byte-order index {self.name} on {self.table}({', '.join(self.columns)})"

    def deconstruct(self):
        kwargs = {"table": self.table, "columns": self.columns, "name": self.name}
        for key in ("bytewise", "include"):
            if getattr(self, key):
                kwargs[key] = getattr(self, key)
        if self.condition:
            kwargs["condition"] = self.condition
        return (self.__class__.__qualname__, [], kwargs)


class PostgresSQL(Operation):
    """Migration operation: SQL run on PostgreSQL only (an index SQLite has no use for)."""

    reduces_to_sql = True
    reversible = True

    def __init__(self, sql: str, reverse_sql: str):
        self.sql = sql
        self.reverse_sql = reverse_sql

    def state_forwards(self, app_label, state):
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(self.sql)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(self.reverse_sql)

    def describe(self):
        return "SQL on PostgreSQL only"

    def deconstruct(self):
        return (self.__class__.__qualname__, [], {"sql": self.sql,
                                                   "reverse_sql": self.reverse_sql})
