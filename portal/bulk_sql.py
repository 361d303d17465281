"""Set-based writes of plain rows (tuples), without model instances: one statement for a whole batch.

For hot paths that write thousands of rows a second (the deadline sweep): `bulk_create` builds a model instance
per row and a placeholder per value; these helpers take tuples of column values and send them

- on PostgreSQL as one JSON document, an array of row arrays (`INSERT ... SELECT * FROM (SELECT (e->>0)::type
  AS c0, ... FROM jsonb_array_elements(%s::jsonb) AS r(e)) AS r`, `UPDATE ... FROM (...) AS r`): one statement
  and one parameter whatever the number of rows (psycopg binds on the client side under Django, and quoting one
  string is far cheaper than quoting each element of an array per column);
- on SQLite (in process, no round trips) as multi-row VALUES (`insert`, which may return columns) or
  `executemany` (`update`), in chunks under its limit of bound parameters.

Values are given as Python values of the model's fields (datetimes, ints, str; dicts for JSON fields); each is
prepared by its field on SQLite, and written into the JSON document on PostgreSQL (datetimes in ISO 8601).
"""

import json

from django.db import connection, models

SQLITE_PARAMS = 30_000  # SQLite's default limit is 32,766 bound parameters per statement


def _fields(model, columns):
    return [model._meta.get_field(name) for name in columns]


def _pg_type(field) -> str:
    if isinstance(field, models.JSONField):
        return "jsonb"
    if isinstance(field, models.ForeignKey):
        field = field.target_field
    if isinstance(field, (models.AutoField, models.BigAutoField, models.BigIntegerField)):
        return "bigint"
    return field.db_type(connection)


def _pg_json_default(value):
    """What the JSON encoder cannot write itself: datetimes, dates and times as ISO 8601 (PostgreSQL reads them
    back with their offset), anything else (Decimal, UUID) as its text."""
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _pg_column(i: int, field) -> str:
    """The `i`-th value of a row array as the column's type. A JSON field takes the JSON value itself, with JSON
    null read as SQL NULL (as Django stores None); every other type is cast from the value's text."""
    if _pg_type(field) == "jsonb":
        return f"NULLIF(r.e->{i}, 'null'::jsonb) AS c{i}"
    return f"(r.e->>{i})::{_pg_type(field)} AS c{i}"


def _pg_recordset(fields, rows) -> tuple[str, str]:
    """(`(SELECT ... FROM jsonb_array_elements(%s::jsonb)) AS r`, the JSON document of `rows`): the rows as one
    JSON array of arrays, their values as columns c0, c1, ... of `r`.

    Arrays, not objects: the encoder writes tuples and lists in C without a dict per row (only datetimes call
    back), and PostgreSQL parses the document once into jsonb and reads each value by its position. On 15,000
    rows of a firing's ten columns this took about half the time of `json_to_recordset` over objects, on both
    sides of the connection."""
    document = json.dumps(rows, ensure_ascii=False, default=_pg_json_default)
    columns = ", ".join(_pg_column(i, f) for i, f in enumerate(fields))
    return f"(SELECT {columns} FROM jsonb_array_elements(%s::jsonb) AS r(e)) AS r", document


def _sqlite_row(fields, row):
    return [f.get_db_prep_save(v, connection) for f, v in zip(fields, row, strict=True)]


def insert(model, columns, rows, *, ignore_conflicts=False, returning=()) -> list[tuple]:
    """Insert `rows` (tuples of `columns`, field names) into `model`'s table in one statement (chunks on SQLite).

    `ignore_conflicts`: rows that would break a unique constraint are skipped (`ON CONFLICT DO NOTHING`).
    `returning`: field names to return for each row actually inserted (skipped rows return nothing)."""
    rows = list(rows)
    if not rows:
        return []
    fields = _fields(model, columns)
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    tail = " ON CONFLICT DO NOTHING" if ignore_conflicts else ""
    if returning:
        tail += " RETURNING " + ", ".join(connection.ops.quote_name(f.column) for f in _fields(model, returning))
    out = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            source, document = _pg_recordset(fields, rows)
            cursor.execute(f"INSERT INTO {table} ({names}) SELECT * FROM {source}{tail}", [document])
            if returning:
                out = [tuple(r) for r in cursor.fetchall()]
            return out
        per_chunk = max(1, SQLITE_PARAMS // len(fields))
        one = "(" + ", ".join(["%s"] * len(fields)) + ")"
        for start in range(0, len(rows), per_chunk):
            chunk = rows[start:start + per_chunk]
            params = [value for row in chunk for value in _sqlite_row(fields, row)]
            cursor.execute(f"INSERT INTO {table} ({names}) VALUES {', '.join([one] * len(chunk))}{tail}", params)
            if returning:
                out += [tuple(r) for r in cursor.fetchall()]
    return out


def update(model, key, columns, rows) -> None:
    """Set `columns` of each row of `model` whose `key` (a unique field) is the first value of a tuple of `rows`
    ((key, *values)) to the other values: one statement."""
    rows = list(rows)
    if not rows:
        return
    key_field, *fields = _fields(model, [key, *columns])
    table = connection.ops.quote_name(model._meta.db_table)
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            source, document = _pg_recordset([key_field, *fields], rows)
            sets = ", ".join(f"{q(f.column)} = r.c{i + 1}" for i, f in enumerate(fields))
            cursor.execute(f"UPDATE {table} SET {sets} FROM {source} WHERE {table}.{q(key_field.column)} = r.c0",
                           [document])
            return
        sets = ", ".join(f"{q(f.column)} = %s" for f in fields)
        cursor.executemany(f"UPDATE {table} SET {sets} WHERE {q(key_field.column)} = %s",
                           [[*_sqlite_row(fields, row[1:]), key_field.get_db_prep_save(row[0], connection)]
                            for row in rows])
