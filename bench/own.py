"""What finding "mine" costs a participant's proposals listing, by how many pending proposals
others have written: numbered tags (app/policy/mine.py) against the per-id tags that legacy
workshops keep, in one run, in process, on SQLite. Prints the median time of the listing and
its ratio to the same listing with no one else's proposal pending (the baseline of its row).

    .venv/bin/python -m bench.own [--others 0,50,200,800] [--repeat 30]

Seeds through the application's own write paths (the test factories and proposals.submit).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from app.config import Settings
from app.db import Database
from app.migrate import upgrade
from app.policy import Viewer
from tests.factories import World, make_world
from tests.room.conftest import add_agenda
from tests.room.helpers import listing, open_round, participant_viewer, submit

OWN = 3  # the reader's own pending proposals


def _world(directory: Path, scheme: str) -> tuple[World, str]:
    url = f"sqlite:///{directory / f'{scheme}.db'}"
    upgrade(url)
    settings = Settings(env="test", database_url=url, htmx_source="local")
    world = make_world(settings, Database(settings), status="live", participants_per_party=3)
    with world.database.transaction() as db:
        workshop = db.get(type(world.workshop), world.workshop.id)
        assert workshop is not None
        workshop.proposal_tags = scheme
        db.add(workshop)
    contribution, _plenary, _on_record = add_agenda(world)
    open_round(world, contribution.id)
    return world, contribution.id


def _median_ms(world: World, reader: Viewer, item_id: str, repeat: int) -> float:
    for _ in range(5):  # warm: the statement cache, the key, the first pages
        listing(world, reader, item_id)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        listing(world, reader, item_id)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def run(others: list[int], repeat: int) -> list[tuple[str, int, float]]:
    rows: list[tuple[str, int, float]] = []
    with tempfile.TemporaryDirectory(prefix="tracktwo-own-") as tmp:
        for scheme in ("sequence", "legacy"):
            world, item_id = _world(Path(tmp), scheme)
            reader = participant_viewer(world, 0)
            writer = participant_viewer(world, 1)
            for n in range(OWN):
                submit(world, reader, f"mine {n}")
            written = 0
            for target in sorted(others):
                while written < target:
                    submit(world, writer, f"theirs {written}")
                    written += 1
                rows.append((scheme, target, _median_ms(world, reader, item_id, repeat)))
            world.database.dispose()
    return rows


def table(rows: list[tuple[str, int, float]]) -> str:
    base = {scheme: ms for scheme, n, ms in rows if n == min(r[1] for r in rows)}
    lines = [f"{'tags':10} {'others pending':>15} {'listing ms':>11} {'× none':>8}", "-" * 47]
    for scheme, n, ms in rows:
        lines.append(f"{scheme:10} {n:>15} {ms:>11.2f} {ms / base[scheme]:>8.2f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--others", default="0,50,200,800")
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args(argv)
    others = [int(n) for n in args.others.split(",")]
    print(table(run(others, args.repeat)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
