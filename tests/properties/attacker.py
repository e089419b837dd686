"""A generic attacker holding a dump of every table plus the master key.

It knows no column by name. It reads every row of every table (app.models.metadata), unwraps
every workshop key it finds, decrypts every encrypted cell it can, and then tries:

- every stored value (and its hex- and base64-decoded forms), its SHA-256 and its
  HMAC-SHA256 under each workshop key, alone and after each `b"tracktwo/..."` prefix found
  in the code, as a participant secret for every author-tag kind and every id in the dump:
  a tag it reproduces names that contribution's author as the owner of that stored value;
- equality joins: a value shared by a contribution and a participant's rows, or by two
  contributions, that is neither an id of the shared structure nor an enum-like word.

Which tables hold contributions and people is the only thing it is told (checked against
the schema by the test, so a new contribution table is noticed).
"""

from __future__ import annotations

import ast
import base64
import binascii
import hashlib
import hmac
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.engine import Connection

from app.models import metadata
from app.security import crypto, keys

APP = Path(__file__).resolve().parents[2] / "app"
KINDS = ("proposal", "reaction", "note", "signoff", "ntext-mark", "ntext-signoff")
# Anonymous contributions (author tag or no author at all) and the tables that hold people.
SEQ_TRIED = 64  # the numbers of proposal tags tried, per workshop (keys.proposal_tag)
CONTRIBUTION_TABLES = (
    "proposal",
    "proposal_tombstone",
    "reaction",
    "note",
    "summary_signoff",
    "summary_comment",
    "ntext_mark",
    "ntext_critique",
    "ntext_signoff",
)
PERSON_TABLE = "participant"
STAFF_TABLE = "user_account"
# Rows contributions may point at without saying anything about their author: between two
# contributions, and (fewer) between a contribution and a person's rows.
STRUCTURE_TABLES = (
    "workshop",
    "meeting",
    "agenda_item",
    "proposal",
    "theme",
    "summary_review",
    "ntext_version",
    "ntext_paragraph",
)
SHARED_WITH_PEOPLE = ("workshop", "meeting", "agenda_item")
ENUM_LIKE = re.compile(r"^[a-z][a-z_]{0,23}$")
HEX = re.compile(r"^(?:[0-9a-fA-F]{2})+$")
B64 = re.compile(r"^[A-Za-z0-9+/_-]{8,}={0,2}$")


@dataclass(frozen=True)
class Row:
    table: str
    pk: str
    values: dict[str, Any]


@dataclass
class Dump:
    rows: list[Row] = field(default_factory=list)
    workshop_keys: list[bytes] = field(default_factory=list)

    def of(self, *tables: str) -> list[Row]:
        return [r for r in self.rows if r.table in tables]


def code_prefixes() -> list[bytes]:
    """Every bytes literal of app/ that starts with b"tracktwo/" (the code's domain labels)."""
    found: set[bytes] = set()
    for path in APP.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, bytes):
                if node.value.startswith(b"tracktwo/"):
                    found.add(node.value)
    return sorted(found)


def _pk(table: Table, values: dict[str, Any]) -> str:
    return "|".join(str(values[c.name]) for c in table.primary_key.columns)


def read_dump(conn: Connection, settings: Any) -> Dump:
    """Every row and column of every table; every workshop key unwrapped with the master key."""
    dump = Dump()
    for table in metadata.sorted_tables:
        for record in conn.execute(select(table)).mappings():
            values = dict(record)
            dump.rows.append(Row(table.name, _pk(table, values), values))
    for row in dump.rows:
        for value in row.values.values():
            if isinstance(value, (bytes, memoryview)) and row.values.get("workshop_id"):
                try:
                    key = keys.unwrap(settings, str(row.values["workshop_id"]), bytes(value))
                except Exception:
                    continue
                dump.workshop_keys.append(key)
    return dump


def plaintexts(dump: Dump) -> Iterator[str]:
    """Every encrypted cell that some unwrapped key opens, in the clear."""
    for row in dump.rows:
        for column, value in row.values.items():
            if isinstance(value, str) and crypto.is_encrypted(value):
                for key in dump.workshop_keys:
                    try:
                        yield crypto.decrypt_text(key, row.table, row.pk, column, value)
                    except crypto.DecryptionFailed:
                        continue


def _raw(value: Any) -> bytes | None:
    if value is None:
        return None
    if isinstance(value, (bytes, memoryview)):
        return bytes(value)
    return str(value).encode()


def forms(value: bytes) -> set[bytes]:
    """The value, and what it decodes to as hex or base64 (standard or URL-safe)."""
    out = {value}
    text = value.decode("latin-1")
    if HEX.match(text):
        out.add(binascii.unhexlify(text))
    if B64.match(text):
        padded = text + "=" * (-len(text) % 4)
        for decode in (base64.b64decode, base64.urlsafe_b64decode):
            try:
                out.add(decode(padded))
            except (binascii.Error, ValueError):
                pass
    if text.startswith(crypto.PREFIX):
        out |= forms(text[len(crypto.PREFIX) :].encode())
    return out


