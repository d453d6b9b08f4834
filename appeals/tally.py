"""The per-day tally of decisions (appeals.models.DecisionTally): written by the decision services
of appeals/decisions.py in their transaction, read by the reviewers' dashboard (issue 10, item 4
and "Speed").

It counts the decisions ``incidents.review_queries.decided_appeals`` lists, as they are made: an
appeal in a decided status (transitions.DECIDED) with its decision time, under its reviewer team,
on the Pacific day of the decision, and "on time" when decided by its due moment (A-2: four
business days). One ``INSERT ... ON CONFLICT DO UPDATE`` per (team, day, reviewer): a bulk
decision of 200 appeals by one reviewer adds one statement, and two reviewers deciding at once
add to rows of their own. The SQL is PostgreSQL's and SQLite's (3.24 and later) alike.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date

from django.db import connection

from appeals import transitions
from appeals.models import Appeal, DecisionTally
from students.dates import local_date

# (team, Pacific day, reviewer id or None for the system)
Key = tuple[str, date, int | None]


def counts(appeals: Iterable[Appeal]) -> dict[Key, tuple[int, int]]:
    """The decisions among ``appeals``, as (decided, on time) per team, day and reviewer."""
    decided: Counter[Key] = Counter()
    on_time: Counter[Key] = Counter()
    for appeal in appeals:
        if appeal.decided_at is None or appeal.status not in transitions.DECIDED:
            continue
        key = (appeal.reviewer, local_date(appeal.decided_at), appeal.decided_by_id)
        decided[key] += 1
        on_time[key] += appeal.decided_at <= appeal.due_at
    return {key: (decided[key], on_time[key]) for key in decided}


def _upsert_sql(system: bool) -> str:
    quote = connection.ops.quote_name
    table = quote(DecisionTally._meta.db_table)
    team, day, reviewer, decided, on_time = (
        quote(DecisionTally._meta.get_field(name).column)
        for name in ("team", "day", "decided_by", "decided", "on_time")
    )
    # The conflict target names the unique index it lands on: the reviewers' (team, day,
    # reviewer), or the partial one of the system's rows (a NULL never conflicts in the first).
    target = (
        f"({team}, {day}) WHERE {reviewer} IS NULL" if system else f"({team}, {day}, {reviewer})"
    )
    # Names from the model's metadata, values as parameters.
    return (
        f"INSERT INTO {table} ({team}, {day}, {reviewer}, {decided}, {on_time}) "  # noqa: S608
        f"VALUES (%s, %s, %s, %s, %s) ON CONFLICT {target} DO UPDATE SET "
        f"{decided} = {table}.{decided} + excluded.{decided}, "
        f"{on_time} = {table}.{on_time} + excluded.{on_time}"
    )


def record(appeals: Iterable[Appeal]) -> None:
    """Add the decisions among ``appeals`` (just decided, in the caller's transaction) to the
    tally: one statement per team, day and reviewer, in that order (so two transactions that
    touch the same rows take them in the same order)."""
    grouped = counts(appeals)
    if not grouped:
        return
    with connection.cursor() as cursor:
        for key in sorted(grouped, key=lambda k: (k[0], k[1], k[2] is None, k[2] or 0)):
            team, day, reviewer = key
            decided, on_time = grouped[key]
            cursor.execute(
                _upsert_sql(system=reviewer is None),
                [team, connection.ops.adapt_datefield_value(day), reviewer, decided, on_time],
            )


__all__ = ["counts", "record"]
