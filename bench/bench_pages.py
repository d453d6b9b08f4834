"""Every page of every journey at the state's size, through a real server, in one harness; then
50 coordinators at once for ten minutes.

    python bench/bench_pages.py                      # measure, update "Every page at state
                                                     # scale" in bench/RESULTS.md and the chart
                                                     # bench/pages_p95.svg; exit 1 on a miss
    python bench/bench_pages.py --no-write --runs 20 --load-minutes 1
    python bench/bench_pages.py --only pages         # or load

Server: gunicorn with 2 sync workers on production's settings (DEBUG off, whitenoise with the
manifest, Redis for the cache and the sessions), bench/server_settings.py adding the query log
and the bare view; the bench database at the state's size (bench/generate.py,
generate_cases.py, dashboard_population.py). Each persona signs in through the sign-in form:
the LEA coordinator of the largest LEA, a site coordinator of its largest school, a CDE reviewer
and a CalTAC agent. Every page is requested ``--runs`` times after ``WARMUP`` rounds, pages
interleaved, from this process over the loopback; anything but a 200 with the page's own
content stops the run. In the same rounds, the floors: a static file, the anonymous sign-in page
and the bare Django view (one indexed query, no session, no template).

Load (bench/pages_load.py): ``LOAD_USERS`` coordinators (the two personas and the filers of 48
other LEAs), each in its own thread and session, walk the coordinator's journey (start page,
student search by name and by SSID, the profile's tabs, Search STAIRS, a case, Search Appeals,
notices) with a think time of ``THINK_S`` between clicks, for ``--load-minutes``; it stops
itself at the deadline. Throughput is compared with the bare view's, measured just before by
as many clients without think time for ``BARE_LOAD_S``.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import sys
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import generate, generate_cases  # noqa: E402
from bench.live import (  # noqa: E402
    BENCH_PASSWORD,
    BenchFailure,
    LiveServer,
    bench_password_hash,
)
from bench.pages_chart import chart  # noqa: E402
from bench.pages_load import LoadResult, measure_load  # noqa: E402
from bench.population import (  # noqa: E402
    BIG_LEA_ID,
    CDE_REVIEWER,
    LEA_COORDINATOR,
    SITE_COORDINATOR,
)
from bench.results import (  # noqa: E402
    bench_database_url,
    configure,
    cpu_model,
    p50,
    p95,
    server_facts,
    write_section,
)

SECTION = "## Every page at state scale"
CHART = Path(__file__).resolve().parent / "pages_p95.svg"
PAGE_TARGET_MS = 50.0
FLOOR_TARGET_MS = 15.0  # the signed-in floor: the cheapest signed-in page
EXPORT_TARGET_MS = 5000.0  # a download of up to 10,000 cases (issue 8)
LOAD_TARGET_MS = 150.0
RUNS = 20
WARMUP = 3
CALTAC_AGENT = "caltac.agent.01@bench.stairs.example.org"
PERSONAS = {
    "LEA coordinator": LEA_COORDINATOR,
    "site coordinator": SITE_COORDINATOR,
    "CDE reviewer": CDE_REVIEWER,
    "CalTAC agent": CALTAC_AGENT,
}
COORDINATORS = ("LEA coordinator", "site coordinator")
REVIEWERS = ("CDE reviewer", "CalTAC agent")
NAME_SEARCHES = (
    ("common last name", "garcia"),
    ("common first name", "maria"),
    ("last and first name", "garcia maria"),
    ("rare last name", "zelibsky"),
    ("two letters", "ma"),
)
CASE_FILTERS = {
    "status": "PENDING_CALTAC_APPROVAL",
    "test": "SB_MATH",
    "date_from": "2026-09-01",
    "date_to": "2026-10-31",
}
LOG_FILTERS = {
    "LEA coordinator": {"date_from": "2026-09-01", "date_to": "2026-11-03"},
    "CDE reviewer": {"date_from": "2026-10-01", "date_to": "2026-10-06"},
}


@dataclass
class Page:
    persona: str  # "" for the anonymous floors
    journey: str
    label: str
    path: str
    params: dict[str, str] = field(default_factory=dict)
    mark: str = ""  # text the page must contain
    htmx_form: dict[str, str] | None = None  # an htmx POST of this form instead of a GET
    name: str = ""  # a student search by name: posted once, then its results page timed
    target_ms: float = PAGE_TARGET_MS
    totals: list[float] = field(default_factory=list)
    request_ids: list[str] = field(default_factory=list)
    queries: set[int] = field(default_factory=set)
    db_ms: list[float] = field(default_factory=list)
    size: int = 0

    @property
    def p50(self) -> float:
        return p50(self.totals)

    @property
    def p95(self) -> float:
        return p95(self.totals)

    @property
    def met(self) -> bool:
        return self.p95 <= self.target_ms


# --- the people and what their pages show ---------------------------------------------------------


def people() -> dict[str, Any]:
    """The four personas, with a password the sign-in form accepts and the security forms
    signed (as the generator wrote them)."""
    from accounts.models import User

    found = {persona: User.objects.get(email=email) for persona, email in PERSONAS.items()}
    User.objects.filter(pk__in=[u.pk for u in found.values()]).update(
        password=bench_password_hash(), away_since=None
    )
    forgive_failed_sign_ins()
    return {persona: User.objects.get(pk=user.pk) for persona, user in found.items()}


def forgive_failed_sign_ins() -> None:
    """An earlier, interrupted run's failed sign-ins must not lock the bench users out."""
    from axes.models import AccessAttempt

    AccessAttempt.objects.filter(username__endswith="@bench.stairs.example.org").delete()


