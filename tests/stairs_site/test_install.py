"""Installs are reproducible: one lock file, one uv version, bounded dependencies."""

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
UV = Path(sys.prefix) / "bin" / "uv"


def _every_requirement() -> list[Requirement]:
    project = PYPROJECT["project"]
    texts = list(project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        texts += extra
    texts += PYPROJECT["build-system"]["requires"]
    return [Requirement(text) for text in texts]


def test_every_dependency_has_a_compatible_upper_bound():
    # A new major release is taken on purpose, by a change to pyproject.toml and the lock.
    unbounded = [
        str(req)
        for req in _every_requirement()
        if not any(spec.operator in {"<", "<=", "==", "~="} for spec in req.specifier)
    ]
    assert unbounded == []


def test_the_makefile_dockerfile_and_pyproject_name_one_uv_version():
    makefile = re.search(r"^UV_VERSION := (\S+)$", (ROOT / "Makefile").read_text(), re.M)
    dockerfile = re.search(r"^ARG UV_VERSION=(\S+)$", (ROOT / "Dockerfile").read_text(), re.M)
    assert makefile and dockerfile
    assert makefile[1] == dockerfile[1]
    assert PYPROJECT["tool"]["uv"]["required-version"] == f"=={makefile[1]}"
    lock = tomllib.loads((ROOT / "uv.lock").read_text())
    assert [package["version"] for package in lock["package"] if package["name"] == "uv"] == [
        makefile[1]
    ]


def test_installs_read_the_lock_without_resolving_again():
    assert "sync --frozen" in (ROOT / "Makefile").read_text()
    assert "sync --frozen" in (ROOT / "Dockerfile").read_text()
    # Every dependency of the project is in the lock.
    lock = tomllib.loads((ROOT / "uv.lock").read_text())
    locked = {package["name"] for package in lock["package"]}
    direct = {req.name.lower() for req in _every_requirement()} - {"setuptools"}
    assert direct <= locked


def _lock_check(folder: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [UV, "lock", "--check", "--offline", "--python", sys.executable],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_lock_check_fails_when_pyproject_and_the_lock_disagree(tmp_path):
    # `make lint` runs the same check on the repository itself.
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    shutil.copy(ROOT / "uv.lock", tmp_path)
    assert _lock_check(tmp_path).returncode == 0, _lock_check(tmp_path).stderr
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('"pyyaml>=6,<7"', '"pyyaml>=6.0.1,<7"'))
    result = _lock_check(tmp_path)
    assert result.returncode != 0
    # uv says so in one of two ways: the lock "needs to be updated" when its cache holds the
    # new range's metadata, or "No solution found" offline when it does not. The unchanged pair
    # passed the same offline check above, so either refusal is the disagreement's.
    assert "needs to be updated" in result.stderr or "No solution found" in result.stderr
