"""Benchmark of filing at state scale: Search STAIRS, the case page and the STAIRS log through a
real gunicorn, and the 500-SSID upload and submission through the services.

    python bench/bench_filing.py              # measure, update "Filing at state scale" in
                                              # bench/RESULTS.md; exit 1 when a target is missed
    python bench/bench_filing.py --no-write --runs 30
    python bench/bench_filing.py --only services   # or pages

Pages: gunicorn with 2 sync workers on production's settings (DEBUG off, manifest static files,
bench/server_settings.py adds a query log and the baseline view), over the bench database
(stairs_bench, 1,000,000 students and 150,000 cases: bench/generate.py, generate_cases.py).
Each user signs in through the sign-in form. Every page is requested ``--runs`` times after
``WARMUP`` rounds, pages interleaved, from this process over the loopback; anything but a 200
with the expected content stops the run (BenchFailure). The bare-Django baseline (one indexed
query, no session, no template) is requested in the same rounds.

Services, in this process on the same database: read_ssid_file + case_set_students on 500 real
SSIDs of one school (the upload step), then case_submit of that 500-SSID case, each round in a
transaction rolled back afterwards so the dataset stays as generated (the on-commit email
handoff to Celery is therefore not timed).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import generate, generate_cases  # noqa: E402
from bench.explain import explain_pages, plan_summary  # noqa: E402
from bench.filing_services import Timing, measure_services  # noqa: E402
from bench.live import (  # noqa: E402
    BENCH_PASSWORD,
    BenchFailure,
    LiveServer,
    bench_password_hash,
)
from bench.population import BIG_LEA_ID, CDE_REVIEWER, LEA_COORDINATOR  # noqa: E402
from bench.results import (  # noqa: E402
    bench_database_url,
    configure,
    cpu_model,
    p50,
    p95,
    server_facts,
    write_section,
)

SECTION = "## Filing at state scale"
PAGE_TARGET_MS = 50.0
EXPORT_TARGET_MS = 5000.0
RUNS = 20
WARMUP = 3
SERVICE_RUNS = 20
# The log's filters: just under 10,000 cases for each user, the most the log gives (past that,
# Search STAIRS asks to narrow the search); the big LEA files 10% of the state's cases.
EXPORT_FILTERS = {
    "LEA coordinator": {"date_from": "2026-09-01", "date_to": "2026-11-03"},
    "CDE reviewer": {"date_from": "2026-10-01", "date_to": "2026-10-06"},
}
SEARCH_FILTERS = {
    "status": "PENDING_CALTAC_APPROVAL",
    "test": "SB_MATH",
    "date_from": "2026-09-01",
    "date_to": "2026-10-31",
}


# What the runs, EXPLAIN ANALYZE and a profile showed (2026-12-01, main at "Search STAIRS counts
# at most 1,000 matches", then after appeals/0009); the figures are this machine's under the
# load stated below.
FINDINGS = (
    "**Findings.** A first run that day put the LEA coordinator's Search STAIRS pages at 54 to "
    "129 ms median and 84 to 145 ms p95, for two reasons in the page, not in the data. (1) The "
    "filter form's school select listed every school of the coordinator's LEA, 1,000 for the "
    "big LEA (10% of the state, like Los Angeles Unified), and Django rendered each of the "
    "1,001 options through its widget templates: `str(form['school'])` alone took 45 to 70 ms "
    "in process (54 kB of HTML). Past 60 schools the form now gives the CDS code or name box "
    "that CDE and CalTAC have (incidents/case_views.py, SCHOOL_SELECT_MAX). (2) The LEA scope "
    "was `(lea = X AND program = P) OR (created_by = me AND program = '' AND school in X)` (a "
    "user's drafts without a test yet), which PostgreSQL served with a BitmapOr, reading every "
    "case of the LEA (14,552 cases) before the status, test and date filters. A draft now "
    "starts with its test (the wizard's first step always had it; the service insists), so the"
    " scope is one plain condition per grant and the planner uses case_status_idx or the "
    "newest-first indexes as it does for CDE. After both changes, over two runs that day on the "
    "idle machine (the figures above are the second), the LEA coordinator's first page took 48 "
    "to 60 ms p95 (was 84 to 145), the filtered search 65 to 83 ms (was 108), the SSID search 40 "
    "to 45 ms and the case page 45 to 54 ms; the CDE reviewer's 41 to 46, 56 to 67, 37 to 41 and "
    "38 to 48 ms. So the SSID search meets 50 ms p95, the case page and the CDE reviewer's first "
    "page meet it or sit at it, and the filtered searches and the LEA's first page do not. Of "
    "the filtered search's time about 27 to 36 ms is the database (a capped count of up to "
    "1,001 matches, then the page, each walking case_status_idx and filtering on the test and "
    "dates; the LEA's first page counts its 14,552 cases with a sequential scan, 7 ms), the "
    "rest the signed-in floor (9 queries: session, user, grants, the filter lists) and the "
    "template. An index for the common filter combinations, an estimated count past the first "
    "page, or "
    "keyset pagination (issue 11 measures every page again) would close it. The STAIRS log: "
    "about 10,000 cases (26,000 to 27,000 rows, one per case student) in 1.8 to 3.2 s median, "
    "2.2 to 4.2 s p95, of which about 0.5 to 0.9 s in the database (one query: a parallel "
    "bitmap scan of the cases in the date range, sorted, joined to their students); the rest is"
    " Python writing 8 MB of CSV or 3 MB of XLSX. The CSV is streamed and the XLSX written to a"
    " file, and the workers' memory stays flat (4 to 11 MB more after 80 exports, against 8 MB "
    "bodies). Submission makes 2 queries per appeal (appeals/services.py appeal_create inserts "
    "the appeal and its timeline row one at a time): 1,022 queries for 500 appeals, 0.7 to 1.3 s"
    " median, under the 2 s target; a bulk insert of both would make it a fixed number of "
    "queries. Run again on the cases generated after appeals/0008 and 0009 (CASE_VERSION 5: "
    "450,000 case students, 410,240 appeals; the figures above), every page met 50 ms p95 on "
    "the idle machine (the slowest the LEA's filtered search, 49 ms; the LEA's first page 46), "
    "and submission took 1,023 queries for 500 appeals, 0.8 s median. A run a few minutes "
    "earlier, with other sessions' work on the 2 cores, put the same pages at 55 to 101 ms p95 "
    "and 34 to 50 ms median (24 to 42 idle): the filtered searches and the LEA's first page "
    "sit at the target, and the tail is the shared machine."
)


@dataclass
class Page:
    persona: str  # "" for the anonymous baseline
    label: str
    path: str
    params: dict[str, str] = field(default_factory=dict)
    check: Callable[[Any], str | None] | None = None  # a failure message, or None
    before: Callable[[], None] | None = None  # run before each request, untimed
    target_ms: float = PAGE_TARGET_MS
    totals: list[float] = field(default_factory=list)
    request_ids: list[str] = field(default_factory=list)
    queries: int = 0
    db_ms: list[float] = field(default_factory=list)
    size: int = 0
    note: str = ""

    @property
    def p50(self) -> float:
        return p50(self.totals)

    @property
    def p95(self) -> float:
        return p95(self.totals)


def _contains(text: str) -> Callable[[Any], str | None]:
    def check(timed) -> str | None:
        return None if text.encode() in timed.body else f"no “{text}” in the page"

    return check


def _csv_rows(at_least: int) -> Callable[[Any], str | None]:
    def check(timed) -> str | None:
        if not timed.headers.get("content-type", "").startswith("text/csv"):
            return f"content type {timed.headers.get('content-type')}"
        rows = timed.body.count(b"\n") - 1
        return None if rows >= at_least else f"{rows} rows, expected at least {at_least}"

    return check


def _xlsx(timed) -> str | None:
    return None if timed.body[:2] == b"PK" else "not an XLSX file"


def vacuum(url: str) -> None:
    """VACUUM ANALYZE of the case tables: an earlier run's rolled-back submissions leave dead
    index entries that the LEA's scans would read."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(url, autocommit=True) as conn:
        for table in generate_cases.CASE_TABLES:
            conn.execute(sql.SQL("VACUUM (ANALYZE) {}").format(sql.Identifier(table)))


