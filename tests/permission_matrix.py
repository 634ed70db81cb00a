"""The permission matrix: every persona against every route, compared with a declared table.

``ROUTES`` names each Django URL pattern and each OpenAPI operation with the request to make and
the expected status per persona. ``tests/test_permission_matrix.py`` fails when a route has no
table, so no later route can skip it. Personas come from ``safecommune.accounts.roles``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from safecommune.accounts.roles import OTHER_COMMUNE_OFFICER, PERSONAS, Role

IA_KRAI, HAI_SON, GIA_LAI = "23776", "06724", "52"

ANON = "anonymous"
STAFF = (Role.COMMUNE_OFFICER, Role.COMMUNE_CHIEF, Role.PROVINCE_VIEWER, Role.PROVINCE_ADMIN,
         Role.SYSTEM_ADMIN, OTHER_COMMUNE_OFFICER)
ACCOUNTS = tuple(p for p in PERSONAS if p != ANON)


def everyone(status: int) -> dict[str, int]:
    return {persona: status for persona in PERSONAS}


def table(default: int, **overrides: int) -> dict[str, int]:
    result = everyone(default)
    result.update(overrides)
    return result


def signed_in(status: int, anonymous: int = 302) -> dict[str, int]:
    return table(status, anonymous=anonymous)


READERS = {"commune_officer": 200, "commune_chief": 200, "province_viewer": 200,
           "province_admin": 200, "system_admin": 200}
EDITORS = {"commune_officer": 200, "commune_chief": 200, "province_admin": 200,
           "system_admin": 200}


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    expected: dict[str, int]
    data: dict | str | None = None
    json: bool = False
    headers: dict = field(default_factory=dict)
    # Makes the record the route needs; returns values for ``path.format(**values)``.
    prepare: Callable[[], dict] | None = None


def _feedback() -> dict:
    from safecommune.outreach.services import feedback_submit
    from safecommune.territory.models import AdministrativeUnit

    commune = AdministrativeUnit.objects.get(structure="2025", code=IA_KRAI)
    feedback, issued = feedback_submit(commune=commune, topic="question", text="Xin hỏi?")
    return {"id": feedback.pk, "code": issued.code, "secret": issued.secret}


def _person() -> dict:
    from datetime import date

    from safecommune.residents.services import household_create, person_create
    from safecommune.territory.models import AdministrativeUnit

    commune = AdministrativeUnit.objects.get(structure="2025", code=IA_KRAI)
    person = person_create(actor=None, unit=commune, full_name="Rơ Mah Ma Trận",
                           birth_date=date(1990, 5, 1), sex="female")
    household = household_create(actor=None, unit=commune, address="Thôn Ma Trận")
    return {"id": person.pk, "household": household.pk}


def _household() -> dict:
    values = _person()
    return {"id": values["household"], "person": values["id"]}


_STAY_PLACES = iter(range(1, 1_000_000))


def _stay() -> dict:
    """A late foreigner's stay at a new accommodation in Ia Krái, recorded by staff."""
    from datetime import date, timedelta

    from django.utils import timezone

    from safecommune.residents.stays.services import stay_notify
    from safecommune.territory.models import AdministrativeUnit
    from safecommune.territory.services import place_create

    commune = AdministrativeUnit.objects.get(structure="2025", code=IA_KRAI)
    place = place_create(commune=commune, kind="accommodation",
                         name=f"Nhà nghỉ Ma Trận {next(_STAY_PLACES)}")
    notice = stay_notify(actor=None, unit=commune, host_kind="accommodation",
                         accommodation=place, guest_full_name="John Matrix",
                         guest_birth_date=date(1985, 1, 1), guest_nationality="US",
                         guest_passport_number="X1234567",
                         arrival_at=timezone.now() - timedelta(days=2),
                         departure_on=timezone.localdate() + timedelta(days=2))
    return {"id": notice.pk, "place": place.pk}


