"""Staff membership (at least one organizer always) and the roster (links shown once,
revoke, re-admit), the audit log, party sizes."""

from __future__ import annotations

import re

import pytest
from sqlmodel import select

from app.errors import Conflict
from app.roster.models import Participant
from app.workshops import staff
from app.workshops.models import Membership, Workshop
from tests.design.conftest import api, browser_for
from tests.factories import make_user


def _membership(world, role: str) -> Membership:
    with world.database.session() as db:
        return db.exec(
            select(Membership).where(
                Membership.workshop_id == world.workshop.id,
                Membership.user_id == world.users[role].id,
            )
        ).one()


def test_add_change_and_remove_staff(org, world) -> None:
    wid = world.workshop.id
    with world.database.transaction() as db:
        newcomer = make_user(db, email="newcomer@example.org")
    added = org.post(
        f"/w/{wid}/manage/staff", {"email": "Newcomer@Example.org", "role": "rapporteur"}
    )
    assert added.status_code == 303
    page = org.get(f"/w/{wid}/manage/staff")
    assert "newcomer@example.org" in page.text
    again = org.post(
        f"/w/{wid}/manage/staff", {"email": "newcomer@example.org", "role": "observer"}
    )
    assert (
        again.status_code == 409 and "already" in again.text
    )  # valid alone, not with what is stored (Inconsistent)
    with world.database.session() as db:
        m = db.exec(select(Membership).where(Membership.user_id == newcomer.id)).one()
    assert (
        org.post(f"/w/{wid}/manage/staff/{m.id}/role", {"role": "facilitator"}).status_code == 303
    )
    assert org.post(f"/w/{wid}/manage/staff/{m.id}/remove").status_code == 303
    audit = org.get(f"/w/{wid}/manage/audit")
    for action in ("staff.add", "staff.role", "staff.remove"):
        assert action in audit.text
    assert "newcomer@example.org: rapporteur -&gt; facilitator" in audit.text


def test_a_malformed_address_is_refused_next_to_the_field(org, world) -> None:
    page = org.post(
        f"/w/{world.workshop.id}/manage/staff", {"email": "nobody at example", "role": "observer"}
    )
    assert page.status_code == 422
    assert 'id="email-error"' in page.text and 'value="nobody at example"' in page.text


def test_an_unknown_address_is_invited(org, world) -> None:
    page = org.post(
        f"/w/{world.workshop.id}/manage/staff", {"email": "nobody@example.org", "role": "observer"}
    )
    assert page.status_code == 200 and "/invite/" in page.text


def test_the_last_organizer_stays(org, world) -> None:
    wid = world.workshop.id
    mine = _membership(world, "organizer")
    refused = org.post(f"/w/{wid}/manage/staff/{mine.id}/remove")
    assert refused.status_code == 409 and "at least one organizer" in refused.text
    refused = org.post(f"/w/{wid}/manage/staff/{mine.id}/role", {"role": "observer"})
    assert refused.status_code == 409
    assert api(org, "DELETE", f"/api/v1/workshops/{wid}/staff/{mine.id}").status_code == 409
    # with a second organizer, the first may step down
    other = _membership(world, "facilitator")
    org.post(f"/w/{wid}/manage/staff/{other.id}/role", {"role": "organizer"})
    assert org.post(f"/w/{wid}/manage/staff/{mine.id}/remove").status_code == 303
    viewer = world.viewer("facilitator")
    with world.database.transaction() as db:
        workshop = db.get(Workshop, wid)
        with pytest.raises(Conflict):
            staff.remove(db, viewer=viewer, workshop=workshop, membership_id=other.id)


def test_roster_link_shown_once_revoke_and_readmit(app, org, world, settings) -> None:
    wid = world.workshop.id
    party = world.parties[0]
    added = org.post(
        f"/w/{wid}/manage/roster",
        {
            "display_name": "Dr. Layla Haddad",
            "party_id": party.id,
            "affiliation": "Valley University",
        },
    )
    assert added.status_code == 200
    link = re.search(r'id="invitation-link">([^<]+)<', added.text).group(1)
    assert link.startswith(settings.public_base_url + "/join/")
    roster = org.get(f"/w/{wid}/manage/roster")
    assert "Dr. Layla Haddad" in roster.text and "Valley University" in roster.text
    assert link not in roster.text and "invitation-link" not in roster.text
    with world.database.session() as db:
        people = db.exec(select(Participant).where(Participant.workshop_id == wid))
        # names are ciphertext at rest: matched once decrypted
        (p,) = [p for p in people if p.display_name == "Dr. Layla Haddad"]
        assert p.invitation_hash not in roster.text
    # the participant joins, is revoked, then re-admitted
    token_path = link.removeprefix(settings.public_base_url)
    guest = browser_for(app, world, "organizer")
    guest.client.cookies.clear()
    guest.token = None
    guest.get(token_path)
    assert guest.post(token_path).status_code == 303  # on to the recovery code page
    assert guest.get(f"/w/{wid}").status_code == 200
    assert org.post(f"/w/{wid}/manage/roster/{p.id}/revoke").status_code == 303
    assert guest.get(f"/w/{wid}", follow_redirects=False).status_code == 404
    readmitted = org.post(f"/w/{wid}/manage/roster/{p.id}/readmit")
    new_link = re.search(r'id="invitation-link">([^<]+)<', readmitted.text).group(1)
    assert new_link != link
    with world.database.session() as db:
        again = db.get(Participant, p.id)
        assert again.readmitted == 1 and again.status == "invited"
        assert db.get(Workshop, wid).readmissions == 1
    assert "re-admitted once" in org.get(f"/w/{wid}/manage/roster").text
    api_body = api(org, "POST", f"/api/v1/workshops/{wid}/roster/{p.id}/readmit").json()
    assert api_body["participant"]["readmitted"] == 1  # invited, never joined again
    assert api_body["invitation_url"].startswith(settings.public_base_url + "/join/")


