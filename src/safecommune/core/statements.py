"""Single-row statements for the hottest paths, built once per model and database.

The ORM compiles every query anew: on this project's 2-core reference machine a one-row
``get`` costs 0.4–0.8 ms of CPU and an ``INSERT`` 0.2–0.4 ms, against about 0.1 ms for the
same statement sent as text. A public report runs a dozen of them, and the audit chain runs
three on every audited write, so the few statements on those paths are built here from the
model's own ``_meta`` — table, columns, defaults, ``pre_save`` (``auto_now_add``), the field's
preparation for the database (JSON, encryption) and its converters on the way back (SQLite's
datetimes and booleans, decryption) — and then only sent. See
docs/decisions/0022-hot-path-statements.md.

What this does not do: model ``save()`` overrides and ``pre_save``/``post_save`` signals are
not run, so ``insert`` refuses a model that overrides ``save`` or has save signal
receivers (reads are fine for any model). ``where`` fragments are SQL written by the caller with ``%s``
placeholders and column names; never put a value in them.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import connections, models, router
from django.db.backends.utils import CursorDebugWrapper
from django.db.models.signals import post_save, pre_save


def _prepared_cursor_class():
    from django.db.backends.postgresql.base import ServerBindingCursor

    class PreparedCursor(ServerBindingCursor):
        """Parameters bound by the server, and the statement prepared on the connection at
        once: PostgreSQL parses and plans these statements once per connection instead of
        every time, and nothing is quoted into the SQL text here."""

        def execute(self, query, params=None, *, prepare=True, binary=None):
            return super().execute(query, params, prepare=prepare, binary=binary)

    return PreparedCursor


@contextmanager
def _cursor(connection):
    """A cursor wrapped as Django wraps its own (errors translated, queries logged where
    Django logs them). On PostgreSQL one that prepares its statements, made once per database
    connection and kept open (a psycopg cursor costs more to make than a prepared statement
    costs to run); elsewhere a new one, closed after use."""
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            yield cursor
        return
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    raw = getattr(connection, "_hot_path_cursor", None)
    if raw is None or raw.closed or raw.connection is not connection.connection:
        cursor_class = _CURSOR_CLASSES.get("postgresql")
        if cursor_class is None:
            cursor_class = _CURSOR_CLASSES["postgresql"] = _prepared_cursor_class()
        raw = connection._hot_path_cursor = cursor_class(connection.connection)
    # As ``BaseDatabaseWrapper._prepare_cursor`` wraps the cursors it makes, except that the
    # debug log shows the statement as sent: psycopg keeps no text for a prepared statement,
    # so Django's ``last_executed_query`` would log None.
    connection.validate_thread_sharing()
    if connection.queries_logged:
        yield _PreparedDebugCursor(raw, connection)
    else:
        yield connection.make_cursor(raw)


class _PreparedDebugCursor(CursorDebugWrapper):
    def debug_sql(self, sql=None, params=None, use_last_executed_query=False, many=False):
        return super().debug_sql(sql, params, use_last_executed_query=False, many=many)


_CURSOR_CLASSES: dict[str, type] = {}


@dataclass(frozen=True)
class _Plan:
    table: str  # quoted
    columns: str  # <table>.<column>, … in _meta order
    select: str  # SELECT <columns> FROM <table>
    attnames: tuple[str, ...]
    # (column index, its column expression, converters) for columns that have any
    converters: tuple[tuple[int, Any, tuple], ...]
    insert_fields: tuple[models.Field, ...]
    # (field, attname, the value types it sends unchanged, or None: always prepared)
    insert_preps: tuple[tuple[models.Field, str, tuple[type, ...] | None], ...]
    insert: str  # INSERT INTO <table> (...) VALUES (...)
    returning: str  # " RETURNING <pk column>" where the database can, else ""


# Django's own field classes whose preparation for the database gives None for None and
# returns a value of these exact types unchanged, on every backend (checked against the
# field's own preparation by tests/core/test_statements.py). Exact classes only: a subclass
# may prepare differently (encryption, JSON: None there is not NULL).
_UNCHANGED: dict[type, tuple[type, ...]] = {
    **dict.fromkeys((models.CharField, models.TextField, models.SlugField, models.EmailField),
                    (str,)),
    models.BooleanField: (bool,),
    models.FloatField: (float,),
    # Integers are typed for PostgreSQL (Int2, Int4…) and dates adapted per backend (SQLite:
    # text): only None passes unchanged.
    **dict.fromkeys((models.IntegerField, models.BigIntegerField, models.SmallIntegerField,
                     models.PositiveIntegerField, models.PositiveSmallIntegerField,
                     models.PositiveBigIntegerField, models.DateTimeField, models.DateField),
                    ()),
}
_INTEGER_KEYS = (models.AutoField, models.BigAutoField, models.SmallAutoField,
                 models.IntegerField, models.BigIntegerField)


def _sent_unchanged(field: models.Field) -> tuple[type, ...] | None:
    """The value types ``field`` sends to the database as they are (None always among them),
    or None when every value goes through its preparation. Saves a chain of method calls
    per column on the hot-path inserts (most of a report's columns are empty)."""
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return None
    if type(field) in (models.ForeignKey, models.OneToOneField):
        return (int,) if type(field.target_field) in _INTEGER_KEYS else None
    return _UNCHANGED.get(type(field))


class Table:
    """Statements on one model's table (``Table(Model)``; build once, at import)."""

    def __init__(self, model: type[models.Model], *, prepare: str | None = None):
        """``prepare``: for a model whose ``save()`` only derives fields before writing, the
        name of the method doing that; ``insert`` calls it first."""
        self.model = model
        self.prepare = prepare
        self._plans: dict[tuple[str, str], _Plan] = {}

    def _connection(self, write: bool):
        alias = (router.db_for_write if write else router.db_for_read)(self.model)
        return connections[alias]

    def _plan(self, connection) -> _Plan:
        key = (connection.alias, connection.vendor)
        plan = self._plans.get(key)
        if plan is None:
            plan = self._plans[key] = self._build(connection)
        return plan

    def _build(self, connection) -> _Plan:
        meta = self.model._meta
        quote = connection.ops.quote_name
        table = quote(meta.db_table)
        fields = meta.concrete_fields
        converters = []
        for index, field in enumerate(fields):
            column = field.get_col(meta.db_table)
            found = (*connection.ops.get_db_converters(column),
                     *column.get_db_converters(connection))
            if found:
                converters.append((index, column, found))
        insert_fields = tuple(field for field in fields if not field.primary_key)
        returning = ""
        if connection.features.can_return_columns_from_insert:
            returning = f" RETURNING {quote(meta.pk.column)}"
        columns = ", ".join(f"{table}.{quote(f.column)}" for f in fields)
        return _Plan(
            table=table, columns=columns, select=f"SELECT {columns} FROM {table}",
            attnames=tuple(field.attname for field in fields),
            converters=tuple(converters),
            insert_fields=insert_fields,
            insert_preps=tuple((field, field.attname, _sent_unchanged(field))
                               for field in insert_fields),
            insert=f"INSERT INTO {table} ({', '.join(quote(f.column) for f in insert_fields)})"
                   f" VALUES ({', '.join(['%s'] * len(insert_fields))})",
            returning=returning)

    def _instance(self, connection, plan: _Plan, row) -> models.Model:
        values = list(row)
        for index, expression, found in plan.converters:
            for converter in found:
                values[index] = converter(values[index], expression, connection)
        return self.model.from_db(connection.alias, plan.attnames, values)

    def _one(self, connection, sql: str, params, where: str):
        """The one row ``sql`` returns, or None; more than one is an error, as ``get()``."""
        with _cursor(connection) as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchmany(2)
        if len(rows) > 1:
            raise self.model.MultipleObjectsReturned(f"more than one {self.model.__name__} "
                                                     f"where {where}")
        return rows[0] if rows else None

    def get_joined(self, joins: Sequence[Join], where: str, params: list | tuple = ()
                   ) -> tuple[models.Model | None, ...] | None:
        """The one row of this table matching ``where``, with one row of each joined table
        (``LEFT JOIN … ON``: None where there is none), in one statement: ``(row, joined…)``,
        or None when no row matches. Columns are named by their quoted table names; a join's
        ``params`` fill its ``ON`` and come before ``where``'s."""
        connection = self._connection(write=False)
        plan = self._plan(connection)
        plans = [join.table._plan(connection) for join in joins]
        sql = " ".join([f"SELECT {', '.join([plan.columns, *(p.columns for p in plans)])} "
                        f"FROM {plan.table}",
                        *(f"LEFT JOIN {p.table} ON {join.on}" for join, p in zip(joins, plans)),
                        f"WHERE {where}"])
        found = self._one(connection, sql,
                          [*(value for join in joins for value in join.params), *params], where)
        if found is None:
            return None
        start = len(plan.attnames)
        result = [self._instance(connection, plan, found[:start])]
        for join, joined in zip(joins, plans):
            row = found[start:start + len(joined.attnames)]
            start += len(joined.attnames)
            pk_index = joined.attnames.index(join.table.model._meta.pk.attname)
            result.append(None if row[pk_index] is None
                          else join.table._instance(connection, joined, row))
        return tuple(result)

    def get(self, where: str, params: list | tuple = (), *, lock: bool = False,
            no_key: bool = False) -> models.Model | None:
        """The one row matching ``where`` (a SQL condition), or None. ``lock``: ``FOR UPDATE``
        (``FOR NO KEY UPDATE`` with ``no_key``) where the database has row locks."""
        connection = self._connection(write=lock)
        plan = self._plan(connection)
        sql = f"{plan.select} WHERE {where}"
        if lock and connection.features.has_select_for_update:
            sql += " FOR NO KEY UPDATE" if (
                no_key and connection.features.has_select_for_no_key_update) else " FOR UPDATE"
        found = self._one(connection, sql, params, where)
        return None if found is None else self._instance(connection, plan, found)

    def insert(self, instance: models.Model, *, unless_taken: str | None = None,
               replace_where: tuple[str, list] | None = None,
               then: Update | None = None) -> bool:
        """Insert ``instance`` (defaults and ``pre_save`` applied, as ``save()`` would) and set
        its primary key; True. Raises the database's ``IntegrityError`` as the ORM does; but
        when the unique field named ``unless_taken`` already holds the value, writes nothing
        and returns False (``ON CONFLICT (…) DO NOTHING``: no error, so no savepoint).

        ``replace_where``: with ``unless_taken``, ``(condition, params)`` on the row already
        there (its columns named as ``<table>.<column>``): when it holds, that row takes this
        instance's values instead (``ON CONFLICT … DO UPDATE … WHERE``) and this is True.

        ``then``: an update of exactly one row to make with the insert — in the same
        statement on PostgreSQL (a data-modifying ``WITH``), right after it elsewhere."""
        if type(instance) is not self.model or instance.pk is not None:
            raise ValueError(f"insert() takes a new {self.model.__name__}")
        if self.prepare is not None:
            getattr(instance, self.prepare)()
        elif self.model.save is not models.Model.save:
            raise TypeError(f"{self.model.__name__} overrides save(); insert it with save() "
                            f"or name the method that derives its fields (prepare=)")
        if pre_save.has_listeners(self.model) or post_save.has_listeners(self.model):
            raise TypeError(f"{self.model.__name__} has save signal receivers; use save()")
        connection = self._connection(write=True)
        plan = self._plan(connection)
        values = []
        for field, attname, unchanged in plan.insert_preps:
            if unchanged is None:
                values.append(field.get_db_prep_save(field.pre_save(instance, True), connection))
                continue
            value = getattr(instance, attname)  # what such a field's pre_save returns
            values.append(value if value is None or type(value) in unchanged
                          else field.get_db_prep_save(value, connection))
        sql = plan.insert
        if unless_taken is not None:
            field = self.model._meta.get_field(unless_taken)
            if not field.unique or not plan.returning or then is not None:
                raise ValueError(f"unless_taken needs a unique field, INSERT … RETURNING and "
                                 f"no then=; {unless_taken!r} on {connection.vendor}")
            quote = connection.ops.quote_name
            sql += f" ON CONFLICT ({quote(field.column)})"
            if replace_where is None:
                sql += " DO NOTHING"
            else:
                condition, condition_params = replace_where
                sql += (" DO UPDATE SET " + ", ".join(
                    f"{quote(f.column)} = EXCLUDED.{quote(f.column)}"
                    for f in plan.insert_fields) + f" WHERE {condition}")
                values += condition_params
        elif replace_where is not None:
            raise ValueError("replace_where goes with unless_taken")
        joined = then is not None and connection.vendor == "postgresql"
        if joined:
            update_sql, update_params = then.table._update_sql(connection, then)
            pk_column = connection.ops.quote_name(self.model._meta.pk.column)
            sql = (f"WITH inserted AS ({sql}{plan.returning}) {update_sql} "
                   f"RETURNING (SELECT {pk_column} FROM inserted)")
            values += update_params
        else:
            sql += plan.returning
        with _cursor(connection) as cursor:
            cursor.execute(sql, values)
            if plan.returning:
                row = cursor.fetchone()
                if row is None:
                    if joined:
                        raise LookupError(f"the update of {then.table.model.__name__} where "
                                          f"{then.where} matched no row")
                    return False
                pk = row[0]
            else:
                pk = connection.ops.last_insert_id(cursor, self.model._meta.db_table,
                                                   self.model._meta.pk.column)
        instance.pk = pk
        instance._state.adding = False
        instance._state.db = connection.alias
        if then is not None and not joined:
            if then.table.update(then.where, then.params, **then.values) != 1:
                raise LookupError(f"the update of {then.table.model.__name__} where "
                                  f"{then.where} did not match exactly one row")
        return True

    def _update_sql(self, connection, update: Update) -> tuple[str, list]:
        meta = self.model._meta
        quote = connection.ops.quote_name
        assignments, prepared = [], []
        for name, value in update.values.items():
            field = meta.get_field(name)
            assignments.append(f"{quote(field.column)} = %s")
            prepared.append(field.get_db_prep_save(value, connection))
        sql = f"UPDATE {quote(meta.db_table)} SET {', '.join(assignments)} WHERE {update.where}"
        return sql, [*prepared, *update.params]

    def update(self, where: str, params: list | tuple, **values: Any) -> int:
        """``UPDATE … SET <field> = <value>, … WHERE <where>``; the number of rows changed.
        Values are prepared by their fields (JSON, encryption, binary)."""
        connection = self._connection(write=True)
        sql, prepared = self._update_sql(connection, Update(self, where, params, values))
        with _cursor(connection) as cursor:
            cursor.execute(sql, prepared)
            return cursor.rowcount


@dataclass(frozen=True)
class Join:
    """``LEFT JOIN <table> ON <on>`` for ``Table.get_joined``; ``params`` fill ``on``."""

    table: Table
    on: str
    params: list | tuple = ()


@dataclass(frozen=True)
class Update:
    """``UPDATE <table> SET <values> WHERE <where>`` for ``Table.insert(…, then=…)``."""

    table: Table
    where: str
    params: list | tuple
    values: dict
