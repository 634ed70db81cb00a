"""Pages: home, unit search, a unit across the reform, a commune's home, the language switcher."""

from __future__ import annotations

import re

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from safecommune.demo.seed import IA_KRAI_VILLAGES, seed_demo_territories
from safecommune.territory.models import Level, PlaceKind, Structure, UnitSuccession, Village
from safecommune.territory.selectors import MAX_QUERY_LENGTH
from safecommune.territory.services import commune_settings_update, place_create

HTMX = {"HX-Request": "true"}
NO_VILLAGES = "No villages have been recorded for this commune yet. Commune staff add them."


def en(message: str, **values) -> str:
    """The message as an English page shows it (translated, formatted, HTML-escaped)."""
    with translation.override("en"):
        text = gettext(message)
    return escape(text % values if values else text)


@pytest.fixture
def client_en(db):
    """A browser whose language switcher is set to English."""
    client = Client()
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def page(response) -> str:
    return response.content.decode()


def test_home_lists_the_34_provinces(client_en):
    response = client_en.get("/")

    assert response.status_code == 200
    codes = set(re.findall(r'href="/units/2025/(\d+)/"', page(response)))
    assert len(codes) == 34
    assert "Thành phố Hà Nội" in page(response) and "Tỉnh Gia Lai" in page(response)


def test_home_speaks_vietnamese_by_default(db, client):
    response = client.get("/")
    assert '<html lang="vi">' in page(response)


# --- search --------------------------------------------------------------------------------

def test_cyrillic_search_finds_tri_quang_and_shows_xuan_quang(client_en):
    response = client_en.get("/search/", {"q": "Трикуанг"})

    assert response.status_code == 200
    html = page(response)
    assert "Xã Trì Quang" in html and "Xã Xuân Quang" in html
    assert 'href="/units/legacy/02935/"' in html and 'href="/units/2025/02926/"' in html
    assert "<html" in html


def test_htmx_search_returns_only_the_results_fragment(client_en):
    response = client_en.get("/search/", {"q": "Трикуанг"}, headers=HTMX)

    html = page(response)
    assert response.status_code == 200
    assert "Xã Trì Quang" in html
    assert "<html" not in html and "<form" not in html


def test_search_for_nothing_known_says_so(client_en):
    response = client_en.get("/search/", {"q": "Qwzxv"}, headers=HTMX)
    assert en("Nothing matches “%(query)s”.", query="Qwzxv") in page(response)


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "htmx"])
def test_overlong_search_shows_the_error_not_a_500(client_en, headers):
    response = client_en.get("/search/", {"q": "x" * (MAX_QUERY_LENGTH + 1)}, headers=headers)

    assert response.status_code == 200
    assert en("The search text is longer than %(max)d characters.",
              max=MAX_QUERY_LENGTH) in page(response)


def test_search_ignores_an_unknown_structure(client_en):
    response = client_en.get("/search/", {"q": "Trì Quang", "structure": "bogus"})
    assert response.status_code == 200 and "Xã Trì Quang" in page(response)


# --- units ---------------------------------------------------------------------------------

def test_former_commune_page_shows_its_successor(client_en):
    response = client_en.get("/units/legacy/02935/")

    html = page(response)
    assert response.status_code == 200
    assert "<h1>Xã Trì Quang</h1>" in html
    assert 'href="/units/2025/02926/">Xã Xuân Quang</a>' in html


def test_current_commune_page_shows_its_three_predecessors(client_en):
    response = client_en.get("/units/2025/02926/")

    html = page(response)
    for code, name in [("02935", "Xã Trì Quang"), ("02920", "Xã Phong Niên"),
                       ("02926", "Xã Xuân Quang")]:
        assert f'href="/units/legacy/{code}/">{name}</a>' in html
    assert 'href="/communes/02926/"' in html


def test_split_commune_page_marks_the_default_successor(client_en):
    row = (UnitSuccession.objects.filter(is_split=True, is_default=True,
                                         predecessor__level=Level.COMMUNE)
           .select_related("predecessor", "successor").order_by("predecessor__code").first())

    response = client_en.get(f"/units/legacy/{row.predecessor.code}/")

    html = page(response)
    assert en("default successor") in html
    assert en("part of the split") in html
    default_link = html.index(f'href="/units/2025/{row.successor.code}/"')
    assert html.index(en("default successor")) > default_link


def test_province_page_searches_its_communes_with_htmx(client_en):
    response = client_en.get("/units/2025/52/", {"q": "ia krai"}, headers=HTMX)

    html = page(response)
    assert response.status_code == 200
    assert "Xã Ia Krái" in html and 'href="/communes/23776/"' in html
    assert "<html" not in html


def test_province_page_lists_all_its_communes(client_en):
    response = client_en.get("/units/2025/52/")
    html = page(response)
    assert "<html" in html and "Xã Ia Krái" in html
    assert len(re.findall(r'href="/communes/\d+/"', html)) > 100


