"""The lock files: every install (make run, make test, CI, the Dockerfile) takes its versions from
requirements/*.txt. This environment must hold exactly the locked versions, every locked
package must carry hashes, and the lock must cover what pyproject.toml asks for."""

from __future__ import annotations

import re
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
LOCKS = ROOT / "requirements"


def _entries(path: Path) -> list[tuple[Requirement, list[str]]]:
    """(requirement, hashes) for each pinned entry of a pip-compile style hashed file."""
    text = path.read_text(encoding="utf-8")
    entries: list[tuple[Requirement, list[str]]] = []
    # An entry: a line starting with a name, continued by backslashes; comments follow.
    for block in re.split(r"\n(?=[A-Za-z0-9])", "\n" + text):
        block = block.strip()
        if not block or block.startswith("#"):
            continue
        logical = block.replace("\\\n", " ").split("\n", 1)[0]
        spec = logical.split(" --hash")[0].strip()
        entries.append((Requirement(spec), re.findall(r"--hash=sha256:[0-9a-f]{64}", logical)))
    return entries


def _pins(path: Path, *, here_only: bool) -> dict[str, str]:
    pins: dict[str, str] = {}
    for req, _ in _entries(path):
        if here_only and req.marker is not None and not req.marker.evaluate():
            continue
        (spec,) = req.specifier
        assert spec.operator == "==", f"{path.name}: {req} is not pinned"
        pins[canonicalize_name(req.name)] = spec.version
    return pins


@pytest.mark.parametrize("name", ["run.txt", "dev.txt", "uv.txt"])
def test_every_locked_package_is_pinned_with_hashes(name: str) -> None:
    entries = _entries(LOCKS / name)
    assert len(entries) >= 1
    for req, hashes in entries:
        assert len(req.specifier) == 1 and next(iter(req.specifier)).operator == "=="
        assert hashes, f"{name}: {req.name} has no hash"


def test_this_environment_holds_exactly_the_locked_versions() -> None:
    wanted = _pins(LOCKS / "dev.txt", here_only=True) | _pins(LOCKS / "uv.txt", here_only=True)
    wrong = {}
    for name, version in wanted.items():
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            installed = "missing"
        if installed != version:
            wrong[name] = f"locked {version}, installed {installed}"
    assert not wrong, f"not the locked versions (run `make test` to sync .venv): {wrong}"


def test_run_and_dev_locks_agree() -> None:
    run = _pins(LOCKS / "run.txt", here_only=False)
    dev = _pins(LOCKS / "dev.txt", here_only=False)
    assert set(run) <= set(dev)
    assert {n: v for n, v in run.items() if dev[n] != v} == {}


def test_the_lock_covers_pyproject() -> None:
    """A dependency added to pyproject.toml without `make lock` fails here."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    run = _pins(LOCKS / "run.txt", here_only=False)
    dev = _pins(LOCKS / "dev.txt", here_only=False)
    extras = project["optional-dependencies"]
    for spec, lock in [
        *((s, run) for s in project["dependencies"] + extras["export"]),
        *((s, dev) for s in project["dependencies"] + extras["export"] + extras["dev"]),
    ]:
        req = Requirement(spec)
        name = canonicalize_name(req.name)
        assert name in lock, f"{req.name} is not in the lock: run `make lock`"
        assert req.specifier.contains(lock[name]), f"locked {name} {lock[name]} breaks {spec}"
