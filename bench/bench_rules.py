"""Benchmark of the appeal rules engine: decisions per second over a mixed batch, on one core.

    python bench/bench_rules.py            # measure and update "Rules engine" in bench/RESULTS.md
    python bench/bench_rules.py --no-write # measure only

The batch mixes every incident of the catalog with every test, part and delivery it applies to,
counts on both sides of the limits, every follow-up answer, test statuses and windows, in a
fixed random order. It times `decide()` alone (what the wizard calls per student) and
`parse_situation()` + `decide()` (what `stairs_rules` does per item). Pure Python: no database,
the catalog comes from the versioned fixture file. Exit status 1 below the target.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import sys
import time
from datetime import date
from itertools import product
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from appeals.rules import decide, parse_situation  # noqa: E402
from appeals.rules.catalog import load_fixture  # noqa: E402
from bench.results import cpu_model, write_section  # noqa: E402
from stairs.vocabulary import Delivery, TestStatus  # noqa: E402

TARGET = 50_000  # decisions per second on one core (issue #4)
BATCH = 100_000
ROUNDS = 5
SECTION = "## Rules engine"


def mixed_batch(size: int, seed: int = 4) -> list[dict[str, Any]]:
    catalog = load_fixture()
    pool: list[dict[str, Any]] = []
    for incident in catalog.incidents.values():
        answer_sets = incident.answer_combinations()
        for test, assessment in catalog.assessments.items():
            for part, delivery in product(
                assessment.part_codes or (None,), [d.value for d in Delivery]
            ):
                if not incident.applies_to(test, part, delivery):
                    continue
                for answers, count, status, window in product(
                    answer_sets,
                    (0, 1, 2, 6, 9, 10, 11, 30),
                    [status.value for status in TestStatus if status != TestStatus.NOT_STARTED],
                    (True, True, True, False),
                ):
                    raw: dict[str, Any] = {
                        "incident": incident.code,
                        "test": test,
                        "grade": 1 + count % 12,
                        "delivery": delivery,
                        "questions_completed": count,
                        "iep_or_504": count % 2 == 0,
                        "test_status": status,
                        "reset_by_appeal": status == TestStatus.RESET,
                        "within_window": window,
                        "answers": answers,
                    }
                    if part:
                        raw["part"] = part
                    pool.append(raw)
    rng = random.Random(seed)
    return [rng.choice(pool) for _ in range(size)]


def best_rate(fn: Any, n: int) -> float:
    best = float("inf")
    for _ in range(ROUNDS):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return n / best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-write", action="store_true", help="do not update RESULTS.md")
    args = parser.parse_args()

    catalog = load_fixture()
    raws = mixed_batch(BATCH)
    situations = [parse_situation(r, catalog) for r in raws]
    incidents = len({s.incident for s in situations})
    appeals = {decide(s, catalog).appeal for s in situations}

    def decide_all() -> None:
        for s in situations:
            decide(s, catalog)

    def parse_and_decide_all() -> None:
        for r in raws:
            decide(parse_situation(r, catalog), catalog)

    rate = best_rate(decide_all, len(situations))
    full_rate = best_rate(parse_and_decide_all, len(raws))
    ok = rate >= TARGET
    machine = f"{cpu_model()}, {os.cpu_count()} cores (one used)"
    section = (
        f"{SECTION}\n\n"
        f"- **{rate:,.0f} decisions/s** with `decide()` alone "
        f"(target {TARGET:,}/s on one core: {'met' if ok else 'NOT met'}).\n"
        f"- {full_rate:,.0f} situations/s with `parse_situation()` + `decide()`, "
        "the `stairs_rules` path without the JSON decoding.\n"
        f"- Batch: {len(situations):,} situations drawn from every incident ({incidents}), "
        "test, part, delivery, follow-up answer, count around the limits, status and window; "
        f"appeals seen: {', '.join(sorted(a or 'none' for a in appeals))}. "
        f"Best of {ROUNDS} rounds.\n"
        f"- Machine: {machine}; Python {platform.python_version()} on {platform.system()}.\n"
        f"- Date: {date.today().isoformat()}.\n"
        "- Re-run: `python bench/bench_rules.py` (or `make bench`); "
        "`--no-write` measures without updating this file.\n"
    )
    print(section)
    if not args.no_write:
        write_section(SECTION, section)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
