"""`make run` on a copy of this checkout: the demo as its users see it, and a local configuration
behind it with which the README's commands work as printed (issue 7, B2 and B3)."""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import Message
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# What a fresh clone does not have; .venv is linked to this suite's own, already installed.
NOT_COPIED = shutil.ignore_patterns(
    ".git", ".venv", ".env", "db.sqlite3", "staticfiles", "test-results", "sent-mail",
    "__pycache__", "node_modules", "docs",
)  # fmt: skip


@dataclass
class Checkout:
    folder: Path
    url: str
    env: dict[str, str]

    def run(self, command: str, **kwargs) -> subprocess.CompletedProcess:
        return subprocess.run(
            ["bash", "-c", command],
            cwd=self.folder,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
            **kwargs,
        )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect (to https, say) is an answer to look at, not to follow


_opener = urllib.request.build_opener(_NoRedirects)


def _get(url: str) -> tuple[int, Message, str]:
    try:
        with _opener.open(url, timeout=10) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


@pytest.fixture(scope="module")
def quick_start(tmp_path_factory) -> Checkout:
    folder = tmp_path_factory.mktemp("quick-start") / "stairs"
    shutil.copytree(ROOT, folder, ignore=NOT_COPIED)
    (folder / ".venv").symlink_to(Path(sys.prefix))
    # A clean environment, as in a new terminal: nothing of the suite's settings.
    env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"), "LANG": "C.UTF-8"}
    port = _free_port()
    log = (folder.parent / "make-run.log").open("w")
    server = subprocess.Popen(
        ["make", "run", f"PORT={port}"],
        cwd=folder,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 300
        while True:
            try:
                if _get(f"{url}/accounts/sign-in/")[0] == 200:
                    break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail("make run did not serve:\n" + Path(log.name).read_text()[-3000:])
            time.sleep(0.5)
        yield Checkout(folder=folder, url=url, env=env)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        log.close()


def test_unknown_address_gets_the_products_404_page(quick_start):
    status, _, page = _get(f"{quick_start.url}/no-such-page/")
    assert status == 404
    assert "· STAIRS (demo)</title>" in page
    assert 'href="/"' in page  # a way back
    # Neither Django's debug page (URL patterns) nor its bare production page.
    assert "URLconf" not in page and "DEBUG = True" not in page
    assert "Demo site." in page  # the ribbon: nobody mistakes the demo for the live STAIRS
    assert "The requested resource was not found on this server." not in page


def test_debug_is_off_and_static_files_come_from_whitenoise(quick_start):
    status, _, page = _get(f"{quick_start.url}/accounts/sign-in/")
    assert status == 200
    # Hashed names come from the manifest that collectstatic wrote: DEBUG is off.
    stylesheet = re.search(r'href="(/static/css/stairs\.[0-9a-f]{12}\.css)"', page)
    assert stylesheet, page
    status, headers, _ = _get(quick_start.url + stylesheet[1])
    assert status == 200
    assert headers["Content-Type"].startswith("text/css")
    assert "max-age=315360000" in headers["Cache-Control"]  # whitenoise's immutable files


def test_plain_http_on_loopback_works(quick_start):
    status, headers, _ = _get(f"{quick_start.url}/accounts/sign-in/")
    assert status == 200  # not redirected to https
    assert "Strict-Transport-Security" not in headers
    cookies = headers.get_all("Set-Cookie")
    assert cookies and not any("Secure" in cookie for cookie in cookies)  # sent back over http


def test_local_settings_are_written_once_and_ignored_by_git(quick_start):
    settings = (quick_start.folder / ".env").read_text()
    assert "DEBUG=false" in settings
    assert re.search(r"^SECRET_KEY=\S{50,}$", settings, re.M)
    assert (quick_start.folder / ".env").stat().st_mode & 0o077 == 0
    again = quick_start.run(".venv/bin/python scripts/write-local-env .env")
    assert again.returncode == 0
    assert (quick_start.folder / ".env").read_text() == settings
    local_files = [".env", "db.sqlite3", "staticfiles/"]
    ignored = subprocess.run(
        ["git", "check-ignore", *local_files], cwd=ROOT, capture_output=True, text=True
    )
    assert ignored.stdout.split() == local_files


def test_the_readme_rules_example_works_as_printed(quick_start):
    readme = (ROOT / "README.md").read_text()
    example = re.search(r"^\$ (echo .*?manage\.py stairs_rules)$", readme, re.M | re.S)
    assert example, "the README's stairs_rules example"
    command = example[1].replace("\\\n", " ")
    assert ".venv/bin/python manage.py stairs_rules" in command
    result = quick_start.run(command)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)[0]["appeal"] == "RESET"


def test_the_readme_roster_import_works_as_printed(quick_start):
    readme = (ROOT / "README.md").read_text()
    printed = re.search(r"`(\.venv/bin/python manage\.py import_roster FILE[^`]*)`", readme)
    assert printed, "the README's import_roster command"
    roster = quick_start.folder.parent / "roster.csv"
    roster.write_text(
        "ssid,last_name,first_name,birth_date,grade,school_cds\n"
        "9100000001,Quick,Start,2016-05-01,4,99000016000001\n"
    )
    # The demo's Los Robles Unified (seeded by make run) imports into its elementary school.
    command = printed[1].replace("FILE", str(roster)).replace("CDS", "99000010000000")
    result = quick_start.run(command)
    assert result.returncode == 0, result.stderr
    assert "Imported roster.csv for Los Robles Unified" in result.stdout


def test_an_empty_env_file_setting_reads_no_local_settings(quick_start):
    # make test sets ENV_FILE empty, so a checkout's demo .env never reaches the suite.
    result = quick_start.run("ENV_FILE= .venv/bin/python manage.py check")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off." in result.stderr
    assert quick_start.run(".venv/bin/python manage.py check").returncode == 0
