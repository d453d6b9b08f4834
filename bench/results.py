"""What every benchmark shares: the bench database, the machine and database server it ran on,
percentiles, and its own section of RESULTS.md."""

from __future__ import annotations

import os
import platform
import re
import statistics
from pathlib import Path
from urllib.parse import urlsplit

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def write_section(heading: str, text: str) -> None:
    """Replace only the section under ``heading`` (up to the next "## " heading or the end)."""
    old = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmarks\n"
    pattern = re.compile(rf"^{re.escape(heading)}\n.*?(?=^## |\Z)", re.S | re.M)
    block = text.rstrip("\n") + "\n\n"
    if pattern.search(old):
        new = pattern.sub(lambda _: block, old)
    else:
        new = old.rstrip("\n") + "\n\n" + block
    RESULTS.write_text(new.rstrip("\n") + "\n", encoding="utf-8")


def bench_database_url() -> str:
    """stairs_bench on the server of DATABASE_URL (what `make bench` sets), never its database."""
    if url := os.environ.get("BENCH_DATABASE_URL"):
        return url
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        return urlsplit(url)._replace(path="/stairs_bench").geturl()
    from bench.population import DEFAULT_URL

    return DEFAULT_URL


def configure(url: str) -> None:
    """Settings as production reads them, pointed at the bench database."""
    os.environ["DATABASE_URL"] = url
    os.environ["DEBUG"] = "false"  # DEBUG would record every query
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/0")  # configured, never used
    os.environ.setdefault("TESTING", "true")  # static files from the finders, no manifest
    os.environ["SECURE_SSL_REDIRECT"] = "false"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stairs_site.settings")
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]


def server_facts() -> str:
    """The PostgreSQL server of Django's default connection and the settings that matter."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0].split()[0]
        settings = []
        for name in ("shared_buffers", "work_mem", "random_page_cost", "jit"):
            cursor.execute(f"SHOW {name}")
            settings.append(f"{name}={cursor.fetchone()[0]}")
    return (
        f"PostgreSQL {version} ({', '.join(settings)}; the server's stock configuration, "
        "work_mem as the application's connections set it)"
    )


def p50(values: list[float]) -> float:
    return statistics.median(values)


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[-1]
