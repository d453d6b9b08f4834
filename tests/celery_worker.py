"""A real Celery worker on the local Redis, for the integration tests (style.md: one integration
test runs a real worker), started against the test database and sending email to files."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]


def start_worker(mail_dir: Path) -> subprocess.Popen:
    """A solo-pool worker on this test run's database and Redis; its email lands in
    ``mail_dir``. The caller stops it (terminate, wait) and may read its output."""
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": settings.REDIS_URL,
        "EMAIL_URL": f"filemail://{mail_dir}",
    }
    command = [sys.executable, "-m", "celery", "-A", "stairs_site", "worker", "--pool", "solo"]
    command += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
    return subprocess.Popen(
        [*command, "--loglevel", "INFO"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
