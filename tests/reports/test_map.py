"""The incidents map: the list's filters and scoping, points as JSON (capped and counted), the
incidents without a point listed by village on the page, the commune's outline, tiles as a
setting (none at all still gives a working page), bounded queries."""

from datetime import timedelta

import pytest
from django.utils import timezone

from safecommune.reports import services
from safecommune.territory.services import village_create
from tests.reports.factories import IA_KRAI_CENTRE, offset

POINTS = "/api/v1/incidents/points"


@pytest.fixture
def english(client):
    client.cookies["safecommune_language"] = "en"
    return client


def near(north_m: float = 0.0, east_m: float = 0.0) -> tuple[float, float]:
    return offset(IA_KRAI_CENTRE, north_m=north_m, east_m=east_m)


def points(client, query: str = "") -> dict:
    response = client.get(f"{POINTS}?{query}")
    assert response.status_code == 200, response.content
    return response.json()


def test_points_follow_the_list_filters_and_scope(english, officer, other_officer, hai_son,
                                                  make_incident, ia_krai):
    village = village_create(commune=ia_krai, name="Làng Bi")
    theft = make_incident(category="theft", summary="Mất trộm xe máy", point=near(100),
                          village=village)
    drugs = make_incident(category="drug_dealing", summary="Bán ma túy ở bến xe",
                          point=near(-300, 200))
    unplaced = make_incident(category="land_dispute", summary="Tranh chấp đất rẫy",
                             village=village)
    make_incident(actor=other_officer, unit=hai_son, summary="Ở Hải Sơn",
                  point=(21.6085, 107.818))
    english.force_login(officer)

    data = points(english)
    assert (data["placed"], data["unplaced"], data["capped"]) == (2, 1, False)
    assert {p["id"] for p in data["points"]} == {theft.pk, drugs.pk}
    assert [row["id"] for row in data["without_point"]] == [unplaced.pk]
    point = next(p for p in data["points"] if p["id"] == theft.pk)
    assert (point["lat"], point["lon"]) == pytest.approx(near(100))
    assert point["category"] == "Theft" and point["status_label"] == "received"
    assert point["received"] and point["received_at"]

    assert {p["id"] for p in points(english, "category=drugs")["points"]} == {drugs.pk}
    assert {p["id"] for p in points(english, "q=XE+MAY")["points"]} == {theft.pk}
    assert points(english, f"commune=23776&village={village.pk}")["placed"] == 1
    assert points(english, "status=closed")["placed"] == 0
    # The other commune's officer sees only Hải Sơn's incident; Ia Krái's is a 404 by code.
    english.force_login(other_officer)
    assert points(english)["placed"] == 1
    assert english.get(f"{POINTS}?commune=23776").status_code == 404


def test_bad_filters_name_the_parameter(english, officer):
    english.force_login(officer)
    response = english.get(f"{POINTS}?date_from=yesterday")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "date_from"


def test_points_are_capped_newest_first_and_counted(english, officer, make_incident,
                                                    settings):
    settings.SAFECOMMUNE_MAP_POINTS_MAX = 2
    now = timezone.now()
    made = [make_incident(summary=f"Sự việc {n}", point=near(50 * n),
                          received_at=now - timedelta(hours=10 - n),
                          occurred_at=now - timedelta(hours=11 - n)) for n in range(4)]
    english.force_login(officer)
    data = points(english)
    assert (data["placed"], data["limit"], data["capped"]) == (4, 2, True)
    assert [p["id"] for p in data["points"]] == [made[3].pk, made[2].pk]
    page = english.get("/reports/map/").content.decode()
    assert "Only the newest 2 are drawn" in page


def test_overdue_tips_are_marked(english, officer, make_incident):
    now = timezone.now()
    tip = make_incident(category="drug_dealing", point=near(20),
                        received_at=now - timedelta(hours=30),
                        occurred_at=now - timedelta(hours=31))
    english.force_login(officer)
    [point] = points(english)["points"]
    assert point["id"] == tip.pk and point["overdue"] is True


