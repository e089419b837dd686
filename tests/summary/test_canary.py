"""No export carries a canary: participant names, affiliations, party names, staff names,
recovery codes, invitation tokens, participant ids, or anything a format adds by itself
(DOCX core properties, PDF metadata)."""

from __future__ import annotations

import io
import secrets
import zipfile

from fastapi.testclient import TestClient

from app.accounts.models import User
from app.notes.models import Note
from app.summary.formats.registry import FORMATS
from tests.factories import Browser
from tests.summary.helpers import EXTRACT, flat
from tests.summary.seed import seed
from tests.summary.test_export import export, resolve_all, staff


def canary(label: str) -> str:
    return f"Canary{label}{secrets.token_hex(3)}"


def test_no_export_contains_a_canary(client, settings, database) -> None:  # type: ignore[no-untyped-def]
    names = [canary("Name") + " " + canary("Surname") for _ in range(3)] + ["غسّان كناري"]
    affiliations = [canary("Affil") for _ in range(4)]
    parties = (canary("PartyA"), canary("PartyB"))
    s = seed(
        settings,
        database,
        names=names,
        affiliations=affiliations,
        parties=parties,
        leak_names=False,
    )
    wid = s.world.workshop.id
    secrets_out: list[str] = []
    for invitation in s.world.invitations[:2]:
        browser = Browser(TestClient(client.app, base_url="http://testserver"))
        secrets_out.append(browser.join(invitation))
        secrets_out.append(invitation.token)
    secrets_out += [inv.participant.id for inv in s.world.invitations]
    staff_names = []
    with database.transaction() as db:
        for user in s.world.users.values():
            row = db.get(User, user.id)
            row.display_name = canary("Staff")
            staff_names.append(row.display_name)
            db.add(row)
        # a synthesis that names people the way a rapporteur might slip: other case, no
        # diacritics, a party name, an affiliation, the Arabic name with harakat
        db.add(
            Note(
                workshop_id=wid,
                item_id=s.items["ways"].id,
                author_role="rapporteur",
                visibility="summary",
                body=(
                    f"{names[0].upper()} and {names[1].split()[1].lower()} from "
                    f"{affiliations[2]} spoke for the {parties[1]} side. غَسَّان كَنَارِي agreed."
                ),
            )
        )
    organizer = staff(client, s.world)
    organizer.get(f"/w/{wid}/summary")
    resolve_all(organizer, database, settings, s.world)

    identity = [*names, *[p for n in names for p in n.split()], *affiliations, *parties]
    for fmt in FORMATS:
        data = export(organizer, wid, fmt).content
        text = flat(EXTRACT[fmt](data))
        for value in identity + staff_names + secrets_out:
            assert flat(value) not in text, (fmt, value)
        blobs = [data]
        if fmt == "docx":
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                blobs = [archive.read(name) for name in archive.namelist()]
        for blob in blobs:
            for value in identity + staff_names + secrets_out:
                assert value.encode() not in blob, (fmt, value)
        assert "[redacted]" in EXTRACT[fmt](data) or (fmt == "pdf" and flat("[redacted]") in text)
