"""Commune staff edit settings and add villages and places in the browser."""

import pytest

from safecommune.territory.models import CommuneSettings, Place, Village

IA_KRAI = "23776"
EDIT_URLS = [f"/communes/{IA_KRAI}/settings/", f"/communes/{IA_KRAI}/villages/new/",
             f"/communes/{IA_KRAI}/places/new/"]


@pytest.mark.parametrize("url", EDIT_URLS)
def test_anonymous_is_sent_to_sign_in(client, db, url):
    response = client.get(url)
    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize("url", EDIT_URLS)
def test_non_staff_user_is_refused(client, plain_user, url):
    client.force_login(plain_user)
    assert client.get(url).status_code == 403
    assert client.post(url, {"name": "Làng X", "kind": "village"}).status_code == 403


@pytest.mark.parametrize("url", EDIT_URLS)
def test_staff_gets_the_form(client, staff_user, url):
    client.force_login(staff_user)
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("url", ["/communes/02935/settings/", "/communes/99999/villages/new/"])
def test_unknown_or_former_commune_is_404(client, staff_user, url):
    client.force_login(staff_user)
    assert client.get(url).status_code == 404


def test_staff_saves_settings_and_the_home_page_shows_them(client, staff_user, units):
    client.force_login(staff_user)
    response = client.post(EDIT_URLS[0], {"duty_hotline": "0269 3800 113", "chief_phone": "",
                                          "is_remote": "on", "public_pages_open": "on",
                                          "population": "29800"})
    assert response.status_code == 302
    row = CommuneSettings.objects.get(commune=units("2025", IA_KRAI))
    assert (row.duty_hotline, row.is_remote, row.population) == ("0269 3800 113", True, 29800)
    assert row.modified_by == staff_user
    page = client.get(f"/communes/{IA_KRAI}/").content.decode()
    assert "0269 3800 113" in page and "29.800" in page  # Vietnamese grouping


def test_bad_phone_is_shown_on_the_field_and_nothing_saved(client, staff_user):
    client.force_login(staff_user)
    response = client.post(EDIT_URLS[0], {"duty_hotline": "call us", "population": "-5"})
    assert response.status_code == 400
    form = response.context["form"]
    assert set(form.errors) == {"duty_hotline", "population"}
    assert 'aria-invalid="true"' in response.content.decode()
    assert not CommuneSettings.objects.exists()


def test_staff_adds_a_village_with_its_former_commune(client, staff_user, units):
    client.force_login(staff_user)
    response = client.post("/communes/02926/villages/new/", {
        "name": "Thôn Trì Hạ", "kind": "village", "former_unit": "02935",
        "latitude": "22.30", "longitude": "104.25"})
    assert response.status_code == 302
    village = Village.objects.get(name="Thôn Trì Hạ")
    assert village.commune == units("2025", "02926")
    assert village.former_unit == units("legacy", "02935")
    assert village.created_by == staff_user


def test_duplicate_village_name_is_refused_on_the_name_field(client, staff_user):
    client.force_login(staff_user)
    client.post(EDIT_URLS[1], {"name": "Làng Bi", "kind": "village"})
    response = client.post(EDIT_URLS[1], {"name": "lang bi", "kind": "village"})
    assert response.status_code == 400
    assert "name" in response.context["form"].errors
    assert Village.objects.filter(commune__code=IA_KRAI, name_key="lang bi").count() == 1


def test_latitude_without_longitude_is_refused(client, staff_user):
    client.force_login(staff_user)
    response = client.post(EDIT_URLS[1], {"name": "Làng Ó", "kind": "village",
                                          "latitude": "14.0"})
    assert response.status_code == 400
    assert not Village.objects.filter(name="Làng Ó").exists()


def test_staff_adds_a_place_in_a_village(client, staff_user):
    client.force_login(staff_user)
    client.post(EDIT_URLS[1], {"name": "Làng Bi", "kind": "village"})
    village = Village.objects.get(name="Làng Bi")
    response = client.post(EDIT_URLS[2], {"name": "Trường Tiểu học Làng Bi", "kind": "school",
                                          "village": str(village.pk)})
    assert response.status_code == 302
    assert Place.objects.get(name="Trường Tiểu học Làng Bi").village == village


def test_place_with_unknown_kind_is_refused(client, staff_user):
    client.force_login(staff_user)
    response = client.post(EDIT_URLS[2], {"name": "Chợ", "kind": "market"})
    assert response.status_code == 400 and "kind" in response.context["form"].errors
    assert not Place.objects.exists()


def test_edit_links_show_only_for_staff(client, staff_user, db):
    assert "/settings/" not in client.get(f"/communes/{IA_KRAI}/").content.decode()
    client.force_login(staff_user)
    assert f"/communes/{IA_KRAI}/settings/" in client.get(f"/communes/{IA_KRAI}/").content.decode()


def test_former_district_page_lists_the_communes_its_communes_went_to(client, db):
    page = client.get("/units/legacy/470/").content.decode()
    for name in ("Diên Sanh", "Hải Lăng", "Mỹ Thủy", "Nam Hải Lăng", "Vĩnh Định"):
        assert f"Xã {name}" in page


def test_browser_language_is_ignored_and_vietnamese_is_the_default(client, db):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.headers["Content-Language"] == "vi"
    assert '<html lang="vi">' in response.content.decode()


def test_language_cookie_then_user_choice_decide_the_language(client, plain_user):
    client.cookies["safecommune_language"] = "sv"
    assert client.get("/").headers["Content-Language"] == "sv"
    plain_user.language = "ru"
    plain_user.save(update_fields=["language"])
    client.force_login(plain_user)
    assert client.get("/").headers["Content-Language"] == "ru"
