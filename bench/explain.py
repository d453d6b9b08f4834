"""EXPLAIN ANALYZE of each benchmarked page's slowest query, in the benchmark's process: where a
page's database time goes, for bench/RESULTS.md."""

from __future__ import annotations

import re
from typing import Any

from bench.live import BenchFailure


def explain_pages(
    pages: list[Any], people: dict[str, Any], *, touching: str = "incidents_case"
) -> dict[tuple[str, str], str]:
    """Each page once more through Django's test Client in this process, its SQL kept,
    then EXPLAIN ANALYZE of its slowest query reading the table ``touching``:
    {(persona, label): "ms, access path"}."""
    from django.db import connection
    from django.test import Client

    found = {}
    for page in pages:
        if not page.persona:
            continue
        client = Client()
        client.force_login(people[page.persona])
        client.get("/")
        captured: list[tuple[str, Any]] = []

        def keep(execute, sql, params, many, context, captured=captured):
            captured.append((sql, params))
            return execute(sql, params, many, context)

        with connection.execute_wrapper(keep):
            response = client.get(page.path, page.params)
            if response.streaming:  # an export queries as it streams
                b"".join(response.streaming_content)
        if response.status_code != 200:
            raise BenchFailure(
                f"{page.persona}, {page.label} in process: {response.status_code} "
                f"{response.get('Location', '')}"
            )
        slowest = (0.0, "", "")
        with connection.cursor() as cursor:
            for sql, params in captured:
                if not sql.lstrip().upper().startswith("SELECT") or touching not in sql:
                    continue
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
                plan = "\n".join(row[0] for row in cursor.fetchall())
                ms = float(re.search(r"Execution Time: ([\d.]+) ms", plan).group(1))
                if ms > slowest[0]:
                    slowest = (ms, plan, sql)
        found[(page.persona, page.label)] = slowest
    return found


def plan_summary(plan: str) -> str:
    """The access paths of a plan in a few words: its scans and sorts, in plan order."""
    steps = re.findall(
        r"((?:Parallel )?(?:Seq Scan|Index Only Scan|Index Scan(?: Backward)?|Bitmap Heap Scan)"
        r"(?: using \w+)? on \w+|Sort Method: [\w-]+|Bitmap Index Scan on \w+)",
        plan,
    )
    seen = list(dict.fromkeys(s.lower() for s in steps))
    return "; ".join(seen[:6]) or "no scan"