def stored_values(dump: Dump) -> set[bytes]:
    values = {_raw(v) for row in dump.rows for v in row.values.values()}
    values |= {p.encode() for p in plaintexts(dump)}
    values.discard(None)
    values.discard(b"")
    return values  # type: ignore[return-value]


def candidate_secrets(dump: Dump, prefixes: list[bytes]) -> dict[bytes, bytes]:
    """Every value in every form, and each one's SHA-256 / HMAC under each workshop key, alone
    and after each prefix (digest and hex digest); each with the stored value it came from."""
    out: dict[bytes, bytes] = {}
    for value in stored_values(dump):
        for form in forms(value):
            out.setdefault(form, value)
            for prefix in (b"", *prefixes):
                message = prefix + form
                digests = [hashlib.sha256(message)]
                digests += [hmac.new(key, message, hashlib.sha256) for key in dump.workshop_keys]
                for digest in digests:
                    out.setdefault(digest.digest(), value)
                    out.setdefault(digest.hexdigest().encode(), value)
    return out


def _tagger(key: bytes) -> Any:
    """keys.author_tag, made fast: HMAC's inner and outer hash states, precomputed once."""
    block = key.ljust(64, b"\x00") if len(key) <= 64 else hashlib.sha256(key).digest()
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in block.ljust(64, b"\x00")))
    outer = hashlib.sha256(bytes(b ^ 0x5C for b in block.ljust(64, b"\x00")))

    def tags(secret: bytes, suffixes: list[bytes]) -> Iterator[str]:
        head = inner.copy()
        head.update(secret + b"|")
        for suffix in suffixes:
            body = head.copy()
            body.update(suffix)
            final = outer.copy()
            final.update(body.digest())
            yield final.hexdigest()

    probe = keys.author_tag(key, b"probe-secret", "proposal", "probe-id")
    assert next(tags(b"probe-secret", [b"proposal|probe-id"])) == probe, (
        "keys.author_tag changed its message format: update the attacker in tests/properties"
    )
    numbered = keys.proposal_tag(key, b"probe-secret", "probe-workshop", 7)
    assert next(tags(b"probe-secret", [b"proposal-seq|probe-workshop|7"])) == numbered, (
        "keys.proposal_tag changed its message format: update the attacker in tests/properties"
    )
    return tags


@dataclass(frozen=True)
class Link:
    how: str
    contribution: str
    other: str

    def __str__(self) -> str:
        return f"{self.how}: {self.contribution} <-> {self.other}"


def numbered_suffixes(dump: Dump) -> list[bytes]:
    """What follows the secret in the tag of someone's n-th proposal, or of its tombstone once
    withdrawn, for every workshop (keys.proposal_tag)."""
    workshops = sorted(row.pk for row in dump.of("workshop"))
    kinds = (keys.PROPOSAL_SEQ_KIND, keys.WITHDRAWN_KIND)
    numbers = range(1, SEQ_TRIED + 1)
    return [f"{kind}|{wid}|{n}".encode() for kind in kinds for wid in workshops for n in numbers]


def tag_links(dump: Dump, prefixes: list[bytes]) -> list[Link]:
    """Candidate secrets that reproduce a stored author tag, for any kind and any id."""
    contributions = dump.of(*CONTRIBUTION_TABLES)
    all_ids = {row.pk for row in dump.rows}
    ids = sorted(
        {str(v) for row in contributions for v in row.values.values() if str(v) in all_ids}
    )
    suffixes = [f"{kind}|{cid}".encode() for kind in KINDS for cid in ids]
    suffixes += numbered_suffixes(dump)
    stored = {str(v) for row in contributions for v in row.values.values() if v is not None}
    secrets = candidate_secrets(dump, prefixes)
    links: list[Link] = []
    for key in dump.workshop_keys:
        tags = _tagger(key)
        for secret, origin in secrets.items():
            for n, tag in enumerate(tags(secret, suffixes)):
                if tag in stored:
                    where = suffixes[n].decode()
                    links.append(Link("author tag reproduced", where, f"stored value {origin!r}"))
    return links


def _identifying(value: Any) -> str | None:
    """A value that could single someone out: a string or bytes, not an enum-like word."""
    if isinstance(value, (bytes, memoryview)):
        return bytes(value).hex() or None
    if not isinstance(value, str) or not value or ENUM_LIKE.match(value):
        return None
    return value


# The fingerprint of the summary draft a sign-off or comment was given on (or of the version
# of a negotiating text a sign-off was given on) names a version of the text, the same for
# everyone who answered that version: not a mark of its author.
DOCUMENT_VERSIONS = frozenset({"fingerprint"})