def _public_stay() -> dict:
    from datetime import date, timedelta

    from django.utils import timezone

    from safecommune.residents.stays.services import stay_notify_public
    from safecommune.territory.models import AdministrativeUnit

    commune = AdministrativeUnit.objects.get(structure="2025", code=IA_KRAI)
    _notice, issued = stay_notify_public(
        commune=commune, host_kind="household", host_address="Thôn Ma Trận",
        guest_full_name="Nguyễn Văn Ma Trận", guest_birth_date=date(1990, 1, 1),
        guest_citizen_id="064090012345", arrival_at=timezone.now() - timedelta(hours=1),
        departure_on=timezone.localdate() + timedelta(days=1))
    return {"code": issued.code, "secret": issued.secret}


_STAY_BODY = ('"host_kind": "household", "host_address": "Thôn Ma Trận", '
              '"guest_full_name": "Nguyễn Văn Ma Trận", "guest_birth_date": "1990-01-01", '
              '"citizen_id": "064090012345", "arrival_at": "2025-09-01T10:00:00+07:00", '
              '"departure_on": "2025-09-03"')


def edit_page(path: str) -> Route:
    return Route("get", path, table(403, anonymous=302, **EDITORS))


def api_write(method: str, path: str, body: str, ok: int) -> Route:
    return Route(method, path, table(403, anonymous=401, **{k: ok for k in EDITORS}),
                 data=body, json=True)


