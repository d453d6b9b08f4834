"""`make test` says in one line which server is missing before running anything."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _check(**env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "scripts/check-services"],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=30,
    )


def test_reachable_servers_pass():
    result = _check()
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


def test_each_missing_server_is_named_in_one_line():
    result = _check(
        DATABASE_URL="postgres://postgres@127.0.0.1:1/stairs", REDIS_URL="redis://127.0.0.1:2/0"
    )
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("PostgreSQL is not reachable at 127.0.0.1:1 (DATABASE_URL)")
    assert "pg_ctlcluster" in lines[0]
    assert lines[1].startswith("Redis is not reachable at 127.0.0.1:2 (REDIS_URL)")