# --- planning (in this process, through the ORM) ----------------------------------------------


def users() -> dict[str, Any]:
    """The two users whose pages are timed, with a password the sign-in form accepts."""
    from accounts.models import User

    found = {
        "LEA coordinator": User.objects.get(email=LEA_COORDINATOR),
        "CDE reviewer": User.objects.get(email=CDE_REVIEWER),
    }
    User.objects.filter(pk__in=[u.pk for u in found.values()]).update(
        password=bench_password_hash()
    )
    # Read again: a session's auth hash comes from the password as the object holds it.
    return {persona: User.objects.get(pk=user.pk) for persona, user in found.items()}


def plan_pages(people: dict[str, Any]) -> tuple[list[Page], dict[str, str]]:
    from django.urls import reverse

    from incidents.case_models import Case
    from incidents.queries import cases_for

    # A case of the big LEA with several students, seen by both users.
    case = (
        Case.objects.filter(lea_id=BIG_LEA_ID, student_count__range=(6, 8))
        .exclude(status="DRAFT")
        .order_by("pk")
        .first()
    )
    ssid = case.students.order_by("pk").first().student.ssid
    search = reverse("incidents:search")
    pages = [Page("", "bare Django: one indexed query", f"/bench/baseline/{ssid}/")]
    scopes = {}
    for persona, user in people.items():
        scope = cases_for(user)
        scopes[persona] = f"{scope.count():,} cases"
        exported = scope.filter(
            incident_date__range=(
                EXPORT_FILTERS[persona]["date_from"],
                EXPORT_FILTERS[persona]["date_to"],
            )
        ).count()
        pages += [
            Page(persona, "Search STAIRS, first page", search),
            Page(
                persona,
                "Search STAIRS: status + test + incident dates",
                search,
                dict(SEARCH_FILTERS),
            ),
            Page(
                persona, "Search STAIRS: one SSID", search, {"ssid": ssid}, _contains(case.number)
            ),
            Page(
                persona,
                f"case page ({case.student_count} students)",
                reverse("incidents:detail", args=[case.pk]),
                check=_contains(case.number),
            ),
            Page(
                persona,
                "STAIRS log, CSV",
                reverse("incidents:log", args=["csv"]),
                dict(EXPORT_FILTERS[persona]),
                _csv_rows(exported),
                target_ms=EXPORT_TARGET_MS,
                note=f"{exported:,} cases",
            ),
            Page(
                persona,
                "STAIRS log, XLSX",
                reverse("incidents:log", args=["xlsx"]),
                dict(EXPORT_FILTERS[persona]),
                _xlsx,
                target_ms=EXPORT_TARGET_MS,
                note=f"{exported:,} cases",
            ),
        ]
    return pages, scopes


