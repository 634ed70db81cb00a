"""A person's optional photo: uploaded on the pages or through the API, stripped of its
metadata, kept privately and served only to those who may open the person's record."""

import io
import json
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from PIL import ExifTags, Image

from safecommune.accounts.roles import Role
from safecommune.core.models import AuditEntry
from safecommune.residents import services
from safecommune.residents.models import Person, PersonPhoto, Relation
from tests.core.test_images import encoded, jpeg_with_metadata, png_header_only

API = "/api/v1"


@pytest.fixture(autouse=True)
def _english(client):
    client.cookies["safecommune_language"] = "en"


def jpeg_upload(data=None, name="IMG_0001.jpg"):
    return SimpleUploadedFile(name, data or jpeg_with_metadata(), content_type="image/jpeg")


def put_photo(client, person, upload):
    return client.put(f"{API}/persons/{person.pk}/photo",
                      encode_multipart(BOUNDARY, {"photo": upload}),
                      content_type=MULTIPART_CONTENT)


def stored(person) -> Image.Image:
    return Image.open(io.BytesIO(bytes(PersonPhoto.objects.get(person=person).content)))


def assert_no_metadata(image: Image.Image, content: bytes):
    assert not image.getexif() and not image.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert not {"exif", "xmp", "icc_profile", "comment"} & set(image.info)
    assert b"Exif" not in content and b"Canon" not in content and b"xmpmeta" not in content


def test_api_put_keeps_only_the_pixels_and_the_page_serves_them_privately(
        client, officer, make_person):
    person = make_person()
    client.force_login(officer)

    response = put_photo(client, person, jpeg_upload())

    assert response.status_code == 200, response.content
    data = response.json()
    assert data["url"] == f"/residents/persons/{person.pk}/photo/"
    assert (data["width"], data["height"], data["content_type"]) == (20, 40, "image/jpeg")
    photo = PersonPhoto.objects.get(person=person)
    assert_no_metadata(stored(person), bytes(photo.content))
    assert photo.commune == person.commune and photo.size == data["size"]

    served = client.get(data["url"])
    assert served.status_code == 200
    assert served["Content-Type"] == "image/jpeg"
    assert served["Cache-Control"] == "private, no-store"
    assert served.content == bytes(photo.content)
    assert_no_metadata(Image.open(io.BytesIO(served.content)), served.content)

    entry = AuditEntry.objects.get(action="person.photo_set")
    assert entry.object_id == str(person.pk) and entry.actor == officer
    assert entry.details == {"bytes": photo.size, "sha256": photo.sha256, "replaced": False}
    assert client.get(f"{API}/persons/{person.pk}").json()["photo_url"] == data["url"]


def test_replacing_and_deleting_the_photo_are_audited(client, officer, make_person):
    person = make_person()
    client.force_login(officer)
    put_photo(client, person, jpeg_upload())
    png = encoded(Image.new("RGB", (10, 10), "green"), "PNG")
    assert put_photo(client, person, jpeg_upload(png, "x.png")).json()["width"] == 10
    assert PersonPhoto.objects.count() == 1
    assert AuditEntry.objects.filter(action="person.photo_set").last().details["replaced"]

    assert client.delete(f"{API}/persons/{person.pk}/photo").status_code == 204
    assert not PersonPhoto.objects.exists()
    assert AuditEntry.objects.filter(action="person.photo_remove").count() == 1
    assert client.get(f"/residents/persons/{person.pk}/photo/").status_code == 404
    again = client.delete(f"{API}/persons/{person.pk}/photo")
    assert again.status_code == 404 and again.json()["errors"][0]["field"] == "photo"


@pytest.mark.parametrize("data,rule", [
    (b"GIF89a not really", "format"),
    (b"%PDF-1.7 with a .jpg name", "format"),
    (None, "max_pixels"),
    (b"", "required"),
])
def test_api_bad_photo_names_field_and_rule_and_keeps_the_old_one(
        client, officer, make_person, data, rule):
    person = make_person()
    services.person_photo_set(actor=officer, person=person, photo=jpeg_upload())
    before = bytes(PersonPhoto.objects.get().content)
    client.force_login(officer)
    upload = SimpleUploadedFile("photo.jpg", png_header_only(30_000, 30_000)
                                if data is None else data, content_type="image/jpeg")
    response = put_photo(client, person, upload)
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert (error["field"], error["rule"]) == ("photo", rule) and error["message"]
    assert bytes(PersonPhoto.objects.get().content) == before
    assert AuditEntry.objects.filter(action="person.photo_set").count() == 1


def test_api_oversize_photo_is_refused_by_the_setting(client, officer, make_person, settings):
    settings.SAFECOMMUNE_PHOTO_MAX_BYTES = 1000
    person = make_person()
    client.force_login(officer)
    response = put_photo(client, person, jpeg_upload(b"\xff\xd8" + b"\x00" * 2000))
    assert response.status_code == 422
    assert response.json()["errors"][0]["rule"] == "max_size"
    assert not PersonPhoto.objects.exists()