def _values(row: Row) -> Iterable[tuple[str, str]]:
    for column, value in row.values.items():
        if column in DOCUMENT_VERSIONS:
            continue
        ident = _identifying(value)
        if ident is not None:
            yield column, ident


def equality_links(dump: Dump) -> list[Link]:
    """A value a contribution shares with a person's rows, or with another contribution."""
    structure = {row.pk for row in dump.of(*STRUCTURE_TABLES)}
    common = {row.pk for row in dump.of(*SHARED_WITH_PEOPLE)}
    staff = {row.pk for row in dump.of(STAFF_TABLE)}
    people = {row.pk for row in dump.of(PERSON_TABLE)}
    contributions = [
        row
        for row in dump.of(*CONTRIBUTION_TABLES)
        if not any(str(v) in staff for v in row.values.values())  # staff write as their role
    ]
    person_rows = [
        row
        for row in dump.rows
        if row.table == PERSON_TABLE
        or (
            row.table not in CONTRIBUTION_TABLES
            and any(str(v) in people for v in row.values.values())
        )
    ]
    person_values: dict[str, str] = {}
    for row in person_rows:
        for column, value in _values(row):
            if value not in common:
                person_values.setdefault(value, f"{row.table}.{column}")
    links: list[Link] = []
    seen: dict[str, str] = {}
    for row in contributions:
        here = f"{row.table} {row.pk}"
        for column, value in _values(row):
            if value in person_values:
                shared = person_values[value]
                links.append(Link("value shared with a person", f"{here}.{column}", shared))
            if value in structure or column in {
                c.name for c in metadata.tables[row.table].primary_key.columns
            }:
                continue
            other = seen.setdefault(value, f"{here}.{column}")
            if not other.startswith(here):
                links.append(Link("value shared by two contributions", f"{here}.{column}", other))
    return links


# -- survey answers (app/evaluation): paired with each other by design, with nothing else ----

SURVEY_TABLE = "survey_response"
SURVEY_TEXT_TABLE = "survey_text"  # free-text answers: no tag at all


def _hmac_states(key: bytes) -> tuple[Any, Any]:
    block = key.ljust(64, b"\x00") if len(key) <= 64 else hashlib.sha256(key).digest()
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in block.ljust(64, b"\x00")))
    outer = hashlib.sha256(bytes(b ^ 0x5C for b in block.ljust(64, b"\x00")))
    return inner, outer


def pairing_links(dump: Dump, prefixes: list[bytes]) -> list[Link]:
    """Candidate secrets that reproduce a stored survey value as HMAC(workshop key, prefix ||
    secret || "|" || id), for every code prefix and every id on an answer row (its survey):
    a pairing tag recomputed from something stored would name whose answers they are."""
    answers = dump.of(SURVEY_TABLE)
    all_ids = {row.pk for row in dump.rows}
    ids = sorted({str(v) for r in answers for v in r.values.values() if str(v) in all_ids})
    stored = {str(v) for r in answers for v in r.values.values() if v is not None}
    secrets = candidate_secrets(dump, prefixes)
    links: list[Link] = []
    for key in dump.workshop_keys:
        inner, outer = _hmac_states(key)
        for prefix in (b"", *prefixes):
            head = inner.copy()
            head.update(prefix)
            for secret, origin in secrets.items():
                body = head.copy()
                body.update(secret + b"|")
                for cid in ids:
                    one = body.copy()
                    one.update(cid.encode())
                    final = outer.copy()
                    final.update(one.digest())
                    if final.hexdigest() in stored:
                        links.append(Link("pairing tag reproduced", cid, f"from {origin!r}"))
    return links


def survey_equality_links(dump: Dump) -> list[Link]:
    """A value an answer row (paired or free text) shares with a person's rows or with a
    contribution (paired answers share their pairing tag with each other: that pairs them)."""
    structure = {row.pk for row in dump.of(*STRUCTURE_TABLES, "survey", "survey_item")}
    people = {row.pk for row in dump.of(PERSON_TABLE)}
    others: dict[str, str] = {}
    for row in dump.rows:
        linked = row.table == PERSON_TABLE or row.table in CONTRIBUTION_TABLES
        linked = linked or any(str(v) in people for v in row.values.values())
        if linked and row.table not in (SURVEY_TABLE, SURVEY_TEXT_TABLE):
            for column, value in _values(row):
                if value not in structure:
                    others.setdefault(value, f"{row.table}.{column}")
    links = []
    for row in dump.of(SURVEY_TABLE, SURVEY_TEXT_TABLE):
        for column, value in _values(row):
            if value in others and value not in structure:
                links.append(Link("answer shares a value", f"{row.pk}.{column}", others[value]))
    return links