@dataclass
class Samples:
    """What the pages open: records every persona may see, at the site coordinator's school."""

    ssid: str
    event_id: int
    case_pk: int
    case_number: str
    case_students: int
    submitted_pk: int
    appeal_pk: dict[str, int]
    drafts: dict[str, int]
    draft_ssids: list[str]


def samples(who: dict[str, Any]) -> Samples:
    from django.db.models import Count

    from accounts.access import scope_for
    from appeals.models import Appeal
    from incidents.case_models import Case
    from students.models import TestEvent

    site = who["site coordinator"]
    school_id = next(iter(scope_for(site).school_ids))
    case = (
        Case.objects.filter(school_id=school_id, student_count__range=(3, 8))
        .exclude(status="DRAFT")
        .annotate(n=Count("students"))
        .filter(n__gte=3)
        .order_by("pk")
        .first()
    )
    if case is None:
        raise BenchFailure(f"no submitted case of 3 to 8 students at school {school_id}")
    row = case.students.select_related("student").order_by("pk").first()
    event = (
        TestEvent.objects.filter(student=row.student)
        .order_by("-school_year", "pk")
        .values_list("pk", flat=True)
        .first()
    )
    submitted = (
        Case.objects.filter(created_by=who["LEA coordinator"], lea_id=BIG_LEA_ID)
        .exclude(status="DRAFT")
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
    )
    appeal_pk = {
        persona: Appeal.objects.filter(
            status="PENDING", reviewer=team, test_event__isnull=False, case__lea_id=BIG_LEA_ID
        )
        .order_by("due_at", "pk")
        .values_list("pk", flat=True)
        .first()
        for persona, team in (("CDE reviewer", "CDE"), ("CalTAC agent", "CALTAC"))
    }
    made, ssids = drafts(who, school_id)
    return Samples(
        ssid=row.student.ssid,
        event_id=event,
        case_pk=case.pk,
        case_number=case.number,
        case_students=case.students.count(),
        submitted_pk=submitted,
        appeal_pk=appeal_pk,
        drafts=made,
        draft_ssids=ssids,
    )


