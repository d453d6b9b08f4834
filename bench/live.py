"""A real server for the HTTP benchmarks: gunicorn with 2 workers on production's settings
(bench/server_settings.py) over the bench database, and a client that signs in through the
sign-in form as a person would, then times whole requests over the loopback.

    with LiveServer(database_url) as server:
        client = server.client()
        client.sign_in(email, password)
        timed = client.get("/cases/")   # Timed(status, headers, body, ms, request_id)
        server.queries()                 # {request_id: (queries, db ms)}
        server.worker_rss_kb()           # {pid: VmRSS} of the workers
"""

from __future__ import annotations

import http.client
import itertools
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
WORKERS = 2
_ids = itertools.count(1)


BENCH_PASSWORD = "bench-only-password-2026"  # set on the bench users only


def bench_password_hash() -> str:
    """BENCH_PASSWORD hashed as the server checks it: with PBKDF2, which production's settings
    list, not with the MD5 hasher that this process may have from TESTING (the server would
    refuse the sign-in)."""
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    hasher = PBKDF2PasswordHasher()
    return hasher.encode(BENCH_PASSWORD, hasher.salt())


class BenchFailure(SystemExit):
    """A page did not answer as expected: the benchmark stops and says which and why."""


@dataclass
class Timed:
    status: int
    headers: dict[str, str]
    body: bytes
    ms: float
    request_id: str


def server_env(database_url: str) -> dict[str, str]:
    """Production's environment for the bench server: DEBUG off, a secret, Redis configured
    (the bench's own database number), plain HTTP on the loopback (no TLS redirect)."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "false",
        "TESTING": "false",
        "ENV_FILE": "",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or "bench-only-secret-key-" + "x" * 40,
        "REDIS_URL": os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/6",
        "SECURE_SSL_REDIRECT": "false",
        "DJANGO_SETTINGS_MODULE": "bench.server_settings",
        "PYTHONPATH": str(ROOT),
    }


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LiveServer:
    def __init__(self, database_url: str) -> None:
        self.database_url = database_url
        self.port = _free_port()
        self.process: subprocess.Popen | None = None
        self.query_dir = Path(tempfile.mkdtemp(prefix="stairs-bench-queries-"))
        self.log_path = self.query_dir / "gunicorn.log"

    def __enter__(self) -> LiveServer:
        env = {**server_env(self.database_url), "BENCH_QUERY_LOG": str(self.query_dir)}
        # The manifest of hashed static files, as a deployment's collectstatic leaves it.
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        gunicorn = Path(sys.executable).with_name("gunicorn")
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                [
                    str(gunicorn),
                    "-c",
                    "stairs_site/gunicorn.conf.py",
                    "--bind",
                    f"127.0.0.1:{self.port}",
                    "--workers",
                    str(WORKERS),
                    "--preload",
                    "--no-control-socket",
                    "stairs_site.wsgi:application",
                ],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchFailure(f"gunicorn exited at start:\n{self.log_tail()}")
            try:
                if self.client().get("/bench/baseline/0/").status == 200 and self._all_up():
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        self.__exit__(None, None, None)
        raise BenchFailure(f"gunicorn did not answer within 60 s:\n{self.log_tail()}")

    def _all_up(self) -> bool:
        return len(self.worker_pids()) == WORKERS

    def __exit__(self, *exc) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.query_dir, ignore_errors=True)

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def client(self) -> Client:
        return Client(self.port)

    def worker_pids(self) -> list[int]:
        assert self.process is not None
        master = self.process.pid
        children = Path(f"/proc/{master}/task/{master}/children")
        try:
            return [int(pid) for pid in children.read_text().split()]
        except OSError:
            return []

    def worker_rss_kb(self) -> dict[int, int]:
        found = {}
        for pid in self.worker_pids():
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            match = re.search(r"^VmRSS:\s+(\d+) kB", status, re.M)
            if match:
                found[pid] = int(match.group(1))
        return found

    def queries(self) -> dict[str, tuple[int, float]]:
        """What QueryLogMiddleware logged: {request id: (queries, database ms)}."""
        found = {}
        for path in self.query_dir.iterdir():
            if not path.name.isdigit():
                continue
            for line in path.read_text(encoding="ascii").splitlines():
                request_id, count, ms = line.split()
                found[request_id] = (int(count), float(ms))
        return found


class Client:
    """One person's browser: cookies (sent back whatever their Secure flag, the server being
    plain HTTP on the loopback), a fresh connection per request as gunicorn's sync workers
    close each one."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(
        self,
        method: str,
        path: str,
        params: dict | None = None,
        form: dict | None = None,
        extra_headers: dict | None = None,
    ) -> Timed:
        if params:
            path = f"{path}?{urlencode(params)}"
        request_id = f"r{next(_ids)}"
        headers = {"X-Bench-Request": request_id, "Host": f"127.0.0.1:{self.port}"}
        headers |= extra_headers or {}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        start = time.perf_counter()
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            content = response.read()
        finally:
            conn.close()
        ms = (time.perf_counter() - start) * 1000
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        headers_out = {k.lower(): v for k, v in response.getheaders()}
        return Timed(response.status, headers_out, content, ms, request_id)

    def get(self, path: str, params: dict | None = None) -> Timed:
        return self.request("GET", path, params)

    def post(self, path: str, form: dict) -> Timed:
        return self.request("POST", path, form=form)

    def htmx_post(self, path: str, form: dict) -> Timed:
        """What htmx sends from a page: its headers, and the CSRF token of the cookie."""
        headers = {
            "HX-Request": "true",
            "X-CSRFToken": self.cookies.get("csrftoken", ""),
            "Referer": f"http://127.0.0.1:{self.port}{path}",
        }
        return self.request("POST", path, form=form, extra_headers=headers)

    def search_by_name(self, path: str, name: str) -> tuple[str, float]:
        """Post a name as the student search form does: the key of the results page it
        redirects to (``?search=<key>``: a name is never in an address), and the post's ms."""
        form = {"q": name, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")}
        headers = {"Referer": f"http://127.0.0.1:{self.port}{path}"}
        posted = self.request("POST", path, form=form, extra_headers=headers)
        found = re.search(r"[?&]search=([^&]+)", posted.headers.get("location", ""))
        if posted.status != 302 or found is None:
            raise BenchFailure(f"searching {path} by name: HTTP {posted.status}, no results key")
        return found.group(1), posted.ms

    def sign_in(self, email: str, password: str) -> None:
        """Through the real sign-in form: its page (CSRF cookie and token), then the POST."""
        page = self.get("/accounts/sign-in/")
        if page.status != 200:
            raise BenchFailure(f"sign-in page: HTTP {page.status}")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)
        if token is None:
            raise BenchFailure("sign-in page: no CSRF token in the form")
        done = self.post(
            "/accounts/sign-in/",
            {
                "csrfmiddlewaretoken": token.group(1).decode(),
                "username": email,
                "password": password,
            },
        )
        if done.status != 302:
            raise BenchFailure(f"signing in as {email}: HTTP {done.status}, not a redirect")
        home = self.get(done.headers["location"])
        if home.status != 200:
            raise BenchFailure(f"after signing in as {email}: HTTP {home.status}")
