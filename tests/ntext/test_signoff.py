"""Sign-off of a negotiating text as a whole: bound to the fingerprint of the version in force,
stale once another version is published, counted per party only in the tally and shown per
party only where every party has at least k; the signer's own state has one size; the summary
export states it in every format; bad input is a 4xx with a message."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from app.errors import Conflict
from app.ntext import service, signoff
from app.ntext.models import TextSignoff, TextSignoffTally
from app.summary import service as summary
from app.summary.formats.registry import FORMATS, render
from app.summary.present import SummaryExport
from tests.factories import Browser
from tests.ntext.helpers import joined, publish_text, sign_off, start, text_world, viewers
from tests.properties.views import mask
from tests.room.helpers import tx
from tests.summary.helpers import EXTRACT, flat

NAMES = ["Alma", "Bert", "Cleo", "Dirk", "Edda", "Finn"]  # one length: names are on the page


def _view(world: Any, viewer: Any, item_id: str) -> signoff.SignoffView:
    with tx(world, viewer) as (db, workshop):
        item = service.text_item(db, viewer=viewer, workshop=workshop, item_id=item_id)
        shown = signoff.view(db, world.settings, viewer=viewer, workshop=workshop, item=item)
        assert shown is not None
        return shown


def test_a_sign_off_goes_stale_when_a_new_version_is_published(settings, database) -> None:  # type: ignore[no-untyped-def]
    world, item_id = text_world(settings, database, k=3, per_party=3)
    start(world, item_id)
    publish_text(world, item_id, "The water is shared.\n\nA board decides.")
    people, fac = viewers(world), world.viewer("facilitator")
    first = _view(world, fac, item_id)
    for person in people[:4]:
        assert sign_off(world, person, item_id, seen=first.fingerprint)
    assert not sign_off(world, people[0], item_id)  # already signed on this version
    assert _view(world, people[0], item_id).signed == {"current": 1, "earlier": 0}
    assert _view(world, people[5], item_id).signed == {"current": 0, "earlier": 0}
    assert (_view(world, fac, item_id).total, _view(world, fac, item_id).stale) == (4, 0)

    publish_text(world, item_id, "The water is shared.\n\nA board decides.")  # same words
    second = _view(world, fac, item_id)
    assert second.version == 2 and second.fingerprint != first.fingerprint
    assert (second.total, second.stale) == (0, 4)  # stale: shown apart, not counted
    assert _view(world, people[0], item_id).signed == {"current": 0, "earlier": 1}
    with pytest.raises(Conflict):  # signed on what it read: the old version is gone
        sign_off(world, people[1], item_id, seen=first.fingerprint)
    assert sign_off(world, people[0], item_id, seen=second.fingerprint)  # moves it
    again = _view(world, fac, item_id)
    assert (again.total, again.stale) == (1, 3)
    assert _view(world, people[0], item_id).signed == {"current": 1, "earlier": 0}
    with database.session() as db:
        assert len(db.exec(select(TextSignoff)).all()) == 4  # one per person, moved
        counts: dict[str, int] = {}
        for row in db.exec(select(TextSignoffTally)):
            counts[row.fingerprint] = counts.get(row.fingerprint, 0) + row.count
    assert counts == {first.fingerprint: 3, second.fingerprint: 1}


def test_per_party_counts_only_where_every_party_has_k(settings, database) -> None:  # type: ignore[no-untyped-def]
    world, item_id = text_world(settings, database, k=3, per_party=4)
    start(world, item_id)
    publish_text(world, item_id, "One.\n\nTwo.")
    people, fac = viewers(world), world.viewer("facilitator")
    for person in [*people[:4], *people[4:6]]:  # four of the first party, two of the second
        sign_off(world, person, item_id)
    shown = _view(world, fac, item_id)
    assert shown.total == 6 and shown.per_party == () and not shown.every_party
    sign_off(world, people[6], item_id)  # the second party reaches k
    shown = _view(world, fac, item_id)
    assert shown.every_party
    assert [(p.party, p.signed) for p in shown.per_party] == [("Riverside", 4), ("Highland", 3)]
    for person in people:  # a participant sees only their own state, never counts
        mine = _view(world, person, item_id)
        assert not mine.counts_shown and mine.total == 0 and mine.per_party == ()


def test_a_party_below_k_is_never_singled_out(settings, database) -> None:  # type: ignore[no-untyped-def]
    world, item_id = text_world(settings, database, k=4, per_party=3)  # each party below k
    start(world, item_id)
    publish_text(world, item_id, "One.")
    people, fac = viewers(world), world.viewer("facilitator")
    for person in people:
        sign_off(world, person, item_id)
    shown = _view(world, fac, item_id)
    assert shown.total == 6 and shown.per_party == () and not shown.every_party


def test_signer_and_non_signer_receive_one_size_and_one_content(  # type: ignore[no-untyped-def]
    app, client, settings, database
) -> None:
    world, item_id = text_world(settings, database, k=3, per_party=3, names=NAMES)
    start(world, item_id)
    publish_text(world, item_id, "One.\n\nTwo.")
    url = f"/w/{world.workshop.id}/text/{item_id}"
    api = f"/api/v1/workshops/{world.workshop.id}/texts/{item_id}"
    signer, other = joined(app, world, 0), joined(app, world, 1)  # one party
    assert signer.post(f"{url}/signoff").status_code == 303
    got = {}
    for who, browser, name in (("signer", signer, NAMES[0]), ("other", other, NAMES[1])):
        page, data = browser.client.get(url), browser.client.get(api)
        assert page.status_code == 200 and data.status_code == 200
        assert "Signed off on this version" in page.text
        got[who] = {
            "sizes": (len(page.content), len(data.content)),
            "page": mask(page.text, page.headers["content-type"], me=name),
            "json": mask(data.text, data.headers["content-type"], me=name),
            "signed": data.json()["signoff"]["signed"],
        }
    assert got["signer"]["signed"] == {"current": 1, "earlier": 0}
    assert got["other"]["signed"] == {"current": 0, "earlier": 0}
    assert got["signer"]["sizes"] == got["other"]["sizes"]
    assert got["signer"]["page"] == got["other"]["page"]
    assert got["signer"]["json"] == got["other"]["json"]


def test_forms_and_api_refuse_bad_input_with_a_message(app, client, settings, database) -> None:  # type: ignore[no-untyped-def]
    world, item_id = text_world(settings, database, k=3, per_party=3)
    start(world, item_id)
    url = f"/w/{world.workshop.id}/text/{item_id}"
    api = f"/api/v1/workshops/{world.workshop.id}/texts/{item_id}"
    person = joined(app, world, 0)
    early = person.post(f"{url}/signoff")
    assert early.status_code == 409 and "no version of the text to sign off" in early.text
    publish_text(world, item_id, "One.")
    page = person.get(url).text
    seen = re.search(r'name="seen" value="([0-9a-f]{64})"', page)
    assert seen and "My side can live with this text" in page
    publish_text(world, item_id, "One, again.")
    stale = person.post(f"{url}/signoff", {"seen": seen.group(1)})
    assert stale.status_code == 409 and "The text changed since you opened it" in stale.text
    token = {"X-CSRF-Token": person.ensure_token()}
    bad = person.client.post(f"{api}/signoff", json={"seen": "not a fingerprint"}, headers=token)
    assert bad.status_code == 422 and "seen" in bad.text
    moved = person.client.post(f"{api}/signoff", json={"seen": seen.group(1)}, headers=token)
    assert moved.status_code == 409 and "changed since you opened it" in moved.text
    ok = person.client.post(f"{api}/signoff", json={}, headers=token)
    assert ok.status_code == 200 and ok.json() == {"signed": {"current": 1, "earlier": 0}}
    fac = Browser(TestClient(app, base_url="http://testserver"))  # type: ignore[arg-type]
    fac.login(world.users["facilitator"])
    assert fac.post(f"{url}/signoff").status_code in (403, 404)
    facing = fac.get(url).text
    assert "Sign-offs on this version: 1" in facing and "My side can live with" not in facing


def _export(world: Any) -> SummaryExport:
    organizer = world.viewer("organizer")
    with tx(world, organizer) as (db, workshop):
        return summary.draft(db, world.settings, workshop, viewer=organizer)


@pytest.mark.parametrize("every", [False, True])
def test_the_export_states_version_fingerprint_and_sign_off_in_every_format(  # type: ignore[no-untyped-def]
    settings, database, every: bool
) -> None:
    world, item_id = text_world(settings, database, k=3, per_party=3)
    start(world, item_id)
    publish_text(world, item_id, "One.")
    publish_text(world, item_id, "One, final.")
    people = viewers(world)
    for person in people if every else people[:5]:  # five: the second party holds two
        sign_off(world, person, item_id)
    model = _export(world)
    (item,) = [i for s in model.sessions for i in s.items]
    fp = _view(world, world.viewer("facilitator"), item_id).fingerprint
    assert item.signoff is not None
    assert (item.signoff.version, item.signoff.fingerprint) == (2, fp)
    assert item.signoff.every_party is every
    status = "Signed off by every side" if every else "Not signed off by every side"
    line = f"Sign-off of version 2 (fingerprint {fp[:8]}): {status}"
    for name in FORMATS:
        body = render(name, model, "en")
        if name == "json":
            out = json.loads(body)["sessions"][0]["items"][0]["signoff"]
            assert out == {"version": 2, "fingerprint": fp, "every_party": every, "status": status}
        else:
            assert flat(line) in flat(EXTRACT[name](body)), name