def drafts(who: dict[str, Any], school_id: int) -> tuple[dict[str, int], list[str]]:
    """A draft for each coordinator at the wizard's last step (its students entered, one
    appeal selected), through the services, as a coordinator's clicks leave it. Deleted at
    the end (``forget_drafts``)."""
    from django.db import transaction

    from accounts.models import Organization
    from bench.filing_services import BENCH_INCIDENT, INCIDENT_DAY, bench_draft
    from incidents import services
    from incidents.models import IncidentType
    from students.models import TestEvent

    school = Organization.objects.get(pk=school_id)
    incident = IncidentType.objects.get(code=BENCH_INCIDENT)
    ssids = list(
        TestEvent.objects.filter(
            student__school=school,
            part__assessment__code="SB_MATH",
            part__code="NON_PT",
            school_year=2026,
            status="SUBMITTED",
        )
        .order_by("student__ssid")
        .values_list("student__ssid", flat=True)[:3]
    )
    made = {}
    for persona in COORDINATORS:
        actor = who[persona]
        with transaction.atomic():
            case = bench_draft(actor, school, incident, INCIDENT_DAY)
            rows = services.case_set_students(case=case, actor=actor, ssids=ssids)
            chosen = [r.student.ssid for r in rows if r.appealable][:1]
            services.case_select_students(case=case, actor=actor, ssids=chosen)
        made[persona] = case.pk
    return made, ssids


def forget_drafts(found: Samples | None) -> None:
    from incidents.case_models import Case

    if found is not None:
        Case.objects.filter(pk__in=found.drafts.values(), status="DRAFT").delete()


def plan_pages(who: dict[str, Any], found: Samples, static_path: str) -> list[Page]:
    from django.urls import reverse

    def url(name: str, *args: Any) -> str:
        return reverse(name, args=args)

    ssid = found.ssid
    pages = [
        Page("", "floors", "static file (whitenoise)", static_path),
        Page("", "floors", "sign-in page, anonymous", url("accounts:login"), mark="Sign in"),
        Page("", "floors", "bare Django: one indexed query", f"/bench/baseline/{ssid}/"),
    ]
    for persona in PERSONAS:
        pages += [
            Page(persona, "start", "start page /", "/", mark="<main"),
            Page(persona, "start", "notices", url("notifications:list"), mark="Notices"),
            Page(persona, "start", "email settings", url("notifications:email_settings")),
            Page(persona, "start", "change password", url("accounts:password_change")),
            Page(persona, "students", "search page", url("students:search")),
            Page(persona, "students", "search: SSID", url("students:search"), {"q": ssid}, ssid),
        ]
        for label, words in NAME_SEARCHES:
            # A name is posted and kept in the session; the results page's address carries a
            # key, never the name (B4): the page timed is that address.
            pages.append(
                Page(persona, "students", f"search: {label}", url("students:search"), name=words)
            )
        pages += [
            Page(persona, "students", "profile: details", url("students:detail", ssid), mark=ssid),
            Page(persona, "students", "profile: tests", url("students:tests", ssid), mark=ssid),
            Page(
                persona,
                "students",
                "profile: one test event",
                url("students:test_event", ssid, found.event_id),
                mark=ssid,
            ),
            Page(
                persona,
                "students",
                "profile: score status",
                url("students:score_status", ssid),
                mark=ssid,
            ),
            Page(persona, "cases", "Search STAIRS", url("incidents:search")),
            Page(
                persona, "cases", "Search STAIRS: filtered", url("incidents:search"), CASE_FILTERS
            ),
            Page(
                persona,
                "cases",
                "Search STAIRS: one SSID",
                url("incidents:search"),
                {"ssid": ssid},
                found.case_number,
            ),
            Page(
                persona,
                "cases",
                f"case page ({found.case_students} students)",
                url("incidents:detail", found.case_pk),
                mark=found.case_number,
            ),
            Page(persona, "appeals", "Search Appeals", url("appeals:search")),
            Page(
                persona,
                "appeals",
                "Search Appeals: pending",
                url("appeals:search"),
                {"status": "PENDING"},
            ),
            Page(persona, "appeals", "Search Appeals: SSID", url("appeals:search"), {"ssid": ssid}),
        ]
    for persona in COORDINATORS:
        pk = found.drafts[persona]
        pages.append(Page(persona, "filing", "wizard: new case", url("incidents:new")))
        for step in ("incident", "issue", "details", "students"):
            pages.append(
                Page(persona, "filing", f"wizard: {step}", url(f"incidents:wizard_{step}", pk))
            )
        pages += [
            Page(
                persona,
                "filing",
                "eligibility (htmx, 3 SSIDs)",
                url("incidents:wizard_eligibility", pk),
                htmx_form={"ssids": "\n".join(found.draft_ssids)},
                mark=found.draft_ssids[0],
            ),
            Page(persona, "filing", "wizard: confirm", url("incidents:wizard_confirm", pk)),
            Page(persona, "filing", "wizard: select", url("incidents:wizard_select", pk)),
            Page(persona, "filing", "wizard: plan", url("incidents:wizard_plan", pk)),
        ]
    pages.append(
        Page(
            "LEA coordinator",
            "filing",
            "submitted page",
            url("incidents:submitted", found.submitted_pk),
        )
    )
    pages.append(Page("LEA coordinator", "start", "users", url("accounts:user_list")))
    for persona in REVIEWERS:
        for view in ("mine", "unclaimed", "due", "overdue", "decided"):
            pages.append(
                Page(persona, "review", f"queue: {view}", url("review:queue"), {"view": view})
            )
        pages.append(
            Page(persona, "review", "decision page", url("review:appeal", found.appeal_pk[persona]))
        )
    for persona, filters in LOG_FILTERS.items():
        pages += [
            Page(
                persona,
                "exports",
                "STAIRS log, CSV",
                url("incidents:log", "csv"),
                dict(filters),
                target_ms=EXPORT_TARGET_MS,
            ),
            Page(
                persona,
                "exports",
                "Search Appeals report, CSV",
                url("appeals:report", "csv"),
                {"status": "PENDING"},
                target_ms=EXPORT_TARGET_MS,
            ),
        ]
    return pages


