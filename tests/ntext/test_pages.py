"""The negotiating text without JavaScript: the facilitator drafts and publishes through
forms, a participant marks and critiques through forms, the changes are shown word by word
with <ins>/<del> inside paragraphs with their language's lang and dir; refusals keep what was
typed; a JSON API answers the same."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from app.room.models import Proposal
from tests.factories import Browser
from tests.ntext.helpers import critique, start, text_world, viewers
from tests.room.conftest import accept_rules
from tests.room.helpers import reveal

HEBREW = "המים יחולקו בין הצדדים.\n\nועדה משותפת תחליט.\n\nמחלוקות יובאו לבוררות."
HEBREW_2 = "המים יחולקו בשוויון בין הצדדים.\n\nועדה משותפת תחליט.\n\nמחלוקות יובאו לגישור."


def browser(app: object) -> Browser:
    return Browser(TestClient(app, base_url="http://testserver"))  # type: ignore[arg-type]


def test_two_rounds_through_the_forms(app, client, settings, database) -> None:  # type: ignore[no-untyped-def]
    world, item_id = text_world(settings, database, languages="he,en")
    start(world, item_id)
    url = f"/w/{world.workshop.id}/text/{item_id}"
    fac = browser(app)
    fac.login(world.users["facilitator"])
    assert fac.get(url).status_code == 200
    refused = fac.post(url + "/draft", {"text": "  ", "lang": "he"})
    assert refused.status_code == 422 and "is required" in refused.text
    bad_lang = fac.post(url + "/draft", {"text": HEBREW, "lang": "xx"})
    # not one of the workshop's languages: Inconsistent (409); what was typed is kept
    assert bad_lang.status_code == 409 and "המים יחולקו" in bad_lang.text
    assert fac.post(url + "/draft", {"text": HEBREW, "lang": "he"}).status_code == 303
    assert fac.post(url + "/publish").status_code == 303
    console = fac.get(f"/w/{world.workshop.id}/console")
    assert console.status_code == 200 and url in console.text
    assert "/console/items/" + item_id + "/publish" not in console.text  # figures: text page

    person = browser(app)
    person.join(world.invitations[0])
    accept_rules(world, 0)
    assert url in person.get(f"/w/{world.workshop.id}/room").text
    page = person.get(url)
    assert page.status_code == 200
    paragraphs = re.findall(r'id="p-([0-9a-f]{32})"', page.text)
    assert len(paragraphs) == 3
    assert 'dir="rtl" lang="he"' in page.text
    marked = person.post(f"{url}/paragraphs/{paragraphs[0]}/mark", {"value": "agree"})
    assert marked.status_code == 303
    assert 'value="agree" checked' in person.get(url).text
    sent = person.post(
        f"{url}/paragraphs/{paragraphs[1]}/critique",
        {"text": "מי ימנה את הוועדה?", "idempotency_key": "k" * 20},
    )
    assert sent.status_code == 303
    empty = person.post(
        f"{url}/paragraphs/{paragraphs[1]}/critique", {"text": "", "idempotency_key": "j" * 20}
    )
    assert empty.status_code == 422
    assert "מי ימנה את הוועדה?" in person.get(url).text  # theirs alone until the reveal
    reveal(world, item_id)
    assert "מי ימנה את הוועדה?" not in person.get(url).text  # a group of one waits
    others = viewers(world)[1:3]
    for n, other in enumerate(others):
        critique(world, other, paragraphs[1], f"הערה {n}")
    reveal(world, item_id)
    assert "מי ימנה את הוועדה?" in person.get(url).text

    assert fac.post(url + "/draft", {"text": HEBREW_2, "lang": "he"}).status_code == 303
    assert fac.post(url + "/publish").status_code == 303
    shown = person.get(url).text
    assert "<ins>בשוויון </ins>" in shown or "<ins> בשוויון</ins>" in shown
    assert '<del>לבוררות</del><ins class="replacing">לגישור</ins>' in shown  # set apart
    # the first round's critique stays with version 1
    first = shown[shown.index('id="v-1"') :]
    assert "מי ימנה את הוועדה?" in first


def test_api_reads_marks_and_critiques(app, client, settings, database) -> None:  # type: ignore[no-untyped-def]
    world, item_id = text_world(settings, database)
    start(world, item_id)
    api = f"/api/v1/workshops/{world.workshop.id}/texts/{item_id}"
    fac = browser(app)
    fac.login(world.users["facilitator"])
    headers = {"X-CSRF-Token": fac.ensure_token()}
    put = fac.client.put(api + "/draft", json={"text": "One.\n\nTwo."}, headers=headers)
    assert put.status_code == 200, put.text
    assert put.json()["versions"][0]["number"] == 1
    assert fac.client.post(api + "/publish", headers=headers).status_code == 200
    person = browser(app)
    person.join(world.invitations[0])
    accept_rules(world, 0)
    data = person.client.get(api).json()
    pid = data["versions"][0]["paragraphs"][0]["id"]
    token = {"X-CSRF-Token": person.ensure_token()}
    marked = person.client.put(
        f"{api}/paragraphs/{pid}/mark", json={"value": "pass"}, headers=token
    )
    assert marked.json() == {"value": "pass"}
    made = person.client.post(
        f"{api}/paragraphs/{pid}/critiques",
        json={"text": "Why?", "idempotency_key": "c" * 20},
        headers=token,
    )
    assert made.status_code == 201 and made.json()["mine"] == 1
    shown = person.client.get(api).json()["versions"][0]["paragraphs"][0]
    assert shown["my_mark"] == {"agree": 0, "disagree": 0, "pass": 1}
    assert [c["text"] for c in shown["pending"]] == ["Why?"] and shown["critiques"] == []
    with world.database.session() as db:
        assert db.get(Proposal, made.json()["id"]) is not None
    # one mark is fewer than k people: its paragraph keeps its (empty) figures
    assert fac.client.post(api + "/figures", headers=headers).json() == {"withheld": 1}
    assert person.client.post(api + "/figures", headers=token).status_code == 404


def test_a_plenary_item_is_no_text(app, client, settings, database) -> None:  # type: ignore[no-untyped-def]
    world, item_id = text_world(settings, database)
    fac = browser(app)
    fac.login(world.users["facilitator"])
    assert fac.get(f"/w/{world.workshop.id}/text/{'0' * 32}").status_code == 404
    observer = browser(app)
    observer.login(world.users["observer"])
    assert observer.get(f"/w/{world.workshop.id}/text/{item_id}").status_code == 200
    assert observer.post(f"/w/{world.workshop.id}/text/{item_id}/publish").status_code == 404
