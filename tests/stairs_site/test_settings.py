"""Settings come from the environment; production settings pass Django's deploy checks."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    unset = {"DEBUG", "SECURE_SSL_REDIRECT", "DJANGO_ALLOW_ASYNC_UNSAFE", "EMAIL_URL", "TESTING"}
    base = {k: v for k, v in os.environ.items() if k not in unset}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_reports_nothing_with_debug_off():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        SECRET_KEY="a-long-random-production-secret-key-" + "x" * 40,
        ALLOWED_HOSTS="stairs.example.org",
        EMAIL_URL="smtp+tls://stairs:secret@smtp.example.org:587",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_secret_key_is_required_with_debug_off():
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={**env, "DEBUG": "false", "SECRET_KEY": ""},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off." in result.stderr


@pytest.mark.parametrize("variable", ["DATABASE_URL", "REDIS_URL"])
def test_production_refuses_to_fall_back_to_the_quick_start(variable):
    env = {k: v for k, v in os.environ.items() if k != variable}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={**env, "DEBUG": "false", "SECRET_KEY": "x" * 50},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert f"{variable} must be set when DEBUG is off." in result.stderr


def test_quick_start_defaults_to_sqlite_in_process_tasks_and_console_email():
    code = (
        "from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE']);"
        "print(s.CELERY_TASK_ALWAYS_EAGER);"
        "print(s.MAILERS['default']['BACKEND']);"
        "print(s.TIME_ZONE)"
    )
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "EMAIL_URL", "SECRET_KEY"}
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", code],
        cwd=ROOT,
        env={**env, "DEBUG": "true"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        "True",
        "django.core.mail.backends.console.EmailBackend",
        "America/Los_Angeles",
    ]


def test_email_url_becomes_an_smtp_mailer():
    code = "from django.conf import settings as s; print(s.MAILERS['default'])"
    result = _manage(
        "shell",
        "-v",
        "0",
        "-c",
        code,
        DEBUG="true",
        EMAIL_URL="smtp+tls://user:pw@mail.example.org:587",
    )
    assert result.returncode == 0, result.stderr
    assert "'host': 'mail.example.org'" in result.stdout
    assert "'port': 587" in result.stdout
    assert "'use_tls': True" in result.stdout


@pytest.mark.django_db
def test_pages_carry_csp_frame_and_referrer_headers(client, tree):
    response = client.get(reverse("accounts:login"))
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self' 'nonce-" in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    # htmx's script tag carries the nonce of this response's policy.
    nonce = csp.split("'nonce-", 1)[1].split("'", 1)[0]
    assert f'nonce="{nonce}"' in response.content.decode()


@pytest.mark.skipif(shutil.which("docker") is None, reason="no docker client on this machine")
def test_docker_compose_file_parses():
    probe = subprocess.run(["docker", "compose", "version"], capture_output=True, text=True)
    if probe.returncode != 0:
        pytest.skip("the docker client has no compose plugin here")
    result = subprocess.run(
        ["docker", "compose", "config", "--quiet"],
        cwd=ROOT,
        env={**os.environ, "SECRET_KEY": "compose-config-check"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr


def test_docker_compose_declares_every_service():
    yaml = pytest.importorskip("yaml")
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    assert set(compose["services"]) == {"postgres", "redis", "web", "worker", "beat", "mail"}
    assert "gunicorn" in compose["services"]["web"]["command"]


def test_access_log_leaves_out_query_strings():
    # A name search is a query string; names never go to logs.
    namespace: dict = {}
    exec((ROOT / "stairs_site" / "gunicorn.conf.py").read_text(), namespace)
    log_format = namespace["access_log_format"]
    assert "%(U)s" in log_format
    assert "%(r)s" not in log_format and "%(q)s" not in log_format
    assert "gunicorn.conf.py" in (ROOT / "Dockerfile").read_text()
    assert "gunicorn.conf.py" in (ROOT / "docker-compose.yml").read_text()


def _settings_of(code: str, **env: str) -> list[str]:
    result = _manage("shell", "-v", "0", "-c", code, **env)
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_production_keeps_its_connections_and_reads_sessions_from_redis():
    # bench/RESULTS.md, "Every page at state scale": a PostgreSQL backend per request and the
    # session's query were most of a signed-in page's floor.
    code = (
        "from django.conf import settings as s; d = s.DATABASES['default'];"
        "print(d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'], d['OPTIONS']['options']);"
        "print(s.SESSION_ENGINE, s.CACHES['default']['BACKEND'])"
    )
    found = _settings_of(
        code,
        DEBUG="false",
        SECRET_KEY="a-long-random-production-secret-key-" + "x" * 40,
        DATABASE_URL="postgres://stairs@db.example.org:5432/stairs",
        REDIS_URL="redis://cache.example.org:6379/0",
    )
    assert found == [
        "600",
        "True",
        "-c",
        "work_mem=16MB",
        "django.contrib.sessions.backends.cached_db",
        "django.core.cache.backends.redis.RedisCache",
    ]


def test_without_a_shared_cache_sessions_stay_in_the_database():
    # A per-process cache would let one worker serve a session that another signed out.
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DATABASE_URL"}}
    code = "from django.conf import settings as s; print(s.SESSION_ENGINE)"
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", code],
        cwd=ROOT,
        env={**env, "DEBUG": "true", "TESTING": "false", "ENV_FILE": ""},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.contrib.sessions.backends.db"]
