"""Whatever a client sends, the answer is the spec's error list with a 4xx or a success:
never a 500 (hypothesis drives the parsers of dates, points, ids and codes)."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.open311.conftest import BASE

pytestmark = pytest.mark.django_db

FILTERS = ("start_date", "end_date", "status", "service_code", "service_request_id",
           "jurisdiction_id", "locale")
FIELDS = ("service_code", "lat", "long", "jurisdiction_id", "description", "address_string",
          "address_id", "requested_datetime", "media_url", "first_name", "last_name", "phone",
          "email")
text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=60) | st.just("a\x00b")
numberish = st.one_of(text, st.floats(allow_nan=True, allow_infinity=True).map(str),
                      st.integers().map(str))
FUZZ = settings(max_examples=60, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])


@FUZZ
@given(params=st.dictionaries(st.sampled_from(FILTERS), numberish, max_size=4),
       fmt=st.sampled_from(["json", "xml"]))
def test_any_query_string_is_answered_without_a_500(client, params, fmt):
    response = client.get(f"{BASE}/requests.{fmt}?{urlencode(params)}")

    assert response.status_code in (200, 400), response.content


@FUZZ
@given(fields=st.dictionaries(st.sampled_from(FIELDS), numberish, max_size=8))
def test_any_form_post_is_answered_without_a_500(client, api_key, fields):
    from django.core.cache import cache

    cache.clear()  # the hourly limit is not what is tested here
    fields.setdefault("service_code", "fire")
    response = client.post(f"{BASE}/requests.json", urlencode({"api_key": api_key, **fields}),
                           content_type="application/x-www-form-urlencoded")

    assert response.status_code in (200, 400), response.content
    if response.status_code == 400:
        assert response.json()[0]["code"] == 400


@FUZZ
@given(segment=text.filter(lambda s: "/" not in s and "?" not in s and "#" not in s))
def test_any_id_or_code_in_the_path_is_answered_without_a_500(client, segment):
    from urllib.parse import quote

    for path in (f"requests/{quote(segment)}.json", f"services/{quote(segment)}.xml",
                 f"tokens/{quote(segment)}.json"):
        assert client.get(f"{BASE}/{path}").status_code in (200, 400, 404)