# --- pages through gunicorn ---------------------------------------------------------------------


def measure_pages(
    pages: list[Page], people: dict[str, Any], runs: int, export_runs: int
) -> dict[str, Any]:
    url = bench_database_url()
    with LiveServer(url) as server:
        clients = {"": server.client()}
        for persona, user in people.items():
            clients[persona] = server.client()
            clients[persona].sign_in(user.email, BENCH_PASSWORD)
        quick = [p for p in pages if p.target_ms == PAGE_TARGET_MS]
        exports = [p for p in pages if p.target_ms != PAGE_TARGET_MS]
        _rounds(server, clients, quick, runs)
        rss_before = server.worker_rss_kb()
        _rounds(server, clients, exports, export_runs, warmup=1)
        rss_after = server.worker_rss_kb()
        logged = server.queries()
        workers = server.worker_pids()
    for page in pages:
        counts = [logged[r] for r in page.request_ids if r in logged]
        if not counts:
            raise BenchFailure(f"{page.label}: no query log (the server's middleware is off?)")
        page.queries = min(c for c, _ in counts)
        page.db_ms = [ms for _, ms in counts]
    return {"rss_before": rss_before, "rss_after": rss_after, "workers": workers}


def _rounds(server, clients, pages: list[Page], runs: int, warmup: int = WARMUP) -> None:
    for round_ in range(warmup + runs):
        for page in pages:
            if page.before:
                page.before()
            timed = clients[page.persona].get(page.path, page.params)
            where = f"{page.persona or 'anonymous'}, {page.label} ({page.path})"
            if timed.status != 200:
                raise BenchFailure(f"{where}: HTTP {timed.status}\n{server.log_tail(5)}")
            if page.check and (problem := page.check(timed)):
                raise BenchFailure(f"{where}: {problem}")
            if round_ >= warmup:
                page.totals.append(timed.ms)
                page.request_ids.append(timed.request_id)
                page.size = len(timed.body)


