"""SQL built once per process for an expression that differs between requests only in the time `now`.

Django builds an expression's SQL anew for every queryset: it resolves the tree (fields, joins, the subqueries'
aliases) and compiles each node. For an application's light (`ApplicationQuerySet.with_light`: the acceptance
clock, a correlated subquery over the reviews' rule, a CASE and a COALESCE) that was half the Python of the
applicant's list API, on every request, to produce the same text with a different `now`.

`OncePerNow(build)` compiles the expression that `build(now)` makes the first time a connection asks, then hands
out `RawSQL` of that text with the request's `now` in its parameters. To know which parameters are `now`, it
compiles the expression for two different instants and compares: the text must be the same and the parameters
must differ exactly where each holds its own instant (as given, or as the database adapts it). Anything else (a
parameter computed from `now`, say `now - 2 days`, or text that depends on it) cannot be replayed and raises at
once, so such an expression fails its first test instead of showing a wrong light.

The SQL names the model's table as Django's base alias (`"approvals_application"."status"`) and its subqueries'
own aliases (`U0`...), so the expression can be used in a queryset over that table, with filters and joins, but
not inside a queryset that is itself nested as a subquery (its table is then relabelled).
"""

from datetime import UTC, datetime

from django.db import connections
from django.db.models import IntegerField
from django.db.models.expressions import RawSQL

_PROBES = (datetime(1901, 2, 3, 4, 5, 6, 789012, tzinfo=UTC), datetime(1902, 3, 4, 5, 6, 7, 890123, tzinfo=UTC))


class OncePerNow:
    """`build(now)`: a queryset over the model whose annotation `name` is the expression for `now`."""

    def __init__(self, build, name: str, output_field=None):
        self.build, self.name = build, name
        self.output_field = output_field or IntegerField()
        self._compiled = {}  # connection alias -> (sql, params, {position: adapt})

    def expression(self, now, using: str = "default") -> RawSQL:
        sql, params, slots = self._compiled.get(using) or self._compile(using)
        values = list(params)
        for position, adapt in slots.items():
            values[position] = adapt(now)
        return RawSQL(sql, values, output_field=self.output_field)

    def _compile_at(self, connection, now):
        query = self.build(now).query
        sql, params = query.get_compiler(connection=connection).compile(query.annotations[self.name])
        return sql, list(params)

    def _compile(self, using):
        connection = connections[using]
        (sql, params), (sql_b, params_b) = (self._compile_at(connection, probe) for probe in _PROBES)
        if sql != sql_b or len(params) != len(params_b):
            raise ValueError(f"{self.name}: the SQL text depends on `now`; build this expression per request instead")
        adapted = connection.ops.adapt_datetimefield_value
        slots = {}
        for position, (a, b) in enumerate(zip(params, params_b, strict=True)):
            if a == b:
                continue
            if a == _PROBES[0] and b == _PROBES[1]:
                slots[position] = _same
            elif a == adapted(_PROBES[0]) and b == adapted(_PROBES[1]):
                slots[position] = adapted
            else:
                raise ValueError(f"{self.name}: parameter {position} depends on `now` in a way that cannot be "
                                 f"replayed ({a!r} / {b!r}); build this expression per request instead")
        self._compiled[using] = (sql, params, slots)
        return self._compiled[using]


def _same(value):
    return value
