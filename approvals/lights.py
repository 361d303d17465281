"""One definition of every light and outcome: a `TextChoices` member plus one rule over stored columns.

A `Rule` is an ordered list of clauses `(value, conditions)`: the first clause whose conditions all hold gives
the value, otherwise the default. The same rule is

- rendered as SQL (`rule.expression(now)`, a `Case(When(...))`) for querysets: lists, counts, API filters,
  boards and reports select and count lights in the database, never row by row in Python;
- rendered as a filter (`rule.q(values, now)`) that uses the stored columns directly (index-friendly);
- evaluated on one loaded row (`rule.of(obj, now)`) for a detail page or a serializer of a row that was not
  annotated.

The three cannot drift apart because they are built from the same clauses; tests check that SQL and Python
agree over random instants (hypothesis). Conditions are plain lookups on the row's own columns
(`exact`, `in`, `isnull`, `lt`, `lte`, `gt`, `gte`), a value may be an `F()` of another column of the row, and
NULL never satisfies a comparison — exactly SQL's semantics.

The rules themselves live next to their models (`ItemReview.LIGHT`, `ApplicationStage.LIGHT`,
`Demand.LIGHT`, `Demand.OUTCOME_222`) and are described in docs/statuses.md.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from datetime import datetime
from types import SimpleNamespace
from typing import Callable

from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.utils.translation import gettext_lazy as _


class Light(models.TextChoices):
    """The light of a clock, as pages, the API, boards and reports show it."""

    GREEN = "green", _("Green: on time")
    YELLOW = "yellow", _("Yellow: due soon")
    RED = "red", _("Red: overdue")
    PAUSED = "paused", _("Paused")
    WAITING = "waiting", _("Waiting")
    DONE = "done", _("Done")


# The most urgent first: a list of clocks shows the worst light of them (red before yellow before green ...).
URGENCY = [Light.RED, Light.YELLOW, Light.GREEN, Light.PAUSED, Light.WAITING, Light.DONE]
RANK = {light: rank for rank, light in enumerate(URGENCY)}


def worst(lights) -> Light | None:
    """The most urgent of `lights` (None for none)."""
    lights = [Light(light) for light in lights if light is not None]
    return min(lights, key=RANK.__getitem__) if lights else None


@dataclass(frozen=True)
class Clause:
    value: str | None  # None: the row has no such status (e.g. no acceptance clock running)
    conditions: Callable[[datetime], dict]  # now -> {lookup: value}


def _sql(value):
    return Value(None if value is None else str(value))


def when(value, conditions: Callable[[datetime], dict] | dict) -> Clause:
    """A clause: `value` when every lookup of `conditions` (a dict, or now -> dict) holds."""
    return Clause(value, conditions if callable(conditions) else (lambda now, c=conditions: c))


_COMPARE = {"lt": operator.lt, "lte": operator.le, "gt": operator.gt, "gte": operator.ge}


def _holds(obj, lookup: str, wanted) -> bool:
    """One lookup on one loaded row, with SQL's NULL semantics (NULL satisfies no comparison)."""
    name, _sep, kind = lookup.partition("__")
    kind = kind or "exact"
    actual = getattr(obj, name)
    if isinstance(wanted, F):
        wanted = getattr(obj, wanted.name)
    if kind == "isnull":
        return (actual is None) == bool(wanted)
    if actual is None or wanted is None:
        return False
    if kind == "exact":
        return actual == wanted
    if kind == "in":
        return actual in wanted
    if kind in _COMPARE:
        return _COMPARE[kind](actual, wanted)
    raise ValueError(f"Unsupported lookup in a status rule: {lookup}")


def _settled(conditions: dict, column: str, allowed) -> dict | None:
    """`conditions` for rows whose `column` is one of `allowed`: None when its tests of `column` fail for every
    allowed value, else without those tests when they hold for every one."""
    tests = {lookup: wanted for lookup, wanted in conditions.items() if lookup.partition("__")[0] == column}
    if not tests:
        return conditions
    outcomes = {all(_holds(SimpleNamespace(**{column: value}), lookup, wanted) for lookup, wanted in tests.items())
                for value in allowed}
    if outcomes == {False} or not outcomes:
        return None
    if outcomes == {True}:
        return {lookup: wanted for lookup, wanted in conditions.items() if lookup not in tests}
    return conditions