# Django URL pattern names and OpenAPI operation ids → the request and expected statuses.
ROUTES: dict[str, Route] = {
    # Pages
    "home": Route("get", "/", everyone(200)),
    "set-language": Route("post", "/language/", everyone(302), data={"language": "en"}),
    "login": Route("get", "/accounts/login/", table(302, anonymous=200)),
    "logout": Route("post", "/accounts/logout/", everyone(302)),
    "password-change": Route("get", "/accounts/password/", signed_in(200)),
    "two-factor": Route("get", "/accounts/two-factor/", signed_in(302)),
    "tokens": Route("get", "/accounts/tokens/", signed_in(200)),
    "unit-search": Route("get", "/search/?q=Tri+Quang", everyone(200)),
    "unit-detail": Route("get", "/units/legacy/02935/", everyone(200)),
    "commune-home": Route("get", f"/communes/{IA_KRAI}/", everyone(200)),
    "commune-settings": edit_page(f"/communes/{IA_KRAI}/settings/"),
    "village-new": edit_page(f"/communes/{IA_KRAI}/villages/new/"),
    "place-new": edit_page(f"/communes/{IA_KRAI}/places/new/"),
    "jobs": Route("get", "/staff/jobs/", table(302, system_admin=200)),
    "admin": Route("get", "/admin/", table(302, system_admin=200)),
    "audit-log": Route("get", "/staff/audit/", table(403, anonymous=302, commune_officer=200,
                                                     commune_chief=200, province_viewer=200,
                                                     province_admin=200, system_admin=200,
                                                     other_commune_officer=200)),
    "feedback-new": Route("get", f"/communes/{IA_KRAI}/feedback/", everyone(200)),
    "receipt-lookup": Route("get", "/receipts/", everyone(200)),
    "feedback-inbox": Route("get", f"/communes/{IA_KRAI}/feedback/inbox/",
                            table(404, anonymous=302, **READERS)),
    "feedback-detail": Route("get", "/feedback/{id}/", table(404, anonymous=302, **READERS),
                             prepare=_feedback),
    "residents-home": Route("get", "/residents/", table(403, anonymous=302,
                                                       other_commune_officer=200, **READERS)),
    "person-new": edit_page(f"/residents/persons/new/?commune={IA_KRAI}"),
    "person-detail": Route("get", "/residents/persons/{id}/",
                           table(404, anonymous=302, **READERS), prepare=_person),
    "household-new": edit_page(f"/residents/households/new/?commune={IA_KRAI}"),
    "household-detail": Route("get", "/residents/households/{id}/",
                              table(404, anonymous=302, **READERS), prepare=_household),
    "my-household": Route("get", "/residents/my-household/", signed_in(200)),
    "stays-home": Route("get", "/residents/stays/", table(403, anonymous=302,
                                                         other_commune_officer=200, **READERS)),
    "stay-new": edit_page(f"/residents/stays/new/?commune={IA_KRAI}"),
    "stay-detail": Route("get", "/residents/stays/{id}/", table(404, anonymous=302, **READERS),
                         prepare=_stay),
    "stay-register": Route("get", "/residents/stays/accommodations/{place}/",
                           table(404, anonymous=302, **READERS), prepare=_stay),
    "stay-notify": Route("get", f"/communes/{IA_KRAI}/stays/notify/", everyone(200)),
    "stay-receipt": Route("get", "/stays/receipt/", everyone(200)),
    "api-v1:api-root": Route("get", "/api/v1/", everyone(404)),
    "api-v1:openapi-json": Route("get", "/api/v1/openapi.json", everyone(200)),
    "api-v1:openapi-view": Route("get", "/api/v1/docs", everyone(200)),
    # API operations (operationId)
    "safecommune_api_system_health": Route("get", "/api/v1/health", everyone(200)),
    "safecommune_api_territory_unit_list": Route("get", "/api/v1/units?q=Ia+Krai",
                                                 everyone(200)),
    "safecommune_api_territory_unit_resolve": Route(
        "get", "/api/v1/units/resolve?structure=legacy&code=02935", everyone(200)),
    "safecommune_api_territory_unit_detail": Route("get", "/api/v1/units/2025/52",
                                                   everyone(200)),
    "safecommune_api_communes_commune_detail": Route("get", f"/api/v1/communes/{IA_KRAI}",
                                                     everyone(200)),
    "safecommune_api_communes_village_list": Route(
        "get", f"/api/v1/communes/{IA_KRAI}/villages", everyone(200)),
    "safecommune_api_communes_place_list": Route("get", f"/api/v1/communes/{IA_KRAI}/places",
                                                 everyone(200)),
    "safecommune_api_communes_village_create": api_write(
        "post", f"/api/v1/communes/{IA_KRAI}/villages", '{"name": "Làng Ma Trận"}', 201),
    "safecommune_api_communes_place_create": api_write(
        "post", f"/api/v1/communes/{IA_KRAI}/places",
        '{"name": "Trạm Ma Trận", "kind": "agency"}', 201),
    "safecommune_api_outreach_feedback_send": Route(
        "post", f"/api/v1/communes/{IA_KRAI}/feedback", everyone(201),
        data='{"topic": "question", "text": "Xin hỏi?"}', json=True),
    "safecommune_api_outreach_feedback_follow": Route(
        "post", "/api/v1/receipts/feedback", everyone(200), prepare=_feedback, json=True,
        data='{{"code": "{code}", "secret": "{secret}"}}'),
    "safecommune_api_outreach_feedback_add": Route(
        "post", "/api/v1/receipts/feedback/messages", everyone(201), prepare=_feedback,
        json=True, data='{{"code": "{code}", "secret": "{secret}", "text": "Thêm"}}'),
    "safecommune_api_outreach_feedback_inbox": Route(
        "get", f"/api/v1/communes/{IA_KRAI}/feedback", table(404, anonymous=401, **READERS)),
    "safecommune_api_outreach_feedback_answer": Route(
        "post", "/api/v1/feedback/{id}/answer",
        table(404, anonymous=401, province_viewer=403, **{k: 201 for k in EDITORS}),
        prepare=_feedback, json=True, data='{{"text": "Trả lời"}}'),
    "safecommune_api_residents_person_list": Route("get", "/api/v1/persons?q=ma+tran",
                                                   table(200, anonymous=401)),
    "safecommune_api_residents_person_detail": Route(
        "get", "/api/v1/persons/{id}", table(404, anonymous=401, **READERS), prepare=_person),
    "safecommune_api_residents_person_create": api_write(
        "post", "/api/v1/persons", '{"unit": "%s", "full_name": "Nguyễn Văn Ma Trận", '
        '"birth_date": "1990-01-01", "sex": "male"}' % IA_KRAI, 201),
    "safecommune_api_residents_household_list": Route("get", "/api/v1/households",
                                                      table(200, anonymous=401)),
    "safecommune_api_residents_household_detail": Route(
        "get", "/api/v1/households/{id}", table(404, anonymous=401, **READERS),
        prepare=_household),
    "safecommune_api_residents_household_create": api_write(
        "post", "/api/v1/households", '{"unit": "%s", "address": "Thôn Ma Trận"}' % IA_KRAI,
        201),
    "safecommune_api_residents_household_add_member": Route(
        "post", "/api/v1/households/{id}/members",
        table(404, anonymous=401, province_viewer=403, **{k: 201 for k in EDITORS}),
        prepare=_household, json=True, data='{{"person_id": {person}, "relation": "head"}}'),
    "safecommune_api_stays_stay_list": Route("get", "/api/v1/stays?view=foreigners",
                                             table(200, anonymous=401)),
    "safecommune_api_stays_stay_counts": Route("get", "/api/v1/stays/counts",
                                               table(200, anonymous=401)),
    "safecommune_api_stays_stay_detail": Route(
        "get", "/api/v1/stays/{id}", table(404, anonymous=401, **READERS), prepare=_stay),
    "safecommune_api_stays_stay_create": api_write(
        "post", "/api/v1/stays", '{"unit": "%s", %s}' % (IA_KRAI, _STAY_BODY), 201),
    "safecommune_api_stays_stay_depart": Route(
        "post", "/api/v1/stays/{id}/departure",
        table(404, anonymous=401, province_viewer=403, **{k: 201 for k in EDITORS}),
        prepare=_stay, json=True, data="{{}}"),
    "safecommune_api_stays_stay_review": Route(
        "post", "/api/v1/stays/{id}/review",
        table(404, anonymous=401, province_viewer=403, **{k: 201 for k in EDITORS}),
        prepare=_stay, json=True, data="{{}}"),
    "safecommune_api_stays_guest_register": Route(
        "get", "/api/v1/accommodations/{place}/guests", table(404, anonymous=401, **READERS),
        prepare=_stay),
    "safecommune_api_stays_stay_notify_public": Route(
        "post", f"/api/v1/communes/{IA_KRAI}/stays", everyone(201),
        data="{%s}" % _STAY_BODY, json=True),
    "safecommune_api_stays_stay_follow": Route(
        "post", "/api/v1/receipts/stay", everyone(200), prepare=_public_stay, json=True,
        data='{{"code": "{code}", "secret": "{secret}"}}'),
    "safecommune_api_communes_commune_settings_patch": api_write(
        "patch", f"/api/v1/communes/{IA_KRAI}/settings", '{"is_remote": true}', 200),
}



