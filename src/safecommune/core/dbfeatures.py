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