# --- pages through gunicorn -----------------------------------------------------------------------


def _static_path(server: LiveServer) -> str:
    """The stylesheet the pages link to, under its hashed name (the manifest's)."""
    page = server.client().get("/accounts/sign-in/")
    found = re.search(rb'<link[^>]+href="(/static/[^"]+\.css)"', page.body)
    if found is None:
        raise BenchFailure("sign-in page: no stylesheet link")
    return found.group(1).decode()


def _get(clients: dict[str, Any], page: Page, server: LiveServer) -> Any:
    client = clients[page.persona]
    if page.htmx_form is not None:
        timed = client.htmx_post(page.path, page.htmx_form)
    else:
        timed = client.get(page.path, page.params)
    where = f"{page.persona or 'anonymous'}, {page.label} ({page.path})"
    if timed.status != 200:
        raise BenchFailure(f"{where}: HTTP {timed.status}\n{server.log_tail(5)}")
    if page.mark and page.mark.encode() not in timed.body:
        raise BenchFailure(f"{where}: no “{page.mark}” in the page")
    return timed


def measure_pages(who: dict[str, Any], runs: int) -> tuple[list[Page], Samples]:
    found = samples(who)
    try:
        with LiveServer(bench_database_url()) as server:
            clients = {"": server.client()}
            for persona, user in who.items():
                clients[persona] = server.client()
                clients[persona].sign_in(user.email, BENCH_PASSWORD)
            pages = plan_pages(who, found, _static_path(server))
            for page in pages:
                if page.name:
                    key, _ = clients[page.persona].search_by_name(page.path, page.name)
                    page.params = {"search": key}
            pages_only = [p for p in pages if p.journey != "exports"]
            exports = [p for p in pages if p.journey == "exports"]
            for round_ in range(WARMUP + runs):
                for page in pages_only:
                    timed = _get(clients, page, server)
                    if round_ >= WARMUP:
                        page.totals.append(timed.ms)
                        page.request_ids.append(timed.request_id)
                        page.size = len(timed.body)
            for round_ in range(1 + runs):  # the downloads: one warm-up round
                for page in exports:
                    timed = _get(clients, page, server)
                    if round_ >= 1:
                        page.totals.append(timed.ms)
                        page.request_ids.append(timed.request_id)
                        page.size = len(timed.body)
            logged = server.queries()
    finally:
        forget_drafts(found)
    for page in pages:
        for request_id in page.request_ids:
            if request_id in logged:  # static files and the floors' anonymous pages log too
                count, ms = logged[request_id]
                page.queries.add(count)
                page.db_ms.append(ms)
    return pages, found


