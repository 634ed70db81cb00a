"""The public report page and its receipt page (issue 5, item 2), the hotline on the commune's
public pages (item 1), and the staff pages where public reports arrive: the reports to link,
one report with its photos, additions and likely duplicates."""

from __future__ import annotations

import io
import logging
import re
from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone
from PIL import ExifTags, Image

from safecommune.core.models import AuditEntry
from safecommune.receipts.models import PublicReceipt
from safecommune.reports import services as report_services
from safecommune.reports.models import (
    Channel,
    Incident,
    Report,
    ReportAddition,
    ReporterIdentity,
    ReportPhoto,
)
from safecommune.reports.public import services as public_services
from safecommune.territory.services import commune_settings_update
from tests.reports.factories import IA_KRAI_CENTRE, offset

IA_KRAI = "23776"
PAGE = f"/communes/{IA_KRAI}/report/"
RECEIPT = "/receipts/report/"
MB = 1024 * 1024
ADDRESS, AGENT, COOKIE = "203.0.113.88", "ReportAgent/4.2 (fingerprint)", "trackme-8888"


def jpeg(colour=(200, 40, 40), gps=False) -> bytes:
    image = Image.new("RGB", (32, 24), colour)
    output = io.BytesIO()
    if gps:
        exif = Image.Exif()
        exif.get_ifd(ExifTags.IFD.GPSInfo).update({
            ExifTags.GPS.GPSLatitudeRef: "N", ExifTags.GPS.GPSLatitude: (14.0, 0.0, 18.0)})
        image.save(output, "JPEG", exif=exif)
    else:
        image.save(output, "JPEG")
    return output.getvalue()


