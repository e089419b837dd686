"""The final version of a negotiating text goes into the summary export, and a sign-off of
the summary is bound to its fingerprint: publishing another version makes it stale."""

from __future__ import annotations

from app.ntext import service as ntext
from app.summary import service as summary
from app.summary.formats.markdown import render
from tests.ntext.helpers import mark, publish_figures, publish_text, start, text_world, viewers
from tests.room.conftest import accept_rules
from tests.room.helpers import participant_viewer, tx


def _draft(world):  # type: ignore[no-untyped-def]
    organizer = world.viewer("organizer")
    with tx(world, organizer) as (db, workshop):
        return summary.draft(db, world.settings, workshop, viewer=organizer)


def _stale(world) -> int:  # type: ignore[no-untyped-def]
    organizer = world.viewer("organizer")
    with tx(world, organizer) as (db, workshop):
        state = summary.review_state(db, world.settings, workshop, viewer=organizer)
        assert state is not None
        return state.stale_signoffs


def test_final_version_in_the_export_and_sign_off_goes_stale(settings, database) -> None:  # type: ignore[no-untyped-def]
    world, item_id = text_world(settings, database, k=3, per_party=3)
    start(world, item_id)
    ids = publish_text(world, item_id, "The water is shared.\n\nA board decides.")
    for v in viewers(world):
        mark(world, v, ids[0], "agree")
    publish_figures(world, item_id)
    publish_text(world, item_id, "The water is shared.\n\nA joint board decides.")
    model = _draft(world)
    (item,) = [i for s in model.sessions for i in s.items]
    assert [(p.number, p.text, p.version) for p in item.text] == [
        (1, "The water is shared.", 2),
        (2, "A joint board decides.", 2),
    ]
    assert item.proposals == ()  # critiques are not exported
    markdown = render(model)
    assert "Negotiating text, final version 2" in markdown and "A joint board decides." in markdown

    organizer = world.viewer("organizer")
    with tx(world, organizer) as (db, workshop):
        summary.open_review(
            db, settings, workshop, viewer=organizer, rule="every_party", min_signoffs=1
        )
    person = participant_viewer(world, 0)
    accept_rules(world, 0)
    before = _draft(world).fingerprint
    with database.transaction() as db:
        assert summary.sign_off(db, settings, world.workshop.id, viewer=person, seen=before)
    with database.transaction() as db:  # signed on this version already
        assert not summary.sign_off(db, settings, world.workshop.id, viewer=person, seen=before)
    fac = world.viewer("facilitator")
    with tx(world, fac) as (db, workshop):
        row = ntext.text_item(db, viewer=fac, workshop=workshop, item_id=item_id)
        ntext.save_draft(db, viewer=fac, workshop=workshop, item=row, text="Changed.", lang="")
        ntext.publish_version(db, viewer=fac, workshop=workshop, item=row)
    after = _draft(world).fingerprint
    assert after != before
    assert _stale(world) == 1
    with database.transaction() as db:  # the sign-off was stale: signing again moves it
        assert summary.sign_off(db, settings, world.workshop.id, viewer=person, seen=after)
    assert _stale(world) == 0