def test_roster_api_never_shows_hashes(org, world) -> None:
    wid = world.workshop.id
    body = api(
        org,
        "POST",
        f"/api/v1/workshops/{wid}/roster",
        {"display_name": "A. Person", "party_id": world.parties[1].id},
    )
    assert body.status_code == 201
    listed = api(org, "GET", f"/api/v1/workshops/{wid}/roster")
    text = listed.text
    assert "hash" not in text and "A. Person" in text
    assert set(listed.json()["participants"][0]) == {
        "id",
        "display_name",
        "party_id",
        "affiliation",
        "status",
        "status_label",
        "readmitted",
    }


@pytest.mark.parametrize("role", ["facilitator", "rapporteur", "observer", "participant"])
def test_only_organizers_see_the_roster(app, world, role) -> None:
    b = browser_for(app, world, role)
    wid = world.workshop.id
    assert b.get(f"/w/{wid}/manage/roster").status_code == 404
    assert api(b, "GET", f"/api/v1/workshops/{wid}/roster").status_code == 404
    assert api(b, "GET", f"/api/v1/workshops/{wid}/audit").status_code == 404
    assert api(b, "GET", f"/api/v1/workshops/{wid}/staff").status_code == 404


def test_party_sizes_for_staff_only(app, world) -> None:
    wid = world.workshop.id
    f = browser_for(app, world, "facilitator")
    sizes = {
        p["name"]: p["size"]
        for p in api(f, "GET", f"/api/v1/workshops/{wid}/parties").json()["parties"]
    }
    assert sizes == {"Riverside": 2, "Highland": 2}
    assert "2 participants" in f.get(f"/w/{wid}/manage").text
    o = browser_for(app, world, "observer")
    parties = api(o, "GET", f"/api/v1/workshops/{wid}/parties").json()["parties"]
    assert [party["size"] for party in parties] == [None, None]
    p = browser_for(app, world, "participant")
    assert api(p, "GET", f"/api/v1/workshops/{wid}/parties").status_code == 404


def test_a_party_smaller_than_k_is_flagged_with_what_the_database_would_tell(org, world) -> None:
    """Two members each, fewer than k: both parties are flagged; an empty one is not (it has no
    counts to tell)."""
    wid = world.workshop.id
    assert org.post(f"/w/{wid}/manage/parties", {"name": "Coastal"}).status_code == 303
    page = org.get(f"/w/{wid}/manage/parties").text
    assert world.workshop.k_min > 2
    assert page.count("whoever reads the database could tell what each of them chose") == 2


def test_parties_add_edit_reorder_delete(org, world) -> None:
    wid = world.workshop.id
    assert (
        org.post(
            f"/w/{wid}/manage/parties", {"name": "Coastal", "description": "Fishing towns"}
        ).status_code
        == 303
    )
    dup = org.post(f"/w/{wid}/manage/parties", {"name": "coastal"})
    assert (
        dup.status_code == 409 and "already" in dup.text
    )  # valid alone, not with what is stored (Inconsistent)
    parties = api(org, "GET", f"/api/v1/workshops/{wid}/parties").json()["parties"]
    coastal = parties[-1]
    moved = org.post(
        f"/w/{wid}/manage/parties/{coastal['id']}/move?fragment=party_list",
        {"direction": "up"},
        headers={"HX-Request": "true"},
    )
    assert moved.status_code == 200 and moved.text.lstrip().startswith('<div id="party_list">')
    names = [
        p["name"] for p in api(org, "GET", f"/api/v1/workshops/{wid}/parties").json()["parties"]
    ]
    assert names == ["Riverside", "Coastal", "Highland"]
    used = org.post(f"/w/{wid}/manage/parties/{world.parties[0].id}/delete")
    assert used.status_code == 409
    assert org.post(f"/w/{wid}/manage/parties/{coastal['id']}/delete").status_code == 303