def photo(data: bytes | None = None, name="photo.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data if data is not None else jpeg(), "image/jpeg")


def form(**changes) -> dict:
    data = {"category": "theft", "description": "Kẻ gian lấy trộm bò trong chuồng",
            "place": "Chuồng bò nhà văn hóa", "occurred_at": "", "village": "",
            "latitude": "", "longitude": "", "reporter_name": "", "reporter_phone": ""}
    data.update(changes)
    return data


def submit(client, photos=(), **changes):
    return client.post(PAGE, {**form(**changes), "photos": list(photos)})


def receipt_of(response) -> tuple[str, str]:
    body = response.content.decode()
    code, secret = re.findall(r"<dd><code>([^<]+)</code></dd>", body)
    return code, secret


def nothing_written() -> bool:
    return not (Report.objects.exists() or ReportPhoto.objects.exists()
                or ReporterIdentity.objects.exists() or PublicReceipt.objects.exists())


def field_invalid(response, name: str) -> bool:
    match = re.search(rf'<(input|select|textarea)[^>]*name="{name}"[^>]*>',
                      response.content.decode())
    return match is not None and 'aria-invalid="true"' in match.group(0)


@pytest.fixture
def english(client):
    client.cookies["safecommune_language"] = "en"
    return client


# --- The public page -------------------------------------------------------------------------

def test_the_page_is_vietnamese_by_default_and_lists_public_categories_only(client, db):
    response = client.get(PAGE)
    assert response.status_code == 200
    body = response.content.decode()
    assert '<html lang="vi">' in body
    assert 'value="theft"' in body and 'value="drug_dealing"' in body
    assert 'value="national_security"' not in body and 'value="drug_managed_person"' not in body
    assert 'enctype="multipart/form-data"' in body and 'name="photos"' in body
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("language", ["vi", "en", "sv", "ru"])
def test_the_page_answers_in_each_language(client, db, language):
    client.cookies["safecommune_language"] = language
    response = client.get(PAGE)
    assert response.status_code == 200
    assert f'<html lang="{language}">' in response.content.decode()


def test_the_duty_hotline_is_on_the_commune_page_and_the_report_pages(client, ia_krai):
    commune_settings_update(commune=ia_krai, duty_hotline="0269 3 888 113")
    commune = client.get(f"/communes/{IA_KRAI}/").content.decode()
    assert 'href="tel:0269 3 888 113"' in commune and f'href="{PAGE}"' in commune
    assert 'href="tel:0269 3 888 113"' in client.get(PAGE).content.decode()
    issued = submit(client)
    assert 'href="tel:0269 3 888 113"' in issued.content.decode()


def test_the_page_works_without_map_tiles_or_scripts(client, db):
    body = client.get(PAGE).content.decode()
    assert "leaflet" not in body.lower()
    assert 'name="latitude"' in body and 'name="longitude"' in body
    assert 'id="use-my-location"' in body and "hidden" in re.search(
        r'<button[^>]*id="use-my-location"[^>]*>', body).group(0)


def test_an_anonymous_report_with_photos_shows_the_receipt_once(english, db):
    response = submit(english, photos=[photo(jpeg(gps=True)), photo()])
    assert response.status_code == 201, response.content.decode()[:2000]
    assert "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "no-referrer"
    code, secret = receipt_of(response)
    receipt = PublicReceipt.objects.get()
    assert code.replace("-", "") == receipt.code and receipt.kind == "report"
    report = Report.objects.get()
    assert (report.channel, report.is_anonymous) == (Channel.PUBLIC_WEB, True)
    assert ReportPhoto.objects.filter(report=report).count() == 2
    assert b"Exif" not in bytes(ReportPhoto.objects.first().content)
    assert secret not in str(list(PublicReceipt.objects.values()))


def test_an_anonymous_submission_opens_no_session(client, db):
    response = submit(client)
    assert response.status_code == 201
    assert "sessionid" not in response.cookies
    assert not Session.objects.exists()


def test_a_named_report_keeps_the_name_encrypted(english, db):
    response = submit(english, reporter_name="Nay H'Bia", reporter_phone="0905 222 333")
    assert response.status_code == 201
    identity = ReporterIdentity.objects.get()
    assert (identity.name, identity.phone) == ("Nay H'Bia", "0905 222 333")
    assert not Report.objects.get().is_anonymous


def test_nothing_identifying_the_sender_is_stored_or_logged(client, db, caplog):
    client.cookies["tracker"] = COOKIE
    with caplog.at_level(logging.DEBUG):
        page = client.post(PAGE, {**form(), "photos": [photo()]}, REMOTE_ADDR=ADDRESS,
                           HTTP_USER_AGENT=AGENT)
        code, secret = receipt_of(page)
        followed = client.post(RECEIPT, {"code": code, "secret": secret}, REMOTE_ADDR=ADDRESS,
                               HTTP_USER_AGENT=AGENT)
        added = client.post(RECEIPT, {"code": code, "secret": secret, "action": "add",
                                      "text": "Thêm: xe biển 81B1", "photos": [photo()]},
                            REMOTE_ADDR=ADDRESS, HTTP_USER_AGENT=AGENT)
        client.post(RECEIPT, {"code": code, "secret": "wrong"}, REMOTE_ADDR=ADDRESS,
                    HTTP_USER_AGENT=AGENT)
        api = client.post("/api/v1/public/reports", {
            "commune": IA_KRAI, "category": "theft", "description": "Qua API",
            "place": "Chợ", "photos": [photo()]}, REMOTE_ADDR=ADDRESS, HTTP_USER_AGENT=AGENT)
        client.get(f"/api/v1/public/reports/{api.json()['receipt']}",
                   HTTP_X_RECEIPT_SECRET=api.json()["secret"], REMOTE_ADDR=ADDRESS,
                   HTTP_USER_AGENT=AGENT)
    assert (page.status_code, followed.status_code, added.status_code, api.status_code) == (
        201, 200, 201, 201)
    dumped = []
    with connection.cursor() as cursor:
        for model in apps.get_models():
            cursor.execute(f'SELECT * FROM "{model._meta.db_table}"')
            dumped.append(repr(cursor.fetchall()))
    stored = "\n".join(dumped)
    for trace in (ADDRESS, AGENT, COOKIE, "ReportAgent"):
        assert trace not in stored, trace
        assert trace not in caplog.text, trace
    for secret_ in (secret, api.json()["secret"]):
        assert secret_ not in stored and secret_ not in caplog.text


@pytest.mark.parametrize("changes,field,text", [
    ({"occurred_at": (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")},
     "occurred_at", "future"),
    ({"latitude": "21.03", "longitude": "105.85"}, "latitude", "outside"),
    ({"latitude": "14.0"}, "longitude", "both"),
    ({"category": "national_security"}, "category", "Select a valid choice"),
    ({"description": ""}, "description", "required"),
    ({"place": ""}, "village", "Say where"),
    ({"reporter_name": "Ksor", "is_anonymous": "on"}, "is_anonymous", "anonymous"),
])
def test_bad_input_on_the_page_names_the_field_and_writes_nothing(english, db, changes, field,
                                                                   text):
    response = submit(english, **changes)
    assert response.status_code == 400
    assert field_invalid(response, field), field
    assert text in response.content.decode()
    assert nothing_written()


def test_a_50_mb_photo_on_the_page_is_refused_at_the_photo_field(english, db):
    huge = SimpleUploadedFile("huge.jpg", jpeg() + b"\0" * (50 * MB), "image/jpeg")
    response = submit(english, photos=[huge])
    assert response.status_code == 400
    assert field_invalid(response, "photos")
    assert "Photo 1: The image is larger than 10 MB" in response.content.decode()
    assert nothing_written()


def test_a_file_that_is_not_an_image_is_refused_on_the_page(english, db):
    response = submit(english, photos=[photo(), photo(b"MZ\x90\x00 an executable", "a.jpg")])
    assert response.status_code == 400
    assert "Photo 2: This file is not a JPEG, PNG or WebP image" in response.content.decode()
    assert nothing_written()


def test_submissions_from_one_address_are_rate_limited(client, db):
    statuses = [submit(client, REMOTE_ADDR="198.51.100.41").status_code for _ in range(11)]
    assert statuses[:10] == [201] * 10 and statuses[10] == 429


def test_a_closed_commune_has_no_report_page(client, ia_krai):
    commune_settings_update(commune=ia_krai, public_pages_open=False)
    assert client.get(PAGE).status_code == 404


# --- Following and adding with the receipt ---------------------------------------------------

def test_follow_shows_the_coarse_status_and_what_was_sent_never_who(english, officer):
    code, secret = receipt_of(submit(english, reporter_name="Rơ Chăm Phi",
                                     description="Trộm bò ở làng"))
    assert "no-store" in english.get(RECEIPT)["Cache-Control"]
    page = english.post(RECEIPT, {"code": code, "secret": secret})
    body = page.content.decode()
    assert page.status_code == 200 and "Trộm bò ở làng" in body
    assert "received, waiting to be checked" in body and "Rơ Chăm Phi" not in body
    incident = report_services.incident_open_from_report(actor=officer,
                                                         report=Report.objects.get())
    report_services.incident_note_add(actor=officer, incident=incident, text="Ghi chú nội bộ")
    report_services.incident_transition(actor=officer, incident=incident, to_status="verifying")
    body = english.post(RECEIPT, {"code": code, "secret": secret}).content.decode()
    assert "being checked and handled by the police" in body
    assert "Ghi chú nội bộ" not in body and officer.username not in body


def test_adding_information_and_photos_with_the_receipt(english, db):
    code, secret = receipt_of(submit(english))
    response = english.post(RECEIPT, {"code": code, "secret": secret, "action": "add",
                                      "text": "Kẻ gian đi xe màu đỏ",
                                      "photos": [photo(), photo()]})
    assert response.status_code == 201
    body = response.content.decode()
    assert "What you added was received" in body and "Kẻ gian đi xe màu đỏ" in body
    addition = ReportAddition.objects.get()
    assert addition.photos.count() == 2 and addition.text == "Kẻ gian đi xe màu đỏ"
    assert AuditEntry.objects.filter(action="report.public_addition").count() == 1
    wrong = english.post(RECEIPT, {"code": code, "secret": "nope", "action": "add",
                                   "text": "x"})
    assert wrong.status_code == 404 and ReportAddition.objects.count() == 1
    empty = english.post(RECEIPT, {"code": code, "secret": secret, "action": "add",
                                   "text": ""})
    assert empty.status_code == 400 and ReportAddition.objects.count() == 1


def test_a_closed_case_takes_no_additions_on_the_page(english, officer, chief):
    code, secret = receipt_of(submit(english))
    incident = report_services.incident_open_from_report(actor=officer,
                                                         report=Report.objects.get())
    for step in ("verifying", "unfounded", "closed"):
        report_services.incident_transition(actor=chief, incident=incident, to_status=step)
    shown = english.post(RECEIPT, {"code": code, "secret": secret}).content.decode()
    assert "handled; the case is closed" in shown and 'name="action"' not in shown
    refused = english.post(RECEIPT, {"code": code, "secret": secret, "action": "add",
                                     "text": "Còn nữa"})
    assert refused.status_code == 409 and not ReportAddition.objects.exists()


def test_guessing_a_receipt_on_the_page_locks_it(client, db, settings):
    settings.SAFECOMMUNE_PUBLIC_RATE_LIMITS = {"lookup": 10_000}
    code, secret = receipt_of(submit(client))
    statuses = [client.post(RECEIPT, {"code": code, "secret": f"guess-{n}"}).status_code
                for n in range(20)]
    assert statuses[:10] == [404] * 10 and set(statuses[10:]) == {429}
    assert client.post(RECEIPT, {"code": code, "secret": secret}).status_code == 429


# --- Staff: reports to link, one report ------------------------------------------------------

@pytest.fixture
def public_report(ia_krai):
    def make(**fields):
        fields.setdefault("category", "theft")
        fields.setdefault("description", "Báo mất trộm từ người dân")
        fields.setdefault("place", "Chợ")
        report, _issued = public_services.report_submit_public(commune=ia_krai, **fields)
        return report

    return make


def test_staff_see_public_reports_to_link_with_bounded_queries(english, officer, public_report,
                                                              django_assert_max_num_queries):
    first = public_report(reporter_name="Siu Khoa", photos=[photo()])
    english.force_login(officer)
    with django_assert_max_num_queries(30) as few:
        page = english.get("/reports/intake/")
    body = page.content.decode()
    assert page.status_code == 200 and f"/reports/reports/{first.pk}/" in body
    assert "Siu Khoa" not in body and "named (protected)" in body
    for n in range(6):
        public_report(description=f"Báo cáo {n}", photos=[photo()])
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert english.get("/reports/intake/").status_code == 200


def test_the_report_page_suggests_duplicates_and_links_to_one(english, officer, make_incident,
                                                              public_report):
    near = offset(IA_KRAI_CENTRE, north_m=120)
    incident = make_incident(category="theft", point=IA_KRAI_CENTRE,
                             summary="Mất trộm xe máy ở chợ")
    report = public_report(point=near, occurred_at=timezone.now() - timedelta(hours=3),
                           photos=[photo()])
    english.force_login(officer)
    page = english.get(f"/reports/reports/{report.pk}/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "Possibly the same incident" in body and "Mất trộm xe máy ở chợ" in body
    assert f"/reports/reports/{report.pk}/photos/1/" in body
    response = english.post(f"/reports/reports/{report.pk}/",
                            {"action": "link", "incident": incident.pk})
    assert response.status_code == 302 and response["Location"] == (
        f"/reports/incidents/{incident.pk}/")
    report.refresh_from_db()
    assert report.incident == incident
    detail = english.get(f"/reports/incidents/{incident.pk}/").content.decode()
    assert f"/reports/reports/{report.pk}/" in detail


def test_the_report_page_opens_a_new_incident(english, officer, public_report):
    report = public_report(category="drug_dealing", description="Bán ma túy sau trường")
    english.force_login(officer)
    response = english.post(f"/reports/reports/{report.pk}/",
                            {"action": "open", "summary": "Nghi bán ma túy"})
    incident = Incident.objects.get()
    assert response.status_code == 302 and incident.is_tip
    assert incident.summary == "Nghi bán ma túy" and incident.channel == Channel.PUBLIC_WEB
    again = english.post(f"/reports/reports/{report.pk}/", {"action": "open"})
    assert again.status_code == 409


def test_a_province_viewer_reads_but_does_not_act(english, province_viewer, public_report):
    report = public_report()
    english.force_login(province_viewer)
    assert english.get(f"/reports/reports/{report.pk}/").status_code == 200
    assert english.post(f"/reports/reports/{report.pk}/",
                        {"action": "open"}).status_code == 403


def test_photos_are_served_to_staff_in_scope_only_and_never_cached(
        english, officer, other_officer, resident, public_report):
    report = public_report(photos=[photo(jpeg(gps=True))])
    english.force_login(officer)
    response = english.get(f"/reports/reports/{report.pk}/photos/1/")
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert "no-store" in response["Cache-Control"]
    assert Image.open(io.BytesIO(response.content)).format == "JPEG"
    assert english.get(f"/reports/reports/{report.pk}/photos/2/").status_code == 404
    for user in (other_officer, resident):
        english.force_login(user)
        assert english.get(f"/reports/reports/{report.pk}/photos/1/").status_code == 404
        assert english.get(f"/reports/reports/{report.pk}/").status_code == 404


def test_additions_show_on_the_staff_report_page(english, officer, public_report):
    report = public_report()
    public_services.report_add_public(report=report, text="Thêm chi tiết", photos=[photo()])
    english.force_login(officer)
    body = english.get(f"/reports/reports/{report.pk}/").content.decode()
    assert "Added later by the sender" in body and "Thêm chi tiết" in body
    assert f"/reports/reports/{report.pk}/photos/1/" in body


def test_the_incident_list_links_to_the_reports_to_link(english, officer):
    english.force_login(officer)
    assert 'href="/reports/intake/' in english.get("/reports/").content.decode()
