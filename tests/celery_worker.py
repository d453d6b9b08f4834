"""A real Celery worker on the local Redis, for the integration tests (style.md: one integration
test runs a real worker), started against the test database and sending email to files."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection

from stairs_site.celery import app

ROOT = Path(__file__).resolve().parents[1]


def start_worker(mail_dir: Path, redis_url: str = "") -> subprocess.Popen:
    """A solo-pool worker on this test run's database and Redis (or ``redis_url``); its email
    lands in ``mail_dir``. The caller stops it (terminate, wait) and may read its output."""
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": redis_url or settings.REDIS_URL,
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


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


class PrivateRedis:
    """A Redis server of the test's own on a free port, which the test may stop and start
    again (the shared one on 6379 must stay up for everything else)."""

    def __init__(self) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        server = shutil.which("redis-server") or "redis-server"
        options = ["--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        self.process = subprocess.Popen(
            [server, "--port", str(self.port), *options],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process)
            self.process = None


@contextmanager
def broker(url: str) -> Iterator[None]:
    """This process's Celery producer publishes to ``url`` inside the block. Celery caches its
    connection and producer pools, so both are dropped on the way in and out."""
    previous = app.conf.broker_write_url

    def reset() -> None:
        app._pool = None
        app.amqp._producer_pool = None

    app.conf.broker_write_url = url
    reset()
    try:
        yield
    finally:
        app.conf.broker_write_url = previous
        reset()


def wait_until_sent(row, worker: subprocess.Popen, seconds: float = 60) -> None:
    """Wait for the worker to mark the outbox ``row`` sent; fail with its output if it dies
    or takes longer than ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        row.refresh_from_db()
        if row.status == "SENT":
            return
        assert worker.poll() is None, worker.stdout.read()
        time.sleep(0.25)
    raise AssertionError(f"the worker did not send notification {row.pk} in {seconds:.0f} s")
