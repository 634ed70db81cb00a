"""Domain errors name the field and the rule; oversize or garbled requests are refused early;
error pages render with their status."""

from __future__ import annotations

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpResponse
from django.test import RequestFactory, override_settings
from hypothesis import given
from hypothesis import strategies as st

from safecommune.core.errors import (
    Conflict,
    DomainError,
    NotFound,
    ValidationFailed,
    errors_of,
    full_clean_or_raise,
)
from safecommune.core.middleware import RequestSizeMiddleware
from safecommune.core import views


# --- DomainError and friends ---------------------------------------------------------------

@pytest.mark.parametrize("cls,status", [(DomainError, 400), (NotFound, 404), (Conflict, 409)])
def test_each_error_carries_its_status_field_and_rule(cls, status):
    error = cls("Nope.", field="code", rule="exists")

    assert error.status_code == status
    assert error.as_dict() == {"field": "code", "rule": "exists", "message": "Nope."}
    assert errors_of(error) == [error.as_dict()]
    assert str(error) == "Nope."


def test_not_found_defaults_to_the_not_found_rule():
    assert NotFound("gone").rule == "not_found"
    assert DomainError("bad").rule == "invalid"


def test_validation_failed_keeps_every_error_and_exposes_the_first():
    errors = [{"field": "name", "rule": "required", "message": "Name?"},
              {"field": "kind", "rule": "invalid_choice", "message": "Kind?"}]

    error = ValidationFailed(errors)

    assert error.status_code == 422
    assert (error.field, error.rule, error.message) == ("name", "required", "Name?")
    assert errors_of(error) == errors


def test_validation_failed_without_errors_is_still_an_error():
    error = ValidationFailed([])
    assert error.status_code == 422 and error.rule == "invalid" and error.as_list() == []


def test_django_validation_error_dict_becomes_field_errors():
    exc = ValidationError({
        "latitude": [ValidationError("Too far north.", code="max_value")],
        NON_FIELD_ERRORS: [ValidationError("Duplicate.", code="unique")],
        "name": [ValidationError("Required.")],
    })

    result = errors_of(exc)

    assert {"field": "latitude", "rule": "max_value", "message": "Too far north."} in result
    assert {"field": None, "rule": "unique", "message": "Duplicate."} in result
    assert {"field": "name", "rule": "invalid", "message": "Required."} in result


def test_django_validation_error_list_has_no_field():
    result = errors_of(ValidationError(["One.", ValidationError("Two.", code="two")]))
    assert result == [{"field": None, "rule": "invalid", "message": "One."},
                      {"field": None, "rule": "two", "message": "Two."}]


def test_any_other_exception_becomes_an_invalid_error():
    assert errors_of(ValueError("odd")) == [{"field": None, "rule": "invalid",
                                             "message": "odd"}]


def test_full_clean_or_raise_turns_model_errors_into_validation_failed(db, units):
    from safecommune.territory.models import Village

    village = Village(commune=units("2025", "02926"), name="", latitude=95, longitude=0)

    with pytest.raises(ValidationFailed) as caught:
        full_clean_or_raise(village, validate_constraints=False)

    fields = {(e["field"], e["rule"]) for e in caught.value.as_list()}
    assert {("name", "blank"), ("latitude", "max_value")} <= fields


# --- RequestSizeMiddleware -----------------------------------------------------------------

def passthrough(request):
    return HttpResponse("ok")


LIMIT = 1000


@pytest.fixture
def middleware(settings):
    settings.SAFECOMMUNE_MAX_BODY_BYTES = LIMIT
    return RequestSizeMiddleware(passthrough)


def with_length(value: str | None):
    request = RequestFactory().post("/anything", data=b"", content_type="text/plain")
    if value is None:
        request.META.pop("CONTENT_LENGTH", None)
    else:
        request.META["CONTENT_LENGTH"] = value
    return request


@pytest.mark.parametrize("value,status", [
    (None, 200), ("", 200), ("0", 200), (str(LIMIT), 200), (str(LIMIT + 1), 413),
    (str(10 ** 12), 413), ("-1", 400), ("abc", 400), ("12abc", 400), ("1.5", 400),
])
def test_content_length_is_checked_before_the_view(middleware, value, status):
    assert middleware(with_length(value)).status_code == status


@given(st.integers(min_value=0, max_value=10 ** 15))
def test_any_non_negative_length_passes_or_is_413(length):
    with override_settings(SAFECOMMUNE_MAX_BODY_BYTES=LIMIT):
        response = RequestSizeMiddleware(passthrough)(with_length(str(length)))
    assert response.status_code == (200 if length <= LIMIT else 413)


@pytest.mark.parametrize("content_type,length,status", [
    ("multipart/form-data; boundary=x", LIMIT + 1, 200),
    ("multipart/form-data; boundary=x", 5 * LIMIT, 200),
    ("multipart/form-data; boundary=x", 5 * LIMIT + 1, 413),
    ("application/x-www-form-urlencoded", LIMIT + 1, 413),
    ("application/json", LIMIT + 1, 413),
])
def test_file_uploads_have_their_own_larger_limit(settings, content_type, length, status):
    settings.SAFECOMMUNE_MAX_BODY_BYTES = LIMIT
    settings.SAFECOMMUNE_MAX_UPLOAD_BYTES = 5 * LIMIT
    request = with_length(str(length))
    request.META["CONTENT_TYPE"] = content_type
    assert RequestSizeMiddleware(passthrough)(request).status_code == status


@given(st.integers(max_value=-1))
def test_any_negative_length_is_400(length):
    with override_settings(SAFECOMMUNE_MAX_BODY_BYTES=LIMIT):
        response = RequestSizeMiddleware(passthrough)(with_length(str(length)))
    assert response.status_code == 400


@given(st.text(max_size=20))
def test_no_content_length_value_makes_the_middleware_crash(value):
    with override_settings(SAFECOMMUNE_MAX_BODY_BYTES=LIMIT):
        response = RequestSizeMiddleware(passthrough)(with_length(value))
    assert response.status_code in (200, 400, 413)


def test_413_and_400_bodies_are_json_errors_naming_the_problem(middleware):
    import json

    too_big = json.loads(middleware(with_length(str(LIMIT + 1))).content)
    garbled = json.loads(middleware(with_length("abc")).content)

    assert too_big["errors"][0]["field"] == "body"
    assert str(LIMIT) in too_big["errors"][0]["message"]
    assert garbled["errors"][0]["field"] == "Content-Length"


# --- error pages ---------------------------------------------------------------------------

@pytest.mark.parametrize("handler,status", [
    (views.bad_request, 400), (views.permission_denied, 403), (views.page_not_found, 404),
])
def test_error_pages_render_with_their_status(db, handler, status):
    request = RequestFactory().get("/broken/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    response = handler(request, Exception("x"))

    assert response.status_code == status
    assert f"{status}" in response.content.decode()


def test_server_error_page_renders_even_before_authentication_ran(db):
    # A 500 may come from a middleware that ran before the user was attached to the request.
    request = RequestFactory().get("/broken/")

    response = views.server_error(request)

    assert response.status_code == 500
    assert "<html" in response.content.decode()
