"""The incidents map in a real browser, signed in as an officer of Ia Krái: with map tiles
switched off (and, second, with tiles set but unreachable) the markers are drawn, clustered,
on a blank background, a notice says why, and the incidents without a point are listed by
village beside the map."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from tests.reports.factories import IA_KRAI_CENTRE, incident, offset

pytestmark = pytest.mark.browser

MAP_PATH = "/reports/map/"
GROUP = 8  # incidents a few metres apart: one cluster
SPREAD = [(6000, 3000), (-6000, 4000)]  # far apart: single markers


def gettext_in(code: str, message: str) -> str:
    with translation.override(code):
        return translation.gettext(message)


@pytest.fixture
def officer_map(demo_data, make_user, live_server, browser_context):
    """Ia Krái's incidents and an officer's session in the browser."""
    import importlib

    from django.apps import apps

    from safecommune.accounts.roles import Role
    from safecommune.reports.models import Category
    from safecommune.territory.models import AdministrativeUnit

    if not Category.objects.exists():  # a previous live-server test flushed the vocabulary
        importlib.import_module("safecommune.reports.migrations.0002_seed_categories").seed(
            apps, None)

    commune = AdministrativeUnit.objects.get(structure="2025", code="23776")
    officer = make_user(Role.COMMUNE_OFFICER, commune)
    village = commune.villages.get(name="Làng Bi")
    made = [incident(actor=officer, unit=commune, summary=f"Mất trộm xe máy {n}",
                     point=offset(IA_KRAI_CENTRE, east_m=-5000 + 5 * n, north_m=3 * n))
            for n in range(GROUP)]
    made += [incident(actor=officer, unit=commune, category="traffic_accident",
                      summary="Va chạm xe máy", point=offset(IA_KRAI_CENTRE, north_m=north,
                                                            east_m=east))
             for north, east in SPREAD]
    unplaced = [incident(actor=officer, unit=commune, category="land_dispute",
                         summary=f"Tranh chấp đất rẫy {n}", village=village) for n in range(2)]
    client = Client()
    client.force_login(officer)
    browser_context.add_cookies([{"name": settings.SESSION_COOKIE_NAME,
                                  "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                                  "url": live_server.url}])
    return {"placed": made, "unplaced": unplaced}


def _drawn(page) -> dict:
    return page.evaluate("""() => {
        const map = document.getElementById("incident-map");
        const clusters = [...map.querySelectorAll(".marker-cluster")]
            .map(el => parseInt(el.textContent, 10));
        return {clusters, singles: map.querySelectorAll(".incident-marker").length};
    }""")


def _open_map(page, live_server):
    from playwright.sync_api import expect

    page.goto(live_server.url + MAP_PATH)
    expect(page.locator("h1")).to_have_count(1)
    commune_map = page.locator("#incident-map")
    expect(commune_map).to_have_class(re.compile(r"\bleaflet-container\b"))
    expect(page.locator("#incident-map[data-loaded]")).to_have_count(1)
    expect(commune_map.locator(".marker-cluster").first).to_be_visible()
    return commune_map


def test_officer_sees_clustered_markers_and_the_list_without_tiles(
        page, page_errors, blocked, live_server, officer_map, settings, screenshot_dir):
    from playwright.sync_api import expect

    settings.SAFECOMMUNE_MAP_TILE_URL = ""
    commune_map = _open_map(page, live_server)

    expect(page.locator("#map-no-tiles")).to_be_visible()
    expect(page.locator("#map-tiles-failed")).to_be_hidden()
    expect(page.locator("#map-points-failed")).to_be_hidden()
    assert commune_map.get_attribute("data-loaded") == str(GROUP + len(SPREAD))
    drawn = _drawn(page)
    assert sum(drawn["clusters"]) + drawn["singles"] == GROUP + len(SPREAD), drawn
    assert max(drawn["clusters"]) >= GROUP, drawn
    assert drawn["singles"] >= 1, drawn
    expect(commune_map.locator(".leaflet-overlay-pane path")).to_have_count(1)  # the outline
    box = commune_map.bounding_box()
    assert box and box["height"] > 300 and box["width"] > 300, box

    # Beside the map: the incidents without a point, under their village.
    unplaced = page.locator("section.unplaced")
    expect(unplaced.get_by_role("heading", level=3)).to_contain_text("Làng Bi")
    expect(unplaced.locator("li")).to_have_count(2)
    expect(unplaced.get_by_role("link", name="Tranh chấp đất rẫy 0")).to_be_visible()

    # A single marker's popup: category, status and a link to the incident.
    commune_map.locator(".incident-marker").first.click()
    popup = commune_map.locator(".leaflet-popup-content")
    expect(popup).to_be_visible()
    expect(popup).to_contain_text(gettext_in("vi", "received"))
    link = popup.get_by_role("link")
    expect(link).to_have_attribute("href", re.compile(r"^/reports/incidents/\d+/$"))
    page.screenshot(path=str(screenshot_dir / "reports-map-no-tiles.png"), full_page=True)

    # A cluster opens up when clicked (zoomed in, split into smaller clusters or markers).
    page.keyboard.press("Escape")
    commune_map.locator(".marker-cluster").first.click()
    page.wait_for_timeout(800)  # the zoom animation
    after = _drawn(page)
    assert after != drawn and max(after["clusters"] or [0]) < GROUP, after

    # The popup's link opens the incident.
    commune_map = _open_map(page, live_server)
    commune_map.locator(".incident-marker").first.click()
    href = popup.get_by_role("link").get_attribute("href")
    popup.get_by_role("link").click()
    page.wait_for_url(live_server.url + href)
    expect(page.locator("h1")).to_contain_text(re.compile(r"Mất trộm xe máy|Va chạm xe máy"))

    assert blocked.urls == [], "no request left the server"
    assert page_errors.uncaught == []
    assert page_errors.console == []


def test_unreachable_tiles_give_a_notice_and_the_markers_stay(
        page, page_errors, blocked, live_server, officer_map, settings):
    from playwright.sync_api import expect

    settings.SAFECOMMUNE_MAP_TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    _open_map(page, live_server)
    expect(page.locator("#map-tiles-failed")).to_be_visible()
    expect(page.locator("#map-no-tiles")).to_have_count(0)
    drawn = _drawn(page)
    assert sum(drawn["clusters"]) + drawn["singles"] == GROUP + len(SPREAD), drawn
    assert blocked.tiles, "the tiles were not even asked for"
    assert page_errors.uncaught == []
    assert page_errors.console == []