# --- the chart and the report ---------------------------------------------------------------------


def _cell(page: Page | None) -> str:
    if page is None:
        return ""
    queries = "/".join(str(q) for q in sorted(page.queries)) or "0"
    return f"{page.p50:.0f} / {page.p95:.0f} ({queries} q)"


# What the profiles and plans showed (2026-12-02, main during issue 11), written after reading
# them; the figures of the first run are 5 rounds, with another session's tests on the cores.
FINDINGS = (
    "**Findings.** (1) The floor. The first run at the state's size put the bare view at 9 / 11 "
    "ms (median / p95), the anonymous sign-in page at 8 / 8, the cheapest signed-in page (the "
    "student search form, 3 queries) at 17 / 19, the start pages at 23 to 38 ms p95 and 30 of "
    "120 pages over 50 ms. In process the search form took 4.7 ms and the bare view 0.5: most "
    "of the floor was outside Django's work. Each request opened a PostgreSQL connection "
    "(CONN_MAX_AGE was 0): a backend started, authenticated and set up per page, 5 to 6 ms, the "
    "bare view's too. The workers now keep theirs (CONN_MAX_AGE 600, health-checked before "
    "use): the bare view went to 3 ms, the search form to 8, every page lost 6 to 10 ms. The "
    "session was read from PostgreSQL on every page; it is now read from Redis (cached_db: "
    "written through to the database, read from the shared cache), one query less per page. "
    "What a signed-in page still pays over the bare view (about 3 ms over the loopback): the "
    "user, the grants and the bell's unread count (3 queries, 1 ms in the database, as much "
    "again in the ORM) and the base template (navigation, header, about 2 ms). "
    "(2) Name searches. An LEA's students were those whose school's parent is the LEA, so a "
    "name search built a bitmap of every match in the state from the state-wide name indexes, "
    "then kept the LEA's through the join to the schools: at 5.85 million students "
    "'garcia maria' read 30,000 heap blocks to keep 545 rows (the LEA coordinator's p95: 466 "
    "ms; 'maria' 345, 'garcia' 201, 'ma' 141). Students now carry their school's LEA "
    "(students/0004, kept by save() and the bulk writes), with prefix indexes on "
    "(lea_id, UPPER(name)): the LEA's scope is one column and its searches read its own "
    "entries. A site coordinator's search ('ma': 85 / 93 ms) gathered every 'ma' of the state "
    "(680,000 index entries) before keeping its school's: a school's search now compares its "
    "few thousand names through the school's index. At PostgreSQL's stock work_mem (4 MB) the "
    "bitmaps of a common name went lossy: the CDE's 'garcia maria' rechecked 427,000 rows (321 "
    "ms in the database); the application's connections set 16 MB (DATABASE_WORK_MEM): 62 ms. "
    "The search also matched twice (the capped count, then the page) and visited its 1,001 "
    "matches again by primary key to sort them; it now takes the ids of up to 1,001 matches "
    "with their names in one query, sorted as found, and reads the 25 of the page. "
    "(3) The review queues (57 to 65 ms p95 at first): the due phrase of each of the 25 rows "
    "counted business days one by one from the due date to today, 2,000 calls a page; the "
    "count for a span of dates is now remembered. "
    "(4) The start pages: the grants the start page lists are now those the scope read (one "
    "query less on every home page); the reviewers' two charts (the tally read and about 5 ms "
    "of SVG and tables) are kept in the shared cache for a minute at most under the day and "
    "each team's version, which a committed decision of the team moves; the queue counts "
    "(four on the start page, five on a queue) are one statement with a capped subquery each "
    "instead of a query each. The reviewers' start page went from 11 queries and 15 / 17 to 21 "
    "ms to 6 queries and 12 ms median; its p95 is 13 to 17 ms from run to run (a few slow "
    "requests in 20), at the 15 ms floor. "
    "(5) What remains. The state-wide searches by the CDE and CalTAC are the slowest pages "
    "(two words: 41 to 50 ms p95 over the day's runs): two bitmaps of 135,000 and 247,000 "
    "index entries, CPU more than I/O; an index on (UPPER(last_name), UPPER(first_name)) for "
    "the usual 'last first' form, or a search engine, would take them well under. The "
    "wizard's incident, issue and details steps make 18 to 21 queries (the rules catalog is "
    "built twice a request from six tables) at 28 to 37 ms p95: the catalog cached per process "
    "under a version that admin edits move would halve them. A signed-in page still pays, "
    "over the bare view, the user, the grants and the bell's unread count (3 queries, about "
    "1 ms in the database and as much in the ORM) and the base template. The exports stream "
    "10,000 cases in 1.8 to 2.1 s, inside their 5 s target (issue 8). Query counts are the "
    "same in every round; tests/pages/test_query_counts.py keeps each page's count fixed, for "
    "every role, and checks that none grows with the rows."
)


