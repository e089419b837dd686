"""Inference through the negotiating text (DESIGN.md, Anonymity 7): the adversary sees who
writes under which paragraph and who taps which mark. So what is listed beside a paragraph
never grows by fewer than the minimum batch, whatever the reveals and the moderation, and two
participants who differ only in what they marked or wrote receive pages and JSON of one size
and one content, apart from the state of their own mark controls."""

from __future__ import annotations

import re
from typing import Any

from sqlmodel import select

from app import policy
from app.ntext.models import MarkTally
from app.room import moderation
from tests.ntext.helpers import (
    critique,
    joined,
    mark,
    publish_text,
    read,
    start,
    text_world,
    viewers,
)
from tests.properties.views import mask
from tests.room.helpers import reveal, tx

NAMES = ["Alma", "Bert", "Cleo", "Dirk", "Edda", "Finn"]  # one length: names are on the page


def _listed(world: Any, viewer: Any, item_id: str) -> dict[int, list[tuple[str, str, int]]]:
    """Per paragraph number of the version in force: the critiques listed, as shown."""
    current = read(world, viewer, item_id).current
    assert current is not None
    return {p.number: [(c.id, c.text, c.mine) for c in p.critiques] for p in current.paragraphs}


def test_no_paragraph_list_grows_by_fewer_than_the_minimum(settings, database) -> None:  # type: ignore[no-untyped-def]
    world, item_id = text_world(settings, database, k=3, per_party=4)
    start(world, item_id)
    ids = publish_text(world, item_id, "One.\n\nTwo.\n\nThree.")
    people = viewers(world)
    watcher, fac = people[7], world.viewer("facilitator")  # wrote nothing, in the room
    minimum = policy.min_batch(world.workshop)
    seen: dict[int, set[str]] = {1: set(), 2: set(), 3: set()}
    made: dict[str, str] = {}

    def step() -> None:
        """After every change: each list grew by nothing or by at least the minimum, and the
        authors receive exactly what the watcher does."""
        now = _listed(world, watcher, item_id)
        for number, rows in now.items():
            new = {cid for cid, _text, _mine in rows} - seen[number]
            assert len(new) in (0, *range(minimum, 99)), (number, [made[c] for c in new])
            seen[number] = {cid for cid, _text, _mine in rows}
        for author in people[:6]:
            assert _listed(world, author, item_id) == now
        assert _listed(world, fac, item_id) == now

    batches = [
        [(0, 0), (1, 0), (2, 1)],  # two on §1, one on §2: nothing may be listed
        [(3, 0), (4, 1), (5, 1)],  # §1 and §2 now hold three each
        [(0, 0), (1, 0), (2, 2)],  # two more on §1 and one on §3: they wait
    ]
    for batch in batches:
        for who, paragraph in batch:
            text = f"Critique {len(made)} by {who}"
            made[critique(world, people[who], ids[paragraph], text)] = text
        assert reveal(world, item_id, override_reason=None) == 3
        step()
    assert len(seen[1]) == 3 and len(seen[2]) == 3 and not seen[3]
    # hiding one of §1's listed three must not let the two waiting ones out on their own
    with tx(world, fac) as (db, workshop):
        moderation.hide(
            db, viewer=fac, workshop=workshop, proposal_id=sorted(seen[1])[0], reason="Off topic"
        )
    step()


def test_author_and_non_author_receive_one_size_and_one_content(  # type: ignore[no-untyped-def]
    app, client, settings, database
) -> None:
    world, item_id = text_world(settings, database, k=3, per_party=3, names=NAMES)
    start(world, item_id)
    ids = publish_text(world, item_id, "One.\n\nTwo.\n\nThree.")
    url = f"/w/{world.workshop.id}/text/{item_id}"
    api = f"/api/v1/workshops/{world.workshop.id}/texts/{item_id}"
    author, other = joined(app, world, 0), joined(app, world, 1)  # one party
    author.post(f"{url}/paragraphs/{ids[0]}/mark", {"value": "disagree"})
    author.post(f"{url}/paragraphs/{ids[2]}/mark", {"value": "agree"})
    other.post(f"{url}/paragraphs/{ids[1]}/mark", {"value": "pass"})  # one mark fewer
    key = re.search(r'name="idempotency_key" value="([^"]+)"', author.get(url).text)
    assert key
    sent = author.post(
        f"{url}/paragraphs/{ids[0]}/critique",
        {"text": "Name who sits on the board", "idempotency_key": key.group(1)},
    )
    assert sent.status_code == 303
    for n, person in enumerate(viewers(world)[2:4]):
        critique(world, person, ids[0], f"Another view {n}")
    reveal(world, item_id, override_reason=None)

    got = {}
    for who, browser, name in (("author", author, NAMES[0]), ("other", other, NAMES[1])):
        page, data = browser.client.get(url), browser.client.get(api)
        assert page.status_code == 200 and data.status_code == 200
        assert "Name who sits on the board" in page.text
        got[who] = {
            "sizes": (len(page.content), len(data.content)),
            "page": mask(page.text, page.headers["content-type"], me=name),
            "json": mask(data.text, data.headers["content-type"], me=name),
        }
    assert got["author"]["sizes"] == got["other"]["sizes"]
    assert got["author"]["page"] == got["other"]["page"]
    assert got["author"]["json"] == got["other"]["json"]


def test_live_tallies_reach_only_the_staff_who_publish_them(settings, database) -> None:  # type: ignore[no-untyped-def]
    """The per-party counts of marks are read by one service: the facilitating staff taking a
    snapshot to publish. Anyone else who read them could difference two moments and learn one
    person's mark; the export audience never reads them; a draft has none to read."""
    world, item_id = text_world(settings, database, k=3, per_party=3)
    start(world, item_id)
    ids = publish_text(world, item_id, "One.\n\nTwo.")
    people = viewers(world)
    for n, person in enumerate(people):
        mark(world, person, ids[n % 2], "agree")
    readers = {
        "participant": people[0],
        "observer": world.viewer("observer"),
        "rapporteur": world.viewer("rapporteur"),
        "translator": world.viewer("translator"),
        "export": policy.export_audience(world.workshop.id),
    }
    with database.session() as db:
        for who, viewer in readers.items():
            seen = db.exec(policy.visible(select(MarkTally), viewer, MarkTally)).all()
            assert seen == [], who
        for role in ("facilitator", "organizer"):
            viewer = world.viewer(role)
            rows = db.exec(policy.visible(select(MarkTally), viewer, MarkTally)).all()
            assert sum(row.count for row in rows) == len(people), role
