"""The commune page of Ia Krái and the province page of Gia Lai in a real browser.

Each language is reached the way a resident would: the header's language switcher (by mouse
and by keyboard) or a remembered language cookie. Map tiles are unreachable throughout.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.utils import translation

pytestmark = pytest.mark.browser

COMMUNE_PATH = "/communes/23776/"
COMMUNE_HEADING = "Xã Ia Krái"
HOTLINE = "0269 3800 113"
VILLAGES = 36
PROVINCE_PATH = "/units/2025/52/"

NAMED = "img, select, input:not([type=hidden]), textarea, button, [role=img], a[href]"


def gettext_in(code: str, message: str) -> str:
    with translation.override(code):
        return translation.gettext(message)


def _focused(page) -> dict:
    return page.evaluate("""() => {
        const el = document.activeElement;
        return {tag: el.tagName.toLowerCase(), id: el.id, cls: el.className,
                text: (el.textContent || "").trim()};
    }""")


def _tab_to(page, element_id: str, limit: int = 15) -> None:
    """Press Tab from the top of the page until the element has the focus."""
    for _presses in range(limit):
        page.keyboard.press("Tab")
        if _focused(page)["id"] == element_id:
            return
    pytest.fail(f"#{element_id} not reached with {limit} presses of Tab")


def _open_in(page, base: str, code: str) -> None:
    """Open the commune page in ``code``, choosing the language as a visitor would.

    The switcher is a <select> plus a “Change language” button (choosing an option alone does
    not reload the page). The browser asks for English (Accept-Language en-US), which the site
    deliberately ignores: without a choice the page is Vietnamese.
    """
    url = base + COMMUNE_PATH
    context = page.context
    if code == "vi":
        # Starts in English (remembered cookie), then the switcher is used with the mouse.
        context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": base}])
        page.goto(url)
        assert page.locator("html").get_attribute("lang") == "en"
        page.locator("#language-select").select_option("vi")
        with page.expect_navigation(url=url):
            page.get_by_role("button", name=gettext_in("en", "Change language")).click()
    elif code in ("en", "sv"):
        # Keyboard only: Tab to the switcher, pick the language, Tab to the button, press it.
        page.goto(url)
        assert page.locator("html").get_attribute("lang") == "vi"
        _tab_to(page, "language-select")
        if code == "en":
            page.keyboard.press("ArrowDown")  # Tiếng Việt -> the next option, English
        else:
            page.keyboard.press("s")  # type-ahead on “Svenska”
        assert page.locator("#language-select").input_value() == code
        page.keyboard.press("Tab")
        focused = _focused(page)
        assert focused["tag"] == "button" and focused["text"] == gettext_in(
            "vi", "Change language"), focused
        with page.expect_navigation(url=url):
            page.keyboard.press("Enter" if code == "en" else " ")
    else:
        # A language remembered from an earlier visit.
        context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": code, "url": base}])
        page.goto(url)
    page.wait_for_load_state("load")
    cookies = {c["name"]: c["value"] for c in context.cookies(base)}
    assert cookies.get(settings.LANGUAGE_COOKIE_NAME) == code


def _unnamed(page) -> list[str]:
    """Elements a screen reader would announce without a name."""
    from playwright.sync_api import expect

    missing = []
    elements = page.locator(NAMED)
    for index in range(elements.count()):
        element = elements.nth(index)
        info = element.evaluate("""el => ({
            html: el.outerHTML.slice(0, 160),
            tag: el.tagName.toLowerCase(),
            alt: el.getAttribute("alt"),
            hidden: el.closest("[aria-hidden=true]") !== null,
        })""")
        if info["hidden"]:
            continue
        if info["tag"] == "img":
            if info["alt"] is None:
                missing.append(info["html"])
            # alt="" marks a decorative image (Leaflet's tiles): nothing to announce.
            continue
        try:
            expect(element).to_have_accessible_name(re.compile(r"\S"), timeout=500)
        except AssertionError:
            missing.append(info["html"])
    return missing


@pytest.mark.parametrize("code", ["vi", "en", "sv", "ru"])
def test_commune_page(code, page, page_errors, blocked, live_server, demo_data, screenshot_dir):
    from playwright.sync_api import expect

    _open_in(page, live_server.url, code)

    # Language and content.
    assert page.locator("html").get_attribute("lang") == code
    expect(page.locator("h1")).to_have_count(1)
    expect(page.locator("h1")).to_have_text(COMMUNE_HEADING)
    hotline_heading = gettext_in(code, "Police duty hotline")
    expect(page.get_by_role("heading", level=2, name=hotline_heading, exact=True)).to_be_visible()
    expect(page.get_by_role("link", name=HOTLINE)).to_be_visible()
    expect(page.get_by_role("link", name=HOTLINE)).to_have_attribute("href", f"tel:{HOTLINE}")
    villages = page.locator("section[aria-labelledby=villages-heading] li")
    expect(villages).to_have_count(VILLAGES)
    expect(villages.first).to_be_visible()

    # The map: Leaflet starts although every tile request fails; the circle-rule disc is drawn.
    commune_map = page.locator("#commune-map")
    expect(commune_map).to_be_visible()
    expect(commune_map).to_have_class(re.compile(r"\bleaflet-container\b"))
    expect(commune_map.locator("path.leaflet-interactive")).to_have_count(1)
    page.wait_for_load_state("networkidle")
    assert blocked.tiles, "Leaflet asked for no tiles: the aborted-tile case was not exercised"
    assert [url for url in blocked.urls if url not in blocked.tiles] == [], "outside requests"
    box = commune_map.bounding_box()
    assert box and box["height"] > 200 and box["width"] > 200, box

    page.screenshot(path=str(screenshot_dir / f"commune-{code}.png"), full_page=True)

    # Structure a screen reader relies on.
    expect(page.get_by_role("banner")).to_have_count(1)
    expect(page.get_by_role("main")).to_have_count(1)
    expect(page.get_by_role("contentinfo")).to_have_count(1)
    navigations = page.get_by_role("navigation")
    assert navigations.count() >= 1
    nav_names = [n.get_attribute("aria-label") for n in navigations.all()]
    assert all(nav_names) and len(set(nav_names)) == len(nav_names), nav_names
    assert _unnamed(page) == []

    # Keyboard: from the top, Tab reaches the skip link first; Enter lands in <main>.
    page.goto(page.url)  # fresh focus, language kept by the cookie
    page.keyboard.press("Tab")
    focused = _focused(page)
    assert focused["tag"] == "a" and "skip-link" in focused["cls"], focused
    assert focused["text"] == gettext_in(code, "Skip to content")
    skip_box = page.locator("a.skip-link").bounding_box()
    assert skip_box and skip_box["x"] >= 0 and skip_box["y"] >= 0, "focused skip link off screen"
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()

    assert page_errors.uncaught == []
    assert page_errors.console == []

    # Last, so everything above is still checked while translations are being written.
    if code != "en":
        assert hotline_heading != "Police duty hotline", (
            f"“Police duty hotline” is not translated into {code} "
            "(msgstr empty or .mo not compiled)")


def test_province_search_filters_communes_as_you_type(page, page_errors, live_server, demo_data):
    from playwright.sync_api import expect

    page.goto(live_server.url + PROVINCE_PATH)
    expect(page.locator("h1")).to_contain_text("Gia Lai")
    rows = page.locator("#commune-list tbody tr")
    expect(rows.first).to_be_visible()
    all_communes = rows.count()
    assert all_communes > 50, all_communes
    page.evaluate("window.__notReloaded = true")

    box = page.locator("#commune-q")
    box.click()

    def htmx_search(response) -> bool:
        query = parse_qs(urlsplit(response.url).query)
        return (response.request.headers.get("hx-request") == "true"
                and query.get("q") == ["Ia Krai"])

    with page.expect_response(htmx_search) as response:
        box.press_sequentially("Ia Krai", delay=60)  # unaccented, as typed on a plain keyboard
    assert response.value.ok

    link = page.locator("#commune-list").get_by_role("link", name=COMMUNE_HEADING, exact=True)
    expect(link).to_be_visible()
    expect(link).to_have_attribute("href", COMMUNE_PATH)
    assert 1 <= rows.count() < all_communes
    assert page.evaluate("window.__notReloaded") is True, "the page reloaded instead of htmx"
    expect(box).to_have_value("Ia Krai")
    expect(box).to_be_focused()

    link.click()
    page.wait_for_url(live_server.url + COMMUNE_PATH)
    expect(page.locator("h1")).to_have_text(COMMUNE_HEADING)
    assert page_errors.uncaught == []
    assert page_errors.console == []