@pytest.mark.parametrize("url", ["/units/2025/99999/", "/units/bogus/1/", "/units/legacy/52x/",
                                 "/communes/99999/", "/communes/02935/", "/communes/52/"],
                         ids=["unknown-code", "unknown-structure", "bad-code",
                              "unknown-commune", "legacy-code", "province-code"])
def test_unknown_units_are_a_404_page(client_en, url):
    response = client_en.get(url)

    assert response.status_code == 404
    assert en("This page does not exist, or you cannot see it.") in page(response)
    assert "<html" in page(response)


# --- the commune's home --------------------------------------------------------------------

def test_commune_page_without_villages_shows_empty_states(client_en):
    response = client_en.get("/communes/23776/")

    html = page(response)
    assert response.status_code == 200
    assert "<h1>Xã Ia Krái</h1>" in html
    assert en(NO_VILLAGES) in html
    assert en("No places have been recorded for this commune yet.") in html
    assert en("The commune police have not published a duty hotline here yet.") in html


def test_commune_page_after_the_demo_lists_36_villages_and_the_hotline(client_en):
    seed_demo_territories()

    response = client_en.get("/communes/23776/")

    html = page(response)
    assert re.search(r"<dd>\s*36\s*</dd>", html)
    for name in IA_KRAI_VILLAGES:
        assert f"<li>{escape(name)}" in html, name
    assert 'href="tel:0269 3800 113"' in html
    assert en("Remote commune") in html
    assert "29,800" in html or "29.800" in html
    assert en(NO_VILLAGES) not in html


def test_closed_commune_page_is_404_for_the_public_and_open_to_staff(client_en, units, settings,
                                                                     staff_user, plain_user):
    settings.SAFECOMMUNE_STAFF_2FA = False  # the second factor is not what is tested here
    commune_settings_update(commune=units(Structure.CURRENT, "23776"), public_pages_open=False)

    assert client_en.get("/communes/23776/").status_code == 404
    client_en.force_login(plain_user)
    assert client_en.get("/communes/23776/").status_code == 404
    client_en.force_login(staff_user)
    assert client_en.get("/communes/23776/").status_code == 200


def test_commune_page_queries_do_not_grow_with_villages(client_en, units,
                                                       django_assert_max_num_queries):
    with CaptureQueriesContext(connection) as empty:
        client_en.get("/communes/23776/")
    seed_demo_territories()
    ia_krai = units(Structure.CURRENT, "23776")
    for village in Village.objects.filter(commune=ia_krai)[:5]:
        place_create(commune=ia_krai, kind=PlaceKind.SCHOOL, name=f"Trường {village.name}",
                     village=village)

    with django_assert_max_num_queries(6), CaptureQueriesContext(connection) as full:
        response = client_en.get("/communes/23776/")

    assert "Trường Làng Bi" in page(response)
    assert len(full) == len(empty)


def test_search_queries_do_not_grow_with_results(client_en, django_assert_max_num_queries):
    with CaptureQueriesContext(connection) as one:
        client_en.get("/search/", {"q": "Трикуанг"}, headers=HTMX)

    with django_assert_max_num_queries(3), CaptureQueriesContext(connection) as many:
        response = client_en.get("/search/", {"q": "xa"}, headers=HTMX)

    assert page(response).count("<li>") >= 40
    assert len(many) == len(one)


def test_province_page_queries_do_not_grow_with_communes(client_en,
                                                         django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        response = client_en.get("/units/2025/52/")
    assert response.status_code == 200


# --- the language switcher -----------------------------------------------------------------

def test_switching_language_sets_the_cookie_and_returns_to_next(db, client):
    response = client.post("/language/", {"language": "ru", "next": "/search/?q=tri"})

    assert response.status_code == 302
    assert response["Location"] == "/search/?q=tri"
    assert response.cookies[django_settings.LANGUAGE_COOKIE_NAME].value == "ru"
    assert '<html lang="ru">' in page(client.get("/"))


def test_switching_to_an_unknown_language_is_a_400_naming_the_code(client):
    response = client.post("/language/", {"language": "xx", "next": "/"})

    assert response.status_code == 400
    assert "“xx”" in page(response)
    assert django_settings.LANGUAGE_COOKIE_NAME not in response.cookies


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/x",
                                      "javascript:alert(1)"])
def test_switching_language_never_redirects_off_site(client, next_url):
    response = client.post("/language/", {"language": "en", "next": next_url})
    assert response.status_code == 302 and response["Location"] == "/"


def test_switching_language_needs_post(client):
    assert client.get("/language/", {"language": "en"}).status_code == 405


def test_switching_language_needs_the_csrf_token(db):
    response = Client(enforce_csrf_checks=True).post("/language/", {"language": "en"})
    assert response.status_code == 403


def test_signed_in_users_language_is_stored_and_wins_over_the_cookie(client, plain_user):
    client.force_login(plain_user)

    client.post("/language/", {"language": "sv", "next": "/"})
    plain_user.refresh_from_db()
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "ru"
    response = client.get("/")

    assert plain_user.language == "sv"
    assert '<html lang="sv">' in page(response)