# --- Residence records and work lists (issue 4, items 2 and 4) ------------------------------

def _person_dates() -> dict:
    from datetime import timedelta

    from django.utils import timezone

    today = timezone.localdate()
    return {**_person(), "until": (today + timedelta(days=400)).isoformat(),
            "tomorrow": (today + timedelta(days=1)).isoformat(),
            "later": (today + timedelta(days=5)).isoformat()}


def _residence() -> dict:
    from datetime import timedelta

    from django.utils import timezone

    from safecommune.residents.models import Person
    from safecommune.residents.residence.services import absence_declare, temporary_register

    values = _person_dates()
    person = Person.objects.get(pk=values["id"])
    today = timezone.localdate()
    record = temporary_register(actor=None, person=person, address="Thôn Ma Trận",
                                valid_until=today + timedelta(days=30))
    absence = absence_declare(actor=None, person=person, kind="supervised",
                              supervision="probation", consent_reference="QĐ 1/MT",
                              leaves_on=today, expected_return_on=today + timedelta(days=3),
                              destination="Pleiku")
    return {**values, "record": record.pk, "absence": absence.pk}


def _residence_write(path: str, body: str, ok: int, prepare=_residence) -> Route:
    return Route("post", path, table(404, anonymous=401, province_viewer=403,
                                     **{k: ok for k in EDITORS}),
                 prepare=prepare, json=True, data=body)


