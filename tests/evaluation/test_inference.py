"""Inference on published survey results: what one person's answer changes in a publication,
what subtraction of the party cells from the total tells, and what a cell tells each of its
members. Seeded through the real write paths (the survey service, the roster)."""

from __future__ import annotations

from typing import Any

from sqlmodel import select

from app import policy
from app.evaluation.models import SurveyChangeTally, SurveyTally
from app.roster import service as roster
from tests.evaluation.helpers import answer, publish, survey_world
from tests.room.helpers import tx


def _shown_groups(payload: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    out = []
    for item in payload["items"]:
        for part in ("moments", "changes"):
            for name, group in item[part].items():
                out.append((f"{item['id']}/{part}/{name}", group))
    return out


def _left_over(group: dict[str, Any]) -> int:
    """How many the total holds beyond the shown party cells (0 without a breakdown)."""
    if not group["parties"] or group["total"] is None:
        return 0
    return int(group["total"]["n"]) - sum(int(p["n"]) for p in group["parties"])


def test_one_more_answer_to_an_item_changes_none_of_its_cells(settings, database) -> None:
    """Three new answers at a moment (>= k), but only one to the first statement: that
    statement's published cells must not move by one person (differencing per cell)."""
    world, people, (first, second) = survey_world(settings, database, per_party=4)
    for person, (one, two) in zip(people[:4], [(1, 1), (2, 2), (3, 3), (2, 4)], strict=True):
        answer(world, person, "pre", {first: one, second: two})
    before, _ = publish(world)
    answer(world, people[4], "pre", {first: 4, second: 5})  # the one to difference
    for person, two in zip(people[5:7], (1, 2), strict=True):
        answer(world, person, "pre", {second: two})  # skip the first statement
    after, _ = publish(world)
    old, new = before["items"][0]["moments"]["pre"], after["items"][0]["moments"]["pre"]
    assert old["total"] is not None and new == old
    assert after["items"][1]["moments"]["pre"]["total"]["n"] == 7  # moved by three: shown


def test_the_total_minus_the_parties_never_singles_out_a_group(settings, database) -> None:
    """A third party's one answer, its members then revoked (the party no longer counted):
    the total minus the two shown parties would be that one answer."""
    world, people, (first, second) = survey_world(
        settings, database, parties=("Riverside", "Highland", "Lakeside")
    )
    values = [(1, 2), (2, 5), (3, 3), (2, 2), (4, 5), (3, 1)]
    for person, (pre, post) in zip(people[:6], values, strict=True):
        answer(world, person, "pre", {first: pre, second: pre})
        answer(world, person, "post", {first: post, second: post})
    answer(world, people[6], "pre", {first: 5, second: 5})
    answer(world, people[6], "post", {first: 1, second: 1})
    organizer = world.viewer("organizer")
    with tx(world, organizer) as (db, workshop):
        for invitation in world.invitations[6:]:
            roster.revoke(
                db, viewer=organizer, workshop=workshop, participant_id=invitation.participant.id
            )
    payload, _ = publish(world)
    assert payload["items"][0]["moments"]["pre"]["total"]["n"] == 7
    for where, group in _shown_groups(payload):
        rest = _left_over(group)
        assert rest == 0 or rest >= 3, (where, rest)


def test_no_cell_tells_one_member_what_the_others_chose(settings, database) -> None:
    """[4, 5, 5]: whoever chose 4 learns both others chose 5; changes [-1, -1, 0] likewise."""
    world, people, (first, _second) = survey_world(settings, database)
    values = [(4, 3), (5, 4), (5, 5), (2, 2), (3, 4), (1, 3)]  # party A first, then B
    for person, (pre, post) in zip(people, values, strict=True):
        answer(world, person, "pre", {first: pre})
        answer(world, person, "post", {first: post})
    payload, _ = publish(world)
    item = payload["items"][0]
    assert item["moments"]["pre"]["total"] is not None
    assert item["moments"]["pre"]["parties"] == []  # A's [4, 5, 5]
    assert item["moments"]["post"]["parties"] != []  # [3, 4, 5] and [2, 4, 3]: deniable
    assert item["changes"]["post"]["parties"] == []  # A's [-1, -1, 0]
    for _, group in _shown_groups(payload):
        for cell in [group["total"], *group["parties"]]:
            if cell is not None and "distribution" in cell:
                held = [n for n in cell["distribution"] if n]
                assert len(held) >= 3 or (len(held) == 2 and min(held) >= 2), cell


def test_the_party_tallies_are_read_only_to_publish(settings, database) -> None:  # type: ignore[no-untyped-def]
    """A tally row pairs a party with answers: only the organizer's publishing reads them; a
    participant (whose answer bumps them in SQL) and every other role read none."""
    world, people, (first, _second) = survey_world(settings, database)
    for n, person in enumerate(people):
        answer(world, person, "pre", {first: 1 + n % 3})
        answer(world, person, "post", {first: 2 + n % 3})
    readers = {"participant": people[0], "other participant": people[-1]}
    readers |= {role: world.viewer(role) for role in ("facilitator", "rapporteur", "observer")}
    with world.database.session() as db:
        for model in (SurveyTally, SurveyChangeTally):
            visible = policy.visible(select(model), world.viewer("organizer"), model)
            assert db.exec(visible).all(), model  # the organizer publishes from them
            for who, viewer in readers.items():
                assert db.exec(policy.visible(select(model), viewer, model)).all() == [], who


def test_a_party_smaller_than_k_keeps_no_tally_of_its_own(settings, database) -> None:  # type: ignore[no-untyped-def]
    """Lakeside keeps one member (two revoked): a tally of Lakeside would be that person's
    answers, in the clear in the database. They count in the total only; the parties of k
    keep theirs; no breakdown singles anyone out."""
    world, people, (first, second) = survey_world(
        settings, database, parties=("Riverside", "Highland", "Lakeside")
    )
    organizer = world.viewer("organizer")
    with tx(world, organizer) as (db, workshop):
        for invitation in world.invitations[7:]:
            roster.revoke(
                db, viewer=organizer, workshop=workshop, participant_id=invitation.participant.id
            )
    lakeside = world.invitations[6].participant.party_id
    for n, person in enumerate(people[:7]):
        answer(world, person, "pre", {first: 1 + n % 5, second: 1 + (n + 2) % 5})
        answer(world, person, "post", {first: 1 + (n + 1) % 5, second: 1 + n % 5})
    with world.database.session() as db:
        tallied = {row.party_id for row in db.exec(select(SurveyTally))}
        changed = {row.party_id for row in db.exec(select(SurveyChangeTally))}
    kept = {world.invitations[0].participant.party_id, world.invitations[3].participant.party_id}
    assert tallied == changed == kept and lakeside not in tallied
    payload, _ = publish(world)
    pre = payload["items"][0]["moments"]["pre"]
    assert pre["total"]["n"] == 7  # Lakeside's one answer is in the total
    assert pre["parties"] == []  # Lakeside has fewer than k: no breakdown at all
