"""Accessibility in a real browser: axe-core on every page each role can reach, in English,
Arabic and Persian, at 360 px phone width (no page may scroll sideways); a keyboard-only
participant from invitation to proposal and reaction; screenshots of the room and the console
at 360 px and 1280 px in each of these languages.

axe-core comes bundled in the PyPI package axe-playwright-python. A serious or critical
violation fails; moderate and minor ones are listed in the failure message of the same test
when they appear together with a serious one, and are otherwise left to review.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.factories import PASSWORD, World

pytestmark = pytest.mark.browser

FAILING_IMPACTS = {"serious", "critical"}
ROLES = (
    "anonymous",
    "participant",
    "organizer",
    "facilitator",
    "rapporteur",
    "observer",
    "translator",
)
LANGS = ("en", "ar", "fa")
MAX_PAGES = 45
PHONE = 360  # every page is crawled at phone width: nothing may scroll sideways
SKIP_PATHS = re.compile(r"^/(static|api|logout)|/events$|/export|\.(md|json|docx|pdf|html)$")

FOCUS_INFO = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const s = getComputedStyle(e);
  return {
    tag: e.tagName.toLowerCase(), id: e.id, name: e.getAttribute('name'),
    value: e.getAttribute('value'), type: e.getAttribute('type'),
    text: (e.innerText || e.value || '').trim().slice(0, 80),
    outline: s.outlineStyle, outlineWidth: parseFloat(s.outlineWidth) || 0,
    shadow: s.boxShadow, pressed: e.getAttribute('aria-pressed'),
  };
}"""


WIDEST = """(width) => [...document.querySelectorAll('main *')]
  .filter(e => e.getBoundingClientRect().right > width + 1 || e.getBoundingClientRect().left < -1)
  .filter(e => !e.closest('.table-wrap') || e.classList.contains('table-wrap'))
  .slice(0, 5)
  .map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().width))"""


# English left in a translated page: two lower-case Latin words in a row, outside user text
# (dir="auto" / hx-disable), code, options and times.
ENGLISH_LEFT = """() => {
  const out = [];
  const walk = (n) => {
    if (n.nodeType === 3) {
      const t = n.textContent.trim();
      if (/\\b[a-z]{2,} [a-z]{2,}\\b/.test(t)) out.push(t.slice(0, 80));
      return;
    }
    if (n.nodeType !== 1 || n.hasAttribute('hx-disable') || n.hasAttribute('dir')) return;
    if (['SCRIPT', 'STYLE', 'CODE', 'OPTION', 'TIME'].includes(n.tagName)) return;
    for (const c of n.childNodes) walk(c);
  };
  walk(document.querySelector('main'));
  return out;
}"""


# ---------------------------------------------------------------- scene set-up through the UI


def login(page: Any, email: str) -> None:
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(lambda url: "/login" not in url)


def join(page: Any, path: str, ws: str) -> None:
    """Claim an invitation and accept the ground rules (by mouse; the keyboard test uses keys)."""
    page.goto(path)
    page.locator("main form button[type=submit]").click()
    page.wait_for_selector("#recovery-code")
    page.goto(f"/w/{ws}/rules")
    page.locator("form[action$='/rules/accept'] button").click()
    page.wait_for_load_state()


def open_round(page: Any, ws: str, title: str) -> None:
    """As organizer: a session with one contribution round, then the workshop goes live."""
    page.goto(f"/w/{ws}/manage/agenda")
    form = page.locator("form[action$='/manage/sessions']")
    form.locator("[name=title]").fill("Day one, morning")
    form.locator("button[type=submit]").click()
    session = page.locator("section.session").first
    session.locator("summary").click()
    item = session.locator("form[action$='/items']")
    item.locator("[name=title]").fill(title)
    item.locator("[name=kind]").select_option("contribution")
    item.locator("button[type=submit]").click()
    page.goto(f"/w/{ws}/manage")
    page.locator("button[name=to][value=live]").click()
    page.wait_for_load_state()