def report(
    pages: list[Page] | None, load: LoadResult | None, facts: dict[str, str]
) -> tuple[str, bool]:
    lines = [SECTION, ""]
    ok = True
    if pages:
        homes = [p for p in pages if p.persona and p.label == "start page /"]
        homes_over = [p for p in homes if p.p95 > FLOOR_TARGET_MS]
        cheapest = min((p for p in pages if p.persona), key=lambda p: p.p95)
        missed = [p for p in pages if p.persona and not p.met]
        ok = not missed and not homes_over
        signed = [p for p in pages if p.persona and p.journey != "exports"]
        slowest = max(signed, key=lambda p: p.p95)
        lines += [
            f"- **Every page p95 <= {PAGE_TARGET_MS:.0f} ms: "
            f"{'met' if not [p for p in signed if not p.met] else 'NOT met'}** "
            f"({sum(p.met for p in signed)} of {len(signed)}); the slowest is {slowest.label} "
            f"for the {slowest.persona}, {slowest.p95:.0f} ms p95.",
            f"- **Signed-in floor, the home page, <= {FLOOR_TARGET_MS:.0f} ms p95: "
            f"{'met' if not homes_over else 'NOT met'}** "
            f"({len(homes) - len(homes_over)} of {len(homes)} personas): "
            + ", ".join(f"{p.persona} {p.p50:.0f} / {p.p95:.0f} ms" for p in homes)
            + f"; the cheapest signed-in page, {cheapest.label} ({cheapest.persona}), "
            f"{cheapest.p50:.0f} / {cheapest.p95:.0f} ms.",
        ]
        for page in (p for p in pages if p.journey == "exports"):
            lines.append(
                f"- Export {page.label} for the {page.persona} <= "
                f"{EXPORT_TARGET_MS / 1000:.0f} s: {'met' if page.met else 'NOT met'}, "
                f"{page.p50:.0f} / {page.p95:.0f} ms ({page.size / 1e6:.1f} MB)."
            )
    if load:
        load_ok = not load.errors and p95(load.latencies) <= LOAD_TARGET_MS
        ok = ok and load_ok
        lines.append(
            f"- **{load.users} coordinators at once for {load.seconds / 60:.1f} min: "
            f"{'met' if load_ok else 'NOT met'}**: {len(load.errors)} errors, "
            f"{len(load.latencies):,} pages, median {p50(load.latencies):.0f} ms, p95 "
            f"{p95(load.latencies):.0f} ms (target {LOAD_TARGET_MS:.0f}), max "
            f"{max(load.latencies):.0f} ms; {load.rps:.1f} pages/s against the bare view's "
            f"{load.bare_rps:.0f} requests/s ({load.users} clients without think time, p95 "
            f"{load.bare_p95:.0f} ms)."
        )
        for error in load.errors[:5]:
            lines.append(f"  - {error}")
    lines += ["", *(f"- {k}: {v}" for k, v in facts.items()), ""]
    if pages:
        personas = list(PERSONAS)
        lines += [
            "Cells: median / p95 of the whole request in ms, (queries per request, from the "
            "server's query log). Chart: `bench/pages_p95.svg`.",
            "",
            "| journey | page | " + " | ".join(personas) + " |",
            "|---|---|" + "---:|" * len(personas),
        ]
        by_key = {(p.journey, p.label, p.persona): p for p in pages}
        seen: list[tuple[str, str]] = []
        for page in pages:
            if (page.journey, page.label) not in seen:
                seen.append((page.journey, page.label))
        for journey, label in seen:
            if (journey, label, "") in by_key:
                cells = [_cell(by_key[journey, label, ""])] + ["(same)"] * (len(personas) - 1)
            else:
                cells = [_cell(by_key.get((journey, label, persona))) for persona in personas]
            lines.append(f"| {journey} | {label} | " + " | ".join(cells) + " |")
        db = sorted(
            (p for p in pages if p.persona and p.db_ms),
            key=lambda p: p.p50,
            reverse=True,
        )[:8]
        lines += [
            "",
            "Time in the database (median) of the slowest pages: "
            + "; ".join(
                f"{p.label}, {p.persona}: {statistics.median(p.db_ms):.1f} of {p.p50:.0f} ms"
                for p in db
            )
            + ".",
        ]
    if FINDINGS:
        lines += ["", FINDINGS]
    return "\n".join(lines) + "\n", ok