def test_page_lists_incidents_without_a_point_by_village(english, officer, make_incident,
                                                         ia_krai):
    bi = village_create(commune=ia_krai, name="Làng Bi")
    kon = village_create(commune=ia_krai, name="Làng Kon")
    in_bi = make_incident(summary="Tranh chấp nước ở Làng Bi", village=bi)
    in_kon = make_incident(summary="Mất trộm gà ở Làng Kon", village=kon)
    nowhere = make_incident(summary="Lừa đảo qua mạng")
    make_incident(summary="Có điểm trên bản đồ", point=near(10), village=bi)
    english.force_login(officer)
    response = english.get("/reports/map/")
    assert response.status_code == 200
    page = response.content.decode()
    groups = response.context["map"].groups
    assert [(g.name, [i["id"] for i in g.incidents]) for g in groups] == [
        ("Làng Bi", [in_bi.pk]), ("Làng Kon", [in_kon.pk]), ("", [nowhere.pk])]
    assert "Có điểm trên bản đồ" not in page
    assert f'href="/reports/incidents/{in_kon.pk}/"' in page
    assert "No village recorded" in page
    assert "1 incident has a place on the map." in page


def test_page_carries_outline_tiles_and_points_url(english, officer, settings):
    settings.SAFECOMMUNE_MAP_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    english.force_login(officer)
    response = english.get("/reports/map/?status=received&q=tr%E1%BB%99m")
    page = response.content.decode()
    assert 'data-points-url="/api/v1/incidents/points?status=received&amp;q=tr%E1%BB%99m"' \
        in page
    assert 'data-tiles="https://tiles.example.org/{z}/{x}/{y}.png"' in page
    outline = response.context["outline"]
    assert (outline.latitude, outline.longitude) == pytest.approx(IA_KRAI_CENTRE)
    assert outline.radius_m == pytest.approx(9899, abs=2)  # sqrt(307.83 km² / π)
    assert "No map tiles are configured" not in page
    # Links both ways carry the filters.
    assert 'href="/reports/?status=received&amp;q=tr%E1%BB%99m"' in page
    assert 'href="/reports/export.csv?status=received&amp;q=tr%E1%BB%99m"' in page
    listing = english.get("/reports/?status=received").content.decode()
    assert 'href="/reports/map/?status=received"' in listing
    assert 'href="/reports/export.xlsx?status=received"' in listing


def test_without_tiles_the_page_says_so_and_needs_no_outside_script(english, officer,
                                                                   settings):
    settings.SAFECOMMUNE_MAP_TILE_URL = ""
    english.force_login(officer)
    page = english.get("/reports/map/").content.decode()
    assert "No map tiles are configured" in page and 'data-tiles=""' in page
    scripts = [line for line in page.splitlines() if "<script" in line]
    assert scripts and all('src="/static/' in line or 'type="application/json"' in line
                           for line in scripts), scripts


def test_bad_filter_on_the_page_is_400_and_another_commune_404(english, officer):
    english.force_login(officer)
    response = english.get("/reports/map/?status=solved")
    assert response.status_code == 400
    assert "Choose a value from the list." in response.content.decode()
    assert english.get("/reports/map/?commune=06724").status_code == 404


@pytest.mark.parametrize("persona", ["resident", "team_leader"])
def test_residents_and_teams_get_no_map(english, request, persona, make_incident):
    make_incident(point=near(10))
    english.force_login(request.getfixturevalue(persona))
    assert english.get("/reports/map/").status_code == 403
    assert points(english) == {"placed": 0, "unplaced": 0, "limit": 5000, "capped": False,
                               "points": [], "without_point": [],
                               "without_point_capped": False}


def test_map_queries_do_not_grow_with_rows(english, officer, make_incident, ia_krai,
                                           django_assert_max_num_queries):
    village = village_create(commune=ia_krai, name="Làng Bi")
    make_incident(point=near(10))
    make_incident(village=village)
    english.force_login(officer)
    with django_assert_max_num_queries(20) as page_queries:
        english.get("/reports/map/")
    with django_assert_max_num_queries(12) as json_queries:
        english.get(POINTS)
    for n in range(10):
        incident = make_incident(summary=f"Sự việc {n}", point=near(20 * n) if n % 2 else None,
                                 village=village if n % 3 else None, assignee=officer)
        services.incident_transition(actor=officer, incident=incident, to_status="verifying")
    with django_assert_max_num_queries(len(page_queries.captured_queries)):
        english.get("/reports/map/")
    with django_assert_max_num_queries(len(json_queries.captured_queries)):
        assert len(points(english)["points"]) == 6