def start_round(page: Any, ws: str) -> None:
    """As facilitator: start the first item and make sure proposals are open."""
    page.goto(f"/w/{ws}/console")
    page.locator("form[action$='/start'] button").first.click()
    page.goto(f"/w/{ws}/console")
    intake = page.locator("form[action$='/intake'] button")
    if intake.count() and "Open" in intake.first.inner_text():
        intake.first.click()
        page.wait_for_load_state()


def propose(page: Any, ws: str, text: str) -> None:
    page.goto(f"/w/{ws}/room")
    page.fill("#proposal-text", text)
    page.locator("form[action$='/room/proposals'] button[type=submit]").click()
    page.wait_for_load_state()


def reveal(page: Any, ws: str) -> None:
    """Reveal the pending batch; below the minimum with a reason (the field is there then)."""
    page.goto(f"/w/{ws}/console")
    if page.locator("#override-reason").count():
        page.fill("#override-reason", "A small room")
    page.locator("form[action$='/reveal'] button").click()
    page.wait_for_load_state()


@dataclass
class Scene:
    world: World
    ws: str
    states: dict[str, Any] = field(default_factory=dict)
    spare: list[str] = field(default_factory=list)  # unclaimed invitation paths


@pytest.fixture(scope="module")
def scene(server: Any, chromium: Any) -> Iterator[Scene]:
    """A live contribution round with revealed proposals, reactions and shown results."""
    world = server.world(title="Dialogue on the Northern Valley", participants_per_party=3)
    ws = world.workshop.id
    scene = Scene(world, ws, spare=[i.path() for i in world.invitations[4:]])
    contexts = []

    def page_for(role: str) -> Any:
        context = chromium.new_context(base_url=server.url, locale="en-GB")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        if role in world.users:
            login(page, world.users[role].email)
        return page

    try:
        organizer = page_for("organizer")
        open_round(organizer, ws, "What could a shared water authority do?")
        facilitator = page_for("facilitator")
        start_round(facilitator, ws)
        people = []
        texts = [
            "A joint basin commission with equal seats and a rotating chair.",
            "مراقبة مشتركة لتدفق المياه مع نشر البيانات للجميع.",
            "ועדה משותפת לבדיקת איכות המים בכל עונה.",
        ]
        for invitation, text in zip(world.invitations[:3], texts, strict=True):
            page = page_for("participant")
            join(page, invitation.path(), ws)
            propose(page, ws, text)
            people.append(page)
        reveal(facilitator, ws)
        for page in people:
            page.goto(f"/w/{ws}/room")
            page.locator("form.reactions button[value=agree]").first.click()
            page.wait_for_load_state()
        facilitator.goto(f"/w/{ws}/console")
        results = facilitator.locator("form[action$='/results'] button")
        if results.count() and "Show" in results.first.inner_text():
            results.first.click()
        # one more pending proposal, so the console shows both lists
        propose(people[0], ws, "Seasonal release schedule agreed a year ahead.")
        for role in ("organizer", "facilitator", "rapporteur", "observer", "translator"):
            page = organizer if role == "organizer" else facilitator
            if role not in ("organizer", "facilitator"):
                page = page_for(role)
            scene.states[role] = page.context.storage_state()
        scene.states["participant"] = people[1].context.storage_state()
        scene.states["anonymous"] = None
        yield scene
    finally:
        for context in contexts:
            context.close()


def context_for(chromium: Any, server: Any, scene: Scene, role: str, lang: str, **kw: Any) -> Any:
    context = chromium.new_context(
        base_url=server.url,
        locale=lang,
        extra_http_headers={"Accept-Language": lang},
        storage_state=scene.states[role],
        **kw,
    )
    return context


# ---------------------------------------------------------------------------- axe on every page


def start_paths(scene: Scene, role: str) -> list[str]:
    ws = scene.ws
    if role == "anonymous":
        return ["/", "/login", "/recover", scene.spare[0], "/join/not-a-real-invitation", "/nope"]
    if role == "participant":
        return [f"/w/{ws}", f"/w/{ws}/rules", f"/w/{ws}/room", f"/w/{ws}/notes", "/nope"]
    if role == "translator":
        return ["/", "/account", f"/w/{ws}/translate", f"/w/{ws}/room"]
    return ["/", "/account", f"/w/{ws}", f"/w/{ws}/room", f"/w/{ws}/console", f"/w/{ws}/manage"]