def test_api_put_without_a_file_says_which_field(client, officer, make_person):
    person = make_person()
    client.force_login(officer)
    response = client.put(f"{API}/persons/{person.pk}/photo",
                          encode_multipart(BOUNDARY, {"picture": jpeg_upload()}),
                          content_type=MULTIPART_CONTENT)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "photo"
    json_body = client.put(f"{API}/persons/{person.pk}/photo", json.dumps({}),
                           content_type="application/json")
    assert json_body.status_code == 422


def test_photo_is_served_to_those_who_may_open_the_record_only(
        client, officer, other_officer, province_viewer, make_user, make_person,
        make_household, ia_krai):
    person = make_person()
    make_household(members=[(person, Relation.HEAD)])
    services.person_photo_set(actor=officer, person=person, photo=jpeg_upload())
    path = f"/residents/persons/{person.pk}/photo/"

    assert client.get(path).status_code == 302  # anonymous: sign in first
    client.force_login(other_officer)
    assert client.get(path).status_code == 404
    assert put_photo(client, person, jpeg_upload()).status_code == 404
    assert client.delete(f"{API}/persons/{person.pk}/photo").status_code == 404
    client.force_login(province_viewer)
    assert client.get(path).status_code == 200
    assert put_photo(client, person, jpeg_upload()).status_code == 403
    assert client.delete(f"{API}/persons/{person.pk}/photo").status_code == 403
    stranger = make_user(Role.RESIDENT, ia_krai)
    client.force_login(stranger)
    assert client.get(path).status_code == 404
    member = make_user(Role.RESIDENT, ia_krai)
    Person.objects.filter(pk=person.pk).update(user=member)
    client.force_login(member)
    assert client.get(path).status_code == 200
    assert PersonPhoto.objects.count() == 1
    assert AuditEntry.objects.filter(action__startswith="person.photo").count() == 1


def test_person_page_with_a_photo_creates_both_and_shows_it(client, officer, ia_krai):
    client.force_login(officer)
    response = client.post(f"/residents/persons/new/?commune={ia_krai.code}", {
        "commune": ia_krai.code, "full_name": "Lê Văn Dũng", "birth_date": "1990-01-01",
        "sex": "male", "nationality": "VN", "photo": jpeg_upload()})
    assert response.status_code == 302
    person = Person.objects.get()
    assert_no_metadata(stored(person), bytes(person.photo.content))
    page = client.get(f"/residents/persons/{person.pk}/").content.decode()
    assert f'src="/residents/persons/{person.pk}/photo/"' in page
    assert 'enctype="multipart/form-data"' in client.get(
        f"/residents/persons/new/?commune={ia_krai.code}").content.decode()


def test_person_page_with_a_bad_photo_writes_no_person(client, officer, ia_krai):
    client.force_login(officer)
    response = client.post(f"/residents/persons/new/?commune={ia_krai.code}", {
        "commune": ia_krai.code, "full_name": "Lê Văn Dũng", "birth_date": "1990-01-01",
        "sex": "male", "nationality": "VN",
        "photo": SimpleUploadedFile("me.jpg", b"not an image", "image/jpeg")})
    assert response.status_code == 400
    assert "not a JPEG, PNG or WebP image" in response.content.decode()
    assert not Person.objects.exists() and not PersonPhoto.objects.exists()
    assert not AuditEntry.objects.filter(action="person.create").exists()


def test_edit_page_replaces_and_removes_the_photo(client, officer, make_person):
    person = make_person()
    client.force_login(officer)
    path = f"/residents/persons/{person.pk}/edit/"
    base = {"full_name": person.full_name, "birth_date": "1990-03-02", "sex": "male",
            "nationality": "VN"}
    assert "remove_photo" not in client.get(path).content.decode()
    assert client.post(path, {**base, "photo": jpeg_upload()}).status_code == 302
    assert PersonPhoto.objects.filter(person=person).exists()
    assert "remove_photo" in client.get(path).content.decode()
    # A wrong date of birth and a good photo: neither is saved.
    response = client.post(path, {**base, "birth_date": "2099-01-01",
                                  "photo": jpeg_upload(encoded(Image.new("RGB", (5, 5)),
                                                               "PNG"), "n.png")})
    assert response.status_code == 400
    assert stored(person).size == (20, 40)
    assert client.post(path, {**base, "remove_photo": "on"}).status_code == 302
    assert not PersonPhoto.objects.exists()
    person.refresh_from_db()
    assert person.birth_date == date(1990, 3, 2)
    assert not AuditEntry.objects.filter(action="person.update").exists()