class Rule:
    """An ordered list of clauses over a row's stored columns, with a default (see the module docstring)."""

    def __init__(self, choices, clauses: list[Clause], default):
        self.choices = choices
        self.clauses = clauses
        self.default = default

    def _conditions(self, clause, now) -> dict:
        return clause.conditions(now)

    # --- SQL ---------------------------------------------------------------------------------------------
    def expression(self, now) -> Case:
        """The value as a SQL expression (annotate with it)."""
        return Case(*[When(Q(**self._conditions(c, now)), then=_sql(c.value)) for c in self.clauses],
                    default=_sql(self.default), output_field=models.CharField())

    def rank_expression(self, now, ranks: dict) -> Case:
        """The value's rank (`ranks[value]`) as a SQL integer; NULL where the value is None."""
        return Case(*[When(Q(**self._conditions(c, now)), then=Value(ranks.get(c.value)))
                      for c in self.clauses],
                    default=Value(ranks.get(self.default)), output_field=models.IntegerField())

    def q(self, values, now, *, within: tuple[str, list] | None = None) -> Q:
        """Rows whose value is one of `values`, as a filter on the stored columns themselves.

        `within=(column, allowed)`: the caller also filters `column IN allowed` (as `filter_light` does with
        `possible`), so each clause's tests of that column are settled here for those values: a clause they fail
        for every allowed value is left out, and tests they pass for every one are dropped. The rows are the same;
        the SQL is smaller, and PostgreSQL's row estimate is not ruined by a chain of negated status tests (it
        expected 18 of 47,000 red and yellow reviews and sorted them all instead of walking the due-time index;
        docs/performance.md)."""
        values = {str(v) for v in ([values] if isinstance(values, str) else values)}
        parts = []
        earlier = Q()
        for clause in self.clauses:
            conditions = self._conditions(clause, now)
            if within is not None:
                conditions = _settled(conditions, *within)
                if conditions is None:
                    continue  # never applies to these rows
            condition = Q(**conditions)
            if clause.value is not None and str(clause.value) in values:
                parts.append(earlier & condition)
            if not conditions:
                break  # applies to every row the earlier clauses left: no later clause or default is reached
            earlier &= ~condition
        else:
            if self.default is not None and str(self.default) in values:
                parts.append(earlier)
        if not parts:
            return Q(pk__in=[])  # no row has any of these values
        result = parts[0]
        for part in parts[1:]:
            result |= part
        return result

    def possible(self, column: str, candidates, values) -> list:
        """The values of `column` (among `candidates`) that a row whose value is one of `values` can have.

        Found by evaluating the rule itself over probe rows (each other column of the rule NULL, in the past or in
        the future), so it cannot drift from the clauses. Used as an index hint: `q(values) & column__in=possible`
        selects the same rows, and a planner can match a positive `status IN (...)` to a partial index on open
        states, which it cannot prove from the rule's negations (`NOT status IN (...)`)."""
        import itertools
        from datetime import timedelta

        from django.utils import timezone

        values = {str(v) for v in ([values] if isinstance(values, str) else values)}
        now = timezone.now()
        others = sorted({lookup.partition("__")[0] for clause in self.clauses
                         for lookup in self._conditions(clause, now)} - {column})
        probes = (None, now - timedelta(days=1), now + timedelta(days=1))
        found = []
        for candidate in candidates:
            for combo in itertools.product(probes, repeat=len(others)):
                row = SimpleNamespace(**{column: candidate}, **dict(zip(others, combo)))
                value = self.of(row, now)
                if value is not None and str(value) in values:
                    found.append(candidate)
                    break
        return found

    # --- one loaded row ---------------------------------------------------------------------------------
    def of(self, obj, now):
        """The value for one loaded row (the same clauses, evaluated in Python)."""
        for clause in self.clauses:
            if all(_holds(obj, lookup, wanted) for lookup, wanted in self._conditions(clause, now).items()):
                return None if clause.value is None else self.choices(clause.value)
        return None if self.default is None else self.choices(self.default)