def crawl_targets(page: Any, base: str, ws: str) -> list[str]:
    found = []
    for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"):
        parts = urlsplit(href)
        if not href.startswith(base) or parts.query:
            continue
        path = parts.path
        if SKIP_PATHS.search(path):
            continue
        if path in ("/", "/account", "/login", "/recover", "/workshops/new") or path.startswith(
            f"/w/{ws}"
        ):
            found.append(path)
    return found


def axe_problems(axe: Any, page: Any) -> tuple[list[str], list[str]]:
    results = axe.run(page)
    serious, other = [], []
    for violation in results.response["violations"]:
        targets = [" ".join(map(str, n["target"])) for n in violation["nodes"][:3]]
        line = f"{violation['impact']} {violation['id']}: {violation['help']} at {targets}"
        (serious if violation["impact"] in FAILING_IMPACTS else other).append(line)
    return serious, other


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("role", ROLES)
def test_axe_finds_no_serious_violation_on_any_page(chromium, server, scene, role, lang) -> None:
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    context = context_for(
        chromium, server, scene, role, lang, viewport={"width": PHONE, "height": 800}
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    queue = start_paths(scene, role)
    sideways: list[str] = []
    english: list[str] = []
    seen: set[str] = set()
    serious: list[str] = []
    moderate: list[str] = []
    try:
        while queue and len(seen) < MAX_PAGES:
            path = queue.pop(0)
            if path in seen:
                continue
            seen.add(path)
            response = page.goto(path)
            assert response is not None
            assert response.status < 500, f"{path}: {response.status}"
            html = page.locator("html")
            assert html.get_attribute("lang") == lang, path
            assert html.get_attribute("dir") == ("rtl" if lang in ("ar", "fa") else "ltr"), path
            if page.evaluate("document.documentElement.scrollWidth") > PHONE + 1:
                sideways.append(f"{path}: {page.evaluate(WIDEST, PHONE)}")
            if lang != "en":
                english += [f"{path}: {text}" for text in page.evaluate(ENGLISH_LEFT)]
            bad, other = axe_problems(axe, page)
            serious += [f"{path} {line}" for line in bad]
            moderate += [f"{path} {line}" for line in other]
            queue += [p for p in crawl_targets(page, server.url, scene.ws) if p not in seen]
    finally:
        context.close()
    minimum = {"anonymous": 5, "participant": 4, "translator": 4}.get(role, 6)
    assert len(seen) >= minimum, sorted(seen)
    assert not serious, "\n".join([*serious, "-- also:", *moderate])
    assert not sideways, f"pages wider than a {PHONE}px phone:\n" + "\n".join(sideways)
    assert not english, "untranslated text (mark it for translation):\n" + "\n".join(english)


# ----------------------------------------------------------------------- keyboard only


def tab_to(page: Any, wanted: Callable[[dict[str, Any]], bool], what: str, limit: int = 90) -> dict:
    """Press Tab until the focused element is the wanted one; every stop must show its focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        info = page.evaluate(FOCUS_INFO)
        if info is None:
            continue
        visible = (info["outline"] != "none" and info["outlineWidth"] >= 2) or (
            info["shadow"] not in ("", "none")
        )
        assert visible, f"no visible focus on {info}"
        if wanted(info):
            return info
    raise AssertionError(f"{what} cannot be reached with Tab")


def press(page: Any, key: str) -> None:
    """Press a key that submits a form or follows a link, and wait for the next page."""
    with page.expect_navigation():
        page.keyboard.press(key)


def by_text(text: str) -> Callable[[dict[str, Any]], bool]:
    return lambda info: info["text"] == text


def test_keyboard_only_participant_joins_proposes_and_reacts(chromium, server) -> None:
    from playwright.sync_api import expect

    world = server.world(title="Keyboard Dialogue", participants_per_party=1)
    ws = world.workshop.id
    staff = chromium.new_context(base_url=server.url, locale="en-GB")
    person = chromium.new_context(base_url=server.url, locale="en-GB")
    try:
        organizer = staff.new_page()
        login(organizer, world.users["organizer"].email)
        open_round(organizer, ws, "Options for the valley")
        organizer.context.clear_cookies()
        facilitator = organizer
        login(facilitator, world.users["facilitator"].email)
        start_round(facilitator, ws)

        page = person.new_page()
        page.set_default_timeout(10_000)
        page.goto(world.invitations[0].path())
        tab_to(page, by_text("Join the workshop"), "the join button")
        press(page, "Enter")
        page.wait_for_selector("#recovery-code")
        tab_to(page, by_text("I have kept it safe: continue"), "the continue link")
        press(page, "Enter")
        if "/rules" not in page.url:
            page.goto(f"/w/{ws}/rules")  # the workshop page links here; following it is a visit
        tab_to(page, by_text("I accept these ground rules"), "the accept button")
        press(page, "Enter")
        tab_to(page, by_text("Enter the room"), "the room link")
        press(page, "Enter")
        page.wait_for_url(f"**/w/{ws}/room")

        tab_to(page, lambda i: i["id"] == "proposal-text", "the proposal box")
        page.keyboard.type("Shared flood warnings, in every language of the valley.")
        tab_to(page, lambda i: i["tag"] == "button" and i["text"] == "Submit", "Submit")
        press(page, "Enter")
        assert page.get_by_text("Shared flood warnings, in every language").first.is_visible()

        reveal(facilitator, ws)
        # the live update brings the revealed batch and says so in the polite live region
        page.locator("form.reactions button[value=agree]").first.wait_for(timeout=8_000)
        expect(page.locator("#announcer")).to_contain_text("1 proposal revealed.")
        assert page.locator("#announcer").get_attribute("aria-live") == "polite"
        page.keyboard.press("Home")
        page.locator("body").focus()
        tab_to(page, lambda i: i["value"] == "agree", "the Agree button")
        page.keyboard.press("Space")
        page.wait_for_load_state()
        page.wait_for_selector("form.reactions button[value=agree][aria-pressed=true]")
    finally:
        staff.close()
        person.close()


# ------------------------------------------------------------------------------- screenshots


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("width", (360, 1280))
def test_screenshots_of_room_and_console(chromium, server, scene, lang, width) -> None:
    from tests.e2e.conftest import SCREENSHOTS

    SCREENSHOTS.mkdir(exist_ok=True)
    for role, path, name in (
        ("participant", f"/w/{scene.ws}/room", "room"),
        ("facilitator", f"/w/{scene.ws}/console", "console"),
    ):
        context = context_for(
            chromium, server, scene, role, lang, viewport={"width": width, "height": 900}
        )
        try:
            page = context.new_page()
            response = page.goto(path)
            assert response is not None and response.status == 200
            page.wait_for_load_state("networkidle")
            page.screenshot(
                path=str(SCREENSHOTS / f"a11y-{name}-{lang}-{width}.png"), full_page=True
            )
            scroll = page.evaluate("document.documentElement.scrollWidth")
            wide = page.evaluate(WIDEST, width)
            assert scroll <= width + 1, f"{name} scrolls sideways at {width}px ({scroll}px): {wide}"
        finally:
            context.close()


def test_projector_view_enlarges_the_console(chromium, server, scene) -> None:
    """A link to #projector turns the console into a projected view without JavaScript."""
    from tests.e2e.conftest import SCREENSHOTS

    context = context_for(
        chromium, server, scene, "facilitator", "en", viewport={"width": 1920, "height": 1080}
    )
    try:
        page = context.new_page()
        page.goto(f"/w/{scene.ws}/console")
        normal = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
        page.get_by_role("link", name="Projector view (larger text)").click()
        big = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
        assert big >= normal * 1.3
        assert not page.locator(".site-header").is_visible()
        page.screenshot(path=str(SCREENSHOTS / "a11y-console-projector-1920.png"))
        page.get_by_role("link", name="Normal view").click()
        back = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
        assert back == normal
    finally:
        context.close()