def data_facts() -> dict[str, str]:
    from django.db import connection

    counts = {}
    with connection.cursor() as cursor:
        for table, label in (
            ("students_student", "students"),
            ("students_testevent", "test events"),
            ("incidents_case", "cases"),
            ("appeals_appeal", "appeals"),
            ("incidents_casenote", "case notes"),
            ("incidents_caseevent", "case timeline rows"),
            ("notifications_notice", "notices"),
            ("notifications_notification", "outbox rows"),
        ):
            cursor.execute(f"SELECT count(*) FROM {table}")
            counts[label] = cursor.fetchone()[0]
    load = os.getloadavg()[0]
    return {
        "Scale": ", ".join(f"{n:,} {label}" for label, n in counts.items())
        + " (bench/generate.py, generate_cases.py, dashboard_population.py).",
        "Machine": f"{cpu_model()}, {os.cpu_count()} cores; {server_facts()}; Python "
        f"{platform.python_version()} on {platform.system()}; load average (1 min) at the "
        f"start {load:.1f}.",
        "Server": "gunicorn, 2 sync workers, production settings (DEBUG off, whitenoise, Redis "
        "cache and sessions), over the loopback from this process; each page "
        f"{RUNS} times after {WARMUP} warm-up rounds, pages interleaved, the downloads after "
        "one.",
        "Date": date.today().isoformat(),
        "Re-run": "`python bench/bench_pages.py` (or `make bench`); `--no-write` measures "
        "without updating this file, `--only pages` or `--only load`, `--load-minutes N`.",
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-write", action="store_true", help="do not update RESULTS.md")
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--load-minutes", type=float, default=10.0)
    parser.add_argument("--only", choices=("pages", "load"))
    args = parser.parse_args()
    url = bench_database_url()
    os.environ["DATABASE_URL"] = url
    generate.ensure_dataset(url)
    generate_cases.ensure_cases(url)
    from bench import dashboard_population

    dashboard_population.ensure(url)
    configure(url)
    who = people()
    facts = data_facts()
    started = datetime.now()
    pages = load = found = None
    if args.only != "load":
        pages, found = measure_pages(who, args.runs)
        for page in pages:
            print(f"{page.persona or 'floor':18} {page.label:45} {_cell(page)}")
    if args.only != "pages":
        if found is None:
            found = samples(who)
            forget_drafts(found)
        load = measure_load(who, found.ssid, args.load_minutes)
        print(
            f"load: {len(load.latencies)} pages, {len(load.errors)} errors, p95 "
            f"{p95(load.latencies):.0f} ms, {load.rps:.1f}/s (bare {load.bare_rps:.0f}/s)"
        )
    facts["Took"] = f"{(datetime.now() - started).total_seconds() / 60:.0f} min"
    text, ok = report(pages, load, facts)
    print(text)
    if not args.no_write:
        write_section(SECTION, text)
        if pages:
            chart(pages, CHART, page_target_ms=PAGE_TARGET_MS, floor_target_ms=FLOOR_TARGET_MS)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
