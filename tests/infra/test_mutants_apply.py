"""Every safety mutant still applies to the code it breaks, and names tests that exist: a
stale mutant is an error of the mutation gate (`make mutants`), found here in seconds
instead of at the end of CI."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
MUTANTS = sorted((ROOT / "tests" / "mutants").glob("*.toml"))


def _gate() -> ModuleType:
    spec = importlib.util.spec_from_file_location("mutation_gate", ROOT / "scripts" / "mutants.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


GATE = _gate()


@pytest.mark.parametrize("path", MUTANTS, ids=[p.stem for p in MUTANTS])
def test_the_mutant_applies_and_names_tests_that_exist(path: Path) -> None:
    mutant = GATE.load(path)
    assert GATE.edited(mutant, ROOT)  # BadMutant if an `old` is not found exactly once
    for node in mutant.tests:
        assert (ROOT / node.split("::")[0]).is_file(), node
