"""The load run of bench/bench_pages.py: ``LOAD_USERS`` coordinators at once (the LEA and site
coordinator personas and the filers of the next LEAs), each in its own thread and session, walk
the coordinator's journey with a think time of ``THINK_S`` between clicks until the deadline;
the bare view's throughput is measured just before, by as many clients without think time."""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass
from typing import Any

from bench.live import BENCH_PASSWORD, BenchFailure, LiveServer, bench_password_hash
from bench.population import BIG_LEA_ID
from bench.results import bench_database_url, p95

LOAD_USERS = 50
THINK_S = (1.0, 3.0)  # uniform: a coordinator in a hurry clicks every two seconds on average
BARE_LOAD_S = 20


NAME = "name"  # in a walker's path: a student search by this name


@dataclass
class Walker:
    """One coordinator's journey: the pages they click through, over and over."""

    email: str
    paths: list[tuple[str, dict[str, str]]]


def walkers(who: dict[str, Any]) -> list[Walker]:
    """The two coordinator personas and the filers of the next 48 LEAs that filed cases, each
    with a student, a case and a name of their own scope."""
    from django.urls import reverse

    from accounts.models import User
    from bench.case_population import filer_for
    from incidents.case_models import Case
    from students.queries import students_for

    users = [who["LEA coordinator"], who["site coordinator"]]
    lea_id = BIG_LEA_ID + 1
    while len(users) < LOAD_USERS:
        user = User.objects.filter(pk=filer_for(lea_id)).first()
        lea_id += 1
        if user is not None:
            users.append(user)
    User.objects.filter(pk__in=[u.pk for u in users]).update(password=bench_password_hash())
    found_walkers = []
    for user in users:
        student = students_for(user).order_by("pk").first()
        case = Case.objects.filter(created_by=user).exclude(status="DRAFT").order_by("pk").first()
        ssid = student.ssid
        paths = [
            ("/", {}),
            (reverse("students:search"), {NAME: student.last_name}),
            (reverse("students:search"), {"q": ssid}),
            (reverse("students:detail", args=[ssid]), {}),
            (reverse("students:tests", args=[ssid]), {}),
            (reverse("students:score_status", args=[ssid]), {}),
            (reverse("incidents:search"), {}),
            (reverse("incidents:search"), {"ssid": ssid}),
            (reverse("appeals:search"), {}),
            (reverse("notifications:list"), {}),
        ]
        if case is not None:
            paths.insert(7, (reverse("incidents:detail", args=[case.pk]), {}))
        found_walkers.append(Walker(user.email, paths))
    return found_walkers


@dataclass
class LoadResult:
    users: int
    seconds: float
    latencies: list[float]
    errors: list[str]
    bare_rps: float
    bare_p95: float

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.seconds


def _bare_throughput(server: LiveServer, ssid: str, clients: int) -> tuple[float, float]:
    """Requests per second of the bare view with ``clients`` threads and no think time."""
    deadline = time.monotonic() + BARE_LOAD_S
    latencies: list[float] = []
    lock = threading.Lock()

    def run() -> None:
        client = server.client()
        while time.monotonic() < deadline:
            timed = client.get(f"/bench/baseline/{ssid}/")
            with lock:
                latencies.append(timed.ms)

    start = time.monotonic()
    threads = [threading.Thread(target=run) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(latencies) / (time.monotonic() - start), p95(latencies)


def measure_load(who: dict[str, Any], ssid: str, minutes: float) -> LoadResult:
    """The load run; ``ssid`` is the bare view's."""
    people_walking = walkers(who)
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    with LiveServer(bench_database_url()) as server:
        bare_rps, bare_p95 = _bare_throughput(server, ssid, LOAD_USERS)
        clients = []
        for walker in people_walking:
            client = server.client()
            client.sign_in(walker.email, BENCH_PASSWORD)
            clients.append(client)
        start = time.monotonic()
        deadline = start + minutes * 60

        def walk(walker: Walker, client: Any, seed: int) -> None:
            rng = random.Random(seed)
            time.sleep(rng.uniform(0, THINK_S[1]))  # not all at the same instant
            while time.monotonic() < deadline:
                for path, params in walker.paths:
                    if time.monotonic() >= deadline:
                        return
                    try:
                        if NAME in params:  # posted, then the results page it redirects to
                            key, posted_ms = client.search_by_name(path, params[NAME])
                            with lock:
                                latencies.append(posted_ms)
                            params = {"search": key}
                        timed = client.get(path, params)
                        problem = None if timed.status == 200 else f"HTTP {timed.status}"
                    except (OSError, BenchFailure) as error:
                        timed, problem = None, f"{type(error).__name__}: {error}"
                    with lock:
                        if problem:
                            errors.append(f"{walker.email} {path}: {problem}")
                        else:
                            latencies.append(timed.ms)
                    time.sleep(rng.uniform(*THINK_S))

        threads = [
            threading.Thread(target=walk, args=(w, c, n), daemon=True)
            for n, (w, c) in enumerate(zip(people_walking, clients, strict=True))
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=minutes * 60 + 120)
        seconds = time.monotonic() - start
    return LoadResult(len(people_walking), seconds, latencies, errors, bare_rps, bare_p95)
