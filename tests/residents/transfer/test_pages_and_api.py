"""Import and export through the pages and the API: jobs with progress, scoping (another
commune is a 404), upload limits, exports that honour the list's filters."""

from __future__ import annotations

import io
import json
from pathlib import Path

from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile

from safecommune.core.models import AuditEntry
from safecommune.residents.models import Person, Relation
from tests.residents.transfer.conftest import csv_bytes, person_row

API = "/api/v1"
ROWS = [person_row("H1", "Nguyễn Văn An"), person_row("H1", "Nguyễn Thị Bình", sex="female",
                                                      relation="child", birth="2012-05-05")]


def _upload(data=None, name="persons.csv"):
    return SimpleUploadedFile(name, data if data is not None else csv_bytes(ROWS))


def test_page_upload_runs_the_job_and_shows_its_outcome(client, officer, ia_krai,
                                                       tasks_run_now):
    client.force_login(officer)
    assert client.get(f"/residents/import/?commune={ia_krai.code}").status_code == 200
    response = client.post("/residents/import/", {"commune": ia_krai.code, "file": _upload()})
    assert response.status_code == 302
    page = client.get(response.url)
    assert page.status_code == 200 and "2" in page.content.decode()
    job = response.url.rstrip("/").rsplit("/", 1)[1]
    fragment = client.get(response.url, headers={"HX-Request": "true"}).content.decode()
    assert "import-progress" in fragment and "<html" not in fragment
    assert Person.objects.count() == 2
    assert not list((Path(django_settings.VAR_DIR) / "imports").glob(f"{job}.*"))


def test_page_shows_every_wrong_line(client, officer, ia_krai, tasks_run_now):
    client.force_login(officer)
    rows = [*ROWS, person_row("H2", "Lê Văn Cường", birth="99/99/1999", address="x")]
    response = client.post("/residents/import/", {"commune": ia_krai.code,
                                                  "file": _upload(csv_bytes(rows))})
    page = client.get(response.url).content.decode()
    assert "birth_date" in page and "<td>4</td>" in page
    assert not Person.objects.exists()


def test_job_polls_while_queued(client, officer, ia_krai):
    client.force_login(officer)
    response = client.post("/residents/import/", {"commune": ia_krai.code, "file": _upload()})
    page = client.get(response.url).content.decode()
    assert 'hx-trigger="every 2s"' in page


def test_other_commune_officer_cannot_import_into_or_follow_a_job(client, officer,
                                                                  other_officer, ia_krai,
                                                                  tasks_run_now):
    client.force_login(other_officer)
    assert client.get(f"/residents/import/?commune={ia_krai.code}").status_code == 404
    response = client.post("/residents/import/", {"commune": ia_krai.code, "file": _upload()})
    assert response.status_code == 404
    response = client.post(f"{API}/residents/imports", {"commune": ia_krai.code,
                                                        "file": _upload()})
    assert response.status_code == 404
    assert not Person.objects.exists()
    client.force_login(officer)
    job = client.post(f"{API}/residents/imports", {"commune": ia_krai.code,
                                                   "file": _upload()}).json()["job"]
    client.force_login(other_officer)
    assert client.get(f"/residents/import/{job}/").status_code == 404
    assert client.get(f"{API}/residents/imports/{job}").status_code == 404


def test_api_upload_is_202_and_the_job_reports_rows(client, officer, ia_krai, tasks_run_now):
    client.force_login(officer)
    response = client.post(f"{API}/residents/imports", {"commune": ia_krai.code,
                                                        "file": _upload()})
    assert response.status_code == 202
    status = client.get(response.json()["status_url"]).json()
    assert (status["state"], status["rows"], status["households"]) == ("done", 2, 1)
    assert AuditEntry.objects.filter(action="residents.import").count() == 1


def test_api_reports_line_errors_of_a_refused_import(client, officer, ia_krai, tasks_run_now):
    client.force_login(officer)
    data = csv_bytes([person_row(cccd="06409001234")])
    job = client.post(f"{API}/residents/imports", {"commune": ia_krai.code,
                                                   "file": _upload(data)}).json()["job"]
    status = client.get(f"{API}/residents/imports/{job}").json()
    assert status["state"] == "refused"
    assert status["errors"][0] | {"message": ""} == {"line": 2, "field": "citizen_id",
                                                    "rule": "digits", "message": ""}


def test_upload_over_the_size_limit_is_refused(client, officer, ia_krai, settings):
    settings.SAFECOMMUNE_IMPORT_MAX_BYTES = 100
    client.force_login(officer)
    response = client.post(f"{API}/residents/imports", {"commune": ia_krai.code,
                                                        "file": _upload()})
    assert response.status_code == 400
    assert response.json()["errors"][0]["rule"] == "max_size"
    page = client.post("/residents/import/", {"commune": ia_krai.code, "file": _upload()})
    assert page.status_code == 400


def test_upload_of_another_format_is_refused(client, officer, ia_krai):
    client.force_login(officer)
    response = client.post(f"{API}/residents/imports", {"commune": ia_krai.code,
                                                        "file": _upload(b"x", "a.txt")})
    assert response.status_code == 400 and response.json()["errors"][0]["rule"] == "format"