RESIDENCE_ROUTES: dict[str, Route] = {
    "person-residence": Route("get", "/residents/persons/{id}/residence/",
                              table(404, anonymous=302, **READERS), prepare=_person),
    "residence-work-lists": Route("get", "/residents/work-lists/",
                                  table(403, anonymous=302, other_commune_officer=200,
                                        **READERS)),
    "safecommune_api_residence_residence_history": Route(
        "get", "/api/v1/persons/{id}/residence", table(404, anonymous=401, **READERS),
        prepare=_residence),
    "safecommune_api_residence_permanent_register": _residence_write(
        "/api/v1/persons/{id}/residence/permanent", '{{"address": "Thôn Ma Trận"}}', 201,
        prepare=_person),
    "safecommune_api_residence_temporary_register": _residence_write(
        "/api/v1/persons/{id}/residence/temporary",
        '{{"address": "Thôn Ma Trận", "valid_until": "{until}"}}', 201, prepare=_person_dates),
    "safecommune_api_residence_temporary_renew": _residence_write(
        "/api/v1/residence/{record}/renew", '{{"valid_until": "{until}"}}', 201),
    "safecommune_api_residence_residence_end": _residence_write(
        "/api/v1/residence/{record}/end", '{{"reason": "moved_out"}}', 200),
    "safecommune_api_residence_absence_declare": _residence_write(
        "/api/v1/persons/{id}/absences",
        '{{"kind": "supervised", "supervision": "parole", "consent_reference": "QĐ 2/MT", '
        '"leaves_on": "{tomorrow}", "expected_return_on": "{later}", "destination": "Pleiku"}}',
        201, prepare=_person_dates),
    "safecommune_api_residence_absence_return": _residence_write(
        "/api/v1/absences/{absence}/return", "{{}}", 200),
    "safecommune_api_residence_work_lists": Route(
        "get", "/api/v1/residence/work-lists",
        table(403, anonymous=401, other_commune_officer=200, **READERS)),
}
ROUTES.update(RESIDENCE_ROUTES)


# --- Import and export of residents (issue 4, item 6) ----------------------------------------

class _ImportUpload:
    """A CSV upload the test client can send again for every persona."""

    name = "persons.csv"
    content_type = "text/csv"

    def read(self) -> bytes:
        return ("household_key,address,full_name,birth_date,sex,relation\n"
                "H1,Thôn Ma Trận,Rơ Mah Ma Trận,1990-05-01,female,head\n").encode()


def _import_job() -> dict:
    from safecommune.residents.transfer.importing import job_register
    from safecommune.territory.models import AdministrativeUnit

    commune = AdministrativeUnit.objects.get(structure="2025", code=IA_KRAI)
    return {"job": job_register(actor=None, commune=commune, file_name="persons.csv",
                                fmt="csv", dry_run=False)}


_STAFF_ONLY = {"resident": 403, "team_member": 403, "team_leader": 403}
TRANSFER_ROUTES: dict[str, Route] = {
    "residents-import": Route("get", f"/residents/import/?commune={IA_KRAI}",
                              table(404, anonymous=302, province_viewer=403, **_STAFF_ONLY,
                                    **EDITORS)),
    "residents-import-job": Route("get", "/residents/import/{job}/",
                                  table(404, anonymous=302, **EDITORS), prepare=_import_job),
    "residents-export": Route("get", f"/residents/export/?commune={IA_KRAI}",
                              table(404, anonymous=302, **_STAFF_ONLY, **READERS)),
    "safecommune_api_transfer_import_upload": Route(
        "post", "/api/v1/residents/imports",
        table(404, anonymous=401, province_viewer=403, **_STAFF_ONLY,
              **{k: 202 for k in EDITORS}),
        data={"commune": IA_KRAI, "file": _ImportUpload()}),
    "safecommune_api_transfer_import_status": Route(
        "get", "/api/v1/residents/imports/{job}", table(404, anonymous=401, **EDITORS),
        prepare=_import_job),
    "safecommune_api_transfer_person_export": Route(
        "get", f"/api/v1/residents/export?commune={IA_KRAI}",
        table(404, anonymous=401, **_STAFF_ONLY, **READERS)),
}
ROUTES.update(TRANSFER_ROUTES)


