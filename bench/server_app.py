"""What the benchmarks' gunicorn (bench/server_settings.py) has and production has not: a
middleware that logs each request's query count and database time to a file (the benchmark
reads it after the run; a response header would miss what a streamed export queries), and the
bare-Django baseline view, one indexed query, at /bench/baseline/<ssid>/.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.urls import include, path

QUERY_LOG = os.environ.get("BENCH_QUERY_LOG", "")
REQUEST_HEADER = "HTTP_X_BENCH_REQUEST"


class _Timer:
    def __init__(self) -> None:
        self.count = 0
        self.seconds = 0.0

    def __call__(self, execute: Callable, sql: str, params: Any, many: bool, context: Any):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - start
            self.count += 1


class QueryLogMiddleware:
    """For a request carrying X-Bench-Request: <id>, append "<id> <queries> <db ms>" to
    $BENCH_QUERY_LOG/<pid> once the response is complete (after a streamed body's last chunk)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request.META.get(REQUEST_HEADER)
        if not request_id or not QUERY_LOG:
            return self.get_response(request)
        timer = _Timer()
        connection.execute_wrappers.append(timer)
        try:
            response = self.get_response(request)
        except BaseException:
            connection.execute_wrappers.remove(timer)
            raise
        if response.streaming:
            response.streaming_content = self._streamed(
                response.streaming_content, timer, request_id
            )
        else:
            self._done(timer, request_id)
        return response

    def _streamed(self, chunks: Iterator[bytes], timer: _Timer, request_id: str) -> Iterator[bytes]:
        try:
            yield from chunks
        finally:
            self._done(timer, request_id)

    def _done(self, timer: _Timer, request_id: str) -> None:
        if timer in connection.execute_wrappers:
            connection.execute_wrappers.remove(timer)
        line = f"{request_id} {timer.count} {timer.seconds * 1000:.3f}\n"
        with (Path(QUERY_LOG) / str(os.getpid())).open("a", encoding="ascii") as log:
            log.write(line)


def baseline(request: HttpRequest, ssid: str) -> HttpResponse:
    """Bare Django: one query on a unique index, a few bytes of text; no template, no session."""
    from students.models import Student

    found = Student.objects.filter(ssid=ssid).values_list("grade", flat=True).first()
    return HttpResponse(f"grade {found}\n", content_type="text/plain")


urlpatterns = [
    path("bench/baseline/<str:ssid>/", baseline),
    path("", include("stairs_site.urls")),
]