def test_province_viewer_exports_but_cannot_import(client, province_viewer, ia_krai):
    client.force_login(province_viewer)
    assert client.get(f"/residents/import/?commune={ia_krai.code}").status_code == 403
    response = client.post(f"{API}/residents/imports", {"commune": ia_krai.code,
                                                        "file": _upload()})
    assert response.status_code == 403
    assert client.get(f"/residents/export/?commune={ia_krai.code}").status_code == 200


# --- Export ----------------------------------------------------------------------------------

def _csv(response) -> list[list[str]]:
    import csv

    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_export_honours_commune_village_and_search_filters(client, officer, ia_krai,
                                                         make_person, make_household,
                                                         villages, hai_son, other_officer):
    an = make_person("Nguyễn Văn An", village=villages["Làng Bang"],
                     citizen_id="064090012345")
    make_person("Trần Văn Bảo", village=villages["Làng Ia"])
    make_person("Nguyễn Văn Cường", birth_date=__import__("datetime").date(1980, 1, 1))
    make_person("Nguyễn Văn Hải Sơn", actor=other_officer, unit=hai_son)
    make_household("7 Lê Lợi", members=[(an, Relation.HEAD)])
    client.force_login(officer)
    rows = _csv(client.get(f"/residents/export/?commune={ia_krai.code}"))
    assert rows[0][:4] == ["household_key", "address", "village", "full_name"]
    assert len(rows) == 4
    rows = _csv(client.get(f"/residents/export/?commune={ia_krai.code}"
                           f"&village={villages['Làng Bang'].pk}"))
    assert [r[3] for r in rows[1:]] == ["Nguyễn Văn An"]
    assert rows[1][1:3] == ["7 Lê Lợi", "Làng Bang"] and rows[1][7] == "064090012345"
    assert rows[1][11] == "head"
    rows = _csv(client.get("/residents/export/?q=nguyen"))
    assert sorted(r[3] for r in rows[1:]) == ["Nguyễn Văn An", "Nguyễn Văn Cường"]
    entries = AuditEntry.objects.filter(action="residents.export").order_by("id")
    assert [e.row_count for e in entries] == [3, 1, 2]
    assert entries[0].commune == ia_krai and entries[2].commune is None


def test_export_round_trips_through_import(client, officer, ia_krai, hai_son, make_person,
                                           make_household, make_user):
    from safecommune.accounts.roles import Role

    head = make_person("Nguyễn Văn An", citizen_id="064090012345")
    make_household("7 Lê Lợi", members=[(head, Relation.HEAD)])
    client.force_login(officer)
    data = b"".join(client.get(f"/residents/export/?commune={ia_krai.code}")
                    .streaming_content)
    Person.objects.filter(pk=head.pk).update(citizen_id="")
    hai_son_officer = make_user(Role.COMMUNE_OFFICER, hai_son)
    from safecommune.residents.transfer.importing import import_file

    path = Path(django_settings.VAR_DIR) / "roundtrip.csv"
    path.write_bytes(data)
    outcome = import_file(path=path, fmt="csv", commune=hai_son, actor=hai_son_officer)
    assert (outcome["state"], outcome["rows"]) == ("done", 1)
    assert Person.objects.get(commune=hai_son).citizen_id == "064090012345"


def test_xlsx_export_is_a_workbook_with_the_rows(client, officer, ia_krai, make_person):
    from openpyxl import load_workbook

    make_person("Nguyễn Văn An", citizen_id="064090012345")
    client.force_login(officer)
    response = client.get(f"/residents/export/?commune={ia_krai.code}&format=xlsx")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert rows[1][3] == "Nguyễn Văn An" and rows[1][7] == "064090012345"


def test_other_commune_officer_cannot_export_this_commune(client, other_officer, ia_krai,
                                                         make_person):
    make_person("Nguyễn Văn An")
    client.force_login(other_officer)
    assert client.get(f"/residents/export/?commune={ia_krai.code}").status_code == 404
    assert client.get(f"{API}/residents/export?commune={ia_krai.code}").status_code == 404
    assert len(_csv(client.get("/residents/export/"))) == 1  # the header only
    assert not AuditEntry.objects.filter(action="residents.export",
                                         commune=ia_krai).exists()


def test_api_export_and_bad_format(client, officer, ia_krai, make_person):
    make_person("Nguyễn Văn An")
    client.force_login(officer)
    response = client.get(f"{API}/residents/export?commune={ia_krai.code}&q=an")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert len(_csv(response)) == 2
    response = client.get(f"{API}/residents/export?format=pdf")
    assert response.status_code == 400
    assert json.loads(response.content)["errors"][0]["field"] == "format"


def test_command_exports_csv_and_xlsx(tmp_path, ia_krai, make_person):
    from django.core.management import call_command

    make_person("Nguyễn Văn An")
    out = tmp_path / "x.csv"
    call_command("residents", "export", "--commune", ia_krai.code, "-o", str(out),
                 stderr=io.StringIO())
    assert "Nguyễn Văn An" in out.read_text(encoding="utf-8-sig")
    call_command("residents", "export", "--commune", ia_krai.code, "--format", "xlsx", "-o",
                 str(tmp_path / "x.xlsx"), stderr=io.StringIO())
    assert (tmp_path / "x.xlsx").stat().st_size > 0
