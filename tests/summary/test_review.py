"""Participant review: anonymous sign-off and comments, per-party counts only where k holds,
and the release rule (or a logged override)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlmodel import SQLModel, select

from app.summary import service
from app.summary.models import SummaryComment, SummarySignoff, SummarySignoffTally
from app.workshops.models import Workshop
from tests.factories import Browser
from tests.summary.seed import seed
from tests.summary.test_export import audit, resolve_all, staff, workspace


def participant(client, invitation) -> Browser:  # type: ignore[no-untyped-def]
    """A participant in a browser of their own (own cookies)."""
    browser = Browser(TestClient(client.app, base_url="http://testserver"))
    browser.join(invitation)
    response = browser.post(f"/w/{invitation.participant.workshop_id}/rules/accept")
    assert response.status_code == 303, response.text
    return browser


def open_review(browser: Browser, wid: str, rule: str = "every_party", n: int = 1):  # type: ignore[no-untyped-def]
    workspace(browser, wid)
    return browser.post(f"/w/{wid}/summary/review/open", {"rule": rule, "min_signoffs": str(n)})


def state(database, world, settings=None):  # type: ignore[no-untyped-def]
    with database.session() as db:
        workshop = db.get(Workshop, world.workshop.id)
        return service.review_state(db, settings, workshop, viewer=world.viewer("organizer"))


def test_review_opens_only_when_every_hit_is_decided(client, settings, database) -> None:  # type: ignore[no-untyped-def]
    s = seed(settings, database)
    wid = s.world.workshop.id
    organizer = staff(client, s.world)
    response = open_review(organizer, wid)
    assert response.status_code == 409  # a rule of the summary, not a field (Inconsistent)
    assert "Resolve every hit" in response.text
    resolve_all(organizer, database, settings, s.world)
    assert open_review(organizer, wid).status_code == 303
    assert len(audit(database, wid, "summary.review.open")) == 1


def test_participants_review_sign_off_once_and_comment_anonymously(
    client, settings, database
) -> None:  # type: ignore[no-untyped-def]
    s = seed(settings, database)
    wid = s.world.workshop.id
    organizer = staff(client, s.world)
    p1 = participant(client, s.world.invitations[0])
    page = p1.get(f"/w/{wid}/summary/review")  # not open yet: says so, shows nothing
    assert page.status_code == 200 and "No draft summary is open" in page.text
    assert "A joint monitoring station" not in page.text
    assert p1.post(f"/w/{wid}/summary/review/signoff").status_code == 409
    resolve_all(organizer, database, settings, s.world)
    assert open_review(organizer, wid).status_code == 303

    page = p1.get(f"/w/{wid}/summary/review")
    assert page.status_code == 200
    assert "I can live with this" in page.text
    assert "A joint monitoring station" in page.text
    assert "jose nunez" not in page.text and "[redacted]" in page.text
    assert p1.post(f"/w/{wid}/summary/review/signoff").status_code == 303
    assert p1.post(f"/w/{wid}/summary/review/signoff").status_code == 303  # again: no effect
    assert "You said you can live with this summary" in p1.get(f"/w/{wid}/summary/review").text
    response = p1.post(f"/w/{wid}/summary/review/comment", {"body": "Please soften item two."})
    assert response.status_code == 303
    assert p1.post(f"/w/{wid}/summary/review/comment", {"body": ""}).status_code == 422

    review = state(database, s.world, settings)
    assert review.signoffs == 1
    assert review.per_party == ()  # k = 3 does not hold: totals only
    assert review.comments == ("Please soften item two.",)
    page = workspace(organizer, wid).text
    assert "Please soften item two." in page
    assert "Sign-offs (“I can live with this”): 1" in page
    for party in s.world.parties:
        assert f"{party.name}</span>: " not in page


def test_staff_and_outsiders_cannot_use_the_participant_review(client, settings, database) -> None:  # type: ignore[no-untyped-def]
    s = seed(settings, database, leak_names=False)
    other = seed(settings, database, leak_names=False)
    wid = s.world.workshop.id
    organizer = staff(client, s.world)
    assert open_review(organizer, wid).status_code == 303
    assert organizer.get(f"/w/{wid}/summary/review").status_code == 404
    organizer.ensure_token()
    assert organizer.post(f"/w/{wid}/summary/review/signoff").status_code == 404
    outsider = participant(client, other.world.invitations[0])
    assert outsider.get(f"/w/{wid}/summary/review").status_code == 404
    assert outsider.post(f"/w/{wid}/summary/review/signoff").status_code == 404


def test_a_participant_who_has_not_accepted_the_rules_is_sent_to_them(
    client, settings, database
) -> None:  # type: ignore[no-untyped-def]
    s = seed(settings, database, leak_names=False)
    wid = s.world.workshop.id
    assert open_review(staff(client, s.world), wid).status_code == 303
    browser = Browser(TestClient(client.app, base_url="http://testserver"))
    browser.join(s.world.invitations[0])
    response = browser.get(f"/w/{wid}/summary/review", follow_redirects=False)
    rules = f"/w/{wid}/rules?next=/w/{wid}/summary/review"  # and back there after accepting
    assert response.status_code == 303 and response.headers["location"] == rules


def test_release_needs_the_rule_or_a_logged_override(client, settings, database) -> None:  # type: ignore[no-untyped-def]
    s = seed(settings, database, leak_names=False)
    wid = s.world.workshop.id
    organizer = staff(client, s.world)
    assert open_review(organizer, wid).status_code == 303
    riverside = participant(client, s.world.invitations[0])  # party 0
    assert riverside.post(f"/w/{wid}/summary/review/signoff").status_code == 303
    workspace(organizer, wid)
    response = organizer.post(f"/w/{wid}/summary/release", {"override": ""})
    assert response.status_code == 409
    assert "release rule is not met" in response.text
    assert not state(database, s.world, settings).released
    response = organizer.post(
        f"/w/{wid}/summary/release",
        {"override": "The Highland side asked for more time; agreed by phone."},
    )
    assert response.status_code == 303
    review = state(database, s.world, settings)
    assert review.released and review.override.startswith("The Highland side")
    (entry,) = audit(database, wid, "summary.release.override")
    assert "asked for more time" in entry.detail


def test_release_by_the_rule_every_party(client, settings, database) -> None:  # type: ignore[no-untyped-def]
    s = seed(settings, database, leak_names=False)
    wid = s.world.workshop.id
    organizer = staff(client, s.world)
    assert open_review(organizer, wid).status_code == 303
    first = participant(client, s.world.invitations[0])  # party 0
    second = participant(client, s.world.invitations[1])  # party 0 again
    assert first.post(f"/w/{wid}/summary/review/signoff").status_code == 303
    assert second.post(f"/w/{wid}/summary/review/signoff").status_code == 303
    assert state(database, s.world, settings).signoffs == 2
    assert not state(database, s.world, settings).rule_met  # two sign-offs, one party
    third = participant(client, s.world.invitations[2])  # party 1
    assert third.post(f"/w/{wid}/summary/review/signoff").status_code == 303
    assert state(database, s.world, settings).rule_met
    workspace(organizer, wid)
    assert organizer.post(f"/w/{wid}/summary/release", {"override": ""}).status_code == 303
    assert len(audit(database, wid, "summary.release")) == 1
    assert audit(database, wid, "summary.release.override") == []
    response = organizer.post(f"/w/{wid}/summary/export.md")
    assert response.status_code == 200 and "Released" in response.text


def test_release_by_a_minimum_count(client, settings, database) -> None:  # type: ignore[no-untyped-def]
    s = seed(settings, database, leak_names=False)
    wid = s.world.workshop.id
    organizer = staff(client, s.world)
    assert open_review(organizer, wid, rule="minimum", n=2).status_code == 303
    participant(client, s.world.invitations[0]).post(f"/w/{wid}/summary/review/signoff")
    assert not state(database, s.world, settings).rule_met
    participant(client, s.world.invitations[1]).post(f"/w/{wid}/summary/review/signoff")
    assert state(database, s.world, settings).rule_met


@pytest.mark.parametrize(("a", "b", "shown"), [(3, 3, True), (3, 2, False), (2, 5, False)])
def test_counts_per_party_only_where_every_party_has_k(
    client, settings, database, a, b, shown
) -> None:  # type: ignore[no-untyped-def]
    s = seed(settings, database, leak_names=False)
    assert open_review(staff(client, s.world), s.world.workshop.id).status_code == 303
    with database.transaction() as db:
        workshop = db.get(Workshop, s.world.workshop.id)
        review = service._review(db, workshop)
        fp = service.current_fingerprint(db, settings, workshop, s.world.viewer("organizer"))
        for party, count in zip(s.world.parties, (a, b)):
            db.add(
                SummarySignoffTally(
                    review_id=review.id, fingerprint=fp, party_id=party.id, count=count
                )
            )
    review = state(database, s.world, settings)
    assert review.signoffs == a + b
    if shown:
        assert review.per_party == tuple((p.name, n) for p, n in zip(s.world.parties, (a, b)))
    else:
        assert review.per_party == ()


def test_no_sign_off_or_comment_column_points_at_a_person_or_party() -> None:
    tables = SQLModel.metadata.tables
    # the idempotency key is drawn afresh for each form shown and recorded nowhere else
    assert set(tables[SummaryComment.__tablename__].columns.keys()) == {
        "id",
        "review_id",
        "body",
        "idempotency_key",
        "fingerprint",
    }
    assert set(tables[SummarySignoff.__tablename__].columns.keys()) == {
        "id",
        "review_id",
        "author_tag",
        "fingerprint",
    }
    for name in (SummaryComment.__tablename__, SummarySignoff.__tablename__):
        targets = {fk.column.table.name for fk in tables[name].foreign_keys}
        assert targets == {"summary_review"}


def test_the_sign_off_tag_is_per_review_and_not_the_participant_id(
    client, settings, database
) -> None:  # type: ignore[no-untyped-def]
    s = seed(settings, database, leak_names=False)
    wid = s.world.workshop.id
    assert open_review(staff(client, s.world), wid).status_code == 303
    participant(client, s.world.invitations[0]).post(f"/w/{wid}/summary/review/signoff")
    with database.session() as db:
        (row,) = db.exec(select(SummarySignoff)).all()
    pid = s.world.invitations[0].participant.id
    assert pid not in row.author_tag and len(row.author_tag) == 64