# --- the report ---------------------------------------------------------------------------------


def report(
    pages: list[Page],
    scopes: dict[str, str],
    memory: dict[str, Any] | None,
    timings: list[Timing],
    service_note: str,
    counts: Any,
    runs: dict[str, int],
    explained: dict[tuple[str, str], tuple[float, str, str]] | None = None,
    load: list[float] | None = None,
) -> tuple[str, bool]:
    lines = [SECTION, ""]
    ok = True
    if pages:
        quick = [p for p in pages if p.persona and p.target_ms == PAGE_TARGET_MS]
        exports = [p for p in pages if p.target_ms == EXPORT_TARGET_MS]
        baseline = next(p for p in pages if not p.persona)
        worst = max(quick, key=lambda p: p.p95)
        slowest_export = max(exports, key=lambda p: p.p95)
        pages_ok = worst.p95 <= PAGE_TARGET_MS
        exports_ok = slowest_export.p95 <= EXPORT_TARGET_MS
        ok = ok and pages_ok and exports_ok
        lines += [
            f"- **Pages p95 <= {PAGE_TARGET_MS:.0f} ms: {'met' if pages_ok else 'NOT met'}**; the "
            f"slowest is {worst.label} for the {worst.persona}, {worst.p95:.0f} ms p95 "
            f"(bare-Django baseline {baseline.p95:.0f} ms p95).",
            f"- **STAIRS log of about 10,000 cases <= {EXPORT_TARGET_MS / 1000:.0f} s: "
            f"{'met' if exports_ok else 'NOT met'}**; the slowest is {slowest_export.label} for "
            f"the {slowest_export.persona}, {slowest_export.p95 / 1000:.1f} s p95.",
        ]
    if not pages:
        lines.append("- Pages: not measured in this run (`--only services`).")
    for timing in timings:
        met = p95(timing.totals) <= timing.target_ms
        ok = ok and met
        lines.append(
            f"- **{timing.label} <= {timing.target_ms / 1000:.0f} s: "
            f"{'met' if met else 'NOT met'}**: {p50(timing.totals):.0f} / "
            f"{p95(timing.totals):.0f} ms (median / p95), {timing.queries} queries."
        )
    lines += [
        f"- Scale: {counts['students']:,} students, {counts['cases']:,} cases, "
        f"{counts['case_students']:,} case students, {counts['appeals']:,} appeals (bench/"
        "generate.py and bench/generate_cases.py; bench/case_population.py says how they are "
        "spread).",
    ]
    if pages:
        lines += [
            "- Users: " + "; ".join(f"{k} ({v})" for k, v in scopes.items()) + ".",
            f"- Through gunicorn ({len(memory['workers'])} sync workers, production settings, "
            "DEBUG off), signed in through the sign-in form, from a client on the same machine; "
            f"each page {runs['pages']} times after {WARMUP} warm-up rounds, the log "
            f"{runs['exports']} times after one, pages interleaved. Cells: median / p95 of the "
            "whole request in ms; queries: per request, from the server's query log.",
            "",
            "| page | queries | LEA coordinator | CDE reviewer |",
            "|---|---:|---:|---:|",
        ]
        lines.append(
            f"| {baseline.label} | {baseline.queries} | "
            f"{baseline.p50:.0f} / {baseline.p95:.0f} | (same) |"
        )
        labels = list(dict.fromkeys(p.label for p in pages if p.persona))
        by_key = {(p.persona, p.label): p for p in pages}
        for label in labels:
            cells, queries = [], []
            for persona in scopes:
                page = by_key.get((persona, label))
                if page is None:
                    cells.append("")
                    continue
                queries.append(str(page.queries))
                extra = f" ({page.note}, {page.size / 1e6:.1f} MB)" if page.note else ""
                cells.append(f"{page.p50:.0f} / {page.p95:.0f}{extra}")
            shown = queries[0] if len(set(queries)) == 1 else " / ".join(queries)
            lines.append(f"| {label} | {shown} | " + " | ".join(cells) + " |")
        slowest_db = sorted(
            (p for p in pages if p.persona), key=lambda p: statistics.median(p.db_ms), reverse=True
        )[:3]
        quick_db = sorted(
            (p for p in pages if p.persona and p.target_ms == PAGE_TARGET_MS),
            key=lambda p: statistics.median(p.db_ms),
            reverse=True,
        )[:3]
        slowest_db = [*slowest_db, *quick_db]
        before, after = memory["rss_before"], memory["rss_after"]
        lines += [
            "",
            "Time in the database (median) of the three slowest exports and pages: "
            + "; ".join(
                f"{p.label}, {p.persona}: {statistics.median(p.db_ms):.0f} of {p.p50:.0f} ms"
                for p in slowest_db
            )
            + ".",
            "",
            "Memory of the gunicorn workers (VmRSS) before and after every export round: "
            + "; ".join(
                f"worker {pid}: {before.get(pid, 0) / 1024:.0f} → {after.get(pid, 0) / 1024:.0f} MB"
                for pid in sorted(set(before) | set(after))
            )
            + ".",
        ]
    if explained:
        lines += [
            "",
            "EXPLAIN ANALYZE of the slowest query of each page (in the benchmark's process, "
            "after the runs):",
            "",
        ]
        for (persona, label), (ms, plan, _) in explained.items():
            lines.append(f"- {label}, {persona}: {ms:.1f} ms ({plan_summary(plan)}).")
    if timings:
        lines += ["", f"Services, in the benchmark's process: {service_note}."]
    if pages and timings:
        lines += ["", FINDINGS]
    lines += [
        "",
        f"- Machine: {cpu_model()}, {os.cpu_count()} cores; {server_facts()}; "
        f"Python {platform.python_version()} on {platform.system()}. Load average (1 min) at "
        "the start, after the pages and after the services: "
        + ", ".join(f"{x:.1f}" for x in load or [])
        + " (other work shared the 2 cores: figures vary by about half from run to run).",
        f"- Date: {datetime.now().date().isoformat()}.",
        "- Re-run: `python bench/bench_filing.py` (or `make bench`); `--no-write` measures "
        "without updating this file, `--only pages` or `--only services` one half.",
    ]
    return "\n".join(lines) + "\n", ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-write", action="store_true", help="do not update RESULTS.md")
    parser.add_argument("--runs", type=int, default=RUNS, help="default %(default)s")
    parser.add_argument(
        "--export-runs", type=int, default=RUNS, help="the log's runs, default %(default)s"
    )
    parser.add_argument("--service-runs", type=int, default=SERVICE_RUNS)
    parser.add_argument("--only", choices=("pages", "services"))
    parser.add_argument("--explain", action="store_true", help="print the plans in full")
    args = parser.parse_args()

    url = bench_database_url()
    # Production's password hashers (not the test suite's), so the server can check the
    # password set here.
    os.environ["TESTING"] = "false"
    dataset = generate.ensure_dataset(url)
    cases = generate_cases.ensure_cases(url)
    vacuum(url)
    configure(url)
    people = users()
    pages, scopes, memory, timings, note, explained = [], {}, None, [], "", None
    load = [os.getloadavg()[0]]
    if args.only != "services":
        pages, scopes = plan_pages(people)
        memory = measure_pages(pages, people, args.runs, args.export_runs)
        load.append(os.getloadavg()[0])
        explained = explain_pages(pages, people)
        if args.explain:
            for (persona, label), (ms, plan, sql) in explained.items():
                print(f"### {persona}, {label}: {ms:.1f} ms\n{sql}\n{plan}\n")
    if args.only != "pages":
        # After the pages: the rolled-back submissions leave dead rows until the next VACUUM.
        timings, note = measure_services(people, warmup=WARMUP, runs=args.service_runs)
        load.append(os.getloadavg()[0])
    counts = {
        "students": dataset.students,
        "cases": cases.cases,
        "case_students": cases.case_students,
        "appeals": cases.appeals,
    }
    section, ok = report(
        pages,
        scopes,
        memory,
        timings,
        note,
        counts,
        {"pages": args.runs, "exports": args.export_runs},
        explained,
        load,
    )
    print(section)
    if not args.no_write:
        write_section(SECTION, section)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