# --- Person edit and photo (issue 4: person edit page and API, optional photo) -------------

_PHOTO_BOUNDARY = "MaTranPhotoBoundary"


def _jpeg() -> bytes:
    import io

    from PIL import Image

    output = io.BytesIO()
    Image.new("RGB", (8, 8), (120, 60, 30)).save(output, "JPEG")
    return output.getvalue()


def _photo_body() -> bytes:
    """A multipart body with one JPEG as the field ``photo`` (sent again for every persona)."""
    return (f"--{_PHOTO_BOUNDARY}\r\nContent-Disposition: form-data; name=\"photo\"; "
            f"filename=\"photo.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n").encode() + _jpeg() + (
        f"\r\n--{_PHOTO_BOUNDARY}--\r\n").encode()


def _person_with_photo() -> dict:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from safecommune.residents.models import Person
    from safecommune.residents.services import person_photo_set

    values = _person()
    person_photo_set(actor=None, person=Person.objects.get(pk=values["id"]),
                     photo=SimpleUploadedFile("photo.jpg", _jpeg(), "image/jpeg"))
    return values


def _person_write(method: str, path: str, ok: int, **kwargs) -> Route:
    return Route(method, path, table(404, anonymous=401, province_viewer=403,
                                     **{k: ok for k in EDITORS}), **kwargs)


PERSON_EDIT_ROUTES: dict[str, Route] = {
    "person-edit": Route("get", "/residents/persons/{id}/edit/",
                         table(404, anonymous=302, province_viewer=403, **EDITORS),
                         prepare=_person),
    "person-photo": Route("get", "/residents/persons/{id}/photo/",
                          table(404, anonymous=302, **READERS), prepare=_person_with_photo),
    "safecommune_api_residents_person_patch": _person_write(
        "patch", "/api/v1/persons/{id}", 200, prepare=_person, json=True,
        data='{{"phone": "0905 123 456"}}'),
    "safecommune_api_residents_person_photo_put": _person_write(
        "put", "/api/v1/persons/{id}/photo", 200, prepare=_person, data=_photo_body(),
        headers={"content_type": f"multipart/form-data; boundary={_PHOTO_BOUNDARY}"}),
    "safecommune_api_residents_person_photo_delete": _person_write(
        "delete", "/api/v1/persons/{id}/photo", 204, prepare=_person_with_photo),
}
ROUTES.update(PERSON_EDIT_ROUTES)


def make_persona(name: str, make_user, units):
    """A user for the persona, holding its role on Ia Krái (or Gia Lai, or Hải Sơn)."""
    if name == ANON:
        return None
    if name == OTHER_COMMUNE_OFFICER:
        return make_user(Role.COMMUNE_OFFICER, units("2025", HAI_SON))
    if name in (Role.PROVINCE_VIEWER, Role.PROVINCE_ADMIN):
        return make_user(name, units("2025", GIA_LAI))
    if name == Role.SYSTEM_ADMIN:
        return make_user(name, is_staff=True, is_superuser=True)
    return make_user(name, units("2025", IA_KRAI))


def call(client, route: Route, **extra):
    kwargs = {**route.headers, **extra}
    if route.json:
        kwargs["content_type"] = "application/json"
    method = getattr(client, route.method)
    path, data = route.path, route.data
    if route.prepare is not None:
        values = route.prepare()
        path = path.format(**values)
        if isinstance(data, str):
            data = data.format(**values)
    if data is None:
        return method(path, **kwargs)
    return method(path, data, **kwargs)

from tests.reports.permission_routes import REPORTS_ROUTES  # noqa: E402
ROUTES.update(REPORTS_ROUTES)
from tests.open311.permission_routes import OPEN311_ROUTES  # noqa: E402
ROUTES.update(OPEN311_ROUTES)
from tests.reports.permission_routes_public import PUBLIC_REPORT_ROUTES  # noqa: E402
ROUTES.update(PUBLIC_REPORT_ROUTES)
from tests.reports.permission_routes_map import MAP_ROUTES  # noqa: E402
ROUTES.update(MAP_ROUTES)
