"""The fault test (scripts/fault_test.py) as a slow test: uvicorn on a loopback port, 20
writers, the server killed with SIGKILL at random moments and restarted; every acknowledged
write is there exactly once afterwards, and integrity_check is ok. It runs on the database of
the suite: SQLite, or PostgreSQL when TRACKTWO_TEST_DATABASE_URL is set."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "fault_test.py"
PG_URL = os.environ.get("TRACKTWO_TEST_DATABASE_URL", "")


def _load():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("fault_test", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["fault_test"] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
@pytest.mark.timeout(330)
def test_no_acknowledged_write_is_lost_when_the_server_is_killed(tmp_path: Path) -> None:
    fault_test = _load()
    url = PG_URL or f"sqlite:///{tmp_path / 'fault.db'}"
    figures = fault_test.run(
        url,
        rounds=int(os.environ.get("TRACKTWO_FAULT_ROUNDS", "4")),
        writers=20,
        min_up=0.5,
        max_up=2.0,
        workdir=tmp_path,
        budget=float(os.environ.get("TRACKTWO_FAULT_BUDGET", "150")),
    )
    print("\n" + figures.report())
    assert figures.kills >= 2, "a budget too small for two rounds proves little"
    assert figures.acknowledged > 20, "the writers should have got through between kills"
    assert figures.lost == 0
    assert figures.duplicates == 0
    assert figures.wrong_author == 0
    assert figures.reaction_mismatches == 0
    assert figures.tally_mismatches == 0
    assert figures.refused == 0
    assert figures.integrity == ("n/a" if PG_URL else "ok")
    assert figures.ok
