"""Public reporting through the API (issue 5, items 2 and 6): a report without an account, as
JSON or multipart with photos; following it with the receipt secret in a header; adding to it.
Bad input is a clear 4xx naming the field and the rule, and leaves nothing half-written."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import ExifTags, Image

from safecommune.core.models import AuditEntry
from safecommune.receipts.models import PublicReceipt
from safecommune.reports import services as report_services
from safecommune.reports.models import (
    Channel,
    Report,
    ReportAddition,
    ReporterIdentity,
    ReportPhoto,
)
from safecommune.reports.public import services as public_services
from safecommune.territory.services import commune_settings_update, village_create
from tests.reports.factories import IA_KRAI_CENTRE, CategoryFactory, offset

API = "/api/v1/public/reports"
IA_KRAI = "23776"
MB = 1024 * 1024


def jpeg(size=(32, 24), colour=(200, 40, 40), gps=False) -> bytes:
    image = Image.new("RGB", size, colour)
    output = io.BytesIO()
    if gps:
        exif = Image.Exif()
        exif[ExifTags.Base.Model] = "Pixel 7"
        exif.get_ifd(ExifTags.IFD.GPSInfo).update({
            ExifTags.GPS.GPSLatitudeRef: "N", ExifTags.GPS.GPSLatitude: (14.0, 0.0, 18.0),
            ExifTags.GPS.GPSLongitudeRef: "E", ExifTags.GPS.GPSLongitude: (107.0, 41.0, 6.0)})
        image.save(output, "JPEG", exif=exif)
    else:
        image.save(output, "JPEG")
    return output.getvalue()


def photo(data: bytes | None = None, name="photo.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data if data is not None else jpeg(), "image/jpeg")


def body(**changes) -> dict:
    data = {"commune": IA_KRAI, "category": "theft",
            "description": "Hai thanh niên lấy trộm xe máy trước chợ",
            "place": "Trước cổng chợ Ia Krái"}
    data.update(changes)
    return data


def send(client, data=None, **extra):
    return client.post(API, json.dumps(data if data is not None else body()),
                       content_type="application/json", **extra)


def send_multipart(client, data=None, photos=(), **extra):
    fields = {k: v for k, v in (data if data is not None else body()).items() if v is not None}
    return client.post(API, {**fields, "photos": list(photos)}, **extra)


def secret_header(secret: str) -> dict:
    return {"HTTP_X_RECEIPT_SECRET": secret}


def follow(client, code, secret):
    return client.get(f"{API}/{code}", **secret_header(secret))


def errors(response) -> list[tuple[str, str]]:
    return [(e["field"], e["rule"]) for e in response.json()["errors"]]


def nothing_written():
    return not (Report.objects.exists() or ReportPhoto.objects.exists()
                or ReporterIdentity.objects.exists() or PublicReceipt.objects.exists()
                or ReportAddition.objects.exists())


@pytest.fixture(autouse=True)
def english(client):
    client.cookies["safecommune_language"] = "en"


# --- Submitting ------------------------------------------------------------------------------

def test_anonymous_json_report_gives_a_receipt_and_a_public_web_report(client, db):
    response = send(client)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["status"] == "received" and data["photo_count"] == 0
    assert "no-store" in response["Cache-Control"]
    report = Report.objects.get()
    assert (report.channel, report.is_anonymous, report.created_by) == (
        Channel.PUBLIC_WEB, True, None)
    assert not ReporterIdentity.objects.exists()
    receipt = PublicReceipt.objects.get()
    assert (receipt.kind, receipt.object_id) == ("report", str(report.pk))
    assert data["receipt"].replace("-", "") == receipt.code
    assert AuditEntry.objects.filter(action="report.create", object_id=str(report.pk)).exists()


def test_multipart_report_keeps_photos_without_their_metadata(client, db):
    original = jpeg(gps=True)
    assert b"Exif" in original
    response = send_multipart(client, body(latitude=IA_KRAI_CENTRE[0],
                                           longitude=IA_KRAI_CENTRE[1]),
                              photos=[photo(original), photo(jpeg(colour=(0, 90, 0)))])
    assert response.status_code == 201, response.content
    assert response.json()["photo_count"] == 2
    photos = list(ReportPhoto.objects.order_by("position"))
    assert [p.position for p in photos] == [1, 2]
    kept = Image.open(io.BytesIO(bytes(photos[0].content)))
    assert kept.format == "JPEG" and not kept.getexif()
    assert b"Exif" not in bytes(photos[0].content) and b"Pixel 7" not in bytes(photos[0].content)
    assert photos[0].commune.code == IA_KRAI
    report = Report.objects.get()
    assert report.point == pytest.approx(IA_KRAI_CENTRE)
    audit = AuditEntry.objects.get(action="report.photos_add")
    assert audit.details["count"] == 2


def test_named_report_keeps_the_identity_encrypted_apart(client, db):
    response = send(client, body(reporter_name="Rơ Mah Hlin", reporter_phone="0905 111 222"))
    assert response.status_code == 201
    report = Report.objects.get()
    assert not report.is_anonymous
    identity = ReporterIdentity.objects.get(report=report)
    assert (identity.name, identity.phone) == ("Rơ Mah Hlin", "0905 111 222")
    assert "Rơ Mah Hlin" not in response.content.decode()


def test_a_retried_post_with_an_idempotency_key_creates_one_report(client, db):
    first = send(client, HTTP_IDEMPOTENCY_KEY="retry-report-0001")
    again = send(client, HTTP_IDEMPOTENCY_KEY="retry-report-0001")
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert Report.objects.count() == 1 and PublicReceipt.objects.count() == 1
    other = send(client, body(description="Khác"), HTTP_IDEMPOTENCY_KEY="retry-report-0001")
    assert other.status_code == 422 and Report.objects.count() == 1


def test_a_retried_multipart_post_with_an_idempotency_key_creates_one_report(client, db):
    first = send_multipart(client, photos=[photo()], HTTP_IDEMPOTENCY_KEY="retry-photos-0001")
    again = send_multipart(client, photos=[photo()], HTTP_IDEMPOTENCY_KEY="retry-photos-0001")
    assert first.status_code == again.status_code == 201, again.content
    assert again["Idempotent-Replayed"] == "true" and again.json() == first.json()
    assert Report.objects.count() == 1 and ReportPhoto.objects.count() == 1
    other = send_multipart(client, photos=[photo(jpeg(colour=(1, 2, 3)))],
                           HTTP_IDEMPOTENCY_KEY="retry-photos-0001")
    assert other.status_code == 422 and Report.objects.count() == 1


def test_a_refused_multipart_post_keeps_nothing_so_its_key_serves_the_corrected_one(client, db):
    refused = send_multipart(client, photos=[photo(b"not an image", name="x.jpg")],
                             HTTP_IDEMPOTENCY_KEY="retry-photos-0002")
    assert refused.status_code == 422 and not Report.objects.exists()
    again = send_multipart(client, photos=[photo(b"not an image", name="x.jpg")],
                           HTTP_IDEMPOTENCY_KEY="retry-photos-0002")
    assert again.status_code == 422 and "Idempotent-Replayed" not in again
    corrected = send_multipart(client, photos=[photo()], HTTP_IDEMPOTENCY_KEY="retry-photos-0002")
    assert corrected.status_code == 201 and Report.objects.count() == 1


def test_a_retried_multipart_post_does_not_decode_its_photos_again(client, db, monkeypatch):
    from safecommune.reports.public import services as public_services_module

    decoded = []
    real = public_services_module.image_sanitize
    monkeypatch.setattr(public_services_module, "image_sanitize",
                        lambda *args, **kwargs: decoded.append(1) or real(*args, **kwargs))
    first = send_multipart(client, photos=[photo()], HTTP_IDEMPOTENCY_KEY="retry-photos-0003")
    again = send_multipart(client, photos=[photo()], HTTP_IDEMPOTENCY_KEY="retry-photos-0003")
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true" and "no-store" in again["Cache-Control"]
    assert len(decoded) == 1 and Report.objects.count() == 1


def test_a_tip_category_open_to_residents_is_accepted_and_opens_a_tip(client, officer):
    response = send(client, body(category="drug_dealing", description="Có người bán ma túy"))
    assert response.status_code == 201
    report = Report.objects.get()
    incident = report_services.incident_open_from_report(actor=officer, report=report)
    assert incident.is_tip and incident.forward_due_at is not None


@pytest.mark.parametrize("changes,status,error", [
    ({"category": "no_such"}, 404, ("category", "exists")),
    ({"category": "national_security"}, 404, ("category", "exists")),
    ({"commune": "99999"}, 404, ("commune", "exists")),
    ({"description": ""}, 422, ("description", "string_too_short")),
    ({"description": "   "}, 422, ("description", "required")),
    ({"description": "x" * 4001}, 422, ("description", "string_too_long")),
    ({"place": "", "latitude": None}, 422, ("village", "required")),
    ({"latitude": 14.0}, 422, ("longitude", "required")),
    ({"latitude": 21.03, "longitude": 105.85}, 400, ("point", "outside_commune")),
    ({"latitude": 95, "longitude": 105.85}, 400, ("lat", "range")),
    ({"occurred_at": "2999-01-01T00:00:00+07:00"}, 422, ("occurred_at", "future")),
    ({"occurred_at": "yesterday"}, 422, ("occurred_at", "datetime_from_date_parsing")),
    ({"village_id": 999999}, 404, ("village_id", "exists")),
    ({"reporter_phone": "call me"}, 422, ("reporter_phone", "phone")),
    ({"reporter_name": "Ksor", "is_anonymous": True}, 422, ("is_anonymous", "anonymous_named")),
])
def test_bad_report_is_a_clear_4xx_and_writes_nothing(client, db, changes, status, error):
    response = send(client, body(**changes))
    assert response.status_code == status, response.content
    assert errors(response)[0] == error
    assert response.json()["errors"][0]["message"]
    assert nothing_written()


def test_the_point_outside_the_commune_says_so(client, db):
    response = send(client, body(latitude=21.03, longitude=105.85))
    assert response.status_code == 400
    assert "outside" in response.json()["errors"][0]["message"]


def test_an_archived_category_is_refused(client, db):
    category = CategoryFactory(code="archived_public", archived_at=timezone.now())
    response = send(client, body(category=category.code))
    assert (response.status_code, errors(response)) == (400, [("category", "archived")])
    assert nothing_written()


def test_a_commune_with_closed_public_pages_takes_no_reports(client, ia_krai):
    commune_settings_update(commune=ia_krai, public_pages_open=False)
    response = send(client)
    assert (response.status_code, errors(response)) == (404, [("commune", "closed")])
    assert nothing_written()


def test_a_body_that_is_not_json_is_a_400_naming_the_body(client, db):
    response = client.post(API, "{not json", content_type="application/json")
    assert (response.status_code, errors(response)) == (422, [("body", "json")])
    assert nothing_written()


def test_a_50_mb_photo_is_refused_naming_the_field_and_rule(client, db):
    huge = SimpleUploadedFile("huge.jpg", jpeg() + b"\0" * (50 * MB), "image/jpeg")
    response = send_multipart(client, photos=[huge])
    assert response.status_code == 422, response.content
    assert errors(response) == [("photos", "max_size")]
    assert "Photo 1" in response.json()["errors"][0]["message"]
    assert nothing_written()


def test_a_file_that_is_not_an_image_is_refused(client, db):
    response = send_multipart(client, photos=[photo(b"%PDF-1.4 not an image", "scan.jpg")])
    assert (response.status_code, errors(response)) == (422, [("photos", "format")])
    assert nothing_written()


def test_more_photos_than_allowed_are_refused(client, db, settings):
    settings.SAFECOMMUNE_REPORT_MAX_PHOTOS = 2
    response = send_multipart(client, photos=[photo(), photo(), photo()])
    assert (response.status_code, errors(response)) == (422, [("photos", "max_count")])
    assert nothing_written()


def test_a_bad_third_photo_leaves_no_report_no_photos_no_receipt(client, db):
    response = send_multipart(client, body(reporter_name="Siu Hyun"),
                              photos=[photo(), photo(), photo(b"GIF89a not really")])
    assert (response.status_code, errors(response)) == (422, [("photos", "format")])
    assert "Photo 3" in response.json()["errors"][0]["message"]
    assert nothing_written()
    assert not AuditEntry.objects.filter(action__startswith="report.").exists()


def test_a_failure_while_storing_the_third_photo_rolls_everything_back(client, db,
                                                                        monkeypatch):
    saved = []
    original_save = ReportPhoto.save

    def failing_save(self, *args, **kwargs):
        saved.append(self.position)
        if self.position == 3:
            raise OSError("disk full")
        return original_save(self, *args, **kwargs)

    monkeypatch.setattr(ReportPhoto, "save", failing_save)
    client.raise_request_exception = False
    response = send_multipart(client, body(reporter_name="Siu Hyun"),
                              photos=[photo(), photo(), photo()])
    assert response.status_code == 500 and saved == [1, 2, 3]
    assert nothing_written()
    assert not AuditEntry.objects.filter(action__startswith="report.").exists()


# --- Following and adding --------------------------------------------------------------------

def test_follow_shows_a_coarse_status_and_never_notes_or_identities(client, officer, chief):
    data = send(client, body(reporter_name="Kpă Thị Mai", reporter_phone="0905 333 444")).json()
    response = follow(client, data["receipt"], data["secret"])
    assert response.status_code == 200
    shown = response.json()
    assert (shown["status"], shown["category"], shown["may_add"]) == ("received", "theft", True)
    assert "no-store" in response["Cache-Control"]
    report = Report.objects.get()
    incident = report_services.incident_open_from_report(actor=officer, report=report,
                                                         assignee=officer)
    report_services.incident_note_add(actor=officer, incident=incident,
                                      text="Nghi phạm Y Bhăm, đã xác minh tại chợ")
    report_services.incident_transition(actor=officer, incident=incident, to_status="verifying")
    shown = follow(client, data["receipt"].lower(), data["secret"])
    text = shown.content.decode()
    assert shown.json()["status"] == "in_progress"
    for private in ("Kpă Thị Mai", "0905 333 444", "Y Bhăm", officer.username, "verifying"):
        assert private not in text, private
    for step in ("verified", "handling", "resolved", "closed"):
        report_services.incident_transition(actor=chief, incident=incident, to_status=step)
    done = follow(client, data["receipt"], data["secret"]).json()
    assert (done["status"], done["may_add"]) == ("done", False)


def test_wrong_or_missing_secret(client, db):
    data = send(client).json()
    wrong = follow(client, data["receipt"], "not-the-secret")
    assert (wrong.status_code, errors(wrong)) == (404, [("code", "receipt")])
    missing = client.get(f"{API}/{data['receipt']}")
    assert (missing.status_code, errors(missing)) == (422, [("X-Receipt-Secret", "required")])


def test_a_feedback_receipt_does_not_open_a_report(client, ia_krai):
    from safecommune.outreach.services import feedback_submit

    _feedback, issued = feedback_submit(commune=ia_krai, topic="question", text="?")
    assert follow(client, issued.code, issued.secret).status_code == 404


@pytest.mark.parametrize("exists", [True, False])
def test_a_receipt_guessed_a_thousand_times_is_locked_the_same_whether_it_exists(
        client, db, settings, exists):
    settings.SAFECOMMUNE_PUBLIC_RATE_LIMITS = {"lookup": 10_000}
    data = send(client).json()
    code = data["receipt"] if exists else "ZZZZZ-ZZZZZ"
    responses = [follow(client, code, f"guess-{n}") for n in range(1000)]
    statuses = [r.status_code for r in responses]
    assert statuses[:10] == [404] * 10 and set(statuses[10:]) == {429}
    assert {r.json()["errors"][0]["message"] for r in responses[:10]} == {
        "No submission matches this receipt code and secret."}
    assert len({r.json()["errors"][0]["message"] for r in responses[10:]}) == 1
    if exists:
        assert follow(client, code, data["secret"]).status_code == 429


def test_lookups_are_rate_limited_per_address(client, db):
    statuses = [follow(client, f"AAAAA-{n:05d}", "x").status_code for n in range(31)]
    assert statuses[:30] == [404] * 30 and statuses[30] == 429


def test_submissions_are_rate_limited_per_address(client, db):
    statuses = [send(client, REMOTE_ADDR="198.51.100.31").status_code for _ in range(11)]
    assert statuses[:10] == [201] * 10 and statuses[10] == 429
    assert send(client, REMOTE_ADDR="198.51.100.32").status_code == 201
    assert Report.objects.count() == 11


def test_additions_with_text_and_photos_are_audited(client, db):
    data = send(client).json()
    added = client.post(f"{API}/{data['receipt']}/additions",
                        json.dumps({"text": "Biển số 81B1-123.45"}),
                        content_type="application/json", **secret_header(data["secret"]))
    assert added.status_code == 201, added.content
    with_photos = client.post(f"{API}/{data['receipt']}/additions",
                              {"photos": [photo(jpeg(gps=True)), photo()]},
                              **secret_header(data["secret"]))
    assert with_photos.status_code == 201, with_photos.content
    shown = with_photos.json()
    assert shown["photo_count"] == 2
    assert [(a["text"], a["photo_count"]) for a in shown["additions"]] == [
        ("Biển số 81B1-123.45", 0), ("", 2)]
    assert AuditEntry.objects.filter(action="report.public_addition").count() == 2
    assert all(p.addition_id for p in ReportPhoto.objects.all())


def test_bad_additions_write_nothing(client, db, settings):
    settings.SAFECOMMUNE_REPORT_MAX_PHOTOS = 2
    data = send_multipart(client, photos=[photo()]).json()
    url, header = f"{API}/{data['receipt']}/additions", secret_header(data["secret"])
    empty = client.post(url, json.dumps({"text": " "}), content_type="application/json",
                        **header)
    assert (empty.status_code, errors(empty)) == (422, [("text", "required")])
    too_many = client.post(url, {"photos": [photo(), photo()]}, **header)
    assert (too_many.status_code, errors(too_many)) == (422, [("photos", "max_count")])
    wrong = client.post(url, json.dumps({"text": "x"}), content_type="application/json",
                        **secret_header("wrong"))
    assert wrong.status_code == 404
    assert not ReportAddition.objects.exists() and ReportPhoto.objects.count() == 1


def test_a_closed_case_takes_no_additions(client, officer, chief):
    data = send(client).json()
    incident = report_services.incident_open_from_report(actor=officer,
                                                         report=Report.objects.get())
    for step in ("verifying", "unfounded", "closed"):
        report_services.incident_transition(actor=chief, incident=incident, to_status=step)
    response = client.post(f"{API}/{data['receipt']}/additions", json.dumps({"text": "Còn nữa"}),
                           content_type="application/json", **secret_header(data["secret"]))
    assert (response.status_code, errors(response)) == (409, [("text", "closed")])
    assert not ReportAddition.objects.exists()


def test_the_service_checks_the_photo_count_again_under_the_lock(db, ia_krai, settings):
    settings.SAFECOMMUNE_REPORT_MAX_PHOTOS = 1
    report, _issued = public_services.report_submit_public(
        commune=ia_krai, category="theft", description="Mất xe", place="Chợ")
    images = public_services.photos_sanitize([photo()])
    public_services._photos_store(report=report, images=images)
    with pytest.raises(Exception) as caught:
        public_services.report_add_public(report=report, photos=[photo()])
    assert caught.value.field == "photos" and caught.value.rule == "max_count"


def test_a_village_places_the_report(client, ia_krai):
    village = village_create(commune=ia_krai, name="Làng Ia Bang")
    response = send(client, body(place="", village_id=village.pk,
                                 occurred_at=(timezone.now() - timedelta(hours=3)).isoformat()))
    assert response.status_code == 201
    report = Report.objects.get()
    assert report.village == village and report.occurred_at is not None


@pytest.mark.parametrize("village_id", [0, -1, 2**63, 10**20])
def test_a_village_id_no_row_can_have_is_a_404_naming_it(client, ia_krai, village_id):
    response = send(client, body(village_id=village_id))
    assert response.status_code == 404
    assert response.json()["errors"][0]["field"] == "village_id"
    assert not Report.objects.exists()


def test_a_submission_sends_the_statements_of_the_hot_path_and_no_more(client, ia_krai):
    """docs/decisions/0022: a regression here is a slower public intake, so it is counted."""
    from django.db import connection

    village = village_create(commune=ia_krai, name="Làng Ia Bang")
    send(client, body(), HTTP_IDEMPOTENCY_KEY="warm-up-0001")  # first chain entry, keys made
    data = body(village_id=village.pk, latitude=IA_KRAI_CENTRE[0],
                longitude=IA_KRAI_CENTRE[1], reporter_name="Rơ Châm H'Bia")
    sent: list[str] = []

    def record(execute, sql, params, many, context):
        sent.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):  # sees the statements' text on both databases
        response = send(client, data, HTTP_IDEMPOTENCY_KEY="counted-0001")
    assert response.status_code == 201
    statements = [sql.split()[0] for sql in sent if not sql.startswith(("SAVEPOINT", "RELEASE"))]
    # The commune, its settings, the village, the category and the polygon in one SELECT; the
    # report; the identity; the chain's head; the audit entry with the new head (one statement
    # on PostgreSQL, two on SQLite); the receipt; the answer kept for the Idempotency-Key, in
    # the same transaction.
    expected = ["SELECT", "INSERT", "INSERT", "SELECT", "WITH", "INSERT", "INSERT"]
    if connection.vendor != "postgresql":
        expected[4:5] = ["INSERT", "UPDATE"]
    assert statements == expected, [sql[:80] for sql in sent]


def test_the_openapi_document_describes_json_and_multipart_bodies(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/public/reports"]["post"]
    content = operation["requestBody"]["content"]
    assert {"application/json", "multipart/form-data"} <= set(content)
    assert "photos" in content["multipart/form-data"]["schema"]["properties"]
    assert "/api/v1/public/reports/{code}/additions" in schema["paths"]


def test_a_point_near_the_centre_is_inside(client, db):
    near = offset(IA_KRAI_CENTRE, north_m=300)
    response = send(client, body(latitude=near[0], longitude=near[1]))
    assert response.status_code == 201
