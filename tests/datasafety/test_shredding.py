"""What someone holding the database (and even the master key) can learn, before and after
archiving: the byte scan and the linkability tests of issue 10."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidTag
from sqlalchemy import text
from sqlmodel import col, select

from app import backup as bk
from app.config import Settings
from app.db import Database
from app.models import metadata
from app.ntext.models import TextMark
from app.room.models import Proposal, Reaction
from app.roster.models import Participant
from app.security import crypto, keys
from app.workshops.models import WorkshopKey
from tests.datasafety.seed import Seeded, seed

PG = bool(os.environ.get("TRACKTWO_TEST_DATABASE_URL"))


def _archive(s: Seeded) -> None:
    s.world.archive(close=False)


def _raw_notes(database: Database, workshop_id: str) -> dict[str, str]:
    with database.session() as db:
        rows = db.connection().execute(
            text("SELECT id, body FROM note WHERE workshop_id = :w"), {"w": workshop_id}
        )
        return {r[0]: r[1] for r in rows}


def _needles(s: Seeded) -> dict[str, list[bytes]]:
    tags = []
    for n, secret in enumerate(s.secrets):
        tags.append(keys.author_tag(s.data_key, secret, "proposal", s.proposal_ids[n]))
        for number in range(1, 5):  # numbered proposal tags and tombstones (keys.proposal_tag)
            for gone in (False, True):
                tags.append(
                    keys.proposal_tag(s.data_key, secret, s.workshop_id, number, withdrawn=gone)
                )
        for pid in s.proposal_ids:
            tags.append(keys.author_tag(s.data_key, secret, "reaction", pid))
        for pid in s.paragraph_ids:
            tags.append(keys.author_tag(s.data_key, secret, "ntext-mark", pid))
    return {
        "roster name": [n.encode() for n in s.names],
        "affiliation": [a.encode() for a in s.affiliations],
        "invitation hash": [h.encode() for h in s.invitation_hashes],
        "recovery hash": [h.encode() for h in s.recovery_hashes],
        "wrapped key": [s.wrapped_key],
        "data key": [s.data_key, s.data_key.hex().encode()],
        "author tag": [t.encode() for t in tags],
        "pairing tag": [t.encode() for t in s.pairing_tags],
        "note plaintext": [t.encode() for t in s.note_texts],
        "translation plaintext": [t.encode() for t in s.translation_texts],
        "text plaintext": [t.encode() for t in s.text_paragraphs],
    }


def _found(blobs: dict[str, bytes], needles: dict[str, list[bytes]]) -> list[str]:
    return [
        f"{kind} in {where}"
        for kind, values in needles.items()
        for value in values
        for where, blob in blobs.items()
        if value in blob
    ]


def _files(path: Path) -> dict[str, bytes]:
    blobs = {"database file": path.read_bytes()}
    wal = Path(str(path) + "-wal")
    if wal.exists():
        blobs["WAL"] = wal.read_bytes()
    return blobs


@pytest.mark.skipif(PG, reason="scans the bytes of the SQLite file")
def test_byte_scan_after_archive_finds_nothing(
    settings: Settings, database: Database, tmp_path: Path
) -> None:
    s = seed(settings, database, tag="Kq7")
    needles = _needles(s)
    path = bk.sqlite_path(settings)

    before = _found(_files(path), needles)
    # the scan can see: before archiving, the hashes, tags and wrapped key are there ...
    for kind in ("invitation hash", "recovery hash", "wrapped key", "pairing tag"):
        assert any(hit.startswith(kind) for hit in before), kind
    assert any(hit.startswith("author tag") for hit in before)
    # ... but never a name, an affiliation or a note in the clear, nor the unwrapped key
    clear = (
        "roster name",
        "affiliation",
        "note plaintext",
        "translation plaintext",
        "text plaintext",
        "data key",
    )
    assert not [h for h in before if h.startswith(clear)]

    _archive(s)

    backup = tmp_path / "after-archive.db"
    assert bk.backup(settings, backup) == 0
    blobs = _files(path)
    blobs["fresh backup"] = backup.read_bytes()
    assert _found(blobs, needles) == []
    assert bk.integrity(path) == "ok"


def _candidates(participant: Participant) -> list[bytes]:
    """Everything a dump tells about a participant, as raw bytes and as derived secrets."""
    values = [
        participant.id,
        participant.display_name or "",
        participant.affiliation or "",
        participant.party_id or "",
        participant.invitation_hash or "",
        participant.recovery_hash or "",
    ]
    out: list[bytes] = []
    for value in values:
        if not value:
            continue
        raw = value.encode()
        out += [raw, hashlib.sha256(raw).digest(), keys.participant_secret(value)]
        try:
            out.append(bytes.fromhex(value))
        except ValueError:
            pass
    return out


def test_dump_plus_master_key_links_nothing_before_archive(
    settings: Settings, database: Database
) -> None:
    s = seed(settings, database)
    with database.session() as db:
        wrapped = db.get(WorkshopKey, s.workshop_id)
        assert wrapped is not None
        key = keys.unwrap(settings, s.workshop_id, wrapped.wrapped)  # the attacker can do this
        people = list(db.exec(select(Participant).where(Participant.workshop_id == s.workshop_id)))
        proposals = list(db.exec(select(Proposal).where(Proposal.workshop_id == s.workshop_id)))
        reactions = list(db.exec(select(Reaction).where(Reaction.workshop_id == s.workshop_id)))
        marks = list(db.exec(select(TextMark).where(TextMark.workshop_id == s.workshop_id)))
    # three proposals and three critiques (proposals of the text item); marks on 2 paragraphs
    assert len(proposals) == 6 and len(reactions) == 9 and len(marks) == 6

    # No contribution table has a column pointing at a participant or a party.
    for table in ("proposal", "reaction", "note", "ntext_mark", "ntext_critique"):
        columns = set(metadata.tables[table].c.keys())
        assert not columns & {"participant_id", "party_id"}, table

    # Trying every participant's every known datum as the secret reproduces no tag.
    for participant in people:
        for candidate in _candidates(participant):
            for proposal in proposals:
                assert (
                    keys.author_tag(key, candidate, "proposal", proposal.id) != proposal.author_tag
                )
            numbered = {keys.proposal_tag(key, candidate, s.workshop_id, n) for n in range(1, 9)}
            assert not numbered & {p.author_tag for p in proposals}
            for reaction in reactions:
                guess = keys.author_tag(key, candidate, "reaction", reaction.proposal_id)
                assert guess != reaction.author_tag
            for row in marks:
                guess = keys.author_tag(key, candidate, "ntext-mark", row.paragraph_id)
                assert guess != row.author_tag
    # Every tag is different: two contributions of one author do not look alike.
    tags = [p.author_tag for p in proposals] + [r.author_tag for r in reactions]
    tags += [m.author_tag for m in marks]
    assert len(set(tags)) == len(tags)

    # Control: with the participant's own secret (which the server never stores) they match.
    mine = {  # each author's first proposal in the workshop (keys.proposal_tag)
        keys.proposal_tag(key, s.secrets[n], s.workshop_id, 1) for n in range(len(s.proposal_ids))
    }
    assert mine == {p.author_tag for p in proposals if p.id in s.proposal_ids}


def test_after_archive_nothing_can_be_decrypted_or_linked(
    settings: Settings, database: Database
) -> None:
    s = seed(settings, database)
    ciphertexts = _raw_notes(database, s.workshop_id)  # a dump taken before archiving
    assert len(ciphertexts) == len(s.note_texts)
    _archive(s)
    with database.session() as db:
        assert db.get(WorkshopKey, s.workshop_id) is None
        remaining_keys = [
            keys.unwrap(settings, row.workshop_id, row.wrapped)
            for row in db.exec(select(WorkshopKey))
        ]
        proposals = list(db.exec(select(Proposal).where(Proposal.workshop_id == s.workshop_id)))
        reactions = list(db.exec(select(Reaction).where(Reaction.workshop_id == s.workshop_id)))
        marks = list(db.exec(select(TextMark).where(TextMark.workshop_id == s.workshop_id)))
        people = list(db.exec(select(Participant).where(Participant.workshop_id == s.workshop_id)))
        paragraphs = db.connection().execute(
            text("SELECT text FROM ntext_paragraph WHERE workshop_id = :w"), {"w": s.workshop_id}
        )
        assert {row[0] for row in paragraphs} == {""}
    assert _raw_notes(database, s.workshop_id) == {}
    with database.session() as db:
        left = db.connection().execute(
            text("SELECT count(*) FROM text_translation WHERE workshop_id = :w"),
            {"w": s.workshop_id},
        )
        assert left.scalar() == 0  # the translator's translations are gone with the key
    # the old ciphertexts open with no key the database (plus the master key) still holds
    for note_id, stored in ciphertexts.items():
        for key in remaining_keys:
            with pytest.raises(crypto.DecryptionFailed):
                crypto.decrypt_text(key, "note", note_id, "body", stored)
    # the old wrapped key cannot be had from anything left: its row is gone (and a guess fails)
    with pytest.raises(InvalidTag):
        keys.unwrap(settings, s.workshop_id, b"\x00" * 60)
    # no tag left to compare, even for someone holding a participant's own secret
    assert all(p.author_tag is None for p in proposals)
    assert all(r.author_tag is None for r in reactions)
    assert marks and all(m.author_tag is None for m in marks)
    assert all(p.display_name is None and p.recovery_hash is None for p in people)
    with database.session() as db:
        signoffs = db.connection().execute(text("SELECT count(*) FROM summary_signoff")).scalar()
        assert signoffs == 0
        assert (
            db.exec(select(Participant).where(col(Participant.display_name).is_not(None))).all()
            == []
        )


def test_after_archive_the_roster_holds_no_name_or_affiliation_at_all(
    settings: Settings, database: Database
) -> None:
    """Roster personal data is deleted, not only made unreadable: no value, not even
    ciphertext under the destroyed key, stays in a participant's name or affiliation."""
    s = seed(settings, database, tag="Rn4")
    _archive(s)
    with database.engine.connect() as conn:
        rows = conn.execute(
            text("SELECT display_name, affiliation FROM participant WHERE workshop_id = :w"),
            {"w": s.world.workshop.id},
        ).all()
    assert rows
    assert all(not name and not affiliation for name, affiliation in rows), rows
