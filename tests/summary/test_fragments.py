"""Each named block of the workspace renders on its own (the htmx fragments)."""

from __future__ import annotations

import pytest

from tests.summary.seed import seed
from tests.summary.test_export import staff


@pytest.mark.parametrize("block", ["check", "proposals", "review", "draft"])
def test_each_workspace_fragment_renders(client, settings, database, block: str) -> None:  # type: ignore[no-untyped-def]
    s = seed(settings, database)
    browser = staff(client, s.world)
    response = browser.get(
        f"/w/{s.world.workshop.id}/summary?fragment={block}", headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert f'id="{block}"' in response.text
    assert "<html" not in response.text
